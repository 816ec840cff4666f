//! Ranging: how far each limit can move before its shadow price changes, the value of one unit
//! more and one unit less where the two differ, and how far each allocation's value per hour can
//! move before the plan changes.
//!
//! A plan from capplan's engine is ranged from its optimal basis (`BasisRanges`): a limit's
//! allowable increase and decrease are the ratio test of `B^-1 e_row` against the basic
//! variables' bounds (the dual, so the price, is constant while the basis stays feasible), and
//! an allocation's the ratio test of the reduced costs. Where the basis is degenerate (a basic
//! variable at a bound: the test gives 0 on a side although the price may hold on there), that
//! side is walked from basis to basis, warm on the same engine session: a basis optimal a small
//! step beyond the plan, and optimal at the plan too, has the side's exact one-sided value, and
//! the side goes on through each next basis with the same value. What a walk cannot settle, and
//! every side of a plan from another backend, comes from extra solves of the LP capplan built.
//! The optimal objective is concave and piecewise linear in a limit, and convex and piecewise
//! linear in an objective coefficient; a parametric search finds its pieces exactly from
//! re-solves. Each side of a limit costs: one LP for how far the limit can go before the plan is
//! infeasible, one or two LPs for the curve's slope far away when it can go on for ever, and a
//! few re-solves (each a primal and a dual solve) to locate the first breakpoint. That is why
//! `solve` computes none of this unless `--sensitivity` asks for it. Every solve stops at the
//! deadline of `--time-limit`.

use serde::Serialize;

use super::duals::{compute_duals, dual_program};
use super::parametric::{Accuracy, End, Probe, Segment, explore};
use super::{Plan, Status};
use crate::formulation::{ConstraintKind, Formulation, LinearProgram, Sense};
use crate::model::{Instance, ShareBase};
use crate::solve::session::{CostRanges, SavedSession};
use crate::solve::session::{Session, SessionStatus};
use crate::solve::{Backend, LpOutcome, SolveError, solve_lp_until};

use std::time::Instant;

/// The sensitivity report: every named constraint and every allocation, and the Limits report.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Sensitivity {
    /// One entry per named constraint, in the order of `result.constraints`.
    pub constraints: Vec<ConstraintRange>,
    /// One entry per customer and resource, in the order of `result.allocations`.
    pub allocations: Vec<AllocationRange>,
    /// Excel Solver's Limits report: each allocation's fewest and most hours with the rest of
    /// the plan held, and the objective at each ([`super::limits`]).
    pub limits: Vec<super::limits::AllocationLimits>,
}

/// What one more unit of a limit, or one unit less, is worth, and for how many units that holds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, schemars::JsonSchema)]
pub struct OneSided {
    /// Change of the optimal objective per unit the limit moves on this side (currency per hour,
    /// or per percentage point for shares), with the shadow price's sign convention, so the two
    /// sides compare directly. `None`: no plan is feasible on this side.
    pub value: Option<f64>,
    /// How far the limit can move on this side with `value` unchanged, in the unit of the limit.
    /// `None`: for ever.
    pub over: Option<f64>,
}

/// How far one limit can move with its shadow price unchanged, and what one unit more or less of it
/// is worth.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ConstraintRange {
    /// Stable id, as in `result.constraints[].id`.
    pub id: String,
    /// The kind of limit, as in `result.constraints[].family`.
    pub family: super::document::Family,
    /// What the limit is about, as in [`super::ConstraintResult::about`].
    #[serde(skip)]
    pub about: super::document::LimitKind,
    /// The direction of the limit.
    pub sense: Sense,
    /// `hour` or `percentage point`: the unit of the prices below.
    pub unit: super::document::Unit,
    /// The plan's value of the limited quantity (Excel's "final value").
    pub actual: f64,
    /// The limit as written (Excel's "constraint R.H. side"): hours, or a share in [0, 1].
    pub limit: f64,
    /// The shadow price the plan reports.
    pub shadow_price: f64,
    /// How far the limit can rise with `shadow_price` still exact (unit of `limit`); `None`:
    /// unlimited. 0 when the shadow price only holds for a decrease.
    pub allowable_increase: Option<f64>,
    /// As `allowable_increase`, downwards.
    pub allowable_decrease: Option<f64>,
    /// One unit more of the limit.
    pub next_unit: OneSided,
    /// One unit less of the limit.
    pub last_unit: OneSided,
    /// The two one-sided values differ: the plan sits on a kink of the value curve.
    pub kink: bool,
    /// `false` when ranging does not apply; `note` says why.
    pub ranged: bool,
    /// Why the limit is not ranged; `None` when `ranged`. JSON writes it in words (`note`,
    /// worded by the report layer).
    #[serde(serialize_with = "crate::report::words::serialize_unranged")]
    #[schemars(with = "Option<String>")]
    pub note: Option<Unranged>,
}

/// How far one allocation's value per hour can move with the plan still optimal.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct AllocationRange {
    /// The customer id.
    pub customer: String,
    /// The resource id.
    pub resource: String,
    /// Planned hours (Excel's "final value").
    pub hours: f64,
    /// As in the plan's allocations.
    pub reduced_cost: f64,
    /// Value of the next hour on the response curve (Excel's "objective coefficient").
    pub marginal_value: f64,
    /// How much the value per hour (the whole response curve shifted up) can rise with the plan
    /// still optimal (currency per hour); `None`: unlimited.
    pub allowable_increase: Option<f64>,
    /// As `allowable_increase`, downwards.
    pub allowable_decrease: Option<f64>,
}

use super::document::Unranged;

/// The backend for the far-out line of a limit that can tighten for ever. That LP (one dual
/// variable in the objective, everything else free to move) is so degenerate that the simplex
/// method of microlp has been seen never to return on it. capplan's engine leaves stalls by
/// Bland's rule and returns a vertex; clarabel, used here before, could report such an LP
/// unbounded where it has an optimum, which failed the whole sensitivity report.
const FAR_BACKEND: Backend = Backend::Engine;

/// A limit as a parameter `t` of the LP, in the planner's unit (hours, or a share): each row
/// listed has the right-hand side `coefficient * t`. A named constraint is one row; a resource's
/// capacity is its capacity row and every hours-share row of that resource (a 5 % reserve of
/// sales hours grows with the sales capacity).
#[derive(Debug, Clone)]
pub(crate) struct LimitParameter {
    pub rows: Vec<(usize, f64)>,
    /// The value of `t` in the instance as written.
    pub current: f64,
}

impl LimitParameter {
    /// The limit of one named constraint, or why it cannot be moved on its own.
    pub(crate) fn of(instance: &Instance, formulation: &Formulation, row: usize) -> Result<Self, Unranged> {
        let rhs = formulation.lp.rows[row].rhs;
        let resource_share = |base: ShareBase| match base {
            ShareBase::Resource(r) if instance.resources[r].expansion.is_empty() && instance.resources[r].capacity_hours > 0.0 => {
                let capacity = instance.resources[r].capacity_hours;
                Ok(LimitParameter { rows: vec![(row, capacity)], current: rhs / capacity })
            }
            _ => Err(Unranged::ShareScalesPlannedQuantities),
        };
        match formulation.kinds[row] {
            ConstraintKind::CustomerShare { base, .. }
            | ConstraintKind::SegmentMinShare { base, .. }
            | ConstraintKind::SegmentMaxShare { base, .. } => resource_share(base),
            _ => Ok(LimitParameter { rows: vec![(row, 1.0)], current: rhs }),
        }
    }

