//! The second reader: a small learned model that reads the whole post after the rules and may
//! (a) add a category the rules missed when it is confident, and (b) hold back a low-confidence
//! rule flag it judges innocent. Whether either is on, and at which thresholds, was decided by
//! leave-one-part-out cross-validation on the development corpus (`patrol reader cv`); the
//! weights and thresholds are data (`rules/reader.tsv`), retrained with `patrol reader train`.
//!
//! Safety (why some flags are never held back): a suicide flag whose urgency has an explicit
//! expression (003 §4(1)ア(ウ)) or that warrants an inquiry is protected, and so is every flag
//! whose rule is confident (at or above `veto_below`): the reader only second-guesses weak rules.

pub mod features;
pub mod model;
pub mod train;

use crate::analyze::{Evidence, Flag, Suppressed, Urgency};
use crate::category::Category;
use crate::matcher::Source;
use crate::normalize::Normalized;

pub use features::{extract, Features, Input};
pub use model::{Model, Settings};

/// The weights file, compiled into the crate like the other rule data, in the native and the
/// WebAssembly build alike: the extension and `patrol analyze` must flag the same posts.
pub const READER_FILE: &str = include_str!("../../rules/reader.tsv");
/// The on/off switch (`enabled = true|false`), apart from the weights so that retraining
/// reproduces the weights file byte for byte whatever the switch says.
pub const SWITCH_FILE: &str = include_str!("../../rules/reader.toml");

#[derive(serde::Deserialize)]
struct Switch {
    enabled: bool,
}

/// How the analyzer uses the reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Read every post and act per the data file's settings (the default).
    Apply,
    /// Read every post and report, but change nothing (training, CV).
    Observe,
    /// Do not read at all.
    Off,
}

#[derive(Debug, Clone)]
pub struct Reader {
    pub model: Model,
    pub mode: Mode,
}

/// A rule flag as the reader sees it when deciding whether it may be held back.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleFlag {
    pub category: Category,
    pub confidence: f32,
    /// Never held back (see the module doc).
    pub protected: bool,
}

/// What the reader saw of one post before acting: independent of the model, so CV can replay it.
#[derive(Debug, Clone, Default)]
pub struct Observed {
    pub features: Features,
    pub rule_flags: Vec<RuleFlag>,
    pub minor: bool,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Decision {
    pub probabilities: [f32; 9],
    pub added: Vec<Category>,
    pub vetoed: Vec<Category>,
}

impl Decision {
    /// Whether applying it adds or removes a flag (the analyzer then re-judges urgency).
    pub fn changes_flags(&self) -> bool {
        !self.added.is_empty() || !self.vetoed.is_empty()
    }
}

/// Features with their weights for one category, strongest first.
pub type Contributions = Vec<(String, f32)>;

/// The reader's account of one post, kept in the analysis for `--explain` (not serialised).
#[derive(Debug, Clone)]
pub struct Reading {
    pub observed: Observed,
    pub decision: Decision,
    /// Per category worth showing: the strongest features for and against.
    pub top: Vec<(Category, Contributions, Contributions)>,
}

fn index(c: Category) -> usize {
    Category::ALL.iter().position(|&x| x == c).unwrap_or(0)
}

/// Features that speak for category `c` in this post and can be shown in its text: words and
/// concept hits before character bigrams (an officer reads 見届け, not 「か。」).
fn evidence_features(model: &Model, f: &Features, c: Category) -> Vec<(String, f32)> {
    let mut v: Vec<(String, f32)> = model
        .top(&f.keys, index(c), true, 12)
        .into_iter()
        .filter(|(k, _)| f.span(k).is_some())
        .collect();
    v.sort_by_key(|(k, _)| k.starts_with("g:"));
    // Two features on the same words (k:meet_request and k:meet_request@aff) are one piece of
    // evidence to the officer: shown once, with the stronger weight.
    let mut seen = Vec::new();
    v.retain(|(k, _)| {
        let span = f.span(k);
        let new = !seen.contains(&span);
        seen.push(span);
        new
    });
    v.truncate(3);
    v
}

/// What the model makes of one post, independent of the thresholds (CV scores it once per fold).
#[derive(Debug, Clone)]
pub struct Scored {
    pub probabilities: [f32; 9],
    /// Whether a feature that speaks for the category can be shown in the text (an added flag
    /// must show the officer its words).
    pub showable: [bool; 9],
}

/// `floor`: no category below this probability can be added, so its words need not be found
/// (most posts; finding them was most of the reader's cost per post).
pub fn score(model: &Model, o: &Observed, floor: f32) -> Scored {
    let probabilities = model.probabilities(&o.features.keys);
    let showable = Category::ALL.map(|c| {
        probabilities[index(c)] >= floor && !evidence_features(model, &o.features, c).is_empty()
    });
    Scored {
        probabilities,
        showable,
    }
}

/// The reader's decision for one post, given the thresholds: the same function serves the
/// analyzer and the cross-validation, so CV measures exactly what ships.
pub fn decide(model: &Model, settings: &Settings, o: &Observed) -> Decision {
    let floor = [settings.add, settings.add_new]
        .into_iter()
        .flatten()
        .fold(f32::INFINITY, f32::min);
    decide_scored(settings, o, &score(model, o, floor))
}

pub fn decide_scored(settings: &Settings, o: &Observed, s: &Scored) -> Decision {
    let p = s.probabilities;
    let mut vetoed = Vec::new();
    if let Some(t) = settings.veto {
        for rf in &o.rule_flags {
            if !rf.protected && rf.confidence < settings.veto_below && p[index(rf.category)] < t {
                vetoed.push(rf.category);
            }
        }
    }
    let mut added = Vec::new();
    // A post the rules left alone becomes a new alarm: its own threshold (false alarms).
    let threshold = if o.rule_flags.is_empty() {
        settings.add_new
    } else {
        settings.add
    };
    if let Some(t) = threshold {
        let flagged = |c: Category| o.rule_flags.iter().any(|r| r.category == c);
        for c in Category::ALL {
            if flagged(c) || p[index(c)] < t || (c.needs_minor() && !o.minor) {
                continue;
            }
            // 001 §4(6) is the residual item: not added beside another child category.
            if c == Category::ChildSexualization {
                let other = |x: Category| !x.is_suicide() && x != Category::ChildSexualization;
                let kept = o
                    .rule_flags
                    .iter()
                    .any(|r| other(r.category) && !vetoed.contains(&r.category));
                if kept || added.iter().any(|&a| other(a)) {
                    continue;
                }
            }
            if !s.showable[index(c)] {
                continue;
            }
            added.push(c);
        }
    }
    Decision {
        probabilities: p,
        added,
        vetoed,
    }
}

impl Reader {
    pub fn embedded() -> Result<Reader, String> {
        let switch: Switch =
            toml::from_str(SWITCH_FILE).map_err(|e| format!("rules/reader.toml: {e}"))?;
        Ok(Reader {
            model: Model::parse(READER_FILE)?,
            mode: if switch.enabled {
                Mode::Apply
            } else {
                Mode::Off
            },
        })
    }

