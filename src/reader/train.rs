//! Training and leave-one-part-out cross-validation of the reader on the development corpus.
//!
//! Deterministic: parts and posts are read in sorted order, the vocabulary is sorted, training is
//! full-batch (no sampling), so the same corpus and rules give the same weights file byte for byte.
//! The held-out part is never read here: only the parts named in [`DEV_PARTS`].

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use crate::analyze::Analyzer;
use crate::category::Category;
use crate::eval::load_corpus;

use super::model::{Model, Settings, SCALE};
use super::{decide, decide_scored, score, Decision, Observed, Scored};

/// The development parts, in order: every tuning part of the corpus, never `heldout` (the last
/// of [`crate::eval::PARTS`], the check of whether rules and reader generalise).
pub const DEV_PARTS: &[&str] = crate::eval::PARTS.split_at(crate::eval::PARTS.len() - 1).0;
const _: () = assert!(matches!(
    crate::eval::PARTS[crate::eval::PARTS.len() - 1].as_bytes(),
    b"heldout"
));

/// The grid the thresholds are chosen from (`None` = that action off).
pub const ADD_GRID: [Option<f32>; 7] = [
    None,
    Some(0.5),
    Some(0.6),
    Some(0.7),
    Some(0.8),
    Some(0.9),
    Some(0.95),
];
/// The lowest threshold of [`ADD_GRID`]: CV scores each post once for every setting of the grid.
const GRID_FLOOR: f32 = 0.5;
const _: () = {
    let mut i = 0;
    while i < ADD_GRID.len() {
        if let Some(t) = ADD_GRID[i] {
            assert!(t >= GRID_FLOOR);
        }
        i += 1;
    }
};
pub const VETO_GRID: [Option<f32>; 4] = [None, Some(0.05), Some(0.1), Some(0.2)];
pub const VETO_BELOW_GRID: [f32; 1] = [0.8];

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    /// L2 penalty on the mean log loss.
    pub lambda: f64,
    /// A feature must occur in at least this many training posts.
    pub min_count: usize,
    pub iterations: usize,
    pub learning_rate: f64,
    /// Weights smaller than this (in 1/SCALE) are dropped from the file.
    pub prune: i32,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            lambda: 3e-5,
            min_count: 2,
            iterations: 300,
            learning_rate: 0.05,
            prune: 6,
        }
    }
}

/// One labelled development post as the reader saw it after the rules.
#[derive(Debug, Clone)]
pub struct Example {
    pub part: usize,
    pub id: String,
    pub observed: Observed,
    pub labels: [bool; 9],
}

impl Example {
    fn negative(&self) -> bool {
        !self.labels.iter().any(|&l| l)
    }
}

