//! `server/openapi.json` documents exactly the routes the router serves: every route documented, nothing
//! documented that is not routed, each with the policy action the document names.

mod common;

use common::{Kind, TestApp};
use patrol_server::routes::{OPENAPI, ROUTES};
use serde_json::Value;
use std::collections::BTreeSet;

#[test]
fn every_route_is_documented_and_every_documented_route_is_in_the_table() {
    let doc: Value = serde_json::from_str(OPENAPI).expect("openapi.json parses");
    assert!(doc["openapi"].as_str().unwrap_or("").starts_with("3."));
    let mut documented = BTreeSet::new();
    for (path, ops) in doc["paths"].as_object().expect("paths") {
        for (method, op) in ops.as_object().expect("ops") {
            documented.insert((method.to_uppercase(), path.clone()));
            let action = op["x-patrol-action"].as_str().unwrap_or("");
            let table = ROUTES
                .iter()
                .find(|(m, p, _)| m.eq_ignore_ascii_case(method) && p == path);
            if let Some((_, _, a)) = table {
                let name = a.name();
                assert!(
                    name == action || name == "public",
                    "{method} {path}: document says {action}, table says {name}"
                );
            }
        }
    }
    let table: BTreeSet<(String, String)> = ROUTES
        .iter()
        .map(|(m, p, _)| (m.to_string(), p.to_string()))
        .collect();
    let undocumented: Vec<_> = table.difference(&documented).collect();
    let unrouted: Vec<_> = documented.difference(&table).collect();
    assert!(
        undocumented.is_empty(),
        "routes missing from openapi.json: {undocumented:?}"
    );
    assert!(
        unrouted.is_empty(),
        "documented but not in the route table: {unrouted:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_in_the_table_is_served_by_the_router() {
    let app = TestApp::new(Kind::Sqlite).await.expect("app");
    let admin = app.user("管理者", "admin", "本部").await;
    for (method, path, _) in ROUTES {
        let concrete = path.replace("{id}", "1").replace("{name}", "x");
        let body = (*method != "GET").then(|| serde_json::json!({}));
        let r = app
            .send(method, &concrete, Some(&admin), body.as_ref(), &[])
            .await;
        assert_ne!(
            r.error(),
            "no_route",
            "{method} {path} is in the table but not routed"
        );
        assert_ne!(r.status.as_u16(), 405, "{method} {path}: method not routed");
        assert_ne!(r.error(), "internal", "{method} {path}: {}", r.text());
    }
}
