//! Population similarity analyses of culture and telephone runs (culture spec §4): TF-IDF
//! and embedding cosine matrices, generation-level curves, the creativity index, word
//! chains and the generation similarity graph. Everything here is a pure function of its
//! inputs; embedders are supplied by the caller.

pub mod creativity;
pub mod embedding;
pub mod generations;
pub mod graph;
pub mod matrix;
pub mod tfidf;
pub mod tokens;
pub mod word_chains;

pub use creativity::{creativity, creativity_index, split_words, Creativity, SelfPairs};
pub use embedding::cosine_from_embeddings;
pub use generations::{generation_similarity, GenerationLayout, GenerationSimilarity};
pub use graph::{similarity_graph, GraphEdge, SimilarityGraph, SpringLayout};
pub use matrix::Matrix;
pub use tfidf::{SparseRow, TfIdf};
pub use tokens::tokenize;
pub use word_chains::{top_words, word_chains, WordChains, WORD_CHAIN_TOP};
