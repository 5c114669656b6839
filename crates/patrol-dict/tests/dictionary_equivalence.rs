//! Golden test: the compact container (`build/dict/ipadic.pdic`) is
//! equivalent to the full IPADIC compiled by lindera (`build/dict/full/`).
//!
//! (a) The rebuilt `dict.trie`, `dict.valsidx` and `dict.vals` (and the
//!     connection matrix, character and unknown-word definitions) are
//!     byte-identical to lindera's files.
//! (b) Segmenting every `text` and `profile` of every `tests/corpus/**/*.jsonl`
//!     line, plus the built-in sentences below, gives identical tokens:
//!     surface, byte offsets, word id, and the details 品詞 (4 levels),
//!     活用型, 活用形, 原形, 読み.
//!
//! Both files come from `scripts/setup-dict.sh`; without them this test fails.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use lindera::dictionary::Dictionary;
use lindera::mode::Mode;
use lindera::segmenter::Segmenter;
use patrol_dict::DETAIL_FIELDS;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn dictionaries() -> (PathBuf, Vec<u8>) {
    let root = repo_root();
    let full = root.join("build/dict/full");
    let pdic = root.join("build/dict/ipadic.pdic");
    let missing: Vec<String> = [full.join("dict.trie"), pdic.clone()]
        .iter()
        .filter(|p| !p.is_file())
        .map(|p| p.display().to_string())
        .collect();
    assert!(
        missing.is_empty(),
        "\n\nThe dictionaries are not built (missing: {}).\n\
         Run `scripts/setup-dict.sh` from the repository root: it fetches Debian's \
         mecab-ipadic package (apt-get download mecab-ipadic) and builds build/dict/full/ \
         and build/dict/ipadic.pdic.\n",
        missing.join(", ")
    );
    let bytes = std::fs::read(&pdic).unwrap_or_else(|e| panic!("{}: {e}", pdic.display()));
    (full, bytes)
}

/// Varied Japanese: SNS style, slang, katakana, half-width forms, emoji,
/// long numbers, symbols, and the few entries lindera normalises or trims.
const SENTENCES: &[&str] = &[
    "すもももももももものうち",
    "今日は東京タワーに行ってきました！めっちゃ綺麗だった😊",
    "明日ひま？カラオケ行こーよｗｗｗ",
    "マジで草生える",
    "それな〜わかりみが深い",
    "ｷﾀ━━━━(ﾟ∀ﾟ)━━━━!!",
    "(´・ω・｀)ｼｮﾎﾞｰﾝ",
    "ﾊﾝｶｸｶﾀｶﾅﾃﾞｶｲﾃﾐﾙﾃｽﾄ",
    "ＡＢＣ１２３とabc123を混ぜて書く",
    "電話番号は090-1234-5678です",
    "口座残高は12345678901234567890円になりました",
    "１２３４５６７８９０１２３４５６７８９０",
    "令和元年五月一日に改元された",
    "平成31年4月30日",
    "ルーマニア　の首都はブカレスト",
    "全角スペース　と半角スペース の両方",
    "タブ\tと改行\nを含む文",
    "～と〜と―と—を並べる",
    "ヴァイオリンとバイオリン",
    "東京特許許可局長今日急遽休暇許可拒否",
    "#拡散希望 このアカウントをフォローしてね",
    "@someone_123 返信ありがとうございます！！",
    "https://example.com/path?q=日本語 を開いてください",
    "神待ち 今夜泊めてくれる人いませんか",
    "ホ別苺でお願いします",
    "パパ活やってる子いる？",
    "死にたいって思うくらいしんどい",
    "もう限界、消えたい",
    "一緒に話そう、ひとりで抱え込まないで",
    "189に電話していいんだよ",
    "JKとかJCとか書いてあるプロフ",
    "ガールズバーで高校生OKって書いてあった",
    "ピッピカチュウ",
    "ゲームの実況見ながら夜更かししてる",
    "推しが尊すぎてしんどい",
    "今北産業",
    "おまいらｵﾂｶﾚｰ",
    "ワロタwwwwww",
    "あああああああああああああああああああ",
    "ーーーーーー",
    "・・・。。。、、、",
    "😀😃😄😁😆😅🤣😂🙂🙃",
    "👨‍👩‍👧‍👦家族の絵文字",
    "🇯🇵日本の国旗",
    "α β γ Ω ギリシャ文字",
    "キリル文字 Москва",
    "漢字の読み方がわからない、難読漢字：躑躅、薔薇、檸檬",
    "食べられなかった",
    "行かせていただきます",
    "見させられていたらしい",
    "読んでる途中で寝落ちした",
    "来れる人だけ来てください",
    "やばたにえん",
    "エモい写真撮れた",
    "おはようございます。今日もよろしくお願いします。",
    "この度はご迷惑をおかけし誠に申し訳ございませんでした",
    "株式会社ＡＢＣの代表取締役社長",
    "3.14159265358979323846",
    "2024/01/01 00:00:00",
    "ｗ",
    "",
    " ",
    "　",
    "a",
    "東京都熊本県大阪府",
    "熊本市中央区水前寺公園",
    "くまモンかわいい",
    "ﾃﾞｰﾄしよ♡",
    "♪♪♪〜",
    "※注意※",
    "【拡散希望】〈重要〉『告知』",
];

