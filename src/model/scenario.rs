//! Applying a scenario: the raw instance is patched with the scenario's values and then validated
//! as a whole, so that a patched instance obeys every rule an instance file does.
//!
//! Patches name what they change by id; an id that does not exist, an `unset` of something that
//! is not set, or a customer both removed and patched is an error located in the scenario file.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;

use crate::input::Spanned;

use super::{Instance, validate};
use crate::diagnostic::{Diagnostic, InputErrors, SourceFile};
use crate::input::{
    RawCustomer, RawCustomerPatch, RawExpansion, RawInstance, RawResource, RawResourcePatch, RawScenario, RawSegment, RawSegmentPatch,
    RawTable, ScenarioSource, parse_raw,
};

/// Which scenario produced a patched instance; shown in every report of it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct AppliedScenario {
    /// The scenario's name (`[scenario] name`).
    pub name: String,
    /// Its description, if the file gives one.
    pub description: Option<String>,
    /// The scenario file as given on the command line.
    pub file: String,
}

/// Reads an instance, applies a scenario to it and validates the result. Errors point into the
/// instance file or the scenario file, whichever holds the offending value.
pub fn apply_scenario(
    instance_path: &str,
    instance_text: &str,
    scenario_path: &str,
    scenario_text: &str,
) -> Result<(Instance, AppliedScenario), InputErrors> {
    let instance_source = SourceFile::new(instance_path, instance_text);
    let mut raw = parse_raw(&instance_source)?;
    let source = ScenarioSource::new(&instance_source, scenario_path, scenario_text);
    let scenario = source.parse()?;
    let header = scenario.scenario.get_ref();
    let applied = AppliedScenario {
        name: header.name.get_ref().trim().to_string(),
        description: header.description.clone(),
        file: scenario_path.to_string(),
    };
    let mut patcher = Patcher { source: &source.combined, errors: Vec::new() };
    if applied.name.is_empty() {
        patcher.error(header.name.span(), "scenario.name", "expected a non-empty string");
    }
    patcher.apply(&mut raw, scenario);
    if !patcher.errors.is_empty() {
        let mut errors = patcher.errors;
        errors.sort_by_key(|error| (error.line, error.column));
        return Err(source.relocate_all(InputErrors(errors)));
    }
    let instance = validate(&raw, &source.combined).map_err(|errors| source.relocate_all(errors))?;
    Ok((instance, applied))
}

struct Patcher<'a> {
    source: &'a SourceFile,
    errors: Vec<Diagnostic>,
}

