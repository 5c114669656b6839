//! Site profiles: the JSON schema (documented in `profiles/README.md`), loading and validation.
//!
//! A profile is data so that a newer signed version can replace it without a new release
//! (X changes its markup often). Validation compiles every selector and regular expression up
//! front, so a broken profile is refused with the file and field named instead of failing on a page.

use std::fmt;
use std::path::Path;

use regex::Regex;
use scraper::Selector;
use serde::Deserialize;

/// The fields a profile may extract, in evaluation order: a `template` may only refer to
/// fields earlier in this list.
pub const FIELD_ORDER: [&str; 10] = [
    "post_no",
    "board",
    "thread",
    "author_handle",
    "author_name",
    "author_id",
    "posted_at",
    "permalink",
    "post_id",
    "media",
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileError {
    /// The file (or bundle entry) the profile came from.
    pub source: String,
    /// Dotted path of the offending field, e.g. `fields.permalink.closest`.
    pub field: String,
    pub reason: String,
}

impl fmt::Display for ProfileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            write!(f, "{}: {}", self.source, self.reason)
        } else {
            write!(f, "{}: {}: {}", self.source, self.field, self.reason)
        }
    }
}

impl std::error::Error for ProfileError {}

// ---------- raw JSON shape ----------

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProfile {
    site: String,
    version: String,
    #[serde(default)]
    label: String,
    #[serde(default)]
    fallback: bool,
    #[serde(rename = "match")]
    matcher: RawMatch,
    posts: RawPosts,
    #[serde(default)]
    fields: serde_json::Map<String, serde_json::Value>,
    text: RawText,
    #[serde(default)]
    author_profiles: Vec<RawAuthorProfile>,
    #[serde(default)]
    notes: serde_json::Value,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMatch {
    hosts: Vec<String>,
    #[serde(default)]
    paths: Vec<String>,
    #[serde(default)]
    presence: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPosts {
    #[serde(default)]
    selector: Option<String>,
    #[serde(default)]
    generic: Option<RawGeneric>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGeneric {
    block_tags: Vec<String>,
    min_blocks: usize,
    min_fraction: f64,
    number: String,
    date: String,
    prefix_chars: usize,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExtractor {
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    field: Option<String>,
    #[serde(default)]
    sibling: Option<String>,
    #[serde(default)]
    selector: Option<String>,
    #[serde(default)]
    outside: Option<String>,
    #[serde(default)]
    closest: Option<String>,
    #[serde(default)]
    attr: Option<String>,
    #[serde(default)]
    regex: Option<String>,
    #[serde(default)]
    template: Option<String>,
    #[serde(default)]
    absolute: bool,
    #[serde(default)]
    date: Option<RawDate>,
    #[serde(default)]
    all: bool,
    #[serde(default)]
    img_alt: bool,
    #[serde(default)]
    or: Option<Box<RawExtractor>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDate {
    regex: String,
    tz: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawText {
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    sibling: Option<String>,
    #[serde(default)]
    selector: Option<String>,
    #[serde(default)]
    outside: Option<String>,
    #[serde(default)]
    or_self: bool,
    #[serde(default)]
    whitespace: Option<String>,
    #[serde(default)]
    exclude: Vec<String>,
    #[serde(default)]
    reply: Option<RawReply>,
    #[serde(default)]
    img_alt: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawReply {
    selector: String,
    regex: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAuthorProfile {
    container: String,
    text: RawText,
    handle: RawExtractor,
}

// ---------- compiled form ----------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum From {
    Post,
    Page,
    Prev,
    Next,
    Url,
    Field,
}

#[derive(Debug, Clone)]
pub struct DateSpec {
    pub regex: Regex,
    pub tz: String,
}

#[derive(Debug, Clone)]
pub struct Extractor {
    pub from: From,
    pub field: Option<String>,
    pub sibling: Option<Selector>,
    pub selector: Option<Selector>,
    /// Matches inside such an element (below the start element) are skipped: X's quoted
    /// tweet carries its own name, time, text and photos inside the quoting article.
    pub outside: Option<Selector>,
    pub closest: Option<Selector>,
    pub attr: Option<String>,
    pub regex: Option<Regex>,
    pub template: Option<String>,
    pub absolute: bool,
    pub date: Option<DateSpec>,
    pub all: bool,
    /// Read `<img alt>` in the element's text (X draws emoji in display names as images).
    pub img_alt: bool,
    pub or: Option<Box<Extractor>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Whitespace {
    /// Source line breaks are only spacing (boards): runs of white space become one space.
    Normal,
    /// Source line breaks are line breaks (X renders with `white-space: pre-wrap`).
    Pre,
}

#[derive(Debug, Clone)]
pub struct Reply {
    pub selector: Selector,
    pub regex: Regex,
}

#[derive(Debug, Clone)]
pub struct TextSpec {
    pub from: From,
    pub sibling: Option<Selector>,
    pub selector: Option<Selector>,
    pub outside: Option<Selector>,
    pub or_self: bool,
    pub whitespace: Whitespace,
    pub exclude: Vec<Selector>,
    pub reply: Option<Reply>,
    pub img_alt: bool,
}

#[derive(Debug, Clone)]
pub struct Generic {
    pub block_tags: Vec<String>,
    pub min_blocks: usize,
    pub min_fraction: f64,
    pub number: Regex,
    pub date: Regex,
    pub prefix_chars: usize,
}

#[derive(Debug, Clone)]
pub enum Posts {
    Selector(Selector),
    Generic(Generic),
}

#[derive(Debug, Clone)]
pub struct AuthorProfile {
    pub container: Selector,
    pub text: TextSpec,
    pub handle: Extractor,
}

#[derive(Debug, Clone)]
pub struct HostPattern {
    /// `*` alone: any host. `*.example.net`: any subdomain (not the bare domain).
    pub pattern: String,
}

impl HostPattern {
    pub fn matches(&self, host: &str) -> bool {
        let host = host.to_ascii_lowercase();
        let p = self.pattern.as_str();
        if p == "*" {
            return true;
        }
        match p.strip_prefix("*.") {
            Some(suffix) => host.len() > suffix.len() + 1 && host.ends_with(&format!(".{suffix}")),
            None => host == p,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Profile {
    pub site: String,
    pub version: String,
    pub label: String,
    pub fallback: bool,
    pub hosts: Vec<HostPattern>,
    pub paths: Vec<Regex>,
    pub presence: Option<Selector>,
    pub posts: Posts,
    /// In [`FIELD_ORDER`] order; absent fields are not extracted (null / empty).
    pub fields: Vec<(String, Extractor)>,
    pub text: TextSpec,
    pub author_profiles: Vec<AuthorProfile>,
    /// The JSON the profile was compiled from (bundles carry it as is).
    pub json: serde_json::Value,
}

struct Ctx<'a> {
    source: &'a str,
}

impl Ctx<'_> {
    fn err(&self, field: &str, reason: impl Into<String>) -> ProfileError {
        ProfileError {
            source: self.source.to_string(),
            field: field.to_string(),
            reason: reason.into(),
        }
    }

    fn selector(&self, field: &str, s: &str) -> Result<Selector, ProfileError> {
        if s.trim().is_empty() {
            return Err(self.err(field, "empty CSS selector"));
        }
        if s.contains(":has(") {
            return Err(self.err(
                field,
                format!("CSS selector {s:?}: :has() is not allowed (the native engine lacks it; use `closest`)"),
            ));
        }
        Selector::parse(s).map_err(|e| self.err(field, format!("invalid CSS selector {s:?}: {e}")))
    }

    fn regex(&self, field: &str, s: &str) -> Result<Regex, ProfileError> {
        // The same pattern must mean the same in JavaScript (`u` flag): forbid what differs.
        for bad in [
            "(?=", "(?!", "(?<=", "(?<!", "(?i", "(?s", "(?m", "(?x", "\\p{",
        ] {
            if s.contains(bad) {
                return Err(self.err(
                    field,
                    format!(
                        "regex {s:?}: {bad} is not in the subset shared by Rust and JavaScript"
                    ),
                ));
            }
        }
        for class in ["\\d", "\\w", "\\s", "\\b", "\\D", "\\W", "\\S", "\\B"] {
            if s.contains(class) {
                return Err(self.err(
                    field,
                    format!("regex {s:?}: {class} differs between Rust (Unicode) and JavaScript (ASCII); write the class out, e.g. [0-9]"),
                ));
            }
        }
        Regex::new(s).map_err(|e| self.err(field, format!("invalid regex {s:?}: {e}")))
    }

    fn from(&self, field: &str, s: Option<&str>) -> Result<From, ProfileError> {
        Ok(match s.unwrap_or("post") {
            "post" => From::Post,
            "page" => From::Page,
            "prev" => From::Prev,
            "next" => From::Next,
            "url" => From::Url,
            "field" => From::Field,
            other => {
                return Err(self.err(
                    field,
                    format!("unknown source {other:?} (post, page, prev, next, url, field)"),
                ))
            }
        })
    }

    fn extractor(
        &self,
        path: &str,
        raw: &RawExtractor,
        earlier: &[&str],
    ) -> Result<Extractor, ProfileError> {
        let from = self.from(&format!("{path}.from"), raw.from.as_deref())?;
        let field = match (from, &raw.field) {
            (From::Field, Some(f)) if earlier.contains(&f.as_str()) => Some(f.clone()),
            (From::Field, Some(f)) => {
                return Err(self.err(
                    &format!("{path}.field"),
                    format!(
                        "{f:?} is not a field extracted before this one (order: {})",
                        FIELD_ORDER.join(", ")
                    ),
                ))
            }
            (From::Field, None) => {
                return Err(self.err(&format!("{path}.field"), "required when from is \"field\""))
            }
            (_, Some(_)) => {
                return Err(self.err(
                    &format!("{path}.field"),
                    "only allowed when from is \"field\"",
                ))
            }
            (_, None) => None,
        };
        let sibling = self.sibling(path, from, raw.sibling.as_deref())?;
        let no_dom = matches!(from, From::Url | From::Field);
        if no_dom
            && (raw.selector.is_some()
                || raw.closest.is_some()
                || raw.attr.is_some()
                || raw.outside.is_some())
        {
            return Err(self.err(
                path,
                "selector, outside, closest and attr need an element; from \"url\"/\"field\" gives a string",
            ));
        }
        if let Some(t) = &raw.template {
            for name in placeholders(t) {
                let is_group = name.len() == 1 && name.as_bytes()[0].is_ascii_digit();
                if !is_group && !earlier.contains(&name.as_str()) {
                    return Err(self.err(
                        &format!("{path}.template"),
                        format!("{{{name}}} is neither a regex group (0-9) nor a field extracted before this one"),
                    ));
                }
            }
        }
        let date = match &raw.date {
            Some(d) => {
                let regex = self.regex(&format!("{path}.date.regex"), &d.regex)?;
                for g in ["y", "m", "d", "H", "M"] {
                    if !regex.capture_names().flatten().any(|n| n == g) {
                        return Err(self.err(
                            &format!("{path}.date.regex"),
                            format!("needs named groups y, m, d, H, M (and optionally S); {g} is missing"),
                        ));
                    }
                }
                if !valid_tz(&d.tz) {
                    return Err(self.err(
                        &format!("{path}.date.tz"),
                        format!("{:?} is not an offset like +09:00 or Z", d.tz),
                    ));
                }
                Some(DateSpec {
                    regex,
                    tz: d.tz.clone(),
                })
            }
            None => None,
        };
        Ok(Extractor {
            from,
            field,
            sibling,
            selector: raw
                .selector
                .as_deref()
                .map(|s| self.selector(&format!("{path}.selector"), s))
                .transpose()?,
            outside: raw
                .outside
                .as_deref()
                .map(|s| self.selector(&format!("{path}.outside"), s))
                .transpose()?,
            closest: raw
                .closest
                .as_deref()
                .map(|s| self.selector(&format!("{path}.closest"), s))
                .transpose()?,
            attr: raw.attr.clone(),
            regex: raw
                .regex
                .as_deref()
                .map(|s| self.regex(&format!("{path}.regex"), s))
                .transpose()?,
            template: raw.template.clone(),
            absolute: raw.absolute,
            date,
            all: raw.all,
            img_alt: raw.img_alt,
            or: raw
                .or
                .as_deref()
                .map(|o| {
                    self.extractor(&format!("{path}.or"), o, earlier)
                        .map(Box::new)
                })
                .transpose()?,
        })
    }

    fn sibling(
        &self,
        path: &str,
        from: From,
        s: Option<&str>,
    ) -> Result<Option<Selector>, ProfileError> {
        match (from, s) {
            (From::Prev | From::Next, Some(s)) => Ok(Some(self.selector(&format!("{path}.sibling"), s)?)),
            (From::Prev | From::Next, None) => Err(self.err(
                &format!("{path}.sibling"),
                "required with from prev/next: the selector the sibling must match (so a missing pair gives null, not a neighbour's data)",
            )),
            (_, Some(_)) => Err(self.err(&format!("{path}.sibling"), "only allowed with from prev/next")),
            (_, None) => Ok(None),
        }
    }

    fn text(&self, path: &str, raw: &RawText) -> Result<TextSpec, ProfileError> {
        let from = self.from(&format!("{path}.from"), raw.from.as_deref())?;
        if matches!(from, From::Url | From::Field) {
            return Err(self.err(&format!("{path}.from"), "text needs an element"));
        }
        Ok(TextSpec {
            from,
            sibling: self.sibling(path, from, raw.sibling.as_deref())?,
            selector: raw
                .selector
                .as_deref()
                .map(|s| self.selector(&format!("{path}.selector"), s))
                .transpose()?,
            outside: raw
                .outside
                .as_deref()
                .map(|s| self.selector(&format!("{path}.outside"), s))
                .transpose()?,
            or_self: raw.or_self,
            whitespace: match raw.whitespace.as_deref().unwrap_or("normal") {
                "normal" => Whitespace::Normal,
                "pre" => Whitespace::Pre,
                other => {
                    return Err(self.err(
                        &format!("{path}.whitespace"),
                        format!("{other:?}: expected \"normal\" or \"pre\""),
                    ))
                }
            },
            exclude: raw
                .exclude
                .iter()
                .enumerate()
                .map(|(i, s)| self.selector(&format!("{path}.exclude[{i}]"), s))
                .collect::<Result<_, _>>()?,
            reply: raw
                .reply
                .as_ref()
                .map(|r| {
                    Ok::<_, ProfileError>(Reply {
                        selector: self.selector(&format!("{path}.reply.selector"), &r.selector)?,
                        regex: self.regex(&format!("{path}.reply.regex"), &r.regex)?,
                    })
                })
                .transpose()?,
            img_alt: raw.img_alt,
        })
    }
}

/// `{name}` placeholders of a template.
pub fn placeholders(t: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = t;
    while let Some(i) = rest.find('{') {
        let after = &rest[i + 1..];
        match after.find('}') {
            Some(j) => {
                out.push(after[..j].to_string());
                rest = &after[j + 1..];
            }
            None => break,
        }
    }
    out
}

fn valid_tz(tz: &str) -> bool {
    if tz == "Z" {
        return true;
    }
    let b = tz.as_bytes();
    b.len() == 6
        && (b[0] == b'+' || b[0] == b'-')
        && b[1].is_ascii_digit()
        && b[2].is_ascii_digit()
        && b[3] == b':'
        && b[4].is_ascii_digit()
        && b[5].is_ascii_digit()
}

fn valid_version(v: &str) -> bool {
    let parts: Vec<&str> = v.split('.').collect();
    parts.len() == 4
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// Compares two profile versions (`YYYY.MM.DD.N`) numerically, part by part.
pub fn compare_versions(a: &str, b: &str) -> Option<std::cmp::Ordering> {
    if !valid_version(a) || !valid_version(b) {
        return None;
    }
    let nums = |v: &str| -> Vec<u64> {
        v.split('.')
            .map(|p| p.parse().unwrap_or(u64::MAX))
            .collect()
    };
    Some(nums(a).cmp(&nums(b)))
}

/// Compiles one profile from its JSON text; `source` names it in errors (a path or bundle entry).
pub fn parse_profile(source: &str, json: &str) -> Result<Profile, ProfileError> {
    let value: serde_json::Value = serde_json::from_str(json).map_err(|e| ProfileError {
        source: source.to_string(),
        field: String::new(),
        reason: format!("not valid JSON: {e}"),
    })?;
    profile_from_value(source, value)
}

pub fn profile_from_value(source: &str, value: serde_json::Value) -> Result<Profile, ProfileError> {
    let ctx = Ctx { source };
    let raw: RawProfile = serde_json::from_value(value.clone())
        .map_err(|e| ctx.err("", format!("does not follow the profile schema: {e}")))?;
    if raw.site.is_empty()
        || !raw
            .site
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_')
    {
        return Err(ctx.err(
            "site",
            format!("{:?}: expected a short id such as x or 5ch", raw.site),
        ));
    }
    if !valid_version(&raw.version) {
        return Err(ctx.err(
            "version",
            format!("{:?}: expected YYYY.MM.DD.N", raw.version),
        ));
    }
    if raw.matcher.hosts.is_empty() {
        return Err(ctx.err("match.hosts", "at least one host pattern is needed"));
    }
    for (i, h) in raw.matcher.hosts.iter().enumerate() {
        let body = h.strip_prefix("*.").unwrap_or(h);
        let ok = h == "*"
            || (!body.is_empty()
                && body.bytes().all(|b| {
                    b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-'
                }));
        if !ok {
            return Err(ctx.err(
                &format!("match.hosts[{i}]"),
                format!("{h:?}: expected a lower-case host, *.domain, or *"),
            ));
        }
    }
    let posts = match (&raw.posts.selector, &raw.posts.generic) {
        (Some(s), None) => Posts::Selector(ctx.selector("posts.selector", s)?),
        (None, Some(g)) => {
            if g.min_blocks < 2 {
                return Err(ctx.err("posts.generic.min_blocks", "must be at least 2"));
            }
            if !(g.min_fraction > 0.0 && g.min_fraction <= 1.0) {
                return Err(ctx.err("posts.generic.min_fraction", "must be in (0, 1]"));
            }
            if g.prefix_chars == 0 || g.prefix_chars > 2000 {
                return Err(ctx.err("posts.generic.prefix_chars", "must be 1..=2000"));
            }
            if g.block_tags.is_empty() {
                return Err(ctx.err("posts.generic.block_tags", "at least one tag is needed"));
            }
            Posts::Generic(Generic {
                block_tags: g
                    .block_tags
                    .iter()
                    .map(|t| t.to_ascii_lowercase())
                    .collect(),
                min_blocks: g.min_blocks,
                min_fraction: g.min_fraction,
                number: ctx.regex("posts.generic.number", &g.number)?,
                date: ctx.regex("posts.generic.date", &g.date)?,
                prefix_chars: g.prefix_chars,
            })
        }
        _ => return Err(ctx.err("posts", "exactly one of selector or generic is needed")),
    };
    if raw.fallback != matches!(posts, Posts::Generic(_)) {
        return Err(ctx.err(
            "fallback",
            "a fallback profile must find posts with posts.generic, and only a fallback may",
        ));
    }
    let mut fields = Vec::new();
    for key in raw.fields.keys() {
        if !FIELD_ORDER.contains(&key.as_str()) {
            return Err(ctx.err(
                &format!("fields.{key}"),
                format!("unknown field (known: {})", FIELD_ORDER.join(", ")),
            ));
        }
    }
    for (i, name) in FIELD_ORDER.iter().enumerate() {
        if let Some(v) = raw.fields.get(*name) {
            let path = format!("fields.{name}");
            let rx: RawExtractor = serde_json::from_value(v.clone()).map_err(|e| {
                ctx.err(&path, format!("does not follow the extractor schema: {e}"))
            })?;
            let ex = ctx.extractor(&path, &rx, &FIELD_ORDER[..i])?;
            if ex.all != (*name == "media") {
                return Err(ctx.err(
                    &format!("{path}.all"),
                    "true for media (a list), and only for media",
                ));
            }
            fields.push((name.to_string(), ex));
        }
    }
    let text = ctx.text("text", &raw.text)?;
    let author_profiles = raw
        .author_profiles
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let path = format!("author_profiles[{i}]");
            Ok(AuthorProfile {
                container: ctx.selector(&format!("{path}.container"), &a.container)?,
                text: ctx.text(&format!("{path}.text"), &a.text)?,
                handle: ctx.extractor(&format!("{path}.handle"), &a.handle, &[])?,
            })
        })
        .collect::<Result<_, ProfileError>>()?;
    let _ = raw.notes;
    Ok(Profile {
        site: raw.site,
        version: raw.version,
        label: raw.label,
        fallback: raw.fallback,
        hosts: raw
            .matcher
            .hosts
            .into_iter()
            .map(|pattern| HostPattern { pattern })
            .collect(),
        paths: raw
            .matcher
            .paths
            .iter()
            .enumerate()
            .map(|(i, p)| ctx.regex(&format!("match.paths[{i}]"), p))
            .collect::<Result<_, _>>()?,
        presence: raw
            .matcher
            .presence
            .as_deref()
            .map(|s| ctx.selector("match.presence", s))
            .transpose()?,
        posts,
        fields,
        text,
        author_profiles,
        json: value,
    })
}

/// Loads one profile file.
pub fn load_profile(path: &Path) -> Result<Profile, ProfileError> {
    let source = path.display().to_string();
    let json = std::fs::read_to_string(path).map_err(|e| ProfileError {
        source: source.clone(),
        field: String::new(),
        reason: format!("cannot read: {e}"),
    })?;
    parse_profile(&source, &json)
}

/// Loads every `*.json` in a directory, specific sites first and fallbacks last (the order
/// [`crate::match_profile`] tries them), each group sorted by file name.
pub fn load_dir(dir: &Path) -> Result<Vec<Profile>, ProfileError> {
    let source = dir.display().to_string();
    let entries = std::fs::read_dir(dir).map_err(|e| ProfileError {
        source: source.clone(),
        field: String::new(),
        reason: format!("cannot read the directory: {e}"),
    })?;
    let mut paths: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    let mut profiles = paths
        .iter()
        .map(|p| load_profile(p))
        .collect::<Result<Vec<_>, _>>()?;
    check_unique(&source, &profiles)?;
    profiles.sort_by_key(|p| p.fallback);
    Ok(profiles)
}

pub(crate) fn check_unique(source: &str, profiles: &[Profile]) -> Result<(), ProfileError> {
    for (i, p) in profiles.iter().enumerate() {
        if profiles[..i].iter().any(|q| q.site == p.site) {
            return Err(ProfileError {
                source: source.to_string(),
                field: "site".into(),
                reason: format!("two profiles for site {:?}", p.site),
            });
        }
    }
    Ok(())
}

/// The profiles shipped in `profiles/`, compiled into the binary.
pub fn embedded() -> Result<Vec<Profile>, ProfileError> {
    let files: [(&str, &str); 5] = [
        ("profiles/x.json", include_str!("../../../profiles/x.json")),
        (
            "profiles/5ch.json",
            include_str!("../../../profiles/5ch.json"),
        ),
        (
            "profiles/shitaraba.json",
            include_str!("../../../profiles/shitaraba.json"),
        ),
        (
            "profiles/bakusai.json",
            include_str!("../../../profiles/bakusai.json"),
        ),
        (
            "profiles/generic.json",
            include_str!("../../../profiles/generic.json"),
        ),
    ];
    let mut profiles = files
        .iter()
        .map(|(name, json)| parse_profile(name, json))
        .collect::<Result<Vec<_>, _>>()?;
    check_unique("profiles/", &profiles)?;
    profiles.sort_by_key(|p| p.fallback);
    Ok(profiles)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_patterns_match_subdomains_not_lookalikes() {
        let p = HostPattern {
            pattern: "*.5ch.net".into(),
        };
        assert!(p.matches("egg.5ch.net"));
        assert!(p.matches("MI.5CH.NET"));
        assert!(!p.matches("5ch.net"));
        assert!(!p.matches("evil5ch.net"));
        assert!(!p.matches("egg.5ch.net.example.com"));
        let x = HostPattern {
            pattern: "x.com".into(),
        };
        assert!(x.matches("x.com") && !x.matches("nx.com") && !x.matches("x.com.evil.jp"));
    }

    #[test]
    fn versions_compare_numerically_part_by_part() {
        use std::cmp::Ordering::*;
        assert_eq!(
            compare_versions("2026.11.22.10", "2026.11.22.9"),
            Some(Greater)
        );
        assert_eq!(
            compare_versions("2026.11.22.1", "2026.11.22.1"),
            Some(Equal)
        );
        assert_eq!(compare_versions("2025.12.31.1", "2026.1.1.1"), Some(Less));
        assert_eq!(compare_versions("2026.11.22", "2026.11.22.1"), None);
    }

    #[test]
    fn shipped_profiles_load() {
        let p = embedded().expect("profiles/ load");
        let sites: Vec<_> = p.iter().map(|p| p.site.as_str()).collect();
        assert_eq!(sites, ["x", "5ch", "shitaraba", "bakusai", "generic"]);
        assert!(
            p.last().is_some_and(|g| g.fallback),
            "the fallback is tried last"
        );
    }
}
