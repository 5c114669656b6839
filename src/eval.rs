//! Evaluation over the labelled corpus (`tests/corpus/`): per-category precision / recall / F1,
//! false alarms on negatives, child, region and inquiry accuracy — for the analyzer and for the
//! naive keyword baseline on the same posts.

use std::fmt::Write as _;
use std::path::Path;

use serde::Deserialize;

use crate::analyze::{Analyzer, Post};
use crate::baseline::Baseline;
use crate::category::Category;
use crate::region::Region;

#[derive(Debug, Clone, Deserialize)]
pub struct Expect {
    pub categories: Vec<String>,
    pub minor: bool,
    pub region: String,
    pub inquiry: bool,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Labelled {
    pub id: String,
    pub text: String,
    #[serde(default)]
    pub profile: String,
    #[serde(default)]
    pub site: Option<String>,
    pub expect: Expect,
    pub kind: String,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(skip)]
    pub file: String,
}

impl Labelled {
    /// The post as the analyzer reads it.
    pub fn post(&self) -> Post<'_> {
        Post {
            text: &self.text,
            profile: &self.profile,
            site: self.site.as_deref(),
        }
    }
}

/// The corpus parts in report order: the tuning parts, then the held-out one (tests/corpus/README.md).
pub const PARTS: [&str; 28] = [
    "dev", "dev2", "dev3", "dev4", "dev5", "dev6", "dev7", "dev8", "dev9", "dev10", "dev11",
    "dev12", "dev13", "dev14", "dev15", "dev16", "dev17", "dev18", "dev19", "dev20", "dev21",
    "dev22", "dev23", "dev24", "dev25", "dev26", "dev27", "heldout",
];

/// A part's heading in a report: how it was written and used, so a reader knows what its figures mean.
pub fn part_title(part: &str) -> String {
    let how = match part {
        "heldout" => "never used for tuning",
        "dev" => "used for rule tuning",
        "dev2" => "used for rule tuning; written later, by another hand",
        "dev3" => "used for rule tuning; aimed at the weakest categories",
        "dev4" => "used for rule tuning; written last, everyday false-alarm traps",
        "dev5" | "dev6" => "scored on arrival, then tuned",
        "dev7" => "written from the seeds, not the rules; scored on arrival, then tuned",
        "dev9" => "written blind, weak categories; scored on arrival, then tuned",
        "dev10" => "written blind, child; scored on arrival, then tuned",
        "dev11" => "written blind, suicide; scored on arrival, then tuned",
        "dev24" | "dev25" | "dev26" | "dev27" => {
            "written blind; scored on arrival (rules and reader), then used to train the reader only"
        }
        _ => "written blind; scored on arrival, then tuned",
    };
    format!("{part} ({how})")
}

/// Reads every `*.jsonl` under `dir` (sorted by path, so runs are reproducible).
pub fn load_corpus(dir: &Path) -> Result<Vec<Labelled>, String> {
    let mut files = Vec::new();
    collect(dir, &mut files).map_err(|e| format!("{}: {e}", dir.display()))?;
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).map_err(|e| format!("{}: {e}", f.display()))?;
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let mut l: Labelled = serde_json::from_str(line)
                .map_err(|e| format!("{}:{}: {e}", f.display(), i + 1))?;
            l.file = f.display().to_string();
            for c in &l.expect.categories {
                if Category::from_id(c).is_none() {
                    return Err(format!("{}:{}: unknown category {c}", f.display(), i + 1));
                }
            }
            if Region::from_id(&l.expect.region).is_none() {
                return Err(format!(
                    "{}:{}: bad region {}",
                    f.display(),
                    i + 1,
                    l.expect.region
                ));
            }
            out.push(l);
        }
    }
    if out.is_empty() {
        return Err(format!("{}: no labelled posts found", dir.display()));
    }
    Ok(out)
}

