//! `patrol scan FILE.html`: the site-specific half (read the page, choose the profile, extract).
//! The analysis half lives in the `patrol` command, which owns the analyzer.

use std::fmt;
use std::path::Path;

use crate::extract::{extract_posts, match_profile, ExtractedPost, Page};
use crate::profile::{embedded, load_dir, Profile, ProfileError};

/// Pages larger than this are refused rather than parsed (a saved thread page is a few MB).
pub const MAX_PAGE_BYTES: u64 = 64 * 1024 * 1024;

#[derive(Debug)]
pub enum ScanError {
    /// The file cannot be read (or is too large).
    Read(String),
    /// A profile does not load.
    Profile(ProfileError),
    /// No profile recognises the page: not a supported site and not a board.
    NotRecognised { url: String },
}

impl fmt::Display for ScanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScanError::Read(r) => write!(f, "{r}"),
            ScanError::Profile(e) => write!(f, "profile: {e}"),
            ScanError::NotRecognised { url } => write!(
                f,
                "site not recognised: no site profile matches this page ({url}); it is neither X, 5ch, したらば, 爆サイ nor a recognisable board"
            ),
        }
    }
}

impl std::error::Error for ScanError {}

pub struct Scanned {
    pub site: String,
    pub profile_version: String,
    pub url: String,
    pub posts: Vec<ExtractedPost>,
}

/// Reads a saved page and extracts its posts. The page address is `url`, else the one the page
/// declares (canonical link, og:url), else the file's own `file://` address.
pub fn scan_file(
    path: &Path,
    url: Option<&str>,
    profiles_dir: Option<&Path>,
) -> Result<Scanned, ScanError> {
    let meta =
        std::fs::metadata(path).map_err(|e| ScanError::Read(format!("{}: {e}", path.display())))?;
    if meta.len() > MAX_PAGE_BYTES {
        return Err(ScanError::Read(format!(
            "{}: {} bytes is larger than the {MAX_PAGE_BYTES}-byte limit",
            path.display(),
            meta.len()
        )));
    }
    let bytes =
        std::fs::read(path).map_err(|e| ScanError::Read(format!("{}: {e}", path.display())))?;
    let html = decode_page(&bytes);
    let profiles = match profiles_dir {
        Some(d) => load_dir(d),
        None => embedded(),
    }
    .map_err(ScanError::Profile)?;
    let url = match url {
        Some(u) => u.to_string(),
        None => Page::declared_url(&html).unwrap_or_else(|| {
            std::fs::canonicalize(path)
                .ok()
                .and_then(|p| url::Url::from_file_path(p).ok())
                .map(|u| u.to_string())
                .unwrap_or_else(|| format!("file://{}", path.display()))
        }),
    };
    scan_html(&html, &url, &profiles)
}

/// Decodes a saved page as a browser would: byte-order mark, then the `<meta charset>` (or
/// `http-equiv` content type) in the first 4 KB, else UTF-8. Saved 5ch pages are Shift_JIS and
/// したらば pages EUC-JP; reading them as UTF-8 would analyse mojibake and miss everything.
pub fn decode_page(bytes: &[u8]) -> String {
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        return enc
            .decode_without_bom_handling(&bytes[bom..])
            .0
            .into_owned();
    }
    let head = &bytes[..bytes.len().min(4096)];
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let mut label = None;
    let mut from = 0;
    while let Some(i) = find(&lower[from..], b"charset") {
        let mut j = from + i + b"charset".len();
        while j < lower.len() && matches!(lower[j], b' ' | b'\t') {
            j += 1;
        }
        if j < lower.len() && lower[j] == b'=' {
            j += 1;
            while j < lower.len() && matches!(lower[j], b' ' | b'\t' | b'"' | b'\'') {
                j += 1;
            }
            let start = j;
            while j < lower.len()
                && (lower[j].is_ascii_alphanumeric()
                    || matches!(lower[j], b'-' | b'_' | b':' | b'.'))
            {
                j += 1;
            }
            if j > start {
                label = encoding_rs::Encoding::for_label(&lower[start..j]);
                if label.is_some() {
                    break;
                }
            }
        }
        from += i + 1;
    }
    // A page declaring UTF-16 in a meta tag is ASCII-compatible bytes; browsers read it as UTF-8.
    let enc = match label {
        Some(e) if e == encoding_rs::UTF_16LE || e == encoding_rs::UTF_16BE => encoding_rs::UTF_8,
        Some(e) => e,
        None => encoding_rs::UTF_8,
    };
    enc.decode_without_bom_handling(bytes).0.into_owned()
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

pub fn scan_html(html: &str, url: &str, profiles: &[Profile]) -> Result<Scanned, ScanError> {
    let page = Page::parse(html, url);
    let profile = match_profile(profiles, &page).ok_or_else(|| ScanError::NotRecognised {
        url: url.to_string(),
    })?;
    Ok(Scanned {
        site: profile.site.clone(),
        profile_version: profile.version.clone(),
        url: url.to_string(),
        posts: extract_posts(profile, &page),
    })
}
