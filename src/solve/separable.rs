//! The separable backend: an exact solver for capplan models whose only coupling rows are the
//! resource capacities.
//!
//! When every limit other than `capacity[r]` concerns one allocation (floors, caps, expectations,
//! and hours share caps of a resource that cannot be expanded, which are then plain bounds), the
//! LP splits per resource into a continuous concave knapsack: each customer's hours of resource
//! `r` earn a concave piecewise-linear net value (response slope - cost per hour, plus the
//! penalty per hour of a soft expectation while below it), between a lower bound (floor, hard
//! expectation) and an upper bound (cap, share cap). Capacity is supplied by the base hours (free)
//! and by expansion options (at their price). The optimum fills the forced hours first, then
//! takes the remaining demand pieces in order of net value per hour for as long as a piece earns
//! more than the cheapest supply left. The threshold where this stops is the capacity's shadow
//! price; every other dual follows from it per allocation.
//!
//! The result is the same LP optimum the general backends find (primal values for every LP
//! variable, a dual value for every row), checked by the strong-duality test in
//! [`crate::analysis::duals`], in O(P log P) for P curve pieces.
//!
//! Ties: pieces with equal net value are taken in customer order, then from the start of the
//! curve, so the plan is deterministic. In a degenerate optimum the capacity price is not unique;
//! the lower end of its range is reported (the value of one more hour), as documented in
//! docs/shadow-prices.md.

use crate::formulation::{ConstraintKind, Formulation, LinearProgram};
use crate::model::ShareBase;

/// What the separable backend found.
#[derive(Debug, Clone, PartialEq)]
pub enum SeparableOutcome {
    Optimal { values: Vec<f64>, row_duals: Vec<f64> },
    Infeasible,
    Unbounded,
}

/// Why the separable backend does not apply to a formulation, or `Ok` if it does.
pub fn applicability(formulation: &Formulation) -> Result<(), String> {
    for kind in &formulation.kinds {
        match *kind {
            ConstraintKind::Capacity { .. }
            | ConstraintKind::ExpansionLimit { .. }
            | ConstraintKind::Response { .. }
            | ConstraintKind::Floor { .. }
            | ConstraintKind::Cap { .. }
            | ConstraintKind::Expectation { .. }
            // Change limits and forced hours bound one allocation, like floors and caps.
            | ConstraintKind::MaxIncrease { .. }
            | ConstraintKind::MaxDecrease { .. }
            | ConstraintKind::Force { .. } => {}
            ConstraintKind::CustomerShare { base: ShareBase::Resource(resource), .. } => {
                if !formulation.expansion[resource].is_empty() {
                    return Err("an hours share cap on an expandable resource couples each customer to the expansion bought".into());
                }
            }
            ConstraintKind::CustomerShare { base: ShareBase::Value, .. } | ConstraintKind::TotalValue => {
                return Err("a value share cap couples every customer through the total value".into());
            }
            ConstraintKind::SegmentMinHours { .. }
            | ConstraintKind::SegmentMaxHours { .. }
            | ConstraintKind::SegmentMinShare { .. }
            | ConstraintKind::SegmentMaxShare { .. } => {
                return Err("segment limits couple the customers of a segment".into());
            }
            ConstraintKind::CvarShortfall { .. } | ConstraintKind::CvarFloor => {
                return Err("a CVaR floor couples every customer through the contribution of each revenue scenario".into());
            }
        }
    }
    Ok(())
}

/// The rows that concern one allocation (customer, resource), by row index.
#[derive(Debug, Clone, Copy, Default)]
struct AllocationRows {
    response: Option<usize>,
    floor: Option<usize>,
    cap: Option<usize>,
    expectation: Option<usize>,
    share: Option<usize>,
    max_increase: Option<usize>,
    max_decrease: Option<usize>,
    force: Option<usize>,
}

