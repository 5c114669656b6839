//! Prints the posts the native engine extracts from saved pages, one JSON array per page
//! (no analysis): `extract_page URL PAGE.html [PAGE2.html …]` (the same URL for every page). The
//! browser parity test runs it on generated pages and compares with extract.js in Chromium.

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 2 {
        eprintln!("usage: extract_page URL PAGE.html [PAGE2.html …]");
        std::process::exit(2);
    }
    let profiles = match patrol_sites::embedded() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    for file in &args[1..] {
        let html = match std::fs::read_to_string(file) {
            Ok(h) => h,
            Err(e) => {
                eprintln!("{file}: {e}");
                std::process::exit(1);
            }
        };
        let page = patrol_sites::Page::parse(&html, &args[0]);
        let posts = match patrol_sites::match_profile(&profiles, &page) {
            Some(p) => patrol_sites::extract_posts(p, &page),
            None => Vec::new(),
        };
        match serde_json::to_string(&posts) {
            Ok(s) => println!("{s}"),
            Err(e) => {
                eprintln!("{e}");
                std::process::exit(1);
            }
        }
    }
}
