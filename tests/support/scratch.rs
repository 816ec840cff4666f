//! Scratch directories for tests: each one a fresh `tempfile::TempDir`, removed when the test
//! drops it, so test runs leave nothing behind in the temporary directory.

use std::ops::Deref;
use std::path::Path;

/// A fresh, empty directory for one test's files; removed with everything in it when dropped.
/// It reads as a `Path` (`dir.join("x")`, `&dir` where a path is asked for).
pub struct Scratch(tempfile::TempDir);

/// A new scratch directory whose name starts with `capplan-NAME-`.
pub fn scratch(name: &str) -> Scratch {
    Scratch(tempfile::Builder::new().prefix(&format!("capplan-{name}-")).tempdir().expect("a scratch directory"))
}

impl Deref for Scratch {
    type Target = Path;

    fn deref(&self) -> &Path {
        self.0.path()
    }
}

impl AsRef<Path> for Scratch {
    fn as_ref(&self) -> &Path {
        self.0.path()
    }
}
