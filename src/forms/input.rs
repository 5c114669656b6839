//! The record a form is filled from: the contract's input object (`patrol prefill FORM`) and the
//! optional extras only an officer or the endpoint knows. Both are checked here, once, so the
//! forms can trust what they receive; a bad value is refused with a message naming the field.

use serde::Deserialize;
use serde_json::{Map, Value};

use super::time::{parse_date, Date, Instant};
use super::FormError;

/// The contract's input (`../shared/contract.md`, `patrol prefill FORM`). Unknown fields are ignored.
#[derive(Debug, Clone, Default)]
pub struct FormInput {
    pub url: Option<String>,
    pub site: Option<String>,
    pub text: String,
    pub profile: String,
    pub author: Option<String>,
    pub posted_at: Option<Instant>,
    pub captured_at: Option<Instant>,
    pub board: Option<String>,
    pub post_no: Option<String>,
    /// The raw time strings, quoted as given when the officer needs to see them.
    pub posted_at_raw: Option<String>,
    pub captured_at_raw: Option<String>,
}

/// A provider directory entry (003 §4(4)): known to the endpoint, never guessed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Provider {
    pub name: Option<String>,
    pub department: Option<String>,
    pub phone: Option<String>,
    pub fax: Option<String>,
    /// `domestic` or `foreign` (000 §1(2)イ); anything else is refused.
    pub location: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Officer {
    pub name: Option<String>,
    /// 階級 (rank), e.g. 巡査部長.
    pub title: Option<String>,
    pub phone: Option<String>,
    /// 内線.
    pub extension: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Unit {
    /// 京都府〇〇警察署 / 熊本県警察本部.
    pub station: Option<String>,
    /// 生活安全課少年係 and the like.
    pub section: Option<String>,
    /// 差出人 as printed before 印, e.g. 熊本県〇〇警察署長.
    pub head: Option<String>,
    pub phone: Option<String>,
    pub fax: Option<String>,
}

/// One inquiry of the action record (003 様式第2号 照会状況, at most three).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Inquiry {
    pub to: Option<String>,
    pub asked_at: Option<String>,
    pub answered_at: Option<String>,
    pub answer: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reception {
    pub received_at: Option<String>,
    /// 受理態様: defaults to サイバーパトロール, how the product's records arise.
    pub mode: Option<String>,
    pub detail: Option<String>,
    pub reporter: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Outcome {
    pub poster: Option<String>,
    pub status: Option<String>,
    pub detail: Option<String>,
    pub ended_at: Option<String>,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Takedown {
    pub requested_at: Option<String>,
    /// 文書 / 電子メール / Webフォーム / 電話 / 面接.
    pub method: Option<String>,
}

/// What the product cannot know by itself. Every field is optional; what is missing stays blank.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Extras {
    pub provider: Option<Provider>,
    pub officer: Option<Officer>,
    pub unit: Option<Unit>,
    /// 文書番号 (the number after 第).
    pub doc_number: Option<String>,
    /// The date printed on the form, `YYYY-MM-DD`; defaults to the JST date of `captured_at`.
    pub today: Option<String>,
    /// 端緒 of the inquiry; defaults to discovery on cyber patrol on the capture date.
    pub origin: Option<String>,
    pub reception: Option<Reception>,
    #[serde(default)]
    pub inquiries: Vec<Inquiry>,
    pub outcome: Option<Outcome>,
    pub takedown: Option<Takedown>,
    /// When the urgent inquiry was faxed (003 §4(2)), ISO 8601 with offset.
    pub faxed_at: Option<String>,
}

fn string_field(obj: &Map<String, Value>, name: &'static str) -> Result<Option<String>, FormError> {
    match obj.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(Value::Number(n)) if name == "post_no" => Ok(Some(n.to_string())),
        Some(_) => Err(FormError::Input(format!("\"{name}\" must be a string"))),
    }
}

fn time_field(raw: &Option<String>, name: &str) -> Result<Option<Instant>, FormError> {
    match raw {
        None => Ok(None),
        Some(s) => Instant::parse(s).map(Some).ok_or_else(|| {
            FormError::Input(format!(
                "\"{name}\" is not an ISO 8601 date-time with an offset (e.g. 2026-11-20T22:14:00+09:00): {s:?}"
            ))
        }),
    }
}

impl FormInput {
    /// Reads the contract's object. `text` is required and must not be empty.
    pub fn from_json(value: &Value) -> Result<(FormInput, Extras), FormError> {
        let obj = value
            .as_object()
            .ok_or_else(|| FormError::Input("the input must be one JSON object".into()))?;
        let text = match obj.get("text") {
            Some(Value::String(s)) if !s.trim().is_empty() => s.clone(),
            Some(Value::String(_)) => return Err(FormError::Input("\"text\" is empty".into())),
            Some(_) => return Err(FormError::Input("\"text\" must be a string".into())),
            None => return Err(FormError::Input("missing required field \"text\"".into())),
        };
        let posted_at_raw = string_field(obj, "posted_at")?;
        let captured_at_raw = string_field(obj, "captured_at")?;
        let input = FormInput {
            url: string_field(obj, "url")?,
            site: string_field(obj, "site")?,
            profile: string_field(obj, "profile")?.unwrap_or_default(),
            author: string_field(obj, "author")?,
            posted_at: time_field(&posted_at_raw, "posted_at")?,
            captured_at: time_field(&captured_at_raw, "captured_at")?,
            board: string_field(obj, "board")?,
            post_no: string_field(obj, "post_no")?,
            posted_at_raw,
            captured_at_raw,
            text,
        };
        if let Some(url) = &input.url {
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                return Err(FormError::Input(format!(
                    "\"url\" must start with https:// or http://: {url:?}"
                )));
            }
        }
        let extras = match obj.get("extras") {
            None | Some(Value::Null) => Extras::default(),
            Some(v) => Extras::from_json(v)?,
        };
        Ok((input, extras))
    }
}

