//! Customers from a CSV file (`customers_csv`): the round trip through
//! `capplan export --format customers-csv` gives the same plan, and problems in the CSV are
//! located as `file.csv:ROW:COLUMN` with the field, through the same validation as TOML
//! customers.

#[path = "support/scratch.rs"]
mod scratch;

use scratch::{Scratch, scratch};
use std::path::{Path, PathBuf};
use std::process::Command;

use capplan::analysis::solve;
use capplan::input::customers_csv::write_customers_csv;
use capplan::model::Instance;
use capplan::solve::Backend;

fn capplan() -> Command {
    Command::new(env!("CARGO_BIN_EXE_capplan"))
}

fn instances() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("instances")
}

/// Writes `instance.toml` (the example without its `[[customers]]` tables, naming
/// `customers.csv`) and `customers.csv` (the export of its customers) into a scratch directory,
/// returned last (the files are removed when it drops).
fn split_into_csv(name: &str) -> (Instance, PathBuf, Scratch) {
    let path = instances().join(format!("{name}.toml"));
    let original = Instance::from_file(&path).unwrap();
    let directory = scratch(name);
    std::fs::write(directory.join("customers.csv"), write_customers_csv(&original).unwrap()).unwrap();
    let mut table: toml::Table = std::fs::read_to_string(&path).unwrap().parse().unwrap();
    table.remove("customers").unwrap();
    table.insert("customers_csv".into(), toml::Value::String("customers.csv".into()));
    // A model file is named relative to the original instance.
    if let Some(portfolio) = table.get_mut("portfolio").and_then(toml::Value::as_table_mut) {
        let model = portfolio["model"].as_str().unwrap().to_string();
        if model.ends_with(".toml") {
            portfolio.insert("model".into(), toml::Value::String(instances().join(model).display().to_string()));
        }
    }
    let split = directory.join("instance.toml");
    std::fs::write(&split, toml::to_string(&table).unwrap()).unwrap();
    (original, split, directory)
}

/// dsp, tiers (a model file, categories' defaults), three-groups (segments, value shares) and
/// dsp-krapfel (a built-in model): the instance reading its customers from the exported CSV has
/// the same customers, the same optimum and the same plan.
#[test]
fn customers_csv_round_trip_gives_the_same_plan() {
    for name in ["dsp", "tiers", "three-groups", "dsp-krapfel"] {
        let (original, split, _directory) = split_into_csv(name);
        let reread = Instance::from_file(&split).unwrap_or_else(|errors| panic!("{name}: {errors}"));
        assert_eq!(reread.customers().len(), original.customers().len(), "{name}");
        for (a, b) in original.customers().iter().zip(reread.customers()) {
            assert_eq!((&a.id(), &a.name(), a.segment(), a.category()), (&b.id(), &b.name(), b.segment(), b.category()), "{name}");
            assert_eq!(
                (&a.floor_hours(), &a.cap_hours(), &a.expectations(), &a.max_change_hours()),
                (&b.floor_hours(), &b.cap_hours(), &b.expectations(), &b.max_change_hours()),
                "{name} {}",
                a.id()
            );
        }
        let expected = solve(&original, Backend::Microlp).unwrap().plan.unwrap();
        let found = solve(&reread, Backend::Microlp).unwrap().plan.unwrap();
        let tolerance = |value: f64| 1e-6 * (1.0 + value.abs());
        assert!(
            (found.objective - expected.objective).abs() <= tolerance(expected.objective),
            "{name}: {} vs {}",
            found.objective,
            expected.objective
        );
        for (a, b) in expected.allocations.iter().zip(&found.allocations) {
            assert_eq!((&a.customer, &a.resource), (&b.customer, &b.resource));
            assert!((a.hours - b.hours).abs() <= tolerance(a.hours), "{name} {}/{}: {} vs {}", a.customer, a.resource, a.hours, b.hours);
        }
        for (a, b) in expected.constraints.iter().zip(&found.constraints) {
            assert_eq!(a.id, b.id, "{name}");
            assert!((a.shadow_price - b.shadow_price).abs() <= tolerance(a.shadow_price), "{name} {}", a.id);
        }
    }
}

/// The CLI writes the same CSV as the library function.
#[test]
fn export_command_writes_the_customers_csv() {
    let output = capplan().args(["export", "--format", "customers-csv"]).arg(instances().join("dsp.toml")).output().unwrap();
    assert!(output.status.success());
    let instance = Instance::from_file(&instances().join("dsp.toml")).unwrap();
    assert_eq!(String::from_utf8(output.stdout).unwrap(), write_customers_csv(&instance).unwrap());
}

