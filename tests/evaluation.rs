//! The evaluation over the labelled corpus (`tests/corpus/`), as a test with honest thresholds.
//!
//! `dev/` is used while tuning rules; `heldout/` never is, so it tells whether the rules generalise.
//! Both reports are printed (see them with `cargo test --release --test evaluation -- --nocapture`;
//! a failing run shows them anyway) beside the naive keyword baseline's figures on the same posts.

#![cfg(feature = "embedded-dictionary")]

use std::path::Path;

use patrol::analyze::{Analyzer, Config};
use patrol::baseline::Baseline;
use patrol::eval::{self, Labelled, Prediction, Scores};
use patrol::region::Gazetteer;

// The targets are micro-F1 ≥ 0.93 and false alarms ≤ 3 % on negatives. Twenty-seven parts
// are used for tuning, each written by another hand; dev5…dev27 were each scored once on arrival,
// before any tuning on them (the figures in the comments below), and then tuned on (dev24…dev27
// train the reader only). Since rule set
// 2026.11.22.56 the analyzer applies the second reader (src/reader), trained on all the tuning
// parts: their figures here are therefore in-sample, and the honest estimate for them is the
// nested leave-one-part-out CV that scripts/test-reader.sh prints (0.914 / 2.0 % pooled over 27 parts
// at .57).
// Every tuning part but dev22 and dev24…dev27 is held to the targets, and so is the held-out part
// (written independently, never used for tuning); those five to floors just under today's figures,
// so that any change that makes things worse fails here. Raise the floors as things improve; never
// lower them to make a change pass.
/// Category micro-F1 each tuning part must reach (the target).
const MIN_MICRO_F1: f64 = 0.93;
/// Share of negatives given a category on a tuning part (the target).
const MAX_FALSE_ALARM_RATE: f64 = 0.03;
/// dev5: 0.746 on arrival; 0.900 / 0.8 % at 2026.11.22.38.
const DEV5_MAX_FALSE_ALARM_RATE: f64 = 0.015;
/// dev6: 0.791 / 4.0 % on arrival; 0.940 / 0 % at 2026.11.22.38.
const DEV6_MAX_FALSE_ALARM_RATE: f64 = 0.015;
/// dev7 was written from the seeds and domain notes, not the rules: 0.851 / 6.9 % on arrival at
/// 2026.11.22.7; 0.967 / 0 % at 2026.11.22.38.
const DEV7_MIN_MICRO_F1: f64 = 0.95;
const DEV7_MAX_FALSE_ALARM_RATE: f64 = 0.015;
/// dev8 was written blind from the seeds and notes (349 posts, 163 negatives): 0.828 / 4.3 % on
/// arrival at 2026.11.22.22; 0.936 / 1.8 % at 2026.11.22.38; 0.946 / 1.2 % at 2026.11.22.52.
const DEV8_MAX_FALSE_ALARM_RATE: f64 = 0.025;
/// dev9 was written blind too, aimed at the weakest categories with veiled phrasing (351 posts,
/// 135 negatives): 0.767 / 5.2 % on arrival at 2026.11.22.31; 0.920 / 1.5 % at 2026.11.22.38.
const DEV9_MAX_FALSE_ALARM_RATE: f64 = 0.025;
/// dev10 (child categories) and dev11 (suicide), written blind at the same time by two other
/// hands: 0.678 / 5.9 % and 0.737 / 2.5 % on arrival at 2026.11.22.36; 0.855 / 0 % and
/// 0.928 / 0.6 % at 2026.11.22.38; 0.892 / 0 % and 0.936 / 0.6 % at 2026.11.22.52.
const DEV10_MAX_FALSE_ALARM_RATE: f64 = 0.015;
const DEV11_MAX_FALSE_ALARM_RATE: f64 = 0.015;
/// Held-out: 0.868 / 4.3 % at 2026.11.22.7, 0.877 / 4.3 % at 2026.11.22.19, 0.898 / 3.6 % at
/// 2026.11.22.38, 0.902 / 2.2 % at 2026.11.22.47, 0.896 / 2.9 % at 2026.11.22.52, 0.891 / 2.9 % at
/// 2026.11.22.55 (precision 0.920, recall 0.864).
/// With the second reader on: 0.929 / 2.9 % at 2026.11.22.56 (trained on dev…dev23); 0.932 / 2.9 %
/// at 2026.11.22.57 (trained on dev…dev27; precision 0.926, recall 0.939): the targets are met, and
/// the held-out part is held to them.
const HELDOUT_MIN_MICRO_F1: f64 = MIN_MICRO_F1;
const HELDOUT_MAX_FALSE_ALARM_RATE: f64 = MAX_FALSE_ALARM_RATE;

