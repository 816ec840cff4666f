//! A value of an input file with the byte range it was written at.
//!
//! The same interface as the TOML reader's own `Spanned` (`span`, `get_ref`, `into_inner`, ...;
//! compared, ordered and hashed by the value alone), with one addition that lets the instance
//! reader parse a large file piece by piece ([`super::blocks`]): while a piece is deserialised,
//! every span is moved by the piece's offset in the whole file ([`SpanBase`]), so that a value's
//! span always points into the file the user wrote, whichever piece it was read from.

use std::borrow::Borrow;
use std::cell::Cell;
use std::cmp::Ordering;
use std::hash::{Hash, Hasher};
use std::ops::Range;

use serde::{Deserialize, Deserializer};

/// A value and the byte range (in its file) where it was written.
#[derive(Debug, Clone)]
pub struct Spanned<T> {
    start: usize,
    end: usize,
    value: T,
}

impl<T> Spanned<T> {
    /// `value`, located at `range`.
    pub fn new(range: Range<usize>, value: T) -> Self {
        Spanned { start: range.start, end: range.end, value }
    }

    /// Where the value was written, in bytes from the start of its file.
    pub fn span(&self) -> Range<usize> {
        self.start..self.end
    }

    /// The value, without its place.
    pub fn into_inner(self) -> T {
        self.value
    }

    /// The value.
    pub fn get_ref(&self) -> &T {
        &self.value
    }

    /// The value, to change it (a scenario's patch); the span stays where it was written.
    pub fn get_mut(&mut self) -> &mut T {
        &mut self.value
    }
}

impl<T: std::fmt::Display> std::fmt::Display for Spanned<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.value.fmt(f)
    }
}

impl Borrow<str> for Spanned<String> {
    fn borrow(&self) -> &str {
        &self.value
    }
}

impl<T> AsRef<T> for Spanned<T> {
    fn as_ref(&self) -> &T {
        &self.value
    }
}

impl<T> AsMut<T> for Spanned<T> {
    fn as_mut(&mut self) -> &mut T {
        &mut self.value
    }
}

impl<T: PartialEq> PartialEq for Spanned<T> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl<T: Eq> Eq for Spanned<T> {}

impl<T: Hash> Hash for Spanned<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.value.hash(state);
    }
}

impl<T: PartialOrd> PartialOrd for Spanned<T> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        self.value.partial_cmp(&other.value)
    }
}

impl<T: Ord> Ord for Spanned<T> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.value.cmp(&other.value)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Spanned<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let read = toml::Spanned::<T>::deserialize(deserializer)?;
        let base = SPAN_BASE.with(Cell::get);
        let span = read.span();
        Ok(Spanned { start: span.start + base, end: span.end + base, value: read.into_inner() })
    }
}

thread_local! {
    /// Offset added to every span deserialised on this thread: the start of the piece of the
    /// file being read (0 when a whole file is read).
    static SPAN_BASE: Cell<usize> = const { Cell::new(0) };
}

/// While alive, spans deserialised on this thread are moved by `offset` bytes: the text being
/// deserialised starts `offset` bytes into its file. Dropping it (also on an early return)
/// restores whole-file reading.
pub(super) struct SpanBase {
    previous: usize,
}

impl SpanBase {
    pub(super) fn at(offset: usize) -> Self {
        SpanBase { previous: SPAN_BASE.with(|base| base.replace(offset)) }
    }
}

impl Drop for SpanBase {
    fn drop(&mut self) {
        SPAN_BASE.with(|base| base.set(self.previous));
    }
}
