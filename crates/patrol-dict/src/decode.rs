//! Reads the compact container back into lindera's in-memory components.

use std::sync::Arc;

use lindera_dictionary::dictionary::character_definition::CharacterDefinition;
use lindera_dictionary::dictionary::connection_cost_matrix::ConnectionCostMatrix;
use lindera_dictionary::dictionary::metadata::Metadata;
use lindera_dictionary::dictionary::prefix_dictionary::PrefixDictionary;
use lindera_dictionary::dictionary::unknown_dictionary::UnknownDictionary;
use lindera_dictionary::dictionary::Dictionary;

use crate::codec::{crc32, get_char, to_katakana, unzigzag16, Reader};
use crate::encode::POS_FIELDS;
use crate::error::{DictError, DictErrorKind};
use crate::index::Groups;
use crate::trie::{self, Bases};
use crate::{
    FORMAT_VERSION, HEADER_LEN, MAGIC, SECTION_CHAR_DEF, SECTION_MATRIX, SECTION_METADATA,
    SECTION_UNKNOWN, SECTION_WORDS,
};

/// The files of a lindera dictionary directory, rebuilt in memory from a
/// compact container. `trie`, `vals_idx`, `vals`, `matrix_mtx`, `char_def` and
/// `unknown_dictionary` are byte-identical to lindera's own build of the same
/// source; `words`/`words_idx` hold [`crate::DETAIL_FIELDS`] fields per entry
/// instead of all of them, and `metadata_json` has the matching schema.
#[derive(Clone)]
pub struct DictionaryParts {
    /// `metadata.json`
    pub metadata_json: Vec<u8>,
    /// `char_def.bin`
    pub char_def: Vec<u8>,
    /// `unk.bin`
    pub unknown_dictionary: Vec<u8>,
    /// `matrix.mtx`
    pub matrix_mtx: Vec<u8>,
    /// `dict.trie`
    pub trie: Vec<u8>,
    /// `dict.valsidx`
    pub vals_idx: Vec<u8>,
    /// `dict.vals`
    pub vals: Vec<u8>,
    /// `dict.wordsidx`
    pub words_idx: Vec<u8>,
    /// `dict.words`
    pub words: Vec<u8>,
}

impl std::fmt::Debug for DictionaryParts {
    /// Sizes only: the buffers are megabytes.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DictionaryParts")
            .field("metadata_json", &self.metadata_json.len())
            .field("char_def", &self.char_def.len())
            .field("unknown_dictionary", &self.unknown_dictionary.len())
            .field("matrix_mtx", &self.matrix_mtx.len())
            .field("trie", &self.trie.len())
            .field("vals_idx", &self.vals_idx.len())
            .field("vals", &self.vals.len())
            .field("words_idx", &self.words_idx.len())
            .field("words", &self.words.len())
            .finish()
    }
}

