//! Text for comparing titles: normalisation into weighted words, MinHash signatures and the
//! locality-sensitive hashing bands that find similar titles without comparing every pair.
//!
//! Written here rather than taken from a crate: what is needed is about a hundred lines (a word
//! splitter, a seeded 64-bit mix, min over words, bands), and the crates that offer MinHash
//! (`probabilistic-collections`, `gaoya`) bring their own hashing and storage that would have to
//! be bent to the index's positions and to incremental updates.

/// Words that say nothing about what the work is.
const STOPWORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "into", "is", "it",
    "its", "of", "on", "or", "our", "that", "the", "this", "to", "we", "when", "with", "after",
    "per", "every", "all", "no", "not", "should",
];

/// Prefixes of commit-style titles ("feat: ...", "fix(api): ...") that say how, not what.
const COMMIT_PREFIXES: &[&str] = &[
    "feat", "fix", "chore", "refactor", "docs", "test", "tests", "perf", "build", "ci", "style",
];

/// Each word counts with its IDF to this power in the cosine (2: the plain IDF-weighted cosine).
pub const IDF_POWER: f64 = 2.0;

/// Number of MinHash values per title.
pub const HASHES: usize = 48;
/// Values per band: two titles fall into the same bucket of a band when all its values agree.
pub const ROWS: usize = 3;
/// Bands (`HASHES / ROWS`). With 3 rows and 16 bands, titles whose word sets are 50% alike meet
/// in some band with probability 1 - (1 - 0.5³)¹⁶ ≈ 0.88, 70% alike ≈ 0.9996, 25% alike ≈ 0.22.
pub const BANDS: usize = HASHES / ROWS;

