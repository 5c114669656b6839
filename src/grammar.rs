//! Modality: what the words after a matched verb say about it.
//!
//! 死にたい (desire), 死にたくない (negated), 死にたかった (past), 死のう / 死にます (intent),
//! 一緒に死にませんか (invitation), 死ね (imperative), 死ぬほど (degree: an idiom), 死にそう
//! (appearance: hyperbole). The markers themselves are data (`rules/ruleset.toml`, `[modality]`).

use std::collections::HashSet;

use serde::Serialize;

use crate::morph::Morpheme;
use crate::rules::data::ModalityDef;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Modality {
    pub negated: bool,
    pub past: bool,
    pub desire: bool,
    pub volitional: bool,
    pub polite: bool,
    pub question: bool,
    pub conditional: bool,
    pub appearance: bool,
    pub degree: bool,
    pub decision: bool,
    pub hearsay: bool,
    pub imperative: bool,
    /// The phrase ends on the plain non-past form (今夜死ぬ。).
    pub plain_end: bool,
    /// The words stand in a hashtag: a topic label, not something the poster says they feel
    /// or will do.
    pub tagged: bool,
}

/// Modality constraints a rule can put on a concept (`concept@desire`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModSpec {
    Any,
    /// Not negated, not past, not an idiom or hyperbole.
    Affirm,
    Desire,
    Intent,
    Invite,
    Imperative,
    Plain,
    Negated,
    Past,
    Conditional,
    /// Said by the poster (not quoted, cited or denied), whatever the form: requests included.
    Said,
    /// Asked (…違法なんですか？ / 何の罪になる？): a question about the words, not a use of them.
    Question,
    /// A wish written as a hashtag (#死にたい): a topic on its own, the poster's wish beside a plea.
    TaggedDesire,
}

impl ModSpec {
    pub fn parse(s: &str) -> Option<ModSpec> {
        Some(match s {
            "any" => ModSpec::Any,
            "affirm" => ModSpec::Affirm,
            "desire" => ModSpec::Desire,
            "intent" => ModSpec::Intent,
            "invite" => ModSpec::Invite,
            "imperative" => ModSpec::Imperative,
            "plain" => ModSpec::Plain,
            "negated" => ModSpec::Negated,
            "past" => ModSpec::Past,
            "conditional" => ModSpec::Conditional,
            "said" => ModSpec::Said,
            "question" => ModSpec::Question,
            "tagged" => ModSpec::TaggedDesire,
            _ => return None,
        })
    }
}

impl Modality {
    /// Adds what a matched term says about itself (see `rules::Term::modality`).
    /// Only the forms a term is written in to express intent are taken: a term's own negation
    /// (生きる意味がない) is part of its meaning, not a negation of it.
    pub fn merge(&mut self, o: &Modality) {
        self.desire |= o.desire;
        self.volitional |= o.volitional;
        self.polite |= o.polite;
        self.question |= o.question;
        self.decision |= o.decision;
        self.imperative |= o.imperative;
    }

    /// Idiom, hyperbole or reported speech: not the poster's literal statement.
    pub fn figurative(&self) -> bool {
        self.degree || self.appearance || self.hearsay
    }

    pub fn invite(&self) -> bool {
        self.question && (self.negated || self.volitional)
    }

    pub fn satisfies(&self, spec: ModSpec) -> bool {
        let clean = !self.figurative() && !self.past;
        match spec {
            ModSpec::Any => true,
            // Not someone else's act: an imperative (練炭でも買えよ) or a condition (死にたかなら).
            ModSpec::Affirm => clean && !self.negated && !self.imperative && !self.conditional,
            ModSpec::Desire if self.tagged => false,
            ModSpec::Desire => {
                // 死にたい; also 死のうかな (a wavering intent is a hint).
                clean
                    && (self.desire || (self.volitional && self.question))
                    && !self.negated
                    && !self.conditional
            }
            ModSpec::Intent => {
                clean
                    && !self.negated
                    && !self.desire
                    && !self.conditional
                    && !self.question
                    && (self.volitional || self.polite || self.decision)
            }
            ModSpec::Invite => clean && self.invite(),
            ModSpec::Imperative => {
                !self.figurative() && !self.past && self.imperative && !self.negated
            }
            ModSpec::Plain => {
                clean && self.plain_end && !self.negated && !self.desire && !self.question
            }
            ModSpec::Negated => self.negated && !self.invite(),
            ModSpec::Past => self.past && !self.negated,
            ModSpec::Conditional => self.conditional && !self.negated,
            // Said now, not reported or past: 写真撮ってもらった is what happened, not a request.
            ModSpec::Said => !self.hearsay && !self.negated && !self.past,
            ModSpec::Question => self.question,
            ModSpec::TaggedDesire => {
                self.tagged
                    && !self.figurative()
                    && !self.past
                    && self.desire
                    && !self.negated
                    && !self.conditional
            }
        }
    }
}