    /// The capacity of resource `r`, everywhere it appears: its capacity row, and the share rows
    /// of its hours, whose right-hand side is `share * capacity`.
    pub(crate) fn capacity(instance: &Instance, formulation: &Formulation, r: usize) -> Self {
        let mut rows = Vec::new();
        for (row, kind) in formulation.kinds.iter().enumerate() {
            let share = |shares: &[(ShareBase, f64)], base: ShareBase| shares.iter().find(|(b, _)| *b == base).map(|(_, share)| *share);
            let coefficient = match *kind {
                ConstraintKind::Capacity { resource } if resource == r => Some(1.0),
                ConstraintKind::CustomerShare { customer, base: ShareBase::Resource(resource) } if resource == r => {
                    share(&instance.customers[customer].max_share, ShareBase::Resource(r))
                }
                ConstraintKind::SegmentMinShare { segment, base: ShareBase::Resource(resource) } if resource == r => {
                    share(&instance.segments[segment].min_share, ShareBase::Resource(r))
                }
                ConstraintKind::SegmentMaxShare { segment, base: ShareBase::Resource(resource) } if resource == r => {
                    share(&instance.segments[segment].max_share, ShareBase::Resource(r))
                }
                _ => None,
            };
            if let Some(coefficient) = coefficient {
                rows.push((row, coefficient));
            }
        }
        LimitParameter { rows, current: instance.resources[r].capacity_hours }
    }

    fn name<'a>(&self, lp: &'a LinearProgram) -> &'a str {
        self.rows.first().map_or("the limit", |&(row, _)| lp.rows[row].name.as_str())
    }

    /// The slope of the objective in `t` given row duals.
    pub(crate) fn slope(&self, row_duals: &[f64]) -> f64 {
        self.rows.iter().map(|&(row, coefficient)| coefficient * row_duals[row]).sum()
    }

    /// Sets the right-hand sides for `t`.
    pub(crate) fn apply(&self, lp: &mut LinearProgram, t: f64) {
        for &(row, coefficient) in &self.rows {
            lp.rows[row].rhs = coefficient * t;
        }
    }
}

/// The optimal objective as a function of one limit, evaluated by re-solving a copy of the LP.
pub(crate) struct LimitCurve {
    lp: LinearProgram,
    parameter: LimitParameter,
    backend: Backend,
    pub accuracy: Accuracy,
    /// capplan's engine probes warm on one session: each probe moves the limit's right-hand
    /// sides (rows kept through presolve) and re-solves from the last basis, with the row duals
    /// read from it. Loaded at the first probe.
    session: Option<Session>,
    /// Every solve gives up here, with [`timed_out`].
    deadline: Option<Instant>,
}

impl LimitCurve {
    pub(crate) fn new(lp: &LinearProgram, parameter: LimitParameter, backend: Backend) -> Self {
        LimitCurve { lp: lp.clone(), parameter, backend, accuracy: Accuracy::of(backend), session: None, deadline: None }
    }

    /// The same curve with every solve bounded by `deadline`.
    pub(crate) fn until(self, deadline: Option<Instant>) -> Self {
        LimitCurve { deadline, ..self }
    }

    /// The optimum at the current right-hand sides, and its row duals.
    fn solve_here(&mut self) -> Result<(LpOutcome, Option<Vec<f64>>), SolveError> {
        if self.backend != Backend::Engine {
            let outcome = solve_lp_until(&self.lp, self.backend, self.deadline)?;
            let row_duals = match &outcome {
                LpOutcome::Optimal { objective, .. } => Some(compute_duals(&self.lp, self.backend, *objective)?.row_duals),
                _ => None,
            };
            return Ok((outcome, row_duals));
        }
        let session = match self.session.as_mut() {
            Some(session) => {
                for &(row, _) in &self.parameter.rows {
                    session.set_rhs(row, self.lp.rows[row].rhs);
                }
                session
            }
            None => {
                let rows: Vec<usize> = self.parameter.rows.iter().map(|&(row, _)| row).collect();
                self.session.insert(Session::keeping(&self.lp, &rows))
            }
        };
        let (outcome, row_prices) = crate::solve::session_outcome(session, self.deadline)?;
        Ok(match (outcome, row_prices) {
            (LpOutcome::Optimal { values, objective }, Some(row_prices)) => {
                // The same checks as every plan's duals: dual feasibility and strong duality.
                let duals = super::duals::duals_from_row_prices(&self.lp, row_prices, Backend::Engine, objective)?;
                (LpOutcome::Optimal { values, objective }, Some(duals.row_duals))
            }
            (outcome, _) => (outcome, None),
        })
    }

    /// The value and slope (per unit of the limit) at `t`, which must be feasible.
    pub(crate) fn probe(&mut self, t: f64) -> Result<Probe, SolveError> {
        self.parameter.apply(&mut self.lp, t);
        match self.solve_here()? {
            (LpOutcome::Optimal { objective, .. }, Some(row_duals)) => {
                Ok(Probe { at: t, value: objective, slope: self.parameter.slope(&row_duals) })
            }
            (LpOutcome::Optimal { .. }, None) => Err(SolveError("an optimal re-solve came back without row duals".to_string())),
            (LpOutcome::TimeLimit, _) => Err(timed_out()),
            (LpOutcome::Infeasible, _) => Err(SolveError(format!(
                "a re-solve at {t} inside the feasible range of {} came back infeasible ({})",
                self.parameter.name(&self.lp),
                self.backend
            ))),
            (LpOutcome::Unbounded, _) => Err(SolveError(format!(
                "a re-solve of {} came back unbounded although the plan is bounded ({})",
                self.parameter.name(&self.lp),
                self.backend
            ))),
        }
    }

    /// The values of the limit, within `[lower, upper]`, for which a plan exists: the extremes
    /// of `t` with the LP's rows as constraints and `t` a variable. `None`: none in the interval.
    pub(crate) fn feasible_range(&self, lower: f64, upper: f64) -> Result<Option<(f64, f64)>, SolveError> {
        let mut search = self.lp.clone();
        search.objective_constant = 0.0;
        search.variables.iter_mut().for_each(|variable| variable.objective = 0.0);
        let t = search.add_variable("limit".to_string(), lower, upper, 1.0);
        for &(row, coefficient) in &self.parameter.rows {
            search.rows[row].terms.push((t, -coefficient));
            search.rows[row].rhs = 0.0;
        }
        let mut extreme = |direction: f64| -> Result<Option<f64>, SolveError> {
            search.variables[t].objective = direction;
            Ok(match solve_lp_until(&search, self.backend, self.deadline)? {
                LpOutcome::Optimal { values, .. } => Some(values[t]),
                LpOutcome::Unbounded => Some(direction * f64::INFINITY),
                LpOutcome::Infeasible => None,
                LpOutcome::TimeLimit => return Err(timed_out()),
            })
        };
        match (extreme(-1.0)?, extreme(1.0)?) {
            (Some(low), Some(high)) => Ok(Some((low, high))),
            _ => Ok(None),
        }
    }

    /// For a single-row limit that loosens in `direction` (a `<=` row rising, a `>=` row
    /// falling): the limit beyond which the row cannot bind, the extreme of its left-hand side
    /// over the other rows and the bounds. `None` when that extreme is unbounded, or for limits
    /// that tighten in `direction` or span several rows.
    fn slack_beyond(&self, direction: f64) -> Result<Option<f64>, SolveError> {
        let [(row, coefficient)] = self.parameter.rows[..] else {
            return Ok(None);
        };
        let loosens = match self.lp.rows[row].sense {
            Sense::Le => direction > 0.0,
            Sense::Ge => direction < 0.0,
            Sense::Eq => false,
        };
        if !loosens {
            return Ok(None);
        }
        let mut reach = self.lp.clone();
        let removed = reach.rows.remove(row);
        reach.objective_constant = 0.0;
        reach.variables.iter_mut().for_each(|variable| variable.objective = 0.0);
        for &(variable, weight) in &removed.terms {
            reach.variables[variable].objective = direction * weight;
        }
        Ok(match solve_lp_until(&reach, self.backend, self.deadline)? {
            LpOutcome::Optimal { values, .. } => {
                let activity: f64 = removed.terms.iter().map(|&(variable, weight)| weight * values[variable]).sum();
                Some(activity / coefficient)
            }
            LpOutcome::TimeLimit => return Err(timed_out()),
            _ => None,
        })
    }

    /// The dual program with the parameter's rows taken out of its objective: the value at `t`
    /// is `min over dual-feasible y of (t * sum coefficient_i y_i + rest(y))`.
    fn dual_without_parameter(&self) -> LinearProgram {
        let mut base = self.lp.clone();
        self.parameter.apply(&mut base, 0.0);
        dual_program(&base)
    }