/// FNV-1a, 64 bits: a stable hash of a word (the same on every machine and build).
pub fn word_hash(word: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in word.as_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// SplitMix64's finaliser: spreads the bits of `x`.
pub fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// Strips a trailing plural `s` (not from "ss" or short words): "refunds" and "refund" agree.
fn stem(word: &str) -> &str {
    if word.len() > 3 && word.ends_with('s') && !word.ends_with("ss") && !word.ends_with("us") {
        &word[..word.len() - 1]
    } else {
        word
    }
}

/// Whether `word` is a tracker key like `pay-12` (split already at the dash: `pay` then `12`
/// would survive, so keys are dropped whole before splitting).
fn is_tracker_key(word: &str) -> bool {
    let Some((project, number)) = word.split_once('-') else {
        return false;
    };
    !project.is_empty()
        && project.chars().all(|c| c.is_ascii_alphanumeric())
        && project
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
        && !number.is_empty()
        && number.chars().all(|c| c.is_ascii_digit())
}

/// Whether `c` belongs to a script written without spaces between words (Han, Hiragana,
/// Katakana, Hangul).
fn unspaced(c: char) -> bool {
    matches!(u32::from(c),
        0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF)
}

/// The distinct words of a folded (lower-case) title that say what the work is, hashed and
/// sorted: bracketed tags (`[payments]`), a commit-style prefix (`fix(api):`), tracker keys
/// (`pay-12`), issue numbers (`#12`) and stop words are left out; plurals are stemmed.
pub fn words(folded: &str) -> Vec<u64> {
    let mut out: Vec<u64> = Vec::with_capacity(12);
    push_words(folded, &mut out);
    out.sort_unstable();
    out.dedup();
    out
}

/// The hashes of [`words`] pushed onto `out` as they come (unsorted, repeats kept): a
/// description reads each of its lines this way and sorts its words once.
fn push_words(folded: &str, out: &mut Vec<u64>) {
    let mut text = folded.trim_start();
    // Leading "[tag]" groups.
    while let Some(rest) = text.strip_prefix('[') {
        match rest.find(']') {
            Some(end) => text = rest[end + 1..].trim_start(),
            None => break,
        }
    }
    // "feat: " / "fix(api): " / "fix!: ": a prefix's letters, any '!', then '(' or the colon,
    // and the text goes on after the first colon. (The same as cutting at the first colon and
    // asking whether what comes before it, up to any '(' and without trailing '!', is a prefix;
    // most lines are told apart by their first word without looking for a colon.)
    let letters = text.bytes().take_while(u8::is_ascii_lowercase).count();
    let after = text[letters..].trim_start_matches('!');
    if (after.starts_with('(') || after.starts_with(':'))
        && COMMIT_PREFIXES.contains(&&text[..letters])
    {
        if let Some(colon) = after.find(':') {
            text = &after[colon + 1..];
        }
    }
    for raw in text.split(|c: char| c.is_whitespace() || matches!(c, ',' | ':' | ';' | '(' | ')')) {
        if raw.is_empty() || raw.starts_with('#') || is_tracker_key(raw) {
            continue;
        }
        for word in raw.split(|c: char| !c.is_alphanumeric()) {
            if word.is_empty() || is_stopword(word) {
                continue;
            }
            if !word.is_ascii() && word.chars().any(unspaced) {
                // Chinese, Japanese and Korean write words without spaces: their characters
                // are compared in overlapping pairs (a lone character alone).
                let chars: Vec<char> = word.chars().collect();
                if chars.len() == 1 {
                    out.push(word_hash(word));
                }
                for pair in chars.windows(2) {
                    let mut buf = [0u8; 8];
                    let first = pair[0].encode_utf8(&mut buf).len();
                    let second = pair[1].encode_utf8(&mut buf[first..]).len();
                    out.push(word_hash(
                        std::str::from_utf8(&buf[..first + second]).unwrap_or(""),
                    ));
                }
                continue;
            }
            out.push(word_hash(stem(word)));
        }
    }
}

/// Whether `word` is one of [`STOPWORDS`] (the same answer as `STOPWORDS.contains`): its
/// bytes packed into one number, looked up among the stop words' (a word longer than any of
/// them is none).
fn is_stopword(word: &str) -> bool {
    static PACKED: std::sync::OnceLock<Vec<u64>> = std::sync::OnceLock::new();
    let Some(key) = packed_word(word) else {
        return false;
    };
    PACKED
        .get_or_init(|| {
            let mut packed: Vec<u64> = STOPWORDS.iter().filter_map(|w| packed_word(w)).collect();
            packed.sort_unstable();
            packed
        })
        .binary_search(&key)
        .is_ok()
}

/// A word of at most [`STOPWORD_MAX_LEN`] bytes as one number: its bytes, then its length in
/// the low byte (two words have the same number only if they are the same word).
fn packed_word(word: &str) -> Option<u64> {
    if word.len() > STOPWORD_MAX_LEN {
        return None;
    }
    Some(word.bytes().fold(0u64, |k, b| (k << 8) | u64::from(b)) << 8 | word.len() as u64)
}

/// The length of the longest of [`STOPWORDS`] (at most 7: a packed word holds 7 bytes).
const STOPWORD_MAX_LEN: usize = {
    let mut max = 0;
    let mut i = 0;
    while i < STOPWORDS.len() {
        if STOPWORDS[i].len() > max {
            max = STOPWORDS[i].len();
        }
        i += 1;
    }
    assert!(max <= 7, "a stop word longer than a packed word holds");
    max
};

/// The MinHash signature of a set of word hashes (empty set: all `u64::MAX`).
pub fn signature(words: &[u64]) -> [u64; HASHES] {
    let mut sig = [u64::MAX; HASHES];
    for &w in words {
        for (i, slot) in sig.iter_mut().enumerate() {
            let h = mix(w ^ SEEDS[i]);
            if h < *slot {
                *slot = h;
            }
        }
    }
    sig
}

/// The bucket key of band `band` of a signature.
pub fn band_key(sig: &[u64; HASHES], band: usize) -> u64 {
    let mut h = mix(band as u64 + 1);
    for v in &sig[band * ROWS..band * ROWS + ROWS] {
        h = mix(h ^ v);
    }
    h
}

/// One seed per MinHash function (fixed: signatures are comparable across runs).
const SEEDS: [u64; HASHES] = {
    let mut seeds = [0u64; HASHES];
    let mut x: u64 = 0x5eed_ba70_d0b1_e5ed;
    let mut i = 0;
    while i < HASHES {
        x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = x;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        seeds[i] = z ^ (z >> 31);
        i += 1;
    }
    seeds
};

/// The weighted similarity of two titles' sorted word hashes, each word weighing its IDF to the
/// power [`IDF_POWER`] (see [`weighted_cosine_of`]).
pub fn weighted_cosine(a: &[u64], b: &[u64], idf: impl Fn(u64) -> f64) -> f64 {
    let wa: Vec<f64> = a.iter().map(|w| weight(idf(*w))).collect();
    let wb: Vec<f64> = b.iter().map(|w| weight(idf(*w))).collect();
    weighted_cosine_of(a, &wa, b, &wb)
}

/// The weighted similarity of two titles from their sorted word hashes and each word's weight
/// (same order): the mean of the cosine and the containment (the common weight over the lighter
/// title's). A title restated with words added ("Request: …", "… (from support)") stays close,
/// while two titles of one template with different subjects drift apart. 0 when either title
/// has no weight.
pub fn weighted_cosine_of(a: &[u64], wa: &[f64], b: &[u64], wb: &[f64]) -> f64 {
    let na: f64 = wa.iter().sum();
    let nb: f64 = wb.iter().sum();
    similarity_from(common_weight(a, wa, b), na, nb)
}

/// The weight of the words two sorted word lists share (weights of `a`'s words).
pub fn common_weight(a: &[u64], wa: &[f64], b: &[u64]) -> f64 {
    let (mut i, mut j, mut common) = (0, 0, 0.0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += wa[i];
                i += 1;
                j += 1;
            }
        }
    }
    common
}

