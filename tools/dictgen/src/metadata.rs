//! The IPADIC metadata (schema and build options), equal to the
//! `metadata.json` shipped in the `lindera-ipadic` 6.2.0 crate — which is not
//! a dependency: its build script would download a dictionary.

use lindera_dictionary::dictionary::metadata::Metadata;
use lindera_dictionary::dictionary::schema::Schema;

fn strings(fields: &[&str]) -> Vec<String> {
    fields.iter().map(|s| s.to_string()).collect()
}

/// Metadata for building IPADIC (UTF-8 source) exactly as `lindera-ipadic` does.
pub fn ipadic_metadata() -> Metadata {
    Metadata::new(
        "ipadic".to_string(),
        "UTF-8".to_string(),
        -10000, // default_word_cost
        0,      // default_left_context_id
        0,      // default_right_context_id
        "*".to_string(),
        true,  // flexible_csv
        false, // skip_invalid_cost_or_id
        true,  // normalize_details (―→—, ～→〜 in surfaces and details)
        Schema::new(strings(&patrol_dict::IPADIC_FIELDS)),
        Schema::new(strings(&["surface", "part_of_speech", "reading"])),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use lindera_dictionary::dictionary::metadata::DICTIONARY_FORMAT_VERSION;

    /// Verbatim copy of `lindera-ipadic-6.2.0/metadata.json` (MIT licence).
    const LINDERA_IPADIC_METADATA_JSON: &str = r#"{
  "name": "ipadic",
  "encoding": "UTF-8",
  "default_word_cost": -10000,
  "default_left_context_id": 0,
  "default_right_context_id": 0,
  "default_field_value": "*",
  "flexible_csv": true,
  "skip_invalid_cost_or_id": false,
  "normalize_details": true,
  "dictionary_schema": {
    "fields": [
      "surface",
      "left_context_id",
      "right_context_id",
      "cost",
      "part_of_speech",
      "part_of_speech_subcategory_1",
      "part_of_speech_subcategory_2",
      "part_of_speech_subcategory_3",
      "conjugation_form",
      "conjugation_type",
      "base_form",
      "reading",
      "pronunciation"
    ]
  },
  "user_dictionary_schema": {
    "fields": ["surface", "part_of_speech", "reading"]
  }
}"#;

    #[test]
    fn equals_lindera_ipadic_metadata_json() {
        let mut official = Metadata::load(LINDERA_IPADIC_METADATA_JSON.as_bytes()).unwrap();
        // The JSON carries no format_version (serde defaults it to the legacy
        // 1); DictionaryBuilder stamps the current version on every build, so
        // both end up the same in the built metadata.json.
        official.format_version = DICTIONARY_FORMAT_VERSION;
        let ours = ipadic_metadata();
        assert_eq!(
            serde_json::to_value(&ours).unwrap(),
            serde_json::to_value(&official).unwrap()
        );
    }
}
