//! Round trips on small synthetic dictionaries, and corrupt input.

use std::collections::BTreeMap;
use std::path::PathBuf;

use lindera::mode::Mode;
use lindera::segmenter::Segmenter;
use lindera_dictionary::builder::DictionaryBuilder;
use lindera_dictionary::dictionary::metadata::Metadata;
use lindera_dictionary::dictionary::prefix_dictionary::PrefixDictionary;
use lindera_dictionary::dictionary::schema::Schema;
use lindera_dictionary::dictionary::Dictionary;
use lindera_dictionary::viterbi::{LexType, WordEntry, WordId};

use crate::codec::crc32;
use crate::{
    encode, load, load_parts, DictErrorKind, EncodeInput, SourceEntry, DETAIL_FIELDS,
    FORMAT_VERSION, HEADER_LEN, IPADIC_FIELDS, MAGIC,
};

fn schema_fields() -> Vec<String> {
    IPADIC_FIELDS.iter().map(|s| s.to_string()).collect()
}

fn test_metadata() -> Metadata {
    Metadata::new(
        "tiny".to_string(),
        "UTF-8".to_string(),
        -10000,
        0,
        0,
        "*".to_string(),
        true,
        false,
        false,
        Schema::new(schema_fields()),
        Schema::new(vec![
            "surface".into(),
            "part_of_speech".into(),
            "reading".into(),
        ]),
    )
}

/// A row as it would appear in an IPADIC CSV file.
fn row(line: &str) -> SourceEntry {
    let f: Vec<&str> = line.split(',').collect();
    SourceEntry {
        surface: f[0].to_string(),
        left_id: f[1].parse().unwrap(),
        right_id: f[2].parse().unwrap(),
        cost: f[3].parse().unwrap(),
        details: f[4..].iter().map(|s| s.to_string()).collect(),
    }
}

/// Rows of a tiny dictionary. They cover: prefix keys (食べ / 食べる / 食べ物), several entries per
/// surface, okurigana readings, a kana key whose reading is its katakana, a
/// reading with a non-kana char, a left id different from the right id, two
/// POS tuples under one context id, a supplementary-plane key and
/// half-width katakana.
const CSV: &str = "\
0,4,4,3000,名詞,数,*,*,*,*,0,ゼロ,ゼロ
ABC,4,4,3500,名詞,固有名詞,組織,*,*,*,ABC,エービーシー,エービーシー
いる,2,2,1200,動詞,自立,*,*,一段,基本形,いる,イル,イル
いる,3,3,1500,動詞,自立,*,*,五段・ラ行,基本形,いる,イル,イル
が,1,1,100,助詞,格助詞,一般,*,*,*,が,ガ,ガ
が,1,1,120,助詞,接続助詞,*,*,*,*,が,ガ,ガ
すもも,4,4,2000,名詞,一般,*,*,*,*,すもも,スモモ,スモモ
ｶﾀｶﾅ,4,4,2500,名詞,一般,*,*,*,*,ｶﾀｶﾅ,カタカナ,カタカナ
食べ,2,2,2200,動詞,自立,*,*,一段,連用形,食べる,タベ,タベ
食べる,2,2,2100,動詞,自立,*,*,一段,基本形,食べる,タベル,タベル
食べ物,4,3,2300,名詞,一般,*,*,*,*,食べ物,タベモノ,タベモノ
東京,4,4,1800,名詞,固有名詞,地域,一般,*,*,東京,トウキョウ,トーキョー
東京タワー,4,4,1900,名詞,固有名詞,一般,*,*,*,東京タワー,トウキョウタワー,トーキョータワー
桃,4,4,2600,名詞,一般,*,*,*,*,桃,モモ,モモ
🍑,4,4,4000,名詞,一般,*,*,*,*,🍑,モモ・エモジ,モモ
";

const CHAR_DEF: &str = "\
DEFAULT 0 1 0
SPACE 0 1 0
KANJI 0 0 2
SYMBOL 1 1 0
NUMERIC 1 1 0
ALPHA 1 1 0
HIRAGANA 0 1 2
KATAKANA 1 1 2
0x0020 SPACE
0x0021..0x002F SYMBOL
0x0030..0x0039 NUMERIC
0x0041..0x005A ALPHA
0x0061..0x007A ALPHA
0x3041..0x309F HIRAGANA
0x30A1..0x30FF KATAKANA
0xFF66..0xFF9D KATAKANA
0x4E00..0x9FFF KANJI
";

