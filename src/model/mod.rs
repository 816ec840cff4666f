//! The validated domain model: an instance whose every number has been checked and whose every
//! reference has been resolved to an index. Everything downstream of input takes only this.

pub mod portfolio;
mod risk;
mod scenario;
mod validate;

#[cfg(test)]
mod tests;

pub use crate::input::ExpectationKind;
pub use risk::{Risk, RiskScenario};
pub use scenario::{AppliedScenario, apply_scenario, apply_scenario_file};
pub use validate::{MIN_NONZERO_MAGNITUDE, is_too_small_to_compute_with, validate};

use crate::diagnostic::{InputErrors, SourceFile};

/// A validated planning instance.
#[derive(Debug, Clone, PartialEq)]
pub struct Instance {
    pub(crate) plan: PlanHeader,
    pub(crate) resources: Vec<Resource>,
    pub(crate) segments: Vec<Segment>,
    pub(crate) customers: Vec<Customer>,
    /// The portfolio model the customers are classified with, if the instance names one.
    pub(crate) portfolio: Option<portfolio::PortfolioModel>,
    /// What every value share (customer or segment) is a share of.
    pub(crate) value_share_base: ValueShareBase,
    /// Revenue scenarios and the CVaR floor (`[risk]`), if the instance has them.
    pub(crate) risk: Option<Risk>,
}

/// What a value share is measured against (`[diversification] value_share_base`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ValueShareBase {
    /// The plan's own total value (the default): the plan can meet a cap by raising the total,
    /// which the report flags as padding.
    Plan,
    /// A fixed total: the status quo's total value at the current hours, or a number the planner
    /// gave (currency). A cap is then a limit on the customer's own value and cannot be padded.
    Fixed {
        /// The total value every share is a share of (currency).
        total: f64,
        /// The total is the status quo's value at the current hours, not a number the planner
        /// gave.
        from_current_hours: bool,
    },
}

/// Where an effective limit came from: the instance (the customer's own setting) or the policy
/// of the customer's portfolio category. The instance overrides the category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// The customer's own setting in the instance.
    Instance,
    /// The policy of the customer's portfolio category.
    Policy,
}

/// The source of each effective limit of a customer, per resource index.
#[derive(Debug, Clone, PartialEq)]
pub struct LimitSources {
    pub(crate) floor: Vec<Source>,
    pub(crate) cap: Vec<Source>,
    pub(crate) expectation_kind: Vec<Source>,
    pub(crate) max_change: Vec<Source>,
    pub(crate) priority_weight: Source,
}

#[derive(Debug, Clone, PartialEq)]
/// The instance's `[plan]` header.
pub struct PlanHeader {
    pub(crate) name: String,
    pub(crate) period: String,
    pub(crate) currency: String,
    pub(crate) notes: Option<String>,
}

/// A pool of hours (sales, service, engineering, ...).
#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    pub(crate) id: String,
    pub(crate) name: String,
    /// Hours available in the period.
    pub(crate) capacity_hours: f64,
    /// Currency per hour allocated.
    pub(crate) cost_per_hour: f64,
    pub(crate) expansion: Vec<ExpansionOption>,
}

/// Extra hours that can be bought for a resource.
#[derive(Debug, Clone, PartialEq)]
pub struct ExpansionOption {
    pub(crate) id: String,
    /// Currency per hour bought, as the file gives it: what a bought hour costs in total, or,
    /// with `cost_is_premium`, what it costs on top of the resource's own cost per hour.
    pub(crate) cost_per_hour: f64,
    /// The rate is a premium over the resource's own cost per hour (`cost_is_premium = true`).
    pub(crate) cost_is_premium: bool,
    /// `None`: unlimited.
    pub(crate) max_hours: Option<f64>,
}

