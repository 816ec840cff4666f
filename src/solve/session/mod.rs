//! A solver session: a [`LinearProgram`] loaded once into capplan's engine, changed and re-solved
//! warm, with primal values, row duals and the basis read back in the program's own terms.
//!
//! Loading presolves the program: an equality row that defines a variable whose bounds the row
//! already implies (on capplan's models: `hours = sum of the pieces of a curve`) is substituted
//! into every other row and the objective, and leaves the program with its variable. What the
//! engine then sees is the rows the planner set (capacities, floors, caps, segment and share
//! rows) over the curve pieces; most of those rows are slack at the optimum, so the basis kernel
//! the engine factors is the size of the limits that bind ([`super::engine`]).
//!
//! Postsolve undoes each substitution in reverse order: the variable's value from its row, and
//! the row's dual from the variable's column (whose reduced cost is 0, the variable being free
//! within its implied bounds). Row duals follow capplan's sign convention
//! (docs/shadow-prices.md): the change of the optimal objective (maximised) per +1 of the row's
//! right-hand side as written.
//!
//! Changes that touch a substitution (the right-hand side of a substituted row, the cost or
//! bounds of a substituted variable when they no longer contain its implied range) reload the
//! program; every other change keeps the basis.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::time::Instant;

use super::engine::{CostRanging, Engine, EngineStatus, Problem, SavedBasis};
use crate::formulation::{LinearProgram, Sense};

/// How a session's solve ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionStatus {
    Optimal,
    Infeasible,
    Unbounded,
    TimeLimit,
}

/// The engine gave up (more pivots than any sound run needs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineFailure(pub String);

/// One variable substituted away by its defining row, as the row and column stood then.
#[derive(Debug, Clone)]
struct Substitution {
    variable: usize,
    row: usize,
    /// The variable's coefficient in its row.
    coefficient: f64,
    /// The row's other terms (original variable indices) and right-hand side.
    terms: Vec<(usize, f64)>,
    rhs: f64,
    /// The variable's objective coefficient and its terms in the other rows.
    cost: f64,
    column: Vec<(usize, f64)>,
}

/// The presolved program: what the engine sees and how to map back.
#[derive(Debug, Clone)]
struct Reduction {
    /// Engine column -> original variable, and back.
    kept_variables: Vec<usize>,
    column_of: Vec<Option<usize>>,
    /// Engine row -> original row, and back.
    kept_rows: Vec<usize>,
    row_of: Vec<Option<usize>>,
    /// Reduced right-hand side minus the original one, per original row.
    rhs_offset: Vec<f64>,
    /// Reduced objective coefficient minus the original one, per original variable.
    cost_offset: Vec<f64>,
    substitutions: Vec<Substitution>,
    /// Substitutions whose implied bounds depend on each variable.
    depends_on: Vec<Vec<usize>>,
}

/// Range `[low, high]` of `sum a_j x_j` over the bounds `bounds(j)` of the `x_j`.
fn activity_range(terms: &[(usize, f64)], bounds: impl Fn(usize) -> (f64, f64)) -> (f64, f64) {
    let (mut low, mut high) = (0.0, 0.0);
    for &(j, a) in terms {
        let (lower, upper) = bounds(j);
        let (l, u) = if a >= 0.0 { (a * lower, a * upper) } else { (a * upper, a * lower) };
        low += if l.is_nan() { f64::NEG_INFINITY } else { l };
        high += if u.is_nan() { f64::INFINITY } else { u };
    }
    (low, high)
}

/// Whether the bounds `own` of the variable with `coefficient` in the row `terms = rhs` contain
/// the range the row implies for it, the other variables within `bounds(j)`.
fn implied_within(coefficient: f64, terms: &[(usize, f64)], rhs: f64, bounds: impl Fn(usize) -> (f64, f64), own: (f64, f64)) -> bool {
    let (low, high) = activity_range(terms, bounds);
    // variable = (rhs - others) / coefficient
    let (a, b) = ((rhs - high) / coefficient, (rhs - low) / coefficient);
    let (implied_low, implied_high) = if a <= b { (a, b) } else { (b, a) };
    let slack = |bound: f64| 1e-9 * (1.0 + bound.abs());
    (own.0 == f64::NEG_INFINITY || implied_low >= own.0 - slack(own.0)) && (own.1 == f64::INFINITY || implied_high <= own.1 + slack(own.1))
}

/// Marks an entry removed from a row during presolve (compacted away later).
const TOMBSTONE: usize = usize::MAX;

/// A fast hasher for presolve's `(row, variable)` keys (no untrusted keys: indices only).
#[derive(Default)]
struct EntryHasher(u64);

impl Hasher for EntryHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.write_u64(u64::from(byte));
        }
    }

    fn write_u64(&mut self, value: u64) {
        self.0 = (self.0.rotate_left(5) ^ value).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }

    fn write_usize(&mut self, value: usize) {
        self.write_u64(value as u64);
    }
}

/// Whether `CAPPLAN_ENGINE_TRACE` asks for each presolve and solve on standard error.
fn tracing() -> bool {
    std::env::var_os("CAPPLAN_ENGINE_TRACE").is_some()
}

