//! capplan's LP engine: a bounded-variable revised simplex with a basis, in pure Rust.
//!
//! The engine solves `min c'x  s.t.  A x - r = 0,  l <= (x, r) <= u`, one logical `r_i` per
//! row, so that a row's right-hand side is a bound of its logical and every change the analyses
//! make (a right-hand side, a bound, a dropped row) is a change of bounds. It keeps its basis
//! between solves:
//!
//! - the primal simplex (phase 1 minimises the sum of infeasibilities, phase 2 the objective)
//!   starts from whatever basis it holds, cold or warm;
//! - the dual simplex takes over when the basis is still dual feasible but no longer primal
//!   feasible (after a right-hand side or bound moved), usually a few pivots;
//! - the basis factor (`factor`) is a sparse LU of the rows that bind (singleton pivots, then a
//!   dense LU of what couples them), refactored every [`REFACTOR_EVERY`] pivots.
//!
//! Pricing is Dantzig's rule; the ratio tests are Harris's two-pass tests (a tolerance on each
//! bound, the largest pivot among near ties), and after [`DEGENERATE_BEFORE_BLAND`] pivots
//! without progress the primal switches to Bland's rule, which cannot cycle, until it moves
//! again. Tolerances are relative to the size of each bound and each cost.

mod factor;

use std::time::Instant;

use factor::{Factor, SparseVector};

/// Basis positions whose basic may be infeasible, each listed once.
#[derive(Default)]
struct InfeasibleSet {
    positions: Vec<usize>,
    listed: Vec<bool>,
}

impl InfeasibleSet {
    fn new(rows: usize) -> InfeasibleSet {
        InfeasibleSet { positions: Vec::new(), listed: vec![false; rows] }
    }

    fn insert(&mut self, position: usize) {
        if !self.listed[position] {
            self.listed[position] = true;
            self.positions.push(position);
        }
    }

    /// Every position whose basic is out of its bounds now.
    fn reset(&mut self, engine: &Engine) {
        for &p in &self.positions {
            self.listed[p] = false;
        }
        self.positions.clear();
        for (p, &j) in engine.basic.iter().enumerate() {
            if engine.infeasibility(j) > 0.0 {
                self.insert(p);
            }
        }
    }

    /// Visits the listed positions and keeps those for which `keep` says so.
    fn retain(&mut self, mut keep: impl FnMut(usize) -> bool) {
        let listed = &mut self.listed;
        self.positions.retain(|&p| {
            let kept = keep(p);
            if !kept {
                listed[p] = false;
            }
            kept
        });
    }
}

/// Pivots between two refactorisations of the basis.
pub const REFACTOR_EVERY: usize = 64;

/// Pivots without progress before the primal simplex switches to Bland's rule.
pub const DEGENERATE_BEFORE_BLAND: usize = 40;

/// Relative primal feasibility tolerance.
const PRIMAL_TOLERANCE: f64 = 1e-9;

/// Relative dual feasibility (optimality) tolerance.
const DUAL_TOLERANCE: f64 = 1e-9;

/// Smallest pivot accepted, relative to the largest entry of the column.
const PIVOT_TOLERANCE: f64 = 1e-9;

/// How a solve ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EngineStatus {
    Optimal,
    Infeasible,
    Unbounded,
    /// The deadline passed; the basis is kept, a later solve continues from it.
    TimeLimit,
    /// More pivots than any sound run needs; numerical trouble.
    IterationLimit,
}

/// An LP in the engine's form. Columns are the structural variables; the logical of row `i` is
/// variable `columns() + i`.
#[derive(Debug, Clone, Default)]
pub struct Problem {
    /// Column-wise matrix: `(row, coefficient)`.
    pub columns: Vec<Vec<(usize, f64)>>,
    pub rows: usize,
    /// Objective to minimise, per structural column.
    pub cost: Vec<f64>,
    /// Bounds of the structurals followed by those of the logicals (the rows' ranges).
    pub lower: Vec<f64>,
    pub upper: Vec<f64>,
}

/// A basis, its point and the bounds and costs it was optimal for ([`Engine::save`]).
#[derive(Clone)]
pub struct SavedBasis {
    basic: Vec<usize>,
    position: Vec<usize>,
    x: Vec<f64>,
    unscaled: Vec<f64>,
    lower: Vec<f64>,
    upper: Vec<f64>,
    cost: Vec<f64>,
    factor: Option<Factor>,
    factor_id: u64,
    dual_feasible_known: bool,
    dual_state: Option<DualState>,
    checked: Option<Checked>,
    /// Unique among every saved state of the process ([`Engine::synced`]).
    id: u64,
}

/// Numbers for saved states, unique in the process, so that an engine never takes one engine's
/// saved state for another's.
static SAVED_STATES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// The row duals and reduced costs of a basis in the engine's units, carried from one warm solve
/// to the next ([`Engine::dual_state`]).
#[derive(Clone)]
struct DualState {
    /// `y = B^-T c_B`.
    y: Vec<f64>,
    /// Per variable, its reduced cost and the size of its terms (for the tolerances); read for
    /// nonbasic variables only (a basic entry is whatever it was when the variable entered).
    reduced: Vec<(f64, f64)>,
    /// The factor ([`Engine::factor_id`]) they were priced on and carried through the pivots of.
    factor: u64,
}

/// The last basis that passed the full check of optimality, for [`Engine::confirm_optimal`].
#[derive(Clone)]
struct Checked {
    /// The row duals the full check priced with.
    y: Vec<f64>,
    /// Variables whose reduced cost or side may have moved since without a change of `y` showing
    /// it: each that left the basis, flipped to its other bound, or had its cost or bounds set.
    moved: Vec<usize>,
}

/// The reduced costs of one basis and the scratch space of the cost rangings from it
/// ([`Engine::cost_ranging`]).
pub struct CostRanging {
    /// Per variable, its reduced cost (0 within the optimality tolerance, and for basic and
    /// fixed variables).
    reduced: Vec<f64>,
    /// Per structural, the change of its reduced cost and the size of the terms, zero between
    /// two rangings; `touched` lists where they are not.
    moved: Vec<f64>,
    size: Vec<f64>,
    touched: Vec<usize>,
    /// The shift's costs by basis position and the row prices they move, over their non-zeros.
    shifted: SparseVector,
    prices: SparseVector,
}

/// Row duals and, per variable, its reduced cost and the size of its terms priced from them.
type PricedDuals = (Vec<f64>, Vec<(f64, f64)>);

/// The dual simplex's duals and reduced costs while it runs, and the factor they were priced on.
struct Carried {
    duals: Option<Vec<f64>>,
    reduced: Vec<(f64, f64)>,
    priced_on: u64,
    row: PivotRow,
}

/// The dual simplex's pivot row over the variables: `alpha` is zero and `seen` false outside
/// `touched` once the entries `touched` lists are cleared, which each pivot does first.
#[derive(Default)]
struct PivotRow {
    alpha: Vec<f64>,
    touched: Vec<usize>,
    seen: Vec<bool>,
    unit: SparseVector,
    rho: SparseVector,
    by_row: SparseVector,
    column: SparseVector,
    infeasible: InfeasibleSet,
}

impl PivotRow {
    /// Zeroed work vectors for `structurals + rows` variables and `rows` rows.
    fn sized(structurals: usize, rows: usize) -> PivotRow {
        PivotRow {
            alpha: vec![0.0; structurals + rows],
            touched: Vec::new(),
            seen: vec![false; structurals + rows],
            unit: SparseVector::new(rows),
            rho: SparseVector::new(rows),
            by_row: SparseVector::new(rows),
            column: SparseVector::new(rows),
            infeasible: InfeasibleSet::new(rows),
        }
    }
}

/// The engine with its current basis and point.
pub struct Engine {
    problem: Problem,
    /// Row-wise copy of the matrix, for pivot rows.
    row_terms: Vec<Vec<(usize, f64)>>,
    /// Variable at each basis position.
    basic: Vec<usize>,
    /// Basis position of each variable, `usize::MAX` when nonbasic.
    position: Vec<usize>,
    /// Current value of every variable (structurals then logicals), in the scaled units.
    x: Vec<f64>,
    /// Scale of every variable: its value is `scale[j] * x[j]` in the caller's units (powers of
    /// two, so the mapping is exact; see [`equilibrate`]).
    scale: Vec<f64>,
    /// `scale * x`, refreshed after each solve and each change of a bound.
    unscaled: Vec<f64>,
    factor: Option<Factor>,
    /// Pivots of the last solve, and in total.
    pub iterations: usize,
    pub total_iterations: usize,
    degenerate_run: usize,
    /// The basis was optimal at its last solve and no cost has changed since, nor a bound in a
    /// way that leaves a nonbasic variable off the bound its reduced cost holds it at: it is
    /// still dual feasible, and a warm solve needs no pricing pass to know it.
    dual_feasible_known: bool,
    /// The last solve ended after the dual simplex without the pricing pass that confirms
    /// optimality ([`Engine::confirm_optimal`] runs it on request).
    unconfirmed: bool,
    /// A fresh number for each factorisation, so that state priced on one factor is never taken
    /// for another's (a restored factor brings its own number back).
    factor_id: u64,
    next_factor_id: u64,
    /// Row duals and reduced costs of the current basis and costs, carried between warm solves:
    /// a bound moves no dual, so a ranging walk's re-solve (a moved right-hand side, a few dual
    /// pivots) starts from them instead of pricing every column. Kept exact as the dual simplex
    /// keeps its own: priced afresh on each new factor (where the drift of the updates goes),
    /// updated through each dual pivot, one entry recomputed when a nonbasic's cost changes, and
    /// dropped when a basic's cost changes or the primal simplex pivots.
    dual_state: Option<DualState>,
    /// The last basis that passed the full check of optimality and what moved since, so that
    /// [`Engine::confirm_optimal`] reprices only what can have changed.
    checked: Option<Checked>,
    /// Membership of `checked.moved`, so that each variable is listed once.
    moved_listed: Vec<bool>,
    /// The dual simplex's pivot row, kept between solves (see [`PivotRow`]).
    pivot_row: PivotRow,
    /// The saved state whose bounds and costs this engine's equal but at the variables listed in
    /// `changed_bounds` and `changed_costs`: set by [`Engine::save`] and [`Engine::restore`],
    /// so that a walk restored again and again to the same saved basis copies back the few
    /// bounds and costs it moved instead of every one.
    synced: Option<u64>,
    changed_bounds: Vec<usize>,
    changed_costs: Vec<usize>,
}

