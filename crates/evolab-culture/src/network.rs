//! Social networks of a population: who reads whose texts.
//!
//! Neighbour lists are in-neighbours: agent i reads the previous outputs of `neighbours[i]`.
//! Random graphs draw from a ChaCha8 stream with our own uniform sampling, so a graph seed
//! gives the same graph on every platform and every release of the `rand` crates.

use std::collections::BTreeSet;

use rand_chacha::rand_core::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum NetworkConfig {
    /// Directed chain 0 → 1 → … ; agent i writes only at generation i.
    Sequence,
    FullyConnected,
    Circle,
    /// Connected caveman graph: `cliques` cliques of agents/cliques members, one edge of
    /// each clique rewired to the previous clique.
    Caveman {
        cliques: u32,
    },
    /// Erdős–Rényi G(n, m): `edges` distinct undirected edges drawn uniformly.
    ErdosRenyi {
        edges: u32,
        #[serde(default)]
        seed: Option<u64>,
    },
    /// Watts–Strogatz small world: ring lattice of `k` nearest neighbours (k even), each
    /// edge rewired with probability `p`.
    WattsStrogatz {
        k: u32,
        p: f64,
        #[serde(default)]
        seed: Option<u64>,
    },
    /// Barabási–Albert scale-free graph: each new agent attaches to `m` existing ones with
    /// probability proportional to their degree, starting from a star of m + 1 agents.
    BarabasiAlbert {
        m: u32,
        #[serde(default)]
        seed: Option<u64>,
    },
    /// A user's edge list, e.g. `edges = [[0, 1], [1, 2]]`; `directed` edges a → b mean b reads a.
    EdgeList {
        edges: Vec<[u32; 2]>,
        #[serde(default)]
        directed: bool,
    },
}

impl NetworkConfig {
    pub const KINDS: &'static str = "sequence, fully_connected, circle, caveman, erdos_renyi, watts_strogatz, barabasi_albert, edge_list";

