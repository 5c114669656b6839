//! API tests in-process (tower `oneshot`), each scenario on SQLite and PostgreSQL: every role's allowed and refused
//! actions (refusals audited), idempotency, duplicates → one case, inbox order, review, holds, takedowns, evidence
//! chain verification, retention, sessions + CSRF, providers, reports, site profiles, limits.

mod common;

use axum::http::StatusCode;
use common::{submission, TestApp};
use serde_json::{json, Value};

const A: &str = "熊本中央署";
const B: &str = "熊本南署";

async fn last_refused(app: &TestApp, action: &str, who: &str) {
    let last = app.last_audit(1).await;
    assert_eq!(last[0].0, "refused", "{last:?}");
    assert_eq!(last[0].1, action, "{last:?}");
    assert_eq!(last[0].2.as_deref(), Some(who), "{last:?}");
}

async fn volunteers_see_only_their_own_reports_and_refusals_are_audited(app: &TestApp) {
    let v1 = app.user("協力者一", "volunteer", A).await;
    let v2 = app.user("協力者二", "volunteer", A).await;
    let r = app
        .post(
            "/api/submissions",
            &v1,
            &submission(
                "vol-key-0001",
                "report",
                "https://x.com/u/status/100",
                "死にたい。今夜飛び降りる",
                &["suicide_notice"],
                "high",
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let id = r.json()["submission_id"].as_i64().expect("id");
    assert_eq!(
        app.get(&format!("/api/submissions/{id}"), &v1).await.status,
        StatusCode::OK
    );
    let r = app.get(&format!("/api/submissions/{id}"), &v2).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    last_refused(app, "submission.read", "協力者二").await;
    let list = app.get("/api/submissions", &v2).await.json();
    assert_eq!(list["total"], 0, "a volunteer lists only their own reports");
    let r = app.get("/api/cases", &v1).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    last_refused(app, "case.list", "協力者一").await;
    // Volunteers prepare nothing official (001 §6(1)).
    let mut s = submission(
        "vol-key-0002",
        "report",
        "https://x.com/u/status/101",
        "text",
        &[],
        "none",
    );
    s["forms"] = json!([{"form": "provider_inquiry", "html": "<p>x</p>"}]);
    assert_eq!(
        app.post("/api/submissions", &v1, &s).await.status,
        StatusCode::FORBIDDEN
    );
    // No credentials: 401, audited without a user.
    let r = app.send("GET", "/api/cases", None, None, &[]).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let last = app.last_audit(1).await;
    assert_eq!(
        (last[0].0.as_str(), last[0].2.as_deref()),
        ("refused", None)
    );
    let r = app
        .send("GET", "/api/cases", Some("not-a-token"), None, &[])
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}
both!(volunteers_see_only_their_own_reports_and_refusals_are_audited);

async fn units_do_not_reach_each_others_cases(app: &TestApp) {
    let off_a = app.user("警察官A", "officer", A).await;
    let off_b = app.user("警察官B", "officer", B).await;
    let sup_b = app.user("責任者B", "supervisor", B).await;
    let admin = app.user("管理者", "admin", "本部").await;
    let r = app
        .post(
            "/api/submissions",
            &off_a,
            &submission(
                "unit-key-0001",
                "case",
                "https://x.com/a/status/200",
                "JKです。ホ別2で会える人",
                &["child_sexual_contact"],
                "none",
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let case = r.json()["case_id"].as_i64().expect("case");
    assert_eq!(
        app.get(&format!("/api/cases/{case}"), &off_a).await.status,
        StatusCode::OK
    );
    assert_eq!(
        app.get(&format!("/api/cases/{case}"), &off_b).await.status,
        StatusCode::FORBIDDEN
    );
    last_refused(app, "case.read", "警察官B").await;
    assert_eq!(app.get("/api/cases", &off_b).await.json()["total"], 0);
    let r = app
        .post(&format!("/api/cases/{case}/approve"), &sup_b, &json!({}))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    last_refused(app, "case.review", "責任者B").await;
    // An officer may not approve at all (the policy table), an admin neither.
    assert_eq!(
        app.post(&format!("/api/cases/{case}/approve"), &off_a, &json!({}))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    last_refused(app, "case.review", "警察官A").await;
    assert_eq!(
        app.post(&format!("/api/cases/{case}/approve"), &admin, &json!({}))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    // Unit B reports the same post: the report joins unit A's case, but unit B sees only its own report and a
    // minimal acknowledgement (no status), never unit A's case or its review.
    let r = app
        .post(
            "/api/submissions",
            &off_b,
            &submission(
                "unit-key-0002",
                "case",
                "https://twitter.com/A/status/200?s=20",
                "JKです。ホ別2で会える人",
                &["child_sexual_contact"],
                "none",
            ),
        )
        .await;
    assert_eq!(r.json()["case_id"].as_i64(), Some(case));
    assert_eq!(r.json()["status"], Value::Null);
    let own = r.json()["submission_id"].as_i64().expect("sid");
    assert_eq!(
        app.get(&format!("/api/submissions/{own}"), &off_b)
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        app.get(&format!("/api/cases/{case}"), &sup_b).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(app.get("/api/cases", &sup_b).await.json()["total"], 0);
    assert_eq!(
        app.post(&format!("/api/cases/{case}/approve"), &sup_b, &json!({}))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let w = app
        .post(
            &format!("/api/cases/{case}/warnings"),
            &off_b,
            &json!({"category": "child_sexual_contact"}),
        )
        .await;
    assert_eq!(w.status, StatusCode::FORBIDDEN);
    let l = app
        .get("/api/lookup?url=https://x.com/a/status/200", &off_b)
        .await
        .json();
    assert_eq!(
        (l["reported"].clone(), l["case_id"].clone()),
        (json!(true), Value::Null)
    );
    // The admin reads the audit log; nobody else does.
    let audit = app.get("/api/audit?outcome=refused", &admin).await;
    assert_eq!(audit.status, StatusCode::OK);
    assert!(
        audit.json()["total"].as_i64().unwrap_or(0) >= 4,
        "{}",
        audit.text()
    );
    assert_eq!(
        app.get("/api/audit", &sup_b).await.status,
        StatusCode::FORBIDDEN
    );
}
both!(units_do_not_reach_each_others_cases);

async fn a_retried_submission_never_duplicates(app: &TestApp) {
    let off = app.user("警察官", "officer", A).await;
    let body = submission(
        "retry-key-0001",
        "case",
        "https://x.com/r/status/300",
        "一緒に死にませんか",
        &["group_suicide"],
        "medium",
    );
    let first = app.post("/api/submissions", &off, &body).await;
    assert_eq!(first.status, StatusCode::CREATED);
    let again = app.post("/api/submissions", &off, &body).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.json()["replayed"], true);
    assert_eq!(again.json()["submission_id"], first.json()["submission_id"]);
    let mut other = body.clone();
    other["note"] = json!("別の内容");
    let conflict = app.post("/api/submissions", &off, &other).await;
    assert_eq!(conflict.status, StatusCode::CONFLICT);
    assert_eq!(conflict.error(), "idempotency_conflict");
    assert_eq!(app.scalar("SELECT COUNT(*) FROM submissions").await, 1);
    assert_eq!(app.scalar("SELECT report_count FROM cases").await, 1);
}
both!(a_retried_submission_never_duplicates);

async fn the_same_post_reported_by_several_users_is_one_case(app: &TestApp) {
    let off = app.user("警察官", "officer", A).await;
    let vol = app.user("協力者", "volunteer", A).await;
    let sup = app.user("責任者", "supervisor", A).await;
    let a = app
        .post(
            "/api/submissions",
            &off,
            &submission(
                "dup-key-0001",
                "case",
                "https://x.com/someone/status/400",
                "首吊ります",
                &["suicide_notice"],
                "low",
            ),
        )
        .await;
    let b = app
        .post(
            "/api/submissions",
            &vol,
            &submission(
                "dup-key-0001",
                "report",
                "https://mobile.twitter.com/SomeOne/status/400/photo/1",
                "首吊ります",
                &["suicide_notice"],
                "high",
            ),
        )
        .await;
    assert_eq!(a.json()["case_created"], true);
    assert_eq!(b.json()["case_created"], false);
    assert_eq!(a.json()["case_id"], b.json()["case_id"]);
    let cases = app.get("/api/cases", &sup).await.json();
    assert_eq!(cases["total"], 1);
    let c = &cases["items"][0];
    assert_eq!(c["report_count"], 2);
    assert_eq!(
        c["urgency"], "high",
        "the more urgent report raises the case"
    );
    let detail = app
        .get(&format!("/api/cases/{}", c["id"]), &sup)
        .await
        .json();
    assert_eq!(detail["submissions"].as_array().map(Vec::len), Some(2));
    // The extension's lookup: reported, with the count.
    let l = app
        .get(
            "/api/lookup?url=https%3A%2F%2Fx.com%2Fother%2Fstatus%2F400",
            &vol,
        )
        .await
        .json();
    assert_eq!(
        (
            l["reported"].clone(),
            l["report_count"].clone(),
            l["case_id"].clone()
        ),
        (json!(true), json!(2), Value::Null)
    );
    // Two posts on one board page (no permalink): two cases, told apart by their numbers.
    for (k, no) in [("dup-board-0001", "15"), ("dup-board-0002", "16")] {
        let mut b = submission(
            k,
            "case",
            "https://bbs.example.jp/test/read.cgi/a/1/",
            "死にたい",
            &["suicide_notice"],
            "watch",
        );
        b["post"]["post_no"] = json!(no);
        b["post"]["site"] = json!("5ch");
        assert_eq!(
            app.post("/api/submissions", &off, &b).await.json()["case_created"],
            true,
            "{no}"
        );
    }
    let l = app
        .get(
            "/api/lookup?url=https%3A%2F%2Fx.com%2Fother%2Fstatus%2F401",
            &vol,
        )
        .await
        .json();
    assert_eq!(l["reported"], false);
}
both!(the_same_post_reported_by_several_users_is_one_case);

async fn the_inbox_lists_suicide_first_then_urgency_then_time(app: &TestApp) {
    let off = app.user("警察官", "officer", A).await;
    let sup = app.user("責任者", "supervisor", A).await;
    let posts = [
        (
            "ord-0001",
            "https://x.com/a/status/501",
            &["child_sexual_contact"][..],
            "high",
        ),
        (
            "ord-0002",
            "https://x.com/a/status/502",
            &["suicide_notice"][..],
            "low",
        ),
        (
            "ord-0003",
            "https://x.com/a/status/503",
            &["group_suicide"][..],
            "high",
        ),
        (
            "ord-0004",
            "https://x.com/a/status/504",
            &["child_lodging"][..],
            "none",
        ),
        (
            "ord-0005",
            "https://x.com/a/status/505",
            &["suicide_notice"][..],
            "low",
        ),
    ];
    for (k, u, cats, level) in posts {
        let r = app
            .post(
                "/api/submissions",
                &off,
                &submission(k, "case", u, "本文", cats, level),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED);
    }
    let list = app.get("/api/cases", &sup).await.json();
    let urls: Vec<&str> = list["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|c| c["url"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        urls,
        [
            "https://x.com/a/status/503",
            "https://x.com/a/status/505",
            "https://x.com/a/status/502",
            "https://x.com/a/status/501",
            "https://x.com/a/status/504"
        ]
    );
    let first = &list["items"][0];
    assert_eq!(
        first["checklist"],
        json!({"timing": true, "specific": false, "explicit": true, "no_doubt": true, "inquiry": true})
    );
    assert_eq!(list["counts"]["by_status"]["new"], 5);
    let f = app
        .get("/api/cases?category=suicide_notice", &sup)
        .await
        .json();
    assert_eq!(f["total"], 2);
    assert_eq!(
        app.get("/api/cases?status=approved", &sup).await.json()["total"],
        0
    );
    assert_eq!(
        app.get("/api/cases?category=bogus", &sup).await.status,
        StatusCode::BAD_REQUEST
    );
}
both!(the_inbox_lists_suicide_first_then_urgency_then_time);

async fn review_flow_and_doubtful_warnings_need_approval(app: &TestApp) {
    let off = app.user("警察官", "officer", A).await;
    let sup = app.user("責任者", "supervisor", A).await;
    let r = app
        .post(
            "/api/submissions",
            &off,
            &submission(
                "rev-0001",
                "case",
                "https://x.com/a/status/600",
                "JC 泊めてくれる人",
                &["child_lodging"],
                "none",
            ),
        )
        .await;
    let case = r.json()["case_id"].as_i64().expect("case");
    // 001 §5(3): a doubtful warning waits for approval.
    let w = json!({"category": "child_lodging", "doubtful": true});
    // The client cannot declare a warning clear-cut: the stored analysis does not establish a child (001 §5(3)).
    let r = app
        .post(
            &format!("/api/cases/{case}/warnings"),
            &off,
            &json!({"category": "child_lodging", "doubtful": false}),
        )
        .await;
    assert_eq!(
        (r.status, r.error()),
        (StatusCode::CONFLICT, "approval_required".into())
    );
    assert!(
        r.text().contains("児童であるとの判断がありません"),
        "{}",
        r.text()
    );
    let r = app
        .post(&format!("/api/cases/{case}/warnings"), &off, &w)
        .await;
    assert_eq!(
        (r.status, r.error()),
        (StatusCode::CONFLICT, "approval_required".into())
    );
    let r = app
        .post(&format!("/api/cases/{case}/return"), &sup, &json!({}))
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "return needs a comment"
    );
    let r = app
        .post(
            &format!("/api/cases/{case}/return"),
            &sup,
            &json!({"comment": "分類を再確認してください"}),
        )
        .await;
    assert_eq!(r.json()["status"], "returned");
    assert_eq!(
        app.post(&format!("/api/cases/{case}/done"), &sup, &json!({}))
            .await
            .error(),
        "invalid_transition"
    );
    let r = app
        .post(
            &format!("/api/cases/{case}/approve"),
            &sup,
            &json!({"comment": "承認"}),
        )
        .await;
    assert_eq!(r.json()["status"], "approved");
    let r = app
        .post(&format!("/api/cases/{case}/warnings"), &off, &w)
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let r = app
        .post(&format!("/api/cases/{case}/done"), &sup, &json!({}))
        .await;
    let events: Vec<String> = r.json()["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| e["action"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(events, ["return", "approve", "warning", "done"]);
    let report = app.get("/api/reports/monthly", &sup).await.json();
    assert_eq!(report["warnings"]["by_category"]["child_lodging"], 1);
    assert_eq!(report["warnings"]["doubtful"], 1);
    let csv = app.get("/api/reports/monthly?format=csv", &sup).await;
    assert!(csv.headers["content-type"]
        .to_str()
        .unwrap_or("")
        .starts_with("text/csv"));
    assert!(
        csv.text()
            .contains("\"warnings\",\"by_category.child_lodging\",\"1\""),
        "{}",
        csv.text()
    );
}
both!(review_flow_and_doubtful_warnings_need_approval);

async fn a_held_url_blocks_takedowns_until_released(app: &TestApp) {
    let sup_a = app.user("責任者A", "supervisor", A).await;
    let off_b = app.user("警察官B", "officer", B).await;
    let sup_b = app.user("責任者B", "supervisor", B).await;
    let vol = app.user("協力者", "volunteer", B).await;
    let hold = app.post("/api/holds", &sup_a, &json!({"url": "https://bbs.example.jp/test/read.cgi/a/1/5", "reason": "捜査中（児童ポルノ事件）", "contact": "少年課 田中 096-000-0000"})).await;
    assert_eq!(hold.status, StatusCode::CREATED, "{}", hold.text());
    let hid = hold.json()["id"].as_i64().expect("id");
    assert_eq!(
        app.post(
            "/api/holds",
            &off_b,
            &json!({"url": "https://e.jp/x", "reason": "r", "contact": "c"})
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    let td = json!({"url": "https://bbs.example.jp/test/read.cgi/a/1/5/#r", "method": "email", "administrator": "example 管理人"});
    let r = app.post("/api/takedowns", &off_b, &td).await;
    assert_eq!(
        (r.status, r.error()),
        (StatusCode::CONFLICT, "url_held".into())
    );
    assert_eq!(r.json()["detail"]["contact"], "少年課 田中 096-000-0000");
    assert!(r.json()["message_ja"].as_str().unwrap_or("").contains(A));
    let l = app
        .get(
            "/api/lookup?url=https://bbs.example.jp/test/read.cgi/a/1/5",
            &vol,
        )
        .await
        .json();
    assert_eq!(l["held"], true);
    assert_eq!(l["held_by_other_unit"], true);
    let la = app
        .get(
            "/api/lookup?url=https://bbs.example.jp/test/read.cgi/a/1/5",
            &sup_a,
        )
        .await
        .json();
    assert_eq!(
        (
            la["held_for_caller"].clone(),
            la["held_by_other_unit"].clone()
        ),
        (json!(true), json!(false))
    );
    assert_eq!(
        l["hold"]["reason"],
        Value::Null,
        "volunteers are not told why"
    );
    assert_eq!(
        app.post(&format!("/api/holds/{hid}/release"), &sup_b, &json!({}))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let rel = app
        .post(
            &format!("/api/holds/{hid}/release"),
            &sup_a,
            &json!({"comment": "捜査終結"}),
        )
        .await;
    assert_eq!(rel.status, StatusCode::OK);
    assert!(rel.json()["takedown_prompt"]["message_ja"]
        .as_str()
        .unwrap_or("")
        .contains("削除依頼"));
    // A takedown names a case only if it is the caller's case about the same URL.
    let other = app
        .post(
            "/api/submissions",
            &off_b,
            &submission(
                "td-case-0001",
                "case",
                "https://x.com/z/status/9",
                "t",
                &["child_csam_offer"],
                "none",
            ),
        )
        .await;
    let mut wrong = td.clone();
    wrong["case_id"] = other.json()["case_id"].clone();
    assert_eq!(
        app.post("/api/takedowns", &off_b, &wrong).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let r = app.post("/api/takedowns", &off_b, &td).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let tid = r.json()["id"].as_i64().expect("id");
    // An old request still up is overdue and goes to the ICSA hand-off.
    let old = app.post("/api/takedowns", &off_b, &json!({"url": "https://foreign.example.com/p/9", "method": "form", "requested_at": "2026-01-05T10:00:00+09:00", "foreign": true, "administrator": "=HYPERLINK(\"x\")"})).await;
    let oid = old.json()["id"].as_i64().expect("id");
    assert_eq!(old.json()["overdue"], true);
    app.post(
        &format!("/api/takedowns/{oid}/checks"),
        &off_b,
        &json!({"result": "still_up"}),
    )
    .await;
    app.post(
        &format!("/api/takedowns/{tid}/checks"),
        &off_b,
        &json!({"result": "removed"}),
    )
    .await;
    let l = app
        .get(
            "/api/lookup?url=https://bbs.example.jp/test/read.cgi/a/1/5",
            &vol,
        )
        .await
        .json();
    assert_eq!(
        (l["held"].clone(), l["removed"].clone()),
        (json!(false), json!(true))
    );
    let overdue = app.get("/api/takedowns/overdue", &off_b).await.json();
    assert_eq!(overdue["total"], 1);
    let csv = app.get("/api/takedowns/export.csv", &sup_b).await;
    assert_eq!(csv.status, StatusCode::OK);
    let text = csv.text();
    assert_eq!(text.lines().count(), 2, "{text}");
    assert!(text.contains("\"https://foreign.example.com/p/9\",\"foreign.example.com\",\"'=HYPERLINK(\"\"x\"\")\",\"yes\""), "{text}");
    assert_eq!(
        app.get("/api/takedowns/export.csv", &off_b).await.status,
        StatusCode::FORBIDDEN
    );
    let fr = app
        .get(&format!("/api/takedowns/{oid}/foreign-report"), &off_b)
        .await
        .json();
    assert!(fr["text_ja"]
        .as_str()
        .unwrap_or("")
        .contains("foreign.example.com"));
}
both!(a_held_url_blocks_takedowns_until_released);

async fn evidence_is_verified_and_a_broken_chain_is_refused_whole(app: &TestApp) {
    let off = app.user("警察官", "officer", A).await;
    let vol = app.user("協力者", "volunteer", A).await;
    let mut body = submission(
        "ev-key-0001",
        "case",
        "https://x.com/e/status/700",
        "今夜決行",
        &["suicide_notice"],
        "high",
    );
    body["evidence"] = common::golden_evidence();
    body["forms"] = json!([{"form": "provider_inquiry", "html": "<!doctype html><p>照会書</p><script>alert(1)</script>"}]);
    let mut tampered = body.clone();
    tampered["idempotency_key"] = json!("ev-key-0002");
    tampered["evidence"]["log"][1]["record"]["text"] = json!("書き換えた本文");
    let r = app.post("/api/submissions", &off, &tampered).await;
    assert_eq!(
        (r.status, r.error()),
        (StatusCode::UNPROCESSABLE_ENTITY, "chain_broken".into()),
        "{}",
        r.text()
    );
    assert_eq!(r.json()["detail"]["kind"], "edited");
    assert_eq!(r.json()["detail"]["index"], 1);
    let mut swapped = body.clone();
    swapped["idempotency_key"] = json!("ev-key-0003");
    let names: Vec<String> = swapped["evidence"]["artefacts"]
        .as_object()
        .expect("a")
        .keys()
        .cloned()
        .collect();
    swapped["evidence"]["artefacts"][&names[0]] = json!("AAAA");
    let r = app.post("/api/submissions", &off, &swapped).await;
    assert_eq!(r.error(), "chain_broken", "{}", r.text());
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM submissions").await,
        0,
        "nothing half-written"
    );
    assert_eq!(app.scalar("SELECT COUNT(*) FROM cases").await, 0);
    let r = app.post("/api/submissions", &off, &body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let log = body["evidence"]["log"].as_array().expect("log");
    let head = log.last().expect("head");
    assert_eq!(r.json()["receipt"]["head_hash"], head["hash"]);
    assert_eq!(r.json()["receipt"]["head_seq"], head["seq"]);
    let sid = r.json()["submission_id"].as_i64().expect("sid");
    let sub = app
        .get(&format!("/api/submissions/{sid}"), &off)
        .await
        .json();
    let art = &sub["artefacts"][0];
    let bytes = app.get(art["url"].as_str().expect("url"), &off).await;
    assert_eq!(bytes.status, StatusCode::OK);
    assert_eq!(bytes.headers["x-content-type-options"], "nosniff");
    assert_eq!(
        patrol_evidence::sha256_hex(&bytes.bytes),
        art["sha256"].as_str().unwrap_or("")
    );
    let form_url = sub["forms"][0]["url"]
        .as_str()
        .expect("form url")
        .to_string();
    let form = app.get(&form_url, &off).await;
    assert!(form.headers["content-security-policy"]
        .to_str()
        .unwrap_or("")
        .starts_with("default-src 'none'"));
    assert!(form.text().contains("照会書"));
    assert_eq!(app.get(&form_url, &vol).await.status, StatusCode::FORBIDDEN);
}
both!(evidence_is_verified_and_a_broken_chain_is_refused_whole);

async fn retention_purges_old_evidence_with_an_audit_entry(app: &TestApp) {
    let off = app.user("警察官", "officer", A).await;
    let admin = app.user("管理者", "admin", "本部").await;
    let mut body = submission(
        "ret-0001",
        "case",
        "https://x.com/e/status/800",
        "今夜決行",
        &["suicide_notice"],
        "high",
    );
    body["evidence"] = common::golden_evidence();
    let sid = app.post("/api/submissions", &off, &body).await.json()["submission_id"]
        .as_i64()
        .expect("sid");
    let fresh = submission(
        "ret-0002",
        "case",
        "https://x.com/e/status/801",
        "別件",
        &["suicide_notice"],
        "low",
    );
    app.post("/api/submissions", &off, &fresh).await;
    sqlx::query("UPDATE submissions SET received_at = '2025-01-01T00:00:00.000Z' WHERE id = $1")
        .bind(sid)
        .execute(&app.state.db.write)
        .await
        .expect("age");
    let r = app
        .send(
            "PUT",
            "/api/retention",
            Some(&admin),
            Some(&json!({"periods": {"evidence": 0}})),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = app.post("/api/retention/purge", &admin, &json!({})).await;
    assert_eq!(
        r.json()["purged"]["evidence"],
        0,
        "an open case keeps its evidence"
    );
    sqlx::query("UPDATE cases SET status = 'done' WHERE id = (SELECT case_id FROM submissions WHERE id = $1)")
        .bind(sid)
        .execute(&app.state.db.write)
        .await
        .expect("close");
    let r = app.post("/api/retention/purge", &admin, &json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert!(
        r.json()["purged"]["evidence"].as_i64().unwrap_or(0) >= 2,
        "{}",
        r.text()
    );
    let sub = app
        .get(&format!("/api/submissions/{sid}"), &off)
        .await
        .json();
    assert_eq!(sub["evidence"], Value::Null);
    let art = app
        .get(sub["artefacts"][0]["url"].as_str().expect("url"), &off)
        .await;
    assert_eq!(
        (art.status, art.error()),
        (StatusCode::NOT_FOUND, "purged".into())
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM submissions WHERE evidence_log IS NOT NULL")
            .await,
        0
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM submissions").await,
        2,
        "the reports themselves stay"
    );
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM audit WHERE action = 'retention.purge' AND method = 'TASK'"
        )
        .await,
        2
    );
    let r = app
        .send(
            "PUT",
            "/api/retention",
            Some(&admin),
            Some(&json!({"periods": {"audit": 30}})),
            &[],
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the audit log is kept three years"
    );
    // The audit log is append-only in the database itself.
    assert!(sqlx::query("UPDATE audit SET outcome = 'ok'")
        .execute(&app.state.db.write)
        .await
        .is_err());
    assert!(sqlx::query("DELETE FROM audit")
        .execute(&app.state.db.write)
        .await
        .is_err());
    let r = app.get("/api/retention", &admin).await.json();
    assert_eq!(r["periods"]["evidence"], 365);
    assert!(r["last_purge_at"].is_string());
}
both!(retention_purges_old_evidence_with_an_audit_entry);

async fn browser_sessions_need_the_csrf_token(app: &TestApp) {
    let off = app.user("警察官", "officer", A).await;
    let sup = app.user("責任者", "supervisor", A).await;
    let case = app
        .post(
            "/api/submissions",
            &off,
            &submission(
                "csrf-0001",
                "case",
                "https://x.com/c/status/900",
                "t",
                &["suicide_notice"],
                "low",
            ),
        )
        .await
        .json()["case_id"]
        .as_i64()
        .expect("case");
    let r = app
        .send(
            "POST",
            "/api/session",
            None,
            None,
            &[("content-type", "text/plain")],
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::BAD_REQUEST,
        "a cross-site form cannot log a browser in"
    );
    let r = app
        .send(
            "POST",
            "/api/session",
            None,
            Some(&json!({"token": "wrong"})),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let login = app
        .send(
            "POST",
            "/api/session",
            None,
            Some(&json!({"token": sup})),
            &[],
        )
        .await;
    assert_eq!(login.status, StatusCode::OK);
    let set = login.headers["set-cookie"]
        .to_str()
        .expect("cookie")
        .to_string();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Strict") && !set.contains("Secure"),
        "{set}"
    );
    let cookie = set.split(';').next().expect("pair").to_string();
    let csrf = login.json()["csrf_token"]
        .as_str()
        .expect("csrf")
        .to_string();
    let me = app
        .send("GET", "/api/session", None, None, &[("cookie", &cookie)])
        .await
        .json();
    assert_eq!(me["user"]["role"], "supervisor");
    assert_eq!(
        app.send("GET", "/api/cases", None, None, &[("cookie", &cookie)])
            .await
            .json()["total"],
        1
    );
    let path = format!("/api/cases/{case}/approve");
    let r = app
        .send(
            "POST",
            &path,
            None,
            Some(&json!({})),
            &[("cookie", &cookie)],
        )
        .await;
    assert_eq!(
        (r.status, r.error()),
        (StatusCode::FORBIDDEN, "csrf".into())
    );
    let r = app
        .send(
            "POST",
            &path,
            None,
            Some(&json!({})),
            &[("cookie", &cookie), ("x-csrf-token", "0000")],
        )
        .await;
    assert_eq!(r.error(), "csrf");
    let r = app
        .send(
            "POST",
            &path,
            None,
            Some(&json!({})),
            &[("cookie", &cookie), ("x-csrf-token", &csrf)],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
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
    assert_eq!(
        app.send("GET", "/api/cases", None, None, &[("cookie", &cookie)])
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    let tls = app
        .send(
            "POST",
            "/api/session",
            None,
            Some(&json!({"token": sup})),
            &[("x-forwarded-proto", "https")],
        )
        .await;
    assert!(tls.headers["set-cookie"]
        .to_str()
        .unwrap_or("")
        .contains("Secure"));
}
both!(browser_sessions_need_the_csrf_token);

async fn providers_changes_are_logged(app: &TestApp) {
    let admin = app.user("管理者", "admin", "本部").await;
    let off = app.user("警察官", "officer", A).await;
    let p = json!({"domain": "example.jp", "name": "Example株式会社", "department": "法務部", "phone": "03-0000-0000", "fax": "03-0000-0001"});
    assert_eq!(
        app.post("/api/providers", &off, &p).await.status,
        StatusCode::FORBIDDEN
    );
    let r = app.post("/api/providers", &admin, &p).await;
    assert_eq!(r.status, StatusCode::CREATED);
    let id = r.json()["id"].as_i64().expect("id");
    assert_eq!(
        app.post("/api/providers", &admin, &p).await.error(),
        "duplicate"
    );
    let mut q = p.clone();
    q["fax"] = json!("03-9999-9999");
    let r = app
        .send(
            "PUT",
            &format!("/api/providers/{id}"),
            Some(&admin),
            Some(&q),
            &[],
        )
        .await;
    assert_eq!(r.json()["fax"], "03-9999-9999");
    let h = app
        .get(&format!("/api/providers/{id}/history"), &off)
        .await
        .json();
    assert_eq!(h.as_array().map(Vec::len), Some(2));
    assert_eq!(
        (h[1]["before"]["fax"].clone(), h[1]["after"]["fax"].clone()),
        (json!("03-0000-0001"), json!("03-9999-9999"))
    );
    assert!(h[1]["by"].as_str().unwrap_or("").contains("管理者"));
    // The case detail addresses the inquiry through the directory (a subdomain finds its parent).
    let r = app
        .post(
            "/api/submissions",
            &off,
            &submission(
                "prov-0001",
                "case",
                "https://bbs.example.jp/t/1",
                "t",
                &["suicide_notice"],
                "low",
            ),
        )
        .await;
    let case = app
        .get(&format!("/api/cases/{}", r.json()["case_id"]), &off)
        .await
        .json();
    assert_eq!(case["provider"]["name"], "Example株式会社");
    assert_eq!(
        app.get("/api/providers?domain=bbs.example.jp", &off)
            .await
            .json()["total"],
        1
    );
}
both!(providers_changes_are_logged);

fn repo_profile(id: &str) -> Value {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../profiles/{id}.json"));
    serde_json::from_str(&std::fs::read_to_string(p).expect("profile")).expect("json")
}

async fn site_profiles_are_signed_and_only_newer_versions_publish(app: &TestApp) {
    use base64::Engine;
    use ed25519_dalek::{Signature, Verifier, VerifyingKey};
    let admin = app.user("管理者", "admin", "本部").await;
    let off = app.user("警察官", "officer", A).await;
    let bundle = json!({"version": "2026.11.22.2", "profiles": [repo_profile("x")]});
    assert_eq!(
        app.send("GET", "/api/site-profiles/latest", None, None, &[])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.post("/api/site-profiles", &off, &bundle).await.status,
        StatusCode::FORBIDDEN
    );
    let r = app.post("/api/site-profiles", &admin, &bundle).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let latest = app
        .send("GET", "/api/site-profiles/latest", None, None, &[])
        .await
        .json();
    let key = app
        .send("GET", "/api/site-profiles/public-key", None, None, &[])
        .await
        .json();
    let b64 = base64::engine::general_purpose::STANDARD;
    let pk: [u8; 32] = b64
        .decode(key["public_key"].as_str().expect("pk"))
        .expect("b64")
        .try_into()
        .expect("32");
    let sig: [u8; 64] = b64
        .decode(latest["signature"].as_str().expect("sig"))
        .expect("b64")
        .try_into()
        .expect("64");
    let payload = b64
        .decode(latest["payload"].as_str().expect("payload"))
        .expect("b64");
    VerifyingKey::from_bytes(&pk)
        .expect("key")
        .verify(&payload, &Signature::from_bytes(&sig))
        .expect("signature verifies");
    assert_eq!(
        serde_json::from_slice::<Value>(&payload).expect("json")["version"],
        "2026.11.22.2"
    );
    assert_eq!(latest["key_id"], key["key_id"]);
    let older = json!({"version": "2026.11.22.1", "profiles": [repo_profile("x")]});
    assert_eq!(
        app.post("/api/site-profiles", &admin, &older).await.error(),
        "not_newer"
    );
    let broken = json!({"version": "2026.11.22.9", "profiles": [{"id": "x", "post": "article"}]});
    assert_eq!(
        app.post("/api/site-profiles", &admin, &broken)
            .await
            .error(),
        "invalid_profile",
        "a profile that does not compile is never signed"
    );
    let newer =
        json!({"version": "2026.11.22.10", "profiles": [repo_profile("x"), repo_profile("5ch")]});
    assert_eq!(
        app.post("/api/site-profiles", &admin, &newer).await.status,
        StatusCode::CREATED
    );
    assert_eq!(
        app.send("GET", "/api/site-profiles/latest", None, None, &[])
            .await
            .json()["version"],
        "2026.11.22.10"
    );
}
both!(site_profiles_are_signed_and_only_newer_versions_publish);

async fn admins_manage_users_and_disabled_tokens_stop_working(app: &TestApp) {
    let admin = app.user("管理者", "admin", "本部").await;
    let r = app
        .post(
            "/api/users",
            &admin,
            &json!({"name": "新人", "role": "officer", "unit": A}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let token = r.json()["token"].as_str().expect("token").to_string();
    let id = r.json()["user"]["id"].as_i64().expect("id");
    assert_eq!(app.get("/api/cases", &token).await.status, StatusCode::OK);
    assert_eq!(
        app.post(
            "/api/users",
            &token,
            &json!({"name": "x", "role": "admin", "unit": A})
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.post(
            "/api/users",
            &admin,
            &json!({"name": "x", "role": "chief", "unit": A})
        )
        .await
        .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    app.post(&format!("/api/users/{id}/disable"), &admin, &json!({}))
        .await;
    assert_eq!(
        app.get("/api/cases", &token).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM users WHERE token_hash LIKE '%' AND LENGTH(token_hash) = 64"
        )
        .await,
        2,
        "only hashes stored"
    );
}
both!(admins_manage_users_and_disabled_tokens_stop_working);

async fn unknown_api_routes_are_json_404s_and_audited(app: &TestApp) {
    let r = app.send("GET", "/api/nothing/here", None, None, &[]).await;
    assert_eq!(
        (r.status, r.error()),
        (StatusCode::NOT_FOUND, "no_route".into())
    );
    let last = app.last_audit(1).await;
    assert_eq!(last[0].1, "unrouted");
    let r = app
        .send(
            "POST",
            "/api/submissions",
            None,
            None,
            &[("content-type", "application/json")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    // A write leaves its "started" entry before the handler runs, then its outcome.
    let last = app.last_audit(2).await;
    assert_eq!(
        (last[1].0.as_str(), last[0].0.as_str()),
        ("started", "refused")
    );
}
both!(unknown_api_routes_are_json_404s_and_audited);

mod limits {
    use super::*;
    use common::Kind;
    use patrol_server::Config;

    async fn run(kind: Kind) {
        let cfg = Config {
            max_body_bytes: 64 * 1024,
            max_evidence_bytes: 1024,
            rate_per_sec: 2,
            ..Config::default()
        };
        let Some(app) = TestApp::with_config(kind, cfg).await else {
            return common::skip_postgres();
        };
        let off = app.user("警察官", "officer", A).await;
        let mut body = submission(
            "lim-0001",
            "case",
            "https://x.com/l/status/1",
            "t",
            &["suicide_notice"],
            "low",
        );
        body["note"] = json!("長".repeat(30_000));
        let r = app.post("/api/submissions", &off, &body).await;
        assert_eq!(
            (r.status, r.error()),
            (StatusCode::PAYLOAD_TOO_LARGE, "too_large".into())
        );
        let mut body = submission(
            "lim-0002",
            "case",
            "https://x.com/l/status/1",
            "t",
            &["suicide_notice"],
            "low",
        );
        body["forms"] = json!([{"form": "url_report", "html": "x".repeat(2000)}]);
        let r = app.post("/api/submissions", &off, &body).await;
        assert_eq!(
            (r.status, r.error()),
            (StatusCode::PAYLOAD_TOO_LARGE, "too_large".into())
        );
        assert_eq!(app.scalar("SELECT COUNT(*) FROM submissions").await, 0);
        // Burst of 4 at 2/s: the fifth quick request is refused with Retry-After.
        let mut statuses = Vec::new();
        for _ in 0..6 {
            statuses.push(app.get("/api/session", &off).await.status);
        }
        assert!(
            statuses.contains(&StatusCode::TOO_MANY_REQUESTS),
            "{statuses:?}"
        );
        let last = app.last_audit(1).await;
        assert_eq!(last[0].0, "refused");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        run(Kind::Sqlite).await;
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        run(Kind::Postgres).await;
    }
}

fn real_analysis(name: &str) -> Value {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(format!("tests/fixtures/analysis/{name}.json"));
    serde_json::from_str(&std::fs::read_to_string(p).expect("fixture")).expect("json")
}

async fn real_analyzer_output_drives_the_inbox_and_clear_warnings_need_no_approval(app: &TestApp) {
    let off = app.user("警察官", "officer", A).await;
    let sup = app.user("責任者", "supervisor", A).await;
    for (i, name) in ["child_contact", "suicide_bridge", "group_suicide"]
        .iter()
        .enumerate()
    {
        let mut b = submission(
            &format!("real-key-000{i}"),
            "case",
            &format!("https://x.com/r/status/90{i}"),
            "本文",
            &[],
            "none",
        );
        b["analysis"] = real_analysis(name);
        let r = app.post("/api/submissions", &off, &b).await;
        assert_eq!(r.status, StatusCode::CREATED, "{name}: {}", r.text());
    }
    let list = app.get("/api/cases", &sup).await.json();
    let items = list["items"].as_array().expect("items");
    let order: Vec<&str> = items
        .iter()
        .map(|c| c["url"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        order[2], "https://x.com/r/status/900",
        "the child case comes after both suicide cases"
    );
    let bridge = items
        .iter()
        .find(|c| c["url"] == "https://x.com/r/status/901")
        .expect("bridge");
    assert_eq!(bridge["urgency"], "high");
    assert_eq!(
        bridge["checklist"],
        json!({"timing": true, "specific": true, "explicit": true, "no_doubt": true, "inquiry": true})
    );
    // A clear-cut case (child established, category flagged with high confidence): the warning needs no approval.
    let child = items
        .iter()
        .find(|c| c["url"] == "https://x.com/r/status/900")
        .expect("child");
    let r = app
        .post(
            &format!("/api/cases/{}/warnings", child["id"]),
            &off,
            &json!({"category": "child_sexual_contact"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    assert_eq!(r.json()["doubtful"], false);
    // Warning for a category the analysis did not flag: doubtful, so approval first.
    let r = app
        .post(
            &format!("/api/cases/{}/warnings", child["id"]),
            &off,
            &json!({"category": "child_csam_offer"}),
        )
        .await;
    assert_eq!(r.error(), "approval_required");
}
both!(real_analyzer_output_drives_the_inbox_and_clear_warnings_need_no_approval);
