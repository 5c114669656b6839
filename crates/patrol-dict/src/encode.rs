//! Writes the compact container. Used offline by `patrol-dictgen`; kept in
//! this crate (it needs nothing but `std`) so that encoder and decoder evolve
//! together and are tested together.

use std::collections::BTreeMap;

use lindera_dictionary::dictionary::metadata::Metadata;
use lindera_dictionary::dictionary::prefix_dictionary::PrefixDictionary;
use lindera_dictionary::dictionary::schema::Schema;

use crate::codec::{crc32, put_char, put_str, put_varint, to_katakana, zigzag16, CHAR_END};
use crate::error::DictError;
use crate::index::Groups;
use crate::trie::{self, Bases};
use crate::{
    DETAIL_FIELDS, FORMAT_VERSION, MAGIC, SECTION_CHAR_DEF, SECTION_MATRIX, SECTION_METADATA,
    SECTION_UNKNOWN, SECTION_WORDS,
};

/// Number of leading detail fields (品詞 ×4, 活用型, 活用形) stored as one
/// index into a table of distinct tuples.
pub(crate) const POS_FIELDS: usize = 6;
/// Detail position of 原形.
pub(crate) const BASE_FIELD: usize = 6;
/// Detail position of 読み.
pub(crate) const READING_FIELD: usize = 7;

/// One row of the system dictionary, in word-id order (the order of lindera's
/// `dict.words`, i.e. the CSV rows after the builder's stable sort by surface).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceEntry {
    /// The trie key exactly as lindera's builder derives it (trimmed, and
    /// normalised when the metadata says so). Empty for a row the builder
    /// keeps in `dict.words` but leaves out of the trie.
    pub surface: String,
    pub left_id: u16,
    pub right_id: u16,
    pub cost: i16,
    /// The detail fields as lindera stores them; at least [`DETAIL_FIELDS`]
    /// (the rest, 発音 for IPADIC, are dropped).
    pub details: Vec<String>,
}

/// Everything [`encode`] needs: the rows plus lindera's own compiled
/// components, which are stored (compressed or verbatim) and restored byte
/// for byte.
pub struct EncodeInput<'a> {
    /// All rows, in word-id order.
    pub entries: &'a [SourceEntry],
    /// The full dictionary's metadata. Its schema is cut to the surface,
    /// ids, cost and [`DETAIL_FIELDS`] detail fields before it is stored.
    pub metadata: &'a Metadata,
    /// `matrix.mtx` as written by lindera's builder.
    pub matrix_mtx: &'a [u8],
    /// `char_def.bin` as written by lindera's builder.
    pub char_def: &'a [u8],
    /// `unk.bin` as written by lindera's builder.
    pub unknown_dictionary: &'a [u8],
}

/// Encodes a compact container. Deterministic: the same input always gives
/// the same bytes.
pub fn encode(input: &EncodeInput<'_>) -> Result<Vec<u8>, DictError> {
    let metadata = compact_metadata(input.metadata)?;
    let matrix = encode_matrix(input.matrix_mtx)?;
    let words = encode_words(input.entries)?;

    let mut payload = Vec::new();
    for (tag, body) in [
        (SECTION_METADATA, metadata.as_slice()),
        (SECTION_CHAR_DEF, input.char_def),
        (SECTION_UNKNOWN, input.unknown_dictionary),
        (SECTION_MATRIX, matrix.as_slice()),
        (SECTION_WORDS, words.as_slice()),
    ] {
        payload.extend_from_slice(&tag);
        put_block(&mut payload, body)?;
    }

    let payload_len = u32::try_from(payload.len())
        .map_err(|_| DictError::invalid_input("container payload exceeds 4 GiB"))?;
    let mut out = Vec::with_capacity(crate::HEADER_LEN + payload.len());
    out.extend_from_slice(&MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes()); // flags, reserved
    out.extend_from_slice(&payload_len.to_le_bytes());
    out.extend_from_slice(&crc32(&payload).to_le_bytes());
    out.extend_from_slice(&payload);
    Ok(out)
}

fn put_block(out: &mut Vec<u8>, body: &[u8]) -> Result<(), DictError> {
    let len = u32::try_from(body.len())
        .map_err(|_| DictError::invalid_input("a container section exceeds 4 GiB"))?;
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(body);
    Ok(())
}

