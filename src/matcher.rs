//! Finds concept hits in a tokenized text: by base form, by reading and by surface, aligned to
//! morpheme boundaries, plus regular-expression patterns; then applies masks (idioms, parents).

use std::collections::HashSet;

use serde::Serialize;

use crate::grammar::Modality;
use crate::morph::Morpheme;
use crate::normalize::{fold_into, is_kanji, Normalized};
use crate::rules::{ConceptKind, Cond, RuleSet};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Text,
    Profile,
}

#[derive(Debug, Clone)]
pub struct Hit {
    pub concept: usize,
    /// Morpheme range [tok_start, tok_end).
    pub tok_start: usize,
    pub tok_end: usize,
    /// Normalised char range.
    pub start: usize,
    pub end: usize,
    pub source: Source,
    pub modality: Modality,
    /// Index of the mask that cancelled this hit, if any.
    pub masked_by: Option<usize>,
}

/// A tokenized, normalised text (the post or the profile) and the concept hits found in it.
#[derive(Debug)]
pub struct Scan<'d> {
    pub source: Source,
    pub norm: Normalized,
    pub toks: Vec<Morpheme<'d>>,
    pub hits: Vec<Hit>,
}

/// A stream of folded keys with the byte position where each morpheme starts and ends.
struct Stream {
    text: String,
    starts: Vec<usize>,
    ends: Vec<usize>,
}

impl Stream {
    /// Folds each morpheme's key (see `normalize::fold_key`) straight into one string.
    fn new<'t>(toks: &'t [Morpheme<'_>], key: impl Fn(&'t Morpheme<'_>) -> &'t str) -> Stream {
        let mut text = String::with_capacity(toks.len() * 6);
        let mut starts = Vec::with_capacity(toks.len());
        let mut ends = Vec::with_capacity(toks.len());
        for t in toks {
            starts.push(text.len());
            fold_into(&mut text, key(t));
            ends.push(text.len());
        }
        Stream { text, starts, ends }
    }

    /// The morpheme starting exactly at byte `pos`. Several empty keys may share a position;
    /// the first one is taken.
    fn token_starting_at(&self, pos: usize) -> Option<usize> {
        let i = self.starts.partition_point(|&s| s < pos);
        (i < self.starts.len() && self.starts[i] == pos).then_some(i)
    }

    /// The morpheme ending exactly at byte `pos`, or the one containing it.
    fn token_ending_at(&self, pos: usize) -> (usize, bool) {
        let i = self.ends.partition_point(|&e| e < pos);
        let i = i.min(self.ends.len().saturating_sub(1));
        (i, self.ends.get(i) == Some(&pos))
    }
}