    /// The slope the curve ends with as the limit goes to `direction * infinity` (solved with
    /// [`FAR_BACKEND`] whatever the plan's backend): far out, the
    /// smallest (rightwards) or largest (leftwards) `sum coefficient_i y_i` over the
    /// dual-feasible set wins. Only called where the limit can move for ever.
    fn far_slope(&self, direction: f64) -> Result<f64, SolveError> {
        let mut dual = self.dual_without_parameter();
        dual.variables.iter_mut().for_each(|variable| variable.objective = 0.0);
        for &(row, coefficient) in &self.parameter.rows {
            dual.variables[row].objective = -direction * coefficient;
        }
        match solve_lp_until(&dual, FAR_BACKEND, self.deadline)? {
            LpOutcome::Optimal { values, .. } => Ok(self.parameter.slope(&values)),
            LpOutcome::TimeLimit => Err(timed_out()),
            _ => Err(SolveError(format!("the far-out slope of {} could not be found ({})", self.parameter.name(&self.lp), self.backend))),
        }
    }

    /// The intercept of the far-out line: the smallest rest among dual-feasible points with the
    /// far-out slope.
    fn far_intercept(&self, far_slope: f64) -> Result<f64, SolveError> {
        // The slope is pinned exactly first; should that leave no dual-feasible point within the
        // solver's tolerance (a slope rounded in the last digits), it is held within 1e-6
        // instead (a band from the start would shift the intercept by the band and invent
        // breakpoints next to the plan).
        let band = 1e-6 * (1.0 + far_slope.abs());
        for width in [0.0, band] {
            let mut dual = self.dual_without_parameter();
            if width == 0.0 {
                dual.rows.push(crate::formulation::LpRow {
                    name: "far_slope".to_string(),
                    terms: self.parameter.rows.clone(),
                    sense: Sense::Eq,
                    rhs: far_slope,
                });
            } else {
                for (name, sense, rhs) in
                    [("far_slope_low", Sense::Ge, far_slope - width), ("far_slope_high", Sense::Le, far_slope + width)]
                {
                    dual.rows.push(crate::formulation::LpRow { name: name.to_string(), terms: self.parameter.rows.clone(), sense, rhs });
                }
            }
            match solve_lp_until(&dual, FAR_BACKEND, self.deadline)? {
                LpOutcome::Optimal { values, .. } => return Ok(-dual.objective_value(&values) + self.lp.objective_constant),
                LpOutcome::TimeLimit => return Err(timed_out()),
                _ => {}
            }
        }
        Err(SolveError(format!("the far-out value of {} could not be found ({})", self.parameter.name(&self.lp), self.backend)))
    }
}

/// How far one side of a curve reaches, in the side's own coordinate `u = sign * t`.
enum Far {
    /// The parameter can go up to here (a plan exists there, none beyond).
    Until(f64),
    /// The parameter can go on for ever; far out the curve follows this line.
    Line { slope: f64, intercept: f64 },
}

/// The first piece of a curve on one side of the current point, in the side's own coordinate
/// `u = sign * t` (so the left side is explored rightwards too). `None`: the current point is the
/// end of the feasible range on this side.
fn first_piece<P>(start: Probe, far: Far, accuracy: Accuracy, mut probe: P) -> Result<Option<Segment>, SolveError>
where
    P: FnMut(f64) -> Result<Probe, SolveError>,
{
    let end = match far {
        Far::Line { slope, intercept } => End::Asymptote { slope, intercept },
        Far::Until(domain_end) => {
            if domain_end <= start.at + 1e-9 * (1.0 + start.at.abs()) {
                return Ok(None);
            }
            // The end of the feasible range comes from an LP and may lie a rounding error
            // outside it, where a re-solve fails; probe a hair inside and, if the first piece
            // runs to there, extend it to the end (the curve is continuous).
            let inside = (domain_end - 1e-8 * (1.0 + domain_end.abs())).max(start.at + 0.5 * (domain_end - start.at));
            let mut segments = explore(start, End::Point(probe(inside)?), true, accuracy, &mut probe)?;
            if let Some(first) = segments.first_mut()
                && first.to >= inside
            {
                first.to = domain_end;
            }
            return Ok(segments.into_iter().next());
        }
    };
    Ok(explore(start, end, true, accuracy, &mut probe)?.into_iter().next())
}

/// Mirrors a probe into the coordinate `u = sign * t`.
fn mirrored(probe: Probe, sign: f64) -> Probe {
    Probe { at: sign * probe.at, value: probe.value, slope: sign * probe.slope }
}

/// The optimal basis of the plan's LP when capplan's engine found the plan: each range is read
/// from it by one ratio test ([`Session::rhs_range`], [`Session::cost_range`]) instead of
/// re-solves. A side where the basis is degenerate (it ranges 0 there although the price may
/// hold on) is walked from basis to basis ([`BasisRanges::limit_walk`],
/// [`BasisRanges::coefficient_walk`]), warm on the same session; only what the walk cannot
/// settle is left to the re-solves.
/// `--time-limit` ran out before the ranging could start.
#[derive(Debug)]
pub(crate) struct TimedOut;

/// What a ranging solve that ran into `--time-limit` returns, through the re-solves' error path;
/// [`sensitivity`] turns it into a report that says it was cut short, never into an error.
const TIMED_OUT: &str = "ranging stopped at the time limit";

fn timed_out() -> SolveError {
    SolveError(TIMED_OUT.to_string())
}

fn is_timed_out(error: &SolveError) -> bool {
    error.0 == TIMED_OUT
}

/// Bases a walk may step through on one side before it leaves that side to the re-solves: a
/// side whose price holds across more optimal bases than this is rare, and the re-solves find
/// its end directly.
const MAX_WALK_STEPS: usize = 32;

/// The probe steps of a walk, relative to `1 + |t|`: the first is where a basis optimal just
/// beyond `t` is looked for, the second where a breakpoint (or the end of the feasible range)
/// sits closer to `t` than the first. Each basis found is checked to be optimal at `t` itself,
/// so the step never shows in a result; a feasible range that ends within the last step of
/// `t` counts as ending at `t`, as the re-solves do within 1e-9.
const WALK_STEPS: [f64; 2] = [1e-6, 1e-8];

pub(crate) struct BasisRanges<'s> {
    /// The plan's own session, restored to its optimal basis, or one loaded for the ranging.
    session: &'s mut Session,
    /// The optimal basis every walk starts from and returns to.
    saved: SavedSession,
    /// The plan's basis priced once for every allocation's cost ranging.
    cost_ranges: Option<CostRanges>,
    row_duals: Vec<f64>,
    values: Vec<f64>,
    deadline: Option<Instant>,
}

/// One step of a walk: a basis optimal just beyond the point it started from.
enum Step {
    /// Optimal over `[at, at + reach]` (in the walk's direction), with this slope (or value of
    /// the variable) there; `reach` may be infinite.
    Optimal { slope: f64, reach: f64 },
    /// No plan just beyond the point.
    Infeasible,
    /// The walk cannot settle the side (unbounded, a failure of the engine, a breakpoint closer
    /// than the smallest step): the re-solves do.
    Unsettled,
}

