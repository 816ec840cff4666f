//! Bad input: every rule that makes an instance unusable is reported as a diagnostic at the
//! file, line and column where the offending key or value starts, with the field path and what
//! was expected; `capplan check` and `capplan solve` exit with code 2 and never panic.
//!
//! Each test starts from [`VALID`] and breaks exactly one thing. Expected positions are located
//! in the broken text with a marker (see [`position`]), never hard-coded.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

use capplan::diagnostic::Diagnostic;
use capplan::model::Instance;

/// The path given to `Instance::from_toml_str`; every diagnostic must carry it.
const FILE: &str = "bad.toml";

/// A valid instance using every part of the format; each test breaks exactly one thing in it.
const VALID: &str = r#"# A valid instance; every test breaks exactly one thing in it.
[plan]
name = "Bad input test"
period = "2027-Q1"
currency = "EUR"

[diversification]
max_customer_share = { value = 0.6 }

[[resources]]
id = "sales"
capacity_hours = 100
cost_per_hour = 10

[[resources]]
id = "service"
capacity_hours = 80

[[resources.expansion]]
id = "contractors"
cost_per_hour = 30
max_hours = 20

[[segments]]
id = "smb"
min_hours = { sales = 10 }
max_hours = { sales = 90 }
min_share = { service = 0.1 }
max_share = { service = 0.9 }

[[customers]]
id = "m1"
segment = "smb"
current_hours = { sales = 40, service = 30 }
floor_hours = { service = 10 }
cap_hours = { service = 60 }
max_share = { sales = 0.8 }
response.sales = { value_per_hour = 50, max_hours = 70 }
response.service = { points = [[0, 0], [40, 2000], [80, 2800]] }
expectations.service = { hours = 20, kind = "soft", penalty_per_hour = 15 }

[[customers]]
id = "m2"
segment = "smb"
response.sales = { value_per_hour = 20 }
expectations.sales = { hours = 10, kind = "hard" }
"#;

/// `text` with `old`, which must occur exactly once, replaced by `new`.
fn edit(text: &str, old: &str, new: &str) -> String {
    assert_eq!(text.matches(old).count(), 1, "{old:?} must occur exactly once in:\n{text}");
    text.replacen(old, new, 1)
}

/// [`VALID`] with one edit.
fn broken(old: &str, new: &str) -> String {
    edit(VALID, old, new)
}

/// 1-based line and column (in characters) of a marker in `text`. The marker is a snippet of
/// `text` with a `^` where the expected position is (no `^`: the start of the snippet); the
/// snippet without the `^` must occur exactly once.
fn position(text: &str, marker: &str) -> (usize, usize) {
    let (before, after) = marker.split_once('^').unwrap_or(("", marker));
    let snippet = format!("{before}{after}");
    assert_eq!(text.matches(&snippet).count(), 1, "marker {snippet:?} must occur exactly once in:\n{text}");
    let offset = text.find(&snippet).unwrap() + before.len();
    let line_start = text[..offset].rfind('\n').map_or(0, |newline| newline + 1);
    let line = text[..offset].matches('\n').count() + 1;
    (line, text[line_start..offset].chars().count() + 1)
}

/// Diagnostics one per line, for failure messages.
fn listing(diagnostics: &[Diagnostic]) -> String {
    diagnostics.iter().map(|d| format!("  {d}\n")).collect()
}

/// Every diagnostic for `text`, which must be rejected.
fn errors(text: &str) -> Vec<Diagnostic> {
    match Instance::from_toml_str(FILE, text) {
        Ok(_) => panic!("expected the instance to be rejected:\n{text}"),
        Err(errors) => {
            assert!(!errors.0.is_empty(), "rejected without any diagnostic");
            errors.0
        }
    }
}

/// The one diagnostic for `text`.
fn only_error(text: &str) -> Diagnostic {
    let errors = errors(text);
    assert_eq!(errors.len(), 1, "expected exactly one diagnostic, got:\n{}", listing(&errors));
    errors.into_iter().next().unwrap()
}

/// The diagnostic's file, position (at `marker`, see [`position`]) and that its message contains
/// every phrase.
fn assert_located(diagnostic: &Diagnostic, text: &str, marker: &str, phrases: &[&str]) {
    assert_eq!(diagnostic.file, FILE, "file of {diagnostic}");
    assert_eq!((diagnostic.line, diagnostic.column), position(text, marker), "position of {diagnostic} (marker {marker:?})");
    for phrase in phrases {
        assert!(diagnostic.message.contains(phrase), "message of {diagnostic} lacks {phrase:?}");
    }
}

/// As [`assert_located`], and the field path is exactly `field`.
fn assert_diagnostic(diagnostic: &Diagnostic, text: &str, marker: &str, field: &str, phrases: &[&str]) {
    assert_located(diagnostic, text, marker, phrases);
    assert_eq!(diagnostic.field, field, "field of {diagnostic}");
}

/// Breaks [`VALID`] with one edit and checks the single diagnostic that causes.
fn check(old: &str, new: &str, marker: &str, field: &str, phrases: &[&str]) {
    let text = broken(old, new);
    assert_diagnostic(&only_error(&text), &text, marker, field, phrases);
}

