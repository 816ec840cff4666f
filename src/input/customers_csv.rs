//! Customers from a CSV file or an xlsx sheet (`customers_csv`, `customers_xlsx` in an instance):
//! reading the table into the same raw customer structures the TOML reader produces, so that
//! these customers go through the same validation, and writing an instance's customers back in
//! that layout (`capplan export --format customers-csv`).
//!
//! Every value read keeps its place as a cell of the table attached to the instance's
//! [`SourceFile`], so a problem found later, in validation, is reported as `file.csv:ROW:COLUMN`.
//! The columns are documented in docs/instance-format.md ("Customers from a CSV file").

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::input::Spanned;

use super::limits::{FileKind, MAX_CUSTOMERS, MAX_POINTS, MAX_TEXT_CHARS};
use super::{ExpectationKind, RawCustomer, RawExpectation, RawInstance, RawResponse, RawTable};
use crate::diagnostic::{Diagnostic, InputErrors, SourceFile};
use crate::model::{Instance, ResponseCurve, ShareBase};

/// Largest customers CSV or workbook read, in bytes: the limit of every file capplan reads
/// ([`super::limits::MAX_FILE_BYTES`]).
pub const MAX_CSV_BYTES: u64 = super::limits::MAX_FILE_BYTES;
/// Most columns in a customers CSV (a 100-resource instance needs about 1,300).
pub const MAX_COLUMNS: usize = 10_000;

