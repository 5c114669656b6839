//! The IPADIC dictionary: embedded in the native binary, handed over as bytes in wasm.

use lindera::dictionary::Dictionary;

pub use patrol_dict::DictError;

/// The compact IPADIC built by `scripts/setup-dict.sh`, embedded at compile time.
#[cfg(feature = "embedded-dictionary")]
pub static EMBEDDED: &[u8] = include_bytes!(env!("PATROL_DICT_FILE"));

/// Loads the embedded dictionary (no file or network access at run time).
#[cfg(feature = "embedded-dictionary")]
pub fn embedded() -> Result<Dictionary, DictError> {
    patrol_dict::load(EMBEDDED)
}

/// Loads a compact dictionary from bytes (the wasm build receives them from JavaScript).
pub fn from_bytes(bytes: &[u8]) -> Result<Dictionary, DictError> {
    patrol_dict::load(bytes)
}
