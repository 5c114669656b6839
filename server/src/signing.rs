//! The server's Ed25519 key for site-profile bundles (docs/architecture.md, "Signed site-profile bundles"). The
//! key is generated on first start and kept in the database's settings table, so a restored backup signs with
//! the same key the extensions were configured with.

use base64::Engine;
use ed25519_dalek::{Signer as _, SigningKey};
use sha2::{Digest, Sha256};

pub struct Signer {
    key: SigningKey,
    pub key_id: String,
}

const SETTING: &str = "site_profile_signing_key";

impl Signer {
    pub async fn load_or_create(db: &crate::db::Db) -> Result<Signer, String> {
        let err = |e: sqlx::Error| format!("cannot read the signing key: {e}");
        let seed_hex = match db.setting(SETTING).await.map_err(err)? {
            Some(s) => s,
            None => {
                let key = SigningKey::generate(&mut rand::rngs::OsRng);
                let hex = hex::encode(key.to_bytes());
                // Two servers starting on one new database at once: the first insert wins, both read it back.
                let _ = sqlx::query(
                    "INSERT INTO settings (setting_key, setting_value) VALUES ($1, $2)",
                )
                .bind(SETTING)
                .bind(&hex)
                .execute(&db.write)
                .await;
                db.setting(SETTING)
                    .await
                    .map_err(err)?
                    .ok_or("signing key missing after creation")?
            }
        };
        let bytes: [u8; 32] = hex::decode(seed_hex.trim())
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or("the stored signing key is not 32 bytes of hex")?;
        let key = SigningKey::from_bytes(&bytes);
        let key_id = hex::encode(&Sha256::digest(key.verifying_key().as_bytes())[..8]);
        Ok(Signer { key, key_id })
    }

    pub fn public_key_b64(&self) -> String {
        base64::engine::general_purpose::STANDARD.encode(self.key.verifying_key().as_bytes())
    }

    /// Signs a bundle with `patrol_sites::bundle::sign`, which refuses profiles that do not compile, so a broken
    /// profile never reaches the extensions.
    pub fn sign_bundle(
        &self,
        version: &str,
        profiles: &[serde_json::Value],
    ) -> Result<patrol_sites::bundle::Bundle, String> {
        patrol_sites::bundle::sign(version, profiles, &self.key_id, &self.key.to_bytes())
            .map_err(|e| e.to_string())
    }

    /// `{key_id, payload, signature}` over the payload bytes.
    pub fn sign(&self, payload: &[u8]) -> (String, String) {
        let b64 = base64::engine::general_purpose::STANDARD;
        (
            b64.encode(payload),
            b64.encode(self.key.sign(payload).to_bytes()),
        )
    }

    pub fn verifying_key(&self) -> ed25519_dalek::VerifyingKey {
        self.key.verifying_key()
    }
}