/// The stored metadata: the full dictionary's, with the schema cut to the
/// detail fields the container keeps, so lindera pads and names token details
/// correctly.
fn compact_metadata(full: &Metadata) -> Result<Vec<u8>, DictError> {
    let fields = &full.dictionary_schema.fields;
    if fields.len() < 4 + DETAIL_FIELDS {
        return Err(DictError::invalid_input(format!(
            "dictionary schema has {} fields; the container needs surface, ids, cost and {DETAIL_FIELDS} detail fields",
            fields.len()
        )));
    }
    let mut metadata = full.clone();
    metadata.dictionary_schema = Schema::new(fields[..4 + DETAIL_FIELDS].to_vec());
    serde_json::to_vec_pretty(&metadata)
        .map_err(|err| DictError::invalid_input(format!("cannot serialize metadata: {err}")))
}

/// `matrix.mtx` is `[-1, forward_size, backward_size]` followed by
/// `backward_size` rows of `forward_size` costs (all `i16` LE). Stored as the
/// 6-byte header, then the zigzagged 2-D difference of every cost with its
/// upper, left and upper-left neighbours (wrapping `i16` arithmetic, so it is
/// exactly reversible), split into a low-byte plane and a high-byte plane.
fn encode_matrix(mtx: &[u8]) -> Result<Vec<u8>, DictError> {
    let (forward, backward) = matrix_shape(mtx)?;
    let costs: Vec<i16> = mtx[6..]
        .chunks_exact(2)
        .map(|c| i16::from_le_bytes([c[0], c[1]]))
        .collect();
    let at = |row: usize, col: usize| costs[row * forward + col];
    let n = costs.len();
    let mut lo = Vec::with_capacity(n);
    let mut hi = Vec::with_capacity(n);
    for row in 0..backward {
        for col in 0..forward {
            let up = if row > 0 { at(row - 1, col) } else { 0 };
            let left = if col > 0 { at(row, col - 1) } else { 0 };
            let up_left = if row > 0 && col > 0 {
                at(row - 1, col - 1)
            } else {
                0
            };
            let prediction = up.wrapping_add(left).wrapping_sub(up_left);
            let z = zigzag16(at(row, col).wrapping_sub(prediction));
            lo.push(z as u8);
            hi.push((z >> 8) as u8);
        }
    }
    let mut out = Vec::with_capacity(6 + 2 * n);
    out.extend_from_slice(&mtx[..6]);
    out.extend_from_slice(&lo);
    out.extend_from_slice(&hi);
    Ok(out)
}

/// Validates a `matrix.mtx` header and returns `(forward_size, backward_size)`.
fn matrix_shape(mtx: &[u8]) -> Result<(usize, usize), DictError> {
    if mtx.len() < 6 {
        return Err(DictError::invalid_input(
            "matrix.mtx is shorter than its header",
        ));
    }
    let marker = i16::from_le_bytes([mtx[0], mtx[1]]);
    let forward = i16::from_le_bytes([mtx[2], mtx[3]]);
    let backward = i16::from_le_bytes([mtx[4], mtx[5]]);
    if marker != -1 || forward < 1 || backward < 1 {
        return Err(DictError::invalid_input(
            "matrix.mtx is not in lindera's transposed format (header [-1, forward, backward])",
        ));
    }
    let (forward, backward) = (forward as usize, backward as usize);
    if mtx.len() != 6 + 2 * forward * backward {
        return Err(DictError::invalid_input(format!(
            "matrix.mtx is {} bytes, expected {} for {forward}×{backward}",
            mtx.len(),
            6 + 2 * forward * backward
        )));
    }
    Ok((forward, backward))
}

/// Length of the common prefix of two char slices.
fn common_prefix(a: &[char], b: &[char]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

/// Length of the common suffix of two char slices.
fn common_suffix(a: &[char], b: &[char]) -> usize {
    a.iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| x == y)
        .count()
}

/// Orders table entries by descending frequency, ties by value, so the
/// common ones get one-byte varint indices. Returns the table and the index
/// of each value.
fn frequency_table<K: Ord + Clone>(counts: BTreeMap<K, u64>) -> (Vec<K>, BTreeMap<K, usize>) {
    let mut table: Vec<(K, u64)> = counts.into_iter().collect();
    // Stable sort of a BTreeMap's (sorted) entries: ties keep value order.
    table.sort_by_key(|&(_, count)| std::cmp::Reverse(count));
    let table: Vec<K> = table.into_iter().map(|(k, _)| k).collect();
    let index = table
        .iter()
        .enumerate()
        .map(|(i, k)| (k.clone(), i))
        .collect();
    (table, index)
}