/// A diagnostic raised while reading the TOML names at least the key: `key` itself or a dotted
/// path ending in it (the reader does not know the enclosing path).
fn assert_names_key(diagnostic: &Diagnostic, key: &str) {
    assert!(
        diagnostic.field == key || diagnostic.field.ends_with(&format!(".{key}")),
        "field of {diagnostic} should name {key:?}, found {:?}",
        diagnostic.field
    );
}

/// Breaks [`VALID`] with one edit that the TOML reader rejects; checks the single diagnostic,
/// whose field must name `key`.
fn check_toml(old: &str, new: &str, marker: &str, key: &str, phrases: &[&str]) {
    let text = broken(old, new);
    let diagnostic = only_error(&text);
    assert_located(&diagnostic, &text, marker, phrases);
    assert_names_key(&diagnostic, key);
}

/// An instance file under the temp directory, removed when dropped.
struct TempInstance(PathBuf);

impl TempInstance {
    fn new(name: &str, contents: &[u8]) -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let unique = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("capplan-bad-input-{}-{unique}-{name}.toml", std::process::id()));
        std::fs::write(&path, contents).expect("write the temp instance");
        TempInstance(path)
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempInstance {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Runs the `capplan` binary; checks that it did not panic and was not killed by a signal.
fn capplan<I: AsRef<OsStr>>(args: impl IntoIterator<Item = I>) -> (i32, String, String) {
    let output: Output = Command::new(env!("CARGO_BIN_EXE_capplan")).args(args).output().expect("run capplan");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "capplan panicked:\n{stderr}");
    let code = output.status.code().unwrap_or_else(|| panic!("capplan was killed: {:?}\n{stderr}", output.status));
    (code, stdout, stderr)
}

// ---------------------------------------------------------------------------------------------
// The starting point
// ---------------------------------------------------------------------------------------------

/// Guards the tests themselves: the instance they break is valid.
#[test]
fn valid_instance_is_accepted() {
    let instance = Instance::from_toml_str(FILE, VALID).unwrap_or_else(|errors| panic!("{errors}"));
    assert_eq!((instance.resources().len(), instance.segments().len(), instance.customers().len()), (2, 1, 2));
}

// ---------------------------------------------------------------------------------------------
// TOML syntax and types
// ---------------------------------------------------------------------------------------------

/// Malformed TOML is reported where the parser stopped, without a field.
#[test]
fn rejects_malformed_toml_syntax() {
    let text = broken("capacity_hours = 100", "capacity_hours = = 100");
    let diagnostic = only_error(&text);
    assert_diagnostic(&diagnostic, &text, "capacity_hours = ^= 100", "", &["extra `=`"]);
    let (line, column) = position(&text, "capacity_hours = ^= 100");
    assert_eq!(diagnostic.to_string(), format!("{FILE}:{line}:{column}: {}", diagnostic.message));
}

/// An empty file lacks the required [plan] table.
#[test]
fn rejects_empty_file() {
    let diagnostic = only_error("");
    assert_eq!((diagnostic.file.as_str(), diagnostic.line, diagnostic.column), (FILE, 1, 1));
    assert!(diagnostic.message.contains("missing field `plan`"), "{diagnostic}");
}

/// A string where a number is expected is reported at the value.
#[test]
fn rejects_wrong_type() {
    let text = broken("capacity_hours = 100", "capacity_hours = \"lots\"");
    assert_located(&only_error(&text), &text, "capacity_hours = ^\"lots\"", &["invalid type: string \"lots\"", "expected a number"]);
}

/// An ill-typed value names the field it was written for, not the value itself.
#[test]

fn wrong_type_error_names_the_field() {
    for (old, new, key) in [
        ("capacity_hours = 100", "capacity_hours = \"lots\"", "capacity_hours"),
        ("capacity_hours = 100", "capacity_hours = true", "capacity_hours"),
        ("name = \"Bad input test\"", "name = 5", "name"),
        ("kind = \"soft\"", "kind = \"firm\"", "kind"),
    ] {
        assert_names_key(&only_error(&broken(old, new)), key);
    }
}

// ---------------------------------------------------------------------------------------------
// Unknown and missing fields
// ---------------------------------------------------------------------------------------------

/// A misspelt top-level key is an error at the key, not silently ignored.
#[test]
fn rejects_unknown_top_level_field() {
    check_toml(
        "[plan]\n",
        "colour = \"blue\"\n\n[plan]\n",
        "^colour =",
        "colour",
        &["unknown field `colour`", "expected one of", "`plan`"],
    );
}

/// A misspelt key in a [[resources]] table.
#[test]
fn rejects_unknown_resource_field() {
    check_toml(
        "cost_per_hour = 10",
        "cost_per_hr = 10",
        "^cost_per_hr",
        "cost_per_hr",
        &["unknown field `cost_per_hr`", "`cost_per_hour`"],
    );
}

/// A misspelt key in a [[resources.expansion]] table.
#[test]
fn rejects_unknown_expansion_field() {
    check_toml("max_hours = 20", "max_hour = 20", "^max_hour = 20", "max_hour", &["unknown field `max_hour`", "`max_hours`"]);
}

