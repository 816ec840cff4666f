//! Formulation: validated instance -> linear program with a registry of named constraints.
//!
//! capplan keeps its own LP representation rather than handing the model straight to a solver
//! crate: every row keeps the sense and right-hand side *as the planner wrote them* (a floor stays
//! `hours >= floor`), which is what gives shadow prices their documented sign, whatever the
//! backend does internally. The same representation is what duals are computed from.

pub mod export;
pub mod force;
mod program;

pub use program::{LinearProgram, LpRow, LpVariable, Sense};

use crate::model::{ExpectationKind, Instance, ShareBase, Source, ValueShareBase};

/// What a row of the LP stands for. Indices refer to the instance's resources, customers and
/// segments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ConstraintKind {
    /// Hours allocated of a resource <= capacity + expansion bought.
    Capacity {
        resource: usize,
    },
    /// Hours bought from one expansion option <= its limit.
    ExpansionLimit {
        resource: usize,
        option: usize,
    },
    /// Internal: ties a customer's hours to the pieces of its response curve.
    Response {
        customer: usize,
        resource: usize,
    },
    /// Internal: defines the total value variable used by value shares.
    TotalValue,
    Floor {
        customer: usize,
        resource: usize,
    },
    Cap {
        customer: usize,
        resource: usize,
    },
    Expectation {
        customer: usize,
        resource: usize,
    },
    CustomerShare {
        customer: usize,
        base: ShareBase,
    },
    /// Path dependence: hours <= current + allowed change.
    MaxIncrease {
        customer: usize,
        resource: usize,
    },
    /// Path dependence: hours >= current - allowed change.
    MaxDecrease {
        customer: usize,
        resource: usize,
    },
    SegmentMinHours {
        segment: usize,
        resource: usize,
    },
    SegmentMaxHours {
        segment: usize,
        resource: usize,
    },
    SegmentMinShare {
        segment: usize,
        base: ShareBase,
    },
    SegmentMaxShare {
        segment: usize,
        base: ShareBase,
    },
    /// A what-if: `hours[c,r]` = exactly the forced hours (see [`force`]).
    Force {
        customer: usize,
        resource: usize,
    },
    /// Internal (revenue risk): the shortfall of scenario `scenario`'s contribution below the
    /// value at risk, `shortfall[s] >= var - contribution[s]`.
    CvarShortfall {
        scenario: usize,
    },
    /// Revenue risk: CVaR of contribution = `var - sum_s p_s * shortfall_s / (1 - confidence)`
    /// >= `[risk] min_cvar`.
    CvarFloor,
}