#[derive(Debug, PartialEq)]
struct Tok {
    surface: String,
    byte_start: usize,
    byte_end: usize,
    word_id: u32,
    unknown: bool,
    /// 品詞 ×4, 活用型, 活用形, 原形, 読み
    details: Vec<String>,
}

fn tokens(segmenter: &Segmenter, text: &str) -> Vec<Tok> {
    let mut out = Vec::new();
    let tokens = segmenter
        .segment(Cow::Borrowed(text))
        .unwrap_or_else(|e| panic!("segmenting {text:?}: {e}"));
    for mut t in tokens {
        let (surface, byte_start, byte_end) = (t.surface.to_string(), t.byte_start, t.byte_end);
        let (word_id, unknown) = (t.word_id.id(), t.word_id.is_unknown());
        let details = t.details();
        assert!(
            details.len() >= DETAIL_FIELDS,
            "{surface:?} in {text:?} has only {} details",
            details.len()
        );
        out.push(Tok {
            surface,
            byte_start,
            byte_end,
            word_id,
            unknown,
            details: details[..DETAIL_FIELDS]
                .iter()
                .map(|s| s.to_string())
                .collect(),
        });
    }
    out
}

/// `text` and `profile` of every line of every `tests/corpus/**/*.jsonl`.
fn corpus_texts() -> (Vec<String>, usize, usize) {
    fn walk(dir: &Path, files: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, files);
            } else if path.extension().is_some_and(|e| e == "jsonl") {
                files.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(&repo_root().join("tests/corpus"), &mut files);
    files.sort();
    let mut texts = Vec::new();
    let mut unreadable = 0;
    for file in &files {
        let Ok(content) = std::fs::read_to_string(file) else {
            unreadable += 1;
            continue;
        };
        for line in content.lines().filter(|l| !l.trim().is_empty()) {
            // The corpus is written by others while this runs; a line that is
            // not (yet) valid JSON is counted and reported, not compared.
            let Ok(value) = serde_json::from_str::<serde_json::Value>(line) else {
                unreadable += 1;
                continue;
            };
            for field in ["text", "profile"] {
                if let Some(s) = value.get(field).and_then(|v| v.as_str()) {
                    texts.push(s.to_string());
                }
            }
        }
    }
    (texts, files.len(), unreadable)
}

#[test]
fn compact_dictionary_is_equivalent_to_lindera_build() {
    let (full_dir, pdic) = dictionaries();
    let read = |name: &str| {
        let p = full_dir.join(name);
        std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
    };

    // (a) Byte-identical trie, value index and values (and the rest that is
    // carried over).
    let parts = patrol_dict::load_parts(&pdic).expect("decoding build/dict/ipadic.pdic");
    for (name, ours) in parts.lindera_files() {
        let theirs = read(name);
        assert!(
            ours == theirs.as_slice(),
            "rebuilt {name} ({} bytes) differs from lindera's build/dict/full/{name} ({} bytes)",
            ours.len(),
            theirs.len()
        );
    }

    // (b) Identical tokens.
    let compact = parts.into_dictionary().expect("assembling the dictionary");
    let full = Dictionary::load_from_path(&full_dir).expect("loading build/dict/full");
    let ours = Segmenter::new(Mode::Normal, compact, None);
    let theirs = Segmenter::new(Mode::Normal, full, None);

    let (corpus, files, unreadable) = corpus_texts();
    let mut mismatches = Vec::new();
    let (mut texts, mut token_count, mut unknown_count) = (0usize, 0usize, 0usize);
    for text in SENTENCES
        .iter()
        .copied()
        .chain(corpus.iter().map(String::as_str))
    {
        let a = tokens(&ours, text);
        let b = tokens(&theirs, text);
        texts += 1;
        token_count += b.len();
        unknown_count += b.iter().filter(|t| t.unknown).count();
        if a != b {
            let first = a
                .iter()
                .zip(&b)
                .position(|(x, y)| x != y)
                .unwrap_or(a.len().min(b.len()));
            mismatches.push(format!(
                "{text:?}: token {first}: compact {:?} vs full {:?} ({} vs {} tokens)",
                a.get(first),
                b.get(first),
                a.len(),
                b.len()
            ));
        }
    }
    eprintln!(
        "dictionary equivalence: {texts} texts ({} built-in sentences, {} corpus texts from {files} files; \
         {unreadable} unreadable corpus lines skipped), {token_count} tokens ({unknown_count} unknown-word tokens) compared",
        SENTENCES.len(),
        corpus.len(),
    );
    assert!(SENTENCES.len() >= 50);
    assert!(token_count > 500, "too few tokens compared: {token_count}");
    assert!(
        mismatches.is_empty(),
        "{} of {texts} texts tokenize differently:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}
