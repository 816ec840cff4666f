//! Ranging: how far each limit can move before its shadow price changes, the value of one unit
//! more and one unit less where the two differ, and how far each allocation's value per hour can
//! move before the plan changes.
//!
//! A plan from capplan's engine is ranged from its optimal basis (`BasisRanges`): a limit's
//! allowable increase and decrease are the ratio test of `B^-1 e_row` against the basic
//! variables' bounds (the dual, so the price, is constant while the basis stays feasible), and
//! an allocation's the ratio test of the reduced costs. Where the basis is degenerate (a basic
//! variable at a bound: the test gives 0 on a side although the price may hold on there), that
//! side, and every side of a plan from another backend, comes from extra solves of the LP capplan
//! built. The optimal objective is concave and piecewise linear in a limit, and convex and
//! piecewise linear in an objective coefficient; a parametric search finds its pieces exactly
//! from re-solves. Each side of a limit costs: one LP for how far the limit can go before the
//! plan is infeasible, one or two LPs for the curve's slope far away when it can go on for ever,
//! and a few re-solves (each a primal and a dual solve) to locate the first breakpoint. That is
//! why `solve` computes none of this unless `--sensitivity` asks for it.

use serde::Serialize;

use super::duals::{compute_duals, dual_program};
use super::parametric::{Accuracy, End, Probe, Segment, explore};
use super::{Plan, Status};
use crate::formulation::{ConstraintKind, Formulation, LinearProgram, Sense};
use crate::model::{Instance, ShareBase};
use crate::solve::session::{Session, SessionStatus};
use crate::solve::{Backend, LpOutcome, SolveError, solve_lp};

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
}

impl LimitCurve {
    pub(crate) fn new(lp: &LinearProgram, parameter: LimitParameter, backend: Backend) -> Self {
        LimitCurve { lp: lp.clone(), parameter, backend, accuracy: Accuracy::of(backend), session: None }
    }

