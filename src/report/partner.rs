//! The partner view: the plan as one customer may see it. It shows that customer's hours per
//! resource against its current hours and its own expectations, and the service levels it can
//! count on; it leaves out everything internal: values, costs, shadow prices, scores,
//! categories, the plan's name, and every other customer.

use std::fmt::Write;

use serde::Serialize;

use super::format::hours;
use super::table::Table;
use crate::analysis::document::LimitKind;
use crate::analysis::{SolveReport, Status};
use crate::model::ExpectationKind;

/// The document of `capplan solve --audience partner --customer ID --format json`
/// (docs/json-output.md, "The partner view"). Hours are rounded to 0.1 h.
#[derive(Serialize, schemars::JsonSchema)]
#[schemars(rename = "PartnerReport")]
pub(super) struct PartnerDocument<'a> {
    /// The layout version of this document (docs/json-output.md, "Versioning").
    #[schemars(schema_with = "super::schema::version")]
    schema_version: u32,
    /// Always `partner`.
    audience: &'static str,
    /// The plan's period.
    period: &'a str,
    /// The customer the view is for.
    customer: PartnerCustomer<'a>,
    /// How the solve ended.
    status: Status,
    /// The customer's hours per resource, in instance order; null when there is no plan.
    resources: Option<Vec<PartnerResource<'a>>>,
}

/// The customer a partner view is for.
#[derive(Serialize, schemars::JsonSchema)]
struct PartnerCustomer<'a> {
    /// The customer id.
    id: &'a str,
    /// The customer's display name.
    name: &'a str,
}

/// One resource of a partner view.
#[derive(Serialize, schemars::JsonSchema)]
struct PartnerResource<'a> {
    /// The resource id.
    resource: &'a str,
    /// The resource's display name.
    name: &'a str,
    /// The customer's current hours.
    current_hours: f64,
    /// The hours the plan gives the customer.
    planned_hours: f64,
    /// `planned_hours - current_hours`, of the rounded figures.
    change_hours: f64,
    /// What the customer said it expects; null when it expects nothing of this resource.
    expected_hours: Option<f64>,
    /// `planned_hours - expected_hours`, of the rounded figures; null without an expectation.
    difference_hours: Option<f64>,
    /// The hours the plan guarantees: the larger of the floor and the hard expectation; null
    /// when there is neither.
    minimum_hours: Option<f64>,
}

fn rows(report: &SolveReport, customer: usize) -> Option<Vec<PartnerResource<'_>>> {
    let plan = report.plan.as_ref()?;
    let who = &plan.customers[customer];
    let floor_of = |resource: &str| {
        plan.constraints.iter().find_map(|constraint| match &constraint.about {
            LimitKind::Floor { customer: c, resource: r } if *c == who.customer && r == resource => Some(constraint.limit),
            _ => None,
        })
    };
    let expectation_of = |resource: &str| plan.expectations.iter().find(|gap| gap.customer == who.customer && gap.resource == resource);
    Some(
        plan.resources
            .iter()
            .enumerate()
            .map(|(r, resource)| {
                // Every figure is rounded once, to the tenth of an hour the text shows, and the
                // differences are taken between the rounded figures: 97.0 planned against 120.0
                // current is a change of -23.0, whichever format the partner reads.
                let planned = round(who.hours[r]);
                let current = round(who.current_hours[r]);
                let expectation = expectation_of(&resource.resource);
                let expected = expectation.map(|e| round(e.expected_hours));
                let hard_expectation = expectation.filter(|e| e.kind == ExpectationKind::Hard).map(|e| e.expected_hours);
                PartnerResource {
                    resource: &resource.resource,
                    name: &resource.name,
                    current_hours: current,
                    planned_hours: planned,
                    change_hours: round(planned - current),
                    expected_hours: expected,
                    difference_hours: expected.map(|expected| round(planned - expected)),
                    minimum_hours: [floor_of(&resource.resource), hard_expectation].into_iter().flatten().reduce(f64::max).map(round),
                }
            })
            .collect(),
    )
}

/// Hours to the tenth of an hour, as every partner format shows them: a partner sees hours, not
/// solver noise, and the same figure in text, JSON and CSV.
fn round(value: f64) -> f64 {
    let rounded = (value * 10.0).round() / 10.0;
    if rounded == 0.0 { 0.0 } else { rounded }
}

pub fn render_text(report: &SolveReport, customer: usize) -> String {
    let who = &report.header.customers[customer];
    let mut out = String::new();
    let _ = writeln!(out, "Support plan for {} ({}), {}", who.name, who.id, report.header.plan.period());
    let Some(rows) = rows(report, customer) else {
        let _ = writeln!(out, "No plan is available for this period yet.");
        return out;
    };
    let _ = writeln!(out, "\nHours per resource");
    let mut table = Table::new(&[
        ("resource", false),
        ("current", true),
        ("planned", true),
        ("change", true),
        ("you expect", true),
        ("difference", true),
        ("guaranteed", true),
    ]);
    let optional = |value: Option<f64>| value.map_or("-".to_string(), hours);
    for row in &rows {
        table.row(vec![
            row.name.to_string(),
            hours(row.current_hours),
            hours(row.planned_hours),
            signed(row.change_hours),
            optional(row.expected_hours),
            row.difference_hours.map_or("-".to_string(), signed),
            optional(row.minimum_hours),
        ]);
    }
    table.render(&mut out);
    let _ = writeln!(out);
    for row in &rows {
        if let (Some(expected), Some(difference)) = (row.expected_hours, row.difference_hours) {
            let _ = if difference >= -0.005 {
                writeln!(out, "  - {}: your expectation of {} hours is met.", row.name, hours(expected))
            } else {
                writeln!(
                    out,
                    "  - {}: the plan gives {} hours less than the {} hours you expect.",
                    row.name,
                    hours(-difference),
                    hours(expected)
                )
            };
        }
        if let Some(minimum) = row.minimum_hours {
            let _ = writeln!(out, "  - {}: at least {} hours are guaranteed this period.", row.name, hours(minimum));
        }
    }
    out
}

pub fn render_json(report: &SolveReport, customer: usize) -> String {
    let who = &report.header.customers[customer];
    let document = PartnerDocument {
        schema_version: super::JSON_SCHEMA_VERSION,
        audience: "partner",
        period: report.header.plan.period(),
        customer: PartnerCustomer { id: &who.id, name: &who.name },
        status: report.status,
        resources: rows(report, customer),
    };
    let mut text = serde_json::to_string_pretty(&document).expect("partner view serialises");
    text.push('\n');
    text
}

pub fn render_csv(report: &SolveReport, customer: usize) -> String {
    let mut out = String::from("resource,current_hours,planned_hours,change_hours,expected_hours,minimum_hours\n");
    let optional = |value: Option<f64>| value.map_or(String::new(), |v| format!("{v:.1}"));
    for row in rows(report, customer).unwrap_or_default() {
        let _ = writeln!(
            out,
            "{},{:.1},{:.1},{:.1},{},{}",
            row.resource,
            row.current_hours,
            row.planned_hours,
            row.change_hours,
            optional(row.expected_hours),
            optional(row.minimum_hours)
        );
    }
    out
}

fn signed(value: f64) -> String {
    format!("{}{}", if value > 0.0 { "+" } else { "" }, hours(value))
}
