//! The validated domain model: an instance whose every number has been checked and whose every
//! reference has been resolved to an index. Everything downstream of input takes only this.

pub mod portfolio;
mod scenario;
mod validate;

pub use crate::input::ExpectationKind;
pub use scenario::{AppliedScenario, apply_scenario, apply_scenario_file};
pub use validate::{MIN_NONZERO_MAGNITUDE, is_too_small_to_compute_with, validate};

use crate::diagnostic::{InputErrors, SourceFile};

/// A validated planning instance.
#[derive(Debug, Clone, PartialEq)]
pub struct Instance {
    pub plan: PlanHeader,
    pub resources: Vec<Resource>,
    pub segments: Vec<Segment>,
    pub customers: Vec<Customer>,
    /// The portfolio model the customers are classified with, if the instance names one.
    pub portfolio: Option<portfolio::PortfolioModel>,
    /// What every value share (customer or segment) is a share of.
    pub value_share_base: ValueShareBase,
}

/// What a value share is measured against (`[diversification] value_share_base`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ValueShareBase {
    /// The plan's own total value (the default): the plan can meet a cap by raising the total,
    /// which the report flags as padding.
    Plan,
    /// A fixed total: the status quo's total value at the current hours, or a number the planner
    /// gave (currency). A cap is then a limit on the customer's own value and cannot be padded.
    Fixed { total: f64, from_current_hours: bool },
}

/// Where an effective limit came from: the instance (the customer's own setting) or the policy
/// of the customer's portfolio category. The instance overrides the category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    Instance,
    Policy,
}

/// The source of each effective limit of a customer, per resource index.
#[derive(Debug, Clone, PartialEq)]
pub struct LimitSources {
    pub floor: Vec<Source>,
    pub cap: Vec<Source>,
    pub expectation_kind: Vec<Source>,
    pub max_change: Vec<Source>,
    pub priority_weight: Source,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PlanHeader {
    pub name: String,
    pub period: String,
    pub currency: String,
    pub notes: Option<String>,
}

/// A pool of hours (sales, service, engineering, ...).
#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    pub id: String,
    pub name: String,
    /// Hours available in the period.
    pub capacity_hours: f64,
    /// Currency per hour allocated.
    pub cost_per_hour: f64,
    pub expansion: Vec<ExpansionOption>,
}

/// Extra hours that can be bought for a resource.
#[derive(Debug, Clone, PartialEq)]
pub struct ExpansionOption {
    pub id: String,
    /// Currency per hour bought, as the file gives it: what a bought hour costs in total, or,
    /// with `cost_is_premium`, what it costs on top of the resource's own cost per hour.
    pub cost_per_hour: f64,
    /// The rate is a premium over the resource's own cost per hour (`cost_is_premium = true`).
    pub cost_is_premium: bool,
    /// `None`: unlimited.
    pub max_hours: Option<f64>,
}

impl Resource {
    /// What one hour bought from an option adds to the cost of the hour at the resource's own
    /// rate: each allocated hour is costed at `cost_per_hour`, so a bought hour whose total price
    /// is the option's rate adds the difference, and a premium adds itself.
    pub fn expansion_extra_cost_per_hour(&self, option: &ExpansionOption) -> f64 {
        if option.cost_is_premium { option.cost_per_hour } else { option.cost_per_hour - self.cost_per_hour }
    }
}

/// What a share limit is a share of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ShareBase {
    /// The available hours (capacity plus expansion bought) of the resource with this index.
    Resource(usize),
    /// The plan's total response value.
    Value,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    pub id: String,
    pub name: String,
    /// Per resource index.
    pub min_hours: Vec<Option<f64>>,
    pub max_hours: Vec<Option<f64>>,
    pub min_share: Vec<(ShareBase, f64)>,
    pub max_share: Vec<(ShareBase, f64)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Customer {
    pub id: String,
    pub name: String,
    pub segment: Option<usize>,
    /// Per resource index: the status quo.
    pub current_hours: Vec<f64>,
    pub floor_hours: Vec<Option<f64>>,
    pub cap_hours: Vec<Option<f64>>,
    /// Effective share caps: the customer's own, else the instance-wide default.
    pub max_share: Vec<(ShareBase, f64)>,
    /// Per resource index.
    pub responses: Vec<ResponseCurve>,
    pub expectations: Vec<Option<Expectation>>,
    /// Scores on the portfolio model's dimensions (empty without a model).
    pub scores: Vec<f64>,
    /// Index of the customer's category in the portfolio model.
    pub category: Option<usize>,
    /// Per resource: how many hours the plan may move away from the current hours.
    pub max_change_hours: Vec<Option<f64>>,
    /// Multiplies the customer's response value in the objective (1 = neutral).
    pub priority_weight: f64,
    pub sources: LimitSources,
}

/// The hours a customer expects of one resource.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Expectation {
    pub hours: f64,
    pub kind: ExpectationKind,
    /// Currency per hour of shortfall; 0 for hard expectations.
    pub penalty_per_hour: f64,
}

/// Relative distance under which hours count as sitting on a bend of a response curve or on an
/// expectation. Interior-point backends land within about 1e-7 of a vertex; simplex exactly on it.
pub const BREAKPOINT_TOLERANCE: f64 = 1e-6;