impl Resource {
    /// What one hour bought from an option adds to the cost of the hour at the resource's own
    /// rate: each allocated hour is costed at `cost_per_hour`, so a bought hour whose total price
    /// is the option's rate adds the difference, and a premium adds itself.
    pub(crate) fn expansion_extra_cost_per_hour(&self, option: &ExpansionOption) -> f64 {
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
/// A group of customers with joint limits (hours and shares).
pub struct Segment {
    pub(crate) id: String,
    pub(crate) name: String,
    /// Per resource index.
    pub(crate) min_hours: Vec<Option<f64>>,
    pub(crate) max_hours: Vec<Option<f64>>,
    pub(crate) min_share: Vec<(ShareBase, f64)>,
    pub(crate) max_share: Vec<(ShareBase, f64)>,
}

#[derive(Debug, Clone, PartialEq)]
/// A customer: its current hours, limits, expectations and response curve per resource.
pub struct Customer {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) segment: Option<usize>,
    /// Per resource index: the status quo.
    pub(crate) current_hours: Vec<f64>,
    pub(crate) floor_hours: Vec<Option<f64>>,
    pub(crate) cap_hours: Vec<Option<f64>>,
    /// Effective share caps: the customer's own, else the instance-wide default.
    pub(crate) max_share: Vec<(ShareBase, f64)>,
    /// Per resource index.
    pub(crate) responses: Vec<ResponseCurve>,
    pub(crate) expectations: Vec<Option<Expectation>>,
    /// Scores on the portfolio model's dimensions (empty without a model).
    pub(crate) scores: Vec<f64>,
    /// Index of the customer's category in the portfolio model.
    pub(crate) category: Option<usize>,
    /// Per resource: how many hours the plan may move away from the current hours.
    pub(crate) max_change_hours: Vec<Option<f64>>,
    /// Multiplies the customer's response value in the objective (1 = neutral).
    pub(crate) priority_weight: f64,
    /// Per resource index: the judged curve when `envelope = true` replaced S-shaped judged
    /// points by their concave envelope (`responses` then holds the envelope); `None` when the
    /// curve planned with is the one the planner gave.
    pub(crate) judged_responses: Vec<Option<ResponseCurve>>,
    pub(crate) sources: LimitSources,
}

/// The hours a customer expects of one resource.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Expectation {
    pub(crate) hours: f64,
    pub(crate) kind: ExpectationKind,
    /// Currency per hour of shortfall; 0 for hard expectations.
    pub(crate) penalty_per_hour: f64,
}

/// Relative distance under which hours count as sitting on a bend of a response curve or on an
/// expectation. Interior-point backends land within about 1e-7 of a vertex; simplex exactly on it.
pub const BREAKPOINT_TOLERANCE: f64 = 1e-6;

/// A piecewise-linear response: value as a function of hours. Every curve the model plans with
/// is concave; a judged S-shaped curve kept beside its envelope ([`Customer::judged_responses`])
/// is not.
#[derive(Debug, Clone, PartialEq)]
pub struct ResponseCurve {
    /// Value with no hours at all (currency).
    pub(crate) value_at_zero: f64,
    /// Consecutive pieces from 0 hours on, with non-increasing value per hour. The last piece is
    /// unbounded (`length_hours == None`).
    pub(crate) pieces: Vec<CurvePiece>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
/// One linear piece of a response curve.
pub struct CurvePiece {
    /// Currency per hour on this piece.
    pub(crate) value_per_hour: f64,
    /// Hours this piece spans; `None` for the unbounded last piece.
    pub(crate) length_hours: Option<f64>,
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
        Self::from_source(SourceFile::new(path, text))
    }

    /// Reads and validates an instance file; the path `-` reads standard input.
    pub fn from_file(path: &std::path::Path) -> Result<Instance, InputErrors> {
        let (display, text) = read_instance_text(path)?;
        // The text moves into the source: a copy of a large file is the file's size again.
        Self::from_source(SourceFile::new(display, text))
    }

    fn from_source(source: SourceFile) -> Result<Instance, InputErrors> {
        let raw = crate::input::parse_raw(&source)?;
        validate(&raw, &source)
    }

    /// The index of the resource with this id.
    pub fn resource_index(&self, id: &str) -> Option<usize> {
        self.resources.iter().position(|resource| resource.id == id)
    }

    /// The index of the customer with this id.
    pub fn customer_index(&self, id: &str) -> Option<usize> {
        self.customers.iter().position(|customer| customer.id == id)
    }