/// A stretch of one allocation's hours with a constant net value per hour.
#[derive(Debug, Clone, Copy)]
struct DemandPiece {
    customer: usize,
    /// Hours where the stretch starts (from 0).
    start: f64,
    /// Hours where it ends; infinite for an unbounded last piece.
    end: f64,
    /// Net value per hour.
    slope: f64,
}

/// Capacity available at a price: the base capacity (free) or one expansion option.
#[derive(Debug, Clone, Copy)]
struct SupplyPiece {
    /// `None` for the base capacity.
    option: Option<usize>,
    cost: f64,
    amount: f64,
    used: f64,
}

/// Relative distance under which two hour amounts are the same point (a filled piece ending at
/// 70 h computed as 69.99999999999999 h).
const SAME_POINT: f64 = 1e-9;

fn same_point(a: f64, b: f64) -> bool {
    // An unbounded end is never "about" a finite one. Purely relative: a curve's first piece may
    // be a millionth of an hour long, and an absolute floor would merge its ends.
    a == b || (a.is_finite() && b.is_finite() && (a - b).abs() <= SAME_POINT * a.abs().max(b.abs()))
}

/// Solves a formulation to which [`applicability`] says the backend applies.
pub fn solve(formulation: &Formulation) -> SeparableOutcome {
    let lp = &formulation.lp;
    let customer_count = formulation.hours.len();
    let resource_count = formulation.expansion.len();
    let mut rows = vec![vec![AllocationRows::default(); resource_count]; customer_count];
    let mut capacity_rows = vec![None; resource_count];
    let mut expansion_limit_rows = vec![Vec::new(); resource_count];
    for (row, kind) in formulation.kinds.iter().enumerate() {
        match *kind {
            ConstraintKind::Capacity { resource } => capacity_rows[resource] = Some(row),
            ConstraintKind::ExpansionLimit { resource, option } => expansion_limit_rows[resource].push((option, row)),
            ConstraintKind::Response { customer, resource } => rows[customer][resource].response = Some(row),
            ConstraintKind::Floor { customer, resource } => rows[customer][resource].floor = Some(row),
            ConstraintKind::Cap { customer, resource } => rows[customer][resource].cap = Some(row),
            ConstraintKind::Expectation { customer, resource } => rows[customer][resource].expectation = Some(row),
            ConstraintKind::CustomerShare { customer, base: ShareBase::Resource(resource) } => rows[customer][resource].share = Some(row),
            ConstraintKind::MaxIncrease { customer, resource } => rows[customer][resource].max_increase = Some(row),
            ConstraintKind::MaxDecrease { customer, resource } => rows[customer][resource].max_decrease = Some(row),
            ConstraintKind::Force { customer, resource } => rows[customer][resource].force = Some(row),
            _ => {}
        }
    }

    let mut values = vec![0.0; lp.variables.len()];
    let mut row_duals = vec![0.0; lp.rows.len()];
    let mut unbounded = false;
    for resource in 0..resource_count {
        let allocation_rows: Vec<AllocationRows> = rows.iter().map(|per_customer| per_customer[resource]).collect();
        let outcome = solve_resource(
            formulation,
            resource,
            capacity_rows[resource],
            &expansion_limit_rows[resource],
            &allocation_rows,
            &mut values,
            &mut row_duals,
        );
        match outcome {
            ResourceOutcome::Solved => {}
            ResourceOutcome::Infeasible => return SeparableOutcome::Infeasible,
            // Infeasibility of a later resource takes precedence, as it does for an LP solver.
            ResourceOutcome::Unbounded => unbounded = true,
        }
    }
    if unbounded {
        return SeparableOutcome::Unbounded;
    }
    SeparableOutcome::Optimal { values, row_duals }
}

/// How one resource's knapsack ended.
enum ResourceOutcome {
    Solved,
    Infeasible,
    Unbounded,
}

/// One allocation's bounds, curve and soft expectation, read from the LP.
struct Allocation {
    lower: f64,
    upper: f64,
    cost_per_hour: f64,
    /// (value per hour, length) of each curve piece, in curve order.
    pieces: Vec<(f64, f64)>,
    /// (expected hours, penalty per hour) of a soft expectation.
    soft: Option<(f64, f64)>,
}