/// Reads the development parts and runs the rules over them (`analyzer` in `Mode::Observe`).
pub fn observe(analyzer: &Analyzer, corpus: &Path) -> Result<Vec<Example>, String> {
    let mut out = Vec::new();
    for (part, name) in DEV_PARTS.iter().enumerate() {
        let items = load_corpus(&corpus.join(name))?;
        for l in items {
            let observed = analyzer
                .analyze(&l.post())
                .ok()
                .and_then(|a| a.reader)
                .map(|r| r.observed)
                .unwrap_or_default();
            let mut labels = [false; 9];
            for (i, c) in Category::ALL.iter().enumerate() {
                labels[i] = l.expect.categories.iter().any(|x| x == c.id());
            }
            out.push(Example {
                part,
                id: l.id,
                observed,
                labels,
            });
        }
    }
    Ok(out)
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// Per category an L2-regularised logistic regression, fitted by full-batch Adam.
pub fn fit(examples: &[&Example], p: &Params) -> Model {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for e in examples {
        for k in &e.observed.features.keys {
            *counts.entry(k.as_str()).or_default() += 1;
        }
    }
    let vocab: Vec<&str> = counts
        .iter()
        .filter(|(_, &n)| n >= p.min_count)
        .map(|(&k, _)| k)
        .collect();
    let index: BTreeMap<&str, u32> = vocab
        .iter()
        .enumerate()
        .map(|(i, &k)| (k, i as u32))
        .collect();
    let xs: Vec<Vec<u32>> = examples
        .iter()
        .map(|e| {
            e.observed
                .features
                .keys
                .iter()
                .filter_map(|k| index.get(k.as_str()).copied())
                .collect()
        })
        .collect();
    let n = examples.len().max(1) as f64;
    let labels: Vec<[bool; 9]> = examples.iter().map(|e| e.labels).collect();
    // The nine categories are independent fits: spread over the cores, merged in category order
    // (so the weights file is the same byte for byte however many threads ran).
    let fitted = in_parallel(9, |c| fit_category(&xs, &labels, c, vocab.len(), n, p));
    let mut weights: BTreeMap<String, Vec<(u8, i32)>> = BTreeMap::new();
    let mut bias = [0i32; 9];
    for (c, (b, w)) in fitted.into_iter().enumerate() {
        bias[c] = (b * SCALE as f64).round() as i32;
        for (j, wj) in w.iter().enumerate() {
            let q = (wj * SCALE as f64).round() as i32;
            if q.abs() >= p.prune {
                weights
                    .entry(vocab[j].to_string())
                    .or_default()
                    .push((c as u8, q));
            }
        }
    }
    Model {
        settings: Settings::OFF,
        trained_on: String::new(),
        bias,
        weights: weights.into_iter().collect(),
    }
}

/// One category's logistic regression by full-batch Adam: its bias and one weight per feature.
fn fit_category(
    xs: &[Vec<u32>],
    labels: &[[bool; 9]],
    c: usize,
    f: usize,
    n: f64,
    p: &Params,
) -> (f64, Vec<f64>) {
    let (b1, b2, eps) = (0.9f64, 0.999f64, 1e-8f64);
    let ys: Vec<f64> = labels
        .iter()
        .map(|l| if l[c] { 1.0 } else { 0.0 })
        .collect();
    let rate = (ys.iter().sum::<f64>() + 0.5) / (n + 1.0);
    let mut b = (rate / (1.0 - rate)).ln();
    let mut w = vec![0.0f64; f];
    let (mut mw, mut vw) = (vec![0.0f64; f], vec![0.0f64; f]);
    let (mut mb, mut vb) = (0.0f64, 0.0f64);
    let mut g = vec![0.0f64; f];
    for t in 1..=p.iterations {
        for (gj, wj) in g.iter_mut().zip(&w) {
            *gj = p.lambda * wj;
        }
        let mut gb = 0.0;
        for (x, y) in xs.iter().zip(&ys) {
            let z = b + x.iter().map(|&j| w[j as usize]).sum::<f64>();
            let d = (sigmoid(z) - y) / n;
            gb += d;
            for &j in x {
                g[j as usize] += d;
            }
        }
        let lr = p.learning_rate * (1.0 - b2.powi(t as i32)).sqrt() / (1.0 - b1.powi(t as i32));
        for j in 0..f {
            mw[j] = b1 * mw[j] + (1.0 - b1) * g[j];
            vw[j] = b2 * vw[j] + (1.0 - b2) * g[j] * g[j];
            w[j] -= lr * mw[j] / (vw[j].sqrt() + eps);
        }
        mb = b1 * mb + (1.0 - b1) * gb;
        vb = b2 * vb + (1.0 - b2) * gb * gb;
        b -= lr * mb / (vb.sqrt() + eps);
    }
    (b, w)
}

/// `job(0..n)` on the machine's cores, results in index order: training on every tuning part is a few
/// hundred independent fits, and CI has two cores.
fn in_parallel<T: Send>(n: usize, job: impl Fn(usize) -> T + Sync) -> Vec<T> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |t| t.get())
        .min(n)
        .max(1);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut out: Vec<(usize, T)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        if i >= n {
                            break done;
                        }
                        done.push((i, job(i)));
                    }
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    out.sort_by_key(|(i, _)| *i);
    out.into_iter().map(|(_, t)| t).collect()
}

/// Category counts and false alarms of a set of posts.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Tally {
    pub tp: usize,
    pub fp: usize,
    pub fn_: usize,
    pub negatives: usize,
    pub false_alarms: usize,
}