/// A concave piecewise-linear response: value as a function of hours.
#[derive(Debug, Clone, PartialEq)]
pub struct ResponseCurve {
    /// Value with no hours at all (currency).
    pub value_at_zero: f64,
    /// Consecutive pieces from 0 hours on, with non-increasing value per hour. The last piece is
    /// unbounded (`length_hours == None`).
    pub pieces: Vec<CurvePiece>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CurvePiece {
    /// Currency per hour on this piece.
    pub value_per_hour: f64,
    /// Hours this piece spans; `None` for the unbounded last piece.
    pub length_hours: Option<f64>,
}

impl ResponseCurve {
    /// A resource with no response: hours return nothing.
    pub fn flat() -> Self {
        ResponseCurve { value_at_zero: 0.0, pieces: vec![CurvePiece { value_per_hour: 0.0, length_hours: None }] }
    }

    /// Value returned by `hours` hours.
    pub fn value_at(&self, hours: f64) -> f64 {
        let mut value = self.value_at_zero;
        let mut remaining = hours.max(0.0);
        for piece in &self.pieces {
            let used = piece.length_hours.map_or(remaining, |length| remaining.min(length));
            value += used * piece.value_per_hour;
            remaining -= used;
            if remaining <= 0.0 {
                break;
            }
        }
        value
    }

    /// Value of the next hour after `hours` (the right derivative). Hours within
    /// [`BREAKPOINT_TOLERANCE`] (relative) of a bend count as at the bend, so that an
    /// interior-point solution at 69.99999 h reads like the vertex at 70 h it approximates.
    pub fn marginal_value_at(&self, hours: f64) -> f64 {
        self.pieces.get(self.next_piece_at(hours)).map_or(0.0, |piece| piece.value_per_hour)
    }

    /// Value of the last hour up to `hours` (the left derivative; the first piece's at 0), with
    /// the tolerance of [`Self::marginal_value_at`].
    pub fn marginal_value_before(&self, hours: f64) -> f64 {
        let mut start = 0.0;
        for piece in &self.pieces {
            match piece.length_hours {
                Some(length) if hours > start + length + BREAKPOINT_TOLERANCE * (1.0 + start + length) => start += length,
                _ => return piece.value_per_hour,
            }
        }
        self.pieces.last().map_or(0.0, |piece| piece.value_per_hour)
    }

    /// Index of the piece the next hour after `hours` falls on, with the tolerance of
    /// [`Self::marginal_value_at`].
    pub fn next_piece_at(&self, hours: f64) -> usize {
        let mut start = 0.0;
        for (k, piece) in self.pieces.iter().enumerate() {
            match piece.length_hours {
                Some(length) if hours >= start + length - BREAKPOINT_TOLERANCE * (1.0 + start + length) => start += length,
                _ => return k,
            }
        }
        self.pieces.len().saturating_sub(1)
    }
}

impl Instance {
    /// Reads and validates an instance from TOML text; `path` is used in messages only.
    pub fn from_toml_str(path: &str, text: &str) -> Result<Instance, InputErrors> {
        let source = SourceFile::new(path, text);
        let raw = crate::input::parse_raw(&source)?;
        validate(&raw, &source)
    }

    /// Reads and validates an instance file; the path `-` reads standard input.
    pub fn from_file(path: &std::path::Path) -> Result<Instance, InputErrors> {
        let (display, text) = read_instance_text(path)?;
        Self::from_toml_str(&display, &text)
    }

    pub fn resource_index(&self, id: &str) -> Option<usize> {
        self.resources.iter().position(|resource| resource.id == id)
    }

    pub fn customer_index(&self, id: &str) -> Option<usize> {
        self.customers.iter().position(|customer| customer.id == id)
    }

    /// The id a share base is written with in the instance and in constraint ids.
    pub fn share_base_id(&self, base: ShareBase) -> &str {
        match base {
            ShareBase::Resource(resource) => &self.resources[resource].id,
            ShareBase::Value => "value",
        }
    }
}

/// The name messages give an instance read from standard input. Paths in it (`customers_csv`,
/// a portfolio model file) are relative to the current directory.
pub const STDIN_NAME: &str = "<stdin>";

/// Reads an instance's text, bounded by the file-size limit: from the file, or from standard
/// input when the path is `-`. Returns the name used in messages and the text.
pub fn read_instance_text(path: &std::path::Path) -> Result<(String, String), InputErrors> {
    let from_stdin = path.as_os_str() == "-";
    let display = if from_stdin { STDIN_NAME.to_string() } else { path.display().to_string() };
    let text = if from_stdin {
        crate::input::limits::read_bounded_from(std::io::stdin().lock(), crate::input::limits::FileKind::Instance)
    } else {
        crate::input::limits::read_bounded(path, crate::input::limits::FileKind::Instance)
    };
    let text = text.map_err(|message| {
        InputErrors(vec![crate::diagnostic::Diagnostic { file: display.clone(), line: 0, column: 0, field: String::new(), message }])
    })?;
    Ok((display, text))
}