/// Marker sets, compiled from `[modality]`.
#[derive(Debug)]
pub struct Grammar {
    desire: HashSet<String>,
    negation: HashSet<String>,
    past: HashSet<String>,
    volitional: HashSet<String>,
    polite: HashSet<String>,
    question: HashSet<String>,
    conditional: HashSet<String>,
    appearance: HashSet<String>,
    degree: HashSet<String>,
    decision: HashSet<String>,
    hearsay: HashSet<String>,
    quote: HashSet<String>,
    transparent: HashSet<String>,
    described: HashSet<String>,
    persons: HashSet<String>,
}

fn set(v: &[String]) -> HashSet<String> {
    v.iter().cloned().collect()
}

/// How far past the verb the phrase is read.
const LOOKAHEAD: usize = 8;

impl Grammar {
    pub fn new(def: &ModalityDef) -> Self {
        Self {
            desire: set(&def.desire),
            negation: set(&def.negation),
            past: set(&def.past),
            volitional: set(&def.volitional),
            polite: set(&def.polite),
            question: set(&def.question),
            conditional: set(&def.conditional),
            appearance: set(&def.appearance),
            degree: set(&def.degree),
            decision: set(&def.decision),
            hearsay: set(&def.hearsay),
            quote: set(&def.quote),
            transparent: set(&def.transparent),
            described: set(&def.described),
            persons: set(&def.persons),
        }
    }

