//! The report of `capplan frontier`: the efficient frontier of expected contribution against the
//! CVaR of contribution, with the allocations that shift from one point to the next.

use std::fmt::Write;

use super::csv::{field, number};
use super::json::NumbersById;
use super::{Format, hours, money};
use crate::analysis::frontier::Frontier;

/// How many allocation moves the text report lists between two points.
const MOVES_SHOWN: usize = 6;

/// The frontier report in `format`: text (the points and what moves between them), JSON (`capplan
/// schema frontier`) or CSV (one row per point).
pub fn render(frontier: &Frontier, format: Format) -> String {
    match format {
        Format::Text => text(frontier),
        Format::Json => json(frontier),
        Format::Csv => csv(frontier),
    }
}

fn text(frontier: &Frontier) -> String {
    let header = &frontier.header;
    let currency = header.currency();
    let mut out = String::new();
    let _ = writeln!(out, "capplan frontier: {} ({}, {currency})", header.name(), header.period());
    let _ = writeln!(out, "Solver: {}", frontier.backend);
    let _ = writeln!(
        out,
        "Risk: CVaR of contribution at {:.0} % confidence: the mean contribution over the worst {:.0} %",
        frontier.confidence * 100.0,
        (1.0 - frontier.confidence) * 100.0
    );
    let _ = writeln!(out, "of the probability; scenarios: {}.", frontier.scenario_ids.join(", "));
    let _ = writeln!(out, "Each point is an optimal plan under the CVaR floor shown; risk = -CVaR (the CVaR of the loss).");
    if let Some(note) = own_limits_left_out(frontier) {
        super::table::paragraph(&mut out, "", &note, super::DEFAULT_WIDTH);
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "  point      CVaR floor  expected contribution  CVaR of contribution            risk");
    let _ = writeln!(out, "  -----  --------------  ---------------------  --------------------  --------------");
    for (index, point) in frontier.points.iter().enumerate() {
        let _ = writeln!(
            out,
            "  {:>5}  {:>14}  {:>21}  {:>20}  {:>14}",
            index + 1,
            money(point.cvar_floor),
            money(point.expected_contribution),
            money(point.cvar_contribution),
            money(point.cvar_risk)
        );
    }
    for (index, pair) in frontier.points.windows(2).enumerate() {
        let mut moves: Vec<(f64, usize)> =
            pair[0].hours.iter().zip(&pair[1].hours).enumerate().map(|(a, (before, after))| (after - before, a)).collect();
        moves.retain(|(change, _)| change.abs() >= 0.05);
        moves.sort_by(|a, b| {
            let (ca, ra) = &frontier.allocations[a.1];
            let (cb, rb) = &frontier.allocations[b.1];
            crate::analysis::biggest_move_first((a.0, ca, ra), (b.0, cb, rb))
        });
        let _ = writeln!(out);
        let given_up = pair[0].expected_contribution - pair[1].expected_contribution;
        let _ = writeln!(
            out,
            "Point {} -> {}: CVaR {}{} for {} {currency} of expected contribution given up",
            index + 1,
            index + 2,
            if pair[1].cvar_contribution >= pair[0].cvar_contribution { "+" } else { "-" },
            money((pair[1].cvar_contribution - pair[0].cvar_contribution).abs()),
            money(given_up)
        );
        if moves.is_empty() {
            let _ = writeln!(out, "  no allocation moves by 0.1 h or more");
        }
        for &(change, a) in moves.iter().take(MOVES_SHOWN) {
            let (customer, resource) = &frontier.allocations[a];
            let _ =
                writeln!(out, "  {customer}/{resource}: {} h -> {} h ({:+.1} h)", hours(pair[0].hours[a]), hours(pair[1].hours[a]), change);
        }
        if moves.len() > MOVES_SHOWN {
            let _ = writeln!(out, "  ... and {} smaller moves", moves.len() - MOVES_SHOWN);
        }
    }
    out
}

/// The instance's own CVaR floor and risk weight, which the frontier leaves out, in one
/// sentence; `None` when it sets neither.
pub(super) fn own_limits_left_out(frontier: &Frontier) -> Option<String> {
    let mut own = Vec::new();
    if let Some(floor) = frontier.own_min_cvar {
        own.push(format!("min_cvar = {}", money(floor)));
    }
    if let Some(weight) = frontier.own_risk_weight {
        own.push(format!("risk_weight = {weight}"));
    }
    (!own.is_empty()).then(|| {
        format!(
            "The instance's own {} {} left out: each point maximises the expected contribution under its floor alone.",
            own.join(" and "),
            if own.len() == 1 { "is" } else { "are" }
        )
    })
}

