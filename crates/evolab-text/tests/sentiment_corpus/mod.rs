//! Deterministic texts for comparing the sentiment scorers with their Python originals:
//! hand-written sentences, hand-picked hard cases, and random mixtures of both with
//! perturbations (capitals, boosters, negations, emoticons, punctuation runs).
#![allow(dead_code)]

/// Sentences written for these tests, covering the rules VADER and Pattern implement.
pub const SENTENCES: &[&str] = &[
    "The food was good.",
    "The service was really terrible, and the waiter was rude.",
    "I love this city, but the weather is awful.",
    "It is not bad at all.",
    "This is not a good idea.",
    "She never seemed so happy.",
    "He was never this angry before.",
    "The movie was kind of boring",
    "The plot was sort of interesting, I guess",
    "Without doubt, this is the best day of my life!",
    "At least nobody was hurt.",
    "That was the least helpful answer I have seen.",
    "Very least effort, very least reward.",
    "Yeah right, like that will ever work.",
    "That concert was the bomb!!!",
    "His new car is the shit.",
    "She is a bad ass climber.",
    "The plan does not cut the mustard.",
    "Signing that contract was the kiss of death for the company.",
    "They live hand to mouth every month.",
    "I am SO excited about tomorrow!",
    "The results were EXTREMELY disappointing.",
    "What a wonderful, beautiful, amazing surprise :)",
    "I can't stand this noise :-(",
    "Nobody is happy here.",
    "The ending was sad but hopeful",
    "It's okay, I suppose.",
    "Are you serious????",
    "Really?? That is great news!!",
    "The room was dirty, the bed was uncomfortable, and the staff didn't care.",
    "We had a fantastic time and would definitely come back.",
    "The price is 42 dollars, which seems fair.",
    "Honestly, it was barely acceptable.",
    "The instructions were hardly clear.",
    "I don't think this is funny at all.",
    "The children laughed and sang all afternoon.",
    "Despite the rain, the festival was a huge success.",
    "Nothing good ever comes from anger.",
    "The old man smiled sadly at the empty chair.",
    "This product is absolutely perfect, totally worth it.",
    "Her voice was calm, warm and reassuring.",
    "The storm destroyed everything; people were devastated.",
    "Not the worst meal, not the best either.",
    "He is a very, very nice person.",
    "The scientists were cautiously optimistic about the results.",
    "I'm not sure whether to laugh or cry.",
    "The village was peaceful and quiet.",
    "Lies, betrayal and greed ruined the kingdom.",
    "Thank you so much for your kind help!",
    "The food here is good, the food here is good, the food here is good.",
    "Good good good bad bad.",
    "This is really really not good.",
    "The kind of people who help strangers are rare.",
    "It was a kind gesture.",
    "I hate Mondays :( but love Fridays :D",
    "LOL that was hilarious",
    "The report was mostly accurate, but somewhat incomplete.",
    "The teacher was patient; the students were grateful.",
    "I would never ever do that again.",
    "uh-uh, no way, nope.",
    "The view from the top was breathtaking!",
];

