//! The solve report as an Excel workbook (`capplan solve --format xlsx`): sheets Plan, Resources,
//! Constraints, Sensitivity and Limits, numbers stored as numbers with number formats, each
//! sheet's header row frozen.
//!
//! The printer reads only the solve report (its header, the plan, its sensitivity and Limits
//! reports when they were computed); it derives nothing and does not depend on any other
//! printer. The layout of each sheet is documented in docs/cli.md ("Excel workbook").

use rust_xlsxwriter::{Format, FormatAlign, Workbook, Worksheet, XlsxError};

use crate::analysis::SolveReport;
use crate::analysis::{ConstraintResult, Plan};

/// Excel Solver writes an unlimited allowable increase or decrease as 1E+30; so does capplan, so
/// that a formula over the column keeps working.
pub const UNLIMITED: f64 = 1e30;

/// The sheet names, in workbook order.
pub const SHEETS: [&str; 5] = ["Plan", "Resources", "Constraints", "Sensitivity", "Limits"];

/// Number formats: hours to a tenth, money to the cent, shares as percentages.
struct Formats {
    header: Format,
    title: Format,
    hours: Format,
    money: Format,
    share: Format,
    /// An unlimited allowable increase or decrease: 1E+30 shown as such, not as 31 digits.
    unlimited: Format,
}

impl Formats {
    fn new() -> Self {
        Formats {
            header: Format::new().set_bold().set_align(FormatAlign::Center).set_text_wrap(),
            title: Format::new().set_bold(),
            hours: Format::new().set_num_format("#,##0.0"),
            money: Format::new().set_num_format("#,##0.00"),
            share: Format::new().set_num_format("0.00%"),
            unlimited: Format::new().set_num_format("0E+00"),
        }
    }

    /// The format of a constraint's limit or value: hours or a share.
    fn of_unit(&self, unit: crate::analysis::document::Unit) -> &Format {
        match unit {
            crate::analysis::document::Unit::Hour => &self.hours,
            // The CVaR floor is an amount of money.
            crate::analysis::document::Unit::Currency => &self.money,
            _ => &self.share,
        }
    }
}

/// Renders the workbook. The bytes are a pure function of the inputs except for the file's
/// creation time, which rust_xlsxwriter fixes here to a constant so that identical input gives
/// identical bytes.
pub fn render(report: &SolveReport) -> Result<Vec<u8>, XlsxError> {
    let header = &report.header.plan;
    let formats = Formats::new();
    let mut workbook = Workbook::new();
    // A fixed creation date: the same input gives byte-identical workbooks.
    let properties = rust_xlsxwriter::DocProperties::new()
        .set_title(format!("capplan: {} ({})", header.name, header.period))
        .set_creation_datetime(&rust_xlsxwriter::ExcelDateTime::from_ymd(2000, 1, 1)?);
    workbook.set_properties(&properties);
    for name in SHEETS {
        workbook.add_worksheet().set_name(name)?;
    }
    let plan = report.plan.as_ref();
    plan_sheet(workbook.worksheet_from_name("Plan")?, report, &formats)?;
    let no_plan = format!("Status {}: no optimal plan, so there is nothing to show here.", report.status.name());
    for name in &SHEETS[1..] {
        let sheet = workbook.worksheet_from_name(name)?;
        let Some(plan) = plan else {
            sheet.write_string(0, 0, &no_plan)?;
            continue;
        };
        match *name {
            "Resources" => resources_sheet(sheet, plan, &formats)?,
            "Constraints" => constraints_sheet(sheet, plan, &formats)?,
            "Sensitivity" => sensitivity_sheet(sheet, plan, &formats)?,
            _ => limits_sheet(sheet, plan, &formats)?,
        }
    }
    workbook.save_to_buffer()
}

fn headers(sheet: &mut Worksheet, row: u32, names: &[(&str, f64)], formats: &Formats) -> Result<(), XlsxError> {
    for (column, (name, width)) in names.iter().enumerate() {
        sheet.write_string_with_format(row, column as u16, *name, &formats.header)?;
        sheet.set_column_width(column as u16, *width)?;
    }
    sheet.set_freeze_panes(row + 1, 0)?;
    Ok(())
}

fn number(sheet: &mut Worksheet, row: u32, column: u16, value: f64, format: &Format) -> Result<(), XlsxError> {
    // -0 would show as "-0.0".
    sheet.write_number_with_format(row, column, value + 0.0, format)?;
    Ok(())
}

