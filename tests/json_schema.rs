//! Issue 13: every JSON document capplan writes validates against the schema `capplan schema`
//! prints. Each document is checked twice: against the schema of its own kind made strict (no
//! field the report types do not declare), and against the combined schema exactly as printed.

mod support;

use std::path::Path;

use serde_json::Value;
use support::cli::{capplan, scratch, stderr, stdout};

/// The schema `capplan schema ARGS` prints.
fn printed_schema(args: &[&str]) -> Value {
    let output = capplan(&[&["schema"], args].concat());
    assert_eq!(output.status.code(), Some(0), "capplan schema {args:?}: {}", stderr(&output));
    serde_json::from_str(&stdout(&output)).expect("the schema is JSON")
}

/// `schema` with every object that lists its properties closed to others: a field written
/// outside the report types (a hand-built JSON value) then fails validation. The printed schema
/// stays open, so that consumers may read documents with fields added within a version.
fn strict(mut schema: Value) -> Value {
    fn close(value: &mut Value) {
        match value {
            Value::Object(map) => {
                if map.contains_key("properties") && !map.contains_key("additionalProperties") {
                    map.insert("additionalProperties".into(), Value::Bool(false));
                }
                map.values_mut().for_each(close);
            }
            Value::Array(items) => items.iter_mut().for_each(close),
            _ => {}
        }
    }
    close(&mut schema);
    schema
}

/// The validation errors of `document` against `schema`, one line each with its location.
fn errors(schema: &Value, document: &Value) -> Vec<String> {
    let validator = jsonschema::validator_for(schema).expect("the schema compiles");
    validator.iter_errors(document).map(|error| format!("{} at {}", error, error.instance_path())).collect()
}

/// Validators for one kind of document: its own schema (strict) and the combined one.
struct Schemas {
    kind: &'static str,
    own: Value,
    combined: Value,
}

impl Schemas {
    fn of(kind: &'static str) -> Schemas {
        Schemas { kind, own: strict(printed_schema(&[kind])), combined: printed_schema(&[]) }
    }

    /// Asserts that `text` (one JSON document) validates against both schemas.
    fn check(&self, what: &str, text: &str) -> Value {
        let document: Value = serde_json::from_str(text).unwrap_or_else(|error| panic!("{what}: not JSON ({error}): {text}"));
        let own = errors(&self.own, &document);
        assert!(own.is_empty(), "{what} against `capplan schema {}` (strict):\n{}", self.kind, own.join("\n"));
        let combined = errors(&self.combined, &document);
        assert!(combined.is_empty(), "{what} against `capplan schema`:\n{}", combined.join("\n"));
        document
    }
}

/// Every instance in instances/ and instances/infeasible/, sorted.
fn example_instances() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths = Vec::new();
    for directory in ["instances", "instances/infeasible"] {
        for entry in std::fs::read_dir(root.join(directory)).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            if name.ends_with(".toml") {
                paths.push(format!("{directory}/{name}"));
            }
        }
    }
    paths.sort();
    assert!(paths.len() >= 8, "instances/ holds the examples: {paths:?}");
    paths
}

/// Whether the instance lists `[[periods]]` (a multi-period plan, issue 14).
fn is_multi_period(path: &str) -> bool {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap();
    text.lines().any(|line| line.trim() == "[[periods]]")
}

fn scenario_files() -> Vec<String> {
    let directory = Path::new(env!("CARGO_MANIFEST_DIR")).join("instances/scenarios");
    let mut paths: Vec<String> = std::fs::read_dir(directory)
        .unwrap()
        .map(|entry| format!("instances/scenarios/{}", entry.unwrap().file_name().into_string().unwrap()))
        .collect();
    paths.sort();
    paths
}

#[test]
fn issue13_schema_is_a_valid_draft_2020_12_schema_for_every_document() {
    let combined = printed_schema(&[]);
    assert_eq!(combined["$schema"], "https://json-schema.org/draft/2020-12/schema");
    jsonschema::meta::validate(&combined).expect("the combined schema is a valid JSON Schema");
    for kind in ["solve", "partner", "compare", "sweep", "frontier", "classify", "horizon", "error"] {
        let own = printed_schema(&[kind]);
        jsonschema::meta::validate(&own).unwrap_or_else(|error| panic!("capplan schema {kind}: {error}"));
        assert!(own["$defs"].is_object() || kind == "error", "capplan schema {kind} keeps its types under $defs");
    }
    // Every document's schema_version is the one this build writes, exactly.
    let version = capplan::report::JSON_SCHEMA_VERSION;
    for reference in combined["anyOf"].as_array().unwrap() {
        let name = reference["$ref"].as_str().unwrap().trim_start_matches("#/$defs/");
        let properties = &combined["$defs"][name]["properties"];
        if name != "ErrorReport" {
            assert_eq!(properties["schema_version"]["const"], version, "{name}");
        }
    }
}

