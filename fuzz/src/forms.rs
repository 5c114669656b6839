//! The form renderer (`src/forms/`) on arbitrary records (issue 6, "Fuzzing"): every free-text
//! field of the record and its extras carries the markers `<zq`, `"zq` and `'zq` somewhere in
//! arbitrary text; whatever the analysis makes of it, the document never contains a marker
//! unescaped, so no page text can open a tag or leave an attribute in a form an officer signs.

use arbitrary::{Arbitrary, Unstructured};
use patrol::forms::{prefill, FormKind};
use serde_json::{json, Map, Value};

pub const MARKERS: [&str; 3] = ["<zq", "\"zq", "'zq"];

/// Arbitrary text with the markers inserted at an arbitrary char position.
#[derive(Arbitrary, Debug)]
struct Txt {
    text: String,
    at: u16,
}

impl Txt {
    fn value(&self) -> String {
        let n = self.text.chars().count();
        let at = usize::from(self.at) % (n + 1);
        let mut out: String = self.text.chars().take(at).collect();
        out.push_str(&MARKERS.concat());
        out.extend(self.text.chars().skip(at));
        out
    }
}

/// A post text: a known hit (so that evidence is quoted) or arbitrary, with the markers.
#[derive(Arbitrary, Debug)]
enum PostText {
    Suicide(Txt),
    Child(Txt),
    Free(Txt),
}

impl PostText {
    fn value(&self) -> String {
        match self {
            PostText::Suicide(t) => format!("今夜、熊本の大甲橋から{}飛び降ります", t.value()),
            PostText::Child(t) => {
                format!("JC2だけど{}パパ活で会える人いますか？ホ別苺で", t.value())
            }
            PostText::Free(t) => t.value(),
        }
    }
}

/// A time field: valid (so the record is accepted) or arbitrary (refused with an error).
#[derive(Arbitrary, Debug)]
enum Time {
    Valid(u8),
    Free(String),
}

impl Time {
    fn value(&self) -> String {
        match self {
            Time::Valid(m) => format!("2026-11-20T22:{:02}:00+09:00", m % 60),
            Time::Free(s) => s.clone(),
        }
    }
}

#[derive(Arbitrary, Debug)]
enum Site {
    X,
    FiveCh,
    Shitaraba,
    Bakusai,
    Free(Txt),
}

#[derive(Arbitrary, Debug)]
struct Record {
    text: PostText,
    url: Option<Txt>,
    site: Option<Site>,
    profile: Option<Txt>,
    author: Option<Txt>,
    board: Option<Txt>,
    post_no: Option<Txt>,
    posted_at: Option<Time>,
    captured_at: Option<Time>,
    extras: Option<Extras>,
}

/// One inquiry to a provider: to, asked at, answered at, answer.
type Inquiry = (Option<Txt>, Option<Time>, Option<Time>, Option<Txt>);

#[derive(Arbitrary, Debug)]
struct Extras {
    provider: Option<([Option<Txt>; 4], Option<bool>)>,
    officer: Option<[Option<Txt>; 4]>,
    unit: Option<[Option<Txt>; 5]>,
    doc_number: Option<Txt>,
    today: Option<u8>,
    origin: Option<Txt>,
    reception: Option<(Option<Time>, [Option<Txt>; 3])>,
    inquiries: Vec<Inquiry>,
    outcome: Option<([Option<Txt>; 4], Option<Time>)>,
    takedown: Option<(Option<Time>, Option<Txt>)>,
    faxed_at: Option<Time>,
}

fn put(obj: &mut Map<String, Value>, name: &str, v: Option<String>) {
    if let Some(v) = v {
        obj.insert(name.to_string(), Value::String(v));
    }
}

fn fields(names: &[&str], values: &[Option<Txt>]) -> Map<String, Value> {
    let mut obj = Map::new();
    for (n, v) in names.iter().zip(values) {
        put(&mut obj, n, v.as_ref().map(Txt::value));
    }
    obj
}

impl Extras {
    fn value(&self) -> Value {
        let mut x = Map::new();
        if let Some((p, loc)) = &self.provider {
            let mut o = fields(&["name", "department", "phone", "fax"], p);
            let loc = loc.map(|d| if d { "domestic" } else { "foreign" }.to_string());
            put(&mut o, "location", loc);
            x.insert("provider".into(), Value::Object(o));
        }
        if let Some(o) = &self.officer {
            let o = fields(&["name", "title", "phone", "extension"], o);
            x.insert("officer".into(), Value::Object(o));
        }
        if let Some(u) = &self.unit {
            let u = fields(&["station", "section", "head", "phone", "fax"], u);
            x.insert("unit".into(), Value::Object(u));
        }
        put(
            &mut x,
            "doc_number",
            self.doc_number.as_ref().map(Txt::value),
        );
        put(
            &mut x,
            "today",
            self.today.map(|d| format!("2026-11-{:02}", d % 30 + 1)),
        );
        put(&mut x, "origin", self.origin.as_ref().map(Txt::value));
        if let Some((at, r)) = &self.reception {
            let mut o = fields(&["mode", "detail", "reporter"], r);
            put(&mut o, "received_at", at.as_ref().map(Time::value));
            x.insert("reception".into(), Value::Object(o));
        }
        let qs: Vec<Value> = self
            .inquiries
            .iter()
            .take(4)
            .map(|(to, asked, answered, answer)| {
                let mut o = Map::new();
                put(&mut o, "to", to.as_ref().map(Txt::value));
                put(&mut o, "asked_at", asked.as_ref().map(Time::value));
                put(&mut o, "answered_at", answered.as_ref().map(Time::value));
                put(&mut o, "answer", answer.as_ref().map(Txt::value));
                Value::Object(o)
            })
            .collect();
        x.insert("inquiries".into(), Value::Array(qs));
        if let Some((o, ended)) = &self.outcome {
            let mut o = fields(&["poster", "status", "detail", "notes"], o);
            put(&mut o, "ended_at", ended.as_ref().map(Time::value));
            x.insert("outcome".into(), Value::Object(o));
        }
        if let Some((at, method)) = &self.takedown {
            let mut o = Map::new();
            put(&mut o, "requested_at", at.as_ref().map(Time::value));
            put(&mut o, "method", method.as_ref().map(Txt::value));
            x.insert("takedown".into(), Value::Object(o));
        }
        put(&mut x, "faxed_at", self.faxed_at.as_ref().map(Time::value));
        Value::Object(x)
    }
}

