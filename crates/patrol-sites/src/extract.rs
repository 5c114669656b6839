//! The extraction engine: interprets a compiled [`Profile`] over a parsed page.
//! `extension/src/content/extract.js` is the same algorithm over the live DOM.

use scraper::{ElementRef, Html, Selector};
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::generic::generic_posts;
use crate::profile::{Extractor, From, Posts, Profile, TextSpec};
use crate::text::{plain_text_with, walk, WalkOptions, Walked};

/// A page to extract from: the parsed document and the address it was served from.
pub struct Page {
    pub html: Html,
    pub url: String,
    parsed_url: Option<url::Url>,
}

impl Page {
    pub fn parse(html: &str, url: &str) -> Page {
        Page {
            html: Html::parse_document(html),
            url: url.to_string(),
            parsed_url: url::Url::parse(url).ok(),
        }
    }

    pub fn host(&self) -> String {
        self.parsed_url
            .as_ref()
            .and_then(|u| u.host_str().map(|h| h.to_ascii_lowercase()))
            .unwrap_or_default()
    }

    pub fn path(&self) -> String {
        self.parsed_url
            .as_ref()
            .map(|u| u.path().to_string())
            .unwrap_or_default()
    }

    /// The address the page declares for itself (`<link rel=canonical>`, `og:url`), for saved
    /// pages given without `--url`.
    pub fn declared_url(html: &str) -> Option<String> {
        let doc = Html::parse_document(html);
        for (sel, attr) in [
            ("link[rel=\"canonical\"][href]", "href"),
            ("meta[property=\"og:url\"][content]", "content"),
        ] {
            let s = Selector::parse(sel).ok()?;
            if let Some(v) = doc.select(&s).next().and_then(|e| e.value().attr(attr)) {
                if let Ok(u) = url::Url::parse(v) {
                    if matches!(u.scheme(), "http" | "https") {
                        return Some(u.to_string());
                    }
                }
            }
        }
        None
    }

    fn resolve(&self, v: &str) -> Option<String> {
        match &self.parsed_url {
            Some(base) => base.join(v).ok().map(|u| u.to_string()),
            None => url::Url::parse(v).ok().map(|u| u.to_string()),
        }
    }
}

/// One post as the rest of the product sees it ("Extracted post" in docs/architecture.md).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExtractedPost {
    pub site: String,
    pub profile_version: String,
    pub key: String,
    pub url: String,
    pub post_id: Option<String>,
    pub post_no: Option<String>,
    pub board: Option<String>,
    pub thread: Option<String>,
    pub author_handle: Option<String>,
    pub author_name: Option<String>,
    pub author_id: Option<String>,
    pub posted_at: Option<String>,
    pub text: String,
    pub reply_to: Vec<String>,
    pub media: Vec<String>,
    pub profile: String,
}

/// Chooses the profile for a page: specific sites by host, path and a presence selector, in
/// order; a fallback profile only when its heuristics find posts on the page.
pub fn match_profile<'p>(profiles: &'p [Profile], page: &Page) -> Option<&'p Profile> {
    let host = page.host();
    let path = page.path();
    let ordered = profiles
        .iter()
        .filter(|p| !p.fallback)
        .chain(profiles.iter().filter(|p| p.fallback));
    for p in ordered {
        if !p.hosts.iter().any(|h| h.matches(&host)) {
            continue;
        }
        if !p.paths.is_empty() && !p.paths.iter().any(|r| r.is_match(&path)) {
            continue;
        }
        if let Some(sel) = &p.presence {
            if page.html.select(sel).next().is_none() {
                continue;
            }
        }
        if let Posts::Generic(g) = &p.posts {
            if generic_posts(page.html.root_element(), g).is_empty() {
                continue;
            }
        }
        return Some(p);
    }
    None
}

/// The elements the profile calls posts, in document order.
pub fn post_elements<'a>(profile: &Profile, page: &'a Page) -> Vec<ElementRef<'a>> {
    match &profile.posts {
        Posts::Selector(s) => page.html.select(s).collect(),
        Posts::Generic(g) => generic_posts(page.html.root_element(), g),
    }
}

