//! The rule set: lexicons and rules from `rules/*.toml`, compiled once into matchers.
//!
//! The files are compiled into the crate (`include_str!`), and their version goes into every
//! result, so that a flag can always be traced to the exact rules that raised it.

pub mod data;

use std::collections::HashMap;
use std::fmt;

use aho_corasick::AhoCorasick;
use regex::Regex;

use crate::category::Category;
use crate::grammar::{Grammar, ModSpec, Modality};

use crate::morph::Morphology;
use crate::normalize::{fold_key, normalize, SymbolTable};
use data::{ConceptDef, LexiconFile, RuleFile};

/// The rule files, embedded at compile time. Order matters only for readability.
pub const RULE_FILE: (&str, &str) = ("ruleset.toml", include_str!("../../rules/ruleset.toml"));
pub const LEXICON_FILES: &[(&str, &str)] = &[
    (
        "suicide.toml",
        include_str!("../../rules/lexicon/suicide.toml"),
    ),
    ("child.toml", include_str!("../../rules/lexicon/child.toml")),
    (
        "context.toml",
        include_str!("../../rules/lexicon/context.toml"),
    ),
];
pub const SYMBOL_FILE: (&str, &str) = ("symbols.toml", include_str!("../../rules/symbols.toml"));

#[derive(Debug)]
pub struct RuleError(pub String);

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "rule set: {}", self.0)
    }
}

impl std::error::Error for RuleError {}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConceptKind {
    Plain,
    /// Pattern capture `n` is an age; only under 18 counts.
    Age,
    /// Pattern capture `n` is a birth year (2 or 4 digits); only under 18 this school year counts.
    BirthYear,
}

#[derive(Debug)]
pub struct Concept {
    pub id: String,
    pub label: String,
    pub clause: Option<String>,
    pub kind: ConceptKind,
}

/// One alternative of a condition: a concept, constrained by modality.
#[derive(Debug, Clone, Copy)]
pub struct Ref {
    pub concept: usize,
    pub spec: ModSpec,
}

/// A condition holds when any of its alternatives has an (unmasked) hit.
pub type Cond = Vec<Ref>;

#[derive(Debug)]
pub struct Rule {
    pub id: String,
    pub category: Category,
    pub clause: String,
    pub confidence: f32,
    pub all: Vec<Cond>,
    pub any: Vec<Cond>,
    pub unless: Vec<Cond>,
    pub also: Vec<Category>,
    pub fallback: bool,
}

#[derive(Debug)]
pub struct Suppressor {
    pub id: String,
    pub reason: String,
    pub when: Vec<Cond>,
    pub categories: Vec<Category>,
    pub unless: Vec<Cond>,
    pub profile: bool,
}

#[derive(Debug)]
pub struct Yield {
    pub id: String,
    pub reason: String,
    pub category: Category,
    pub to: Vec<Category>,
    pub unless: Vec<Cond>,
}

#[derive(Debug)]
pub struct Mask {
    pub id: String,
    pub reason: String,
    pub by: Vec<usize>,
    pub targets: Vec<usize>,
    pub after: usize,
    pub before: usize,
    pub predicate: bool,
    pub unless: Vec<usize>,
}

#[derive(Debug)]
pub struct MinorRule {
    pub strong: Vec<Cond>,
    pub weak: Vec<Cond>,
    pub adult: Vec<Cond>,
}

#[derive(Debug)]
pub struct UrgencyRule {
    pub timing: Vec<Cond>,
    pub specific: Vec<Cond>,
    pub explicit: Vec<Cond>,
    pub doubt: Vec<Cond>,
}

/// A lexicon term, compiled to its morpheme keys.
#[derive(Debug)]
pub struct Term {
    pub concept: usize,
    pub text: String,
    /// Base-form keys of the term's morphemes (empty when the term is matched on surface only).
    pub bases: Vec<String>,
    /// A long kana term (しにたい) is matched wherever it occurs: kana runs are segmented
    /// unpredictably (しにたいしにたい…), and four kana are specific enough.
    pub free: bool,
    /// What the term itself says (死にたい carries desire), added to hits matched by reading or
    /// surface, where the post's morphemes may not show it (ｼﾆﾀｲ is one unknown word).
    pub modality: Modality,
    /// A term whose last word is an imperative or a volitional form (会お, 早く死ね, 一緒に死のう)
    /// means that form: matched by base form alone, しよ met every する (心配される) and lent it the
    /// volitional, and 本当に死ね met 本当に死ぬ展開. The conjugation the last matched morpheme must
    /// have (a prefix of its `conj_form`), when it matters. Stems used as nouns (泊め, 飛び降り)
    /// meet every form.
    pub final_form: Option<&'static str>,
}