impl DictionaryParts {
    /// The parts that must be byte-identical to lindera's own build, with
    /// lindera's file names: what the builder and the golden test compare.
    pub fn lindera_files(&self) -> [(&'static str, &[u8]); 6] {
        [
            ("dict.trie", &self.trie),
            ("dict.valsidx", &self.vals_idx),
            ("dict.vals", &self.vals),
            ("matrix.mtx", &self.matrix_mtx),
            ("char_def.bin", &self.char_def),
            ("unk.bin", &self.unknown_dictionary),
        ]
    }

    /// Assembles a lindera [`Dictionary`] from the parts (no copies of the
    /// large buffers are made).
    pub fn into_dictionary(self) -> Result<Dictionary, DictError> {
        let metadata = Metadata::load(&self.metadata_json)
            .map_err(|err| DictError::lindera("metadata", err))?;
        metadata
            .validate_format_version()
            .map_err(|err| DictError::lindera("metadata", err))?;
        let categories = check_char_def(&self.char_def)?;
        let character_definition = CharacterDefinition::load(&self.char_def)
            .map_err(|err| DictError::lindera("character definition", err))?;
        let unknown_dictionary = UnknownDictionary::load(&self.unknown_dictionary)
            .map_err(|err| DictError::lindera("unknown-word dictionary", err))?;
        let (forward, backward) = matrix_dims(&self.matrix_mtx)?;
        check_unknown(&unknown_dictionary, categories, forward, backward)?;
        let connection_cost_matrix = ConnectionCostMatrix::load(self.matrix_mtx)
            .map_err(|err| DictError::lindera("connection cost matrix", err))?;
        let prefix_dictionary = PrefixDictionary::load(
            self.trie,
            self.vals_idx,
            self.vals,
            self.words_idx,
            self.words,
        )
        .map_err(|err| DictError::lindera("prefix dictionary", err))?;
        Ok(Dictionary {
            prefix_dictionary: Arc::new(prefix_dictionary),
            connection_cost_matrix: Arc::new(connection_cost_matrix),
            character_definition: Arc::new(character_definition),
            unknown_dictionary: Arc::new(unknown_dictionary),
            metadata: Arc::new(metadata),
        })
    }
}

/// `(forward_size, backward_size)` of a `matrix.mtx` image (validated when it
/// was decoded).
fn matrix_dims(mtx: &[u8]) -> Result<(u16, u16), DictError> {
    match mtx {
        [_, _, f0, f1, b0, b1, ..] => Ok((
            u16::from_le_bytes([*f0, *f1]),
            u16::from_le_bytes([*b0, *b1]),
        )),
        _ => Err(DictError::corrupt("connection matrix header is missing")),
    }
}

/// Checks what lindera's `CharacterDefinition::load` and the tokenizer take
/// for granted of `char_def.bin` (they index without checking): returns the
/// number of character categories.
fn check_char_def(bytes: &[u8]) -> Result<usize, DictError> {
    let bad = |what: &str| DictError::corrupt(format!("character definition: {what}"));
    let mut aligned = rkyv::util::AlignedVec::<16>::new();
    aligned.extend_from_slice(bytes);
    let def = rkyv::from_bytes::<CharacterDefinition, rkyv::rancor::Error>(&aligned)
        .map_err(|err| DictError::lindera("character definition", err))?;
    // The lookup table's fields are private; its serde form shows them.
    let value = serde_json::to_value(&def).map_err(|_| bad("cannot be inspected"))?;
    let categories = def.category_definitions.len();
    if categories == 0 || def.category_names.len() != categories {
        return Err(bad("category names and definitions disagree"));
    }
    let boundaries = value["mapping"]["boundaries"]
        .as_array()
        .ok_or_else(|| bad("no mapping boundaries"))?;
    let values = value["mapping"]["values"]
        .as_array()
        .ok_or_else(|| bad("no mapping values"))?;
    if boundaries.is_empty() || boundaries[0].as_u64() != Some(0) {
        return Err(bad("mapping does not start at U+0000"));
    }
    if values.len() != boundaries.len() {
        return Err(bad("mapping boundaries and values disagree"));
    }
    let mut prev = None;
    for b in boundaries {
        let b = b.as_u64().ok_or_else(|| bad("bad boundary"))?;
        if prev.is_some_and(|p| p >= b) {
            return Err(bad("mapping boundaries are not ascending"));
        }
        prev = Some(b);
    }
    for row in values {
        let row = row.as_array().ok_or_else(|| bad("bad mapping row"))?;
        for id in row {
            if id.as_u64().is_none_or(|id| (id as usize) >= categories) {
                return Err(bad("mapping names an unknown category"));
            }
        }
    }
    Ok(categories)
}

/// Checks the indices the tokenizer follows through the unknown-word
/// dictionary without bounds checks of its own.
fn check_unknown(
    unk: &UnknownDictionary,
    categories: usize,
    forward: u16,
    backward: u16,
) -> Result<(), DictError> {
    let bad = |what: &str| DictError::corrupt(format!("unknown-word dictionary: {what}"));
    if unk.category_references.len() < categories {
        return Err(bad("fewer category entries than character categories"));
    }
    if unk
        .category_references
        .iter()
        .flatten()
        .any(|&id| id as usize >= unk.costs.len())
    {
        return Err(bad("a category refers to a missing entry"));
    }
    if unk
        .costs
        .iter()
        .any(|e| e.left_id() >= u32::from(backward) || e.right_id() >= u32::from(forward))
    {
        return Err(bad(
            "an entry's context id is outside the connection matrix",
        ));
    }
    Ok(())
}

/// Loads a compact container into a complete lindera [`Dictionary`].
///
/// Everything is rebuilt from `bytes` alone (the trie is constructed with
/// lindera's own `PrefixDictionary::serialize_trie`). Returns an error — never
/// panics — when the bytes are not a container of [`FORMAT_VERSION`], are
/// truncated, damaged or inconsistent.
pub fn load(bytes: &[u8]) -> Result<Dictionary, DictError> {
    load_parts(bytes)?.into_dictionary()
}

/// Decodes a container into the byte images of lindera's dictionary files,
/// without assembling a [`Dictionary`]. [`load`] is this plus
/// [`DictionaryParts::into_dictionary`].
pub fn load_parts(bytes: &[u8]) -> Result<DictionaryParts, DictError> {
    let payload = check_header(bytes)?;
    let mut r = Reader::new(payload, "section table");

    let metadata_json = section(&mut r, SECTION_METADATA)?.to_vec();
    let char_def = section(&mut r, SECTION_CHAR_DEF)?.to_vec();
    let unknown_dictionary = section(&mut r, SECTION_UNKNOWN)?.to_vec();
    let matrix_mtx = decode_matrix(section(&mut r, SECTION_MATRIX)?)?;
    let (forward, backward) = matrix_dims(&matrix_mtx)?;
    let words = decode_words(section(&mut r, SECTION_WORDS)?, forward, backward)?;
    r.finish()?;

    Ok(DictionaryParts {
        metadata_json,
        char_def,
        unknown_dictionary,
        matrix_mtx,
        trie: words.trie,
        vals_idx: words.vals_idx,
        vals: words.vals,
        words_idx: words.words_idx,
        words: words.words,
    })
}

/// Validates magic, version, length and checksum; returns the payload.
fn check_header(bytes: &[u8]) -> Result<&[u8], DictError> {
    if bytes.len() < MAGIC.len() || bytes[..MAGIC.len()] != MAGIC {
        return Err(DictError::new(
            DictErrorKind::BadMagic,
            "not a patrol compact dictionary (bad magic header); build one with scripts/setup-dict.sh",
        ));
    }
    let mut r = Reader::new(bytes, "header");
    r.bytes(MAGIC.len())?;
    let version = r.u16()?;
    if version != FORMAT_VERSION {
        return Err(DictError::new(
            DictErrorKind::UnsupportedVersion,
            format!(
                "compact dictionary has container version {version}, this build reads version {FORMAT_VERSION}; rebuild it with scripts/setup-dict.sh"
            ),
        ));
    }
    let _flags = r.u16()?;
    let payload_len = r.u32()? as usize;
    let crc = r.u32()?;
    debug_assert_eq!(bytes.len() - r.remaining(), HEADER_LEN);
    let payload = r.bytes(payload_len).map_err(|_| {
        DictError::new(
            DictErrorKind::Truncated,
            format!(
                "compact dictionary is truncated: header announces {payload_len} payload bytes, {} present",
                bytes.len() - HEADER_LEN
            ),
        )
    })?;
    if r.remaining() != 0 {
        return Err(DictError::corrupt(format!(
            "compact dictionary has {} bytes after the {payload_len}-byte payload its header announces",
            r.remaining()
        )));
    }
    if crc32(payload) != crc {
        return Err(DictError::new(
            DictErrorKind::ChecksumMismatch,
            "compact dictionary is damaged: payload CRC-32 does not match the header",
        ));
    }
    Ok(payload)
}

fn section<'a>(r: &mut Reader<'a>, tag: [u8; 4]) -> Result<&'a [u8], DictError> {
    let found = r.bytes(4)?;
    if found != tag {
        return Err(DictError::corrupt(format!(
            "expected section {:?}, found {:?}",
            String::from_utf8_lossy(&tag),
            String::from_utf8_lossy(found)
        )));
    }
    r.block()
}

