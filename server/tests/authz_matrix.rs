//! The authorisation matrix, exhaustive (issue 6): every route of `server/openapi.json` × every kind of caller ×
//! every relation of the caller to the object (own record, a colleague's in the same unit, another unit's, absent),
//! each asserted against one table written here from the documents — issue 5's role list and the seeds — not
//! copied from `policy.rs`. Every refusal must leave an audit row saying so. Runs on SQLite and PostgreSQL.
//!
//! Where the table comes from:
//! - volunteers (001 §6(1)) flag and report; they see only their own reports, no cases, no registry, no forms;
//! - officers (001 §5(2), 003 §4) submit cases with evidence and forms, read their unit's cases and reports, warn
//!   (001 §5(3)) and request takedowns (000 §1(1)), read the holds registry (000 §1(2)ア) and the providers
//!   directory (003 §4(4)) that they address inquiries with;
//! - supervisors (the unit's responsible officer, 001 §5(3)) additionally approve / return / close their unit's
//!   cases, register and release holds (000 §4(1)), hand the ICSA list over (000 §2(1)) and make the monthly
//!   report (001 §5(4));
//! - the admin sits at headquarters (本部), which receives every station's reports (001 §5(2)): reads everything,
//!   manages users, providers, retention (002 §5), site profiles and reads the audit log — but reviews, warns,
//!   holds and requests takedowns for no unit;
//! - anyone without valid credentials gets 401; a browser session needs the CSRF header on every state change.

mod common;

use axum::http::StatusCode;
use common::{submission, TestApp};
use serde_json::{json, Value};
use std::collections::BTreeMap;

const A: &str = "熊本中央署";
const B: &str = "熊本南署";
const HQ: &str = "本部";

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Role {
    Admin,
    Supervisor,
    Officer,
    Volunteer,
}

/// Who calls.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Who {
    Role(Role),
    NoToken,
    BadToken,
    /// The token of a user an admin has disabled.
    DisabledToken,
    /// A session cookie past its expiry.
    ExpiredSession,
    /// A session cookie after `DELETE /api/session`.
    LoggedOutSession,
    /// The supervisor through the inbox: session cookie and the CSRF header.
    SessionWithCsrf,
    /// The supervisor's session cookie without the CSRF header (what a cross-site form would send).
    SessionWithoutCsrf,
}

const WHO: [Who; 11] = [
    Who::Role(Role::Admin),
    Who::Role(Role::Supervisor),
    Who::Role(Role::Officer),
    Who::Role(Role::Volunteer),
    Who::NoToken,
    Who::BadToken,
    Who::DisabledToken,
    Who::ExpiredSession,
    Who::LoggedOutSession,
    Who::SessionWithCsrf,
    Who::SessionWithoutCsrf,
];

/// The object's relation to the caller.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Rel {
    /// The route names no object of a unit or user (lists, creation, directory entries, users).
    NoObject,
    /// Made by the caller.
    Own,
    /// Made by a colleague of the caller's unit.
    Unit,
    /// Made in another unit.
    Other,
    /// No such id.
    Missing,
}

/// What an object-bearing route acts on.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Obj {
    None,
    Submission,
    Artefact,
    Form,
    CaseNew,
    CaseApproved,
    Hold,
    Takedown,
    Provider,
    User,
}

fn obj_of(route: &str) -> Obj {
    match route {
        "GET /api/submissions/{id}" => Obj::Submission,
        "GET /api/submissions/{id}/artefacts/{name}" => Obj::Artefact,
        "GET /api/forms/{id}" => Obj::Form,
        "GET /api/cases/{id}" | "POST /api/cases/{id}/approve" | "POST /api/cases/{id}/return" => {
            Obj::CaseNew
        }
        "POST /api/cases/{id}/done" | "POST /api/cases/{id}/warnings" => Obj::CaseApproved,
        "POST /api/holds/{id}/release" => Obj::Hold,
        "POST /api/takedowns/{id}/checks" | "GET /api/takedowns/{id}/foreign-report" => {
            Obj::Takedown
        }
        "PUT /api/providers/{id}"
        | "DELETE /api/providers/{id}"
        | "GET /api/providers/{id}/history" => Obj::Provider,
        "POST /api/users/{id}/disable" => Obj::User,
        _ => Obj::None,
    }
}

