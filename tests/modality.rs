//! Regression tests for the grammar that decides whether a matched word is the poster's own
//! statement: each case names what it guards.

#![cfg(feature = "embedded-dictionary")]

use patrol::grammar::{ModSpec, Modality};
use patrol::matcher::{scan, Source};
use patrol::morph::Morphology;
use patrol::normalize::normalize;
use patrol::rules::RuleSet;

struct Fixture {
    morph: Morphology,
}

impl Fixture {
    fn new() -> Fixture {
        let dictionary = patrol::dictionary::embedded().expect("embedded dictionary");
        Fixture {
            morph: Morphology::new(dictionary),
        }
    }

    /// The modality of the first hit of `concept` in `text`.
    fn modality(&self, text: &str, concept: &str) -> Modality {
        let rules = RuleSet::embedded(&self.morph).expect("rules");
        let id = rules.concept(concept).expect("concept exists");
        let norm = normalize(text, &rules.symbols);
        let toks = self.morph.analyze(&norm);
        let s = scan(&rules, norm, toks, Source::Text, 2026);
        s.hits
            .iter()
            .find(|h| h.concept == id)
            .unwrap_or_else(|| panic!("no {concept} hit in {text:?}"))
            .modality
    }
}

#[test]
fn modality_of_the_poster_s_own_words() {
    let f = Fixture::new();
    let cases: &[(&str, &str, ModSpec, bool)] = &[
        ("もう死にたい", "die_verb", ModSpec::Desire, true),
        ("死にたくない", "die_verb", ModSpec::Desire, false),
        ("死にたくない", "die_verb", ModSpec::Negated, true),
        ("昔は死にたかった", "die_verb", ModSpec::Desire, false),
        ("今夜死にます", "die_verb", ModSpec::Intent, true),
        ("明日死のう", "die_verb", ModSpec::Intent, true),
        ("一緒に死にませんか", "die_verb", ModSpec::Invite, true),
        (
            "早く自殺しろ",
            "suicide_specific_verb",
            ModSpec::Imperative,
            true,
        ),
        ("今夜死ぬ。", "die_verb", ModSpec::Plain, true),
        // The noun's predicate is the adjective ない: 神待ちはもうない denies it.
        ("神待ちはもうない", "lodging", ModSpec::Negated, true),
        // 消えたくなった: the wish is past (なる passes the tense through).
        ("消えたくなった", "vanish_verb", ModSpec::Desire, false),
        ("消えたくなる", "vanish_verb", ModSpec::Desire, true),
        // Kyushu たか = たい after a godan 連用形; an ichidan verb's た is still the past.
        ("死にたか", "die_verb", ModSpec::Desire, true),
        ("橋から飛び降りた", "die_verb", ModSpec::Past, true),
        // The volitional stem typed without its う (逝こ？, 自殺しよかな) is still volitional.
        ("誰か一緒に逝こ？", "die_verb", ModSpec::Invite, true),
        // (read as 自殺しようかな is: volitional + question)
        (
            "自殺しようかな",
            "suicide_specific_verb",
            ModSpec::Invite,
            true,
        ),
        (
            "自殺しよかな",
            "suicide_specific_verb",
            ModSpec::Invite,
            true,
        ),
        // 〜と思う about oneself is a plain statement; denied, it is not.
        ("次は本当に死ぬと思う", "die_verb", ModSpec::Plain, true),
        ("死ぬとは思わない", "die_verb", ModSpec::Plain, false),
        // Idiom and hyperbole are not statements of intent.
        ("死ぬほど笑った", "die_verb", ModSpec::Affirm, false),
        ("美味しすぎて死にそう", "die_verb", ModSpec::Affirm, false),
        // Quotation and citation are someone else's words.
        ("『死にたい』と言ってた", "die_verb", ModSpec::Desire, false),
        ("死にたいって言ってた", "die_verb", ModSpec::Desire, false),
        (
            "別に死にたいとかじゃないけど",
            "die_verb",
            ModSpec::Desire,
            false,
        ),
        // 死ぬって決めてる is the poster's decision.
        (
            "誕生日に死ぬって決めてる",
            "die_verb",
            ModSpec::Intent,
            true,
        ),
        // A hashtag labels a topic.
        ("#死にたい 繋がりたい", "die_verb", ModSpec::Desire, false),
        // Dialect endings close the sentence like a particle.
        ("今夜死ぬさー", "die_verb", ModSpec::Plain, true),
        // A decision made (決めた) about a death still ahead is intent, not a past act.
        ("今夜死ぬって決めたから", "die_verb", ModSpec::Intent, true),
        ("死ぬって決めた", "die_verb", ModSpec::Past, false),
        // …ばいい advises someone else: a command in softer words, not a condition.
        (
            "お前なんか首吊って死ねばいい",
            "suicide_specific_verb",
            ModSpec::Imperative,
            true,
        ),
        (
            "早く飛び降りればいい",
            "die_verb",
            ModSpec::Imperative,
            true,
        ),
        (
            "早く飛び降りればいい",
            "die_verb",
            ModSpec::Conditional,
            false,
        ),
        // …ばいいのに is a wish, not advice.
        (
            "飛び降りればいいのに",
            "die_verb",
            ModSpec::Imperative,
            false,
        ),
        // The stem + な commands (死になよ); the plain form + な forbids (死ぬなよ).
        ("今から死になよ", "die_verb", ModSpec::Imperative, true),
        ("死ぬなよ", "die_verb", ModSpec::Imperative, false),
        ("死ぬなよ", "die_verb", ModSpec::Negated, true),
        // A verb phrase describing an account or a post is about that account, not the poster.
        (
            "タイムラインで自殺募集してるアカウント見つけた",
            "group_call",
            ModSpec::Affirm,
            false,
        ),
        (
            "今週末、自殺募集してます",
            "group_call",
            ModSpec::Affirm,
            true,
        ),
        // A wish describing people (…たい人向け) is theirs, not the poster's.
        (
            "楽になりたい人向けです",
            "vanish_verb",
            ModSpec::Desire,
            false,
        ),
        ("もう楽になりたい", "vanish_verb", ModSpec::Desire, true),
        // The explanatory ん (…たいんやけど, …たいんだ) is not the negative ん (せん, 行かん).
        ("死にたいんだけど", "die_verb", ModSpec::Desire, true),
        // だ after a noun or the explanatory ん is the copula, not the past (死んだ).
        ("もう死にたいんだ", "die_verb", ModSpec::Past, false),
        ("友達が死んだ", "die_verb", ModSpec::Past, true),
        (
            "中学生と会いたいんやけど",
            "meet_request",
            ModSpec::Negated,
            false,
        ),
        // The quoting って is often dropped before 言う; a phrase said twice is read once.
        ("あいつ死にたい言うなら", "die_verb", ModSpec::Desire, false),
        (
            "死にたい死にたい言うけど",
            "die_verb",
            ModSpec::Desire,
            false,
        ),
        ("遺書書いた。死にたい", "die_verb", ModSpec::Desire, true),
        // A request that already happened is not one being made.
        (
            "写真撮ってもらった",
            "produce_request",
            ModSpec::Said,
            false,
        ),
        // A question about the law is asked, not done.
        (
            "児童ポルノって所持してるだけでも違法なんですか？",
            "legal_question",
            ModSpec::Question,
            true,
        ),
        (
            "家出した未成年を泊めたら誘拐になるって本当？",
            "legal_question",
            ModSpec::Question,
            true,
        ),
    ];
    let mut failures = Vec::new();
    for (text, concept, spec, expected) in cases {
        let m = f.modality(text, concept);
        if m.satisfies(*spec) != *expected {
            failures.push(format!(
                "{text:?} {concept}@{spec:?} expected {expected}: {m:?}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "modality regressions:\n  {}",
        failures.join("\n  ")
    );
}

#[test]
fn a_noun_s_predicate_decides_its_polarity() {
    let f = Fixture::new();
    let m = f.modality("パパ活は絶対にやりません", "solicit_sex");
    assert!(!m.satisfies(ModSpec::Affirm), "{m:?}");
    // しか…ない is "nothing but", not a negation.
    let m = f.modality("もう援交するしかない", "solicit_sex");
    assert!(m.satisfies(ModSpec::Affirm), "{m:?}");
    let m = f.modality("ホ別苺で会える人", "solicit_sex");
    assert!(m.satisfies(ModSpec::Affirm), "{m:?}");
}
