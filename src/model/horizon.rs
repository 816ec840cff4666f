//! Multi-period plans: the periods of an instance (`[[periods]]`), what differs in each, and the
//! limits on how far a customer's hours may move from one period to the next
//! (`[change_limits]`). A period is planned with the instance's own model, its values replaced by
//! the period's ([`Horizon::period_instance`]); the periods are linked only by the change limits.

use std::collections::BTreeMap;

use super::validate::{Rule, Validator};
use super::{Customer, Instance, Resource, ResponseCurve};
use crate::input::{RawChangeLimitTables, RawChangeLimits, RawPeriod, RawTable, Spanned};

/// The periods of a multi-period instance, in plan order, and the change limits between them.
#[derive(Debug, Clone, PartialEq)]
pub struct Horizon {
    pub(crate) periods: Vec<Period>,
    /// `[customer][resource]`: the effective limits on the change between consecutive periods.
    pub(crate) change_limits: Vec<Vec<ChangeLimit>>,
}

/// One period: its id, label and the values that differ from the instance's.
#[derive(Debug, Clone, PartialEq)]
pub struct Period {
    pub(crate) id: String,
    pub(crate) label: String,
    /// Per resource index: hours available in this period.
    pub(crate) capacity_hours: Vec<f64>,
    /// Per resource index: currency per hour allocated in this period.
    pub(crate) cost_per_hour: Vec<f64>,
    /// Multiplies every response value of this period.
    pub(crate) value_multiplier: f64,
    /// Per customer index: what differs for the customer in this period.
    pub(crate) customers: Vec<PeriodCustomer>,
}

/// One customer's values in one period; `None` keeps the instance's.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PeriodCustomer {
    /// Per resource index: the hours expected (of an expectation the customer has).
    pub(crate) expectation_hours: Vec<Option<f64>>,
    pub(crate) floor_hours: Vec<Option<f64>>,
    pub(crate) cap_hours: Vec<Option<f64>>,
    /// Multiplies the customer's response values, on top of the period's multiplier.
    pub(crate) value_multiplier: f64,
    /// Per resource index: the period's own response curve (and the judged curve an envelope
    /// replaced), replacing the customer's.
    pub(crate) responses: Vec<Option<(ResponseCurve, Option<ResponseCurve>)>>,
}

/// How far one customer's hours of one resource may move between consecutive periods.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ChangeLimit {
    pub(crate) max_increase: Option<ChangeAmount>,
    pub(crate) max_decrease: Option<ChangeAmount>,
}

/// A change limit in hours, or as a share of the hours of the period before.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ChangeAmount {
    /// At most this many hours per period.
    Hours(f64),
    /// At most this share of the hours before (0.5: +-50 %).
    Share(f64),
}

impl ChangeAmount {
    /// The hours of change allowed after a period with `before` hours.
    pub fn hours_after(self, before: f64) -> f64 {
        match self {
            ChangeAmount::Hours(hours) => hours,
            ChangeAmount::Share(share) => share * before,
        }
    }
}

impl Horizon {
    /// The periods, in plan order.
    pub fn periods(&self) -> &[Period] {
        &self.periods
    }

    /// The index of the period with this id.
    pub fn period_index(&self, id: &str) -> Option<usize> {
        self.periods.iter().position(|period| period.id == id)
    }

    /// `[customer][resource]`: the change limits between consecutive periods.
    pub fn change_limits(&self) -> &[Vec<ChangeLimit>] {
        &self.change_limits
    }

    /// The single-period instance of period `p`: the instance's model with the period's
    /// capacities, costs, values, expectations, floors and caps, and without change limits of
    /// its own (the horizon links the periods).
    pub fn period_instance(&self, instance: &Instance, p: usize) -> Instance {
        let period = &self.periods[p];
        let mut planned = Instance { horizon: None, ..instance.clone() };
        planned.plan.period = period.label.clone();
        for (r, resource) in planned.resources.iter_mut().enumerate() {
            resource.capacity_hours = period.capacity_hours[r];
            resource.cost_per_hour = period.cost_per_hour[r];
        }
        for (customer, changes) in planned.customers.iter_mut().zip(&period.customers) {
            for (r, own) in changes.responses.iter().enumerate() {
                if let Some((curve, judged)) = own {
                    customer.responses[r] = curve.clone();
                    customer.judged_responses[r] = judged.clone();
                }
            }
            let multiplier = period.value_multiplier * changes.value_multiplier;
            if multiplier != 1.0 {
                for curve in customer.responses.iter_mut().chain(customer.judged_responses.iter_mut().flatten()) {
                    curve.value_at_zero *= multiplier;
                    curve.pieces.iter_mut().for_each(|piece| piece.value_per_hour *= multiplier);
                }
            }
            for r in 0..customer.current_hours.len() {
                if let (Some(hours), Some(expectation)) = (changes.expectation_hours[r], customer.expectations[r].as_mut()) {
                    expectation.hours = hours;
                }
                if let Some(floor) = changes.floor_hours[r] {
                    customer.floor_hours[r] = Some(floor);
                }
                if let Some(cap) = changes.cap_hours[r] {
                    customer.cap_hours[r] = Some(cap);
                }
            }
            customer.max_change_hours.iter_mut().for_each(|limit| *limit = None);
        }
        planned
    }
}