/// The activity range of a whole row, its finite parts summed and its infinite parts counted, to
/// screen the candidates of presolve: the range of the row without one term is the whole range
/// less that term's part.
struct RowActivity {
    low: f64,
    high: f64,
    low_infinite: usize,
    high_infinite: usize,
    /// Sum of the magnitudes of the finite parts: the scale of the rounding in `low` and `high`.
    magnitude: f64,
    terms: usize,
}

impl RowActivity {
    /// The part of term `a x_j` in the low and high ends of the range (infinite when unbounded).
    fn parts(a: f64, lower: f64, upper: f64) -> (f64, f64) {
        let (l, u) = if a >= 0.0 { (a * lower, a * upper) } else { (a * upper, a * lower) };
        (if l.is_nan() { f64::NEG_INFINITY } else { l }, if u.is_nan() { f64::INFINITY } else { u })
    }

    fn of(terms: &[(usize, f64)], lower: &[f64], upper: &[f64]) -> RowActivity {
        let mut range = RowActivity { low: 0.0, high: 0.0, low_infinite: 0, high_infinite: 0, magnitude: 0.0, terms: terms.len() };
        for &(j, a) in terms {
            let (l, u) = RowActivity::parts(a, lower[j], upper[j]);
            if l.is_finite() {
                range.low += l;
                range.magnitude += l.abs();
            } else {
                range.low_infinite += 1;
            }
            if u.is_finite() {
                range.high += u;
                range.magnitude += u.abs();
            } else {
                range.high_infinite += 1;
            }
        }
        range
    }

    /// Whether the row could imply the bounds of `x_h` (coefficient `a`): a necessary condition
    /// for [`implied_within`], with a margin that covers the rounding of the sums, so that a
    /// candidate it rejects is one `implied_within` rejects too.
    fn may_imply(&self, h: usize, a: f64, rhs: f64, lower: &[f64], upper: &[f64]) -> bool {
        let (l, u) = RowActivity::parts(a, lower[h], upper[h]);
        let low = if self.low_infinite > usize::from(!l.is_finite()) {
            f64::NEG_INFINITY
        } else if l.is_finite() {
            self.low - l
        } else {
            self.low
        };
        let high = if self.high_infinite > usize::from(!u.is_finite()) {
            f64::INFINITY
        } else if u.is_finite() {
            self.high - u
        } else {
            self.high
        };
        let (own_lower, own_upper) = (lower[h], upper[h]);
        let (p, q) = ((rhs - high) / a, (rhs - low) / a);
        let (implied_low, implied_high) = if p <= q { (p, q) } else { (q, p) };
        // Rounding of the sums, in units of x_h, plus implied_within's own slack, tenfold.
        let rounding = 1e-12 * (1.0 + self.terms as f64) * (self.magnitude + rhs.abs()) / a.abs();
        let slack = |bound: f64| 1e-8 * (1.0 + bound.abs()) + rounding;
        (own_lower == f64::NEG_INFINITY || implied_low >= own_lower - slack(own_lower))
            && (own_upper == f64::INFINITY || implied_high <= own_upper + slack(own_upper))
    }
}