const PLAN: &str = "customers_csv = \"customers.csv\"\n\n[plan]\nname = \"CSV\"\nperiod = \"2027-Q1\"\ncurrency = \"EUR\"\n\n[[resources]]\nid = \"service\"\ncapacity_hours = 100\n";

/// Runs `capplan check` on an instance naming a customers CSV with `csv` as its content.
fn check(label: &str, toml_extra: &str, csv: &str) -> (Option<i32>, String, Scratch) {
    let directory = scratch(label);
    let instance = directory.join("instance.toml");
    std::fs::write(&instance, format!("{PLAN}{toml_extra}")).unwrap();
    std::fs::write(directory.join("customers.csv"), csv).unwrap();
    let output = capplan().arg("check").arg(&instance).output().unwrap();
    let csv_path = directory.join("customers.csv").display().to_string();
    let stderr = String::from_utf8(output.stderr)
        .unwrap()
        .replace(&csv_path, "customers.csv")
        .replace(&instance.display().to_string(), "instance.toml");
    (output.status.code(), stderr, directory)
}

/// Points in the `HOURS:VALUE;...` form, floors, caps, expectations and segment-free customers.
#[test]
fn csv_customers_are_read_with_every_column_kind() {
    let csv = "id,name,current_hours.service,floor_hours.service,cap_hours.service,points.service,expected_hours.service,expectation_kind.service,penalty_per_hour.service,max_change_fraction.service\n\
               a,\"Alpha, Inc.\",40,10,80,0:0;50:4000;100:6000,30,soft,5,0.5\n\
               b,Beta,,,,,,,,\n";
    let (code, stderr, directory) = check("kinds", "", csv);
    assert_eq!(code, Some(0), "{stderr}");
    let instance = Instance::from_file(&directory.join("instance.toml")).unwrap();
    let alpha = &instance.customers()[0];
    assert_eq!(alpha.name(), "Alpha, Inc.");
    assert_eq!((alpha.floor_hours()[0], alpha.cap_hours()[0], alpha.max_change_hours()[0]), (Some(10.0), Some(80.0), Some(20.0)));
    assert_eq!(alpha.responses()[0].value_at(50.0), 4000.0);
    assert_eq!(alpha.responses()[0].value_at(100.0), 6000.0);
    assert_eq!(alpha.expectations()[0].map(|e| (e.hours(), e.penalty_per_hour())), Some((30.0, 5.0)));
    assert_eq!(instance.customers()[1].id(), "b");
}

/// A cell that is not a number: file, row, column, the column's field, what is expected.
#[test]
fn csv_number_error_is_located_at_its_cell() {
    let (code, stderr, _directory) = check("number", "", "id,floor_hours.service\na,10\nb,ten\n");
    assert_eq!(code, Some(2));
    assert_eq!(stderr, "error: customers.csv:3:2: floor_hours.service: expected a number, found \"ten\"\n");
}

/// An unknown column is refused at the header, with the columns capplan reads.
#[test]
fn csv_unknown_column_is_refused_at_the_header() {
    let (code, stderr, _directory) = check("column", "", "id,flor_hours.service\na,10\n");
    assert_eq!(code, Some(2));
    assert!(
        stderr.starts_with("error: customers.csv:1:2: flor_hours.service: unknown column `flor_hours.service`, expected id, name"),
        "{stderr}"
    );
}

/// Validation of CSV customers is the TOML customers' validation: a floor above the cap, an
/// unknown resource and a malformed curve are all listed, each at its cell, with the field path
/// the TOML messages use.
#[test]
fn csv_customers_go_through_the_same_validation() {
    let csv = "id,floor_hours.service,cap_hours.service,value_per_hour.sales,points.service\n\
               a,50,30,,\n\
               b,,,20,\n\
               c,,,,0:0;10:100;20:300\n";
    let (code, stderr, _directory) = check("validation", "", csv);
    assert_eq!(code, Some(2));
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 3, "{stderr}");
    // In file order: the header cell of the unknown resource comes first.
    assert!(lines[0].starts_with("error: customers.csv:1:4: customers[b].response.sales: unknown resource \"sales\""), "{stderr}");
    assert!(
        lines[1].starts_with("error: customers.csv:2:2: customers[a].floor_hours.service: floor of 50 hours is above the cap"),
        "{stderr}"
    );
    assert!(lines[2].starts_with("error: customers.csv:4:5: customers[c].response.service"), "{stderr}");
    assert!(lines[2].contains("not concave"), "{stderr}");
}