/// The similarity of two titles from the weight they share and each one's whole weight.
pub fn similarity_from(common: f64, na: f64, nb: f64) -> f64 {
    if na <= 0.0 || nb <= 0.0 {
        0.0
    } else {
        let cosine = common / (na.sqrt() * nb.sqrt());
        let containment = common / na.min(nb);
        (cosine + containment) / 2.0
    }
}

/// A word's weight in the similarity: its IDF to the power [`IDF_POWER`] (a product for the power
/// 2, which `powf` would compute far more slowly to the same value).
#[inline]
pub fn weight(idf: f64) -> f64 {
    if IDF_POWER == 2.0 {
        idf * idf
    } else {
        idf.powf(IDF_POWER)
    }
}

// ---------------------------------------------------------------------------------------------
// Descriptions
// ---------------------------------------------------------------------------------------------

/// The scheme of [`describe`] (stored with each row of `item_texts`; rows of another scheme are
/// read as absent).
pub const DESC_SCHEME: i64 = 1;
/// Values in a description's signature, one byte each (the low byte of a MinHash value).
pub const DESC_HASHES: usize = 64;
/// Characters of a description read: longer bodies (pasted logs, stack traces) are cut.
pub const DESC_CHARS: usize = 8_000;
/// A description of fewer distinct words says too little to compare ("graceful exit").
pub const MIN_DESC_WORDS: u32 = 5;

/// Words that say nothing about the work in running text (beyond the titles' stop words).
const DESC_STOPWORDS: &[&str] = &[
    "i", "you", "he", "she", "they", "them", "their", "my", "me", "your", "us", "was", "were",
    "been", "has", "have", "had", "do", "does", "did", "can", "could", "would", "will", "there",
    "here", "but", "if", "so", "than", "then", "what", "which", "who", "how", "why", "also",
    "just", "any", "some", "only", "more", "other", "such", "these", "those", "very", "too", "see",
    "get", "https", "http", "www", "com", "html", "png", "jpg",
];

/// The hashes of [`DESC_STOPWORDS`], sorted (made once).
fn desc_stopword_hashes() -> &'static [u64] {
    static STOP: std::sync::OnceLock<Vec<u64>> = std::sync::OnceLock::new();
    STOP.get_or_init(|| {
        let mut stop: Vec<u64> = DESC_STOPWORDS.iter().map(|w| word_hash(w)).collect();
        stop.sort_unstable();
        stop
    })
}