/// A misspelt key in a [[customers]] table (`floor_hour` for `floor_hours`).
#[test]
fn rejects_unknown_customer_field() {
    check_toml("floor_hours = {", "floor_hour = {", "^floor_hour =", "floor_hour", &["unknown field `floor_hour`", "`floor_hours`"]);
}

/// A misspelt key in a response.
#[test]
fn rejects_unknown_response_field() {
    check_toml(
        "value_per_hour = 50, max_hours = 70",
        "value_per_hour = 50, max_hour = 70",
        "value_per_hour = 50, ^max_hour",
        "max_hour",
        &["unknown field `max_hour`", "`value_per_hour`, `max_hours`, `points`"],
    );
}

/// A misspelt key in an expectation.
#[test]
fn rejects_unknown_expectation_field() {
    check_toml("penalty_per_hour = 15", "penalty = 15", "^penalty = 15", "penalty", &["unknown field `penalty`", "`penalty_per_hour`"]);
}

/// plan.name is required; the [plan] table that lacks it is pointed at.
#[test]
fn rejects_missing_plan_name() {
    let text = broken("name = \"Bad input test\"\n", "");
    assert_located(&only_error(&text), &text, "^[plan]", &["missing field `name`"]);
}

/// capacity_hours is required; the [[resources]] table that lacks it is pointed at.
#[test]
fn rejects_missing_resource_capacity_hours() {
    let text = broken("capacity_hours = 80\n", "");
    assert_located(&only_error(&text), &text, "^[[resources]]\nid = \"service\"", &["missing field `capacity_hours`"]);
}

/// A customer id is required; the [[customers]] table that lacks it is pointed at.
#[test]
fn rejects_missing_customer_id() {
    let text = broken("id = \"m2\"\n", "");
    assert_located(&only_error(&text), &text, "^[[customers]]\nsegment", &["missing field `id`"]);
}

/// A missing required field names the field path, as the Diagnostic contract asks (its field is
/// empty only when the problem is not about one field).
#[test]

fn missing_field_error_names_the_field() {
    for (old, key) in [
        ("name = \"Bad input test\"\n", "name"),
        ("capacity_hours = 80\n", "capacity_hours"),
        ("id = \"m2\"\n", "id"),
        ("kind = \"soft\", ", "kind"),
    ] {
        assert_names_key(&only_error(&broken(old, "")), key);
    }
}

// ---------------------------------------------------------------------------------------------
// Ids
// ---------------------------------------------------------------------------------------------

/// Resource ids are unique; the second occurrence is reported with the line of the first.
#[test]
fn rejects_duplicate_resource_id() {
    let text = broken("[[segments]]\n", "[[resources]]\nid = \"sales\"\ncapacity_hours = 5\n\n[[segments]]\n");
    let first_line = position(&text, "id = \"sales\"\ncapacity_hours = 100").0;
    assert_diagnostic(
        &only_error(&text),
        &text,
        "id = ^\"sales\"\ncapacity_hours = 5",
        "resources.id",
        &["duplicate resource id \"sales\"", &format!("first defined on line {first_line}")],
    );
}

/// Customer ids are unique.
#[test]
fn rejects_duplicate_customer_id() {
    let text = broken("id = \"m2\"", "id = \"m1\"");
    let first_line = position(&text, "id = \"m1\"\nsegment = \"smb\"\ncurrent_hours").0;
    assert_diagnostic(
        &only_error(&text),
        &text,
        "id = ^\"m1\"\nsegment = \"smb\"\nresponse",
        "customers.id",
        &["duplicate customer id \"m1\"", &format!("first defined on line {first_line}")],
    );
}

/// Segment ids are unique.
#[test]
fn rejects_duplicate_segment_id() {
    let text = broken("[[customers]]\nid = \"m1\"", "[[segments]]\nid = \"smb\"\n\n[[customers]]\nid = \"m1\"");
    let first_line = position(&text, "id = \"smb\"\nmin_hours").0;
    assert_diagnostic(
        &only_error(&text),
        &text,
        "id = ^\"smb\"\n\n[[customers]]",
        "segments.id",
        &["duplicate segment id \"smb\"", &format!("first defined on line {first_line}")],
    );
}

/// Expansion option ids are unique within their resource.
#[test]
fn rejects_duplicate_expansion_option_id() {
    let text = broken("max_hours = 20\n", "max_hours = 20\n\n[[resources.expansion]]\nid = \"contractors\"\ncost_per_hour = 40\n");
    let first_line = position(&text, "id = \"contractors\"\ncost_per_hour = 30").0;
    assert_diagnostic(
        &only_error(&text),
        &text,
        "id = ^\"contractors\"\ncost_per_hour = 40",
        "resources[service].expansion.id",
        &["duplicate expansion option id \"contractors\"", &format!("first defined on line {first_line}")],
    );
}

/// Ids use only a-z A-Z 0-9 - _ .
#[test]
fn rejects_invalid_id_characters() {
    check("id = \"m2\"", "id = \"m 2\"", "id = ^\"m 2\"", "customers.id", &["invalid id \"m 2\"", "a-z A-Z 0-9 - _ ."]);
}

