//! Errors about the user's input, located in their file.
//!
//! Every problem with an instance is reported as a [`Diagnostic`]: the file, the line and column
//! where the offending value starts, the dotted path of the field, and what was expected. The CLI
//! prints them one per line and exits with code 2.

use std::fmt;
use std::ops::Range;

/// A source file as the user wrote it, kept so that byte offsets can be turned into lines and
/// columns.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The file name messages give (the path as given, or `<stdin>`).
    pub path: String,
    /// The file's text.
    pub text: String,
    line_starts: Vec<usize>,
    /// Characters before every [`CHECKPOINT_BYTES`]-th byte, so that a column is counted over at
    /// most that many bytes: counting from the line's start made many problems on one long line
    /// quadratic (80,000 on one line took 16 s to report).
    char_checkpoints: Vec<usize>,
    /// Byte offsets of every U+FEFF (byte-order mark), which editors do not show as a column.
    byte_order_marks: Vec<usize>,
    /// A table read beside this file (the instance's `customers_csv`): spans from
    /// [`SourceFile::table_cell`] point into it, by row and column, instead of into `text`.
    table: std::sync::OnceLock<String>,
}

/// Distance between two entries of `SourceFile::char_checkpoints`, in bytes.
const CHECKPOINT_BYTES: usize = 1024;

/// Characters starting in `bytes` (a UTF-8 continuation byte starts none), for any byte range.
fn chars_starting_in(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&byte| byte & 0xC0 != 0x80).count()
}

/// Spans at or above this offset locate a cell of the attached table, not a byte of the text.
const TABLE_BASE: usize = usize::MAX / 2;
/// Columns per row in the encoding of a table cell as an offset.
const TABLE_STRIDE: usize = 1 << 16;

impl SourceFile {
    /// A file named `path` (in messages) with the text `text`.
    pub fn new(path: impl Into<String>, text: impl Into<String>) -> Self {
        let text = text.into();
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(at, _)| at + 1));
        let mut char_checkpoints = Vec::with_capacity(text.len() / CHECKPOINT_BYTES + 1);
        let mut chars = 0;
        for chunk in text.as_bytes().chunks(CHECKPOINT_BYTES) {
            char_checkpoints.push(chars);
            chars += chars_starting_in(chunk);
        }
        char_checkpoints.push(chars);
        let byte_order_marks = text.match_indices('\u{feff}').map(|(at, _)| at).collect();
        SourceFile { path: path.into(), text, line_starts, char_checkpoints, byte_order_marks, table: std::sync::OnceLock::new() }
    }

    /// Attaches a table (a CSV file of customers) whose cells [`SourceFile::table_cell`]
    /// locates; a file has at most one, and attaching again keeps the first.
    pub fn attach_table(&self, path: impl Into<String>) {
        let _ = self.table.set(path.into());
    }

    /// The span of a cell of the attached table: 1-based row (the line in the table's file) and
    /// column (the field's position in its record, as a spreadsheet counts). Columns beyond
    /// 65,535 are located at that column.
    pub fn table_cell(row: usize, column: usize) -> std::ops::Range<usize> {
        let offset = TABLE_BASE + row.min(TABLE_BASE / TABLE_STRIDE - 1) * TABLE_STRIDE + column.min(TABLE_STRIDE - 1);
        offset..offset + 1
    }

    /// `self` with `other`'s attached table, for a source made of `other` (a scenario's combined
    /// text).
    pub fn keep_table_of(self, other: &SourceFile) -> Self {
        if let Some(path) = other.table.get() {
            self.attach_table(path.clone());
        }
        self
    }

    /// 1-based line and column (in characters) of a byte offset; for a cell of the attached
    /// table, its row and column.
    pub fn line_column(&self, offset: usize) -> (usize, usize) {
        if offset >= TABLE_BASE {
            return ((offset - TABLE_BASE) / TABLE_STRIDE, (offset - TABLE_BASE) % TABLE_STRIDE);
        }
        let offset = offset.min(self.text.len());
        let line_index = match self.line_starts.binary_search(&offset) {
            Ok(exact) => exact,
            Err(next) => next - 1,
        };
        let line_start = self.line_starts[line_index];
        // A byte-order mark is invisible in editors: it does not count as a column.
        let marks = self.byte_order_marks.partition_point(|&at| at < offset) - self.byte_order_marks.partition_point(|&at| at < line_start);
        let column = self.chars_before(offset) - self.chars_before(line_start) - marks;
        (line_index + 1, column + 1)
    }

    /// Characters starting before byte `offset` (at most the text's length).
    fn chars_before(&self, offset: usize) -> usize {
        let checkpoint = offset / CHECKPOINT_BYTES;
        self.char_checkpoints[checkpoint] + chars_starting_in(&self.text.as_bytes()[checkpoint * CHECKPOINT_BYTES..offset])
    }

    /// A diagnostic located at the start of `span`.
    pub fn diagnostic(&self, span: Range<usize>, field: impl Into<String>, message: impl Into<String>) -> Diagnostic {
        let (line, column) = self.line_column(span.start);
        let file = match self.table.get() {
            Some(table) if span.start >= TABLE_BASE => table.clone(),
            _ => self.path.clone(),
        };
        Diagnostic { file, line, column, field: field.into(), message: message.into() }
    }
}

/// One problem found in an input file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct Diagnostic {
    /// The file the problem is in, as named in messages.
    pub file: String,
    /// 1-based; 0 when the problem is with the file as a whole (it cannot be read).
    pub line: usize,
    /// 1-based, in characters (in a customers CSV or sheet: the column's position in its row).
    pub column: usize,
    /// Dotted path of the field, e.g. `customers[m1].floor_hours.service`; empty when the
    /// problem is not about one field (a TOML syntax error).
    pub field: String,
    /// What was expected and what was found.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Line 0 means the problem is with the file as a whole (it cannot be read).
        if self.line == 0 {
            write!(f, "{}: ", self.file)?;
        } else {
            write!(f, "{}:{}:{}: ", self.file, self.line, self.column)?;
        }
        if !self.field.is_empty() {
            write!(f, "{}: ", self.field)?;
        }
        write!(f, "{}", self.message)
    }
}

/// All the problems found in one input, in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputErrors(pub Vec<Diagnostic>);

impl fmt::Display for InputErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, diagnostic) in self.0.iter().enumerate() {
            if index > 0 {
                writeln!(f)?;
            }
            write!(f, "error: {diagnostic}")?;
        }
        Ok(())
    }
}

impl std::error::Error for InputErrors {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_are_one_based_and_count_characters() {
        let source = SourceFile::new("x.toml", "a = 1\nbé = 2\n");
        assert_eq!(source.line_column(0), (1, 1));
        assert_eq!(source.line_column(6), (2, 1));
        // "bé" is 3 bytes; the '=' after "bé " is at byte 10, character column 4.
        assert_eq!(source.line_column(10), (2, 4));
    }
}
