//! Force what-ifs: fixing one allocation at exactly a given number of hours.
//!
//! A force is one more named row, `force[c/r]: hours[c,r] = forced hours`, added to the LP the
//! instance gives. Being a row (not a variable bound), it has a shadow price like every other
//! limit: the change of the optimal contribution per extra forced hour.

use std::fmt;

use super::{ConstraintKind, Formulation, LpRow, Sense};
use crate::model::Instance;

/// `customer/resource=hours`, resolved against an instance.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Force {
    pub customer: usize,
    pub resource: usize,
    pub hours: f64,
}

/// Why a force spec cannot be used; shown to the planner as a usage error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForceSpecError(pub String);

impl fmt::Display for ForceSpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ForceSpecError {}

impl Force {
    /// Parses `customer/resource=hours`, e.g. `m1/engineering=400`.
    pub fn parse(spec: &str, instance: &Instance) -> Result<Force, ForceSpecError> {
        let malformed = |why: &str| {
            ForceSpecError(format!("invalid --force {spec:?}: {why}; expected CUSTOMER/RESOURCE=HOURS, for example m1/engineering=400"))
        };
        let (target, hours_text) = spec.split_once('=').ok_or_else(|| malformed("no '='"))?;
        let (customer_id, resource_id) = target.split_once('/').ok_or_else(|| malformed("no '/' between customer and resource"))?;
        let (customer_id, resource_id, hours_text) = (customer_id.trim(), resource_id.trim(), hours_text.trim());
        let hours: f64 = hours_text.parse().map_err(|_| malformed(&format!("{hours_text:?} is not a number of hours")))?;
        if !hours.is_finite() || hours < 0.0 {
            return Err(malformed(&format!("expected a finite number of hours >= 0, found {hours_text}")));
        }
        // A subnormal number would reach the simplex, whose own checks fail on it (issue 11).
        if crate::model::is_too_small_to_compute_with(hours) {
            return Err(malformed(&format!("expected 0 or at least 2.2e-308 hours, found {hours_text}")));
        }
        let customer = instance.customer_index(customer_id).ok_or_else(|| {
            let known: Vec<&str> = instance.customers.iter().map(|c| c.id.as_str()).collect();
            ForceSpecError(format!("invalid --force {spec:?}: unknown customer {customer_id:?}; the customers are: {}", known.join(", ")))
        })?;
        let resource = instance.resource_index(resource_id).ok_or_else(|| {
            let known: Vec<&str> = instance.resources.iter().map(|r| r.id.as_str()).collect();
            ForceSpecError(format!("invalid --force {spec:?}: unknown resource {resource_id:?}; the resources are: {}", known.join(", ")))
        })?;
        // `+ 0.0` turns -0 into 0 so that reports never print "-0.0".
        Ok(Force { customer, resource, hours: hours + 0.0 })
    }

    /// Parses every spec; the same allocation forced twice is an error.
    pub fn parse_all(specs: &[String], instance: &Instance) -> Result<Vec<Force>, ForceSpecError> {
        let mut forces: Vec<Force> = Vec::with_capacity(specs.len());
        for spec in specs {
            let force = Force::parse(spec, instance)?;
            if forces.iter().any(|other| (other.customer, other.resource) == (force.customer, force.resource)) {
                return Err(ForceSpecError(format!(
                    "invalid --force {spec:?}: {}/{} is forced twice",
                    instance.customers[force.customer].id, instance.resources[force.resource].id
                )));
            }
            forces.push(force);
        }
        Ok(forces)
    }
}

impl Force {
    /// The most hours any plan can give the forced resource (capacity plus every expansion
    /// option's limit), when the forced hours are above it; `None` when they fit, or when some
    /// option is unlimited. A force beyond it is infeasible by arithmetic alone, and numbers
    /// such as 1e15 h put a solver out of its depth, so it is decided without one.
    pub fn beyond_reach(&self, instance: &Instance) -> Option<f64> {
        let resource = &instance.resources[self.resource];
        let expansion: Option<f64> = resource.expansion.iter().map(|option| option.max_hours).sum();
        let reach = resource.capacity_hours + expansion?;
        (self.hours > reach).then_some(reach)
    }
}

/// Adds one `force[c/r]` row per force to a formulation.
pub fn add_forces(formulation: &mut Formulation, instance: &Instance, forces: &[Force]) {
    for force in forces {
        let kind = ConstraintKind::Force { customer: force.customer, resource: force.resource };
        formulation.lp.rows.push(LpRow {
            name: kind.id(instance),
            terms: vec![(formulation.hours[force.customer][force.resource], 1.0)],
            sense: Sense::Eq,
            rhs: force.hours,
        });
        formulation.kinds.push(kind);
    }
}
