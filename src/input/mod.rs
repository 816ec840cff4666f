//! Reading an instance file: TOML text -> raw structures that keep the position of every value.
//!
//! Nothing here judges the numbers; [`crate::model::validate`] does that and turns the raw
//! structures into the validated [`crate::model::Instance`] that the rest of capplan takes.

mod raw;

pub use raw::*;

use crate::diagnostic::{Diagnostic, InputErrors, SourceFile};

/// Parses TOML text into the raw instance structure. Syntax errors, wrong types, unknown and
/// missing fields are reported here, with their position.
pub fn parse_raw(source: &SourceFile) -> Result<RawInstance, InputErrors> {
    toml::from_str::<RawInstance>(&source.text).map_err(|error| InputErrors(vec![toml_diagnostic(source, &error)]))
}

/// Turns a TOML deserialisation error into a located diagnostic.
pub fn toml_diagnostic(source: &SourceFile, error: &toml::de::Error) -> Diagnostic {
    let span = error.span().unwrap_or(0..0);
    let (line, column) = source.line_column(span.start);
    // The span of an unknown or ill-typed field starts at its key or value; name it so the
    // message says which field, even though toml's own message does not carry the path.
    let at = source.text.get(span.clone()).unwrap_or("").trim();
    let field = if at.len() <= 64 && !at.is_empty() && at.chars().all(|c| c.is_alphanumeric() || "-_.".contains(c)) {
        at.to_string()
    } else {
        String::new()
    };
    let message = error.message().trim().replace('\n', " ");
    Diagnostic { file: source.path.clone(), line, column, field, message }
}