impl Tally {
    pub fn f1(&self) -> f64 {
        let d = 2 * self.tp + self.fp + self.fn_;
        if d == 0 {
            1.0
        } else {
            2.0 * self.tp as f64 / d as f64
        }
    }
    pub fn false_alarm_rate(&self) -> f64 {
        if self.negatives == 0 {
            0.0
        } else {
            self.false_alarms as f64 / self.negatives as f64
        }
    }
    /// What the thresholds are chosen by: both targets weigh the same (F1 up, false alarms down).
    pub fn objective(&self) -> f64 {
        self.f1() - self.false_alarm_rate()
    }
    fn add(&mut self, o: &Tally) {
        self.tp += o.tp;
        self.fp += o.fp;
        self.fn_ += o.fn_;
        self.negatives += o.negatives;
        self.false_alarms += o.false_alarms;
    }
    fn cell(&self) -> String {
        format!("{:.3} {:>4.1}%", self.f1(), self.false_alarm_rate() * 100.0)
    }
}

/// Scores one post: the rules' categories, less the vetoed, plus the added.
pub fn tally(e: &Example, d: &Decision) -> Tally {
    let mut t = Tally::default();
    let mut any = false;
    for (i, c) in Category::ALL.iter().enumerate() {
        let ruled = e.observed.rule_flags.iter().any(|r| r.category == *c);
        let got = (ruled && !d.vetoed.contains(c)) || d.added.contains(c);
        any |= got;
        match (e.labels[i], got) {
            (true, true) => t.tp += 1,
            (false, true) => t.fp += 1,
            (true, false) => t.fn_ += 1,
            _ => {}
        }
    }
    if e.negative() {
        t.negatives = 1;
        t.false_alarms = usize::from(any);
    }
    t
}

/// Every setting of the grid, the most conservative first (ties keep the earlier one).
pub fn grid() -> Vec<Settings> {
    let mut out = Vec::new();
    // Off first, then from the highest (most conservative) threshold down.
    let adds =
        || std::iter::once(None).chain(ADD_GRID.iter().rev().copied().filter(|a| a.is_some()));
    for add_new in adds() {
        for add in adds() {
            for veto in VETO_GRID {
                for veto_below in VETO_BELOW_GRID {
                    if veto.is_none() && veto_below != VETO_BELOW_GRID[0] {
                        continue;
                    }
                    out.push(Settings {
                        add,
                        add_new,
                        veto,
                        veto_below,
                    });
                }
            }
        }
    }
    out
}

/// Per part, the tally of each setting of `grid`, given each post's model.
fn tallies(examples: &[Example], models: &[Option<&Model>], grid: &[Settings]) -> Vec<Vec<Tally>> {
    let scored: Vec<Option<Scored>> = examples
        .iter()
        .zip(models)
        .map(|(e, m)| m.map(|m| score(m, &e.observed, GRID_FLOOR)))
        .collect();
    tallies_scored(examples, &scored, grid)
}

/// Per part, the tally of each setting of `grid`, given each post's scores (`None`: not counted).
fn tallies_scored(
    examples: &[Example],
    scored: &[Option<Scored>],
    grid: &[Settings],
) -> Vec<Vec<Tally>> {
    let mut out = vec![vec![Tally::default(); DEV_PARTS.len()]; grid.len()];
    for (e, sc) in examples.iter().zip(scored) {
        let Some(sc) = sc else { continue };
        for (g, s) in grid.iter().enumerate() {
            out[g][e.part].add(&tally(e, &decide_scored(s, &e.observed, sc)));
        }
    }
    out
}

