//! The generation similarity graph: a complete graph over generations, edge weight
//! `B[g,h]`, placed in the plane by a seeded Fruchterman–Reingold spring layout.
//!
//! The layout follows the force model of networkx's `spring_layout` (which the original
//! plot used with seed 0), with its defaults:
//!
//! * start: positions uniform in [0, 1)², drawn from ChaCha8 seeded with
//!   [`SpringLayout::seed`] (a point closer than 1e-6 to an earlier one is redrawn);
//! * optimal distance `k = sqrt(1 / n)`;
//! * each iteration, node i moves along `Σ_j δ_ij (k² / d_ij² − A_ij d_ij / k)`, with
//!   `δ_ij = p_i − p_j`, `d_ij = max(‖δ_ij‖, 0.01)` and `A_ij` the edge weight clamped to
//!   ≥ 0 (a repulsive "weight" would just be a second repulsion). The step has length
//!   `t` (a displacement shorter than 0.01 counts as 0.1 long, as in networkx);
//! * temperature `t` starts at 0.1 × the larger side of the bounding box and falls by
//!   `t₀ / (iterations + 1)` per iteration; at most [`SpringLayout::iterations`] (50)
//!   iterations, stopping early once `‖all steps‖ / n < `[`SpringLayout::threshold`] (1e-4);
//! * finally centred on the mean and scaled so that the largest |coordinate| is 1.
//!
//! The random start differs from numpy's, so positions are not networkx's; only the
//! algorithm and its parameters are the same.

use rand_chacha::rand_core::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use super::matrix::Matrix;
use crate::TextError;

/// Parameters of the spring layout.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct SpringLayout {
    pub seed: u64,
    pub iterations: usize,
    pub threshold: f64,
}

