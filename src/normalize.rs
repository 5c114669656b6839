//! Normalisation of hostile, obfuscated post text, keeping a map back to the original.
//!
//! Posts that solicit children or announce a suicide are often written to slip past filters
//! (「Ｊ Ｋ」「え ん こ う」「ホ.別」「ｼﾆﾀｲ」「死にたーーい」). The analyzer works on a normalised
//! copy, but evidence highlights must point into what the officer sees, so every normalised
//! character remembers the span of original characters it came from.

use std::collections::HashMap;

use unicode_normalization::UnicodeNormalization;

/// A normalised text and, for each of its characters, the original character span it stands for.
#[derive(Debug, Clone)]
pub struct Normalized {
    text: String,
    /// For each normalised char: [start, end) in original *char* offsets.
    source: Vec<(usize, usize)>,
    /// Byte offset of each normalised char, plus the total length at the end.
    byte_starts: Vec<usize>,
    /// Whether each normalised char belongs to a hashtag (#死にたい labels a topic; it is not a
    /// sentence the poster says).
    tagged: Vec<bool>,
    original_chars: usize,
}

impl Normalized {
    /// True when every char of [start, end) is inside a hashtag.
    pub fn all_tagged(&self, start: usize, end: usize) -> bool {
        start < end
            && self
                .tagged
                .get(start..end)
                .is_some_and(|t| t.iter().all(|&x| x))
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn char_len(&self) -> usize {
        self.source.len()
    }

    /// Length of the original text in characters.
    pub fn original_char_len(&self) -> usize {
        self.original_chars
    }

    /// Char index in the normalised text of a byte offset (as lindera reports tokens).
    pub fn char_at_byte(&self, byte: usize) -> usize {
        match self.byte_starts.binary_search(&byte) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    /// Byte offset of a normalised char index.
    pub fn byte_at_char(&self, ch: usize) -> usize {
        self.byte_starts.get(ch).copied().unwrap_or(self.text.len())
    }

    /// Original char span covering normalised chars [start, end).
    pub fn source_span(&self, start: usize, end: usize) -> (usize, usize) {
        if self.source.is_empty() || start >= end {
            let at = self
                .source
                .get(start)
                .map(|s| s.0)
                .unwrap_or(self.original_chars);
            return (at, at);
        }
        let last = end.min(self.source.len()) - 1;
        let first = start.min(last);
        (self.source[first].0, self.source[last].1)
    }
}

/// Replacement words for emoji and symbols that posts use as words (🍓 = 苺 = ¥15,000, 💰 = 金).
#[derive(Debug, Clone, Default)]
pub struct SymbolTable {
    map: HashMap<char, String>,
}

impl SymbolTable {
    pub fn new(entries: impl IntoIterator<Item = (char, String)>) -> Self {
        Self {
            map: entries.into_iter().collect(),
        }
    }
}

/// Characters removed outright: zero-width and bidi controls hide keywords from substring filters.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFA0}'
        | '\u{E0000}'..='\u{E007F}' | '\u{E0100}'..='\u{E01EF}')
}

fn is_combining(c: char) -> bool {
    matches!(
        c,
        '\u{0300}'..='\u{036F}' | '\u{3099}' | '\u{309A}' | '\u{FF9E}' | '\u{FF9F}'
    )
}

pub fn is_kana(c: char) -> bool {
    matches!(c, '\u{3041}'..='\u{3096}' | '\u{30A1}'..='\u{30FA}' | 'ー' | 'ゝ' | 'ゞ' | 'ヽ' | 'ヾ')
}

pub fn is_kanji(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '々' | '〆' | '\u{F900}'..='\u{FAFF}')
}

/// A character that can be part of a word an evader splits apart.
fn is_word_char(c: char) -> bool {
    // Kana and kanji first: `is_alphabetic` takes a slow table path for them.
    is_kana(c) || is_kanji(c) || c.is_alphabetic()
}

/// Separators inserted between the letters of a word to evade filters.
fn is_separator(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t' | '.' | '・' | '*' | '_' | '/' | '-' | '|' | ',' | '･' | '′' | '\'' | '`' | '^'
    )
}

fn is_dash(c: char) -> bool {
    matches!(
        c,
        '-' | '‐'
            | '‑'
            | '‒'
            | '–'
            | '—'
            | '―'
            | '−'
            | '─'
            | '━'
            | 'ｰ'
            | '〜'
            | '~'
            | '∼'
            | '～'
            | '〰'
    )
}

