//! Signs profiles/*.json as a bundle, for the browser test (a bundle signed in Rust must verify
//! in Chromium's WebCrypto) and for trying bundles by hand:
//! `cargo run -p patrol-sites --example sign_bundle -- VERSION [SEED_HEX]` prints
//! `{"public_key": …, "bundle": {…}}`. The default seed is a fixed TEST key, never a real one.

use std::path::Path;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(version) = args.first() else {
        eprintln!("usage: sign_bundle VERSION [SEED_HEX (64 hex digits)]");
        std::process::exit(2);
    };
    let mut seed = [7u8; 32];
    if let Some(hex) = args.get(1) {
        if hex.len() != 64 {
            eprintln!("SEED_HEX must be 64 hex digits");
            std::process::exit(2);
        }
        for (i, b) in seed.iter_mut().enumerate() {
            match u8::from_str_radix(&hex[i * 2..i * 2 + 2], 16) {
                Ok(v) => *b = v,
                Err(_) => {
                    eprintln!("SEED_HEX must be hex");
                    std::process::exit(2);
                }
            }
        }
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../profiles");
    let profiles = match patrol_sites::load_dir(&dir) {
        Ok(p) => p.into_iter().map(|p| p.json).collect::<Vec<_>>(),
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    match patrol_sites::bundle::sign(version, &profiles, "test-key", &seed) {
        Ok(bundle) => println!(
            "{}",
            serde_json::json!({
                "public_key": patrol_sites::bundle::public_key_base64(&seed),
                "bundle": bundle,
            })
        ),
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}
