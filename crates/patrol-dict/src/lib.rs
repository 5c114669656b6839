//! patrol's compact IPADIC container.
//!
//! lindera's compiled IPADIC is 47.5 MB, most of it token details that can be
//! derived from one another. This crate stores only what cannot be derived
//! (see `docs/dictionary.md` for the byte layout) and rebuilds a complete,
//! ordinary [`lindera_dictionary::dictionary::Dictionary`] in memory from it:
//!
//! ```no_run
//! # fn main() -> Result<(), patrol_dict::DictError> {
//! let bytes: Vec<u8> = Vec::new(); // build/dict/ipadic.pdic, from scripts/setup-dict.sh
//! let dictionary = patrol_dict::load(&bytes)?;
//! # let _ = dictionary; Ok(()) }
//! ```
//!
//! The rebuilt dictionary's trie, value index and values (`dict.trie`,
//! `dict.valsidx`, `dict.vals`), its connection matrix, character and
//! unknown-word definitions are byte-identical to lindera's own build, so it
//! segments exactly as the full dictionary does. Each token carries the first
//! [`DETAIL_FIELDS`] IPADIC detail fields, in the same positions as the full
//! dictionary — `[品詞, 品詞細分類1, 品詞細分類2, 品詞細分類3, 活用型, 活用形,
//! 原形, 読み]` — only 発音 is dropped.
//!
//! Loading works the same natively and on `wasm32-unknown-unknown`: no file
//! system, no mmap, and malformed bytes give a [`DictError`], never a panic.

mod codec;
mod decode;
mod encode;
mod error;
mod index;
mod trie;

#[cfg(test)]
mod tests;

pub use decode::{load, load_parts, DictionaryParts};
pub use encode::{encode, EncodeInput, SourceEntry};
pub use error::{DictError, DictErrorKind};

/// The first eight bytes of every container.
pub const MAGIC: [u8; 8] = *b"PATRDIC\x1a";

/// Version of the container layout written by [`encode`] and the only one
/// [`load`] accepts. Bump it whenever the byte layout changes.
pub const FORMAT_VERSION: u16 = 1;

/// IPADIC's CSV columns, as lindera-ipadic 6.2's schema names them (used by the
/// builder's metadata and by the tests' synthetic dictionaries).
pub const IPADIC_FIELDS: [&str; 13] = [
    "surface",
    "left_context_id",
    "right_context_id",
    "cost",
    "part_of_speech",
    "part_of_speech_subcategory_1",
    "part_of_speech_subcategory_2",
    "part_of_speech_subcategory_3",
    "conjugation_form",
    "conjugation_type",
    "base_form",
    "reading",
    "pronunciation",
];

/// How many detail fields each dictionary entry keeps: IPADIC's first eight
/// (品詞 ×4, 活用型, 活用形, 原形, 読み); 発音 is dropped.
pub const DETAIL_FIELDS: usize = 8;

/// Magic (8) + version (2) + flags (2) + payload length (4) + payload CRC-32 (4).
pub(crate) const HEADER_LEN: usize = 20;

/// Section tags, in the order they appear in the payload.
pub(crate) const SECTION_METADATA: [u8; 4] = *b"META";
pub(crate) const SECTION_CHAR_DEF: [u8; 4] = *b"CDEF";
pub(crate) const SECTION_UNKNOWN: [u8; 4] = *b"UNKD";
pub(crate) const SECTION_MATRIX: [u8; 4] = *b"MTRX";
pub(crate) const SECTION_WORDS: [u8; 4] = *b"WORD";