const UNK_DEF: &str = "\
DEFAULT,4,4,5000,記号,一般,*,*,*,*,*
SPACE,4,4,5000,記号,空白,*,*,*,*,*
KANJI,4,4,6000,名詞,一般,*,*,*,*,*
SYMBOL,4,4,5000,記号,一般,*,*,*,*,*
NUMERIC,4,4,5000,名詞,数,*,*,*,*,*
ALPHA,4,4,5000,名詞,固有名詞,組織,*,*,*,*
HIRAGANA,4,4,6000,名詞,一般,*,*,*,*,*
KATAKANA,4,4,5000,名詞,一般,*,*,*,*,*
";

/// A unique scratch directory under the system temp dir.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "patrol-dict-test-{}-{name}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Builds the tiny dictionary with lindera and encodes it.
struct Tiny {
    dir: PathBuf,
    entries: Vec<SourceEntry>,
    compact: Vec<u8>,
}

impl Tiny {
    fn file(&self, name: &str) -> Vec<u8> {
        std::fs::read(self.dir.join("out").join(name)).unwrap()
    }
}

impl Drop for Tiny {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn tiny(name: &str) -> Tiny {
    let dir = scratch(name);
    let src = dir.join("src");
    let out = dir.join("out");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(src.join("words.csv"), CSV).unwrap();
    std::fs::write(src.join("char.def"), CHAR_DEF).unwrap();
    std::fs::write(src.join("unk.def"), UNK_DEF).unwrap();
    let mut matrix = String::from("5 5\n");
    for r in 0..5i32 {
        for l in 0..5i32 {
            matrix.push_str(&format!("{r} {l} {}\n", (r * 37 - l * 101) * 3));
        }
    }
    std::fs::write(src.join("matrix.def"), matrix).unwrap();

    let metadata = test_metadata();
    DictionaryBuilder::new(metadata.clone())
        .build_dictionary(&src, &out)
        .unwrap();

