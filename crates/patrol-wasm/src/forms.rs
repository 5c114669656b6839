//! The forms in WebAssembly: the same Rust code as `patrol prefill`, so the extension, the
//! inbox and the command give the same document.
//!
//! ```js
//! // Analyse and render in one call (the analyzer's asOfYear judges birth years):
//! const html = analyzer.renderForm('provider_inquiry', record, extras);
//! // Or render from the analysis object the extension already holds (no analyzer needed):
//! const html2 = renderFormFromAnalysis('provider_inquiry', record, analyzer.analyze(text, profile, site), extras);
//! ```
//! `record` is the contract's input object (`url`, `site`, `text`, `profile`, `author`,
//! `posted_at`, `captured_at`, `board`, `post_no`), or its JSON text; `extras` is optional (see
//! `src/forms/README.md`). Bad input throws an `Error` whose message says what is wrong.

use serde_json::Value;
use wasm_bindgen::prelude::*;

use patrol::forms::{self, AnalysisView, Extras, FormInput, FormKind};

use crate::Analyzer;

/// A JS object (or JSON text) as a JSON value.
fn json_of(v: &JsValue, what: &str) -> Result<Value, JsError> {
    if let Some(s) = v.as_string() {
        serde_json::from_str(&s)
            .map_err(|e| JsError::new(&format!("patrol: {what} is not valid JSON: {e}")))
    } else {
        serde_wasm_bindgen::from_value(v.clone())
            .map_err(|e| JsError::new(&format!("patrol: {what}: {e}")))
    }
}

fn err(e: forms::FormError) -> JsError {
    JsError::new(&format!("patrol: {e}"))
}

/// The record and its extras; `extras`, when given and not null, replaces `record.extras`.
fn request(input: &JsValue, extras: Option<JsValue>) -> Result<(FormInput, Extras), JsError> {
    let (record, mut x) = FormInput::from_json(&json_of(input, "the record")?).map_err(err)?;
    if let Some(e) = extras.filter(|e| !e.is_null() && !e.is_undefined()) {
        x = Extras::from_json(&json_of(&e, "extras")?).map_err(err)?;
    }
    Ok((record, x))
}

/// `renderFormFromAnalysis(form, record, analysis, extras?)`: the document from an analysis the
/// caller already has (the object `Analyzer.analyze` returned).
#[wasm_bindgen(js_name = renderFormFromAnalysis)]
pub fn render_form_from_analysis(
    form: &str,
    input: JsValue,
    analysis: JsValue,
    extras: Option<JsValue>,
) -> Result<String, JsError> {
    let kind = FormKind::from_id(form).map_err(err)?;
    let (record, x) = request(&input, extras)?;
    let analysis = AnalysisView::from_json(&json_of(&analysis, "the analysis")?).map_err(err)?;
    forms::render(kind, &record, &x, &analysis).map_err(err)
}

#[wasm_bindgen]
impl Analyzer {
    /// `renderForm(form, record, extras?)`: analyses `record.text` and renders the form, exactly
    /// as `patrol prefill FORM` does (give the analyzer the record's year as `asOfYear` for the
    /// same birth-year judgements).
    #[wasm_bindgen(js_name = renderForm)]
    pub fn render_form(
        &self,
        form: &str,
        input: JsValue,
        extras: Option<JsValue>,
    ) -> Result<String, JsError> {
        let kind = FormKind::from_id(form).map_err(err)?;
        let (record, x) = request(&input, extras)?;
        forms::prefill_record(&self.inner, kind, &record, &x).map_err(err)
    }

    /// The form ids that suit an analysis (what the side panel offers), in the contract's order.
    #[wasm_bindgen(js_name = formsFor)]
    pub fn forms_for(
        &self,
        analysis: JsValue,
        site: Option<String>,
    ) -> Result<Vec<String>, JsError> {
        let analysis =
            AnalysisView::from_json(&json_of(&analysis, "the analysis")?).map_err(err)?;
        Ok(FormKind::ALL
            .into_iter()
            .filter(|k| k.applies_to(&analysis, site.as_deref()))
            .map(|k| k.id().to_string())
            .collect())
    }
}