    /// Reads the modality of a phrase ending at `toks[end - 1]` from its last word and what
    /// follows it. Markers inside a matched phrase are the term's own (`term_modality`).
    pub fn modality(&self, toks: &[Morpheme], end: usize) -> Modality {
        let mut m = Modality::default();
        if let Some(last) = end.checked_sub(1).and_then(|i| toks.get(i)) {
            if last.conj_form.starts_with("命令") {
                m.imperative = true;
            }
            // 逝こ？ / 死の。: the volitional stem without its う, as people type it.
            if last.is_volitional_stem() {
                m.volitional = true;
            }
            // 死にな(よ) is a soft command (the stem + な); 死ぬな(よ) forbids (the plain form + な).
            let na = toks
                .get(end)
                .is_some_and(|n| n.surface == "な" && n.is("助詞") && n.pos1.contains("終助詞"));
            if na && last.is("動詞") {
                if last.conj_form.starts_with("連用") {
                    m.imperative = true;
                } else if last.conj_form.starts_with("基本") {
                    m.negated = true;
                }
            }
        }
        let noun_hit = end
            .checked_sub(1)
            .and_then(|j| toks.get(j))
            .is_some_and(|t| t.is("名詞"));
        let mut i = end;
        let mut ended = true;
        let mut quoted = false;
        let mut citing = false;
        let mut predicted = false;
        let mut suggestion = false;
        // 死んでやる / 死んでみせる: the helper of resolve carries the plain form of the verb.
        let resolve_helper = toks
            .get(end)
            .is_some_and(|t| matches!(t.surface.as_str(), "て" | "で"))
            && toks.get(end + 1).is_some_and(|t| {
                t.is("動詞")
                    && matches!(t.base(), "やる" | "みせる" | "見せる")
                    && t.conj_form.starts_with("基本")
            });
        while i < toks.len() && i < end + LOOKAHEAD {
            let t = &toks[i];
            // 明日死ぬから探さないで / 死にたいけど死なない: a conjunction closes the verb's clause;
            // what the next clause says (a request, a negation) is not said of the verb.
            if t.is("助詞")
                && t.pos1.contains("接続助詞")
                && matches!(
                    t.surface.as_str(),
                    "から" | "ので" | "けど" | "けれど" | "けども" | "し" | "が"
                )
                && !quoted
            {
                break;
            }
            if t.is_boundary() {
                // 『死にたい』と言った / 「一緒に死のう！」って: a quotation, not the poster speaking.
                for p in toks[i..].iter().take_while(|p| p.is_boundary()) {
                    if matches!(p.surface.as_str(), "」" | "』" | "”" | "\"") {
                        m.hearsay = true;
                    }
                    if self.question.contains(&p.surface) {
                        m.question = true;
                    }
                }
                // 首吊り…じゃなくて首掛け扇風機: taken back at once.
                let after: Vec<&Morpheme> = toks[i..]
                    .iter()
                    .skip_while(|p| p.is_boundary())
                    .take(2)
                    .collect();
                if after.len() == 2
                    && matches!(after[0].surface.as_str(), "じゃ" | "では")
                    && self.negation.contains(after[1].base())
                {
                    m.negated = true;
                }
                // 早く飛び降りれば？: a suggestion to someone else. もう死んで。: a request.
                let prev = &toks[i - 1];
                if m.question && prev.base() == "ば" {
                    m.imperative = true;
                }
                if i > end && prev.is("助詞") && matches!(prev.surface.as_str(), "て" | "で") {
                    m.imperative = true;
                }
                break;
            }
            if i > end
                && t.is("動詞")
                && (t.conj_form.starts_with("命令") || suggests(toks, i))
                && matches!(toks[i - 1].surface.as_str(), "て" | "で")
            {
                // 自殺して詫びろ / 首吊って死ねばいい
                m.imperative = true;
                break;
            }
            if quoted {
                // 死のうと思う is the poster's own intent; 死にたいって言ってた is someone else's.
                if self.hearsay.contains(t.base()) {
                    m.hearsay = true;
                }
                if t.is("動詞") {
                    ended = false;
                    // 一緒に死のうとか思う is the poster's thought; 一緒に死のうとかそういうスレ
                    // ちゃう / 自殺オフとか今どきあるわけない still only cite the words.
                    if matches!(t.base(), "思う" | "考える" | "感じる") {
                        citing = false;
                    }
                    // 次は本当に飛び込むと思う: the poster's prediction about themself reads as
                    // a plain statement of what they will do.
                    if t.base() == "思う"
                        && toks[i - 1].surface == "と"
                        && toks
                            .get(end.wrapping_sub(1))
                            .is_some_and(|v| v.conj_form.starts_with("基本形"))
                    {
                        predicted = true;
                    }
                    let deciding = self.decision.contains(t.base());
                    if deciding {
                        // 死ぬって決めてる: the poster's decision.
                        m.decision = true;
                    }
                    // 死にたいって思ってた / 飛び降りようなんて思ってない: the tense and the
                    // negation of the verb of thinking apply to the thought.
                    for f in toks.iter().skip(i + 1).take(LOOKAHEAD) {
                        if f.is_boundary()
                            || !(f.is("助動詞") || f.is("助詞") || f.pos1 == "非自立")
                        {
                            break;
                        }
                        // 死ぬって決めた: decided (a past act) to die (still ahead).
                        if self.past.contains(f.base()) && f.is("助動詞") && !deciding {
                            m.past = true;
                        }
                        if self.negation.contains(f.base()) {
                            m.negated = true;
                        }
                        if self.degree.contains(f.base()) {
                            // 消えたいって思うほど頑張った
                            m.degree = true;
                        }
                    }
                    break;
                }
                // 死にたいとかじゃない: the quoted words are denied; 消えたいって気持ちは、もうない.
                if (t.is("助動詞") || t.is("形容詞")) && self.negation.contains(t.base()) {
                    m.negated = true;
                }
                if t.surface == "か" && toks[i - 1].surface == "と" {
                    citing = true;
                }
                i += 1;
                continue;
            }
            let function_word = matches!(t.pos, "助動詞" | "助詞")
                || t.pos1 == "非自立"
                || t.pos1 == "接尾"
                || self.transparent.contains(t.base());
            // Dialect endings the dictionary does not know (死ぬさー, 飛び降りるでね) close the
            // sentence like a particle when nothing but punctuation follows.
            let closes = toks.get(i + 1).is_none_or(|n| n.is_boundary());
            let dialect_ending = closes
                && (!t.known
                    || matches!(t.pos, "感動詞" | "フィラー")
                    // 死ぬけん。飛び降りるばい。死ぬっちゃ。: dialect endings the dictionary reads as
                    // verbs or nouns (ける, ばい); also 死ぬさー, which the normaliser leaves glued
                    // (split off, the dictionary misreads 死ぬ).
                    || crate::normalize::DIALECT_ENDINGS.contains(&t.surface.as_str())
                    || t.surface == "さー");
            if dialect_ending {
                i += 1;
                continue;
            }
            if !function_word {
                // 死ぬつもりはない / 死ぬ気もない / 死ぬ予定はない: the intent noun's predicate is the
                // adjective ない, which denies the verb before it.
                let intent_noun = i >= end + 2
                    && toks[i - 1].is("助詞")
                    && matches!(toks[i - 1].surface.as_str(), "は" | "も" | "が")
                    && toks[i - 2].is("名詞")
                    && matches!(toks[i - 2].base(), "つもり" | "気" | "予定" | "わけ" | "訳");
                if intent_noun && t.is("形容詞") && self.negation.contains(t.base()) {
                    m.negated = true;
                }
                // 死にたい死にたい言う: the phrase said twice is read once, from its second time.
                if !m.conditional && t.is("動詞") && t.base() == toks[end - 1].base() {
                    i += 1;
                    continue;
                }
                // 死にたい言うなら / 死ぬ言うてた: the quoting と/って is often left out.
                if t.is("動詞") && matches!(t.base(), "言う" | "いう" | "云う") {
                    m.hearsay = true;
                }
                ended = false;
                // 自殺募集してるアカウント見つけた: the phrase describes an account, a post or a
                // site (a relative clause), so it is not the poster's own act.
                let verbal = toks[end.saturating_sub(2)..i].iter().any(|p| p.is("動詞"));
                let adnominal = i > 0 && !toks[i - 1].is("助詞");
                if verbal && adnominal && t.is("名詞") && self.described.contains(t.base()) {
                    m.hearsay = true;
                }
                // 楽になりたい人向け / 消えたい人へ: a wish describing people is theirs.
                let wish = m.desire
                    || toks[end.saturating_sub(2)..i]
                        .iter()
                        .any(|p| p.is("助動詞") && self.desire.contains(p.base()));
                if wish && verbal && adnominal && t.is("名詞") && self.persons.contains(t.base())
                {
                    m.hearsay = true;
                }
                // パパ活は絶対にやりません / 援交とかしない: a noun's predicate decides it.
                let adverbial = t.is("副詞") || t.pos1 == "副詞可能";
                // 神待ちはもうない: the noun's predicate is the adjective ない.
                if noun_hit && t.is("形容詞") && self.negation.contains(t.base()) {
                    m.negated = true;
                }
                if noun_hit && (adverbial || t.is("動詞")) {
                    if adverbial {
                        i += 1;
                        continue;
                    }
                    for f in toks.iter().skip(i + 1).take(LOOKAHEAD) {
                        if f.is_boundary()
                            || !(f.is("助動詞") || f.is("助詞") || f.pos1 == "非自立")
                        {
                            break;
                        }
                        if self.negation.contains(f.base()) {
                            m.negated = true;
                        }
                    }
                }
                break;
            }
            if self.quote.contains(t.base()) && t.is("助詞") || t.surface == "って" {
                quoted = true;
                // 死にたいとか甘え / 一緒に死のうなんて: cited, unless a verb of thinking follows.
                citing = matches!(t.base(), "とか" | "なんて" | "など");
            }
            // 死ねばいい / 飛び降りたらいい: advice to someone else, a command in softer words.
            if (t.base() == "ば" || t.conj_form.starts_with("仮定")) && suggests_after(toks, i) {
                suggestion = true;
            }
            self.mark(&mut m, t, i.checked_sub(1).and_then(|j| toks.get(j)));
            i += 1;
        }
        if suggestion {
            m.imperative = true;
            m.conditional = false;
        }
        if citing {
            m.hearsay = true;
        }
        // 死ぬしかない / 援交するしかない: しか…ない means "nothing but", not a negation.
        let shika = toks
            .iter()
            .skip(end)
            .take(LOOKAHEAD)
            .take_while(|t| !t.is_boundary())
            .any(|t| t.surface == "しか" && t.is("助詞"));
        if shika {
            m.negated = false;
        }
        let last_pos = end.checked_sub(1).and_then(|j| toks.get(j));
        m.plain_end = (ended || predicted)
            && !m.past
            && !m.polite
            && !m.volitional
            // 今夜死ぬ。 / 今夜決行。 (a verbal noun ending the phrase is an announcement too)
            && (resolve_helper
                || last_pos
                    .is_some_and(|t| t.conj_form.starts_with("基本形") || t.pos1 == "サ変接続"));
        m
    }

