//! `capplan schema`: the JSON Schema of capplan's JSON documents, for pipelines that validate
//! what they read.

use std::path::PathBuf;

use clap::Args;

use super::{EXIT_OK, emit};
use crate::report::schema::{self, Document};

#[derive(Args, Debug)]
pub struct SchemaArgs {
    /// The document whose schema to print; without it, one schema for every document, each
    /// under `$defs`.
    #[arg(value_enum)]
    document: Option<DocumentName>,
    /// Write the schema to this file (atomically) instead of standard output.
    #[arg(long)]
    output: Option<PathBuf>,
}

/// The documents by the names the command takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum DocumentName {
    /// `capplan solve --format json` (with --sensitivity, --scenario, --force too).
    Solve,
    /// `capplan solve --audience partner --format json`.
    Partner,
    /// `capplan compare --format json`.
    Compare,
    /// `capplan sweep --format json`.
    Sweep,
    /// `capplan frontier --format json`.
    Frontier,
    /// `capplan classify --format json`.
    Classify,
    /// The error report a failed run prints on standard error with `--format json`.
    Error,
}

impl From<DocumentName> for Document {
    fn from(name: DocumentName) -> Document {
        match name {
            DocumentName::Solve => Document::Solve,
            DocumentName::Partner => Document::Partner,
            DocumentName::Compare => Document::Compare,
            DocumentName::Sweep => Document::Sweep,
            DocumentName::Frontier => Document::Frontier,
            DocumentName::Classify => Document::Classify,
            DocumentName::Error => Document::Error,
        }
    }
}

pub(super) fn run(args: &SchemaArgs) -> i32 {
    let text = schema::render(args.document.map(Document::from));
    match emit(args.output.as_deref(), &text) {
        Ok(()) => EXIT_OK,
        Err(code) => code,
    }
}