/// Whether a nonbasic variable may move up or down from where it is.
fn can_increase(x: f64, upper: f64) -> bool {
    x < upper
}

fn can_decrease(x: f64, lower: f64) -> bool {
    x > lower
}

fn tolerance(bound: f64) -> f64 {
    PRIMAL_TOLERANCE * (1.0 + bound.abs())
}

/// Equilibration passes over rows and columns; the factors settle after a few.
const SCALING_PASSES: usize = 4;

/// The power of two nearest to `value` (> 0), so that multiplying by it is exact.
fn power_of_two_near(value: f64) -> f64 {
    2f64.powi(value.log2().round().clamp(-1000.0, 1000.0) as i32)
}

/// Scales `problem` in place by geometric-mean equilibration of its rows and columns and
/// returns the scale of every variable (structurals then logicals): the caller's value of
/// variable `j` is `scale[j]` times the engine's.
///
/// Why: the tolerances are relative to each bound and each cost, but a row's activity is only as
/// exact as the terms that make it up. A value-share row `-0.43 v <= 0` over a total value `v`
/// that sums terms near 1e6 sees `v` with a rounding error near 1e-9 whatever the tolerance on
/// its own bound 0; in the caller's units the exact end of a range then looked infeasible. In
/// equilibrated units every entry is near 1 and each variable's tolerance is relative to its
/// natural size. With row factors `R` and column factors `C`: `a'_ij = R_i a_ij C_j`, structural
/// `x_j = C_j x'_j`, logical `r_i = r'_i / R_i`, cost `c'_j = c_j C_j` (the objective's value is
/// unchanged), row duals `y_i = R_i y'_i`, reduced costs `d_j = d'_j / scale_j`.
fn equilibrate(problem: &mut Problem) -> Vec<f64> {
    let n = problem.columns.len();
    let m = problem.rows;
    let mut row = vec![1.0; m];
    let mut column = vec![1.0; n];
    let geometric_factor = |(smallest, largest): (f64, f64)| {
        if largest > 0.0 && smallest.is_finite() { power_of_two_near(1.0 / (smallest * largest).sqrt()) } else { 1.0 }
    };
    let widen = |(smallest, largest): (f64, f64), value: f64| {
        let value = value.abs();
        if value > 0.0 && value.is_finite() { (smallest.min(value), largest.max(value)) } else { (smallest, largest) }
    };
    let mut row_range = vec![(f64::INFINITY, 0.0f64); m];
    for _ in 0..SCALING_PASSES {
        row_range.iter_mut().for_each(|range| *range = (f64::INFINITY, 0.0));
        for (j, entries) in problem.columns.iter().enumerate() {
            for &(i, a) in entries {
                row_range[i] = widen(row_range[i], a * column[j]);
            }
        }
        for (factor, &range) in row.iter_mut().zip(&row_range) {
            *factor = geometric_factor(range);
        }
        for (j, entries) in problem.columns.iter().enumerate() {
            let range = entries.iter().fold((f64::INFINITY, 0.0f64), |range, &(i, a)| widen(range, a * row[i]));
            column[j] = geometric_factor(range);
        }
    }
    for (j, entries) in problem.columns.iter_mut().enumerate() {
        for (i, a) in entries.iter_mut() {
            *a *= row[*i] * column[j];
        }
        problem.cost[j] *= column[j];
    }
    let scale: Vec<f64> = column.iter().copied().chain(row.iter().map(|r| 1.0 / r)).collect();
    for (j, &s) in scale.iter().enumerate() {
        problem.lower[j] /= s;
        problem.upper[j] /= s;
    }
    scale
}

impl Engine {
    /// An engine holding the slack basis: every logical basic, every structural at the bound
    /// nearest zero (zero for a free variable).
    pub fn new(mut problem: Problem) -> Engine {
        let scale = equilibrate(&mut problem);
        let n = problem.columns.len();
        let m = problem.rows;
        let mut row_terms = vec![Vec::new(); m];
        for (j, column) in problem.columns.iter().enumerate() {
            for &(i, a) in column {
                row_terms[i].push((j, a));
            }
        }
        let mut engine = Engine {
            row_terms,
            basic: (n..n + m).collect(),
            position: (0..n).map(|_| usize::MAX).chain(0..m).collect(),
            x: vec![0.0; n + m],
            unscaled: vec![0.0; n + m],
            scale,
            factor: None,
            iterations: 0,
            total_iterations: 0,
            degenerate_run: 0,
            dual_feasible_known: false,
            unconfirmed: false,
            factor_id: 0,
            next_factor_id: 0,
            dual_state: None,
            checked: None,
            moved_listed: vec![false; n + m],
            pivot_row: PivotRow::default(),
            synced: None,
            changed_bounds: Vec::new(),
            changed_costs: Vec::new(),
            problem,
        };
        for j in 0..n {
            engine.x[j] = engine.preferred_value(j);
        }
        engine.refresh_unscaled();
        engine
    }

    /// Brings the caller's view of the point up to date.
    fn refresh_unscaled(&mut self) {
        for ((out, &x), &s) in self.unscaled.iter_mut().zip(&self.x).zip(&self.scale) {
            *out = x * s;
        }
    }

    /// Where a structural starts: at the bound its cost prefers when that bound is finite (so
    /// that the slack basis is as dual feasible as it can be), else where it rests.
    fn preferred_value(&self, j: usize) -> f64 {
        let (lower, upper, cost) = (self.problem.lower[j], self.problem.upper[j], self.problem.cost[j]);
        if cost < 0.0 && upper.is_finite() {
            upper
        } else if cost > 0.0 && lower.is_finite() {
            lower
        } else {
            self.resting_value(j)
        }
    }

    /// The problem in the engine's (equilibrated) units: sizes and structure are the caller's,
    /// the numbers are scaled.
    pub fn problem(&self) -> &Problem {
        &self.problem
    }

    fn structurals(&self) -> usize {
        self.problem.columns.len()
    }

    /// Where a nonbasic variable rests: the bound nearest zero, zero when free.
    fn resting_value(&self, j: usize) -> f64 {
        let (lower, upper) = (self.problem.lower[j], self.problem.upper[j]);
        if lower.is_finite() && upper.is_finite() {
            if lower.abs() <= upper.abs() { lower } else { upper }
        } else if lower.is_finite() {
            lower
        } else if upper.is_finite() {
            upper
        } else {
            0.0
        }
    }

    /// Values of the structurals.
    pub fn values(&self) -> &[f64] {
        &self.unscaled[..self.structurals()]
    }

    /// Values of the logicals (the rows' activities).
    pub fn activities(&self) -> &[f64] {
        &self.unscaled[self.structurals()..]
    }

    /// Whether variable `j` (structural or logical) is basic.
    pub fn is_basic(&self, j: usize) -> bool {
        self.position[j] != usize::MAX
    }

    /// Changes the cost of a structural; the basis stays (still primal feasible).
    pub fn set_cost(&mut self, j: usize, cost: f64) {
        let cost = cost * self.scale[j];
        if self.problem.cost[j] != cost {
            self.problem.cost[j] = cost;
            self.changed_costs.push(j);
            self.dual_feasible_known = false;
            self.note_moved(j);
            // A nonbasic's cost moves its own reduced cost only (priced again with the carried
            // duals, as a fresh pricing would); a basic's moves the duals, priced afresh later.
            if let Some(mut state) = self.dual_state.take()
                && !self.is_basic(j)
            {
                state.reduced[j] = self.reduced_cost(j, cost, &state.y);
                self.dual_state = Some(state);
            }
        }
    }

    /// Lists `j` among the variables [`Engine::confirm_optimal`] must price again.
    fn note_moved(&mut self, j: usize) {
        if let Some(checked) = self.checked.as_mut()
            && !self.moved_listed[j]
        {
            self.moved_listed[j] = true;
            checked.moved.push(j);
        }
    }

