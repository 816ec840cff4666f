//! Exact exploration of a concave piecewise-linear function of one parameter, known only through
//! evaluations ("probes") that each give a value and a slope (any supergradient).
//!
//! This is what ranging and sweeps rest on: the optimal objective of an LP is concave and
//! piecewise linear in a right-hand side, and a re-solve at a point gives the value there and a
//! shadow price, which is a supergradient. Breakpoints are found by intersecting supporting
//! lines (the Eisner-Severance scheme): two probes `a < b` each give a line that lies on or above
//! the function; the lines meet at `t*`. A probe at `t*` either lies on both lines, which proves
//! the function is the lower envelope of the two lines on `[a, b]` with its only breakpoint at
//! `t*`, or lies below them and splits the interval. Each new probe reveals a new linear piece, so
//! the search ends after a number of probes bounded by the number of pieces: no grid, no
//! bisection, and the breakpoints are exact up to the solver's own accuracy.

use crate::solve::{Backend, SolveError};

/// One evaluation: the function's value at `at` and a supergradient there.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Probe {
    /// Where the function was evaluated (the limit, in its own unit).
    pub at: f64,
    /// The function's value there (the optimal objective, currency).
    pub value: f64,
    /// A supergradient there: the function's slope on one side (currency per unit of the limit).
    pub slope: f64,
}

impl Probe {
    fn line_at(&self, t: f64) -> f64 {
        self.value + self.slope * (t - self.at)
    }
}

/// The far end of an exploration: a probe at a finite point, or the line the function follows
/// for ever beyond some point (its asymptote, `value = slope * t + intercept`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum End {
    /// A probe at a finite point.
    Point(Probe),
    /// The line the function follows for ever beyond the last probe.
    Asymptote {
        /// The line's slope (currency per unit of the limit).
        slope: f64,
        /// The line's value at a limit of 0 (currency).
        intercept: f64,
    },
}

impl End {
    fn at(&self) -> f64 {
        match self {
            End::Point(probe) => probe.at,
            End::Asymptote { .. } => f64::INFINITY,
        }
    }

    fn slope(&self) -> f64 {
        match self {
            End::Point(probe) => probe.slope,
            End::Asymptote { slope, .. } => *slope,
        }
    }

    /// The end's supporting line, as a probe-like (point, slope) pair anchored at `anchor`.
    fn line_at(&self, t: f64) -> f64 {
        match self {
            End::Point(probe) => probe.line_at(t),
            End::Asymptote { slope, intercept } => slope * t + intercept,
        }
    }
}

/// A linear piece of the function: on `[from, to]` it has slope `slope`. `to` may be infinite.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Segment {
    /// Where the piece starts (unit of the limit).
    pub from: f64,
    /// Where the piece ends (unit of the limit); may be infinite.
    pub to: f64,
    /// Value at `from`.
    pub value_from: f64,
    /// The slope on the piece: the marginal value of the limit (currency per unit of the limit).
    pub slope: f64,
}

impl Segment {
    /// The function's value at `t` on the piece's line.
    pub fn value_at(&self, t: f64) -> f64 {
        self.value_from + self.slope * (t - self.from)
    }
}

/// Probes an exploration may spend before giving up; far more than the pieces of any instance
/// capplan has met, and a guard against a solver whose answers are not concave.
const MAX_PROBES: usize = 5000;

/// How exactly a backend's re-solves can be compared: relative tolerances under which two
/// values or two slopes count as the same, and under which a piece is too short to be real.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Accuracy {
    /// Relative tolerance under which two optimal objectives count as equal.
    pub value: f64,
    /// Relative tolerance under which two slopes (marginal values) count as equal.
    pub slope: f64,
    /// Relative length under which a piece between two breakpoints is taken for solver noise.
    pub shortest_piece: f64,
}

