//! The normaliser on arbitrary text (issue 6, "Fuzzing"): it never fails, and every normalised
//! character maps back to a non-empty, in-order span of the original, so that an evidence
//! highlight always lands on what the officer sees.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use patrol::normalize::{normalize, SymbolTable};

#[derive(Arbitrary, Debug)]
struct Input<'a> {
    /// The analyzer's own symbol table (🍓 → 苺 …), or one made of arbitrary entries.
    own_symbols: Option<Vec<(char, String)>>,
    /// The text, as raw bytes read leniently (as a page with broken UTF-8 would be).
    bytes: &'a [u8],
}

// The dictionary (or the profiles) load before the first input, outside its time limit.
fuzz_target!(init: {
    let _ = patrol_fuzz::analyzer();
}, |input: Input<'_>| {
    let text = String::from_utf8_lossy(input.bytes);
    let table;
    let symbols = match input.own_symbols {
        Some(entries) => {
            table = SymbolTable::new(entries);
            &table
        }
        None => &patrol_fuzz::analyzer().rules().symbols,
    };
    check(&text, symbols);
});

fn check(original: &str, symbols: &SymbolTable) {
    let n = normalize(original, symbols);
    let orig_len = original.chars().count();
    assert_eq!(n.original_char_len(), orig_len, "original length");
    assert_eq!(n.char_len(), n.text().chars().count(), "normalised length");
    let text = n.text();
    let mut prev = (0, 0);
    for (i, (byte, _)) in text.char_indices().enumerate() {
        assert_eq!(n.byte_at_char(i), byte, "byte offset of char {i}");
        assert_eq!(n.char_at_byte(byte), i, "char of byte offset {byte}");
        let (s, e) = n.source_span(i, i + 1);
        assert!(
            s < e && e <= orig_len,
            "char {i} maps to [{s}, {e}) of {orig_len} chars"
        );
        assert!(
            s >= prev.0,
            "char {i} maps to [{s}, {e}), before the previous char's {prev:?}"
        );
        prev = (s, e);
    }
    assert_eq!(n.byte_at_char(n.char_len()), text.len(), "end offset");
    // Any span, as the matcher asks for it (including empty and past-the-end ones).
    let len = n.char_len();
    for start in [0, len / 3, len / 2, len.saturating_sub(1), len, len + 1] {
        for end in [start, start + 1, len, len + 2] {
            let (s, e) = n.source_span(start, end);
            assert!(
                s <= e && e <= orig_len,
                "span [{start}, {end}) maps to [{s}, {e}) of {orig_len}"
            );
        }
    }
}