impl Period {
    /// The id constraint names carry after `@` (`q3`).
    pub fn id(&self) -> &str {
        &self.id
    }
    /// The period as the reports title it (`2027-Q3`).
    pub fn label(&self) -> &str {
        &self.label
    }
    /// Per resource index: hours available in this period.
    pub fn capacity_hours(&self) -> &[f64] {
        &self.capacity_hours
    }
    /// Per resource index: currency per hour in this period.
    pub fn cost_per_hour(&self) -> &[f64] {
        &self.cost_per_hour
    }
}

impl ChangeLimit {
    /// The most the hours may rise from one period to the next.
    pub fn max_increase(&self) -> Option<ChangeAmount> {
        self.max_increase
    }
    /// The most the hours may fall from one period to the next.
    pub fn max_decrease(&self) -> Option<ChangeAmount> {
        self.max_decrease
    }
}

/// The four change-limit tables, from `[change_limits]` or one customer's override.
struct Tables<'r> {
    max_increase_hours: &'r RawTable,
    max_decrease_hours: &'r RawTable,
    max_increase_share: &'r RawTable,
    max_decrease_share: &'r RawTable,
}

impl<'r> From<&'r RawChangeLimitTables> for Tables<'r> {
    fn from(raw: &'r RawChangeLimitTables) -> Self {
        Tables {
            max_increase_hours: &raw.max_increase_hours,
            max_decrease_hours: &raw.max_decrease_hours,
            max_increase_share: &raw.max_increase_share,
            max_decrease_share: &raw.max_decrease_share,
        }
    }
}

impl<'r> From<&'r RawChangeLimits> for Tables<'r> {
    fn from(raw: &'r RawChangeLimits) -> Self {
        Tables {
            max_increase_hours: &raw.max_increase_hours,
            max_decrease_hours: &raw.max_decrease_hours,
            max_increase_share: &raw.max_increase_share,
            max_decrease_share: &raw.max_decrease_share,
        }
    }
}

/// Per resource index: the limits one set of tables gives (`None` where it says nothing).
type LimitsPerResource = Vec<(Option<ChangeAmount>, Option<ChangeAmount>)>;