/// Whether a role may take the route's action at all (before any object is looked at), from the documents.
fn role_may(route: &str, r: Role) -> bool {
    use Role::*;
    let (adm, sup, off, vol) = (r == Admin, r == Supervisor, r == Officer, r == Volunteer);
    match route {
        "GET /api/session" | "DELETE /api/session" | "GET /api/lookup" => true,
        // Reports from every role; HQ's own patrol included (001 §5(2)).
        "POST /api/submissions" | "GET /api/submissions" | "GET /api/submissions/{id}" => true,
        // Evidence and forms exist only on officers' submissions; who reads them follows the submission.
        "GET /api/submissions/{id}/artefacts/{name}" | "GET /api/forms/{id}" => true,
        "GET /api/cases" | "GET /api/cases/{id}" => !vol,
        "POST /api/cases/{id}/approve"
        | "POST /api/cases/{id}/return"
        | "POST /api/cases/{id}/done" => sup,
        "POST /api/cases/{id}/warnings" => sup || off,
        "GET /api/holds" => !vol,
        "POST /api/holds" | "POST /api/holds/{id}/release" => sup,
        "GET /api/takedowns"
        | "GET /api/takedowns/overdue"
        | "GET /api/takedowns/{id}/foreign-report" => !vol,
        "POST /api/takedowns" | "POST /api/takedowns/{id}/checks" => sup || off,
        "GET /api/takedowns/export.csv" | "GET /api/reports/monthly" => sup || adm,
        "GET /api/providers" | "GET /api/providers/{id}/history" => !vol,
        "POST /api/providers" | "PUT /api/providers/{id}" | "DELETE /api/providers/{id}" => adm,
        "GET /api/retention" | "PUT /api/retention" | "POST /api/retention/purge" => adm,
        "POST /api/site-profiles" => adm,
        "GET /api/users"
        | "POST /api/users"
        | "POST /api/users/{id}/disable"
        | "GET /api/audit" => adm,
        other => panic!("route {other} is missing from the test's table"),
    }
}

fn public(route: &str) -> bool {
    matches!(
        route,
        "GET /api/openapi.json"
            | "GET /api/health"
            | "POST /api/session"
            | "GET /api/site-profiles/latest"
            | "GET /api/site-profiles/public-key"
    )
}

/// How far a granted action reaches over objects of a unit: the admin's reads reach every unit; everything else
/// stays in the caller's unit, and a volunteer's reach is their own reports.
fn reaches(route: &str, r: Role, rel: Rel) -> bool {
    match rel {
        Rel::NoObject | Rel::Missing => true,
        Rel::Own => true,
        Rel::Unit => r != Role::Volunteer,
        Rel::Other => r == Role::Admin && route.starts_with("GET "),
    }
}

fn success(route: &str) -> u16 {
    match route {
        "POST /api/submissions"
        | "POST /api/cases/{id}/warnings"
        | "POST /api/holds"
        | "POST /api/takedowns"
        | "POST /api/providers"
        | "POST /api/site-profiles"
        | "POST /api/users" => 201,
        "DELETE /api/session" | "DELETE /api/providers/{id}" => 204,
        _ => 200,
    }
}

/// THE TABLE: the expected status of one cell.
fn expected(route: &str, who: Who, rel: Rel) -> u16 {
    if public(route) {
        return success(route);
    }
    let write = !route.starts_with("GET ");
    let role = match who {
        Who::Role(r) => r,
        Who::SessionWithCsrf => Role::Supervisor,
        Who::SessionWithoutCsrf if write => return 403,
        Who::SessionWithoutCsrf => Role::Supervisor,
        Who::NoToken
        | Who::BadToken
        | Who::DisabledToken
        | Who::ExpiredSession
        | Who::LoggedOutSession => return 401,
    };
    if !role_may(route, role) {
        return 403;
    }
    if rel == Rel::Missing {
        return 404;
    }
    if !reaches(route, role, rel) {
        return 403;
    }
    success(route)
}

/// The world the cells run in: users of two units and HQ.
struct World {
    tokens: BTreeMap<&'static str, String>,
    ids: BTreeMap<&'static str, i64>,
    seq: std::sync::atomic::AtomicU32,
}

impl World {
    fn t(&self, k: &str) -> &str {
        self.tokens.get(k).map(String::as_str).expect("token")
    }
    fn next(&self) -> u32 {
        self.seq.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
    }
}