/// Small vowel kana used to stretch a syllable (たぁ, しぃ), with the vowel each extends.
fn small_vowel(c: char) -> Option<char> {
    match c {
        'ぁ' | 'ァ' => Some('a'),
        'ぃ' | 'ィ' => Some('i'),
        'ぅ' | 'ゥ' => Some('u'),
        'ぇ' | 'ェ' => Some('e'),
        'ぉ' | 'ォ' => Some('o'),
        _ => None,
    }
}

/// The vowel a kana syllable ends in, for the common rows.
fn kana_vowel(c: char) -> Option<char> {
    let h = to_hiragana(c);
    const ROWS: [(&str, char); 5] = [
        ("あかがさざただなはばぱまやらわゃ", 'a'),
        ("いきぎしじちぢにひびぴみり", 'i'),
        ("うくぐすずつづぬふぶぷむゆるゅ", 'u'),
        ("えけげせぜてでねへべぺめれ", 'e'),
        ("おこごそぞとどのほぼぽもよろをょ", 'o'),
    ];
    ROWS.iter()
        .find(|(row, _)| row.contains(h))
        .map(|(_, v)| *v)
}

pub fn to_hiragana(c: char) -> char {
    if ('\u{30A1}'..='\u{30F6}').contains(&c) {
        char::from_u32(c as u32 - 0x60).unwrap_or(c)
    } else {
        c
    }
}

pub fn to_katakana(c: char) -> char {
    if ('\u{3041}'..='\u{3096}').contains(&c) {
        char::from_u32(c as u32 + 0x60).unwrap_or(c)
    } else {
        c
    }
}

/// Key used to compare words regardless of script and stretching: katakana, lower case, no ー.
pub fn fold_key(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    fold_into(&mut out, s);
    out
}

/// Appends the folded key of `s` to `out` (see [`fold_key`]).
pub fn fold_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            'ー' | '〜' | '-' => {}
            c if c.is_ascii() => out.push(c.to_ascii_lowercase()),
            c if is_kana(c) => out.push(to_katakana(c)),
            c if is_kanji(c) => out.push(c),
            c => out.push(c.to_lowercase().next().unwrap_or(c)),
        }
    }
}

type Buf = Vec<(char, usize, usize)>;

/// Normalises `original` for analysis. Never fails: any text, however hostile, yields a result.
pub fn normalize(original: &str, symbols: &SymbolTable) -> Normalized {
    let chars: Vec<char> = original.chars().collect();
    let buf = width_and_symbols(&chars, symbols);
    let buf = halfwidth_kana_in_hiragana(buf, &chars);
    let buf = fold_lookalikes(buf);
    let buf = romaji_words(buf);
    let buf = unify_dashes(buf);
    let buf = collapse_repeats(buf);
    let buf = join_split_letters(buf);
    let buf = split_shi(buf);
    let buf = dialect_endings(buf);
    let (buf, tagged) = hashtags(buf);
    finish(buf, tagged, chars.len())
}

/// A post typed in romaji (shinitai. mou tsukareta) read in hiragana; each kana keeps the span
/// of the letters it came from, so evidence still quotes what the poster typed.
fn romaji_words(buf: Buf) -> Buf {
    let chars: Vec<char> = buf.iter().map(|b| b.0).collect();
    let conv = crate::romaji::convert(&chars);
    if conv.is_empty() {
        return buf;
    }
    let mut out: Buf = Vec::with_capacity(buf.len());
    let mut i = 0;
    for ((a, b), pieces) in conv {
        out.extend_from_slice(&buf[i..a]);
        for (kana, s, e) in pieces {
            let span = (buf[a + s].1, buf[a + e - 1].2);
            out.extend(kana.chars().map(|k| (k, span.0, span.1)));
        }
        i = b;
    }
    out.extend_from_slice(&buf[i..]);
    out
}

