//! Posts typed in romaji to slip past filters (「shinitai. mou tsukareta」「jc douga ari」
//! 「enkou boshuu」): such words become hiragana so that the lexicon's readings meet them.
//!
//! Only a post that plainly *is* romaji is read so: at least two words of four letters or more
//! must spell out as Hepburn/kunrei syllables, so English (「I love you so much」) and the odd
//! name stay as they are. Handles (@shinitai_girl), addresses and file names are never read.

/// The syllable table: romaji → hiragana. Longest match first (see [`syllable`]).
const SYLLABLES: &[(&str, &str)] = &[
    ("kya", "きゃ"),
    ("kyu", "きゅ"),
    ("kyo", "きょ"),
    ("gya", "ぎゃ"),
    ("gyu", "ぎゅ"),
    ("gyo", "ぎょ"),
    ("sha", "しゃ"),
    ("shi", "し"),
    ("shu", "しゅ"),
    ("she", "しぇ"),
    ("sho", "しょ"),
    ("sya", "しゃ"),
    ("syu", "しゅ"),
    ("syo", "しょ"),
    ("jya", "じゃ"),
    ("jyu", "じゅ"),
    ("jyo", "じょ"),
    ("cha", "ちゃ"),
    ("chi", "ち"),
    ("chu", "ちゅ"),
    ("che", "ちぇ"),
    ("cho", "ちょ"),
    ("tya", "ちゃ"),
    ("tyu", "ちゅ"),
    ("tyo", "ちょ"),
    ("tsu", "つ"),
    ("nya", "にゃ"),
    ("nyu", "にゅ"),
    ("nyo", "にょ"),
    ("hya", "ひゃ"),
    ("hyu", "ひゅ"),
    ("hyo", "ひょ"),
    ("bya", "びゃ"),
    ("byu", "びゅ"),
    ("byo", "びょ"),
    ("pya", "ぴゃ"),
    ("pyu", "ぴゅ"),
    ("pyo", "ぴょ"),
    ("mya", "みゃ"),
    ("myu", "みゅ"),
    ("myo", "みょ"),
    ("rya", "りゃ"),
    ("ryu", "りゅ"),
    ("ryo", "りょ"),
    ("ka", "か"),
    ("ki", "き"),
    ("ku", "く"),
    ("ke", "け"),
    ("ko", "こ"),
    ("ga", "が"),
    ("gi", "ぎ"),
    ("gu", "ぐ"),
    ("ge", "げ"),
    ("go", "ご"),
    ("sa", "さ"),
    ("si", "し"),
    ("su", "す"),
    ("se", "せ"),
    ("so", "そ"),
    ("za", "ざ"),
    ("zi", "じ"),
    ("zu", "ず"),
    ("ze", "ぜ"),
    ("zo", "ぞ"),
    ("ja", "じゃ"),
    ("ji", "じ"),
    ("ju", "じゅ"),
    ("je", "じぇ"),
    ("jo", "じょ"),
    ("ta", "た"),
    ("ti", "ち"),
    ("tu", "つ"),
    ("te", "て"),
    ("to", "と"),
    ("da", "だ"),
    ("di", "ぢ"),
    ("du", "づ"),
    ("de", "で"),
    ("do", "ど"),
    ("na", "な"),
    ("ni", "に"),
    ("nu", "ぬ"),
    ("ne", "ね"),
    ("no", "の"),
    ("ha", "は"),
    ("hi", "ひ"),
    ("fu", "ふ"),
    ("hu", "ふ"),
    ("he", "へ"),
    ("ho", "ほ"),
    ("ba", "ば"),
    ("bi", "び"),
    ("bu", "ぶ"),
    ("be", "べ"),
    ("bo", "ぼ"),
    ("pa", "ぱ"),
    ("pi", "ぴ"),
    ("pu", "ぷ"),
    ("pe", "ぺ"),
    ("po", "ぽ"),
    ("ma", "ま"),
    ("mi", "み"),
    ("mu", "む"),
    ("me", "め"),
    ("mo", "も"),
    ("ya", "や"),
    ("yu", "ゆ"),
    ("yo", "よ"),
    ("ra", "ら"),
    ("ri", "り"),
    ("ru", "る"),
    ("re", "れ"),
    ("ro", "ろ"),
    ("wa", "わ"),
    ("wo", "を"),
    ("a", "あ"),
    ("i", "い"),
    ("u", "う"),
    ("e", "え"),
    ("o", "お"),
];

/// The longest syllable at the start of `w`, with its length in letters.
fn syllable(w: &[char]) -> Option<(usize, &'static str)> {
    (1..=3).rev().find_map(|len| {
        let head: String = w.get(..len)?.iter().collect();
        SYLLABLES
            .iter()
            .find(|(r, _)| *r == head)
            .map(|(_, k)| (len, *k))
    })
}