    /// Changes the bounds of a variable (structural, or `columns + row` for a row's range). A
    /// nonbasic variable moves with its bound, so the basis stays dual feasible.
    pub fn set_bounds(&mut self, j: usize, lower: f64, upper: f64) {
        let (lower, upper) = (lower / self.scale[j], upper / self.scale[j]);
        let (old_lower, old_upper) = (self.problem.lower[j], self.problem.upper[j]);
        self.problem.lower[j] = lower;
        self.problem.upper[j] = upper;
        self.changed_bounds.push(j);
        if self.is_basic(j) {
            return;
        }
        self.note_moved(j);
        let x = self.x[j];
        let new = if x == old_lower && lower.is_finite() {
            lower
        } else if x == old_upper && upper.is_finite() {
            upper
        } else if lower.is_finite() && x < lower {
            lower
        } else if upper.is_finite() && x > upper {
            upper
        } else if x >= lower && x <= upper {
            // Still within its bounds (a relaxed row's logical): it stays, off its bounds, and
            // the primal simplex prices it in both directions.
            x
        } else if x.is_finite() && x >= lower && x <= upper && (x == lower || x == upper) {
            x
        } else {
            self.resting_value(j)
        };
        // A nonbasic variable that follows its own finite bound keeps the sign its reduced cost
        // needs; one that was fixed, changed sides or now rests off its bounds may not.
        let was_fixed = old_lower == old_upper;
        let follows = !was_fixed && ((x == old_lower && new == lower) || (x == old_upper && new == upper));
        if !(follows || lower == upper) {
            self.dual_feasible_known = false;
        }
        if new != x {
            let delta = new - x;
            self.x[j] = new;
            self.unscaled[j] = new * self.scale[j];
            self.shift_basics(j, delta);
        }
    }

    /// The basic values after nonbasic `j` moved by `delta`: `x_B -= B^-1 a_j delta`, one
    /// `ftran` of its column instead of a refactorisation and a pass over every nonbasic. When
    /// a refactorisation is due anyway (no factor, or as many updates as it may carry), the
    /// values are left to it.
    fn shift_basics(&mut self, j: usize, delta: f64) {
        if self.factor.as_ref().is_none_or(|factor| factor.eta_count() >= REFACTOR_EVERY) {
            self.factor = None;
            return;
        }
        let mut column = vec![0.0; self.problem.rows];
        self.scatter_column(j, &mut column);
        self.ftran(&mut column);
        for (p, &w) in column.iter().enumerate() {
            if w != 0.0 {
                let basic = self.basic[p];
                self.x[basic] -= w * delta;
                self.unscaled[basic] = self.x[basic] * self.scale[basic];
            }
        }
    }

    /// The column of variable `j` in row space, added into `out` (dense, zeroed by the caller).
    fn scatter_column(&self, j: usize, out: &mut [f64]) {
        let n = self.structurals();
        if j < n {
            for &(i, a) in &self.problem.columns[j] {
                out[i] += a;
            }
        } else {
            out[j - n] -= 1.0;
        }
    }

    /// `scale` times the column of variable `j` in row space, added into `out`.
    fn add_column_sparse(&self, j: usize, scale: f64, out: &mut SparseVector) {
        let n = self.structurals();
        if j < n {
            for &(i, a) in &self.problem.columns[j] {
                out.add(i, a * scale);
            }
        } else {
            out.subtract(j - n, scale);
        }
    }

    /// Every variable's reduced cost with the size of its terms, priced with `y` (`(0, 0)` for the
    /// basics), into `out`.
    fn price_every_variable(&self, y: &[f64], out: &mut Vec<(f64, f64)>) {
        out.clear();
        out.extend((0..self.x.len()).map(|j| if self.is_basic(j) { (0.0, 0.0) } else { self.reduced_cost(j, self.cost_of(j), y) }));
    }

    /// `d_j = c_j - y'a_j` for every variable, with the size of the terms for the tolerance.
    fn reduced_cost(&self, j: usize, cost: f64, y: &[f64]) -> (f64, f64) {
        let n = self.structurals();
        if j < n {
            let mut d = cost;
            let mut size = cost.abs();
            for &(i, a) in &self.problem.columns[j] {
                let term = y[i] * a;
                d -= term;
                size += term.abs();
            }
            (d, size)
        } else {
            (y[j - n], y[j - n].abs())
        }
    }

    /// Refactors the basis and recomputes the basic values from the nonbasic ones. A singular
    /// basis is repaired by putting logicals in place of the dependent columns.
    fn refactor(&mut self) {
        let n = self.structurals();
        let m = self.problem.rows;
        let factor = loop {
            match Factor::new(&self.problem.columns, m, &self.basic) {
                Ok(mut factor) => {
                    if let Some(old) = self.factor.take() {
                        factor.reuse_storage(old);
                    }
                    break factor;
                }
                Err(replacements) => {
                    // A repaired basis is another basis: nothing priced or checked for the old
                    // one holds.
                    self.dual_state = None;
                    self.clear_checked();
                    for (position, row) in replacements {
                        let leaving = self.basic[position];
                        let logical = n + row;
                        self.position[leaving] = usize::MAX;
                        self.x[leaving] = self.clamp_nonbasic(leaving);
                        self.basic[position] = logical;
                        self.position[logical] = position;
                    }
                }
            }
        };
        self.factor = Some(factor);
        self.next_factor_id += 1;
        self.factor_id = self.next_factor_id;
        self.recompute_basics();
    }

    /// Forgets the last full check (the basis moved in a way `checked.moved` does not record).
    fn clear_checked(&mut self) {
        if let Some(checked) = self.checked.take() {
            for j in checked.moved {
                self.moved_listed[j] = false;
            }
        }
    }

    /// A nonbasic variable's value after it left the basis during a repair: its nearest bound.
    fn clamp_nonbasic(&self, j: usize) -> f64 {
        let (lower, upper, x) = (self.problem.lower[j], self.problem.upper[j], self.x[j]);
        if lower.is_finite() && (x <= lower || !upper.is_finite() || (x - lower).abs() <= (upper - x).abs()) {
            lower
        } else if upper.is_finite() {
            upper
        } else {
            0.0
        }
    }

    /// `x_B = -B^-1 N x_N`.
    fn recompute_basics(&mut self) {
        let m = self.problem.rows;
        let mut rhs = vec![0.0; m];
        let n = self.structurals();
        for j in 0..n + m {
            if self.position[j] == usize::MAX && self.x[j] != 0.0 {
                let value = self.x[j];
                if j < n {
                    for &(i, a) in &self.problem.columns[j] {
                        rhs[i] -= a * value;
                    }
                } else {
                    rhs[j - n] += value;
                }
            }
        }
        let factor = self.factor.as_mut().expect("factored");
        factor.ftran(&self.problem.columns, &mut rhs);
        for (position, &variable) in self.basic.iter().enumerate() {
            self.x[variable] = rhs[position];
        }
    }

    fn ensure_factor(&mut self) {
        if self.factor.as_ref().is_none_or(|factor| factor.eta_count() >= REFACTOR_EVERY) {
            self.refactor();
        }
    }

    fn ftran(&mut self, a: &mut [f64]) {
        let factor = self.factor.as_mut().expect("factored");
        factor.ftran(&self.problem.columns, a);
    }

    fn btran(&mut self, c: &mut [f64]) {
        let factor = self.factor.as_mut().expect("factored");
        factor.btran(&self.row_terms, &self.position, c);
    }

    /// How far a basic variable is outside its bounds (0 inside, within tolerance).
    fn infeasibility(&self, j: usize) -> f64 {
        let (lower, upper, x) = (self.problem.lower[j], self.problem.upper[j], self.x[j]);
        if x < lower - tolerance(lower) {
            lower - x
        } else if x > upper + tolerance(upper) {
            x - upper
        } else {
            0.0
        }
    }

    fn primal_infeasible(&self) -> bool {
        self.basic.iter().any(|&j| self.infeasibility(j) > 0.0)
    }

    /// Phase 2 cost of any variable (logicals cost nothing).
    fn cost_of(&self, j: usize) -> f64 {
        if j < self.structurals() { self.problem.cost[j] } else { 0.0 }
    }

    /// Row duals `y = B^-T c_B` for the phase 2 costs (minimisation sense), in the caller's
    /// units.
    pub fn row_duals(&mut self) -> Vec<f64> {
        let n = self.structurals();
        let mut y = self.scaled_row_duals();
        // y_i = R_i y'_i, and the logical's scale is 1 / R_i.
        for (i, dual) in y.iter_mut().enumerate() {
            *dual /= self.scale[n + i];
        }
        y
    }

    /// Row duals in the engine's units.
    fn scaled_row_duals(&mut self) -> Vec<f64> {
        self.ensure_factor();
        let mut c: Vec<f64> = self.basic.iter().map(|&j| self.cost_of(j)).collect();
        self.btran(&mut c);
        c
    }

    /// Whether the current basis is dual feasible for the phase 2 costs.
    fn dual_feasible(&mut self, y: &[f64]) -> bool {
        let n = self.structurals();
        (0..n + self.problem.rows).all(|j| self.dual_feasible_at(j, y))
    }