/// Ids start with a letter or a digit.
#[test]
fn rejects_id_not_starting_with_letter_or_digit() {
    check(
        "id = \"contractors\"",
        "id = \"-contractors\"",
        "id = ^\"-contractors\"",
        "resources[service].expansion.id",
        &["invalid id \"-contractors\"", "starting with a letter or digit"],
    );
}

/// Ids are 1 to 64 characters: 64 is accepted, 65 and 0 are refused.
#[test]
fn rejects_id_of_wrong_length() {
    let longest = "m".repeat(64);
    Instance::from_toml_str(FILE, &broken("id = \"m2\"", &format!("id = \"{longest}\""))).unwrap_or_else(|errors| panic!("{errors}"));
    let too_long = "m".repeat(65);
    check("id = \"m2\"", &format!("id = \"{too_long}\""), &format!("id = ^\"{too_long}\""), "customers.id", &["1 to 64 characters"]);
    check("id = \"m2\"", "id = \"\"", "id = ^\"\"\nsegment", "customers.id", &["invalid id \"\"", "1 to 64 characters"]);
}

/// The resource id `value` is reserved for value shares.
#[test]
fn rejects_reserved_resource_id_value() {
    check(
        "[[segments]]\n",
        "[[resources]]\nid = \"value\"\ncapacity_hours = 5\n\n[[segments]]\n",
        "id = ^\"value\"",
        "resources[value].id",
        &["reserved"],
    );
}

// ---------------------------------------------------------------------------------------------
// References
// ---------------------------------------------------------------------------------------------

/// current_hours keys must be declared resources.
#[test]
fn rejects_unknown_resource_in_current_hours() {
    check(
        "current_hours = { sales = 40, service = 30 }",
        "current_hours = { sales = 40, servise = 30 }",
        "current_hours = { sales = 40, ^servise",
        "customers[m1].current_hours.servise",
        &["unknown resource \"servise\"", "the resources are: sales, service"],
    );
}

/// floor_hours keys must be declared resources.
#[test]
fn rejects_unknown_resource_in_floor_hours() {
    check(
        "floor_hours = { service = 10 }",
        "floor_hours = { servise = 10 }",
        "floor_hours = { ^servise",
        "customers[m1].floor_hours.servise",
        &["unknown resource \"servise\"", "the resources are: sales, service"],
    );
}

/// cap_hours keys must be declared resources.
#[test]
fn rejects_unknown_resource_in_cap_hours() {
    check(
        "cap_hours = { service = 60 }",
        "cap_hours = { servise = 60 }",
        "cap_hours = { ^servise",
        "customers[m1].cap_hours.servise",
        &["unknown resource \"servise\"", "the resources are: sales, service"],
    );
}

/// response keys must be declared resources.
#[test]
fn rejects_unknown_resource_in_response() {
    check(
        "response.service =",
        "response.servise =",
        "response.^servise",
        "customers[m1].response.servise",
        &["unknown resource \"servise\"", "the resources are: sales, service"],
    );
}

/// expectations keys must be declared resources.
#[test]
fn rejects_unknown_resource_in_expectations() {
    check(
        "expectations.service =",
        "expectations.servise =",
        "expectations.^servise",
        "customers[m1].expectations.servise",
        &["unknown resource \"servise\"", "the resources are: sales, service"],
    );
}

/// segment min_hours keys must be declared resources.
#[test]
fn rejects_unknown_resource_in_segment_min_hours() {
    check(
        "min_hours = { sales = 10 }",
        "min_hours = { saless = 10 }",
        "min_hours = { ^saless",
        "segments[smb].min_hours.saless",
        &["unknown resource \"saless\"", "the resources are: sales, service"],
    );
}

/// A customer's segment must be declared.
#[test]
fn rejects_unknown_segment_reference() {
    check(
        "id = \"m1\"\nsegment = \"smb\"",
        "id = \"m1\"\nsegment = \"smx\"",
        "segment = ^\"smx\"",
        "customers[m1].segment",
        &["unknown segment \"smx\"", "declared segments: smb"],
    );
}

/// Naming a segment when none are declared says so.
#[test]
fn rejects_segment_when_none_declared() {
    let text = edit(
        &broken(
            "[[segments]]\nid = \"smb\"\nmin_hours = { sales = 10 }\nmax_hours = { sales = 90 }\nmin_share = { service = 0.1 }\nmax_share = { service = 0.9 }\n\n",
            "",
        ),
        "id = \"m2\"\nsegment = \"smb\"\n",
        "id = \"m2\"\n",
    );
    assert_diagnostic(
        &only_error(&text),
        &text,
        "segment = ^\"smb\"",
        "customers[m1].segment",
        &["unknown segment \"smb\"", "none are declared"],
    );
}

/// When segments are declared, every customer names one; the customer's table is pointed at.
#[test]
fn rejects_customer_without_segment() {
    check(
        "id = \"m2\"\nsegment = \"smb\"\n",
        "id = \"m2\"\n",
        "^[[customers]]\nid = \"m2\"",
        "customers[m2].segment",
        &["missing field `segment`", "smb"],
    );
}

