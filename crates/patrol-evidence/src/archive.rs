//! Reading an exported case: a JSON Lines log alone, a folder, or the extension's zip archive.
//!
//! The extension writes zips with the *store* method only (no compression, no dependency), so
//! reading needs no inflate either; a zip re-packed with compression by some tool is refused
//! with advice to unzip it and verify the folder.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use serde_json::Value;

use crate::problem::{Problem, ProblemKind};
use crate::{canonical_json, sha256_hex};

/// The name of the log inside an archive or folder.
pub const LOG_NAME: &str = "log.jsonl";

/// A case as found on disk: the log's text and, for archives and folders, the files beside it.
#[derive(Debug, Default)]
pub struct Case {
    pub log: String,
    /// Files by their path inside the archive or folder (`/`-separated); `None` for a bare log.
    pub files: Option<BTreeMap<String, Vec<u8>>>,
}

/// Loads FILE (`.jsonl` log, `.zip` archive, or a folder holding `log.jsonl`).
pub fn load(path: &Path) -> Result<Case, String> {
    let meta = fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if meta.is_dir() {
        let mut files = BTreeMap::new();
        collect_dir(path, path, &mut files)?;
        let log = files
            .remove(LOG_NAME)
            .ok_or_else(|| format!("{}: no {LOG_NAME} in this folder", path.display()))?;
        return Ok(Case {
            log: utf8(log, LOG_NAME)?,
            files: Some(files),
        });
    }
    let bytes = fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        let mut files = read_zip(&bytes).map_err(|e| format!("{}: {e}", path.display()))?;
        let log = files
            .remove(LOG_NAME)
            .ok_or_else(|| format!("{}: no {LOG_NAME} in this archive", path.display()))?;
        return Ok(Case {
            log: utf8(log, LOG_NAME)?,
            files: Some(files),
        });
    }
    Ok(Case {
        log: utf8(bytes, &path.display().to_string())?,
        files: None,
    })
}

/// The files the export writes beside the referenced artefacts.
pub const RECORD_COPY: &str = "record.json";
pub const README: &str = "README.txt";

/// Checks what the chain cannot: `record.json` (a convenience copy an investigator will read) must
/// be the canonical JSON of the log's record, and every other file must be one the log references.
pub fn check_files(log: &[Value], files: &BTreeMap<String, Vec<u8>>) -> Result<(), Problem> {
    if let Some(copy) = files.get(RECORD_COPY) {
        let record = log
            .iter()
            .find(|e| e.get("kind").and_then(Value::as_str) == Some("record"))
            .and_then(|e| e.get("record"));
        let Some(record) = record else {
            return Err(Problem::file(
                RECORD_COPY,
                ProblemKind::Unreferenced,
                "the log has no record entry for this copy to match".into(),
            ));
        };
        let want = canonical_json(record)
            .map(|c| sha256_hex(c.as_bytes()))
            .unwrap_or_default();
        let got = sha256_hex(copy);
        if got != want {
            return Err(Problem::file(
                RECORD_COPY,
                ProblemKind::ArtefactMismatch,
                format!("it hashes to {got}, the log's record to {want}: the copy was altered"),
            ));
        }
    }
    let referenced: Vec<&str> = log
        .iter()
        .filter_map(|e| e.get("ref")?.get("name")?.as_str())
        .collect();
    for name in files.keys() {
        if name != RECORD_COPY && name != README && !referenced.contains(&name.as_str()) {
            return Err(Problem::file(
                name,
                ProblemKind::Unreferenced,
                "the archive holds a file the log does not reference".into(),
            ));
        }
    }
    Ok(())
}

fn utf8(bytes: Vec<u8>, name: &str) -> Result<String, String> {
    String::from_utf8(bytes).map_err(|_| format!("{name}: not UTF-8 text"))
}

fn collect_dir(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) -> Result<(), String> {
    let entries = fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("{}: {e}", dir.display()))?;
        let p = entry.path();
        if p.is_dir() {
            collect_dir(root, &p, out)?;
        } else {
            let rel = p
                .strip_prefix(root)
                .map_err(|e| e.to_string())?
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            let bytes = fs::read(&p).map_err(|e| format!("{}: {e}", p.display()))?;
            out.insert(rel, bytes);
        }
    }
    Ok(())
}

fn u16_at(b: &[u8], at: usize) -> Result<usize, String> {
    b.get(at..at + 2)
        .map(|s| usize::from(u16::from_le_bytes([s[0], s[1]])))
        .ok_or_else(|| "the zip is cut short".to_string())
}

fn u32_at(b: &[u8], at: usize) -> Result<usize, String> {
    b.get(at..at + 4)
        .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]) as usize)
        .ok_or_else(|| "the zip is cut short".to_string())
}

/// The files of a store-method zip, by name, each checked against its CRC-32.
pub fn read_zip(b: &[u8]) -> Result<BTreeMap<String, Vec<u8>>, String> {
    // End of central directory: 22 bytes plus a comment of up to 65535 bytes, at the very end.
    let lowest = b.len().saturating_sub(22 + 65_535);
    let eocd = (lowest..=b.len().saturating_sub(22))
        .rev()
        .find(|&i| b.get(i..i + 4) == Some(b"PK\x05\x06"))
        .ok_or("not a zip archive (no end of central directory)")?;
    let count = u16_at(b, eocd + 10)?;
    let mut at = u32_at(b, eocd + 16)?;
    let mut files = BTreeMap::new();
    for _ in 0..count {
        if b.get(at..at + 4) != Some(b"PK\x01\x02") {
            return Err("damaged central directory".into());
        }
        let method = u16_at(b, at + 10)?;
        let crc = u32_at(b, at + 16)? as u32;
        let size = u32_at(b, at + 20)?;
        let (n, x, c) = (
            u16_at(b, at + 28)?,
            u16_at(b, at + 30)?,
            u16_at(b, at + 32)?,
        );
        let local = u32_at(b, at + 42)?;
        let name = b.get(at + 46..at + 46 + n).ok_or("the zip is cut short")?;
        let name = String::from_utf8(name.to_vec()).map_err(|_| "a file name is not UTF-8")?;
        at += 46 + n + x + c;
        if name.ends_with('/') {
            continue;
        }
        if method != 0 {
            return Err(format!(
                "{name} is compressed (method {method}); this verifier reads the extension's uncompressed archives — unzip it and run patrol verify on the folder"
            ));
        }
        if b.get(local..local + 4) != Some(b"PK\x03\x04") {
            return Err(format!("{name}: damaged local header"));
        }
        let start = local + 30 + u16_at(b, local + 26)? + u16_at(b, local + 28)?;
        let data = b.get(start..start + size).ok_or("the zip is cut short")?;
        if crc32(data) != crc {
            return Err(format!("{name}: CRC-32 mismatch (the archive is damaged)"));
        }
        files.insert(name, data.to_vec());
    }
    Ok(files)
}

/// CRC-32 (IEEE 802.3, reflected, as zip uses it).
pub fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::crc32;

    #[test]
    fn crc32_check_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
    }
}