async fn world(app: &TestApp) -> World {
    let mut tokens = BTreeMap::new();
    let mut ids = BTreeMap::new();
    for (k, name, role, unit) in [
        ("admin", "管理者", "admin", HQ),
        ("sup", "責任者A", "supervisor", A),
        ("off", "警察官A", "officer", A),
        ("vol", "協力者A", "volunteer", A),
        ("sup2", "責任者A2", "supervisor", A),
        ("off2", "警察官A2", "officer", A),
        ("vol2", "協力者A2", "volunteer", A),
        ("supB", "責任者B", "supervisor", B),
        ("offB", "警察官B", "officer", B),
        ("supHQ", "責任者本部", "supervisor", HQ),
        ("gone", "退職者", "officer", A),
    ] {
        let (id, token) = patrol_server::auth::create_user(&app.state.db, name, role, unit)
            .await
            .expect("user");
        tokens.insert(k, token);
        ids.insert(k, id);
    }
    let w = World {
        tokens,
        ids,
        seq: Default::default(),
    };
    let r = app
        .post(
            &format!("/api/users/{}/disable", w.ids["gone"]),
            w.t("admin"),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    // A published bundle, so that the public `latest` route has something to serve.
    let r = app
        .post("/api/site-profiles", w.t("admin"), &bundle(&w))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    w
}

fn bundle(w: &World) -> Value {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../profiles/x.json");
    let profile: Value =
        serde_json::from_str(&std::fs::read_to_string(p).expect("profile")).expect("json");
    json!({"version": format!("2026.11.22.{}", 100 + w.next()), "profiles": [profile]})
}

/// The token that makes an object of `rel` for a caller of `role`, or None where the relation cannot exist
/// (a volunteer has no evidence, an admin no unit colleagues, only supervisors register holds).
fn maker(w: &World, obj: Obj, role: Role, rel: Rel) -> Option<&str> {
    let own = match role {
        Role::Admin => "admin",
        Role::Supervisor => "sup",
        Role::Officer => "off",
        Role::Volunteer => "vol",
    };
    let k = match (obj, rel) {
        (Obj::Hold, Rel::Own) if role != Role::Supervisor => return None,
        (Obj::Hold, Rel::Unit) => "sup2",
        (Obj::Hold, Rel::Other) => "supB",
        (Obj::Takedown, Rel::Own) if !matches!(role, Role::Supervisor | Role::Officer) => {
            return None
        }
        (Obj::Artefact | Obj::Form, Rel::Own) if role == Role::Volunteer => return None,
        (_, Rel::Own) => own,
        (_, Rel::Unit) if role == Role::Admin => return None,
        (Obj::Submission, Rel::Unit) if role == Role::Volunteer => "vol2",
        (_, Rel::Unit) => "off2",
        (_, Rel::Other) => "offB",
        _ => return None,
    };
    Some(w.t(k))
}

/// A fresh object for one cell: (path ids, artefact name).
async fn make(app: &TestApp, w: &World, obj: Obj, token: &str) -> (i64, String) {
    let n = w.next();
    let url = format!("https://x.com/m{n}/status/{}", 9000 + n);
    match obj {
        Obj::Submission | Obj::Artefact | Obj::Form | Obj::CaseNew | Obj::CaseApproved => {
            let volunteer = token == w.t("vol") || token == w.t("vol2");
            let mut body = submission(
                &format!("mx-{n:06}"),
                if volunteer { "report" } else { "case" },
                &url,
                "JKです。ホ別2で会える人",
                &["child_sexual_contact"],
                "none",
            );
            if matches!(obj, Obj::Artefact | Obj::Form) {
                body["evidence"] = common::golden_evidence();
                body["forms"] = json!([{"form": "provider_inquiry", "html": "<p>照会書</p>"}]);
            }
            let r = app.post("/api/submissions", token, &body).await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
            let sid = r.json()["submission_id"].as_i64().expect("sid");
            let cid = r.json()["case_id"].as_i64().expect("cid");
            match obj {
                Obj::Submission => (sid, String::new()),
                Obj::CaseNew => (cid, String::new()),
                Obj::CaseApproved => {
                    // Approved by the supervisor of the case's unit, whichever that is.
                    let mut ok = false;
                    for sup in ["sup", "supB", "supHQ"] {
                        let r = app
                            .post(&format!("/api/cases/{cid}/approve"), w.t(sup), &json!({}))
                            .await;
                        ok |= r.status == StatusCode::OK;
                    }
                    assert!(ok, "no supervisor could approve case {cid}");
                    (cid, String::new())
                }
                Obj::Form => {
                    let s = app.get(&format!("/api/submissions/{sid}"), token).await;
                    let form = s.json()["forms"][0]["id"].as_i64().unwrap_or_else(|| {
                        panic!("form id in {}", s.text());
                    });
                    (form, String::new())
                }
                _ => {
                    let s = app.get(&format!("/api/submissions/{sid}"), token).await;
                    let name = s.json()["artefacts"][0]["name"]
                        .as_str()
                        .unwrap_or_else(|| panic!("artefact in {}", s.text()))
                        .to_string();
                    (sid, name)
                }
            }
        }
        Obj::Hold => {
            let r = app
                .post(
                    "/api/holds",
                    token,
                    &json!({"url": url, "reason": "捜査中", "contact": "生活安全課 内線1234"}),
                )
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
            (r.json()["id"].as_i64().expect("hold id"), String::new())
        }
        Obj::Takedown => {
            let r = app
                .post(
                    "/api/takedowns",
                    token,
                    &json!({"url": url, "method": "form", "administrator": "Example Ltd.", "foreign": true}),
                )
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
            (r.json()["id"].as_i64().expect("takedown id"), String::new())
        }
        Obj::Provider => {
            let r = app
                .post(
                    "/api/providers",
                    w.t("admin"),
                    &json!({"domain": format!("p{n}.example.jp"), "name": "プロバイダ株式会社"}),
                )
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
            (r.json()["id"].as_i64().expect("provider id"), String::new())
        }
        Obj::User => {
            let (id, _) = patrol_server::auth::create_user(
                &app.state.db,
                &format!("利用者{n}"),
                "officer",
                A,
            )
            .await
            .expect("user");
            (id, String::new())
        }
        Obj::None => (0, String::new()),
    }
}

/// A valid request body for the route (so that an allowed caller succeeds).
fn body_for(w: &World, route: &str) -> Option<Value> {
    let n = w.next();
    Some(match route {
        "POST /api/session" => json!({"token": w.t("off")}),
        "POST /api/submissions" => submission(
            &format!("cell-{n:06}"),
            "report",
            &format!("https://x.com/c{n}/status/{n}"),
            "死にたい",
            &["suicide_notice"],
            "watch",
        ),
        "POST /api/cases/{id}/approve" | "POST /api/cases/{id}/done" => json!({}),
        "POST /api/cases/{id}/return" => json!({"comment": "証拠が不足しています"}),
        "POST /api/cases/{id}/warnings" => json!({"category": "child_sexual_contact"}),
        "POST /api/holds" => {
            json!({"url": format!("https://x.com/h{n}/status/{n}"), "reason": "捜査中", "contact": "内線1"})
        }
        "POST /api/holds/{id}/release" => json!({"comment": "捜査終了"}),
        "POST /api/takedowns" => {
            json!({"url": format!("https://x.com/t{n}/status/{n}"), "method": "form"})
        }
        "POST /api/takedowns/{id}/checks" => json!({"result": "still_up"}),
        "POST /api/providers" | "PUT /api/providers/{id}" => {
            json!({"domain": format!("q{n}.example.jp"), "name": "株式会社プロバイダ"})
        }
        "PUT /api/retention" => json!({"periods": {"evidence": 400}}),
        "POST /api/site-profiles" => bundle(w),
        "POST /api/users" => json!({"name": format!("新任{n}"), "role": "volunteer", "unit": A}),
        _ if route.starts_with("GET ") || route.starts_with("DELETE ") => return None,
        _ => json!({}),
    })
}

fn query_for(route: &str) -> &'static str {
    match route {
        "GET /api/lookup" => "?url=https%3A%2F%2Fx.com%2Fa%2Fstatus%2F1",
        _ => "",
    }
}

