//! The error type of the container codec.

use std::fmt;

/// What went wrong while encoding or loading a compact dictionary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DictErrorKind {
    /// The bytes do not start with [`crate::MAGIC`]: not a patrol dictionary at all.
    BadMagic,
    /// A patrol dictionary, but of a container version this build cannot read.
    UnsupportedVersion,
    /// The bytes end before a header, section or column is complete.
    Truncated,
    /// The payload does not match its stored CRC-32 (damaged in transit or storage).
    ChecksumMismatch,
    /// Structurally complete but inconsistent content (bad index, bad character code, …).
    Corrupt,
    /// lindera rejected a component rebuilt from the container.
    Lindera,
    /// The input handed to [`crate::encode`] cannot be represented.
    InvalidInput,
}

/// Error returned by [`crate::load`], [`crate::load_parts`] and [`crate::encode`].
///
/// Loading never panics on malformed bytes: every problem ends up here, with a
/// message that says which part of the container was wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DictError {
    kind: DictErrorKind,
    message: String,
}

impl DictError {
    pub(crate) fn new(kind: DictErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }

    pub(crate) fn truncated(what: &str) -> Self {
        Self::new(
            DictErrorKind::Truncated,
            format!("compact dictionary is truncated: {what} ends early"),
        )
    }

    pub(crate) fn corrupt(message: impl Into<String>) -> Self {
        Self::new(DictErrorKind::Corrupt, message)
    }

    pub(crate) fn invalid_input(message: impl Into<String>) -> Self {
        Self::new(DictErrorKind::InvalidInput, message)
    }

    pub(crate) fn lindera(what: &str, err: impl fmt::Display) -> Self {
        Self::new(
            DictErrorKind::Lindera,
            format!("lindera rejected the rebuilt {what}: {err}"),
        )
    }

    /// The category of the error.
    pub fn kind(&self) -> DictErrorKind {
        self.kind
    }

    /// The human-readable description (also what `Display` prints).
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for DictError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DictError {}
