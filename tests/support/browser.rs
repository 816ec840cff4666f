//! Headless Chromium for the tests of HTML pages: where it is installed, the DOM as the browser
//! shows a page and a screenshot of it; and the places a page could make a browser fetch
//! something.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Debian's `chromium` (or another Chromium-based browser), if installed.
pub fn chromium() -> Option<PathBuf> {
    ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].iter().map(PathBuf::from).find(|path| path.exists())
}

/// The page after Chromium has run it (the DOM as shown).
pub fn rendered_dom(browser: &Path, page: &Path) -> String {
    let output = Command::new(browser)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=2000", "--dump-dom"])
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs");
    assert!(output.status.success(), "chromium failed: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

/// A screenshot of the page at 1280 pixels wide, written to `screenshot`.
pub fn screenshot(browser: &Path, page: &Path, screenshot: &Path) {
    let output = Command::new(browser)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"])
        .args(["--window-size=1280,2000", "--virtual-time-budget=2000"])
        .arg(format!("--screenshot={}", screenshot.display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs");
    assert!(output.status.success(), "chromium failed: {}", String::from_utf8_lossy(&output.stderr));
}

/// Every place a page could make the browser fetch something.
pub fn external_references(html: &str) -> Vec<String> {
    let lower = html.to_lowercase();
    let mut found = Vec::new();
    for needle in ["<link", "<img", "<iframe", "src=", "@import", "url(", "href=\"http", "https://", "//fonts."] {
        if lower.contains(needle) {
            found.push(needle.to_string());
        }
    }
    // The only http:// allowed is the SVG namespace, which is a name, not a request.
    if lower.replace("xmlns=\"http://www.w3.org/2000/svg\"", "").contains("http://") {
        found.push("http://".to_string());
    }
    found
}
