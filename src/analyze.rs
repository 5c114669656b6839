//! The analysis of one post (and its author's profile): categories, child, region, urgency.

use std::collections::{BTreeMap, HashSet};
use std::fmt;

use lindera::dictionary::Dictionary;
use serde::Serialize;

use crate::category::Category;
use crate::matcher::{masked, satisfying, scan, Hit, Scan, Source};
use crate::morph::Morphology;
use crate::normalize::normalize;
use crate::reach::Reach;
use crate::region::{judge, Gazetteer, Place, Region, DEFAULT_JURISDICTION};
use crate::rules::{Cond, RuleSet};

/// Posts longer than this are refused with an error rather than analysed: X allows 25,000
/// characters, boards far fewer; a megabyte "post" is hostile input, not a post.
pub const MAX_TEXT_CHARS: usize = 100_000;

#[derive(Debug, Clone)]
pub struct Config {
    /// Prefecture whose posts are "in" (001 §4). A setting: 熊本県 by default.
    pub jurisdiction: String,
    /// Year against which birth years are judged (06年生まれ).
    pub as_of_year: i32,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            jurisdiction: DEFAULT_JURISDICTION.to_string(),
            as_of_year: current_year(),
        }
    }
}

/// The current calendar year in JST, from the system clock (no time-zone database needed).
pub fn current_year() -> i32 {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
        + 9 * 3600;
    let days = secs.div_euclid(86_400);
    // Civil-from-days (Howard Hinnant), year only.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(month <= 2)) as i32
}

#[derive(Debug, Clone, Copy)]
pub struct Post<'a> {
    pub text: &'a str,
    pub profile: &'a str,
    pub site: Option<&'a str>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnalyzeError {
    EmptyText,
    TooLong { field: &'static str, chars: usize },
}

impl fmt::Display for AnalyzeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AnalyzeError::EmptyText => write!(f, "text is empty"),
            AnalyzeError::TooLong { field, chars } => write!(
                f,
                "{field} is too long: {chars} characters (limit {MAX_TEXT_CHARS})"
            ),
        }
    }
}

impl std::error::Error for AnalyzeError {}

#[derive(Debug)]
pub enum SetupError {
    Rules(crate::rules::RuleError),
    Gazetteer(crate::region::GazetteerError),
    UnknownJurisdiction(String),
}

impl fmt::Display for SetupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SetupError::Rules(e) => write!(f, "{e}"),
            SetupError::Gazetteer(e) => write!(f, "{e}"),
            SetupError::UnknownJurisdiction(j) => write!(
                f,
                "unknown jurisdiction {j:?}: give a prefecture's full name, e.g. 熊本県, 東京都, 大阪府, 北海道"
            ),
        }
    }
}

impl std::error::Error for SetupError {}

/// A span of evidence: where a signal was found, in char offsets into the original text or profile.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Evidence {
    pub source: Source,
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub signal: String,
    pub label: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Flag {
    pub category: Category,
    pub label: &'static str,
    pub clause: String,
    pub rule: String,
    pub confidence: f32,
    pub evidence: Vec<Evidence>,
    /// Raised only by a fallback rule (dropped when another category of its family applies).
    #[serde(skip)]
    pub fallback: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Suppressed {
    pub category: Category,
    pub rule: String,
    pub reason: String,
    pub evidence: Vec<Evidence>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChildJudgement {
    pub minor: bool,
    pub signals: Vec<Evidence>,
    pub adult_signals: Vec<Evidence>,
}

/// 003 §4(1)ア: the checklist for an inquiry to the provider.
#[derive(Debug, Clone, Serialize)]
pub struct Urgency {
    /// (ア) imminent timing.
    pub timing: Vec<Evidence>,
    /// (イ) specific place, method or motive.
    pub specific: Vec<Evidence>,
    /// (ウ) explicit expression.
    pub explicit: Vec<Evidence>,
    /// (エ) circumstances casting doubt.
    pub doubt: Vec<Evidence>,
    pub inquiry: bool,
    /// `high` (inquiry warranted), `elevated` (explicit, or timing with a method/place), `watch`.
    pub level: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct Analysis {
    pub categories: Vec<Category>,
    pub minor: bool,
    pub region: Region,
    pub inquiry: bool,
    pub ruleset: String,
    pub flags: Vec<Flag>,
    pub child: ChildJudgement,
    pub jurisdiction: String,
    pub places: Vec<Place>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub urgency: Option<Urgency>,
    pub suppressed: Vec<Suppressed>,
    /// The second reader's account (`--explain`, training); not part of the JSON.
    #[serde(skip)]
    pub reader: Option<crate::reader::Reading>,
}

pub struct Analyzer {
    morph: Morphology,
    rules: RuleSet,
    gazetteer: Gazetteer,
    config: Config,
    reader: crate::reader::Reader,
}

impl fmt::Debug for Analyzer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Analyzer({:?}, {})",
            self.rules, self.config.jurisdiction
        )
    }
}