/// A customer id in both the TOML and the CSV is a duplicate.
#[test]
fn csv_customer_id_also_in_the_toml_is_a_duplicate() {
    let (code, stderr, _directory) = check("duplicate", "\n[[customers]]\nid = \"a\"\n", "id\na\n");
    assert_eq!(code, Some(2));
    assert_eq!(stderr, "error: customers.csv:2:1: customers.id: duplicate customer id \"a\" (first defined on line 13 of instance.toml)\n");
}

/// A customers CSV that does not exist is reported at the `customers_csv` line of the instance.
#[test]
fn missing_customers_csv_is_reported_at_the_instance_line() {
    let directory = scratch("missing");
    let instance = directory.join("instance.toml");
    std::fs::write(&instance, PLAN).unwrap();
    let output = capplan().arg("check").arg(&instance).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("instance.toml:1:17: customers_csv: "), "{stderr}");
    assert!(stderr.contains("customers.csv: cannot read the customers CSV: No such file"), "{stderr}");
}

/// A row with fewer fields than the header is refused at its row.
#[test]
fn csv_row_with_missing_fields_is_refused() {
    let (code, stderr, _directory) = check("short", "", "id,name,floor_hours.service\na,Alpha\n");
    assert_eq!(code, Some(2));
    assert_eq!(stderr, "error: customers.csv:2:3: expected 3 fields as in the header line, found 2\n");
}

