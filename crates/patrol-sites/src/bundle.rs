//! Signed site-profile bundles (endpoint → extension), so that profiles can follow X's markup
//! without a new extension release. Format (docs/architecture.md):
//! `{"key_id", "payload": base64(UTF-8 JSON {"version", "profiles": [...]}), "signature":
//! base64(Ed25519 over the decoded payload bytes)}`. The extension's `verifyBundle`
//! (`extension/src/shared/bundle.js`) checks the same things in the same order.

use std::fmt;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};

use crate::profile::{compare_versions, profile_from_value, Profile};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bundle {
    pub key_id: String,
    pub payload: String,
    pub signature: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BundleError {
    /// The bundle or its payload is not in the format (bad base64, not JSON, missing fields).
    Malformed(String),
    /// The signature does not verify with the configured key: the payload was changed, or
    /// another key signed it.
    BadSignature,
    /// The bundle is not newer than the profiles in use (a replayed or stale bundle).
    NotNewer { version: String, current: String },
    /// A profile inside does not compile.
    InvalidProfile(String),
    /// The signing or public key is not a valid Ed25519 key.
    BadKey(String),
}

impl fmt::Display for BundleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BundleError::Malformed(r) => write!(f, "malformed bundle: {r}"),
            BundleError::BadSignature => write!(
                f,
                "bad signature: the payload does not verify with the configured public key (changed payload or another key)"
            ),
            BundleError::NotNewer { version, current } => write!(
                f,
                "not newer: bundle version {version} is not newer than the current {current}"
            ),
            BundleError::InvalidProfile(r) => write!(f, "invalid profile in bundle: {r}"),
            BundleError::BadKey(r) => write!(f, "bad key: {r}"),
        }
    }
}

impl std::error::Error for BundleError {}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Payload {
    version: String,
    profiles: Vec<serde_json::Value>,
}

fn check_profiles(
    version: &str,
    profiles: &[serde_json::Value],
) -> Result<Vec<Profile>, BundleError> {
    if compare_versions(version, version).is_none() {
        return Err(BundleError::Malformed(format!(
            "version {version:?} is not YYYY.MM.DD.N"
        )));
    }
    let compiled = profiles
        .iter()
        .enumerate()
        .map(|(i, v)| {
            profile_from_value(&format!("bundle profiles[{i}]"), v.clone())
                .map_err(|e| BundleError::InvalidProfile(e.to_string()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    crate::profile::check_unique("bundle", &compiled)
        .map_err(|e| BundleError::InvalidProfile(e.to_string()))?;
    Ok(compiled)
}

/// The public key (base64, 32 bytes) of a 32-byte Ed25519 secret seed, for the extension's settings.
pub fn public_key_base64(secret_seed: &[u8; 32]) -> String {
    STANDARD.encode(
        SigningKey::from_bytes(secret_seed)
            .verifying_key()
            .to_bytes(),
    )
}

/// Signs a bundle of profiles (each given as its JSON). Refuses profiles that do not compile,
/// so a broken profile never reaches the extensions.
pub fn sign(
    version: &str,
    profiles: &[serde_json::Value],
    key_id: &str,
    secret_seed: &[u8; 32],
) -> Result<Bundle, BundleError> {
    check_profiles(version, profiles)?;
    let payload = serde_json::to_vec(&Payload {
        version: version.to_string(),
        profiles: profiles.to_vec(),
    })
    .map_err(|e| BundleError::Malformed(e.to_string()))?;
    let key = SigningKey::from_bytes(secret_seed);
    let signature = key.sign(&payload);
    Ok(Bundle {
        key_id: key_id.to_string(),
        payload: STANDARD.encode(&payload),
        signature: STANDARD.encode(signature.to_bytes()),
    })
}

/// A verified bundle.
#[derive(Debug)]
pub struct Verified {
    pub version: String,
    pub profiles: Vec<Profile>,
}

/// Verifies signature, then version (strictly newer than `current_version` when given), then
/// that every profile compiles. Nothing from the payload is trusted before the signature holds.
pub fn verify(
    bundle: &Bundle,
    public_key_base64: &str,
    current_version: Option<&str>,
) -> Result<Verified, BundleError> {
    let key_bytes: [u8; 32] = STANDARD
        .decode(public_key_base64.trim())
        .map_err(|e| BundleError::BadKey(format!("public key is not base64: {e}")))?
        .try_into()
        .map_err(|_| BundleError::BadKey("public key is not 32 bytes".into()))?;
    let key = VerifyingKey::from_bytes(&key_bytes)
        .map_err(|e| BundleError::BadKey(format!("not an Ed25519 public key: {e}")))?;
    let payload = STANDARD
        .decode(bundle.payload.trim())
        .map_err(|e| BundleError::Malformed(format!("payload is not base64: {e}")))?;
    let sig_bytes = STANDARD
        .decode(bundle.signature.trim())
        .map_err(|e| BundleError::Malformed(format!("signature is not base64: {e}")))?;
    let signature = Signature::from_slice(&sig_bytes)
        .map_err(|_| BundleError::Malformed("signature is not 64 bytes".into()))?;
    key.verify_strict(&payload, &signature)
        .map_err(|_| BundleError::BadSignature)?;
    let parsed: Payload = serde_json::from_slice(&payload)
        .map_err(|e| BundleError::Malformed(format!("payload is not the bundle JSON: {e}")))?;
    if let Some(current) = current_version {
        match compare_versions(&parsed.version, current) {
            Some(std::cmp::Ordering::Greater) => {}
            Some(_) => {
                return Err(BundleError::NotNewer {
                    version: parsed.version,
                    current: current.to_string(),
                })
            }
            None => {
                return Err(BundleError::Malformed(format!(
                    "versions {:?} / {current:?} are not YYYY.MM.DD.N",
                    parsed.version
                )))
            }
        }
    }
    let profiles = check_profiles(&parsed.version, &parsed.profiles)?;
    Ok(Verified {
        version: parsed.version,
        profiles,
    })
}
