//! Baselines subtracted from a group of G rewards drawn for the same input before they weight
//! the score function. A baseline that depends on the sample it is subtracted from biases the
//! gradient; leave-one-out does not.

/// How the G rewards of one input are shifted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Baseline {
    /// r̃ = r.
    None,
    /// r̃_g = r_g − mean_g' r_g' (includes the sample itself: biased by a factor (G−1)/G).
    GroupMean,
    /// r̃_g = r_g − mean_{g'≠g} r_g': unbiased, and lower variance than none.
    LeaveOneOut,
    /// The original code's "normalize": r̃_g = r_g − min_g' r_g'. The minimum includes the
    /// sample itself, which biases the fixed point (spec §8, defect 2). Kept, labelled, for
    /// comparison.
    MinShiftBiased,
}

impl Baseline {
    /// Shifts `rewards` (one input's group) in place. Groups of one are left as they are
    /// by the leave-one-out baseline (there is no other sample).
    pub fn apply(self, rewards: &mut [f64]) {
        let g = rewards.len();
        match self {
            Baseline::None => {}
            Baseline::GroupMean => {
                let mean = rewards.iter().sum::<f64>() / g as f64;
                rewards.iter_mut().for_each(|r| *r -= mean);
            }
            Baseline::LeaveOneOut => {
                if g < 2 {
                    return;
                }
                let sum: f64 = rewards.iter().sum();
                rewards
                    .iter_mut()
                    .for_each(|r| *r -= (sum - *r) / (g - 1) as f64);
            }
            Baseline::MinShiftBiased => {
                let min = rewards.iter().copied().fold(f64::INFINITY, f64::min);
                rewards.iter_mut().for_each(|r| *r -= min);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shifts() {
        let apply = |b: Baseline| {
            let mut r = vec![1.0, 2.0, 6.0];
            b.apply(&mut r);
            r
        };
        assert_eq!(apply(Baseline::None), [1.0, 2.0, 6.0]);
        assert_eq!(apply(Baseline::GroupMean), [-2.0, -1.0, 3.0]);
        assert_eq!(apply(Baseline::LeaveOneOut), [-3.0, -1.5, 4.5]);
        assert_eq!(apply(Baseline::MinShiftBiased), [0.0, 1.0, 5.0]);
        let mut one = vec![3.0];
        Baseline::LeaveOneOut.apply(&mut one);
        assert_eq!(one, [3.0]);
    }
}
