//! Scaling of a [`LinearProgram`] before a backend sees it, and the warning for data too badly
//! scaled to trust.
//!
//! Hours run in the thousands, values per hour in the millions and penalties can be 1e-3: a model
//! whose coefficients span many orders of magnitude. microlp compares with an absolute tolerance
//! (1e-10) and clarabel stops at a relative accuracy of about 1e-8, so both lose the small
//! numbers next to the big ones. Geometric-mean equilibration of rows and columns brings the
//! matrix entries near 1, and a factor on the objective brings its largest coefficient near 1.
//! Every factor is a power of two, so scaling and unscaling are exact in floating point and the
//! solution of a well-scaled model is not disturbed.
//!
//! With `x = C x'` (column factors), rows multiplied by `R` and the objective by `s`, the scaled
//! program is `max s c'C x'  s.t.  R A C x' (<=|>=|=) R b,  l/C <= x' <= u/C`; its solution maps
//! back as `x = C x'`. Shadow prices are not mapped here: capplan computes them by solving the
//! dual LP through [`super::solve_lp`], which scales that program in turn.

use crate::formulation::LinearProgram;

/// Spread, in orders of magnitude (log10 of largest over smallest non-zero magnitude), of the
/// matrix, the objective or the right-hand sides above which a model is scaled. Below it the
/// smallest number stays four orders above microlp's tolerance relative to the largest, and the
/// backends see the model exactly as formulated (the examples in instances/ stay below it: at
/// most 5 orders, for right-hand sides).
pub const SCALE_ABOVE_ORDERS: f64 = 6.0;

/// Spread (orders of magnitude) above which the report warns that results are doubtful: of the
/// objective as the
/// planner wrote it (values per hour, costs, penalties) or of the constraint matrix after
/// scaling. clarabel stops at a relative accuracy of about 1e-8, so a number 1e8 times smaller
/// than the largest is at the edge of what it resolves (microlp, with its absolute tolerance of
/// 1e-10 on the scaled model, has about two orders more room).
pub const WARN_ABOVE_ORDERS: f64 = 8.0;

/// Equilibration passes; the factors settle after a few.
const PASSES: usize = 4;

/// Orders of magnitude (log10 of largest over smallest non-zero magnitude) spanned by the
/// constraint matrix, the objective and the right-hand sides; 0 when all are equal or zero.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spread {
    pub matrix: f64,
    pub objective: f64,
    pub rhs: f64,
}

impl Spread {
    pub fn of(lp: &LinearProgram) -> Spread {
        let matrix = spread(lp.rows.iter().flat_map(|row| row.terms.iter().map(|&(_, coefficient)| coefficient)));
        let objective = spread(lp.variables.iter().map(|variable| variable.objective));
        let rhs = spread(lp.rows.iter().map(|row| row.rhs));
        Spread { matrix, objective, rhs }
    }

    fn worst(self) -> f64 {
        self.matrix.max(self.objective)
    }
}

fn spread(values: impl Iterator<Item = f64>) -> f64 {
    let (smallest, largest) = values
        .map(f64::abs)
        .filter(|value| *value > 0.0 && value.is_finite())
        .fold((f64::INFINITY, 0.0f64), |(smallest, largest), value| (smallest.min(value), largest.max(value)));
    // Logarithms, because 1e300 / 1e-300 overflows.
    if largest == 0.0 { 0.0 } else { largest.log10() - smallest.log10() }
}

/// The power of two nearest to `value` (> 0), so that multiplying by it is exact.
fn power_of_two_near(value: f64) -> f64 {
    2f64.powi(value.log2().round().clamp(-1000.0, 1000.0) as i32)
}

/// Factors of a scaled program: `x = column[j] * x'`; the objective was multiplied by
/// `objective`.
#[derive(Debug, Clone, PartialEq)]
pub struct Scaling {
    pub row: Vec<f64>,
    pub column: Vec<f64>,
    pub objective: f64,
}

/// The scaled program and its factors, or `None` when the model is well scaled as it is (spreads
/// at most [`SCALE_ABOVE_ORDERS`]).
///
/// Only the coefficients and the objective decide: right-hand sides are limits, and analyses
/// move limits far out on purpose (a ranging probe at 1e-12 hours, a sweep to 1e6) without the
/// data becoming any worse scaled; rescaling those programs cost clarabel accuracy.
pub fn scale(lp: &LinearProgram) -> Option<(LinearProgram, Scaling)> {
    (Spread::of(lp).worst() > SCALE_ABOVE_ORDERS).then(|| equilibrate(lp))
}

