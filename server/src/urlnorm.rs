//! One key per post: the same post reached through twitter.com, mobile.x.com, a tracking query or a fragment is
//! one case (several reports), one hold, one takedown.

pub fn normalize(url: &str) -> Result<String, String> {
    let url = url.trim();
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| format!("not an absolute URL: {url:?}"))?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return Err(format!("only http(s) URLs are accepted: {url:?}"));
    }
    let rest = rest.split('#').next().unwrap_or("");
    let (authority, path_query) = match rest.find(['/', '?']) {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let host = authority
        .rsplit('@')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    let host = host
        .strip_suffix(":443")
        .or_else(|| host.strip_suffix(":80"))
        .unwrap_or(&host)
        .to_string();
    if host.is_empty() {
        return Err(format!("URL without a host: {url:?}"));
    }
    let host = match host.as_str() {
        "twitter.com" | "www.twitter.com" | "mobile.twitter.com" | "mobile.x.com" | "www.x.com" => {
            "x.com".to_string()
        }
        _ => host,
    };
    let (path, query) = match path_query.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (path_query, None),
    };
    let mut path = path.trim_end_matches('/').to_string();
    if host == "x.com" {
        // X's post address is /{user}/status/{id}; the user part may change with a rename, the id does not.
        let parts: Vec<&str> = path.split('/').collect();
        if let Some(i) = parts.iter().position(|p| *p == "status") {
            if let Some(id) = parts.get(i + 1) {
                return Ok(format!("https://x.com/i/status/{id}"));
            }
        }
        path = path.to_ascii_lowercase();
        return Ok(format!("https://x.com{path}"));
    }
    let query = query.map(|q| {
        let kept: Vec<&str> = q
            .split('&')
            .filter(|kv| !kv.is_empty() && !kv.starts_with("utm_"))
            .collect();
        kept.join("&")
    });
    Ok(match query {
        Some(q) if !q.is_empty() => format!("https://{host}{path}?{q}"),
        _ => format!("https://{host}{path}"),
    })
}

/// The host of a normalised URL (for the provider directory).
pub fn host(normalized: &str) -> String {
    normalized
        .split("://")
        .nth(1)
        .unwrap_or("")
        .split(['/', '?'])
        .next()
        .unwrap_or("")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn one_x_post_under_its_many_addresses_is_one_key() {
        let k = "https://x.com/i/status/1860000000000000001";
        for u in [
            "https://x.com/someone/status/1860000000000000001",
            "https://twitter.com/SomeOne/status/1860000000000000001?s=20",
            "https://mobile.x.com/someone/status/1860000000000000001/photo/1#top",
        ] {
            assert_eq!(normalize(u).as_deref(), Ok(k), "{u}");
        }
    }

    #[test]
    fn board_posts_keep_their_query_but_not_tracking_or_fragments() {
        assert_eq!(
            normalize("HTTP://Bbs.Example.JP/test/read.cgi/x/123/45/?utm_source=a#r").as_deref(),
            Ok("https://bbs.example.jp/test/read.cgi/x/123/45")
        );
        assert_eq!(
            normalize("https://b.example/t?id=3&utm_x=1").as_deref(),
            Ok("https://b.example/t?id=3")
        );
        assert!(normalize("javascript:alert(1)").is_err());
        assert!(normalize("file:///etc/passwd").is_err());
    }
}
