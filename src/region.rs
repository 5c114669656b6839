//! Region: does the post concern a place inside the jurisdiction? (001 §4: posts whose region is
//! inside the prefecture or unknown are targets; those outside are still flagged but marked so
//! that they can be passed on.)

use std::collections::{HashMap, HashSet};
use std::fmt;

use aho_corasick::{AhoCorasick, MatchKind};
use serde::Serialize;
use unicode_normalization::UnicodeNormalization;

use crate::matcher::{Scan, Source};

pub const GAZETTEER: &str = include_str!("../data/gazetteer.tsv");
pub const DEFAULT_JURISDICTION: &str = "熊本県";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Region {
    In,
    Out,
    Unknown,
}

impl Region {
    pub fn id(self) -> &'static str {
        match self {
            Region::In => "in",
            Region::Out => "out",
            Region::Unknown => "unknown",
        }
    }

    pub fn from_id(s: &str) -> Option<Region> {
        match s {
            "in" => Some(Region::In),
            "out" => Some(Region::Out),
            "unknown" => Some(Region::Unknown),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
struct Entry {
    prefecture: String,
    kind: String,
    common_word: bool,
}

/// A place named in the post or the profile.
#[derive(Debug, Clone, Serialize)]
pub struct Place {
    pub name: String,
    pub prefectures: Vec<String>,
    pub kind: String,
    pub inside: bool,
    pub source: Source,
    /// Char offsets into the original text (or profile).
    pub start: usize,
    pub end: usize,
}

#[derive(Debug)]
pub struct GazetteerError(pub String);

impl fmt::Display for GazetteerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl std::error::Error for GazetteerError {}

pub struct Gazetteer {
    ac: AhoCorasick,
    names: Vec<String>,
    entries: Vec<Vec<Entry>>,
    prefectures: Vec<String>,
}

impl fmt::Debug for Gazetteer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Gazetteer({} names)", self.names.len())
    }
}

impl Gazetteer {
    pub fn embedded() -> Result<Gazetteer, GazetteerError> {
        Gazetteer::parse(GAZETTEER)
    }

    pub fn parse(tsv: &str) -> Result<Gazetteer, GazetteerError> {
        let mut by_name: HashMap<String, Vec<Entry>> = HashMap::new();
        let mut prefectures = Vec::new();
        for (no, line) in tsv.lines().enumerate() {
            let line = line.trim_end_matches('\r');
            if line.is_empty() || line.starts_with('#') || line.starts_with("name\t") {
                continue;
            }
            let f: Vec<&str> = line.split('\t').collect();
            if f.len() < 4 {
                return Err(GazetteerError(format!(
                    "gazetteer line {}: expected 4 tab-separated fields",
                    no + 1
                )));
            }
            let name: String = f[0].trim().nfkc().collect::<String>().to_lowercase();
            if name.is_empty() {
                continue;
            }
            if f[2] == "prefecture" && !prefectures.iter().any(|p| p == f[1]) {
                prefectures.push(f[1].to_string());
            }
            by_name.entry(name).or_default().push(Entry {
                prefecture: f[1].to_string(),
                kind: f[2].to_string(),
                common_word: f[3].trim() == "1",
            });
        }
        let mut names: Vec<String> = by_name.keys().cloned().collect();
        names.sort();
        let entries = names
            .iter()
            .map(|n| by_name.remove(n).unwrap_or_default())
            .collect();
        let ac = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .build(&names)
            .map_err(|e| GazetteerError(format!("gazetteer: {e}")))?;
        Ok(Gazetteer {
            ac,
            names,
            entries,
            prefectures,
        })
    }

    pub fn is_prefecture(&self, name: &str) -> bool {
        self.prefectures.iter().any(|p| p == name)
    }

    pub fn prefectures(&self) -> &[String] {
        &self.prefectures
    }

    /// Places named in a scanned text, aligned to morpheme boundaries (大津 is not in 大津波).
    pub fn places(&self, scan: &Scan, jurisdiction: &str) -> Vec<Place> {
        let text = scan.norm.text();
        // All names aligned to morpheme boundaries (熊本市内 still names 熊本), longest kept.
        let mut found: Vec<(usize, usize, usize)> = Vec::new();
        // Token edges looked up, not searched for each name found (issue 6: a 100 KB post of
        // place names took seconds). The first token starting at a char, as `find` gave.
        let ends: HashSet<usize> = scan.toks.iter().map(|t| t.end).collect();
        let mut starting: HashMap<usize, &str> = HashMap::new();
        for t in &scan.toks {
            starting.entry(t.start).or_insert(t.surface.as_str());
        }
        for m in self.ac.find_overlapping_iter(text) {
            let cs = scan.norm.char_at_byte(m.start());
            let ce = scan.norm.char_at_byte(m.end());
            let starts_token = starting.contains_key(&cs);
            let ends_token = ends.contains(&ce);
            // 今博多駅に / 大阪環状線: the tokenizer may glue a name to a neighbour; one
            // aligned edge is enough for names of two characters or more.
            let long_enough = ce - cs >= 2;
            let aligned =
                (starts_token && ends_token) || (long_enough && (starts_token || ends_token));
            // 熊本さん is a person.
            let honorific = starting.get(&ce).is_some_and(|surface| {
                matches!(
                    *surface,
                    "さん" | "くん" | "ちゃん" | "君" | "様" | "先生" | "氏"
                )
            });
            if aligned && !honorific {
                found.push((cs, ce, m.pattern().as_usize()));
            }
        }
        found.sort_by_key(|&(s, e, _)| (s, std::cmp::Reverse(e)));
        // Sorted by start, so a name lies inside a kept one iff it ends by the furthest kept end.
        let mut kept: Vec<(usize, usize, usize)> = Vec::new();
        let mut kept_end: Option<usize> = None;
        for f in found {
            if kept_end.is_none_or(|e| f.1 > e) {
                kept_end = Some(kept_end.map_or(f.1, |e| e.max(f.1)));
                kept.push(f);
            }
        }
        let mut out = Vec::new();
        for (cs, ce, idx) in kept {
            let entries = &self.entries[idx];
            if entries.iter().all(|e| e.common_word) {
                continue;
            }
            let mut prefectures: Vec<String> =
                entries.iter().map(|e| e.prefecture.clone()).collect();
            prefectures.dedup();
            let inside = prefectures.iter().any(|p| p == jurisdiction);
            let (start, end) = scan.norm.source_span(cs, ce);
            out.push(Place {
                name: self.names[idx].clone(),
                kind: entries[0].kind.clone(),
                prefectures,
                inside,
                source: scan.source,
                start,
                end,
            });
        }
        out
    }
}

/// In wins over out: a post naming any place in the jurisdiction concerns it.
pub fn judge(places: &[Place]) -> Region {
    if places.iter().any(|p| p.inside) {
        Region::In
    } else if places.is_empty() {
        Region::Unknown
    } else {
        Region::Out
    }
}
