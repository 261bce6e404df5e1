//! numpy's `np.random.default_rng(seed)`: a `SeedSequence` expanding the seed into PCG64's
//! 128-bit state and increment, and the `Generator` methods gymnasium's environments call.
//! gymnasium's `seeding.np_random(seed)` builds exactly this, so the same seed gives the same
//! initial states here as there.

mod generator;
mod pcg64;
mod seed_sequence;

pub use generator::Generator;
pub use pcg64::Pcg64;
pub use seed_sequence::SeedSequence;
