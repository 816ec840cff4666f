//! `capplan generate`: write a synthetic instance (see [`crate::generate`]).

use std::path::PathBuf;

use super::{EXIT_INPUT, EXIT_OK};
use crate::analysis::whale::{current_contributions, whale_shape};
use crate::generate::{DEFAULT_RESOURCES, Settings, check_resource_ids, generate};
use crate::input::limits::MAX_FILE_BYTES;
use crate::model::Instance;

/// The most customers generated: the most an instance may hold
/// ([`crate::input::limits::MAX_CUSTOMERS`]). The text must also fit the file limit capplan reads
/// ([`MAX_FILE_BYTES`]), checked on the generated text, since its size depends on the resources.
pub const MAX_CUSTOMERS: usize = crate::input::limits::MAX_CUSTOMERS;

#[derive(clap::Args, Debug)]
pub struct GenerateArgs {
    /// Number of customers (1 to 200,000, as many as fit in the 64 MiB an instance may take).
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
    /// Add diversification limits: the network segment at most 60 % of the last resource's
    /// hours, the relationship segment at least 20 % and the transactional segment at most 50 %
    /// of the value, each customer at most 5 % of the value (the general LP path, not the
    /// separable one).
    #[arg(long)]
    pub diversify: bool,
}

pub(super) fn run(args: &GenerateArgs) -> i32 {
    if let Err(message) = check_resource_ids(&args.resources) {
        eprintln!("error: --resources: {message}");
        return EXIT_INPUT;
    }
    let settings =
        Settings { customers: args.customers as usize, seed: args.seed, resources: args.resources.clone(), diversify: args.diversify };
    let text = generate(&settings);
    // Checked before anything is written, so that a file capplan could not read back never
    // replaces a previous one.
    if text.len() as u64 > MAX_FILE_BYTES {
        let fits = (args.customers as f64 * MAX_FILE_BYTES as f64 / text.len() as f64).floor();
        eprintln!(
            "error: --customers {}: the instance would be {} bytes, over the limit of {MAX_FILE_BYTES} bytes (64 MiB) that capplan reads; with these resources at most about {fits} customers fit",
            args.customers,
            text.len()
        );
        return EXIT_INPUT;
    }
    // The generator promises a valid instance with a whale-shaped profit; say what it made.
    let instance = match Instance::from_toml_str("generated", &text) {
        Ok(instance) => instance,
        Err(errors) => {
            eprintln!("error: internal: the generated instance is invalid:\n{errors}");
            return super::EXIT_INTERNAL;
        }
    };
    if let Err(code) = super::emit(args.output.as_deref(), &text) {
        return code;
    }
    if args.output.is_some() {
        let shape = whale_shape(&current_contributions(&instance));
        eprintln!(
            "capplan: {} customers; on the current hours the top 20 % make {:.0} % of the contribution, the middle 70 % {:.0} %, the bottom 10 % {:.0} %",
            instance.customers.len(),
            shape.top_20 * 100.0,
            shape.middle_70 * 100.0,
            shape.bottom_10 * 100.0
        );
    }
    EXIT_OK
}