/// Inputs that stress tokenisation and the edge rules.
pub const HARD_CASES: &[&str] = &[
    "",
    " ",
    "\n\t  \r\n",
    "!",
    "!!!",
    "????",
    "?!?!",
    "a",
    "I",
    "good",
    "GOOD",
    "GOOD BAD",
    "GOOD bad",
    "VERY GOOD food",
    "very GOOD food",
    "VERY good food",
    "not",
    "least",
    "at least",
    "the least",
    "very least good",
    "at least good",
    "never so good",
    "never this bad",
    "never so much as good",
    "so good",
    "this good",
    "x so good",
    "x y so good",
    "x y this good",
    "never x this good",
    "not x y good",
    "not x y z good",
    "kind of",
    "kind of good",
    "a kind of good",
    "a b kind of good",
    "kind kind of good",
    "sort of good",
    "a b sort of good",
    "a b just enough good",
    "yeah right",
    "oh yeah right",
    "one two yeah right",
    "one two three the shit",
    "one two three the bomb",
    "one two three bad ass",
    "one two three cut the mustard",
    "it was the kiss of death",
    "we live hand to mouth",
    "x y z bad ass movie",
    "but",
    "good but",
    "but good",
    "good BUT bad",
    "bad but good but bad",
    ":)",
    ":-(",
    ":) :) :(",
    "<3",
    ":D",
    ":-D",
    ";)",
    ":P",
    "=)",
    "(!)",
    "great (!)",
    "good :)",
    "bad :(",
    "\"good\"",
    "'good'",
    "(good)",
    "good,",
    ",good",
    "good!?!",
    "...good",
    "good...",
    "good!!!!",
    "good?",
    "good??",
    "good???",
    "good????",
    "good!",
    "good!!",
    "good!!!",
    "good!!!!!",
    "!!! good !!!",
    "bad!!!!",
    "not good!!!",
    "😀",
    "😀😀",
    "🙂 good 🙂",
    "👍🏽 great",
    "❤️ love",
    "café très bon",
    "naïve happy",
    "ÉTÉ HAPPY été",
    "Straße is GROSS",
    "ǅemal is happy",
    "ΣΊΣΥΦΟΣ happy",
    "İstanbul good",
    "\u{212A}ind of good",
    "good\u{00a0}food",
    "good\u{1c}bad",
    "good\u{2003}bad\u{3000}ugly",
    "tab\tseparated\tgood",
    "line\nbreaks\n\ngood",
    "123 456",
    "10/10 would recommend",
    "5 stars!!!",
    "3.14 is pi",
    "don't",
    "dont like it",
    "doesn't work",
    "isn't good",
    "wasn't bad",
    "ain't nothing wrong",
    "no problem",
    "no good",
    "without doubt",
    "without doubt good",
    "not without hope",
    "nor good",
    "never",
    "never good",
    "rarely good",
    "seldom happy",
    "despite good",
    "GOOD GOOD GOOD",
    "good good good",
    "Good good GOOD",
    "very very very good",
    "extremely good",
    "EXTREMELY good",
    "barely good",
    "hardly BAD",
    "kinda good",
    "sorta bad",
    "kind-of good",
    "sort-of bad",
    "the the the",
    "& * % $ # @",
    "- - -",
    "--good--",
    "-good-",
    "good-",
    "-good",
    "'s good",
    "n't good",
    "can't won't shouldn't",
    "LOL",
    "lol",
    "ROFL good",
    "wtf",
    "((good))",
    "[good]",
    "good.bad",
    "good,bad",
    "e.g. good",
    "U.S. is good",
    "Mr. Smith is nice",
    "etc. etc.",
    "He said \"great\" and left.",
    "“Great,” she said.",
    "‘Nice’ job",
    "It’s great",
    "It's great",
    "I'd love it",
    "we'll see",
    "they're nice",
    "you've done well",
    "I'm happy",
    "not really good",
    "really not good",
    "not a good",
    "not a very good",
    "not very good",
    "never good!",
    "very good!",
    "good! bad!",
    "good ! bad !",
    "good (!) bad",
    "( ! )",
    ": )",
    ": - )",
    ">:(",
    ":'(",
    "o_O",
    "°o°",
    "♥",
    "♥ love",
    "x-D",
    "XD",
    "xD good",
];

/// A small deterministic generator (64-bit LCG; the high bits are used).
pub struct Lcg(u64);

