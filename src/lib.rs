//! capplan: capacity planning for B2B customer portfolios as a linear program.
//!
//! A quarter's capacity (sales, service, engineering hours) and a customer portfolio, written as a
//! TOML instance, become a linear program with minimum service levels, partner expectations and
//! diversification limits. capplan solves it and reports the optimal plan together with the
//! shadow price of every named constraint, so a planner sees which limits bind and what an hour,
//! a commitment or a cap is worth.
//!
//! The pipeline, one module per stage:
//!
//! 1. [`input`]: TOML text -> raw structures that remember where every value was written.
//! 2. [`model`]: validation -> [`model::Instance`], the only type the later stages accept.
//! 3. [`formulation`]: the LP, every row named (`capacity[engineering]`, `floor[m1/service]`).
//! 4. [`solve`]: one adapter per backend (separable, microlp, clarabel, optional HiGHS), the
//!    `--solver auto` choice, time limits; statuses as data.
//! 5. [`analysis`]: duals computed by capplan itself, then the plan in planner terms.
//! 6. [`report`]: text, JSON and CSV printers.
//!
//! Beside the pipeline: [`generate`] writes synthetic instances, and
//! [`formulation::export`] writes the LP in the LP and MPS file formats.
//!
//! ```
//! use capplan::{analysis, model::Instance, solve::Backend};
//!
//! let instance = Instance::from_toml_str("example.toml", r#"
//!     [plan]
//!     name = "Example"
//!     period = "2027-Q1"
//!     currency = "EUR"
//!
//!     [[resources]]
//!     id = "engineering"
//!     capacity_hours = 100
//!
//!     [[customers]]
//!     id = "acme"
//!     response.engineering = { value_per_hour = 50, max_hours = 80 }
//! "#).unwrap();
//! let report = analysis::solve(&instance, Backend::Microlp).unwrap();
//! let plan = report.plan.unwrap();
//! // 80 hours at 50 EUR: the customer saturates before capacity runs out,
//! // so one more engineering hour is worth nothing.
//! assert!((plan.objective - 4000.0).abs() < 1e-6);
//! assert!(plan.resources[0].shadow_price.abs() < 1e-9);
//! ```

// Customers, resources and segments are indices into parallel per-entity arrays; index loops
// read more plainly than zipped iterators over three or four of them.
#![allow(clippy::needless_range_loop)]

pub mod analysis;
pub mod cli;
pub mod diagnostic;
pub mod formulation;
pub mod generate;
pub mod input;
pub mod model;
pub mod report;
pub mod solve;
