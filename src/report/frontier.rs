//! The report of `capplan frontier`: the efficient frontier of expected contribution against the
//! CVaR of contribution, with the allocations that shift from one point to the next.

use std::fmt::Write;

use super::csv::{field, number};
use super::{Format, hours, money};
use crate::analysis::frontier::Frontier;
use crate::model::Instance;

/// How many allocation moves the text report lists between two points.
const MOVES_SHOWN: usize = 6;

pub fn render(instance: &Instance, frontier: &Frontier, format: Format) -> String {
    match format {
        Format::Text => text(instance, frontier),
        Format::Json => json(instance, frontier),
        Format::Csv => csv(frontier),
    }
}

fn text(instance: &Instance, frontier: &Frontier) -> String {
    let currency = instance.plan().currency();
    let mut out = String::new();
    let _ = writeln!(out, "capplan frontier: {} ({}, {currency})", instance.plan().name(), instance.plan().period());
    let _ = writeln!(out, "Solver: {}", frontier.backend);
    let _ = writeln!(
        out,
        "Risk: CVaR of contribution at {:.0} % confidence: the mean contribution over the worst {:.0} %",
        frontier.confidence * 100.0,
        (1.0 - frontier.confidence) * 100.0
    );
    let _ = writeln!(out, "of the probability; scenarios: {}.", frontier.scenario_ids.join(", "));
    let _ = writeln!(out, "Each point is an optimal plan under the CVaR floor shown; risk = -CVaR (the CVaR of the loss).");
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

fn json(instance: &Instance, frontier: &Frontier) -> String {
    let points: Vec<serde_json::Value> = frontier
        .points
        .iter()
        .map(|point| {
            let allocations: Vec<serde_json::Value> = frontier
                .allocations
                .iter()
                .zip(&point.hours)
                .map(|((customer, resource), hours)| serde_json::json!({ "customer": customer, "resource": resource, "hours": hours }))
                .collect();
            let scenarios: serde_json::Map<String, serde_json::Value> = frontier
                .scenario_ids
                .iter()
                .zip(&point.scenario_contributions)
                .map(|(id, contribution)| (id.clone(), serde_json::json!(contribution)))
                .collect();
            serde_json::json!({
                "cvar_floor": point.cvar_floor,
                "expected_contribution": point.expected_contribution,
                "objective": point.objective,
                "cvar_contribution": point.cvar_contribution,
                "cvar_risk": point.cvar_risk,
                "scenario_contributions": scenarios,
                "allocations": allocations,
            })
        })
        .collect();
    let document = serde_json::json!({
        "schema_version": super::JSON_SCHEMA_VERSION,
        "capplan_version": env!("CARGO_PKG_VERSION"),
        "plan": { "name": instance.plan().name(), "period": instance.plan().period(), "currency": instance.plan().currency() },
        "solver": frontier.backend.name(),
        "solver_reason": frontier.solver_reason,
        "risk_measure": "cvar",
        "confidence": frontier.confidence,
        "points": points,
    });
    super::json::pretty(document)
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