/// Inverse of `encode_matrix`.
fn decode_matrix(body: &[u8]) -> Result<Vec<u8>, DictError> {
    let mut r = Reader::new(body, "connection matrix section");
    let header = r.bytes(6)?;
    let marker = i16::from_le_bytes([header[0], header[1]]);
    let forward = i16::from_le_bytes([header[2], header[3]]);
    let backward = i16::from_le_bytes([header[4], header[5]]);
    if marker != -1 || forward < 1 || backward < 1 {
        return Err(DictError::corrupt("connection matrix header is invalid"));
    }
    let (forward, backward) = (forward as usize, backward as usize);
    let n = forward * backward;
    if r.remaining() != 2 * n {
        return Err(DictError::new(
            DictErrorKind::Truncated,
            format!(
                "connection matrix section holds {} bytes, {forward}×{backward} needs {}",
                r.remaining(),
                2 * n
            ),
        ));
    }
    let lo = r.bytes(n)?;
    let hi = r.bytes(n)?;
    let mut costs: Vec<i16> = Vec::with_capacity(n);
    for row in 0..backward {
        for col in 0..forward {
            let i = row * forward + col;
            let up = if row > 0 { costs[i - forward] } else { 0 };
            let left = if col > 0 { costs[i - 1] } else { 0 };
            let up_left = if row > 0 && col > 0 {
                costs[i - forward - 1]
            } else {
                0
            };
            let delta = unzigzag16(u16::from(lo[i]) | (u16::from(hi[i]) << 8));
            costs.push(
                up.wrapping_add(left)
                    .wrapping_sub(up_left)
                    .wrapping_add(delta),
            );
        }
    }
    let mut out = Vec::with_capacity(6 + 2 * n);
    out.extend_from_slice(header);
    for c in costs {
        out.extend_from_slice(&c.to_le_bytes());
    }
    Ok(out)
}