/// The columnar word section; see `docs/dictionary.md`.
fn encode_words(entries: &[SourceEntry]) -> Result<Vec<u8>, DictError> {
    let n = entries.len();
    let rows = u32::try_from(n).map_err(|_| DictError::invalid_input("too many rows"))?;

    for (i, e) in entries.iter().enumerate() {
        if e.details.len() < DETAIL_FIELDS {
            return Err(DictError::invalid_input(format!(
                "row {i} ({:?}) has {} detail fields, the container needs {DETAIL_FIELDS}",
                e.surface,
                e.details.len()
            )));
        }
        if e.surface.contains('\0') || e.details[..DETAIL_FIELDS].iter().any(|d| d.contains('\0')) {
            return Err(DictError::invalid_input(format!(
                "row {i} contains a NUL character"
            )));
        }
    }

    // Tables: distinct POS tuples, the usual tuple of each context id, and
    // the distinct base-form suffixes.
    let mut pos_counts: BTreeMap<&[String], u64> = BTreeMap::new();
    for e in entries {
        *pos_counts.entry(&e.details[..POS_FIELDS]).or_default() += 1;
    }
    let (pos_table, pos_index) = frequency_table(pos_counts);

    let mut ctx_counts: BTreeMap<(u16, usize), u64> = BTreeMap::new();
    for e in entries {
        *ctx_counts
            .entry((e.left_id, pos_index[&e.details[..POS_FIELDS]]))
            .or_default() += 1;
    }
    let ctx_len = entries
        .iter()
        .map(|e| e.left_id as usize + 1)
        .max()
        .unwrap_or(0);
    let mut ctx_default: Vec<Option<(usize, u64)>> = vec![None; ctx_len];
    for (&(ctx, idx), &count) in &ctx_counts {
        let slot = &mut ctx_default[ctx as usize];
        // Iteration is by (ctx, idx) ascending, so on a tie the smaller
        // index stays.
        if slot.is_none_or(|(_, best)| count > best) {
            *slot = Some((idx, count));
        }
    }

    let mut base_parts: Vec<(usize, String)> = Vec::with_capacity(n);
    let mut suffix_counts: BTreeMap<String, u64> = BTreeMap::new();
    for e in entries {
        let key: Vec<char> = e.surface.chars().collect();
        let base: Vec<char> = e.details[BASE_FIELD].chars().collect();
        let p = common_prefix(&key, &base);
        let suffix: String = base[p..].iter().collect();
        *suffix_counts.entry(suffix.clone()).or_default() += 1;
        base_parts.push((key.len() - p, suffix));
    }
    let (suffix_table, suffix_index) = frequency_table(suffix_counts);

    // Columns.
    let mut key_prefix = Vec::with_capacity(n);
    let mut key_len = Vec::with_capacity(n);
    let mut key_chars = Vec::new();
    let mut left_lo = Vec::with_capacity(n);
    let mut left_hi = Vec::with_capacity(n);
    let mut right_lo = Vec::with_capacity(n);
    let mut right_hi = Vec::with_capacity(n);
    let mut cost_lo = Vec::with_capacity(n);
    let mut cost_hi = Vec::with_capacity(n);
    let mut pos_col = Vec::with_capacity(n);
    let mut base_drop = Vec::with_capacity(n);
    let mut base_suffix = Vec::with_capacity(n);
    let mut reading_tail = Vec::with_capacity(n);
    let mut reading_prefix = Vec::new();
    let mut reading_chars = Vec::new();

    let mut prev_key: Vec<char> = Vec::new();
    let mut prev_rem: Vec<char> = Vec::new();
    let same_ids = entries.iter().all(|e| e.left_id == e.right_id);

    for (e, (drop, suffix)) in entries.iter().zip(&base_parts) {
        let key: Vec<char> = e.surface.chars().collect();
        let p = common_prefix(&prev_key, &key);
        put_varint(&mut key_prefix, p as u64);
        put_varint(&mut key_len, (key.len() - p) as u64);
        for &c in &key[p..] {
            put_char(&mut key_chars, c);
        }

        left_lo.push(e.left_id as u8);
        left_hi.push((e.left_id >> 8) as u8);
        if !same_ids {
            right_lo.push(e.right_id as u8);
            right_hi.push((e.right_id >> 8) as u8);
        }
        cost_lo.push(e.cost as u16 as u8);
        cost_hi.push((e.cost as u16 >> 8) as u8);

        let idx = pos_index[&e.details[..POS_FIELDS]];
        let default = ctx_default[e.left_id as usize].map(|(d, _)| d);
        put_varint(
            &mut pos_col,
            if default == Some(idx) {
                0
            } else {
                idx as u64 + 1
            },
        );

        put_varint(&mut base_drop, *drop as u64);
        put_varint(&mut base_suffix, suffix_index[suffix] as u64);

        let kata: Vec<char> = key.iter().map(|&c| to_katakana(c)).collect();
        let reading: Vec<char> = e.details[READING_FIELD].chars().collect();
        if reading == kata {
            put_varint(&mut reading_tail, 0);
        } else {
            let k = common_suffix(&kata, &reading);
            put_varint(&mut reading_tail, k as u64 + 1);
            let rem = &reading[..reading.len() - k];
            let p = common_prefix(&prev_rem, rem);
            put_varint(&mut reading_prefix, p as u64);
            for &c in &rem[p..] {
                put_char(&mut reading_chars, c);
            }
            reading_chars.push(CHAR_END);
            prev_rem = rem.to_vec();
        }
        prev_key = key;
    }

    let mut pos_block = Vec::new();
    put_varint(&mut pos_block, pos_table.len() as u64);
    for tuple in &pos_table {
        for field in tuple.iter() {
            put_str(&mut pos_block, field);
        }
    }
    let mut ctx_block = Vec::new();
    put_varint(&mut ctx_block, ctx_default.len() as u64);
    for slot in &ctx_default {
        put_varint(&mut ctx_block, slot.map_or(0, |(idx, _)| idx as u64 + 1));
    }
    let mut suffix_block = Vec::new();
    put_varint(&mut suffix_block, suffix_table.len() as u64);
    for s in &suffix_table {
        put_str(&mut suffix_block, s);
    }

    let trie_hints = trie_hints(entries)?;

    // Size of the decoded dict.words: per row a u32 length and the fields
    // joined by NUL.
    let words_len: usize = entries
        .iter()
        .map(|e| {
            4 + (DETAIL_FIELDS - 1)
                + e.details[..DETAIL_FIELDS]
                    .iter()
                    .map(String::len)
                    .sum::<usize>()
        })
        .sum();
    let words_len = u32::try_from(words_len)
        .map_err(|_| DictError::invalid_input("detail records exceed 4 GiB"))?;

    let mut out = Vec::new();
    out.extend_from_slice(&rows.to_le_bytes());
    out.extend_from_slice(&words_len.to_le_bytes());
    for block in [
        &pos_block,
        &ctx_block,
        &suffix_block,
        &key_prefix,
        &key_len,
        &key_chars,
        &left_lo,
        &left_hi,
        &right_lo,
        &right_hi,
        &cost_lo,
        &cost_hi,
        &pos_col,
        &base_drop,
        &base_suffix,
        &reading_tail,
        &reading_prefix,
        &reading_chars,
        &trie_hints,
    ] {
        put_block(&mut out, block)?;
    }
    Ok(out)
}