pub fn scan<'d>(
    rules: &RuleSet,
    norm: Normalized,
    toks: Vec<Morpheme<'d>>,
    source: Source,
    as_of_year: i32,
) -> Scan<'d> {
    let bracketed = inside_brackets(&toks);
    let mut hits = Vec::new();
    let mut seen: HashSet<(usize, usize, usize)> = HashSet::new();
    let mut push = |term: Option<usize>,
                    concept: usize,
                    a: usize,
                    b: usize,
                    hits: &mut Vec<Hit>,
                    toks: &[Morpheme]| {
        if b <= a || !seen.insert((concept, a, b)) {
            return;
        }
        let mut modality = rules.grammar.modality(toks, b);
        if let Some(t) = term {
            modality.merge(&rules.terms[t].modality);
        }
        modality.tagged = norm.all_tagged(toks[a].start, toks[b - 1].end);
        if bracketed.get(a).copied().unwrap_or(false) {
            // 『さよなら世界』 / 「早く死ねば」: a title or a quotation, not the poster speaking.
            modality.hearsay = true;
        }
        hits.push(Hit {
            concept,
            tok_start: a,
            tok_end: b,
            start: toks[a].start,
            end: toks[phrase_end(toks, b) - 1].end,
            source,
            modality,
            masked_by: None,
        });
    };

    if !toks.is_empty() {
        // Base forms: inflections meet their dictionary form (死にます → 死ぬ).
        for i in 0..toks.len() {
            if let Some(cands) = rules.base_index.get(&toks[i].key_base) {
                for &ti in cands {
                    let term = &rules.terms[ti];
                    let n = term.bases.len();
                    if i + n <= toks.len()
                        && term
                            .bases
                            .iter()
                            .zip(&toks[i..i + n])
                            .all(|(b, t)| *b == t.key_base)
                        && term
                            .final_form
                            .is_none_or(|f| toks[i + n - 1].conj_form.starts_with(f))
                    {
                        push(Some(ti), term.concept, i, i + n, &mut hits, &toks);
                    } else if let Some(end) =
                        match_across_adverbs(&term.bases, &toks, i).filter(|&end| {
                            // The term's last word keeps its form across adverbs too
                            // (本当に死ね is not 本当に死ぬ展開).
                            term.final_form
                                .is_none_or(|f| toks[end - 1].conj_form.starts_with(f))
                        })
                    {
                        push(Some(ti), term.concept, i, end, &mut hits, &toks);
                    }
                }
            }
        }
        // Readings: 氏にたい, しにたい, シニタイ meet 死にたい.
        if let Some(ac) = &rules.reading_ac {
            let stream = Stream::new(&toks, |t| t.reading());
            for m in ac.find_overlapping_iter(&stream.text) {
                let Some(a) = stream.token_starting_at(m.start()) else {
                    continue;
                };
                let (b, exact) = stream.token_ending_at(m.end());
                // A reading match stands for a spelling the term does not have (しにたい, 氏にたい):
                // all-kanji spans are other words that sound alike (橋 キョウ ≠ 今日).
                // A kanji verb is the word it is (行きたくない is not 生きたくない): respellings swap
                // kanji for kana or for a homophone noun (氏にたい), not for another verb.
                let ti = rules.reading_terms[m.pattern().as_usize()];
                let term_text = &rules.terms[ti].text;
                let respelled = toks[a..=b].iter().any(|t| !t.surface.chars().any(is_kanji))
                    && !toks[a..=b].iter().any(|t| {
                        t.is("動詞")
                            && t.surface
                                .chars()
                                .any(|c| is_kanji(c) && !term_text.contains(c))
                    });
                // A long run of kana the dictionary could not split (いっしょにしんでくれるひと…) is one
                // unknown word: a reading may end inside it, as a surface may.
                if (exact || !toks[b].known) && respelled {
                    push(
                        Some(ti),
                        rules.terms[ti].concept,
                        a,
                        b + 1,
                        &mut hits,
                        &toks,
                    );
                }
            }
        }
        // Surfaces: slang the dictionary does not know (ホ別, jk, 円募).
        if let Some(ac) = &rules.surface_ac {
            let stream = Stream::new(&toks, |t| t.surface.as_str());
            for m in ac.find_overlapping_iter(&stream.text) {
                let ti = rules.surface_terms[m.pattern().as_usize()];
                let free = rules.terms[ti].free;
                let a = match stream.token_starting_at(m.start()) {
                    Some(a) => a,
                    None if free => stream.ends.partition_point(|&e| e <= m.start()),
                    None => continue,
                };
                let (b, exact) = stream.token_ending_at(m.end());
                if exact || free || !toks[b].known {
                    push(
                        Some(ti),
                        rules.terms[ti].concept,
                        a,
                        b + 1,
                        &mut hits,
                        &toks,
                    );
                }
            }
        }
        // Patterns over the normalised text (ages, grades, dates, amounts).
        // A RegexSet's overlapping search cost ~45k instructions a post (callgrind); each regex's
        // own literal prefilter rejects most texts far faster.
        for p in rules
            .patterns
            .iter()
            .filter(|p| p.regex.is_match(norm.text()))
        {
            for caps in p.regex.captures_iter(norm.text()) {
                let Some(whole) = caps.get(0) else { continue };
                if whole.as_str().is_empty() {
                    continue;
                }
                let kind = rules.concepts[p.concept].kind;
                if kind != ConceptKind::Plain {
                    let n = caps.name("n").and_then(|n| n.as_str().parse::<i32>().ok());
                    if !n.is_some_and(|n| judged_minor(kind, n, as_of_year)) {
                        continue;
                    }
                }
                let (cs, ce) = (
                    norm.char_at_byte(whole.start()),
                    norm.char_at_byte(whole.end()),
                );
                let a = toks.partition_point(|t| t.end <= cs);
                let b = toks.partition_point(|t| t.start < ce);
                if a < b {
                    push(None, p.concept, a, b, &mut hits, &toks);
                }
            }
        }
    }
    apply_masks(rules, &toks, &mut hits);
    let headers = crate::board_header::header_ranges(norm.text());
    hits.retain(|h| !headers.iter().any(|&(s, e)| h.start >= s && h.start < e));
    Scan {
        source,
        norm,
        toks,
        hits,
    }
}

