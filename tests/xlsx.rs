//! `capplan solve --format xlsx`: the workbook is read back (calamine) and every number on its
//! sheets is compared with the JSON report of the same run, so the workbook cannot drift from the
//! other reports.

#[path = "support/scratch.rs"]
mod scratch;

use scratch::scratch;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use calamine::{Data, Range, Reader, Xlsx, open_workbook};
use serde_json::Value;

fn capplan() -> Command {
    Command::new(env!("CARGO_BIN_EXE_capplan"))
}

fn instance(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("instances").join(name)
}

/// Solves `instance` twice with the same flags, as xlsx and as JSON; returns the workbook and the
/// JSON document.
fn solve_both(instance: &Path, extra: &[&str], label: &str) -> (Xlsx<std::io::BufReader<std::fs::File>>, Value) {
    let directory = scratch(label);
    let path = directory.join("plan.xlsx");
    let status =
        capplan().arg("solve").arg(instance).args(extra).args(["--format", "xlsx", "--quiet", "--output"]).arg(&path).status().unwrap();
    assert!(status.success(), "{label}: xlsx run failed");
    let json = capplan().arg("solve").arg(instance).args(extra).args(["--format", "json", "--quiet"]).output().unwrap();
    assert!(json.status.success(), "{label}: json run failed");
    (open_workbook(&path).unwrap(), serde_json::from_slice(&json.stdout).unwrap())
}

