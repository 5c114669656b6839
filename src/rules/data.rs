//! The shape of the rule files under `rules/` (TOML), as written by people.
//!
//! Lexicons name *concepts* (a set of terms and patterns meaning one thing); rules combine
//! concepts, constrained by grammar (modality), into categories, each citing its clause.

use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LexiconFile {
    #[serde(default)]
    pub concept: Vec<ConceptDef>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConceptDef {
    pub id: String,
    /// Officer-facing label for `--explain` (Japanese).
    pub label: String,
    #[serde(default)]
    pub clause: Option<String>,
    /// Words matched on base form, reading and surface, aligned to morpheme boundaries.
    #[serde(default)]
    pub terms: Vec<String>,
    /// Words matched on surface only (short slang whose reading collides with ordinary words: 円, 援).
    #[serde(default)]
    pub surface_terms: Vec<String>,
    /// Regular expressions over the normalised text.
    #[serde(default)]
    pub patterns: Vec<String>,
    /// Match terms by reading too (しにたい → 死にたい). Off for context words, whose kana
    /// spellings collide with ordinary words (なくなった ≠ 亡くなった).
    #[serde(default = "yes")]
    pub reading: bool,
    /// How a pattern's capture `n` is judged: `age` (under 18) or `birth_year` (under 18 this school year).
    #[serde(default)]
    pub kind: Option<String>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleFile {
    pub version: String,
    pub modality: ModalityDef,
    pub minor: MinorDef,
    pub urgency: UrgencyDef,
    #[serde(default)]
    pub rule: Vec<RuleDef>,
    #[serde(default)]
    pub suppressor: Vec<SuppressorDef>,
    #[serde(default, rename = "yield")]
    pub yields: Vec<YieldDef>,
    #[serde(default)]
    pub mask: Vec<MaskDef>,
}

/// Grammatical markers read after a matched verb, by base form (or surface for symbols).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModalityDef {
    pub desire: Vec<String>,
    pub negation: Vec<String>,
    pub past: Vec<String>,
    pub volitional: Vec<String>,
    pub polite: Vec<String>,
    pub question: Vec<String>,
    pub conditional: Vec<String>,
    pub appearance: Vec<String>,
    pub degree: Vec<String>,
    pub decision: Vec<String>,
    pub hearsay: Vec<String>,
    pub quote: Vec<String>,
    /// Verbs and auxiliaries that may follow the verb without ending its phrase (しまう, ちゃう).
    pub transparent: Vec<String>,
    /// Things a verb phrase may describe (自殺募集してる**アカウント**): the phrase then says what
    /// that account or post does, not what the poster does.
    #[serde(default)]
    pub described: Vec<String>,
    /// People a wish may describe (楽になりたい**人**向け): the wish is then theirs, not the poster's.
    #[serde(default)]
    pub persons: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MinorDef {
    pub strong: Vec<String>,
    pub weak: Vec<String>,
    pub adult: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UrgencyDef {
    /// 003 §4(1)ア(ア): imminent timing.
    pub timing: Vec<String>,
    /// 003 §4(1)ア(イ): specific place, method or motive.
    pub specific: Vec<String>,
    /// 003 §4(1)ア(ウ): explicit expression of the intent.
    pub explicit: Vec<String>,
    /// 003 §4(1)ア(エ): circumstances that cast doubt.
    pub doubt: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleDef {
    pub id: String,
    pub category: String,
    pub clause: String,
    pub confidence: f32,
    /// Every entry must hold; an entry is `concept[@modality]` alternatives joined by `|`.
    #[serde(default)]
    pub all: Vec<String>,
    /// At least one entry must hold (when non-empty).
    #[serde(default)]
    pub any: Vec<String>,
    /// The rule does not fire when one of these holds (recorded as a suppression).
    #[serde(default)]
    pub unless: Vec<String>,
    /// Further categories the rule implies (a call to die together also announces the poster's
    /// own suicide).
    #[serde(default)]
    pub also: Vec<String>,
    /// Applies only when no other category of the same family (child / suicide) is flagged.
    #[serde(default)]
    pub fallback: bool,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SuppressorDef {
    pub id: String,
    /// Why the candidate was dropped, for `--explain` (Japanese).
    pub reason: String,
    /// Any of these concepts (in the post, or in the profile when `profile = true`) triggers it.
    pub when: Vec<String>,
    /// Categories it suppresses (ids), or `["*"]`.
    pub categories: Vec<String>,
    /// It does not apply when one of these holds.
    #[serde(default)]
    pub unless: Vec<String>,
    #[serde(default)]
    pub profile: bool,
}

/// A category that gives way to another flagged on the same post: the one who offers methods
/// writes 死にたいなら… to address others, which is not the offerer's own wish.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct YieldDef {
    pub id: String,
    pub reason: String,
    /// The category dropped...
    pub category: String,
    /// ...when one of these is flagged by a non-fallback rule...
    pub to: Vec<String>,
    /// ...unless one of these holds in the post (the poster's own stated intent).
    #[serde(default)]
    pub unless: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MaskDef {
    pub id: String,
    pub reason: String,
    /// Hits of these concepts mask...
    pub by: Vec<String>,
    /// ...overlapping hits of these concepts...
    pub targets: Vec<String>,
    /// ...and target hits starting within this many morphemes after the masker ends...
    #[serde(default)]
    pub after: usize,
    /// ...or ending within this many morphemes before the masker starts...
    #[serde(default)]
    pub before: usize,
    /// ...or, when set, standing as the masker's predicate: after it in the same sentence with no
    /// other verb between (先輩が飛び降りようとした masks 飛び降りよう; 先輩がいじめてくる。死にたい
    /// does not mask 死にたい).
    #[serde(default)]
    pub predicate: bool,
    /// The mask stands down when the post holds any of these concepts anywhere: a relative's or a
    /// pupil's grade is the child's own when the post is about images of that child's body (妹（小5）の
    /// 着替え), so the parent masks must not hide it then.
    #[serde(default)]
    pub unless: Vec<String>,
}
