//! For the extension, per flagged post: already reported? held (削除依頼不可)? removed? Volunteers learn that a
//! post is held but not why; the case id is given only to those who may open it.

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::policy::{Role, Scope};
use crate::routes::{audited, holds};
use crate::{urlnorm, Shared};
use axum::extract::{Query, State};
use axum::response::Response;
use axum::{Extension, Json};
use serde::Deserialize;
use serde_json::json;
use sqlx::Row;

#[derive(Deserialize)]
pub struct LookupQuery {
    url: String,
}

pub async fn lookup(
    State(state): State<Shared>,
    Extension(c): Extension<Caller>,
    Query(q): Query<LookupQuery>,
) -> ApiResult<Response> {
    let norm = urlnorm::normalize(&q.url)
        .map_err(|e| ApiError::invalid(format!("URL が不正です: {e}")))?;
    let db = &state.db.read;
    let case =
        sqlx::query("SELECT id, unit, status, report_count FROM cases WHERE normalized_url = $1")
            .bind(&norm)
            .fetch_optional(db)
            .await?;
    let (reported, report_count, case_id, status) = match &case {
        None => (false, 0, None, None),
        Some(r) => {
            let id: i64 = r.try_get("id")?;
            let unit: String = r.try_get("unit")?;
            // Only the owning unit opens the case; other units learn that it exists.
            let may_open = match (c.role, c.scope) {
                (Role::Volunteer, _) => false,
                (_, Scope::All) => true,
                _ => unit == c.unit,
            };
            let status: String = r.try_get("status")?;
            (
                true,
                r.try_get::<i64, _>("report_count")?,
                may_open.then_some(id),
                may_open.then_some(status),
            )
        }
    };
    let active = holds::active(db, &norm).await?;
    let hold_unit: Option<String> = active.as_ref().and_then(|h| h.try_get("unit").ok());
    let hold = active.map(|h| {
        json!({"unit": h.try_get::<String, _>("unit").unwrap_or_default(), "contact": h.try_get::<String, _>("contact").unwrap_or_default(),
               "since": h.try_get::<String, _>("created_at").unwrap_or_default(),
               "reason": if c.role == Role::Volunteer { None } else { h.try_get::<String, _>("reason").ok() }})
    });
    let td = sqlx::query(
        "SELECT state FROM takedowns WHERE normalized_url = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(&norm)
    .fetch_optional(db)
    .await?;
    let td_state: Option<String> = td.map(|r| r.try_get(0)).transpose()?;
    let v = json!({"url": q.url, "normalized_url": norm, "reported": reported, "report_count": report_count, "case_id": case_id,
                   "status": status, "held": hold.is_some(), "hold": hold,
                   "held_for_caller": hold_unit.as_deref() == Some(c.unit.as_str()),
                   "held_by_other_unit": hold_unit.as_deref().is_some_and(|u| u != c.unit), "takedown_state": td_state,
                   "removed": td_state.as_deref() == Some("removed")});
    Ok(audited(format!("url:{norm}"), Json(v)))
}