    pub fn name(&self) -> &'static str {
        match self {
            Self::Sequence => "sequence",
            Self::FullyConnected => "fully_connected",
            Self::Circle => "circle",
            Self::Caveman { .. } => "caveman",
            Self::ErdosRenyi { .. } => "erdos_renyi",
            Self::WattsStrogatz { .. } => "watts_strogatz",
            Self::BarabasiAlbert { .. } => "barabasi_albert",
            Self::EdgeList { .. } => "edge_list",
        }
    }

    /// Checks the settings against the population size and generation count.
    pub fn validate(&self, agents: u32, generations: u32) -> Result<(), String> {
        if agents == 0 {
            return Err("agents must be at least 1".into());
        }
        match *self {
            Self::Sequence if generations > agents => Err(format!(
                "network sequence: {generations} generations need at least as many agents (one agent writes per generation), got {agents} agents; set generations <= agents"
            )),
            Self::Caveman { cliques } => {
                if cliques == 0 || !agents.is_multiple_of(cliques) {
                    return Err(format!("network caveman: {agents} agents cannot be split into {cliques} equal cliques; choose agents as a multiple of cliques"));
                }
                // With 2 agents per clique, rewiring removes each clique's only edge and the
                // graph falls apart into pairs.
                if agents / cliques < 3 {
                    return Err(format!("network caveman: cliques need at least 3 agents each to stay connected, got {}", agents / cliques));
                }
                Ok(())
            }
            Self::ErdosRenyi { edges, .. } => {
                let max = u64::from(agents) * u64::from(agents.saturating_sub(1)) / 2;
                if u64::from(edges) > max {
                    return Err(format!("network erdos_renyi: {edges} edges exceed the {max} possible among {agents} agents"));
                }
                Ok(())
            }
            Self::WattsStrogatz { k, p, .. } => {
                if !k.is_multiple_of(2) || k == 0 || k >= agents {
                    return Err(format!("network watts_strogatz: k must be even, at least 2 and below the number of agents ({agents}), got {k}"));
                }
                if !(0.0..=1.0).contains(&p) {
                    return Err(format!("network watts_strogatz: p must be in [0, 1], got {p}"));
                }
                Ok(())
            }
            Self::BarabasiAlbert { m, .. } => {
                if m == 0 || m >= agents {
                    return Err(format!("network barabasi_albert: m must be at least 1 and below the number of agents ({agents}), got {m}"));
                }
                Ok(())
            }
            Self::EdgeList { ref edges, .. } => {
                for &[a, b] in edges {
                    if a >= agents || b >= agents {
                        return Err(format!("network edge_list: edge [{a}, {b}] names an agent outside 0..{agents}"));
                    }
                    if a == b {
                        return Err(format!("network edge_list: self-loop [{a}, {a}]: agents never read themselves"));
                    }
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// Builds the graph. `default_seed` is used by random graphs that name no seed.
    pub fn build(&self, agents: u32, default_seed: u64) -> Network {
        let n = agents as usize;
        let mut edges = BTreeSet::new();
        let undirected = |edges: BTreeSet<(usize, usize)>| Network::undirected(n, edges);
        match *self {
            Self::Sequence => {
                let neighbours = (0..n)
                    .map(|i| if i == 0 { vec![] } else { vec![i - 1] })
                    .collect();
                return Network {
                    neighbours,
                    sequence: true,
                };
            }
            Self::FullyConnected => {
                for a in 0..n {
                    for b in a + 1..n {
                        edges.insert((a, b));
                    }
                }
            }
            Self::Circle => {
                for a in 0..n {
                    if n > 1 {
                        edges.insert(ordered(a, (a + 1) % n));
                    }
                }
            }
            Self::Caveman { cliques } => {
                let size = n / cliques as usize;
                for c in 0..cliques as usize {
                    let start = c * size;
                    for a in start..start + size {
                        for b in a + 1..start + size {
                            edges.insert((a, b));
                        }
                    }
                }
                for c in 0..cliques as usize {
                    let start = c * size;
                    edges.remove(&(start, start + 1));
                    edges.insert(ordered(start, (start + n - 1) % n));
                }
            }
            Self::ErdosRenyi { edges: m, seed } => {
                let mut rng = ChaCha8Rng::seed_from_u64(seed.unwrap_or(default_seed));
                while edges.len() < m as usize {
                    let a = uniform_below(&mut rng, n);
                    let b = uniform_below(&mut rng, n);
                    if a != b {
                        edges.insert(ordered(a, b));
                    }
                }
            }
            Self::WattsStrogatz { k, p, seed } => {
                let mut rng = ChaCha8Rng::seed_from_u64(seed.unwrap_or(default_seed));
                let half = k as usize / 2;
                for j in 1..=half {
                    for a in 0..n {
                        edges.insert(ordered(a, (a + j) % n));
                    }
                }
                for j in 1..=half {
                    for a in 0..n {
                        let b = (a + j) % n;
                        if unit_interval(&mut rng) >= p {
                            continue;
                        }
                        let degree = edges.iter().filter(|&&(x, y)| x == a || y == a).count();
                        if degree >= n - 1 {
                            continue; // a already reads everyone: nowhere to rewire to
                        }
                        let target = loop {
                            let w = uniform_below(&mut rng, n);
                            if w != a && !edges.contains(&ordered(a, w)) {
                                break w;
                            }
                        };
                        edges.remove(&ordered(a, b));
                        edges.insert(ordered(a, target));
                    }
                }
            }
            Self::BarabasiAlbert { m, seed } => {
                let mut rng = ChaCha8Rng::seed_from_u64(seed.unwrap_or(default_seed));
                let m = m as usize;
                // Each edge end appears once: sampling from it is degree-proportional.
                let mut ends = Vec::new();
                for leaf in 1..=m {
                    edges.insert((0, leaf));
                    ends.extend([0, leaf]);
                }
                for new in m + 1..n {
                    let mut targets = BTreeSet::new();
                    while targets.len() < m {
                        targets.insert(ends[uniform_below(&mut rng, ends.len())]);
                    }
                    for &t in &targets {
                        edges.insert(ordered(t, new));
                        ends.extend([t, new]);
                    }
                }
            }
            Self::EdgeList {
                edges: ref list,
                directed,
            } => {
                if directed {
                    let mut neighbours = vec![BTreeSet::new(); n];
                    for &[a, b] in list {
                        neighbours[b as usize].insert(a as usize);
                    }
                    return Network {
                        neighbours: neighbours
                            .into_iter()
                            .map(|s| s.into_iter().collect())
                            .collect(),
                        sequence: false,
                    };
                }
                for &[a, b] in list {
                    edges.insert(ordered(a as usize, b as usize));
                }
            }
        }
        undirected(edges)
    }
}

fn ordered(a: usize, b: usize) -> (usize, usize) {
    (a.min(b), a.max(b))
}

/// Uniform integer in 0..n by rejection, free of modulo bias.
fn uniform_below(rng: &mut ChaCha8Rng, n: usize) -> usize {
    let n = n as u64;
    let zone = u64::MAX - (u64::MAX % n);
    loop {
        let v = rng.next_u64();
        if v < zone {
            return (v % n) as usize;
        }
    }
}

/// Uniform float in [0, 1) with 53 random bits.
fn unit_interval(rng: &mut ChaCha8Rng) -> f64 {
    (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Network {
    /// In-neighbours of each agent, ascending.
    pub neighbours: Vec<Vec<usize>>,
    /// In a sequence only agent g writes at generation g.
    pub sequence: bool,
}

impl Network {
    fn undirected(n: usize, edges: BTreeSet<(usize, usize)>) -> Self {
        let mut neighbours = vec![Vec::new(); n];
        for (a, b) in edges {
            neighbours[a].push(b);
            neighbours[b].push(a);
        }
        for list in &mut neighbours {
            list.sort_unstable();
        }
        Self {
            neighbours,
            sequence: false,
        }
    }

    pub fn len(&self) -> usize {
        self.neighbours.len()
    }

    pub fn is_empty(&self) -> bool {
        self.neighbours.is_empty()
    }

    pub fn acts(&self, agent: usize, generation: u32) -> bool {
        !self.sequence || agent == generation as usize
    }

    /// Number of undirected edges (directed ones for a sequence or directed edge list).
    pub fn edge_count(&self) -> usize {
        let ends: usize = self.neighbours.iter().map(Vec::len).sum();
        if self.sequence {
            ends
        } else {
            ends / 2
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn degrees(net: &Network) -> Vec<usize> {
        net.neighbours.iter().map(Vec::len).collect()
    }

    #[test]
    fn caveman_two_by_five_matches_the_connected_caveman_construction() {
        let net = NetworkConfig::Caveman { cliques: 2 }.build(10, 0);
        // Cliques {0..4} and {5..9}; edge (0,1) replaced by (0,9), edge (5,6) by (5,4).
        assert_eq!(net.neighbours[0], vec![2, 3, 4, 9]);
        assert_eq!(net.neighbours[1], vec![2, 3, 4]);
        assert_eq!(net.neighbours[5], vec![4, 7, 8, 9]);
        assert_eq!(net.neighbours[4], vec![0, 1, 2, 3, 5]);
        assert_eq!(net.edge_count(), 2 * 10);
    }

    #[test]
    fn caveman_rejects_uneven_cliques_with_a_fix() {
        let err = NetworkConfig::Caveman { cliques: 3 }
            .validate(10, 5)
            .unwrap_err();
        assert!(err.contains("multiple of cliques"), "{err}");
    }

    #[test]
    fn sequence_is_a_chain_and_needs_enough_agents() {
        let net = NetworkConfig::Sequence.build(4, 0);
        assert_eq!(net.neighbours, vec![vec![], vec![0], vec![1], vec![2]]);
        assert!(net.acts(2, 2) && !net.acts(1, 2));
        assert!(NetworkConfig::Sequence.validate(3, 4).is_err());
        assert!(NetworkConfig::Sequence.validate(4, 4).is_ok());
    }

    #[test]
    fn fully_connected_and_circle() {
        let fc = NetworkConfig::FullyConnected.build(5, 0);
        assert_eq!(degrees(&fc), vec![4; 5]);
        let circle = NetworkConfig::Circle.build(5, 0);
        assert_eq!(circle.neighbours[0], vec![1, 4]);
        assert_eq!(degrees(&circle), vec![2; 5]);
    }

    #[test]
    fn erdos_renyi_has_exactly_m_edges_and_depends_on_the_seed() {
        let cfg = NetworkConfig::ErdosRenyi {
            edges: 12,
            seed: None,
        };
        let a = cfg.build(10, 1);
        assert_eq!(a.edge_count(), 12);
        assert_eq!(a, cfg.build(10, 1));
        assert_ne!(a, cfg.build(10, 2));
        assert!(
            cfg.validate(4, 1).is_err(),
            "6 possible edges among 4 agents"
        );
    }

    #[test]
    fn watts_strogatz_keeps_edge_count_and_p_zero_is_a_lattice() {
        let lattice = NetworkConfig::WattsStrogatz {
            k: 4,
            p: 0.0,
            seed: Some(3),
        }
        .build(10, 0);
        assert_eq!(degrees(&lattice), vec![4; 10]);
        let rewired = NetworkConfig::WattsStrogatz {
            k: 4,
            p: 0.5,
            seed: Some(3),
        }
        .build(10, 0);
        assert_eq!(rewired.edge_count(), 20);
        assert_ne!(lattice, rewired);
        assert!(rewired
            .neighbours
            .iter()
            .enumerate()
            .all(|(i, l)| !l.contains(&i)));
    }

    #[test]
    fn barabasi_albert_edge_count() {
        let net = NetworkConfig::BarabasiAlbert {
            m: 2,
            seed: Some(9),
        }
        .build(20, 0);
        // Star of m edges, then m edges for each of the n - m - 1 later agents.
        assert_eq!(net.edge_count(), 2 + 2 * (20 - 3));
        assert!(degrees(&net).iter().all(|&d| d >= 1));
    }

    #[test]
    fn directed_edge_list_gives_in_neighbours() {
        let cfg = NetworkConfig::EdgeList {
            edges: vec![[0, 1], [2, 1]],
            directed: true,
        };
        let net = cfg.build(3, 0);
        assert_eq!(net.neighbours, vec![vec![], vec![0, 2], vec![]]);
        let bad = NetworkConfig::EdgeList {
            edges: vec![[0, 3]],
            directed: false,
        };
        assert!(bad.validate(3, 1).unwrap_err().contains("outside"));
    }

    #[test]
    fn unknown_kind_lists_the_choices() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Wrap {
            network: NetworkConfig,
        }
        let err = toml::from_str::<Wrap>("network = { kind = \"ring\" }").unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("fully_connected") && text.contains("caveman"),
            "{text}"
        );
    }
}
