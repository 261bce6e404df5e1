//! tox-block's BiLSTM in Rust against the same model run by Keras (TensorFlow 2.15, Keras 2),
//! on the same fetched files: word-index sequences must be equal, all six outputs within 1e-4.

mod common;

use evolab_text::toxicity::{prepare_tox_block, ToxBlock, ToxicityModel, TOX_BLOCK_LABELS};
use serde::Deserialize;

const TOLERANCE: f64 = 1e-4;

/// TensorFlow 2.15 is the last release with Keras 2 bundled, whose hard_sigmoid the model was
/// trained with; numpy and h5py are pinned to versions it accepts.
const KERAS: &[&str] = &[
    "tensorflow-cpu==2.15.1",
    "keras-preprocessing==1.1.2",
    "numpy==1.26.4",
    "h5py==3.12.1",
];

#[derive(Deserialize)]
struct Reference {
    sequences: Vec<Vec<u32>>,
    outputs: Vec<[f64; 6]>,
    versions: serde_json::Value,
}

fn texts() -> Vec<String> {
    let clean: &[&str] = &[
        "Thank you for the helpful edit, the article reads much better now.",
        "The committee will meet on Tuesday to discuss the budget.",
        "I think the second paragraph needs a citation.",
        "What a lovely day for a walk in the park with my grandmother.",
        "Please see the talk page before reverting again.",
        "The mitochondria is the powerhouse of the cell.",
        "Once upon a time there was a small village by the sea.",
        "Could you explain why you removed the references?",
        "Great work, keep it up!",
        "The recipe calls for two cups of flour and one egg.",
        "He said the meeting went well and everyone agreed.",
        "I disagree with your reading of the source, but I see your point.",
    ];
    let rude: &[&str] = &[
        // insulting
        "You are a stupid idiot and nobody likes you.",
        "What a pathetic loser, go away moron.",
        "Shut up, you ignorant fool.",
        "you're the dumbest person on this whole site",
        "Only an imbecile would write something this worthless.",
        "Your edits are garbage and so are you, clown.",
        // threatening
        "I will kill you if you revert my edit again.",
        "I'm going to find where you live and hurt you.",
        "You had better watch your back, I will beat you up.",
        "Die in a fire.",
        "I will burn your house down.",
        // obscene
        "fuck off and stop editing my page",
        "this is such bullshit, what the hell",
        "You piece of shit.",
        "Suck my dick, asshole.",
        "damn this crap is annoying as fuck",
        // identity
        "All people of that religion are animals and should be deported.",
        "Go back to your own country.",
        "I hate gay people, they are disgusting",
        "all muslims are terrorists",
        "homosexuals are sick and gay",
    ];
    let edge: &[&str] = &[
        "",
        " ",
        "\n\t\r",
        "!!!???...",
        "12345 67890 3.14159 1,000,000",
        "2020-01-01 10:30 call 555-0100",
        "Café naïve résumé — über straße",
        "Москва это столица России",
        "東京は日本の首都です",
        "مرحبا بالعالم",
        "ΟΔΟΣ ΣΟΦΙΑΣ",
        "İstanbul'da KIŞ",
        "emoji time 😀😂🔥 👍🏽 ❤️",
        "you are 🤬 stupid 🖕",
        "don’t won't can't it's i'm",
        "non\u{a0}breaking\u{a0}spaces and zero\u{200b}width",
        "http://example.com/page?x=1 visit www.example.org",
        "[[User:Example|Example]] 192.168.0.1 talk",
        "YOU ARE AN IDIOT",
        "yOu ArE aN iDiOt",
        "I-D-I-O-T",
        "tab\tseparated\twords\tand\nnew\nlines",
        "\u{0}control\u{7}chars\u{1b}[31m",
    ];
    let mut texts: Vec<String> = [clean, rude, edge]
        .concat()
        .iter()
        .map(|s| s.to_string())
        .collect();
    // Longer than the 100-word window: Keras keeps the last 100 known words, so a toxic
    // ending and a toxic beginning must score differently.
    let filler = "the quick brown fox jumps over the lazy dog ".repeat(30);
    texts.push(format!("{filler} you are a stupid idiot"));
    texts.push(format!("you are a stupid idiot {filler}"));
    texts.push("word ".repeat(5000));
    texts.push("idiot ".repeat(150));
    texts.push(format!("{} fuck", "a".repeat(10_000)));
    // Boundary lengths around the window.
    for n in [99usize, 100, 101] {
        texts.push(
            (0..n)
                .map(|i| ["you", "are", "an", "idiot", "friend"][i % 5])
                .collect::<Vec<_>>()
                .join(" "),
        );
    }
    // Every pair of a clean and an offensive sentence, in both orders.
    for (i, c) in clean.iter().enumerate() {
        for (j, r) in rude.iter().enumerate() {
            if (i + j) % 3 == 0 {
                texts.push(format!("{c} {r}"));
            } else if (i + j) % 3 == 1 {
                texts.push(format!("{r} {c}"));
            }
        }
    }
    texts
}