    /// Whether variable `j` keeps the sign of reduced cost its place needs (always, if basic).
    fn dual_feasible_at(&self, j: usize, y: &[f64]) -> bool {
        if self.is_basic(j) {
            return true;
        }
        let (d, size) = self.reduced_cost(j, self.cost_of(j), y);
        let tol = DUAL_TOLERANCE * (1.0 + size);
        let x = self.x[j];
        !((d < -tol && can_increase(x, self.problem.upper[j])) || (d > tol && can_decrease(x, self.problem.lower[j])))
    }

    /// Solves from the current basis: the dual simplex when the basis is dual but not primal
    /// feasible, the primal simplex otherwise (and after the dual, to confirm optimality).
    pub fn solve(&mut self, deadline: Option<Instant>) -> EngineStatus {
        let status = self.solve_scaled(deadline);
        self.refresh_unscaled();
        status
    }

    fn solve_scaled(&mut self, deadline: Option<Instant>) -> EngineStatus {
        self.iterations = 0;
        self.ensure_factor();
        if self.total_iterations == 0 && self.iterations == 0 && self.primal_infeasible() {
            // First solve: the columns whose cost pulls towards an infinite bound get an
            // artificial one, so that the slack basis is dual feasible and the dual simplex
            // (bound flips and all) does most of the work; the primal finishes without them.
            let artificial = self.artificial_bounds();
            // Bounds set and put back outside `set_bounds`: no saved state is in step any more.
            self.synced = None;
            let status = self.dual_simplex(deadline);
            for &(j, lower, upper) in &artificial {
                self.problem.lower[j] = lower;
                self.problem.upper[j] = upper;
            }
            if !artificial.is_empty() {
                self.refactor();
            }
            if status == EngineStatus::TimeLimit {
                self.total_iterations += self.iterations;
                return status;
            }
            if status == EngineStatus::IterationLimit {
                self.refactor();
            }
            let status = self.primal_simplex(deadline);
            self.total_iterations += self.iterations;
            self.dual_feasible_known = status == EngineStatus::Optimal;
            return status;
        }
        let status = self.solve_warm(deadline);
        self.total_iterations += self.iterations;
        self.dual_feasible_known = status == EngineStatus::Optimal;
        status
    }

    /// A solve from a basis that has been solved before. Its cost follows the pivots it makes
    /// where the basis is known to be dual feasible ([`Engine::dual_feasible_known`]): no pricing
    /// pass before the dual simplex, and none after it when the dual simplex carried its duals
    /// and reduced costs through every pivot from one factor (no refactorisation in between,
    /// where they are priced afresh and the primal confirms on a fresh factor as before).
    fn solve_warm(&mut self, deadline: Option<Instant>) -> EngineStatus {
        self.unconfirmed = false;
        let known = self.dual_feasible_known;
        if !self.primal_infeasible() {
            if known {
                return EngineStatus::Optimal;
            }
            return self.primal_simplex(deadline);
        }
        if known || {
            let y = self.scaled_row_duals();
            self.dual_feasible(&y)
        } {
            let etas_before = self.factor.as_ref().map_or(0, Factor::eta_count);
            match self.dual_simplex(deadline) {
                EngineStatus::Optimal => {
                    let etas = self.factor.as_ref().map_or(0, Factor::eta_count);
                    if known && etas == etas_before + self.iterations {
                        self.unconfirmed = true;
                        return EngineStatus::Optimal;
                    }
                    // The primal's check of optimality runs on a fresh factor, as its answer
                    // would anyway: one pricing pass instead of one before and one after.
                    if etas > 0 {
                        self.refactor();
                    }
                }
                // The dual ratio test is not exact at its tolerances; the primal decides.
                EngineStatus::Infeasible => {}
                other => return other,
            }
        }
        self.primal_simplex(deadline)
    }

    /// Whether the basis of the last optimal solve passes the full check of optimality, a pricing
    /// pass over every nonbasic with the duals from the factor and a pass over the basic values:
    /// for a result read from a basis that the dual simplex reached without that pass (see
    /// `Engine::solve_warm`), where a wrong basis would give a wrong answer. `true` at once
    /// when the solve ran the check itself.
    ///
    /// The pass over the basic values is made in full (one per row). The pricing pass is made in
    /// full only when no basis has passed it since the basis last changed in a way the engine
    /// does not follow (a primal pivot, a repaired factor); otherwise ([`Engine::checked`]) it
    /// prices again only the nonbasic variables whose verdict can differ from the one they had
    /// at that check, and its answer is the full pass's, bit for bit: with `y` the duals from
    /// the factor now and `y0` those the check priced with, a variable's reduced cost
    /// `c_j - sum_i y_i a_ij` is computed from `c_j`, the `y_i` of the rows of its column and
    /// the `a_ij`, in the same order; if it was nonbasic at that check and has been since, on
    /// the same bound (no flip), with the same cost and bounds (none set), and every row of its
    /// column has `y_i == y0_i` exactly, the full pass computes the same number, compares it
    /// with the same tolerance and the same bound and so gives it the verdict it had, a pass.
    /// The variables priced again are therefore those listed in `checked.moved` (each variable
    /// that left the basis, flipped, or had its cost or bounds set) and those with a term in a
    /// row whose dual differs at all, the logicals of those rows included; a drifted or wrong
    /// basis moves duals or sides, and is priced where it moved. A basis that passes becomes
    /// the new reference.
    pub fn confirm_optimal(&mut self) -> bool {
        if !self.unconfirmed {
            return true;
        }
        let y = self.scaled_row_duals();
        let optimal = !self.primal_infeasible() && self.dual_feasible_since_check(&y);
        self.unconfirmed = !optimal;
        if optimal {
            self.set_checked(y);
        }
        optimal
    }

    /// The full pricing pass of [`Engine::confirm_optimal`], over what can have changed since the
    /// last check when there is one (see there for why the answer is the same).
    fn dual_feasible_since_check(&mut self, y: &[f64]) -> bool {
        let n = self.structurals();
        let Some(checked) = self.checked.take() else {
            return self.dual_feasible(y);
        };
        let mut feasible = checked.moved.iter().all(|&j| self.dual_feasible_at(j, y));
        // Variables with a term in a row whose dual moved, each priced once: `moved_listed`
        // marks them (as it marks `checked.moved`, priced above) until the end.
        let mut priced: Vec<usize> = Vec::new();
        for (i, (&now, &then)) in y.iter().zip(&checked.y).enumerate() {
            if !feasible {
                break;
            }
            if now.to_bits() == then.to_bits() {
                continue;
            }
            let logical = n + i;
            for j in self.row_terms[i].iter().map(|&(j, _)| j).chain([logical]) {
                if !self.moved_listed[j] {
                    self.moved_listed[j] = true;
                    priced.push(j);
                    feasible &= self.dual_feasible_at(j, y);
                }
            }
        }
        for j in priced {
            self.moved_listed[j] = false;
        }
        self.checked = Some(checked);
        feasible
    }

    /// Makes the current basis, priced with `y`, the reference of [`Engine::confirm_optimal`].
    fn set_checked(&mut self, y: Vec<f64>) {
        self.clear_checked();
        self.checked = Some(Checked { y, moved: Vec::new() });
    }

    /// Puts an artificial bound on every nonbasic structural whose cost pulls it towards an
    /// infinite bound and moves it there; returns the bounds to restore.
    fn artificial_bounds(&mut self) -> Vec<(usize, f64, f64)> {
        let n = self.structurals();
        let size = self.problem.lower.iter().chain(&self.problem.upper).filter(|b| b.is_finite()).fold(1.0f64, |m, b| m.max(b.abs()));
        let big = 1e3 * size;
        let mut changed = Vec::new();
        for j in 0..n {
            if self.is_basic(j) {
                continue;
            }
            let (lower, upper, cost) = (self.problem.lower[j], self.problem.upper[j], self.problem.cost[j]);
            if cost < 0.0 && upper == f64::INFINITY {
                changed.push((j, lower, upper));
                self.problem.upper[j] = big.max(lower + big);
                self.x[j] = self.problem.upper[j];
            } else if cost > 0.0 && lower == f64::NEG_INFINITY {
                changed.push((j, lower, upper));
                self.problem.lower[j] = (-big).min(upper - big);
                self.x[j] = self.problem.lower[j];
            } else if cost == 0.0 && lower == f64::NEG_INFINITY && upper == f64::INFINITY {
                // A free column without cost is dual feasible where it is (d = 0).
            }
        }
        if !changed.is_empty() {
            self.recompute_basics();
        }
        changed
    }

    fn out_of_time(&self, deadline: Option<Instant>) -> bool {
        deadline.is_some_and(|deadline| Instant::now() >= deadline)
    }

    fn iteration_limit(&self) -> usize {
        50 * (self.structurals() + self.problem.rows) + 10_000
    }

    /// The primal simplex, phase 1 then phase 2, from the current basis. Its pivots are not
    /// followed by the carried duals nor by `checked`, which it drops; an optimum it returns
    /// has just passed the full pricing pass on a fresh factor (it refactors before answering),
    /// with the duals `scaled_row_duals` gives on that factor, and becomes the reference of
    /// [`Engine::confirm_optimal`].
    fn primal_simplex(&mut self, deadline: Option<Instant>) -> EngineStatus {
        self.dual_state = None;
        self.clear_checked();
        let status = self.primal_pivots(deadline);
        if status == EngineStatus::Optimal {
            let y = self.scaled_row_duals();
            self.set_checked(y);
        }
        status
    }

