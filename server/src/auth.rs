//! Who is calling: an API token (`Authorization: Bearer`, the extension) or a session cookie plus CSRF header (the
//! inbox). Tokens and session ids are 256-bit random values; only their SHA-256 is stored.

use crate::db::Db;
use crate::error::{ApiError, ApiResult};
use crate::policy::{Role, Scope};
use axum::http::{header, HeaderMap, Method};
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::Row;

pub const SESSION_COOKIE: &str = "patrol_session";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The authenticated caller and the scope the policy table granted for this request's action.
#[derive(Debug, Clone)]
pub struct Caller {
    pub id: i64,
    pub name: String,
    pub role: Role,
    pub unit: String,
    pub scope: Scope,
    /// SHA-256 of the session id when the request came with the cookie.
    pub session: Option<String>,
    pub csrf: Option<String>,
}

impl Caller {
    /// Whether a record made by `owner_id` in `unit` lies inside the granted scope.
    pub fn sees(&self, owner_id: i64, unit: &str) -> bool {
        match self.scope {
            Scope::Own => owner_id == self.id,
            Scope::Unit => unit == self.unit,
            Scope::All => true,
        }
    }
    /// A report is visible to its reporter (own scope), to its unit, and to the unit that owns its case (which
    /// reviews every report on it).
    pub fn sees_report(&self, owner_id: i64, report_unit: &str, case_unit: &str) -> bool {
        self.sees(owner_id, report_unit) || (self.scope == Scope::Unit && case_unit == self.unit)
    }
    pub fn label(&self) -> String {
        format!("{} ({}, {})", self.name, self.role.as_str(), self.unit)
    }
}

pub fn random_token() -> String {
    let mut b = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut b);
    hex::encode(b)
}

pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|kv| {
            let (k, v) = kv.trim().split_once('=')?;
            (k == name).then(|| v.to_string())
        })
}

/// The identity behind the request's credentials, without any authorisation yet.
pub struct Identity {
    pub id: i64,
    pub name: String,
    pub role: Role,
    pub unit: String,
    pub session: Option<String>,
    pub csrf: Option<String>,
}

pub async fn identify(db: &Db, headers: &HeaderMap, method: &Method) -> ApiResult<Identity> {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(|t| t.trim().to_string());
    if let Some(token) = bearer {
        let row = sqlx::query(
            "SELECT id, name, role, unit FROM users WHERE token_hash = $1 AND disabled = 0",
        )
        .bind(hash_token(&token))
        .fetch_optional(&db.read)
        .await?
        .ok_or(ApiError::Unauthenticated)?;
        return identity_of(&row, None, None);
    }
    let Some(sid) = cookie_value(headers, SESSION_COOKIE) else {
        return Err(ApiError::Unauthenticated);
    };
    let sid_hash = hash_token(&sid);
    let row = sqlx::query(
        "SELECT u.id, u.name, u.role, u.unit, s.csrf FROM sessions s JOIN users u ON u.id = s.user_id \
         WHERE s.id_hash = $1 AND s.expires_at > $2 AND u.disabled = 0",
    )
    .bind(&sid_hash)
    .bind(crate::time::now())
    .fetch_optional(&db.read)
    .await?
    .ok_or(ApiError::Unauthenticated)?;
    let csrf: String = row.try_get("csrf")?;
    // A cookie travels with any request the browser makes; state changes need the token only our page can read.
    if !matches!(*method, Method::GET | Method::HEAD) {
        let sent = headers
            .get(CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if sent.is_empty() || !constant_time_eq(sent.as_bytes(), csrf.as_bytes()) {
            return Err(ApiError::Csrf);
        }
    }
    identity_of(&row, Some(sid_hash), Some(csrf))
}

fn identity_of(
    row: &sqlx::any::AnyRow,
    session: Option<String>,
    csrf: Option<String>,
) -> ApiResult<Identity> {
    let role: String = row.try_get("role")?;
    Ok(Identity {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        role: Role::parse(&role)
            .ok_or_else(|| ApiError::Internal(format!("unknown role {role}")))?,
        unit: row.try_get("unit")?,
        session,
        csrf,
    })
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Creates a user and returns (id, token). The token is shown once.
pub async fn create_user(
    db: &Db,
    name: &str,
    role: &str,
    unit: &str,
) -> Result<(i64, String), String> {
    if Role::parse(role).is_none() {
        return Err(format!(
            "unknown role {role:?}: use volunteer, officer, supervisor or admin"
        ));
    }
    if name.trim().is_empty() || unit.trim().is_empty() {
        return Err("name and unit must not be empty".into());
    }
    let token = random_token();
    let id: i64 = sqlx::query("INSERT INTO users (name, role, unit, token_hash, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id")
        .bind(name.trim())
        .bind(role)
        .bind(unit.trim())
        .bind(hash_token(&token))
        .bind(crate::time::now())
        .fetch_one(&db.write)
        .await
        .and_then(|r| r.try_get(0))
        .map_err(|e| format!("cannot create user: {e}"))?;
    Ok((id, token))
}