/// For the nested estimate: `[k][i]` is post i scored by the model trained without post i's own
/// part and part k (`None` for the posts of part k). The model without parts {a, b} serves both
/// outer folds a and b, so each of the n(n−1)/2 pairs is fitted once.
fn nested_scores(examples: &[Example], p: &Params) -> Vec<Vec<Option<Scored>>> {
    let n = DEV_PARTS.len();
    let pairs: Vec<(usize, usize)> = (0..n)
        .flat_map(|a| (a + 1..n).map(move |b| (a, b)))
        .collect();
    let fitted = in_parallel(pairs.len(), |i| {
        let (a, b) = pairs[i];
        let train: Vec<&Example> = examples
            .iter()
            .filter(|e| e.part != a && e.part != b)
            .collect();
        let m = fit(&train, p);
        examples
            .iter()
            .enumerate()
            .filter(|(_, e)| e.part == a || e.part == b)
            .map(|(j, e)| (j, score(&m, &e.observed, GRID_FLOOR)))
            .collect::<Vec<_>>()
    });
    let mut out = vec![vec![None; examples.len()]; n];
    for ((a, b), scored) in pairs.into_iter().zip(fitted) {
        for (j, sc) in scored {
            // Post j of part a is scored in outer fold b, and the other way round.
            let outer = if examples[j].part == a { b } else { a };
            out[outer][j] = Some(sc);
        }
    }
    out
}

fn total(parts: &[Tally]) -> Tally {
    let mut t = Tally::default();
    for p in parts {
        t.add(p);
    }
    t
}

/// What each action switched on must gain on the pooled CV objective to be chosen: a handful
/// of posts of the 2,697, not one (one post is noise; a veto hides a flag from an officer).
pub const MIN_GAIN: f64 = 0.002;

fn penalised(s: &Settings, t: &Tally) -> f64 {
    let on = usize::from(s.add.is_some())
        + usize::from(s.add_new.is_some())
        + usize::from(s.veto.is_some());
    t.objective() - MIN_GAIN * on as f64
}

/// The best setting of `grid` on pooled tallies, among those `allowed`; the first on ties.
/// With `penalty`, each action on must pay [`MIN_GAIN`].
fn choose(
    grid: &[Settings],
    pooled: &[Tally],
    penalty: bool,
    allowed: impl Fn(&Settings) -> bool,
) -> usize {
    let score = |s: &Settings, t: &Tally| {
        if penalty {
            penalised(s, t)
        } else {
            t.objective()
        }
    };
    // With the penalty, a setting that raises more alarms (the grid runs from the most
    // conservative) must also gain MIN_GAIN over the best before it: at rule set .57 new 0.50
    // tied new 0.70 on the pooled objective and added a child category to 高校生歓迎！パン屋の
    // レジのお仕事 (golden easy_work_offered_to_children).
    let margin = if penalty { MIN_GAIN } else { 1e-12 };
    let mut best = 0;
    for (i, s) in grid.iter().enumerate() {
        let better = score(s, &pooled[i]) > score(&grid[best], &pooled[best]) + margin;
        if allowed(s) && (!allowed(&grid[best]) || better) {
            best = i;
        }
    }
    best
}

/// Leave-one-part-out models: the model for part k is trained on every other part.
fn fold_models(examples: &[Example], p: &Params) -> Vec<Model> {
    in_parallel(DEV_PARTS.len(), |k| {
        let train: Vec<&Example> = examples.iter().filter(|e| e.part != k).collect();
        fit(&train, p)
    })
}

fn per_post<'m>(examples: &[Example], models: &'m [Model]) -> Vec<Option<&'m Model>> {
    examples.iter().map(|e| models.get(e.part)).collect()
}

fn show(s: &Settings) -> String {
    let t = |x: Option<f32>| x.map_or("off".to_string(), |v| format!("{v:.2}"));
    let adds = format!("add {} new {}", t(s.add), t(s.add_new));
    if s.veto.is_some() {
        format!("{adds} veto {} (conf<{:.2})", t(s.veto), s.veto_below)
    } else {
        format!("{adds} veto off")
    }
}

/// Whether a setting may ship: the reader may add a category, never hold a rule's flag back.
/// At rule set 2026.11.22.56 the veto CV chose (below 0.05) removed 21 false categories in the
/// pooled CV but also 7 true ones, among them 泊めてくれたらエッチもしていいよ from a child (001
/// §4(1)), 集団自殺しようって言ってた子たちへ。私はまだ本気だよ and 母の日に合わせて逝こうと思ってた
/// (003 §2): a missed flag can be a child or a life, a false one costs an officer's hour. The veto
/// rows stay in the CV report, to show what it would do.
fn shippable(s: &Settings) -> bool {
    s.veto.is_none()
}

