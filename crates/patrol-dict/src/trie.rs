//! A port of the double-array construction of crawdad 0.4.1 (the version
//! lindera 6.2 pins with `=0.4.1`; crawdad is MIT OR Apache-2.0), producing
//! the same `Trie::serialize_to_vec` bytes that lindera's
//! `PrefixDictionary::serialize_trie` writes to `dict.trie`.
//!
//! Why a port: crawdad spends nearly all of its build time in `find_base`,
//! a first-fit search of the free list for a place where a node's children
//! fit. That search alone made loading the compact dictionary take ~0.3 s.
//! The encoder runs the search once ([`Bases::Search`]) and records, for
//! every internal node, where it found the place — as an offset from the
//! free-list head, usually a small number. The decoder replays the build with
//! those answers ([`Bases::Replay`]) in linear time. Every replayed answer is
//! validated (the children's slots must be free), so bad bytes give an error.
//!
//! The encoder checks the port against lindera's own `serialize_trie` on
//! every build, and the golden test compares `dict.trie` byte for byte.

use crate::codec::{put_varint, Reader};
use crate::error::DictError;

const OFFSET_MASK: u32 = 0x7fff_ffff;
const INVALID_IDX: u32 = 0xffff_ffff;
const INVALID_CODE: u32 = u32::MAX;
const END_CODE: u32 = 0;
const END_MARKER: char = '\u{ffff}';
const NUM_FREE_BLOCKS: u32 = 16;

/// How each internal node's `base` is chosen.
pub(crate) enum Bases<'a, 'b> {
    /// crawdad's first-fit search; the choices are appended to the vector as
    /// zigzag varints of `found - reference` (see [`Builder::reference`]).
    Search(&'b mut Vec<u8>),
    /// Replays choices recorded by `Search`.
    Replay(&'b mut Reader<'a>),
}

#[derive(Clone, Copy, Default)]
struct Node {
    base: u32,
    check: u32,
}

/// Keys stored flat; `ends[i]` is one past key `i`'s last char, which is
/// `END_MARKER` when key `i` is a proper prefix of key `i + 1` (crawdad's
/// `make_prefix_free`).
struct Keys {
    chars: Vec<char>,
    ends: Vec<usize>,
}

impl Keys {
    fn start(&self, i: usize) -> usize {
        if i == 0 {
            0
        } else {
            self.ends[i - 1]
        }
    }
    fn len(&self, i: usize) -> usize {
        self.ends[i] - self.start(i)
    }
    fn at(&self, i: usize, depth: usize) -> char {
        self.chars[self.start(i) + depth]
    }
}

struct Builder {
    keys: Keys,
    table: Vec<u32>,
    alphabet_size: u32,
    nodes: Vec<Node>,
    labels: Vec<u32>,
    head_idx: u32,
    block_len: u32,
    max_nodes: u64,
}

fn err(msg: &str) -> DictError {
    DictError::corrupt(format!("trie: {msg}"))
}

/// Builds the crawdad trie of `keys` (already sorted, distinct, non-empty,
/// no `U+FFFF`; each key's value is its position) and serializes it like
/// `crawdad::Trie::serialize_to_vec`.
pub(crate) fn build<'s, I>(keys: I, bases: Bases<'_, '_>) -> Result<Vec<u8>, DictError>
where
    I: IntoIterator<Item = &'s str>,
{
    let mut flat = Keys {
        chars: Vec::new(),
        ends: Vec::new(),
    };
    let mut freqs: Vec<u32> = vec![0; END_MARKER as usize + 1];
    let mut prev: Option<(usize, usize)> = None;
    for key in keys {
        let start = flat.chars.len();
        flat.chars.extend(key.chars());
        let end = flat.chars.len();
        if start == end {
            return Err(err("empty key"));
        }
        for &c in &flat.chars[start..end] {
            if c == END_MARKER {
                return Err(err("key contains U+FFFF"));
            }
            let c = c as usize;
            if freqs.len() <= c {
                freqs.resize(c + 1, 0);
            }
            freqs[c] += 1;
        }
        if let Some((ps, pe)) = prev {
            // make_prefix_free: keys must ascend; a key that is a prefix of
            // the next one gets END_MARKER appended.
            let (a, b) = (&flat.chars[ps..pe], &flat.chars[start..end]);
            let lcp = a.iter().zip(b).take_while(|(x, y)| x == y).count();
            let order = if lcp < a.len().min(b.len()) {
                a[lcp].cmp(&b[lcp])
            } else {
                a.len().cmp(&b.len())
            };
            if order != std::cmp::Ordering::Less {
                return Err(err("keys are not strictly ascending"));
            }
            if lcp == a.len() {
                // Insert END_MARKER between the previous key and this one.
                flat.chars.insert(start, END_MARKER);
                if let Some(last) = flat.ends.last_mut() {
                    *last += 1;
                }
                flat.ends.push(end + 1);
                prev = Some((start + 1, end + 1));
                continue;
            }
        }
        flat.ends.push(end);
        prev = Some((start, end));
    }
    if flat.ends.is_empty() {
        return Err(err("no keys"));
    }
    if flat.ends.len() > OFFSET_MASK as usize {
        return Err(err("too many keys"));
    }
    freqs[END_MARKER as usize] = u32::MAX;

    // CodeMapper::new: codes by descending frequency, ties by char.
    let mut sorted: Vec<(usize, u32)> = freqs
        .iter()
        .enumerate()
        .filter(|(_, &f)| f != 0)
        .map(|(c, &f)| (c, f))
        .collect();
    sorted.sort_unstable_by(|(c1, f1), (c2, f2)| f2.cmp(f1).then_with(|| c1.cmp(c2)));
    let mut table = vec![INVALID_CODE; freqs.len()];
    for (i, &(c, _)) in sorted.iter().enumerate() {
        table[c] = i as u32;
    }
    let alphabet_size = sorted.len() as u32;
    let block_len = alphabet_size.next_power_of_two().max(2);

    // A generous bound on the array a first-fit build can reach (IPADIC
    // uses ~1.3 nodes per trie node); it stops a crafted replay from
    // growing the array without limit.
    let max_nodes = 4 * (flat.chars.len() as u64 + 1) + 4 * u64::from(block_len);

    let mut b = Builder {
        keys: flat,
        table,
        alphabet_size,
        nodes: Vec::new(),
        labels: Vec::new(),
        head_idx: 0,
        block_len,
        max_nodes,
    };
    b.init_array();
    b.arrange_all(bases)?;
    b.finish();
    Ok(b.serialize())
}

impl Builder {
    fn code(&self, c: char) -> u32 {
        // Every char of every key has a code by construction.
        self.table.get(c as usize).copied().unwrap_or(INVALID_CODE)
    }

