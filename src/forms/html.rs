//! HTML for the forms: escaping and the shared page layout.
//!
//! Page text is hostile. Every value goes through [`esc`]: `&<>"'` become character references,
//! and invisible characters that could change how the document reads — bidirectional overrides
//! and isolates (U+202A–U+202E, U+2066–U+2069, U+200E/F, U+061C), zero-width characters
//! (U+200B–U+200D, U+2060, U+FEFF) and other control characters — are shown as a visible
//! marker `〔U+202E〕` instead, so a quoted post can neither reorder the form's own wording nor
//! hide words from the officer who signs it. The documents carry no script and no remote resource.

use std::fmt::Write;

/// Characters that are invisible or reorder text, shown as a marker rather than passed through.
fn is_hidden_control(c: char) -> bool {
    matches!(c,
        '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2069}'
        | '\u{061C}'
        | '\u{FEFF}'
        | '\u{FFF9}'..='\u{FFFB}'
        | '\u{00AD}')
        || (c.is_control() && c != '\n' && c != '\t')
}

/// Escapes text for element content and for double- or single-quoted attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if is_hidden_control(c) => {
                let _ = write!(out, "<span class=\"ctl\">〔U+{:04X}〕</span>", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// Escaped text with line breaks kept (`<br>`), for quoted posts and multi-line values.
pub fn esc_lines(s: &str) -> String {
    let lines: Vec<String> = s
        .replace("\r\n", "\n")
        .split(['\n', '\r'])
        .map(esc)
        .collect();
    lines.join("<br>")
}

/// A value the product knows, editable in place so the officer can correct it before finalising.
pub fn filled(field: &str, value: &str) -> String {
    format!(
        "<span class=\"fill\" contenteditable=\"true\" data-field=\"{}\">{}</span>",
        esc(field),
        esc_lines(value)
    )
}

/// A multi-line block value, editable in place.
pub fn filled_block(field: &str, html: &str) -> String {
    format!(
        "<div class=\"fill block\" contenteditable=\"true\" data-field=\"{}\">{html}</div>",
        esc(field)
    )
}

/// What the product cannot know: an underlined, visibly empty field labelled 「要記入」 on screen,
/// left blank (an underline to write on) in print.
pub fn blank(field: &str) -> String {
    format!(
        "<span class=\"blank\" contenteditable=\"true\" data-field=\"{}\" data-required=\"要記入\"></span>",
        esc(field)
    )
}

/// A wide blank for a paragraph the officer writes.
pub fn blank_block(field: &str) -> String {
    format!(
        "<div class=\"blank block\" contenteditable=\"true\" data-field=\"{}\" data-required=\"要記入\"></div>",
        esc(field)
    )
}

/// `value` pre-filled when known, else a blank.
pub fn opt(field: &str, value: Option<&str>) -> String {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        Some(v) => filled(field, v),
        None => blank(field),
    }
}

/// A check box the officer ticks on paper or on screen (☐ / ☑), with its label.
pub fn check(label: &str, checked: bool) -> String {
    format!(
        "<span class=\"check\">{}{}</span>",
        if checked { "☑" } else { "☐" },
        esc(label)
    )
}