// ---------------------------------------------------------------------------------------------
// Numbers
// ---------------------------------------------------------------------------------------------

/// capacity_hours is not negative.
#[test]
fn rejects_negative_capacity_hours() {
    check(
        "capacity_hours = 100",
        "capacity_hours = -100",
        "capacity_hours = ^-100",
        "resources[sales].capacity_hours",
        &["expected a number >= 0", "found -100"],
    );
}

/// A resource's cost_per_hour is not negative.
#[test]
fn rejects_negative_cost_per_hour() {
    check(
        "cost_per_hour = 10",
        "cost_per_hour = -10",
        "cost_per_hour = ^-10",
        "resources[sales].cost_per_hour",
        &["expected a number >= 0", "found -10"],
    );
}

/// An expansion option's cost_per_hour is not negative.
#[test]
fn rejects_negative_expansion_cost_per_hour() {
    check(
        "cost_per_hour = 30",
        "cost_per_hour = -30",
        "cost_per_hour = ^-30",
        "resources[service].expansion[contractors].cost_per_hour",
        &["expected a number >= 0", "found -30"],
    );
}

/// floor_hours values are not negative.
#[test]
fn rejects_negative_floor_hours() {
    check(
        "floor_hours = { service = 10 }",
        "floor_hours = { service = -10 }",
        "floor_hours = { service = ^-10",
        "customers[m1].floor_hours.service",
        &["expected a number >= 0", "found -10"],
    );
}

/// Expected hours are not negative.
#[test]
fn rejects_negative_expectation_hours() {
    check(
        "{ hours = 20,",
        "{ hours = -20,",
        "{ hours = ^-20",
        "customers[m1].expectations.service.hours",
        &["expected a number >= 0", "found -20"],
    );
}

/// penalty_per_hour is not negative.
#[test]
fn rejects_negative_penalty() {
    check(
        "penalty_per_hour = 15",
        "penalty_per_hour = -15",
        "penalty_per_hour = ^-15",
        "customers[m1].expectations.service.penalty_per_hour",
        &["expected a number >= 0", "found -15"],
    );
}

/// TOML `inf` is refused.
#[test]
fn rejects_infinite_number() {
    check(
        "capacity_hours = 80",
        "capacity_hours = inf",
        "capacity_hours = ^inf",
        "resources[service].capacity_hours",
        &["expected a finite number", "found inf"],
    );
}

/// TOML `nan` is refused.
#[test]
fn rejects_nan() {
    check(
        "cost_per_hour = 10",
        "cost_per_hour = nan",
        "cost_per_hour = ^nan",
        "resources[sales].cost_per_hour",
        &["expected a finite number", "found NaN"],
    );
}

/// value_per_hour may be negative but not infinite.
#[test]
fn rejects_infinite_value_per_hour() {
    check(
        "value_per_hour = 50",
        "value_per_hour = +inf",
        "value_per_hour = ^+inf",
        "customers[m1].response.sales.value_per_hour",
        &["expected a finite number", "found inf"],
    );
}

/// Judged points are finite.
#[test]
fn rejects_non_finite_point() {
    check("[40, 2000]", "[40, nan]", "^[40, nan]", "customers[m1].response.service.points[1]", &["expected finite numbers", "[40, NaN]"]);
}

// ---------------------------------------------------------------------------------------------
// Shares
// ---------------------------------------------------------------------------------------------

/// A customer's max_share is a fraction in [0, 1].
#[test]
fn rejects_customer_max_share_outside_range() {
    check(
        "max_share = { sales = 0.8 }",
        "max_share = { sales = 1.5 }",
        "max_share = { sales = ^1.5",
        "customers[m1].max_share.sales",
        &["expected a share between 0 and 1", "found 1.5"],
    );
}

/// diversification.max_customer_share is a fraction in [0, 1].
#[test]
fn rejects_diversification_share_outside_range() {
    check(
        "{ value = 0.6 }",
        "{ value = -0.1 }",
        "{ value = ^-0.1",
        "diversification.max_customer_share.value",
        &["expected a share between 0 and 1", "found -0.1"],
    );
}

/// A segment's min_share is a fraction in [0, 1].
#[test]
fn rejects_segment_min_share_outside_range() {
    check(
        "min_share = { service = 0.1 }",
        "min_share = { service = -0.1 }",
        "min_share = { service = ^-0.1",
        "segments[smb].min_share.service",
        &["expected a share between 0 and 1", "found -0.1"],
    );
}

/// A share is of a resource or of `value`, nothing else.
#[test]
fn rejects_unknown_share_base() {
    check(
        "max_share = { sales = 0.8 }",
        "max_share = { revenue = 0.8 }",
        "max_share = { ^revenue",
        "customers[m1].max_share.revenue",
        &["unknown share base \"revenue\"", "expected \"value\" or a resource: sales, service"],
    );
}

// ---------------------------------------------------------------------------------------------
// Limits that contradict each other
// ---------------------------------------------------------------------------------------------

/// A floor above the cap of the same customer and resource.
#[test]
fn rejects_floor_above_cap() {
    check(
        "floor_hours = { service = 10 }",
        "floor_hours = { service = 70 }",
        "floor_hours = { service = ^70",
        "customers[m1].floor_hours.service",
        &["floor of 70 hours is above the cap of 60 hours"],
    );
}

