//! The `patrol` command line (contract: `patrol analyze [--jurisdiction 熊本県]`).

use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use patrol::analyze::{current_year, Analyzer, Config, Post};
use patrol::baseline::Baseline;
use patrol::region::Gazetteer;
use patrol::{cli, eval, explain};

const USAGE: &str = "\
patrol — flags posts the police must act on (child sexual harm, suicide)

USAGE:
  patrol analyze [--jurisdiction 熊本県] [--explain] [--reader] [--as-of-year YYYY] [--text TEXT [--profile TEXT]]
      JSON Lines on standard input ({\"id\", \"text\", \"profile\"?, \"site\"?}), one JSON line out per line.
      --explain prints a human-readable account instead; --text analyses one post given on the command line.
  patrol eval [--corpus tests/corpus] [--reader | --rules-only] [--mistakes dev|dev2|…|dev27|heldout]
      Precision/recall/F1 per category and the keyword baseline's, on the labelled corpus.
  patrol tokens TEXT
      The morphemes of TEXT as the analyzer sees them (after normalisation).
  patrol verify FILE [--open] [--anchor SEQ:HASH]
      Checks an exported evidence log (case .zip, its folder, or log.jsonl): exit 0 intact, 1 tampered, 2 unreadable.
  patrol scan FILE.html [--url URL] [--profiles DIR] [--jurisdiction 熊本県]
      Extracts the posts of a saved X / 5ch / したらば / 爆サイ / board page with the site profiles and prints
      one JSON line per post: the extracted post plus its analysis. Exit 3: site not recognised.
  patrol prefill FORM [--jurisdiction 熊本県]
      One JSON object on standard input ({\"url\", \"site\", \"text\", \"profile\", \"author\", \"posted_at\",
      \"captured_at\", \"board\"?, \"post_no\"?, \"extras\"?}); one standalone HTML document (A4) out.
      FORM: url_report takedown_request provider_inquiry action_record warning_reply
            discovery_report ihc_report emergency_disclosure
  patrol reader train [--corpus tests/corpus] [--out rules/reader.tsv]
      Trains the second reader on the tuning parts (dev…dev27; never heldout), thresholds by CV.
      --reader (analyze, eval) applies the reader even when rules/reader.toml switches it off;
      --rules-only (eval) leaves it out, to show what the rules alone do.
  patrol reader cv [--corpus tests/corpus] [--nested] [--changes] [--lambda L] [--iterations N]
      Leave-one-part-out CV: micro-F1 / false alarms for rules alone, + add, + veto, + both.
  patrol version
";

struct Args {
    rest: Vec<String>,
}

impl Args {
    fn flag(&mut self, name: &str) -> bool {
        let before = self.rest.len();
        self.rest.retain(|a| a != name);
        before != self.rest.len()
    }

    fn value(&mut self, name: &str) -> Result<Option<String>, String> {
        match self.rest.iter().position(|a| a == name) {
            Some(i) if i + 1 < self.rest.len() => {
                let v = self.rest.remove(i + 1);
                self.rest.remove(i);
                Ok(Some(v))
            }
            Some(_) => Err(format!("{name} needs a value")),
            None => Ok(None),
        }
    }

    fn finish(&self) -> Result<(), String> {
        match self.rest.first() {
            Some(a) => Err(format!("unexpected argument {a:?}")),
            None => Ok(()),
        }
    }
}

fn analyzer(args: &mut Args) -> Result<Analyzer, String> {
    let mut config = Config::default();
    if let Some(j) = args.value("--jurisdiction")? {
        config.jurisdiction = j;
    }
    if let Some(y) = args.value("--as-of-year")? {
        config.as_of_year = y
            .parse()
            .map_err(|_| format!("--as-of-year: not a year: {y}"))?;
    }
    let dictionary = patrol::dictionary::embedded().map_err(|e| format!("dictionary: {e}"))?;
    Analyzer::new(dictionary, config).map_err(|e| e.to_string())
}

fn run() -> Result<ExitCode, String> {
    let mut all: Vec<String> = std::env::args().skip(1).collect();
    if all.is_empty() || all.iter().any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return Ok(if all.is_empty() {
            ExitCode::from(2)
        } else {
            ExitCode::SUCCESS
        });
    }
    let command = all.remove(0);
    let mut args = Args { rest: all };
    match command.as_str() {
        "analyze" => {
            let explain_mode = args.flag("--explain");
            let force_reader = args.flag("--reader");
            let text = args.value("--text")?;
            let profile = args.value("--profile")?.unwrap_or_default();
            let mut analyzer = analyzer(&mut args)?;
            args.finish()?;
            if force_reader {
                analyzer.reader_mut().mode = patrol::reader::Mode::Apply;
            }
            let stdout = io::stdout();
            let mut out = BufWriter::new(stdout.lock());
            if let Some(text) = text {
                let post = Post {
                    text: &text,
                    profile: &profile,
                    site: None,
                };
                let id = serde_json::Value::String("cli".into());
                let rendered = match analyzer.analyze(&post) {
                    Ok(a) if explain_mode => explain::render(&id, &text, &profile, &a),
                    Ok(a) => format!("{}\n", cli::analysis_json(id, &a)),
                    Err(e) => format!(
                        "{}\n",
                        serde_json::json!({"id": id, "error": e.to_string()})
                    ),
                };
                out.write_all(rendered.as_bytes())
                    .map_err(|e| format!("stdout: {e}"))?;
            } else {
                let stdin = io::stdin();
                cli::run_analyze(&analyzer, stdin.lock(), &mut out, explain_mode)
                    .map_err(|e| format!("I/O error: {e}"))?;
            }
            out.flush().map_err(|e| format!("stdout: {e}"))?;
            Ok(ExitCode::SUCCESS)
        }
        "reader" => {
            let sub = if args.rest.is_empty() {
                String::new()
            } else {
                args.rest.remove(0)
            };
            let corpus = PathBuf::from(
                args.value("--corpus")?
                    .unwrap_or_else(|| "tests/corpus".into()),
            );
            let out = args.value("--out")?.map(PathBuf::from);
            let nested = args.flag("--nested");
            let changes = args.flag("--changes");
            let mut params = patrol::reader::train::Params::default();
            if let Some(l) = args.value("--lambda")? {
                params.lambda = l
                    .parse()
                    .map_err(|_| format!("--lambda: not a number: {l}"))?;
            }
            if let Some(n) = args.value("--iterations")? {
                params.iterations = n
                    .parse()
                    .map_err(|_| format!("--iterations: not a number: {n}"))?;
            }
            if !args.rest.iter().any(|a| a == "--as-of-year") {
                let year = patrol::reader::train::CORPUS_YEAR.to_string();
                args.rest.extend(["--as-of-year".to_string(), year]);
            }
            let mut analyzer = analyzer(&mut args)?;
            args.finish()?;
            analyzer.reader_mut().mode = patrol::reader::Mode::Observe;
            let report = patrol::reader::train::command(
                &analyzer,
                &sub,
                &corpus,
                out.as_deref(),
                nested,
                changes,
                &params,
            )?;
            print!("{report}");
            Ok(ExitCode::SUCCESS)
        }
        "eval" => {
            let corpus = PathBuf::from(
                args.value("--corpus")?
                    .unwrap_or_else(|| "tests/corpus".into()),
            );
            let show = args.value("--mistakes")?;
            let force_reader = args.flag("--reader");
            let rules_only = args.flag("--rules-only");
            let mut analyzer = analyzer(&mut args)?;
            args.finish()?;
            if force_reader && rules_only {
                return Err("--reader and --rules-only contradict each other".into());
            }
            if force_reader {
                analyzer.reader_mut().mode = patrol::reader::Mode::Apply;
            }
            if rules_only {
                analyzer.reader_mut().mode = patrol::reader::Mode::Off;
            }
            let gazetteer = Gazetteer::embedded().map_err(|e| e.to_string())?;
            let baseline = Baseline::new(&gazetteer, &analyzer.config().jurisdiction)?;
            println!("rule set {}", analyzer.rules().version);
            for part in eval::PARTS {
                let items = eval::load_corpus(&corpus.join(part))?;
                let ours = eval::predict(&analyzer, &items);
                let base = eval::predict_baseline(&baseline, &items);
                let pair = |p: &[eval::Prediction]| {
                    eval::score(&items.iter().zip(p.iter().cloned()).collect::<Vec<_>>())
                };
                let label = eval::part_title(part);
                println!("{}", eval::report(&label, &pair(&ours), &pair(&base)));
                if show.as_deref() == Some(part) {
                    println!("{}", eval::mistakes(&items, &ours));
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        "tokens" => {
            let text = args.rest.join(" ");
            let analyzer = analyzer(&mut Args { rest: Vec::new() })?;
            let norm = patrol::normalize::normalize(&text, &analyzer.rules().symbols);
            // Written, not println!: a reader that stops early (`| head`) closes the pipe, and
            // println! panics on that; the error goes to the usual error line instead.
            let stdout = io::stdout();
            let mut out = BufWriter::new(stdout.lock());
            let write_err = |e: io::Error| format!("stdout: {e}");
            writeln!(out, "normalised: {}", norm.text()).map_err(write_err)?;
            for t in analyzer.morphology().analyze(&norm) {
                writeln!(
                    out,
                    "{}\t{},{},{}\t{}\t{}\t{}",
                    t.surface,
                    t.pos,
                    t.pos1,
                    t.pos2,
                    t.conj_form,
                    t.base(),
                    t.reading()
                )
                .map_err(write_err)?;
            }
            out.flush().map_err(|e| format!("stdout: {e}"))?;
            Ok(ExitCode::SUCCESS)
        }
        "verify" => {
            let code = patrol_evidence::cli::run(&args.rest, &mut io::stdout(), &mut io::stderr());
            Ok(ExitCode::from(code))
        }
        "scan" => scan(&mut args),
        "prefill" => prefill(&mut args),
        "version" => {
            println!(
                "patrol {} (as-of year {})",
                env!("CARGO_PKG_VERSION"),
                current_year()
            );
            Ok(ExitCode::SUCCESS)
        }
        other => Err(format!("unknown command {other:?}\n\n{USAGE}")),
    }
}

/// `patrol scan FILE.html`: extraction by the site profiles (crate patrol-sites), then the
/// analysis of each post with its author's profile text when the page shows it.
fn scan(args: &mut Args) -> Result<ExitCode, String> {
    if args.rest.is_empty() || args.rest[0].starts_with("--") {
        return Err(format!("scan needs a FILE.html\n\n{USAGE}"));
    }
    let file = PathBuf::from(args.rest.remove(0));
    let url = args.value("--url")?;
    let profiles = args.value("--profiles")?.map(PathBuf::from);
    let analyzer = analyzer(args)?;
    args.finish()?;
    let scanned = match patrol_sites::scan::scan_file(&file, url.as_deref(), profiles.as_deref()) {
        Ok(s) => s,
        Err(e @ patrol_sites::scan::ScanError::NotRecognised { .. }) => {
            eprintln!("patrol: {e}");
            return Ok(ExitCode::from(3));
        }
        Err(e) => return Err(e.to_string()),
    };
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    for post in &scanned.posts {
        let mut line = serde_json::to_value(post).map_err(|e| e.to_string())?;
        let analysed = analyzer.analyze(&Post {
            text: &post.text,
            profile: &post.profile,
            site: Some(&post.site),
        });
        if let serde_json::Value::Object(m) = &mut line {
            match analysed {
                Ok(a) => {
                    if let serde_json::Value::Object(rest) =
                        cli::analysis_json(serde_json::Value::Null, &a)
                    {
                        m.extend(rest.into_iter().filter(|(k, _)| k != "id"));
                    }
                }
                Err(e) => {
                    m.insert("error".into(), serde_json::Value::String(e.to_string()));
                }
            }
        }
        writeln!(out, "{line}").map_err(|e| format!("stdout: {e}"))?;
    }
    out.flush().map_err(|e| format!("stdout: {e}"))?;
    Ok(ExitCode::SUCCESS)
}

/// `patrol prefill FORM`: the form is checked before standard input is read, so an unknown form
/// fails at once; nothing is written to standard output unless the whole document is ready.
fn prefill(args: &mut Args) -> Result<ExitCode, String> {
    use std::io::Read;
    if args.rest.is_empty() || args.rest[0].starts_with("--") {
        return Err(format!("prefill needs a FORM\n\n{USAGE}"));
    }
    let form = args.rest.remove(0);
    let kind = patrol::forms::FormKind::from_id(&form).map_err(|e| e.to_string())?;
    let jurisdiction = args.value("--jurisdiction")?;
    args.finish()?;
    let mut input = String::new();
    io::stdin()
        .read_to_string(&mut input)
        .map_err(|e| format!("standard input: {e}"))?;
    let (record, extras) = patrol::forms::parse_request(&input).map_err(|e| e.to_string())?;
    let mut config = Config::default();
    if let Some(j) = jurisdiction {
        config.jurisdiction = j;
    }
    // Birth years are judged against the record's date, never the clock, so documents are stable.
    if let Some(year) = patrol::forms::as_of_year(&record, &extras) {
        config.as_of_year = year;
    }
    let dictionary = patrol::dictionary::embedded().map_err(|e| format!("dictionary: {e}"))?;
    let analyzer = Analyzer::new(dictionary, config).map_err(|e| e.to_string())?;
    let html = patrol::forms::prefill_record(&analyzer, kind, &record, &extras)
        .map_err(|e| e.to_string())?;
    let stdout = io::stdout();
    let mut out = stdout.lock();
    out.write_all(html.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| format!("stdout: {e}"))?;
    Ok(ExitCode::SUCCESS)
}

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("patrol: {e}");
            ExitCode::from(2)
        }
    }
}