fn read_allocation(formulation: &Formulation, customer: usize, resource: usize, rows: &AllocationRows) -> Allocation {
    let lp = &formulation.lp;
    let hours_variable = &lp.variables[formulation.hours[customer][resource]];
    let mut lower = hours_variable.lower.max(0.0);
    let mut upper = hours_variable.upper;
    let rhs = |row: Option<usize>| row.map(|row| lp.rows[row].rhs);
    for limit in [rhs(rows.floor), rhs(rows.max_decrease), rhs(rows.force)].into_iter().flatten() {
        lower = lower.max(limit);
    }
    let shortfall = formulation.shortfall[customer][resource];
    let mut soft = None;
    if let Some(expected) = rhs(rows.expectation) {
        match shortfall {
            Some(variable) => soft = Some((expected, -lp.variables[variable].objective)),
            None => lower = lower.max(expected),
        }
    }
    for limit in [rhs(rows.cap), rhs(rows.share), rhs(rows.max_increase), rhs(rows.force)].into_iter().flatten() {
        upper = upper.min(limit);
    }
    let pieces = formulation.pieces[customer][resource]
        .iter()
        .map(|&variable| (lp.variables[variable].objective, lp.variables[variable].upper))
        .collect();
    Allocation { lower, upper, cost_per_hour: -hours_variable.objective, pieces, soft }
}

impl Allocation {
    /// The net value per hour as consecutive stretches (start, end, slope) from 0 hours on; a soft
    /// expectation splits the piece it falls in, and adds its penalty below the expected hours.
    fn net_stretches(&self) -> Vec<(f64, f64, f64)> {
        let mut stretches = Vec::with_capacity(self.pieces.len() + 1);
        let mut start = 0.0;
        for &(slope, length) in &self.pieces {
            let end = start + length;
            let net = slope - self.cost_per_hour;
            match self.soft {
                Some((expected, penalty)) if expected > start && expected < end => {
                    stretches.push((start, expected, net + penalty));
                    stretches.push((expected, end, net));
                }
                Some((expected, penalty)) if expected >= end => stretches.push((start, end, net + penalty)),
                _ => stretches.push((start, end, net)),
            }
            start = end;
            if !start.is_finite() {
                break;
            }
        }
        stretches
    }

    /// Net slope to the right and to the left of `hours` (the left slope at 0 is +inf), and the
    /// same split into the curve's own slope and the penalty part.
    fn slopes_at(&self, hours: f64) -> Slopes {
        let mut curve_right = self.pieces.last().map_or(0.0, |piece| piece.0);
        let mut curve_left = f64::INFINITY;
        let mut start = 0.0;
        for &(slope, length) in &self.pieces {
            let end = start + length;
            if same_point(hours, start) || hours < start {
                curve_right = slope;
                break;
            }
            curve_left = slope;
            if hours < end && !same_point(hours, end) {
                curve_right = slope;
                break;
            }
            start = end;
        }
        let (penalty_right, penalty_left) = match self.soft {
            Some((expected, penalty)) => {
                let below = hours < expected && !same_point(hours, expected);
                let at_or_below = hours < expected || same_point(hours, expected);
                (if below { penalty } else { 0.0 }, if at_or_below && hours > 0.0 { penalty } else { 0.0 })
            }
            None => (0.0, 0.0),
        };
        Slopes { curve_right, curve_left, penalty_right, penalty_left }
    }
}

/// Slopes of one allocation at its planned hours, per hour: the response curve's own to the
/// right and left, and a soft expectation's penalty to the right and left.
struct Slopes {
    curve_right: f64,
    curve_left: f64,
    penalty_right: f64,
    penalty_left: f64,
}