impl<'s> BasisRanges<'s> {
    /// The basis of `lp`'s optimum, for a plan that came from the engine; `Ok(None)` otherwise,
    /// and `Err(TimedOut)` when `deadline` stopped the solve that finds it. Every later solve of
    /// the walks stops at `deadline` too. The plan's own session, `plan_session`, is used when
    /// it can be brought back to the plan's basis ([`Session::restore_plan_basis`]) and then
    /// stands at `lp`: no solve at all. Otherwise `lp` is loaded into `loaded` and solved.
    pub(crate) fn of(
        lp: &LinearProgram,
        backend: Backend,
        deadline: Option<Instant>,
        plan_session: Option<&'s mut Session>,
        loaded: &'s mut Option<Session>,
    ) -> Result<Option<BasisRanges<'s>>, TimedOut> {
        if backend != Backend::Engine {
            return Ok(None);
        }
        let restored = plan_session.and_then(|session| {
            let at_plan = session.restore_plan_basis() && session.stands_at(lp) && session.status() == Some(SessionStatus::Optimal);
            at_plan.then_some(session)
        });
        let session = match restored {
            Some(session) => session,
            None => {
                let session = loaded.insert(Session::new(lp));
                match session.solve(deadline) {
                    Ok(SessionStatus::Optimal) => {}
                    Ok(SessionStatus::TimeLimit) => return Err(TimedOut),
                    _ => return Ok(None),
                }
                session
            }
        };
        let row_duals = session.row_duals();
        let values = session.values();
        let saved = session.save();
        let cost_ranges = session.cost_ranging();
        Ok(Some(BasisRanges { session, saved, cost_ranges, row_duals, values, deadline }))
    }

    /// How far a limit can rise and fall with the plan's price, `(increase, decrease)`; `None`
    /// when this basis does not give the plan's price (then the re-solves decide).
    fn limit_reach(&mut self, parameter: &LimitParameter, price: f64, accuracy: Accuracy) -> Option<(f64, f64)> {
        if !accuracy.same_slope(parameter.slope(&self.row_duals), price) {
            return None;
        }
        self.session.rhs_range(&parameter.rows)
    }

    /// How far a variable's objective coefficient can rise and fall with the plan optimal;
    /// `None` when this basis is not at the plan's value of the variable.
    fn coefficient_reach(&mut self, variable: usize, planned: f64, accuracy: Accuracy) -> Option<(f64, f64)> {
        if (self.values[variable] - planned).abs() > accuracy.value * (1.0 + planned.abs()) {
            return None;
        }
        let cost_ranges = self.cost_ranges.as_mut()?;
        self.session.cost_range_from(cost_ranges, variable)
    }

    /// Back to the plan's basis after a walk. A walk never reloads the program (it moves kept
    /// rows and costs only), so the saved basis is always there to come back to.
    fn back_to_plan(&mut self) {
        let restored = self.session.restore(&self.saved);
        debug_assert!(restored, "a walk reloaded the program");
    }

    /// One side of a limit, walked from basis to basis: from the limit as written, a basis
    /// optimal just beyond it in direction `sign` (one warm solve with the limit moved a step,
    /// checked to be optimal at the start too); its price is this side's value exactly, and the
    /// side goes on through each next basis with the same price. `Ok(None)`: the walk cannot
    /// settle it (the re-solves do).
    fn limit_walk(&mut self, parameter: &LimitParameter, sign: f64, accuracy: Accuracy) -> Result<Option<OneSided>, SolveError> {
        // Only rows the engine holds as bounds of their logicals can be moved warm.
        if !self.session.can_range_rhs(&parameter.rows) {
            return Ok(None);
        }
        let start = parameter.current;
        let mut value: Option<f64> = None;
        let mut over = 0.0;
        let mut side = None;
        for _ in 0..MAX_WALK_STEPS {
            let at = start + sign * over;
            let step = self.walk_step(
                at,
                sign,
                |session, t| {
                    for &(row, coefficient) in &parameter.rows {
                        session.set_rhs(row, coefficient * t);
                    }
                },
                |session| {
                    let rows: Vec<usize> = parameter.rows.iter().map(|&(row, _)| row).collect();
                    // The slope as `LimitParameter::slope` sums it, from the walked rows' duals.
                    let duals = session.kept_row_duals(&rows)?;
                    let slope = parameter.rows.iter().zip(&duals).map(|(&(_, coefficient), &dual)| coefficient * dual).sum();
                    session.rhs_range(&parameter.rows).map(|reach| (slope, reach))
                },
            );
            match step {
                Err(error) => {
                    self.back_to_plan();
                    return Err(error);
                }
                Ok(Step::Unsettled) => break,
                Ok(Step::Infeasible) => {
                    side = Some(OneSided { value, over: Some(over) });
                    break;
                }
                Ok(Step::Optimal { slope, reach }) => {
                    // The basis that ends the walk decides its answer: it passes the full check
                    // of optimality, or the re-solves settle the side.
                    let ends = reach.is_infinite() || value.is_some_and(|value| !accuracy.same_slope(value, slope));
                    if ends && !self.session.confirm_optimal() {
                        break;
                    }
                    match value {
                        Some(value) if !accuracy.same_slope(value, slope) => {
                            side = Some(OneSided { value: Some(value), over: Some(over) });
                            break;
                        }
                        Some(_) => {}
                        None => value = Some(slope),
                    }
                    if reach.is_infinite() {
                        side = Some(OneSided { value, over: None });
                        break;
                    }
                    over += reach;
                }
            }
        }
        self.back_to_plan();
        Ok(side)
    }

    /// One side of an allocation's value per hour, walked as [`BasisRanges::limit_walk`] does
    /// with the variable's objective coefficient: the plan stays optimal while every basis
    /// walked through keeps the variable at its planned value. `Ok(Some(reach))` (`None`:
    /// unlimited), or `Ok(None)` when the walk cannot settle the side.
    fn coefficient_walk(
        &mut self,
        variable: usize,
        planned: f64,
        sign: f64,
        accuracy: Accuracy,
    ) -> Result<Option<Option<f64>>, SolveError> {
        let original = self.session.program().variables[variable].objective;
        let mut over = 0.0;
        let mut side = None;
        for _ in 0..MAX_WALK_STEPS {
            let step = self.walk_step(
                sign * over,
                sign,
                |session, delta| session.set_objective_warm(variable, original + delta),
                |session| {
                    let value = session.values()[variable];
                    session.cost_range(variable).map(|reach| (value, reach))
                },
            );
            match step {
                Err(error) => {
                    self.back_to_plan();
                    return Err(error);
                }
                // A cost cannot make the plan infeasible; unbounded beyond is the re-solves' case.
                Ok(Step::Unsettled | Step::Infeasible) => break,
                Ok(Step::Optimal { slope: value, reach }) => {
                    if !accuracy.same_slope(value, planned) {
                        side = Some(Some(over));
                        break;
                    }
                    if reach.is_infinite() {
                        side = Some(None);
                        break;
                    }
                    over += reach;
                }
            }
        }
        self.back_to_plan();
        Ok(side)
    }

    /// A basis optimal just beyond `at` in direction `sign`: the parameter set by `move_to` a
    /// step beyond, one warm solve, and `read` for the slope there and the basis's `(increase,
    /// decrease)` reach; the basis counts only if its reach back covers the step, so that it is
    /// optimal at `at` itself.
    fn walk_step<M, R>(&mut self, at: f64, sign: f64, mut move_to: M, mut read: R) -> Result<Step, SolveError>
    where
        M: FnMut(&mut Session, f64),
        R: FnMut(&mut Session) -> Option<(f64, (f64, f64))>,
    {
        let (mut infeasible, mut feasible) = (false, false);
        for relative in WALK_STEPS {
            let step = relative * (1.0 + at.abs());
            move_to(self.session, at + sign * step);
            match self.session.solve(self.deadline) {
                Ok(SessionStatus::Optimal) => {}
                Ok(SessionStatus::Infeasible) => {
                    infeasible = !feasible;
                    continue;
                }
                Ok(SessionStatus::TimeLimit) => return Err(timed_out()),
                Ok(SessionStatus::Unbounded) | Err(_) => return Ok(Step::Unsettled),
            }
            (infeasible, feasible) = (false, true);
            let Some((slope, (increase, decrease))) = read(self.session) else {
                return Ok(Step::Unsettled);
            };
            let (forward, back) = if sign > 0.0 { (increase, decrease) } else { (decrease, increase) };
            if back >= step * (1.0 - 1e-6) {
                return Ok(Step::Optimal { slope, reach: step + forward });
            }
        }
        Ok(if infeasible { Step::Infeasible } else { Step::Unsettled })
    }
}

/// Whether a reach from the basis is a degenerate 0 (or a rounding error's width) around `at`.
fn degenerate(reach: f64, at: f64) -> bool {
    reach <= 1e-9 * (1.0 + at.abs())
}