impl Default for SpringLayout {
    /// Seed 0 as in the original plot, and networkx's defaults.
    fn default() -> Self {
        SpringLayout {
            seed: 0,
            iterations: 50,
            threshold: 1e-4,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct GraphEdge {
    pub from: usize,
    pub to: usize,
    /// `B[from, to]`, unclamped.
    pub weight: f64,
    /// Whether the edge joins generations t and t + 1 (drawn thicker).
    pub successive: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SimilarityGraph {
    /// Position of each generation, coordinates in [−1, 1].
    pub positions: Vec<[f64; 2]>,
    /// Every pair g < h once, ordered by g then h.
    pub edges: Vec<GraphEdge>,
}

/// Lays out the complete graph of the between-generation matrix `between` (G × G).
pub fn similarity_graph(
    between: &Matrix,
    params: &SpringLayout,
) -> Result<SimilarityGraph, TextError> {
    if !between.is_square() {
        return Err(TextError::Input(format!(
            "the between-generation matrix is {}×{}, not square",
            between.rows(),
            between.cols()
        )));
    }
    let n = between.rows();
    let mut edges = Vec::with_capacity(n * n.saturating_sub(1) / 2);
    for g in 0..n {
        for h in g + 1..n {
            edges.push(GraphEdge {
                from: g,
                to: h,
                weight: between.get(g, h),
                successive: h == g + 1,
            });
        }
    }
    let attraction = |g: usize, h: usize| {
        let w = between.get(g, h);
        if g != h && w.is_finite() && w > 0.0 {
            w
        } else {
            0.0
        }
    };
    Ok(SimilarityGraph {
        positions: spring(n, &attraction, params),
        edges,
    })
}

fn spring(n: usize, weight: &dyn Fn(usize, usize) -> f64, params: &SpringLayout) -> Vec<[f64; 2]> {
    if n == 0 {
        return Vec::new();
    }
    if n == 1 {
        return vec![[0.0, 0.0]];
    }
    let mut rng = ChaCha8Rng::seed_from_u64(params.seed);
    let mut pos: Vec<[f64; 2]> = Vec::with_capacity(n);
    while pos.len() < n {
        let p = [unit(&mut rng), unit(&mut rng)];
        if pos.iter().all(|q| distance(p, *q) >= 1e-6) {
            pos.push(p);
        }
    }

    let k = (1.0 / n as f64).sqrt();
    let extent = |pos: &[[f64; 2]], axis: usize| {
        let (lo, hi) = pos
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), p| {
                (lo.min(p[axis]), hi.max(p[axis]))
            });
        hi - lo
    };
    let mut t = extent(&pos, 0).max(extent(&pos, 1)) * 0.1;
    let dt = t / (params.iterations as f64 + 1.0);
    let mut steps = vec![[0.0f64; 2]; n];
    for _ in 0..params.iterations {
        for i in 0..n {
            let mut disp = [0.0f64; 2];
            for j in 0..n {
                if i == j {
                    continue;
                }
                let delta = [pos[i][0] - pos[j][0], pos[i][1] - pos[j][1]];
                let d = (delta[0] * delta[0] + delta[1] * delta[1]).sqrt().max(0.01);
                let force = k * k / (d * d) - weight(i, j) * d / k;
                disp[0] += delta[0] * force;
                disp[1] += delta[1] * force;
            }
            let mut length = (disp[0] * disp[0] + disp[1] * disp[1]).sqrt();
            if length < 0.01 {
                length = 0.1;
            }
            steps[i] = [disp[0] * t / length, disp[1] * t / length];
        }
        // Synchronous update: every displacement is computed from the same positions.
        for (p, s) in pos.iter_mut().zip(&steps) {
            p[0] += s[0];
            p[1] += s[1];
        }
        t -= dt;
        let moved = steps
            .iter()
            .map(|s| s[0] * s[0] + s[1] * s[1])
            .sum::<f64>()
            .sqrt();
        if moved / (n as f64) < params.threshold {
            break;
        }
    }
    rescale(&mut pos);
    pos
}

/// Centres on the mean and scales the largest |coordinate| to 1.
fn rescale(pos: &mut [[f64; 2]]) {
    let n = pos.len() as f64;
    let mean = [
        pos.iter().map(|p| p[0]).sum::<f64>() / n,
        pos.iter().map(|p| p[1]).sum::<f64>() / n,
    ];
    let mut largest: f64 = 0.0;
    for p in pos.iter_mut() {
        p[0] -= mean[0];
        p[1] -= mean[1];
        largest = largest.max(p[0].abs()).max(p[1].abs());
    }
    if largest > 0.0 {
        for p in pos.iter_mut() {
            p[0] /= largest;
            p[1] /= largest;
        }
    }
}

fn distance(a: [f64; 2], b: [f64; 2]) -> f64 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt()
}

/// Uniform in [0, 1) with 53 random bits.
fn unit(rng: &mut ChaCha8Rng) -> f64 {
    (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matrix(n: usize, f: impl Fn(usize, usize) -> f64) -> Matrix {
        let rows: Vec<Vec<f64>> = (0..n).map(|i| (0..n).map(|j| f(i, j)).collect()).collect();
        Matrix::from_rows(&rows).unwrap()
    }

    fn min_distance(pos: &[[f64; 2]]) -> f64 {
        let mut best = f64::INFINITY;
        for i in 0..pos.len() {
            for j in i + 1..pos.len() {
                best = best.min(distance(pos[i], pos[j]));
            }
        }
        best
    }

    #[test]
    fn edges_cover_every_pair_once() {
        let b = matrix(4, |i, j| if i == j { 1.0 } else { 0.1 * (i + j) as f64 });
        let g = similarity_graph(&b, &SpringLayout::default()).unwrap();
        assert_eq!(g.edges.len(), 6);
        assert_eq!(
            g.edges[0],
            GraphEdge {
                from: 0,
                to: 1,
                weight: 0.1,
                successive: true
            }
        );
        assert_eq!(
            g.edges[1],
            GraphEdge {
                from: 0,
                to: 2,
                weight: 0.2,
                successive: false
            }
        );
        assert_eq!(g.edges.iter().filter(|e| e.successive).count(), 3);
        assert!(similarity_graph(&Matrix::zeros(2, 3), &SpringLayout::default()).is_err());
    }

    #[test]
    fn deterministic_per_seed_and_bounded() {
        let b = matrix(10, |i, j| 1.0 / (1.0 + (i as f64 - j as f64).abs()));
        let p = SpringLayout::default();
        let a = similarity_graph(&b, &p).unwrap();
        assert_eq!(a, similarity_graph(&b, &p).unwrap());
        let other = similarity_graph(&b, &SpringLayout { seed: 1, ..p }).unwrap();
        assert_ne!(a.positions, other.positions);
        let largest = a
            .positions
            .iter()
            .flatten()
            .fold(0.0f64, |m, x| m.max(x.abs()));
        assert!((largest - 1.0).abs() < 1e-12);
    }

    #[test]
    fn strongly_similar_generations_end_up_closer() {
        // Generations 0-2 and 3-5 form two tight groups linked weakly.
        let b = matrix(6, |i, j| if (i < 3) == (j < 3) { 0.9 } else { 0.01 });
        for seed in 0..10 {
            let pos = similarity_graph(
                &b,
                &SpringLayout {
                    seed,
                    ..Default::default()
                },
            )
            .unwrap()
            .positions;
            let (mut inside, mut across) = (0.0, 0.0);
            for i in 0..6 {
                for j in i + 1..6 {
                    if (i < 3) == (j < 3) {
                        inside += distance(pos[i], pos[j]) / 6.0;
                    } else {
                        across += distance(pos[i], pos[j]) / 9.0;
                    }
                }
            }
            assert!(inside < across, "seed {seed}: {inside} vs {across}");
        }
    }

    #[test]
    fn nodes_never_coincide() {
        for n in 0..=60 {
            for seed in 0..5 {
                for b in [
                    matrix(n, |_, _| 1.0),
                    matrix(n, |_, _| 0.0),
                    matrix(n, |i, j| if i == j { 1.0 } else { f64::NAN }),
                    matrix(n, |i, j| -((i * j) as f64)),
                ] {
                    let pos = similarity_graph(
                        &b,
                        &SpringLayout {
                            seed,
                            ..Default::default()
                        },
                    )
                    .unwrap()
                    .positions;
                    assert_eq!(pos.len(), n);
                    assert!(pos.iter().flatten().all(|x| x.is_finite()));
                    if n >= 2 {
                        let d = min_distance(&pos);
                        assert!(d > 1e-3, "n {n} seed {seed}: min distance {d}");
                    }
                }
            }
        }
    }
}