    // Word-id order: lindera's stable sort by surface.
    let mut entries: Vec<SourceEntry> = CSV.lines().map(row).collect();
    entries.sort_by(|a, b| a.surface.cmp(&b.surface));
    let read = |n: &str| std::fs::read(out.join(n)).unwrap();
    let (matrix_mtx, char_def, unk) = (read("matrix.mtx"), read("char_def.bin"), read("unk.bin"));
    let compact = encode(&EncodeInput {
        entries: &entries,
        metadata: &metadata,
        matrix_mtx: &matrix_mtx,
        char_def: &char_def,
        unknown_dictionary: &unk,
    })
    .unwrap();
    Tiny {
        dir,
        entries,
        compact,
    }
}

fn records(idx: &[u8], words: &[u8]) -> Vec<String> {
    idx.chunks_exact(4)
        .map(|c| {
            let off = u32::from_le_bytes([c[0], c[1], c[2], c[3]]) as usize;
            let len = u32::from_le_bytes(words[off..off + 4].try_into().unwrap()) as usize;
            String::from_utf8(words[off + 4..off + 4 + len].to_vec()).unwrap()
        })
        .collect()
}

#[test]
fn round_trip_matches_lindera_build() {
    let t = tiny("round-trip");
    let parts = load_parts(&t.compact).unwrap();
    assert_eq!(parts.trie, t.file("dict.trie"), "dict.trie");
    assert_eq!(parts.vals_idx, t.file("dict.valsidx"), "dict.valsidx");
    assert_eq!(parts.vals, t.file("dict.vals"), "dict.vals");
    assert_eq!(parts.matrix_mtx, t.file("matrix.mtx"), "matrix.mtx");
    assert_eq!(parts.char_def, t.file("char_def.bin"), "char_def.bin");
    assert_eq!(parts.unknown_dictionary, t.file("unk.bin"), "unk.bin");

    let full = records(&t.file("dict.wordsidx"), &t.file("dict.words"));
    let ours = records(&parts.words_idx, &parts.words);
    assert_eq!(full.len(), t.entries.len());
    assert_eq!(ours.len(), t.entries.len());
    for (f, o) in full.iter().zip(&ours) {
        let want: Vec<&str> = f.split('\0').take(DETAIL_FIELDS).collect();
        assert_eq!(o.split('\0').collect::<Vec<_>>(), want);
    }

    let metadata = Metadata::load(&parts.metadata_json).unwrap();
    assert_eq!(
        metadata.dictionary_schema.get_custom_fields().len(),
        DETAIL_FIELDS
    );
    assert_eq!(
        metadata.dictionary_schema.get_field_index("pronunciation"),
        None
    );
    assert_eq!(
        metadata.dictionary_schema.get_field_index("reading"),
        Some(11)
    );
}

#[test]
fn encoding_is_deterministic() {
    let a = tiny("det-a");
    let b = tiny("det-b");
    assert_eq!(a.compact, b.compact);
}

#[test]
fn loaded_dictionary_looks_up_like_lindera() {
    let t = tiny("lookup");
    let ours = load(&t.compact).unwrap();
    let full = Dictionary::load_from_path(&t.dir.join("out")).unwrap();
    for text in [
        "東京タワーで食べる",
        "すももも桃も",
        "🍑ｶﾀｶﾅABC0",
        "いるが",
        "未知語",
    ] {
        let chars: Vec<char> = text.chars().collect();
        for start in 0..chars.len() {
            let a: Vec<(Vec<u8>, usize)> = ours
                .prefix_dictionary
                .common_prefix_search(&chars[start..])
                .map(|(bytes, len)| (bytes.to_vec(), len))
                .collect();
            let b: Vec<(Vec<u8>, usize)> = full
                .prefix_dictionary
                .common_prefix_search(&chars[start..])
                .map(|(bytes, len)| (bytes.to_vec(), len))
                .collect();
            assert_eq!(a, b, "prefix search at {start} of {text}");
        }
    }
    for id in 0..t.entries.len() {
        let full_details = full.word_details(id);
        assert_eq!(
            ours.word_details(id),
            full_details[..DETAIL_FIELDS].to_vec()
        );
    }
    assert_eq!(ours.unknown_word_details(0), full.unknown_word_details(0));
}

/// lindera's builder logic over arbitrary rows: surface → entries in row order.
fn reference_map(entries: &[SourceEntry]) -> BTreeMap<String, Vec<WordEntry>> {
    let mut map: BTreeMap<String, Vec<WordEntry>> = BTreeMap::new();
    for (i, e) in entries.iter().enumerate() {
        if e.surface.is_empty() {
            continue;
        }
        map.entry(e.surface.clone())
            .or_default()
            .push(WordEntry::new(
                WordId::new(LexType::System, i as u32),
                e.cost,
                e.left_id,
                e.right_id,
            ));
    }
    map
}

fn synthetic_matrix(forward: i16, backward: i16) -> Vec<u8> {
    let mut out = Vec::new();
    for v in [-1i16, forward, backward] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    let specials = [i16::MIN, i16::MAX, 0, -1, 1, 12345, -23456];
    for i in 0..(forward as usize * backward as usize) {
        let v = if i % 5 == 0 {
            specials[i % specials.len()]
        } else {
            (i as i16).wrapping_mul(7919)
        };
        out.extend_from_slice(&v.to_le_bytes());
    }
    out
}

fn synthetic_input_parts() -> (Vec<SourceEntry>, Metadata, Vec<u8>) {
    // Unsorted keys, a key repeated non-adjacently, a row without a trie key,
    // and readings/base forms unrelated to the surface.
    let lines = [
        "さくら,7,7,10,名詞,一般,*,*,*,*,さくら,サクラ,サクラ",
        "あめ,3,3,20,名詞,一般,*,*,*,*,雨,アメ,アメ",
        "さくら,7,8,30,名詞,固有名詞,人名,名,*,*,さくら,サクラ,サクラ",
        ",9,9,40,記号,空白,*,*,*,*,　,　,　",
        "走っ,2,2,50,動詞,自立,*,*,五段・ラ行,連用タ接続,走る,ハシッ,ハシッ",
        "Ｘ線,4,4,60,名詞,一般,*,*,*,*,Ｘ線,エックスセン,エックスセン",
        "あ,1,1,70,感動詞,*,*,*,*,*,あ,ア,ア",
        "あめ,3,3,80,名詞,一般,*,*,*,*,飴,アメ,アメ",
        "ゔ,1,1,90,感動詞,*,*,*,*,*,ゔ,*,*",
    ];
    let entries: Vec<SourceEntry> = lines.iter().map(|l| row(l)).collect();
    (entries, test_metadata(), synthetic_matrix(10, 12))
}

fn synthetic() -> (Vec<SourceEntry>, Vec<u8>) {
    let (entries, metadata, matrix) = synthetic_input_parts();
    let compact = encode(&EncodeInput {
        entries: &entries,
        metadata: &metadata,
        matrix_mtx: &matrix,
        char_def: b"char-def bytes",
        unknown_dictionary: b"unk bytes",
    })
    .unwrap();
    (entries, compact)
}

#[test]
fn round_trip_of_unsorted_rows_matches_lindera_indexing() {
    let (entries, compact) = synthetic();
    let parts = load_parts(&compact).unwrap();
    let map = reference_map(&entries);
    let (trie, vals_idx) = PrefixDictionary::serialize_trie(&map).unwrap();
    assert_eq!(parts.trie, trie);
    assert_eq!(parts.vals_idx, vals_idx);
    let mut vals = Vec::new();
    for e in map.values().flatten() {
        vals.extend_from_slice(&e.word_id().id().to_le_bytes());
        vals.extend_from_slice(&e.word_cost().to_le_bytes());
        vals.extend_from_slice(&(e.left_id() as u16).to_le_bytes());
        vals.extend_from_slice(&(e.right_id() as u16).to_le_bytes());
    }
    assert_eq!(parts.vals, vals);
    assert_eq!(parts.matrix_mtx, synthetic_matrix(10, 12));
    assert_eq!(parts.char_def, b"char-def bytes");
    assert_eq!(parts.unknown_dictionary, b"unk bytes");
    let ours = records(&parts.words_idx, &parts.words);
    for (e, o) in entries.iter().zip(&ours) {
        assert_eq!(*o, e.details[..DETAIL_FIELDS].join("\0"));
    }
}

/// Offsets of the sections' `[tag][len u32]` headers in a container.
fn section_offsets(bytes: &[u8]) -> Vec<([u8; 4], usize)> {
    let mut out = Vec::new();
    let mut pos = HEADER_LEN;
    while pos < bytes.len() {
        let tag: [u8; 4] = bytes[pos..pos + 4].try_into().unwrap();
        let len = u32::from_le_bytes(bytes[pos + 4..pos + 8].try_into().unwrap()) as usize;
        out.push((tag, pos));
        pos += 8 + len;
    }
    out
}

fn read_u32(bytes: &[u8], at: usize) -> usize {
    u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap()) as usize
}