fn closest<'a>(el: ElementRef<'a>, sel: &Selector) -> Option<ElementRef<'a>> {
    let mut cur = Some(el);
    while let Some(e) = cur {
        if sel.matches(&e) {
            return Some(e);
        }
        cur = e.parent().and_then(ElementRef::wrap);
    }
    None
}

/// Whether `el` lies inside an element matching `sel` below `base` (base itself excluded).
fn inside(el: ElementRef<'_>, base: ElementRef<'_>, sel: &Selector) -> bool {
    let mut cur = el.parent().and_then(ElementRef::wrap);
    while let Some(e) = cur {
        if e.id() == base.id() {
            return false;
        }
        if sel.matches(&e) {
            return true;
        }
        cur = e.parent().and_then(ElementRef::wrap);
    }
    false
}

/// Descendants of `base` matching `sel`, minus those inside an `outside` element.
fn select_in<'a>(
    base: ElementRef<'a>,
    sel: &Selector,
    outside: Option<&Selector>,
    first_only: bool,
) -> Vec<ElementRef<'a>> {
    let found = base
        .select(sel)
        .filter(|e| outside.is_none_or(|o| !inside(*e, base, o)));
    if first_only {
        found.take(1).collect()
    } else {
        found.collect()
    }
}

fn sibling<'a>(el: ElementRef<'a>, next: bool, must: &Selector) -> Option<ElementRef<'a>> {
    let mut n = if next {
        el.next_sibling()
    } else {
        el.prev_sibling()
    };
    while let Some(node) = n {
        if let Some(e) = ElementRef::wrap(node) {
            return must.matches(&e).then_some(e);
        }
        n = if next {
            node.next_sibling()
        } else {
            node.prev_sibling()
        };
    }
    None
}

fn base<'a>(
    from: From,
    sib: Option<&Selector>,
    post: ElementRef<'a>,
    page: &'a Page,
) -> Option<ElementRef<'a>> {
    match (from, sib) {
        (From::Post, _) => Some(post),
        (From::Page, _) => Some(page.html.root_element()),
        (From::Prev, Some(s)) => sibling(post, false, s),
        (From::Next, Some(s)) => sibling(post, true, s),
        _ => None,
    }
}

type Fields = Vec<(String, Value)>;

fn field_str<'f>(fields: &'f Fields, name: &str) -> Option<&'f str> {
    fields
        .iter()
        .find(|(n, _)| n == name)
        .and_then(|(_, v)| v.as_str())
}

fn to_iso(spec: &crate::profile::DateSpec, v: &str) -> Option<String> {
    let c = spec.regex.captures(v)?;
    let num = |g: &str| -> Option<u32> { c.name(g).and_then(|m| m.as_str().parse().ok()) };
    let (y, mo, d, h, mi) = (num("y")?, num("m")?, num("d")?, num("H")?, num("M")?);
    let s = match c.name("S") {
        Some(m) => m.as_str().parse().ok()?,
        None => 0,
    };
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || s > 59 || y > 9999
    {
        return None;
    }
    Some(format!(
        "{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}{}",
        spec.tz
    ))
}

fn finish_value(ex: &Extractor, raw: &str, fields: &Fields, page: &Page) -> Option<String> {
    let mut groups: Vec<Option<String>> = vec![Some(raw.to_string())];
    let mut value = raw.to_string();
    if let Some(re) = &ex.regex {
        let c = re.captures(raw)?;
        groups = (0..c.len())
            .map(|i| c.get(i).map(|m| m.as_str().to_string()))
            .collect();
        value = c.get(1).or_else(|| c.get(0))?.as_str().to_string();
    }
    if let Some(t) = &ex.template {
        let mut out = String::new();
        let mut rest = t.as_str();
        while let Some(i) = rest.find('{') {
            out.push_str(&rest[..i]);
            let after = &rest[i + 1..];
            let j = after.find('}')?;
            let name = &after[..j];
            let is_group = name.len() == 1 && name.as_bytes()[0].is_ascii_digit();
            if is_group {
                let g = usize::from(name.as_bytes()[0] - b'0');
                out.push_str(groups.get(g).cloned().flatten().as_deref().unwrap_or(""));
            } else {
                out.push_str(field_str(fields, name)?);
            }
            rest = &after[j + 1..];
        }
        out.push_str(rest);
        value = out;
    }
    if let Some(d) = &ex.date {
        value = to_iso(d, &value)?;
    }
    if ex.absolute {
        value = page.resolve(&value)?;
    }
    (!value.is_empty()).then_some(value)
}