#[allow(clippy::too_many_arguments)]
fn solve_resource(
    formulation: &Formulation,
    resource: usize,
    capacity_row: Option<usize>,
    expansion_limit_rows: &[(usize, usize)],
    rows: &[AllocationRows],
    values: &mut [f64],
    row_duals: &mut [f64],
) -> ResourceOutcome {
    let lp = &formulation.lp;
    let allocations: Vec<Allocation> = rows.iter().enumerate().map(|(c, rows)| read_allocation(formulation, c, resource, rows)).collect();
    if allocations.iter().any(|allocation| allocation.lower > allocation.upper && !same_point(allocation.lower, allocation.upper)) {
        return ResourceOutcome::Infeasible;
    }

    // Supply: base capacity, then expansion options from the cheapest. A capacity below zero
    // (a perturbed limit) must be made up by expansion before any hour is given.
    let capacity = capacity_row.map_or(f64::INFINITY, |row| lp.rows[row].rhs);
    let mut supply = vec![SupplyPiece { option: None, cost: 0.0, amount: capacity.max(0.0), used: 0.0 }];
    let mut options: Vec<SupplyPiece> = formulation.expansion[resource]
        .iter()
        .enumerate()
        .map(|(option, &variable)| {
            let limit = expansion_limit_rows.iter().find(|(o, _)| *o == option).map_or(f64::INFINITY, |&(_, row)| lp.rows[row].rhs);
            SupplyPiece {
                option: Some(option),
                cost: -lp.variables[variable].objective,
                amount: limit.min(lp.variables[variable].upper),
                used: 0.0,
            }
        })
        .collect();
    options.sort_by(|a, b| a.cost.total_cmp(&b.cost).then(a.option.cmp(&b.option)));
    supply.extend(options);

    // Forced hours (floors, hard expectations) come first, from the cheapest supply.
    let forced: f64 = allocations.iter().map(|allocation| allocation.lower).sum::<f64>() + (-capacity).max(0.0);
    let mut supply_index = 0;
    let mut still_forced = forced;
    while still_forced > SAME_POINT * forced {
        let Some(piece) = supply.get_mut(supply_index) else {
            return ResourceOutcome::Infeasible;
        };
        let take = still_forced.min(piece.amount - piece.used);
        piece.used += take;
        still_forced -= take;
        if piece.used >= piece.amount {
            supply_index += 1;
        }
    }

    // Demand above the forced hours, up to each allocation's upper bound, best net value first.
    let mut demand: Vec<DemandPiece> = Vec::new();
    for (customer, allocation) in allocations.iter().enumerate() {
        for (start, end, slope) in allocation.net_stretches() {
            let start = start.max(allocation.lower);
            let end = end.min(allocation.upper);
            if end > start && !same_point(start, end) && slope > 0.0 {
                demand.push(DemandPiece { customer, start, end, slope });
            }
        }
    }
    demand.sort_by(|a, b| b.slope.total_cmp(&a.slope).then(a.customer.cmp(&b.customer)).then(a.start.total_cmp(&b.start)));

    let mut hours: Vec<f64> = allocations.iter().map(|allocation| allocation.lower).collect();
    // The range of capacity prices consistent with the fill is [price_low, price_high]: every
    // piece taken earns at least the price, every piece left earns at most it, every supply
    // used costs at most it, every supply left costs at least it.
    let mut price_high: f64 = f64::INFINITY;
    let mut demand_index = 0;
    while demand_index < demand.len() {
        let piece = demand[demand_index];
        let Some(source) = supply.get_mut(supply_index) else { break };
        if piece.slope <= source.cost {
            break;
        }
        let wanted = piece.end - piece.start;
        let left = source.amount - source.used;
        if wanted.is_infinite() && left.is_infinite() {
            return ResourceOutcome::Unbounded;
        }
        if wanted <= left {
            hours[piece.customer] = piece.end;
            source.used += wanted;
            price_high = price_high.min(piece.slope);
            demand_index += 1;
            if source.used >= source.amount {
                supply_index += 1;
            }
        } else {
            // This supply runs out inside the piece; the rest of it may come from the next one.
            if left > 0.0 {
                hours[piece.customer] = piece.start + left;
                price_high = price_high.min(piece.slope);
                demand[demand_index].start += left;
            }
            source.used = source.amount;
            supply_index += 1;
        }
    }
    let mut price_low: f64 = demand.get(demand_index).map_or(0.0, |piece| piece.slope.max(0.0));
    for piece in &supply {
        if piece.used > 0.0 {
            price_low = price_low.max(piece.cost);
        }
        if piece.used < piece.amount {
            price_high = price_high.min(piece.cost);
        }
    }
    // The lower end of the range: what one more hour of capacity is worth.
    let price = price_low;
    debug_assert!(price <= price_high + 1e-9 * (1.0 + price_high.abs()), "price range [{price}, {price_high}] is empty");
    if let Some(row) = capacity_row {
        row_duals[row] = price;
    }
    for piece in &supply {
        if let Some(option) = piece.option {
            let variable = formulation.expansion[resource][option];
            values[variable] = piece.used;
            if let Some(&(_, row)) = expansion_limit_rows.iter().find(|(o, _)| *o == option) {
                row_duals[row] = (price - piece.cost).max(0.0);
            }
        }
    }

    for (customer, allocation) in allocations.iter().enumerate() {
        let planned = hours[customer];
        values[formulation.hours[customer][resource]] = planned;
        let mut remaining = planned;
        for (k, &variable) in formulation.pieces[customer][resource].iter().enumerate() {
            let used = remaining.min(allocation.pieces[k].1);
            values[variable] = used.max(0.0);
            remaining -= used;
        }
        if let (Some(variable), Some((expected, _))) = (formulation.shortfall[customer][resource], allocation.soft) {
            values[variable] = (expected - planned).max(0.0);
        }
        allocation_duals(allocation, planned, price, &rows[customer], lp, row_duals);
    }
    ResourceOutcome::Solved
}