/// A run of half-width katakana (ｷｮｳﾉﾖﾙ ｸﾋﾞﾂﾘﾏｽ), the old way of typing past filters, is read
/// in hiragana: as full-width katakana the dictionary takes it for one unknown loanword, in
/// hiragana it finds the words (くび|つり|ます) and their readings meet the lexicon's.
fn halfwidth_kana_in_hiragana(mut buf: Buf, chars: &[char]) -> Buf {
    let half = |i: usize| {
        chars
            .get(i)
            .is_some_and(|c| ('\u{FF66}'..='\u{FF9F}').contains(c))
    };
    let n = buf.len();
    let mut i = 0;
    while i < n {
        if !half(buf[i].1) {
            i += 1;
            continue;
        }
        let mut j = i;
        let mut kana = 0;
        while j < n && (half(buf[j].1) || buf[j].0 == ' ') {
            if half(buf[j].1) {
                kana += 1;
            }
            j += 1;
        }
        if kana >= 4 {
            for item in &mut buf[i..j] {
                item.0 = to_hiragana(item.0);
            }
        }
        i = j;
    }
    buf
}

/// NFKC per grapheme-ish cluster (base + combining marks), symbol words, lower-case ASCII.
fn width_and_symbols(chars: &[char], symbols: &SymbolTable) -> Buf {
    let mut out = Vec::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if is_invisible(c) {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while j < chars.len() && (is_combining(chars[j]) || is_invisible(chars[j])) {
            j += 1;
        }
        if let Some(word) = symbols.map.get(&c) {
            // Surround with nothing: 別🍓 must read 別苺.
            for w in word.chars() {
                out.push((w, i, j));
            }
        } else if j == i + 1 && nfkc_stable(c) {
            // The common case (kana, kanji, ASCII) needs no normalisation and no allocation.
            out.push((c.to_ascii_lowercase(), i, j));
        } else {
            let cluster: String = chars[i..j].iter().filter(|c| !is_invisible(**c)).collect();
            for n in cluster.nfkc() {
                let n = if n.is_ascii_uppercase() {
                    n.to_ascii_lowercase()
                } else if n == '\u{3000}' {
                    ' '
                } else {
                    n
                };
                out.push((n, i, j));
            }
        }
        i = j;
    }
    out
}

/// The Latin letter a Cyrillic or Greek letter is drawn like (「ЈК」 in Cyrillic reads as JK to a
/// person and to nobody's filter). Lower case: the analyzer compares ASCII in lower case.
fn latin_lookalike(c: char) -> Option<char> {
    Some(match c {
        'а' | 'А' | 'α' | 'Α' => 'a',
        'В' | 'Β' => 'b',
        'с' | 'С' | 'ϲ' | 'Ϲ' => 'c',
        'ԁ' => 'd',
        'е' | 'Е' | 'ε' | 'Ε' => 'e',
        'Н' | 'Η' => 'h',
        'і' | 'І' | 'ι' | 'Ι' => 'i',
        'ј' | 'Ј' => 'j',
        'к' | 'К' | 'κ' | 'Κ' => 'k',
        'М' | 'Μ' => 'm',
        'Ν' => 'n',
        'о' | 'О' | 'ο' | 'Ο' => 'o',
        'р' | 'Р' | 'ρ' | 'Ρ' => 'p',
        'ѕ' | 'Ѕ' => 's',
        'Т' | 'Τ' => 't',
        'у' | 'У' | 'υ' | 'Υ' => 'y',
        'х' | 'Х' | 'χ' | 'Χ' => 'x',
        'ν' => 'v',
        'ԝ' | 'Ԝ' => 'w',
        'Ζ' => 'z',
        _ => return None,
    })
}

fn is_cyrillic_or_greek(c: char) -> bool {
    matches!(c, '\u{0370}'..='\u{03FF}' | '\u{0400}'..='\u{052F}')
}

/// The katakana a kanji is drawn like (「工ンコー」「口リ」「パパ力ツ」「ス一パー」).
fn katakana_lookalike(c: char) -> Option<char> {
    Some(match c {
        '工' => 'エ',
        '口' => 'ロ',
        '力' => 'カ',
        '夕' => 'タ',
        '二' => 'ニ',
        '卜' => 'ト',
        '八' => 'ハ',
        '匕' => 'ヒ',
        '才' => 'オ',
        '一' => 'ー',
        _ => return None,
    })
}

/// Katakana that makes a neighbouring lookalike kanji read as katakana. ヶ/ヵ (二ヶ月) and ノ (一ノ瀬)
/// sit beside real kanji in ordinary writing, so they do not count.
fn is_katakana_letter(c: char) -> bool {
    matches!(c, '\u{30A1}'..='\u{30FA}' | 'ー') && !matches!(c, 'ヶ' | 'ヵ' | 'ノ')
}