async fn session(app: &TestApp, token: &str) -> (String, String) {
    let r = app
        .send(
            "POST",
            "/api/session",
            None,
            Some(&json!({"token": token})),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let cookie = r.headers["set-cookie"]
        .to_str()
        .expect("cookie")
        .split(';')
        .next()
        .expect("pair")
        .to_string();
    let csrf = r.json()["csrf_token"].as_str().expect("csrf").to_string();
    (cookie, csrf)
}

fn routes() -> Vec<String> {
    let doc: Value = serde_json::from_str(patrol_server::routes::OPENAPI).expect("openapi");
    let mut out = Vec::new();
    for (path, ops) in doc["paths"].as_object().expect("paths") {
        for m in ops.as_object().expect("ops").keys() {
            if ["get", "post", "put", "delete", "patch"].contains(&m.as_str()) {
                out.push(format!("{} {path}", m.to_uppercase()));
            }
        }
    }
    out
}

fn rels(route: &str) -> &'static [Rel] {
    match obj_of(route) {
        Obj::None => &[Rel::NoObject],
        Obj::Provider | Obj::User => &[Rel::NoObject, Rel::Missing],
        _ => &[Rel::Own, Rel::Unit, Rel::Other, Rel::Missing],
    }
}

async fn matrix(app: &TestApp) {
    let w = world(app).await;
    let mut checked = 0usize;
    let mut failures = Vec::new();
    let mut refusals_audited = 0usize;
    for route in routes() {
        let (method, template) = route.split_once(' ').expect("route");
        for who in WHO {
            // The role whose objects a cell's relation is about (the supervisor for the inbox session).
            let role = match who {
                Who::Role(r) => r,
                _ => Role::Supervisor,
            };
            for &rel in rels(&route) {
                if rel != Rel::NoObject && rel != Rel::Missing && !matches!(who, Who::Role(_)) {
                    // Credentials are refused (or granted as the supervisor) before any object: one
                    // relation is enough for them.
                    if rel != Rel::Own {
                        continue;
                    }
                }
                let obj = obj_of(&route);
                let (id, name) = match rel {
                    Rel::NoObject => {
                        if matches!(obj, Obj::Provider | Obj::User) {
                            make(app, &w, obj, w.t("admin")).await
                        } else {
                            (0, String::new())
                        }
                    }
                    Rel::Missing => (987_654_321, "missing.png".to_string()),
                    _ => {
                        let Some(t) = maker(&w, obj, role, rel) else {
                            continue;
                        };
                        make(app, &w, obj, t).await
                    }
                };
                let path = template
                    .replace("{id}", &id.to_string())
                    .replace("{name}", &name.replace('/', "%2F"))
                    + query_for(&route);
                let body = body_for(&w, &route);
                let mut headers: Vec<(String, String)> = Vec::new();
                let token: Option<String> = match who {
                    Who::Role(Role::Admin) => Some(w.t("admin").into()),
                    Who::Role(Role::Supervisor) => Some(w.t("sup").into()),
                    Who::Role(Role::Officer) => Some(w.t("off").into()),
                    Who::Role(Role::Volunteer) => Some(w.t("vol").into()),
                    Who::NoToken => None,
                    Who::BadToken => Some("0".repeat(64)),
                    Who::DisabledToken => Some(w.t("gone").into()),
                    Who::ExpiredSession => {
                        let (cookie, csrf) = session(app, w.t("sup")).await;
                        sqlx::query("UPDATE sessions SET expires_at = $1")
                            .bind("2000-01-01T00:00:00.000Z")
                            .execute(&app.state.db.write)
                            .await
                            .expect("expire");
                        headers.push(("cookie".into(), cookie));
                        headers.push(("x-csrf-token".into(), csrf));
                        None
                    }
                    Who::LoggedOutSession => {
                        let (cookie, csrf) = session(app, w.t("sup")).await;
                        let r = app
                            .send(
                                "DELETE",
                                "/api/session",
                                None,
                                None,
                                &[("cookie", &cookie), ("x-csrf-token", &csrf)],
                            )
                            .await;
                        assert_eq!(r.status, StatusCode::NO_CONTENT);
                        headers.push(("cookie".into(), cookie));
                        headers.push(("x-csrf-token".into(), csrf));
                        None
                    }
                    Who::SessionWithCsrf | Who::SessionWithoutCsrf => {
                        let (cookie, csrf) = session(app, w.t("sup")).await;
                        headers.push(("cookie".into(), cookie));
                        if who == Who::SessionWithCsrf {
                            headers.push(("x-csrf-token".into(), csrf));
                        }
                        None
                    }
                };
                let h: Vec<(&str, &str)> = headers
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect();
                let r = app
                    .send(method, &path, token.as_deref(), body.as_ref(), &h)
                    .await;
                let want = expected(&route, who, rel);
                checked += 1;
                if r.status.as_u16() != want {
                    failures.push(format!(
                        "{route} as {who:?} on {rel:?} ({path}): got {}, table says {want}: {}",
                        r.status.as_u16(),
                        r.text().chars().take(200).collect::<String>()
                    ));
                    continue;
                }
                if want == 401 || want == 403 {
                    // A refusal is logged: the newest audit row says refused, with the status and the user.
                    let last = app.last_audit(1).await;
                    let (outcome, _, user, status) = &last[0];
                    let user_ok = match who {
                        Who::Role(_) => user.is_some(),
                        Who::SessionWithCsrf => user.is_some(),
                        // A cookie without the CSRF header is refused before it identifies anyone on a write,
                        // and is the supervisor on a read.
                        Who::SessionWithoutCsrf => user.is_some() == (method == "GET"),
                        _ => user.is_none(),
                    };
                    if outcome != "refused" || *status != i64::from(want) || !user_ok {
                        failures.push(format!(
                            "{route} as {who:?} on {rel:?}: refused with {want} but audit says {last:?}"
                        ));
                    } else {
                        refusals_audited += 1;
                    }
                }
            }
        }
    }
    eprintln!(
        "authz matrix: {checked} cells checked, {refusals_audited} refusals found in the audit log, {} routes",
        routes().len()
    );
    assert!(
        failures.is_empty(),
        "{} of {checked} cells disagree with the table:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(checked > 500, "the matrix ran only {checked} cells");
}
both!(matrix);

/// The newest audit row in full: (outcome, action, user name, status, path).
async fn last_row(app: &TestApp) -> (String, String, Option<String>, i64, String) {
    use sqlx::Row;
    let r = sqlx::query(
        "SELECT outcome, action, user_name, status, path FROM audit ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(&app.state.db.read)
    .await
    .expect("audit row");
    (
        r.get(0),
        r.get(1),
        r.get::<Option<String>, _>(2),
        r.get(3),
        r.get(4),
    )
}

/// The three refusals issue 6 names, each refused with 403 and logged with who, what and where.
async fn named_refusals_are_refused_and_logged(app: &TestApp) {
    let w = world(app).await;
    // A volunteer reading another volunteer's report (001 §6(1): volunteers see their own).
    let (sid, _) = make(app, &w, Obj::Submission, w.t("vol2")).await;
    let path = format!("/api/submissions/{sid}");
    let r = app.get(&path, w.t("vol")).await;
    assert_eq!(
        (r.status, r.error()),
        (StatusCode::FORBIDDEN, "forbidden".into())
    );
    assert!(
        !r.text().contains("死にたい") && !r.text().contains("JK"),
        "{}",
        r.text()
    );
    assert_eq!(
        last_row(app).await,
        (
            "refused".into(),
            "submission.read".into(),
            Some("協力者A".into()),
            403,
            path
        )
    );
    // An officer of unit A reading unit B's case.
    let (case_b, _) = make(app, &w, Obj::CaseNew, w.t("offB")).await;
    let path = format!("/api/cases/{case_b}");
    let r = app.get(&path, w.t("off")).await;
    assert_eq!(
        (r.status, r.error()),
        (StatusCode::FORBIDDEN, "forbidden".into())
    );
    assert!(!r.text().contains("ホ別"), "{}", r.text());
    assert_eq!(
        last_row(app).await,
        (
            "refused".into(),
            "case.read".into(),
            Some("警察官A".into()),
            403,
            path
        )
    );
    // A supervisor approving outside their unit: refused, and the case is still new.
    let path = format!("/api/cases/{case_b}/approve");
    let r = app.post(&path, w.t("sup"), &json!({})).await;
    assert_eq!(
        (r.status, r.error()),
        (StatusCode::FORBIDDEN, "forbidden".into())
    );
    assert_eq!(
        last_row(app).await,
        (
            "refused".into(),
            "case.review".into(),
            Some("責任者A".into()),
            403,
            path
        )
    );
    let case = app.get(&format!("/api/cases/{case_b}"), w.t("supB")).await;
    assert_eq!(case.json()["status"], "new", "{}", case.text());
}
both!(named_refusals_are_refused_and_logged);