impl Analyzer {
    pub fn new(dictionary: Dictionary, config: Config) -> Result<Analyzer, SetupError> {
        let morph = Morphology::new(dictionary);
        let rules = RuleSet::embedded(&morph).map_err(SetupError::Rules)?;
        let gazetteer = Gazetteer::embedded().map_err(SetupError::Gazetteer)?;
        if !gazetteer.is_prefecture(&config.jurisdiction) {
            return Err(SetupError::UnknownJurisdiction(config.jurisdiction));
        }
        let reader = crate::reader::Reader::embedded()
            .map_err(|e| SetupError::Rules(crate::rules::RuleError(e)))?;
        Ok(Analyzer {
            morph,
            rules,
            gazetteer,
            config,
            reader,
        })
    }

    /// Training and CV run the rules alone and only observe what the reader sees; tests and
    /// `--reader` switch it on or set its thresholds.
    pub fn reader_mut(&mut self) -> &mut crate::reader::Reader {
        &mut self.reader
    }

    pub fn rules(&self) -> &RuleSet {
        &self.rules
    }

    pub fn morphology(&self) -> &Morphology {
        &self.morph
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    fn scan(&self, text: &str, source: Source) -> Scan<'_> {
        let norm = normalize(text, &self.rules.symbols);
        let toks = self.morph.analyze(&norm);
        scan(&self.rules, norm, toks, source, self.config.as_of_year)
    }