#[test]
fn issue13_solve_json_of_every_example_instance_validates() {
    let (schemas, horizon) = (Schemas::of("solve"), Schemas::of("horizon"));
    for path in example_instances() {
        let output = capplan(&["solve", &path, "--format", "json", "-q"]);
        let code = output.status.code();
        assert!(matches!(code, Some(0) | Some(3)), "{path}: exit {code:?}: {}", stderr(&output));
        if is_multi_period(&path) {
            // issue 14: a multi-period instance writes the horizon document, each period's plan
            // keyed like a single quarter's.
            let document = horizon.check(&path, &stdout(&output));
            let ids: Vec<&str> = document["resource_ids"].as_array().unwrap().iter().map(|id| id.as_str().unwrap()).collect();
            for period in document["result"]["periods"].as_array().unwrap() {
                for customer in period["plan"]["customers"].as_array().unwrap() {
                    let keys: Vec<&str> = customer["hours"].as_object().unwrap().keys().map(String::as_str).collect();
                    assert_eq!(keys, ids, "{path}: hours of {} in {}", customer["customer"], period["period"]);
                }
            }
            continue;
        }
        let document = schemas.check(&path, &stdout(&output));
        // The per-resource objects are keyed by every resource id, in `resource_ids` order.
        let ids: Vec<&str> = document["resource_ids"].as_array().unwrap().iter().map(|id| id.as_str().unwrap()).collect();
        for customer in document["result"]["customers"].as_array().into_iter().flatten() {
            for field in ["hours", "current_hours"] {
                let keys: Vec<&str> = customer[field].as_object().unwrap().keys().map(String::as_str).collect();
                assert_eq!(keys, ids, "{path}: {field} of {}", customer["customer"]);
            }
        }
        for segment in document["result"]["segments"].as_array().into_iter().flatten() {
            let keys: Vec<&str> = segment["hours"].as_object().unwrap().keys().map(String::as_str).collect();
            assert_eq!(keys, ids, "{path}: hours of segment {}", segment["segment"]);
        }
    }
}

#[test]
fn issue13_sensitivity_json_of_every_example_instance_validates() {
    let solve = Schemas::of("solve");
    let error = Schemas::of("error");
    let horizon = Schemas::of("horizon");
    for path in example_instances() {
        let output = capplan(&["solve", &path, "--sensitivity", "--format", "json", "-q"]);
        if is_multi_period(&path) {
            assert_eq!(output.status.code(), Some(0), "{path}: {}", stderr(&output));
            let document = horizon.check(&format!("{path} --sensitivity"), &stdout(&output));
            assert!(document["result"]["sensitivity"].is_array(), "{path}: result.sensitivity");
            continue;
        }
        match output.status.code() {
            Some(0) => {
                let document = solve.check(&format!("{path} --sensitivity"), &stdout(&output));
                assert!(document["result"]["sensitivity"].is_object(), "{path}: result.sensitivity");
            }
            Some(3) => {
                solve.check(&format!("{path} --sensitivity"), &stdout(&output));
            }
            // An instance the ranging refuses (a CVaR floor) fails as a usage error, in JSON.
            Some(2) => {
                error.check(&format!("{path} --sensitivity (stderr)"), &stderr(&output));
            }
            code => panic!("{path} --sensitivity: exit {code:?}: {}", stderr(&output)),
        }
    }
}

#[test]
fn issue13_what_if_json_validates_scenario_force_and_diagnosis() {
    let schemas = Schemas::of("solve");
    for scenario in scenario_files() {
        let output = capplan(&["solve", "instances/dsp.toml", "--scenario", &scenario, "--format", "json", "-q"]);
        let document = schemas.check(&scenario, &stdout(&output));
        assert!(document["scenario"].is_object(), "{scenario}: scenario");
    }
    let forced = capplan(&["solve", "instances/dsp.toml", "--force", "m2/engineering=360", "--format", "json", "-q"]);
    let document = schemas.check("--force m2/engineering=360", &stdout(&forced));
    assert!(document["forces"]["moves"].is_array(), "forces");
    let infeasible = capplan(&["solve", "instances/infeasible/engineering-promises.toml", "--format", "json", "-q"]);
    assert_eq!(infeasible.status.code(), Some(3));
    let document = schemas.check("an infeasible instance", &stdout(&infeasible));
    assert!(document["diagnosis"]["conflict"].as_array().is_some_and(|conflict| !conflict.is_empty()), "diagnosis");
}

#[test]
fn issue13_partner_json_validates() {
    let schemas = Schemas::of("partner");
    for customer in ["m1", "m2", "m3"] {
        let output = capplan(&["solve", "instances/dsp.toml", "--audience", "partner", "--customer", customer, "--format", "json", "-q"]);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        schemas.check(&format!("partner view of {customer}"), &stdout(&output));
    }
    let infeasible = capplan(&[
        "solve",
        "instances/infeasible/engineering-promises.toml",
        "--audience",
        "partner",
        "--customer",
        "m1",
        "--format",
        "json",
        "-q",
    ]);
    let document = schemas.check("partner view without a plan", &stdout(&infeasible));
    assert!(document["resources"].is_null());
}