/// Matches a term whose object and verb are split by an adverb (手首を深く切ります, 首をそっと吊る):
/// after a case particle of the term, up to two adverbs (or adjectives in their adverbial form)
/// may stand before the next word of the term. Returns the end of the match.
fn match_across_adverbs(bases: &[String], toks: &[Morpheme], start: usize) -> Option<usize> {
    if bases.len() < 3 {
        return None;
    }
    let mut k = start;
    for (j, b) in bases.iter().enumerate() {
        let mut skipped = 0;
        loop {
            let t = toks.get(k)?;
            if *b == t.key_base {
                break;
            }
            let after_particle = j > 0
                && toks.get(k.checked_sub(1)?).is_some_and(|p| {
                    p.is("助詞") && matches!(p.surface.as_str(), "を" | "に" | "で" | "へ")
                })
                || skipped > 0;
            let adverbial = t.is("副詞") || (t.is("形容詞") && t.conj_form.starts_with("連用"));
            if !(after_particle && adverbial && skipped < 2) {
                return None;
            }
            skipped += 1;
            k += 1;
        }
        k += 1;
    }
    Some(k)
}

/// Whether each morpheme stands inside 「」 or 『』 (closed within the text).
fn inside_brackets(toks: &[Morpheme]) -> Vec<bool> {
    let mut out = vec![false; toks.len()];
    let mut open: Option<usize> = None;
    for (i, t) in toks.iter().enumerate() {
        match t.surface.as_str() {
            "「" | "『" => open = Some(i),
            "」" | "』" => {
                if let Some(s) = open.take() {
                    for o in out.iter_mut().take(i).skip(s + 1) {
                        *o = true;
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// Evidence should show the whole verb phrase an officer reads (飛び降ります, not 飛び降り):
/// a verb's auxiliaries and helper verbs are included in the span.
fn phrase_end(toks: &[Morpheme], b: usize) -> usize {
    let inflecting = |t: &Morpheme| matches!(t.pos, "動詞" | "形容詞" | "助動詞");
    if !toks.get(b.wrapping_sub(1)).is_some_and(inflecting) {
        return b;
    }
    let mut k = b;
    while let Some(t) = toks.get(k) {
        let auxiliary = t.is("助動詞")
            || (t.is("動詞") && t.pos1 == "非自立")
            || (t.is("助詞") && t.pos1 == "接続助詞" && matches!(t.surface.as_str(), "て" | "で"));
        if !auxiliary {
            break;
        }
        k += 1;
    }
    k
}

/// Ages and birth years: 児童 is under 18 (児童福祉法 §4). A birth year counts by school year:
/// those born from April of (as_of − 18) are still in high school.
fn judged_minor(kind: ConceptKind, n: i32, as_of_year: i32) -> bool {
    match kind {
        ConceptKind::Plain => true,
        ConceptKind::Age => (6..18).contains(&n),
        ConceptKind::BirthYear => {
            let year = if n < 100 { 2000 + n } else { n };
            year >= as_of_year - 18 && year <= as_of_year - 6
        }
    }
}

fn apply_masks(rules: &RuleSet, toks: &[Morpheme], hits: &mut [Hit]) {
    for (mi, mask) in rules.masks.iter().enumerate() {
        let maskers: Vec<(usize, usize)> = hits
            .iter()
            .filter(|h| h.masked_by.is_none() && mask.by.contains(&h.concept))
            .map(|h| (h.tok_start, h.tok_end))
            .collect();
        if maskers.is_empty()
            || (!mask.unless.is_empty() && hits.iter().any(|h| mask.unless.contains(&h.concept)))
        {
            continue;
        }
        for h in hits.iter_mut() {
            if h.masked_by.is_some() || !mask.targets.contains(&h.concept) {
                continue;
            }
            let hit = maskers.iter().any(|&(ms, me)| {
                let overlap = h.tok_start < me && ms < h.tok_end;
                let after =
                    h.tok_start >= me && h.tok_start < me + mask.after + 1 && mask.after > 0;
                let before = h.tok_end <= ms && h.tok_end + mask.before + 1 > ms && mask.before > 0;
                let predicate = mask.predicate
                    && h.tok_start >= me
                    && toks.get(me..h.tok_start).is_some_and(|between| {
                        !between
                            .iter()
                            .any(|t| t.is_boundary() || (t.is("動詞") && t.pos1 == "自立"))
                    });
                overlap || after || before || predicate
            });
            if hit {
                h.masked_by = Some(mi);
            }
        }
    }
}

/// The live hits of `scan` satisfying a condition.
pub fn satisfying<'a>(scan: &'a Scan<'_>, cond: &'a Cond) -> impl Iterator<Item = &'a Hit> + 'a {
    scan.hits.iter().filter(move |h| {
        h.masked_by.is_none()
            && cond
                .iter()
                .any(|r| r.concept == h.concept && h.modality.satisfies(r.spec))
    })
}

/// Masked hits of `scan` that would have satisfied a condition (for `--explain`).
pub fn masked<'a>(scan: &'a Scan<'_>, cond: &'a Cond) -> impl Iterator<Item = &'a Hit> + 'a {
    scan.hits
        .iter()
        .filter(move |h| h.masked_by.is_some() && cond.iter().any(|r| r.concept == h.concept))
}
