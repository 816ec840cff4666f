//! `capplan classify`: each customer's portfolio category and why (its scores against the rule
//! that matched), without solving.

use std::fmt::Write;
use std::path::Path;

use super::{EXIT_INPUT, EXIT_OK, load};
use crate::report::Format;
use crate::report::classify::Classification;

pub(super) fn run(path: &Path, format: Format) -> i32 {
    let instance = match load(path, format == Format::Json) {
        Ok(instance) => instance,
        Err(code) => return code,
    };
    let Some(model) = &instance.portfolio else {
        eprintln!(
            "error: {}: the instance names no portfolio model: add [portfolio] model = \"krapfel\" (see capplan models)",
            path.display()
        );
        return EXIT_INPUT;
    };
    let rows: Vec<Classification> = instance
        .customers
        .iter()
        .filter_map(|customer| {
            let category = customer.category?;
            Some(Classification::new(
                &customer.id,
                &customer.name,
                &model.categories[category].id,
                model.dimensions.iter().map(|d| d.id.as_str()).zip(customer.scores.iter().copied()).collect(),
                model.explain(category, &customer.scores),
            ))
        })
        .collect();
    let text = match format {
        Format::Json => crate::report::classify::render_json(&model.id, &model.name, &rows),
        Format::Csv => {
            let mut out = String::from("customer,category,why\n");
            for row in &rows {
                let _ = writeln!(out, "{},{},{}", row.customer, row.category, crate::report::csv_field(&row.why));
            }
            out
        }
        Format::Text => {
            let mut out = format!("Portfolio model {}: {}\n\n", model.id, model.name);
            let mut table = crate::report::Table::new(&[("customer", false), ("category", false), ("why", false)]).wrapping(2);
            for row in &rows {
                table.row(vec![crate::report::short_name(row.customer), row.category.to_string(), row.why.to_string()]);
            }
            table.render_within(&mut out, crate::report::DEFAULT_WIDTH);
            let _ = writeln!(out, "\nCategory policies");
            for category in &model.categories {
                let count = rows.iter().filter(|row| row.category == category.id).count();
                let policy = super::models::policy_summary(&category.policy);
                let customers = crate::report::plural(count, "customer");
                let text = format!("{} ({customers}): {}", category.id, if policy.is_empty() { "no limits" } else { &policy });
                crate::report::paragraph(&mut out, "  - ", &text, crate::report::DEFAULT_WIDTH);
            }
            out
        }
    };
    match super::emit(None, &text) {
        Ok(()) => EXIT_OK,
        Err(code) => code,
    }
}
