//! Reading an instance file: TOML text -> raw structures that keep the position of every value.
//!
//! A large instance is read one `[[customers]]` table at a time, so that the reader's memory
//! stays proportional to the file (`blocks`); the structures and their spans are the same.
//!
//! Nothing here judges the numbers; [`crate::model::validate`] does that and turns the raw
//! structures into the validated [`crate::model::Instance`] that the rest of capplan takes.

mod blocks;
pub mod customers_csv;
pub mod limits;
mod portfolio;
mod raw;
mod scenario;
mod spanned;

pub use portfolio::*;
pub use raw::*;
pub use scenario::*;
pub use spanned::Spanned;

use crate::diagnostic::{Diagnostic, InputErrors, SourceFile};

/// Files read by this process, by device and inode: `--output` refuses to replace any of them
/// (a report written over the instance it came from would lose the instance).
static FILES_READ: std::sync::Mutex<Vec<(u64, u64)>> = std::sync::Mutex::new(Vec::new());

fn remember_file_read(metadata: &std::fs::Metadata) {
    use std::os::unix::fs::MetadataExt;
    let mut files = FILES_READ.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if !files.contains(&(metadata.dev(), metadata.ino())) {
        files.push((metadata.dev(), metadata.ino()));
    }
}

/// Whether this process has read the file `metadata` describes (through [`limits::read_bounded`]
/// or the customers workbook reader).
pub fn was_read(metadata: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    FILES_READ.lock().unwrap_or_else(std::sync::PoisonError::into_inner).contains(&(metadata.dev(), metadata.ino()))
}

/// Parses a portfolio model file.
pub fn parse_model(source: &SourceFile) -> Result<RawModelFile, InputErrors> {
    limits::check_text_size(source, limits::FileKind::Model).map_err(|problem| InputErrors(vec![problem]))?;
    toml::from_str::<RawModelFile>(&source.text).map_err(|error| InputErrors(vec![toml_diagnostic(source, &error)]))
}

/// Parses TOML text into the raw instance structure. Syntax errors, wrong types, unknown and
/// missing fields are reported here, with their position.
/// Size limits ([`limits`]) are checked here too, before validation starts. Customers from the
/// CSV file the instance names (`customers_csv`) are read here and appended to the TOML ones.
pub fn parse_raw(source: &SourceFile) -> Result<RawInstance, InputErrors> {
    limits::check_text_size(source, limits::FileKind::Instance).map_err(|problem| InputErrors(vec![problem]))?;
    // Large files are read one customer table at a time (see `blocks` for why and how).
    let layout = blocks::scan(source)?;
    let raw =
        if layout.read_whole || layout.units.is_empty() { blocks::read_whole(source)? } else { blocks::read_in_pieces(source, &layout)? };
    let problems = limits::check_counts(&raw, source);
    if !problems.is_empty() {
        return Err(InputErrors(problems));
    }
    let mut raw = raw;
    customers_csv::read_customer_tables(&mut raw, source)?;
    Ok(raw)
}

/// Turns a TOML deserialisation error into a located diagnostic.
///
/// The TOML reader reports a span and a message but not the path of the field; the path is
/// rebuilt from the text: the enclosing `[table]` header, an inline-table key on the same line,
/// and the key itself (the key at the span, the key before `=`, or the name in "missing field").
pub fn toml_diagnostic(source: &SourceFile, error: &toml::de::Error) -> Diagnostic {
    toml_diagnostic_at(source, error.span(), error.message())
}

/// [`toml_diagnostic`] of the reader's `message` about `reported_span` (a byte range of
/// `source`), for an error the reader gave about a piece of the file.
fn toml_diagnostic_at(source: &SourceFile, reported_span: Option<std::ops::Range<usize>>, message: &str) -> Diagnostic {
    let span = reported_span.clone().unwrap_or(0..0);
    let (line, column) = source.line_column(span.start);
    let message = planner_terms(message.trim()).replace('\n', " ");
    if let Some(message) = limits::nesting_message(&message) {
        // The reader gives no position for an over-long dotted key; find its line.
        let at = reported_span.filter(|span| !span.is_empty()).map(|span| span.start).or_else(|| limits::deep_dotted_key(&source.text));
        let (line, column) = at.map_or((line, column), |at| source.line_column(at));
        return Diagnostic { file: source.path.clone(), line, column, field: String::new(), message };
    }
    // Syntax errors are about the text, not a field; data errors name the field.
    let about_a_field =
        ["unknown field", "missing field", "invalid type", "invalid value", "unknown variant", "invalid length", "duplicate key"]
            .iter()
            .any(|phrase| message.contains(phrase));
    let field = if about_a_field { field_path(&source.text, span, &message) } else { String::new() };
    Diagnostic { file: source.path.clone(), line, column, field, message }
}

fn is_key_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-_.\"".contains(c)
}

fn field_path(text: &str, span: std::ops::Range<usize>, message: &str) -> String {
    let start = span.start.min(text.len());
    let line_start = text[..start].rfind('\n').map_or(0, |at| at + 1);
    let line_end = text[start..].find('\n').map_or(text.len(), |at| start + at);
    let line_text = &text[line_start..line_end];
    let before = &text[line_start..start];

    // The enclosing table: the last header at or before this line.
    let header = text[..line_end]
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| l.starts_with('['))
        .map(|l| l.trim_start_matches('[').split(']').next().unwrap_or("").trim().to_string())
        .filter(|_| !line_text.trim_start().starts_with('[') || message.contains("missing field"));

    // An inline table on this line: `expectations.service = { hours = 1, kind = "x" }`.
    let inline = before.find("= {").map(|at| before[..at].trim().to_string()).filter(|k| !k.is_empty() && k.chars().all(is_key_char));

    let key = if let Some(name) = message.split("missing field `").nth(1).and_then(|rest| rest.split('`').next()) {
        Some(name.to_string())
    } else {
        let at_span = text.get(span.clone()).unwrap_or("").trim();
        if !at_span.is_empty()
            && at_span.len() <= 64
            && at_span.chars().all(is_key_char)
            && !at_span.starts_with('"')
            && !before.trim_end().ends_with('=')
        {
            Some(at_span.to_string())
        } else {
            let trimmed = before.trim_end();
            trimmed.strip_suffix('=').map(|prefix| {
                let prefix = prefix.trim_end();
                let key_start = prefix.rfind(|c: char| !is_key_char(c)).map_or(0, |at| at + 1);
                prefix[key_start..].to_string()
            })
        }
    };
    let mut parts: Vec<String> = Vec::new();
    parts.extend(header.filter(|h| !h.is_empty()));
    parts.extend(inline.filter(|i| key.as_deref() != Some(i.as_str())));
    parts.extend(key.filter(|k| !k.is_empty()));
    parts.join(".").replace('"', "")
}

/// The reader's messages speak of Rust types; planners read "a number".
fn planner_terms(message: &str) -> String {
    message
        .replace("expected f64", "expected a number")
        .replace("expected a sequence", "expected an array")
        .replace("expected a map", "expected a table")
}
