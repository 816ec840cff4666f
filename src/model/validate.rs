//! Validation: raw instance -> [`Instance`]. Every rule that makes an instance unusable is checked
//! here and reported with its position; all problems are collected, not just the first.

use std::collections::BTreeMap;
use std::ops::Range;

use crate::input::Spanned;

use super::portfolio::{self, PortfolioModel};
use super::*;
use crate::diagnostic::{Diagnostic, InputErrors, SourceFile};
use crate::input::{ExpectationKind, RawInstance, RawResponse, RawTable, RawValueShareBase};

/// Validates a parsed instance. Returns every problem found, in file order.
pub fn validate(raw: &RawInstance, source: &SourceFile) -> Result<Instance, InputErrors> {
    let mut validator = Validator::new(source);
    let instance = validator.instance(raw);
    validator.finish(instance)
}

/// What a customer's validation needs to know about the rest of the instance.
#[derive(Clone, Copy)]
struct CustomerContext<'c> {
    resources: &'c [Resource],
    resource_ids: &'c [String],
    segment_ids: &'c [String],
    default_shares: &'c [(ShareBase, f64)],
    model: Option<&'c PortfolioModel>,
}

/// What a number may be.
#[derive(Clone, Copy)]
pub(super) enum Rule {
    /// Finite and >= 0.
    NonNegative,
    /// Finite, any sign.
    Finite,
    /// A fraction in [0, 1].
    Share,
}

/// Collects located problems while turning raw input into validated values; shared by the
/// instance and the portfolio-model validation.
pub(super) struct Validator<'a> {
    source: &'a SourceFile,
    errors: Vec<Diagnostic>,
    /// Problems located in other files (a portfolio model the instance names).
    foreign: Vec<Diagnostic>,
    /// The instance names a portfolio model (whether or not it could be used).
    model_named: bool,
}

const MAX_ID_LENGTH: usize = 64;

impl<'a> Validator<'a> {
    pub(super) fn new(source: &'a SourceFile) -> Self {
        Validator { source, errors: Vec::new(), foreign: Vec::new(), model_named: false }
    }

    /// The value, or every problem found: this file's in file order, then other files'.
    pub(super) fn finish<T>(self, value: T) -> Result<T, InputErrors> {
        let mut errors = self.errors;
        if errors.is_empty() && self.foreign.is_empty() {
            return Ok(value);
        }
        // The instance's own problems first, then those in its customers CSV, each in file order.
        errors.sort_by_key(|error| (error.file != self.source.path, error.line, error.column));
        errors.dedup();
        errors.extend(self.foreign);
        Err(InputErrors(errors))
    }

    pub(super) fn error(&mut self, span: Range<usize>, field: impl Into<String>, message: impl Into<String>) {
        self.errors.push(self.source.diagnostic(span, field, message));
    }

    pub(super) fn number(&mut self, value: &Spanned<f64>, field: &str, rule: Rule) -> f64 {
        self.checked_number(value, field, rule).unwrap_or(0.0)
    }

    /// As [`Self::number`], but `None` for a refused number, so that it does not go on to cause
    /// follow-on errors (a refused cap compared with a floor).
    pub(super) fn checked_number(&mut self, value: &Spanned<f64>, field: &str, rule: Rule) -> Option<f64> {
        let number = *value.get_ref();
        let problem = if !number.is_finite() {
            Some(format!("expected a finite number, found {number}"))
        } else if is_too_small_to_compute_with(number) {
            Some(too_small_message(number))
        } else {
            match rule {
                Rule::NonNegative if number < 0.0 => Some(format!("expected a number >= 0, found {number}")),
                Rule::Share if !(0.0..=1.0).contains(&number) => {
                    Some(format!("expected a share between 0 and 1 (0.25 means 25 %), found {number}"))
                }
                _ => None,
            }
        };
        match problem {
            Some(message) => {
                self.error(value.span(), field, message);
                None
            }
            // -0.0 would print as "-0" in reports.
            None => Some(number + 0.0),
        }
    }

    pub(super) fn id(&mut self, id: &Spanned<String>, field: &str) -> String {
        let text = id.get_ref();
        let valid_start = text.chars().next().is_some_and(|c| c.is_ascii_alphanumeric());
        let valid_chars = text.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
        if text.is_empty() || text.len() > MAX_ID_LENGTH || !valid_start || !valid_chars {
            self.error(
                id.span(),
                field,
                format!(
                    "invalid id {text:?}: expected 1 to {MAX_ID_LENGTH} characters from a-z A-Z 0-9 - _ ., starting with a letter or digit"
                ),
            );
        }
        text.clone()
    }

    pub(super) fn non_empty(&mut self, text: &Spanned<String>, field: &str) -> String {
        if text.get_ref().trim().is_empty() {
            self.error(text.span(), field, "expected a non-empty string");
        }
        text.get_ref().clone()
    }