    /// Reads the post after the rules and applies the decision to `flags` / `suppressed`.
    /// `original` is the post text, `norm` its normalisation (for evidence offsets).
    pub fn review(
        &self,
        input: &Input,
        original: &str,
        norm: &Normalized,
        urgency: Option<&Urgency>,
        flags: &mut Vec<Flag>,
        suppressed: &mut Vec<Suppressed>,
    ) -> Option<Reading> {
        if self.mode == Mode::Off {
            return None;
        }
        let explicit = urgency.is_some_and(|u| u.inquiry || !u.explicit.is_empty());
        let observed = Observed {
            features: extract(input, flags, suppressed),
            rule_flags: flags
                .iter()
                .map(|f| RuleFlag {
                    category: f.category,
                    confidence: f.confidence,
                    // 003 §4(1)ア(ウ): an explicit announcement is never second-guessed.
                    protected: f.category.is_suicide() && explicit,
                })
                .collect(),
            minor: input.minor,
        };
        let settings = match self.mode {
            Mode::Apply => self.model.settings,
            _ => Settings::OFF,
        };
        let decision = decide(&self.model, &settings, &observed);
        for &c in &decision.vetoed {
            let p = decision.probabilities[index(c)];
            if let Some(i) = flags.iter().position(|f| f.category == c) {
                let f = flags.remove(i);
                suppressed.push(Suppressed {
                    category: c,
                    rule: format!("{} (reader)", f.rule),
                    reason: format!("文全体の読み取りで該当の可能性が低い（p={p:.2}）"),
                    evidence: f.evidence,
                });
            }
        }
        for &c in &decision.added {
            let p = decision.probabilities[index(c)];
            let evidence = evidence_features(&self.model, &observed.features, c)
                .into_iter()
                .filter_map(|(k, w)| {
                    let (s, e) = observed.features.span(&k)?;
                    let (start, end) = norm.source_span(s, e);
                    Some(Evidence {
                        source: Source::Text,
                        start,
                        end,
                        text: original.chars().skip(start).take(end - start).collect(),
                        signal: format!("reader:{k}"),
                        label: format!("文全体の読み取り（寄与 {w:+.2}）"),
                    })
                })
                .collect();
            suppressed.retain(|s| s.category != c);
            flags.push(Flag {
                category: c,
                label: c.label_ja(),
                clause: c.clause().to_string(),
                rule: format!("reader.{}", c.id()),
                confidence: (p * 100.0).round() / 100.0,
                evidence,
                fallback: false,
            });
        }
        flags.sort_by_key(|f| f.category);
        let shown = |c: Category| {
            let p = decision.probabilities[index(c)];
            p >= 0.3 || observed.rule_flags.iter().any(|r| r.category == c)
        };
        let top = Category::ALL
            .into_iter()
            .filter(|&c| shown(c))
            .map(|c| {
                let k = &observed.features.keys;
                (
                    c,
                    self.model.top(k, index(c), true, 5),
                    self.model.top(k, index(c), false, 3),
                )
            })
            .collect();
        Some(Reading {
            observed,
            decision,
            top,
        })
    }
}

/// `--explain`: the reader's probability and strongest features per category worth showing.
pub fn explain(r: &Reading) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    if r.top.is_empty() {
        return s;
    }
    let _ = writeln!(s, "文全体の読み取り（第二の読み手、規則の後に適用）:");
    let feats = |v: &[(String, f32)]| {
        v.iter()
            .map(|(k, w)| format!("{k} {w:+.2}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    for (c, pos, neg) in &r.top {
        let p = r.decision.probabilities[index(*c)];
        let act = if r.decision.added.contains(c) {
            "  → 追加"
        } else if r.decision.vetoed.contains(c) {
            "  → 保留"
        } else {
            ""
        };
        let _ = writeln!(s, "    {} [{}] p={p:.2}{act}", c.label_ja(), c.id());
        if !pos.is_empty() {
            let _ = writeln!(s, "        該当寄り: {}", feats(pos));
        }
        if !neg.is_empty() {
            let _ = writeln!(s, "        非該当寄り: {}", feats(neg));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn model(add: Option<f32>, veto: Option<f32>) -> Model {
        let mut weights = HashMap::new();
        // Category 6 = suicide_notice, 0 = child_sexual_contact, 5 = sexualization.
        weights.insert("w:消す".to_string(), vec![(6, 500)]);
        weights.insert("w:笑".to_string(), vec![(6, -600)]);
        weights.insert("w:会う".to_string(), vec![(0, 600), (5, 600)]);
        Model {
            settings: Settings {
                add,
                add_new: add,
                veto,
                veto_below: 0.8,
            },
            trained_on: "test".to_string(),
            bias: [-200; 9],
            weights,
        }
    }

    fn observed(keys: &[&str], flags: Vec<RuleFlag>, minor: bool) -> Observed {
        let keys: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
        Observed {
            features: Features {
                spans: keys.iter().map(|k| (k.clone(), 0, 1)).collect(),
                keys,
            },
            rule_flags: flags,
            minor,
        }
    }

    fn flag(category: Category, confidence: f32, protected: bool) -> RuleFlag {
        RuleFlag {
            category,
            confidence,
            protected,
        }
    }

    #[test]
    fn a_confident_reading_adds_the_missed_category() {
        let m = model(Some(0.9), None);
        let d = decide(&m, &m.settings, &observed(&["w:消す"], vec![], false));
        assert_eq!(d.added, vec![Category::SuicideNotice]);
        // Below the threshold: nothing.
        let m = model(Some(0.99), None);
        let d = decide(&m, &m.settings, &observed(&["w:消す"], vec![], false));
        assert!(d.added.is_empty());
    }

    #[test]
    fn a_child_category_is_never_added_without_a_child() {
        let m = model(Some(0.9), None);
        let d = decide(&m, &m.settings, &observed(&["w:会う"], vec![], false));
        assert!(d.added.is_empty());
        let d = decide(&m, &m.settings, &observed(&["w:会う"], vec![], true));
        // §4(6) is residual: contact added, sexualization not beside it.
        assert_eq!(d.added, vec![Category::ChildSexualContact]);
    }

    #[test]
    fn only_weak_unprotected_flags_are_held_back() {
        let m = model(None, Some(0.2));
        let o = |f| observed(&["w:笑"], vec![f], false);
        let weak = decide(
            &m,
            &m.settings,
            &o(flag(Category::SuicideNotice, 0.6, false)),
        );
        assert_eq!(weak.vetoed, vec![Category::SuicideNotice]);
        let explicit = decide(
            &m,
            &m.settings,
            &o(flag(Category::SuicideNotice, 0.6, true)),
        );
        assert!(explicit.vetoed.is_empty(), "003 §4(1)ア(ウ) is protected");
        let confident = decide(
            &m,
            &m.settings,
            &o(flag(Category::SuicideNotice, 0.85, false)),
        );
        assert!(
            confident.vetoed.is_empty(),
            "a confident rule is not second-guessed"
        );
    }

    #[test]
    fn switched_off_the_reader_changes_nothing() {
        let m = model(Some(0.5), Some(0.5));
        let d = decide(
            &m,
            &Settings::OFF,
            &observed(
                &["w:消す", "w:笑"],
                vec![flag(Category::GroupSuicide, 0.6, false)],
                true,
            ),
        );
        assert!(d.added.is_empty() && d.vetoed.is_empty());
    }

    #[test]
    fn the_embedded_weights_load() {
        let r = Reader::embedded().expect("rules/reader.tsv and rules/reader.toml parse");
        assert!(
            r.model.settings.add.is_some()
                || r.model.settings.add_new.is_some()
                || r.model.settings.veto.is_some()
                || r.mode == Mode::Off
        );
    }
}