/// One side of a limit: what a unit is worth there and for how far.
fn limit_side(curve: &mut LimitCurve, current: Probe, domain: (f64, f64), sign: f64) -> Result<OneSided, SolveError> {
    let start = mirrored(current, sign);
    let domain_end = if sign > 0.0 { domain.1 } else { -domain.0 };
    let far = if domain_end.is_infinite() {
        // A limit that loosens for ever stops binding where the rest of the plan cannot reach
        // it any more: beyond that point the curve is flat. One LP finds the point, without the
        // dual LPs below (which are highly degenerate and slow the simplex down).
        if let Some(slack_from) = curve.slack_beyond(sign)? {
            if sign * slack_from <= sign * current.at {
                return Ok(OneSided { value: Some(0.0), over: None });
            }
            let flat = curve.probe(slack_from)?.value;
            let piece = first_piece(start, Far::Line { slope: 0.0, intercept: flat }, curve.accuracy, |u| {
                Ok(mirrored(curve.probe(sign * u)?, sign))
            })?;
            return Ok(match piece {
                None => OneSided { value: None, over: Some(0.0) },
                Some(piece) => OneSided { value: Some(sign * piece.slope), over: piece.to.is_finite().then_some(piece.to - piece.from) },
            });
        }
        let far_slope = curve.far_slope(sign)?;
        // The far-out slope is already the current one: the price holds for ever.
        if Accuracy::of(FAR_BACKEND).same_slope(sign * far_slope, start.slope) {
            return Ok(OneSided { value: Some(current.slope), over: None });
        }
        Far::Line { slope: sign * far_slope, intercept: curve.far_intercept(far_slope)? }
    } else {
        Far::Until(domain_end)
    };
    let accuracy = curve.accuracy;
    let piece = first_piece(start, far, accuracy, |u| Ok(mirrored(curve.probe(sign * u)?, sign)))?;
    Ok(match piece {
        None => OneSided { value: None, over: Some(0.0) },
        Some(piece) => OneSided { value: Some(sign * piece.slope), over: piece.to.is_finite().then_some(piece.to - piece.from) },
    })
}

/// How the re-solves of a ranging pass run: the backend, and the deadline every solve stops at.
#[derive(Debug, Clone, Copy)]
struct Resolves {
    backend: Backend,
    deadline: Option<Instant>,
}

/// Ranges one named constraint.
fn range_constraint(
    instance: &Instance,
    formulation: &Formulation,
    plan: &Plan,
    row: usize,
    result: &super::ConstraintResult,
    resolves: Resolves,
    mut basis: Option<&mut BasisRanges>,
) -> Result<ConstraintRange, SolveError> {
    let Resolves { backend, deadline } = resolves;
    let mut range = ConstraintRange {
        id: result.id.clone(),
        family: result.family,
        about: result.about.clone(),
        sense: result.sense,
        unit: result.unit,
        actual: result.actual,
        limit: result.limit,
        shadow_price: result.shadow_price,
        allowable_increase: Some(0.0),
        allowable_decrease: Some(0.0),
        next_unit: OneSided { value: None, over: Some(0.0) },
        last_unit: OneSided { value: None, over: Some(0.0) },
        kink: false,
        ranged: false,
        note: None,
    };
    let parameter = match LimitParameter::of(instance, formulation, row) {
        Ok(parameter) => parameter,
        Err(note) => {
            range.note = Some(note);
            return Ok(range);
        }
    };
    let current = Probe { at: parameter.current, value: plan.objective, slope: parameter.slope(&plan.lp.row_duals) };
    let accuracy = Accuracy::of(backend);
    // From the basis where it is not degenerate: the price holds over the ratio test's reach.
    let mut sides = [None, None];
    if let Some((increase, decrease)) = basis.as_deref_mut().and_then(|basis| basis.limit_reach(&parameter, current.slope, accuracy)) {
        for (side, reach) in sides.iter_mut().zip([increase, decrease]) {
            if !degenerate(reach, parameter.current) {
                *side = Some(OneSided { value: Some(current.slope), over: reach.is_finite().then_some(reach) });
            }
        }
    }
    // A degenerate side: walked from basis to basis, warm.
    if let Some(basis) = basis {
        for (side, sign) in sides.iter_mut().zip([1.0, -1.0]) {
            if side.is_none() {
                *side = basis.limit_walk(&parameter, sign, accuracy)?;
            }
        }
    }
    // The re-solves, for what the basis left open; the LP is copied only then.
    let mut curve = None;
    let mut domain = None;
    for (side, sign) in sides.iter_mut().zip([1.0, -1.0]) {
        if side.is_some() {
            continue;
        }
        let curve = curve.get_or_insert_with(|| LimitCurve::new(&formulation.lp, parameter.clone(), backend).until(deadline));
        let feasible = match domain {
            Some(feasible) => feasible,
            None => *domain.insert(
                curve
                    .feasible_range(f64::NEG_INFINITY, f64::INFINITY)?
                    .ok_or_else(|| SolveError(format!("no feasible value of {} was found although the plan is feasible", result.id)))?,
            ),
        };
        *side = Some(limit_side(curve, current, feasible, sign)?);
    }
    let [Some(mut next_unit), Some(mut last_unit)] = sides else { unreachable!("both sides are ranged above") };
    // Prices per unit of the planner's limit; shares are quoted per percentage point.
    let per_unit = result.unit.step();
    let reported = current.slope;
    range.allowable_increase = holds_for(reported, &next_unit, accuracy);
    range.allowable_decrease = holds_for(reported, &last_unit, accuracy);
    range.kink = match (next_unit.value, last_unit.value) {
        (Some(next), Some(last)) => !accuracy.same_slope(next, last),
        _ => true,
    };
    for side in [&mut next_unit, &mut last_unit] {
        side.value = side.value.map(|value| tidy(value * per_unit));
    }
    range.next_unit = next_unit;
    range.last_unit = last_unit;
    range.ranged = true;
    Ok(range)
}

/// How far the reported price holds on a side: the side's reach if the side's value is the
/// reported price, else nowhere.
fn holds_for(reported: f64, side: &OneSided, accuracy: Accuracy) -> Option<f64> {
    match side.value {
        Some(value) if accuracy.same_slope(value, reported) => side.over,
        _ => Some(0.0),
    }
}

/// The optimal objective as a function of a shift `delta` of one variable's objective
/// coefficient; convex, so explored as its negation.
struct CoefficientCurve {
    lp: LinearProgram,
    variable: usize,
    original: f64,
    backend: Backend,
    deadline: Option<Instant>,
}

impl CoefficientCurve {
    /// Negated value and slope (the variable's value) at a shift `delta`.
    fn probe(&mut self, delta: f64) -> Result<Probe, SolveError> {
        self.lp.variables[self.variable].objective = self.original + delta;
        match solve_lp_until(&self.lp, self.backend, self.deadline)? {
            LpOutcome::Optimal { values, objective } => Ok(Probe { at: delta, value: -objective, slope: -values[self.variable] }),
            LpOutcome::TimeLimit => Err(timed_out()),
            _ => Err(SolveError(format!(
                "a re-solve with {} shifted by {delta} inside its bounded range did not come back optimal ({})",
                self.lp.variables[self.variable].name, self.backend
            ))),
        }
    }

    /// The largest shift (sign +1) or largest cut (sign -1) for which the LP stays bounded, for
    /// a variable unbounded on that side over the feasible set: read from the dual with the shift
    /// as a variable.
    fn shift_limit(&self, sign: f64) -> Result<f64, SolveError> {
        let mut dual = dual_program(&self.lp);
        dual.variables.iter_mut().for_each(|variable| variable.objective = 0.0);
        let shift = dual.add_variable("shift".to_string(), f64::NEG_INFINITY, f64::INFINITY, sign);
        // The dual row of the variable is `A_j' y + w - z (>=|=) c_j`; a shift moves c_j.
        dual.rows[self.variable].terms.push((shift, -1.0));
        match solve_lp_until(&dual, self.backend, self.deadline)? {
            LpOutcome::Optimal { values, .. } => Ok(sign * values[shift]),
            LpOutcome::Unbounded => Ok(f64::INFINITY),
            LpOutcome::Infeasible => {
                Err(SolveError(format!("the bounded range of {} could not be found", self.lp.variables[self.variable].name)))
            }
            LpOutcome::TimeLimit => Err(timed_out()),
        }
    }