    /// Reports ids that occur twice.
    pub(super) fn unique<'s>(&mut self, ids: impl Iterator<Item = &'s Spanned<String>>, what: &str, field: &str) {
        let mut seen: BTreeMap<&str, Range<usize>> = BTreeMap::new();
        for id in ids {
            if let Some(first) = seen.get(id.get_ref().as_str()) {
                let (first, here) = (self.source.diagnostic(first.clone(), "", ""), self.source.diagnostic(id.span(), "", ""));
                // The first definition may be in the other file (the instance or its customers CSV).
                let place =
                    if first.file == here.file { format!("line {}", first.line) } else { format!("line {} of {}", first.line, first.file) };
                self.error(id.span(), field, format!("duplicate {what} id {:?} (first defined on {place})", id.get_ref()));
            } else {
                seen.insert(id.get_ref(), id.span());
            }
        }
    }

    fn instance(&mut self, raw: &RawInstance) -> Instance {
        let plan = raw.plan.get_ref();
        let header = PlanHeader {
            name: self.non_empty(&plan.name, "plan.name"),
            period: self.non_empty(&plan.period, "plan.period"),
            currency: self.non_empty(&plan.currency, "plan.currency"),
            notes: plan.notes.clone(),
        };

        if raw.resources.is_empty() {
            self.error(raw.plan.span(), "resources", "at least one [[resources]] table is required");
        }
        self.unique(raw.resources.iter().map(|r| &r.get_ref().id), "resource", "resources.id");
        let resources: Vec<Resource> = raw.resources.iter().map(|raw_resource| self.resource(raw_resource.get_ref())).collect();
        let resource_ids: Vec<String> = resources.iter().map(|r| r.id.clone()).collect();

        self.unique(raw.segments.iter().map(|s| &s.get_ref().id), "segment", "segments.id");
        let segments: Vec<Segment> = raw.segments.iter().map(|raw_segment| self.segment(raw_segment.get_ref(), &resource_ids)).collect();
        let segment_ids: Vec<String> = segments.iter().map(|s| s.id.clone()).collect();

        let default_shares = match &raw.diversification {
            Some(diversification) => {
                self.share_table(&diversification.get_ref().max_customer_share, "diversification.max_customer_share", &resource_ids)
            }
            None => Vec::new(),
        };

        self.model_named = raw.portfolio.is_some();
        let portfolio = raw.portfolio.as_ref().and_then(|portfolio| self.portfolio(portfolio, &resource_ids));

        if raw.customers.is_empty() {
            self.error(raw.plan.span(), "customers", "at least one [[customers]] table is required");
        }
        self.unique(raw.customers.iter().map(|c| &c.get_ref().id), "customer", "customers.id");
        let context = CustomerContext {
            resources: &resources,
            resource_ids: &resource_ids,
            segment_ids: &segment_ids,
            default_shares: &default_shares,
            model: portfolio.as_ref(),
        };
        let mut customers: Vec<Customer> = raw.customers.iter().map(|raw_customer| self.customer(raw_customer, &context)).collect();
        // Before the value share base: with revenue scenarios the status quo's value is expected.
        let risk = raw.risk.as_ref().and_then(|risk| self.risk(risk, &mut customers, &segments));

        let value_share_base = self.value_share_base(raw, &customers);
        let horizon = self.horizon(&raw.periods, raw.change_limits.as_ref(), &resources, &customers);
        if horizon.is_some()
            && let Some(risk) = &raw.risk
        {
            self.error(
                risk.span(),
                "risk",
                "revenue scenarios ([risk]) are planned for one period: remove [risk] or the [[periods]] tables",
            );
        }
        Instance { plan: header, resources, segments, customers, portfolio, value_share_base, risk, horizon }
    }

    /// `[diversification] value_share_base`: the plan's own total (default), the status quo's
    /// total value, or a given total; a fixed base must be above zero for a share of it to mean
    /// anything.
    fn value_share_base(&mut self, raw: &RawInstance, customers: &[Customer]) -> ValueShareBase {
        let field = "diversification.value_share_base";
        let Some(base) = raw.diversification.as_ref().and_then(|d| d.get_ref().value_share_base.as_ref()) else {
            return ValueShareBase::Plan;
        };
        let (total, from_current_hours) = match base.get_ref() {
            RawValueShareBase::Word(word) if word == "plan" => return ValueShareBase::Plan,
            RawValueShareBase::Word(word) if word == "current" => {
                let total = customers
                    .iter()
                    .flat_map(|customer| {
                        customer.responses.iter().zip(&customer.current_hours).map(|(curve, &hours)| curve.value_at(hours))
                    })
                    .sum::<f64>();
                if total.is_nan() || total <= 0.0 {
                    self.error(
                        base.span(),
                        field,
                        format!(
                            "the status quo's total value (at the current hours) is {total}, and a share of it needs a total above 0; \
                             give current_hours, a total such as value_share_base = 1000000, or \"plan\""
                        ),
                    );
                }
                (total, true)
            }
            RawValueShareBase::Word(word) => {
                self.error(base.span(), field, format!("expected \"plan\", \"current\" or a total value above 0, found {word:?}"));
                return ValueShareBase::Plan;
            }
            &RawValueShareBase::Total(total) => {
                if !(total > 0.0 && total <= MAX_MONEY_AMOUNT) {
                    self.error(
                        base.span(),
                        field,
                        format!("expected a total value above 0 (and at most {MAX_MONEY_AMOUNT:e}), found {total}"),
                    );
                }
                (total, false)
            }
        };
        ValueShareBase::Fixed { total, from_current_hours }
    }

    /// Loads the model an instance names; its own problems are reported in its file.
    fn portfolio(&mut self, raw: &Spanned<crate::input::RawPortfolio>, resource_ids: &[String]) -> Option<PortfolioModel> {
        let reference = &raw.get_ref().model;
        let base_dir = std::path::Path::new(&self.source.path).parent().unwrap_or(std::path::Path::new("."));
        match portfolio::load_model(reference.get_ref(), base_dir) {
            Ok(loaded) => {
                let problems = portfolio::check_policy_resources(&loaded, resource_ids);
                if problems.is_empty() {
                    Some(loaded.model)
                } else {
                    self.foreign.extend(problems);
                    None
                }
            }
            Err(portfolio::ModelLookupError::Unknown(message)) => {
                self.error(reference.span(), "portfolio.model", message);
                None
            }
            Err(portfolio::ModelLookupError::Invalid(errors)) => {
                self.foreign.extend(errors.0);
                None
            }
        }
    }

    fn resource(&mut self, raw: &crate::input::RawResource) -> Resource {
        let id = self.id(&raw.id, "resources.id");
        let field = format!("resources[{id}]");
        if id == "value" {
            self.error(raw.id.span(), format!("{field}.id"), "the resource id \"value\" is reserved for value shares; choose another id");
        }
        let capacity_hours = self.number(&raw.capacity_hours, &format!("{field}.capacity_hours"), Rule::NonNegative);
        let cost_per_hour =
            raw.cost_per_hour.as_ref().map_or(0.0, |cost| self.number(cost, &format!("{field}.cost_per_hour"), Rule::NonNegative));
        self.unique(raw.expansion.iter().map(|e| &e.get_ref().id), "expansion option", &format!("{field}.expansion.id"));
        let expansion = raw
            .expansion
            .iter()
            .map(|option| {
                let option = option.get_ref();
                let option_id = self.id(&option.id, &format!("{field}.expansion.id"));
                let option_field = format!("{field}.expansion[{option_id}]");
                let option_cost = self.number(&option.cost_per_hour, &format!("{option_field}.cost_per_hour"), Rule::NonNegative);
                let cost_is_premium = option.cost_is_premium.unwrap_or(false);
                // A bought hour replaces no own hour: the plan buys only once its own hours are
                // all given. A total rate below the own cost per hour would make buying pay for
                // itself, hours used or not, so the model would not mean what the file says.
                if !cost_is_premium && option_cost < cost_per_hour {
                    self.error(
                        option.cost_per_hour.span(),
                        format!("{option_field}.cost_per_hour"),
                        format!(
                            "a bought hour costs {option_cost} in total, less than the resource's own cost_per_hour of \
                             {cost_per_hour}; expected at least {cost_per_hour}, or write the extra over the own \
                             rate with cost_is_premium = true"
                        ),
                    );
                }
                ExpansionOption {
                    cost_per_hour: option_cost,
                    cost_is_premium,
                    max_hours: option
                        .max_hours
                        .as_ref()
                        .map(|max| self.number(max, &format!("{option_field}.max_hours"), Rule::NonNegative)),
                    id: option_id,
                }
            })
            .collect();
        Resource { name: raw.name.clone().unwrap_or_else(|| id.clone()), id, capacity_hours, cost_per_hour, expansion }
    }

    fn resource_key(&mut self, key: &Spanned<String>, field: &str, resource_ids: &[String]) -> Option<usize> {
        let found = resource_ids.iter().position(|id| id == key.get_ref());
        if found.is_none() {
            self.error(
                key.span(),
                format!("{field}.{}", key.get_ref()),
                format!("unknown resource {:?}; the resources are: {}", key.get_ref(), list_or_none(resource_ids)),
            );
        }
        found
    }

    /// A table of hours keyed by resource id, as one optional number per resource.
    fn hours_table(&mut self, table: &RawTable, field: &str, resource_ids: &[String]) -> Vec<Option<f64>> {
        let mut hours = vec![None; resource_ids.len()];
        for (key, value) in table {
            let number = self.checked_number(value, &format!("{field}.{}", key.get_ref()), Rule::NonNegative);
            if let Some(resource) = self.resource_key(key, field, resource_ids) {
                hours[resource] = number;
            }
        }
        hours
    }

    /// A table of shares keyed by resource id or `value`.
    fn share_table(&mut self, table: &RawTable, field: &str, resource_ids: &[String]) -> Vec<(ShareBase, f64)> {
        let mut shares = Vec::new();
        for (key, value) in table {
            let share = self.number(value, &format!("{field}.{}", key.get_ref()), Rule::Share);
            if key.get_ref() == "value" {
                shares.push((ShareBase::Value, share));
            } else if let Some(resource) = resource_ids.iter().position(|id| id == key.get_ref()) {
                shares.push((ShareBase::Resource(resource), share));
            } else {
                self.error(
                    key.span(),
                    format!("{field}.{}", key.get_ref()),
                    format!("unknown share base {:?}; expected \"value\" or a resource: {}", key.get_ref(), list_or_none(resource_ids)),
                );
            }
        }
        shares.sort_by_key(|(base, _)| *base);
        shares
    }

    fn segment(&mut self, raw: &crate::input::RawSegment, resource_ids: &[String]) -> Segment {
        let id = self.id(&raw.id, "segments.id");
        let field = format!("segments[{id}]");
        let min_hours = self.hours_table(&raw.min_hours, &format!("{field}.min_hours"), resource_ids);
        let max_hours = self.hours_table(&raw.max_hours, &format!("{field}.max_hours"), resource_ids);
        for (key, value) in &raw.min_hours {
            if let Some(resource) = resource_ids.iter().position(|r| r == key.get_ref())
                && let (Some(min), Some(max)) = (min_hours[resource], max_hours[resource])
                && min > max
            {
                self.error(
                    value.span(),
                    format!("{field}.min_hours.{}", key.get_ref()),
                    format!("min_hours {min} is above max_hours {max} for the same resource"),
                );
            }
        }
        let min_share = self.share_table(&raw.min_share, &format!("{field}.min_share"), resource_ids);
        let max_share = self.share_table(&raw.max_share, &format!("{field}.max_share"), resource_ids);
        for (key, value) in &raw.min_share {
            let min = *value.get_ref();
            if let Some(&(_, max)) = max_share.iter().find(|(base, _)| share_key_matches(*base, key.get_ref(), resource_ids))
                && min > max
            {
                self.error(
                    value.span(),
                    format!("{field}.min_share.{}", key.get_ref()),
                    format!("min_share {min} is above max_share {max} for the same base"),
                );
            }
        }
        Segment { name: raw.name.clone().unwrap_or_else(|| id.clone()), id, min_hours, max_hours, min_share, max_share }
    }

    fn customer(&mut self, raw: &Spanned<crate::input::RawCustomer>, context: &CustomerContext) -> Customer {
        let CustomerContext { resources, resource_ids, segment_ids, default_shares, model } = *context;
        let span = raw.span();
        let raw = raw.get_ref();
        let id = self.id(&raw.id, "customers.id");
        let field = format!("customers[{id}]");
        let (scores, category) = self.classify(raw, &id, model);
        let policy = category.and_then(|c| model.map(|m| &m.categories[c].policy));

        let segment = match &raw.segment {
            Some(segment) => {
                let found = segment_ids.iter().position(|s| s == segment.get_ref());
                if found.is_none() {
                    let known = if segment_ids.is_empty() { "none are declared".to_string() } else { segment_ids.join(", ") };
                    self.error(
                        segment.span(),
                        format!("{field}.segment"),
                        format!("unknown segment {:?}; declared segments: {known} (declare it in a [[segments]] table)", segment.get_ref()),
                    );
                }
                found
            }
            None => {
                if !segment_ids.is_empty() {
                    self.error(
                        span.clone(),
                        format!("{field}.segment"),
                        format!(
                            "missing field `segment`: segments are declared, so every customer names one of: {}",
                            segment_ids.join(", ")
                        ),
                    );
                }
                None
            }
        };

        let current_hours: Vec<f64> = self
            .hours_table(&raw.current_hours, &format!("{field}.current_hours"), resource_ids)
            .into_iter()
            .map(|h| h.unwrap_or(0.0))
            .collect();
        let own_floor_hours = self.hours_table(&raw.floor_hours, &format!("{field}.floor_hours"), resource_ids);
        let own_cap_hours = self.hours_table(&raw.cap_hours, &format!("{field}.cap_hours"), resource_ids);
        // The customer's own setting overrides its category's, resource by resource; a category
        // may give a floor or cap both in hours and as a share of capacity: the tighter counts.
        let mut floor_hours = own_floor_hours.clone();
        let mut cap_hours = own_cap_hours.clone();
        let mut floor_source = vec![Source::Instance; resource_ids.len()];
        let mut cap_source = vec![Source::Instance; resource_ids.len()];
        if let Some(policy) = policy {
            for (r, resource) in resources.iter().enumerate() {
                let floor = policy.floor_hours_for(resource);
                let cap = policy.cap_hours_for(resource);
                if floor_hours[r].is_none() && floor.is_some() {
                    floor_hours[r] = floor;
                    floor_source[r] = Source::Policy;
                }
                if cap_hours[r].is_none() && cap.is_some() {
                    cap_hours[r] = cap;
                    cap_source[r] = Source::Policy;
                }
            }
        }
        for (key, value) in &raw.floor_hours {
            if let Some(resource) = resource_ids.iter().position(|r| r == key.get_ref())
                && let (Some(floor), Some(cap)) = (own_floor_hours[resource], own_cap_hours[resource])
                && floor > cap
            {
                self.error(
                    value.span(),
                    format!("{field}.floor_hours.{}", key.get_ref()),
                    format!("floor of {floor} hours is above the cap of {cap} hours for the same resource"),
                );
            }
        }

        let mut max_share = self.share_table(&raw.max_share, &format!("{field}.max_share"), resource_ids);
        for &(base, share) in default_shares {
            if !max_share.iter().any(|(own, _)| *own == base) {
                max_share.push((base, share));
            }
        }
        max_share.sort_by_key(|(base, _)| *base);

        let mut responses = vec![ResponseCurve::flat(); resource_ids.len()];
        let mut judged_responses = vec![None; resource_ids.len()];
        for (key, response) in &raw.response {
            let response_field = format!("{field}.response.{}", key.get_ref());
            let curve = self.response(response, &response_field, &id, key.get_ref());
            if let Some(resource) = self.resource_key(key, &format!("{field}.response"), resource_ids)
                && let Some((curve, judged)) = curve
            {
                judged_responses[resource] = judged;
                let reach = hours_within_reach(&resources[resource]);
                let largest = largest_value_within(&curve, reach);
                if largest.is_nan() || largest > MAX_MONEY_AMOUNT {
                    self.error(
                        response.span(),
                        response_field,
                        format!(
                            "the value of {} hours reaches {largest:e}, beyond the {MAX_MONEY_AMOUNT:e} capplan can add up \
                             exactly; expected values per hour whose total stays below that (write money in a larger unit, \
                             such as thousands)",
                            crate::report::hours(reach)
                        ),
                    );
                }
                responses[resource] = curve;
            }
        }

        let mut expectations = vec![None; resource_ids.len()];
        let mut expectation_kind_source = vec![Source::Instance; resource_ids.len()];
        for (key, expectation) in &raw.expectations {
            let expectation_field = format!("{field}.expectations.{}", key.get_ref());
            let raw_expectation = expectation.get_ref();
            let hours = self.number(&raw_expectation.hours, &format!("{expectation_field}.hours"), Rule::NonNegative);
            let (kind, kind_source) = match (&raw_expectation.kind, policy.and_then(|p| p.expectations)) {
                (Some(kind), _) => (*kind.get_ref(), Source::Instance),
                (None, Some(kind)) => (kind, Source::Policy),
                // The model that would give the kind was refused; its problems are reported.
                (None, None) if self.model_named && model.is_none() => continue,
                (None, None) => {
                    self.error(
                        expectation.span(),
                        format!("{expectation_field}.kind"),
                        "missing field `kind`: give kind = \"hard\" or \"soft\" (no portfolio category sets a default for this customer)",
                    );
                    // Without a kind the penalty cannot be judged; say nothing more about it.
                    continue;
                }
            };
            let policy_penalty = policy.and_then(|p| p.soft_penalty_per_hour);
            let penalty_per_hour = match (kind, &raw_expectation.penalty_per_hour) {
                (ExpectationKind::Soft, Some(penalty)) => {
                    self.number(penalty, &format!("{expectation_field}.penalty_per_hour"), Rule::NonNegative)
                }
                (ExpectationKind::Soft, None) if policy_penalty.is_some() => policy_penalty.unwrap_or(0.0),
                (ExpectationKind::Soft, None) => {
                    self.error(
                        expectation.span(),
                        format!("{expectation_field}.penalty_per_hour"),
                        "missing field `penalty_per_hour`: a soft expectation needs the value at risk per hour of shortfall",
                    );
                    0.0
                }
                (ExpectationKind::Hard, Some(penalty)) => {
                    self.error(
                        penalty.span(),
                        format!("{expectation_field}.penalty_per_hour"),
                        "a hard expectation must be met and has no penalty; remove penalty_per_hour or make the expectation kind = \"soft\"",
                    );
                    0.0
                }
                (ExpectationKind::Hard, None) => 0.0,
            };
            if let Some(resource) = self.resource_key(key, &format!("{field}.expectations"), resource_ids) {
                expectations[resource] = Some(Expectation { hours, kind, penalty_per_hour });
                expectation_kind_source[resource] = kind_source;
            }
        }

        // Path dependence: the tighter of an absolute and a relative limit; the customer's own
        // limits replace the category's for the same resource.
        let own_change_hours = self.hours_table(&raw.max_change_hours, &format!("{field}.max_change_hours"), resource_ids);
        let own_change_fraction = self.hours_table(&raw.max_change_fraction, &format!("{field}.max_change_fraction"), resource_ids);
        let mut max_change_hours = vec![None; resource_ids.len()];
        let mut max_change_source = vec![Source::Instance; resource_ids.len()];
        for (r, resource) in resources.iter().enumerate() {
            let current = current_hours[r];
            let own =
                [own_change_hours[r], own_change_fraction[r].map(|fraction| fraction * current)].into_iter().flatten().reduce(f64::min);
            let from_policy = policy.and_then(|policy| {
                [
                    portfolio::Policy::get(&policy.max_change_hours, &resource.id),
                    portfolio::Policy::get(&policy.max_change_fraction, &resource.id).map(|fraction| fraction * current),
                ]
                .into_iter()
                .flatten()
                .reduce(f64::min)
            });
            if own.is_some() {
                max_change_hours[r] = own;
            } else if from_policy.is_some() {
                max_change_hours[r] = from_policy;
                max_change_source[r] = Source::Policy;
            }
        }
        let (priority_weight, priority_source) = match (&raw.priority_weight, policy.and_then(|p| p.priority_weight)) {
            (Some(weight), _) => (self.number(weight, &format!("{field}.priority_weight"), Rule::NonNegative), Source::Instance),
            (None, Some(weight)) => (weight, Source::Policy),
            (None, None) => (1.0, Source::Instance),
        };

        Customer {
            name: raw.name.clone().unwrap_or_else(|| id.clone()),
            id,
            segment,
            current_hours,
            floor_hours,
            cap_hours,
            max_share,
            responses,
            expectations,
            scores,
            category,
            max_change_hours,
            priority_weight,
            judged_responses,
            sources: LimitSources {
                floor: floor_source,
                cap: cap_source,
                expectation_kind: expectation_kind_source,
                max_change: max_change_source,
                priority_weight: priority_source,
            },
        }
    }

    /// The customer's scores on the model's dimensions and its category.
    fn classify(&mut self, raw: &crate::input::RawCustomer, id: &str, model: Option<&PortfolioModel>) -> (Vec<f64>, Option<usize>) {
        let field = format!("customers[{id}].scores");
        let Some(model) = model else {
            // A model was named but refused: its own problems are reported; the scores wait.
            if self.model_named {
                return (Vec::new(), None);
            }
            if let Some((key, _)) = raw.scores.iter().next() {
                self.error(
                    key.span(),
                    format!("{field}.{}", key.get_ref()),
                    "scores need a portfolio model: add [portfolio] model = \"...\" to the instance",
                );
            }
            return (Vec::new(), None);
        };
        let errors_before = self.errors.len();
        let dimension_ids: Vec<&str> = model.dimensions.iter().map(|d| d.id.as_str()).collect();
        let mut scores = vec![f64::NAN; model.dimensions.len()];
        for (key, value) in &raw.scores {
            let Some(d) = dimension_ids.iter().position(|dimension| *dimension == key.get_ref()) else {
                self.error(
                    key.span(),
                    format!("{field}.{}", key.get_ref()),
                    format!("unknown score {:?}; the {} model's dimensions are: {}", key.get_ref(), model.id, dimension_ids.join(", ")),
                );
                continue;
            };
            let dimension = &model.dimensions[d];
            let score = *value.get_ref();
            if !score.is_finite() || score < dimension.min || score > dimension.max {
                self.error(
                    value.span(),
                    format!("{field}.{}", key.get_ref()),
                    format!(
                        "expected a score from {} to {} (dimension {} of the {} model), found {score}",
                        portfolio::format_score(dimension.min),
                        portfolio::format_score(dimension.max),
                        dimension.id,
                        model.id
                    ),
                );
            } else {
                scores[d] = score;
            }
        }
        let missing: Vec<&str> = dimension_ids.iter().copied().filter(|d| !raw.scores.keys().any(|key| key.get_ref() == d)).collect();
        if !missing.is_empty() {
            let at = raw.scores.keys().next().map_or(raw.id.span(), |key| key.span());
            self.error(
                at,
                field.clone(),
                format!(
                    "missing score{} {}: the {} model classifies customers on {}",
                    if missing.len() == 1 { "" } else { "s" },
                    missing.join(", "),
                    model.id,
                    dimension_ids.join(", ")
                ),
            );
        }
        if self.errors.len() > errors_before {
            return (Vec::new(), None);
        }
        let matching = model.matching_categories(&scores);
        let shown =
            dimension_ids.iter().zip(&scores).map(|(d, s)| format!("{d} {}", portfolio::format_score(*s))).collect::<Vec<_>>().join(", ");
        let at = raw.scores.keys().next().map_or(raw.id.span(), |key| key.span());
        match matching.as_slice() {
            [category] => (scores, Some(*category)),
            [] => {
                let categories: Vec<&str> = model.categories.iter().map(|c| c.id.as_str()).collect();
                self.error(
                    at,
                    field,
                    format!(
                        "the scores ({shown}) put the customer in no category of the {} model ({}): check the scores or the model's rules",
                        model.id,
                        categories.join(", ")
                    ),
                );
                (Vec::new(), None)
            }
            several => {
                let names: Vec<&str> = several.iter().map(|&c| model.categories[c].id.as_str()).collect();
                self.error(
                    at,
                    field,
                    format!(
                        "the scores ({shown}) put the customer in {} categories of the {} model at once ({}): the model's rules overlap",
                        several.len(),
                        model.id,
                        names.join(", ")
                    ),
                );
                (Vec::new(), None)
            }
        }
    }

    /// The curve to plan with and, when `envelope = true` replaced S-shaped judged points by
    /// their concave envelope, the judged curve itself.
    pub(super) fn response(
        &mut self,
        response: &Spanned<RawResponse>,
        field: &str,
        customer: &str,
        resource: &str,
    ) -> Option<(ResponseCurve, Option<ResponseCurve>)> {
        let raw = response.get_ref();
        let envelope = raw.envelope.as_ref().is_some_and(|flag| *flag.get_ref());
        if let (Some(flag), None) = (&raw.envelope, &raw.points) {
            self.error(
                flag.span(),
                format!("{field}.envelope"),
                "envelope goes with points: it replaces judged points that are not concave by their concave envelope",
            );
            return None;
        }
        match (&raw.value_per_hour, &raw.points) {
            (Some(_), Some(points)) => {
                self.error(points.span(), field, "give either value_per_hour (with optional max_hours) or points, not both");
                None
            }
            (None, None) => {
                self.error(
                    response.span(),
                    field,
                    "missing response: give value_per_hour (with optional max_hours) or points = [[hours, value], ...]",
                );
                None
            }
            (Some(value_per_hour), None) => {
                let value_per_hour = self.number(value_per_hour, &format!("{field}.value_per_hour"), Rule::Finite);
                let max_hours =
                    raw.max_hours.as_ref().map(|max| (self.number(max, &format!("{field}.max_hours"), Rule::NonNegative), max.span()));
                let pieces = match max_hours {
                    Some((max_hours, _)) if max_hours > 0.0 => vec![
                        CurvePiece { value_per_hour, length_hours: Some(max_hours) },
                        CurvePiece { value_per_hour: value_per_hour.min(0.0), length_hours: None },
                    ],
                    Some((_, span)) => {
                        self.error(span, format!("{field}.max_hours"), "expected a saturation point above 0 hours");
                        return None;
                    }
                    None => vec![CurvePiece { value_per_hour, length_hours: None }],
                };
                Some((ResponseCurve { value_at_zero: 0.0, pieces }, None))
            }
            (None, Some(points)) => {
                if let Some(max) = &raw.max_hours {
                    self.error(
                        max.span(),
                        format!("{field}.max_hours"),
                        "max_hours goes with value_per_hour; with points, the last point is the saturation point",
                    );
                }
                self.points(points, field, customer, resource, envelope)
            }
        }
    }

    fn points(
        &mut self,
        points: &Spanned<Vec<Spanned<Vec<f64>>>>,
        field: &str,
        customer: &str,
        resource: &str,
        envelope: bool,
    ) -> Option<(ResponseCurve, Option<ResponseCurve>)> {
        let field = format!("{field}.points");
        let mut pairs = Vec::with_capacity(points.get_ref().len());
        for (index, point) in points.get_ref().iter().enumerate() {
            match point.get_ref().as_slice() {
                &[hours, value] => pairs.push(Spanned::new(point.span(), (hours, value))),
                numbers => {
                    self.error(
                        point.span(),
                        format!("{field}[{index}]"),
                        format!(
                            "expected a pair [hours, value] (two numbers), found {} number{}",
                            numbers.len(),
                            if numbers.len() == 1 { "" } else { "s" }
                        ),
                    );
                    return None;
                }
            }
        }
        let list = &pairs;
        if list.len() < 2 {
            self.error(points.span(), &field, "expected at least two points [hours, value], the first at 0 hours");
            return None;
        }
        let errors_before = self.errors.len();
        for (index, point) in list.iter().enumerate() {
            let (hours, value) = *point.get_ref();
            if !hours.is_finite() || !value.is_finite() {
                self.error(point.span(), format!("{field}[{index}]"), format!("expected finite numbers, found [{hours}, {value}]"));
            } else if let Some(tiny) = [hours, value].into_iter().find(|&number| is_too_small_to_compute_with(number)) {
                self.error(point.span(), format!("{field}[{index}]"), too_small_message(tiny));
            } else if hours < 0.0 {
                self.error(point.span(), format!("{field}[{index}]"), format!("expected hours >= 0, found {hours}"));
            }
        }
        if self.errors.len() > errors_before {
            return None;
        }
        let first = *list[0].get_ref();
        if first.0 != 0.0 {
            self.error(
                list[0].span(),
                format!("{field}[0]"),
                format!("the first point must be at 0 hours (the value with no effort), found {} hours", first.0),
            );
            return None;
        }
        for index in 1..list.len() {
            let (previous, current) = (list[index - 1].get_ref().0, list[index].get_ref().0);
            if current <= previous {
                self.error(
                    list[index].span(),
                    format!("{field}[{index}]"),
                    format!("hours must increase from point to point: {current} follows {previous}"),
                );
                return None;
            }
        }
        let mut pieces: Vec<CurvePiece> = Vec::with_capacity(list.len());
        for index in 1..list.len() {
            let (h0, v0) = *list[index - 1].get_ref();
            let (h1, v1) = *list[index].get_ref();
            pieces.push(CurvePiece { value_per_hour: (v1 - v0) / (h1 - h0), length_hours: Some(h1 - h0) });
        }
        let last_slope = pieces.last().map_or(0.0, |piece| piece.value_per_hour);
        // Beyond the last point: saturation (flat) if the curve was rising; if it was falling it
        // keeps falling at the same rate, because a curve that flattened out again would not be
        // concave.
        let tail_slope = last_slope.min(0.0);
        let Some((index, before, after)) = first_rise(&pieces) else {
            pieces.push(CurvePiece { value_per_hour: tail_slope, length_hours: None });
            return Some((ResponseCurve { value_at_zero: first.1, pieces }, None));
        };
        if envelope {
            let judged_points: Vec<(f64, f64)> = list.iter().map(|point| *point.get_ref()).collect();
            pieces.push(CurvePiece { value_per_hour: tail_slope, length_hours: None });
            let judged = ResponseCurve { value_at_zero: first.1, pieces };
            return Some((concave_envelope(&judged_points, tail_slope), Some(judged)));
        }
        let fmt = |i: usize| {
            let (h, v) = *list[i].get_ref();
            format!("[{h}, {v}]")
        };
        self.error(
            list[index + 1].span(),
            format!("{field}[{}]", index + 1),
            format!(
                "the response of customer {customer:?} to {resource} hours is not concave: the value per hour rises from {before:.2} \
                 ({} -> {}) to {after:.2} ({} -> {}). A rising value per hour cannot be planned as a linear program; \
                 adjust the points so that each stretch returns no more per hour than the one before, or add \
                 `envelope = true` to the response to plan with the concave envelope of the points (the reports then \
                 say how much that overstates the value)",
                fmt(index - 1),
                fmt(index),
                fmt(index),
                fmt(index + 1)
            ),
        );
        None
    }
}

