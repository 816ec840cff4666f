//! S-shaped judged curves (issue 14): `envelope = true` plans with the concave envelope of the
//! points and every report says how much that overstates the value; without it the curve is
//! refused with a message that names the option.

mod support;

use capplan::{SolverChoice, parse_instance};
use support::cli::{capplan, scratch, stderr, stdout};

const HEADER: &str = "[plan]\nname = \"envelope\"\nperiod = \"2027-Q1\"\ncurrency = \"EUR\"\n";

/// One S-shaped customer (10, 60, then 20 EUR per hour) against a steady 30 EUR per hour, with
/// 20 sales hours to share.
fn s_curve(envelope: bool) -> String {
    let flag = if envelope { ", envelope = true" } else { "" };
    format!(
        "{HEADER}[[resources]]\nid = \"sales\"\ncapacity_hours = 20\n\n[[customers]]\nid = \"slow\"\n\
         response.sales = {{ points = [[0, 0], [20, 200], [40, 1400], [60, 1800]]{flag} }}\n\n\
         [[customers]]\nid = \"steady\"\nresponse.sales = {{ value_per_hour = 30 }}\n"
    )
}

/// (value per hour, length) of each piece of the planned curve of the first customer.
fn pieces_of(points: &str) -> (f64, Vec<(f64, Option<f64>)>) {
    let text = format!(
        "{HEADER}[[resources]]\nid = \"sales\"\ncapacity_hours = 20\n\n[[customers]]\nid = \"c\"\n\
         response.sales = {{ points = {points}, envelope = true }}\n"
    );
    let instance = parse_instance("hull.toml", &text).unwrap();
    let curve = &instance.customers()[0].responses()[0];
    (curve.value_at_zero(), curve.pieces().iter().map(|piece| (piece.value_per_hour(), piece.length_hours())).collect())
}

#[test]
fn issue14_envelope_is_the_hand_computed_upper_concave_hull() {
    // (20, 200) lies under the chord from (0, 0) to (40, 1400): the hull is (0, 0), (40, 1400),
    // (60, 1800), slopes 35 and 20, flat beyond the last point.
    assert_eq!(pieces_of("[[0, 0], [20, 200], [40, 1400], [60, 1800]]"), (0.0, vec![(35.0, Some(40.0)), (20.0, Some(20.0)), (0.0, None)]));
    // A threshold at 10 h: (10, 100) drops out, (0, 100) -> (20, 400) is 15 per hour.
    assert_eq!(
        pieces_of("[[0, 100], [10, 100], [20, 400], [30, 450], [40, 460]]"),
        (100.0, vec![(15.0, Some(20.0)), (5.0, Some(10.0)), (1.0, Some(10.0)), (0.0, None)])
    );
    // A curve that falls at the end keeps falling at its last rate (-1 per hour) beyond the last
    // point, so the hull stretches steeper than that (to (30, 0) and (40, -10)) give way to the
    // ray from the peak (20, 100).
    assert_eq!(pieces_of("[[0, 0], [10, 0], [20, 100], [30, 0], [40, -10]]"), (0.0, vec![(5.0, Some(20.0)), (-1.0, None)]));
}

#[test]
fn issue14_envelope_keeps_the_judged_curve_for_the_warning() {
    let instance = parse_instance("s.toml", &s_curve(true)).unwrap();
    let customer = &instance.customers()[0];
    let judged = customer.judged_responses()[0].as_ref().expect("the judged curve is kept");
    assert_eq!(judged.value_at(20.0), 200.0);
    assert_eq!(judged.value_at(30.0), 800.0);
    assert_eq!(judged.value_at(100.0), 1800.0);
    assert_eq!(customer.responses()[0].value_at(20.0), 700.0);
    // A concave curve with the flag is planned as given: nothing to warn about.
    let concave = parse_instance("c.toml", &s_curve(true).replace("[20, 200]", "[20, 800]")).unwrap();
    assert!(concave.customers()[0].judged_responses()[0].is_none());
}

#[test]
fn issue14_warning_states_the_overstatement_at_the_planned_hours() {
    let instance = parse_instance("s.toml", &s_curve(true)).unwrap();
    for solver in [SolverChoice::Auto, SolverChoice::Microlp, SolverChoice::Clarabel] {
        let report = capplan::solve(&instance, solver).unwrap();
        let plan = report.plan.as_ref().expect("optimal");
        // The envelope's 35 per hour beats the steady 30: all 20 hours go to `slow`, which the
        // plan counts at the envelope's 700 although the judged points give 200 there.
        assert!((plan.objective - 700.0).abs() < 1e-6, "{solver:?}: {}", plan.objective);
        let [entry] = plan.envelope_overstatements.as_slice() else { panic!("{:?}", plan.envelope_overstatements) };
        assert_eq!((entry.customer.as_str(), entry.resource.as_str()), ("slow", "sales"));
        assert!((entry.hours - 20.0).abs() < 1e-6);
        assert!((entry.envelope_value - 700.0).abs() < 1e-4 && (entry.judged_value - 200.0).abs() < 1e-4);
        assert!((entry.overstatement - 500.0).abs() < 1e-4, "{}", entry.overstatement);
        let worded = capplan::report::warnings(&report);
        assert!(
            worded.iter().any(|w| w.contains("concave envelope") && w.contains("slow/sales") && w.contains("500.00 EUR")),
            "{worded:?}"
        );
    }
}