/// The scaled program and its factors, whatever the spread.
pub fn equilibrate(lp: &LinearProgram) -> (LinearProgram, Scaling) {
    let mut row = vec![1.0; lp.rows.len()];
    let mut column = vec![1.0; lp.variables.len()];
    let columns = lp.columns();
    let geometric_factor = |entries: &mut dyn Iterator<Item = f64>| {
        let (smallest, largest) =
            entries.map(f64::abs).filter(|value| *value > 0.0).fold((f64::INFINITY, 0.0f64), |(s, l), v| (s.min(v), l.max(v)));
        if largest > 0.0 { power_of_two_near(1.0 / (smallest * largest).sqrt()) } else { 1.0 }
    };
    for _ in 0..PASSES {
        for (i, lp_row) in lp.rows.iter().enumerate() {
            row[i] = geometric_factor(&mut lp_row.terms.iter().map(|&(j, a)| a * column[j]).chain(std::iter::once(lp_row.rhs)));
        }
        for (j, entries) in columns.iter().enumerate() {
            column[j] = geometric_factor(&mut entries.iter().map(|&(i, a)| a * row[i]));
        }
    }
    let largest_objective = lp.variables.iter().zip(&column).map(|(variable, c)| (variable.objective * c).abs()).fold(0.0, f64::max);
    let objective = if largest_objective > 0.0 { power_of_two_near(1.0 / largest_objective) } else { 1.0 };

    let mut scaled = lp.clone();
    for (variable, &c) in scaled.variables.iter_mut().zip(&column) {
        variable.lower /= c;
        variable.upper /= c;
        variable.objective *= c * objective;
    }
    for (lp_row, &r) in scaled.rows.iter_mut().zip(&row) {
        lp_row.rhs *= r;
        for (j, a) in lp_row.terms.iter_mut() {
            *a *= r * column[*j];
        }
    }
    scaled.objective_constant *= objective;
    (scaled, Scaling { row, column, objective })
}

impl Scaling {
    /// Values of the original variables from those of the scaled program.
    pub fn unscale_values(&self, scaled_values: &[f64]) -> Vec<f64> {
        scaled_values.iter().zip(&self.column).map(|(value, c)| value * c).collect()
    }
}

/// A planner-facing warning when the model is too badly scaled to trust, even after scaling.
pub fn doubtful_scaling_warning(lp: &LinearProgram) -> Option<String> {
    let (what, spread) = match scale(lp) {
        None => return None,
        Some((scaled, _)) => {
            let objective = Spread::of(lp).objective;
            let matrix = Spread::of(&scaled).matrix;
            if objective >= matrix {
                ("values per hour, costs and penalties", objective)
            } else {
                ("constraint coefficients (after scaling)", matrix)
            }
        }
    };
    (spread > WARN_ABOVE_ORDERS).then(|| {
        format!(
            "badly scaled data: the {what} span {:.1} orders of magnitude, more than the {:.0} a solver resolves reliably; \
             the smallest numbers may be lost next to the largest (shadow prices of a few thousandths next to values in \
             the millions), so check the plan before acting on it",
            spread, WARN_ABOVE_ORDERS
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formulation::{LpRow, Sense};

    /// Scaling by powers of two is exact: unscaling gives back the original bounds and
    /// coefficients bit for bit.
    #[test]
    fn scaling_is_exact_and_brings_entries_near_one() {
        let mut lp = LinearProgram::default();
        let x = lp.add_variable("x".into(), 0.0, 3000.0, 1.5e6);
        let y = lp.add_variable("y".into(), 0.0, f64::INFINITY, 1e-3);
        lp.rows.push(LpRow { name: "a".into(), terms: vec![(x, 1e4), (y, 1e-2)], sense: Sense::Le, rhs: 4e7 });
        let (scaled, scaling) = scale(&lp).expect("spread 1.5e9 is above the threshold");
        for (j, variable) in lp.variables.iter().enumerate() {
            assert_eq!(scaled.variables[j].upper * scaling.column[j], variable.upper);
            assert_eq!(scaled.variables[j].objective / (scaling.column[j] * scaling.objective), variable.objective);
            assert_eq!(scaling.column[j].log2().fract(), 0.0);
        }
        assert_eq!(scaled.rows[0].rhs / scaling.row[0], 4e7);
        assert!(Spread::of(&scaled).matrix < 0.7, "{:?}", Spread::of(&scaled));
    }

    #[test]
    fn well_scaled_models_are_left_alone() {
        let mut lp = LinearProgram::default();
        let x = lp.add_variable("x".into(), 0.0, 10.0, 45.0);
        lp.rows.push(LpRow { name: "a".into(), terms: vec![(x, 1.0)], sense: Sense::Le, rhs: 4.0 });
        assert!(scale(&lp).is_none());
        assert!(doubtful_scaling_warning(&lp).is_none());
    }
}