struct Part {
    name: &'static str,
    min_micro_f1: f64,
    max_false_alarm_rate: f64,
}

const PARTS: [Part; 28] = [
    Part {
        name: "dev",
        min_micro_f1: MIN_MICRO_F1,
        max_false_alarm_rate: MAX_FALSE_ALARM_RATE,
    },
    Part {
        name: "dev2",
        min_micro_f1: MIN_MICRO_F1,
        max_false_alarm_rate: MAX_FALSE_ALARM_RATE,
    },
    Part {
        name: "dev3",
        min_micro_f1: MIN_MICRO_F1,
        max_false_alarm_rate: MAX_FALSE_ALARM_RATE,
    },
    Part {
        name: "dev4",
        min_micro_f1: MIN_MICRO_F1,
        max_false_alarm_rate: MAX_FALSE_ALARM_RATE,
    },
    Part {
        name: "dev5",
        min_micro_f1: MIN_MICRO_F1,
        max_false_alarm_rate: DEV5_MAX_FALSE_ALARM_RATE,
    },
    Part {
        name: "dev6",
        min_micro_f1: MIN_MICRO_F1,
        max_false_alarm_rate: DEV6_MAX_FALSE_ALARM_RATE,
    },
    Part {
        name: "dev7",
        min_micro_f1: DEV7_MIN_MICRO_F1,
        max_false_alarm_rate: DEV7_MAX_FALSE_ALARM_RATE,
    },
    Part {
        name: "dev8",
        min_micro_f1: MIN_MICRO_F1,
        max_false_alarm_rate: DEV8_MAX_FALSE_ALARM_RATE,
    },
    Part {
        name: "dev9",
        min_micro_f1: MIN_MICRO_F1,
        max_false_alarm_rate: DEV9_MAX_FALSE_ALARM_RATE,
    },
    Part {
        name: "dev10",
        min_micro_f1: MIN_MICRO_F1,
        max_false_alarm_rate: DEV10_MAX_FALSE_ALARM_RATE,
    },
    Part {
        name: "dev11",
        min_micro_f1: MIN_MICRO_F1,
        max_false_alarm_rate: DEV11_MAX_FALSE_ALARM_RATE,
    },
    // dev12…dev23: written blind in three rounds of four. On arrival (micro-F1 / false alarms):
    // dev12 0.791 / 5.4 %, dev13 0.534 / 5.1 %, dev14 0.718 / 2.8 %, dev15 0.846 / 4.9 % at
    // 2026.11.22.39; dev16 0.829 / 4.3 %, dev17 0.712 / 4.3 %, dev18 0.763 / 4.9 %, dev19 0.813 /
    // 5.0 % at 2026.11.22.45; dev20 0.846 / 1.7 %, dev21 0.826 / 4.7 %, dev22 0.629 / 9.5 %, dev23
    // 0.746 / 4.3 % at 2026.11.22.48. With the reader (in-sample) at 2026.11.22.56 each is above the
    // targets but dev22 (0.903 / 3.2 %); false-alarm floors as set for the rules alone at .52–.55.
    Part {
        name: "dev12",
        min_micro_f1: MIN_MICRO_F1,
        max_false_alarm_rate: 0.03,
    },
    Part {
        name: "dev13",
        min_micro_f1: MIN_MICRO_F1,
        max_false_alarm_rate: 0.015,
    },
    Part {
        name: "dev14",
        min_micro_f1: MIN_MICRO_F1,
        max_false_alarm_rate: 0.03,
    },
    Part {
        name: "dev15",
        min_micro_f1: MIN_MICRO_F1,
        max_false_alarm_rate: 0.025,
    },
    Part {
        name: "dev16",
        min_micro_f1: MIN_MICRO_F1,
        max_false_alarm_rate: 0.015,
    },
    Part {
        name: "dev17",
        min_micro_f1: MIN_MICRO_F1,
        max_false_alarm_rate: 0.035,
    },
    Part {
        name: "dev18",
        min_micro_f1: MIN_MICRO_F1,
        max_false_alarm_rate: 0.03,
    },
    Part {
        name: "dev19",
        min_micro_f1: MIN_MICRO_F1,
        max_false_alarm_rate: 0.025,
    },
    Part {
        name: "dev20",
        min_micro_f1: MIN_MICRO_F1,
        max_false_alarm_rate: 0.02,
    },
    Part {
        name: "dev21",
        min_micro_f1: MIN_MICRO_F1,
        max_false_alarm_rate: 0.025,
    },
    Part {
        name: "dev22",
        min_micro_f1: 0.89,
        max_false_alarm_rate: 0.04,
    },
    Part {
        name: "dev23",
        min_micro_f1: MIN_MICRO_F1,
        max_false_alarm_rate: 0.015,
    },
    // dev24…dev27: written blind at the same time, scored on arrival with rule set 2026.11.22.57
    // and the reader trained on dev…dev23: 0.846 / 8.1 %, 0.879 / 5.1 %, 0.848 / 1.8 %,
    // 0.860 / 6.7 % (the false alarms are the rules'; the rules were not tuned on these parts).
    // Then used to train the reader: floors just under the figures with it (in-sample).
    Part {
        name: "dev24",
        min_micro_f1: 0.92,
        max_false_alarm_rate: 0.085,
    },
    Part {
        name: "dev25",
        min_micro_f1: 0.92,
        max_false_alarm_rate: 0.055,
    },
    Part {
        name: "dev26",
        min_micro_f1: 0.92,
        max_false_alarm_rate: 0.02,
    },
    Part {
        name: "dev27",
        min_micro_f1: 0.95,
        max_false_alarm_rate: 0.07,
    },
    Part {
        name: "heldout",
        min_micro_f1: HELDOUT_MIN_MICRO_F1,
        max_false_alarm_rate: HELDOUT_MAX_FALSE_ALARM_RATE,
    },
];

