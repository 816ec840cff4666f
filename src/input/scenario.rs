//! Reading a scenario file: TOML text -> raw patch structures that keep the position of every
//! value, in the same coordinates as the instance they patch.
//!
//! A scenario changes an instance (capacities, costs, expansion options, customers, segments,
//! diversification). Its values end up inside the instance's raw structures and go through the
//! instance's own validation, so every instance rule holds for the patched instance too. For the
//! messages of that validation to point into the right file, a scenario is parsed in *combined*
//! coordinates: the instance text, a line break, then the scenario text. [`ScenarioSource`] maps
//! a position in those coordinates back to the file and line it came from.

use std::collections::BTreeMap;

use crate::input::Spanned;
use serde::Deserialize;

use super::{RawCustomer, RawExpectation, RawPortfolio, RawResponse, RawSegment, RawTable, toml_diagnostic};
use crate::diagnostic::{Diagnostic, InputErrors, SourceFile};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    pub scenario: Spanned<RawScenarioHeader>,
    /// Ids of customers that leave the portfolio.
    #[serde(default)]
    pub remove_customers: Vec<Spanned<String>>,
    /// Changes to existing resources, keyed by resource id.
    #[serde(default)]
    pub resources: BTreeMap<Spanned<String>, Spanned<RawResourcePatch>>,
    /// Changes to existing segments, keyed by segment id.
    #[serde(default)]
    pub segments: BTreeMap<Spanned<String>, Spanned<RawSegmentPatch>>,
    /// New segments, written exactly like an instance's `[[segments]]`.
    #[serde(default)]
    pub add_segments: Vec<Spanned<RawSegment>>,
    /// Changes to existing customers, keyed by customer id.
    #[serde(default)]
    pub customers: BTreeMap<Spanned<String>, Spanned<RawCustomerPatch>>,
    /// New customers, written exactly like an instance's `[[customers]]`.
    #[serde(default)]
    pub add_customers: Vec<Spanned<RawCustomer>>,
    pub diversification: Option<Spanned<RawDiversificationPatch>>,
    /// A different portfolio model (`[portfolio] model = "..."`), replacing the instance's.
    pub portfolio: Option<Spanned<RawPortfolio>>,
    /// Changes to existing periods of a multi-period instance, keyed by period id.
    #[serde(default)]
    pub periods: BTreeMap<Spanned<String>, Spanned<RawPeriodPatch>>,
    /// Change limits merged into the instance's `[change_limits]`, table by table.
    pub change_limits: Option<Spanned<super::RawChangeLimits>>,
}

