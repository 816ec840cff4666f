//! Size limits: a huge or hostile instance is refused fast with exit code 2 and a message that
//! names the limit, the file, the line and column and the field; it never exhausts memory, time
//! or the stack. One test per limit in `capplan::input::limits`.

use std::fmt::Write;
use std::process::{Command, Output};
use std::time::Instant;

use capplan::diagnostic::Diagnostic;
use capplan::input::limits::*;
use capplan::model::Instance;

const HEADER: &str = "[plan]\nname = \"limits\"\nperiod = \"2027-Q1\"\ncurrency = \"EUR\"\n\n";
const ONE_RESOURCE: &str = "[[resources]]\nid = \"eng\"\ncapacity_hours = 100\n\n";

fn capplan(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_capplan")).args(args).output().unwrap()
}

/// A file written into its own temporary directory, removed when the returned guard drops (the
/// huge file is 64 MiB; left behind, every test run would pile them up in the temp directory).
fn scratch_file(name: &str, bytes: &[u8]) -> (tempfile::TempDir, String) {
    let dir = tempfile::Builder::new().prefix("capplan-limits-").tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    let path = path.display().to_string();
    (dir, path)
}

/// The single diagnostic of a refused instance.
fn only_problem(text: &str) -> Diagnostic {
    let errors = Instance::from_toml_str("big.toml", text).expect_err("the instance must be refused");
    assert_eq!(errors.0.len(), 1, "{errors}");
    errors.0[0].clone()
}

/// 1-based line of the first occurrence of `needle` after `skip` earlier occurrences.
fn line_of(text: &str, needle: &str, skip: usize) -> usize {
    let at = text.match_indices(needle).nth(skip).unwrap().0;
    text[..at].matches('\n').count() + 1
}

#[test]
fn file_over_the_size_limit_is_refused_before_parsing() {
    // One byte over the limit, made of a comment so that only the size can be wrong.
    let mut text = String::from(HEADER);
    text.push_str(ONE_RESOURCE);
    text.push('#');
    while (text.len() as u64) <= MAX_FILE_BYTES {
        text.push('x');
    }
    let (_scratch, path) = scratch_file("huge.toml", text.as_bytes());
    let output = capplan(&["check", &path]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        stderr.trim(),
        format!("error: {path}: the file is larger than the limit of {MAX_FILE_BYTES} bytes (64 MiB) for an instance")
    );
    // The library entry point that takes text applies the same limit.
    let problem = only_problem(&text);
    assert_eq!(problem.line, 0);
    assert!(problem.message.contains("limit of 67108864 bytes"), "{problem}");
}

