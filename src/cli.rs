//! `patrol analyze`: JSON Lines in, one JSON line out per input line, in order (contract).
//!
//! Every malformed line yields `{"id": <id or null>, "error": "<reason>"}` and the run goes on;
//! only a failure to read standard input or to write standard output stops it.

use std::io::{self, BufRead, Write};

use serde_json::{json, Map, Value};

use crate::analyze::{Analysis, Analyzer, Post};
use crate::explain;

/// Lines longer than this are refused without being held in memory: a post is at most
/// `MAX_TEXT_CHARS` characters (≤ 400 KB in UTF-8) plus its profile.
pub const MAX_LINE_BYTES: usize = 4 * 1024 * 1024;

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct RunStats {
    pub lines: usize,
    pub analysed: usize,
    pub errors: usize,
    pub flagged: usize,
}

/// Reads one line (without its terminator) into `buf`, keeping at most `limit` bytes.
/// Returns `None` at end of input, `Some(true)` when the line was longer than `limit`.
pub fn read_bounded_line<R: BufRead>(
    r: &mut R,
    buf: &mut Vec<u8>,
    limit: usize,
) -> io::Result<Option<bool>> {
    buf.clear();
    let mut overflow = false;
    let mut any = false;
    loop {
        let available = match r.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            break;
        }
        any = true;
        let (chunk, done) = match available.iter().position(|&b| b == b'\n') {
            Some(i) => (&available[..i], Some(i + 1)),
            None => (available, None),
        };
        if !overflow {
            if buf.len() + chunk.len() > limit {
                overflow = true;
                buf.clear();
            } else {
                buf.extend_from_slice(chunk);
            }
        }
        let used = done.unwrap_or(available.len());
        r.consume(used);
        if done.is_some() {
            break;
        }
    }
    if !any {
        return Ok(None);
    }
    if buf.last() == Some(&b'\r') {
        buf.pop();
    }
    Ok(Some(overflow))
}

/// The result of one input line: an analysis, or an error with whatever id could be read.
pub enum LineOutcome {
    Analysed {
        id: Value,
        analysis: Box<Analysis>,
        text: String,
        profile: String,
    },
    Error {
        id: Value,
        error: String,
    },
}

impl LineOutcome {
    pub fn to_json(&self) -> Value {
        match self {
            LineOutcome::Analysed { id, analysis, .. } => analysis_json(id.clone(), analysis),
            LineOutcome::Error { id, error } => json!({"id": id, "error": error}),
        }
    }
}

/// The contract's fields first, then the details.
pub fn analysis_json(id: Value, a: &Analysis) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), id);
    if let Ok(Value::Object(rest)) = serde_json::to_value(a) {
        for (k, v) in rest {
            m.insert(k, v);
        }
    }
    Value::Object(m)
}

/// Interprets one input line.
pub fn process_line(
    analyzer: &Analyzer,
    line_no: usize,
    bytes: &[u8],
    overflow: bool,
) -> LineOutcome {
    if overflow {
        return LineOutcome::Error {
            id: Value::Null,
            error: format!("line {line_no}: longer than {MAX_LINE_BYTES} bytes; not analysed"),
        };
    }
    let (text, utf8_error) = match std::str::from_utf8(bytes) {
        Ok(s) => (std::borrow::Cow::Borrowed(s), None),
        Err(e) => (String::from_utf8_lossy(bytes), Some(e)),
    };
    let parsed: Result<Value, _> = serde_json::from_str(&text);
    let id = match &parsed {
        Ok(Value::Object(o)) => match o.get("id") {
            Some(v @ (Value::String(_) | Value::Number(_))) => v.clone(),
            _ => Value::Null,
        },
        _ => Value::Null,
    };
    let err = |error: String| LineOutcome::Error {
        id: id.clone(),
        error,
    };
    if let Some(e) = utf8_error {
        return err(format!(
            "line {line_no}: not valid UTF-8 (at byte {})",
            e.valid_up_to()
        ));
    }
    if text.trim().is_empty() {
        return err(format!("line {line_no}: empty line"));
    }
    let obj = match parsed {
        Ok(Value::Object(o)) => o,
        Ok(_) => return err(format!("line {line_no}: expected a JSON object")),
        Err(e) => return err(format!("line {line_no}: invalid JSON: {e}")),
    };
    match obj.get("id") {
        Some(Value::String(_) | Value::Number(_)) => {}
        Some(_) => {
            return err(format!(
                "line {line_no}: \"id\" must be a string or a number"
            ))
        }
        None => return err(format!("line {line_no}: missing required field \"id\"")),
    }
    let text = match obj.get("text") {
        Some(Value::String(s)) => s.clone(),
        Some(_) => return err(format!("line {line_no}: \"text\" must be a string")),
        None => return err(format!("line {line_no}: missing required field \"text\"")),
    };
    let profile = match obj.get("profile") {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(_) => return err(format!("line {line_no}: \"profile\" must be a string")),
    };
    let site = match obj.get("site") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return err(format!("line {line_no}: \"site\" must be a string")),
    };
    let post = Post {
        text: &text,
        profile: &profile,
        site: site.as_deref(),
    };
    match analyzer.analyze(&post) {
        Ok(analysis) => LineOutcome::Analysed {
            id,
            analysis: Box::new(analysis),
            text,
            profile,
        },
        Err(e) => err(format!("line {line_no}: {e}")),
    }
}

/// Runs `patrol analyze` over a reader. With `explain`, writes the human-readable account
/// instead of JSON lines.
pub fn run_analyze<R: BufRead, W: Write>(
    analyzer: &Analyzer,
    mut input: R,
    mut out: W,
    explain_mode: bool,
) -> io::Result<RunStats> {
    let mut stats = RunStats::default();
    let mut buf = Vec::new();
    while let Some(overflow) = read_bounded_line(&mut input, &mut buf, MAX_LINE_BYTES)? {
        stats.lines += 1;
        let outcome = process_line(analyzer, stats.lines, &buf, overflow);
        match &outcome {
            LineOutcome::Analysed { analysis, .. } => {
                stats.analysed += 1;
                if !analysis.categories.is_empty() {
                    stats.flagged += 1;
                }
            }
            LineOutcome::Error { .. } => stats.errors += 1,
        }
        if explain_mode {
            match &outcome {
                LineOutcome::Analysed {
                    id,
                    analysis,
                    text,
                    profile,
                } => out.write_all(explain::render(id, text, profile, analysis).as_bytes())?,
                LineOutcome::Error { id, error } => {
                    writeln!(out, "── 投稿 {} ── エラー: {error}\n", explain::id_text(id))?
                }
            }
        } else {
            serde_json::to_writer(&mut out, &outcome.to_json()).map_err(io::Error::other)?;
            out.write_all(b"\n")?;
        }
        out.flush()?;
    }
    Ok(stats)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_reader_splits_lines_and_refuses_long_ones() {
        let data = b"short\r\nthis line is too long\nlast";
        let mut r = io::BufReader::with_capacity(4, &data[..]);
        let mut buf = Vec::new();
        assert_eq!(
            read_bounded_line(&mut r, &mut buf, 10).ok(),
            Some(Some(false))
        );
        assert_eq!(buf, b"short");
        assert_eq!(
            read_bounded_line(&mut r, &mut buf, 10).ok(),
            Some(Some(true))
        );
        assert!(buf.is_empty());
        assert_eq!(
            read_bounded_line(&mut r, &mut buf, 10).ok(),
            Some(Some(false))
        );
        assert_eq!(buf, b"last");
        assert_eq!(read_bounded_line(&mut r, &mut buf, 10).ok(), Some(None));
    }
}