#[test]
fn container_without_trie_hints_falls_back_to_lindera() {
    // Empty the trie-hint block (the last block of the WORD section, which
    // is the last section): the decoder must then build the same trie with
    // lindera's serialize_trie.
    let t = tiny("no-hints");
    let mut bytes = t.compact.clone();
    let (tag, word_at) = *section_offsets(&bytes).last().unwrap();
    assert_eq!(&tag, b"WORD");
    let word_len = read_u32(&bytes, word_at + 4);
    let mut block_at = word_at + 8 + 8; // after the rows and words_len fields
    let mut last_block_at = block_at;
    while block_at < word_at + 8 + word_len {
        last_block_at = block_at;
        block_at += 4 + read_u32(&bytes, block_at);
    }
    let hint_len = read_u32(&bytes, last_block_at);
    assert!(hint_len > 0);
    assert_eq!(last_block_at + 4 + hint_len, bytes.len());
    bytes.truncate(last_block_at + 4);
    bytes[last_block_at..last_block_at + 4].copy_from_slice(&0u32.to_le_bytes());
    bytes[word_at + 4..word_at + 8].copy_from_slice(&((word_len - hint_len) as u32).to_le_bytes());
    let payload_len = (bytes.len() - HEADER_LEN) as u32;
    bytes[12..16].copy_from_slice(&payload_len.to_le_bytes());
    let crc = crc32(&bytes[HEADER_LEN..]);
    bytes[16..20].copy_from_slice(&crc.to_le_bytes());

    let parts = load_parts(&bytes).unwrap();
    assert_eq!(parts.trie, t.file("dict.trie"));
    assert_eq!(parts.vals_idx, t.file("dict.valsidx"));
    assert!(bytes.len() < t.compact.len());
}

#[test]
fn bad_magic_is_an_error() {
    let (_, compact) = synthetic();
    for bytes in [&b""[..], b"PATR", b"not a dictionary at all, just text"] {
        let err = load(bytes).err().unwrap();
        assert_eq!(err.kind(), DictErrorKind::BadMagic, "{err}");
        assert!(err.to_string().contains("magic"), "{err}");
    }
    let mut wrong = compact.clone();
    wrong[0] ^= 0x20;
    assert_eq!(load(&wrong).err().unwrap().kind(), DictErrorKind::BadMagic);
}

#[test]
fn version_mismatch_is_an_error() {
    let (_, mut compact) = synthetic();
    compact[8..10].copy_from_slice(&(FORMAT_VERSION + 1).to_le_bytes());
    let err = load(&compact).err().unwrap();
    assert_eq!(err.kind(), DictErrorKind::UnsupportedVersion);
    assert!(err.to_string().contains("version"), "{err}");
}