/// What a column holds. Per-resource columns are written `FIELD.KEY`, for example
/// `floor_hours.sales`.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Column {
    Id,
    Name,
    Segment,
    PriorityWeight,
    /// A table of the customer keyed by resource (or `value`, or a score dimension).
    Table(TableField, String),
    ValuePerHour(String),
    MaxHours(String),
    Points(String),
    ExpectedHours(String),
    ExpectationKind(String),
    PenaltyPerHour(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum TableField {
    CurrentHours,
    FloorHours,
    CapHours,
    MaxShare,
    MaxChangeHours,
    MaxChangeFraction,
    Scores,
}

const TABLE_FIELDS: [(&str, TableField); 7] = [
    ("current_hours", TableField::CurrentHours),
    ("floor_hours", TableField::FloorHours),
    ("cap_hours", TableField::CapHours),
    ("max_share", TableField::MaxShare),
    ("max_change_hours", TableField::MaxChangeHours),
    ("max_change_fraction", TableField::MaxChangeFraction),
    ("scores", TableField::Scores),
];

const EXPECTED_COLUMNS: &str = "id, name, segment, priority_weight, or FIELD.KEY with FIELD one of current_hours, floor_hours, \
cap_hours, max_share, max_change_hours, max_change_fraction, scores, value_per_hour, max_hours, points, expected_hours, \
expectation_kind, penalty_per_hour";

fn parse_header(name: &str) -> Option<Column> {
    match name {
        "id" => return Some(Column::Id),
        "name" => return Some(Column::Name),
        "segment" => return Some(Column::Segment),
        "priority_weight" => return Some(Column::PriorityWeight),
        _ => {}
    }
    let (field, key) = name.split_once('.')?;
    if key.is_empty() {
        return None;
    }
    let key = key.to_string();
    if let Some((_, table)) = TABLE_FIELDS.iter().find(|(text, _)| *text == field) {
        return Some(Column::Table(*table, key));
    }
    Some(match field {
        "value_per_hour" => Column::ValuePerHour(key),
        "max_hours" => Column::MaxHours(key),
        "points" => Column::Points(key),
        "expected_hours" => Column::ExpectedHours(key),
        "expectation_kind" => Column::ExpectationKind(key),
        "penalty_per_hour" => Column::PenaltyPerHour(key),
        _ => return None,
    })
}

/// Reads the customers CSV or workbook sheet an instance names (`customers_csv` or
/// `customers_xlsx`, if it names one), appends its customers to
/// `raw.customers` after the TOML ones, and attaches the file to `source` so that later problems
/// are located in it. A relative path is relative to the instance file (to the current directory
/// when the instance is read from standard input).
pub fn read_customer_tables(raw: &mut RawInstance, source: &SourceFile) -> Result<(), InputErrors> {
    let (reference, field, workbook) = match (raw.customers_csv.as_ref(), raw.customers_xlsx.as_ref()) {
        (None, None) => return Ok(()),
        (Some(_), Some(workbook)) => {
            let message = "give either customers_csv or customers_xlsx, not both";
            return Err(InputErrors(vec![source.diagnostic(workbook.span(), "customers_xlsx", message)]));
        }
        (Some(csv), None) => (csv, "customers_csv", false),
        (None, Some(workbook)) => (workbook, "customers_xlsx", true),
    };
    let path = resolve(&source.path, reference.get_ref());
    let display = path.display().to_string();
    let located = |message: String| InputErrors(vec![source.diagnostic(reference.span(), field, message)]);
    let customers = if workbook {
        let rows = read_workbook(&path).map_err(located)?;
        source.attach_table(display.clone());
        parse_rows(&display, "customers sheet", rows.into_iter().map(Ok), raw.customers.len())?
    } else {
        let text = read_bounded(&path).map_err(located)?;
        source.attach_table(display.clone());
        parse(&display, &text, raw.customers.len())?
    };
    raw.customers.extend(customers);
    Ok(())
}

/// Reads an instance whose customers CSV is given as text rather than named by `customers_csv`
/// (for the fuzzer and tests): the CSV's customers are appended to the instance's and the whole
/// is validated, with the CSV's problems located as `csv_path:ROW:COLUMN`.
pub fn instance_with_csv_text(instance_path: &str, instance_text: &str, csv_path: &str, csv_text: &str) -> Result<Instance, InputErrors> {
    let source = SourceFile::new(instance_path, instance_text);
    let mut raw = super::parse_raw(&source)?;
    super::limits::check_text_size(&SourceFile::new(csv_path, csv_text), FileKind::CustomersCsv)
        .map_err(|problem| InputErrors(vec![problem]))?;
    source.attach_table(csv_path.to_string());
    let csv_text = csv_text.strip_prefix('\u{feff}').unwrap_or(csv_text);
    let customers = parse(csv_path, csv_text, raw.customers.len())?;
    raw.customers.extend(customers);
    crate::model::validate(&raw, &source)
}

/// The rows of a workbook's customers sheet (the sheet named `Customers`, else the first), as
/// text cells with their 1-based row numbers; empty rows are left out. A number is written in
/// the shortest form that reads back as the same value.
fn read_workbook(path: &Path) -> Result<Vec<(usize, Vec<String>)>, String> {
    use calamine::{Data, Reader};
    let size = std::fs::metadata(path).map_err(|error| format!("cannot read the customers workbook {}: {error}", path.display()))?.len();
    if size > MAX_CSV_BYTES {
        return Err(format!("the customers workbook {} is larger than the limit of {MAX_CSV_BYTES} bytes (64 MiB)", path.display()));
    }
    check_unzipped_size(path)?;
    let mut workbook: calamine::Xlsx<_> =
        calamine::open_workbook(path).map_err(|error| format!("cannot read the customers workbook {}: {error}", path.display()))?;
    let names = workbook.sheet_names();
    let sheet = names.iter().find(|name| name.as_str() == "Customers").or(names.first()).cloned().ok_or("the workbook has no sheet")?;
    let range = workbook.worksheet_range(&sheet).map_err(|error| format!("cannot read sheet {sheet:?} of {}: {error}", path.display()))?;
    if range.width() > MAX_COLUMNS {
        return Err(format!("sheet {sheet:?} has {} columns, the limit is {MAX_COLUMNS}", range.width()));
    }
    if let Some((row, column)) = range.start().filter(|&start| start != (0, 0)) {
        return Err(format!(
            "sheet {sheet:?} must start at cell A1 with the header line; its first cell is in row {}, column {}",
            row + 1,
            column + 1
        ));
    }
    let text = |cell: &Data| match cell {
        Data::Empty => String::new(),
        Data::String(text) => text.clone(),
        Data::Float(value) => number_text(*value),
        Data::Int(value) => value.to_string(),
        Data::Bool(value) => value.to_string(),
        other => other.to_string(),
    };
    let mut rows = Vec::new();
    for (index, cells) in range.rows().enumerate() {
        let mut cells: Vec<String> = cells.iter().map(text).collect();
        // Trailing empty cells are the sheet's width, not fields.
        while cells.last().is_some_and(|cell| cell.trim().is_empty()) {
            cells.pop();
        }
        if !cells.is_empty() {
            rows.push((index + 1, cells));
        }
    }
    Ok(rows)
}

/// Largest unzipped size of a customers workbook, the sum of its parts' sizes as its zip
/// directory states them (256 MiB; a sheet of 200,000 customers unzips to about 150 MB). A
/// small workbook can unzip to gigabytes; this refuses one before calamine decompresses it.
pub const MAX_WORKBOOK_UNZIPPED_BYTES: u64 = 256 * 1024 * 1024;
/// Most parts in a customers workbook's zip archive (a workbook has about a dozen).
pub const MAX_WORKBOOK_PARTS: usize = 10_000;

fn check_unzipped_size(path: &Path) -> Result<(), String> {
    let cannot = |error: &dyn std::fmt::Display| format!("cannot read the customers workbook {}: {error}", path.display());
    let file = std::fs::File::open(path).map_err(|error| cannot(&error))?;
    if let Ok(metadata) = file.metadata() {
        super::remember_file_read(&metadata);
    }
    let mut archive = zip::ZipArchive::new(std::io::BufReader::new(file)).map_err(|error| cannot(&error))?;
    if archive.len() > MAX_WORKBOOK_PARTS {
        return Err(format!(
            "the customers workbook {} holds {} parts, more than the limit of {MAX_WORKBOOK_PARTS}",
            path.display(),
            archive.len()
        ));
    }
    let mut unzipped: u64 = 0;
    for index in 0..archive.len() {
        let part = archive.by_index_raw(index).map_err(|error| cannot(&error))?;
        unzipped = unzipped.saturating_add(part.size());
    }
    if unzipped > MAX_WORKBOOK_UNZIPPED_BYTES {
        return Err(format!(
            "the customers workbook {} unzips to {unzipped} bytes, more than the limit of {MAX_WORKBOOK_UNZIPPED_BYTES} bytes (256 MiB)",
            path.display()
        ));
    }
    Ok(())
}

fn resolve(instance_path: &str, reference: &str) -> PathBuf {
    let instance_dir = Path::new(instance_path).parent().unwrap_or(Path::new(""));
    instance_dir.join(reference)
}

fn read_bounded(path: &Path) -> Result<String, String> {
    let text = super::limits::read_bounded(path, FileKind::CustomersCsv).map_err(|message| format!("{}: {message}", path.display()))?;
    // The same value count as the TOML files, before the CSV reader builds records.
    super::limits::check_text_size(&SourceFile::new(path.display().to_string(), text.as_str()), FileKind::CustomersCsv)
        .map_err(|problem| format!("{}: {}", path.display(), problem.message))?;
    // Spreadsheet programs often write a byte-order mark.
    Ok(text.strip_prefix('\u{feff}').map(str::to_string).unwrap_or(text))
}

/// Collects the problems of one CSV file, each located at its cell.
struct Cells<'a> {
    path: &'a str,
    problems: Vec<Diagnostic>,
}