/// Evaluates one extractor: a string (or, with `all`, the list of strings), `null` when the
/// page does not have it; `or` is tried when the first way finds nothing.
pub fn eval_extractor(ex: &Extractor, post: ElementRef<'_>, page: &Page, fields: &Fields) -> Value {
    let raws: Vec<String> = match ex.from {
        From::Url => vec![page.url.clone()],
        From::Field => ex
            .field
            .as_deref()
            .and_then(|f| field_str(fields, f))
            .map(|s| vec![s.to_string()])
            .unwrap_or_default(),
        _ => {
            let els: Vec<ElementRef<'_>> = match base(ex.from, ex.sibling.as_ref(), post, page) {
                None => Vec::new(),
                Some(b) => match &ex.selector {
                    Some(s) => select_in(b, s, ex.outside.as_ref(), !ex.all),
                    None => vec![b],
                },
            };
            els.into_iter()
                .filter_map(|e| match &ex.closest {
                    Some(c) => closest(e, c),
                    None => Some(e),
                })
                .filter_map(|e| match &ex.attr {
                    Some(a) => e.value().attr(a).map(str::to_string),
                    None => Some(plain_text_with(e, ex.img_alt)),
                })
                .collect()
        }
    };
    let mut values: Vec<String> = Vec::new();
    for r in &raws {
        if let Some(v) = finish_value(ex, r, fields, page) {
            if !values.contains(&v) {
                values.push(v);
            }
        }
        if !ex.all && !values.is_empty() {
            break;
        }
    }
    if values.is_empty() {
        if let Some(or) = &ex.or {
            return eval_extractor(or, post, page, fields);
        }
    }
    if ex.all {
        Value::Array(values.into_iter().map(Value::String).collect())
    } else {
        values
            .into_iter()
            .next()
            .map(Value::String)
            .unwrap_or(Value::Null)
    }
}

/// Reads a post's (or a profile container's) text as the profile's text spec says.
pub fn eval_text(spec: &TextSpec, el: ElementRef<'_>, page: &Page) -> Walked {
    let target =
        base(spec.from, spec.sibling.as_ref(), el, page).and_then(|b| match &spec.selector {
            Some(s) => select_in(b, s, spec.outside.as_ref(), true)
                .into_iter()
                .next()
                .or(if spec.or_self { Some(b) } else { None }),
            None => Some(b),
        });
    match target {
        Some(t) => walk(
            t,
            &WalkOptions {
                whitespace: spec.whitespace,
                exclude: &spec.exclude,
                reply: spec.reply.as_ref(),
                img_alt: spec.img_alt,
                char_limit: 0,
                node_limit: 0,
            },
        ),
        None => Walked {
            text: String::new(),
            reply_to: Vec::new(),
        },
    }
}

/// Every (handle, profile text) the page shows (profile page header, hover cards), read once
/// per page so that thousands of posts do not each search the whole document.
pub fn author_profiles_on_page(profile: &Profile, page: &Page) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for ap in &profile.author_profiles {
        for container in page.html.select(&ap.container) {
            let Some(h) = eval_extractor(&ap.handle, container, page, &Vec::new())
                .as_str()
                .map(str::to_string)
            else {
                continue;
            };
            let t = eval_text(&ap.text, container, page).text;
            if !t.is_empty() && !out.iter().any(|(k, _)| k.eq_ignore_ascii_case(&h)) {
                out.push((h, t));
            }
        }
    }
    out
}