impl ConstraintKind {
    /// The family name, the part of the id before the brackets.
    pub fn family(&self) -> &'static str {
        match self {
            ConstraintKind::Capacity { .. } => "capacity",
            ConstraintKind::ExpansionLimit { .. } => "expansion_limit",
            ConstraintKind::Response { .. } => "response",
            ConstraintKind::TotalValue => "total_value",
            ConstraintKind::Floor { .. } => "floor",
            ConstraintKind::Cap { .. } => "cap",
            ConstraintKind::Expectation { .. } => "expectation",
            ConstraintKind::MaxIncrease { .. } => "max_increase",
            ConstraintKind::MaxDecrease { .. } => "max_decrease",
            ConstraintKind::CustomerShare { .. } => "share_cap",
            ConstraintKind::SegmentMinHours { .. } => "segment_min_hours",
            ConstraintKind::SegmentMaxHours { .. } => "segment_max_hours",
            ConstraintKind::SegmentMinShare { .. } => "segment_min_share",
            ConstraintKind::SegmentMaxShare { .. } => "segment_max_share",
            ConstraintKind::Force { .. } => "force",
            ConstraintKind::CvarShortfall { .. } => "cvar_shortfall",
            ConstraintKind::CvarFloor => "cvar_floor",
        }
    }

    /// Internal rows are modelling devices, not limits a planner set; reports leave them out.
    pub fn is_internal(&self) -> bool {
        matches!(self, ConstraintKind::Response { .. } | ConstraintKind::TotalValue | ConstraintKind::CvarShortfall { .. })
    }

    /// Whether the limit was set in the instance or comes from the policy of the customer's
    /// portfolio category (for an expectation: whether its kind, hard or soft, came from there).
    pub fn source(&self, instance: &Instance) -> Source {
        match *self {
            ConstraintKind::Floor { customer, resource } => instance.customers[customer].sources.floor[resource],
            ConstraintKind::Cap { customer, resource } => instance.customers[customer].sources.cap[resource],
            ConstraintKind::Expectation { customer, resource } => instance.customers[customer].sources.expectation_kind[resource],
            ConstraintKind::MaxIncrease { customer, resource } | ConstraintKind::MaxDecrease { customer, resource } => {
                instance.customers[customer].sources.max_change[resource]
            }
            _ => Source::Instance,
        }
    }

    /// For a share limit, its base and the share the instance sets (a fraction).
    pub fn share(&self, instance: &Instance) -> Option<(ShareBase, f64)> {
        let find = |shares: &[(ShareBase, f64)], base: ShareBase| shares.iter().find(|(b, _)| *b == base).map(|&(_, share)| (base, share));
        match *self {
            ConstraintKind::CustomerShare { customer, base } => find(&instance.customers[customer].max_share, base),
            ConstraintKind::SegmentMinShare { segment, base } => find(&instance.segments[segment].min_share, base),
            ConstraintKind::SegmentMaxShare { segment, base } => find(&instance.segments[segment].max_share, base),
            _ => None,
        }
    }

    /// The customer a per-customer limit belongs to.
    pub fn customer(&self) -> Option<usize> {
        match *self {
            ConstraintKind::Response { customer, .. }
            | ConstraintKind::Floor { customer, .. }
            | ConstraintKind::Cap { customer, .. }
            | ConstraintKind::Expectation { customer, .. }
            | ConstraintKind::CustomerShare { customer, .. }
            | ConstraintKind::MaxIncrease { customer, .. }
            | ConstraintKind::MaxDecrease { customer, .. } => Some(customer),
            _ => None,
        }
    }

    /// The stable, human-readable id, e.g. `floor[m1/service]`.
    pub fn id(&self, instance: &Instance) -> String {
        let resource = |r: usize| instance.resources[r].id.as_str();
        let customer = |c: usize| instance.customers[c].id.as_str();
        let segment = |s: usize| instance.segments[s].id.as_str();
        let family = self.family();
        match *self {
            ConstraintKind::Capacity { resource: r } => format!("{family}[{}]", resource(r)),
            ConstraintKind::ExpansionLimit { resource: r, option } => {
                format!("{family}[{}/{}]", resource(r), instance.resources[r].expansion[option].id)
            }
            ConstraintKind::TotalValue | ConstraintKind::CvarFloor => family.to_string(),
            ConstraintKind::CvarShortfall { scenario } => {
                let id = instance.risk.as_ref().map_or("?", |risk| risk.scenarios[scenario].id.as_str());
                format!("{family}[{id}]")
            }
            ConstraintKind::Response { customer: c, resource: r }
            | ConstraintKind::Floor { customer: c, resource: r }
            | ConstraintKind::Cap { customer: c, resource: r }
            | ConstraintKind::Expectation { customer: c, resource: r }
            | ConstraintKind::MaxIncrease { customer: c, resource: r }
            | ConstraintKind::MaxDecrease { customer: c, resource: r }
            | ConstraintKind::Force { customer: c, resource: r } => format!("{family}[{}/{}]", customer(c), resource(r)),
            ConstraintKind::CustomerShare { customer: c, base } => format!("{family}[{}/{}]", instance.share_base_id(base), customer(c)),
            ConstraintKind::SegmentMinHours { segment: s, resource: r } | ConstraintKind::SegmentMaxHours { segment: s, resource: r } => {
                format!("{family}[{}/{}]", segment(s), resource(r))
            }
            ConstraintKind::SegmentMinShare { segment: s, base } | ConstraintKind::SegmentMaxShare { segment: s, base } => {
                format!("{family}[{}/{}]", instance.share_base_id(base), segment(s))
            }
        }
    }
}