fn cell_text(range: &Range<Data>, row: usize, column: usize) -> String {
    match range.get((row, column)) {
        Some(Data::String(text)) => text.clone(),
        Some(Data::Empty) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

fn cell_number(range: &Range<Data>, row: usize, column: usize) -> f64 {
    match range.get((row, column)) {
        Some(Data::Float(value)) => *value,
        Some(Data::Int(value)) => *value as f64,
        other => panic!("expected a number at row {row}, column {column}, found {other:?}"),
    }
}

/// The row (0-based, within the range) whose first cell is `text`.
fn row_starting(range: &Range<Data>, text: &str) -> usize {
    (0..range.height()).find(|&row| cell_text(range, row, 0) == text).unwrap_or_else(|| panic!("no row starts with {text:?}"))
}

fn close(found: f64, expected: f64, what: &str) {
    assert!((found - expected).abs() <= 1e-9 * (1.0 + expected.abs()), "{what}: workbook {found}, JSON {expected}");
}

fn json_number(value: &Value, what: &str) -> f64 {
    value.as_f64().unwrap_or_else(|| panic!("{what}: expected a number in the JSON, found {value}"))
}

fn sheet(workbook: &mut Xlsx<std::io::BufReader<std::fs::File>>, name: &str) -> Range<Data> {
    // Ranges start at the first used cell; every sheet's first cell is A1, so indices are rows.
    let range = workbook.worksheet_range(name).unwrap();
    assert_eq!(range.start(), Some((0, 0)), "{name} starts at A1");
    range
}

/// dsp.toml: five sheets, and the Plan, Resources and Constraints sheets hold the JSON report's
/// numbers, row by row.
#[test]
fn dsp_workbook_has_five_sheets_with_the_json_numbers() {
    let (mut workbook, json) = solve_both(&instance("dsp.toml"), &[], "dsp");
    assert_eq!(workbook.sheet_names(), ["Plan", "Resources", "Constraints", "Sensitivity", "Limits"]);
    let result = &json["result"];

    let plan = sheet(&mut workbook, "Plan");
    let header = row_starting(&plan, "customer");
    let allocations = result["allocations"].as_array().unwrap();
    assert_eq!(plan.height(), header + 1 + allocations.len());
    for (index, allocation) in allocations.iter().enumerate() {
        let row = header + 1 + index;
        assert_eq!(cell_text(&plan, row, 0), allocation["customer"].as_str().unwrap());
        assert_eq!(cell_text(&plan, row, 3), allocation["resource"].as_str().unwrap());
        for (column, field) in
            [(4, "hours"), (5, "current_hours"), (6, "change_hours"), (7, "value"), (8, "marginal_value"), (9, "reduced_cost")]
        {
            close(cell_number(&plan, row, column), json_number(&allocation[field], field), &format!("Plan row {row} {field}"));
        }
    }
    // Customer names as in the other reports.
    let first = &result["customers"][0];
    assert_eq!(cell_text(&plan, header + 1, 1), first["name"].as_str().unwrap());
    let contribution_row = (0..header).find(|&row| cell_text(&plan, row, 0).starts_with("Contribution")).unwrap();
    close(cell_number(&plan, contribution_row, 1), json_number(&result["totals"]["contribution"], "contribution"), "contribution");

    let resources = sheet(&mut workbook, "Resources");
    for (index, resource) in result["resources"].as_array().unwrap().iter().enumerate() {
        let row = 1 + index;
        assert_eq!(cell_text(&resources, row, 0), resource["resource"].as_str().unwrap());
        for (column, field) in
            [(2, "capacity_hours"), (4, "available_hours"), (5, "allocated_hours"), (7, "utilisation"), (9, "shadow_price")]
        {
            close(cell_number(&resources, row, column), json_number(&resource[field], field), &format!("Resources {field}"));
        }
    }

    let constraints = sheet(&mut workbook, "Constraints");
    let listed = result["constraints"].as_array().unwrap();
    assert_eq!(constraints.height(), 1 + listed.len());
    for (index, constraint) in listed.iter().enumerate() {
        let row = 1 + index;
        assert_eq!(cell_text(&constraints, row, 0), constraint["id"].as_str().unwrap());
        for (column, field) in [(3, "limit"), (4, "actual"), (5, "slack"), (7, "shadow_price")] {
            close(cell_number(&constraints, row, column), json_number(&constraint[field], field), &format!("Constraints {field}"));
        }
        let binding = if constraint["binding"].as_bool().unwrap() { "binding" } else { "not binding" };
        assert_eq!(cell_text(&constraints, row, 6), binding);
    }

    // Without --sensitivity the sheet says how to fill it.
    let sensitivity = sheet(&mut workbook, "Sensitivity");
    assert!(cell_text(&sensitivity, 0, 0).contains("--sensitivity"));

    // The Limits report is part of the sensitivity report: without it the sheet says so.
    let limits = sheet(&mut workbook, "Limits");
    assert!(cell_text(&limits, 0, 0).contains("--sensitivity"));
}

/// dsp.toml with --sensitivity: the Limits sheet holds the JSON report's `sensitivity.limits`,
/// row by row (Excel Solver's Limits report: lower and upper limit, objective at each).
#[test]
fn limits_sheet_holds_the_limits_report_of_the_json() {
    let (mut workbook, json) = solve_both(&instance("dsp.toml"), &["--sensitivity"], "dsp-limits");
    let listed = json["result"]["sensitivity"]["limits"].as_array().unwrap();
    assert_eq!(listed.len(), json["result"]["allocations"].as_array().unwrap().len());
    let limits = sheet(&mut workbook, "Limits");
    assert_eq!(limits.height(), 1 + listed.len());
    for (index, entry) in listed.iter().enumerate() {
        let row = 1 + index;
        assert_eq!(cell_text(&limits, row, 0), entry["customer"].as_str().unwrap());
        assert_eq!(cell_text(&limits, row, 2), entry["resource"].as_str().unwrap());
        close(cell_number(&limits, row, 3), json_number(&entry["hours"], "hours"), "hours");
        close(cell_number(&limits, row, 4), json_number(&entry["lower"]["hours"], "lower"), "lower limit");
        close(cell_number(&limits, row, 5), json_number(&entry["lower"]["objective"], "lower objective"), "objective at lower");
        let upper = &entry["upper"];
        close(cell_number(&limits, row, 7), json_number(&upper["hours"], "upper"), "upper limit");
        close(cell_number(&limits, row, 8), json_number(&upper["objective"], "upper objective"), "objective at upper");
        let set_by: Vec<&str> = upper["set_by"].as_array().unwrap().iter().map(|id| id.as_str().unwrap()).collect();
        assert_eq!(cell_text(&limits, row, 9), set_by.join(", "));
    }
}

/// tiny.toml with --sensitivity: the Sensitivity sheet has Excel Solver's two tables with the
/// JSON report's ranges; an unlimited range is 1E+30 as in Excel.
#[test]
fn sensitivity_sheet_holds_the_ranges_of_the_json_report() {
    let (mut workbook, json) = solve_both(&instance("tiny.toml"), &["--sensitivity"], "tiny");
    let ranges = &json["result"]["sensitivity"];
    let sheet = sheet(&mut workbook, "Sensitivity");
    let allowable = |value: &Value| value.as_f64().unwrap_or(1e30);
    for (index, allocation) in ranges["allocations"].as_array().unwrap().iter().enumerate() {
        let row = 2 + index;
        let cell = format!("{}/{}", allocation["customer"].as_str().unwrap(), allocation["resource"].as_str().unwrap());
        assert_eq!(cell_text(&sheet, row, 0), cell);
        close(cell_number(&sheet, row, 2), json_number(&allocation["hours"], "hours"), "final value");
        close(cell_number(&sheet, row, 3), json_number(&allocation["reduced_cost"], "reduced cost"), "reduced cost");
        close(cell_number(&sheet, row, 4), json_number(&allocation["marginal_value"], "marginal value"), "objective coefficient");
        close(cell_number(&sheet, row, 5), allowable(&allocation["allowable_increase"]), "allowable increase");
        close(cell_number(&sheet, row, 6), allowable(&allocation["allowable_decrease"]), "allowable decrease");
    }
    let header = row_starting(&sheet, "constraint");
    for (index, constraint) in ranges["constraints"].as_array().unwrap().iter().enumerate() {
        let row = header + 1 + index;
        assert_eq!(cell_text(&sheet, row, 0), constraint["id"].as_str().unwrap());
        close(cell_number(&sheet, row, 2), json_number(&constraint["actual"], "actual"), "final value");
        close(cell_number(&sheet, row, 3), json_number(&constraint["shadow_price"], "shadow price"), "shadow price");
        close(cell_number(&sheet, row, 4), json_number(&constraint["limit"], "limit"), "constraint R.H. side");
        if constraint["ranged"].as_bool().unwrap() {
            close(cell_number(&sheet, row, 5), allowable(&constraint["allowable_increase"]), "allowable increase");
            close(cell_number(&sheet, row, 6), allowable(&constraint["allowable_decrease"]), "allowable decrease");
        }
    }
}

/// The same instance gives byte-identical workbooks (no clock in the file).
#[test]
fn workbook_is_deterministic() {
    let directory = scratch("deterministic");
    let mut files = Vec::new();
    for run in 0..2 {
        let path = directory.join(format!("plan{run}.xlsx"));
        let status =
            capplan().args(["solve", "--format", "xlsx", "--quiet", "--output"]).arg(&path).arg(instance("tiny.toml")).status().unwrap();
        assert!(status.success());
        files.push(std::fs::read(&path).unwrap());
    }
    assert_eq!(files[0], files[1]);
}

/// Without --output, the workbook goes to a standard output that is not a terminal (here a pipe).
#[test]
fn workbook_goes_to_standard_output_when_it_is_not_a_terminal() {
    let output =
        capplan().args(["solve", "--format", "xlsx", "--quiet"]).arg(instance("tiny.toml")).stdout(Stdio::piped()).output().unwrap();
    assert!(output.status.success());
    // An xlsx file is a zip archive.
    assert_eq!(&output.stdout[..2], b"PK");
}

/// An infeasible instance still gives a workbook (exit code 3) whose sheets say there is no plan.
#[test]
fn infeasible_instance_gives_a_workbook_without_a_plan() {
    let directory = scratch("infeasible");
    let path = directory.join("plan.xlsx");
    let status = capplan()
        .args(["solve", "--format", "xlsx", "--quiet", "--output"])
        .arg(&path)
        .arg(instance("infeasible/engineering-promises.toml"))
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(3));
    let mut workbook: Xlsx<_> = open_workbook(&path).unwrap();
    let plan = sheet(&mut workbook, "Plan");
    assert_eq!(cell_text(&plan, 1, 1), "infeasible");
    let resources = sheet(&mut workbook, "Resources");
    assert!(cell_text(&resources, 0, 0).contains("no optimal plan"));
}