/// The first piece whose value per hour rises above the one before: its index and the two values
/// per hour. A relative tolerance, so that judged points written with rounded values are not
/// refused.
fn first_rise(pieces: &[CurvePiece]) -> Option<(usize, f64, f64)> {
    (1..pieces.len()).find_map(|index| {
        let (before, after) = (pieces[index - 1].value_per_hour, pieces[index].value_per_hour);
        (after > before + 1e-9 * before.abs().max(after.abs()).max(1.0)).then_some((index, before, after))
    })
}

/// The concave envelope (upper concave hull) of judged points `[hours, value]` (hours strictly
/// increasing, the first at 0) followed by a ray of `tail_slope` beyond the last point: the
/// smallest concave curve on or above every point and the ray. Points under the hull drop out;
/// a hull stretch steeper downwards than the ray gives way to the ray, which then starts at the
/// last hull point before it.
pub(crate) fn concave_envelope(points: &[(f64, f64)], tail_slope: f64) -> ResponseCurve {
    let slope = |a: (f64, f64), b: (f64, f64)| (b.1 - a.1) / (b.0 - a.0);
    let mut hull: Vec<(f64, f64)> = Vec::with_capacity(points.len());
    for &point in points {
        // Drop the last hull point while it lies on or under the chord from the one before it to
        // the new point (slopes not decreasing there).
        while hull.len() >= 2 && slope(hull[hull.len() - 2], hull[hull.len() - 1]) <= slope(hull[hull.len() - 1], point) {
            hull.pop();
        }
        hull.push(point);
    }
    while hull.len() >= 2 && slope(hull[hull.len() - 2], hull[hull.len() - 1]) < tail_slope {
        hull.pop();
    }
    let mut pieces: Vec<CurvePiece> = hull
        .windows(2)
        .map(|pair| CurvePiece { value_per_hour: slope(pair[0], pair[1]), length_hours: Some(pair[1].0 - pair[0].0) })
        .collect();
    pieces.push(CurvePiece { value_per_hour: tail_slope, length_hours: None });
    ResponseCurve { value_at_zero: hull[0].1, pieces }
}