#[derive(Debug)]
pub struct Pattern {
    pub concept: usize,
    pub regex: Regex,
}

/// Everything the matcher needs, built once.
pub struct RuleSet {
    pub version: String,
    pub concepts: Vec<Concept>,
    pub terms: Vec<Term>,
    /// Aho–Corasick over folded readings; pattern i → `reading_terms[i]` (term index).
    pub reading_ac: Option<AhoCorasick>,
    pub reading_terms: Vec<usize>,
    pub surface_ac: Option<AhoCorasick>,
    pub surface_terms: Vec<usize>,
    /// First base key → terms starting with it.
    pub base_index: HashMap<String, Vec<usize>>,
    pub patterns: Vec<Pattern>,
    pub grammar: Grammar,
    pub rules: Vec<Rule>,
    pub suppressors: Vec<Suppressor>,
    pub yields: Vec<Yield>,
    pub masks: Vec<Mask>,
    pub minor: MinorRule,
    pub urgency: UrgencyRule,
    pub symbols: SymbolTable,
    concept_index: HashMap<String, usize>,
}

impl fmt::Debug for RuleSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RuleSet")
            .field("version", &self.version)
            .field("concepts", &self.concepts.len())
            .field("terms", &self.terms.len())
            .field("rules", &self.rules.len())
            .finish()
    }
}

/// Readings shorter than this collide with ordinary words (エン = 円/縁/園) and are not matched by reading.
const MIN_READING_CHARS: usize = 3;

impl RuleSet {
    /// Compiles the embedded rule files.
    pub fn embedded(morph: &Morphology) -> Result<RuleSet, RuleError> {
        let lexicons: Vec<(&str, &str)> = LEXICON_FILES.to_vec();
        RuleSet::compile(RULE_FILE, &lexicons, SYMBOL_FILE, morph)
    }

