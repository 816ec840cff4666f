//! `solve --sensitivity` and `capplan sweep` from the command line: every format, files written,
//! exit codes, identical output for identical input.

#[path = "support/scratch.rs"]
mod scratch;

use scratch::scratch;
use std::process::{Command, Output};

fn capplan(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_capplan")).args(args).current_dir(env!("CARGO_MANIFEST_DIR")).output().unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

#[test]
fn solve_sensitivity_text_has_excel_columns_and_planner_words() {
    let output = capplan(&["solve", "instances/tiny.toml", "--sensitivity"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    for column in [
        "final hours",
        "reduced cost",
        "value/hour",
        "final value",
        "shadow price",
        "allowable increase",
        "allowable decrease",
        "1 unit more",
        "1 unit less",
    ] {
        assert!(text.contains(column), "missing column {column}\n{text}");
    }
    // Sentences wrap at 100 columns: read them with the line breaks as spaces.
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains(
            "one more engineering hour is worth 45.00 EUR, for up to 10.0 more hours; the same holds per unit up to 30.0 hours less."
        ),
        "{text}"
    );
    // Without the flag, none of it.
    let plain = stdout(&capplan(&["solve", "instances/tiny.toml"]));
    assert!(!plain.contains("Sensitivity report"));
    assert!(text.starts_with(&plain), "the sensitivity report is appended to the usual report");
}

#[test]
fn solve_sensitivity_explains_a_kink_in_planner_words() {
    let dir = scratch("kink");
    let path = dir.join("kink.toml");
    std::fs::write(
        &path,
        "[plan]\nname = \"kink\"\nperiod = \"2027-Q1\"\ncurrency = \"EUR\"\n\n[[resources]]\nid = \"engineering\"\ncapacity_hours = 100\n\n\
         [[customers]]\nid = \"a\"\nresponse.engineering = { value_per_hour = 50, max_hours = 100 }\n\n\
         [[customers]]\nid = \"b\"\nresponse.engineering = { value_per_hour = 20, max_hours = 40 }\n",
    )
    .unwrap();
    let output = capplan(&["solve", path.to_str().unwrap(), "--sensitivity"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output).split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(text.contains("one more engineering hour is worth 20.00 EUR, for up to 40.0 more hours"), "{text}");
    assert!(text.contains("the last engineering hour was worth 50.00 EUR, for up to 100.0 hours less"), "{text}");
    assert!(text.contains("the plan sits exactly at a point where"), "{text}");
}

#[test]
fn solve_sensitivity_json_adds_a_sensitivity_object() {
    let output = capplan(&["solve", "instances/tiny.toml", "--sensitivity", "--format", "json"]);
    assert_eq!(output.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(json["schema_version"], 2);
    let sensitivity = &json["result"]["sensitivity"];
    let capacity = sensitivity["constraints"].as_array().unwrap().iter().find(|c| c["id"] == "capacity[engineering]").unwrap();
    assert_eq!(capacity["shadow_price"], 45.0);
    assert_eq!(capacity["allowable_increase"], 10.0);
    assert_eq!(capacity["allowable_decrease"], 30.0);
    assert_eq!(capacity["next_unit"]["value"], 45.0);
    assert_eq!(capacity["kink"], false);
    let expectation = sensitivity["constraints"].as_array().unwrap().iter().find(|c| c["id"] == "expectation[beta/engineering]").unwrap();
    assert!(expectation["allowable_increase"].is_null(), "unlimited is null");
    assert_eq!(sensitivity["allocations"].as_array().unwrap().len(), 4);
    let plain: serde_json::Value = serde_json::from_str(&stdout(&capplan(&["solve", "instances/tiny.toml", "--format", "json"]))).unwrap();
    assert!(plain["result"].get("sensitivity").is_none());
}

#[test]
fn sweep_text_json_csv_and_svg() {
    let dir = scratch("sweep");
    let svg = dir.join("engineering.svg");
    let args = ["sweep", "instances/tiny.toml", "--resource", "engineering", "--from", "0", "--to", "300", "--svg", svg.to_str().unwrap()];
    let output = capplan(&args);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("Breakpoints") && text.contains("110.0 h") && text.contains("45.00"), "{text}");
    let chart = std::fs::read_to_string(&svg).unwrap();
    assert!(chart.starts_with("<svg") && chart.contains("<polyline") && chart.contains("current: 100.0 h"), "{chart}");
    assert_eq!(stdout(&capplan(&args)), text, "identical input, identical output");
    assert_eq!(std::fs::read_to_string(&svg).unwrap(), chart);

    let csv = stdout(&capplan(&["sweep", "instances/tiny.toml", "--resource", "service", "--from", "0", "--to", "100", "--format", "csv"]));
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "limit_from,limit_to,status,objective_from,objective_to,marginal_value");
    assert_eq!(lines[1], "0.000000,20.000000,infeasible,,,");
    assert!(lines[2].starts_with("20.000000,60.000000,optimal,4550.000000,6550.000000,50.000000"), "{csv}");

    let out = dir.join("sweep.json");
    let output = capplan(&[
        "sweep",
        "instances/tiny.toml",
        "--constraint",
        "floor[beta/service]",
        "--from",
        "0",
        "--to",
        "80",
        "--format",
        "json",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).is_empty());
    let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(json["sweep"]["constraint"], "floor[beta/service]");
    assert!(!json["sweep"]["segments"].as_array().unwrap().is_empty());
}

#[test]
fn sweep_bad_requests_exit_two_with_a_message() {
    let unknown = capplan(&["sweep", "instances/tiny.toml", "--constraint", "floor[gamma/service]", "--from", "0", "--to", "10"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        stderr(&unknown).contains("instances/tiny.toml: the instance has no constraint `floor[gamma/service]`"),
        "{}",
        stderr(&unknown)
    );
    let resource = capplan(&["sweep", "instances/tiny.toml", "--resource", "sales", "--from", "0", "--to", "10"]);
    assert_eq!(resource.status.code(), Some(2));
    assert!(stderr(&resource).contains("no resource `sales`; its resources are: engineering, service"), "{}", stderr(&resource));
    let backwards = capplan(&["sweep", "instances/tiny.toml", "--resource", "service", "--from", "10", "--to", "0"]);
    assert_eq!(backwards.status.code(), Some(2));
    let neither = capplan(&["sweep", "instances/tiny.toml", "--from", "0", "--to", "10"]);
    assert_eq!(neither.status.code(), Some(2));
    let help = stdout(&capplan(&["sweep", "--help"]));
    assert!(help.contains("capplan sweep instances/dsp.toml --resource engineering --from 1000 --to 3000"), "{help}");
}