impl Record {
    fn value(&self) -> Value {
        let mut o = Map::new();
        o.insert("text".into(), json!(self.text.value()));
        put(
            &mut o,
            "url",
            self.url
                .as_ref()
                .map(|t| format!("https://x.com/{}", t.value())),
        );
        let site = self.site.as_ref().map(|s| match s {
            Site::X => "x".to_string(),
            Site::FiveCh => "5ch".to_string(),
            Site::Shitaraba => "shitaraba".to_string(),
            Site::Bakusai => "bakusai".to_string(),
            Site::Free(t) => t.value(),
        });
        put(&mut o, "site", site);
        put(&mut o, "profile", self.profile.as_ref().map(Txt::value));
        put(&mut o, "author", self.author.as_ref().map(Txt::value));
        put(&mut o, "board", self.board.as_ref().map(Txt::value));
        put(&mut o, "post_no", self.post_no.as_ref().map(Txt::value));
        put(
            &mut o,
            "posted_at",
            self.posted_at.as_ref().map(Time::value),
        );
        put(
            &mut o,
            "captured_at",
            self.captured_at.as_ref().map(Time::value),
        );
        if let Some(x) = &self.extras {
            o.insert("extras".into(), x.value());
        }
        Value::Object(o)
    }
}

/// Fields whose value is parsed (a date or time, a fixed word) rather than printed as given: the
/// markers would only make the record refused.
fn parsed_field(name: &str) -> bool {
    name.ends_with("_at") || name == "today" || name == "location"
}

/// Inserts the markers into every free-text string of a contract input object, at a position
/// chosen by `seed` (after `https://` in an address, which must keep its scheme).
fn inject(v: &mut Value, name: &str, seed: &mut usize) {
    match v {
        Value::String(s) if !parsed_field(name) => {
            let keep = if s.starts_with("https://") { 8 } else { 0 };
            let n = s.chars().count();
            *seed = seed.wrapping_mul(31).wrapping_add(7);
            let at = keep + *seed % (n - keep.min(n) + 1);
            let mut out: String = s.chars().take(at).collect();
            out.push_str(&MARKERS.concat());
            out.extend(s.chars().skip(at));
            *s = out;
        }
        Value::Array(items) => items.iter_mut().for_each(|x| inject(x, name, seed)),
        Value::Object(map) => map.iter_mut().for_each(|(k, x)| inject(x, k, seed)),
        _ => {}
    }
}

/// What became of one input.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Too short, or neither JSON nor enough bytes for a record.
    Skipped,
    /// The record was refused with a clear error (e.g. a malformed time).
    Refused(String),
    /// A document was rendered, and no marker appears in it unescaped.
    Rendered,
}

/// Runs one fuzz input: panics if a marker appears unescaped in the document.
pub fn run(data: &[u8]) -> Outcome {
    let Some((&form, rest)) = data.split_first() else {
        return Outcome::Skipped;
    };
    // A contract input object (the seeds are `tests/forms/*/input.json`), or a record built
    // from the bytes.
    let value = match serde_json::from_slice::<Value>(rest) {
        Ok(mut v @ Value::Object(_)) => {
            let mut seed = usize::from(form);
            inject(&mut v, "", &mut seed);
            v
        }
        _ => match Record::arbitrary_take_rest(Unstructured::new(data)) {
            Ok(r) => r.value(),
            Err(_) => return Outcome::Skipped,
        },
    };
    let kind = FormKind::ALL[usize::from(form) % FormKind::ALL.len()];
    check(kind, &value.to_string())
}

fn check(kind: FormKind, input: &str) -> Outcome {
    let doc = match prefill(crate::analyzer(), kind.id(), input, None) {
        Ok(doc) => doc,
        Err(e) => return Outcome::Refused(e.to_string()),
    };
    assert!(doc.starts_with("<!DOCTYPE html>"), "not a document");
    for m in MARKERS {
        if let Some(at) = doc.find(m) {
            let from = doc[..at].char_indices().rev().nth(80).map_or(0, |(i, _)| i);
            let to = (at + 80..=doc.len())
                .find(|&i| doc.is_char_boundary(i))
                .unwrap_or(doc.len());
            panic!("{m:?} unescaped in {}: …{}…", kind.id(), &doc[from..to]);
        }
    }
    Outcome::Rendered
}
