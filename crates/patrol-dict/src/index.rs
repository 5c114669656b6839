//! The trie side of the prefix dictionary, derived from the rows exactly as
//! lindera's builder derives it: surface → the rows' `WordEntry`s in row
//! order, keys in `BTreeMap` (byte) order. From that come `dict.vals` (the
//! entries back to back, 10 bytes each), `dict.valsidx` (a `u32` prefix sum per
//! key plus a sentinel) and the key list the trie is built from.

use std::collections::BTreeMap;

use lindera_dictionary::viterbi::{LexType, WordEntry, WordId};

/// Serialized length of a `WordEntry` (`word_id u32, cost i16, left u16, right u16`).
const ENTRY_LEN: usize = 10;

/// Keys with their runs of entries.
pub(crate) struct Groups {
    /// All keys, concatenated.
    keys: String,
    /// End of each key in `keys`.
    ends: Vec<usize>,
    /// Index (in entries) of each key's first entry.
    starts: Vec<u32>,
    /// Serialized entries, grouped by key.
    vals: Vec<u8>,
    /// Whether the keys seen so far strictly ascend.
    sorted: bool,
}

impl Groups {
    pub(crate) fn with_capacity(rows: usize) -> Self {
        Self {
            keys: String::new(),
            ends: Vec::new(),
            starts: Vec::new(),
            vals: Vec::with_capacity(rows.saturating_mul(ENTRY_LEN)),
            sorted: true,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    fn key(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.keys[start..self.ends[i]]
    }

    pub(crate) fn keys(&self) -> impl Iterator<Item = &str> + '_ {
        (0..self.len()).map(move |i| self.key(i))
    }

    fn entry_count(&self) -> usize {
        self.vals.len() / ENTRY_LEN
    }

    /// Adds one row that has a trie key (rows in word-id order).
    pub(crate) fn push(&mut self, key: &str, word_id: u32, cost: i16, left: u16, right: u16) {
        let n = self.len();
        let same = n > 0 && self.key(n - 1) == key;
        if !same {
            if n > 0 && self.key(n - 1) > key {
                self.sorted = false;
            }
            self.keys.push_str(key);
            self.ends.push(self.keys.len());
            self.starts.push(self.entry_count() as u32);
        }
        self.vals.extend_from_slice(&word_id.to_le_bytes());
        self.vals.extend_from_slice(&cost.to_le_bytes());
        self.vals.extend_from_slice(&left.to_le_bytes());
        self.vals.extend_from_slice(&right.to_le_bytes());
    }

    /// Puts the groups in key order, merging groups of equal keys (entries
    /// keep row order), as inserting the rows into lindera's `BTreeMap` does.
    /// A no-op when the rows came sorted by key, as lindera writes them.
    pub(crate) fn into_sorted(self) -> Self {
        if self.sorted {
            return self;
        }
        let mut order: Vec<usize> = (0..self.len()).collect();
        order.sort_by(|&a, &b| self.key(a).cmp(self.key(b))); // stable
        let mut out = Self::with_capacity(self.entry_count());
        for i in order {
            let start = self.starts[i] as usize * ENTRY_LEN;
            let end = self
                .starts
                .get(i + 1)
                .map_or(self.vals.len(), |&s| s as usize * ENTRY_LEN);
            let key = self.key(i);
            let n = out.len();
            if n == 0 || out.key(n - 1) != key {
                out.keys.push_str(key);
                out.ends.push(out.keys.len());
                out.starts.push(out.entry_count() as u32);
            }
            out.vals.extend_from_slice(&self.vals[start..end]);
        }
        out
    }

    /// `dict.valsidx`: each key's first entry index, then the entry count.
    pub(crate) fn vals_idx(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(4 * (self.len() + 1));
        for s in &self.starts {
            out.extend_from_slice(&s.to_le_bytes());
        }
        out.extend_from_slice(&(self.entry_count() as u32).to_le_bytes());
        out
    }

    /// The map lindera's `PrefixDictionary::serialize_trie` takes.
    pub(crate) fn lindera_map(&self) -> BTreeMap<String, Vec<WordEntry>> {
        let mut map = BTreeMap::new();
        for i in 0..self.len() {
            let start = self.starts[i] as usize * ENTRY_LEN;
            let end = self
                .starts
                .get(i + 1)
                .map_or(self.vals.len(), |&s| s as usize * ENTRY_LEN);
            let entries = self.vals[start..end]
                .chunks_exact(ENTRY_LEN)
                .map(|b| {
                    WordEntry::new(
                        WordId::new(
                            LexType::System,
                            u32::from_le_bytes([b[0], b[1], b[2], b[3]]),
                        ),
                        i16::from_le_bytes([b[4], b[5]]),
                        u16::from_le_bytes([b[6], b[7]]),
                        u16::from_le_bytes([b[8], b[9]]),
                    )
                })
                .collect();
            map.insert(self.key(i).to_string(), entries);
        }
        map
    }

    /// `dict.vals`.
    pub(crate) fn into_vals(self) -> Vec<u8> {
        self.vals
    }
}
