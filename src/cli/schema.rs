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
    document: Option<Document>,
    /// Write the schema to this file (atomically) instead of standard output.
    #[arg(long)]
    output: Option<PathBuf>,
}

pub(super) fn run(args: &SchemaArgs) -> i32 {
    let text = schema::render(args.document);
    match emit(args.output.as_deref(), &text) {
        Ok(()) => EXIT_OK,
        Err(code) => code,
    }
}
