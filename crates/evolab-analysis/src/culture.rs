//! The culture paper's analysis: TF-IDF (and, with a sentence model, embedding) similarity
//! between stories, summarised by generation; per-text metrics by generation; word chains,
//! the generation similarity graph and the creativity index.
//!
//! One TF-IDF vocabulary is fitted over every text of every run analysed together, so that
//! the numbers of runs compared side by side are on one scale (the original refitted per
//! repetition).

use std::collections::{BTreeMap, HashMap};

use evolab_core::RunStore;
use evolab_text::similarity::{
    cosine_from_embeddings, creativity, creativity_index, generation_similarity, similarity_graph,
    split_words, word_chains, Creativity, GenerationLayout, GenerationSimilarity, Matrix,
    SelfPairs, SimilarityGraph, SpringLayout, TfIdf, WordChains,
};
use evolab_text::stats::{mean, mean_ci, sample_sd};
use evolab_text::stop_words::StopWords;
use serde::{Deserialize, Serialize};

use crate::embedder::{embed_cached, Embedder};
use crate::measured::MeasuredRun;
use crate::AnalysisError;

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct CultureOptions {
    pub layout: SpringLayout,
    pub level: f64,
}

/// One point of a generation curve of one repetition.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct CurveRow {
    pub run: String,
    pub repetition: u32,
    /// e.g. `tfidf_within`, `embedding_to_first`, `creativity`, or a per-text metric's name.
    pub measure: String,
    pub generation: u32,
    pub value: Option<f64>,
}