impl Patcher<'_> {
    fn error(&mut self, span: Range<usize>, field: impl Into<String>, message: impl Into<String>) {
        self.errors.push(self.source.diagnostic(span, field, message));
    }

    fn apply(&mut self, raw: &mut RawInstance, scenario: RawScenario) {
        let customer_ids: Vec<String> = raw.customers.iter().map(|c| c.get_ref().id.get_ref().clone()).collect();
        let mut removed: Vec<String> = Vec::new();
        for id in &scenario.remove_customers {
            if !customer_ids.contains(id.get_ref()) {
                self.error(
                    id.span(),
                    "remove_customers",
                    format!("unknown customer {:?}; the customers are: {}", id.get_ref(), customer_ids.join(", ")),
                );
            } else if removed.contains(id.get_ref()) {
                self.error(id.span(), "remove_customers", format!("customer {:?} is listed twice", id.get_ref()));
            } else {
                removed.push(id.get_ref().clone());
            }
        }
        raw.customers.retain(|customer| !removed.contains(customer.get_ref().id.get_ref()));

        let resource_ids: Vec<String> = raw.resources.iter().map(|r| r.get_ref().id.get_ref().clone()).collect();
        for (id, patch) in scenario.resources {
            match raw.resources.iter_mut().find(|resource| resource.get_ref().id.get_ref() == id.get_ref()) {
                Some(resource) => self.resource(resource.get_mut(), &id, patch.into_inner()),
                None => self.error(
                    id.span(),
                    format!("resources.{}", id.get_ref()),
                    format!(
                        "unknown resource {:?}; the resources are: {} (a scenario cannot add resources)",
                        id.get_ref(),
                        resource_ids.join(", ")
                    ),
                ),
            }
        }

        let segment_ids: Vec<String> = raw.segments.iter().map(|s| s.get_ref().id.get_ref().clone()).collect();
        for (id, patch) in scenario.segments {
            match raw.segments.iter_mut().find(|segment| segment.get_ref().id.get_ref() == id.get_ref()) {
                Some(segment) => self.segment(segment.get_mut(), &id, patch.into_inner()),
                None => self.error(
                    id.span(),
                    format!("segments.{}", id.get_ref()),
                    format!("unknown segment {:?}; the segments are: {}", id.get_ref(), list_or_none(&segment_ids)),
                ),
            }
        }
        raw.segments.extend(scenario.add_segments);

        if let Some(patch) = scenario.diversification {
            let patch = patch.into_inner();
            let diversification = raw.diversification.get_or_insert_with(|| {
                Spanned::new(0..0, crate::input::RawDiversification { max_customer_share: RawTable::new(), value_share_base: None })
            });
            let tables = BTreeMap::from([("max_customer_share", &mut diversification.get_mut().max_customer_share)]);
            self.unset(tables, &patch.unset, "diversification");
            merge(&mut diversification.get_mut().max_customer_share, patch.max_customer_share);
        }

        for (id, patch) in scenario.customers {
            match raw.customers.iter_mut().find(|customer| customer.get_ref().id.get_ref() == id.get_ref()) {
                Some(customer) => self.customer(customer.get_mut(), &id, patch.into_inner()),
                None if removed.contains(id.get_ref()) => self.error(
                    id.span(),
                    format!("customers.{}", id.get_ref()),
                    format!("customer {:?} is removed by remove_customers; it cannot also be changed", id.get_ref()),
                ),
                None => self.error(
                    id.span(),
                    format!("customers.{}", id.get_ref()),
                    format!("unknown customer {:?}; the customers are: {}", id.get_ref(), customer_ids.join(", ")),
                ),
            }
        }
        raw.customers.extend(scenario.add_customers);
        if scenario.portfolio.is_some() {
            raw.portfolio = scenario.portfolio;
        }

        let period_ids: Vec<String> = raw.periods.iter().map(|p| p.get_ref().id.get_ref().clone()).collect();
        for (id, patch) in scenario.periods {
            match raw.periods.iter_mut().find(|period| period.get_ref().id.get_ref() == id.get_ref()) {
                Some(period) => {
                    let (period, patch) = (period.get_mut(), patch.into_inner());
                    if patch.label.is_some() {
                        period.label = patch.label;
                    }
                    if patch.value_multiplier.is_some() {
                        period.value_multiplier = patch.value_multiplier;
                    }
                    merge(&mut period.capacity_hours, patch.capacity_hours);
                    merge(&mut period.cost_per_hour, patch.cost_per_hour);
                    for (customer, changes) in patch.customers {
                        match period.customers.get_mut(&customer) {
                            Some(own) => {
                                let (own, changes) = (own.get_mut(), changes.into_inner());
                                merge(&mut own.expectation_hours, changes.expectation_hours);
                                merge(&mut own.floor_hours, changes.floor_hours);
                                merge(&mut own.cap_hours, changes.cap_hours);
                                merge(&mut own.response, changes.response);
                                if changes.value_multiplier.is_some() {
                                    own.value_multiplier = changes.value_multiplier;
                                }
                            }
                            None => {
                                period.customers.insert(customer, changes);
                            }
                        }
                    }
                }
                None => self.error(
                    id.span(),
                    format!("periods.{}", id.get_ref()),
                    format!(
                        "unknown period {:?}; the periods are: {} (a scenario cannot add periods)",
                        id.get_ref(),
                        list_or_none(&period_ids)
                    ),
                ),
            }
        }
        if let Some(patch) = scenario.change_limits {
            let span = patch.span();
            let patch = patch.into_inner();
            match raw.change_limits.as_mut() {
                Some(own) => {
                    let own = own.get_mut();
                    merge(&mut own.max_increase_hours, patch.max_increase_hours);
                    merge(&mut own.max_decrease_hours, patch.max_decrease_hours);
                    merge(&mut own.max_increase_share, patch.max_increase_share);
                    merge(&mut own.max_decrease_share, patch.max_decrease_share);
                    for (customer, tables) in patch.customers {
                        match own.customers.get_mut(&customer) {
                            Some(tables_own) => {
                                let (tables_own, tables) = (tables_own.get_mut(), tables.into_inner());
                                merge(&mut tables_own.max_increase_hours, tables.max_increase_hours);
                                merge(&mut tables_own.max_decrease_hours, tables.max_decrease_hours);
                                merge(&mut tables_own.max_increase_share, tables.max_increase_share);
                                merge(&mut tables_own.max_decrease_share, tables.max_decrease_share);
                            }
                            None => {
                                own.customers.insert(customer, tables);
                            }
                        }
                    }
                }
                None => raw.change_limits = Some(Spanned::new(span, patch)),
            }
        }
    }

    fn resource(&mut self, resource: &mut RawResource, id: &Spanned<String>, patch: RawResourcePatch) {
        let field = format!("resources.{}", id.get_ref());
        if let Some(name) = patch.name {
            resource.name = Some(name);
        }
        if let Some(capacity) = patch.capacity_hours {
            resource.capacity_hours = capacity;
        }
        if patch.cost_per_hour.is_some() {
            resource.cost_per_hour = patch.cost_per_hour;
        }
        for option_id in &patch.remove_expansion {
            let before = resource.expansion.len();
            resource.expansion.retain(|option| option.get_ref().id.get_ref() != option_id.get_ref());
            if resource.expansion.len() == before {
                self.error(
                    option_id.span(),
                    format!("{field}.remove_expansion"),
                    format!("unknown expansion option {:?} of resource {:?}", option_id.get_ref(), id.get_ref()),
                );
            }
        }
        for (option_id, option_patch) in patch.expansion {
            let span = option_patch.span();
            let option_patch = option_patch.into_inner();
            let option_field = format!("{field}.expansion.{}", option_id.get_ref());
            if option_patch.unlimited && option_patch.max_hours.is_some() {
                self.error(span.clone(), &option_field, "give either max_hours or unlimited = true, not both");
            }
            match resource.expansion.iter_mut().find(|option| option.get_ref().id.get_ref() == option_id.get_ref()) {
                Some(option) => {
                    let option = option.get_mut();
                    if let Some(cost_per_hour) = option_patch.cost_per_hour {
                        option.cost_per_hour = cost_per_hour;
                    }
                    if option_patch.max_hours.is_some() || option_patch.unlimited {
                        option.max_hours = option_patch.max_hours;
                    }
                }
                None => match option_patch.cost_per_hour {
                    Some(cost_per_hour) => resource.expansion.push(Spanned::new(
                        span,
                        RawExpansion { id: option_id, cost_per_hour, max_hours: option_patch.max_hours, cost_is_premium: None },
                    )),
                    None => self.error(
                        span,
                        format!("{option_field}.cost_per_hour"),
                        format!(
                            "missing field `cost_per_hour`: {:?} is a new expansion option of {:?} and needs a price",
                            option_id.get_ref(),
                            id.get_ref()
                        ),
                    ),
                },
            }
        }
    }

    fn segment(&mut self, segment: &mut RawSegment, id: &Spanned<String>, patch: RawSegmentPatch) {
        if let Some(name) = patch.name {
            segment.name = Some(name);
        }
        let field = format!("segments.{}", id.get_ref());
        let tables = BTreeMap::from([
            ("min_hours", &mut segment.min_hours),
            ("max_hours", &mut segment.max_hours),
            ("min_share", &mut segment.min_share),
            ("max_share", &mut segment.max_share),
        ]);
        self.unset(tables, &patch.unset, &field);
        merge(&mut segment.min_hours, patch.min_hours);
        merge(&mut segment.max_hours, patch.max_hours);
        merge(&mut segment.min_share, patch.min_share);
        merge(&mut segment.max_share, patch.max_share);
    }

    fn customer(&mut self, customer: &mut RawCustomer, id: &Spanned<String>, patch: RawCustomerPatch) {
        let field = format!("customers.{}", id.get_ref());
        if let Some(name) = patch.name {
            customer.name = Some(name);
        }
        if patch.segment.is_some() {
            customer.segment = patch.segment;
        }
        // Responses and expectations are tables of tables; for `unset` only their keys matter.
        let mut response_keys: RawTable = customer.response.keys().map(|key| (key.clone(), Spanned::new(0..0, 0.0))).collect();
        let mut expectation_keys: RawTable = customer.expectations.keys().map(|key| (key.clone(), Spanned::new(0..0, 0.0))).collect();
        let tables = BTreeMap::from([
            ("current_hours", &mut customer.current_hours),
            ("floor_hours", &mut customer.floor_hours),
            ("cap_hours", &mut customer.cap_hours),
            ("max_share", &mut customer.max_share),
            ("scores", &mut customer.scores),
            ("max_change_hours", &mut customer.max_change_hours),
            ("max_change_fraction", &mut customer.max_change_fraction),
            ("response", &mut response_keys),
            ("expectations", &mut expectation_keys),
        ]);
        self.unset(tables, &patch.unset, &field);
        customer.response.retain(|key, _| response_keys.contains_key(key));
        customer.expectations.retain(|key, _| expectation_keys.contains_key(key));

        merge(&mut customer.current_hours, patch.current_hours);
        merge(&mut customer.floor_hours, patch.floor_hours);
        merge(&mut customer.cap_hours, patch.cap_hours);
        merge(&mut customer.max_share, patch.max_share);
        merge(&mut customer.response, patch.response);
        merge(&mut customer.expectations, patch.expectations);
        merge(&mut customer.scores, patch.scores);
        merge(&mut customer.max_change_hours, patch.max_change_hours);
        merge(&mut customer.max_change_fraction, patch.max_change_fraction);
        if patch.priority_weight.is_some() {
            customer.priority_weight = patch.priority_weight;
        }
    }

    /// Removes `table` (all its entries) or `table.key` for each path in `paths`.
    fn unset(&mut self, mut tables: BTreeMap<&str, &mut RawTable>, paths: &[Spanned<String>], field: &str) {
        let names: Vec<&str> = tables.keys().copied().collect();
        for path in paths {
            let (table_name, key) = match path.get_ref().split_once('.') {
                Some((table_name, key)) => (table_name, Some(key)),
                None => (path.get_ref().as_str(), None),
            };
            let Some(table) = tables.get_mut(table_name) else {
                self.error(
                    path.span(),
                    format!("{field}.unset"),
                    format!("cannot unset {:?}: expected one of {} (optionally followed by .KEY)", path.get_ref(), names.join(", ")),
                );
                continue;
            };
            match key {
                None if table.is_empty() => {
                    self.error(path.span(), format!("{field}.unset"), format!("nothing to unset: {field}.{table_name} is empty"))
                }
                None => table.clear(),
                Some(key) => {
                    let lookup = Spanned::new(0..0, key.to_string());
                    if table.remove(&lookup).is_none() {
                        let present: Vec<&str> = table.keys().map(|k| k.get_ref().as_str()).collect();
                        self.error(
                            path.span(),
                            format!("{field}.unset"),
                            format!("nothing to unset: {field}.{table_name} has no entry {key:?} (it has: {})", list_or_none_str(&present)),
                        );
                    }
                }
            }
        }
    }
}