/// A segment's min_hours above its max_hours for the same resource.
#[test]
fn rejects_segment_min_hours_above_max_hours() {
    check(
        "min_hours = { sales = 10 }",
        "min_hours = { sales = 95 }",
        "min_hours = { sales = ^95",
        "segments[smb].min_hours.sales",
        &["min_hours 95 is above max_hours 90"],
    );
}

/// A segment's min_share above its max_share for the same base.
#[test]
fn rejects_segment_min_share_above_max_share() {
    check(
        "min_share = { service = 0.1 }",
        "min_share = { service = 0.95 }",
        "min_share = { service = ^0.95",
        "segments[smb].min_share.service",
        &["min_share 0.95 is above max_share 0.9"],
    );
}

// ---------------------------------------------------------------------------------------------
// Responses
// ---------------------------------------------------------------------------------------------

/// A rising value per hour is refused, naming the customer, the resource and the three points.
#[test]
fn rejects_non_concave_points() {
    check(
        "[[0, 0], [40, 2000], [80, 2800]]",
        "[[0, 0], [40, 1000], [80, 2800]]",
        "^[80, 2800]",
        "customers[m1].response.service.points[2]",
        &["not concave", "customer \"m1\"", "service hours", "[0, 0]", "[40, 1000]", "[80, 2800]", "25.00", "45.00"],
    );
}

/// The first point is at 0 hours.
#[test]
fn rejects_first_point_not_at_zero_hours() {
    check(
        "[[0, 0], [40, 2000]",
        "[[10, 0], [40, 2000]",
        "points = [^[10, 0]",
        "customers[m1].response.service.points[0]",
        &["the first point must be at 0 hours", "found 10 hours"],
    );
}

/// Hours increase strictly from point to point.
#[test]
fn rejects_point_hours_not_increasing() {
    check("[80, 2800]", "[40, 2800]", "^[40, 2800]", "customers[m1].response.service.points[2]", &["hours must increase", "40 follows 40"]);
}

/// At least two points.
#[test]
fn rejects_fewer_than_two_points() {
    check(
        "points = [[0, 0], [40, 2000], [80, 2800]]",
        "points = [[0, 0]]",
        "points = ^[[0, 0]]",
        "customers[m1].response.service.points",
        &["at least two points"],
    );
}

/// A point is a pair: one number is refused.
#[test]
fn rejects_point_with_one_number() {
    let text = broken("[40, 2000]", "[40]");
    assert_located(&only_error(&text), &text, "^[40]", &["expected a pair [hours, value] (two numbers), found 1 number"]);
}

/// A point is a pair: a third number is refused, not silently dropped.
#[test]

fn rejects_point_with_three_numbers() {
    let text = broken("[40, 2000]", "[40, 2000, 5]");
    let diagnostic = only_error(&text);
    assert_located(&diagnostic, &text, "^[40, 2000, 5]", &[]);
    assert!(diagnostic.message.contains('2') || diagnostic.message.contains("two"), "{diagnostic}");
}

/// value_per_hour and points together are refused, at the points.
#[test]
fn rejects_both_value_per_hour_and_points() {
    check(
        "{ points =",
        "{ value_per_hour = 30, points =",
        "value_per_hour = 30, points = ^[[",
        "customers[m1].response.service",
        &["either value_per_hour", "or points, not both"],
    );
}

/// A response with neither value_per_hour nor points is refused, at the response.
#[test]
fn rejects_response_without_value_per_hour_or_points() {
    check(
        "{ value_per_hour = 50, max_hours = 70 }",
        "{ max_hours = 70 }",
        "response.sales = ^{ max_hours",
        "customers[m1].response.sales",
        &["missing response", "value_per_hour", "points"],
    );
}

/// max_hours goes with value_per_hour, not with points.
#[test]
fn rejects_max_hours_with_points() {
    check(
        "[80, 2800]] }",
        "[80, 2800]], max_hours = 80 }",
        "max_hours = ^80 }",
        "customers[m1].response.service.max_hours",
        &["max_hours goes with value_per_hour"],
    );
}

// ---------------------------------------------------------------------------------------------
// Expectations
// ---------------------------------------------------------------------------------------------

/// A soft expectation needs penalty_per_hour; the expectation is pointed at.
#[test]
fn rejects_soft_expectation_without_penalty() {
    check(
        ", penalty_per_hour = 15",
        "",
        "expectations.service = ^{",
        "customers[m1].expectations.service.penalty_per_hour",
        &["missing field `penalty_per_hour`", "soft expectation"],
    );
}

/// A hard expectation has no penalty.
#[test]
fn rejects_hard_expectation_with_penalty() {
    check(
        "kind = \"hard\" }",
        "kind = \"hard\", penalty_per_hour = 5 }",
        "penalty_per_hour = ^5 }",
        "customers[m2].expectations.sales.penalty_per_hour",
        &["a hard expectation must be met and has no penalty"],
    );
}