impl Cells<'_> {
    fn problem(&mut self, row: usize, column: usize, field: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Diagnostic { file: self.path.to_string(), line: row, column, field: field.into(), message: message.into() });
    }
}

fn spanned<T>(row: usize, column: usize, value: T) -> Spanned<T> {
    Spanned::new(SourceFile::table_cell(row, column), value)
}

/// Parses the CSV text into raw customers; `already` is the number of customers the instance's
/// TOML gives, which counts against the customer limit too.
fn parse(path: &str, text: &str, already: usize) -> Result<Vec<Spanned<RawCustomer>>, InputErrors> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let records = reader.records().map(|record| {
        record
            .map(|record| {
                let row = record.position().map_or(0, |position| position.line() as usize);
                (row, record.iter().map(str::to_string).collect())
            })
            .map_err(|error| csv_error(path, &error))
    });
    parse_rows(path, "customers CSV", records, already)
}

/// Parses rows of text cells (a header row, then one customer per row) into raw customers; the
/// CSV file and the workbook sheet share this. `what` names the table in messages.
fn parse_rows(
    path: &str,
    what: &str,
    records: impl Iterator<Item = Result<(usize, Vec<String>), Diagnostic>>,
    already: usize,
) -> Result<Vec<Spanned<RawCustomer>>, InputErrors> {
    let mut cells = Cells { path, problems: Vec::new() };
    let mut records = records;
    let header = match records.next() {
        Some(Ok((_, header))) => header,
        Some(Err(error)) => return Err(InputErrors(vec![error])),
        None => {
            cells.problem(0, 0, "", format!("the {what} is empty: expected a header line naming the columns, at least `id`"));
            return Err(InputErrors(cells.problems));
        }
    };
    if header.len() > MAX_COLUMNS {
        cells.problem(1, MAX_COLUMNS + 1, "", format!("too many columns: {} given, the limit is {MAX_COLUMNS}", header.len()));
        return Err(InputErrors(cells.problems));
    }
    let mut columns: Vec<Option<Column>> = Vec::with_capacity(header.len());
    let mut seen = std::collections::HashSet::new();
    for (index, name) in header.iter().enumerate() {
        let name = name.trim();
        let column = parse_header(name);
        if column.is_none() {
            cells.problem(1, index + 1, name, format!("unknown column `{name}`, expected {EXPECTED_COLUMNS}"));
        } else if !seen.insert(name) {
            cells.problem(1, index + 1, name, format!("duplicate column `{name}`"));
        }
        columns.push(column);
    }
    if !columns.iter().flatten().any(|column| *column == Column::Id) {
        cells.problem(1, 1, "id", "missing column `id`: every customer needs an id");
    }
    if !cells.problems.is_empty() {
        return Err(InputErrors(cells.problems));
    }
    let mut customers = Vec::new();
    for record in records {
        let (row, record) = match record {
            Ok(record) => record,
            Err(error) => {
                cells.problems.push(error);
                break;
            }
        };
        if already + customers.len() >= MAX_CUSTOMERS {
            cells.problem(
                row,
                1,
                "customers",
                format!(
                    "too many customers: more than {MAX_CUSTOMERS} with the instance's own, the limit is {MAX_CUSTOMERS} (the first one over the limit is here)"
                ),
            );
            break;
        }
        if record.len() != columns.len() {
            cells.problem(
                row,
                record.len().min(columns.len()) + 1,
                "",
                format!("expected {} fields as in the header line, found {}", columns.len(), record.len()),
            );
            continue;
        }
        if let Some(customer) = customer(&mut cells, &columns, &record, row) {
            customers.push(customer);
        }
    }
    if cells.problems.is_empty() { Ok(customers) } else { Err(InputErrors(cells.problems)) }
}