/// Ordinary words in which a lookalike kanji stands beside katakana.
const KANJI_KATAKANA_WORDS: [&str; 1] = ["口コミ"];

/// Homoglyphs: Cyrillic/Greek letters drawn like Latin ones, and kanji drawn like katakana, are read
/// as what they look like. Only where the context shows the disguise, so that Russian words and
/// ordinary kanji compounds (パン工場, メロン二個, 人口, 一つ) are left alone; spans are unchanged.
fn fold_lookalikes(mut buf: Buf) -> Buf {
    fold_latin_lookalikes(&mut buf);
    fold_katakana_lookalikes(&mut buf);
    buf
}

/// In a run of letters, Cyrillic/Greek letters become Latin when every one of them has a Latin
/// lookalike: 「ЈК」「JК」 are disguised JK, 「привет」 (п, и, в, т) is Russian and stays.
fn fold_latin_lookalikes(buf: &mut Buf) {
    let n = buf.len();
    let mut i = 0;
    while i < n {
        let c = buf[i].0;
        if !(c.is_ascii_alphabetic() || is_cyrillic_or_greek(c)) {
            i += 1;
            continue;
        }
        let mut j = i;
        let mut foreign = 0;
        let mut all_lookalike = true;
        while j < n && (buf[j].0.is_ascii_alphabetic() || is_cyrillic_or_greek(buf[j].0)) {
            if is_cyrillic_or_greek(buf[j].0) {
                foreign += 1;
                all_lookalike &= latin_lookalike(buf[j].0).is_some();
            }
            j += 1;
        }
        if foreign > 0 && all_lookalike {
            for item in &mut buf[i..j] {
                if let Some(l) = latin_lookalike(item.0) {
                    item.0 = l;
                }
            }
        }
        i = j;
    }
}

