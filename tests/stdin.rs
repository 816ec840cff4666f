//! Standard streams for pipelines: `-` as the instance path reads standard input, and with
//! `--format json` errors go to standard error as one JSON object.

#[path = "support/scratch.rs"]
mod scratch;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn capplan() -> Command {
    Command::new(env!("CARGO_BIN_EXE_capplan"))
}

fn instance(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("instances").join(name)
}

fn with_stdin(command: &mut Command, input: &[u8]) -> Output {
    let mut child = command.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

/// `capplan solve - < instances/dsp.toml` prints the same report as `capplan solve
/// instances/dsp.toml`.
#[test]
fn solve_reads_the_instance_from_standard_input() {
    let text = std::fs::read(instance("dsp.toml")).unwrap();
    for format in ["csv", "text"] {
        let piped = with_stdin(capplan().args(["solve", "-", "--quiet", "--format", format]), &text);
        assert!(piped.status.success(), "{}", String::from_utf8_lossy(&piped.stderr));
        let direct = capplan().args(["solve", "--quiet", "--format", format]).arg(instance("dsp.toml")).output().unwrap();
        assert_eq!(piped.stdout, direct.stdout, "{format}");
    }
}

/// `check -` and `export -` read standard input too.
#[test]
fn check_and_export_read_standard_input() {
    let text = std::fs::read(instance("tiny.toml")).unwrap();
    let checked = with_stdin(capplan().args(["check", "-"]), &text);
    assert!(checked.status.success());
    assert!(String::from_utf8_lossy(&checked.stdout).starts_with("<stdin>: valid"), "{}", String::from_utf8_lossy(&checked.stdout));
    let exported = with_stdin(capplan().args(["export", "-", "--format", "lp"]), &text);
    let direct = capplan().args(["export", "--format", "lp"]).arg(instance("tiny.toml")).output().unwrap();
    assert_eq!(exported.stdout, direct.stdout);
}

/// Problems in an instance read from standard input are located in `<stdin>`.
#[test]
fn errors_in_standard_input_name_stdin() {
    let broken = "[plan]\nname = \"x\"\nperiod = \"q\"\ncurrency = \"EUR\"\n\n[[resources]]\nid = \"s\"\ncapacity_hours = -1\n\n[[customers]]\nid = \"a\"\n";
    let output = with_stdin(capplan().args(["check", "-"]), broken.as_bytes());
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "error: <stdin>:8:18: resources[s].capacity_hours: expected a number >= 0, found -1\n"
    );
}

/// A relative `customers_csv` in an instance read from standard input is found in the current
/// directory.
#[test]
fn relative_paths_from_standard_input_resolve_against_the_current_directory() {
    let directory = scratch::scratch("stdin");
    std::fs::write(directory.join("people.csv"), "id,value_per_hour.s\na,10\n").unwrap();
    let text = "customers_csv = \"people.csv\"\n[plan]\nname = \"x\"\nperiod = \"q\"\ncurrency = \"EUR\"\n\n[[resources]]\nid = \"s\"\ncapacity_hours = 5\n";
    let output = with_stdin(capplan().args(["solve", "-", "--quiet", "--format", "csv"]).current_dir(&directory), text.as_bytes());
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(String::from_utf8_lossy(&output.stdout).contains("a,a,,s,5.000000,0.000000,5.000000,50.000000"));
}

/// With `--format json`, the problems of an invalid instance are one JSON object on standard
/// error: the exit code and each problem's file, line, column, field and message.
#[test]
fn json_errors_on_standard_error_with_format_json() {
    let broken = "[plan]\nname = \"x\"\nperiod = \"q\"\ncurrency = \"EUR\"\n\n[[resources]]\nid = \"s\"\ncapacity_hours = -1\n\n[[customers]]\nid = \"a\"\nfloor_hours = { s = -2 }\n";
    let output = with_stdin(capplan().args(["solve", "-", "--format", "json"]), broken.as_bytes());
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    let document: serde_json::Value = serde_json::from_str(&stderr).unwrap();
    assert_eq!(document["exit_code"], 2);
    let errors = document["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 2);
    assert_eq!(errors[0]["file"], "<stdin>");
    assert_eq!(errors[0]["line"], 8);
    assert_eq!(errors[0]["column"], 18);
    assert_eq!(errors[0]["field"], "resources[s].capacity_hours");
    assert_eq!(errors[0]["message"], "expected a number >= 0, found -1");
    assert_eq!(errors[1]["field"], "customers[a].floor_hours.s");
}

/// A failure that is not about a file (a usage error found after parsing) has null locations.
#[test]
fn json_error_without_a_file_has_null_locations() {
    let output = capplan().args(["solve", "--format", "json", "--customer", "alpha"]).arg(instance("tiny.toml")).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let document: serde_json::Value = serde_json::from_slice(&output.stderr).unwrap();
    assert_eq!(document["exit_code"], 2);
    let error = &document["errors"][0];
    assert!(error["file"].is_null() && error["line"].is_null() && error["column"].is_null() && error["field"].is_null());
    assert_eq!(error["message"], "--customer goes with --audience partner");
}

/// compare, sweep and classify print the problems of an invalid instance as JSON too with
/// `--format json`.
#[test]
fn json_errors_from_compare_sweep_and_classify() {
    let broken = "[plan]\nname = \"x\"\nperiod = \"q\"\ncurrency = \"EUR\"\n\n[[resources]]\nid = \"s\"\ncapacity_hours = -1\n";
    let scenario = instance("scenarios/lose-m3.toml");
    let runs: [Vec<&std::ffi::OsStr>; 3] = [
        vec!["compare".as_ref(), "-".as_ref(), scenario.as_os_str(), "--format".as_ref(), "json".as_ref()],
        vec![
            "sweep".as_ref(),
            "-".as_ref(),
            "--resource".as_ref(),
            "s".as_ref(),
            "--from".as_ref(),
            "0".as_ref(),
            "--to".as_ref(),
            "1".as_ref(),
            "--format".as_ref(),
            "json".as_ref(),
        ],
        vec!["classify".as_ref(), "-".as_ref(), "--format".as_ref(), "json".as_ref()],
    ];
    for arguments in runs {
        let output = with_stdin(capplan().args(&arguments), broken.as_bytes());
        assert_eq!(output.status.code(), Some(2), "{arguments:?}");
        let document: serde_json::Value =
            serde_json::from_slice(&output.stderr).unwrap_or_else(|_| panic!("{arguments:?}: {}", String::from_utf8_lossy(&output.stderr)));
        let fields: Vec<&str> = document["errors"].as_array().unwrap().iter().filter_map(|error| error["field"].as_str()).collect();
        assert!(fields.contains(&"resources[s].capacity_hours"), "{arguments:?}: {fields:?}");
    }
}