    /// A copy with the capacity of the resource at index `resource` set to `hours`: the quickest
    /// what-if for a library user (a scenario file does this and more). `None` when the index is
    /// out of range or `hours` is not a finite, non-negative number.
    pub fn with_capacity_hours(&self, resource: usize, hours: f64) -> Option<Instance> {
        if resource >= self.resources.len() || !hours.is_finite() || hours < 0.0 {
            return None;
        }
        let mut edited = self.clone();
        edited.resources[resource].capacity_hours = hours;
        Some(edited)
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

// Read access for library users. The fields stay private to the crate so that an `Instance`
// can only come out of validation (or a scenario applied to a validated instance): every
// number checked, every reference an index in range, every curve concave.

impl Instance {
    /// The `[plan]` header: name, period, currency, notes.
    pub fn plan(&self) -> &PlanHeader {
        &self.plan
    }
    /// The resources, in the order of the file; every per-resource vector is indexed alike.
    pub fn resources(&self) -> &[Resource] {
        &self.resources
    }
    /// The segments, in the order of the file.
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }
    /// The customers, in the order of the file (or of the customers CSV).
    pub fn customers(&self) -> &[Customer] {
        &self.customers
    }
    /// The portfolio model the customers are classified with, if the instance names one.
    pub fn portfolio(&self) -> Option<&portfolio::PortfolioModel> {
        self.portfolio.as_ref()
    }
    /// What every value share (customer or segment) is a share of.
    pub fn value_share_base(&self) -> ValueShareBase {
        self.value_share_base
    }
    /// Revenue scenarios, the CVaR floor and the risk weight, if the instance has `[risk]`.
    pub fn risk(&self) -> Option<&Risk> {
        self.risk.as_ref()
    }
    /// A copy with the CVaR floor set to `floor` (or removed) and no risk weight: a point of the
    /// frontier; `None` without `[risk]`.
    pub fn with_min_cvar(&self, floor: Option<f64>) -> Option<Instance> {
        let risk = self.risk.as_ref()?.with_min_cvar(floor);
        Some(Instance { risk: Some(risk), ..self.clone() })
    }
    /// A copy with the risk weight set to `weight` (or removed), the CVaR floor kept; `None`
    /// without `[risk]`.
    pub fn with_risk_weight(&self, weight: Option<f64>) -> Option<Instance> {
        let risk = self.risk.as_ref()?.with_risk_weight(weight);
        Some(Instance { risk: Some(risk), ..self.clone() })
    }
}

impl PlanHeader {
    /// The plan's name, as the reports title it.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// The period planned, free text (`2027-Q1`).
    pub fn period(&self) -> &str {
        &self.period
    }
    /// The currency every money amount is in (`EUR`).
    pub fn currency(&self) -> &str {
        &self.currency
    }
    /// The planner's notes, if any.
    pub fn notes(&self) -> Option<&str> {
        self.notes.as_deref()
    }
}

impl Resource {
    /// The id constraint names and reports use (`engineering`).
    pub fn id(&self) -> &str {
        &self.id
    }
    /// The display name.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// Hours available in the period.
    pub fn capacity_hours(&self) -> f64 {
        self.capacity_hours
    }
    /// Currency per hour allocated.
    pub fn cost_per_hour(&self) -> f64 {
        self.cost_per_hour
    }
    /// The options to buy extra hours.
    pub fn expansion(&self) -> &[ExpansionOption] {
        &self.expansion
    }
}

impl ExpansionOption {
    /// The option's id (`contractors`).
    pub fn id(&self) -> &str {
        &self.id
    }
    /// Currency per hour bought, as the file gives it (see [`Self::cost_is_premium`]).
    pub fn cost_per_hour(&self) -> f64 {
        self.cost_per_hour
    }
    /// Whether the rate is a premium over the resource's own cost per hour.
    pub fn cost_is_premium(&self) -> bool {
        self.cost_is_premium
    }
    /// The most hours the option sells; `None`: unlimited.
    pub fn max_hours(&self) -> Option<f64> {
        self.max_hours
    }
}

impl Segment {
    /// The segment's id.
    pub fn id(&self) -> &str {
        &self.id
    }
    /// The display name.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// Per resource index: the fewest hours the segment's customers get together.
    pub fn min_hours(&self) -> &[Option<f64>] {
        &self.min_hours
    }
    /// Per resource index: the most hours the segment's customers get together.
    pub fn max_hours(&self) -> &[Option<f64>] {
        &self.max_hours
    }
    /// Lower limits on the segment's share, each with what it is a share of.
    pub fn min_share(&self) -> &[(ShareBase, f64)] {
        &self.min_share
    }
    /// Upper limits on the segment's share, each with what it is a share of.
    pub fn max_share(&self) -> &[(ShareBase, f64)] {
        &self.max_share
    }
}

impl Customer {
    /// The customer's id.
    pub fn id(&self) -> &str {
        &self.id
    }
    /// The display name.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// Index of the customer's segment in [`Instance::segments`].
    pub fn segment(&self) -> Option<usize> {
        self.segment
    }
    /// Per resource index: the status quo hours.
    pub fn current_hours(&self) -> &[f64] {
        &self.current_hours
    }
    /// Per resource index: the effective floor (the customer's own, else its category's).
    pub fn floor_hours(&self) -> &[Option<f64>] {
        &self.floor_hours
    }
    /// Per resource index: the effective cap.
    pub fn cap_hours(&self) -> &[Option<f64>] {
        &self.cap_hours
    }
    /// Effective share caps: the customer's own, else the instance-wide default.
    pub fn max_share(&self) -> &[(ShareBase, f64)] {
        &self.max_share
    }
    /// Per resource index: the response curve.
    pub fn responses(&self) -> &[ResponseCurve] {
        &self.responses
    }
    /// Per resource index: the hours the customer expects, if any.
    pub fn expectations(&self) -> &[Option<Expectation>] {
        &self.expectations
    }
    /// Scores on the portfolio model's dimensions (empty without a model).
    pub fn scores(&self) -> &[f64] {
        &self.scores
    }
    /// Index of the customer's category in the portfolio model.
    pub fn category(&self) -> Option<usize> {
        self.category
    }
    /// Per resource index: how many hours the plan may move away from the current hours.
    pub fn max_change_hours(&self) -> &[Option<f64>] {
        &self.max_change_hours
    }
    /// Multiplies the customer's response value in the objective (1 = neutral).
    pub fn priority_weight(&self) -> f64 {
        self.priority_weight
    }
    /// Per resource index: the judged (S-shaped) curve the response's concave envelope replaced
    /// (`envelope = true`), or `None` when the curve planned with is the one given.
    pub fn judged_responses(&self) -> &[Option<ResponseCurve>] {
        &self.judged_responses
    }
    /// Where each effective limit came from (the instance or the category's policy).
    pub fn sources(&self) -> &LimitSources {
        &self.sources
    }
}

impl LimitSources {
    /// Per resource index: the source of the floor.
    pub fn floor(&self) -> &[Source] {
        &self.floor
    }
    /// Per resource index: the source of the cap.
    pub fn cap(&self) -> &[Source] {
        &self.cap
    }
    /// Per resource index: the source of the expectation's kind (hard or soft).
    pub fn expectation_kind(&self) -> &[Source] {
        &self.expectation_kind
    }
    /// Per resource index: the source of the change limit.
    pub fn max_change(&self) -> &[Source] {
        &self.max_change
    }
    /// The source of the priority weight.
    pub fn priority_weight(&self) -> Source {
        self.priority_weight
    }
}

impl Expectation {
    /// The hours expected.
    pub fn hours(&self) -> f64 {
        self.hours
    }
    /// Hard (a constraint) or soft (a penalty per hour short).
    pub fn kind(&self) -> ExpectationKind {
        self.kind
    }
    /// Currency per hour of shortfall; 0 for hard expectations.
    pub fn penalty_per_hour(&self) -> f64 {
        self.penalty_per_hour
    }
}

impl ResponseCurve {
    /// Value with no hours at all (currency).
    pub fn value_at_zero(&self) -> f64 {
        self.value_at_zero
    }
    /// Consecutive pieces from 0 hours on, value per hour non-increasing; the last unbounded.
    pub fn pieces(&self) -> &[CurvePiece] {
        &self.pieces
    }
}

impl CurvePiece {
    /// Currency per hour on this piece.
    pub fn value_per_hour(&self) -> f64 {
        self.value_per_hour
    }
    /// Hours this piece spans; `None` for the unbounded last piece.
    pub fn length_hours(&self) -> Option<f64> {
        self.length_hours
    }
}
