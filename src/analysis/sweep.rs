//! Sweeps: the exact value-of-capacity curve of one limit over an interval, its breakpoints and
//! the marginal value on each piece, with the stretches where no plan is feasible kept apart.

use serde::Serialize;

use super::parametric::{End, explore};
use super::ranging::{LimitCurve, LimitParameter};
use crate::formulation::{ConstraintKind, Formulation, Sense, formulate};
use crate::model::Instance;
use crate::solve::{Backend, LpOutcome, SolveError, solve_lp};

/// The exact value curve of one limit: the optimal objective as the limit moves from `from` to
/// `to`, its breakpoints and the marginal value on each piece.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Sweep {
    /// The `[plan]` header of the instance swept (the JSON report writes it beside the sweep).
    #[serde(skip)]
    pub header: crate::model::PlanHeader,
    /// The constraint swept, e.g. `capacity[engineering]`.
    pub constraint: String,
    /// The direction of the swept limit.
    pub sense: Sense,
    /// "hour" or "percentage point": the unit of the marginal values. Limits are in hours, or
    /// shares in [0, 1].
    pub unit: super::document::Unit,
    /// The start of the sweep (unit of the limit).
    pub from: f64,
    /// The end of the sweep (unit of the limit).
    pub to: f64,
    /// The limit as the instance writes it.
    pub current_limit: f64,
    /// The optimal objective at the current limit; `None` when it lies outside the sweep or no
    /// plan is feasible there.
    pub current_objective: Option<f64>,
    /// The part of `[from, to]` where a plan exists; `None`: nowhere.
    pub feasible_from: Option<f64>,
    /// The end of the part of `[from, to]` where a plan exists; `None`: nowhere.
    pub feasible_to: Option<f64>,
    /// Where the curve bends, with the ends of the feasible part: the curve is the straight line
    /// between consecutive points.
    pub points: Vec<SweepPoint>,
    /// The pieces between consecutive points.
    pub segments: Vec<SweepSegment>,
}

/// A breakpoint of the value curve (or an end of its feasible part).
#[derive(Debug, Clone, Copy, Serialize, schemars::JsonSchema)]
pub struct SweepPoint {
    /// The limit there (hours, or a share in [0, 1]).
    pub limit: f64,
    /// The optimal objective there (currency).
    pub objective: f64,
}

/// A linear piece of the value curve between two consecutive breakpoints.
#[derive(Debug, Clone, Copy, Serialize, schemars::JsonSchema)]
pub struct SweepSegment {
    /// The limit where the piece starts.
    pub from: f64,
    /// The limit where the piece ends.
    pub to: f64,
    /// The optimal objective at `from` (currency).
    pub objective_from: f64,
    /// The optimal objective at `to` (currency).
    pub objective_to: f64,
    /// Change of the objective per unit of the limit on this piece (currency per hour, or per
    /// percentage point for shares).
    pub marginal_value: f64,
}

/// Why a sweep could not be made.
#[derive(Debug, Clone, PartialEq)]
pub enum SweepError {
    /// The request does not fit the instance (unknown constraint, a share that cannot be swept,
    /// an empty interval): exit code 2.
    Input(String),
    /// The objective is unbounded wherever a plan exists: exit code 4.
    Unbounded,
    /// Solver trouble: exit code 1.
    Solve(SolveError),
}

impl From<SolveError> for SweepError {
    fn from(error: SolveError) -> Self {
        SweepError::Solve(error)
    }
}