/// A scenario applies to CSV customers as to TOML ones, and a problem a scenario causes in a CSV
/// customer is still located in the CSV file.
#[test]
fn scenarios_apply_to_csv_customers() {
    let csv = "id,value_per_hour.service,floor_hours.service\na,10,\nb,20,90\n";
    let (code, stderr, directory) = check("scenario", "", csv);
    assert_eq!(code, Some(0), "{stderr}");
    std::fs::write(directory.join("lose-b.toml"), "remove_customers = [\"b\"]\n\n[scenario]\nname = \"lose-b\"\n").unwrap();
    let output = capplan()
        .args(["solve", "--quiet", "--format", "csv", "--scenario"])
        .arg(directory.join("lose-b.toml"))
        .arg(directory.join("instance.toml"))
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let plan = String::from_utf8(output.stdout).unwrap();
    assert!(plan.contains("\na,a,,service,100.000000,"), "{plan}");
    assert!(!plan.contains("\nb,"), "{plan}");
    // A scenario cap below b's floor from the CSV: the problem is located in the CSV's cell of
    // the floor, which the message compares with the scenario's cap.
    std::fs::write(directory.join("cap-b.toml"), "[scenario]\nname = \"cap-b\"\n\n[customers.b]\ncap_hours = { service = 50 }\n").unwrap();
    let output = capplan()
        .args(["solve", "--quiet", "--scenario"])
        .arg(directory.join("cap-b.toml"))
        .arg(directory.join("instance.toml"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap().replace(&directory.display().to_string(), "DIR");
    assert_eq!(
        stderr,
        "error: DIR/customers.csv:3:3: customers[b].floor_hours.service: floor of 90 hours is above the cap of 50 hours for the same resource\n"
    );
}

/// Writes the rows of a customers CSV as the sheet `Customers` of a workbook: numbers as numbers,
/// text as text, as a spreadsheet holds them.
fn csv_to_workbook(csv_text: &str, path: &Path) {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Customers").unwrap();
    let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(csv_text.as_bytes());
    for (row, record) in reader.records().enumerate() {
        for (column, cell) in record.unwrap().iter().enumerate() {
            let (row, column) = (row as u32, column as u16);
            match cell.parse::<f64>() {
                Ok(number) if row > 0 => sheet.write_number(row, column, number).map(|_| ()).unwrap(),
                _ if cell.is_empty() => {}
                _ => sheet.write_string(row, column, cell).map(|_| ()).unwrap(),
            }
        }
    }
    workbook.save(path).unwrap();
}

/// The customers of dsp and tiers, written as a workbook's sheet and read with
/// `customers_xlsx`, give the same plan.
#[test]
fn customers_xlsx_round_trip_gives_the_same_plan() {
    for name in ["dsp", "tiers"] {
        let (original, split, _directory) = split_into_csv(name);
        let directory = split.parent().unwrap();
        csv_to_workbook(&std::fs::read_to_string(directory.join("customers.csv")).unwrap(), &directory.join("customers.xlsx"));
        let text =
            std::fs::read_to_string(&split).unwrap().replace("customers_csv = \"customers.csv\"", "customers_xlsx = \"customers.xlsx\"");
        let workbook_instance = directory.join("workbook.toml");
        std::fs::write(&workbook_instance, text).unwrap();
        let reread = Instance::from_file(&workbook_instance).unwrap_or_else(|errors| panic!("{name}: {errors}"));
        assert_eq!(reread.customers().len(), original.customers().len());
        let expected = solve(&original, Backend::Microlp).unwrap().plan.unwrap();
        let found = solve(&reread, Backend::Microlp).unwrap().plan.unwrap();
        assert!((found.objective - expected.objective).abs() <= 1e-6 * (1.0 + expected.objective.abs()), "{name}");
        for (a, b) in expected.allocations.iter().zip(&found.allocations) {
            assert!((a.hours - b.hours).abs() <= 1e-6 * (1.0 + a.hours.abs()), "{name} {}/{}", a.customer, a.resource);
        }
    }
}

/// A problem in a workbook cell is located as `file.xlsx:ROW:COLUMN`, as in a CSV.
#[test]
fn customers_xlsx_problem_is_located_at_its_cell() {
    let directory = scratch("workbook-error");
    csv_to_workbook("id,floor_hours.service,cap_hours.service\na,50,30\n", &directory.join("people.xlsx"));
    let instance = directory.join("instance.toml");
    std::fs::write(&instance, PLAN.replace("customers_csv = \"customers.csv\"", "customers_xlsx = \"people.xlsx\"")).unwrap();
    let output = capplan().arg("check").arg(&instance).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap().replace(&directory.display().to_string(), "DIR");
    assert_eq!(
        stderr,
        "error: DIR/people.xlsx:2:2: customers[a].floor_hours.service: floor of 50 hours is above the cap of 30 hours for the same resource\n"
    );
}

/// Response curves of every shape survive the export: linear, saturating, falling after a
/// saturation point, judged points that rise then fall, a value at zero hours, and no response.
#[test]
fn every_curve_shape_survives_the_customers_csv() {
    let text = r#"
[plan]
name = "Curves"
period = "q"
currency = "EUR"

[[resources]]
id = "s"
capacity_hours = 500

[[resources]]
id = "e"
capacity_hours = 500

[[customers]]
id = "linear"
response.s = { value_per_hour = 12.5 }

[[customers]]
id = "saturating"
response.s = { value_per_hour = 30, max_hours = 40 }
response.e = { value_per_hour = -3, max_hours = 10 }

[[customers]]
id = "judged"
current_hours = { s = 20 }
response.s = { points = [[0, 100], [10, 400], [30, 700], [50, 600]] }
response.e = { points = [[0, -50], [0.1, -20], [7.3, 1.7]] }
"#;
    let original = Instance::from_toml_str("curves.toml", text).unwrap();
    let directory = scratch("curves");
    std::fs::write(directory.join("customers.csv"), write_customers_csv(&original).unwrap()).unwrap();
    let without_customers = text.split("[[customers]]").next().unwrap();
    std::fs::write(directory.join("curves.toml"), format!("customers_csv = \"customers.csv\"\n{without_customers}")).unwrap();
    let reread = Instance::from_file(&directory.join("curves.toml")).unwrap_or_else(|errors| panic!("{errors}"));
    for (a, b) in original.customers().iter().zip(reread.customers()) {
        for r in 0..2 {
            for hours in [0.0, 0.05, 5.0, 10.0, 25.0, 40.0, 45.0, 50.0, 80.0, 400.0] {
                let (expected, found) = (a.responses()[r].value_at(hours), b.responses()[r].value_at(hours));
                assert!((expected - found).abs() <= 1e-9 * (1.0 + expected.abs()), "{} r{r} at {hours}: {expected} vs {found}", a.id());
                let (expected, found) = (a.responses()[r].marginal_value_at(hours), b.responses()[r].marginal_value_at(hours));
                assert!(
                    (expected - found).abs() <= 1e-9 * (1.0 + expected.abs()),
                    "{} r{r} slope at {hours}: {expected} vs {found}",
                    a.id()
                );
            }
        }
    }
}