    fn primal_pivots(&mut self, deadline: Option<Instant>) -> EngineStatus {
        let n = self.structurals();
        let m = self.problem.rows;
        let mut by_row = SparseVector::new(m);
        let mut column = SparseVector::new(m);
        let mut costs = vec![0.0; m];
        let mut carried: Option<PricedDuals> = None;
        let mut carried_reduced: Vec<(f64, f64)> = Vec::new();
        let mut row: Option<PivotRow> = None;
        self.degenerate_run = 0;
        loop {
            if self.out_of_time(deadline) {
                return EngineStatus::TimeLimit;
            }
            if self.iterations > self.iteration_limit() {
                return EngineStatus::IterationLimit;
            }
            self.ensure_factor();
            // Phase 1 costs: -1 below the lower bound, +1 above the upper (minimising the sum
            // of infeasibilities); phase 2 costs otherwise.
            let mut phase_one = false;
            for (position, &j) in self.basic.iter().enumerate() {
                let (lower, upper, x) = (self.problem.lower[j], self.problem.upper[j], self.x[j]);
                costs[position] = if x < lower - tolerance(lower) {
                    phase_one = true;
                    -1.0
                } else if x > upper + tolerance(upper) {
                    phase_one = true;
                    1.0
                } else {
                    0.0
                };
            }
            // Phase 2's duals and reduced costs are carried from pivot to pivot on one factor
            // (as the dual simplex carries its own), so that a pivot prices from them instead of
            // every column's terms; on a fresh factor, and in phase 1, they are priced afresh.
            if phase_one || self.factor.as_ref().is_some_and(|factor| factor.eta_count() == 0) {
                carried = None;
            }
            let y = match carried.take() {
                Some((y, reduced)) => {
                    carried_reduced = reduced;
                    y
                }
                None => {
                    if !phase_one {
                        for (position, &j) in self.basic.iter().enumerate() {
                            costs[position] = self.cost_of(j);
                        }
                    }
                    let mut y = costs.clone();
                    self.btran(&mut y);
                    carried_reduced.clear();
                    if !phase_one {
                        self.price_every_variable(&y, &mut carried_reduced);
                    }
                    y
                }
            };

            // Pricing.
            let bland = self.degenerate_run >= DEGENERATE_BEFORE_BLAND;
            let mut entering = usize::MAX;
            let mut direction = 0.0;
            let mut best = 0.0;
            for j in 0..n + m {
                if self.position[j] != usize::MAX {
                    continue;
                }
                let (d, size) = if phase_one { self.reduced_cost(j, 0.0, &y) } else { carried_reduced[j] };
                let tol = DUAL_TOLERANCE * (1.0 + size);
                let x = self.x[j];
                let dir = if d < -tol && can_increase(x, self.problem.upper[j]) {
                    1.0
                } else if d > tol && can_decrease(x, self.problem.lower[j]) {
                    -1.0
                } else {
                    continue;
                };
                if bland {
                    entering = j;
                    direction = dir;
                    break;
                }
                let score = d.abs() / (1.0 + size.sqrt().min(1.0));
                if score > best {
                    best = score;
                    entering = j;
                    direction = dir;
                }
            }
            if entering == usize::MAX {
                // Before an answer, the basic values are recomputed from the nonbasic ones with a
                // fresh factor, so that no drift of the updates is reported; if that shows an
                // infeasibility the iterations go on.
                if self.factor.as_ref().is_some_and(|factor| factor.eta_count() > 0) {
                    self.refactor();
                    if self.primal_infeasible() != phase_one {
                        continue;
                    }
                    if !phase_one {
                        continue;
                    }
                }
                return if phase_one { EngineStatus::Infeasible } else { EngineStatus::Optimal };
            }

            by_row.clear();
            column.clear();
            self.add_column_sparse(entering, 1.0, &mut by_row);
            self.factor.as_mut().expect("factored").ftran_sparse(&self.problem.columns, &by_row, &mut column);
            column.sort();
            let largest = column.pattern().iter().fold(0.0f64, |acc, &p| acc.max(column.values()[p].abs()));
            let pivot_floor = PIVOT_TOLERANCE * largest.max(1.0);

            // Ratio test: basic p moves at rate -direction * w_p per unit step.
            let target_of = |engine: &Engine, p: usize, rate: f64| -> Option<f64> {
                let j = engine.basic[p];
                let (lower, upper, x) = (engine.problem.lower[j], engine.problem.upper[j], engine.x[j]);
                if rate < 0.0 {
                    if x > upper + tolerance(upper) {
                        Some(upper)
                    } else if x >= lower - tolerance(lower) && lower.is_finite() {
                        Some(lower)
                    } else {
                        None
                    }
                } else if x < lower - tolerance(lower) {
                    Some(lower)
                } else if x <= upper + tolerance(upper) && upper.is_finite() {
                    Some(upper)
                } else {
                    None
                }
            };
            let mut relaxed_step = f64::INFINITY;
            if !bland {
                for &p in column.pattern() {
                    let rate = -direction * column.values()[p];
                    if rate.abs() <= pivot_floor {
                        continue;
                    }
                    if let Some(target) = target_of(self, p, rate) {
                        let slack = tolerance(target) * rate.signum();
                        let step = ((target + slack - self.x[self.basic[p]]) / rate).max(0.0);
                        relaxed_step = relaxed_step.min(step);
                    }
                }
            }
            let mut leaving = usize::MAX;
            let mut leaving_target = 0.0;
            let mut step = f64::INFINITY;
            let mut leaving_pivot = 0.0;
            for &p in column.pattern() {
                let rate = -direction * column.values()[p];
                if rate.abs() <= pivot_floor {
                    continue;
                }
                let Some(target) = target_of(self, p, rate) else { continue };
                let ratio = ((target - self.x[self.basic[p]]) / rate).max(0.0);
                let better = if bland {
                    ratio < step || (ratio == step && self.basic[p] < self.basic[leaving.min(m - 1)])
                } else {
                    ratio <= relaxed_step && rate.abs() > leaving_pivot
                };
                if better {
                    leaving = p;
                    leaving_target = target;
                    step = ratio;
                    leaving_pivot = rate.abs();
                }
            }
            let span = if direction > 0.0 {
                self.problem.upper[entering] - self.x[entering]
            } else {
                self.x[entering] - self.problem.lower[entering]
            };
            if span.is_finite() && span <= step {
                // The entering variable reaches its other bound first: a bound flip.
                for &p in column.pattern() {
                    let j = self.basic[p];
                    self.x[j] -= direction * column.values()[p] * span;
                }
                self.x[entering] = if direction > 0.0 { self.problem.upper[entering] } else { self.problem.lower[entering] };
                self.iterations += 1;
                self.degenerate_run = 0;
                if !phase_one {
                    carried = Some((y, std::mem::take(&mut carried_reduced)));
                }
                continue;
            }
            if leaving == usize::MAX {
                if phase_one {
                    // Cannot happen in exact arithmetic (the phase 1 objective is bounded);
                    // refactor and try again once the values are recomputed.
                    self.refactor();
                    self.iterations += 1;
                    continue;
                }
                return EngineStatus::Unbounded;
            }
            if step <= 1e-12 {
                self.degenerate_run += 1;
            } else {
                self.degenerate_run = 0;
            }
            for &p in column.pattern() {
                let j = self.basic[p];
                self.x[j] -= direction * column.values()[p] * step;
            }
            self.x[entering] += direction * step;
            let leaving_variable = self.basic[leaving];
            self.x[leaving_variable] = leaving_target;
            if phase_one {
                self.pivot_sparse(leaving, entering, &column);
                continue;
            }
            // The entering reduced cost goes to 0: `d_j -= theta alpha_j` over the pivot row
            // `alpha = e_p' B^-1 [A -I]`, which is `y += theta rho`.
            let row = row.get_or_insert_with(|| PivotRow::sized(n, m));
            self.pivot_row(leaving, &mut row.unit, &mut row.rho, &mut row.alpha, &mut row.touched, &mut row.seen);
            let theta = carried_reduced[entering].0 / column.values()[leaving];
            let mut y = y;
            for &i in row.rho.pattern() {
                y[i] += theta * row.rho.values()[i];
            }
            for &j in &row.touched {
                carried_reduced[j].0 -= theta * row.alpha[j];
            }
            self.pivot_sparse(leaving, entering, &column);
            carried_reduced[entering] = (0.0, 0.0);
            carried_reduced[leaving_variable] = self.reduced_cost(leaving_variable, self.cost_of(leaving_variable), &y);
            carried = Some((y, std::mem::take(&mut carried_reduced)));
        }
    }

