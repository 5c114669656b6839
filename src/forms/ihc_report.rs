//! What a volunteer sends to the Internet Hotline Center (000 §3(1), 004): the URL, the category
//! the IHC uses (data/forms/ihc.toml), where in the page the problem is, and when it was seen.
//! Volunteers prepare nothing official: no officer fields, the reporter's name is optional, and a
//! suicide announcement is sent to 110 at once instead (the IHC forwards those to the police).

use super::common::{page, tr, Ctx};
use super::html::{blank, esc, Document};
use super::view::kakko;

pub fn render(ctx: &Ctx) -> Document {
    let mut classes = Vec::new();
    let mut notes = Vec::new();
    for c in &ctx.a.categories {
        if let Some(k) = ctx.data.ihc(*c) {
            let line = format!("{}：{}", k.kind, k.ihc);
            if !classes.contains(&line) {
                classes.push(line);
            }
            if let Some(n) = &k.note {
                if !notes.contains(n) {
                    notes.push(n.clone());
                }
            }
        }
    }
    let class_html = if classes.is_empty() {
        blank("ihc_class")
    } else {
        classes
            .iter()
            .map(|c| esc(c))
            .collect::<Vec<_>>()
            .join("<br>")
    };
    let words = ctx.a.words_of(|_| true);
    let urgent_suicide = ctx.has(crate::category::Category::SuicideNotice);
    let mut parts = vec![
        "<h1>インターネット・ホットラインセンターへの通報内容</h1>".to_string(),
        format!("<p class=\"right\">作成日 {}</p>", ctx.date_html("date")),
    ];
    if urgent_suicide {
        parts.push("<p class=\"warning\">自殺予告が含まれています。人命に関わるため、この通報とは別に、直ちに110番通報してください。</p>".to_string());
    }
    parts.extend([
        "<table class=\"form\">".to_string(),
        tr("通報先", "インターネット・ホットラインセンター（IHC）"),
        tr("情報の種別（IHCの区分）", &class_html),
        ctx.post_rows("発見日時"),
        tr("問題と考える記載", &esc(&kakko(&words))),
        tr("解析による類型", &ctx.categories_html()),
        tr("通報者（任意・匿名可）", &blank("reporter")),
        "</table>".to_string(),
    ]);
    if !notes.is_empty() {
        parts.push(format!(
            "<ul>{}</ul>",
            notes
                .iter()
                .map(|n| format!("<li>{}</li>", esc(n)))
                .collect::<String>()
        ));
    }
    parts.push("<p class=\"note\">画像・動画はダウンロードや転送をしないでください。URLと記載内容のみを通報します。</p>".to_string());
    Document {
        title: "インターネット・ホットラインセンターへの通報内容".into(),
        guidance: vec!["<p>IHC の通報フォームに、この内容（URL・情報の種別・問題と考える記載）を入力してください。IHC は通報を受けて自らURLを確認し、サイト管理者への削除依頼等を行います（004）。</p>".to_string()],
        pages: vec![page(&parts)],
        meta: vec![("urgent-110", urgent_suicide.to_string())],
    }
}