    fn num_nodes(&self) -> u32 {
        self.nodes.len() as u32
    }

    fn init_array(&mut self) {
        self.nodes.clear();
        self.nodes.resize(self.block_len as usize, Node::default());
        for i in 0..self.block_len {
            self.set_prev(i, if i == 0 { self.block_len - 1 } else { i - 1 });
            self.set_next(i, if i == self.block_len - 1 { 0 } else { i + 1 });
        }
        self.head_idx = 0;
        self.fix_node(0);
    }

    /// crawdad's recursive `arrange_nodes`, with an explicit stack (same
    /// pre-order) so that long keys cannot overflow the call stack.
    fn arrange_all(&mut self, mut bases: Bases<'_, '_>) -> Result<(), DictError> {
        let mut stack: Vec<(usize, usize, usize, u32)> = vec![(0, self.keys.ends.len(), 0, 0)];
        let mut children: Vec<(usize, usize, u32)> = Vec::new();
        while let Some((spos, epos, depth, node_idx)) = stack.pop() {
            if self.keys.len(spos) == depth {
                // A leaf: the record's value (its position) with the MSB set.
                self.nodes[node_idx as usize].base = spos as u32 | !OFFSET_MASK;
                continue;
            }

            // fetch_labels
            self.labels.clear();
            children.clear();
            let mut i1 = spos;
            let mut c1 = self.keys.at(spos, depth);
            for i2 in spos + 1..epos {
                let c2 = self.keys.at(i2, depth);
                if c1 != c2 {
                    let code = self.code(c1);
                    self.labels.push(code);
                    children.push((i1, i2, code));
                    i1 = i2;
                    c1 = c2;
                }
            }
            let code = self.code(c1);
            self.labels.push(code);
            children.push((i1, epos, code));

            let base = self.define_nodes(node_idx, &mut bases)?;
            for &(s, e, code) in children.iter().rev() {
                stack.push((s, e, depth + 1, base ^ code));
            }
        }
        if let Bases::Replay(r) = bases {
            r.finish()?;
        }
        Ok(())
    }

    /// Where `find_base`'s offsets are measured from.
    fn reference(&self) -> u32 {
        if self.head_idx == INVALID_IDX {
            self.num_nodes()
        } else {
            self.head_idx
        }
    }

    fn define_nodes(&mut self, node_idx: u32, bases: &mut Bases<'_, '_>) -> Result<u32, DictError> {
        let label0 = self.labels[0];
        let base = match bases {
            Bases::Search(out) => {
                let base = self.find_base();
                let found = i64::from(base ^ label0);
                let delta = found - i64::from(self.reference());
                put_varint(out, ((delta << 1) ^ (delta >> 63)) as u64);
                base
            }
            Bases::Replay(r) => {
                let z = r.varint()?;
                let delta = ((z >> 1) as i64) ^ -((z & 1) as i64);
                let found = i64::from(self.reference()) + delta;
                if found < 0 || found > i64::from(self.num_nodes()) {
                    return Err(err("base hint points outside the array"));
                }
                (found as u32) ^ label0
            }
        };
        if base >= self.num_nodes() {
            self.enlarge()?;
        }
        if let Bases::Replay(_) = bases {
            if (base as usize) >= self.nodes.len() || !self.verify_base(base) {
                return Err(err("base hint collides with placed nodes"));
            }
        }

        self.nodes[node_idx as usize].base = base;
        for i in 0..self.labels.len() {
            let child_idx = base ^ self.labels[i];
            self.fix_node(child_idx);
            self.nodes[child_idx as usize].check = node_idx;
        }
        Ok(base)
    }

