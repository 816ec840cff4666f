//! Reading a large instance file piece by piece, so that memory stays proportional to the file.
//!
//! The TOML reader builds everything a document holds before deserialising any of it: a token
//! for every word, space and bracket, a parser event for each, and a located tree of every value.
//! For a generated 100,000-customer portfolio (51 MB) that was 2.5 GB at its peak, about 50 bytes
//! per byte of the file, and the raw structures capplan keeps are a fraction of it.
//!
//! Nearly all of a large instance is its `[[customers]]` tables, and each one is a document of
//! its own: nothing in one customer's table refers to another's. So the file is scanned once with
//! the TOML lexer (which allocates nothing; it knows strings, comments and brackets, so a `[` in
//! a string or a multi-line array is never taken for a header), and cut at its table headers:
//!
//! - every `[[customers]]` table, with the `[customers.…]` / `[[customers.…]]` sub-tables that
//!   follow it, is a *unit*, read on its own (the reader's transient memory is one customer's);
//! - the rest (plan, resources, segments, …) is read as one document: the file's text with the
//!   units blanked out, so that byte offsets, and with them every line and column, stay the same.
//!
//! Spans read from a unit are moved by the unit's offset in the file ([`super::spanned`]), so a
//! value's span, every message of validation, and every message of the TOML reader (moved the
//! same way) point into the file as written. Nothing is located on demand and nothing is
//! re-scanned: the located structures are exactly those the whole-file reader gave.
//!
//! Why this design rather than spans kept compactly or locations found by re-scanning: the
//! memory was the reader's transient tree, not the located values capplan keeps (those take
//! about a fifth of it); cutting the file keeps that tree one customer long without touching how
//! values are located or validated, and the raw structures stay ordinary serde structures, which
//! a new field extends with one line.
//!
//! Where cutting could change what the file means, the whole file is read at once as before: a
//! header whose first key is quoted (`[["customers"]]`), a `[customers]` table, customer
//! sub-tables before the first `[[customers]]`, or customers written in the rest of the file as
//! well (an inline array). The same scan counts the tables, so that a file of millions of tiny
//! tables is refused at the first one over a limit before any of it is read.

use std::ops::Range;

use toml_parser::Source;
use toml_parser::lexer::TokenKind;

use super::limits::{MAX_CUSTOMERS, MAX_NESTING_DEPTH, MAX_OTHER_TABLES, MAX_RESOURCES, MAX_SEGMENTS};
use super::spanned::SpanBase;
use super::{RawCustomer, RawInstance, Spanned};
use crate::diagnostic::{Diagnostic, InputErrors, SourceFile};

/// How an instance file is cut, found by [`scan`].
#[derive(Debug, Default)]
pub(super) struct Layout {
    /// Byte ranges of the customer units, in file order.
    pub units: Vec<Range<usize>>,
    /// The file must be read whole: cutting it could change its meaning.
    pub read_whole: bool,
}

/// What a table header names, as far as cutting the file is concerned.
#[derive(Debug, PartialEq, Eq)]
enum Header {
    /// `[[customers]]`: starts a unit.
    Customer,
    /// `[customers.x]` or `[[customers.x]]`: belongs to the unit before it.
    CustomerPart,
    /// `[[resources]]`.
    Resource,
    /// `[[segments]]`.
    Segment,
    /// Any other table of the rest of the file.
    Other,
    /// A header the scan does not take apart (a quoted first key, `[customers]`, a malformed
    /// header): the file is read whole, and the reader says what is wrong, if anything.
    Unusual,
}