    /// The variable's largest (sign +1) or smallest (sign -1) value over the feasible set;
    /// `None` when unbounded.
    fn extreme_value(&self, sign: f64) -> Result<Option<f64>, SolveError> {
        let mut search = self.lp.clone();
        search.objective_constant = 0.0;
        search.variables.iter_mut().for_each(|variable| variable.objective = 0.0);
        search.variables[self.variable].objective = sign;
        match solve_lp_until(&search, self.backend, self.deadline)? {
            LpOutcome::Optimal { values, .. } => Ok(Some(values[self.variable])),
            LpOutcome::Unbounded => Ok(None),
            LpOutcome::Infeasible => Err(SolveError("a feasible plan became infeasible in a re-solve".to_string())),
            LpOutcome::TimeLimit => Err(timed_out()),
        }
    }

    /// The best objective with the variable pinned at `value` and its own coefficient as
    /// written: far out, `value(delta) = extreme * delta + this`.
    fn pinned_objective(&self, value: f64) -> Result<f64, SolveError> {
        let mut pinned = self.lp.clone();
        pinned.variables[self.variable].objective = self.original;
        pinned.variables[self.variable].lower = value;
        pinned.variables[self.variable].upper = value;
        match solve_lp_until(&pinned, self.backend, self.deadline)? {
            LpOutcome::Optimal { objective, .. } => Ok(objective),
            LpOutcome::TimeLimit => Err(timed_out()),
            _ => Err(SolveError("the far-out value of a shifted allocation could not be found".to_string())),
        }
    }
}

/// Ranges the value per hour of one allocation.
fn range_allocation(
    formulation: &Formulation,
    plan: &Plan,
    variable: usize,
    floor: f64,
    allocation: &super::Allocation,
    resolves: Resolves,
    mut basis: Option<&mut BasisRanges>,
) -> Result<AllocationRange, SolveError> {
    let Resolves { backend, deadline } = resolves;
    let original = formulation.lp.variables[variable].objective;
    // The LP is copied for the re-solves only when a side needs them.
    let mut curve: Option<CoefficientCurve> = None;
    let planned = plan.lp.values[variable];
    let accuracy = Accuracy::of(backend);
    let current = Probe { at: 0.0, value: -plan.objective, slope: -planned };
    let mut reach = [None, None];
    let from_basis = basis.as_deref_mut().and_then(|basis| basis.coefficient_reach(variable, planned, accuracy));
    for (index, sign) in [1.0, -1.0].into_iter().enumerate() {
        // From the basis where it is not degenerate: the plan stays optimal over the reach.
        if let Some(sides) = from_basis {
            let side = if sign > 0.0 { sides.0 } else { sides.1 };
            if !degenerate(side, original) {
                reach[index] = side.is_finite().then_some(side);
                continue;
            }
        }
        let start = mirrored(current, sign);
        // At zero or at its own floor the allocation cannot have fewer hours: no solve needed.
        let lowest = floor.max(formulation.lp.variables[variable].lower);
        if sign < 0.0 && planned <= lowest + accuracy.value * (1.0 + lowest.abs()) {
            reach[index] = None;
            continue;
        }
        // A degenerate side: walked from basis to basis, warm.
        if let Some(basis) = basis.as_deref_mut()
            && let Some(side) = basis.coefficient_walk(variable, planned, sign, accuracy)?
        {
            reach[index] = side;
            continue;
        }
        let curve = curve.get_or_insert_with(|| CoefficientCurve { lp: formulation.lp.clone(), variable, original, backend, deadline });
        let far = match curve.extreme_value(sign)? {
            // The plan already gives the most (or least) hours possible: it stays optimal however
            // far the value per hour moves this way.
            Some(extreme) if accuracy.same_slope(extreme, planned) => {
                reach[index] = None;
                continue;
            }
            // value(delta) -> extreme * delta + pinned; negated and mirrored.
            Some(extreme) => Far::Line { slope: -sign * extreme, intercept: -curve.pinned_objective(extreme)? },
            None => Far::Until(curve.shift_limit(sign)?),
        };
        let piece = first_piece(start, far, accuracy, |u| Ok(mirrored(curve.probe(sign * u)?, sign)))?;
        // The plan stays optimal while the curve follows the plan's own line: the first piece
        // must have the plan's slope (the planned hours); otherwise another plan takes over at
        // once.
        reach[index] = match piece {
            Some(piece) if accuracy.same_slope(sign * piece.slope, -planned) => piece.to.is_finite().then_some(piece.to - piece.from),
            Some(_) => Some(0.0),
            None => Some(0.0),
        };
    }
    Ok(AllocationRange {
        customer: allocation.customer.clone(),
        resource: allocation.resource.clone(),
        hours: allocation.hours,
        reduced_cost: allocation.reduced_cost,
        marginal_value: allocation.marginal_value,
        allowable_increase: reach[0],
        allowable_decrease: reach[1],
    })
}

/// What a ranging pass works on: the LP the plan came from, the backend that re-solves it, and
/// the optimal basis when that backend is capplan's engine. A plan found by branching (exact
/// curves under value shares, curve_order.rs) is ranged on the LP of its branch, the exact model
/// around it; ranging re-solves modified programs, which the separable backend hands on.
type Ranged<'a> = (std::borrow::Cow<'a, Formulation>, Backend);

fn ranged_program<'a>(formulation: &'a Formulation, plan: &Plan, backend: Backend) -> Ranged<'a> {
    let formulation = match &plan.lp.exact_lp {
        Some(lp) => std::borrow::Cow::Owned(Formulation { lp: lp.clone(), ..formulation.clone() }),
        None => std::borrow::Cow::Borrowed(formulation),
    };
    let backend = crate::solve::bare_lp_backend(backend, &formulation.lp);
    (formulation, backend)
}

#[doc(hidden)]
/// The full sensitivity report of an optimal plan; `None` when `deadline` came before every
/// limit and allocation was ranged (a half-ranged report is not given). The deadline is checked
/// before each limit and each allocation: the re-solves of one run to their end.
pub fn sensitivity(
    instance: &Instance,
    formulation: &Formulation,
    plan: &Plan,
    backend: Backend,
    deadline: Option<std::time::Instant>,
) -> Result<Option<Sensitivity>, SolveError> {
    sensitivity_on(instance, formulation, plan, backend, deadline, None)
}

#[doc(hidden)]
/// As [`sensitivity`], ranging on `plan_session`, the engine session the plan was solved on
/// ([`crate::analysis::solve_chosen_on`] keeps the plan's basis there): the ranges come from the
/// plan's own basis, and the plan's program is not loaded and solved a second time.
pub fn sensitivity_on(
    instance: &Instance,
    formulation: &Formulation,
    plan: &Plan,
    backend: Backend,
    deadline: Option<std::time::Instant>,
    plan_session: Option<&mut Session>,
) -> Result<Option<Sensitivity>, SolveError> {
    // The Limits report reads the model as written (not a branch of the exact solve): the curve
    // order its pieces must follow is checked by the report itself.
    let Some(limits) = super::limits::allocation_limits(instance, formulation, plan, deadline)? else {
        return Ok(None);
    };
    let (formulation, backend) = ranged_program(formulation, plan, backend);
    let formulation = formulation.as_ref();
    // The deadline bounds the solve that finds the optimal basis too, when there is one.
    let mut loaded = None;
    let Ok(mut basis) = BasisRanges::of(&formulation.lp, backend, deadline, plan_session, &mut loaded) else {
        return Ok(None);
    };
    let named_rows = formulation.kinds.iter().enumerate().filter(|(_, kind)| !kind.is_internal()).map(|(row, _)| row);
    let mut constraints = Vec::with_capacity(plan.constraints.len());
    for (row, result) in named_rows.zip(&plan.constraints) {
        if super::past(deadline) {
            return Ok(None);
        }
        match range_constraint(instance, formulation, plan, row, result, Resolves { backend, deadline }, basis.as_mut()) {
            Ok(range) => constraints.push(range),
            Err(error) if is_timed_out(&error) => return Ok(None),
            Err(error) => return Err(error),
        }
    }
    let mut allocations = Vec::with_capacity(plan.allocations.len());
    // Each allocation's floor, from one pass over the rows (not a search per allocation).
    let resources = instance.resources.len();
    let mut floors = vec![None; instance.customers.len() * resources];
    for (row, kind) in formulation.kinds.iter().enumerate() {
        if let ConstraintKind::Floor { customer, resource } = *kind {
            floors[customer * resources + resource].get_or_insert(formulation.lp.rows[row].rhs);
        }
    }
    let pairs = (0..instance.customers.len()).flat_map(|c| (0..instance.resources.len()).map(move |r| (c, r)));
    for ((c, r), allocation) in pairs.zip(&plan.allocations) {
        if super::past(deadline) {
            return Ok(None);
        }
        let floor = floors[c * resources + r].unwrap_or(0.0);
        match range_allocation(
            formulation,
            plan,
            formulation.hours[c][r],
            floor,
            allocation,
            Resolves { backend, deadline },
            basis.as_mut(),
        ) {
            Ok(range) => allocations.push(range),
            Err(error) if is_timed_out(&error) => return Ok(None),
            Err(error) => return Err(error),
        }
    }
    Ok(Some(Sensitivity { constraints, allocations, limits }))
}