    pub fn analyze(&self, post: &Post) -> Result<Analysis, AnalyzeError> {
        if post.text.trim().is_empty() {
            return Err(AnalyzeError::EmptyText);
        }
        for (field, s) in [("text", post.text), ("profile", post.profile)] {
            let chars = s.chars().count();
            if chars > MAX_TEXT_CHARS {
                return Err(AnalyzeError::TooLong { field, chars });
            }
        }
        let text = self.scan(post.text, Source::Text);
        let profile = self.scan(post.profile, Source::Profile);
        let ctx = Ctx {
            rules: &self.rules,
            text: &text,
            profile: &profile,
            originals: [post.text, post.profile],
            char_bytes: [char_starts(post.text), char_starts(post.profile)],
        };

        let child = ctx.child();
        let mut places = self.gazetteer.places(&text, &self.config.jurisdiction);
        places.extend(self.gazetteer.places(&profile, &self.config.jurisdiction));
        let region = judge(&places);

        let reach = Reach::new(post.text);
        let mut candidates: Vec<Flag> = Vec::new();
        let mut suppressed: Vec<Suppressed> = Vec::new();
        for rule in &self.rules.rules {
            let Some(evidence) = ctx.rule_evidence(&rule.all, &rule.any, false) else {
                // Would it have fired but for a mask (idiom, parent, hyperbole)? Say so.
                if ctx.rule_evidence(&rule.all, &rule.any, true).is_some() {
                    let (reason, ev) = ctx.mask_reason(&rule.all, &rule.any);
                    suppressed.push(Suppressed {
                        category: rule.category,
                        rule: rule.id.clone(),
                        reason,
                        evidence: ev,
                    });
                }
                continue;
            };
            if rule.category.needs_minor() && !child.minor {
                suppressed.push(Suppressed {
                    category: rule.category,
                    rule: rule.id.clone(),
                    reason:
                        "児童と判断できる記載が投稿にもプロフィールにもない（成人のみの勧誘等）"
                            .to_string(),
                    evidence,
                });
                continue;
            }
            let exclusions = ctx.context_hits(&rule.unless, &reach);
            if let Some(ev) = ctx.covering(&reach, &exclusions, &evidence) {
                suppressed.push(Suppressed {
                    category: rule.category,
                    rule: rule.id.clone(),
                    reason: format!("除外条件: {}", ev.label),
                    evidence: vec![ev],
                });
                continue;
            }
            let distinct = {
                let mut s: Vec<&str> = evidence.iter().map(|e| e.signal.as_str()).collect();
                s.sort_unstable();
                s.dedup();
                s.len()
            };
            let bonus = 0.03 * distinct.saturating_sub(rule.all.len().max(1)) as f32;
            for category in std::iter::once(rule.category).chain(rule.also.iter().copied()) {
                candidates.push(Flag {
                    category,
                    label: category.label_ja(),
                    clause: rule.clause.clone(),
                    rule: rule.id.clone(),
                    confidence: (rule.confidence + bonus).min(0.99),
                    evidence: evidence.clone(),
                    fallback: rule.fallback,
                });
            }
        }

        // Context suppressors: news, prevention campaigns, fiction, parents, jokes.
        let mut kept: Vec<Flag> = Vec::new();
        let mut context_words: Vec<Option<Vec<ContextHit>>> =
            vec![None; self.rules.suppressors.len()];
        'flags: for flag in candidates {
            for (i, s) in self.rules.suppressors.iter().enumerate() {
                if !s.categories.contains(&flag.category) {
                    continue;
                }
                // A context word in the text speaks only for the flag words it reaches (long posts);
                // the author's profile speaks for the whole post.
                let in_text =
                    context_words[i].get_or_insert_with(|| ctx.context_hits(&s.when, &reach));
                let mut trigger = ctx.covering(&reach, in_text, &flag.evidence);
                if trigger.is_none() && s.profile {
                    trigger = ctx.first_any(&s.when, Source::Profile);
                }
                let Some(trigger) = trigger else { continue };
                if ctx.first_any(&s.unless, Source::Text).is_some() {
                    continue;
                }
                suppressed.push(Suppressed {
                    category: flag.category,
                    rule: format!("{} ({})", flag.rule, s.id),
                    reason: s.reason.clone(),
                    evidence: vec![trigger],
                });
                continue 'flags;
            }
            kept.push(flag);
        }

