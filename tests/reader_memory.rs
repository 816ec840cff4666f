//! Memory of the instance reader (issue 11): reading a portfolio takes memory proportional to
//! its file, and a file of millions of tiny tables is refused without reading them.
//!
//! Measured, not timed: this test binary counts every byte allocated through a counting global
//! allocator and compares the peak during a read with the size of the file read. The whole-file
//! TOML reader capplan used before took about 50 times the file's size (2.5 GB for the 51 MB
//! 100,000-customer portfolio); the bounds here are a few times what the reader takes now, so
//! that they fail on a return to anything like it but not on small changes of the structures.

use std::fmt::Write as _;
use std::sync::Mutex;

use capplan::generate::{DEFAULT_RESOURCES, Settings, generate};
use capplan::model::Instance;

#[path = "support/counting_allocator.rs"]
mod counting_allocator;

use counting_allocator::peak_bytes_during;

/// One measurement at a time: the counters are global to the process.
static MEASURING: Mutex<()> = Mutex::new(());

/// Reading (and validating) a generated 10,000-customer portfolio, 5.1 MB of TOML, peaked at
/// 12.8 times its size when this test was written (the text's copy, the raw located structures
/// and the validated instance); the whole-file reader took 52.5 times (measured by this test with
/// the pieces turned off). The bound, 20 times, leaves room for new fields without letting the
/// reader grow back.
#[test]
fn issue11_reader_memory_is_proportional_to_the_file() {
    let _one_at_a_time = MEASURING.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let settings =
        Settings { customers: 10_000, seed: 1, resources: DEFAULT_RESOURCES.iter().map(|id| id.to_string()).collect(), diversify: false };
    let text = generate(&settings);
    let (peak, instance) = peak_bytes_during(|| Instance::from_toml_str("generated.toml", &text));
    let instance = instance.expect("the generated portfolio is valid");
    assert_eq!(instance.customers().len(), 10_000);
    let ratio = peak as f64 / text.len() as f64;
    eprintln!("reading {} bytes peaked at {peak} bytes allocated ({ratio:.1} times the file)", text.len());
    assert!(ratio < 20.0, "reading {} bytes peaked at {peak} bytes, {ratio:.1} times the file (the bound is 20)", text.len());
}

/// 300,000 tiny `[[customers]]` tables (9 MB), over the limit of 200,000: refused by the scan
/// that cuts the file, before any table is read, at 3.3 times the file's size (the text's copy
/// and its line index, as they grow) when this test was written. The bound is 6 times; the whole-file
/// reader took 57 times (3.8 GB for a 66 MB file of 2.2 million).
#[test]
fn issue11_millions_of_tiny_tables_are_refused_without_reading_them() {
    let _one_at_a_time = MEASURING.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let mut text = String::from("[plan]\nname = \"x\"\nperiod = \"2027-Q1\"\ncurrency = \"EUR\"\n\n");
    text.push_str("[[resources]]\nid = \"sales\"\ncapacity_hours = 100\n\n");
    for customer in 0..300_000 {
        let _ = write!(text, "[[customers]]\nid = \"c{customer:07}\"\n");
    }
    let (peak, read) = peak_bytes_during(|| Instance::from_toml_str("tiny.toml", &text));
    let errors = read.expect_err("more customers than the limit");
    assert!(errors.0[0].message.starts_with("too many customers: 300000 given"), "{errors}");
    let ratio = peak as f64 / text.len() as f64;
    eprintln!("refusing {} bytes peaked at {peak} bytes allocated ({ratio:.1} times the file)", text.len());
    assert!(ratio < 6.0, "refusing {} bytes peaked at {peak} bytes, {ratio:.1} times the file (the bound is 6)", text.len());
}

/// A small portfolio whose customers the reader reads one table at a time; with the first
/// `[[customers]]` header quoted (`[["customers"]]`, the same table to TOML) it reads the whole
/// file at once, so the two readers can be compared on the same text.
const PORTFOLIO: &str = r#"[plan]
name = "Pieces"
period = "2027-Q1"
currency = "EUR"

[[resources]]
id = "sales"
capacity_hours = 100