/// The settings chosen by LOPO CV (the "both" row), or off when that does not beat the rules.
pub fn chosen_settings(examples: &[Example], p: &Params) -> Settings {
    settings_for(examples, &fold_models(examples, p))
}

/// [`chosen_settings`] given the leave-one-part-out models (so a caller that needs them too
/// fits them once).
fn settings_for(examples: &[Example], models: &[Model]) -> Settings {
    let g = grid();
    let t = tallies(examples, &per_post(examples, models), &g);
    let pooled: Vec<Tally> = t.iter().map(|parts| total(parts)).collect();
    let best = choose(&g, &pooled, true, shippable);
    if best == 0 {
        Settings::OFF
    } else {
        g[best]
    }
}

/// `patrol reader train`: the final model on every development part, with CV-chosen thresholds.
pub fn train(examples: &[Example], p: &Params, ruleset: &str) -> Model {
    let settings = chosen_settings(examples, p);
    let all: Vec<&Example> = examples.iter().collect();
    let mut m = fit(&all, p);
    m.settings = settings;
    m.trained_on = format!(
        "rule set {ruleset}; parts {}; {} posts; lambda {} min_count {} iterations {}",
        DEV_PARTS.join(","),
        examples.len(),
        p.lambda,
        p.min_count,
        p.iterations
    );
    m
}

/// `patrol reader cv`: the tables of the report.
pub fn cv_report(examples: &[Example], p: &Params, nested: bool) -> String {
    let mut s = String::new();
    let g = grid();
    let models = fold_models(examples, p);
    let t = tallies(examples, &per_post(examples, &models), &g);
    let pooled: Vec<Tally> = t.iter().map(|parts| total(parts)).collect();
    let rules = 0;
    let adding = |s: &Settings| s.add.is_some() || s.add_new.is_some();
    let add = choose(&g, &pooled, false, |s| adding(s) && s.veto.is_none());
    let add_same = choose(&g, &pooled, false, |s| {
        s.add == s.add_new && s.add.is_some() && s.veto.is_none()
    });
    let add_flagged = choose(&g, &pooled, false, |s| {
        s.add.is_some() && s.add_new.is_none() && s.veto.is_none()
    });
    let veto = choose(&g, &pooled, false, |s| !adding(s) && s.veto.is_some());
    let both = choose(&g, &pooled, false, |s| adding(s) && s.veto.is_some());
    let picked = choose(&g, &pooled, true, shippable);
    let _ = writeln!(
        s,
        "leave-one-part-out over {} ({} posts); lambda {} min_count {} iterations {}",
        DEV_PARTS.join(","),
        examples.len(),
        p.lambda,
        p.min_count,
        p.iterations
    );
    let _ = writeln!(
        s,
        "\n== pooled micro-F1 / false alarms over the grid (veto off; the veto rows below) =="
    );
    for (i, st) in g.iter().enumerate().filter(|(_, st)| st.veto.is_none()) {
        let _ = writeln!(s, "{:<38} {}", show(st), pooled[i].cell());
    }
    let _ = writeln!(s, "\n== per left-out part: micro-F1 false-alarm% (best of each kind on the pooled CV; chosen = with MIN_GAIN per action) ==");
    let _ = write!(s, "{:<62}", "");
    for name in DEV_PARTS {
        let _ = write!(s, " {name:>12}");
    }
    let _ = writeln!(s, " {:>12}", "total");
    for (label, i) in [
        ("rules alone", rules),
        ("rules + add (one threshold)", add_same),
        ("rules + add (flagged posts only)", add_flagged),
        ("rules + add", add),
        ("rules + veto", veto),
        ("rules + both", both),
        ("chosen", picked),
    ] {
        let _ = write!(s, "{:<62}", format!("{label}: {}", show(&g[i])));
        for part in &t[i] {
            let _ = write!(s, " {:>12}", part.cell());
        }
        let _ = writeln!(s, " {:>12}", pooled[i].cell());
    }
    if nested {
        // Honest estimate: thresholds for part k chosen by an inner LOPO on the other parts only.
        let mut outer = vec![Tally::default(); DEV_PARTS.len()];
        let mut picks = Vec::new();
        for (k, scored) in nested_scores(examples, p).iter().enumerate() {
            let ti = tallies_scored(examples, scored, &g);
            let pi: Vec<Tally> = ti.iter().map(|parts| total(parts)).collect();
            let b = choose(&g, &pi, true, shippable);
            picks.push(show(&g[b]));
            outer[k] = t[b][k];
        }
        let _ = writeln!(
            s,
            "\n== nested: thresholds chosen without the left-out part (veto never shipped) =="
        );
        let _ = write!(s, "{:<62}", "chosen (nested)");
        for part in &outer {
            let _ = write!(s, " {:>12}", part.cell());
        }
        let _ = writeln!(s, " {:>12}", total(&outer).cell());
        for (k, pick) in picks.iter().enumerate() {
            let _ = writeln!(s, "    {}: {pick}", DEV_PARTS[k]);
        }
    }
    let chosen = if picked != rules {
        show(&g[picked])
    } else {
        "off (no gain over the rules alone)".to_string()
    };
    let _ = writeln!(s, "\nchosen by CV (objective micro-F1 − false-alarm rate, each action on must gain {MIN_GAIN}; additions only, see shippable): {chosen}");
    s
}