/// A run of lookalike kanji becomes katakana when it touches katakana on one side and no real kanji
/// on the other (パン工場 keeps its 工; 口リ, パパ力ツ, ス夕バ do not keep theirs), or when it is two or
/// more long, follows no kanji and holds no numeral (工口画像, but 二口, 八才 stay). 一 is the numeral unless katakana comes before it (一口,
/// 一ヶ月 stay; ス一パー becomes スーパー), and a lone 一 needs katakana or the end of a word after it too
/// (ゲーム一つ stays).
fn fold_katakana_lookalikes(buf: &mut Buf) {
    let n = buf.len();
    let real_kanji = |c: char| is_kanji(c) && katakana_lookalike(c).is_none();
    let mut i = 0;
    while i < n {
        if katakana_lookalike(buf[i].0).is_none() {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < n && katakana_lookalike(buf[j].0).is_some() {
            j += 1;
        }
        let kata_before = i > 0 && is_katakana_letter(buf[i - 1].0);
        let mut start = i;
        if !kata_before {
            while start < j && buf[start].0 == '一' {
                start += 1;
            }
        }
        let prev = start.checked_sub(1).map(|k| buf[k].0);
        let next = buf.get(j).map(|x| x.0);
        let kata_after = next.is_some_and(is_katakana_letter);
        let kanji_before = prev.is_some_and(|c| real_kanji(c) || c == '一');
        let kanji_after = next.is_some_and(real_kanji);
        let only_bars = buf[start..j].iter().all(|x| x.0 == '一');
        let word_ends = next.is_none_or(|c| !is_word_char(c));
        let fold = if start == j {
            false
        } else if only_bars {
            kata_before && (kata_after || word_ends)
        } else {
            (kata_before && !kanji_after)
                || (kata_after && !kanji_before)
                || (j - start >= 2
                    && !kanji_before
                    && !kata_before
                    && !buf[start..j]
                        .iter()
                        .any(|x| matches!(x.0, '一' | '二' | '八' | '才')))
        };
        if fold && !is_ordinary_word(buf, start) {
            for item in &mut buf[start..j] {
                if let Some(k) = katakana_lookalike(item.0) {
                    item.0 = k;
                }
            }
        }
        i = j;
    }
}

fn is_ordinary_word(buf: &Buf, at: usize) -> bool {
    KANJI_KATAKANA_WORDS.iter().any(|w| {
        w.chars()
            .enumerate()
            .all(|(k, c)| buf.get(at + k).is_some_and(|x| x.0 == c))
    })
}

/// Characters NFKC leaves as they are (checked by a test against the real NFKC).
fn nfkc_stable(c: char) -> bool {
    matches!(c, ' '..='~' | '\u{3041}'..='\u{3096}' | '\u{30A1}'..='\u{30FA}' | 'ー' | '\u{4E00}'..='\u{9FFF}' | '、' | '。' | '「' | '」')
}

/// 〜/～/~ become 〜; dash-like marks after kana become ー (パ－ティ, しにたー), others '-'.
fn unify_dashes(buf: Buf) -> Buf {
    let mut out: Buf = Vec::with_capacity(buf.len());
    for (c, s, e) in buf {
        let c = if matches!(c, '~' | '∼' | '～' | '〰') {
            '〜'
        } else if is_dash(c) && c != '〜' {
            match out.last() {
                Some((p, _, _)) if is_kana(*p) => 'ー',
                _ => '-',
            }
        } else {
            c
        };
        out.push((c, s, e));
    }
    out
}

/// Stretching: runs of three or more of the same kana/symbol, repeated ー/〜, and small vowels
/// that only lengthen the previous syllable (死にたぁぁい) are reduced; digits are never touched.
fn collapse_repeats(buf: Buf) -> Buf {
    let mut out: Buf = Vec::with_capacity(buf.len());
    let mut i = 0;
    while i < buf.len() {
        let c = buf[i].0;
        let mut j = i + 1;
        while j < buf.len() && buf[j].0 == c {
            j += 1;
        }
        let run = j - i;
        let collapsible = !c.is_ascii_digit() && !is_kanji(c) && !c.is_whitespace();
        let keep = if matches!(c, 'ー' | '〜') || (collapsible && run >= 3) {
            1
        } else {
            run
        };
        let end = buf[j - 1].2;
        for k in 0..keep {
            let (ch, ks, ke) = buf[i + k];
            let ke = if k + 1 == keep { end.max(ke) } else { ke };
            out.push((ch, ks, ke));
        }
        i = j;
    }
    // Small vowels stretching the previous syllable: たぁ → た (attach span to it).
    let mut res: Buf = Vec::with_capacity(out.len());
    for (c, s, e) in out {
        if let (Some(v), Some(last)) = (small_vowel(c), res.last_mut()) {
            let prev_vowel = kana_vowel(last.0).or(if last.0 == 'ー' { Some(v) } else { None });
            if prev_vowel == Some(v) {
                last.2 = last.2.max(e);
                continue;
            }
        }
        res.push((c, s, e));
    }
    res
}

/// 「え ん こ う」「Ｊ Ｋ」「ホ.別」: separators between single letters are removed.
fn join_split_letters(buf: Buf) -> Buf {
    // Segment lengths: for each index, the length of the run of word chars it belongs to.
    let n = buf.len();
    let mut seg_len = vec![0usize; n];
    let mut i = 0;
    while i < n {
        if is_word_char(buf[i].0) {
            let mut j = i;
            while j < n && is_word_char(buf[j].0) {
                j += 1;
            }
            for l in seg_len.iter_mut().take(j).skip(i) {
                *l = j - i;
            }
            i = j;
        } else {
            i += 1;
        }
    }
    let mut drop = vec![false; n];
    let mut i = 0;
    while i < n {
        if is_separator(buf[i].0) {
            let mut j = i;
            while j < n && is_separator(buf[j].0) {
                j += 1;
            }
            let single_before = i > 0 && seg_len[i - 1] == 1 && !buf[i - 1].0.is_ascii_digit();
            let single_after = j < n && seg_len[j] == 1 && !buf[j].0.is_ascii_digit();
            if single_before && single_after && j - i <= 3 {
                for d in drop.iter_mut().take(j).skip(i) {
                    *d = true;
                }
            }
            i = j;
        } else {
            i += 1;
        }
    }
    let mut out: Buf = Vec::with_capacity(n);
    for (k, item) in buf.into_iter().enumerate() {
        if drop[k] {
            if let Some(last) = out.last_mut() {
                last.2 = last.2.max(item.2);
            }
        } else {
            out.push(item);
        }
    }
    out
}

/// 死 written as its two halves, タヒ, before a verb ending (タヒにたい, タヒ ねる人, タヒんで):
/// 死 again, spanning both. タヒチ (Tahiti) and タヒ alone stay.
fn split_shi(buf: Buf) -> Buf {
    let n = buf.len();
    let mut out: Buf = Vec::with_capacity(n);
    let mut i = 0;
    while i < n {
        if buf[i].0 == 'タ' && i + 1 < n && buf[i + 1].0 == 'ヒ' {
            let mut j = i + 2;
            while j < n && j < i + 4 && is_separator(buf[j].0) {
                j += 1;
            }
            let ending = buf
                .get(j)
                .is_some_and(|c| matches!(c.0, 'な' | 'に' | 'ぬ' | 'ね' | 'の' | 'ん'));
            if ending {
                out.push(('死', buf[i].1, buf[j - 1].2.max(buf[i + 1].2)));
                i = j;
                continue;
            }
        }
        out.push(buf[i]);
        i += 1;
    }
    out
}

/// Kyushu, Kansai and Tohoku sentence endings (死ぬけん, 飛び降りるばい, 死ぬっちゃ): split off a
/// verb here, and read as closing the sentence by the grammar (src/grammar.rs).
pub const DIALECT_ENDINGS: [&str; 9] = [
    "けん",
    "やけん",
    "っちゃ",
    "っちゃん",
    "ばい",
    "けぇ",
    "きに",
    "っぺ",
    "だべ",
];

/// Dialect sentence endings glued to a verb or adjective (死ぬけん, 死にたいけん, 死ぬっちゃ,
/// 行くばい) are read by the dictionary as other words (ぬけ+ん = not, 体験): a space before
/// the ending keeps the verb whole. The space carries the span of the ending's first char.
fn dialect_endings(buf: Buf) -> Buf {
    let n = buf.len();
    let mut out: Buf = Vec::with_capacity(n + 4);
    let mut i = 0;
    while i < n {
        let c = buf[i].0;
        out.push(buf[i]);
        i += 1;
        if !matches!(
            c,
            'う' | 'く' | 'ぐ' | 'す' | 'つ' | 'ぬ' | 'ぶ' | 'む' | 'る' | 'い'
        ) {
            continue;
        }
        for e in DIALECT_ENDINGS {
            let len = e.chars().count();
            if i + len > n || !buf[i..i + len].iter().map(|b| b.0).eq(e.chars()) {
                continue;
            }
            let closes = buf.get(i + len).is_none_or(|b| {
                !(is_kana(b.0) || is_kanji(b.0)) || matches!(b.0, 'ね' | 'よ' | 'な' | 'わ')
            });
            if closes {
                out.push((' ', buf[i].1, buf[i].2));
            }
            break;
        }
    }
    out
}

/// #家出少女 #援_募 → the tag's words stand on their own.
fn hashtags(buf: Buf) -> (Buf, Vec<bool>) {
    let mut out = buf;
    let mut tagged = vec![false; out.len()];
    let mut in_tag = false;
    for (item, tag) in out.iter_mut().zip(tagged.iter_mut()) {
        match item.0 {
            '#' => {
                in_tag = true;
                item.0 = ' ';
                continue;
            }
            '_' if in_tag => item.0 = ' ',
            c if c.is_whitespace() => in_tag = false,
            _ => {}
        }
        *tag = in_tag;
    }
    (out, tagged)
}

fn finish(buf: Buf, tagged: Vec<bool>, original_chars: usize) -> Normalized {
    let mut text = String::with_capacity(buf.len() * 3);
    let mut source = Vec::with_capacity(buf.len());
    let mut byte_starts = Vec::with_capacity(buf.len() + 1);
    for (c, s, e) in buf {
        byte_starts.push(text.len());
        text.push(c);
        source.push((s, e));
    }
    // Sentinel: the end of the text maps to char_len (a token ending the post ends there).
    byte_starts.push(text.len());
    Normalized {
        text,
        source,
        byte_starts,
        tagged,
        original_chars,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dialect_endings_leave_the_verb_whole() {
        assert_eq!(norm("今夜死ぬけん。"), "今夜死ぬ けん。");
        assert_eq!(norm("死にたいけん"), "死にたい けん");
        assert_eq!(norm("死ぬっちゃ"), "死ぬ っちゃ");
        // Inside a word, or before more of a sentence, nothing changes.
        assert_eq!(norm("体験したい"), "体験したい");
        assert_eq!(norm("行くけんど"), "行くけんど");
    }

    #[test]
    fn a_run_of_half_width_katakana_reads_in_hiragana() {
        assert_eq!(norm("ｷｮｳﾉﾖﾙ ｸﾋﾞﾂﾘﾏｽ"), "きょうのよる くびつります");
        // A short one (ﾎ別) and full-width katakana stay katakana.
        assert_eq!(norm("ﾎ別2"), "ホ別2");
        assert_eq!(norm("クビツリマス"), "クビツリマス");
    }

    #[test]
    fn shi_written_as_ta_hi_is_shi() {
        assert_eq!(norm("一緒に タヒ ねる人"), "一緒に 死ねる人");
        assert_eq!(norm("タヒにたい"), "死にたい");
        assert_eq!(norm("タヒチに行きたい"), "タヒチに行きたい");
    }

    fn norm(s: &str) -> String {
        let table = SymbolTable::new([('🍓', "苺".to_string()), ('💰', "金".to_string())]);
        normalize(s, &table).text().to_string()
    }

    #[test]
    fn full_and_half_width_fold() {
        // A run of four half-width kana or more reads in hiragana (see below); shorter ones fold.
        assert_eq!(norm("ｼﾆﾀｲ"), "しにたい");
        assert_eq!(norm("ｶﾞｯｺｳ"), "がっこう");
        assert_eq!(norm("ﾎﾃﾙ"), "ホテル");
        assert_eq!(norm("ＪＫ１５歳"), "jk15歳");
    }

    #[test]
    fn separators_between_single_letters_are_removed() {
        assert_eq!(norm("Ｊ Ｋ"), "jk");
        assert_eq!(norm("え ん こ う"), "えんこう");
        assert_eq!(norm("ホ.別"), "ホ別");
        assert_eq!(norm("死・に・た・い"), "死にたい");
        // Ordinary words separated by spaces stay apart; decimals are untouched.
        assert_eq!(norm("今日は 晴れ"), "今日は 晴れ");
        assert_eq!(norm("1.5万"), "1.5万");
    }

    #[test]
    fn stretching_is_reduced() {
        assert_eq!(norm("死にたーーーい"), "死にたーい");
        assert_eq!(norm("死にたいいいいい"), "死にたい");
        assert_eq!(norm("しにたぁぁい"), "しにたい");
        assert_eq!(norm("1000円"), "1000円");
    }

    #[test]
    fn symbols_used_as_words() {
        assert_eq!(norm("別🍓"), "別苺");
        assert_eq!(norm("㊙"), "秘");
    }

    #[test]
    fn hashtags_and_waves() {
        assert_eq!(norm("#家出少女"), " 家出少女");
        assert_eq!(norm("ゴ～有"), "ゴ〜有");
        assert_eq!(norm("パ－ティ"), "パーティ");
    }

    #[test]
    fn invisible_characters_are_dropped() {
        assert_eq!(norm("死\u{200B}に\u{202E}たい"), "死にたい");
    }

    #[test]
    fn zero_width_bidi_and_variation_selectors_inside_keywords_are_dropped() {
        for hidden in [
            "\u{200B}",
            "\u{200C}",
            "\u{200D}",
            "\u{2060}",
            "\u{FEFF}",
            "\u{202E}",
            "\u{2066}",
            "\u{2067}",
            "\u{2068}",
            "\u{2069}",
            "\u{FE0F}",
            "\u{E0101}",
        ] {
            assert_eq!(norm(&format!("死{hidden}にたい")), "死にたい", "{hidden:?}");
            assert_eq!(
                norm(&format!("し{hidden}に{hidden}たい")),
                "しにたい",
                "{hidden:?}"
            );
        }
    }

    #[test]
    fn cyrillic_and_greek_lookalikes_read_as_latin() {
        assert_eq!(norm("ЈК2です"), "jk2です"); // both Cyrillic
        assert_eq!(norm("JК2"), "jk2"); // Latin J, Cyrillic К
        assert_eq!(norm("ＪΚ"), "jk"); // full-width J, Greek Kappa
        assert_eq!(norm("Ј Κ"), "jk");
        // A Russian word has letters with no Latin lookalike: it stays as written.
        assert_eq!(norm("привет"), "привет");
        assert_eq!(norm("Москва"), "Москва");
    }

    #[test]
    fn kanji_lookalikes_inside_katakana_words_read_as_katakana() {
        assert_eq!(norm("工ンコー"), "エンコー");
        assert_eq!(norm("パパ力ツ"), "パパカツ");
        assert_eq!(norm("口リ"), "ロリ");
        assert_eq!(norm("ス夕バ"), "スタバ");
        assert_eq!(norm("ス一パー"), "スーパー");
        assert_eq!(norm("工口画像"), "エロ画像");
        assert_eq!(norm("卜ー横"), "トー横");
        assert_eq!(norm("オ八コ"), "オハコ");
    }

    #[test]
    fn lookalike_folding_leaves_ordinary_kanji_alone() {
        for plain in [
            "パン工場",
            "メロン二個",
            "人口",
            "一口サイズ",
            "一ヶ月",
            "二ヶ所",
            "一ノ瀬",
            "口コミ",
            "ゲーム一つ",
            "ライブ一回",
            "二口食べた",
            "八才の子",
            "工学部",
            "力を入れる",
            "夕方",
            "二人で",
            "一人",
            "才能",
            "入口",
            "カード二枚",
            "メンバー一人",
        ] {
            assert_eq!(norm(plain), plain, "{plain}");
        }
    }

    #[test]
    fn homoglyph_offsets_point_at_the_original_characters() {
        let table = SymbolTable::default();
        let original = "今夜、\u{200B}工\u{202E}ンコー募集 ЈК";
        let n = normalize(original, &table);
        let chars: Vec<char> = original.chars().collect();
        let slice = |(s, e): (usize, usize)| chars[s..e].iter().collect::<String>();
        for (word, shown) in [("エンコー", "工\u{202E}ンコー"), ("jk", "ЈК")] {
            let pos = n.text().find(word).expect(word);
            let start = n.char_at_byte(pos);
            let len = word.chars().count();
            assert_eq!(slice(n.source_span(start, start + len)), shown, "{word}");
        }
    }

    #[test]
    fn offsets_point_back_into_the_original() {
        let table = SymbolTable::default();
        let original = "今夜 Ｊ Ｋ と会う";
        let n = normalize(original, &table);
        let pos = n.text().find("jk").expect("jk");
        let start = n.char_at_byte(pos);
        let (s, e) = n.source_span(start, start + 2);
        let orig: String = original.chars().skip(s).take(e - s).collect();
        assert_eq!(orig, "Ｊ Ｋ");
    }

    #[test]
    fn stretched_span_covers_the_whole_stretch() {
        let table = SymbolTable::default();
        let original = "しにたいいいい";
        let n = normalize(original, &table);
        assert_eq!(n.text(), "しにたい");
        assert_eq!(n.source_span(0, 4), (0, 7));
    }

    #[test]
    fn end_of_text_maps_to_the_char_length() {
        // Regression: a token or place ending the post was cut one character short.
        let n = normalize("熊本市", &SymbolTable::default());
        assert_eq!(n.char_at_byte(n.text().len()), 3);
        assert_eq!(n.char_at_byte(3), 1);
        assert_eq!(n.byte_at_char(3), n.text().len());
    }

    #[test]
    fn the_nfkc_fast_path_agrees_with_nfkc() {
        let ranges = [
            (' ', '~'),
            ('\u{3041}', '\u{3096}'),
            ('\u{30A1}', '\u{30FA}'),
            ('\u{4E00}', '\u{9FFF}'),
        ];
        for (a, b) in ranges {
            for c in a..=b {
                assert!(nfkc_stable(c));
                assert_eq!(
                    c.to_string().nfkc().collect::<String>(),
                    c.to_string(),
                    "{c:?}"
                );
            }
        }
        for c in ['ー', '、', '。', '「', '」'] {
            assert_eq!(
                c.to_string().nfkc().collect::<String>(),
                c.to_string(),
                "{c:?}"
            );
        }
    }

    #[test]
    fn fold_key_unifies_scripts() {
        assert_eq!(fold_key("しにたーい"), "シニタイ");
        assert_eq!(fold_key("JK"), "jk");
    }
}