    /// The pivot row of basis position `position` over the variables: `rho = e_p' B^-1` (its
    /// pattern sorted, so that the sums below meet the rows in order) and `alpha_j = rho' a_j`
    /// from the rows where `rho` is non-zero, by the row-wise copy: the work is the non-zeros of
    /// those rows, not a pass over every column. `alpha` is zero and `seen` false outside
    /// `touched`, which lists the variables the row reaches.
    fn pivot_row(
        &mut self,
        position: usize,
        unit: &mut SparseVector,
        rho: &mut SparseVector,
        alpha: &mut [f64],
        touched: &mut Vec<usize>,
        seen: &mut [bool],
    ) {
        let n = self.structurals();
        for &j in touched.iter() {
            alpha[j] = 0.0;
            seen[j] = false;
        }
        touched.clear();
        rho.clear();
        unit.clear();
        unit.set(position, 1.0);
        self.factor.as_mut().expect("factored").btran_sparse(&self.row_terms, &self.position, unit, rho);
        rho.sort();
        for &i in rho.pattern() {
            let rho = rho.values()[i];
            if rho != 0.0 {
                for &(j, a) in &self.row_terms[i] {
                    alpha[j] += rho * a;
                    if !seen[j] {
                        seen[j] = true;
                        touched.push(j);
                    }
                }
                alpha[n + i] = -rho;
                if !seen[n + i] {
                    seen[n + i] = true;
                    touched.push(n + i);
                }
            }
        }
    }

    /// Puts `entering` at basis position `position`, `w = B^-1 a_entering` (sparse; the order
    /// of its pattern does not matter: each entry of an eta is applied on its own).
    fn pivot_sparse(&mut self, position: usize, entering: usize, w: &SparseVector) {
        self.factor.as_mut().expect("factored").update_sparse(position, entering, w, &self.row_terms, &self.position);
        let leaving = self.basic[position];
        self.position[leaving] = usize::MAX;
        self.basic[position] = entering;
        self.position[entering] = position;
        self.iterations += 1;
    }

    /// The dual simplex from a dual feasible basis, starting from the carried duals and reduced
    /// costs when they were priced on the current factor ([`Engine::dual_state`]) and leaving
    /// them, carried through its pivots, for the next solve.
    fn dual_simplex(&mut self, deadline: Option<Instant>) -> EngineStatus {
        let mut carry = match self.dual_state.take() {
            Some(state) => Carried { duals: Some(state.y), reduced: state.reduced, priced_on: state.factor, row: PivotRow::default() },
            None => Carried { duals: None, reduced: Vec::new(), priced_on: u64::MAX, row: PivotRow::default() },
        };
        carry.row = std::mem::take(&mut self.pivot_row);
        let status = self.dual_pivots(deadline, &mut carry);
        self.pivot_row = carry.row;
        if let Some(y) = carry.duals {
            self.dual_state = Some(DualState { y, reduced: carry.reduced, factor: carry.priced_on });
        }
        status
    }

    fn dual_pivots(&mut self, deadline: Option<Instant>, carry: &mut Carried) -> EngineStatus {
        let n = self.structurals();
        let m = self.problem.rows;
        // Work vectors over the non-zeros (see `factor::SparseVector`): `unit` and `rho` for the
        // pivot row `e_p' B^-1`, `by_row` and `column` for a basis column `B^-1 a`; each is
        // cleared before it is filled.
        // Positions whose basic may be out of its bounds: every position after a
        // refactorisation, then those whose value a pivot moved (checked when read), so that
        // the choice of the leaving row reads the infeasible basics instead of every row; reset
        // at the first iteration.
        // The pivot row over the nonbasics, kept sparse: `alpha` is zero outside `touched`, so a
        // pivot costs the nonzeros of the rows `rho` reaches, not a pass over every column;
        // each pivot clears what the last one touched.
        // All are kept in the engine between solves: a warm solve's few pivots should not pay
        // for allocating and zeroing them over every row and column.
        let Carried { duals, reduced, priced_on, row } = carry;
        if row.alpha.len() != n + m || row.infeasible.listed.len() != m {
            *row = PivotRow::sized(n, m);
        }
        let PivotRow { alpha, touched, seen, unit, rho, by_row, column, infeasible } = row;
        let first_iteration = self.iterations;
        // Row duals, carried from pivot to pivot (`y + theta rho`, see below) and recomputed
        // from the basis after each refactorisation, so that each pivot needs one `btran`.
        // Reduced costs of the nonbasics, with the size of their terms for the tolerances:
        // priced with the duals whenever those are recomputed, and carried in between as
        // `d -= theta alpha` over the pivot row's nonzeros, so that the ratio test reads them
        // instead of pricing every candidate's column. Both come from the last solve when it
        // left them on this factor (`priced_on`).
        loop {
            if self.out_of_time(deadline) {
                return EngineStatus::TimeLimit;
            }
            if self.iterations > self.iteration_limit() {
                return EngineStatus::IterationLimit;
            }
            self.ensure_factor();
            if self.iterations == first_iteration || self.factor.as_ref().is_some_and(|factor| factor.eta_count() == 0) {
                // Fresh factor, basic values recomputed: every position is checked again.
                infeasible.reset(self);
            }
            // Leaving: the most infeasible basic, relative to its bound; among equals the
            // first position, as a pass over every row would find.
            let mut leaving = usize::MAX;
            let mut worst = 0.0;
            infeasible.retain(|p| {
                let j = self.basic[p];
                let infeasibility = self.infeasibility(j);
                if infeasibility > 0.0 {
                    let bound = if self.x[j] < self.problem.lower[j] { self.problem.lower[j] } else { self.problem.upper[j] };
                    let score = infeasibility / (1.0 + bound.abs());
                    if score > worst || (score == worst && p < leaving) {
                        worst = score;
                        leaving = p;
                    }
                    true
                } else {
                    false
                }
            });
            if leaving == usize::MAX {
                return EngineStatus::Optimal;
            }
            let leaving_variable = self.basic[leaving];
            let below = self.x[leaving_variable] < self.problem.lower[leaving_variable];
            let target = if below { self.problem.lower[leaving_variable] } else { self.problem.upper[leaving_variable] };

            if *priced_on != self.factor_id {
                *duals = None;
            }
            let y = match duals.take() {
                Some(y) => y,
                None => {
                    let y = self.scaled_row_duals();
                    *priced_on = self.factor_id;
                    self.price_every_variable(&y, reduced);
                    y
                }
            };
            self.pivot_row(leaving, unit, rho, alpha, touched, seen);
            let largest = touched.iter().fold(0.0f64, |acc, &j| acc.max(alpha[j].abs()));
            let pivot_floor = PIVOT_TOLERANCE * largest.max(1.0);
            // x_leaving changes by -alpha_j * dx_j. Below: it must rise.
            let mut candidates = Vec::new();
            for &j in touched.iter() {
                if self.position[j] != usize::MAX || alpha[j].abs() <= pivot_floor {
                    continue;
                }
                let x = self.x[j];
                let sign = if below { -alpha[j] } else { alpha[j] };
                // sign > 0: x_j must increase; sign < 0: decrease.
                let moves = if sign > 0.0 { can_increase(x, self.problem.upper[j]) } else { can_decrease(x, self.problem.lower[j]) };
                if !moves {
                    continue;
                }
                let (d, size) = reduced[j];
                candidates.push((j, d, size));
            }
            if candidates.is_empty() {
                return EngineStatus::Infeasible;
            }
            // Bound-flipping ratio test: walk the breakpoints d_j / |alpha_j| in order; a boxed
            // candidate whose whole span still leaves the row infeasible flips to its other
            // bound, the first one that would overshoot (or has no other bound) enters.
            // Ties between equal ratios go by index, as a pass over every column in order would
            // meet them: the same input gives the same pivots.
            candidates.sort_by(|a, b| {
                let ratio = |&(j, d, _): &(usize, f64, f64)| d.abs() / alpha[j].abs();
                ratio(a).total_cmp(&ratio(b)).then(a.0.cmp(&b.0))
            });
            let mut remaining = (target - self.x[leaving_variable]).abs();
            let mut flips = Vec::new();
            let mut entering = usize::MAX;
            for (index, &(j, d, size)) in candidates.iter().enumerate() {
                let span = self.problem.upper[j] - self.problem.lower[j];
                let reduction = alpha[j].abs() * span;
                if span.is_finite() && reduction < remaining {
                    remaining -= reduction;
                    flips.push(j);
                    continue;
                }
                // Among near ties at this breakpoint, the largest pivot.
                let ratio = d.abs() / alpha[j].abs();
                let tie = ratio + DUAL_TOLERANCE * (1.0 + size) / alpha[j].abs();
                entering = j;
                let mut best_pivot = alpha[j].abs();
                for &(k, dk, _) in &candidates[index + 1..] {
                    if dk.abs() / alpha[k].abs() > tie {
                        break;
                    }
                    if alpha[k].abs() > 2.0 * best_pivot {
                        entering = k;
                        best_pivot = alpha[k].abs();
                    }
                }
                break;
            }
            if entering == usize::MAX {
                // Every candidate flipped and the row is still out of its bounds.
                return EngineStatus::Infeasible;
            }
            if !flips.is_empty() {
                by_row.clear();
                column.clear();
                for &j in &flips {
                    self.note_moved(j);
                    let to = if self.x[j] == self.problem.lower[j] { self.problem.upper[j] } else { self.problem.lower[j] };
                    let delta = to - self.x[j];
                    self.x[j] = to;
                    self.add_column_sparse(j, delta, by_row);
                }
                self.factor.as_mut().expect("factored").ftran_sparse(&self.problem.columns, by_row, column);
                for &p in column.pattern() {
                    let j = self.basic[p];
                    self.x[j] -= column.values()[p];
                    if self.infeasibility(j) > 0.0 {
                        infeasible.insert(p);
                    }
                }
            }
            by_row.clear();
            column.clear();
            self.add_column_sparse(entering, 1.0, by_row);
            self.factor.as_mut().expect("factored").ftran_sparse(&self.problem.columns, by_row, column);
            if column.values()[leaving].abs() <= pivot_floor * 1e-3 {
                // The column and the row disagree: the factor has drifted.
                self.refactor();
                continue;
            }
            // x_leaving = x + (-w_leaving) dx: reach `target`.
            let dx = (self.x[leaving_variable] - target) / column.values()[leaving];
            // A basic enters the set of infeasible ones only when a move puts it out of its
            // bounds; one that is inside stays inside until its value moves again.
            for &p in column.pattern() {
                let j = self.basic[p];
                self.x[j] -= column.values()[p] * dx;
                if self.infeasibility(j) > 0.0 {
                    infeasible.insert(p);
                }
            }
            self.x[entering] += dx;
            self.x[leaving_variable] = target;
            // The entering reduced cost goes to 0: d_j -= theta alpha_j for every j, which is
            // y += theta rho.
            let (d_entering, _) = self.reduced_cost(entering, self.cost_of(entering), &y);
            let theta = d_entering / alpha[entering];
            let mut y = y;
            for &i in rho.pattern() {
                y[i] += theta * rho.values()[i];
            }
            for &j in touched.iter() {
                reduced[j].0 -= theta * alpha[j];
            }
            self.pivot_sparse(leaving, entering, column);
            if self.infeasibility(entering) > 0.0 {
                infeasible.insert(leaving);
            }
            // The leaving variable's reduced cost is priced afresh (as a basic it carried none).
            reduced[leaving_variable] = self.reduced_cost(leaving_variable, self.cost_of(leaving_variable), &y);
            self.note_moved(leaving_variable);
            *duals = Some(y);
        }
    }