/// The seed of each of a description signature's [`DESC_HASHES`] hashes (made once).
fn desc_seeds() -> &'static [u64; DESC_HASHES] {
    static SEEDS: std::sync::OnceLock<[u64; DESC_HASHES]> = std::sync::OnceLock::new();
    SEEDS.get_or_init(|| std::array::from_fn(|i| mix(0xde5c_0000 + i as u64)))
}

/// A description summed up: its distinct words (after normalisation) and a b-bit MinHash
/// signature of them (the low byte of each of [`DESC_HASHES`] minimum hashes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Described {
    pub words: u32,
    pub sig: [u8; DESC_HASHES],
}

impl Described {
    /// A stored row read back (None for a signature of another length).
    pub fn from_stored(words: i64, sig: &[u8]) -> Option<Described> {
        let sig: [u8; DESC_HASHES] = sig.try_into().ok()?;
        Some(Described {
            words: u32::try_from(words).ok()?,
            sig,
        })
    }

    /// Whether it says enough to be compared.
    pub fn comparable(&self) -> bool {
        self.words >= MIN_DESC_WORDS
    }
}

/// Sums up a plain-text description: HTML comments (pull request templates' instructions) are
/// left out, the rest is lower-cased and cut into words as titles are ([`words`]), running
/// text's stop words dropped; at most [`DESC_CHARS`] characters are read.
pub fn describe(text: &str) -> Described {
    Describer::new(0).describe(text)
}

/// Sums up many descriptions ([`describe`], the same answers): the seeded hashes of the words it
/// has met are kept (up to a bound), so a word that comes back in another description is
/// hashed once rather than [`DESC_HASHES`] times each time.
pub struct Describer {
    /// Where each kept word's hashes are in `hashes`.
    kept: rustc_hash::FxHashMap<u64, u32>,
    hashes: Vec<[u64; DESC_HASHES]>,
    /// How many words' hashes may be kept.
    room: usize,
    /// The text read, comments left out (kept between descriptions for its memory).
    plain: String,
    /// `plain` lower-cased.
    lower: String,
    /// The words' hashes.
    all: Vec<u64>,
}

/// How many words' hashes a [`Describer`] for a batch keeps (512 bytes each: 8 MiB).
pub const DESCRIBER_WORDS: usize = 16_384;

impl Describer {
    /// A describer keeping the hashes of up to `room` words.
    pub fn new(room: usize) -> Self {
        Describer {
            kept: rustc_hash::FxHashMap::default(),
            hashes: Vec::new(),
            room,
            plain: String::new(),
            lower: String::new(),
            all: Vec::new(),
        }
    }

    /// [`describe`].
    pub fn describe(&mut self, text: &str) -> Described {
        // A text of at most DESC_CHARS bytes has at most that many characters.
        let cut = if text.len() <= DESC_CHARS {
            text
        } else {
            match text.char_indices().nth(DESC_CHARS) {
                Some((at, _)) => &text[..at],
                None => text,
            }
        };
        let plain = if cut.contains("<!--") {
            self.plain.clear();
            let mut rest = cut;
            while let Some(open) = rest.find("<!--") {
                self.plain.push_str(&rest[..open]);
                self.plain.push(' ');
                rest = match rest[open..].find("-->") {
                    Some(close) => &rest[open + close + 3..],
                    None => "",
                };
            }
            self.plain.push_str(rest);
            self.plain.as_str()
        } else {
            cut
        };
        self.lower.clear();
        if plain.is_ascii() {
            // What `to_lowercase` answers for ASCII, without a new string.
            self.lower.push_str(plain);
            self.lower.make_ascii_lowercase();
        } else {
            self.lower.push_str(&plain.to_lowercase());
        }
        let all = &mut self.all;
        all.clear();
        // Line by line: a title-style prefix or tag is only read at the start of the text a
        // line is.
        for line in self.lower.lines() {
            push_words(line, all);
        }
        all.sort_unstable();
        all.dedup();
        // Stop words leave the distinct words once (not each time a line names them).
        let stop = desc_stopword_hashes();
        all.retain(|w| stop.binary_search(w).is_err());
        let mut least = [u64::MAX; DESC_HASHES];
        for &w in all.iter() {
            let hashes = match self.kept.get(&w) {
                Some(&at) => &self.hashes[at as usize],
                None => {
                    let hashes = word_hashes(w);
                    if self.hashes.len() < self.room {
                        self.kept.insert(w, self.hashes.len() as u32);
                        self.hashes.push(hashes);
                    }
                    for (min, h) in least.iter_mut().zip(hashes) {
                        *min = (*min).min(h);
                    }
                    continue;
                }
            };
            for (min, h) in least.iter_mut().zip(hashes) {
                *min = (*min).min(*h);
            }
        }
        let mut sig = [0u8; DESC_HASHES];
        if !all.is_empty() {
            for (slot, min) in sig.iter_mut().zip(least) {
                *slot = (min & 0xff) as u8;
            }
        }
        Described {
            words: u32::try_from(all.len()).unwrap_or(u32::MAX),
            sig,
        }
    }
}