/// Presolves `lp`: the reduction and the reduced rows (indexed by original row, in original
/// variable indices; removed rows empty). A row marked in `kept` is never substituted away: the
/// rows relaxed away (a substitution would keep enforcing them) and those the caller means to
/// change or relax ([`Session::keeping`]), so that changing them keeps the basis.
fn presolve(lp: &LinearProgram, kept: &[bool]) -> (Reduction, Vec<Vec<(usize, f64)>>) {
    let n = lp.variables.len();
    let mut rows: Vec<Vec<(usize, f64)>> = lp.rows.iter().map(|row| row.terms.clone()).collect();
    let mut rhs: Vec<f64> = lp.rows.iter().map(|row| row.rhs).collect();
    let mut cost: Vec<f64> = lp.variables.iter().map(|variable| variable.objective).collect();
    let lower: Vec<f64> = lp.variables.iter().map(|variable| variable.lower).collect();
    let upper: Vec<f64> = lp.variables.iter().map(|variable| variable.upper).collect();
    let mut columns: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, row) in rows.iter().enumerate() {
        for &(j, _) in row {
            columns[j].push(i);
        }
    }
    let mut removed_row = vec![false; lp.rows.len()];
    let mut substituted = vec![false; n];
    let mut substitutions = Vec::new();
    // Where each entry sits in its row, so that a substitution costs the length of its own row
    // in every row it touches, not the length of those rows (a capacity row has a term per
    // customer). Entries removed are left in place as `TOMBSTONE` and compacted later, which
    // keeps the order of the others.
    let mut at: HashMap<(usize, usize), usize, BuildHasherDefault<EntryHasher>> = HashMap::default();
    for (i, row) in rows.iter().enumerate() {
        for (index, &(j, _)) in row.iter().enumerate() {
            at.insert((i, j), index);
        }
    }
    let mut tombstones = vec![0usize; rows.len()];
    // The largest magnitude a row has held: the scale below which an updated entry counts as
    // cancelled.
    let mut row_largest: Vec<f64> = rows.iter().map(|row| row.iter().fold(0.0f64, |m, &(_, v)| m.max(v.abs()))).collect();
    for q in 0..lp.rows.len() {
        if lp.rows[q].sense != Sense::Eq || rows[q].len() == tombstones[q] || kept[q] {
            continue;
        }
        if tombstones[q] > 0 {
            rows[q].retain(|&(j, _)| j != TOMBSTONE);
            tombstones[q] = 0;
            for (index, &(j, _)) in rows[q].iter().enumerate() {
                at.insert((q, j), index);
            }
        }
        let largest = rows[q].iter().fold(0.0f64, |m, &(_, a)| m.max(a.abs()));
        // The whole row's activity range once, so that each candidate is screened in O(1)
        // instead of O(row) (the total-value row has a term per curve piece).
        let whole = RowActivity::of(&rows[q], &lower, &upper);
        // The candidate with the least fill-in whose bounds the row implies.
        let mut best: Option<(usize, f64, usize)> = None;
        for &(h, a) in &rows[q] {
            if a.abs() < 0.1 * largest {
                continue;
            }
            let fill = (rows[q].len() - 1) * (columns[h].len() - 1);
            if fill > 2 * (rows[q].len() + columns[h].len()) + 8 || best.is_some_and(|(_, _, best_fill)| fill >= best_fill) {
                continue;
            }
            if !whole.may_imply(h, a, rhs[q], &lower, &upper) {
                continue;
            }
            let others: Vec<(usize, f64)> = rows[q].iter().copied().filter(|&(j, _)| j != h).collect();
            if !implied_within(a, &others, rhs[q], |j| (lower[j], upper[j]), (lower[h], upper[h])) {
                continue;
            }
            best = Some((h, a, fill));
        }
        let Some((h, a, _)) = best else { continue };
        let terms: Vec<(usize, f64)> = rows[q].iter().copied().filter(|&(j, _)| j != h).collect();
        let column: Vec<(usize, f64)> =
            columns[h].iter().filter(|&&i| i != q).map(|&i| (i, at.get(&(i, h)).map_or(0.0, |&index| rows[i][index].1))).collect();
        // Objective: c_j -= c_h a_qj / a_qh; the constant is the caller's to add back.
        if cost[h] != 0.0 {
            for &(j, v) in &terms {
                cost[j] -= cost[h] * v / a;
            }
        }
        for &(i, a_ih) in &column {
            let factor = a_ih / a;
            if let Some(index) = at.remove(&(i, h)) {
                rows[i][index] = (TOMBSTONE, 0.0);
                tombstones[i] += 1;
            }
            let cancelled_below = 1e-13 * row_largest[i].max(1.0);
            let mut largest = row_largest[i];
            for &(j, v) in &terms {
                let index = match at.get(&(i, j)) {
                    Some(&index) => {
                        rows[i][index].1 -= factor * v;
                        index
                    }
                    None => {
                        rows[i].push((j, -factor * v));
                        columns[j].push(i);
                        at.insert((i, j), rows[i].len() - 1);
                        rows[i].len() - 1
                    }
                };
                let value = rows[i][index].1;
                if value.abs() <= cancelled_below {
                    rows[i][index] = (TOMBSTONE, 0.0);
                    tombstones[i] += 1;
                    at.remove(&(i, j));
                    columns[j].retain(|&r| r != i);
                } else {
                    largest = largest.max(value.abs());
                }
            }
            row_largest[i] = largest;
            rhs[i] -= factor * rhs[q];
        }
        for &(j, _) in &terms {
            columns[j].retain(|&r| r != q);
        }
        substitutions.push(Substitution { variable: h, row: q, coefficient: a, terms, rhs: rhs[q], cost: cost[h], column });
        columns[h].clear();
        for &(j, _) in &rows[q] {
            at.remove(&(q, j));
        }
        rows[q].clear();
        tombstones[q] = 0;
        removed_row[q] = true;
        substituted[h] = true;
    }
    for row in &mut rows {
        row.retain(|&(j, _)| j != TOMBSTONE);
    }
    let kept_variables: Vec<usize> = (0..n).filter(|&j| !substituted[j]).collect();
    let mut column_of = vec![None; n];
    for (k, &j) in kept_variables.iter().enumerate() {
        column_of[j] = Some(k);
    }
    let kept_rows: Vec<usize> = (0..lp.rows.len()).filter(|&i| !removed_row[i]).collect();
    let mut row_of = vec![None; lp.rows.len()];
    for (k, &i) in kept_rows.iter().enumerate() {
        row_of[i] = Some(k);
    }
    let mut depends_on = vec![Vec::new(); n];
    for (s, substitution) in substitutions.iter().enumerate() {
        for &(j, _) in &substitution.terms {
            depends_on[j].push(s);
        }
    }
    let rhs_offset = lp.rows.iter().zip(&rhs).map(|(row, &reduced)| reduced - row.rhs).collect();
    let cost_offset = lp.variables.iter().zip(&cost).map(|(variable, &reduced)| reduced - variable.objective).collect();
    (Reduction { kept_variables, column_of, kept_rows, row_of, rhs_offset, cost_offset, substitutions, depends_on }, rows)
}

/// The bounds of the logical of a row with `sense` and right-hand side `rhs`.
fn row_range(sense: Sense, rhs: f64) -> (f64, f64) {
    match sense {
        Sense::Le => (f64::NEG_INFINITY, rhs),
        Sense::Ge => (rhs, f64::INFINITY),
        Sense::Eq => (rhs, rhs),
    }
}

/// The reduced costs of a session's basis, for many cost rangings from it
/// ([`Session::cost_ranging`]).
pub struct CostRanges {
    engine: CostRanging,
    /// The substitution of each variable presolve substituted away.
    substitution_of: Vec<Option<usize>>,
}