impl Lcg {
    pub fn new(seed: u64) -> Self {
        Lcg(seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407))
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

const INSERTS: &[&str] = &[
    "very",
    "not",
    "never",
    "so",
    "this",
    "but",
    "kind of",
    "sort of",
    "least",
    "at least",
    "extremely",
    "barely",
    "VERY",
    "NOT",
    "really",
    "hardly",
    "no",
    "without",
    "the",
    "ok",
    ":)",
    ":(",
    ":-)",
    ":D",
    "<3",
    "!",
    "!!",
    "?",
    "(!)",
    "😀",
    "great",
    "terrible",
    "GREAT",
    "happy",
    "sad",
    "love",
    "hate",
    "yeah right",
    "the bomb",
    "n't",
    "don't",
    "isn't",
];

const ENDINGS: &[&str] = &[
    "", ".", "!", "!!!", "?", "??", "????", "?!", " :)", " :-(", "...", "!!!!!!",
];

/// Applies one random perturbation to a sentence.
fn perturb(rng: &mut Lcg, sentence: &str) -> String {
    let mut words: Vec<String> = sentence.split(' ').map(str::to_string).collect();
    match rng.below(7) {
        0 => {
            let k = rng.below(words.len());
            words[k] = words[k].to_uppercase();
        }
        1 => {
            let k = rng.below(words.len() + 1);
            words.insert(k, rng.pick(INSERTS).to_string());
        }
        2 => {
            if let Some(last) = words.last_mut() {
                let trimmed = last.trim_end_matches(['.', '!', '?']).to_string();
                *last = trimmed + rng.pick(ENDINGS);
            }
        }
        3 => {
            let k = rng.below(words.len());
            words[k] = words[k].to_lowercase();
        }
        4 => return sentence.to_uppercase(),
        5 => {
            let k = rng.below(words.len() + 1);
            let w = rng.pick(INSERTS).to_string();
            words.insert(k, w.clone());
            words.insert(k, w);
        }
        _ => {}
    }
    words.join(" ")
}

/// Hand-written sentences and hard cases, followed by `mixtures` random texts of 1-6
/// perturbed sentences, some with hard cases spliced in.
pub fn texts(mixtures: usize) -> Vec<String> {
    let mut out: Vec<String> = SENTENCES
        .iter()
        .chain(HARD_CASES)
        .map(|s| s.to_string())
        .collect();
    let mut rng = Lcg::new(20240601);
    let separators = [" ", "  ", "\n", " \t", "\n\n"];
    for _ in 0..mixtures {
        let n = 1 + rng.below(6);
        let mut parts = Vec::with_capacity(n);
        for _ in 0..n {
            let part = if rng.below(5) == 0 {
                rng.pick(HARD_CASES).to_string()
            } else {
                let sentence = rng_sentence(&mut rng);
                perturb(&mut rng, sentence)
            };
            parts.push(part);
        }
        let sep = rng.pick(&separators);
        out.push(parts.join(sep));
    }
    out
}

fn rng_sentence(rng: &mut Lcg) -> &'static str {
    rng.pick(SENTENCES)
}

/// Longer texts of roughly `min_words..max_words` words, for timing.
pub fn long_texts(count: usize, min_words: usize, max_words: usize) -> Vec<String> {
    let mut rng = Lcg::new(7);
    (0..count)
        .map(|_| {
            let target = min_words + rng.below(max_words - min_words + 1);
            let mut text = String::new();
            while text.split_whitespace().count() < target {
                let sentence = rng_sentence(&mut rng);
                let s = perturb(&mut rng, sentence);
                if !text.is_empty() {
                    text.push(' ');
                }
                text.push_str(&s);
            }
            text
        })
        .collect()
}

/// Seconds of this thread's CPU time per pass of `f` over `texts` (the machine is shared:
/// wall time mostly measures other processes). The kernel updates the counter at
/// scheduler ticks, so passes are repeated until at least half a second has accumulated.
pub fn cpu_seconds_per_pass<R>(texts: &[String], f: impl Fn(&str) -> R) -> f64 {
    let start = thread_cpu_seconds();
    let mut passes = 0;
    while thread_cpu_seconds() - start < 0.5 && passes < 10_000 {
        for t in texts {
            std::hint::black_box(f(t));
        }
        passes += 1;
    }
    (thread_cpu_seconds() - start) / f64::from(passes)
}

/// On-CPU time of the calling thread, from Linux's schedstat (nanoseconds).
fn thread_cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat")
        .expect("/proc/thread-self/schedstat (Linux) is needed for CPU timings");
    let ns: u64 = stat.split_whitespace().next().unwrap().parse().unwrap();
    ns as f64 * 1e-9
}

/// The texts as JSONL, one JSON string per line, for the reference scripts' stdin.
pub fn jsonl(texts: &[String]) -> String {
    texts
        .iter()
        .map(|t| serde_json::to_string(t).unwrap() + "\n")
        .collect()
}

/// A reference script's output: one line per text, then `seconds <CPU time>`.
pub fn lines_and_seconds(out: &str) -> (Vec<&str>, f64) {
    let mut lines: Vec<&str> = out.lines().collect();
    let seconds: f64 = lines
        .pop()
        .and_then(|l| l.strip_prefix("seconds "))
        .expect("timing line")
        .parse()
        .unwrap();
    (lines, seconds)
}