/// A word's [`DESC_HASHES`] seeded hashes, one per signature byte.
fn word_hashes(w: u64) -> [u64; DESC_HASHES] {
    let seeds = desc_seeds();
    std::array::from_fn(|i| mix(w ^ seeds[i]))
}

/// How alike two descriptions are (0..1), as titles are compared but unweighted: the mean of
/// the cosine and the containment of their word sets, the words in common estimated from the
/// signatures (the share of equal bytes, corrected for bytes equal by chance, is the Jaccard
/// index J; common = J × (|A| + |B|) / (1 + J)). None when either says too little.
pub fn description_similarity(a: &Described, b: &Described) -> Option<f64> {
    if !a.comparable() || !b.comparable() {
        return None;
    }
    let equal = a.sig.iter().zip(&b.sig).filter(|(x, y)| x == y).count() as f64;
    let chance = 1.0 / 256.0;
    let jaccard = ((equal / DESC_HASHES as f64 - chance) / (1.0 - chance)).clamp(0.0, 1.0);
    let (na, nb) = (f64::from(a.words), f64::from(b.words));
    let common = (jaccard * (na + nb) / (1.0 + jaccard)).min(na.min(nb));
    Some(similarity_from(common, na, nb))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_prefixes_keys_and_stop_words_are_left_out() {
        assert_eq!(
            words("[checkout] fix(api): pay-12 retry the refunds when #12 times out"),
            words("retry refund times out"),
            "a team tag, a commit prefix, a tracker key, an issue number, stop words and a plural \
             change nothing"
        );
        assert_ne!(words("retry refunds"), words("retry payouts"));
        assert!(words("the of and").is_empty(), "only stop words: no words");
    }

    #[test]
    fn a_describer_keeping_words_sums_up_as_describe_spelled_out() {
        // Many descriptions sharing words, through one describer that keeps few words (so some
        // are kept, some hashed each time) and one that keeps many: each answer is the
        // definition's, spelled out as `describe` was before words were kept.
        fn spelled_out(text: &str) -> Described {
            let cut = match text.char_indices().nth(DESC_CHARS) {
                Some((at, _)) => &text[..at],
                None => text,
            };
            let mut plain = String::new();
            let mut rest = cut;
            while let Some(open) = rest.find("<!--") {
                plain.push_str(&rest[..open]);
                plain.push(' ');
                rest = match rest[open..].find("-->") {
                    Some(close) => &rest[open + close + 3..],
                    None => "",
                };
            }
            plain.push_str(rest);
            let stop: Vec<u64> = DESC_STOPWORDS.iter().map(|w| word_hash(w)).collect();
            let mut all: Vec<u64> = Vec::new();
            for line in plain.to_lowercase().lines() {
                all.extend(words(line));
            }
            all.sort_unstable();
            all.dedup();
            all.retain(|w| !stop.contains(w));
            let mut sig = [0u8; DESC_HASHES];
            if !all.is_empty() {
                for (i, slot) in sig.iter_mut().enumerate() {
                    let seed = mix(0xde5c_0000 + i as u64);
                    let min = all.iter().map(|&w| mix(w ^ seed)).min().unwrap_or(u64::MAX);
                    *slot = (min & 0xff) as u8;
                }
            }
            Described {
                words: all.len() as u32,
                sig,
            }
        }
        let vocab = [
            "refund",
            "payments",
            "ledger",
            "Retry",
            "the",
            "timeout",
            "[api]",
            "fix:",
            "PAY-12",
            "#44",
            "<!--",
            "-->",
            "支付退款",
            "should",
            "everything",
            "it's",
            "cache\n",
            "they",
            "https://x.io/a.png",
            "Steps:",
            "\n",
            "500",
            "an",
            "export",
            "webhooks",
            "",
            "ΟΔΟΣ ΣΟΦΟΣ",
            "İstanbul",
            "Ünïcode",
            "<!-- a comment -->",
            "ＦＵＬＬ",
        ];
        let mut texts: Vec<String> = Vec::new();
        let mut state: u64 = 7;
        for n in 0..300 {
            let mut t = String::new();
            for _ in 0..(n % 40) {
                state = mix(state);
                t.push_str(vocab[(state % vocab.len() as u64) as usize]);
                t.push(if state.is_multiple_of(7) { '\n' } else { ' ' });
            }
            texts.push(t);
        }
        texts.push("x".repeat(DESC_CHARS + 10));
        texts.push("é ".repeat(DESC_CHARS));
        texts.push(format!("{} tail words here", "a".repeat(DESC_CHARS - 5)));
        let mut few = Describer::new(5);
        let mut many = Describer::new(DESCRIBER_WORDS);
        for t in &texts {
            let want = spelled_out(t);
            assert_eq!(few.describe(t), want, "{t:?}");
            assert_eq!(many.describe(t), want, "{t:?}");
            assert_eq!(describe(t), want, "{t:?}");
        }
        assert_eq!(
            few.hashes.len(),
            5,
            "a describer keeps no more words than its room"
        );
        assert!(many.hashes.len() > 5);
    }

    #[test]
    fn a_commit_prefix_is_found_as_cutting_at_the_first_colon_finds_it() {
        // The definition spelled out: cut at the first colon; what comes before it, up to any
        // '(' and without trailing '!', is a prefix.
        fn spelled_out(text: &str) -> &str {
            if let Some(colon) = text.find(':') {
                let head = &text[..colon];
                let name = head.split('(').next().unwrap_or(head).trim_end_matches('!');
                if COMMIT_PREFIXES.contains(&name) {
                    return &text[colon + 1..];
                }
            }
            text
        }
        let lines = [
            "fix: retry",
            "fix(api): retry",
            "fix!: retry",
            "fix!!(a:b): c",
            "fix(a:b",
            "fix(ab",
            "fix",
            "fix:",
            "fixes: x",
            "fi: x",
            "!fix: x",
            "fix!x(a): b",
            "fix2: x",
            "x fix: y",
            "feat (api): x",
            "feat(api) : x",
            "chore:fix: x",
            "refactor(a)(b): c",
            ":fix: x",
            "docs!(x)!: y",
            "perf((: z",
            "fix\u{e9}: x",
            "",
            "(fix): x",
        ];
        for line in lines {
            let mut got = Vec::new();
            push_words(line, &mut got);
            let mut want = Vec::new();
            let rest = spelled_out(line);
            // What is left after the prefix is read as a line without one.
            push_words(&format!("x {rest}"), &mut want);
            want.retain(|w| *w != word_hash("x"));
            got.retain(|w| *w != word_hash("x"));
            assert_eq!(got, want, "{line:?}");
        }
    }

    #[test]
    fn a_stop_word_is_found_by_its_length_first() {
        for w in STOPWORDS {
            assert!(is_stopword(w), "{w}");
        }
        for w in [
            "",
            "refund",
            "shoulder",
            "thee",
            "everything",
            "a-",
            "A",
            "sh",
            "shoul",
            "tha",
            "\0a",
            "ａ",
            "an\0",
        ] {
            assert_eq!(is_stopword(w), STOPWORDS.contains(&w), "{w}");
        }
    }

    #[test]
    fn a_description_is_summed_up_as_its_words_minus_stop_words_hashed_64_times() {
        // The definition, spelled out: stop words dropped from each line's words, the rest
        // made one set, and each signature byte the low byte of the least of its seeded hashes.
        let text = "Steps: open the <!-- template --> refunds page\nThey see a 500 error, \
                    which was not there before.\nhttps://example.com/x.png";
        let stop: Vec<u64> = DESC_STOPWORDS.iter().map(|w| word_hash(w)).collect();
        let mut all: Vec<u64> = Vec::new();
        for line in "steps: open the   refunds page\nthey see a 500 error, which was not there \
                     before.\nhttps://example.com/x.png"
            .lines()
        {
            all.extend(words(line).into_iter().filter(|w| !stop.contains(w)));
        }
        all.sort_unstable();
        all.dedup();
        let mut sig = [0u8; DESC_HASHES];
        for (i, slot) in sig.iter_mut().enumerate() {
            let seed = mix(0xde5c_0000 + i as u64);
            let min = all.iter().map(|&w| mix(w ^ seed)).min().unwrap_or(u64::MAX);
            *slot = (min & 0xff) as u8;
        }
        let d = describe(text);
        assert_eq!(d.words as usize, all.len(), "the same distinct words");
        assert_eq!(
            d.sig, sig,
            "the same signature, byte for byte (stored rows stay valid)"
        );
        assert!(d.words >= 5, "enough words to say something: {}", d.words);
    }

    #[test]
    fn text_without_spaces_is_compared_by_character_pairs() {
        let a = words("支付退款失败 retry");
        let b = words("退款失败 retry");
        let common = a.iter().filter(|w| b.contains(w)).count();
        assert_eq!(b.len(), 4, "three character pairs and one word: {b:?}");
        assert_eq!(
            common, 4,
            "every pair of the shorter title is in the longer one"
        );
    }

    #[test]
    fn similar_titles_share_a_band_and_different_ones_rarely_do() {
        let a = signature(&words("add refund processing to the payments api"));
        let b = signature(&words("refund processing in payments api"));
        let c = signature(&words("migrate ledger reconciliation to postgres 16"));
        let shared = |x: &[u64; HASHES], y: &[u64; HASHES]| {
            (0..BANDS)
                .filter(|&k| band_key(x, k) == band_key(y, k))
                .count()
        };
        assert!(shared(&a, &b) > 0, "titles 80% alike meet in a band");
        assert_eq!(shared(&a, &c), 0, "unrelated titles meet in no band");
    }

    #[test]
    fn weighted_cosine_counts_rare_words_more() {
        let a = words("refund processing dashboard");
        let b = words("refund processing report");
        let flat = weighted_cosine(&a, &b, |_| 1.0);
        assert!(
            (flat - 2.0 / 3.0).abs() < 1e-9,
            "unweighted: 2 of 3 words agree, got {flat}"
        );
        let rare = word_hash("refund");
        let weighted = weighted_cosine(&a, &b, |w| if w == rare { 3.0 } else { 1.0 });
        assert!(weighted > flat, "a rare word in common raises the score");
        assert_eq!(weighted_cosine(&a, &[], |_| 1.0), 0.0);
    }

    #[test]
    fn descriptions_alike_and_unlike() {
        let a = describe(
            "Refunds of partial captures fail when the acquirer times out. The payout worker \
             retries the refund twice and then marks the ledger entry as failed.",
        );
        let b = describe(
            "When the acquirer times out, partial capture refunds fail: the payout worker retries \
             twice, then the ledger entry is marked failed.\n<!-- Describe the change here -->",
        );
        let c = describe(
            "Dark mode for the onboarding checklist: contrast of the progress bar and the \
             illustrations on small screens.",
        );
        let ab = description_similarity(&a, &b).unwrap_or(0.0);
        let ac = description_similarity(&a, &c).unwrap_or(1.0);
        assert!(ab > 0.6, "one report in other words: {ab}");
        assert!(ac < 0.2, "different work: {ac}");
        assert_eq!(description_similarity(&a, &a), Some(1.0));
        assert_eq!(
            description_similarity(&a, &describe("graceful exit")),
            None,
            "two words say too little"
        );
        assert_eq!(describe("<!-- only a template's instructions -->").words, 0);
        let long = "word ".repeat(10_000) + "tail";
        assert_eq!(
            describe(&long).words,
            1,
            "only the first characters are read"
        );
    }
}