/// The document of `capplan frontier --format json` (docs/cli.md, `capplan frontier`).
#[derive(serde::Serialize, schemars::JsonSchema)]
#[schemars(rename = "FrontierReport")]
pub(super) struct JsonFrontier<'a> {
    /// The layout version of this document (docs/json-output.md, "Versioning").
    #[schemars(schema_with = "super::schema::version")]
    schema_version: u32,
    /// The version of capplan that wrote the document.
    capplan_version: &'static str,
    /// The `[plan]` header of the instance.
    plan: FrontierHeader<'a>,
    /// The backend that solved every point.
    solver: &'static str,
    /// Why this backend ran: the `--solver` request, or the `auto` rule that chose it.
    solver_reason: &'a str,
    /// The risk measure: `cvar`, the conditional value at risk of the contribution.
    risk_measure: &'static str,
    /// The CVaR confidence level as a fraction: `0.8` averages the worst 20 % of the
    /// probability.
    confidence: f64,
    /// The points, from the plan of most expected contribution to the plan of least risk.
    points: Vec<JsonFrontierPoint<'a>>,
}

/// The `[plan]` header of the instance, as the frontier report gives it.
#[derive(serde::Serialize, schemars::JsonSchema)]
struct FrontierHeader<'a> {
    /// `plan.name` from the instance.
    name: &'a str,
    /// `plan.period` from the instance.
    period: &'a str,
    /// `plan.currency`: the currency of every money amount in the document.
    currency: &'a str,
}

/// One point of the frontier: an optimal plan under a CVaR floor.
#[derive(serde::Serialize, schemars::JsonSchema)]
#[schemars(rename = "FrontierPoint")]
struct JsonFrontierPoint<'a> {
    /// The CVaR floor the plan was solved under (currency).
    cvar_floor: f64,
    /// The plan's expected contribution over the risk scenarios (currency).
    expected_contribution: f64,
    /// The plan's objective: expected contribution plus what priority weights add (currency).
    objective: f64,
    /// The CVaR of contribution: the mean contribution over the worst `1 - confidence` of the
    /// probability, from the point's own scenario contributions (currency).
    cvar_contribution: f64,
    /// The risk measure: minus `cvar_contribution`, the CVaR of the loss (currency); it grows as
    /// the plan takes more risk.
    cvar_risk: f64,
    /// The plan's contribution in each risk scenario: scenario id -> currency, in the order of
    /// `[[risk.scenarios]]`.
    scenario_contributions: NumbersById<'a>,
    /// The hours of every allocation (customer and resource), customers in instance order.
    allocations: Vec<FrontierAllocation<'a>>,
}

/// The hours of one allocation at one point of the frontier.
#[derive(serde::Serialize, schemars::JsonSchema)]
struct FrontierAllocation<'a> {
    /// The customer id.
    customer: &'a str,
    /// The resource id.
    resource: &'a str,
    /// The planned hours.
    hours: f64,
}

fn json(frontier: &Frontier) -> String {
    let points = frontier
        .points
        .iter()
        .map(|point| JsonFrontierPoint {
            cvar_floor: point.cvar_floor,
            expected_contribution: point.expected_contribution,
            objective: point.objective,
            cvar_contribution: point.cvar_contribution,
            cvar_risk: point.cvar_risk,
            scenario_contributions: NumbersById(
                frontier.scenario_ids.iter().map(String::as_str).zip(point.scenario_contributions.iter().copied()).collect(),
            ),
            allocations: frontier
                .allocations
                .iter()
                .zip(&point.hours)
                .map(|((customer, resource), &hours)| FrontierAllocation { customer, resource, hours })
                .collect(),
        })
        .collect();
    let plan = &frontier.header;
    let document = JsonFrontier {
        schema_version: super::JSON_SCHEMA_VERSION,
        capplan_version: env!("CARGO_PKG_VERSION"),
        plan: FrontierHeader { name: plan.name(), period: plan.period(), currency: plan.currency() },
        solver: frontier.backend.name(),
        solver_reason: &frontier.solver_reason,
        risk_measure: "cvar",
        confidence: frontier.confidence,
        points,
    };
    super::json::pretty(serde_json::to_value(&document).expect("frontier types serialise to JSON"))
}

fn csv(frontier: &Frontier) -> String {
    let mut out = String::from("point,confidence,cvar_floor,expected_contribution,cvar_contribution,cvar_risk");
    for id in &frontier.scenario_ids {
        let _ = write!(out, ",{}", field(&format!("contribution.{id}")));
    }
    for (customer, resource) in &frontier.allocations {
        let _ = write!(out, ",{}", field(&format!("hours.{customer}/{resource}")));
    }
    out.push('\n');
    for (index, point) in frontier.points.iter().enumerate() {
        let _ = write!(
            out,
            "{},{},{},{},{},{}",
            index + 1,
            number(frontier.confidence),
            number(point.cvar_floor),
            number(point.expected_contribution),
            number(point.cvar_contribution),
            number(point.cvar_risk)
        );
        for value in point.scenario_contributions.iter().chain(&point.hours) {
            let _ = write!(out, ",{}", number(*value));
        }
        out.push('\n');
    }
    out
}
