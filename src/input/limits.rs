//! Size limits on an instance, so that a huge or hostile file is refused quickly with a message
//! naming the limit, instead of exhausting memory or time.
//!
//! The limits are checked in three places: the file size before the text is read (so `/dev/zero`
//! or a multi-gigabyte file is never loaded), the values and tables by scans of the text before
//! the TOML reader runs (the table counts in `blocks`, while the file is cut into pieces), and
//! the other counts and string lengths right after the TOML is read, before validation and long
//! before a linear program is built. Nesting depth is
//! bounded by the TOML reader itself (80 levels, the `toml` crate without its `unbounded`
//! feature); its message is reworded here to name the limit. Every limit is far above what a real
//! portfolio needs and is documented in docs/instance-format.md ("Limits").

use std::io::Read;

use crate::diagnostic::{Diagnostic, SourceFile};
use crate::input::RawInstance;

/// Largest instance file read, in bytes (64 MiB). The 41-customer DSP example is about 15 KiB; a
/// generated portfolio of 100,000 customers, the largest size capplan is benchmarked on, 51 MB.
/// The TOML reader needs about 50 times the size of the text it reads at once; an instance is
/// read one customer table at a time (`blocks`), which keeps its peak near 15 times the file.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;
/// Most `[[customers]]` tables: twice the largest benchmarked portfolio.
pub const MAX_CUSTOMERS: usize = 200_000;
/// Most `[[resources]]` tables.
pub const MAX_RESOURCES: usize = 100;
/// Most `[[segments]]` tables.
pub const MAX_SEGMENTS: usize = 1_000;
/// Most other table headers (`[plan]`, `[[resources.expansion]]`, `[segments.min_hours]`, ...):
/// far above the most the other limits allow a real instance (about 12,000), low enough that
/// the part of the file besides the customers, which is read as one document, stays small.
pub const MAX_OTHER_TABLES: usize = 100_000;
/// Most expansion options of one resource.
pub const MAX_EXPANSION_OPTIONS: usize = 100;
/// Most judged points on one response curve.
pub const MAX_POINTS: usize = 1_000;
/// Longest free text (names, period, currency, notes), in characters.
pub const MAX_TEXT_CHARS: usize = 4_096;
/// Most values in one file, counted before the TOML reader runs as the `=` and `,` separators
/// (ten million). The reader builds the whole document, about 150 bytes per value, before
/// anything can be counted: without this bound a file of tiny values just under the size limit
/// (33 million of them) took 9.4 s and 5.1 GB to refuse. A generated portfolio of 100,000
/// customers has 4.3 million.
pub const MAX_VALUES: usize = 10_000_000;
/// Deepest nesting of tables and arrays the TOML reader accepts (its own guard against stack
/// overflow); an instance needs at most 4.
pub const MAX_NESTING_DEPTH: usize = 80;

/// The kinds of file capplan reads. Every one goes through [`read_bounded`]: the same size
/// limit and the same value count, with messages naming the kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Instance,
    Scenario,
    Model,
    CustomersCsv,
}

impl FileKind {
    /// The file's name in messages: "the instance file", "the customers CSV", ...
    pub fn noun(self) -> &'static str {
        match self {
            FileKind::Instance => "instance file",
            FileKind::Scenario => "scenario file",
            FileKind::Model => "portfolio model file",
            FileKind::CustomersCsv => "customers CSV",
        }
    }

    fn with_article(self) -> &'static str {
        match self {
            FileKind::Instance => "an instance",
            FileKind::Scenario => "a scenario",
            FileKind::Model => "a portfolio model",
            FileKind::CustomersCsv => "a customers CSV",
        }
    }
}

/// Reads a file of `kind`, refusing one larger than [`MAX_FILE_BYTES`]. The read itself is
/// bounded too, because a device (`/dev/zero`) or a growing file can report a small or no size.
/// The file is remembered as read ([`crate::input::was_read`]), so that no report is written
/// over it.
pub fn read_bounded(path: &std::path::Path, kind: FileKind) -> Result<String, String> {
    let file = std::fs::File::open(path).map_err(|error| format!("cannot read the {}: {error}", kind.noun()))?;
    if let Ok(metadata) = file.metadata() {
        super::remember_file_read(&metadata);
    }
    read_bounded_from(file, kind)
}

/// As [`read_bounded`], from any reader (standard input for the instance path `-`).
pub fn read_bounded_from(file: impl Read, kind: FileKind) -> Result<String, String> {
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes).map_err(|error| format!("cannot read the {}: {error}", kind.noun()))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large_message(kind));
    }
    String::from_utf8(bytes).map_err(|error| {
        format!("cannot read the {}: it is not UTF-8 text (invalid byte at offset {})", kind.noun(), error.utf8_error().valid_up_to())
    })
}