impl Validator<'_> {
    /// `[[periods]]` and `[change_limits]` into a [`Horizon`]; `None` for a single-quarter
    /// instance (no periods), and `[change_limits]` without periods is an error.
    pub(super) fn horizon(
        &mut self,
        periods: &[Spanned<RawPeriod>],
        change_limits: Option<&Spanned<RawChangeLimits>>,
        resources: &[Resource],
        customers: &[Customer],
    ) -> Option<Horizon> {
        let resource_ids: Vec<String> = resources.iter().map(|resource| resource.id.clone()).collect();
        if periods.is_empty() {
            if let Some(limits) = change_limits {
                self.error(
                    limits.span(),
                    "change_limits",
                    "change limits link consecutive periods: list the periods in [[periods]] tables, or give a single-quarter \
                     customer max_change_hours instead",
                );
            }
            return None;
        }
        self.unique(periods.iter().map(|period| &period.get_ref().id), "period", "periods.id");
        let periods: Vec<Period> = periods.iter().map(|raw| self.period(raw.get_ref(), resources, &resource_ids, customers)).collect();

        let customer_ids: BTreeMap<&str, usize> = customers.iter().enumerate().map(|(c, customer)| (customer.id.as_str(), c)).collect();
        let defaults = match change_limits {
            Some(limits) => self.change_tables(&Tables::from(limits.get_ref()), "change_limits", &resource_ids),
            None => vec![(None, None); resource_ids.len()],
        };
        let mut own: Vec<Option<LimitsPerResource>> = vec![None; customers.len()];
        if let Some(limits) = change_limits {
            for (id, tables) in &limits.get_ref().customers {
                let field = format!("change_limits.customers.{}", id.get_ref());
                let parsed = self.change_tables(&Tables::from(tables.get_ref()), &field, &resource_ids);
                match customer_ids.get(id.get_ref().as_str()) {
                    Some(&c) => own[c] = Some(parsed),
                    None => self.unknown_customer(id, "change_limits.customers", customers),
                }
            }
        }
        // The customer's own override, else its single-quarter max_change_hours (its own or its
        // category's, symmetric in hours), else the portfolio-wide default.
        let change_limits = customers
            .iter()
            .enumerate()
            .map(|(c, customer)| {
                (0..resource_ids.len())
                    .map(|r| {
                        let from_customer = customer.max_change_hours[r].map(ChangeAmount::Hours);
                        let (default_increase, default_decrease) = defaults[r];
                        let (own_increase, own_decrease) = own[c].as_ref().map_or((None, None), |own| own[r]);
                        ChangeLimit {
                            max_increase: own_increase.or(from_customer).or(default_increase),
                            max_decrease: own_decrease.or(from_customer).or(default_decrease),
                        }
                    })
                    .collect()
            })
            .collect();
        Some(Horizon { periods, change_limits })
    }

    fn unknown_customer(&mut self, id: &Spanned<String>, field: &str, customers: &[Customer]) {
        let known: Vec<&str> = customers.iter().take(12).map(|customer| customer.id.as_str()).collect();
        let more = if customers.len() > known.len() { ", ..." } else { "" };
        self.error(
            id.span(),
            format!("{field}.{}", id.get_ref()),
            format!("unknown customer {:?}; the customers are: {}{more}", id.get_ref(), known.join(", ")),
        );
    }

    fn period(&mut self, raw: &RawPeriod, resources: &[Resource], resource_ids: &[String], customers: &[Customer]) -> Period {
        let id = self.id(&raw.id, "periods.id");
        let field = format!("periods[{id}]");
        let label = match &raw.label {
            Some(label) => self.non_empty(label, &format!("{field}.label")),
            None => id.clone(),
        };
        let per_resource = |validator: &mut Self, table: &RawTable, name: &str, own: &dyn Fn(&Resource) -> f64| -> Vec<f64> {
            let given = validator.resource_hours(table, &format!("{field}.{name}"), resource_ids);
            resources.iter().zip(given).map(|(resource, given)| given.unwrap_or_else(|| own(resource))).collect()
        };
        let capacity_hours = per_resource(self, &raw.capacity_hours, "capacity_hours", &|resource| resource.capacity_hours);
        let cost_per_hour = per_resource(self, &raw.cost_per_hour, "cost_per_hour", &|resource| resource.cost_per_hour);
        let value_multiplier = raw
            .value_multiplier
            .as_ref()
            .map_or(1.0, |multiplier| self.number(multiplier, &format!("{field}.value_multiplier"), Rule::NonNegative));

        let mut period_customers: Vec<PeriodCustomer> = customers
            .iter()
            .map(|_| PeriodCustomer {
                expectation_hours: vec![None; resource_ids.len()],
                floor_hours: vec![None; resource_ids.len()],
                cap_hours: vec![None; resource_ids.len()],
                value_multiplier: 1.0,
                responses: vec![None; resource_ids.len()],
            })
            .collect();
        for (customer_id, changes) in &raw.customers {
            let customer_field = format!("{field}.customers.{}", customer_id.get_ref());
            let Some(c) = customers.iter().position(|customer| &customer.id == customer_id.get_ref()) else {
                self.unknown_customer(customer_id, &format!("{field}.customers"), customers);
                continue;
            };
            let customer = &customers[c];
            let changes = changes.get_ref();
            let expectation_hours =
                self.resource_hours(&changes.expectation_hours, &format!("{customer_field}.expectation_hours"), resource_ids);
            for (key, value) in &changes.expectation_hours {
                if let Some(r) = resource_ids.iter().position(|id| id == key.get_ref())
                    && customer.expectations[r].is_none()
                {
                    self.error(
                        value.span(),
                        format!("{customer_field}.expectation_hours.{}", key.get_ref()),
                        format!(
                            "{} has no expectation of {} to change per period: give it expectations.{} (hours, kind) in its \
                             [[customers]] table first",
                            customer.id,
                            key.get_ref(),
                            key.get_ref()
                        ),
                    );
                }
            }
            let floor_hours = self.resource_hours(&changes.floor_hours, &format!("{customer_field}.floor_hours"), resource_ids);
            let cap_hours = self.resource_hours(&changes.cap_hours, &format!("{customer_field}.cap_hours"), resource_ids);
            for (key, value) in changes.floor_hours.iter().chain(&changes.cap_hours) {
                let Some(r) = resource_ids.iter().position(|id| id == key.get_ref()) else { continue };
                let floor = floor_hours[r].or(customer.floor_hours[r]);
                let cap = cap_hours[r].or(customer.cap_hours[r]);
                if let (Some(floor), Some(cap)) = (floor, cap)
                    && floor > cap
                {
                    let which = if changes.floor_hours.contains_key(key) { "floor_hours" } else { "cap_hours" };
                    self.error(
                        value.span(),
                        format!("{customer_field}.{which}.{}", key.get_ref()),
                        format!("in period {id}, {}'s floor of {floor} h of {} is above its cap of {cap} h", customer.id, key.get_ref()),
                    );
                }
            }
            let value_multiplier = changes
                .value_multiplier
                .as_ref()
                .map_or(1.0, |multiplier| self.number(multiplier, &format!("{customer_field}.value_multiplier"), Rule::NonNegative));
            let mut responses = vec![None; resource_ids.len()];
            for (key, response) in &changes.response {
                let response_field = format!("{customer_field}.response.{}", key.get_ref());
                let curve = self.response(response, &response_field, &customer.id, key.get_ref());
                match resource_ids.iter().position(|id| id == key.get_ref()) {
                    Some(r) => responses[r] = curve,
                    None => self.error(
                        key.span(),
                        response_field,
                        format!("unknown resource {:?}; the resources are: {}", key.get_ref(), resource_ids.join(", ")),
                    ),
                }
            }
            period_customers[c] = PeriodCustomer { expectation_hours, floor_hours, cap_hours, value_multiplier, responses };
        }
        Period { id, label, capacity_hours, cost_per_hour, value_multiplier, customers: period_customers }
    }

    /// A table of non-negative numbers keyed by resource id, as one optional number per resource.
    fn resource_hours(&mut self, table: &RawTable, field: &str, resource_ids: &[String]) -> Vec<Option<f64>> {
        let mut numbers = vec![None; resource_ids.len()];
        for (key, value) in table {
            let number = self.checked_number(value, &format!("{field}.{}", key.get_ref()), Rule::NonNegative);
            if let Some(r) = resource_ids.iter().position(|id| id == key.get_ref()) {
                numbers[r] = number;
            } else {
                self.error(
                    key.span(),
                    format!("{field}.{}", key.get_ref()),
                    format!("unknown resource {:?}; the resources are: {}", key.get_ref(), resource_ids.join(", ")),
                );
            }
        }
        numbers
    }

    fn change_tables(&mut self, tables: &Tables<'_>, field: &str, resource_ids: &[String]) -> LimitsPerResource {
        let increase_hours = self.resource_hours(tables.max_increase_hours, &format!("{field}.max_increase_hours"), resource_ids);
        let decrease_hours = self.resource_hours(tables.max_decrease_hours, &format!("{field}.max_decrease_hours"), resource_ids);
        let increase_share = self.resource_hours(tables.max_increase_share, &format!("{field}.max_increase_share"), resource_ids);
        let decrease_share = self.resource_hours(tables.max_decrease_share, &format!("{field}.max_decrease_share"), resource_ids);
        for (key, value) in tables.max_decrease_share {
            if *value.get_ref() > 1.0 {
                self.error(
                    value.span(),
                    format!("{field}.max_decrease_share.{}", key.get_ref()),
                    format!("expected a share between 0 and 1 (0.25: at most 25 % fewer hours per period), found {}", value.get_ref()),
                );
            }
        }
        let mut both = |hours: &RawTable, share: &RawTable, what: &str| {
            for (key, value) in share {
                if hours.contains_key(key) {
                    self.error(
                        value.span(),
                        format!("{field}.max_{what}_share.{}", key.get_ref()),
                        format!("give max_{what}_hours or max_{what}_share for {}, not both", key.get_ref()),
                    );
                }
            }
        };
        both(tables.max_increase_hours, tables.max_increase_share, "increase");
        both(tables.max_decrease_hours, tables.max_decrease_share, "decrease");
        (0..resource_ids.len())
            .map(|r| {
                let increase = increase_hours[r].map(ChangeAmount::Hours).or(increase_share[r].map(ChangeAmount::Share));
                let decrease = decrease_hours[r].map(ChangeAmount::Hours).or(decrease_share[r].map(ChangeAmount::Share));
                (increase, decrease)
            })
            .collect()
    }
}