    fn find_base(&self) -> u32 {
        let label0 = self.labels[0];
        if self.head_idx == INVALID_IDX {
            return self.num_nodes() ^ label0;
        }
        let mut node_idx = self.head_idx;
        loop {
            let base = node_idx ^ label0;
            if self.verify_base(base) {
                return base;
            }
            node_idx = self.get_next(node_idx);
            if node_idx == self.head_idx {
                break;
            }
        }
        self.num_nodes() ^ label0
    }

    fn verify_base(&self, base: u32) -> bool {
        self.labels.iter().all(|&label| {
            let idx = (base ^ label) as usize;
            idx < self.nodes.len() && !self.is_fixed(idx as u32)
        })
    }

    fn fix_node(&mut self, node_idx: u32) {
        let next = self.get_next(node_idx);
        let prev = self.get_prev(node_idx);
        self.set_next(prev, next);
        self.set_prev(next, prev);
        // set_fixed
        let node = &mut self.nodes[node_idx as usize];
        node.base = INVALID_IDX;
        node.check &= OFFSET_MASK;
        if self.head_idx == node_idx {
            self.head_idx = if next == node_idx { INVALID_IDX } else { next };
        }
    }

    fn enlarge(&mut self) -> Result<(), DictError> {
        let old_len = self.num_nodes();
        let new_len = old_len + self.block_len;
        if OFFSET_MASK < new_len || u64::from(new_len) > self.max_nodes {
            return Err(err("the array grows beyond its bound"));
        }
        let num_blocks = old_len / self.block_len;
        if NUM_FREE_BLOCKS <= num_blocks {
            self.close_block(num_blocks - NUM_FREE_BLOCKS);
        }
        for i in old_len..new_len {
            self.nodes.push(Node::default());
            self.set_next(i, i + 1);
            self.set_prev(i, i - 1);
        }
        if self.head_idx == INVALID_IDX {
            self.set_prev(old_len, new_len - 1);
            self.set_next(new_len - 1, old_len);
            self.head_idx = old_len;
        } else {
            let head_idx = self.head_idx;
            let tail_idx = self.get_prev(head_idx);
            self.set_prev(old_len, tail_idx);
            self.set_next(tail_idx, old_len);
            self.set_next(new_len - 1, head_idx);
            self.set_prev(head_idx, new_len - 1);
        }
        Ok(())
    }

    fn close_block(&mut self, block_idx: u32) {
        let end_idx = block_idx * self.block_len + self.block_len;
        while self.head_idx < end_idx {
            let idx = self.head_idx;
            self.fix_node(idx);
            self.nodes[idx as usize] = Node {
                base: OFFSET_MASK,
                check: OFFSET_MASK,
            };
        }
    }

    fn finish(&mut self) {
        self.nodes[0].check = OFFSET_MASK;
        if self.head_idx != INVALID_IDX {
            let mut node_idx = self.head_idx;
            loop {
                let next_idx = self.get_next(node_idx);
                self.nodes[node_idx as usize] = Node {
                    base: OFFSET_MASK,
                    check: OFFSET_MASK,
                };
                node_idx = next_idx;
                if node_idx == self.head_idx {
                    break;
                }
            }
        }
        for node_idx in 0..self.num_nodes() {
            let node = self.nodes[node_idx as usize];
            let vacant = node.base == OFFSET_MASK && node.check == OFFSET_MASK;
            let leaf = node.base & !OFFSET_MASK != 0;
            if vacant || leaf {
                continue;
            }
            let end_idx = (node.base ^ END_CODE) as usize;
            if self.nodes.get(end_idx).is_some_and(|n| n.check == node_idx) {
                self.nodes[node_idx as usize].check |= !OFFSET_MASK;
            }
        }
    }

    fn serialize(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(12 + 4 * self.table.len() + 8 * self.nodes.len());
        out.extend_from_slice(&(self.table.len() as u32).to_le_bytes());
        for x in &self.table {
            out.extend_from_slice(&x.to_le_bytes());
        }
        out.extend_from_slice(&self.alphabet_size.to_le_bytes());
        out.extend_from_slice(&self.num_nodes().to_le_bytes());
        for n in &self.nodes {
            out.extend_from_slice(&n.base.to_le_bytes());
            out.extend_from_slice(&n.check.to_le_bytes());
        }
        out
    }

    fn is_fixed(&self, i: u32) -> bool {
        self.nodes[i as usize].check & !OFFSET_MASK == 0
    }
    fn get_next(&self, i: u32) -> u32 {
        self.nodes[i as usize].base & OFFSET_MASK
    }
    fn get_prev(&self, i: u32) -> u32 {
        self.nodes[i as usize].check & OFFSET_MASK
    }
    fn set_next(&mut self, i: u32, x: u32) {
        self.nodes[i as usize].base = x | !OFFSET_MASK;
    }
    fn set_prev(&mut self, i: u32, x: u32) {
        self.nodes[i as usize].check = x | !OFFSET_MASK;
    }
}