/// Scans `source` once: where its customer units are, whether it can be cut at all, and whether
/// it has more tables of a kind than the limits allow (refused here, at the first one over).
pub(super) fn scan(source: &SourceFile) -> Result<Layout, InputErrors> {
    let text = source.text.as_str();
    let mut tokens = Source::new(text).lex().peekable();
    let mut layout = Layout::default();
    let mut unit_start: Option<usize> = None;
    let mut counts = [
        TableCount::new(MAX_CUSTOMERS, "customers", "customers"),
        TableCount::new(MAX_RESOURCES, "resources", "resources"),
        TableCount::new(MAX_SEGMENTS, "segments", "segments"),
        TableCount::new(
            MAX_OTHER_TABLES,
            "",
            "tables outside the [[customers]] tables (headers and inline tables; customers belong in [[customers]] tables)",
        ),
    ];
    // Open `[` and `{` of values: a `[` that starts a line is a header only outside any value.
    let mut depth = 0usize;
    let mut at_line_start = true;

    while let Some(token) = tokens.next() {
        match token.kind() {
            TokenKind::Whitespace | TokenKind::Comment => {}
            TokenKind::Newline => at_line_start = true,
            TokenKind::Eof => break,
            TokenKind::LeftSquareBracket if at_line_start && depth == 0 => {
                let header_start = token.span().start();
                let mut array = false;
                if let Some(next) = tokens.peek()
                    && next.kind() == TokenKind::LeftSquareBracket
                    && next.span().start() == token.span().end()
                {
                    array = true;
                    tokens.next();
                }
                // The first key and what follows it, without looking past the header's line.
                let mut ended_line = false;
                let mut next_on_line = || {
                    if ended_line {
                        return None;
                    }
                    let token = tokens.by_ref().find(|token| token.kind() != TokenKind::Whitespace);
                    ended_line = token.is_none_or(|token| matches!(token.kind(), TokenKind::Newline | TokenKind::Eof));
                    token.filter(|_| !ended_line)
                };
                let first_key = next_on_line()
                    .filter(|token| token.kind() == TokenKind::Atom)
                    .map(|token| &text[token.span().start()..token.span().end()]);
                let after_key = next_on_line().map(|token| token.kind());
                let header = match (first_key, after_key) {
                    (Some("customers"), Some(TokenKind::RightSquareBracket)) if array => Header::Customer,
                    (Some("customers"), Some(TokenKind::Dot)) => Header::CustomerPart,
                    (Some("customers"), _) => Header::Unusual,
                    (Some("resources"), Some(TokenKind::RightSquareBracket)) if array => Header::Resource,
                    (Some("segments"), Some(TokenKind::RightSquareBracket)) if array => Header::Segment,
                    (Some(_), Some(TokenKind::RightSquareBracket | TokenKind::Dot)) => Header::Other,
                    _ => Header::Unusual,
                };
                // The rest of the header line is the reader's to check.
                while next_on_line().is_some() {}
                at_line_start = true;

                let close_unit = |layout: &mut Layout, unit_start: &mut Option<usize>| {
                    if let Some(start) = unit_start.take() {
                        layout.units.push(start..header_start);
                    }
                };
                match header {
                    Header::Customer => {
                        close_unit(&mut layout, &mut unit_start);
                        counts[CUSTOMERS].add(header_start);
                        unit_start = Some(header_start);
                    }
                    Header::CustomerPart => layout.read_whole |= unit_start.is_none(),
                    Header::Unusual => {
                        close_unit(&mut layout, &mut unit_start);
                        layout.read_whole = true;
                    }
                    Header::Resource | Header::Segment | Header::Other => {
                        close_unit(&mut layout, &mut unit_start);
                        match header {
                            Header::Resource => counts[RESOURCES].add(header_start),
                            Header::Segment => counts[SEGMENTS].add(header_start),
                            _ => counts[OTHERS].add(header_start),
                        }
                    }
                }
            }
            TokenKind::LeftSquareBracket | TokenKind::LeftCurlyBracket => {
                // An inline table outside the customer units is read with the rest of the file:
                // counted with its tables (millions of `{ id = "x" }` took 3.5 GB to read).
                if token.kind() == TokenKind::LeftCurlyBracket && unit_start.is_none() {
                    counts[OTHERS].add(token.span().start());
                }
                depth += 1;
                at_line_start = false;
                if depth > MAX_NESTING_DEPTH {
                    // The reader's own depth guard refuses this, at its line; nothing after it
                    // is read.
                    layout.read_whole = true;
                    break;
                }
            }
            TokenKind::RightSquareBracket | TokenKind::RightCurlyBracket => {
                depth = depth.saturating_sub(1);
                at_line_start = false;
            }
            _ => at_line_start = false,
        }
    }
    if let Some(start) = unit_start {
        layout.units.push(start..text.len());
    }

    let mut problems: Vec<Diagnostic> = counts
        .iter()
        .filter_map(|count| {
            count.first_over.map(|at| {
                source.diagnostic(
                    at..at + 1,
                    count.field,
                    format!(
                        "too many {}: {} given, the limit is {} (the first one over the limit is here)",
                        count.what, count.count, count.limit
                    ),
                )
            })
        })
        .collect();
    if !problems.is_empty() {
        problems.sort_by_key(|problem| (problem.line, problem.column));
        return Err(InputErrors(problems));
    }
    Ok(layout)
}