/// The ranges of the capacity limits alone: what one more hour of each resource is worth and
/// for how many hours, at a few re-solves per resource, from the plan's basis on `plan_session`
/// as [`sensitivity_on`] does. `Ok(None)` when `deadline` came first
/// (no half-ranged table is given).
pub(crate) fn capacity_ranges(
    instance: &Instance,
    formulation: &Formulation,
    plan: &Plan,
    backend: Backend,
    deadline: Option<Instant>,
    plan_session: Option<&mut Session>,
) -> Result<Option<Vec<ConstraintRange>>, SolveError> {
    let (formulation, backend) = ranged_program(formulation, plan, backend);
    let formulation = formulation.as_ref();
    let mut loaded = None;
    let Ok(mut basis) = BasisRanges::of(&formulation.lp, backend, deadline, plan_session, &mut loaded) else {
        return Ok(None);
    };
    let named_rows = formulation.kinds.iter().enumerate().filter(|(_, kind)| !kind.is_internal()).map(|(row, _)| row);
    let ranges: Result<Vec<ConstraintRange>, SolveError> = named_rows
        .zip(&plan.constraints)
        .filter(|(row, _)| matches!(formulation.kinds[*row], ConstraintKind::Capacity { .. }))
        .map(|(row, result)| range_constraint(instance, formulation, plan, row, result, Resolves { backend, deadline }, basis.as_mut()))
        .collect();
    match ranges {
        Ok(ranges) => Ok(Some(ranges)),
        Err(error) if is_timed_out(&error) => Ok(None),
        Err(error) => Err(error),
    }
}

/// Solves an instance and, for an optimal plan, adds its sensitivity report.
pub fn solve_with_sensitivity(instance: &Instance, backend: Backend) -> Result<super::SolveReport, SolveError> {
    let formulation = crate::formulation::formulate(instance);
    let mut session = None;
    let mut report =
        super::solve_chosen_on(instance, &formulation, &super::Choice::requested(backend), super::PlanAnalyses::ALL, None, &mut session)?;
    if report.status == Status::Optimal
        && let Some(plan) = report.plan.as_mut()
    {
        plan.sensitivity = sensitivity_on(instance, &formulation, plan, backend, None, session.as_mut())?;
    }
    Ok(report)
}

fn tidy(value: f64) -> f64 {
    if value == 0.0 { 0.0 } else { value }
}

#[cfg(test)]
mod tests {
    //! Issue 9: ranges from the plan's basis, walked from basis to basis where it is degenerate,
    //! against the re-solves of the same limits and allocations on the same LP.

    use super::*;
    use crate::formulation::formulate;

    /// Two reaches agree: both unlimited, or both finite and equal within the re-solves'
    /// accuracy in locating a breakpoint.
    fn same_reach(a: Option<f64>, b: Option<f64>) -> bool {
        match (a, b) {
            (None, None) => true,
            (Some(a), Some(b)) => (a - b).abs() <= 1e-6 * (1.0 + a.abs().max(b.abs())),
            _ => false,
        }
    }

    /// The basis's reach is that of its basis (Excel's convention): within the re-solves'
    /// piece, which may go on through further bases with the same price.
    fn within_reach(basis: Option<f64>, resolves: Option<f64>) -> bool {
        match (basis, resolves) {
            (_, None) => true,
            (None, Some(_)) => false,
            (Some(a), Some(b)) => a <= b + 1e-6 * (1.0 + b.abs()),
        }
    }

    fn same_value(a: Option<f64>, b: Option<f64>) -> bool {
        match (a, b) {
            (None, None) => true,
            (Some(a), Some(b)) => Accuracy::of(Backend::Engine).same_slope(a, b),
            _ => false,
        }
    }

    /// Which sides of a reach from the basis are degenerate (walked); both when the basis does
    /// not give the plan's value at all.
    fn walked(reach: Option<(f64, f64)>, at: f64) -> [bool; 2] {
        match reach {
            Some((increase, decrease)) => [degenerate(increase, at), degenerate(decrease, at)],
            None => [true, true],
        }
    }

    /// Compares the report `sensitivity` gives (from the basis) with the re-solves on the named
    /// limits and allocations picked by `pick` (walked sides always, up to `walked_at_most`);
    /// returns how many walked sides were compared.
    fn assert_basis_matches_resolves(instance: &Instance, every: usize, walked_at_most: usize) -> usize {
        let formulation = formulate(instance);
        let report = crate::analysis::solve_formulation(instance, &formulation, Backend::Engine).unwrap();
        let plan = report.plan.expect("an optimal plan");
        let report = sensitivity(instance, &formulation, &plan, Backend::Engine, None).unwrap().expect("no deadline");
        let (ranged, backend) = ranged_program(&formulation, &plan, Backend::Engine);
        let mut loaded = None;
        let mut basis = BasisRanges::of(&ranged.lp, backend, None, None, &mut loaded).unwrap().expect("the engine's basis");
        let accuracy = Accuracy::of(backend);
        let named_rows: Vec<usize> = ranged.kinds.iter().enumerate().filter(|(_, kind)| !kind.is_internal()).map(|(row, _)| row).collect();
        let mut compared_walked = 0;
        let mut walked_limits = 0;
        for (index, (&row, result)) in named_rows.iter().zip(&plan.constraints).enumerate() {
            let Ok(parameter) = LimitParameter::of(instance, &ranged, row) else { continue };
            let slope = parameter.slope(&plan.lp.row_duals);
            let sides = walked(basis.limit_reach(&parameter, slope, accuracy), parameter.current);
            let any_walked = sides.iter().any(|&side| side);
            if !(index % every == 0 || any_walked && walked_limits < walked_at_most) {
                continue;
            }
            walked_limits += usize::from(any_walked);
            let from_basis = &report.constraints[index];
            let resolves = range_constraint(instance, &ranged, &plan, row, result, Resolves { backend, deadline: None }, None).unwrap();
            assert_eq!(from_basis.kink, resolves.kink, "{}: kink", result.id);
            for (walked, (a, b)) in
                sides.into_iter().zip([(&from_basis.next_unit, &resolves.next_unit), (&from_basis.last_unit, &resolves.last_unit)])
            {
                assert!(same_value(a.value, b.value), "{}: one-sided value {:?} from the basis, {:?} from re-solves", result.id, a, b);
                if walked {
                    assert!(same_reach(a.over, b.over), "{}: walked reach {:?}, re-solves {:?}", result.id, a, b);
                    compared_walked += 1;
                } else {
                    assert!(within_reach(a.over, b.over), "{}: basis reach {:?} beyond the re-solves' {:?}", result.id, a, b);
                }
            }
        }
        let mut walked_allocations = 0;
        let pairs = (0..instance.customers.len()).flat_map(|c| (0..instance.resources.len()).map(move |r| (c, r)));
        for (index, ((c, r), allocation)) in pairs.zip(&plan.allocations).enumerate() {
            let variable = ranged.hours[c][r];
            let planned = plan.lp.values[variable];
            let original = ranged.lp.variables[variable].objective;
            let sides = walked(basis.coefficient_reach(variable, planned, accuracy), original);
            let any_walked = sides.iter().any(|&side| side);
            if !(index % every == 0 || any_walked && walked_allocations < walked_at_most) {
                continue;
            }
            walked_allocations += usize::from(any_walked);
            let floor = ranged.row_of(ConstraintKind::Floor { customer: c, resource: r }).map_or(0.0, |row| ranged.lp.rows[row].rhs);
            let from_basis = &report.allocations[index];
            let resolves =
                range_allocation(&ranged, &plan, variable, floor, allocation, Resolves { backend, deadline: None }, None).unwrap();
            let what = format!("{}/{}", allocation.customer, allocation.resource);
            for (walked, a, b) in [
                (sides[0], from_basis.allowable_increase, resolves.allowable_increase),
                (sides[1], from_basis.allowable_decrease, resolves.allowable_decrease),
            ] {
                if walked {
                    assert!(same_reach(a, b), "{what}: walked reach {a:?}, re-solves {b:?}");
                    compared_walked += 1;
                } else {
                    assert!(within_reach(a, b), "{what}: basis reach {a:?} beyond the re-solves' {b:?}");
                }
            }
        }
        compared_walked
    }