/// kind is "hard" or "soft", nothing else.
#[test]
fn rejects_unknown_expectation_kind() {
    let text = broken("kind = \"soft\"", "kind = \"firm\"");
    assert_located(&only_error(&text), &text, "kind = ^\"firm\"", &["unknown variant `firm`", "expected `hard` or `soft`"]);
}

// ---------------------------------------------------------------------------------------------
// Required tables
// ---------------------------------------------------------------------------------------------

/// At least one [[resources]] table; reported at [plan], before the references it breaks.
#[test]
fn rejects_no_resources() {
    let text = broken(
        "[[resources]]\nid = \"sales\"\ncapacity_hours = 100\ncost_per_hour = 10\n\n[[resources]]\nid = \"service\"\ncapacity_hours = 80\n\n\
         [[resources.expansion]]\nid = \"contractors\"\ncost_per_hour = 30\nmax_hours = 20\n\n",
        "",
    );
    let errors = errors(&text);
    assert_diagnostic(&errors[0], &text, "^[plan]", "resources", &["at least one [[resources]] table is required"]);
    for other in &errors[1..] {
        let cascade = other.message.contains("unknown resource") || other.message.contains("unknown share base");
        assert!(cascade, "unexpected diagnostic: {other}");
    }
}

/// At least one [[customers]] table; reported at [plan].
#[test]
fn rejects_no_customers() {
    let text = VALID[..VALID.find("[[customers]]").unwrap()].to_string();
    assert_diagnostic(&only_error(&text), &text, "^[plan]", "customers", &["at least one [[customers]] table is required"]);
}

// ---------------------------------------------------------------------------------------------
// Several errors, positions
// ---------------------------------------------------------------------------------------------

/// Every error is reported, in file order, whatever order validation finds them in.
#[test]
fn reports_every_error_in_file_order() {
    let mut text = VALID.to_string();
    for (old, new) in [
        ("{ value = 0.6 }", "{ value = 1.6 }"),
        ("capacity_hours = 100", "capacity_hours = -100"),
        ("min_hours = { sales = 10 }", "min_hours = { nosuch = 10 }"),
        ("current_hours = { sales = 40, service = 30 }", "current_hours = { service = -30, sales = -40 }"),
        ("floor_hours = { service = 10 }", "floor_hours = { service = 70 }"),
        ("kind = \"hard\" }", "kind = \"hard\", penalty_per_hour = 5 }"),
    ] {
        text = edit(&text, old, new);
    }
    let expected = [
        ("{ value = ^1.6", "diversification.max_customer_share.value"),
        ("capacity_hours = ^-100", "resources[sales].capacity_hours"),
        ("min_hours = { ^nosuch", "segments[smb].min_hours.nosuch"),
        ("{ service = ^-30", "customers[m1].current_hours.service"),
        ("sales = ^-40", "customers[m1].current_hours.sales"),
        ("floor_hours = { service = ^70", "customers[m1].floor_hours.service"),
        ("penalty_per_hour = ^5", "customers[m2].expectations.sales.penalty_per_hour"),
    ];
    let errors = errors(&text);
    assert_eq!(errors.len(), expected.len(), "got:\n{}", listing(&errors));
    for (diagnostic, (marker, field)) in errors.iter().zip(expected) {
        assert_diagnostic(diagnostic, &text, marker, field, &[]);
    }
}

/// Columns count characters, not bytes.
#[test]
fn columns_count_characters_not_bytes() {
    let text = broken(
        "[plan]\nname = \"Bad input test\"\nperiod = \"2027-Q1\"\ncurrency = \"EUR\"\n",
        "plan = { name = \"Bäckerei Müller\", period = \"2027-Q1\", currency = \"EUR\", notez = \"x\" }\n",
    );
    let diagnostic = only_error(&text);
    assert_located(&diagnostic, &text, "^notez", &["unknown field `notez`"]);
    assert_eq!(diagnostic.column, 74);
}

/// Files with Windows line ends are located like any other.
#[test]
fn locates_errors_in_crlf_files() {
    let text = broken("capacity_hours = 100", "capacity_hours = -100").replace('\n', "\r\n");
    assert_diagnostic(&only_error(&text), &text, "capacity_hours = ^-100", "resources[sales].capacity_hours", &["found -100"]);
}

/// A byte-order mark (written by some Windows editors) does not shift the columns of line 1.
#[test]

fn columns_ignore_a_byte_order_mark() {
    let text = format!("\u{feff}colour = 1\n{VALID}");
    let diagnostic = only_error(&text);
    assert_eq!((diagnostic.line, diagnostic.column), (1, 1), "{diagnostic}");
}

// ---------------------------------------------------------------------------------------------
// The command line
// ---------------------------------------------------------------------------------------------

/// `capplan check` on a bad file: exit 2, `file:line:col: field: message` on stderr, no stdout.
#[test]
fn cli_check_rejects_bad_file_with_exit_code_2() {
    let text = broken("capacity_hours = 100", "capacity_hours = -100");
    let file = TempInstance::new("check-bad", text.as_bytes());
    let (code, stdout, stderr) = capplan([OsStr::new("check"), file.path().as_os_str()]);
    assert_eq!(code, 2, "stderr:\n{stderr}");
    assert_eq!(stdout, "");
    let (line, column) = position(&text, "capacity_hours = ^-100");
    let location = format!("{}:{line}:{column}: resources[sales].capacity_hours: expected a number >= 0", file.path().display());
    assert!(stderr.contains(&location), "stderr lacks {location:?}:\n{stderr}");
}

