//! Measures of one chain's trajectory v₀ … v_T (generation 0 is the initial text).
//!
//! Each returns `None` when the measure is undefined: fewer than two generations, a
//! non-finite value, or a zero denominator (a trajectory that never moves, or one that ends
//! where it started).

use serde::Serialize;

fn usable(values: &[f64]) -> bool {
    values.len() >= 2 && values.iter().all(|v| v.is_finite())
}

fn range(values: &[f64]) -> f64 {
    let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let min = values.iter().copied().fold(f64::INFINITY, f64::min);
    max - min
}

/// (max(v₁…v_T) − min(v₁…v_T)) / (max(v₀…v_T) − min(v₀…v_T)): the share of the overall
/// range that is covered by the generated texts alone.
pub fn cumulativeness(values: &[f64]) -> Option<f64> {
    if !usable(values) {
        return None;
    }
    let whole = range(values);
    (whole > 0.0).then(|| range(&values[1..]) / whole)
}

/// For t = 1 … T, |v_t − v_{t−1}| / Σ_s |v_s − v_{s−1}|: which generations made the change.
/// Element i belongs to generation i + 1; the shares sum to 1.
pub fn change_shares(values: &[f64]) -> Option<Vec<f64>> {
    if !usable(values) {
        return None;
    }
    let steps: Vec<f64> = values.windows(2).map(|w| (w[1] - w[0]).abs()).collect();
    let total: f64 = steps.iter().sum();
    (total > 0.0 && total.is_finite()).then(|| steps.iter().map(|s| s / total).collect())
}

/// For t = 1 … T, (|v_{t−1} − v_T| − |v_t − v_T|) / |v₀ − v_T|: how much generation t moved
/// the text towards its final value, as a share of the total distance. Element i belongs to
/// generation i + 1; the values telescope to a sum of 1, and negative values are steps away
/// from the final value.
pub fn directional_changes(values: &[f64]) -> Option<Vec<f64>> {
    if !usable(values) {
        return None;
    }
    let last = values[values.len() - 1];
    let total = (values[0] - last).abs();
    if !(total > 0.0 && total.is_finite()) {
        return None;
    }
    Some(
        values
            .windows(2)
            .map(|w| ((w[0] - last).abs() - (w[1] - last).abs()) / total)
            .collect(),
    )
}

/// All three measures of one trajectory.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TrajectoryMeasures {
    pub cumulativeness: Option<f64>,
    /// Element i is generation i + 1.
    pub change_share: Option<Vec<f64>>,
    /// Element i is generation i + 1.
    pub directional_change: Option<Vec<f64>>,
}

impl TrajectoryMeasures {
    pub fn of(values: &[f64]) -> Self {
        Self {
            cumulativeness: cumulativeness(values),
            change_share: change_shares(values),
            directional_change: directional_changes(values),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn near(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn hand_computed_trajectory() {
        // v = 0, 4, 2, 3.
        // Cumulativeness: range(4, 2, 3) = 2, range(all) = 4 → 0.5.
        // Steps 4, 2, 1 (total 7) → shares 4/7, 2/7, 1/7.
        // Distances to v_T = 3: 3, 1, 1, 0; |v₀ − v_T| = 3
        //   → directional changes (3−1)/3, (1−1)/3, (1−0)/3 = 2/3, 0, 1/3.
        let v = [0.0, 4.0, 2.0, 3.0];
        assert!(near(cumulativeness(&v).unwrap(), 0.5));
        let shares = change_shares(&v).unwrap();
        assert_eq!(shares.len(), 3);
        for (s, e) in shares.iter().zip([4.0 / 7.0, 2.0 / 7.0, 1.0 / 7.0]) {
            assert!(near(*s, e));
        }
        let dir = directional_changes(&v).unwrap();
        for (d, e) in dir.iter().zip([2.0 / 3.0, 0.0, 1.0 / 3.0]) {
            assert!(near(*d, e));
        }
    }

    #[test]
    fn overshooting_step_counts_against_direction() {
        // v = 0, 5, 1: distances to 1 are 1, 4, 0 → (1−4)/1 = −3, (4−0)/1 = 4.
        let dir = directional_changes(&[0.0, 5.0, 1.0]).unwrap();
        assert!(near(dir[0], -3.0) && near(dir[1], 4.0));
        // The initial value is the extreme: the generated texts span 5−1 of 5.
        assert!(near(cumulativeness(&[0.0, 5.0, 1.0]).unwrap(), 0.8));
    }

    #[test]
    fn undefined_cases_are_none() {
        let flat = [2.0, 2.0, 2.0];
        assert_eq!(cumulativeness(&flat), None);
        assert_eq!(change_shares(&flat), None);
        assert_eq!(directional_changes(&flat), None);
        // Returns to its start: direction undefined, the others defined.
        let round_trip = [1.0, 3.0, 1.0];
        assert_eq!(directional_changes(&round_trip), None);
        assert!(change_shares(&round_trip).is_some());
        assert!(near(cumulativeness(&round_trip).unwrap(), 1.0));
        for bad in [&[][..], &[1.0][..], &[1.0, f64::NAN, 2.0][..]] {
            let m = TrajectoryMeasures::of(bad);
            assert_eq!(
                (m.cumulativeness, m.change_share, m.directional_change),
                (None, None, None)
            );
        }
    }

    #[test]
    fn shares_and_directions_sum_to_one() {
        let mut state = 12345u64;
        for _ in 0..200 {
            let values: Vec<f64> = (0..51)
                .map(|_| {
                    state = state
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    (state >> 11) as f64 / (1u64 << 53) as f64
                })
                .collect();
            let shares: f64 = change_shares(&values).unwrap().iter().sum();
            assert!((shares - 1.0).abs() < 1e-12);
            let dir: f64 = directional_changes(&values).unwrap().iter().sum();
            assert!((dir - 1.0).abs() < 1e-9);
            let c = cumulativeness(&values).unwrap();
            assert!((0.0..=1.0).contains(&c));
        }
    }
}