fn csv_error(path: &str, error: &csv::Error) -> Diagnostic {
    let row = error.position().map_or(0, |position| position.line() as usize);
    let message = match error.kind() {
        csv::ErrorKind::Utf8 { .. } => "the line is not UTF-8 text".to_string(),
        _ => format!("cannot read the CSV: {error}"),
    };
    Diagnostic { file: path.to_string(), line: row, column: if row == 0 { 0 } else { 1 }, field: String::new(), message }
}

fn customer(cells: &mut Cells<'_>, columns: &[Option<Column>], record: &[String], row: usize) -> Option<Spanned<RawCustomer>> {
    let mut id: Option<Spanned<String>> = None;
    let mut name = None;
    let mut segment = None;
    let mut priority_weight = None;
    let mut tables: BTreeMap<TableField, RawTable> = BTreeMap::new();
    let mut responses: BTreeMap<String, (Spanned<String>, RawResponse, usize)> = BTreeMap::new();
    let mut expectations: BTreeMap<String, (Spanned<String>, PartialExpectation)> = BTreeMap::new();
    let problems_before = cells.problems.len();
    for (index, (column, cell)) in columns.iter().zip(record.iter()).enumerate() {
        let column_number = index + 1;
        let cell = cell.trim();
        let Some(column) = column else { continue };
        if cell.is_empty() {
            continue;
        }
        let header = header_name(column);
        let number = |cells: &mut Cells<'_>| -> Option<Spanned<f64>> {
            match cell.parse::<f64>() {
                Ok(value) => Some(spanned(row, column_number, value)),
                Err(_) => {
                    cells.problem(row, column_number, &header, format!("expected a number, found {cell:?}"));
                    None
                }
            }
        };
        // The key's place is the header cell, the value's the data cell.
        let key = |key: &str| spanned(1, column_number, key.to_string());
        match column {
            Column::Id => id = Some(spanned(row, column_number, cell.to_string())),
            Column::Name => {
                if cell.chars().count() > MAX_TEXT_CHARS {
                    cells.problem(row, column_number, "name", format!("text longer than the limit of {MAX_TEXT_CHARS} characters"));
                } else {
                    name = Some(cell.to_string());
                }
            }
            Column::Segment => segment = Some(spanned(row, column_number, cell.to_string())),
            Column::PriorityWeight => priority_weight = number(cells),
            Column::Table(field, table_key) => {
                if let Some(value) = number(cells) {
                    tables.entry(*field).or_default().insert(key(table_key), value);
                }
            }
            Column::ValuePerHour(resource) | Column::MaxHours(resource) => {
                if let Some(value) = number(cells) {
                    let entry = responses.entry(resource.clone()).or_insert_with(|| (key(resource), empty_response(), column_number));
                    if matches!(column, Column::ValuePerHour(_)) {
                        entry.1.value_per_hour = Some(value);
                    } else {
                        entry.1.max_hours = Some(value);
                    }
                }
            }
            Column::Points(resource) => {
                if let Some(points) = points(cells, cell, row, column_number, &header) {
                    let entry = responses.entry(resource.clone()).or_insert_with(|| (key(resource), empty_response(), column_number));
                    entry.1.points = Some(points);
                }
            }
            Column::ExpectedHours(resource) | Column::PenaltyPerHour(resource) => {
                if let Some(value) = number(cells) {
                    let entry = expectations.entry(resource.clone()).or_insert_with(|| (key(resource), PartialExpectation::default()));
                    if matches!(column, Column::ExpectedHours(_)) {
                        entry.1.hours = Some(value);
                    } else {
                        entry.1.penalty_per_hour = Some(value);
                        entry.1.penalty_column = column_number;
                    }
                }
            }
            Column::ExpectationKind(resource) => {
                let kind = match cell {
                    "hard" => Some(ExpectationKind::Hard),
                    "soft" => Some(ExpectationKind::Soft),
                    _ => {
                        cells.problem(row, column_number, &header, format!("expected `hard` or `soft`, found {cell:?}"));
                        None
                    }
                };
                if let Some(kind) = kind {
                    let entry = expectations.entry(resource.clone()).or_insert_with(|| (key(resource), PartialExpectation::default()));
                    entry.1.kind = Some(spanned(row, column_number, kind));
                    entry.1.kind_column = column_number;
                }
            }
        }
    }
    let Some(id) = id else {
        let column = columns.iter().position(|column| *column == Some(Column::Id)).map_or(1, |at| at + 1);
        cells.problem(row, column, "id", "expected a customer id, found an empty cell");
        return None;
    };
    let mut raw_expectations = BTreeMap::new();
    for (resource, (key, partial)) in expectations {
        match partial.hours {
            Some(hours) => {
                let span = hours.span();
                let expectation = RawExpectation { hours, kind: partial.kind, penalty_per_hour: partial.penalty_per_hour };
                raw_expectations.insert(key, Spanned::new(span, expectation));
            }
            None => {
                let column = if partial.penalty_per_hour.is_some() { partial.penalty_column } else { partial.kind_column };
                cells.problem(
                    row,
                    column,
                    format!("expected_hours.{resource}"),
                    format!("an expectation needs its hours: fill expected_hours.{resource} in this row, or leave the expectation's other cells empty"),
                );
            }
        }
    }
    if cells.problems.len() > problems_before {
        return None;
    }
    let mut take = |field: TableField| tables.remove(&field).unwrap_or_default();
    let customer = RawCustomer {
        id: id.clone(),
        name,
        segment,
        current_hours: take(TableField::CurrentHours),
        floor_hours: take(TableField::FloorHours),
        cap_hours: take(TableField::CapHours),
        max_share: take(TableField::MaxShare),
        response: responses
            .into_values()
            .map(|(key, response, column)| (key, Spanned::new(SourceFile::table_cell(row, column), response)))
            .collect(),
        expectations: raw_expectations,
        scores: take(TableField::Scores),
        max_change_hours: take(TableField::MaxChangeHours),
        max_change_fraction: take(TableField::MaxChangeFraction),
        priority_weight,
    };
    Some(Spanned::new(id.span(), customer))
}