/// A session's basis, point and program as they stood ([`Session::save`]).
pub struct SavedSession {
    engine: SavedBasis,
    rhs: Vec<f64>,
    variables: Vec<(f64, f64, f64)>,
    cost_offset: Vec<f64>,
    substitution_costs: Vec<f64>,
    relaxed: Vec<bool>,
    status: Option<SessionStatus>,
    reloads: usize,
    /// Unique among every saved session of the process ([`Session::synced`]).
    id: u64,
}

/// Numbers for saved sessions, unique in the process.
static SAVED_SESSIONS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// A loaded program, its engine and its last basis.
pub struct Session {
    lp: LinearProgram,
    reduction: Reduction,
    engine: Engine,
    /// Rows relaxed away (their logical free).
    relaxed: Vec<bool>,
    /// Rows presolve must keep (see [`Session::keeping`]).
    kept: Vec<bool>,
    status: Option<SessionStatus>,
    /// Reloads since the first load (a change that touched a substitution).
    pub reloads: usize,
    /// The optimal basis of the plan this session solved, kept by [`Session::keep_plan_basis`]
    /// so that the sensitivity report ranges from the plan's own basis after the analyses that
    /// moved the session since (policy and promise prices).
    plan_basis: Option<SavedSession>,
    /// The saved session whose right-hand sides, bounds, costs and relaxed rows this one's
    /// equal but at the rows and variables listed in `changed_rows` and `changed_variables` (and
    /// the substituted costs, unless `costs_spread`): set by [`Session::save`] and
    /// [`Session::restore`], so that a ranging walk restored again and again to the plan's
    /// basis copies back what it moved instead of the whole program.
    synced: Option<u64>,
    changed_rows: Vec<usize>,
    changed_variables: Vec<usize>,
    /// [`Session::set_objective_warm`] spread a cost over presolve's offsets since.
    costs_spread: bool,
}

#[cfg(test)]
thread_local! {
    /// The size (rows, variables) of every program loaded on this thread, for the tests that
    /// check an analysis reuses a session instead of loading its own.
    pub(crate) static LOADED: std::cell::RefCell<Vec<(usize, usize)>> = const { std::cell::RefCell::new(Vec::new()) };
}

impl Session {
    /// Loads `lp` into a new engine (presolved; see the module documentation).
    pub fn new(lp: &LinearProgram) -> Session {
        Session::keeping(lp, &[])
    }

    /// As [`Session::new`], with the rows `rows` kept by presolve: rows whose right-hand side
    /// the caller will change or that it will relax (a force row, a conflict candidate). A
    /// change to a row presolve substituted away reloads the program and loses the basis; a
    /// kept row's change is one bound of its logical, and the re-solve is warm.
    pub fn keeping(lp: &LinearProgram, rows: &[usize]) -> Session {
        let relaxed = vec![false; lp.rows.len()];
        let mut kept = vec![false; lp.rows.len()];
        rows.iter().for_each(|&i| kept[i] = true);
        let (reduction, engine) = Session::load(lp, &relaxed, &kept);
        Session {
            lp: lp.clone(),
            reduction,
            engine,
            relaxed,
            kept,
            status: None,
            reloads: 0,
            plan_basis: None,
            synced: None,
            changed_rows: Vec::new(),
            changed_variables: Vec::new(),
            costs_spread: false,
        }
    }

    fn load(lp: &LinearProgram, relaxed: &[bool], kept: &[bool]) -> (Reduction, Engine) {
        #[cfg(test)]
        LOADED.with(|loaded| loaded.borrow_mut().push((lp.rows.len(), lp.variables.len())));
        let protected: Vec<bool> = relaxed.iter().zip(kept).map(|(&relaxed, &kept)| relaxed || kept).collect();
        let started = Instant::now();
        let (reduction, rows) = presolve(lp, &protected);
        if tracing() {
            eprintln!("engine: presolve {} x {} in {:.3} s", lp.rows.len(), lp.variables.len(), started.elapsed().as_secs_f64());
        }
        let mut columns = vec![Vec::new(); reduction.kept_variables.len()];
        for (k, &i) in reduction.kept_rows.iter().enumerate() {
            for &(j, a) in &rows[i] {
                if let Some(column) = reduction.column_of[j] {
                    columns[column].push((k, a));
                }
            }
        }
        let mut lower: Vec<f64> = reduction.kept_variables.iter().map(|&j| lp.variables[j].lower).collect();
        let mut upper: Vec<f64> = reduction.kept_variables.iter().map(|&j| lp.variables[j].upper).collect();
        for &i in &reduction.kept_rows {
            let (low, high) = if relaxed[i] {
                (f64::NEG_INFINITY, f64::INFINITY)
            } else {
                row_range(lp.rows[i].sense, lp.rows[i].rhs + reduction.rhs_offset[i])
            };
            lower.push(low);
            upper.push(high);
        }
        let cost = reduction.kept_variables.iter().map(|&j| -(lp.variables[j].objective + reduction.cost_offset[j])).collect();
        let problem = Problem { columns, rows: reduction.kept_rows.len(), cost, lower, upper };
        (reduction, Engine::new(problem))
    }

