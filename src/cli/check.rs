//! `capplan check`: validate an instance without solving it.

use std::path::Path;

use super::{EXIT_OK, load};

pub(super) fn run(path: &Path) -> i32 {
    match load(path, false) {
        Ok(instance) => {
            let count = crate::report::plural;
            let name = if path.as_os_str() == "-" { crate::model::STDIN_NAME.to_string() } else { path.display().to_string() };
            // A multi-period instance says how many periods it plans; a single quarter's line
            // stays as it always was.
            let periods = instance.horizon().map_or(String::new(), |horizon| format!(", {}", count(horizon.periods().len(), "period")));
            let summary = format!(
                "{name}: valid: {}, {}, {}{periods}\n",
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