#[test]
fn tox_block_matches_keras() {
    let dir = common::data_dir(&["tox-block"]);
    prepare_tox_block(&dir, &mut |m| eprintln!("{m}")).expect("converting tox-block");
    let model = ToxBlock::load(&dir).expect("loading tox-block");
    let texts = texts();
    assert!(texts.len() >= 200, "{} texts", texts.len());
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();

    let started = std::time::Instant::now();
    let python = common::python(KERAS);
    eprintln!("Keras environment ready in {:.1?}", started.elapsed());
    let request = serde_json::json!({
        "model": dir.join("tox-block-0.1.2/lstm_model_0.1.2.h5"),
        "encoder": dir.join("tox-block-0.1.2/encoder_0.1.2.pkl"),
        "texts": texts,
    });
    let out = common::run_script(
        &python,
        "tests/python/tox_reference.py",
        &request.to_string(),
    );
    let reference: Reference = serde_json::from_str(&out).expect("reference JSON");
    eprintln!("reference: {}", reference.versions);
    assert_eq!(
        reference.versions["recurrent_activation"], "hard_sigmoid",
        "the reference must run the model's own recurrent activation"
    );
    assert_eq!(reference.sequences.len(), texts.len());

    for (text, expected) in texts.iter().zip(&reference.sequences) {
        assert_eq!(
            &model.padded_sequence(text),
            expected,
            "sequence of {text:?}"
        );
    }

    let ours = model.predict_all(&refs);
    let mut worst = (0.0f64, 0usize, 0usize);
    for (i, (got, want)) in ours.iter().zip(&reference.outputs).enumerate() {
        for (k, (&g, &w)) in got.iter().zip(want).enumerate() {
            let diff = (f64::from(g) - w).abs();
            if diff > worst.0 {
                worst = (diff, i, k);
            }
            assert!(
                diff <= TOLERANCE,
                "{} of {:?}: Rust {g}, Keras {w}",
                TOX_BLOCK_LABELS[k],
                texts[i]
            );
        }
    }
    eprintln!(
        "largest difference {:.2e} ({} of text {})",
        worst.0, TOX_BLOCK_LABELS[worst.2], worst.1
    );

    // The set must span the model's range, or agreement would say little.
    let toxic: Vec<f64> = reference.outputs.iter().map(|o| o[0]).collect();
    assert!(toxic.iter().filter(|&&p| p > 0.9).count() >= 10);
    assert!(toxic.iter().filter(|&&p| p < 0.05).count() >= 10);
    for k in 1..6 {
        let top = reference.outputs.iter().map(|o| o[k]).fold(0.0, f64::max);
        assert!(
            top > 0.3,
            "no text scores above 0.3 on {}",
            TOX_BLOCK_LABELS[k]
        );
    }

    // The trait reports the "toxic" column, and the same numbers in any batch split.
    let via_trait = model.toxicity(&refs).unwrap();
    for (i, p) in via_trait.iter().enumerate() {
        assert_eq!(*p, f64::from(ours[i][0]));
        let alone = model.toxicity(&refs[i..=i]).unwrap()[0];
        assert_eq!(alone, *p, "text {i} scored alone");
    }
    assert_eq!(model.identity(), "tox-block-0.1.2-bilstm-v2");
}

#[test]
fn loading_without_conversion_says_how_to_fix_it() {
    let dir = tempfile::tempdir().unwrap();
    let err = ToxBlock::load(dir.path()).err().expect("nothing to load");
    let msg = err.to_string();
    assert!(msg.contains("evolab data fetch tox-block"), "{msg}");
}

/// Rough speed, for the documentation:
/// `cargo test --release -p evolab-text --test toxicity_matches_keras -- --ignored --nocapture`.
#[test]
#[ignore]
fn tox_block_throughput() {
    let dir = common::data_dir(&["tox-block"]);
    prepare_tox_block(&dir, &mut |m| eprintln!("{m}")).expect("converting tox-block");
    let started = std::time::Instant::now();
    let model = ToxBlock::load(&dir).expect("loading tox-block");
    eprintln!("load: {:.2?}", started.elapsed());
    let texts = texts();
    let refs: Vec<&str> = texts
        .iter()
        .map(String::as_str)
        .cycle()
        .take(4000)
        .collect();
    let words: usize = refs
        .iter()
        .map(|t| t.split_whitespace().count().min(100))
        .sum();
    eprintln!(
        "mean words in the window: {:.1}",
        words as f64 / refs.len() as f64
    );
    for (label, batch) in [("one at a time", 1), ("batches of 4000", refs.len())] {
        let started = std::time::Instant::now();
        let mut n = 0;
        for chunk in refs.chunks(batch) {
            n += model.predict_all(chunk).len();
        }
        let secs = started.elapsed().as_secs_f64();
        eprintln!("{label}: {:.0} texts/s", n as f64 / secs);
    }
}