/// `[periods.ID]`: what a scenario changes in one period; every table is merged into the
/// period's, key by key.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPeriodPatch {
    pub label: Option<Spanned<String>>,
    #[serde(default)]
    pub capacity_hours: RawTable,
    #[serde(default)]
    pub cost_per_hour: RawTable,
    pub value_multiplier: Option<Spanned<f64>>,
    /// Per customer id: tables merged into the period's `[periods.customers.ID]`.
    #[serde(default)]
    pub customers: BTreeMap<Spanned<String>, Spanned<super::RawPeriodCustomer>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScenarioHeader {
    pub name: Spanned<String>,
    pub description: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawResourcePatch {
    pub name: Option<String>,
    pub capacity_hours: Option<Spanned<f64>>,
    pub cost_per_hour: Option<Spanned<f64>>,
    /// Changed or new expansion options, keyed by option id.
    #[serde(default)]
    pub expansion: BTreeMap<Spanned<String>, Spanned<RawExpansionPatch>>,
    /// Ids of expansion options that are no longer available.
    #[serde(default)]
    pub remove_expansion: Vec<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawExpansionPatch {
    /// Required for a new option.
    pub cost_per_hour: Option<Spanned<f64>>,
    pub max_hours: Option<Spanned<f64>>,
    /// `true` makes an existing option unlimited (removes its `max_hours`).
    #[serde(default)]
    pub unlimited: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSegmentPatch {
    pub name: Option<String>,
    #[serde(default)]
    pub min_hours: RawTable,
    #[serde(default)]
    pub max_hours: RawTable,
    #[serde(default)]
    pub min_share: RawTable,
    #[serde(default)]
    pub max_share: RawTable,
    /// Limits to remove, as `table` or `table.key`, e.g. `"min_share.sales"`.
    #[serde(default)]
    pub unset: Vec<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCustomerPatch {
    pub name: Option<String>,
    pub segment: Option<Spanned<String>>,
    #[serde(default)]
    pub current_hours: RawTable,
    #[serde(default)]
    pub floor_hours: RawTable,
    #[serde(default)]
    pub cap_hours: RawTable,
    #[serde(default)]
    pub max_share: RawTable,
    #[serde(default)]
    pub response: BTreeMap<Spanned<String>, Spanned<RawResponse>>,
    #[serde(default)]
    pub expectations: BTreeMap<Spanned<String>, Spanned<RawExpectation>>,
    #[serde(default)]
    pub scores: RawTable,
    #[serde(default)]
    pub max_change_hours: RawTable,
    #[serde(default)]
    pub max_change_fraction: RawTable,
    pub priority_weight: Option<Spanned<f64>>,
    /// Entries to remove, as `table` or `table.key`, e.g. `"cap_hours.engineering"`.
    #[serde(default)]
    pub unset: Vec<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDiversificationPatch {
    #[serde(default)]
    pub max_customer_share: RawTable,
    /// Default share caps to remove, e.g. `"max_customer_share.value"`.
    #[serde(default)]
    pub unset: Vec<Spanned<String>>,
}

/// The instance and the scenario laid end to end: spans of both files share these coordinates.
#[derive(Debug, Clone)]
pub struct ScenarioSource {
    /// Instance text, a line break, scenario text; named after the instance file.
    pub combined: SourceFile,
    pub scenario_path: String,
    /// Lines before the scenario's first line in the combined text.
    line_offset: usize,
    /// Byte offset of the scenario's first byte in the combined text.
    scenario_start: usize,
}

impl ScenarioSource {
    pub fn new(instance: &SourceFile, scenario_path: &str, scenario_text: &str) -> Self {
        // A byte-order mark is only allowed at the very start of a TOML document.
        let scenario_text = scenario_text.strip_prefix('\u{feff}').unwrap_or(scenario_text);
        let combined = SourceFile::new(instance.path.clone(), format!("{}\n{scenario_text}", instance.text)).keep_table_of(instance);
        let line_offset = instance.text.matches('\n').count() + 1;
        ScenarioSource { combined, scenario_path: scenario_path.to_string(), line_offset, scenario_start: instance.text.len() + 1 }
    }

    /// Moves a diagnostic located in the combined text to the file it belongs to.
    pub fn relocate(&self, mut diagnostic: Diagnostic) -> Diagnostic {
        // Problems in the instance's customers CSV stay where they are.
        let combined = diagnostic.file == self.combined.path || diagnostic.file == self.scenario_path;
        if combined && diagnostic.line > self.line_offset {
            diagnostic.line -= self.line_offset;
            diagnostic.message = self.relocate_line_reference(&diagnostic.message, &diagnostic.file);
            diagnostic.file = self.scenario_path.clone();
        }
        diagnostic
    }

    /// A duplicate id's message names the line of the first definition, in combined
    /// coordinates; say which file and line that is.
    fn relocate_line_reference(&self, message: &str, instance_path: &str) -> String {
        const MARKER: &str = "(first defined on line ";
        let Some(start) = message.find(MARKER).map(|at| at + MARKER.len()) else {
            return message.to_string();
        };
        let digits: String = message[start..].chars().take_while(char::is_ascii_digit).collect();
        let Ok(line) = digits.parse::<usize>() else {
            return message.to_string();
        };
        let place = if line > self.line_offset { format!("{}", line - self.line_offset) } else { format!("{line} of {instance_path}") };
        format!("{}{place}{}", &message[..start], &message[start + digits.len()..])
    }

    pub fn relocate_all(&self, errors: InputErrors) -> InputErrors {
        InputErrors(errors.0.into_iter().map(|diagnostic| self.relocate(diagnostic)).collect())
    }

    /// Parses the scenario. The instance part of the text is blanked (every byte but line
    /// breaks becomes a space) so that the TOML reader sees only the scenario, yet reports
    /// positions in combined coordinates.
    pub fn parse(&self) -> Result<RawScenario, InputErrors> {
        let text = &self.combined.text;
        let scenario_start = self.scenario_start;
        // The scenario's own text meets the same size limits as an instance's.
        super::limits::check_text_size(
            &SourceFile::new(self.scenario_path.clone(), &text[scenario_start..]),
            super::limits::FileKind::Scenario,
        )
        .map_err(|problem| InputErrors(vec![problem]))?;
        let mut blanked: Vec<u8> = text.as_bytes()[..scenario_start].iter().map(|&byte| if byte == b'\n' { b'\n' } else { b' ' }).collect();
        blanked.extend_from_slice(&text.as_bytes()[scenario_start..]);
        let blanked = String::from_utf8(blanked).expect("spaces and line breaks replace whole characters");
        let source = SourceFile::new(self.scenario_path.clone(), blanked);
        toml::from_str::<RawScenario>(&source.text).map_err(|error| InputErrors(vec![self.relocate(toml_diagnostic(&source, &error))]))
    }
}
