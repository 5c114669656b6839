//! WebAssembly bindings of patrol's analyzer core: a thin layer, no analysis here.
//!
//! ```js
//! const { Analyzer } = require('./patrol_wasm.js');          // wasm-bindgen --target nodejs
//! const analyzer = new Analyzer(dictBytes, '熊本県');        // dictBytes: build/dict/ipadic.pdic
//! const result = analyzer.analyze('今夜、熊本の大甲橋から飛び降ります', '', 'x');
//! result.categories; // ['suicide_notice'] — the same fields as `patrol analyze`, minus `id`
//! ```
//!
//! Every failure (bad dictionary bytes, unknown jurisdiction, empty or over-long text) becomes a
//! thrown JavaScript `Error` with a clear message; nothing here panics.

#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use serde::Serialize;
use wasm_bindgen::prelude::*;

pub mod evidence;
pub mod forms;

use patrol::region::DEFAULT_JURISDICTION;
use patrol::{Config, Post};

/// Birth years (「06年生まれ」) are judged against this year; outside this range is a caller's mistake.
const YEARS: std::ops::RangeInclusive<f64> = 2000.0..=2200.0;

/// The analyzer, with its dictionary and rule set loaded once.
#[wasm_bindgen]
pub struct Analyzer {
    inner: patrol::Analyzer,
}

#[wasm_bindgen]
impl Analyzer {
    /// `new Analyzer(dictBytes: Uint8Array, jurisdiction?: string, asOfYear?: number)`.
    ///
    /// `dictBytes` is the compact IPADIC (`build/dict/ipadic.pdic`); `jurisdiction` defaults to
    /// 熊本県; `asOfYear` (for birth years) defaults to the current year in JST.
    #[wasm_bindgen(constructor)]
    pub fn new(
        dict_bytes: &[u8],
        jurisdiction: Option<String>,
        as_of_year: Option<f64>,
    ) -> Result<Analyzer, JsError> {
        let as_of_year = match as_of_year {
            Some(y) => checked_year(y).map_err(|e| JsError::new(&e))?,
            None => current_year_jst(),
        };
        let config = Config {
            jurisdiction: jurisdiction.unwrap_or_else(|| DEFAULT_JURISDICTION.to_string()),
            as_of_year,
        };
        let dictionary = patrol::dictionary::from_bytes(dict_bytes)
            .map_err(|e| JsError::new(&format!("patrol: cannot load the dictionary: {e}")))?;
        let inner = patrol::Analyzer::new(dictionary, config)
            .map_err(|e| JsError::new(&format!("patrol: {e}")))?;
        Ok(Analyzer { inner })
    }

    /// `analyze(text, profile?, site?)`: a plain object with the fields of `patrol analyze`'s
    /// output line (categories, minor, region, inquiry, ruleset, flags, …) minus `id`.
    pub fn analyze(
        &self,
        text: &str,
        profile: Option<String>,
        site: Option<String>,
    ) -> Result<JsValue, JsError> {
        let post = Post {
            text,
            profile: profile.as_deref().unwrap_or(""),
            site: site.as_deref(),
        };
        let analysis = self
            .inner
            .analyze(&post)
            .map_err(|e| JsError::new(&format!("patrol: {e}")))?;
        to_js(&analysis)
    }

    /// The version of the rule set that every result also carries (`ruleset`).
    #[wasm_bindgen(js_name = rulesetVersion)]
    pub fn ruleset_version(&self) -> String {
        self.inner.rules().version.clone()
    }

    /// The jurisdiction this analyzer judges `region` against.
    #[wasm_bindgen(getter)]
    pub fn jurisdiction(&self) -> String {
        self.inner.config().jurisdiction.clone()
    }
}

/// Serialises as `JSON.parse` of the command's output would give: maps as plain objects.
fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsError::new(&format!("patrol: cannot convert the result: {e}")))
}

/// A whole year number within [`YEARS`], or a message saying what is wrong.
pub fn checked_year(y: f64) -> Result<i32, String> {
    if y.fract() == 0.0 && YEARS.contains(&y) {
        Ok(y as i32)
    } else {
        Err(format!(
            "patrol: asOfYear must be a whole year between {} and {}, not {y}",
            YEARS.start(),
            YEARS.end()
        ))
    }
}

/// The current year in JST from JavaScript's clock (`std::time` is unavailable in wasm32).
fn current_year_jst() -> i32 {
    const JST_MS: f64 = 9.0 * 3600.0 * 1000.0;
    let now = js_sys::Date::new(&JsValue::from_f64(js_sys::Date::now() + JST_MS));
    now.get_utc_full_year() as i32
}

#[cfg(test)]
mod tests {
    use super::checked_year;

    #[test]
    fn years_are_checked_without_panicking() {
        assert_eq!(checked_year(2026.0), Ok(2026));
        for bad in [f64::NAN, f64::INFINITY, 2026.5, 1999.0, -1.0, 1e12] {
            assert!(checked_year(bad).is_err(), "{bad}");
        }
    }
}