    /// `B^-1 a` for the column of variable `j`, by basis position.
    pub fn basis_column(&mut self, j: usize) -> Vec<f64> {
        self.ensure_factor();
        let mut column = vec![0.0; self.problem.rows];
        self.scatter_column(j, &mut column);
        self.ftran(&mut column);
        for (value, &basic) in column.iter_mut().zip(&self.basic) {
            *value *= self.scale[basic] / self.scale[j];
        }
        column
    }

    /// `B^-T c` for a cost vector by basis position (row space on return).
    pub fn basis_row_prices(&mut self, mut by_position: Vec<f64>) -> Vec<f64> {
        let n = self.structurals();
        for (value, &basic) in by_position.iter_mut().zip(&self.basic) {
            *value *= self.scale[basic];
        }
        self.scaled_row_prices(&mut by_position);
        for (i, price) in by_position.iter_mut().enumerate() {
            *price /= self.scale[n + i];
        }
        by_position
    }

    /// `B^-T c` in the engine's units.
    fn scaled_row_prices(&mut self, by_position: &mut [f64]) {
        self.ensure_factor();
        self.btran(by_position);
    }

    /// Ranging of bounds from the current (optimal) basis: every finite bound of each listed
    /// variable moves by `rate * delta`. Returns how far `delta` can rise and fall with the basis
    /// still primal feasible (`f64::INFINITY`: for ever); over that interval the row duals, and
    /// so the slope of the optimal objective in `delta`, stay those of the basis. A basic
    /// variable already at a bound it moves towards gives 0 on that side (a degenerate basis).
    pub fn bound_shift_range(&mut self, shifts: &[(usize, f64)]) -> (f64, f64) {
        self.ensure_factor();
        // A bound moving by `rate` moves by `rate / scale` in the engine's units; `delta` is the
        // caller's and needs no scaling.
        let shifts: Vec<(usize, f64)> = shifts.iter().map(|&(j, rate)| (j, rate / self.scale[j])).collect();
        let (n, m) = (self.structurals(), self.problem.rows);
        // Over the non-zeros, in the work vectors the dual simplex keeps between solves: a walk's
        // step ranges one limit, whose column reaches a few rows, and should not pass over
        // every row. Only the positions a moved bound or the basic values' velocity reaches can
        // end the range.
        let mut work = std::mem::take(&mut self.pivot_row);
        if work.alpha.len() != n + m || work.infeasible.listed.len() != m {
            work = PivotRow::sized(n, m);
        }
        let (moved_rows, moved) = (&mut work.by_row, &mut work.column);
        moved_rows.clear();
        moved.clear();
        let mut bound_rate: Vec<(usize, f64, f64)> = Vec::new();
        for &(j, rate) in &shifts {
            let (lower, upper, x) = (self.problem.lower[j], self.problem.upper[j], self.x[j]);
            if self.is_basic(j) {
                let lower_rate = if lower.is_finite() { rate } else { 0.0 };
                let upper_rate = if upper.is_finite() { rate } else { 0.0 };
                bound_rate.push((self.position[j], lower_rate, upper_rate));
            } else if (lower.is_finite() && x == lower) || (upper.is_finite() && x == upper) {
                // A nonbasic variable resting on the bound moves with it.
                self.add_column_sparse(j, rate, moved_rows);
            }
        }
        // B dx_B + N dx_N = 0.
        self.factor.as_mut().expect("factored").ftran_sparse(&self.problem.columns, moved_rows, moved);
        let mut reached: Vec<usize> = moved.pattern().to_vec();
        reached.extend(bound_rate.iter().map(|&(p, _, _)| p));
        reached.sort_unstable();
        reached.dedup();
        let (mut increase, mut decrease) = (f64::INFINITY, f64::INFINITY);
        for &p in &reached {
            let b = self.basic[p];
            let (lower, upper, x) = (self.problem.lower[b], self.problem.upper[b], self.x[b]);
            let velocity = -moved.values()[p];
            let (lower_rate, upper_rate) =
                bound_rate.iter().filter(|&&(q, _, _)| q == p).fold((0.0, 0.0), |(l, u), &(_, lr, ur)| (l + lr, u + ur));
            let scale = 1e-11 * (1.0 + velocity.abs() + lower_rate.abs() + upper_rate.abs());
            for (sign, reach) in [(1.0, &mut increase), (-1.0, &mut decrease)] {
                // x + sign v t <= u + sign ur t  and  x + sign v t >= l + sign lr t, for t >= 0.
                let towards_upper = sign * (velocity - upper_rate);
                if upper.is_finite() && towards_upper > scale {
                    *reach = reach.min(((upper - x).max(0.0)) / towards_upper);
                }
                let towards_lower = sign * (lower_rate - velocity);
                if lower.is_finite() && towards_lower > scale {
                    *reach = reach.min(((x - lower).max(0.0)) / towards_lower);
                }
            }
        }
        self.pivot_row = work;
        (increase, decrease)
    }

    /// Ranging of costs from the current (optimal) basis: the cost of each listed structural
    /// moves by `rate * delta`. Returns how far `delta` can rise and fall with every nonbasic
    /// reduced cost keeping its optimal sign, so that the basis and its point stay optimal. A
    /// nonbasic variable with a zero reduced cost (another optimal point exists) gives 0 on
    /// the side that makes it attractive.
    pub fn cost_shift_range(&mut self, shifts: &[(usize, f64)]) -> (f64, f64) {
        self.ensure_factor();
        let n = self.structurals();
        let m = self.problem.rows;
        let mut direction = vec![0.0; n];
        for &(j, rate) in shifts {
            direction[j] += rate * self.scale[j];
        }
        let y = self.scaled_row_duals();
        let basic_direction: Vec<f64> = self.basic.iter().map(|&j| if j < n { direction[j] } else { 0.0 }).collect();
        let mut dy = basic_direction;
        self.scaled_row_prices(&mut dy);
        let (mut increase, mut decrease) = (f64::INFINITY, f64::INFINITY);
        for j in 0..n + m {
            let (lower, upper, x) = (self.problem.lower[j], self.problem.upper[j], self.x[j]);
            if self.is_basic(j) || lower == upper {
                continue;
            }
            let (d, size) = self.reduced_cost(j, self.cost_of(j), &y);
            // Within the optimality tolerance a reduced cost is zero.
            let d = if d.abs() <= DUAL_TOLERANCE * (1.0 + size) { 0.0 } else { d };
            let (dd, dd_size) = self.reduced_cost(j, if j < n { direction[j] } else { 0.0 }, &dy);
            let scale = 1e-11 * (1.0 + dd_size);
            // Minimisation: at its lower bound a variable needs d >= 0, at its upper d <= 0, and
            // off both (free) d = 0.
            let at_lower = lower.is_finite() && x == lower;
            let at_upper = upper.is_finite() && x == upper;
            for (sign, reach) in [(1.0, &mut increase), (-1.0, &mut decrease)] {
                let rate = sign * dd;
                if !at_upper && rate < -scale {
                    *reach = reach.min(if at_lower { d.max(0.0) / -rate } else { 0.0 });
                }
                if !at_lower && rate > scale {
                    *reach = reach.min(if at_upper { (-d).max(0.0) / rate } else { 0.0 });
                }
            }
        }
        (increase, decrease)
    }