/// A generation curve over repetitions: mean, sd and a t interval.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct CurveSummary {
    pub run: String,
    pub measure: String,
    pub generation: u32,
    pub repetitions: usize,
    pub mean: Option<f64>,
    pub sd: Option<f64>,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct RepetitionAnalysis {
    pub repetition: u32,
    /// Generation g's stories, as rows of the matrices.
    pub layout: GenerationLayout,
    pub tfidf_matrix: Matrix,
    pub tfidf: GenerationSimilarity,
    pub embedding_matrix: Option<Matrix>,
    pub embedding: Option<GenerationSimilarity>,
    pub word_chains: WordChains,
    pub graph: SimilarityGraph,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct CultureRunAnalysis {
    pub run: String,
    pub repetitions: Vec<RepetitionAnalysis>,
    pub curves: Vec<CurveRow>,
    pub summary: Vec<CurveSummary>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct CultureAnalysis {
    /// Which texts the TF-IDF vocabulary was fitted on.
    pub vocabulary: String,
    /// The sentence model, when embeddings were computed.
    pub embedder: Option<String>,
    pub runs: Vec<CultureRunAnalysis>,
}

pub fn analyse(
    store: &RunStore,
    runs: &[&MeasuredRun],
    stop: &StopWords,
    embedder: Option<&dyn Embedder>,
    options: &CultureOptions,
    progress: &mut dyn FnMut(&str, usize, usize),
) -> Result<CultureAnalysis, AnalysisError> {
    // Every text of every run, in one index space for the shared vocabulary.
    let mut all: Vec<&str> = Vec::new();
    let mut offsets = Vec::with_capacity(runs.len());
    for run in runs {
        offsets.push(all.len());
        all.extend(run.texts.texts.iter().map(|t| t.output.as_str()));
    }
    let tfidf = TfIdf::fit(&all, stop);
    let vocabulary = format!(
        "TF-IDF fitted once on all {} texts of {} ({} terms)",
        all.len(),
        runs.iter()
            .map(|r| r.texts.record.id.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        tfidf.vocabulary().len()
    );
    let embeddings = match embedder {
        Some(e) => Some(embed_cached(store, e, &all, progress)?),
        None => None,
    };
    let story_creativity = match embedder {
        Some(e) => Some(story_creativity(store, e, &all, progress)?),
        None => None,
    };

    let mut out = Vec::with_capacity(runs.len());
    for (run, &offset) in runs.iter().zip(&offsets) {
        let run_id = run.texts.record.id.clone();
        let mut repetitions = Vec::new();
        let mut curves = Vec::new();
        for rep in run.texts.repetitions() {
            let global: Vec<usize> = rep
                .generations
                .iter()
                .flatten()
                .map(|&i| offset + i)
                .collect();
            let mut layout_rows = Vec::with_capacity(rep.generations.len());
            let mut next = 0usize;
            for g in &rep.generations {
                layout_rows.push((next..next + g.len()).collect::<Vec<_>>());
                next += g.len();
            }
            // A generation in which no agent acted (a sequence network past its length)
            // has no stories; the curves stop before it.
            let kept = layout_rows.iter().take_while(|g| !g.is_empty()).count();
            layout_rows.truncate(kept);
            if layout_rows.is_empty() {
                continue;
            }
            let layout = GenerationLayout::new(layout_rows);
            let tfidf_matrix = tfidf.cosine_submatrix(&global)?;
            let tfidf_gen = generation_similarity(&tfidf_matrix, &layout)?;
            let (embedding_matrix, embedding_gen) = match &embeddings {
                Some(vectors) => {
                    let rows: Vec<Vec<f32>> = global.iter().map(|&i| vectors[i].clone()).collect();
                    let m = cosine_from_embeddings(&rows);
                    let g = generation_similarity(&m, &layout)?;
                    (Some(m), Some(g))
                }
                None => (None, None),
            };
            let texts: Vec<&str> = global.iter().map(|&i| all[i]).collect();
            let chains = word_chains(&texts, stop);
            let graph = similarity_graph(&tfidf_gen.between, &options.layout)?;

            push_generation_curves(&mut curves, &run_id, rep.repetition, "tfidf", &tfidf_gen);
            if let Some(g) = &embedding_gen {
                push_generation_curves(&mut curves, &run_id, rep.repetition, "embedding", g);
            }
            for (g, stories) in rep.generations.iter().take(kept).enumerate() {
                for metric in &run.metrics {
                    let values: Vec<f64> = stories
                        .iter()
                        .filter_map(|&i| run.value(i, metric.name))
                        .collect();
                    curves.push(CurveRow {
                        run: run_id.clone(),
                        repetition: rep.repetition,
                        measure: metric.name.to_string(),
                        generation: g as u32,
                        value: mean(&values),
                    });
                }
                if let Some(per_text) = &story_creativity {
                    let per_story: Vec<Creativity> =
                        stories.iter().map(|&i| per_text[offset + i]).collect();
                    curves.push(CurveRow {
                        run: run_id.clone(),
                        repetition: rep.repetition,
                        measure: "creativity".into(),
                        generation: g as u32,
                        value: creativity_index(&per_story, SelfPairs::Excluded),
                    });
                }
            }
            repetitions.push(RepetitionAnalysis {
                repetition: rep.repetition,
                layout,
                tfidf_matrix,
                tfidf: tfidf_gen,
                embedding_matrix,
                embedding: embedding_gen,
                word_chains: chains,
                graph,
            });
        }
        let summary = summarise(&curves, options.level);
        out.push(CultureRunAnalysis {
            run: run_id,
            repetitions,
            curves,
            summary,
        });
    }
    Ok(CultureAnalysis {
        vocabulary,
        embedder: embedder.map(|e| e.identity()),
        runs: out,
    })
}

fn push_generation_curves(
    curves: &mut Vec<CurveRow>,
    run: &str,
    repetition: u32,
    prefix: &str,
    g: &GenerationSimilarity,
) {
    let mut push = |name: &str, generation: usize, value: Option<f64>| {
        curves.push(CurveRow {
            run: run.to_string(),
            repetition,
            measure: format!("{prefix}_{name}"),
            generation: generation as u32,
            value,
        })
    };
    for (t, v) in g.to_first.iter().enumerate().skip(1) {
        push("to_first", t, *v);
    }
    for (t, v) in g.within.iter().enumerate() {
        push("within", t, *v);
    }
    for (t, v) in g.within_legacy.iter().enumerate() {
        push("within_legacy", t, Some(*v));
    }
    for (t, v) in g.successive.iter().enumerate() {
        // Indexed by the later generation of the pair: the similarity reached at t + 1.
        push("successive", t + 1, Some(*v));
    }
}

fn summarise(curves: &[CurveRow], level: f64) -> Vec<CurveSummary> {
    let mut groups: BTreeMap<(String, String, u32), Vec<f64>> = BTreeMap::new();
    for c in curves {
        let entry = groups
            .entry((c.run.clone(), c.measure.clone(), c.generation))
            .or_default();
        if let Some(v) = c.value {
            entry.push(v);
        }
    }
    groups
        .into_iter()
        .map(|((run, measure, generation), xs)| {
            let ci = mean_ci(&xs, level);
            CurveSummary {
                run,
                measure,
                generation,
                repetitions: xs.len(),
                mean: mean(&xs),
                sd: sample_sd(&xs),
                ci_low: ci.map(|c| c.0),
                ci_high: ci.map(|c| c.1),
            }
        })
        .collect()
}

/// The creativity statistics of each text: every distinct word is embedded on its own once
/// (and cached), and each text's statistics are computed from references to those vectors.
fn story_creativity(
    store: &RunStore,
    embedder: &dyn Embedder,
    texts: &[&str],
    progress: &mut dyn FnMut(&str, usize, usize),
) -> Result<Vec<Creativity>, AnalysisError> {
    let split: Vec<Vec<String>> = texts.iter().map(|t| split_words(t)).collect();
    let mut unique: Vec<&str> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for words in &split {
        for w in words {
            index.entry(w.as_str()).or_insert_with(|| {
                unique.push(w.as_str());
                unique.len() - 1
            });
        }
    }
    let vectors = embed_cached(store, embedder, &unique, progress)?;
    Ok(split
        .iter()
        .map(|words| {
            let refs: Vec<&Vec<f32>> = words.iter().map(|w| &vectors[index[w.as_str()]]).collect();
            creativity(&refs)
        })
        .collect())
}