/// The posts whose outcome the chosen setting changes in CV (for reading what the reader does).
pub fn cv_changes(examples: &[Example], p: &Params) -> String {
    let models = fold_models(examples, p);
    let settings = settings_for(examples, &models);
    let mut s = String::new();
    for e in examples {
        let Some(m) = models.get(e.part) else {
            continue;
        };
        let d = decide(m, &settings, &e.observed);
        if d.added.is_empty() && d.vetoed.is_empty() {
            continue;
        }
        let mark = |c: &Category| {
            let i = Category::ALL.iter().position(|x| x == c).unwrap_or(0);
            format!(
                "{}{}(p={:.2})",
                if e.labels[i] { "✓" } else { "✗" },
                c.id(),
                d.probabilities[i]
            )
        };
        let _ = writeln!(
            s,
            "{}: added [{}] vetoed [{}]",
            e.id,
            d.added.iter().map(mark).collect::<Vec<_>>().join(" "),
            d.vetoed.iter().map(mark).collect::<Vec<_>>().join(" ")
        );
    }
    s
}

/// The year birth years are judged against when training (08年生まれ is a child in 2026, as the
/// corpus was labelled): pinned so that retraining next year gives the same weights.
pub const CORPUS_YEAR: i32 = 2026;

/// `patrol reader train|cv`: `analyzer` must be in `Mode::Observe`. Returns what to print.
pub fn command(
    analyzer: &Analyzer,
    sub: &str,
    corpus: &Path,
    out: Option<&Path>,
    nested: bool,
    changes: bool,
    p: &Params,
) -> Result<String, String> {
    let examples = observe(analyzer, corpus)?;
    match sub {
        "train" => {
            let m = train(&examples, p, &analyzer.rules().version);
            let text = m.write();
            let out = out.unwrap_or(Path::new("rules/reader.tsv"));
            std::fs::write(out, &text).map_err(|e| format!("{}: {e}", out.display()))?;
            Ok(format!(
                "wrote {} ({} bytes, {} features); settings: {}\n",
                out.display(),
                text.len(),
                m.weights.len(),
                show(&m.settings)
            ))
        }
        "cv" => {
            let mut s = cv_report(&examples, p, nested);
            if changes {
                s.push_str("\n== posts the chosen setting changes (✓ labelled so, ✗ not) ==\n");
                s.push_str(&cv_changes(&examples, p));
            }
            Ok(s)
        }
        other => Err(format!(
            "patrol reader: unknown subcommand {other:?} (train or cv)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reader::{Features, RuleFlag};

    fn ex(part: usize, keys: &[&str], label: Option<usize>, ruled: Option<Category>) -> Example {
        let mut labels = [false; 9];
        if let Some(l) = label {
            labels[l] = true;
        }
        let keys: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
        Example {
            part,
            id: format!("t{part}"),
            observed: Observed {
                features: Features {
                    spans: keys.iter().map(|k| (k.clone(), 0, 1)).collect(),
                    keys,
                },
                rule_flags: ruled
                    .map(|c| RuleFlag {
                        category: c,
                        confidence: 0.6,
                        protected: false,
                    })
                    .into_iter()
                    .collect(),
                minor: false,
            },
            labels,
        }
    }

    /// Suicide notices say 消える; negatives say 笑.
    fn toy() -> Vec<Example> {
        let mut v = Vec::new();
        for i in 0..40 {
            v.push(ex(i % 7, &["w:消える", "w:夜"], Some(6), None));
            v.push(ex(i % 7, &["w:笑", "w:夜"], None, None));
        }
        v
    }

    #[test]
    fn training_learns_the_signal_and_is_deterministic() {
        let v = toy();
        let all: Vec<&Example> = v.iter().collect();
        let m = fit(&all, &Params::default());
        let pos = m.probabilities(&["w:消える".to_string(), "w:夜".to_string()]);
        let neg = m.probabilities(&["w:笑".to_string(), "w:夜".to_string()]);
        assert!(pos[6] > 0.8 && neg[6] < 0.2, "{} {}", pos[6], neg[6]);
        assert_eq!(m.write(), fit(&all, &Params::default()).write());
        // A feature seen in fewer than min_count posts gets no weight.
        let mut w = v.clone();
        w.push(ex(0, &["w:一度だけ"], Some(6), None));
        let all: Vec<&Example> = w.iter().collect();
        assert!(!fit(&all, &Params::default())
            .weights
            .contains_key("w:一度だけ"));
    }

    #[test]
    fn tally_counts_vetoes_and_additions() {
        let e = ex(0, &[], None, Some(Category::SuicideNotice));
        let kept = tally(&e, &Decision::default());
        assert_eq!((kept.fp, kept.false_alarms, kept.negatives), (1, 1, 1));
        let vetoed = tally(
            &e,
            &Decision {
                vetoed: vec![Category::SuicideNotice],
                ..Decision::default()
            },
        );
        assert_eq!((vetoed.fp, vetoed.false_alarms), (0, 0));
        let p = ex(0, &[], Some(6), None);
        let added = tally(
            &p,
            &Decision {
                added: vec![Category::SuicideNotice],
                ..Decision::default()
            },
        );
        assert_eq!((added.tp, added.fn_, added.negatives), (1, 0, 0));
    }

    #[test]
    fn the_grid_starts_with_the_reader_off() {
        let g = grid();
        assert_eq!((g[0].add, g[0].veto), (None, None));
        let first_add = g.iter().find_map(|s| s.add);
        assert_eq!(
            first_add,
            Some(0.95),
            "the most conservative addition first"
        );
        assert!(g.iter().any(|s| s.add == Some(0.9) && s.veto == Some(0.1)));
    }

    #[test]
    fn a_rule_flag_is_never_held_back_even_where_a_veto_would_score_better() {
        // The rules flag every post; half are jokes the reader tells apart perfectly.
        let mut v = Vec::new();
        for i in 0..40 {
            let joke = i % 2 == 0;
            let keys: &[&str] = if joke { &["joke"] } else { &["real"] };
            let label = (!joke).then_some(6);
            v.push(ex(i % 4, keys, label, Some(Category::SuicideNotice)));
        }
        let s = chosen_settings(&v, &Params::default());
        assert_eq!(s.veto, None, "{s:?}");
    }

    #[test]
    fn cv_chooses_a_setting_that_helps_on_separable_data() {
        // The rules miss every notice; the reader can add them back.
        let s = chosen_settings(&toy(), &Params::default());
        assert!(
            s.add_new.is_some(),
            "the rules flagged none of these posts: {s:?}"
        );
    }
}