/// What a sweep moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SweepTarget<'a> {
    /// A resource's capacity, everywhere it appears (`--resource`): its capacity row and the
    /// hours-share limits of that resource, which scale with it. Editing `capacity_hours` in the
    /// instance and re-solving gives the same curve.
    Capacity(&'a str),
    /// One named constraint's limit, every other row as written (`--constraint`).
    Constraint(&'a str),
}

/// Sweeps a limit from `from` to `to`.
pub fn sweep(instance: &Instance, target: SweepTarget<'_>, from: f64, to: f64, backend: Backend) -> Result<Sweep, SweepError> {
    if !(from.is_finite() && to.is_finite()) || from >= to {
        return Err(SweepError::Input(format!("the sweep needs finite limits with --from below --to; got {from} .. {to}")));
    }
    let formulation = formulate(instance);
    let named: Vec<usize> = (0..formulation.kinds.len()).filter(|&row| !formulation.kinds[row].is_internal()).collect();
    let constraint_id = match target {
        SweepTarget::Capacity(resource) => {
            let Some(r) = instance.resources.iter().position(|known| known.id == resource) else {
                let known: Vec<&str> = instance.resources.iter().map(|known| known.id.as_str()).collect();
                return Err(SweepError::Input(format!(
                    "the instance has no resource `{resource}`; its resources are: {}",
                    known.join(", ")
                )));
            };
            return sweep_parameter(
                instance,
                &formulation,
                LimitParameter::capacity(instance, &formulation, r),
                format!("capacity[{resource}]"),
                super::document::Unit::Hour,
                Sense::Le,
                from,
                to,
                backend,
            );
        }
        SweepTarget::Constraint(id) => id,
    };
    let Some(row) = named.iter().copied().find(|&row| formulation.lp.rows[row].name == constraint_id) else {
        let known: Vec<&str> = named.iter().map(|&row| formulation.lp.rows[row].name.as_str()).collect();
        return Err(SweepError::Input(format!(
            "the instance has no constraint `{constraint_id}`; its constraints are: {}",
            if known.is_empty() { "none".to_string() } else { known.join(", ") }
        )));
    };
    let parameter = LimitParameter::of(instance, &formulation, row)
        .map_err(|why| SweepError::Input(format!("`{constraint_id}` cannot be swept: {why}")))?;
    let unit = match formulation.kinds[row] {
        ConstraintKind::CustomerShare { .. } | ConstraintKind::SegmentMinShare { .. } | ConstraintKind::SegmentMaxShare { .. } => {
            super::document::Unit::PercentagePoint
        }
        // The CVaR floor is an amount of money.
        ConstraintKind::CvarFloor => super::document::Unit::Currency,
        _ => super::document::Unit::Hour,
    };
    let sense = formulation.lp.rows[row].sense;
    sweep_parameter(instance, &formulation, parameter, constraint_id.to_string(), unit, sense, from, to, backend)
}

#[allow(clippy::too_many_arguments)]
fn sweep_parameter(
    instance: &Instance,
    formulation: &Formulation,
    parameter: LimitParameter,
    constraint: String,
    unit: super::document::Unit,
    sense: Sense,
    from: f64,
    to: f64,
    backend: Backend,
) -> Result<Sweep, SweepError> {
    let per_unit = unit.step();
    let current_limit = parameter.current;
    let mut check = formulation.lp.clone();
    let mut curve = LimitCurve::new(&formulation.lp, parameter.clone(), backend);

    let mut result = Sweep {
        header: instance.plan.clone(),
        constraint,
        sense,
        unit,
        from,
        to,
        current_limit,
        current_objective: None,
        feasible_from: None,
        feasible_to: None,
        points: Vec::new(),
        segments: Vec::new(),
    };
    let Some((low, high)) = curve.feasible_range(from, to)? else {
        return Ok(result);
    };
    // Boundedness does not depend on a right-hand side: one solve decides it for the sweep.
    parameter.apply(&mut check, low);
    if solve_lp(&check, backend)? == LpOutcome::Unbounded {
        return Err(SweepError::Unbounded);
    }
    result.feasible_from = Some(low);
    result.feasible_to = Some(high);
    // The ends of the feasible range come from an LP and may lie a rounding error outside it,
    // where a re-solve's dual fails: probe a hair inside, then extend the end pieces to the true
    // ends (the curve is continuous).
    let hair = 1e-8 * (1.0 + low.abs() + high.abs());
    if high - low <= 4.0 * hair {
        // A single feasible point: no piece, one point.
        let point = curve.probe(0.5 * (low + high))?;
        result.points.push(SweepPoint { limit: low, objective: point.value });
        if (current_limit - low).abs() <= hair {
            result.current_objective = Some(point.value);
        }
        return Ok(result);
    }
    let start = curve.probe(low + hair)?;
    let end = curve.probe(high - hair)?;
    let accuracy = curve.accuracy;
    let mut segments = explore(start, End::Point(end), false, accuracy, |t| curve.probe(t))?;
    if let Some(first) = segments.first_mut() {
        first.value_from = first.value_at(low);
        first.from = low;
    }
    if let Some(last) = segments.last_mut() {
        last.to = high;
    }
    result.points.push(SweepPoint { limit: low, objective: segments[0].value_from });
    for segment in &segments {
        let objective_to = segment.value_at(segment.to);
        result.points.push(SweepPoint { limit: segment.to, objective: objective_to });
        result.segments.push(SweepSegment {
            from: segment.from,
            to: segment.to,
            objective_from: segment.value_from,
            objective_to,
            marginal_value: segment.slope * per_unit,
        });
    }
    if (low..=high).contains(&current_limit)
        && let Some(segment) = segments.iter().find(|segment| current_limit <= segment.to)
    {
        result.current_objective = Some(segment.value_at(current_limit));
    }
    Ok(result)
}
