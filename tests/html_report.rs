//! `solve --format html`: one self-contained page. Rendered in headless Chromium (Debian's
//! `chromium` package) where it is installed: the page as the browser shows it has the summary's
//! numbers, at least three charts and its tables, and fetches nothing. Without Chromium the
//! browser checks are skipped, and the test says so.

#[path = "support/browser.rs"]
#[allow(dead_code)]
mod browser;
#[path = "support/scratch.rs"]
mod scratch;

use browser::{chromium, external_references, rendered_dom};
use scratch::scratch;
use std::path::Path;
use std::process::Command;

fn capplan(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_capplan")).args(args).current_dir(env!("CARGO_MANIFEST_DIR")).output().expect("capplan runs")
}

/// The hosts of every URL in Chromium's net log while it loads `url` and takes a screenshot.
fn requested_hosts(browser: &Path, url: &str, screenshot: &Path, net_log: &Path) -> std::collections::BTreeSet<String> {
    let output = Command::new(browser)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-extensions", "--no-first-run"])
        .args(["--window-size=1280,2000", "--virtual-time-budget=2000"])
        .arg(format!("--log-net-log={}", net_log.display()))
        .arg(format!("--screenshot={}", screenshot.display()))
        .arg(url)
        .output()
        .expect("chromium runs");
    assert!(output.status.success(), "chromium failed: {}", String::from_utf8_lossy(&output.stderr));
    let log = std::fs::read_to_string(net_log).unwrap_or_default();
    log.split("\"url\":\"")
        .skip(1)
        .filter_map(|rest| {
            let url = rest.split('"').next()?;
            let (scheme, after) = url.split_once("://")?;
            (scheme == "http" || scheme == "https" || scheme == "ws" || scheme == "wss")
                .then(|| after.split(['/', '?', ':']).next().unwrap_or("").to_string())
        })
        .collect()
}

#[test]
fn issue12_html_report_is_self_contained_and_renders_in_chromium() {
    let dir = scratch("dsp");
    let page = dir.join("dsp.html");
    let output = capplan(&["solve", "instances/dsp.toml", "--format", "html", "--output", page.to_str().unwrap(), "--quiet"]);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert_eq!(external_references(&html), Vec::<String>::new(), "the page fetches nothing");
    let json: serde_json::Value =
        serde_json::from_slice(&capplan(&["solve", "instances/dsp.toml", "--format", "json", "--quiet"]).stdout).unwrap();
    let contribution = capplan::report::money(json["result"]["totals"]["contribution"].as_f64().unwrap());
    assert!(html.contains(&contribution), "the contribution {contribution} is on the page");
    assert_eq!(
        capplan(&["solve", "instances/dsp.toml", "--format", "html", "--quiet"]).stdout,
        html.as_bytes(),
        "identical input, identical page (and --output writes what standard output gets)"
    );

    let Some(browser) = chromium() else {
        eprintln!("SKIPPED: no Chromium installed (apt-get install chromium); the page was checked without a browser");
        return;
    };
    let dom = rendered_dom(&browser, &page);
    let charts = dom.matches("<svg").count();
    assert!(charts >= 3, "at least three charts are shown, found {charts}");
    for chart in ["value-curve", "moves", "whale", "utilisation"] {
        assert!(dom.contains(&format!("class=\"chart {chart}\"")), "chart {chart} is shown");
    }
    assert!(dom.contains(&contribution), "the browser shows the contribution");
    for resource in json["result"]["resources"].as_array().unwrap() {
        let price = capplan::report::money(resource["shadow_price"].as_f64().unwrap());
        assert!(dom.contains(&format!(">{price}<")), "the price {price} of {} is shown", resource["resource"]);
    }
    assert!(dom.contains("id=\"plan\"") && dom.contains("class=\"sortable\""), "the sortable plan table is there");
    assert_eq!(external_references(&dom), Vec::<String>::new(), "nothing external after the script ran");

    // Chromium's own record of what it loaded (its net log), against the record of a blank page:
    // the browser fetches a few things of its own either way; the page must add no host.
    let screenshot = dir.join("dsp.png");
    let blank_hosts = requested_hosts(&browser, "about:blank", &dir.join("blank.png"), &dir.join("blank-net.json"));
    let page_hosts = requested_hosts(&browser, &format!("file://{}", page.display()), &screenshot, &dir.join("page-net.json"));
    let added: Vec<&String> = page_hosts.iter().filter(|host| !blank_hosts.contains(*host)).collect();
    assert!(added.is_empty(), "the page made the browser fetch from {added:?}");
    assert!(std::fs::metadata(&screenshot).unwrap().len() > 20_000, "the screenshot shows a page");
}