        // One flag per category: the most confident rule, with the evidence of all.
        let mut by_cat: BTreeMap<Category, Flag> = BTreeMap::new();
        // Evidence already held per category, by span and signal (a long post holds thousands: a
        // linear `contains` per item was quadratic).
        let mut held: BTreeMap<Category, HashSet<(Source, usize, usize, String)>> = BTreeMap::new();
        let key = |e: &Evidence| (e.source, e.start, e.end, e.signal.clone());
        for flag in kept {
            let seen = held.entry(flag.category).or_default();
            match by_cat.get_mut(&flag.category) {
                Some(best) => {
                    for e in flag.evidence.iter() {
                        if seen.insert(key(e)) {
                            best.evidence.push(e.clone());
                        }
                    }
                    best.fallback &= flag.fallback;
                    if flag.confidence > best.confidence {
                        best.confidence = flag.confidence;
                        best.rule = flag.rule;
                        best.clause = flag.clause;
                    }
                }
                None => {
                    seen.extend(flag.evidence.iter().map(key));
                    by_cat.insert(flag.category, flag);
                }
            }
        }
        let mut flags: Vec<Flag> = by_cat.into_values().collect();
        let solid: Vec<Category> = flags
            .iter()
            .filter(|f| !f.fallback)
            .map(|f| f.category)
            .collect();
        flags.retain(|f| {
            !f.fallback
                || !solid
                    .iter()
                    .any(|c| c.is_suicide() == f.category.is_suicide())
        });
        // 001 §4(6) is the residual item ("その他…"): a post that falls under §4(1)–(5) is not
        // also "other", even when that flag came from a fallback rule itself.
        let other_child = flags
            .iter()
            .any(|f| !f.category.is_suicide() && f.category != Category::ChildSexualization);
        if other_child {
            flags.retain(|f| f.category != Category::ChildSexualization || !f.fallback);
        }
        for y in &self.rules.yields {
            let Some(pos) = flags.iter().position(|f| f.category == y.category) else {
                continue;
            };
            let Some(winner) = flags
                .iter()
                .find(|f| !f.fallback && y.to.contains(&f.category))
            else {
                continue;
            };
            if ctx.first_any(&y.unless, Source::Text).is_some() {
                continue;
            }
            let evidence = winner.evidence.iter().take(2).cloned().collect();
            let f = flags.remove(pos);
            suppressed.push(Suppressed {
                category: f.category,
                rule: format!("{} ({})", f.rule, y.id),
                reason: y.reason.clone(),
                evidence,
            });
        }
        for f in flags.iter_mut() {
            f.evidence
                .sort_by_key(|e| (e.source == Source::Profile, e.start, e.end));
        }
        // Suppressed candidates of a category that is flagged anyway are noise.
        suppressed.retain(|s| !flags.iter().any(|f| f.category == s.category));
        suppressed.dedup_by(|a, b| a.category == b.category && a.reason == b.reason);

        let suicide = flags.iter().any(|f| f.category.is_suicide());
        let mut urgency = suicide.then(|| ctx.urgency(&flags, &places, &reach));
        // The second reader (src/reader) may add a missed category or hold back a weak flag.
        let input = crate::reader::Input {
            rules: &self.rules,
            text: &text,
            profile: &profile,
            minor: child.minor,
            adult: !child.adult_signals.is_empty(),
            site: post.site,
        };
        let reader = self.reader.review(
            &input,
            post.text,
            &text.norm,
            urgency.as_ref(),
            &mut flags,
            &mut suppressed,
        );
        if reader.as_ref().is_some_and(|r| r.decision.changes_flags()) {
            let suicide = flags.iter().any(|f| f.category.is_suicide());
            urgency = suicide.then(|| ctx.urgency(&flags, &places, &reach));
        }
        let inquiry = urgency.as_ref().is_some_and(|u| u.inquiry);
        if inquiry {
            for f in flags.iter_mut() {
                if matches!(f.category, Category::SuicideNotice | Category::GroupSuicide) {
                    f.confidence = f.confidence.max(0.95);
                }
            }
        }
        Ok(Analysis {
            categories: flags.iter().map(|f| f.category).collect(),
            minor: child.minor,
            region,
            inquiry,
            ruleset: self.rules.version.clone(),
            flags,
            child,
            jurisdiction: self.config.jurisdiction.clone(),
            places,
            urgency,
            suppressed,
            reader,
        })
    }
}

/// The scans of one post, with helpers to turn hits into evidence.
struct Ctx<'a> {
    rules: &'a RuleSet,
    text: &'a Scan<'a>,
    profile: &'a Scan<'a>,
    originals: [&'a str; 2],
    /// [`char_starts`] of each original: a quote is sliced, not counted again from the start of
    /// a 100 KB post for every hit (issue 6: that made long posts quadratic).
    char_bytes: [Vec<usize>; 2],
}

/// A context word's span in the original text, and its hit (for the quote, built only when it suppresses).
type ContextHit<'s> = ((usize, usize), &'s Hit);

/// Byte offset of every char of `s`, then `s.len()`.
fn char_starts(s: &str) -> Vec<usize> {
    s.char_indices()
        .map(|(b, _)| b)
        .chain(std::iter::once(s.len()))
        .collect()
}

