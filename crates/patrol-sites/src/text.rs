//! Reading text out of markup the way an officer sees it: line breaks kept (`<br>`, blocks),
//! scripts and styles never read, reply anchors (`>>12`) taken out into `reply_to`.
//!
//! The walk is iterative (deeply nested hostile markup cannot overflow the stack) and linear in
//! the size of the subtree. `extension/src/content/extract.js` implements the same steps; the
//! golden fixtures check that both give identical strings.

use ego_tree::NodeRef;
use scraper::{ElementRef, Node};

use crate::profile::{Reply, Whitespace};
use scraper::Selector;

/// Elements whose content is never text the poster wrote for reading.
pub const SKIP_TAGS: [&str; 11] = [
    "script", "style", "template", "noscript", "iframe", "object", "embed", "svg", "math",
    "textarea", "select",
];

/// Elements that start a new line before and after them.
pub const BLOCK_TAGS: [&str; 29] = [
    "address",
    "article",
    "aside",
    "blockquote",
    "dd",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "ul",
];

const TABLE_BLOCKS: [&str; 2] = ["table", "tr"];

pub struct WalkOptions<'a> {
    pub whitespace: Whitespace,
    pub exclude: &'a [Selector],
    pub reply: Option<&'a Reply>,
    pub img_alt: bool,
    /// Stop after this many code points of raw text (0 = no limit).
    pub char_limit: usize,
    /// Stop after visiting this many nodes (0 = no limit).
    pub node_limit: usize,
}

impl WalkOptions<'_> {
    pub fn plain() -> WalkOptions<'static> {
        WalkOptions {
            whitespace: Whitespace::Normal,
            exclude: &[],
            reply: None,
            img_alt: false,
            char_limit: 0,
            node_limit: 0,
        }
    }
}

pub struct Walked {
    pub text: String,
    pub reply_to: Vec<String>,
}

/// Trims ASCII white space only: `str::trim` and JavaScript's `trim` disagree on U+FEFF etc.
pub fn trim_ascii(s: &str) -> &str {
    s.trim_matches(is_space)
}

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{c}')
}

/// Collapses runs of ASCII white space to one space (what `white-space: normal` shows).
pub fn collapse(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_space = false;
    for c in s.chars() {
        if is_space(c) {
            if !in_space {
                out.push(' ');
            }
            in_space = true;
        } else {
            out.push(c);
            in_space = false;
        }
    }
    out
}

fn push_break(buf: &mut String) {
    if !buf.is_empty() && !buf.ends_with('\n') {
        buf.push('\n');
    }
}

enum Step<'a> {
    Enter(NodeRef<'a, Node>),
    Leave,
}

/// Walks the subtree under (and including) `root`.
pub fn walk(root: ElementRef<'_>, opts: &WalkOptions<'_>) -> Walked {
    let mut buf = String::new();
    let mut chars = 0usize;
    let mut nodes = 0usize;
    let mut reply_to = Vec::new();
    let mut stack: Vec<Step<'_>> = vec![Step::Enter(*root)];
    while let Some(step) = stack.pop() {
        if opts.char_limit > 0 && chars >= opts.char_limit {
            break;
        }
        nodes += 1;
        if opts.node_limit > 0 && nodes > opts.node_limit {
            break;
        }
        let node = match step {
            Step::Leave => {
                push_break(&mut buf);
                continue;
            }
            Step::Enter(n) => n,
        };
        match node.value() {
            Node::Text(t) => {
                let piece = match opts.whitespace {
                    Whitespace::Normal => collapse(t),
                    Whitespace::Pre => t.replace("\r\n", "\n").replace('\r', "\n"),
                };
                chars += piece.chars().count();
                buf.push_str(&piece);
            }
            Node::Element(_) => {
                let Some(el) = ElementRef::wrap(node) else {
                    continue;
                };
                let tag = el.value().name().to_ascii_lowercase();
                if SKIP_TAGS.contains(&tag.as_str()) {
                    continue;
                }
                let is_root = node.id() == root.id();
                if !is_root && opts.exclude.iter().any(|s| s.matches(&el)) {
                    continue;
                }
                if let Some(reply) = opts.reply {
                    if !is_root && reply.selector.matches(&el) {
                        let anchor = plain_text(el);
                        if let Some(c) = reply.regex.captures(&anchor) {
                            let got = c
                                .get(1)
                                .or_else(|| c.get(0))
                                .map(|m| m.as_str().to_string());
                            if let Some(g) = got {
                                reply_to.push(g);
                            }
                            continue;
                        }
                    }
                }
                match tag.as_str() {
                    "br" => {
                        buf.push('\n');
                        chars += 1;
                        continue;
                    }
                    "img" => {
                        if opts.img_alt {
                            if let Some(alt) = el.value().attr("alt") {
                                chars += alt.chars().count();
                                buf.push_str(alt);
                            }
                        }
                        continue;
                    }
                    _ => {}
                }
                let block =
                    BLOCK_TAGS.contains(&tag.as_str()) || TABLE_BLOCKS.contains(&tag.as_str());
                if block {
                    push_break(&mut buf);
                    stack.push(Step::Leave);
                }
                let children: Vec<_> = node.children().collect();
                for c in children.into_iter().rev() {
                    stack.push(Step::Enter(c));
                }
            }
            _ => {}
        }
    }
    Walked {
        text: finish_lines(&buf, opts.whitespace),
        reply_to,
    }
}