#[test]
fn issue12_html_report_of_an_infeasible_plan_shows_the_diagnosis() {
    let output = capplan(&["solve", "instances/infeasible/engineering-promises.toml", "--format", "html", "--quiet"]);
    assert_eq!(output.status.code(), Some(3));
    let html = String::from_utf8(output.stdout).unwrap();
    assert!(html.contains("infeasible") && html.contains("Why no plan exists"), "{html}");
    assert!(html.contains("lower m1&#39;s engineering floor") || html.contains("lower m1's engineering floor"), "the repair is shown");
    assert_eq!(external_references(&html), Vec::<String>::new());
}

#[test]
fn issue12_html_report_with_sensitivity_has_the_sensitivity_tables() {
    let output = capplan(&["solve", "instances/tiny.toml", "--format", "html", "--sensitivity", "--quiet"]);
    assert_eq!(output.status.code(), Some(0));
    let html = String::from_utf8(output.stdout).unwrap();
    assert!(html.contains("id=\"sensitivity-constraints\"") && html.contains("id=\"sensitivity-allocations\""));
    // The engineering capacity's price holds for 10 h more and 30 h less (docs/worked-example.md).
    assert!(html.contains("+10.0 h") && html.contains("-30.0 h"), "{html}");
}

/// The Limits report in the HTML report of dsp.toml with --sensitivity: a sortable table with one
/// row per allocation, each lower and upper limit as the JSON report gives it, shown by Chromium.
#[test]
fn html_report_with_sensitivity_has_the_limits_report() {
    let dir = scratch("dsp-limits");
    let page = dir.join("dsp-limits.html");
    let output =
        capplan(&["solve", "instances/dsp.toml", "--format", "html", "--sensitivity", "--output", page.to_str().unwrap(), "--quiet"]);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let html = std::fs::read_to_string(&page).unwrap();
    assert_eq!(external_references(&html), Vec::<String>::new());
    let json: serde_json::Value =
        serde_json::from_slice(&capplan(&["solve", "instances/dsp.toml", "--format", "json", "--sensitivity", "--quiet"]).stdout).unwrap();
    let objective = json["result"]["objective"].as_f64().unwrap();
    let limits = json["result"]["sensitivity"]["limits"].as_array().unwrap();
    let check = |page: &str, what: &str| {
        let table = page.split("id=\"sensitivity-limits\"").nth(1).unwrap_or_else(|| panic!("{what}: no Limits table"));
        let body = table.split("</table>").next().unwrap();
        let rows: Vec<&str> = body.split("<tr>").skip(2).collect();
        assert_eq!(rows.len(), limits.len(), "{what}: one row per allocation");
        for (row, entry) in rows.iter().zip(limits) {
            let cells: Vec<&str> =
                row.split("<td").skip(1).map(|cell| cell.split('>').nth(1).unwrap().split('<').next().unwrap()).collect();
            assert_eq!(cells[0], entry["customer"].as_str().unwrap(), "{what}");
            assert_eq!(cells[3], capplan::report::hours(entry["lower"]["hours"].as_f64().unwrap()), "{what} lower");
            assert_eq!(cells[4], capplan::report::money(entry["lower"]["objective"].as_f64().unwrap() - objective), "{what} lower change");
            assert_eq!(cells[6], capplan::report::hours(entry["upper"]["hours"].as_f64().unwrap()), "{what} upper");
            assert_eq!(cells[7], capplan::report::money(entry["upper"]["objective"].as_f64().unwrap() - objective), "{what} upper change");
        }
    };
    check(&html, "page");
    // A limit without a range has no one-sided values: n/a, never "infeasible" (the text report
    // says the same).
    let constraints = html.split("id=\"sensitivity-constraints\"").nth(1).unwrap().split("</table>").next().unwrap();
    for row in constraints.split("<tr>").filter(|row| row.contains("share_cap[value/")) {
        assert!(!row.contains("infeasible") && row.contains("n/a"), "{row}");
    }
    // Sort keys of "unlimited" cells are short numbers, not 309 digits.
    assert!(html.split("data-v=\"").skip(1).all(|rest| rest.split('"').next().unwrap().len() < 40), "long sort keys");
    let Some(browser) = chromium() else {
        eprintln!("SKIPPED: no Chromium installed (apt-get install chromium); the page was checked without a browser");
        return;
    };
    check(&rendered_dom(&browser, &page), "as Chromium shows it");
}