impl<'a> Ctx<'a> {
    /// Chars [start, end) of the text (`i` = 0) or the profile (1); empty when out of range.
    fn quote(&self, i: usize, start: usize, end: usize) -> String {
        let original = self.originals[i];
        let at = |c: usize| self.char_bytes[i].get(c).copied().unwrap_or(original.len());
        original[at(start)..at(end.max(start))].to_string()
    }

    fn scan(&self, source: Source) -> &Scan<'a> {
        match source {
            Source::Text => self.text,
            Source::Profile => self.profile,
        }
    }

    fn evidence(&self, h: &Hit) -> Evidence {
        let scan = self.scan(h.source);
        let (start, end) = scan.norm.source_span(h.start, h.end);
        let original = match h.source {
            Source::Text => 0,
            Source::Profile => 1,
        };
        let concept = &self.rules.concepts[h.concept];
        Evidence {
            source: h.source,
            start,
            end,
            text: self.quote(original, start, end),
            signal: concept.id.clone(),
            label: concept.label.clone(),
        }
    }

    /// Evidence for a rule's conditions over the post text, or None when they do not hold.
    fn rule_evidence(
        &self,
        all: &'a [Cond],
        any: &'a [Cond],
        with_masked: bool,
    ) -> Option<Vec<Evidence>> {
        // Most rules do not fire on most posts: decide first, build evidence strings after.
        let holds = |c: &'a Cond| {
            satisfying(self.text, c).next().is_some()
                || (with_masked && masked(self.text, c).next().is_some())
        };
        if !all.iter().all(holds) || (!any.is_empty() && !any.iter().any(holds)) {
            return None;
        }
        let mut ev = Vec::new();
        let hits_for = |c: &'a Cond| -> Vec<&'a Hit> {
            let mut v: Vec<&Hit> = satisfying(self.text, c).collect();
            if with_masked {
                v.extend(masked(self.text, c));
            }
            v
        };
        for c in all {
            let hits = hits_for(c);
            if hits.is_empty() {
                return None;
            }
            ev.extend(hits.into_iter().map(|h| self.evidence(h)));
        }
        if !any.is_empty() {
            let mut found = false;
            for c in any {
                let hits = hits_for(c);
                if !hits.is_empty() {
                    found = true;
                    ev.extend(hits.into_iter().map(|h| self.evidence(h)));
                }
            }
            if !found {
                return None;
            }
        }
        ev.dedup();
        Some(ev)
    }

    fn mask_reason(&self, all: &[Cond], any: &[Cond]) -> (String, Vec<Evidence>) {
        for c in all.iter().chain(any) {
            if let Some(h) = masked(self.text, c).next() {
                let reason = h
                    .masked_by
                    .and_then(|m| self.rules.masks.get(m))
                    .map(|m| m.reason.clone())
                    .unwrap_or_default();
                return (reason, vec![self.evidence(h)]);
            }
        }
        (String::new(), Vec::new())
    }

    fn first_any(&self, conds: &[Cond], source: Source) -> Option<Evidence> {
        let scan = self.scan(source);
        conds
            .iter()
            .find_map(|c| satisfying(scan, c).next())
            .map(|h| self.evidence(h))
    }

    fn all_any(&self, conds: &[Cond], sources: &[Source]) -> Vec<Evidence> {
        let mut out = Vec::new();
        // A long post can hold thousands of hits: dedup by key, not by scanning `out` (was quadratic).
        let mut seen: HashSet<(bool, usize, usize, usize)> = HashSet::new();
        for &s in sources {
            for c in conds {
                for h in satisfying(self.scan(s), c) {
                    let span = self.scan(s).norm.source_span(h.start, h.end);
                    if seen.insert((s == Source::Text, span.0, span.1, h.concept)) {
                        out.push(self.evidence(h));
                    }
                }
            }
        }
        out
    }

    /// The text hits of a rule's exclusions or a suppressor's context words, as spans of the original
    /// text (quotes are built only for the one that suppresses): in a short post only the first is
    /// needed, since it speaks for the whole post.
    fn context_hits<'s>(&'s self, conds: &'s [Cond], reach: &Reach) -> Vec<ContextHit<'s>> {
        let span = |h: &'s Hit| (self.text.norm.source_span(h.start, h.end), h);
        if reach.is_short() {
            conds
                .iter()
                .find_map(|c| satisfying(self.text, c).next())
                .map(span)
                .into_iter()
                .collect()
        } else {
            conds
                .iter()
                .flat_map(|c| satisfying(self.text, c))
                .map(span)
                .collect()
        }
    }

    /// The context word among `hits` that speaks for every text span of `evidence`, as evidence.
    fn covering(
        &self,
        reach: &Reach,
        hits: &[ContextHit],
        evidence: &[Evidence],
    ) -> Option<Evidence> {
        let spans: Vec<(usize, usize)> = hits.iter().map(|&(s, _)| s).collect();
        reach
            .covering(&spans, evidence)
            .map(|i| self.evidence(hits[i].1))
    }

    /// 001 §4: the poster or the person addressed is judged a child, from the post or the profile.
    fn child(&self) -> ChildJudgement {
        let both = [Source::Text, Source::Profile];
        let strong = self.all_any(&self.rules.minor.strong, &both);
        let weak = self.all_any(&self.rules.minor.weak, &both);
        let adult = self.all_any(&self.rules.minor.adult, &both);
        // A weak signal (制服, 学校) in the post describes the person sought even when the
        // profile says the poster is an adult; only an adult signal from the same place cancels it.
        let weak_stands = |src: Source| {
            weak.iter().any(|e| e.source == src) && !adult.iter().any(|e| e.source == src)
        };
        let minor = !strong.is_empty() || weak_stands(Source::Text) || weak_stands(Source::Profile);
        let mut signals = strong;
        signals.extend(weak);
        ChildJudgement {
            minor,
            signals,
            adult_signals: adult,
        }
    }

    /// 003 §4(1)ア (ア)–(エ); §4(1)イ applies the same to group suicide.
    fn urgency(&self, flags: &[Flag], places: &[Place], reach: &Reach) -> Urgency {
        let u = &self.rules.urgency;
        let timing = self.all_any(&u.timing, &[Source::Text]);
        let mut specific = self.all_any(&u.specific, &[Source::Text]);
        // A named place (阿蘇, 球磨川, 熊本駅) is a specific place (イ).
        // A prefecture alone (福岡で) is not a specific place.
        let specific_place = |p: &&Place| {
            p.source == Source::Text
                && !matches!(p.kind.as_str(), "prefecture" | "prefecture_short")
        };
        for p in places.iter().filter(specific_place) {
            specific.push(Evidence {
                source: Source::Text,
                start: p.start,
                end: p.end,
                text: self.quote(0, p.start, p.end),
                signal: "named_place".to_string(),
                label: format!("具体的な場所（{}）", p.prefectures.join("/")),
            });
        }
        let explicit = self.all_any(&u.explicit, &[Source::Text]);
        let doubt = self.all_any(&u.doubt, &[Source::Text, Source::Profile]);
        // 003 §4(1)ア(エ): in a long post a joke mark or a game far from the announcement casts no doubt on it.
        let doubt: Vec<Evidence> = if reach.is_short() || explicit.is_empty() {
            doubt
        } else {
            doubt
                .into_iter()
                .filter(|d| {
                    d.source == Source::Profile
                        || explicit.iter().any(|e| reach.reaches((d.start, d.end), e))
                })
                .collect()
        };
        let announced = flags
            .iter()
            .any(|f| matches!(f.category, Category::SuicideNotice | Category::GroupSuicide));
        let inquiry = announced
            && !timing.is_empty()
            && !specific.is_empty()
            && !explicit.is_empty()
            && doubt.is_empty();
        let level = if inquiry {
            "high"
        } else if !explicit.is_empty() || (!timing.is_empty() && !specific.is_empty()) {
            "elevated"
        } else {
            "watch"
        };
        Urgency {
            timing,
            specific,
            explicit,
            doubt,
            inquiry,
            level,
        }
    }
}