    /// The basis, the point and the bounds and costs as they stand, for [`Engine::restore`]: an
    /// analysis that moves the program to probe around an optimum (ranging a degenerate side)
    /// comes back to the very basis it started from, not to another optimal basis of the same
    /// point, whose ranges would differ.
    ///
    /// The duals and reduced costs are priced first, if not carried (when the factor needs no
    /// refactorisation, so that nothing else changes): every walk restored to the saved basis
    /// then starts from them, as its first dual pivot would have priced them, bit for bit (the
    /// same `btran` on the same factor). The basis also becomes the reference of
    /// [`Engine::confirm_optimal`] if it passes the full pricing pass.
    pub fn save(&mut self) -> SavedBasis {
        if self.factor.as_ref().is_some_and(|factor| factor.eta_count() < REFACTOR_EVERY) {
            if self.dual_state.as_ref().is_none_or(|state| state.factor != self.factor_id) {
                let y = self.scaled_row_duals();
                let mut reduced = Vec::new();
                self.price_every_variable(&y, &mut reduced);
                self.dual_state = Some(DualState { y, reduced, factor: self.factor_id });
            }
            if self.checked.is_none() {
                let y = self.scaled_row_duals();
                if self.dual_feasible(&y) {
                    self.set_checked(y);
                }
            }
        }
        let id = SAVED_STATES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.synced = Some(id);
        self.changed_bounds.clear();
        self.changed_costs.clear();
        SavedBasis {
            id,
            basic: self.basic.clone(),
            position: self.position.clone(),
            x: self.x.clone(),
            unscaled: self.unscaled.clone(),
            lower: self.problem.lower.clone(),
            upper: self.problem.upper.clone(),
            cost: self.problem.cost.clone(),
            factor: self.factor.clone(),
            factor_id: self.factor_id,
            dual_feasible_known: self.dual_feasible_known,
            dual_state: self.dual_state.clone(),
            checked: self.checked.clone(),
        }
    }

    /// Back to a state saved by [`Engine::save`] on this engine.
    pub fn restore(&mut self, saved: &SavedBasis) {
        self.basic.clone_from(&saved.basic);
        self.position.clone_from(&saved.position);
        self.x.clone_from(&saved.x);
        self.unscaled.clone_from(&saved.unscaled);
        if self.synced == Some(saved.id) {
            for &j in &self.changed_bounds {
                self.problem.lower[j] = saved.lower[j];
                self.problem.upper[j] = saved.upper[j];
            }
            for &j in &self.changed_costs {
                self.problem.cost[j] = saved.cost[j];
            }
        } else {
            self.problem.lower.clone_from(&saved.lower);
            self.problem.upper.clone_from(&saved.upper);
            self.problem.cost.clone_from(&saved.cost);
            self.synced = Some(saved.id);
        }
        self.changed_bounds.clear();
        self.changed_costs.clear();
        self.factor.clone_from(&saved.factor);
        self.factor_id = saved.factor_id;
        self.dual_feasible_known = saved.dual_feasible_known;
        self.dual_state.clone_from(&saved.dual_state);
        self.clear_checked();
        self.checked.clone_from(&saved.checked);
        if let Some(checked) = &self.checked {
            for &j in &checked.moved {
                self.moved_listed[j] = true;
            }
        }
    }

    /// The reduced costs of the current basis, for many cost rangings from it
    /// ([`Engine::cost_shift_range_from`]): ranging every allocation of a plan prices the same
    /// basis once instead of once per allocation.
    pub fn cost_ranging(&mut self) -> CostRanging {
        self.ensure_factor();
        let n = self.structurals();
        let m = self.problem.rows;
        let y = self.scaled_row_duals();
        let reduced = (0..n + m)
            .map(|j| {
                if self.is_basic(j) || self.problem.lower[j] == self.problem.upper[j] {
                    return 0.0;
                }
                let (d, size) = self.reduced_cost(j, self.cost_of(j), &y);
                // Within the optimality tolerance a reduced cost is zero.
                if d.abs() <= DUAL_TOLERANCE * (1.0 + size) { 0.0 } else { d }
            })
            .collect();
        CostRanging {
            reduced,
            moved: vec![0.0; n],
            size: vec![0.0; n],
            touched: Vec::new(),
            shifted: SparseVector::new(m),
            prices: SparseVector::new(m),
        }
    }

    /// [`Engine::cost_shift_range`] from the basis `ranging` was made at (the caller keeps the
    /// basis unchanged in between): the same ratio test over the nonbasic reduced costs, with
    /// the change of each computed from the rows the shift's prices move (the pivot rows of the
    /// shifted basic variables) instead of from every column.
    pub fn cost_shift_range_from(&mut self, ranging: &mut CostRanging, shifts: &[(usize, f64)]) -> (f64, f64) {
        self.ensure_factor();
        let n = self.structurals();
        let mut direction: Vec<(usize, f64)> = Vec::with_capacity(shifts.len());
        ranging.shifted.clear();
        ranging.prices.clear();
        for &(j, rate) in shifts {
            let rate = rate * self.scale[j];
            if self.is_basic(j) {
                ranging.shifted.add(self.position[j], rate);
            } else {
                direction.push((j, rate));
            }
        }
        // The prices the shift moves, over the non-zeros: a ranging of each allocation's cost
        // costs the rows it reaches, not a pass over every row. In index order, so that the sums
        // are those of a pass over the dense vector.
        ranging.shifted.sort();
        if ranging.shifted.pattern().iter().any(|&p| ranging.shifted.values()[p] != 0.0) {
            self.factor.as_mut().expect("factored").btran_sparse(
                &self.row_terms,
                &self.position,
                &mut ranging.shifted,
                &mut ranging.prices,
            );
        }
        ranging.prices.sort();
        let dy = &ranging.prices;
        // The change of each structural's reduced cost is `direction_j - dy'a_j`: the dot
        // products come from the rows where `dy` is not zero.
        for &i in dy.pattern() {
            let price = dy.values()[i];
            if price == 0.0 {
                continue;
            }
            for &(j, a) in &self.row_terms[i] {
                if ranging.size[j] == 0.0 && ranging.moved[j] == 0.0 {
                    ranging.touched.push(j);
                }
                let term = price * a;
                ranging.moved[j] += term;
                ranging.size[j] += term.abs();
            }
        }
        for &(j, _) in &direction {
            if ranging.size[j] == 0.0 && ranging.moved[j] == 0.0 {
                ranging.touched.push(j);
            }
        }
        let (mut increase, mut decrease) = (f64::INFINITY, f64::INFINITY);
        // Minimisation: at its lower bound a variable needs d >= 0, at its upper d <= 0, and
        // off both (free) d = 0.
        let mut test = |d: f64, dd: f64, dd_size: f64, x: f64, lower: f64, upper: f64| {
            let scale = 1e-11 * (1.0 + dd_size);
            let at_lower = lower.is_finite() && x == lower;
            let at_upper = upper.is_finite() && x == upper;
            for (sign, reach) in [(1.0, &mut increase), (-1.0, &mut decrease)] {
                let rate = sign * dd;
                if !at_upper && rate < -scale {
                    *reach = reach.min(if at_lower { d.max(0.0) / -rate } else { 0.0 });
                }
                if !at_lower && rate > scale {
                    *reach = reach.min(if at_upper { (-d).max(0.0) / rate } else { 0.0 });
                }
            }
        };
        ranging.touched.sort_unstable();
        ranging.touched.dedup();
        for &j in &ranging.touched {
            let (lower, upper) = (self.problem.lower[j], self.problem.upper[j]);
            if self.is_basic(j) || lower == upper {
                continue;
            }
            let own = direction.iter().find(|&&(k, _)| k == j).map_or(0.0, |&(_, rate)| rate);
            test(ranging.reduced[j], own - ranging.moved[j], own.abs() + ranging.size[j], self.x[j], lower, upper);
        }
        for &i in dy.pattern() {
            let price = dy.values()[i];
            let j = n + i;
            let (lower, upper) = (self.problem.lower[j], self.problem.upper[j]);
            if price == 0.0 || self.is_basic(j) || lower == upper {
                continue;
            }
            test(ranging.reduced[j], price, price.abs(), self.x[j], lower, upper);
        }
        for &j in &ranging.touched {
            ranging.moved[j] = 0.0;
            ranging.size[j] = 0.0;
        }
        ranging.touched.clear();
        (increase, decrease)
    }

    /// The variable at each basis position.
    pub fn basis(&self) -> &[usize] {
        &self.basic
    }

    /// `-B^-1 a_j` per unit of a nonbasic `j`: how each basic moves, by position.
    pub fn size_of_kernel(&self) -> usize {
        self.factor.as_ref().map_or(0, Factor::kernel_size)
    }

    /// Size of the dense nucleus of the kernel's factor (see `factor`).
    pub fn size_of_nucleus(&self) -> usize {
        self.factor.as_ref().map_or(0, Factor::nucleus_size)
    }
}

#[cfg(test)]
mod tests;
