//! Morphological analysis: lindera over IPADIC, reduced to what the rules look at.
//!
//! Lexicon entries are matched on base forms and readings, not substrings, so that
//! inflections (死にます, 死のう) meet their dictionary form and kana spellings (しにたい, 氏にたい)
//! meet the kanji word through the reading.

use std::borrow::Cow;
use std::cell::RefCell;

use lindera::dictionary::{Dictionary, Lattice};
use lindera::mode::Mode;
use lindera::segmenter::Segmenter;

use crate::normalize::{fold_key, Normalized};

/// IPADIC detail positions (identical in the full and the compact dictionary).
const POS: usize = 0;
const POS1: usize = 1;
const POS2: usize = 2;
const CONJ_FORM: usize = 5;
const BASE: usize = 6;
const READING: usize = 7;

/// One morpheme, with offsets in normalised characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Morpheme {
    pub surface: String,
    /// [start, end) in chars of the normalised text.
    pub start: usize,
    pub end: usize,
    /// 品詞 (e.g. 名詞, 動詞, 助動詞, 記号).
    pub pos: String,
    /// 品詞細分類1 (e.g. 自立, 非自立, 固有名詞).
    pub pos1: String,
    /// 品詞細分類2 (e.g. 地域, 人名).
    pub pos2: String,
    /// 活用形 (e.g. 連用形, 命令ｅ), `*` when it does not inflect.
    pub conj_form: String,
    /// 原形, or the surface when the dictionary does not know the word.
    pub base: String,
    /// 読み in katakana, or the surface when unknown.
    pub reading: String,
    /// Folded keys for matching (katakana, lower case, no ー).
    pub key_surface: String,
    pub key_base: String,
    pub key_reading: String,
    pub known: bool,
}

impl Morpheme {
    pub fn is(&self, pos: &str) -> bool {
        self.pos == pos
    }

    /// A token that ends a clause for grammar look-ahead: punctuation, symbols, line breaks.
    /// NFKC turns ？！ into ASCII, which IPADIC tags as nouns: punctuation is judged by character.
    pub fn is_boundary(&self) -> bool {
        self.pos == "記号"
            || self
                .surface
                .chars()
                .all(|c| c.is_whitespace() || c.is_ascii_punctuation() || is_symbol(c))
    }
}

fn is_symbol(c: char) -> bool {
    matches!(
        c,
        '…' | '‥'
            | '・'
            | '「'
            | '」'
            | '『'
            | '』'
            | '（'
            | '）'
            | '【'
            | '】'
            | '♪'
            | '☆'
            | '★'
            | '♡'
            | '♥'
    ) || ('\u{1F000}'..='\u{1FAFF}').contains(&c)
        || ('\u{2600}'..='\u{27BF}').contains(&c)
}

/// Splits normalised text into morphemes.
pub struct Morphology {
    segmenter: Segmenter,
    lattice: RefCell<Lattice>,
}

impl Morphology {
    pub fn new(dictionary: Dictionary) -> Self {
        Self {
            segmenter: Segmenter::new(Mode::Normal, dictionary, None),
            lattice: RefCell::new(Lattice::default()),
        }
    }

    /// Tokenizes a plain string (used for lexicon terms and for the benchmark).
    pub fn tokens(&self, text: &str) -> Vec<Morpheme> {
        let byte_to_char = |b: usize| text[..b.min(text.len())].chars().count();
        self.run(text, &byte_to_char)
    }

    /// Tokenizes a normalised post.
    pub fn analyze(&self, norm: &Normalized) -> Vec<Morpheme> {
        let byte_to_char = |b: usize| norm.char_at_byte(b);
        self.run(norm.text(), &byte_to_char)
    }

    /// Counts tokens only: the cost of segmentation alone, for the benchmark.
    pub fn count_tokens(&self, text: &str) -> usize {
        let Ok(mut lattice) = self.lattice.try_borrow_mut() else {
            return 0;
        };
        self.segmenter
            .segment_with_lattice(Cow::Borrowed(text), &mut lattice)
            .map(|t| t.len())
            .unwrap_or(0)
    }

    fn run(&self, text: &str, byte_to_char: &dyn Fn(usize) -> usize) -> Vec<Morpheme> {
        if text.is_empty() {
            return Vec::new();
        }
        let mut fresh;
        let mut borrowed;
        let lattice: &mut Lattice = match self.lattice.try_borrow_mut() {
            Ok(l) => {
                borrowed = l;
                &mut borrowed
            }
            Err(_) => {
                fresh = Lattice::default();
                &mut fresh
            }
        };
        let Ok(tokens) = self
            .segmenter
            .segment_with_lattice(Cow::Borrowed(text), lattice)
        else {
            return Vec::new();
        };
        tokens
            .into_iter()
            .map(|mut t| {
                let known = !t.word_id.is_unknown();
                let surface = t.surface.to_string();
                let (start, end) = (byte_to_char(t.byte_start), byte_to_char(t.byte_end));
                let fields: Vec<&str> = t.details_iter().collect();
                let field = |i: usize| {
                    fields
                        .get(i)
                        .copied()
                        .filter(|f| !f.is_empty())
                        .unwrap_or("*")
                };
                let pos = field(POS).to_string();
                let pos1 = field(POS1).to_string();
                let pos2 = field(POS2).to_string();
                let conj_form = field(CONJ_FORM).to_string();
                let base = match field(BASE) {
                    "*" => surface.clone(),
                    b => b.to_string(),
                };
                let reading = match field(READING) {
                    "*" => surface.clone(),
                    r => r.to_string(),
                };
                Morpheme {
                    key_surface: fold_key(&surface),
                    key_base: fold_key(&base),
                    key_reading: fold_key(&reading),
                    surface,
                    start,
                    end,
                    pos,
                    pos1,
                    pos2,
                    conj_form,
                    base,
                    reading,
                    known,
                }
            })
            .collect()
    }
}