/// The LP built from an instance, with the index of every variable the reports need.
#[derive(Debug, Clone)]
pub struct Formulation {
    pub lp: LinearProgram,
    /// What each row stands for, parallel to `lp.rows`.
    pub kinds: Vec<ConstraintKind>,
    /// `hours[customer][resource]`: variable index of the hours allocated.
    pub hours: Vec<Vec<usize>>,
    /// `pieces[customer][resource][k]`: hours on the k-th piece of the response curve.
    pub pieces: Vec<Vec<Vec<usize>>>,
    /// `expansion[resource][option]`: hours bought.
    pub expansion: Vec<Vec<usize>>,
    /// `shortfall[customer][resource]`: hours short of a soft expectation.
    pub shortfall: Vec<Vec<Option<usize>>>,
    /// The total value variable, present only when some limit is a share of value.
    pub total_value: Option<usize>,
    /// The CVaR variables, present only when the instance sets a CVaR floor or a risk weight
    /// (or the frontier added them, [`add_cvar`]).
    pub cvar: Option<CvarColumns>,
}

/// The Rockafellar-Uryasev variables of the CVaR of contribution.
#[derive(Debug, Clone)]
pub struct CvarColumns {
    /// The value at risk (free): at the optimum, the contribution the worst tail stays below.
    pub var: usize,
    /// Per scenario: how far its contribution falls below `var` (>= 0).
    pub shortfalls: Vec<usize>,
    /// `(variable, coefficient)` of the CVaR: `var` with 1, each shortfall with
    /// `-probability / (1 - confidence)`.
    pub cvar_terms: Vec<(usize, f64)>,
}

impl Formulation {
    /// Row index of a constraint, if the instance has it.
    pub fn row_of(&self, kind: ConstraintKind) -> Option<usize> {
        self.kinds.iter().position(|k| *k == kind)
    }
}

