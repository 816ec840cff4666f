//! The JSON form of a failed run, printed on standard error with `--format json` (docs/cli.md,
//! "Errors as JSON"): the exit code and every problem, each located where it applies.

use serde::Serialize;

/// The document a failed run prints on standard error with `--format json`, on one line.
#[derive(Serialize, schemars::JsonSchema)]
#[schemars(rename = "ErrorReport")]
pub(crate) struct JsonFailure<'a> {
    /// The process exit code: 1 internal error, 2 bad input or usage (docs/cli.md, "Exit
    /// codes").
    exit_code: i32,
    /// Every problem found, in file order for input files.
    errors: Vec<JsonError<'a>>,
}

/// One problem of a failed run.
#[derive(Serialize, schemars::JsonSchema)]
#[schemars(rename = "ErrorEntry")]
pub(crate) struct JsonError<'a> {
    /// The file the problem is in, as named in messages; null when it is not about a file.
    file: Option<&'a str>,
    /// 1-based line; null when the problem is with the file as a whole or not about a file.
    line: Option<usize>,
    /// 1-based column, in characters (in a customers CSV or sheet: the column's position in its
    /// row); null when `line` is.
    column: Option<usize>,
    /// The dotted path of the field, e.g. `customers[m1].floor_hours.service`; null when the
    /// problem is not about one field.
    field: Option<&'a str>,
    /// What was expected and what was found.
    message: &'a str,
}

impl<'a> JsonError<'a> {
    /// A problem at `line` and `column` of `file` (a line of 0: the file as a whole), about
    /// `field` (empty: no one field).
    pub(crate) fn new(file: Option<&'a str>, line: usize, column: usize, field: &'a str, message: &'a str) -> Self {
        JsonError {
            file,
            line: (line > 0).then_some(line),
            column: (line > 0).then_some(column),
            field: (!field.is_empty()).then_some(field),
            message,
        }
    }
}

/// The failure as one line of JSON, without a line break.
pub(crate) fn render(exit_code: i32, errors: Vec<JsonError<'_>>) -> String {
    serde_json::to_string(&JsonFailure { exit_code, errors }).expect("a failure serialises")
}
