//! The part of the analysis result the forms read, taken from its JSON shape (docs/architecture.md,
//! "The analysis result"). Reading the JSON rather than the Rust struct lets the extension pass
//! the object it already holds to `renderForm`, and `patrol prefill` and the wasm build render
//! from exactly the same data.

use serde::Deserialize;
use serde_json::Value;

use crate::category::Category;

use super::FormError;

#[derive(Debug, Clone, Deserialize)]
pub struct Span {
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub start: usize,
    #[serde(default)]
    pub end: usize,
    pub text: String,
    #[serde(default)]
    pub signal: String,
    #[serde(default)]
    pub label: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct FlagView {
    pub category: Category,
    #[serde(default)]
    pub clause: String,
    #[serde(default)]
    pub confidence: f64,
    #[serde(default)]
    pub evidence: Vec<Span>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct UrgencyView {
    #[serde(default)]
    pub timing: Vec<Span>,
    #[serde(default)]
    pub specific: Vec<Span>,
    #[serde(default)]
    pub explicit: Vec<Span>,
    #[serde(default)]
    pub doubt: Vec<Span>,
    #[serde(default)]
    pub inquiry: bool,
    #[serde(default)]
    pub level: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ChildView {
    #[serde(default)]
    pub signals: Vec<Span>,
    #[serde(default)]
    pub adult_signals: Vec<Span>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PlaceView {
    pub name: String,
    #[serde(default)]
    pub inside: bool,
}

#[derive(Debug, Clone, Deserialize)]
pub struct AnalysisView {
    pub categories: Vec<Category>,
    pub minor: bool,
    pub region: String,
    pub inquiry: bool,
    #[serde(default)]
    pub ruleset: String,
    #[serde(default)]
    pub flags: Vec<FlagView>,
    #[serde(default)]
    pub child: ChildView,
    #[serde(default)]
    pub jurisdiction: String,
    #[serde(default)]
    pub places: Vec<PlaceView>,
    #[serde(default)]
    pub urgency: Option<UrgencyView>,
}

impl AnalysisView {
    pub fn from_json(value: &Value) -> Result<AnalysisView, FormError> {
        let v: AnalysisView = serde_json::from_value(value.clone())
            .map_err(|e| FormError::Input(format!("analysis: {e}")))?;
        if !matches!(v.region.as_str(), "in" | "out" | "unknown") {
            return Err(FormError::Input(format!(
                "analysis: region must be in, out or unknown, not {:?}",
                v.region
            )));
        }
        Ok(v)
    }

    pub fn has(&self, c: Category) -> bool {
        self.categories.contains(&c)
    }

    pub fn any_child(&self) -> bool {
        self.categories.iter().any(|c| !c.is_suicide())
    }

    pub fn any_suicide(&self) -> bool {
        self.categories.iter().any(|c| c.is_suicide())
    }

    pub fn flag(&self, c: Category) -> Option<&FlagView> {
        self.flags.iter().find(|f| f.category == c)
    }

    /// The words behind all flags of the given categories, for quoting.
    pub fn words_of(&self, pred: impl Fn(Category) -> bool) -> Vec<String> {
        let spans: Vec<&Span> = self
            .flags
            .iter()
            .filter(|f| pred(f.category))
            .flat_map(|f| {
                let child = !f.category.is_suicide();
                f.evidence
                    .iter()
                    .filter(move |e| !(child && bare_ending(&e.text)))
            })
            .collect();
        quoted(spans)
    }

    /// Whether a flag of `c` rests on one of the given signals (money offered, paid-sex slang).
    pub fn flag_has_signal(&self, c: Category, signals: &[&str]) -> bool {
        self.flag(c).is_some_and(|f| {
            f.evidence
                .iter()
                .any(|e| signals.contains(&e.signal.as_str()))
        })
    }

    /// Words of the post and profile that say the person is a child.
    pub fn child_words(&self) -> Vec<String> {
        quoted(self.child.signals.iter().collect())
    }
}

/// A short all-hiragana span (します, ます) says nothing on its own when quoted as a reason.
fn bare_ending(s: &str) -> bool {
    s.chars().count() <= 3 && s.chars().all(|c| ('\u{3041}'..='\u{309F}').contains(&c))
}

/// The distinct words of a set of spans, in the order they occur, a span inside a longer one of
/// the same source dropped (今週 inside 今週末), so each phrase is quoted once.
pub fn quoted(mut spans: Vec<&Span>) -> Vec<String> {
    // The post's own words first, then the profile's.
    spans.sort_by_key(|s| (s.source != "text", s.start, std::cmp::Reverse(s.end)));
    let mut kept: Vec<&Span> = Vec::new();
    for s in spans {
        let inside = kept.iter().any(|k| {
            k.source == s.source && k.start <= s.start && s.end <= k.end && k.end > k.start
        });
        if !inside {
            kept.push(s);
        }
    }
    // The same phrase met again elsewhere in the same text (パパ活 in #パパ活 after パパ活募集) is
    // quoted once, by its longest wording.
    let mut words: Vec<(&str, String)> = Vec::new();
    for s in kept {
        let same_phrase = words.iter_mut().find(|(source, w)| {
            *source == s.source && (w.contains(s.text.as_str()) || s.text.contains(w.as_str()))
        });
        match same_phrase {
            Some((_, w)) if s.text.len() > w.len() => *w = s.text.clone(),
            Some(_) => {}
            None => words.push((s.source.as_str(), s.text.clone())),
        }
    }
    let mut out: Vec<String> = Vec::new();
    for (_, w) in words {
        if !out.contains(&w) {
            out.push(w);
        }
    }
    out
}

/// 「今夜」「飛び降ります」 — words joined as Japanese quotations.
pub fn kakko(words: &[String]) -> String {
    words.iter().map(|w| format!("「{w}」")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(source: &str, start: usize, end: usize, text: &str) -> Span {
        Span {
            source: source.into(),
            start,
            end,
            text: text.into(),
            signal: String::new(),
            label: String::new(),
        }
    }

    #[test]
    fn nested_spans_are_quoted_once() {
        let a = span("text", 36, 38, "今週");
        let b = span("text", 36, 39, "今週末");
        let c = span("text", 0, 2, "今夜");
        let d = span("profile", 36, 38, "今週");
        assert_eq!(quoted(vec![&a, &b, &c, &d]), ["今夜", "今週末", "今週"]);
    }

    #[test]
    fn a_phrase_met_again_is_quoted_once_by_its_longest_wording() {
        let a = span("text", 3, 8, "パパ活募集");
        let b = span("text", 40, 43, "パパ活");
        let c = span("text", 12, 16, "会える人");
        assert_eq!(quoted(vec![&a, &b, &c]), ["パパ活募集", "会える人"]);
    }

    #[test]
    fn an_analysis_with_a_strange_region_is_refused() {
        let v = serde_json::json!({"categories": [], "minor": false, "region": "mars", "inquiry": false});
        assert!(AnalysisView::from_json(&v).is_err());
    }
}