#[test]
fn endless_device_fails_fast_instead_of_filling_memory() {
    let started = Instant::now();
    let output = capplan(&["solve", "/dev/zero"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("larger than the limit"), "{}", String::from_utf8_lossy(&output.stderr));
    // Reading 64 MiB takes milliseconds; an unbounded read would never end. A loose bound only
    // guards against the read running away, it is not a speed target.
    assert!(started.elapsed().as_secs() < 60);
}

#[test]
fn too_many_customers_names_the_limit_at_the_first_one_over() {
    let mut text = format!("{HEADER}{ONE_RESOURCE}");
    for c in 0..=MAX_CUSTOMERS {
        let _ = writeln!(text, "[[customers]]\nid = \"c{c}\"");
    }
    let problem = only_problem(&text);
    assert_eq!(problem.field, "customers");
    assert_eq!(problem.message, "too many customers: 200001 given, the limit is 200000 (the first one over the limit is here)");
    assert_eq!(problem.line, line_of(&text, "[[customers]]", MAX_CUSTOMERS));
}

#[test]
fn too_many_resources_names_the_limit() {
    let mut text = String::from(HEADER);
    for r in 0..=MAX_RESOURCES {
        let _ = writeln!(text, "[[resources]]\nid = \"r{r}\"\ncapacity_hours = 1");
    }
    let problem = only_problem(&text);
    assert_eq!(problem.field, "resources");
    assert_eq!(problem.message, "too many resources: 101 given, the limit is 100 (the first one over the limit is here)");
    assert_eq!(problem.line, line_of(&text, "[[resources]]", MAX_RESOURCES));
}

#[test]
fn too_many_segments_names_the_limit() {
    let mut text = format!("{HEADER}{ONE_RESOURCE}");
    for s in 0..=MAX_SEGMENTS {
        let _ = writeln!(text, "[[segments]]\nid = \"s{s}\"");
    }
    let problem = only_problem(&text);
    assert_eq!(problem.field, "segments");
    assert!(problem.message.starts_with("too many segments: 1001 given, the limit is 1000"), "{problem}");
}

#[test]
fn too_many_expansion_options_names_the_limit() {
    let mut text = format!("{HEADER}{ONE_RESOURCE}");
    for o in 0..=MAX_EXPANSION_OPTIONS {
        let _ = writeln!(text, "[[resources.expansion]]\nid = \"o{o}\"\ncost_per_hour = 1");
    }
    let problem = only_problem(&text);
    assert_eq!(problem.field, "resources.expansion");
    assert!(problem.message.starts_with("too many expansion options: 101 given, the limit is 100"), "{problem}");
}

#[test]
fn too_many_curve_points_names_the_limit_and_the_curve() {
    let points: Vec<String> = (0..=MAX_POINTS).map(|i| format!("[{i}, {}]", 10 * i)).collect();
    let text = format!("{HEADER}{ONE_RESOURCE}[[customers]]\nid = \"a\"\nresponse.eng = {{ points = [{}] }}\n", points.join(", "));
    let problem = only_problem(&text);
    assert_eq!(problem.field, "customers.response.eng.points");
    assert!(problem.message.starts_with("too many points on one response curve: 1001 given, the limit is 1000"), "{problem}");
    assert_eq!(problem.line, line_of(&text, "response.eng", 0));
}

#[test]
fn overlong_text_names_the_limit_and_the_field() {
    let long = "x".repeat(MAX_TEXT_CHARS + 1);
    let name = format!("[plan]\nname = \"{long}\"\nperiod = \"2027-Q1\"\ncurrency = \"EUR\"\n{ONE_RESOURCE}");
    let problem = only_problem(&name);
    assert_eq!((problem.line, problem.column, problem.field.as_str()), (2, 8, "plan.name"));
    assert_eq!(problem.message, "text of 4097 characters is longer than the limit of 4096 characters");

    let notes =
        format!("{HEADER}{ONE_RESOURCE}[[customers]]\nid = \"a\"\nname = \"{long}\"\n").replace("[plan]\n", "[plan]\nnotes = \"\"\n");
    let problem = only_problem(&notes);
    assert_eq!(problem.field, "customers.name");
    // Exactly at the limit is accepted: the limit counts characters, not bytes.
    let at_limit = "é".repeat(MAX_TEXT_CHARS);
    let text = format!("{HEADER}{ONE_RESOURCE}[[customers]]\nid = \"a\"\nname = \"{at_limit}\"\n");
    assert!(Instance::from_toml_str("ok.toml", &text).is_ok());
}

/// The TOML reader's own depth guard (80 levels) must stay in force: without it (its
/// `unbounded` feature) these inputs overflow the stack and kill the process.
#[test]
fn deep_nesting_is_refused_without_overflowing_the_stack() {
    let depth = 100_000;
    let arrays = format!("{HEADER}notes = {}{}\n", "[".repeat(depth), "]".repeat(depth));
    let tables = format!("{HEADER}notes = {}1{}\n", "{ a = ".repeat(depth), "}".repeat(depth));
    let dotted = format!("{HEADER}{} = 1\n", vec!["a"; depth].join("."));
    let header = format!("{HEADER}[{}]\n", vec!["a"; depth].join("."));
    // Every kind is located at its line (issue 11: an over-long dotted key was placed at 1:1).
    for (text, line) in [(arrays, 6), (tables, 6), (dotted, 6), (header, 6)] {
        let problem = only_problem(&text);
        assert_eq!(
            problem.message,
            format!(
                "tables, arrays or dotted keys nested deeper than the limit of {MAX_NESTING_DEPTH} levels; an instance needs at most 4"
            ),
        );
        assert_eq!(problem.line, line, "{problem}");
    }
    // End to end: exit code 2, no crash.
    let (_scratch, path) = scratch_file("deep.toml", format!("{HEADER}notes = {}{}\n", "[".repeat(depth), "]".repeat(depth)).as_bytes());
    let output = capplan(&["check", &path]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("limit of 80 levels"));
}

/// A file of tiny values just under the size limit is refused by counting its separators, before
/// the TOML reader builds it: it took 9.4 s and 5.1 GB to refuse without this check.
#[test]
fn too_many_values_are_refused_before_reading_the_toml() {
    let mut text = String::from("[plan]\nname = \"x\"\nperiod = \"2027-Q1\"\ncurrency = \"EUR\"\nnumbers = [");
    text.push_str(&"1,".repeat(capplan::input::limits::MAX_VALUES));
    text.push_str("1]\n");
    let started = std::time::Instant::now();
    let errors = Instance::from_toml_str("values.toml", &text).unwrap_err();
    assert_eq!(errors.0.len(), 1);
    assert!(errors.0[0].message.contains("more than the limit of 10000000 for an instance"), "{}", errors.0[0]);
    // A loose bound only guards against the reader being reached: counting takes milliseconds.
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
}