    fn reload(&mut self) {
        let (reduction, engine) = Session::load(&self.lp, &self.relaxed, &self.kept);
        self.reduction = reduction;
        self.engine = engine;
        self.status = None;
        self.reloads += 1;
        self.synced = None;
    }

    /// The program as it stands after the changes made.
    pub fn program(&self) -> &LinearProgram {
        &self.lp
    }

    /// Solves from the last basis, giving up at `deadline`.
    pub fn solve(&mut self, deadline: Option<Instant>) -> Result<SessionStatus, EngineFailure> {
        let started = Instant::now();
        let engine_status = self.engine.solve(deadline);
        if tracing() {
            let (rows, columns, kernel) = self.engine_size();
            eprintln!(
                "engine: solve {rows} x {columns}, kernel {kernel} (dense nucleus {}), {} pivots in {:.3} s: {engine_status:?}",
                self.engine.size_of_nucleus(),
                self.engine.iterations,
                started.elapsed().as_secs_f64()
            );
        }
        let status = match engine_status {
            EngineStatus::Optimal => SessionStatus::Optimal,
            EngineStatus::Infeasible => SessionStatus::Infeasible,
            EngineStatus::Unbounded => SessionStatus::Unbounded,
            EngineStatus::TimeLimit => SessionStatus::TimeLimit,
            EngineStatus::IterationLimit => {
                return Err(EngineFailure(format!(
                    "the engine made {} pivots without reaching an optimum (numerical trouble)",
                    self.engine.iterations
                )));
            }
        };
        self.status = Some(status);
        Ok(status)
    }

    /// Whether the basis of the last optimal solve passes the engine's full check of optimality
    /// (`Engine::confirm_optimal`): a warm solve that the dual simplex finished from a basis
    /// known to be dual feasible skips that pass, and a result that decides an answer asks for
    /// it.
    pub fn confirm_optimal(&mut self) -> bool {
        self.status == Some(SessionStatus::Optimal) && self.engine.confirm_optimal()
    }

    /// Pivots of the last solve.
    pub fn iterations(&self) -> usize {
        self.engine.iterations
    }

    /// Rows and columns the engine works on after presolve, and the size of the basis kernel.
    pub fn engine_size(&self) -> (usize, usize, usize) {
        (self.engine.problem().rows, self.engine.problem().columns.len(), self.engine.size_of_kernel())
    }

    /// The values of the program's variables at the engine's point.
    pub fn values(&self) -> Vec<f64> {
        let mut values = vec![0.0; self.lp.variables.len()];
        for (k, &j) in self.reduction.kept_variables.iter().enumerate() {
            values[j] = self.engine.values()[k];
        }
        for substitution in self.reduction.substitutions.iter().rev() {
            let others: f64 = substitution.terms.iter().map(|&(j, a)| a * values[j]).sum();
            values[substitution.variable] = (substitution.rhs - others) / substitution.coefficient;
        }
        values
    }

    /// Row duals with capplan's sign: change of the optimal (maximised) objective per +1 of each
    /// row's right-hand side as written. A relaxed row has dual 0.
    pub fn row_duals(&mut self) -> Vec<f64> {
        let engine_duals = self.engine.row_duals();
        let mut duals = vec![0.0; self.lp.rows.len()];
        for (k, &i) in self.reduction.kept_rows.iter().enumerate() {
            // The engine minimises the negated objective.
            duals[i] = -engine_duals[k];
        }
        for substitution in self.reduction.substitutions.iter().rev() {
            let priced: f64 = substitution.column.iter().map(|&(i, a)| a * duals[i]).sum();
            duals[substitution.row] = (substitution.cost - priced) / substitution.coefficient;
        }
        duals
    }

    /// The row duals of `rows` (as [`Session::row_duals`] gives them), for rows presolve kept;
    /// `None` if one was substituted away. A ranging walk reads the price of one limit after
    /// each warm solve: this spares it the postsolve of every substituted row.
    pub fn kept_row_duals(&mut self, rows: &[usize]) -> Option<Vec<f64>> {
        let kept: Option<Vec<usize>> = rows.iter().map(|&i| self.reduction.row_of[i]).collect();
        let kept = kept?;
        let engine_duals = self.engine.row_duals();
        // The engine minimises the negated objective.
        Some(kept.into_iter().map(|k| -engine_duals[k]).collect())
    }

    /// Whether [`Session::rhs_range`] ranges `rows` (an optimal solve, every row kept by
    /// presolve), without ranging them.
    pub fn can_range_rhs(&self, rows: &[(usize, f64)]) -> bool {
        self.status == Some(SessionStatus::Optimal) && rows.iter().all(|&(i, _)| self.reduction.row_of[i].is_some())
    }

    /// Whether row `i`'s limit is in the basis (its logical basic: the row is not tight), or
    /// `None` for a row substituted away by presolve.
    pub fn row_is_basic(&self, i: usize) -> Option<bool> {
        let k = self.reduction.row_of[i]?;
        Some(self.engine.is_basic(self.engine.problem().columns.len() + k))
    }

    /// Whether variable `j` is basic, or `None` for a variable substituted away.
    pub fn variable_is_basic(&self, j: usize) -> Option<bool> {
        let k = self.reduction.column_of[j]?;
        Some(self.engine.is_basic(k))
    }

