//! RFC 8785 canonicalisation and the evidence hash chain (issue 6, "Fuzzing"):
//! - canonical(parse(canonical(x))) == canonical(x) for any JSON the parser accepts;
//! - verification of arbitrary bytes as a log never panics;
//! - a mutation of the intact, sealed test log (`tests/evidence/chain/intact`) that changes its
//!   canonical form is never accepted as valid.
use arbitrary::{Arbitrary, Unstructured};
use patrol_evidence::{canonical_json, parse_jsonl, verify, VerifyOptions};
use serde_json::Value;

const INTACT: &str = include_str!("../../tests/evidence/chain/intact/log.jsonl");

#[derive(Arbitrary, Debug)]
pub enum Leaf {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
}

impl Leaf {
    fn value(self) -> Value {
        match self {
            Leaf::Null => Value::Null,
            Leaf::Bool(b) => Value::Bool(b),
            Leaf::Int(i) => Value::from(i),
            Leaf::Float(f) => serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number),
            Leaf::Str(s) => Value::String(s),
        }
    }
}

#[derive(Arbitrary, Debug)]
pub enum Mutation {
    /// Replace the n-th node (in document order) of an entry with a leaf.
    Replace {
        entry: usize,
        node: usize,
        leaf: Leaf,
    },
    /// Add a member to the n-th object of an entry.
    AddMember {
        entry: usize,
        node: usize,
        key: String,
        leaf: Leaf,
    },
    /// Remove the n-th member of an entry (its first level).
    RemoveMember {
        entry: usize,
        member: usize,
    },
    RemoveEntry {
        entry: usize,
    },
    SwapEntries {
        a: usize,
        b: usize,
    },
    DuplicateEntry {
        entry: usize,
        at: usize,
    },
    /// Keep the first n entries.
    Truncate {
        keep: usize,
    },
}

#[derive(Arbitrary, Debug)]
pub enum Input<'a> {
    /// Any bytes: as JSON for the round trip, as a JSON Lines log for verification.
    Raw(&'a [u8]),
    /// Mutations applied to the intact log, in order.
    Mutate(Vec<Mutation>),
}

/// What the mutated log came to.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Not a mutation input, or the mutations left nothing to write out.
    NotMutated,
    /// The log still reads the same, and verifies.
    Unchanged,
    /// The log changed, and verification refused it.
    Refused,
}

/// Runs one fuzz input: panics if a changed log verifies, or an unchanged one does not.
pub fn run(data: &[u8]) -> Verdict {
    let verdict = match Input::arbitrary_take_rest(Unstructured::new(data)) {
        Ok(Input::Raw(bytes)) => {
            raw(bytes);
            Verdict::NotMutated
        }
        Ok(Input::Mutate(ms)) => mutate(ms),
        Err(_) => Verdict::NotMutated,
    };
    // The whole input as raw bytes too, so that plain JSON seeds are exercised directly.
    raw(data);
    verdict
}

fn raw(bytes: &[u8]) {
    if let Ok(v) = serde_json::from_slice::<Value>(bytes) {
        if let Ok(c) = canonical_json(&v) {
            let again: Value = serde_json::from_str(&c).expect("canonical JSON parses");
            let c2 = canonical_json(&again).expect("canonical JSON canonicalises again");
            assert_eq!(c, c2, "canonical form is not a fixed point");
        }
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        if let Ok(log) = parse_jsonl(text) {
            for require_seal in [false, true] {
                let _ = verify(
                    &log,
                    &VerifyOptions {
                        require_seal,
                        anchor: None,
                    },
                    None,
                );
            }
        }
    }
}

/// Visits every node of `v` in document order, calling `f` with a mutable reference and its index.
fn nth_node(v: &mut Value, n: &mut usize, f: &mut dyn FnMut(&mut Value) -> bool) -> bool {
    if *n == 0 {
        return f(v);
    }
    *n -= 1;
    match v {
        Value::Array(items) => items.iter_mut().any(|x| nth_node(x, n, f)),
        Value::Object(map) => map.values_mut().any(|x| nth_node(x, n, f)),
        _ => false,
    }
}

fn mutate(ms: Vec<Mutation>) -> Verdict {
    let original = parse_jsonl(INTACT).expect("the intact log parses");
    let opts = VerifyOptions::default();
    verify(&original, &opts, None).expect("the intact log verifies");
    let mut log = original.clone();
    for m in ms.into_iter().take(8) {
        let len = log.len().max(1);
        match m {
            Mutation::Replace { entry, node, leaf } => {
                if let Some(e) = log.get_mut(entry % len) {
                    let mut leaf = Some(leaf);
                    let mut n = node % 256;
                    nth_node(e, &mut n, &mut |v| {
                        *v = leaf.take().map_or(Value::Null, Leaf::value);
                        true
                    });
                }
            }
            Mutation::AddMember {
                entry,
                node,
                key,
                leaf,
            } => {
                if let Some(e) = log.get_mut(entry % len) {
                    let mut add = Some((key, leaf));
                    let mut n = node % 256;
                    nth_node(e, &mut n, &mut |v| match (v, add.take()) {
                        (Value::Object(map), Some((k, l))) => {
                            map.insert(k, l.value());
                            true
                        }
                        _ => false,
                    });
                }
            }
            Mutation::RemoveMember { entry, member } => {
                if let Some(Value::Object(map)) = log.get_mut(entry % len) {
                    if !map.is_empty() {
                        let key = map.keys().nth(member % map.len()).cloned();
                        if let Some(k) = key {
                            map.shift_remove(&k);
                        }
                    }
                }
            }
            Mutation::RemoveEntry { entry } => {
                if !log.is_empty() {
                    log.remove(entry % len);
                }
            }
            Mutation::SwapEntries { a, b } => {
                if !log.is_empty() {
                    log.swap(a % len, b % len);
                }
            }
            Mutation::DuplicateEntry { entry, at } => {
                if let Some(e) = log.get(entry % len).cloned() {
                    log.insert(at % (log.len() + 1), e);
                }
            }
            Mutation::Truncate { keep } => log.truncate(keep % (len + 1)),
        }
    }
    let canon =
        |l: &[Value]| -> Option<Vec<String>> { l.iter().map(|e| canonical_json(e).ok()).collect() };
    let Some(lines) = canon(&log) else {
        // No canonical form (an unsafe integer): such a log cannot even be written; refused.
        assert!(
            verify(&log, &opts, None).is_err(),
            "a log without canonical form was accepted"
        );
        return Verdict::Refused;
    };
    // Verified as it would be read from a file: the mutated log written out and parsed again.
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    let Ok(reread) = parse_jsonl(&text) else {
        return Verdict::NotMutated;
    };
    let changed = Some(lines) != canon(&original);
    let result = verify(&reread, &opts, None);
    if changed {
        assert!(
            result.is_err(),
            "a mutated log was accepted as valid:\n{text}"
        );
        Verdict::Refused
    } else {
        assert!(result.is_ok(), "an unchanged log was refused: {result:?}");
        Verdict::Unchanged
    }
}