impl Accuracy {
    /// The simplex (microlp) answers vertices exactly up to rounding; the interior-point solver
    /// (clarabel) stops at a duality gap of about 1e-8, which leaves duals accurate to about
    /// 1e-6 relative.
    pub fn of(backend: Backend) -> Self {
        match backend {
            // Vertex solutions: the simplex methods (microlp, HiGHS) and the separable backend's
            // exact fill.
            Backend::Microlp | Backend::Highs | Backend::Separable | Backend::Engine => {
                Accuracy { value: 1e-7, slope: 1e-7, shortest_piece: 1e-6 }
            }
            Backend::Clarabel => Accuracy { value: 1e-6, slope: 1e-5, shortest_piece: 1e-4 },
        }
    }

    /// Whether `a` and `b` are the same objective value within [`Accuracy::value`], relative to the
    /// larger magnitude plus 1.
    pub fn same_value(&self, a: f64, b: f64) -> bool {
        (a - b).abs() <= self.value * (1.0 + a.abs().max(b.abs()))
    }

    /// Whether `a` and `b` are the same slope within [`Accuracy::slope`], relative to the larger
    /// magnitude plus 1.
    pub fn same_slope(&self, a: f64, b: f64) -> bool {
        (a - b).abs() <= self.slope * (1.0 + a.abs().max(b.abs()))
    }
}

/// Explores the function from `start` to `end`, left to right, and returns its linear pieces in
/// order, adjacent pieces of equal slope merged (see `tidy`). With `first_only`, stops as soon as the first
/// piece starting at `start.at` is known completely (its slope and where the slope changes),
/// which is all ranging needs; the last returned piece may then reach beyond that.
pub fn explore<P>(start: Probe, end: End, first_only: bool, accuracy: Accuracy, mut probe: P) -> Result<Vec<Segment>, SolveError>
where
    P: FnMut(f64) -> Result<Probe, SolveError>,
{
    let mut segments: Vec<Segment> = Vec::new();
    let mut current = start;
    // Probes still to the right of `current`, nearest last; the far end is at the bottom.
    let mut pending: Vec<Probe> = Vec::new();
    let mut probes = 0;
    loop {
        let next_end = pending.last().map_or(end, |probe| End::Point(*probe));
        let (from, to) = (current.at, next_end.at());
        let span_tolerance = 1e-9 * (1.0 + from.abs().max(if to.is_finite() { to.abs() } else { 0.0 }));
        // Where the two supporting lines meet.
        let meet = if accuracy.same_slope(current.slope, next_end.slope()) {
            None
        } else {
            let t = (next_end.line_at(0.0) - (current.value - current.slope * current.at)) / (current.slope - next_end.slope());
            Some(t)
        };
        let resolved_at = match meet {
            // Parallel supporting lines of a concave function coincide: linear all the way.
            None => Some(to),
            Some(t) if t <= from + span_tolerance => Some(from),
            Some(t) if t >= to - span_tolerance => Some(to),
            Some(t) => {
                probes += 1;
                if probes > MAX_PROBES {
                    return Err(SolveError(format!(
                        "the value curve did not resolve after {MAX_PROBES} re-solves; the solver's answers are not consistent"
                    )));
                }
                let middle = probe(t)?;
                if accuracy.same_value(middle.value, current.line_at(t)) {
                    Some(t)
                } else {
                    pending.push(middle);
                    None
                }
            }
        };
        let Some(breakpoint) = resolved_at else { continue };
        segments.push(Segment { from, to: breakpoint, value_from: current.value, slope: current.slope });
        segments.push(Segment { from: breakpoint, to, value_from: current.line_at(breakpoint), slope: next_end.slope() });
        if first_only {
            let pieces = tidy(&segments, accuracy);
            if pieces.len() > 1 || to.is_infinite() {
                return Ok(pieces);
            }
        }
        match pending.pop() {
            Some(reached) => current = reached,
            None => return Ok(tidy(&segments, accuracy)),
        }
    }
}