/// Plan: a title block (plan, status, solver, contribution and its parts), then one row per
/// customer and resource, as in the CSV report.
fn plan_sheet(sheet: &mut Worksheet, report: &SolveReport, formats: &Formats) -> Result<(), XlsxError> {
    let header = &report.header.plan;
    let currency = &header.currency;
    let title = format!("capplan: {} ({}, {currency})", header.name, header.period);
    sheet.write_string_with_format(0, 0, &title, &formats.title)?;
    sheet.write_string(1, 0, "Status")?;
    sheet.write_string(1, 1, report.status.name())?;
    sheet.write_string(1, 3, "Solver")?;
    sheet.write_string(1, 4, report.backend.to_string())?;
    let Some(plan) = report.plan.as_ref() else {
        sheet.write_string(3, 0, "No optimal plan: run `capplan solve` with the text report to see why.")?;
        return Ok(());
    };
    let totals = [
        (format!("Contribution ({currency})"), plan.totals.contribution),
        (format!("Value ({currency})"), plan.totals.value),
        (format!("Hour cost ({currency})"), plan.totals.hour_cost),
        (format!("Expansion cost ({currency})"), plan.totals.expansion_cost),
        (format!("Penalty cost ({currency})"), plan.totals.penalty_cost),
        (format!("Objective ({currency})"), plan.objective),
    ];
    for (index, (label, value)) in totals.iter().enumerate() {
        let row = 2 + (index / 3) as u32;
        let column = (index % 3) as u16 * 3;
        sheet.write_string(row, column, label)?;
        number(sheet, row, column + 1, *value, &formats.money)?;
    }
    // Warnings, then what --time-limit cut short, one line each above the plan table.
    let notes: Vec<String> = super::warnings(report)
        .iter()
        .map(|warning| format!("Warning: {warning}"))
        .chain(super::cut_short_sentence(report).map(|sentence| format!("Cut short: {sentence}")))
        .collect();
    for (index, note) in notes.iter().enumerate() {
        sheet.write_string(4 + index as u32, 0, note)?;
    }
    let header_row = 5 + notes.len() as u32;
    headers(
        sheet,
        header_row,
        &[
            ("customer", 12.0),
            ("name", 28.0),
            ("segment", 12.0),
            ("resource", 12.0),
            ("hours", 10.0),
            ("current hours", 10.0),
            ("change hours", 10.0),
            (&format!("value ({currency})"), 14.0),
            (&format!("marginal value ({currency}/h)"), 14.0),
            (&format!("reduced cost ({currency}/h)"), 14.0),
        ],
        formats,
    )?;
    let customers: std::collections::HashMap<&str, &crate::analysis::CustomerResult> =
        plan.customers.iter().map(|customer| (customer.customer.as_str(), customer)).collect();
    for (row, allocation) in (header_row + 1..).zip(&plan.allocations) {
        let customer = customers.get(allocation.customer.as_str());
        sheet.write_string(row, 0, &allocation.customer)?;
        sheet.write_string(row, 1, customer.map_or(allocation.customer.as_str(), |customer| customer.name.as_str()))?;
        sheet.write_string(row, 2, customer.and_then(|customer| customer.segment.as_deref()).unwrap_or(""))?;
        sheet.write_string(row, 3, &allocation.resource)?;
        number(sheet, row, 4, allocation.hours, &formats.hours)?;
        number(sheet, row, 5, allocation.current_hours, &formats.hours)?;
        number(sheet, row, 6, allocation.change_hours, &formats.hours)?;
        number(sheet, row, 7, allocation.value, &formats.money)?;
        number(sheet, row, 8, allocation.marginal_value, &formats.money)?;
        number(sheet, row, 9, allocation.reduced_cost, &formats.money)?;
    }
    Ok(())
}