fn collect(dir: &Path, out: &mut Vec<std::path::PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let p = entry?.path();
        if p.is_dir() {
            collect(&p, out)?;
        } else if p.extension().is_some_and(|e| e == "jsonl") {
            out.push(p);
        }
    }
    Ok(())
}

#[derive(Debug, Clone, PartialEq)]
pub struct Prediction {
    pub categories: Vec<Category>,
    pub minor: bool,
    pub region: Region,
    pub inquiry: bool,
}

#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Counts {
    pub tp: usize,
    pub fp: usize,
    pub fn_: usize,
}

impl Counts {
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }
    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        1.0
    } else {
        a as f64 / b as f64
    }
}

#[derive(Debug, Clone, Default)]
pub struct Scores {
    pub posts: usize,
    pub per_category: Vec<(Category, Counts)>,
    pub micro: Counts,
    pub negatives: usize,
    /// Negatives given at least one category.
    pub false_alarms: usize,
    pub minor_correct: usize,
    pub region_correct: usize,
    pub inquiry_correct: usize,
    pub inquiry: Counts,
    /// Posts whose category set is exactly right.
    pub exact: usize,
}

impl Scores {
    pub fn false_alarm_rate(&self) -> f64 {
        ratio(self.false_alarms, self.negatives)
    }
    pub fn accuracy(&self, correct: usize) -> f64 {
        ratio(correct, self.posts)
    }
}

pub fn score(items: &[(&Labelled, Prediction)]) -> Scores {
    let mut s = Scores {
        posts: items.len(),
        per_category: Category::ALL
            .iter()
            .map(|c| (*c, Counts::default()))
            .collect(),
        ..Scores::default()
    };
    for (l, p) in items {
        let expected: Vec<Category> = l
            .expect
            .categories
            .iter()
            .filter_map(|c| Category::from_id(c))
            .collect();
        for (c, counts) in s.per_category.iter_mut() {
            match (expected.contains(c), p.categories.contains(c)) {
                (true, true) => counts.tp += 1,
                (false, true) => counts.fp += 1,
                (true, false) => counts.fn_ += 1,
                _ => {}
            }
        }
        let mut e = expected.clone();
        e.sort();
        let mut got = p.categories.clone();
        got.sort();
        if e == got {
            s.exact += 1;
        }
        if expected.is_empty() {
            s.negatives += 1;
            if !p.categories.is_empty() {
                s.false_alarms += 1;
            }
        }
        if l.expect.minor == p.minor {
            s.minor_correct += 1;
        }
        if Region::from_id(&l.expect.region) == Some(p.region) {
            s.region_correct += 1;
        }
        if l.expect.inquiry == p.inquiry {
            s.inquiry_correct += 1;
        }
        match (l.expect.inquiry, p.inquiry) {
            (true, true) => s.inquiry.tp += 1,
            (false, true) => s.inquiry.fp += 1,
            (true, false) => s.inquiry.fn_ += 1,
            _ => {}
        }
    }
    for (_, c) in &s.per_category {
        s.micro.tp += c.tp;
        s.micro.fp += c.fp;
        s.micro.fn_ += c.fn_;
    }
    s
}

/// Runs the analyzer over labelled posts. Analysis errors count as "nothing flagged".
pub fn predict(analyzer: &Analyzer, items: &[Labelled]) -> Vec<Prediction> {
    items
        .iter()
        .map(|l| match analyzer.analyze(&l.post()) {
            Ok(a) => Prediction {
                categories: a.categories,
                minor: a.minor,
                region: a.region,
                inquiry: a.inquiry,
            },
            Err(_) => Prediction {
                categories: Vec::new(),
                minor: false,
                region: Region::Unknown,
                inquiry: false,
            },
        })
        .collect()
}

