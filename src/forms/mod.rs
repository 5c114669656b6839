//! The eight pre-filled forms (issue 4, "The forms"; contract: `patrol prefill FORM`).
//!
//! One function renders every form: [`render`] takes the record ([`FormInput`]), what only the
//! officer or the endpoint knows ([`Extras`]) and the analysis (as its JSON shape, so the
//! extension can pass the object it already holds), and returns one standalone HTML document
//! with print CSS for A4. The native command, the wasm binding and the inbox all call it, so
//! they give the same document. Nothing here reads the clock: the form's date comes from
//! `extras.today` or `captured_at`. What cannot be known stays visibly blank (「要記入」).
//!
//! See `src/forms/README.md` for the input, the extras and each form's layout.

pub mod action_record;
pub mod common;
pub mod data;
pub mod discovery_report;
pub mod emergency_disclosure;
pub mod html;
pub mod ihc_report;
pub mod input;
pub mod provider_inquiry;
pub mod takedown_request;
pub mod time;
pub mod url_report;
pub mod view;
pub mod warning_reply;

use std::fmt;

use serde_json::Value;

use crate::analyze::{Analyzer, Post};

pub use common::Ctx;
pub use input::{Extras, FormInput};
pub use view::AnalysisView;

/// The contract's FORM names, in the contract's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormKind {
    UrlReport,
    TakedownRequest,
    ProviderInquiry,
    ActionRecord,
    WarningReply,
    DiscoveryReport,
    IhcReport,
    EmergencyDisclosure,
}

impl FormKind {
    pub const ALL: [FormKind; 8] = [
        FormKind::UrlReport,
        FormKind::TakedownRequest,
        FormKind::ProviderInquiry,
        FormKind::ActionRecord,
        FormKind::WarningReply,
        FormKind::DiscoveryReport,
        FormKind::IhcReport,
        FormKind::EmergencyDisclosure,
    ];

    pub fn id(self) -> &'static str {
        match self {
            FormKind::UrlReport => "url_report",
            FormKind::TakedownRequest => "takedown_request",
            FormKind::ProviderInquiry => "provider_inquiry",
            FormKind::ActionRecord => "action_record",
            FormKind::WarningReply => "warning_reply",
            FormKind::DiscoveryReport => "discovery_report",
            FormKind::IhcReport => "ihc_report",
            FormKind::EmergencyDisclosure => "emergency_disclosure",
        }
    }

    pub fn from_id(id: &str) -> Result<FormKind, FormError> {
        FormKind::ALL
            .into_iter()
            .find(|k| k.id() == id)
            .ok_or_else(|| FormError::UnknownForm(id.to_string()))
    }

    /// Whether the form is meant for a post of these categories (the side panel offers these).
    /// Rendering an unsuitable form still works; the document then says it does not fit.
    pub fn applies_to(self, a: &AnalysisView, site: Option<&str>) -> bool {
        use crate::category::Category as C;
        match self {
            FormKind::UrlReport => !a.categories.is_empty(),
            FormKind::TakedownRequest => takedown_request::variant(a, site).is_some(),
            FormKind::ProviderInquiry | FormKind::ActionRecord => {
                a.has(C::SuicideNotice) || a.has(C::GroupSuicide)
            }
            FormKind::WarningReply | FormKind::DiscoveryReport => a.any_child(),
            FormKind::IhcReport => !a.categories.is_empty(),
            FormKind::EmergencyDisclosure => {
                site == Some("x") && (a.any_suicide() || a.any_child())
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormError {
    UnknownForm(String),
    Input(String),
    Data(String),
}

impl fmt::Display for FormError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FormError::UnknownForm(id) => {
                let all: Vec<&str> = FormKind::ALL.iter().map(|k| k.id()).collect();
                write!(f, "unknown form {id:?}; one of: {}", all.join(", "))
            }
            FormError::Input(m) => write!(f, "bad input: {m}"),
            FormError::Data(m) => write!(f, "form data: {m}"),
        }
    }
}

impl std::error::Error for FormError {}

/// Renders one form from the record, the extras and the analysis JSON.
pub fn render(
    kind: FormKind,
    input: &FormInput,
    extras: &Extras,
    analysis: &AnalysisView,
) -> Result<String, FormError> {
    let ctx = Ctx::new(input, extras, analysis)?;
    let doc = match kind {
        FormKind::UrlReport => url_report::render(&ctx),
        FormKind::TakedownRequest => takedown_request::render(&ctx),
        FormKind::ProviderInquiry => provider_inquiry::render(&ctx),
        FormKind::ActionRecord => action_record::render(&ctx),
        FormKind::WarningReply => warning_reply::render(&ctx),
        FormKind::DiscoveryReport => discovery_report::render(&ctx),
        FormKind::IhcReport => ihc_report::render(&ctx),
        FormKind::EmergencyDisclosure => emergency_disclosure::render(&ctx),
    };
    Ok(ctx.finish(kind, doc).render())
}

/// Analyses the record's text with `analyzer` and returns the analysis as JSON (the shape the
/// extension holds), so that every caller renders from the same data.
pub fn analyse(analyzer: &Analyzer, input: &FormInput) -> Result<Value, FormError> {
    let post = Post {
        text: &input.text,
        profile: &input.profile,
        site: input.site.as_deref(),
    };
    let analysis = analyzer
        .analyze(&post)
        .map_err(|e| FormError::Input(e.to_string()))?;
    serde_json::to_value(&analysis).map_err(|e| FormError::Data(e.to_string()))
}

/// Reads the contract's input object (with optional `extras`) from JSON text.
pub fn parse_request(input_json: &str) -> Result<(FormInput, Extras), FormError> {
    let value: Value = serde_json::from_str(input_json)
        .map_err(|e| FormError::Input(format!("not valid JSON: {e}")))?;
    FormInput::from_json(&value)
}

/// The year birth years (「06年生まれ」) are judged against: the form's own date, so the same
/// record always gives the same analysis and document. `None` when the record has no date.
pub fn as_of_year(input: &FormInput, extras: &Extras) -> Option<i32> {
    extras
        .form_date(input)
        .and_then(|d| i32::try_from(d.year).ok())
}

/// Analyses the record with `analyzer` and renders the form.
pub fn prefill_record(
    analyzer: &Analyzer,
    kind: FormKind,
    input: &FormInput,
    extras: &Extras,
) -> Result<String, FormError> {
    let analysis = AnalysisView::from_json(&analyse(analyzer, input)?)?;
    render(kind, input, extras, &analysis)
}

/// `patrol prefill FORM` in one call: the contract's input object (with optional `extras`) →
/// the document. `extra_overrides` (the wasm binding's extras argument) replaces `input.extras`.
pub fn prefill(
    analyzer: &Analyzer,
    form: &str,
    input_json: &str,
    extra_overrides: Option<&Value>,
) -> Result<String, FormError> {
    let kind = FormKind::from_id(form)?;
    let (input, mut extras) = parse_request(input_json)?;
    if let Some(x) = extra_overrides {
        extras = Extras::from_json(x)?;
    }
    prefill_record(analyzer, kind, &input, &extras)
}