    /// Right-hand-side ranging from the optimal basis: the right-hand side of each listed row
    /// `i` moves by `coefficient * delta` (one row, or a limit spread over several rows, such as
    /// a capacity and the shares of it). Returns `(increase, decrease)`: how far `delta` can go
    /// each way with the basis still optimal, so that the row duals, and the slope of the
    /// optimal objective in `delta`, stay as they are (`f64::INFINITY`: for ever). `None` after
    /// anything but an optimal solve, or for a row presolve substituted away.
    pub fn rhs_range(&mut self, rows: &[(usize, f64)]) -> Option<(f64, f64)> {
        if self.status != Some(SessionStatus::Optimal) {
            return None;
        }
        let logicals = self.engine.problem().columns.len();
        let mut shifts = Vec::with_capacity(rows.len());
        for &(i, coefficient) in rows {
            // A row's right-hand side is a bound of its logical; presolve's offset is constant.
            shifts.push((logicals + self.reduction.row_of[i]?, coefficient));
        }
        Some(self.engine.bound_shift_range(&shifts))
    }

    /// Cost ranging from the optimal basis: how far variable `j`'s objective coefficient can
    /// rise and fall, `(increase, decrease)`, with the basis and its point still optimal
    /// (`f64::INFINITY`: for ever). A substituted variable's cost lives on the variables of its
    /// row, as presolve spread it. `None` after anything but an optimal solve.
    pub fn cost_range(&mut self, j: usize) -> Option<(f64, f64)> {
        if self.status != Some(SessionStatus::Optimal) {
            return None;
        }
        // The change of the reduced objective per unit of c_j, replaying presolve's updates.
        let mut direction = vec![0.0; self.lp.variables.len()];
        direction[j] = 1.0;
        for substitution in &self.reduction.substitutions {
            let moved = direction[substitution.variable];
            if moved != 0.0 {
                for &(k, a) in &substitution.terms {
                    direction[k] -= moved * a / substitution.coefficient;
                }
            }
        }
        // The engine minimises the negated objective.
        let shifts: Vec<(usize, f64)> = self
            .reduction
            .kept_variables
            .iter()
            .enumerate()
            .filter(|&(_, &original)| direction[original] != 0.0)
            .map(|(k, &original)| (k, -direction[original]))
            .collect();
        Some(self.engine.cost_shift_range(&shifts))
    }

    /// The reduced costs of the current (optimal) basis, for [`Session::cost_range_from`];
    /// `None` after anything but an optimal solve.
    pub fn cost_ranging(&mut self) -> Option<CostRanges> {
        if self.status != Some(SessionStatus::Optimal) {
            return None;
        }
        let mut substitution_of = vec![None; self.lp.variables.len()];
        for (index, substitution) in self.reduction.substitutions.iter().enumerate() {
            substitution_of[substitution.variable] = Some(index);
        }
        Some(CostRanges { engine: self.engine.cost_ranging(), substitution_of })
    }

    /// [`Session::cost_range`] from the basis `ranges` was made at, which the caller has kept
    /// (or restored): the same ranges, each at the cost of the substitutions and pivot rows it
    /// moves rather than of the whole program.
    pub fn cost_range_from(&mut self, ranges: &mut CostRanges, j: usize) -> Option<(f64, f64)> {
        if self.status != Some(SessionStatus::Optimal) {
            return None;
        }
        // Presolve's updates replayed as in `cost_range`, in the same order, but only those of
        // the substitutions the shift reaches: a variable's cost moves the variables of its
        // row, each substituted (if at all) later than it.
        let mut direction: Vec<(usize, f64)> = vec![(j, 1.0)];
        let mut pending: Vec<usize> = ranges.substitution_of[j].into_iter().collect();
        while let Some(index) = pending.iter().copied().min() {
            pending.retain(|&other| other != index);
            let substitution = &self.reduction.substitutions[index];
            let moved = direction.iter().find(|&&(k, _)| k == substitution.variable).map_or(0.0, |&(_, d)| d);
            if moved == 0.0 {
                continue;
            }
            for &(k, a) in &substitution.terms {
                match direction.iter_mut().find(|(v, _)| *v == k) {
                    Some((_, d)) => *d -= moved * a / substitution.coefficient,
                    None => direction.push((k, 0.0 - moved * a / substitution.coefficient)),
                }
                if let Some(later) = ranges.substitution_of[k]
                    && !pending.contains(&later)
                {
                    pending.push(later);
                }
            }
        }
        // The engine minimises the negated objective.
        let mut shifts: Vec<(usize, f64)> = direction
            .into_iter()
            .filter(|&(_, d)| d != 0.0)
            .filter_map(|(original, d)| self.reduction.column_of[original].map(|k| (k, -d)))
            .collect();
        shifts.sort_unstable_by_key(|&(k, _)| k);
        Some(self.engine.cost_shift_range_from(&mut ranges.engine, &shifts))
    }

    /// The optimal objective of the program at the engine's point.
    pub fn objective(&self) -> f64 {
        self.lp.objective_value(&self.values())
    }

    fn set_row_range(&mut self, i: usize) {
        let Some(k) = self.reduction.row_of[i] else {
            self.reload();
            return;
        };
        let row = &self.lp.rows[i];
        let (low, high) =
            if self.relaxed[i] { (f64::NEG_INFINITY, f64::INFINITY) } else { row_range(row.sense, row.rhs + self.reduction.rhs_offset[i]) };
        let logical = self.engine.problem().columns.len() + k;
        self.engine.set_bounds(logical, low, high);
    }