pub fn predict_baseline(baseline: &Baseline, items: &[Labelled]) -> Vec<Prediction> {
    items
        .iter()
        .map(|l| {
            let r = baseline.classify(&l.text, &l.profile);
            Prediction {
                categories: r.categories,
                minor: r.minor,
                region: r.region,
                inquiry: r.inquiry,
            }
        })
        .collect()
}

/// A side-by-side table of the analyzer and the baseline.
pub fn report(title: &str, ours: &Scores, base: &Scores) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "== {title}: {} posts ({} negatives) ==",
        ours.posts, ours.negatives
    );
    let _ = writeln!(
        s,
        "{:<22} {:>5} {:>5} {:>5} | {:>6} {:>6} {:>6} | {:>6} {:>6} {:>6}",
        "category", "tp", "fp", "fn", "P", "R", "F1", "base P", "base R", "base F1"
    );
    let row = |s: &mut String, label: &str, o: &Counts, b: &Counts| {
        let _ = writeln!(
            s,
            "{label:<22} {:>5} {:>5} {:>5} | {:>6.3} {:>6.3} {:>6.3} | {:>6.3} {:>6.3} {:>6.3}",
            o.tp,
            o.fp,
            o.fn_,
            o.precision(),
            o.recall(),
            o.f1(),
            b.precision(),
            b.recall(),
            b.f1()
        );
    };
    for ((c, o), (_, b)) in ours.per_category.iter().zip(&base.per_category) {
        row(&mut s, c.id(), o, b);
    }
    row(&mut s, "micro", &ours.micro, &base.micro);
    let pct = |x: f64| format!("{:.1}%", x * 100.0);
    let _ = writeln!(
        s,
        "false alarms on negatives: {} / {} = {}   (baseline {} / {} = {})",
        ours.false_alarms,
        ours.negatives,
        pct(ours.false_alarm_rate()),
        base.false_alarms,
        base.negatives,
        pct(base.false_alarm_rate())
    );
    for (name, a, b) in [
        (
            "child (minor) accuracy",
            ours.minor_correct,
            base.minor_correct,
        ),
        ("region accuracy", ours.region_correct, base.region_correct),
        (
            "inquiry accuracy",
            ours.inquiry_correct,
            base.inquiry_correct,
        ),
        ("exact category set", ours.exact, base.exact),
    ] {
        let _ = writeln!(
            s,
            "{name:<26} {}   (baseline {})",
            pct(ours.accuracy(a)),
            pct(base.accuracy(b))
        );
    }
    let _ = writeln!(
        s,
        "inquiry P/R/F1             {:.3} / {:.3} / {:.3}   (baseline {:.3} / {:.3} / {:.3})",
        ours.inquiry.precision(),
        ours.inquiry.recall(),
        ours.inquiry.f1(),
        base.inquiry.precision(),
        base.inquiry.recall(),
        base.inquiry.f1()
    );
    s
}

/// The posts a run got wrong, for rule work on the development part.
pub fn mistakes(items: &[Labelled], preds: &[Prediction]) -> String {
    let mut s = String::new();
    for (l, p) in items.iter().zip(preds) {
        let mut e: Vec<&str> = l.expect.categories.iter().map(|c| c.as_str()).collect();
        e.sort();
        let mut g: Vec<&str> = p.categories.iter().map(|c| c.id()).collect();
        g.sort();
        let region_ok = Region::from_id(&l.expect.region) == Some(p.region);
        if e != g || l.expect.minor != p.minor || !region_ok || l.expect.inquiry != p.inquiry {
            let _ = writeln!(
                s,
                "{}: expected {:?} minor={} region={} inquiry={} | got {:?} minor={} region={} inquiry={}\n    {}{}",
                l.id,
                e,
                l.expect.minor,
                l.expect.region,
                l.expect.inquiry,
                g,
                p.minor,
                p.region.id(),
                p.inquiry,
                l.text.replace('\n', " / "),
                if l.profile.is_empty() { String::new() } else { format!("  [profile: {}]", l.profile) }
            );
        }
    }
    s
}