/// Indices into the table counts of [`scan`].
const CUSTOMERS: usize = 0;
const RESOURCES: usize = 1;
const SEGMENTS: usize = 2;
const OTHERS: usize = 3;

/// How many tables of a kind the scan has seen, and where the first one over its limit starts.
#[derive(Debug, Clone, Copy)]
struct TableCount {
    limit: usize,
    /// The field and the name of the tables in messages.
    field: &'static str,
    what: &'static str,
    count: usize,
    first_over: Option<usize>,
}

impl TableCount {
    const fn new(limit: usize, field: &'static str, what: &'static str) -> Self {
        TableCount { limit, field, what, count: 0, first_over: None }
    }

    fn add(&mut self, start: usize) {
        self.count += 1;
        if self.count == self.limit + 1 {
            self.first_over = Some(start);
        }
    }
}

/// One customer unit as a document of its own: `[[customers]]` and its sub-tables.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct CustomerUnit {
    customers: Vec<Spanned<RawCustomer>>,
}

/// Reads `source` as cut by `layout` (which must not say `read_whole`): the rest of the file as
/// one document, then every customer unit on its own, in file order. The first error stops the
/// reading, located in the whole file.
pub(super) fn read_in_pieces(source: &SourceFile, layout: &Layout) -> Result<RawInstance, InputErrors> {
    let text = source.text.as_str();
    let mut raw = {
        // The units blanked out with spaces: same offsets, and the lexer takes each run of
        // spaces as one token.
        let mut rest = String::with_capacity(text.len());
        let mut kept_until = 0;
        for unit in &layout.units {
            rest.push_str(&text[kept_until..unit.start]);
            rest.extend(std::iter::repeat_n(' ', unit.len()));
            kept_until = unit.end;
        }
        rest.push_str(&text[kept_until..]);
        toml::from_str::<RawInstance>(&rest).map_err(|error| located(source, 0, &error))?
    };
    if !raw.customers.is_empty() {
        // Customers in the rest of the file too: only the whole file says how they combine.
        return read_whole(source);
    }
    raw.customers.reserve_exact(layout.units.len());
    for unit in &layout.units {
        let _base = SpanBase::at(unit.start);
        let read = toml::from_str::<CustomerUnit>(&text[unit.clone()]).map_err(|error| located(source, unit.start, &error))?;
        raw.customers.extend(read.customers);
    }
    Ok(raw)
}

/// Reads `source` as one document.
pub(super) fn read_whole(source: &SourceFile) -> Result<RawInstance, InputErrors> {
    toml::from_str::<RawInstance>(&source.text).map_err(|error| InputErrors(vec![super::toml_diagnostic(source, &error)]))
}

/// The reader's error about text that starts `offset` bytes into `source`, located in `source`.
fn located(source: &SourceFile, offset: usize, error: &toml::de::Error) -> InputErrors {
    let span = error.span().map(|span| span.start + offset..span.end + offset);
    InputErrors(vec![super::toml_diagnostic_at(source, span, error.message())])
}