#[derive(Default)]
struct PartialExpectation {
    hours: Option<Spanned<f64>>,
    kind: Option<Spanned<ExpectationKind>>,
    kind_column: usize,
    penalty_per_hour: Option<Spanned<f64>>,
    penalty_column: usize,
}

fn empty_response() -> RawResponse {
    RawResponse { value_per_hour: None, max_hours: None, points: None, envelope: None }
}

fn header_name(column: &Column) -> String {
    match column {
        Column::Id => "id".into(),
        Column::Name => "name".into(),
        Column::Segment => "segment".into(),
        Column::PriorityWeight => "priority_weight".into(),
        Column::Table(field, key) => {
            let name = TABLE_FIELDS.iter().find(|(_, f)| f == field).map_or("", |(text, _)| text);
            format!("{name}.{key}")
        }
        Column::ValuePerHour(key) => format!("value_per_hour.{key}"),
        Column::MaxHours(key) => format!("max_hours.{key}"),
        Column::Points(key) => format!("points.{key}"),
        Column::ExpectedHours(key) => format!("expected_hours.{key}"),
        Column::ExpectationKind(key) => format!("expectation_kind.{key}"),
        Column::PenaltyPerHour(key) => format!("penalty_per_hour.{key}"),
    }
}

/// `0:0;50:4000;100:6000` -> the points of a response curve.
fn points(cells: &mut Cells<'_>, cell: &str, row: usize, column: usize, header: &str) -> Option<Spanned<Vec<Spanned<Vec<f64>>>>> {
    let expected = "expected points as HOURS:VALUE pairs separated by `;`, for example 0:0;50:4000;100:6000";
    let mut points = Vec::new();
    for pair in cell.split(';').map(str::trim).filter(|pair| !pair.is_empty()) {
        if points.len() >= MAX_POINTS {
            cells.problem(
                row,
                column,
                header,
                format!("too many points: more than {MAX_POINTS} on one response curve, the limit is {MAX_POINTS}"),
            );
            return None;
        }
        let parsed =
            pair.split_once(':').and_then(|(hours, value)| Some((hours.trim().parse::<f64>().ok()?, value.trim().parse::<f64>().ok()?)));
        match parsed {
            Some((hours, value)) => points.push(spanned(row, column, vec![hours, value])),
            None => {
                cells.problem(row, column, header, format!("{expected}; found {pair:?}"));
                return None;
            }
        }
    }
    Some(spanned(row, column, points))
}