/// Row duals of one allocation's own rows, given the capacity price.
///
/// The net marginal value the allocation is credited with lies between its right and left net
/// slopes at the planned hours; the one closest to the price is chosen, and what is left over is
/// the price of the bound that holds the allocation (a floor or hard expectation below, a cap or
/// share cap above). The credited marginal is then split into the curve's part (the response
/// row) and the soft expectation's part.
fn allocation_duals(allocation: &Allocation, planned: f64, price: f64, rows: &AllocationRows, lp: &LinearProgram, row_duals: &mut [f64]) {
    let slopes = allocation.slopes_at(planned);
    let right = slopes.curve_right + slopes.penalty_right - allocation.cost_per_hour;
    let left = slopes.curve_left + slopes.penalty_left - allocation.cost_per_hour;
    let credited = price.clamp(right, left.max(right));
    let held = credited - price;
    let at = |row: Option<usize>| row.filter(|&row| same_point(lp.rows[row].rhs, planned));
    if held < 0.0 {
        let hard_expectation = rows.expectation.filter(|_| allocation.soft.is_none());
        if let Some(row) = at(rows.floor).or(at(hard_expectation)).or(at(rows.max_decrease)).or(at(rows.force)) {
            row_duals[row] = held;
        }
    } else if held > 0.0
        && let Some(row) = at(rows.cap).or(at(rows.share)).or(at(rows.max_increase)).or(at(rows.force))
    {
        row_duals[row] = held;
    }
    let gross = credited + allocation.cost_per_hour;
    let curve_part = (gross - slopes.penalty_right).clamp(slopes.curve_right, slopes.curve_left.max(slopes.curve_right));
    if let Some(row) = rows.response {
        // The response row is `hours - sum of pieces = 0`: +1 on its right-hand side is an hour
        // that returns nothing, so its price is minus the curve's marginal value.
        row_duals[row] = -curve_part;
    }
    if let (Some(row), Some(_)) = (rows.expectation, allocation.soft) {
        row_duals[row] = curve_part - gross;
    }
}