    /// The optimum at the current right-hand sides, and its row duals.
    fn solve_here(&mut self) -> Result<(LpOutcome, Option<Vec<f64>>), SolveError> {
        if self.backend != Backend::Engine {
            let outcome = solve_lp(&self.lp, self.backend)?;
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
        let (outcome, row_prices) = crate::solve::session_outcome(session, None)?;
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
            (LpOutcome::TimeLimit, _) => Err(SolveError("a re-solve stopped at a time limit".to_string())),
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
            Ok(match solve_lp(&search, self.backend)? {
                LpOutcome::Optimal { values, .. } => Some(values[t]),
                LpOutcome::Unbounded => Some(direction * f64::INFINITY),
                LpOutcome::Infeasible => None,
                LpOutcome::TimeLimit => return Err(SolveError("a re-solve stopped at a time limit".to_string())),
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
        Ok(match solve_lp(&reach, self.backend)? {
            LpOutcome::Optimal { values, .. } => {
                let activity: f64 = removed.terms.iter().map(|&(variable, weight)| weight * values[variable]).sum();
                Some(activity / coefficient)
            }
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
        match solve_lp(&dual, FAR_BACKEND)? {
            LpOutcome::Optimal { values, .. } => Ok(self.parameter.slope(&values)),
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
            if let LpOutcome::Optimal { values, .. } = solve_lp(&dual, FAR_BACKEND)? {
                return Ok(-dual.objective_value(&values) + self.lp.objective_constant);
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
/// hold on) is left to the re-solves.
/// `--time-limit` ran out before the ranging could start.
#[derive(Debug)]
pub(crate) struct TimedOut;

pub(crate) struct BasisRanges {
    session: Session,
    row_duals: Vec<f64>,
    values: Vec<f64>,
}

impl BasisRanges {
    /// The basis of `lp`'s optimum, for a plan that came from the engine; `Ok(None)` otherwise,
    /// and `Err(TimedOut)` when `deadline` stopped the solve that finds it.
    pub(crate) fn of(lp: &LinearProgram, backend: Backend, deadline: Option<std::time::Instant>) -> Result<Option<BasisRanges>, TimedOut> {
        if backend != Backend::Engine {
            return Ok(None);
        }
        let mut session = Session::new(lp);
        match session.solve(deadline) {
            Ok(SessionStatus::Optimal) => {}
            Ok(SessionStatus::TimeLimit) => return Err(TimedOut),
            _ => return Ok(None),
        }
        let row_duals = session.row_duals();
        let values = session.values();
        Ok(Some(BasisRanges { session, row_duals, values }))
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
        self.session.cost_range(variable)
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

/// Ranges one named constraint.
fn range_constraint(
    instance: &Instance,
    formulation: &Formulation,
    plan: &Plan,
    row: usize,
    result: &super::ConstraintResult,
    backend: Backend,
    basis: Option<&mut BasisRanges>,
) -> Result<ConstraintRange, SolveError> {
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
    if let Some((increase, decrease)) = basis.and_then(|basis| basis.limit_reach(&parameter, current.slope, accuracy)) {
        for (side, reach) in sides.iter_mut().zip([increase, decrease]) {
            if !degenerate(reach, parameter.current) {
                *side = Some(OneSided { value: Some(current.slope), over: reach.is_finite().then_some(reach) });
            }
        }
    }
    let mut curve = LimitCurve::new(&formulation.lp, parameter, backend);
    let mut domain = None;
    for (side, sign) in sides.iter_mut().zip([1.0, -1.0]) {
        if side.is_some() {
            continue;
        }
        let feasible = match domain {
            Some(feasible) => feasible,
            None => *domain.insert(
                curve
                    .feasible_range(f64::NEG_INFINITY, f64::INFINITY)?
                    .ok_or_else(|| SolveError(format!("no feasible value of {} was found although the plan is feasible", result.id)))?,
            ),
        };
        *side = Some(limit_side(&mut curve, current, feasible, sign)?);
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
}

impl CoefficientCurve {
    /// Negated value and slope (the variable's value) at a shift `delta`.
    fn probe(&mut self, delta: f64) -> Result<Probe, SolveError> {
        self.lp.variables[self.variable].objective = self.original + delta;
        match solve_lp(&self.lp, self.backend)? {
            LpOutcome::Optimal { values, objective } => Ok(Probe { at: delta, value: -objective, slope: -values[self.variable] }),
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
        match solve_lp(&dual, self.backend)? {
            LpOutcome::Optimal { values, .. } => Ok(sign * values[shift]),
            LpOutcome::Unbounded => Ok(f64::INFINITY),
            LpOutcome::Infeasible => {
                Err(SolveError(format!("the bounded range of {} could not be found", self.lp.variables[self.variable].name)))
            }
            LpOutcome::TimeLimit => Err(SolveError("a re-solve stopped at a time limit".to_string())),
        }
    }

    /// The variable's largest (sign +1) or smallest (sign -1) value over the feasible set;
    /// `None` when unbounded.
    fn extreme_value(&self, sign: f64) -> Result<Option<f64>, SolveError> {
        let mut search = self.lp.clone();
        search.objective_constant = 0.0;
        search.variables.iter_mut().for_each(|variable| variable.objective = 0.0);
        search.variables[self.variable].objective = sign;
        match solve_lp(&search, self.backend)? {
            LpOutcome::Optimal { values, .. } => Ok(Some(values[self.variable])),
            LpOutcome::Unbounded => Ok(None),
            LpOutcome::Infeasible => Err(SolveError("a feasible plan became infeasible in a re-solve".to_string())),
            LpOutcome::TimeLimit => Err(SolveError("a re-solve stopped at a time limit".to_string())),
        }
    }

    /// The best objective with the variable pinned at `value` and its own coefficient as
    /// written: far out, `value(delta) = extreme * delta + this`.
    fn pinned_objective(&self, value: f64) -> Result<f64, SolveError> {
        let mut pinned = self.lp.clone();
        pinned.variables[self.variable].objective = self.original;
        pinned.variables[self.variable].lower = value;
        pinned.variables[self.variable].upper = value;
        match solve_lp(&pinned, self.backend)? {
            LpOutcome::Optimal { objective, .. } => Ok(objective),
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
    backend: Backend,
    basis: Option<&mut BasisRanges>,
) -> Result<AllocationRange, SolveError> {
    let mut curve =
        CoefficientCurve { lp: formulation.lp.clone(), variable, original: formulation.lp.variables[variable].objective, backend };
    let planned = plan.lp.values[variable];
    let accuracy = Accuracy::of(backend);
    let current = Probe { at: 0.0, value: -plan.objective, slope: -planned };
    let mut reach = [None, None];
    let from_basis = basis.and_then(|basis| basis.coefficient_reach(variable, planned, accuracy));
    for (index, sign) in [1.0, -1.0].into_iter().enumerate() {
        // From the basis where it is not degenerate: the plan stays optimal over the reach.
        if let Some(sides) = from_basis {
            let side = if sign > 0.0 { sides.0 } else { sides.1 };
            if !degenerate(side, curve.original) {
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
type Ranged<'a> = (std::borrow::Cow<'a, Formulation>, Backend, Option<BasisRanges>);

fn ranged_program<'a>(
    formulation: &'a Formulation,
    plan: &Plan,
    backend: Backend,
    deadline: Option<std::time::Instant>,
) -> Result<Ranged<'a>, TimedOut> {
    let formulation = match &plan.lp.exact_lp {
        Some(lp) => std::borrow::Cow::Owned(Formulation { lp: lp.clone(), ..formulation.clone() }),
        None => std::borrow::Cow::Borrowed(formulation),
    };
    let backend = crate::solve::bare_lp_backend(backend, &formulation.lp);
    let basis = BasisRanges::of(&formulation.lp, backend, deadline)?;
    Ok((formulation, backend, basis))
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
    // The Limits report reads the model as written (not a branch of the exact solve): the curve
    // order its pieces must follow is checked by the report itself.
    let Some(limits) = super::limits::allocation_limits(instance, formulation, plan, deadline)? else {
        return Ok(None);
    };
    // The deadline bounds the solve that finds the optimal basis too.
    let Ok((formulation, backend, mut basis)) = ranged_program(formulation, plan, backend, deadline) else {
        return Ok(None);
    };
    let formulation = formulation.as_ref();
    let named_rows = formulation.kinds.iter().enumerate().filter(|(_, kind)| !kind.is_internal()).map(|(row, _)| row);
    let mut constraints = Vec::with_capacity(plan.constraints.len());
    for (row, result) in named_rows.zip(&plan.constraints) {
        if super::past(deadline) {
            return Ok(None);
        }
        constraints.push(range_constraint(instance, formulation, plan, row, result, backend, basis.as_mut())?);
    }
    let mut allocations = Vec::with_capacity(plan.allocations.len());
    let pairs = (0..instance.customers.len()).flat_map(|c| (0..instance.resources.len()).map(move |r| (c, r)));
    for ((c, r), allocation) in pairs.zip(&plan.allocations) {
        if super::past(deadline) {
            return Ok(None);
        }
        let floor = formulation.row_of(ConstraintKind::Floor { customer: c, resource: r }).map_or(0.0, |row| formulation.lp.rows[row].rhs);
        allocations.push(range_allocation(formulation, plan, formulation.hours[c][r], floor, allocation, backend, basis.as_mut())?);
    }
    Ok(Some(Sensitivity { constraints, allocations, limits }))
}

/// The ranges of the capacity limits alone: what one more hour of each resource is worth and
/// for how many hours, at a few re-solves per resource.
pub(crate) fn capacity_ranges(
    instance: &Instance,
    formulation: &Formulation,
    plan: &Plan,
    backend: Backend,
) -> Result<Vec<ConstraintRange>, SolveError> {
    // Without a deadline the basis solve cannot time out; were it to, no range is given.
    let Ok((formulation, backend, mut basis)) = ranged_program(formulation, plan, backend, None) else {
        return Ok(Vec::new());
    };
    let formulation = formulation.as_ref();
    let named_rows = formulation.kinds.iter().enumerate().filter(|(_, kind)| !kind.is_internal()).map(|(row, _)| row);
    named_rows
        .zip(&plan.constraints)
        .filter(|(row, _)| matches!(formulation.kinds[*row], ConstraintKind::Capacity { .. }))
        .map(|(row, result)| range_constraint(instance, formulation, plan, row, result, backend, basis.as_mut()))
        .collect()
}

/// Solves an instance and, for an optimal plan, adds its sensitivity report.
pub fn solve_with_sensitivity(instance: &Instance, backend: Backend) -> Result<super::SolveReport, SolveError> {
    let formulation = crate::formulation::formulate(instance);
    let mut report = super::solve_formulation(instance, &formulation, backend)?;
    if report.status == Status::Optimal
        && let Some(plan) = report.plan.as_mut()
    {
        plan.sensitivity = sensitivity(instance, &formulation, plan, backend, None)?;
    }
    Ok(report)
}

fn tidy(value: f64) -> f64 {
    if value == 0.0 { 0.0 } else { value }
}
