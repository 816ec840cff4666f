//! Writing the LP in the two file formats other solvers read: CPLEX LP and free MPS.
//!
//! The model is written exactly as capplan solves it: the same variables, bounds, objective and
//! rows with the registry's names, so a planner or an auditor can check a plan with any LP
//! solver. Numbers are printed in Rust's shortest round-trip form, so the file holds the very same
//! binary values. Both files are written in the one form that HiGHS, GLPK and Clp all read with
//! the same optimum (docs/cli.md lists the versions checked):
//!
//! - the objective's constant (the curves' values at zero hours) is the objective coefficient of
//!   a variable [`CONSTANT_VARIABLE`] fixed at 1, because GLPK's LP reader refuses a constant
//!   term and MPS readers disagree on the sign of an objective RHS;
//! - the LP file is maximised (`Maximize`); the MPS file has no `OBJSENSE` section, which GLPK
//!   refuses, and so is the minimisation form: every objective coefficient negated, its optimum
//!   minus capplan's, as a comment at its top says.

use std::fmt::Write;

use super::{LinearProgram, Sense};

/// The LP file formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// CPLEX LP: readable, one row per line (wrapped).
    Lp,
    /// Free MPS: column-oriented, the names exactly as in capplan's reports.
    Mps,
}

/// Writes `lp` in `format`; `title` goes into a comment or the NAME line.
pub fn export(lp: &LinearProgram, format: ExportFormat, title: &str) -> String {
    match format {
        ExportFormat::Lp => to_lp(lp, title),
        ExportFormat::Mps => to_mps(lp, title),
    }
}

/// A name as LP-format readers accept it: brackets and minus signs are operators there, and
/// HiGHS's reader also takes `/` for one, so `[` is written `(`, `]` is written `)`, `-` is
/// written `~` and `/` is written `|`. Ids never contain `(`, `)`, `~` or `|`, so the renaming
/// can be undone.
pub fn lp_name(name: &str) -> String {
    name.chars()
        .map(|c| match c {
            '[' => '(',
            ']' => ')',
            '-' => '~',
            '/' => '|',
            other => other,
        })
        .collect()
}

/// The variable that carries the objective's constant: fixed at 1, its objective coefficient is
/// the constant. No model variable has this name (theirs all have brackets, or are `total_value`).
pub const CONSTANT_VARIABLE: &str = "objective_constant";

/// Terms per line in the LP format; readers limit line length (CPLEX to 510 characters).
const TERMS_PER_LINE: usize = 6;

fn write_terms(out: &mut String, terms: impl Iterator<Item = (f64, String)>) {
    for (written, (coefficient, name)) in terms.enumerate() {
        if written > 0 && written % TERMS_PER_LINE == 0 {
            out.push_str("\n   ");
        }
        let sign = if coefficient < 0.0 { '-' } else { '+' };
        let _ = write!(out, " {sign} {} {name}", coefficient.abs());
    }
}

fn to_lp(lp: &LinearProgram, title: &str) -> String {
    let names: Vec<String> = lp.variables.iter().map(|variable| lp_name(&variable.name)).collect();
    let mut out = String::new();
    let _ = writeln!(out, "\\ {}", title.replace('\n', " "));
    let _ =
        writeln!(out, "\\ Written by capplan {}: names as in capplan's reports with [ ] - / written ( ) ~ |", env!("CARGO_PKG_VERSION"));
    out.push_str("\\ The objective's constant is the coefficient of objective_constant, fixed at 1.\n");
    out.push_str("Maximize\n obj:");
    let objective = lp.variables.iter().zip(&names).filter(|(variable, _)| variable.objective != 0.0);
    let constant = (lp.objective_constant != 0.0).then(|| (lp.objective_constant, CONSTANT_VARIABLE.to_string()));
    let mut terms: Vec<(f64, String)> = objective.map(|(variable, name)| (variable.objective, name.clone())).collect();
    terms.extend(constant);
    if terms.is_empty() {
        // An objective has to name a variable.
        terms.push((0.0, names.first().cloned().unwrap_or_else(|| CONSTANT_VARIABLE.to_string())));
    }
    write_terms(&mut out, terms.into_iter());
    out.push_str("\nSubject To\n");
    for row in &lp.rows {
        let _ = write!(out, " {}:", lp_name(&row.name));
        if row.terms.is_empty() {
            // An empty row still has to name a variable.
            let _ = write!(out, " 0 {}", names.first().map_or("x", String::as_str));
        } else {
            write_terms(&mut out, row.terms.iter().map(|&(variable, coefficient)| (coefficient, names[variable].clone())));
        }
        let _ = writeln!(out, " {} {}", row.sense.symbol(), row.rhs);
    }
    out.push_str("Bounds\n");
    for (variable, name) in lp.variables.iter().zip(&names) {
        match (variable.lower, variable.upper) {
            (lower, upper) if lower == 0.0 && upper == f64::INFINITY => {}
            (lower, upper) if lower == f64::NEG_INFINITY && upper == f64::INFINITY => {
                let _ = writeln!(out, " {name} free");
            }
            (lower, upper) if upper == f64::INFINITY => {
                let _ = writeln!(out, " {name} >= {lower}");
            }
            (lower, upper) if lower == f64::NEG_INFINITY => {
                let _ = writeln!(out, " -inf <= {name} <= {upper}");
            }
            (lower, upper) => {
                let _ = writeln!(out, " {lower} <= {name} <= {upper}");
            }
        }
    }
    if lp.objective_constant != 0.0 {
        let _ = writeln!(out, " {CONSTANT_VARIABLE} = 1");
    }
    out.push_str("End\n");
    out
}

