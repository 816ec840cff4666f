//! The CSV report: the plan table, one row per customer and resource, for spreadsheets.

use std::fmt::Write;

use crate::analysis::{Plan, SolveReport};

pub const HEADER: &str = "customer,name,segment,resource,hours,current_hours,change_hours,value,marginal_value,reduced_cost";

/// An infeasible or unbounded report has no plan: the CSV is the header alone.
pub fn render(report: &SolveReport) -> String {
    let mut out = String::from(HEADER);
    out.push('\n');
    if let Some(plan) = &report.plan {
        write_rows(&mut out, plan, None);
    }
    out
}

/// One row per customer and resource of `plan`, in its allocations' order; each begins with
/// `period` when given, the column the multi-period report puts first.
pub(super) fn write_rows(out: &mut String, plan: &Plan, period: Option<&str>) {
    let resources = plan.resources.len();
    for (index, allocation) in plan.allocations.iter().enumerate() {
        let customer = &plan.customers[index / resources];
        if let Some(period) = period {
            out.push_str(&field(period));
            out.push(',');
        }
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{},{},{},{}",
            field(&allocation.customer),
            field(&customer.name),
            field(customer.segment.as_deref().unwrap_or("")),
            field(&allocation.resource),
            number(allocation.hours),
            number(allocation.current_hours),
            number(allocation.change_hours),
            number(allocation.value),
            number(allocation.marginal_value),
            number(allocation.reduced_cost),
        );
    }
}

/// RFC 4180 quoting: a field with a comma, quote or line break is quoted, quotes doubled.
pub(crate) fn field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) { format!("\"{}\"", text.replace('"', "\"\"")) } else { text.to_string() }
}

/// Fixed six decimals, no thousands separators, never "-0.000000".
pub(super) fn number(value: f64) -> String {
    let text = format!("{value:.6}");
    if text.trim_start_matches('-').chars().all(|c| c == '0' || c == '.') { "0.000000".to_string() } else { text }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_fields_that_need_it() {
        assert_eq!(field("Acme, Inc."), "\"Acme, Inc.\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("plain"), "plain");
        assert_eq!(number(-0.0000001), "0.000000");
    }
}