#[test]
fn issue14_every_report_format_carries_the_envelope_warning() {
    let dir = scratch("envelope-formats");
    let path = dir.join("s.toml");
    std::fs::write(&path, s_curve(true)).unwrap();
    let path = path.display().to_string();
    let text = capplan(&["solve", &path]);
    assert_eq!(text.status.code(), Some(0), "{}", stderr(&text));
    let text = stdout(&text);
    assert!(text.contains("Warning: S-shaped judged curves planned with their concave envelope"), "{text}");
    // The warning is wrapped to the report's 100 columns.
    let warning: Vec<&str> =
        text.lines().skip_while(|line| !line.starts_with("Warning:")).take_while(|line| !line.starts_with("Status:")).collect();
    assert!(warning.len() > 1 && warning.iter().all(|line| line.chars().count() <= 100), "{text}");
    let json = capplan(&["solve", &path, "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    assert_eq!(json["result"]["envelope_overstatements"][0]["overstatement"], 500.0);
    assert!(json["warnings"][0].as_str().unwrap().contains("500.00 EUR"));
    let csv = capplan(&["solve", &path, "--format", "csv"]);
    assert_eq!(csv.status.code(), Some(0));
    assert!(stderr(&csv).contains("capplan: warning: S-shaped judged curves"), "{}", stderr(&csv));
    assert!(stdout(&csv).starts_with("customer,name,"));
    // Instances without envelopes keep their JSON exactly: no new key.
    let tiny = capplan(&["solve", "instances/tiny.toml", "--format", "json"]);
    assert!(!stdout(&tiny).contains("envelope_overstatements"));
}

#[test]
fn issue14_s_shaped_points_without_envelope_are_refused_naming_the_option() {
    let error = parse_instance("s.toml", &s_curve(false)).unwrap_err().to_string();
    assert!(error.contains("is not concave"), "{error}");
    assert!(error.contains("envelope = true"), "{error}");
    assert!(error.contains("s.toml:"), "{error}");
    let dir = scratch("envelope-refused");
    let path = dir.join("s.toml");
    std::fs::write(&path, s_curve(false)).unwrap();
    let output = capplan(&["solve", &path.display().to_string()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("envelope = true"));
}

#[test]
fn issue14_envelope_without_points_is_refused() {
    let text = format!(
        "{HEADER}[[resources]]\nid = \"sales\"\ncapacity_hours = 20\n\n[[customers]]\nid = \"c\"\n\
         response.sales = {{ value_per_hour = 3, envelope = true }}\n"
    );
    let error = parse_instance("v.toml", &text).unwrap_err().to_string();
    assert!(error.contains("envelope goes with points"), "{error}");
}

#[test]
fn issue14_customers_csv_export_of_an_envelope_is_refused_not_lost() {
    let dir = scratch("envelope-export");
    let path = dir.join("s.toml");
    std::fs::write(&path, s_curve(true)).unwrap();
    let output = capplan(&["export", &path.display().to_string(), "--format", "customers-csv"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("envelope = true"), "{}", stderr(&output));
}

#[test]
fn issue14_envelope_warning_is_in_the_html_and_xlsx_reports() {
    let dir = tempfile::TempDir::new().unwrap();
    let path = dir.path().join("s.toml");
    std::fs::write(&path, s_curve(true)).unwrap();
    let path = path.display().to_string();
    let said = "S-shaped judged curves planned with their concave envelope";
    let html = capplan(&["solve", &path, "--format", "html"]);
    assert_eq!(html.status.code(), Some(0), "{}", stderr(&html));
    assert!(stdout(&html).contains(&format!("<p class=\"warning\">Warning: {said}")), "{}", stdout(&html));
    let workbook = dir.path().join("s.xlsx");
    let xlsx = capplan(&["solve", &path, "--format", "xlsx", "--output", &workbook.display().to_string()]);
    assert_eq!(xlsx.status.code(), Some(0), "{}", stderr(&xlsx));
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&workbook).unwrap();
    let found = book
        .sheet_names()
        .into_iter()
        .any(|sheet| book.worksheet_range(&sheet).unwrap().cells().any(|(_, _, cell)| cell.to_string().contains(said)));
    assert!(found, "the workbook carries the envelope warning");
}

#[test]
fn issue14_envelope_curve_solves_under_revenue_risk_and_on_the_frontier() {
    // `slow` is worth 1.5 times its judged points, or half of them, with equal probability: its
    // expected curve is the judged one, so the plan of most expected contribution gives it all 20
    // hours (35 EUR per hour on the envelope against steady's 30) and overstates its value by 500
    // EUR; protecting the bad scenario moves hours to steady.
    let text = format!(
        "{}\n[risk]\nconfidence = 0.5\n\n[[risk.scenarios]]\nid = \"good\"\nprobability = 0.5\ncustomers = {{ slow = 1.5 }}\n\n\
         [[risk.scenarios]]\nid = \"bad\"\nprobability = 0.5\ncustomers = {{ slow = 0.5 }}\n",
        s_curve(true)
    );
    let instance = parse_instance("s.toml", &text).unwrap();
    let frontier = capplan::analysis::frontier::trace(&instance, 5, SolverChoice::Auto).unwrap();
    assert_eq!(frontier.points.len(), 5);
    let first = &frontier.points[0];
    assert!((first.hours[0] - 20.0).abs() < 1e-6, "{:?}", first.hours);
    assert!((first.plan.envelope_overstatements[0].overstatement - 500.0).abs() < 1e-4, "{:?}", first.plan.envelope_overstatements);
    let last = frontier.points.last().unwrap();
    assert!(last.cvar_contribution > first.cvar_contribution + 1.0 && last.hours[0] < first.hours[0]);
    for point in &frontier.points {
        // Every point's plan says how much its envelope overstates, at its own hours.
        let entry = &point.plan.envelope_overstatements[0];
        assert!((entry.hours - point.hours[0]).abs() < 1e-9 && entry.overstatement >= 0.0);
    }
}