impl Extras {
    pub fn from_json(value: &Value) -> Result<Extras, FormError> {
        let extras: Extras = serde_json::from_value(value.clone())
            .map_err(|e| FormError::Input(format!("\"extras\": {e}")))?;
        extras.check()?;
        Ok(extras)
    }

    /// Values that must parse are parsed once here, so a typo is refused rather than printed.
    fn check(&self) -> Result<(), FormError> {
        if let Some(d) = &self.today {
            parse_date(d).ok_or_else(|| {
                FormError::Input(format!("\"extras.today\" is not a date YYYY-MM-DD: {d:?}"))
            })?;
        }
        if self.inquiries.len() > 3 {
            return Err(FormError::Input(format!(
                "\"extras.inquiries\": the action record has room for three inquiries, got {}",
                self.inquiries.len()
            )));
        }
        let mut times: Vec<(&str, &Option<String>)> = vec![("extras.faxed_at", &self.faxed_at)];
        for q in &self.inquiries {
            times.push(("extras.inquiries[].asked_at", &q.asked_at));
            times.push(("extras.inquiries[].answered_at", &q.answered_at));
        }
        if let Some(r) = &self.reception {
            times.push(("extras.reception.received_at", &r.received_at));
        }
        if let Some(o) = &self.outcome {
            times.push(("extras.outcome.ended_at", &o.ended_at));
        }
        if let Some(t) = &self.takedown {
            times.push(("extras.takedown.requested_at", &t.requested_at));
        }
        for (name, raw) in times {
            time_field(raw, name)?;
        }
        if let Some(loc) = self.provider.as_ref().and_then(|p| p.location.as_deref()) {
            if loc != "domestic" && loc != "foreign" {
                return Err(FormError::Input(format!(
                    "\"extras.provider.location\" must be \"domestic\" or \"foreign\": {loc:?}"
                )));
            }
        }
        Ok(())
    }

    /// The date the form bears: `today` if given, else the capture date in JST, else none
    /// (the date stays blank; the wall clock is never read).
    pub fn form_date(&self, input: &FormInput) -> Option<Date> {
        self.today
            .as_deref()
            .and_then(parse_date)
            .or_else(|| input.captured_at.map(|t| t.jst().date()))
    }
}

/// A checked time value from the extras, shown in JST.
pub fn jst_text(raw: Option<&str>) -> Option<String> {
    raw.and_then(Instant::parse).map(|t| t.jst().to_string())
}