    /// Sets row `i`'s right-hand side.
    pub fn set_rhs(&mut self, i: usize, rhs: f64) {
        self.lp.rows[i].rhs = rhs;
        self.changed_rows.push(i);
        self.set_row_range(i);
    }

    /// Drops row `i` from the program (`relaxed = true`) or puts it back.
    pub fn relax_row(&mut self, i: usize, relaxed: bool) {
        self.relaxed[i] = relaxed;
        self.changed_rows.push(i);
        if self.reduction.row_of[i].is_none() {
            self.reload();
        } else {
            self.set_row_range(i);
        }
    }

    /// Sets variable `j`'s objective coefficient.
    pub fn set_objective(&mut self, j: usize, objective: f64) {
        self.lp.variables[j].objective = objective;
        self.changed_variables.push(j);
        match self.reduction.column_of[j] {
            Some(k) => self.engine.set_cost(k, -(objective + self.reduction.cost_offset[j])),
            None => self.reload(),
        }
    }

    /// As [`Session::set_objective`], keeping the basis also for a variable presolve substituted
    /// away: its cost is spread over the variables of its row as presolve spread it, which is
    /// what a reload would do (presolve's choices do not depend on costs), without the reload.
    /// Ranging an allocation's value per hour moves the cost of its hours, a substituted
    /// variable on capplan's models, many times over.
    pub fn set_objective_warm(&mut self, j: usize, objective: f64) {
        if self.reduction.column_of[j].is_some() {
            self.set_objective(j, objective);
            return;
        }
        let delta = objective - self.lp.variables[j].objective;
        self.lp.variables[j].objective = objective;
        self.changed_variables.push(j);
        self.costs_spread = true;
        if delta == 0.0 {
            return;
        }
        // The derivative of each reduced cost in c_j, replaying presolve's updates in order;
        // each substitution keeps the cost its variable had when it was substituted.
        let mut direction = vec![0.0; self.lp.variables.len()];
        direction[j] = 1.0;
        for substitution in &mut self.reduction.substitutions {
            let moved = direction[substitution.variable];
            if moved != 0.0 {
                substitution.cost += delta * moved;
                for &(k, a) in &substitution.terms {
                    direction[k] -= moved * a / substitution.coefficient;
                }
            }
        }
        for (column, &original) in self.reduction.kept_variables.iter().enumerate() {
            if direction[original] != 0.0 {
                self.reduction.cost_offset[original] += delta * direction[original];
                let cost = -(self.lp.variables[original].objective + self.reduction.cost_offset[original]);
                self.engine.set_cost(column, cost);
            }
        }
    }

    /// The basis, point and program as they stand, to come back to with [`Session::restore`].
    pub fn save(&mut self) -> SavedSession {
        let id = SAVED_SESSIONS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.synced = Some(id);
        self.changed_rows.clear();
        self.changed_variables.clear();
        self.costs_spread = false;
        SavedSession {
            id,
            engine: self.engine.save(),
            rhs: self.lp.rows.iter().map(|row| row.rhs).collect(),
            variables: self.lp.variables.iter().map(|v| (v.lower, v.upper, v.objective)).collect(),
            cost_offset: self.reduction.cost_offset.clone(),
            substitution_costs: self.reduction.substitutions.iter().map(|s| s.cost).collect(),
            relaxed: self.relaxed.clone(),
            status: self.status,
            reloads: self.reloads,
        }
    }

    /// Back to a state saved by [`Session::save`], basis and all; `false` (and nothing changed)
    /// when a change reloaded the program since, which lost that basis.
    pub fn restore(&mut self, saved: &SavedSession) -> bool {
        if saved.reloads != self.reloads {
            return false;
        }
        if self.synced == Some(saved.id) {
            for &i in &self.changed_rows {
                self.lp.rows[i].rhs = saved.rhs[i];
                self.relaxed[i] = saved.relaxed[i];
            }
            for &j in &self.changed_variables {
                let variable = &mut self.lp.variables[j];
                (variable.lower, variable.upper, variable.objective) = saved.variables[j];
            }
        } else {
            for (row, &rhs) in self.lp.rows.iter_mut().zip(&saved.rhs) {
                row.rhs = rhs;
            }
            for (variable, &(lower, upper, objective)) in self.lp.variables.iter_mut().zip(&saved.variables) {
                (variable.lower, variable.upper, variable.objective) = (lower, upper, objective);
            }
            self.relaxed.clone_from(&saved.relaxed);
        }
        if self.synced != Some(saved.id) || self.costs_spread {
            self.reduction.cost_offset.clone_from(&saved.cost_offset);
            for (substitution, &cost) in self.reduction.substitutions.iter_mut().zip(&saved.substitution_costs) {
                substitution.cost = cost;
            }
        }
        self.synced = Some(saved.id);
        self.changed_rows.clear();
        self.changed_variables.clear();
        self.costs_spread = false;
        self.engine.restore(&saved.engine);
        self.status = saved.status;
        true
    }

    /// Keeps the basis, point and program as they stand as the plan's ([`Session::save`]), for
    /// [`Session::restore_plan_basis`].
    pub fn keep_plan_basis(&mut self) {
        self.plan_basis = Some(self.save());
    }