/// Builds the LP: maximise value - hour costs - expansion costs - shortfall penalties (expected
/// values under `[risk]`, plus the risk weight times the CVaR of contribution). Hour costs
/// price every allocated hour at the resource's own rate; an expansion hour adds what it costs
/// beyond that (`Resource::expansion_extra_cost_per_hour`).
pub fn formulate(instance: &Instance) -> Formulation {
    let mut lp = LinearProgram::default();
    let mut kinds = Vec::new();
    let mut push_row = |lp: &mut LinearProgram, kind: ConstraintKind, terms: Vec<(usize, f64)>, sense: Sense, rhs: f64| {
        lp.rows.push(LpRow { name: kind.id(instance), terms, sense, rhs });
        kinds.push(kind);
    };

    // Variables first, in a fixed order, so that the LP is identical for identical input.
    let hours: Vec<Vec<usize>> = instance
        .customers
        .iter()
        .map(|customer| {
            instance
                .resources
                .iter()
                .map(|resource| {
                    lp.add_variable(format!("hours[{}/{}]", customer.id, resource.id), 0.0, f64::INFINITY, -resource.cost_per_hour)
                })
                .collect()
        })
        .collect();
    let pieces: Vec<Vec<Vec<usize>>> = instance
        .customers
        .iter()
        .map(|customer| {
            instance
                .resources
                .iter()
                .zip(&customer.responses)
                .map(|(resource, curve)| {
                    // A priority weight scales the value the objective counts, not the value
                    // the reports show.
                    lp.objective_constant += customer.priority_weight * curve.value_at_zero;
                    curve
                        .pieces
                        .iter()
                        .enumerate()
                        .map(|(k, piece)| {
                            lp.add_variable(
                                format!("piece[{}/{}/{}]", customer.id, resource.id, k + 1),
                                0.0,
                                piece.length_hours.unwrap_or(f64::INFINITY),
                                customer.priority_weight * piece.value_per_hour,
                            )
                        })
                        .collect()
                })
                .collect()
        })
        .collect();
    let expansion: Vec<Vec<usize>> = instance
        .resources
        .iter()
        .map(|resource| {
            resource
                .expansion
                .iter()
                .map(|option| {
                    // Every allocated hour already pays the resource's own rate (on `hours`), so a
                    // bought hour carries only what it costs beyond that.
                    let extra = resource.expansion_extra_cost_per_hour(option);
                    lp.add_variable(format!("expansion[{}/{}]", resource.id, option.id), 0.0, f64::INFINITY, -extra)
                })
                .collect()
        })
        .collect();
    let shortfall: Vec<Vec<Option<usize>>> = instance
        .customers
        .iter()
        .map(|customer| {
            instance
                .resources
                .iter()
                .zip(&customer.expectations)
                .map(|(resource, expectation)| match expectation {
                    Some(expectation) if expectation.kind == ExpectationKind::Soft => Some(lp.add_variable(
                        format!("shortfall[{}/{}]", customer.id, resource.id),
                        0.0,
                        f64::INFINITY,
                        -expectation.penalty_per_hour,
                    )),
                    _ => None,
                })
                .collect()
        })
        .collect();
    let uses_value_share = instance.customers.iter().any(|c| c.max_share.iter().any(|(base, _)| *base == ShareBase::Value))
        || instance.segments.iter().any(|s| s.min_share.iter().chain(&s.max_share).any(|(base, _)| *base == ShareBase::Value));
    // Total value can be negative (loss-making customers), so the variable is free. A share of
    // a fixed total needs no variable: the total is a number.
    let fixed_value_total = match instance.value_share_base {
        ValueShareBase::Fixed { total, .. } => Some(total),
        ValueShareBase::Plan => None,
    };
    let total_value = (uses_value_share && fixed_value_total.is_none())
        .then(|| lp.add_variable("total_value".to_string(), f64::NEG_INFINITY, f64::INFINITY, 0.0));
    // `share x base` of a value share as (terms, constant).
    let value_base = |share: f64| -> (Vec<(usize, f64)>, f64) {
        match fixed_value_total {
            Some(total) => (Vec::new(), share * total),
            None => (vec![(total_value.expect("total value exists when a value share of the plan is used"), share)], 0.0),
        }
    };

    // The value of customer c as (terms, constant).
    let customer_value = |c: usize| -> (Vec<(usize, f64)>, f64) {
        let customer = &instance.customers[c];
        let mut terms = Vec::new();
        let mut constant = 0.0;
        for (r, curve) in customer.responses.iter().enumerate() {
            constant += curve.value_at_zero;
            for (k, piece) in curve.pieces.iter().enumerate() {
                if piece.value_per_hour != 0.0 {
                    terms.push((pieces[c][r][k], piece.value_per_hour));
                }
            }
        }
        (terms, constant)
    };
    // Available hours of r as (terms, constant): capacity + expansion bought.
    let available_hours = |r: usize| -> (Vec<(usize, f64)>, f64) {
        (expansion[r].iter().map(|&variable| (variable, 1.0)).collect(), instance.resources[r].capacity_hours)
    };

    for (r, resource) in instance.resources.iter().enumerate() {
        let mut terms: Vec<(usize, f64)> = hours.iter().map(|row| (row[r], 1.0)).collect();
        terms.extend(expansion[r].iter().map(|&variable| (variable, -1.0)));
        push_row(&mut lp, ConstraintKind::Capacity { resource: r }, terms, Sense::Le, resource.capacity_hours);
    }
    for (r, resource) in instance.resources.iter().enumerate() {
        for (option_index, option) in resource.expansion.iter().enumerate() {
            if let Some(max_hours) = option.max_hours {
                push_row(
                    &mut lp,
                    ConstraintKind::ExpansionLimit { resource: r, option: option_index },
                    vec![(expansion[r][option_index], 1.0)],
                    Sense::Le,
                    max_hours,
                );
            }
        }
    }
    if let Some(total) = total_value {
        let mut terms = vec![(total, 1.0)];
        let mut constant = 0.0;
        for c in 0..instance.customers.len() {
            let (value_terms, value_constant) = customer_value(c);
            terms.extend(value_terms.into_iter().map(|(variable, slope)| (variable, -slope)));
            constant += value_constant;
        }
        push_row(&mut lp, ConstraintKind::TotalValue, terms, Sense::Eq, constant);
    }

    for (c, customer) in instance.customers.iter().enumerate() {
        for r in 0..instance.resources.len() {
            let mut terms = vec![(hours[c][r], 1.0)];
            terms.extend(pieces[c][r].iter().map(|&variable| (variable, -1.0)));
            push_row(&mut lp, ConstraintKind::Response { customer: c, resource: r }, terms, Sense::Eq, 0.0);
        }
        for r in 0..instance.resources.len() {
            if let Some(floor) = customer.floor_hours[r] {
                push_row(&mut lp, ConstraintKind::Floor { customer: c, resource: r }, vec![(hours[c][r], 1.0)], Sense::Ge, floor);
            }
            if let Some(cap) = customer.cap_hours[r] {
                push_row(&mut lp, ConstraintKind::Cap { customer: c, resource: r }, vec![(hours[c][r], 1.0)], Sense::Le, cap);
            }
            if let Some(expectation) = customer.expectations[r] {
                let mut terms = vec![(hours[c][r], 1.0)];
                if let Some(short) = shortfall[c][r] {
                    terms.push((short, 1.0));
                }
                push_row(&mut lp, ConstraintKind::Expectation { customer: c, resource: r }, terms, Sense::Ge, expectation.hours);
            }
            if let Some(change) = customer.max_change_hours[r] {
                let current = customer.current_hours[r];
                push_row(
                    &mut lp,
                    ConstraintKind::MaxIncrease { customer: c, resource: r },
                    vec![(hours[c][r], 1.0)],
                    Sense::Le,
                    current + change,
                );
                // Below zero the hours' own bound already holds.
                if current - change > 0.0 {
                    push_row(
                        &mut lp,
                        ConstraintKind::MaxDecrease { customer: c, resource: r },
                        vec![(hours[c][r], 1.0)],
                        Sense::Ge,
                        current - change,
                    );
                }
            }
        }
        for &(base, share) in &customer.max_share {
            let (terms, rhs) = match base {
                ShareBase::Resource(r) => {
                    // hours[c,r] <= share * (capacity + expansion)
                    let (available_terms, capacity) = available_hours(r);
                    let mut terms = vec![(hours[c][r], 1.0)];
                    terms.extend(available_terms.into_iter().map(|(variable, one)| (variable, -share * one)));
                    (terms, share * capacity)
                }
                ShareBase::Value => {
                    // value_c <= share * total value (a variable, or a fixed number)
                    let (mut terms, constant) = customer_value(c);
                    let (base_terms, base_constant) = value_base(share);
                    terms.extend(base_terms.into_iter().map(|(variable, coefficient)| (variable, -coefficient)));
                    (terms, base_constant - constant)
                }
            };
            push_row(&mut lp, ConstraintKind::CustomerShare { customer: c, base }, terms, Sense::Le, rhs);
        }
    }

    for (s, segment) in instance.segments.iter().enumerate() {
        let members: Vec<usize> = (0..instance.customers.len()).filter(|&c| instance.customers[c].segment == Some(s)).collect();
        for r in 0..instance.resources.len() {
            let terms: Vec<(usize, f64)> = members.iter().map(|&c| (hours[c][r], 1.0)).collect();
            if let Some(min) = segment.min_hours[r] {
                push_row(&mut lp, ConstraintKind::SegmentMinHours { segment: s, resource: r }, terms.clone(), Sense::Ge, min);
            }
            if let Some(max) = segment.max_hours[r] {
                push_row(&mut lp, ConstraintKind::SegmentMaxHours { segment: s, resource: r }, terms, Sense::Le, max);
            }
        }
        let share_row = |base: ShareBase, share: f64| -> (Vec<(usize, f64)>, f64) {
            match base {
                ShareBase::Resource(r) => {
                    let (available_terms, capacity) = available_hours(r);
                    let mut terms: Vec<(usize, f64)> = members.iter().map(|&c| (hours[c][r], 1.0)).collect();
                    terms.extend(available_terms.into_iter().map(|(variable, one)| (variable, -share * one)));
                    (terms, share * capacity)
                }
                ShareBase::Value => {
                    let mut terms = Vec::new();
                    let mut constant = 0.0;
                    for &c in &members {
                        let (value_terms, value_constant) = customer_value(c);
                        terms.extend(value_terms);
                        constant += value_constant;
                    }
                    let (base_terms, base_constant) = value_base(share);
                    terms.extend(base_terms.into_iter().map(|(variable, coefficient)| (variable, -coefficient)));
                    (terms, base_constant - constant)
                }
            }
        };
        for &(base, share) in &segment.min_share {
            let (terms, rhs) = share_row(base, share);
            push_row(&mut lp, ConstraintKind::SegmentMinShare { segment: s, base }, terms, Sense::Ge, rhs);
        }
        for &(base, share) in &segment.max_share {
            let (terms, rhs) = share_row(base, share);
            push_row(&mut lp, ConstraintKind::SegmentMaxShare { segment: s, base }, terms, Sense::Le, rhs);
        }
    }

    let mut formulation = Formulation { lp, kinds, hours, pieces, expansion, shortfall, total_value, cvar: None };
    let Some(risk) = &instance.risk else { return formulation };
    let weight = risk.weight();
    if risk.min_cvar.is_none() && weight == 0.0 {
        return formulation;
    }
    let columns = add_cvar(instance, &mut formulation);
    if let Some(floor) = risk.min_cvar {
        formulation.lp.rows.push(LpRow {
            name: ConstraintKind::CvarFloor.id(instance),
            terms: columns.cvar_terms.clone(),
            sense: Sense::Ge,
            rhs: floor,
        });
        formulation.kinds.push(ConstraintKind::CvarFloor);
    }
    // expected contribution - weight x CVaR risk = expected contribution + weight x CVaR: the
    // CVaR's own terms, which at the optimum equal the plan's CVaR (the maximisation pushes
    // `var` to the value at risk and each shortfall down to what its row requires).
    if weight != 0.0 {
        for &(variable, coefficient) in &columns.cvar_terms {
            formulation.lp.variables[variable].objective += weight * coefficient;
        }
    }
    formulation.cvar = Some(columns);
    formulation
}