    pub fn compile(
        rule_file: (&str, &str),
        lexicons: &[(&str, &str)],
        symbol_file: (&str, &str),
        morph: &Morphology,
    ) -> Result<RuleSet, RuleError> {
        let symbols = parse_symbols(symbol_file)?;
        let rf: RuleFile =
            toml::from_str(rule_file.1).map_err(|e| RuleError(format!("{}: {e}", rule_file.0)))?;
        let grammar = Grammar::new(&rf.modality);

        let mut concepts = Vec::new();
        let mut concept_index = HashMap::new();
        let mut defs: Vec<ConceptDef> = Vec::new();
        for (name, text) in lexicons {
            let lf: LexiconFile =
                toml::from_str(text).map_err(|e| RuleError(format!("{name}: {e}")))?;
            for def in lf.concept {
                if concept_index.contains_key(&def.id) {
                    return Err(RuleError(format!(
                        "{name}: concept {} defined twice",
                        def.id
                    )));
                }
                let kind = match def.kind.as_deref() {
                    None => ConceptKind::Plain,
                    Some("age") => ConceptKind::Age,
                    Some("birth_year") => ConceptKind::BirthYear,
                    Some(k) => {
                        return Err(RuleError(format!(
                            "{name}: concept {}: unknown kind {k}",
                            def.id
                        )))
                    }
                };
                concept_index.insert(def.id.clone(), concepts.len());
                concepts.push(Concept {
                    id: def.id.clone(),
                    label: def.label.clone(),
                    clause: def.clause.clone(),
                    kind,
                });
                defs.push(def);
            }
        }

        let mut terms = Vec::new();
        let mut reading_keys = Vec::new();
        let mut reading_terms = Vec::new();
        let mut surface_keys = Vec::new();
        let mut surface_terms = Vec::new();
        let mut base_index: HashMap<String, Vec<usize>> = HashMap::new();
        let mut patterns = Vec::new();
        for (ci, def) in defs.iter().enumerate() {
            for t in &def.terms {
                let norm = normalize(t, &symbols);
                let toks = morph.analyze(&norm);
                if toks.is_empty() {
                    return Err(RuleError(format!("concept {}: empty term {t:?}", def.id)));
                }
                let ti = terms.len();
                // Terms holding a word the dictionary does not know (リスカする, ODする) are matched by
                // base form too: their unknown word is its own base, and the verb after it inflects
                // (リスカします, ODしたい matched nothing when only the surface was compared).
                let all_known = toks.iter().all(|m| m.known);
                let bases = if all_known || toks.len() > 1 {
                    toks.iter().map(|m| m.key_base.clone()).collect()
                } else {
                    Vec::new()
                };
                if let Some(first) = bases.first() {
                    base_index.entry(first.clone()).or_default().push(ti);
                }
                let reading: String = toks.iter().map(|m| fold_key(m.reading())).collect();
                // Reading matches stand for respellings of a written word (氏にたい for 死にたい);
                // a term in kana has no other spelling to meet (カッター ≠ かった).
                let written = t.chars().any(crate::normalize::is_kanji);
                if def.reading && written && reading.chars().count() >= MIN_READING_CHARS {
                    reading_keys.push(reading);
                    reading_terms.push(ti);
                }
                let surface: String = toks.iter().map(|m| fold_key(&m.surface)).collect();
                // Free by the folded key, not the spelling: カッター folds to カッタ, three kana
                // that occur inside 行かなかった.
                let free = is_free(t) && is_free(&surface);
                surface_keys.push(surface);
                surface_terms.push(ti);
                let modality = grammar.term_modality(&toks);
                let final_form = toks.last().and_then(|m| {
                    ["命令", "未然ウ接続"]
                        .into_iter()
                        .find(|f| m.conj_form.starts_with(f))
                });
                terms.push(Term {
                    concept: ci,
                    text: t.clone(),
                    bases,
                    free,
                    modality,
                    final_form,
                });
            }
            for t in &def.surface_terms {
                let norm = normalize(t, &symbols);
                let key = fold_key(norm.text().trim());
                if key.is_empty() {
                    return Err(RuleError(format!("concept {}: empty term {t:?}", def.id)));
                }
                let ti = terms.len();
                let free = is_free(t) && is_free(&key);
                surface_keys.push(key);
                surface_terms.push(ti);
                terms.push(Term {
                    concept: ci,
                    text: t.clone(),
                    bases: Vec::new(),
                    free,
                    modality: grammar.term_modality(&morph.analyze(&norm)),
                    final_form: None,
                });
            }
            for p in &def.patterns {
                let regex = Regex::new(p)
                    .map_err(|e| RuleError(format!("concept {}: pattern {p:?}: {e}", def.id)))?;
                patterns.push(Pattern { concept: ci, regex });
            }
        }
        let build = |keys: &[String]| -> Result<Option<AhoCorasick>, RuleError> {
            if keys.is_empty() {
                return Ok(None);
            }
            AhoCorasick::new(keys)
                .map(Some)
                .map_err(|e| RuleError(format!("matcher: {e}")))
        };
        let reading_ac = build(&reading_keys)?;
        let surface_ac = build(&surface_keys)?;

        let resolve = |s: &str, ctx: &str| -> Result<Cond, RuleError> {
            s.split('|')
                .map(|alt| {
                    let alt = alt.trim();
                    let (id, spec) = match alt.split_once('@') {
                        Some((id, m)) => (
                            id,
                            ModSpec::parse(m).ok_or_else(|| {
                                RuleError(format!("{ctx}: unknown modality {m:?} in {s:?}"))
                            })?,
                        ),
                        None => (alt, ModSpec::Any),
                    };
                    let concept = *concept_index
                        .get(id)
                        .ok_or_else(|| RuleError(format!("{ctx}: unknown concept {id:?}")))?;
                    Ok(Ref { concept, spec })
                })
                .collect()
        };
        let conds = |v: &[String], ctx: &str| -> Result<Vec<Cond>, RuleError> {
            v.iter().map(|s| resolve(s, ctx)).collect()
        };
        let category = |id: &str, ctx: &str| -> Result<Category, RuleError> {
            Category::from_id(id)
                .ok_or_else(|| RuleError(format!("{ctx}: unknown category {id:?}")))
        };
        let categories = |v: &[String], ctx: &str| -> Result<Vec<Category>, RuleError> {
            v.iter().map(|c| category(c, ctx)).collect()
        };
        let concept_ids = |v: &[String], ctx: &str| -> Result<Vec<usize>, RuleError> {
            v.iter()
                .map(|id| {
                    concept_index
                        .get(id.as_str())
                        .copied()
                        .ok_or_else(|| RuleError(format!("{ctx}: unknown concept {id:?}")))
                })
                .collect()
        };

        let mut rules = Vec::new();
        for r in &rf.rule {
            let ctx = format!("rule {}", r.id);
            if r.all.is_empty() && r.any.is_empty() {
                return Err(RuleError(format!("{ctx}: needs `all` or `any`")));
            }
            if !(0.0..=1.0).contains(&r.confidence) {
                return Err(RuleError(format!("{ctx}: confidence must be within 0..1")));
            }
            rules.push(Rule {
                id: r.id.clone(),
                category: category(&r.category, &ctx)?,
                clause: r.clause.clone(),
                confidence: r.confidence,
                all: conds(&r.all, &ctx)?,
                any: conds(&r.any, &ctx)?,
                unless: conds(&r.unless, &ctx)?,
                also: categories(&r.also, &ctx)?,
                fallback: r.fallback,
            });
        }
        let mut suppressors = Vec::new();
        for s in &rf.suppressor {
            let ctx = format!("suppressor {}", s.id);
            let categories = if s.categories.iter().any(|c| c == "*") {
                Category::ALL.to_vec()
            } else {
                categories(&s.categories, &ctx)?
            };
            suppressors.push(Suppressor {
                id: s.id.clone(),
                reason: s.reason.clone(),
                when: conds(&s.when, &ctx)?,
                categories,
                unless: conds(&s.unless, &ctx)?,
                profile: s.profile,
            });
        }
        let mut yields = Vec::new();
        for y in &rf.yields {
            let ctx = format!("yield {}", y.id);
            yields.push(Yield {
                id: y.id.clone(),
                reason: y.reason.clone(),
                category: category(&y.category, &ctx)?,
                to: categories(&y.to, &ctx)?,
                unless: conds(&y.unless, &ctx)?,
            });
        }
        let mut masks = Vec::new();
        for m in &rf.mask {
            let ctx = format!("mask {}", m.id);
            masks.push(Mask {
                id: m.id.clone(),
                reason: m.reason.clone(),
                by: concept_ids(&m.by, &ctx)?,
                targets: concept_ids(&m.targets, &ctx)?,
                after: m.after,
                before: m.before,
                predicate: m.predicate,
                unless: concept_ids(&m.unless, &ctx)?,
            });
        }
        let minor = MinorRule {
            strong: conds(&rf.minor.strong, "minor")?,
            weak: conds(&rf.minor.weak, "minor")?,
            adult: conds(&rf.minor.adult, "minor")?,
        };
        let urgency = UrgencyRule {
            timing: conds(&rf.urgency.timing, "urgency")?,
            specific: conds(&rf.urgency.specific, "urgency")?,
            explicit: conds(&rf.urgency.explicit, "urgency")?,
            doubt: conds(&rf.urgency.doubt, "urgency")?,
        };
        Ok(RuleSet {
            version: rf.version.clone(),
            grammar,
            concepts,
            terms,
            reading_ac,
            reading_terms,
            surface_ac,
            surface_terms,
            base_index,
            patterns,
            rules,
            suppressors,
            yields,
            masks,
            minor,
            urgency,
            symbols,
            concept_index,
        })
    }

    pub fn concept(&self, id: &str) -> Option<usize> {
        self.concept_index.get(id).copied()
    }
}

fn is_free(term: &str) -> bool {
    term.chars().count() >= 4 && term.chars().all(crate::normalize::is_kana)
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct SymbolFile {
    symbols: HashMap<String, String>,
}

fn parse_symbols(file: (&str, &str)) -> Result<SymbolTable, RuleError> {
    let sf: SymbolFile =
        toml::from_str(file.1).map_err(|e| RuleError(format!("{}: {e}", file.0)))?;
    let mut entries = Vec::new();
    for (k, v) in sf.symbols {
        let mut chars = k.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) => entries.push((c, v)),
            _ => {
                return Err(RuleError(format!(
                    "{}: key {k:?} must be one character",
                    file.0
                )))
            }
        }
    }
    Ok(SymbolTable::new(entries))
}
