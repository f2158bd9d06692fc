//! Small text charts fitted to a width: sparklines for series over time and
//! horizontal bars for distributions. Unicode blocks on a terminal, plain
//! ASCII otherwise (logs, mail, CI output).

use crate::time::Zone;

/// Glyphs a chart is drawn with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Glyphs {
    Unicode,
    Ascii,
}

impl Glyphs {
    fn levels(self) -> &'static [char] {
        match self {
            Glyphs::Unicode => &['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'],
            Glyphs::Ascii => &['.', ':', '-', '=', '+', '*', '#', '@'],
        }
    }

    fn bar(self) -> char {
        match self {
            Glyphs::Unicode => '█',
            Glyphs::Ascii => '#',
        }
    }
}

/// Merges `values` into at most `width` columns, `group` consecutive values
/// each, combining a group with `combine`.
pub fn fit(values: &[usize], width: usize, combine: fn(&[usize]) -> usize) -> Vec<usize> {
    let width = width.max(1);
    let group = values.len().div_ceil(width).max(1);
    values.chunks(group).map(combine).collect()
}

/// Sum of a group (counts per day).
pub fn sum(v: &[usize]) -> usize {
    v.iter().sum()
}

/// Last value of a group (a level at the end of each day).
pub fn last(v: &[usize]) -> usize {
    v.last().copied().unwrap_or(0)
}

/// One character per value, its height relative to `max`; a space for zero.
pub fn sparkline(values: &[usize], max: usize, glyphs: Glyphs) -> String {
    let levels = glyphs.levels();
    values
        .iter()
        .map(|&v| {
            if v == 0 || max == 0 {
                ' '
            } else {
                let n = levels.len();
                levels[((v * n).div_ceil(max).max(1) - 1).min(n - 1)]
            }
        })
        .collect()
}

/// A bar of `value` scaled so that `max` fills `width` characters (at least one
/// character for a non-zero value).
pub fn bar(value: usize, max: usize, width: usize, glyphs: Glyphs) -> String {
    if value == 0 || max == 0 {
        return String::new();
    }
    let n = (value * width / max).max(1);
    std::iter::repeat_n(glyphs.bar(), n).collect()
}

/// Buckets of the first-response distribution: label and upper bound (seconds, exclusive).
const RESPONSE_BUCKETS: &[(&str, i64)] = &[
    ("< 1h", 3600),
    ("1-4h", 4 * 3600),
    ("4-8h", 8 * 3600),
    ("8-24h", 86_400),
    ("1-3d", 3 * 86_400),
    ("3-7d", 7 * 86_400),
    (">= 7d", i64::MAX),
];

/// The charts of `desk report --chart`, fitted to `width` columns; days are
/// calendar days in `zone`.
pub fn report_charts(r: &crate::report::Report, width: usize, glyphs: Glyphs, zone: Zone) -> String {
    use std::fmt::Write as _;
    let d = &r.daily;
    let label = 10;
    let room = width.saturating_sub(label + 12).max(10);
    let per = d.created.len().div_ceil(room).max(1);
    let created = fit(&d.created, room, sum);
    let resolved = fit(&d.resolved, room, sum);
    let backlog = fit(&d.backlog, room, last);
    let days = u64::try_from(per).unwrap_or(1) * d.buckets.days;
    let unit = if days == 1 { "day".to_owned() } else { format!("{days} days") };
    let top = created.iter().chain(&resolved).copied().max().unwrap_or(0);
    let mut out = String::new();
    let _ = writeln!(out, "Created vs resolved per {unit} (max {top})");
    let _ = writeln!(out, "{:<label$}{}", "created", sparkline(&created, top, glyphs));
    let _ = writeln!(out, "{:<label$}{}", "resolved", sparkline(&resolved, top, glyphs));
    let axis = format!("{} .. {}", d.buckets.first, zone.date_of(r.window.until - 1));
    let _ = writeln!(out, "{:<label$}{axis}", "");
    let (lo, hi) = (backlog.iter().min().copied().unwrap_or(0), backlog.iter().max().copied().unwrap_or(0));
    let _ = writeln!(out, "\nBacklog at the end of each {unit} ({lo} to {hi})");
    let _ = writeln!(out, "{:<label$}{}", "backlog", sparkline(&backlog, hi, glyphs));
    let _ = writeln!(out, "{:<label$}{axis}", "");
    let _ = writeln!(out, "\nFirst response times ({} tickets)", r.first_responses.len());
    let mut counts = vec![0usize; RESPONSE_BUCKETS.len()];
    for &v in &r.first_responses {
        let b =
            RESPONSE_BUCKETS.iter().position(|&(_, upper)| v < upper).unwrap_or(RESPONSE_BUCKETS.len() - 1);
        counts[b] += 1;
    }
    let most = counts.iter().copied().max().unwrap_or(0);
    let bar_room = width.saturating_sub(label + 8).max(5);
    for ((name, _), n) in RESPONSE_BUCKETS.iter().zip(&counts) {
        let _ = writeln!(out, "{name:<label$}{n:>5}  {}", bar(*n, most, bar_room, glyphs));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparklines_scale_to_the_maximum() {
        assert_eq!(sparkline(&[0, 1, 4, 8], 8, Glyphs::Unicode), " ▁▄█");
        assert_eq!(sparkline(&[0, 1, 4, 8], 8, Glyphs::Ascii), " .=@");
        assert_eq!(sparkline(&[3], 0, Glyphs::Ascii), " ");
    }

    #[test]
    fn series_fit_the_width() {
        let days: Vec<usize> = (1..=10).collect();
        assert_eq!(fit(&days, 5, sum), vec![3, 7, 11, 15, 19]);
        assert_eq!(fit(&days, 4, last), vec![3, 6, 9, 10]);
        assert_eq!(fit(&days, 20, sum), days);
    }

    #[test]
    fn bars_are_proportional_and_never_vanish() {
        assert_eq!(bar(5, 10, 10, Glyphs::Ascii), "#####");
        assert_eq!(bar(1, 100, 10, Glyphs::Ascii), "#");
        assert_eq!(bar(0, 100, 10, Glyphs::Ascii), "");
    }
}