#[test]
fn issue13_compare_sweep_frontier_and_classify_json_validate() {
    let compare = Schemas::of("compare");
    let scenarios = scenario_files();
    let mut args = vec!["compare", "instances/dsp.toml"];
    args.extend(scenarios.iter().map(String::as_str));
    args.extend(["--format", "json"]);
    let output = capplan(&args);
    let document = compare.check("compare dsp with every scenario", &stdout(&output));
    // One of the scenarios is infeasible: its column carries the worded diagnosis.
    let plans = document["comparison"]["plans"].as_array().unwrap();
    assert!(plans.iter().any(|plan| plan["diagnosis"]["summary"].is_array()), "a diagnosis in the comparison");

    let sweep = Schemas::of("sweep");
    for args in [
        &["sweep", "instances/tiny.toml", "--resource", "service", "--from", "0", "--to", "200"][..],
        &["sweep", "instances/dsp.toml", "--constraint", "floor[m1/service]", "--from", "0", "--to", "400"][..],
    ] {
        let output = capplan(&[args, &["--format", "json"]].concat());
        assert_eq!(output.status.code(), Some(0), "{args:?}: {}", stderr(&output));
        sweep.check(&args.join(" "), &stdout(&output));
    }

    let frontier = Schemas::of("frontier");
    let output = capplan(&["frontier", "instances/risk.toml", "--points", "3", "--format", "json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let document = frontier.check("frontier of risk.toml", &stdout(&output));
    assert_eq!(document["points"].as_array().map(Vec::len), Some(3));

    let classify = Schemas::of("classify");
    for path in ["instances/dsp-krapfel.toml", "instances/tiers.toml"] {
        let output = capplan(&["classify", path, "--format", "json"]);
        assert_eq!(output.status.code(), Some(0), "{path}: {}", stderr(&output));
        classify.check(&format!("classify {path}"), &stdout(&output));
    }
}

#[test]
fn issue13_json_errors_on_stderr_validate() {
    let schemas = Schemas::of("error");
    let dir = scratch("json-schema-errors");
    let bad = dir.join("bad.toml");
    std::fs::write(&bad, "[plan]\nname = \"Bad\"\nperiod = 2027\n").unwrap();
    let bad = bad.to_str().unwrap();
    for args in [
        vec!["solve", bad, "--format", "json"],
        vec!["compare", bad, "instances/scenarios/hire-engineer.toml", "--format", "json"],
        vec!["sweep", bad, "--resource", "service", "--from", "0", "--to", "10", "--format", "json"],
        vec!["classify", bad, "--format", "json"],
        vec!["frontier", bad, "--format", "json"],
        // Not an input file's problem: one message with no location.
        vec!["frontier", "instances/tiny.toml", "--format", "json"],
    ] {
        let output = capplan(&args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(output.stdout.is_empty(), "{args:?}: nothing on standard output");
        let document = schemas.check(&format!("{args:?} (stderr)"), stderr(&output).trim_end());
        assert_eq!(document["exit_code"], 2);
    }
}

/// The schema rejects what it should: the validation above cannot pass by accepting anything.
#[test]
fn issue13_schema_rejects_version_1_arrays_and_undeclared_fields() {
    let schemas = Schemas::of("solve");
    let output = capplan(&["solve", "instances/tiny.toml", "--format", "json"]);
    let document: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert!(errors(&schemas.own, &document).is_empty());

    let mut version_1 = document.clone();
    version_1["schema_version"] = 1.into();
    version_1["result"]["customers"][0]["hours"] = serde_json::json!([70.0, 60.0]);
    let found = errors(&schemas.own, &version_1);
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(!errors(&schemas.combined, &version_1).is_empty());

    let mut undeclared = document.clone();
    undeclared["result"]["totals"]["bonus"] = 1.0.into();
    assert_eq!(errors(&schemas.own, &undeclared).len(), 1);
    let mut missing = document;
    missing["result"].as_object_mut().unwrap().remove("objective");
    assert_eq!(errors(&schemas.own, &missing).len(), 1);
    assert!(!errors(&schemas.combined, &missing).is_empty());
}

/// docs/json-output.md's complete example is what this build prints for instances/tiny.toml.
#[test]
fn issue13_json_output_doc_example_is_the_current_output() {
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/json-output.md")).unwrap();
    let section = &doc[doc.find("## Complete example: `instances/tiny.toml`").expect("the example section")..];
    let start = section.find("```json\n").unwrap() + "```json\n".len();
    let example = &section[start..start + section[start..].find("```\n").unwrap()];
    let output = capplan(&["solve", "instances/tiny.toml", "--format", "json"]);
    assert_eq!(example, stdout(&output), "update the example in docs/json-output.md");
}

#[test]
fn issue13_schema_output_file_is_written_whole() {
    let dir = scratch("json-schema-output");
    let path = dir.join("capplan.schema.json");
    let output = capplan(&["schema", "solve", "--output", path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(output.stdout.is_empty());
    let written: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(written, printed_schema(&["solve"]));
    let unknown = capplan(&["schema", "nonsense"]);
    assert_eq!(unknown.status.code(), Some(2));
}