/// The pieces in order with empty and noise-short pieces folded into their neighbours and
/// adjacent pieces of the same slope merged. Pieces shorter than the backend's shortest piece
/// are solver noise rather than part of the curve: an interior-point dual at a bend or at the
/// edge of the feasible range is a valid but arbitrary supergradient, and its line meets the
/// next one a rounding error away.
fn tidy(raw: &[Segment], accuracy: Accuracy) -> Vec<Segment> {
    let mut pieces: Vec<Segment> = Vec::new();
    // Where the pieces dropped before the first kept piece began.
    let mut carried_from: Option<f64> = None;
    for &segment in raw.iter().filter(|segment| segment.to > segment.from) {
        let short = segment.to.is_finite()
            && segment.to - segment.from <= accuracy.shortest_piece * (1.0 + segment.from.abs().max(segment.to.abs()));
        if short {
            match pieces.last_mut() {
                Some(last) => last.to = segment.to,
                None => {
                    carried_from.get_or_insert(segment.from);
                }
            }
            continue;
        }
        let mut segment = segment;
        if let Some(from) = carried_from.take() {
            segment.value_from = segment.value_at(from);
            segment.from = from;
        }
        if let Some(last) = pieces.last_mut()
            && accuracy.same_slope(last.slope, segment.slope)
        {
            last.to = segment.to;
            continue;
        }
        pieces.push(segment);
    }
    // Everything was short: the whole stretch is one piece.
    if pieces.is_empty()
        && let (Some(first), Some(last)) =
            (raw.iter().find(|segment| segment.to > segment.from), raw.iter().rev().find(|segment| segment.to > segment.from))
    {
        pieces.push(Segment { to: last.to, ..*first });
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXACT: Accuracy = Accuracy { value: 1e-12, slope: 1e-12, shortest_piece: 1e-12 };

    /// min(3t, 10 + t, 30 - t): breakpoints at 5 (3t = 10 + t) and 10 (10 + t = 30 - t).
    fn tent(t: f64) -> Probe {
        let lines = [(3.0, 0.0), (1.0, 10.0), (-1.0, 30.0)];
        let (slope, intercept) = lines.iter().copied().min_by(|a, b| (a.0 * t + a.1).partial_cmp(&(b.0 * t + b.1)).unwrap()).unwrap();
        Probe { at: t, value: slope * t + intercept, slope }
    }

    #[test]
    fn finds_every_breakpoint_of_a_known_curve() {
        let mut calls = 0;
        let segments = explore(tent(0.0), End::Point(tent(20.0)), false, EXACT, |t| {
            calls += 1;
            Ok(tent(t))
        })
        .unwrap();
        let breaks: Vec<(f64, f64)> = segments.iter().map(|s| (s.from, s.slope)).collect();
        assert_eq!(breaks.len(), 3);
        assert!((breaks[1].0 - 5.0).abs() < 1e-9 && breaks[1].1 == 1.0);
        assert!((breaks[2].0 - 10.0).abs() < 1e-9 && breaks[2].1 == -1.0);
        // Three pieces need at most a handful of probes, not a grid.
        assert!(calls <= 4, "{calls} probes");
    }

    #[test]
    fn first_piece_from_a_kink_uses_the_right_slope() {
        // At t = 5 the probe may report any supergradient in [1, 3]; the piece to the right has
        // slope 1 and ends at 10.
        let start = Probe { at: 5.0, value: 15.0, slope: 3.0 };
        let segments = explore(start, End::Point(tent(20.0)), true, EXACT, |t| Ok(tent(t))).unwrap();
        assert_eq!(segments[0].slope, 1.0);
        assert!((segments[0].to - 10.0).abs() < 1e-9);
    }

    #[test]
    fn an_asymptote_with_the_same_slope_means_for_ever() {
        let start = Probe { at: 11.0, value: 19.0, slope: -1.0 };
        let segments = explore(start, End::Asymptote { slope: -1.0, intercept: 30.0 }, true, EXACT, |t| Ok(tent(t))).unwrap();
        assert_eq!(segments.len(), 1);
        assert!(segments[0].to.is_infinite());
    }
}
