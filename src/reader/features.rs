//! What the second reader sees of a post: the analyzer's own scan (base forms, their bigrams,
//! concept hits with their modality, character bigrams), the child judgement and what the rules
//! concluded. Features are strings so that the weights file can be read and diffed by a person.

use crate::analyze::{Flag, Suppressed};
use crate::grammar::Modality;
use crate::matcher::{Scan, Source};
use crate::rules::RuleSet;

/// The features of one post, sorted and unique, with the first text span (normalised chars)
/// where each was seen — evidence for a category the reader adds.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Features {
    pub keys: Vec<String>,
    /// (key, start, end) in normalised chars of the post text; keys without a span (the
    /// profile, the rules' conclusions) are absent.
    pub spans: Vec<(String, usize, usize)>,
}

impl Features {
    /// The text span (normalised chars) where `key` was first seen.
    pub fn span(&self, key: &str) -> Option<(usize, usize)> {
        self.spans
            .iter()
            .find(|(k, _, _)| k == key)
            .map(|&(_, s, e)| (s, e))
    }
}

/// Words that carry meaning (not particles, auxiliaries or symbols).
fn content(pos: &str, pos1: &str) -> bool {
    matches!(
        pos,
        "名詞" | "動詞" | "形容詞" | "副詞" | "連体詞" | "感動詞" | "接頭詞"
    ) && pos1 != "非自立"
        && pos1 != "数"
}

/// A compact name for a hit's modality: the first that applies, in the order the rules read them.
pub fn modality_tag(m: &Modality) -> &'static str {
    if m.figurative() {
        "fig"
    } else if m.negated {
        "neg"
    } else if m.past {
        "past"
    } else if m.conditional {
        "cond"
    } else if m.imperative {
        "imp"
    } else if m.invite() {
        "invite"
    } else if m.desire {
        "desire"
    } else if m.volitional || m.polite || m.decision {
        "intent"
    } else if m.question {
        "q"
    } else if m.plain_end {
        "plain"
    } else {
        "aff"
    }
}

/// A name usable in the weights file (one line per feature, tab-separated).
fn clean(s: &str) -> bool {
    !s.is_empty() && !s.chars().any(|c| c.is_whitespace() || c.is_control())
}

pub struct Input<'a, 'd> {
    pub rules: &'a RuleSet,
    pub text: &'a Scan<'d>,
    pub profile: &'a Scan<'d>,
    pub minor: bool,
    pub adult: bool,
    pub site: Option<&'a str>,
}

/// `flags` and `suppressed` are the rules' conclusions on the post.
pub fn extract(input: &Input, flags: &[Flag], suppressed: &[Suppressed]) -> Features {
    let mut all: Vec<(String, Option<(usize, usize)>)> = Vec::new();
    let mut push = |k: String, span: Option<(usize, usize)>| {
        if clean(&k) {
            all.push((k, span));
        }
    };
    let toks = &input.text.toks;
    let mut prev: Option<usize> = None;
    for (i, t) in toks.iter().enumerate() {
        if t.is_boundary() {
            prev = None;
            continue;
        }
        if content(t.pos, t.pos1) {
            push(format!("w:{}", t.key_base), Some((t.start, t.end)));
        }
        if let Some(p) = prev {
            let a = &toks[p];
            push(
                format!("b:{}_{}", a.key_base, t.key_base),
                Some((a.start, t.end)),
            );
        }
        prev = Some(i);
    }
    // Character bigrams of the normalised text: obfuscations the dictionary splits oddly.
    let chars: Vec<char> = input.text.norm.text().chars().collect();
    for (i, w) in chars.windows(2).enumerate() {
        if w.iter()
            .all(|c| !c.is_whitespace() && !c.is_ascii_punctuation())
        {
            push(format!("g:{}{}", w[0], w[1]), Some((i, i + 2)));
        }
    }
    for h in &input.text.hits {
        let id = &input.rules.concepts[h.concept].id;
        let span = Some((h.start, h.end));
        if h.masked_by.is_some() {
            push(format!("m:{id}"), span);
        } else {
            push(format!("k:{id}"), span);
            push(format!("k:{id}@{}", modality_tag(&h.modality)), span);
        }
    }
    for h in input.profile.hits.iter().filter(|h| h.masked_by.is_none()) {
        push(format!("p:{}", input.rules.concepts[h.concept].id), None);
    }
    if input.minor {
        push("minor".to_string(), None);
    }
    if input.adult {
        push("adult".to_string(), None);
    }
    for f in flags {
        push(format!("r:{}", f.category.id()), None);
        push(format!("rid:{}", f.rule), None);
    }
    for s in suppressed {
        push(format!("rs:{}", s.category.id()), None);
    }
    if let Some(site) = input.site {
        push(format!("site:{site}"), None);
    }
    // Sorted and unique; the first span kept (stable sort keeps text order within a key).
    all.sort_by(|a, b| a.0.cmp(&b.0));
    let mut f = Features::default();
    for (k, span) in all {
        if f.keys.last() == Some(&k) {
            continue;
        }
        if let Some((s, e)) = span {
            f.spans.push((k.clone(), s, e));
        }
        f.keys.push(k);
    }
    debug_assert!(input.text.source == Source::Text);
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modality_tags_follow_the_rules_reading_order() {
        let m = Modality {
            desire: true,
            negated: true,
            ..Modality::default()
        };
        assert_eq!(modality_tag(&m), "neg", "死にたくない is negated first");
        let m = Modality {
            volitional: true,
            question: true,
            ..Modality::default()
        };
        assert_eq!(modality_tag(&m), "invite", "死のうか");
        let m = Modality {
            polite: true,
            ..Modality::default()
        };
        assert_eq!(modality_tag(&m), "intent", "死にます");
        let m = Modality {
            polite: true,
            degree: true,
            ..Modality::default()
        };
        assert_eq!(
            modality_tag(&m),
            "fig",
            "死ぬほど is figurative whatever else"
        );
    }

    #[test]
    fn names_with_spaces_cannot_enter_the_weights_file() {
        assert!(clean("w:死ぬ"));
        assert!(!clean("w:a b"));
        assert!(!clean("w:a\tb"));
        assert!(!clean(""));
    }
}