fn too_large_message(kind: FileKind) -> String {
    format!("the file is larger than the limit of {MAX_FILE_BYTES} bytes (64 MiB) for {}", kind.with_article())
}

/// Refuses text longer than [`MAX_FILE_BYTES`] or with more than [`MAX_VALUES`] values, before
/// the TOML (or CSV) reader spends memory on it.
pub fn check_text_size(source: &SourceFile, kind: FileKind) -> Result<(), Diagnostic> {
    let file_level = |message: String| Diagnostic { file: source.path.clone(), line: 0, column: 0, field: String::new(), message };
    if source.text.len() as u64 > MAX_FILE_BYTES {
        return Err(file_level(too_large_message(kind)));
    }
    let separators = source.text.bytes().filter(|&byte| byte == b'=' || byte == b',').count();
    if separators > MAX_VALUES {
        return Err(file_level(format!(
            "the file holds about {separators} values (counted as `=` and `,`), more than the limit of {MAX_VALUES} for {}",
            kind.with_article()
        )));
    }
    Ok(())
}

/// Rewords the TOML reader's depth guard, whose own message ("recursion limit") does not say
/// what to change.
pub fn nesting_message(message: &str) -> Option<String> {
    (message.contains("recursion limit") || message.contains("max recursion depth")).then(|| {
        format!("tables, arrays or dotted keys nested deeper than the limit of {MAX_NESTING_DEPTH} levels; an instance needs at most 4")
    })
}

/// The start of the first line whose key (a `key.key = ...` line or a `[table.header]`) has more
/// parts than [`MAX_NESTING_DEPTH`]: where the reader's depth guard stopped on a dotted key, which
/// it reports without a position. Dots inside quoted key parts are counted too; this only
/// locates a message.
pub fn deep_dotted_key(text: &str) -> Option<usize> {
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let key = if line.trim_start().starts_with('[') { line } else { line.split('=').next().unwrap_or("") };
        if key.bytes().filter(|&byte| byte == b'.').count() >= MAX_NESTING_DEPTH {
            return Some(line_start);
        }
        line_start += line.len();
    }
    None
}

/// Checks counts and string lengths of a parsed instance; returns every limit exceeded.
pub fn check_counts(raw: &RawInstance, source: &SourceFile) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let mut count = |len: usize, limit: usize, spans: &dyn Fn(usize) -> std::ops::Range<usize>, field: &str, what: &str| {
        if len > limit {
            problems.push(source.diagnostic(
                spans(limit),
                field,
                format!("too many {what}: {len} given, the limit is {limit} (the first one over the limit is here)"),
            ));
        }
    };
    count(raw.resources.len(), MAX_RESOURCES, &|i| raw.resources[i].span(), "resources", "resources");
    count(raw.segments.len(), MAX_SEGMENTS, &|i| raw.segments[i].span(), "segments", "segments");
    count(raw.customers.len(), MAX_CUSTOMERS, &|i| raw.customers[i].span(), "customers", "customers");
    for resource in raw.resources.iter().take(MAX_RESOURCES) {
        let expansion = &resource.get_ref().expansion;
        count(expansion.len(), MAX_EXPANSION_OPTIONS, &|i| expansion[i].span(), "resources.expansion", "expansion options");
    }
    for customer in raw.customers.iter().take(MAX_CUSTOMERS) {
        for (resource, response) in &customer.get_ref().response {
            if let Some(points) = &response.get_ref().points {
                let field = format!("customers.response.{}.points", resource.get_ref());
                count(points.get_ref().len(), MAX_POINTS, &|i| points.get_ref()[i].span(), &field, "points on one response curve");
            }
        }
    }

    let mut text = |value: &str, span: std::ops::Range<usize>, field: &str| {
        let chars = value.chars().count();
        if chars > MAX_TEXT_CHARS {
            problems.push(source.diagnostic(
                span,
                field,
                format!("text of {chars} characters is longer than the limit of {MAX_TEXT_CHARS} characters"),
            ));
        }
    };
    let plan = raw.plan.get_ref();
    text(plan.name.get_ref(), plan.name.span(), "plan.name");
    text(plan.period.get_ref(), plan.period.span(), "plan.period");
    text(plan.currency.get_ref(), plan.currency.span(), "plan.currency");
    // Unspanned strings are located at their table.
    text(plan.notes.as_deref().unwrap_or(""), raw.plan.span(), "plan.notes");
    for resource in &raw.resources {
        text(resource.get_ref().name.as_deref().unwrap_or(""), resource.span(), "resources.name");
    }
    for segment in &raw.segments {
        text(segment.get_ref().name.as_deref().unwrap_or(""), segment.span(), "segments.name");
    }
    for customer in &raw.customers {
        text(customer.get_ref().name.as_deref().unwrap_or(""), customer.span(), "customers.name");
    }
    problems.sort_by_key(|problem| (problem.line, problem.column));
    problems
}