/// Shortest text that reads back as the same number.
fn number_text(value: f64) -> String {
    format!("{}", value + 0.0)
}

/// Writes an instance's customers in the customers CSV layout: one row per customer, a column
/// only where some customer has a value. The values are the customers' effective settings (a
/// portfolio category's defaults included, a change limit in hours), so an instance that reads
/// this file instead of its `[[customers]]` tables has the same plan.
pub fn write_customers_csv(instance: &Instance) -> Result<String, String> {
    // The validated curves of these are not the ones the file gave (an envelope, expected values),
    // and the CSV layout cannot say so: writing them would silently change the plan read back.
    if let Some(customer) = instance.customers.iter().find(|customer| customer.judged_responses.iter().any(Option::is_some)) {
        return Err(format!(
            "customer {:?} has an S-shaped curve planned with its envelope (envelope = true), which the customers CSV \
             layout cannot express; keep that customer in the TOML instance",
            customer.id
        ));
    }
    if instance.risk.as_ref().is_some_and(|risk| risk.expected_multipliers.iter().any(|&multiplier| multiplier != 1.0)) {
        return Err("the instance has [risk] scenarios that change customers' values: its curves are read as expected values, \
                    and a customers CSV written from them would be multiplied again when read with the same [risk]; export \
                    the customers from the instance without [risk]"
            .to_string());
    }
    let resources: Vec<&str> = instance.resources.iter().map(|resource| resource.id.as_str()).collect();
    let mut header: Vec<String> = vec!["id".into(), "name".into()];
    let mut rows: Vec<Vec<String>> = instance.customers.iter().map(|customer| vec![customer.id.clone(), customer.name.clone()]).collect();
    let add = |header: &mut Vec<String>, rows: &mut Vec<Vec<String>>, name: String, values: Vec<Option<String>>| {
        if values.iter().any(Option::is_some) {
            header.push(name);
            for (row, value) in rows.iter_mut().zip(values) {
                row.push(value.unwrap_or_default());
            }
        }
    };
    let customers = &instance.customers;
    add(&mut header, &mut rows, "segment".into(), customers.iter().map(|c| c.segment.map(|s| instance.segments[s].id.clone())).collect());
    let weights = customers.iter().map(|c| (c.priority_weight != 1.0).then(|| number_text(c.priority_weight))).collect();
    add(&mut header, &mut rows, "priority_weight".into(), weights);
    let mut curves: Vec<Vec<CurveCells>> = Vec::new();
    for customer in customers {
        let mut per_resource = Vec::new();
        for (r, curve) in customer.responses.iter().enumerate() {
            per_resource.push(curve_cells(curve).ok_or_else(|| {
                format!("customer {:?}: the {} response curve cannot be written as a customers CSV", customer.id, resources[r])
            })?);
        }
        curves.push(per_resource);
    }
    for (r, resource) in resources.iter().enumerate() {
        let hours = |value: f64| (value != 0.0).then(|| number_text(value));
        add(&mut header, &mut rows, format!("current_hours.{resource}"), customers.iter().map(|c| hours(c.current_hours[r])).collect());
        let optional = |values: Vec<Option<f64>>| values.into_iter().map(|value| value.map(number_text)).collect::<Vec<_>>();
        add(&mut header, &mut rows, format!("floor_hours.{resource}"), optional(customers.iter().map(|c| c.floor_hours[r]).collect()));
        add(&mut header, &mut rows, format!("cap_hours.{resource}"), optional(customers.iter().map(|c| c.cap_hours[r]).collect()));
        let share = |c: &crate::model::Customer| {
            c.max_share.iter().find(|(base, _)| *base == ShareBase::Resource(r)).map(|(_, share)| number_text(*share))
        };
        add(&mut header, &mut rows, format!("max_share.{resource}"), customers.iter().map(share).collect());
        add(
            &mut header,
            &mut rows,
            format!("max_change_hours.{resource}"),
            optional(customers.iter().map(|c| c.max_change_hours[r]).collect()),
        );
        let cells = |pick: fn(&CurveCells) -> &Option<String>| curves.iter().map(|per| pick(&per[r]).clone()).collect::<Vec<_>>();
        add(&mut header, &mut rows, format!("value_per_hour.{resource}"), cells(|c| &c.value_per_hour));
        add(&mut header, &mut rows, format!("max_hours.{resource}"), cells(|c| &c.max_hours));
        add(&mut header, &mut rows, format!("points.{resource}"), cells(|c| &c.points));
        let expectation = |c: &crate::model::Customer| c.expectations[r];
        add(
            &mut header,
            &mut rows,
            format!("expected_hours.{resource}"),
            customers.iter().map(|c| expectation(c).map(|e| number_text(e.hours))).collect(),
        );
        let kind = |e: crate::model::Expectation| match e.kind {
            ExpectationKind::Hard => "hard".to_string(),
            ExpectationKind::Soft => "soft".to_string(),
        };
        add(&mut header, &mut rows, format!("expectation_kind.{resource}"), customers.iter().map(|c| expectation(c).map(kind)).collect());
        let penalty = |e: crate::model::Expectation| (e.kind == ExpectationKind::Soft).then(|| number_text(e.penalty_per_hour));
        add(
            &mut header,
            &mut rows,
            format!("penalty_per_hour.{resource}"),
            customers.iter().map(|c| expectation(c).and_then(penalty)).collect(),
        );
    }
    let value_share =
        |c: &crate::model::Customer| c.max_share.iter().find(|(base, _)| *base == ShareBase::Value).map(|(_, share)| number_text(*share));
    add(&mut header, &mut rows, "max_share.value".into(), customers.iter().map(value_share).collect());
    if let Some(model) = &instance.portfolio {
        for (d, dimension) in model.dimensions.iter().enumerate() {
            let scores = customers.iter().map(|c| c.scores.get(d).map(|score| number_text(*score))).collect();
            add(&mut header, &mut rows, format!("scores.{}", dimension.id), scores);
        }
    }
    let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(Vec::new());
    writer.write_record(&header).map_err(|error| error.to_string())?;
    for row in rows {
        writer.write_record(&row).map_err(|error| error.to_string())?;
    }
    let bytes = writer.into_inner().map_err(|error| error.to_string())?;
    String::from_utf8(bytes).map_err(|error| error.to_string())
}