/// Trims each line, drops empty lines at both ends (interior blank lines are the poster's).
fn finish_lines(buf: &str, ws: Whitespace) -> String {
    let lines: Vec<String> = buf
        .split('\n')
        .map(|l| {
            let l = l.trim_matches(|c: char| matches!(c, ' ' | '\t' | '\r' | '\u{c}'));
            match ws {
                Whitespace::Normal => collapse(l),
                Whitespace::Pre => l.to_string(),
            }
        })
        .collect();
    let first = lines.iter().position(|l| !l.is_empty());
    let last = lines.iter().rposition(|l| !l.is_empty());
    match (first, last) {
        (Some(a), Some(b)) => lines[a..=b].join("\n"),
        _ => String::new(),
    }
}

/// One-line text of an element (fields such as a name or a date): line breaks become spaces.
pub fn plain_text(el: ElementRef<'_>) -> String {
    plain_text_with(el, false)
}

/// [`plain_text`], optionally reading `<img alt>` (emoji drawn as images).
pub fn plain_text_with(el: ElementRef<'_>, img_alt: bool) -> String {
    let w = walk(
        el,
        &WalkOptions {
            img_alt,
            ..WalkOptions::plain()
        },
    );
    trim_ascii(&collapse(&w.text.replace('\n', " "))).to_string()
}

/// The first `chars` code points of an element's one-line text, visiting a bounded number of
/// nodes, so that scanning every block of a page stays linear.
pub fn prefix_text(el: ElementRef<'_>, chars: usize) -> String {
    let opts = WalkOptions {
        char_limit: chars * 2,
        node_limit: chars * 4 + 64,
        ..WalkOptions::plain()
    };
    let w = walk(el, &opts);
    let one = trim_ascii(&collapse(&w.text.replace('\n', " "))).to_string();
    one.chars().take(chars).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use scraper::Html;

    fn body_walk(html: &str, ws: Whitespace, reply: Option<&Reply>) -> Walked {
        let doc = Html::parse_document(html);
        let sel = Selector::parse("#t").expect("selector");
        let el = doc.select(&sel).next().expect("#t");
        walk(
            el,
            &WalkOptions {
                whitespace: ws,
                exclude: &[],
                reply,
                img_alt: true,
                char_limit: 0,
                node_limit: 0,
            },
        )
    }

    #[test]
    fn br_and_blocks_are_line_breaks_source_newlines_are_not_on_boards() {
        let w = body_walk(
            "<div id=t> 一行目 <br> 二行目\n続き<p>段落</p><br><br>空行の後 <br><br></div>",
            Whitespace::Normal,
            None,
        );
        // A block ends its line; each <br> after it is one more line break (two blank lines here).
        assert_eq!(w.text, "一行目\n二行目 続き\n段落\n\n\n空行の後");
    }

    #[test]
    fn x_text_keeps_its_own_newlines_and_emoji_alt() {
        let w = body_walk(
            "<div id=t><span>今夜\n  飛び降ります</span><img alt=\"😢\" src=x></div>",
            Whitespace::Pre,
            None,
        );
        assert_eq!(w.text, "今夜\n飛び降ります😢");
    }

    #[test]
    fn reply_anchors_move_to_reply_to_and_other_links_stay() {
        let reply = Reply {
            selector: Selector::parse("a").expect("selector"),
            regex: regex::Regex::new("^(?:>>|＞＞)([0-9]+(?:-[0-9]+)?)$").expect("regex"),
        };
        let w = body_walk(
            "<div id=t><a href=1>&gt;&gt;12</a> <a href=2>＞＞3-5</a><br>見て <a href=u>https://example.jp/</a></div>",
            Whitespace::Normal,
            Some(&reply),
        );
        assert_eq!(w.text, "見て https://example.jp/");
        assert_eq!(w.reply_to, vec!["12", "3-5"]);
    }

    #[test]
    fn scripts_styles_and_forms_are_never_text() {
        let w = body_walk(
            "<div id=t>本文<script>x()</script><style>p{}</style><textarea>下書き</textarea><svg><title>t</title></svg></div>",
            Whitespace::Normal,
            None,
        );
        assert_eq!(w.text, "本文");
    }

    #[test]
    fn trimming_is_ascii_only_so_both_engines_agree() {
        // U+3000 (ideographic space) and U+FEFF are the poster's characters, kept.
        let w = body_walk(
            "<div id=t>\u{3000}字下げ\u{feff} </div>",
            Whitespace::Normal,
            None,
        );
        assert_eq!(w.text, "\u{3000}字下げ\u{feff}");
    }
}
