//! `capplan generate`: write a synthetic instance (see [`crate::generate`]).

use std::path::PathBuf;

use super::{EXIT_INPUT, EXIT_OK};
use crate::analysis::whale::{current_contributions, whale_shape};
use crate::generate::{DEFAULT_RESOURCES, Settings, check_resource_ids, generate};
use crate::model::Instance;

/// Above this many customers an instance would take gigabytes of TOML.
pub const MAX_CUSTOMERS: usize = 1_000_000;

#[derive(clap::Args, Debug)]
pub struct GenerateArgs {
    /// Number of customers (1 to 1,000,000).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=MAX_CUSTOMERS as u64))]
    pub customers: u64,
    /// Seed of the random stream: the same seed gives the same file, byte for byte.
    #[arg(long, value_name = "S")]
    pub seed: u64,
    /// Resource ids, comma-separated.
    #[arg(long, value_name = "IDS", value_delimiter = ',', default_values_t = DEFAULT_RESOURCES.map(String::from))]
    pub resources: Vec<String>,
    /// Write the instance to this file (atomically) instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

pub(super) fn run(args: &GenerateArgs) -> i32 {
    if let Err(message) = check_resource_ids(&args.resources) {
        eprintln!("error: --resources: {message}");
        return EXIT_INPUT;
    }
    let settings = Settings { customers: args.customers as usize, seed: args.seed, resources: args.resources.clone() };
    let text = generate(&settings);
    if let Err(code) = super::emit(args.output.as_deref(), &text) {
        return code;
    }
    if args.output.is_some() {
        // The generator promises a valid instance with a whale-shaped profit; say what it made.
        match Instance::from_toml_str("generated", &text) {
            Ok(instance) => {
                let shape = whale_shape(&current_contributions(&instance));
                eprintln!(
                    "capplan: {} customers; on the current hours the top 20 % make {:.0} % of the contribution, the middle 70 % {:.0} %, the bottom 10 % {:.0} %",
                    instance.customers.len(),
                    shape.top_20 * 100.0,
                    shape.middle_70 * 100.0,
                    shape.bottom_10 * 100.0
                );
            }
            Err(errors) => {
                eprintln!("error: internal: the generated instance is invalid:\n{errors}");
                return super::EXIT_INTERNAL;
            }
        }
    }
    EXIT_OK
}
