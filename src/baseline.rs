//! The naive keyword-substring matcher: the peer the evaluation and the benchmark compare
//! against (what an NG-word list does, with no normalisation, grammar or context).

use serde::Deserialize;
use std::collections::BTreeMap;

use crate::category::Category;
use crate::region::{Gazetteer, Region};

pub const BASELINE_FILE: &str = include_str!("../rules/baseline.toml");

#[derive(Debug, Deserialize)]
struct File {
    categories: BTreeMap<String, Vec<String>>,
    minor: Words,
    inquiry: Inquiry,
}

#[derive(Debug, Deserialize)]
struct Words {
    words: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct Inquiry {
    timing: Vec<String>,
    specific: Vec<String>,
}

#[derive(Debug)]
pub struct Baseline {
    categories: Vec<(Category, Vec<String>)>,
    minor: Vec<String>,
    timing: Vec<String>,
    specific: Vec<String>,
    inside: Vec<String>,
    outside: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BaselineResult {
    pub categories: Vec<Category>,
    pub minor: bool,
    pub region: Region,
    pub inquiry: bool,
}

impl Baseline {
    /// `gazetteer` gives the prefecture names the baseline looks for (its region judgement is
    /// a substring test of prefecture names).
    pub fn new(gazetteer: &Gazetteer, jurisdiction: &str) -> Result<Baseline, String> {
        let f: File = toml::from_str(BASELINE_FILE).map_err(|e| format!("baseline.toml: {e}"))?;
        let mut categories = Vec::new();
        for (id, words) in f.categories {
            let c = Category::from_id(&id)
                .ok_or_else(|| format!("baseline.toml: unknown category {id}"))?;
            categories.push((c, words));
        }
        categories.sort_by_key(|(c, _)| *c);
        let short = |p: &str| p.trim_end_matches(['県', '府', '都']).to_string();
        let inside = vec![jurisdiction.to_string(), short(jurisdiction)];
        let outside = gazetteer
            .prefectures()
            .iter()
            .filter(|p| p.as_str() != jurisdiction)
            .map(|p| {
                if p == "北海道" {
                    p.clone()
                } else {
                    short(p)
                }
            })
            .collect();
        Ok(Baseline {
            categories,
            minor: f.minor.words,
            timing: f.inquiry.timing,
            specific: f.inquiry.specific,
            inside,
            outside,
        })
    }

    pub fn classify(&self, text: &str, profile: &str) -> BaselineResult {
        let has = |words: &[String], s: &str| words.iter().any(|w| s.contains(w.as_str()));
        let categories: Vec<Category> = self
            .categories
            .iter()
            .filter(|(_, w)| has(w, text))
            .map(|(c, _)| *c)
            .collect();
        let minor = has(&self.minor, text) || has(&self.minor, profile);
        let region = if has(&self.inside, text) || has(&self.inside, profile) {
            Region::In
        } else if has(&self.outside, text) || has(&self.outside, profile) {
            Region::Out
        } else {
            Region::Unknown
        };
        let suicide = categories
            .iter()
            .any(|c| matches!(c, Category::SuicideNotice | Category::GroupSuicide));
        let inquiry = suicide && has(&self.timing, text) && has(&self.specific, text);
        BaselineResult {
            categories,
            minor,
            region,
            inquiry,
        }
    }
}