/// The largest money amount a value, cost or penalty of one allocation may reach. Far above any
/// business's numbers, and far enough below the largest floating-point number (1.8e308) that the
/// solver's sums and products of such amounts stay finite.
pub const MAX_MONEY_AMOUNT: f64 = 1e150;

/// The smallest magnitude a number other than 0 may have: the smallest normal floating-point
/// number (2.2e-308). Below it (subnormal numbers) precision is lost and the simplex's own
/// consistency checks fail; numbers just above it are handled by the solvers' scaling.
pub const MIN_NONZERO_MAGNITUDE: f64 = f64::MIN_POSITIVE;

/// A number other than 0 too close to 0 for the solvers: a subnormal number.
pub fn is_too_small_to_compute_with(number: f64) -> bool {
    number != 0.0 && number.abs() < MIN_NONZERO_MAGNITUDE
}

fn too_small_message(number: f64) -> String {
    format!(
        "expected 0 or a number of magnitude at least {MIN_NONZERO_MAGNITUDE:.1e} (the smallest normal number), found {number:e} (too close to 0 to compute with)"
    )
}

/// The most hours one allocation of `resource` can get: its capacity plus every limited
/// expansion option (unlimited options are left out; they make a plan unbounded, not infinite).
fn hours_within_reach(resource: &Resource) -> f64 {
    resource.capacity_hours + resource.expansion.iter().filter_map(|option| option.max_hours).sum::<f64>()
}

/// The largest absolute value a curve takes between 0 and `reach` hours (a bound, summed piece
/// by piece, so that no infinity can hide behind a cancellation).
fn largest_value_within(curve: &ResponseCurve, reach: f64) -> f64 {
    let mut largest = curve.value_at_zero.abs();
    let mut remaining = reach;
    for piece in &curve.pieces {
        let used = piece.length_hours.map_or(remaining, |length| length.min(remaining));
        largest += piece.value_per_hour.abs() * used;
        remaining -= used;
        if remaining <= 0.0 {
            break;
        }
    }
    largest
}

fn share_key_matches(base: ShareBase, key: &str, resource_ids: &[String]) -> bool {
    match base {
        ShareBase::Value => key == "value",
        ShareBase::Resource(index) => resource_ids[index] == key,
    }
}

fn list_or_none(ids: &[String]) -> String {
    if ids.is_empty() { "(none declared)".to_string() } else { ids.join(", ") }
}
