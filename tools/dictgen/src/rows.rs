//! Reads the IPADIC CSV files the way lindera's `PrefixDictionaryBuilder`
//! does (same file order, same stable sort, same trimming, normalisation and
//! number parsing), giving the rows in word-id order.
//!
//! Replicating the builder is checked, not trusted: `main` compares every
//! row's details with the `dict.words` record lindera wrote for the same word
//! id, and the decoded container's trie and values with lindera's files.

use std::fs::File;
use std::path::{Path, PathBuf};

use csv::StringRecord;
use lindera_dictionary::dictionary::metadata::Metadata;
use patrol_dict::SourceEntry;

/// lindera's `normalize` (builder/prefix_dictionary.rs), applied when
/// `metadata.normalize_details` is set.
fn normalize(text: &str) -> String {
    text.replace('―', "—").replace('～', "〜")
}

fn csv_files(src: &Path) -> Result<Vec<PathBuf>, String> {
    let pattern = format!("{}/*.csv", src.display());
    let mut files = Vec::new();
    for entry in glob::glob(&pattern).map_err(|e| format!("bad glob {pattern}: {e}"))? {
        let path = entry.map_err(|e| format!("glob {pattern}: {e}"))?;
        files.push(path);
    }
    if files.is_empty() {
        return Err(format!("no .csv files in {}", src.display()));
    }
    Ok(files)
}

/// The rows of all CSV files in `src`, in lindera's word-id order.
pub fn read_rows(src: &Path, metadata: &Metadata) -> Result<Vec<SourceEntry>, String> {
    if metadata.encoding != "UTF-8" {
        return Err(format!(
            "only UTF-8 sources are supported (metadata says {})",
            metadata.encoding
        ));
    }
    if metadata.connection_id_mapping {
        return Err("connection_id_mapping (context-id remap) is not supported".to_string());
    }

    let mut rows: Vec<StringRecord> = Vec::new();
    for file in csv_files(src)? {
        let reader = File::open(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(metadata.flexible_csv)
            .from_reader(reader);
        for record in rdr.records() {
            rows.push(record.map_err(|e| format!("{}: {e}", file.display()))?);
        }
    }

    // Stable sorts, exactly as the builder.
    if metadata.normalize_details {
        rows.sort_by_cached_key(|row| normalize(row.get(0).unwrap_or("")));
    } else {
        rows.sort_by(|a, b| a.get(0).unwrap_or("").cmp(b.get(0).unwrap_or("")));
    }

    let schema = &metadata.dictionary_schema;
    let field = |row: &StringRecord, name: &str| -> Option<String> {
        let value = row.get(schema.get_field_index(name)?)?.trim();
        (!value.is_empty()).then(|| value.to_string())
    };

    let mut out = Vec::with_capacity(rows.len());
    for (i, row) in rows.iter().enumerate() {
        let parse_err = |what: &str, v: &str| format!("row {i}: invalid {what} {v:?}");
        let cost = field(row, "cost")
            .map(|v| v.parse::<i16>().map_err(|_| parse_err("cost", &v)))
            .transpose()?;
        let left = field(row, "left_context_id")
            .map(|v| v.parse::<u16>().map_err(|_| parse_err("left id", &v)))
            .transpose()?;
        let right = field(row, "right_context_id")
            .map(|v| v.parse::<u16>().map_err(|_| parse_err("right id", &v)))
            .transpose()?;
        let surface = field(row, "surface");

        let details: Vec<String> = row
            .iter()
            .skip(4)
            .map(|d| {
                if metadata.normalize_details {
                    normalize(d)
                } else {
                    d.to_string()
                }
            })
            .collect();

        out.push(match (cost, left, right, surface) {
            (Some(cost), Some(left_id), Some(right_id), Some(surface)) => SourceEntry {
                surface: if metadata.normalize_details {
                    normalize(&surface)
                } else {
                    surface
                },
                left_id,
                right_id,
                cost,
                details,
            },
            // The builder keeps such a row in dict.words but not in the trie.
            // Its ids and cost are never used; whatever parsed is kept.
            _ => SourceEntry {
                surface: String::new(),
                left_id: left.unwrap_or(0),
                right_id: right.unwrap_or(0),
                cost: cost.unwrap_or(0),
                details,
            },
        });
    }
    Ok(out)
}