fn to_mps(lp: &LinearProgram, title: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "* Written by capplan {}: free MPS, names exactly as in capplan's reports", env!("CARGO_PKG_VERSION"));
    let _ = writeln!(out, "* MINIMISATION FORM: capplan maximises; every objective coefficient here is negated, so this");
    let _ = writeln!(out, "* file's optimum is minus capplan's contribution and its duals have the opposite sign.");
    let _ = writeln!(out, "* The objective's constant is the coefficient of objective_constant, fixed at 1.");
    let _ = writeln!(out, "NAME {}", title.split_whitespace().collect::<Vec<_>>().join("_"));
    out.push_str("ROWS\n N obj\n");
    for row in &lp.rows {
        let kind = match row.sense {
            Sense::Le => 'L',
            Sense::Ge => 'G',
            Sense::Eq => 'E',
        };
        let _ = writeln!(out, " {kind} {}", row.name);
    }
    out.push_str("COLUMNS\n");
    let columns = lp.columns();
    for (j, variable) in lp.variables.iter().enumerate() {
        if variable.objective != 0.0 {
            let _ = writeln!(out, "    {} obj {}", variable.name, -variable.objective);
        }
        for &(row, coefficient) in &columns[j] {
            let _ = writeln!(out, "    {} {} {}", variable.name, lp.rows[row].name, coefficient);
        }
        if variable.objective == 0.0 && columns[j].is_empty() {
            // A variable in no row and not in the objective must still be declared.
            let _ = writeln!(out, "    {} obj 0", variable.name);
        }
    }
    if lp.objective_constant != 0.0 {
        let _ = writeln!(out, "    {CONSTANT_VARIABLE} obj {}", -lp.objective_constant);
    }
    out.push_str("RHS\n");
    for row in lp.rows.iter().filter(|row| row.rhs != 0.0) {
        let _ = writeln!(out, "    RHS {} {}", row.name, row.rhs);
    }
    out.push_str("BOUNDS\n");
    for variable in &lp.variables {
        let name = &variable.name;
        match (variable.lower, variable.upper) {
            (lower, upper) if lower == 0.0 && upper == f64::INFINITY => {}
            (lower, upper) if lower == f64::NEG_INFINITY && upper == f64::INFINITY => {
                let _ = writeln!(out, " FR BND {name}");
            }
            (lower, upper) if lower == upper => {
                let _ = writeln!(out, " FX BND {name} {lower}");
            }
            (lower, upper) => {
                if lower == f64::NEG_INFINITY {
                    let _ = writeln!(out, " MI BND {name}");
                } else if lower != 0.0 {
                    let _ = writeln!(out, " LO BND {name} {lower}");
                }
                if upper != f64::INFINITY {
                    let _ = writeln!(out, " UP BND {name} {upper}");
                }
            }
        }
    }
    if lp.objective_constant != 0.0 {
        let _ = writeln!(out, " FX BND {CONSTANT_VARIABLE} 1");
    }
    out.push_str("ENDATA\n");
    out
}