    /// What a lexicon term's own words say (死にたい: desire; 死のう: volitional).
    pub fn term_modality(&self, toks: &[Morpheme]) -> Modality {
        let mut m = Modality::default();
        for (j, t) in toks.iter().enumerate().skip(1) {
            self.mark(&mut m, t, toks.get(j - 1));
        }
        if toks.last().is_some_and(|t| t.conj_form.starts_with("命令")) {
            m.imperative = true;
        }
        m
    }

    /// `prev` is the word before `t`: だ is the past tense only after a verb (死んだ); after a noun
    /// or the explanatory ん it is the copula (死にたいんだ).
    fn mark(&self, m: &mut Modality, t: &Morpheme, prev: Option<&Morpheme>) {
        // 首吊ってこい / 首吊ってみろ / 自殺しろ: the command sits on the helper verb.
        // ください (させてください) asks on one's own behalf: a request, not a command.
        if t.is("動詞")
            && t.conj_form.starts_with("命令")
            && !matches!(t.base(), "くださる" | "下さる")
        {
            m.imperative = true;
        }
        let b = t.base();
        let aux =
            matches!(t.pos, "助動詞" | "形容詞" | "動詞") || t.pos1 == "非自立" || t.pos1 == "接尾";
        let particle = t.is("助詞");
        if aux && self.desire.contains(b) {
            m.desire = true;
        }
        // 会いたいんやけど / 死にたいんだ: the explanatory ん (a noun, for の) is not the negative ん.
        if (aux || t.pos1 == "非自立") && self.negation.contains(b) && !t.is("名詞") {
            m.negated = true;
        }
        let hypothetical = aux && t.conj_form.starts_with("仮定");
        if hypothetical {
            m.conditional = true;
        }
        let copula = b == "だ" && !prev.is_some_and(|p| p.is("動詞"));
        // どこで売ってるんだろ / 死ぬんでしょうか: wondering, a question to oneself.
        if aux
            && matches!(
                t.surface.as_str(),
                "だろ" | "だろう" | "でしょ" | "でしょう"
            )
        {
            m.question = true;
        }
        // 死にたか / 楽になりたか (Kyushu たか = たい): た right after a godan verb's 連用形 cannot
        // be the past, which takes the 連用タ接続 form (死んだ, なった). Ichidan verbs (飛び降りた),
        // する (した) and くる (きた) take the past on that very form.
        let kyushu_desire = b == "た"
            && t.is("助動詞")
            && prev.is_some_and(|p| {
                p.is("動詞")
                    && p.conj_form == "連用形"
                    && !matches!(p.base(), "する" | "くる" | "来る")
                    && p.base().strip_suffix('る') != Some(p.surface.as_str())
            });
        if kyushu_desire {
            m.desire = true;
        } else if aux && !hypothetical && self.past.contains(b) && !copula {
            m.past = true;
        }
        // 自殺しよかな: a helper verb's volitional stem without its う (colloquial).
        if (aux && self.volitional.contains(b)) || t.is_volitional_stem() {
            m.volitional = true;
        }
        if aux && self.polite.contains(b) {
            m.polite = true;
        }
        if (aux || t.is("名詞")) && self.appearance.contains(b) {
            m.appearance = true;
        }
        if (particle || t.is("名詞")) && self.degree.contains(b) {
            m.degree = true;
        }
        if self.decision.contains(b) {
            m.decision = true;
        }
        if particle && self.question.contains(b) && t.pos1.contains("終助詞") {
            m.question = true;
        }
        if particle && self.conditional.contains(b) || (aux && self.conditional.contains(b)) {
            m.conditional = true;
        }
        if t.is_boundary() && self.question.contains(&t.surface) {
            m.question = true;
        }
    }
}

/// Whether the words after `toks[i]` make a suggestion: いい・良い・よい, and not a wish (…のに).
fn suggests_after(toks: &[Morpheme], i: usize) -> bool {
    let good = |t: &Morpheme| matches!(t.base(), "いい" | "良い" | "よい" | "ええ");
    toks.get(i + 1).is_some_and(good)
        && !toks
            .iter()
            .skip(i + 2)
            .take(3)
            .any(|t| t.surface == "のに" || t.surface == "なあ")
}

/// 死ねばいい: a verb in its conditional form, then ば, then a suggestion.
fn suggests(toks: &[Morpheme], i: usize) -> bool {
    toks[i].conj_form.starts_with("仮定")
        && toks.get(i + 1).is_some_and(|n| n.base() == "ば")
        && suggests_after(toks, i + 1)
}
