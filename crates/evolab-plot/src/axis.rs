//! Axis ranges, "nice" tick positions and their labels.

/// One axis: data range, ticks with their labels, and title.
#[derive(Debug, Clone)]
pub(crate) struct Axis {
    pub lo: f64,
    pub hi: f64,
    pub ticks: Vec<(f64, String)>,
    pub title: String,
    /// Tick labels set vertically (long category names).
    pub vertical_labels: bool,
}

impl Axis {
    /// Numeric axis over `[lo, hi]` with about `target` ticks at round values.
    pub fn numeric(lo: f64, hi: f64, target: usize, title: &str) -> Axis {
        let values = nice_ticks(lo, hi, target);
        let labels = format_ticks(&values);
        Axis {
            lo,
            hi,
            ticks: values.into_iter().zip(labels).collect(),
            title: title.to_string(),
            vertical_labels: false,
        }
    }

    /// Category axis: category `i` sits at position `i`, the range pads half a slot each side.
    /// `shown` lists which categories get a label (all of them unless they would collide).
    pub fn categorical(labels: &[String], shown: &[usize], title: &str, vertical: bool) -> Axis {
        let n = labels.len().max(1);
        Axis {
            lo: -0.5,
            hi: n as f64 - 0.5,
            ticks: shown
                .iter()
                .filter_map(|&i| labels.get(i).map(|l| (i as f64, l.clone())))
                .collect(),
            title: title.to_string(),
            vertical_labels: vertical,
        }
    }
}

/// Range of the finite values, widened by `pad` (a fraction of the span) on each side.
/// Degenerate spans are widened to something drawable. `None` when no value is finite.
pub(crate) fn padded_range(values: impl IntoIterator<Item = f64>, pad: f64) -> Option<(f64, f64)> {
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    for v in values {
        if v.is_finite() {
            lo = lo.min(v);
            hi = hi.max(v);
        }
    }
    if lo > hi {
        return None;
    }
    Some(pad_range(lo, hi, pad))
}

pub(crate) fn pad_range(lo: f64, hi: f64, pad: f64) -> (f64, f64) {
    let span = hi - lo;
    if span <= f64::EPSILON * hi.abs().max(lo.abs()).max(1.0) {
        let d = if lo == 0.0 { 0.5 } else { lo.abs() * 0.1 };
        return (lo - d, hi + d);
    }
    (lo - span * pad, hi + span * pad)
}

/// Tick spacing of the form {1, 2, 5} x 10^k (no 2.5: it forces an extra decimal on integer
/// axes such as generations) giving at most about `target` intervals.
pub(crate) fn nice_step(span: f64, target: usize) -> f64 {
    let raw = span.abs() / target.max(1) as f64;
    if !(raw.is_finite() && raw > 0.0) {
        return 1.0;
    }
    let mag = 10f64.powf(raw.log10().floor());
    let r = raw / mag;
    let nice = if r <= 1.0 {
        1.0
    } else if r <= 2.0 {
        2.0
    } else if r <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * mag
}

/// Multiples of a nice step inside `[lo, hi]`.
pub(crate) fn nice_ticks(lo: f64, hi: f64, target: usize) -> Vec<f64> {
    let (lo, hi) = (lo.min(hi), lo.max(hi));
    if !(lo.is_finite() && hi.is_finite()) || hi == lo {
        return if lo.is_finite() { vec![lo] } else { vec![] };
    }
    let step = nice_step(hi - lo, target);
    let first = (lo / step - 1e-9).ceil() as i64;
    let last = (hi / step + 1e-9).floor() as i64;
    (first..=last.min(first + 200))
        .map(|k| {
            let v = k as f64 * step;
            // Avoid "-0" and 0.30000000000000004-style residue.
            if v.abs() < step * 1e-9 {
                0.0
            } else {
                v
            }
        })
        .collect()
}

/// Labels with the fewest decimals that still tell every tick apart exactly.
pub(crate) fn format_ticks(ticks: &[f64]) -> Vec<String> {
    let max_abs = ticks.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let scientific = max_abs >= 1e6 || (max_abs > 0.0 && max_abs < 1e-4);
    let decimals = (0..=8)
        .find(|&d| {
            ticks.iter().all(|&t| {
                let shown = if scientific {
                    format!("{:.*e}", d, t)
                } else {
                    format!("{:.*}", d, t)
                };
                shown
                    .parse::<f64>()
                    .is_ok_and(|s| (s - t).abs() <= 1e-9 * max_abs.max(f64::MIN_POSITIVE))
            })
        })
        .unwrap_or(8);
    ticks
        .iter()
        .map(|&t| {
            let s = if scientific {
                format!("{:.*e}", decimals, t)
            } else {
                format!("{:.*}", decimals, t)
            };
            minus(&s)
        })
        .collect()
}

/// One value with `decimals` places, typographic minus sign.
pub(crate) fn format_value(v: f64, decimals: usize) -> String {
    if !v.is_finite() {
        return "n/a".into();
    }
    let s = format!("{:.*}", decimals, v);
    let s = if s
        .trim_start_matches('-')
        .chars()
        .all(|c| c == '0' || c == '.')
    {
        s.trim_start_matches('-').to_string()
    } else {
        s
    };
    minus(&s)
}

fn minus(s: &str) -> String {
    s.replace('-', "\u{2212}")
}

/// Indices of `n` labels, thinned to every k-th (k a round number) so that at most `room`
/// are shown.
pub(crate) fn thin(n: usize, room: usize) -> Vec<usize> {
    if n == 0 {
        return vec![];
    }
    let need = n.div_ceil(room.max(1));
    // Round steps (1, 2, 5, 10, 20, 50, ...) so shown indices are easy to read.
    let mut mag = 1usize;
    let k = loop {
        if let Some(m) = [1, 2, 5].into_iter().find(|m| m * mag >= need) {
            break m * mag;
        }
        mag = mag.saturating_mul(10);
    };
    (0..n).step_by(k).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_and_inside_the_range() {
        let t = nice_ticks(0.03, 0.97, 5);
        assert_eq!(format_ticks(&t), vec!["0.2", "0.4", "0.6", "0.8"]);
        let t = nice_ticks(0.0, 1.0, 5);
        assert_eq!(
            format_ticks(&t),
            vec!["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"]
        );
    }

    #[test]
    fn labels_use_the_fewest_exact_decimals() {
        assert_eq!(
            format_ticks(&[0.0, 0.25, 0.5]),
            vec!["0.00", "0.25", "0.50"]
        );
        assert_eq!(format_ticks(&[0.0, 10.0, 20.0]), vec!["0", "10", "20"]);
        assert_eq!(format_ticks(&[-1.0, 0.0, 1.0]), vec!["\u{2212}1", "0", "1"]);
        assert_eq!(format_ticks(&[0.1, 0.2, 0.3]), vec!["0.1", "0.2", "0.3"]);
    }

    #[test]
    fn degenerate_ranges_widen() {
        assert_eq!(padded_range([3.0, 3.0, f64::NAN], 0.05), Some((2.7, 3.3)));
        assert_eq!(padded_range([f64::NAN], 0.05), None);
        assert_eq!(padded_range(Vec::<f64>::new(), 0.05), None);
    }

    #[test]
    fn thinning_keeps_the_first_label_and_respects_room() {
        assert_eq!(thin(10, 4), vec![0, 5]);
        assert_eq!(thin(60, 25), (0..60).step_by(5).collect::<Vec<_>>());
        assert_eq!(thin(3, 10), vec![0, 1, 2]);
    }
}