fn lookup_profile(known: &[(String, String)], handle: &str) -> String {
    known
        .iter()
        .find(|(h, _)| h.eq_ignore_ascii_case(handle))
        .map(|(_, t)| t.clone())
        .unwrap_or_default()
}

/// The author's profile text shown on the page, or "" (the first container naming the handle wins).
pub fn author_profile_text(profile: &Profile, page: &Page, handle: &str) -> String {
    lookup_profile(&author_profiles_on_page(profile, page), handle)
}

/// Whether an extractor's value is the same for every post of a page (computed once).
fn page_constant(ex: &Extractor) -> bool {
    matches!(ex.from, From::Page | From::Url)
        && ex.template.as_deref().is_none_or(|t| {
            crate::profile::placeholders(t)
                .iter()
                .all(|n| n.len() == 1 && n.as_bytes()[0].is_ascii_digit())
        })
        && ex.or.as_deref().is_none_or(page_constant)
}

/// `sha256` of site, board, post number and text (NUL-separated) for posts without a permalink.
pub fn content_key(site: &str, board: Option<&str>, post_no: Option<&str>, text: &str) -> String {
    let mut h = Sha256::new();
    for (i, part) in [site, board.unwrap_or(""), post_no.unwrap_or(""), text]
        .iter()
        .enumerate()
    {
        if i > 0 {
            h.update([0u8]);
        }
        h.update(part.as_bytes());
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// What is read once per page and shared by all its posts.
pub struct PageContext {
    known_profiles: Vec<(String, String)>,
    constants: Vec<(String, Value)>,
}

impl PageContext {
    pub fn new(profile: &Profile, page: &Page) -> PageContext {
        let root = page.html.root_element();
        PageContext {
            known_profiles: author_profiles_on_page(profile, page),
            constants: profile
                .fields
                .iter()
                .filter(|(_, ex)| page_constant(ex))
                .map(|(n, ex)| (n.clone(), eval_extractor(ex, root, page, &Vec::new())))
                .collect(),
        }
    }
}

/// Extracts one post element.
pub fn extract_post(
    profile: &Profile,
    page: &Page,
    ctx: &PageContext,
    el: ElementRef<'_>,
) -> ExtractedPost {
    let mut fields: Fields = Vec::new();
    for (name, ex) in &profile.fields {
        let v = match ctx.constants.iter().find(|(n, _)| n == name) {
            Some((_, v)) => v.clone(),
            None => eval_extractor(ex, el, page, &fields),
        };
        fields.push((name.clone(), v));
    }
    let get = |n: &str| field_str(&fields, n).map(str::to_string);
    let walked = eval_text(&profile.text, el, page);
    let permalink = get("permalink");
    let key = match &permalink {
        Some(p) => p.clone(),
        None => content_key(
            &profile.site,
            get("board").as_deref(),
            get("post_no").as_deref(),
            &walked.text,
        ),
    };
    let media = fields
        .iter()
        .find(|(n, _)| n == "media")
        .and_then(|(_, v)| v.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let author_handle = get("author_handle");
    let profile_text = author_handle
        .as_deref()
        .map(|h| lookup_profile(&ctx.known_profiles, h))
        .unwrap_or_default();
    ExtractedPost {
        site: profile.site.clone(),
        profile_version: profile.version.clone(),
        key,
        url: permalink.unwrap_or_else(|| page.url.clone()),
        post_id: get("post_id"),
        post_no: get("post_no"),
        board: get("board"),
        thread: get("thread"),
        author_handle,
        author_name: get("author_name"),
        author_id: get("author_id"),
        posted_at: get("posted_at"),
        text: walked.text,
        reply_to: walked.reply_to,
        media,
        profile: profile_text,
    }
}

/// Every post of the page, in document order.
pub fn extract_posts(profile: &Profile, page: &Page) -> Vec<ExtractedPost> {
    let ctx = PageContext::new(profile, page);
    post_elements(profile, page)
        .into_iter()
        .map(|el| extract_post(profile, page, &ctx, el))
        .collect()
}