struct CurveCells {
    value_per_hour: Option<String>,
    max_hours: Option<String>,
    points: Option<String>,
}

/// The cells of one response curve: `value_per_hour` (and `max_hours`) where the curve is of
/// that form, else its points. `None` for a curve neither form can express (one rising for ever
/// after a bend, which capplan never builds).
fn curve_cells(curve: &ResponseCurve) -> Option<CurveCells> {
    let none = CurveCells { value_per_hour: None, max_hours: None, points: None };
    let pieces = &curve.pieces;
    if curve.value_at_zero == 0.0 {
        match pieces.as_slice() {
            [only] if only.length_hours.is_none() => {
                // A resource without a response is a flat curve; leave its cells empty.
                if only.value_per_hour == 0.0 {
                    return Some(none);
                }
                return Some(CurveCells { value_per_hour: Some(number_text(only.value_per_hour)), ..none });
            }
            [first, last] if last.length_hours.is_none() && last.value_per_hour == first.value_per_hour.min(0.0) => {
                let length = first.length_hours?;
                return Some(CurveCells {
                    value_per_hour: Some(number_text(first.value_per_hour)),
                    max_hours: Some(number_text(length)),
                    points: None,
                });
            }
            _ => {}
        }
    }
    // Points: every bend, and for a curve that keeps falling one more point on its last piece.
    let last = pieces.last()?;
    if last.length_hours.is_some() || last.value_per_hour > 0.0 {
        return None;
    }
    let mut text = format!("0:{}", number_text(curve.value_at_zero));
    let mut hours = 0.0;
    let mut value = curve.value_at_zero;
    for piece in pieces {
        let length = match piece.length_hours {
            Some(length) => length,
            None if piece.value_per_hour < 0.0 => 1.0,
            None => break,
        };
        hours += length;
        value += length * piece.value_per_hour;
        text.push_str(&format!(";{}:{}", number_text(hours), number_text(value)));
    }
    if !text.contains(';') {
        return None;
    }
    Some(CurveCells { points: Some(text), ..none })
}