struct Words {
    trie: Vec<u8>,
    vals_idx: Vec<u8>,
    vals: Vec<u8>,
    words_idx: Vec<u8>,
    words: Vec<u8>,
}

/// A column of exactly `rows` bytes.
fn plane<'a>(r: &mut Reader<'a>, rows: usize, what: &str) -> Result<&'a [u8], DictError> {
    let block = r.block()?;
    if block.len() != rows {
        return Err(DictError::corrupt(format!(
            "column {what} has {} bytes for {rows} rows",
            block.len()
        )));
    }
    Ok(block)
}

/// Inverse of `encode_words`: rebuilds the detail records and the trie.
/// `forward`/`backward` are the connection matrix's sizes: every entry's
/// context ids must index it (the tokenizer relies on that).
fn decode_words(body: &[u8], forward: u16, backward: u16) -> Result<Words, DictError> {
    let mut r = Reader::new(body, "word section");
    let rows = r.u32()? as usize;
    let words_len = r.u32()? as usize;

    // Tables.
    let mut t = Reader::new(r.block()?, "part-of-speech table");
    let count = t.varint_usize()?;
    if count > t.remaining() {
        return Err(DictError::truncated("part-of-speech table"));
    }
    let mut pos_table: Vec<[&str; POS_FIELDS]> = Vec::with_capacity(count);
    for _ in 0..count {
        let mut tuple = [""; POS_FIELDS];
        for field in tuple.iter_mut() {
            *field = t.string()?;
        }
        pos_table.push(tuple);
    }
    t.finish()?;

    let mut t = Reader::new(r.block()?, "context table");
    let count = t.varint_usize()?;
    if count > t.remaining() {
        return Err(DictError::truncated("context table"));
    }
    let mut ctx_default: Vec<Option<usize>> = Vec::with_capacity(count);
    for _ in 0..count {
        let v = t.varint_usize()?;
        ctx_default.push(if v == 0 { None } else { Some(v - 1) });
    }
    t.finish()?;

    let mut t = Reader::new(r.block()?, "base-form suffix table");
    let count = t.varint_usize()?;
    if count > t.remaining() {
        return Err(DictError::truncated("base-form suffix table"));
    }
    let mut suffix_table: Vec<Vec<char>> = Vec::with_capacity(count);
    for _ in 0..count {
        suffix_table.push(t.string()?.chars().collect());
    }
    t.finish()?;

    // Columns.
    let mut key_prefix = Reader::new(r.block()?, "key prefix column");
    let mut key_len = Reader::new(r.block()?, "key length column");
    let mut key_chars = Reader::new(r.block()?, "key characters");
    // Every row takes at least one byte of the key prefix column: this bounds
    // `rows` by the input size before anything is allocated for it.
    if rows > key_prefix.remaining() {
        return Err(DictError::corrupt(format!(
            "word section announces {rows} rows but holds fewer"
        )));
    }
    let left_lo = plane(&mut r, rows, "left id (low bytes)")?;
    let left_hi = plane(&mut r, rows, "left id (high bytes)")?;
    let right_lo = r.block()?;
    let right_hi = r.block()?;
    let (right_lo, right_hi) = if right_lo.is_empty() && right_hi.is_empty() {
        (left_lo, left_hi)
    } else if right_lo.len() == rows && right_hi.len() == rows {
        (right_lo, right_hi)
    } else {
        return Err(DictError::corrupt("right id columns have the wrong length"));
    };
    let cost_lo = plane(&mut r, rows, "cost (low bytes)")?;
    let cost_hi = plane(&mut r, rows, "cost (high bytes)")?;
    let mut pos_col = Reader::new(r.block()?, "part-of-speech column");
    let mut base_drop = Reader::new(r.block()?, "base-form drop column");
    let mut base_suffix = Reader::new(r.block()?, "base-form suffix column");
    let mut reading_tail = Reader::new(r.block()?, "reading tail column");
    let mut reading_prefix = Reader::new(r.block()?, "reading prefix column");
    let mut reading_chars = Reader::new(r.block()?, "reading characters");
    let mut trie_hints = Reader::new(r.block()?, "trie hints");
    r.finish()?;

    // `words_len` is checked at the end; until then trust it only as far as
    // a sane bytes-per-row bound.
    let mut words: Vec<u8> = Vec::with_capacity(words_len.min(rows.saturating_mul(256)));
    let mut words_idx: Vec<u8> = Vec::with_capacity(rows * 4);
    let mut groups = Groups::with_capacity(rows);
    let mut key: Vec<char> = Vec::new();
    let mut key_string = String::new();
    let mut rem: Vec<char> = Vec::new();
    let mut utf8 = [0u8; 4];

    for row in 0..rows {
        // Key.
        let p = key_prefix.varint_usize()?;
        let add = key_len.varint_usize()?;
        if p > key.len() {
            return Err(DictError::corrupt(format!(
                "row {row}: key prefix {p} longer than the previous key"
            )));
        }
        let changed = p != key.len() || add != 0;
        key.truncate(p);
        for _ in 0..add {
            let c = get_char(&mut key_chars)?
                .ok_or_else(|| DictError::corrupt(format!("row {row}: end marker inside a key")))?;
            key.push(c);
        }
        if changed {
            key_string.clear();
            key_string.extend(key.iter());
        }

        // Entry.
        let left_id = u16::from(left_lo[row]) | (u16::from(left_hi[row]) << 8);
        let right_id = u16::from(right_lo[row]) | (u16::from(right_hi[row]) << 8);
        let cost = (u16::from(cost_lo[row]) | (u16::from(cost_hi[row]) << 8)) as i16;
        let word_id = u32::try_from(row).map_err(|_| DictError::corrupt("too many rows"))?;
        if !key.is_empty() {
            if left_id >= backward || right_id >= forward {
                return Err(DictError::corrupt(format!(
                    "row {row}: context ids {left_id}/{right_id} outside the {forward}×{backward} connection matrix"
                )));
            }
            groups.push(&key_string, word_id, cost, left_id, right_id);
        }

        // Details: POS tuple, base form, reading, NUL-joined behind a u32 length.
        let offset = u32::try_from(words.len())
            .map_err(|_| DictError::corrupt("detail records exceed 4 GiB"))?;
        words_idx.extend_from_slice(&offset.to_le_bytes());
        let len_at = words.len();
        words.extend_from_slice(&[0; 4]);

        let v = pos_col.varint_usize()?;
        let idx = if v == 0 {
            ctx_default
                .get(left_id as usize)
                .copied()
                .flatten()
                .ok_or_else(|| {
                    DictError::corrupt(format!("row {row}: context {left_id} has no default POS"))
                })?
        } else {
            v - 1
        };
        let tuple = pos_table.get(idx).ok_or_else(|| {
            DictError::corrupt(format!("row {row}: POS index {idx} out of range"))
        })?;
        for field in tuple {
            words.extend_from_slice(field.as_bytes());
            words.push(0);
        }

        let drop = base_drop.varint_usize()?;
        let sid = base_suffix.varint_usize()?;
        let keep = key.len().checked_sub(drop).ok_or_else(|| {
            DictError::corrupt(format!("row {row}: base form drops more than the key"))
        })?;
        let suffix = suffix_table.get(sid).ok_or_else(|| {
            DictError::corrupt(format!("row {row}: base-form suffix {sid} out of range"))
        })?;
        for &c in key[..keep].iter().chain(suffix) {
            words.extend_from_slice(c.encode_utf8(&mut utf8).as_bytes());
        }
        words.push(0);

        let tail = reading_tail.varint_usize()?;
        let shared = if tail == 0 {
            0..key.len()
        } else {
            let k = tail - 1;
            let start = key.len().checked_sub(k).ok_or_else(|| {
                DictError::corrupt(format!("row {row}: reading shares more than the key"))
            })?;
            let p = reading_prefix.varint_usize()?;
            if p > rem.len() {
                return Err(DictError::corrupt(format!(
                    "row {row}: reading prefix {p} longer than the previous reading"
                )));
            }
            rem.truncate(p);
            while let Some(c) = get_char(&mut reading_chars)? {
                rem.push(c);
            }
            for &c in &rem {
                words.extend_from_slice(c.encode_utf8(&mut utf8).as_bytes());
            }
            start..key.len()
        };
        for &c in &key[shared] {
            words.extend_from_slice(to_katakana(c).encode_utf8(&mut utf8).as_bytes());
        }

        let len = u32::try_from(words.len() - len_at - 4)
            .map_err(|_| DictError::corrupt("detail record exceeds 4 GiB"))?;
        words[len_at..len_at + 4].copy_from_slice(&len.to_le_bytes());
    }
    for column in [
        &key_prefix,
        &key_len,
        &key_chars,
        &pos_col,
        &base_drop,
        &base_suffix,
        &reading_tail,
        &reading_prefix,
        &reading_chars,
    ] {
        column.finish()?;
    }

    if words.len() != words_len {
        return Err(DictError::corrupt(format!(
            "detail records take {} bytes, the word section announces {words_len}",
            words.len()
        )));
    }

    let groups = groups.into_sorted();
    let trie = if groups.len() > 0 && trie_hints.remaining() > 0 {
        trie::build(groups.keys(), Bases::Replay(&mut trie_hints))?
    } else {
        // No recorded bases (or no keys): let lindera build the trie.
        trie_hints.finish()?;
        PrefixDictionary::serialize_trie(&groups.lindera_map())
            .map_err(|err| DictError::lindera("trie", err))?
            .0
    };
    let vals_idx = groups.vals_idx();
    let vals = groups.into_vals();

    Ok(Words {
        trie,
        vals_idx,
        vals,
        words_idx,
        words,
    })
}