/// Sets every entry of `patch` in `table`, replacing an entry with the same key. The key is
/// replaced too, so that errors about it point at the scenario.
fn merge<V>(table: &mut BTreeMap<Spanned<String>, V>, patch: BTreeMap<Spanned<String>, V>) {
    for (key, value) in patch {
        table.remove(&key);
        table.insert(key, value);
    }
}

fn list_or_none(ids: &[String]) -> String {
    if ids.is_empty() { "(none declared)".to_string() } else { ids.join(", ") }
}

fn list_or_none_str(ids: &[&str]) -> String {
    if ids.is_empty() { "no entries".to_string() } else { ids.join(", ") }
}

/// Reads an instance file and a scenario file and applies the scenario; see [`apply_scenario`].
pub fn apply_scenario_file(instance_path: &Path, scenario_path: &Path) -> Result<(Instance, AppliedScenario), InputErrors> {
    let (instance_name, instance_text) = super::read_instance_text(instance_path)?;
    let scenario_text = crate::input::limits::read_bounded(scenario_path, crate::input::limits::FileKind::Scenario).map_err(|message| {
        InputErrors(vec![Diagnostic { file: scenario_path.display().to_string(), line: 0, column: 0, field: String::new(), message }])
    })?;
    apply_scenario(&instance_name, &instance_text, &scenario_path.display().to_string(), &scenario_text)
}