    #[test]
    fn issue9_ranges_from_the_basis_equal_resolves_on_dsp() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/instances/dsp.toml");
        let instance = Instance::from_file(std::path::Path::new(path)).unwrap();
        assert!(assert_basis_matches_resolves(&instance, 1, usize::MAX) > 0, "no degenerate side was compared");
    }

    #[test]
    fn issue9_ranges_from_the_basis_equal_resolves_on_200_diversified_customers() {
        let settings = crate::generate::Settings { diversify: true, ..crate::generate::Settings::new(200, 3) };
        let instance = Instance::from_toml_str("generated.toml", &crate::generate::generate(&settings)).unwrap();
        assert!(assert_basis_matches_resolves(&instance, 149, 3) > 0, "no degenerate side was compared");
    }

    /// Issue 9: `--sensitivity` ranges on the session the plan was solved on, from the plan's own
    /// basis, instead of loading the plan's program into a second session and solving it cold
    /// again; the report is the one a fresh load of the program gives. On dsp.toml and 200
    /// diversified customers; a plan found through curve-order branches (a value cap) is ranged
    /// on a fresh load of its branch, whose cold basis a warm re-solve need not reach.
    #[test]
    fn issue9_sensitivity_ranges_on_the_plans_session() {
        use crate::solve::session::LOADED;
        let dsp = Instance::from_file(std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/instances/dsp.toml"))).unwrap();
        let settings = crate::generate::Settings { diversify: true, ..crate::generate::Settings::new(200, 3) };
        let generated = Instance::from_toml_str("generated.toml", &crate::generate::generate(&settings)).unwrap();
        let value_cap = Instance::from_toml_str(
            "value-cap.toml",
            "[plan]\nname = \"cap\"\nperiod = \"2027-Q1\"\ncurrency = \"EUR\"\n\
             [[resources]]\nid = \"eng\"\ncapacity_hours = 100\n\
             [diversification]\nvalue_share_base = \"plan\"\n\
             [[customers]]\nid = \"a\"\nmax_share = { value = 0.3 }\n\
             response.eng = { points = [[0, 0], [10, 1000], [50, 1200]] }\n\
             expectations.eng = { hours = 40, kind = \"soft\", penalty_per_hour = 1000 }\n\
             [[customers]]\nid = \"b\"\nresponse.eng = { value_per_hour = 20 }\n",
        )
        .unwrap();
        let mut branched = false;
        for (name, instance) in [("dsp", dsp), ("generated", generated), ("value cap", value_cap)] {
            let formulation = formulate(&instance);
            let mut session = None;
            let choice = crate::solve::Choice::requested(Backend::Engine);
            let report =
                crate::analysis::solve_chosen_on(&instance, &formulation, &choice, crate::analysis::PlanAnalyses::ALL, None, &mut session)
                    .unwrap();
            let plan = report.plan.expect("an optimal plan");
            branched |= plan.lp.exact_lp.is_some();
            let ranged = plan.lp.exact_lp.as_ref().unwrap_or(&formulation.lp);
            let size = (ranged.rows.len(), ranged.variables.len());
            LOADED.with(|loaded| loaded.borrow_mut().clear());
            let on_session =
                sensitivity_on(&instance, &formulation, &plan, Backend::Engine, None, session.as_mut()).unwrap().expect("no deadline");
            let loads = LOADED.with(|loaded| loaded.take());
            let branch = plan.lp.exact_lp.is_some();
            assert_eq!(loads.contains(&size), branch, "{name}: ranging loaded the plan's program {size:?} ({loads:?})");
            let fresh = sensitivity(&instance, &formulation, &plan, Backend::Engine, None).unwrap().expect("no deadline");
            assert!(LOADED.with(|loaded| loaded.borrow().contains(&size)), "{name}: the fresh ranging loads the program");
            assert_eq!(serde_json::to_value(&on_session).unwrap(), serde_json::to_value(&fresh).unwrap(), "{name}");
        }
        assert!(branched, "no plan went through curve-order branches: the test does not reach that path");
    }

    /// `--time-limit` reaches every solve of the ranging, not only the gaps between limits: the
    /// walks from the basis, the warm probes of a limit's curve, its feasible range, and the
    /// re-solves of a value per hour, each stop at a deadline already past.
    #[test]
    fn issue9_every_ranging_solve_stops_at_the_deadline() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/instances/tiny.toml");
        let instance = Instance::from_file(std::path::Path::new(path)).unwrap();
        let formulation = formulate(&instance);
        let plan = crate::analysis::solve_formulation(&instance, &formulation, Backend::Engine).unwrap().plan.expect("optimal");
        let (ranged, backend) = ranged_program(&formulation, &plan, Backend::Engine);
        let mut loaded = None;
        let mut basis = BasisRanges::of(&ranged.lp, backend, None, None, &mut loaded).unwrap().expect("the engine's basis");
        let past = Some(Instant::now());
        basis.deadline = past;
        let accuracy = Accuracy::of(backend);
        let row = ranged.kinds.iter().position(|kind| matches!(kind, ConstraintKind::Capacity { .. })).unwrap();
        let parameter = LimitParameter::of(&instance, &ranged, row).unwrap();
        assert!(is_timed_out(&basis.limit_walk(&parameter, 1.0, accuracy).unwrap_err()));
        let variable = ranged.hours[0][0];
        assert!(is_timed_out(&basis.coefficient_walk(variable, plan.lp.values[variable], 1.0, accuracy).unwrap_err()));
        // Back at the plan's basis after a walk cut short: the ranges from it are unchanged.
        basis.deadline = None;
        assert!(basis.limit_walk(&parameter, 1.0, accuracy).unwrap().is_some());
        let mut curve = LimitCurve::new(&ranged.lp, parameter.clone(), backend).until(past);
        assert!(is_timed_out(&curve.probe(parameter.current).unwrap_err()));
        assert!(is_timed_out(&curve.feasible_range(f64::NEG_INFINITY, f64::INFINITY).unwrap_err()));
        let mut coefficient = CoefficientCurve {
            lp: ranged.lp.clone(),
            variable,
            original: ranged.lp.variables[variable].objective,
            backend,
            deadline: past,
        };
        assert!(is_timed_out(&coefficient.probe(1.0).unwrap_err()));
        assert!(is_timed_out(&coefficient.extreme_value(1.0).unwrap_err()));
        // A limit ranged by re-solves alone (no basis) stops too.
        let result = &plan.constraints[0];
        assert!(is_timed_out(
            &range_constraint(&instance, &ranged, &plan, row, result, Resolves { backend, deadline: past }, None).unwrap_err()
        ));
    }
}