    /// Drops the plan's basis kept by [`Session::keep_plan_basis`] (a new plan is being solved).
    pub fn forget_plan_basis(&mut self) {
        self.plan_basis = None;
    }

    /// Whether the program as it stands is `lp` (same shape, right-hand sides, bounds and
    /// costs) with no row relaxed away.
    pub fn stands_at(&self, lp: &LinearProgram) -> bool {
        self.same_shape(lp)
            && !self.has_relaxed_rows()
            && self.lp.rows.iter().zip(&lp.rows).all(|(a, b)| a.rhs == b.rhs)
            && self
                .lp
                .variables
                .iter()
                .zip(&lp.variables)
                .all(|(a, b)| a.lower == b.lower && a.upper == b.upper && a.objective == b.objective)
    }

    /// Back to the state [`Session::keep_plan_basis`] kept; `false` (and nothing changed) when
    /// none was kept or a reload since lost that basis.
    pub fn restore_plan_basis(&mut self) -> bool {
        let Some(saved) = self.plan_basis.take() else {
            return false;
        };
        let restored = self.restore(&saved);
        self.plan_basis = Some(saved);
        restored
    }

    /// Sets variable `j`'s bounds.
    pub fn set_bounds(&mut self, j: usize, lower: f64, upper: f64) {
        self.lp.variables[j].lower = lower;
        self.lp.variables[j].upper = upper;
        self.changed_variables.push(j);
        let variables = &self.lp.variables;
        let bounds = |k: usize| (variables[k].lower, variables[k].upper);
        let still_implied = |substitution: &Substitution| {
            implied_within(substitution.coefficient, &substitution.terms, substitution.rhs, bounds, bounds(substitution.variable))
        };
        let broken = match self.reduction.column_of[j] {
            None => {
                let s = self.reduction.substitutions.iter().position(|s| s.variable == j).expect("substituted");
                !still_implied(&self.reduction.substitutions[s])
            }
            Some(_) => self.reduction.depends_on[j].iter().any(|&s| !still_implied(&self.reduction.substitutions[s])),
        };
        if broken {
            self.reload();
        } else if let Some(k) = self.reduction.column_of[j] {
            self.engine.set_bounds(k, lower, upper);
        }
    }

    /// Brings the session to `lp`, a program with the same rows and variables in the same order
    /// that differs only in bounds, objective coefficients and right-hand sides: each difference
    /// becomes one change, so the basis is kept for what did not move.
    pub fn update_to(&mut self, lp: &LinearProgram) {
        debug_assert_eq!(lp.rows.len(), self.lp.rows.len());
        debug_assert_eq!(lp.variables.len(), self.lp.variables.len());
        for (j, variable) in lp.variables.iter().enumerate() {
            let current = &self.lp.variables[j];
            if current.lower != variable.lower || current.upper != variable.upper {
                self.set_bounds(j, variable.lower, variable.upper);
            }
            if self.lp.variables[j].objective != variable.objective {
                self.set_objective(j, variable.objective);
            }
        }
        for (i, row) in lp.rows.iter().enumerate() {
            if self.lp.rows[i].rhs != row.rhs {
                self.set_rhs(i, row.rhs);
            }
        }
    }

    /// Brings the variables' bounds to those of `lp`, a program with the same variables in the
    /// same order (rows and costs are left as they stand): the branches of curve order differ
    /// from their root in piece bounds only, whatever rows the caller changed or relaxed.
    pub fn update_bounds_to(&mut self, lp: &LinearProgram) {
        debug_assert_eq!(lp.variables.len(), self.lp.variables.len());
        for (j, variable) in lp.variables.iter().enumerate() {
            let current = &self.lp.variables[j];
            if current.lower != variable.lower || current.upper != variable.upper {
                self.set_bounds(j, variable.lower, variable.upper);
            }
        }
    }

    /// The largest violation of the rows in force (not relaxed away) and the bounds at `values`
    /// ([`LinearProgram::max_violation`]).
    pub fn max_violation(&self, values: &[f64]) -> f64 {
        self.lp.max_violation_over(values, |i| !self.relaxed[i])
    }

    /// Whether `lp` has this session's rows and variables in the same order, with the same terms
    /// and senses: then [`Session::update_to`] brings the session to it warm (a scenario that
    /// changes capacities, floors or values, not the portfolio's shape).
    pub fn same_shape(&self, lp: &LinearProgram) -> bool {
        lp.variables.len() == self.lp.variables.len()
            && lp.rows.len() == self.lp.rows.len()
            && lp.rows.iter().zip(&self.lp.rows).all(|(a, b)| a.sense == b.sense && a.terms == b.terms)
    }

    /// The program as it stands, without the rows relaxed away: what the engine's point must
    /// satisfy.
    pub fn active_program(&self) -> LinearProgram {
        let mut lp = self.lp.clone();
        lp.rows = self.lp.rows.iter().zip(&self.relaxed).filter(|(_, relaxed)| !**relaxed).map(|(row, _)| row.clone()).collect();
        lp
    }

    /// Whether some row is relaxed away.
    pub fn has_relaxed_rows(&self) -> bool {
        self.relaxed.iter().any(|&relaxed| relaxed)
    }

    /// Status of the last solve, if any since the last change that reloaded the program.
    pub fn status(&self) -> Option<SessionStatus> {
        self.status
    }
}

#[cfg(test)]
mod tests;
