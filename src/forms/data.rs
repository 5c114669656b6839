//! Wording that is data (`data/forms/*.toml`), embedded at build time so the native command and
//! the wasm build carry the same texts: consultation services (003 §8), warning replies per
//! category (001 §5(3)), the Internet Hotline Center's categories (000 §3(1), 004), site names.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;

use crate::category::Category;

#[derive(Debug, Clone, Deserialize)]
pub struct Service {
    pub name: String,
    pub phone: String,
    pub hours: String,
    #[serde(rename = "for")]
    pub audience: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Consultation {
    pub checked: String,
    pub service: Vec<Service>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Reply {
    pub clause: String,
    pub text: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct IhcClass {
    pub kind: String,
    pub ihc: String,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Site {
    pub kind: String,
    pub name: String,
    #[serde(default)]
    pub operator: Option<String>,
}

pub struct FormData {
    pub consultation: Consultation,
    pub replies: BTreeMap<String, Reply>,
    pub ihc: BTreeMap<String, IhcClass>,
    pub sites: BTreeMap<String, Site>,
}

const CONSULTATION: &str = include_str!("../../data/forms/consultation.toml");
const REPLIES: &str = include_str!("../../data/forms/warning_replies.toml");
const IHC: &str = include_str!("../../data/forms/ihc.toml");
const SITES: &str = include_str!("../../data/forms/sites.toml");

fn parse<T: for<'de> Deserialize<'de>>(name: &str, src: &str) -> Result<T, String> {
    toml::from_str(src).map_err(|e| format!("data/forms/{name}: {e}"))
}

impl FormData {
    fn load() -> Result<FormData, String> {
        let data = FormData {
            consultation: parse("consultation.toml", CONSULTATION)?,
            replies: parse("warning_replies.toml", REPLIES)?,
            ihc: parse("ihc.toml", IHC)?,
            sites: parse("sites.toml", SITES)?,
        };
        for c in Category::ALL {
            if !data.ihc.contains_key(c.id()) {
                return Err(format!("data/forms/ihc.toml: no entry for {}", c.id()));
            }
            if !c.is_suicide() && !data.replies.contains_key(c.id()) {
                return Err(format!(
                    "data/forms/warning_replies.toml: no entry for {}",
                    c.id()
                ));
            }
        }
        Ok(data)
    }

    /// The embedded data, parsed once. An error here is a build defect the tests catch.
    pub fn get() -> Result<&'static FormData, String> {
        static DATA: OnceLock<Result<FormData, String>> = OnceLock::new();
        DATA.get_or_init(FormData::load)
            .as_ref()
            .map_err(Clone::clone)
    }

    pub fn reply(&self, c: Category) -> Option<&Reply> {
        self.replies.get(c.id())
    }

    pub fn ihc(&self, c: Category) -> Option<&IhcClass> {
        self.ihc.get(c.id())
    }

    /// 電子掲示板「5ちゃんねる」 / SNS「X（旧Twitter）」; an unknown id as given.
    pub fn site_phrase(&self, site: Option<&str>) -> Option<String> {
        let id = site?;
        Some(match self.sites.get(id) {
            Some(s) => format!("{}「{}」", s.kind, s.name),
            None => format!("「{id}」"),
        })
    }

    pub fn site_name(&self, site: Option<&str>) -> Option<String> {
        let id = site?;
        Some(
            self.sites
                .get(id)
                .map(|s| s.name.clone())
                .unwrap_or_else(|| id.to_string()),
        )
    }
}

/// The name a prefecture's police go by: 警視庁 for Tokyo, else 熊本県警察 and the like.
pub fn agency(jurisdiction: &str) -> String {
    if jurisdiction == "東京都" {
        "警視庁".to_string()
    } else {
        format!("{jurisdiction}警察")
    }
}

/// Length as X counts it (weighted: most CJK characters count 2 against a limit of 280).
pub fn x_weighted_len(s: &str) -> usize {
    s.chars()
        .map(|c| match c as u32 {
            0..=0x10FF | 0x2000..=0x200D | 0x2010..=0x201F | 0x2032..=0x2037 => 1,
            _ => 2,
        })
        .sum()
}

pub const X_LIMIT: usize = 280;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_data_parses_and_covers_every_category() {
        let d = FormData::get();
        assert!(d.is_ok(), "{:?}", d.err());
    }

    #[test]
    fn every_warning_reply_fits_in_one_x_post_for_the_longest_agency_name() {
        let Ok(d) = FormData::get() else {
            panic!("data")
        };
        for (id, r) in &d.replies {
            let text = r.text.replace("{agency}", &agency("和歌山県"));
            let n = x_weighted_len(&text);
            assert!(n <= X_LIMIT, "{id}: {n} > {X_LIMIT}: {text}");
            assert!(r.clause.starts_with("001 §4("), "{id}");
        }
    }

    #[test]
    fn consultation_list_names_the_services_003_section_8_needs() {
        let Ok(d) = FormData::get() else {
            panic!("data")
        };
        let names: Vec<&str> = d
            .consultation
            .service
            .iter()
            .map(|s| s.name.as_str())
            .collect();
        for must in [
            "いのちの電話",
            "よりそいホットライン",
            "こころの健康相談統一ダイヤル",
            "24時間子供SOSダイヤル",
        ] {
            assert!(names.contains(&must), "{must} missing from {names:?}");
        }
    }

    #[test]
    fn tokyo_police_is_the_metropolitan_police_department() {
        assert_eq!(agency("東京都"), "警視庁");
        assert_eq!(agency("熊本県"), "熊本県警察");
    }
}