const CSS: &str = r#"
@page { size: A4; margin: 18mm 18mm 16mm 18mm; }
* { box-sizing: border-box; }
html { font-family: "Noto Serif CJK JP", "Noto Sans CJK JP", "IPAexMincho", serif; font-size: 10pt; line-height: 1.45; color: #000; }
body { margin: 0; background: #eee; }
.page { background: #fff; width: 210mm; min-height: 297mm; margin: 8mm auto; padding: 18mm; break-after: page; page-break-after: always; }
.page:last-of-type { break-after: auto; page-break-after: auto; }
h1 { font-size: 15pt; text-align: center; letter-spacing: 0.3em; margin: 4mm 0 4mm; font-weight: bold; }
h2 { font-size: 11pt; margin: 4mm 0 1mm; font-weight: bold; }
p { margin: 1mm 0; }
.right { text-align: right; }
.center { text-align: center; }
.addressee { font-size: 12pt; margin: 2mm 0; }
.sender { text-align: right; margin: 2mm 0; }
.seal { display: inline-block; width: 12mm; height: 12mm; border: 1px solid #000; border-radius: 50%; text-align: center; line-height: 12mm; font-size: 9pt; margin-left: 3mm; }
.ki { text-align: center; margin: 3mm 0; }
.item { margin: 2mm 0 2mm 0; }
.item > .body { margin-left: 1.5em; }
table.form { width: 100%; border-collapse: collapse; margin: 2mm 0; table-layout: fixed; }
table.form th, table.form td { border: 1px solid #000; padding: 1mm 2mm; vertical-align: top; text-align: left; word-break: break-all; overflow-wrap: anywhere; }
table.form th { font-weight: normal; background: #fff; width: 30%; }
table.form th.group { width: 12%; text-align: center; vertical-align: middle; }
table.form th.sub { width: 22%; }
.note { font-size: 9pt; }
table.form.dense { font-size: 9.5pt; line-height: 1.4; }
table.form.dense th, table.form.dense td { padding: 1mm 1.5mm; width: auto; }
table.form.services th { width: auto; }
.quote { white-space: normal; }
.fill { border-bottom: 1px dotted #888; }
.blank { display: inline-block; min-width: 28mm; min-height: 1.3em; border-bottom: 1px solid #000; vertical-align: bottom; }
.blank.block, .fill.block { display: block; width: 100%; min-height: 8mm; }
.fill.block { border-bottom: none; }
.blank:empty::before { content: attr(data-required); color: #b00; font-size: 8pt; }
.check { margin-right: 1em; white-space: nowrap; }
.ctl { font-family: monospace; font-size: 8pt; color: #b00; border: 1px solid #b00; }
.screen-only { background: #fffbe6; border: 1px solid #e0b000; padding: 3mm; margin: 0 auto 4mm; width: 210mm; font-family: "Noto Sans CJK JP", sans-serif; font-size: 9.5pt; }
.screen-only h2 { margin-top: 0; }
.warning { color: #b00; font-weight: bold; }
.signals { list-style: none; padding-left: 0; margin: 1mm 0; }
.signals li { margin: 0.5mm 0; }
.reply { border: 1px solid #000; padding: 3mm; min-height: 25mm; font-size: 11pt; }
[contenteditable="true"]:hover, [contenteditable="true"]:focus { outline: 1px dashed #06c; background: #f0f7ff; }
@media print {
  body { background: #fff; }
  .page { margin: 0; width: auto; min-height: 0; padding: 0; }
  .screen-only { display: none !important; }
  .fill { border-bottom: none; }
  .blank:empty::before { content: ""; }
  [contenteditable="true"]:hover, [contenteditable="true"]:focus { outline: none; background: none; }
}
"#;

/// One standalone document: the pages, with the screen-only guidance before them.
pub struct Document {
    pub title: String,
    /// Screen-only guidance for the officer (already-escaped HTML), never printed.
    pub guidance: Vec<String>,
    /// One entry per A4 page (already-escaped HTML).
    pub pages: Vec<String>,
    /// `data-*` attributes on `<body>` describing the document (form id, variant, rule set).
    pub meta: Vec<(&'static str, String)>,
}

impl Document {
    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str("<!DOCTYPE html>\n<html lang=\"ja\">\n<head>\n<meta charset=\"utf-8\">\n");
        // No script, no remote fetch of any kind: the documents are opened inside the extension
        // and the inbox, and printed.
        out.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n");
        out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        let _ = writeln!(out, "<title>{}</title>", esc(&self.title));
        let _ = writeln!(out, "<style>{CSS}</style>\n</head>");
        out.push_str("<body");
        for (k, v) in &self.meta {
            let _ = write!(out, " data-{k}=\"{}\"", esc(v));
        }
        out.push_str(">\n");
        if !self.guidance.is_empty() {
            out.push_str("<aside class=\"screen-only\">\n");
            for g in &self.guidance {
                out.push_str(g);
                out.push('\n');
            }
            out.push_str("</aside>\n");
        }
        for page in &self.pages {
            out.push_str("<section class=\"page\">\n");
            out.push_str(page);
            out.push_str("\n</section>\n");
        }
        out.push_str("</body>\n</html>\n");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_and_quotes_are_escaped() {
        assert_eq!(
            esc(r#"<script>alert("x")</script>'&"#),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39;&amp;"
        );
        assert_eq!(esc("</style>"), "&lt;/style&gt;");
    }

    #[test]
    fn invisible_and_reordering_characters_become_visible_markers() {
        let s = esc("abc\u{202E}fed\u{200B}x\u{0007}");
        assert!(!s.contains('\u{202E}') && !s.contains('\u{200B}') && !s.contains('\u{7}'));
        assert!(s.contains("〔U+202E〕") && s.contains("〔U+200B〕") && s.contains("〔U+0007〕"));
    }

    #[test]
    fn lines_are_kept_and_blanks_are_labelled() {
        assert_eq!(esc_lines("a\r\nb<"), "a<br>b&lt;");
        assert!(blank("officer_name").contains("data-required=\"要記入\""));
        assert!(opt("x", Some("  ")).contains("class=\"blank\""));
    }
}
