//! The command line as a contract: exit codes for every status, every output format, --output
//! written atomically, help with examples, byte-identical output for identical input.

mod support;

use std::process::Command;

use support::cli::{capplan, scratch, stderr, stdout};

const HEADER: &str = "[plan]\nname = \"cli\"\nperiod = \"2027-Q1\"\ncurrency = \"EUR\"\n";

fn write_instance(dir: &std::path::Path, body: &str) -> String {
    let path = dir.join("instance.toml");
    std::fs::write(&path, format!("{HEADER}{body}")).unwrap();
    path.display().to_string()
}

#[test]
fn solve_text_exits_zero_with_planner_words() {
    let output = capplan(&["solve", "instances/tiny.toml"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("Status: optimal"));
    assert!(text.contains("One more engineering hour is worth 45.00 EUR."), "{text}");
    assert!(text.contains("Status: optimal. Contribution 6,950.00 EUR"), "{text}");
    assert!(text.contains("floor[beta/service]"));
}

#[test]
fn solve_json_has_schema_version_status_and_plan() {
    let output = capplan(&["solve", "instances/tiny.toml", "--format", "json"]);
    assert_eq!(output.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(json["schema_version"], capplan::report::JSON_SCHEMA_VERSION);
    assert_eq!(json["status"], "optimal");
    // The tiny example is coupled only by its capacities, so auto takes the separable backend.
    assert_eq!(json["solver"], "separable");
    assert!(json["solver_reason"].as_str().unwrap().starts_with("auto: "), "{}", json["solver_reason"]);
    assert_eq!(json["result"]["objective"], 6950.0);
    let constraints = json["result"]["constraints"].as_array().unwrap();
    let capacity = constraints.iter().find(|c| c["id"] == "capacity[engineering]").unwrap();
    assert_eq!(capacity["shadow_price"], 45.0);
    assert_eq!(capacity["sense"], "<=");
    assert_eq!(capacity["binding"], true);
}

#[test]
fn solve_csv_has_one_row_per_customer_and_resource() {
    let output = capplan(&["solve", "instances/tiny.toml", "--format", "csv"]);
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "customer,name,segment,resource,hours,current_hours,change_hours,value,marginal_value,reduced_cost");
    assert_eq!(lines.len(), 1 + 2 * 2);
    assert!(lines.contains(&"alpha,Alpha Valves,,engineering,70.000000,50.000000,20.000000,4200.000000,0.000000,-55.000000"), "{text}");
}

#[test]
fn output_file_is_written_whole_and_no_temporary_is_left() {
    let dir = scratch("output");
    let target = dir.join("plan.json");
    std::fs::write(&target, "previous plan").unwrap();
    let output = capplan(&["solve", "instances/tiny.toml", "--format", "json", "--output", target.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0));
    assert!(stdout(&output).is_empty());
    let written = std::fs::read_to_string(&target).unwrap();
    assert!(serde_json::from_str::<serde_json::Value>(&written).is_ok());
    let leftovers: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(leftovers.len(), 1, "{leftovers:?}");
}

#[test]
fn unwritable_output_keeps_the_previous_file_and_exits_two() {
    let dir = scratch("unwritable");
    let target = dir.join("missing-dir").join("plan.json");
    let output = capplan(&["solve", "instances/tiny.toml", "--output", target.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("cannot write"), "{}", stderr(&output));
}

#[test]
fn infeasible_exits_three_and_json_says_so() {
    let dir = scratch("infeasible");
    let path = write_instance(
        &dir,
        "[[resources]]\nid = \"eng\"\ncapacity_hours = 100\n[[customers]]\nid = \"a\"\nfloor_hours = { eng = 60 }\n[[customers]]\nid = \"b\"\nfloor_hours = { eng = 60 }\n",
    );
    let text = capplan(&["solve", &path]);
    assert_eq!(text.status.code(), Some(3));
    assert!(stdout(&text).contains("Status: infeasible"));
    let json = capplan(&["solve", &path, "--format", "json"]);
    assert_eq!(json.status.code(), Some(3));
    let value: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    assert_eq!(value["status"], "infeasible");
    assert!(value["result"].is_null());
}

#[test]
fn unbounded_exits_four_with_both_solvers() {
    let dir = scratch("unbounded");
    let path = write_instance(
        &dir,
        "[[resources]]\nid = \"eng\"\ncapacity_hours = 10\n[[resources.expansion]]\nid = \"contractors\"\ncost_per_hour = 20\n\
         [[customers]]\nid = \"a\"\nresponse.eng = { value_per_hour = 50 }\n",
    );
    for solver in ["microlp", "clarabel"] {
        let output = capplan(&["solve", &path, "--solver", solver]);
        assert_eq!(output.status.code(), Some(4), "{solver}");
        assert!(stdout(&output).contains("Status: unbounded"));
    }
}

#[test]
fn bad_input_and_usage_exit_two() {
    assert_eq!(capplan(&["solve", "does-not-exist.toml"]).status.code(), Some(2));
    assert_eq!(capplan(&["solve"]).status.code(), Some(2));
    assert_eq!(capplan(&["frobnicate"]).status.code(), Some(2));
    assert_eq!(capplan(&["solve", "instances/tiny.toml", "--format", "xml"]).status.code(), Some(2));
}

#[test]
fn check_reports_valid_instances() {
    let output = capplan(&["check", "instances/dsp.toml"]);
    assert_eq!(output.status.code(), Some(0));
    assert!(stdout(&output).contains("valid: 3 resources, 6 segments, 41 customers"));
}

#[test]
fn every_subcommand_has_help_with_an_example() {
    for args in [vec!["--help"], vec!["solve", "--help"], vec!["check", "--help"]] {
        let output = capplan(&args);
        assert_eq!(output.status.code(), Some(0), "{args:?}");
        let text = stdout(&output);
        assert!(text.contains("Example"), "{args:?}: {text}");
        assert!(text.contains("capplan "), "{args:?}");
    }
}

#[test]
fn identical_input_gives_byte_identical_output() {
    for format in ["text", "json", "csv"] {
        let first = capplan(&["solve", "instances/dsp.toml", "--format", format]);
        let second = capplan(&["solve", "instances/dsp.toml", "--format", format]);
        assert_eq!(first.status.code(), Some(0));
        assert_eq!(first.stdout, second.stdout, "{format}");
    }
}

/// Numbers spanning 600 orders of magnitude defeat both solvers even after scaling: the run ends
/// with exit code 1 and `error: internal: ...`, prints no report, and leaves `--output` alone.
const BEYOND_ANY_SOLVER: &str = "[[resources]]\nid = \"eng\"\ncapacity_hours = 1e300\n\
    [[customers]]\nid = \"a\"\nresponse.eng = { value_per_hour = 1e300, max_hours = 1e-300 }\n\
    [[customers]]\nid = \"b\"\nresponse.eng = { value_per_hour = 1e-300 }\n\
    expectations.eng = { hours = 1e300, kind = \"soft\", penalty_per_hour = 1e-300 }\n";

#[test]
fn internal_error_exits_one_with_no_report_for_both_solvers() {
    let dir = scratch("internal");
    let path = write_instance(&dir, BEYOND_ANY_SOLVER);
    let target = dir.join("plan.json");
    std::fs::write(&target, "previous plan").unwrap();
    for solver in ["microlp", "clarabel"] {
        for format in ["text", "json", "csv"] {
            let output = capplan(&["solve", &path, "--solver", solver, "--format", format]);
            assert_eq!(output.status.code(), Some(1), "{solver} {format}: {}", stderr(&output));
            assert!(stdout(&output).is_empty(), "{solver} {format}");
            let message = stderr(&output);
            if format == "json" {
                // With --format json the error is one JSON object (docs/cli.md, "Errors as JSON").
                let document: serde_json::Value = serde_json::from_str(&message).unwrap();
                assert_eq!(document["exit_code"], 1, "{solver}: {message}");
                assert!(document["errors"][0]["message"].as_str().unwrap().starts_with("internal: "), "{solver}: {message}");
            } else {
                assert!(message.starts_with("error: internal: ") && message.lines().count() == 1, "{solver}: {message}");
            }
        }
        let output = capplan(&["solve", &path, "--solver", solver, "--output", target.to_str().unwrap()]);
        assert_eq!(output.status.code(), Some(1));
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "previous plan");
    }
    // `check` does not solve: the same instance is valid.
    assert_eq!(capplan(&["check", &path]).status.code(), Some(0));
}

/// Every status with every way of reporting it: the exit code, what goes to standard output and
/// the one status line on standard error (docs/cli.md, "Exit codes").
#[test]
fn every_status_has_its_exit_code_and_stderr_line_in_every_format() {
    let dir = scratch("statuses");
    let infeasible =
        write_instance(&dir, "[[resources]]\nid = \"eng\"\ncapacity_hours = 100\n[[customers]]\nid = \"a\"\nfloor_hours = { eng = 160 }\n");
    let unbounded_dir = scratch("statuses-unbounded");
    let unbounded = write_instance(
        &unbounded_dir,
        "[[resources]]\nid = \"eng\"\ncapacity_hours = 10\n[[resources.expansion]]\nid = \"more\"\ncost_per_hour = 20\n\
         [[customers]]\nid = \"a\"\nresponse.eng = { value_per_hour = 50 }\n",
    );
    let cases = [("instances/tiny.toml", 0, "optimal"), (infeasible.as_str(), 3, "infeasible"), (unbounded.as_str(), 4, "unbounded")];
    for (path, code, status) in cases {
        for solver in ["microlp", "clarabel"] {
            let text = capplan(&["solve", path, "--solver", solver]);
            assert_eq!(text.status.code(), Some(code), "{path} {solver}");
            assert!(stdout(&text).contains(&format!("Status: {status}")), "{path} {solver}");
            assert!(stderr(&text).is_empty(), "{path} {solver}: {}", stderr(&text));
            for format in ["json", "csv"] {
                let output = capplan(&["solve", path, "--solver", solver, "--format", format]);
                assert_eq!(output.status.code(), Some(code), "{path} {solver} {format}");
                let expected_stderr = if code == 0 { String::new() } else { format!("capplan: status {status}: no optimal plan\n") };
                assert_eq!(stderr(&output), expected_stderr, "{path} {solver} {format}");
            }
            let json: serde_json::Value =
                serde_json::from_str(&stdout(&capplan(&["solve", path, "--solver", solver, "--format", "json"]))).unwrap();
            assert_eq!(json["status"], status);
            assert_eq!(json["result"].is_null(), code != 0);
            let target = dir.join(format!("report-{code}-{solver}.txt"));
            let output = capplan(&["solve", path, "--solver", solver, "--output", target.to_str().unwrap()]);
            assert_eq!(output.status.code(), Some(code));
            assert!(stdout(&output).is_empty());
            assert!(std::fs::read_to_string(&target).unwrap().contains(&format!("Status: {status}")));
        }
    }
}

/// A write that fails part-way (the file-size limit of the process is hit while the temporary
/// file is written) leaves the previous report byte for byte, removes the temporary file and
/// exits with code 2. SIGXFSZ is ignored so that the write returns an error instead of killing
/// the process, as it would for a full disk.
#[test]
fn failing_write_leaves_the_previous_file_intact() {
    let dir = scratch("failing-write");
    let target = dir.join("plan.txt");
    std::fs::write(&target, "previous plan\n").unwrap();
    // bash counts `ulimit -f` in blocks of 1024 bytes; the DSP report is far larger than 1 KiB.
    let script = format!(
        "trap '' XFSZ; ulimit -f 1; exec '{}' solve instances/dsp.toml --output '{}'",
        env!("CARGO_BIN_EXE_capplan"),
        target.display()
    );
    let output = Command::new("bash").args(["-c", &script]).current_dir(env!("CARGO_MANIFEST_DIR")).output().unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).starts_with(&format!("error: cannot write {}: ", target.display())), "{}", stderr(&output));
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "previous plan\n");
    let leftovers: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(leftovers, vec![std::ffi::OsString::from("plan.txt")]);
}

/// The same through the library: when the temporary file cannot even be created (the directory
/// does not exist), `write_atomically` fails and leaves nothing behind.
#[test]
fn write_atomically_failure_leaves_nothing_behind() {
    let dir = scratch("atomic-library");
    let target = dir.join("missing-directory").join("plan.json");
    assert!(capplan::cli::write_atomically(&target, b"new report").is_err());
    assert!(!dir.join("missing-directory").exists());
}

/// Both backends, every format, two runs each: byte-identical output for identical input.
#[test]
fn identical_input_gives_byte_identical_output_with_both_solvers() {
    for solver in ["microlp", "clarabel"] {
        for format in ["text", "json", "csv"] {
            let first = capplan(&["solve", "instances/three-groups.toml", "--solver", solver, "--format", format]);
            let second = capplan(&["solve", "instances/three-groups.toml", "--solver", solver, "--format", format]);
            assert_eq!(first.status.code(), Some(0));
            assert_eq!(first.stdout, second.stdout, "{solver} {format}");
        }
    }
}
