//! What is wrong with a log, said so that an officer (Japanese) and an examiner (English) both
//! understand which entry to look at and why.

use std::fmt;

use serde::Serialize;
use serde_json::Value;

/// Why verification failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    /// Not a log entry at all (bad JSON, missing or mistyped member).
    Malformed,
    /// The entry's content no longer hashes to its recorded hash.
    Edited,
    /// Entries are missing before this one.
    Removed,
    /// Entries are out of order.
    Reordered,
    /// An entry that was not in the chain was put in (duplicate seq, second genesis).
    Inserted,
    /// The entry does not commit to the one before it (that one was replaced or re-hashed).
    Unlinked,
    /// The artefact (record or file) does not hash to the entry's `sha256`.
    ArtefactMismatch,
    /// A referenced file is absent from the archive.
    MissingArtefact,
    /// The first entry is not a proper genesis entry.
    BadGenesis,
    /// The entry's record is not a valid record of its kind.
    BadRecord,
    /// The tail of the log is missing (no closing export entry, or shorter than the receipt).
    Truncated,
    /// The receipt's hash differs from the log's at that seq.
    AnchorMismatch,
    /// Nothing to verify.
    Empty,
    /// A file in the archive that the log does not reference (planted, or left from another case).
    Unreferenced,
}

impl ProblemKind {
    /// Short Japanese and English names.
    pub fn names(self) -> (&'static str, &'static str) {
        match self {
            ProblemKind::Malformed => ("形式不正", "malformed"),
            ProblemKind::Edited => ("改変", "edited"),
            ProblemKind::Removed => ("削除", "removed"),
            ProblemKind::Reordered => ("順序入替え", "reordered"),
            ProblemKind::Inserted => ("挿入", "inserted"),
            ProblemKind::Unlinked => (
                "連結切れ（前エントリの改変または差替え）",
                "unlinked (previous entry altered or replaced)",
            ),
            ProblemKind::ArtefactMismatch => ("証拠ハッシュ不一致", "wrong artefact hash"),
            ProblemKind::MissingArtefact => ("証拠ファイル欠落", "missing artefact"),
            ProblemKind::BadGenesis => ("起点エントリ不正", "bad genesis"),
            ProblemKind::BadRecord => ("記録内容不正", "bad record"),
            ProblemKind::Truncated => ("末尾欠落", "truncated tail"),
            ProblemKind::AnchorMismatch => ("受領記録と不一致", "receipt mismatch"),
            ProblemKind::Empty => ("空のログ", "empty log"),
            ProblemKind::Unreferenced => ("ログにないファイル", "file not in the log"),
        }
    }
}

/// The first bad entry of a log: where (0-based position = line − 1), its seq, what, why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub kind: ProblemKind,
    /// 0-based position in the file (the JSON Lines line number minus one).
    pub index: usize,
    /// The entry's own `seq` when it has one.
    pub seq: Option<u64>,
    /// For problems with an archive's file rather than a log entry: the file's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    pub detail: String,
}

impl Problem {
    pub(crate) fn at(index: usize, entry: &Value, kind: ProblemKind, detail: String) -> Problem {
        Problem {
            kind,
            index,
            seq: entry.get("seq").and_then(Value::as_u64),
            file: None,
            detail,
        }
    }

    pub(crate) fn line(index: usize, kind: ProblemKind, detail: String) -> Problem {
        Problem {
            kind,
            index,
            seq: None,
            file: None,
            detail,
        }
    }

    pub(crate) fn file(name: &str, kind: ProblemKind, detail: String) -> Problem {
        Problem {
            kind,
            index: 0,
            seq: None,
            file: Some(name.to_string()),
            detail,
        }
    }

    pub(crate) fn empty() -> Problem {
        Problem::line(0, ProblemKind::Empty, "the log has no entries".into())
    }

    /// One Japanese line, then one English line.
    pub fn message(&self) -> String {
        let (ja, en) = self.kind.names();
        if let Some(file) = &self.file {
            return format!(
                "改ざん・欠落を検出: ファイル {file}: {ja}\nverification failed: file {file}: {en}: {}",
                self.detail
            );
        }
        let seq = self.seq.map(|s| format!(" (seq {s})")).unwrap_or_default();
        format!(
            "改ざん・欠落を検出: {}行目のエントリ{seq}: {ja}\nverification failed: entry on line {}{seq}: {en}: {}",
            self.index + 1,
            self.index + 1,
            self.detail
        )
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for Problem {}