/// Adds the CVaR of contribution at the instance's confidence to a formulation, linearly
/// (Rockafellar-Uryasev): a free variable `var`, one shortfall `u[s] >= 0` per scenario with the
/// internal row `u[s] - var + contribution[s] >= 0`, so that for any plan
/// `max over var, u of var - sum p[s] u[s] / (1 - confidence)` is exactly the CVaR (the mean
/// contribution of the worst `1 - confidence` of the probability). The variables carry no
/// objective; the caller bounds or optimises the returned terms. Contribution in scenario `s`
/// is the value the curves give times the scenario's multiplier, minus hour, expansion and
/// penalty costs (priority weights left out, as in the reported contribution).
pub fn add_cvar(instance: &Instance, formulation: &mut Formulation) -> CvarColumns {
    let risk = instance.risk.as_ref().expect("a CVaR needs [risk] scenarios");
    let lp = &mut formulation.lp;
    let var = lp.add_variable("cvar_var".to_string(), f64::NEG_INFINITY, f64::INFINITY, 0.0);
    // The tail's weight per unit probability; confidence 0 makes the CVaR the mean.
    let tail = 1.0 / (1.0 - risk.confidence);
    let mut cvar_terms = vec![(var, 1.0)];
    let mut shortfalls = Vec::with_capacity(risk.scenarios.len());
    for (s, scenario) in risk.scenarios.iter().enumerate() {
        let shortfall = lp.add_variable(format!("cvar_shortfall[{}]", scenario.id), 0.0, f64::INFINITY, 0.0);
        shortfalls.push(shortfall);
        cvar_terms.push((shortfall, -scenario.probability * tail));
        let mut terms = vec![(shortfall, 1.0), (var, -1.0)];
        let mut constant = 0.0;
        for (c, customer) in instance.customers.iter().enumerate() {
            let ratio = risk.value_ratio(s, c);
            for (r, curve) in customer.responses.iter().enumerate() {
                constant += ratio * curve.value_at_zero;
                for (k, piece) in curve.pieces.iter().enumerate() {
                    if ratio * piece.value_per_hour != 0.0 {
                        terms.push((formulation.pieces[c][r][k], ratio * piece.value_per_hour));
                    }
                }
                let cost = instance.resources[r].cost_per_hour;
                if cost != 0.0 {
                    terms.push((formulation.hours[c][r], -cost));
                }
                if let (Some(short), Some(expectation)) = (formulation.shortfall[c][r], customer.expectations[r]) {
                    terms.push((short, -expectation.penalty_per_hour));
                }
            }
        }
        for (r, resource) in instance.resources.iter().enumerate() {
            for (o, option) in resource.expansion.iter().enumerate() {
                terms.push((formulation.expansion[r][o], -resource.expansion_extra_cost_per_hour(option)));
            }
        }
        lp.rows.push(LpRow { name: ConstraintKind::CvarShortfall { scenario: s }.id(instance), terms, sense: Sense::Ge, rhs: -constant });
        formulation.kinds.push(ConstraintKind::CvarShortfall { scenario: s });
    }
    CvarColumns { var, shortfalls, cvar_terms }
}