/// The word in hiragana, each piece with the range of letters it came from; `None` when some
/// part of it is not romaji (「love」「jk」「https」).
pub fn to_kana(word: &[char]) -> Option<Vec<(String, usize, usize)>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < word.len() {
        let c = word[i];
        if c == '-' || c == 'ー' {
            // chu-gakusei: a dash lengthens the vowel before it.
            if i == 0 {
                return None;
            }
            out.push(("ー".to_string(), i, i + 1));
            i += 1;
            continue;
        }
        let next = word.get(i + 1).copied();
        // Doubled consonant: っ (gakkou, zettai, matcha).
        if c != 'n' && !is_vowel(c) && (next == Some(c) || (c == 't' && next == Some('c'))) {
            out.push(("っ".to_string(), i, i + 1));
            i += 1;
            continue;
        }
        if c == 'n' {
            // ん: before a consonant other than y, at the end, or written nn / n'.
            match next {
                None => {
                    out.push(("ん".to_string(), i, i + 1));
                    i += 1;
                    continue;
                }
                Some('\'') => {
                    out.push(("ん".to_string(), i, i + 2));
                    i += 2;
                    continue;
                }
                // konnichiwa: ん then に; konn: one ん for both.
                Some('n') => {
                    let then = word.get(i + 2).copied();
                    let step = if then.is_some_and(|t| is_vowel(t) || t == 'y') {
                        1
                    } else {
                        2
                    };
                    out.push(("ん".to_string(), i, i + step));
                    i += step;
                    continue;
                }
                Some(n) if !is_vowel(n) && n != 'y' => {
                    out.push(("ん".to_string(), i, i + 1));
                    i += 1;
                    continue;
                }
                _ => {}
            }
        }
        let (len, kana) = syllable(&word[i..])?;
        out.push((kana.to_string(), i, i + len));
        i += len;
    }
    Some(out)
}

fn is_vowel(c: char) -> bool {
    matches!(c, 'a' | 'i' | 'u' | 'e' | 'o')
}

fn is_letter(c: char) -> bool {
    c.is_ascii_lowercase() || c == '-' || c == 'ー' || c == '\''
}

/// Word spans `[start, end)` of lower-case ASCII letters in `chars`, skipping handles, addresses
/// and file names (a word touching @ _ / . : on either side).
fn words(chars: &[char]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_lowercase() {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && is_letter(chars[i]) {
            i += 1;
        }
        let mut end = i;
        while end > start && !chars[end - 1].is_ascii_lowercase() {
            end -= 1;
        }
        let glued = |c: Option<&char>| {
            c.is_some_and(|c| {
                matches!(c, '@' | '_' | '/' | '.' | ':' | '=' | '&' | '?') || c.is_ascii_digit()
            })
        };
        let before = start.checked_sub(1).and_then(|j| chars.get(j));
        // A full stop ends a sentence when a space or the end follows (shinitai. mou …).
        let after = chars.get(i);
        let after_glued = match after {
            Some('.') => chars.get(i + 1).is_some_and(|c| !c.is_whitespace()),
            other => glued(other) && !matches!(other, Some(c) if c.is_ascii_digit()),
        };
        let url_like = chars[..start]
            .iter()
            .rev()
            .take_while(|c| !c.is_whitespace())
            .any(|&c| c == '/' || c == '@');
        if !glued(before) && !after_glued && !url_like {
            out.push((start, end));
        }
    }
    out
}

/// For each convertible word: its span and its kana pieces (letter ranges relative to the word).
pub type Conversion = Vec<((usize, usize), Vec<(String, usize, usize)>)>;

/// The words of `chars` (already lower-cased) to read as romaji, or nothing when the post is
/// not plainly romaji.
pub fn convert(chars: &[char]) -> Conversion {
    if !chars.iter().any(|c| c.is_ascii_lowercase()) {
        return Vec::new();
    }
    let found: Conversion = words(chars)
        .into_iter()
        .filter_map(|(s, e)| to_kana(&chars[s..e]).map(|k| ((s, e), k)))
        .collect();
    let long = found.iter().filter(|((s, e), _)| e - s >= 4).count();
    if long >= 2 {
        found
    } else {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kana(s: &str) -> Option<String> {
        let w: Vec<char> = s.chars().collect();
        to_kana(&w).map(|v| v.into_iter().map(|(k, _, _)| k).collect())
    }

    fn read(s: &str) -> String {
        let chars: Vec<char> = s.chars().collect();
        let conv = convert(&chars);
        let mut out = String::new();
        let mut i = 0;
        for ((a, b), pieces) in conv {
            out.extend(&chars[i..a]);
            for (k, _, _) in pieces {
                out.push_str(&k);
            }
            i = b;
        }
        out.extend(&chars[i..]);
        out
    }

    #[test]
    fn words_spell_out_as_kana() {
        assert_eq!(kana("shinitai").as_deref(), Some("しにたい"));
        assert_eq!(kana("tsukareta").as_deref(), Some("つかれた"));
        assert_eq!(kana("issho").as_deref(), Some("いっしょ"));
        assert_eq!(kana("enkou").as_deref(), Some("えんこう"));
        assert_eq!(kana("chu-gakusei").as_deref(), Some("ちゅーがくせい"));
        assert_eq!(kana("konnichiwa").as_deref(), Some("こんにちわ"));
        assert_eq!(kana("love"), None);
        assert_eq!(kana("jk"), None);
    }

    #[test]
    fn a_romaji_post_is_read_in_kana() {
        assert_eq!(read("shinitai. mou tsukareta"), "しにたい. もう つかれた");
        assert_eq!(
            read("jc douga ari. koukan ok"),
            "jc どうが あり. こうかん ok"
        );
    }

    #[test]
    fn english_handles_and_addresses_stay() {
        assert_eq!(read("i love you so much"), "i love you so much");
        assert_eq!(read("@shinitai_girl arigatou"), "@shinitai_girl arigatou");
        assert_eq!(
            read("https://example.com/sakura/hanami mite"),
            "https://example.com/sakura/hanami mite"
        );
        assert_eq!(read("tokyo"), "tokyo");
    }
}