#[test]
fn truncation_is_an_error_at_every_length() {
    let (_, compact) = synthetic();
    for len in 0..compact.len() {
        let err = load_parts(&compact[..len]).err().unwrap();
        let expected = if len < MAGIC.len() {
            DictErrorKind::BadMagic
        } else {
            DictErrorKind::Truncated
        };
        assert_eq!(err.kind(), expected, "length {len}: {err}");
    }
    let t = tiny("truncate");
    let n = t.compact.len();
    for len in [n - 1, n / 2, HEADER_LEN, HEADER_LEN + 3] {
        let err = load(&t.compact[..len]).err().unwrap();
        assert_eq!(err.kind(), DictErrorKind::Truncated, "{err}");
        assert!(err.to_string().contains("truncated"), "{err}");
    }
}

#[test]
fn damaged_payload_fails_the_checksum() {
    let t = tiny("crc");
    let mut bytes = t.compact.clone();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x01;
    let err = load(&bytes).err().unwrap();
    assert_eq!(err.kind(), DictErrorKind::ChecksumMismatch, "{err}");
}

#[test]
fn trailing_bytes_are_an_error() {
    let (_, mut compact) = synthetic();
    compact.push(0);
    let err = load_parts(&compact).err().unwrap();
    assert_eq!(err.kind(), DictErrorKind::Corrupt);
    assert!(err.to_string().contains("after the"), "{err}");
}

/// Single-byte changes with a *valid* checksum (so the structural
/// checks, not the CRC, have to catch it): never a panic. Some changes are
/// harmless (a cost, a character), so only the absence of panics is checked,
/// plus that most changes are detected.
#[test]
fn structurally_corrupt_input_never_panics() {
    fn with_crc(mut bytes: Vec<u8>) -> Vec<u8> {
        let crc = crc32(&bytes[HEADER_LEN..]);
        bytes[16..20].copy_from_slice(&crc.to_le_bytes());
        bytes
    }
    let t = tiny("fuzz");
    let mut detected = 0;
    let mut total = 0;
    for i in HEADER_LEN..t.compact.len() {
        // One of three bit patterns per byte keeps this test quick in debug builds.
        let flip = [0x01u8, 0x80, 0xff][i % 3];
        let mut bytes = t.compact.clone();
        bytes[i] ^= flip;
        let bytes = with_crc(bytes);
        total += 1;
        let result = std::panic::catch_unwind(|| {
            load(&bytes).map(|dict| {
                // A dictionary that loads must also tokenize without panicking.
                let segmenter = Segmenter::new(Mode::Normal, dict, None);
                for text in ["東京タワーで食べる🍑", "すももも桃もいるが ABC 123"]
                {
                    if let Ok(mut tokens) = segmenter.segment(text.into()) {
                        for t in &mut tokens {
                            let _ = t.details();
                        }
                    }
                }
            })
        });
        match result {
            Ok(Ok(())) => {}
            Ok(Err(_)) => detected += 1,
            Err(_) => panic!("load panicked after flipping byte {i} with {flip:#x}"),
        }
    }
    assert!(
        detected * 2 > total,
        "only {detected} of {total} corruptions detected"
    );
}

#[test]
fn encode_rejects_unrepresentable_input() {
    let (mut entries, metadata, matrix) = synthetic_input_parts();
    let input = |entries: &[SourceEntry], matrix: &[u8]| {
        encode(&EncodeInput {
            entries,
            metadata: &metadata,
            matrix_mtx: matrix,
            char_def: b"",
            unknown_dictionary: b"",
        })
    };
    assert!(input(&entries, &matrix[..matrix.len() - 2]).is_err());
    assert!(input(&entries, &[0, 0]).is_err());
    entries[0].details.truncate(DETAIL_FIELDS - 1);
    let err = input(&entries, &matrix).err().unwrap();
    assert_eq!(err.kind(), DictErrorKind::InvalidInput);
}

#[test]
fn empty_dictionary_round_trips() {
    let metadata = test_metadata();
    let matrix = synthetic_matrix(1, 1);
    let compact = encode(&EncodeInput {
        entries: &[],
        metadata: &metadata,
        matrix_mtx: &matrix,
        char_def: b"",
        unknown_dictionary: b"",
    })
    .unwrap();
    let parts = load_parts(&compact).unwrap();
    let (trie, idx) = PrefixDictionary::serialize_trie(&BTreeMap::new()).unwrap();
    assert_eq!(parts.trie, trie);
    assert_eq!(parts.vals_idx, idx);
    assert!(parts.vals.is_empty() && parts.words.is_empty());
}