[[customers]]
id = "a"
current_hours = { sales = 10 }
response.sales = { value_per_hour = 50, max_hours = 40 }

[[customers]]
id = "b"
floor_hours = { sales = 5 }

[customers.response.sales]
points = [[0, 0], [20, 900], [40, 1200]]

[[customers]]
id = "c"
response.sales = { value_per_hour = 30 }

[diversification]
max_customer_share = { sales = 0.8 }
"#;

fn read_whole_file(text: &str) -> Result<Instance, capplan::diagnostic::InputErrors> {
    Instance::from_toml_str("p.toml", &text.replacen("[[customers]]", "[[\"customers\"]]", 1))
}

fn read_in_pieces(text: &str) -> Result<Instance, capplan::diagnostic::InputErrors> {
    Instance::from_toml_str("p.toml", text)
}

#[test]
fn issue11_customers_read_one_table_at_a_time_are_the_whole_files_customers() {
    let pieces = read_in_pieces(PORTFOLIO).expect("valid");
    assert_eq!(pieces, read_whole_file(PORTFOLIO).expect("valid"));
    assert_eq!(pieces.customers().len(), 3);
}

/// Every error in a customer table, or in the rest of the file after the customers, gets the
/// same file:line:column, field and message from the piecewise reader as from the whole-file one.
#[test]
fn issue11_errors_in_customer_tables_keep_their_line_column_and_field() {
    let mutations = [
        // A wrong type, an unknown field, a missing id, a syntax error, a duplicate key: in a
        // customer's inline table, its sub-table, its own keys and the rest of the file.
        ("points = [[0, 0], [20, 900]", "points = [[0, 0], [20, \"x\"]"),
        ("floor_hours = { sales = 5 }", "floor_hours = { sales = 5 }\nfloor_hour = 3"),
        ("id = \"c\"\n", "name = \"no id\"\n"),
        ("response.sales = { value_per_hour = 30 }", "response.sales = { value_per_hour = 30 "),
        ("id = \"b\"\n", "id = \"b\"\nid = \"b2\"\n"),
        ("max_customer_share = { sales = 0.8 }", "max_customer_share = { sales = \"most\" }"),
        ("[customers.response.sales]", "[customers.response.sales]\nenvelope = 3"),
        ("capacity_hours = 100", "capacity_hours = -1"),
        ("current_hours = { sales = 10 }", "current_hours = { marketing = 10 }"),
    ];
    for (from, to) in mutations {
        assert!(PORTFOLIO.contains(from), "{from}");
        let text = PORTFOLIO.replacen(from, to, 1);
        let pieces = read_in_pieces(&text).expect_err(to);
        let whole = read_whole_file(&text).expect_err(to);
        assert_eq!(pieces, whole, "{to}");
        assert!(pieces.0.iter().all(|problem| problem.line > 0 && problem.column > 0), "{pieces}");
    }
}

/// Headers with spaces and comments, and Windows line ends, are cut the same way: the same
/// instance, and an error in the last customer at the same place, as the whole-file reader.
#[test]
fn issue11_customer_tables_with_spaced_headers_and_crlf_are_read_alike() {
    let spaced = PORTFOLIO
        .replace("[[customers]]", "[[ customers ]]  # one customer")
        .replace("[customers.response.sales]", "[ customers.response . sales ]");
    let crlf = PORTFOLIO.replace('\n', "\r\n");
    for text in [spaced, crlf] {
        let pieces = Instance::from_toml_str("p.toml", &text).expect("valid");
        assert_eq!(pieces.customers().len(), 3);
        assert_eq!(pieces, read_in_pieces(PORTFOLIO).expect("valid"));
        let broken = text.replacen("value_per_hour = 30", "value_per_hour = true", 1);
        let quoted = broken.replacen("customers ]]", "\"customers\" ]]", 1).replacen("[[customers]]", "[[\"customers\"]]", 1);
        assert_ne!(quoted, broken);
        assert_eq!(read_in_pieces(&broken).expect_err("a boolean value"), read_in_pieces(&quoted).expect_err("a boolean value"));
    }
}