/// Builds the trie as crawdad does and records where each node's children
/// were placed, so the decoder can skip the search. The result is checked
/// against lindera's own `serialize_trie`.
fn trie_hints(entries: &[SourceEntry]) -> Result<Vec<u8>, DictError> {
    let mut groups = Groups::with_capacity(entries.len());
    for (i, e) in entries.iter().enumerate() {
        if !e.surface.is_empty() {
            let id = u32::try_from(i).map_err(|_| DictError::invalid_input("too many rows"))?;
            groups.push(&e.surface, id, e.cost, e.left_id, e.right_id);
        }
    }
    let groups = groups.into_sorted();
    if groups.len() == 0 {
        return Ok(Vec::new());
    }
    let mut hints = Vec::new();
    let ours = trie::build(groups.keys(), Bases::Search(&mut hints))
        .map_err(|e| DictError::invalid_input(format!("cannot build the trie: {e}")))?;
    let (lindera_trie, lindera_idx) = PrefixDictionary::serialize_trie(&groups.lindera_map())
        .map_err(|e| DictError::invalid_input(format!("lindera cannot build the trie: {e}")))?;
    if ours != lindera_trie || groups.vals_idx() != lindera_idx {
        return Err(DictError::invalid_input(
            "the trie port no longer matches lindera's serialize_trie (crawdad changed?)",
        ));
    }
    Ok(hints)
}