fn scores(items: &[Labelled], predictions: Vec<Prediction>) -> Scores {
    let pairs: Vec<(&Labelled, Prediction)> = items.iter().zip(predictions).collect();
    eval::score(&pairs)
}

#[test]
fn evaluation_meets_thresholds() {
    let dictionary = patrol::dictionary::embedded().expect("embedded dictionary");
    let analyzer = Analyzer::new(dictionary, Config::default()).expect("analyzer");
    let gazetteer = Gazetteer::embedded().expect("gazetteer");
    let baseline =
        Baseline::new(&gazetteer, &analyzer.config().jurisdiction).expect("keyword baseline");
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");

    println!("rule set {}", analyzer.rules().version);
    // Every part `patrol eval` reports is held to a floor here, and no other.
    let names: Vec<&str> = PARTS.iter().map(|p| p.name).collect();
    assert_eq!(
        names,
        eval::PARTS,
        "the parts held to floors are the parts patrol eval reports"
    );
    let mut failures = Vec::new();
    for part in &PARTS {
        let items = eval::load_corpus(&corpus.join(part.name)).expect("labelled corpus");
        let ours = scores(&items, eval::predict(&analyzer, &items));
        let base = scores(&items, eval::predict_baseline(&baseline, &items));
        println!(
            "{}",
            eval::report(&eval::part_title(part.name), &ours, &base)
        );

        let f1 = ours.micro.f1();
        let far = ours.false_alarm_rate();
        println!(
            "{}: micro-F1 {f1:.3} (threshold ≥ {:.2}), false alarms {:.1}% (threshold ≤ {:.1}%)\n",
            part.name,
            part.min_micro_f1,
            far * 100.0,
            part.max_false_alarm_rate * 100.0
        );
        if f1 < part.min_micro_f1 {
            failures.push(format!(
                "{}: micro-F1 {f1:.3} < {:.2}",
                part.name, part.min_micro_f1
            ));
        }
        if far > part.max_false_alarm_rate {
            failures.push(format!(
                "{}: false-alarm rate {:.1}% > {:.1}%",
                part.name,
                far * 100.0,
                part.max_false_alarm_rate * 100.0
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "below thresholds:\n  {}",
        failures.join("\n  ")
    );
}