/// Resources: capacity, expansion, use and shadow price per resource; expansion options below.
fn resources_sheet(sheet: &mut Worksheet, plan: &Plan, formats: &Formats) -> Result<(), XlsxError> {
    headers(
        sheet,
        0,
        &[
            ("resource", 14.0),
            ("name", 20.0),
            ("capacity hours", 11.0),
            ("expansion hours", 11.0),
            ("available hours", 11.0),
            ("allocated hours", 11.0),
            ("current hours", 11.0),
            ("utilisation", 11.0),
            ("cost per hour", 11.0),
            ("shadow price per hour", 12.0),
        ],
        formats,
    )?;
    let mut row = 1;
    for resource in &plan.resources {
        sheet.write_string(row, 0, &resource.resource)?;
        sheet.write_string(row, 1, &resource.name)?;
        number(sheet, row, 2, resource.capacity_hours, &formats.hours)?;
        number(sheet, row, 3, resource.expansion_hours, &formats.hours)?;
        number(sheet, row, 4, resource.available_hours, &formats.hours)?;
        number(sheet, row, 5, resource.allocated_hours, &formats.hours)?;
        number(sheet, row, 6, resource.current_hours, &formats.hours)?;
        number(sheet, row, 7, resource.utilisation, &formats.share)?;
        number(sheet, row, 8, resource.cost_per_hour, &formats.money)?;
        number(sheet, row, 9, resource.shadow_price, &formats.money)?;
        row += 1;
    }
    if plan.expansions.is_empty() {
        return Ok(());
    }
    row += 1;
    for (column, name) in ["resource", "expansion option", "hours bought", "max hours", "cost per hour", "cost"].iter().enumerate() {
        sheet.write_string_with_format(row, column as u16, *name, &formats.header)?;
    }
    row += 1;
    for expansion in &plan.expansions {
        sheet.write_string(row, 0, &expansion.resource)?;
        sheet.write_string(row, 1, &expansion.option)?;
        number(sheet, row, 2, expansion.hours, &formats.hours)?;
        match expansion.max_hours {
            Some(max) => number(sheet, row, 3, max, &formats.hours)?,
            None => {
                sheet.write_string(row, 3, "unlimited")?;
            }
        }
        number(sheet, row, 4, expansion.cost_per_hour, &formats.money)?;
        number(sheet, row, 5, expansion.cost, &formats.money)?;
        row += 1;
    }
    Ok(())
}

fn set_by(constraint: &ConstraintResult) -> String {
    match &constraint.category {
        Some(category) => format!("{category} policy"),
        None => "instance".to_string(),
    }
}

/// Constraints: every named constraint, as Excel Solver's answer report lists them (value,
/// limit, slack, binding or not) with the shadow price.
fn constraints_sheet(sheet: &mut Worksheet, plan: &Plan, formats: &Formats) -> Result<(), XlsxError> {
    headers(
        sheet,
        0,
        &[
            ("constraint", 30.0),
            ("family", 16.0),
            ("sense", 6.0),
            ("limit", 11.0),
            ("actual", 11.0),
            ("slack", 11.0),
            ("status", 12.0),
            ("shadow price", 12.0),
            ("per", 16.0),
            ("set by", 16.0),
        ],
        formats,
    )?;
    for (index, constraint) in plan.constraints.iter().enumerate() {
        let row = 1 + index as u32;
        let unit_format = formats.of_unit(constraint.unit);
        sheet.write_string(row, 0, &constraint.id)?;
        sheet.write_string(row, 1, constraint.family.name())?;
        sheet.write_string(row, 2, constraint.sense.symbol())?;
        number(sheet, row, 3, constraint.limit, unit_format)?;
        number(sheet, row, 4, constraint.actual, unit_format)?;
        number(sheet, row, 5, constraint.slack, unit_format)?;
        sheet.write_string(row, 6, if constraint.binding { "binding" } else { "not binding" })?;
        number(sheet, row, 7, constraint.shadow_price, &formats.money)?;
        sheet.write_string(row, 8, constraint.unit.name())?;
        sheet.write_string(row, 9, set_by(constraint))?;
    }
    Ok(())
}

fn allowable(
    sheet: &mut Worksheet,
    row: u32,
    column: u16,
    value: Option<f64>,
    format: &Format,
    formats: &Formats,
) -> Result<(), XlsxError> {
    match value {
        Some(value) => number(sheet, row, column, value, format),
        None => number(sheet, row, column, UNLIMITED, &formats.unlimited),
    }
}

