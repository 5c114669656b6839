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

/// One morpheme, with offsets in normalised characters. Dictionary fields are borrowed from
/// the dictionary (no allocation per field): analysis should cost little more than tokenizing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Morpheme<'d> {
    pub surface: String,
    /// [start, end) in chars of the normalised text.
    pub start: usize,
    pub end: usize,
    /// 品詞 (e.g. 名詞, 動詞, 助動詞, 記号).
    pub pos: &'d str,
    /// 品詞細分類1 (e.g. 自立, 非自立, 固有名詞).
    pub pos1: &'d str,
    /// 品詞細分類2 (e.g. 地域, 人名).
    pub pos2: &'d str,
    /// 活用形 (e.g. 連用形, 命令ｅ), `*` when it does not inflect.
    pub conj_form: &'d str,
    base_field: &'d str,
    reading_field: &'d str,
    /// Folded base form (katakana, lower case, no ー), the key of base-form matching.
    pub key_base: String,
    pub known: bool,
}

impl Morpheme<'_> {
    pub fn is(&self, pos: &str) -> bool {
        self.pos == pos
    }

    /// 原形, or the surface when the dictionary does not know the word.
    pub fn base(&self) -> &str {
        if self.base_field == "*" {
            &self.surface
        } else {
            self.base_field
        }
    }

    /// 読み in katakana, or the surface when unknown.
    pub fn reading(&self) -> &str {
        if self.reading_field == "*" {
            &self.surface
        } else {
            self.reading_field
        }
    }

    /// A verb's volitional stem (死の, 逝こ, しよ): with う it is 死のう; people often type it bare.
    pub fn is_volitional_stem(&self) -> bool {
        self.is("動詞") && self.conj_form.starts_with("未然ウ接続")
    }

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
    /// A handle on the segmenter's dictionary (an `Arc` clone), so that detail fields borrow
    /// from `self` rather than from the text being segmented.
    dictionary: Dictionary,
    lattice: RefCell<Lattice>,
}

impl Morphology {
    pub fn new(dictionary: Dictionary) -> Self {
        Self {
            segmenter: Segmenter::new(Mode::Normal, dictionary.clone(), None),
            dictionary,
            lattice: RefCell::new(Lattice::default()),
        }
    }

    /// Tokenizes a plain string (used for lexicon terms and for the benchmark).
    pub fn tokens(&self, text: &str) -> Vec<Morpheme<'_>> {
        let byte_to_char = |b: usize| text[..b.min(text.len())].chars().count();
        self.run(text, &byte_to_char)
    }

    /// Tokenizes a normalised post.
    pub fn analyze(&self, norm: &Normalized) -> Vec<Morpheme<'_>> {
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

    fn run(&self, text: &str, byte_to_char: &dyn Fn(usize) -> usize) -> Vec<Morpheme<'_>> {
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
        let dictionary = &self.dictionary;
        tokens
            .into_iter()
            .map(|t| {
                let known = !t.word_id.is_unknown();
                let id = t.word_id.id() as usize;
                let mut fields: [&str; 8] = ["*"; 8];
                let details = if known {
                    dictionary.word_details_iter(id)
                } else {
                    dictionary.unknown_word_details_iter(id)
                };
                for (slot, f) in fields.iter_mut().zip(details) {
                    if !f.is_empty() {
                        *slot = f;
                    }
                }
                let surface = t.surface.to_string();
                let base_field = fields[BASE];
                let key_base = fold_key(if base_field == "*" {
                    &surface
                } else {
                    base_field
                });
                Morpheme {
                    start: byte_to_char(t.byte_start),
                    end: byte_to_char(t.byte_end),
                    pos: fields[POS],
                    pos1: fields[POS1],
                    pos2: fields[POS2],
                    conj_form: fields[CONJ_FORM],
                    base_field,
                    reading_field: fields[READING],
                    key_base,
                    known,
                    surface,
                }
            })
            .collect()
    }
}