/// `capplan check` on malformed TOML: exit 2 with the location, no panic.
#[test]
fn cli_check_rejects_malformed_toml_with_exit_code_2() {
    let text = broken("capacity_hours = 100", "capacity_hours = = 100");
    let file = TempInstance::new("check-syntax", text.as_bytes());
    let (code, stdout, stderr) = capplan([OsStr::new("check"), file.path().as_os_str()]);
    assert_eq!(code, 2, "stderr:\n{stderr}");
    assert_eq!(stdout, "");
    let (line, column) = position(&text, "capacity_hours = ^= 100");
    assert!(stderr.contains(&format!("{}:{line}:{column}: ", file.path().display())), "stderr:\n{stderr}");
}

/// `capplan check` prints every problem, one per line.
#[test]
fn cli_check_reports_every_error_on_its_own_line() {
    let text = edit(&broken("capacity_hours = 100", "capacity_hours = -100"), "cost_per_hour = 30", "cost_per_hour = nan");
    let file = TempInstance::new("check-several", text.as_bytes());
    let (code, stdout, stderr) = capplan([OsStr::new("check"), file.path().as_os_str()]);
    assert_eq!(code, 2, "stderr:\n{stderr}");
    assert_eq!(stdout, "");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 2, "stderr:\n{stderr}");
    for (line, marker) in lines.iter().zip(["capacity_hours = ^-100", "cost_per_hour = ^nan"]) {
        let (l, c) = position(&text, marker);
        assert!(line.contains(&format!("{}:{l}:{c}: ", file.path().display())), "{line:?} is not at {marker:?}");
    }
}

/// `capplan solve` on a bad file: exit 2 before solving, nothing on stdout.
#[test]
fn cli_solve_rejects_bad_file_with_exit_code_2() {
    let text = broken("floor_hours = { service = 10 }", "floor_hours = { service = 70 }");
    let file = TempInstance::new("solve-bad", text.as_bytes());
    for format in ["text", "json", "csv"] {
        let (code, stdout, stderr) = capplan([OsStr::new("solve"), file.path().as_os_str(), OsStr::new("--format"), OsStr::new(format)]);
        assert_eq!(code, 2, "--format {format}, stderr:\n{stderr}");
        assert_eq!(stdout, "", "--format {format}");
        let (line, column) = position(&text, "floor_hours = { service = ^70");
        if format == "json" {
            // With --format json the problems are one JSON object (docs/cli.md, "Errors as JSON").
            let document: serde_json::Value = serde_json::from_str(&stderr).unwrap();
            let error = &document["errors"][0];
            assert_eq!((error["line"].as_u64(), error["column"].as_u64()), (Some(line as u64), Some(column as u64)), "stderr:\n{stderr}");
            assert_eq!(error["file"].as_str(), Some(file.path().display().to_string().as_str()));
        } else {
            assert!(stderr.contains(&format!("{}:{line}:{column}: ", file.path().display())), "stderr:\n{stderr}");
        }
    }
}

/// `capplan check` on a file that does not exist: exit 2 with a clear message.
#[test]
fn cli_check_rejects_missing_file_with_exit_code_2() {
    let path = std::env::temp_dir().join(format!("capplan-bad-input-{}-does-not-exist.toml", std::process::id()));
    let (code, stdout, stderr) = capplan([OsStr::new("check"), path.as_os_str()]);
    assert_eq!(code, 2, "stderr:\n{stderr}");
    assert_eq!(stdout, "");
    assert!(stderr.contains(&path.display().to_string()), "stderr does not name the file:\n{stderr}");
    assert!(stderr.contains("cannot read the instance file"), "stderr:\n{stderr}");
}

/// `capplan check` on a file that is not UTF-8: exit 2 with a clear message.
#[test]
fn cli_check_rejects_non_utf8_file_with_exit_code_2() {
    let file = TempInstance::new("not-utf8", b"[plan]\nname = \"\xff\xfe\"\n");
    let (code, stdout, stderr) = capplan([OsStr::new("check"), file.path().as_os_str()]);
    assert_eq!(code, 2, "stderr:\n{stderr}");
    assert_eq!(stdout, "");
    assert!(stderr.contains("cannot read the instance file") && stderr.contains("UTF-8"), "stderr:\n{stderr}");
}

/// `capplan check` on a valid file: exit 0, a summary on stdout, nothing on stderr.
#[test]
fn cli_check_accepts_valid_file() {
    let file = TempInstance::new("check-valid", VALID.as_bytes());
    let (code, stdout, stderr) = capplan([OsStr::new("check"), file.path().as_os_str()]);
    assert_eq!(code, 0, "stderr:\n{stderr}");
    assert_eq!(stderr, "");
    assert!(stdout.contains("valid: 2 resources, 1 segment, 2 customers"), "stdout:\n{stdout}");
}