/// Sensitivity, in the layout of Excel Solver's sensitivity report: a table of variable cells
/// (the allocations) and a table of constraints.
fn sensitivity_sheet(sheet: &mut Worksheet, plan: &Plan, formats: &Formats) -> Result<(), XlsxError> {
    let Some(sensitivity) = plan.sensitivity.as_ref() else {
        sheet.write_string(0, 0, "No sensitivity report: run `capplan solve --sensitivity --format xlsx` to fill this sheet.")?;
        return Ok(());
    };
    let widths = [30.0, 28.0, 11.0, 12.0, 12.0, 12.0, 12.0];
    headers(
        sheet,
        1,
        &[
            ("variable cell (customer/resource)", widths[0]),
            ("name", widths[1]),
            ("final value (hours)", widths[2]),
            ("reduced cost", widths[3]),
            ("objective coefficient (marginal value)", widths[4]),
            ("allowable increase", widths[5]),
            ("allowable decrease", widths[6]),
        ],
        formats,
    )?;
    sheet.write_string_with_format(0, 0, "Variable cells (1E+30: unlimited, as in Excel Solver)", &formats.title)?;
    let names = customer_names(plan);
    let mut row = 2;
    for allocation in &sensitivity.allocations {
        let name = names.get(allocation.customer.as_str()).copied().unwrap_or(allocation.customer.as_str());
        sheet.write_string(row, 0, format!("{}/{}", allocation.customer, allocation.resource))?;
        sheet.write_string(row, 1, format!("{name}, {}", allocation.resource))?;
        number(sheet, row, 2, allocation.hours, &formats.hours)?;
        number(sheet, row, 3, allocation.reduced_cost, &formats.money)?;
        number(sheet, row, 4, allocation.marginal_value, &formats.money)?;
        allowable(sheet, row, 5, allocation.allowable_increase, &formats.money, formats)?;
        allowable(sheet, row, 6, allocation.allowable_decrease, &formats.money, formats)?;
        row += 1;
    }
    row += 1;
    sheet.write_string_with_format(row, 0, "Constraints", &formats.title)?;
    row += 1;
    let constraint_headers =
        ["constraint", "note", "final value", "shadow price", "constraint R.H. side", "allowable increase", "allowable decrease"];
    for (column, name) in constraint_headers.iter().enumerate() {
        sheet.write_string_with_format(row, column as u16, *name, &formats.header)?;
    }
    row += 1;
    for constraint in &sensitivity.constraints {
        let unit_format = formats.of_unit(constraint.unit);
        sheet.write_string(row, 0, &constraint.id)?;
        let note = match (constraint.note, constraint.kink) {
            (Some(note), _) => super::words::unranged(note).to_string(),
            (None, true) => "kink: the value of one unit more and one unit less differ (see the text report)".to_string(),
            (None, false) => String::new(),
        };
        sheet.write_string(row, 1, note)?;
        number(sheet, row, 2, constraint.actual, unit_format)?;
        number(sheet, row, 3, constraint.shadow_price, &formats.money)?;
        number(sheet, row, 4, constraint.limit, unit_format)?;
        if constraint.ranged {
            allowable(sheet, row, 5, constraint.allowable_increase, unit_format, formats)?;
            allowable(sheet, row, 6, constraint.allowable_decrease, unit_format, formats)?;
        }
        row += 1;
    }
    Ok(())
}

/// Limits, in the layout of Excel Solver's Limits report: per allocation (variable cell), its
/// planned hours, the fewest hours it can have with the rest of the plan held and the objective
/// there, the most hours and the objective there, each with the constraints that set it. Read
/// from the sensitivity report (`--sensitivity`); docs/sensitivity.md says what is held.
fn limits_sheet(sheet: &mut Worksheet, plan: &Plan, formats: &Formats) -> Result<(), XlsxError> {
    let Some(sensitivity) = plan.sensitivity.as_ref() else {
        sheet.write_string(0, 0, "No Limits report: run `capplan solve --sensitivity --format xlsx` to fill this sheet.")?;
        return Ok(());
    };
    headers(
        sheet,
        0,
        &[
            ("customer", 12.0),
            ("name", 28.0),
            ("resource", 12.0),
            ("hours", 10.0),
            ("lower limit (hours)", 11.0),
            ("objective at lower limit", 14.0),
            ("lower limit set by", 30.0),
            ("upper limit (hours)", 11.0),
            ("objective at upper limit", 14.0),
            ("upper limit set by", 30.0),
        ],
        formats,
    )?;
    let names = customer_names(plan);
    for (index, limits) in sensitivity.limits.iter().enumerate() {
        let row = 1 + index as u32;
        sheet.write_string(row, 0, &limits.customer)?;
        sheet.write_string(row, 1, names.get(limits.customer.as_str()).copied().unwrap_or(limits.customer.as_str()))?;
        sheet.write_string(row, 2, &limits.resource)?;
        number(sheet, row, 3, limits.hours, &formats.hours)?;
        number(sheet, row, 4, limits.lower.hours, &formats.hours)?;
        number(sheet, row, 5, limits.lower.objective, &formats.money)?;
        let lower_set_by =
            if limits.lower.set_by.is_empty() { "none (hours are never negative)".to_string() } else { limits.lower.set_by.join(", ") };
        sheet.write_string(row, 6, lower_set_by)?;
        match &limits.upper {
            Some(upper) => {
                number(sheet, row, 7, upper.hours, &formats.hours)?;
                number(sheet, row, 8, upper.objective, &formats.money)?;
                sheet.write_string(row, 9, upper.set_by.join(", "))?;
            }
            None => {
                number(sheet, row, 7, UNLIMITED, &formats.unlimited)?;
                sheet.write_string(row, 9, "none: no limit stops the hours")?;
            }
        }
    }
    Ok(())
}

/// Customers' display names by id, from the plan: one lookup per row, not a scan.
fn customer_names(plan: &Plan) -> std::collections::HashMap<&str, &str> {
    plan.customers.iter().map(|customer| (customer.customer.as_str(), customer.name.as_str())).collect()
}
