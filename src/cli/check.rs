//! `capplan check`: validate an instance without solving it.

use std::path::Path;

use super::{EXIT_OK, load};

pub(super) fn run(path: &Path) -> i32 {
    match load(path, false) {
        Ok(instance) => {
            let count = crate::report::plural;
            let name = if path.as_os_str() == "-" { crate::model::STDIN_NAME.to_string() } else { path.display().to_string() };
            let summary = format!(
                "{name}: valid: {}, {}, {}\n",
                count(instance.resources.len(), "resource"),
                count(instance.segments.len(), "segment"),
                count(instance.customers.len(), "customer")
            );
            match super::emit(None, &summary) {
                Ok(()) => EXIT_OK,
                Err(code) => code,
            }
        }
        Err(code) => code,
    }
}
