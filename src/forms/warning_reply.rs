//! The caution/warning reply posted from the division's official X account (001 §5(3)), one text
//! per category of 001 §4 (data/forms/warning_replies.toml). The extension puts the text into X's
//! reply box on the officer's click and never posts by itself. When the category is not obvious
//! the document says so and carries an approval box: the responsible officer (実施責任者) approves
//! first (001 §5(3) ただし書).

use crate::category::Category;

use super::common::{page, tr, Ctx};
use super::data::{x_weighted_len, X_LIMIT};
use super::html::{blank, esc, esc_lines, Document};
use super::view::kakko;

/// The category whose reply is used when a post has several: the gravest first.
const PRIORITY: [Category; 6] = [
    Category::ChildCsamOffer,
    Category::ChildCsamSolicit,
    Category::ChildHarmfulWork,
    Category::ChildSexualContact,
    Category::ChildLodging,
    Category::ChildSexualization,
];

/// A flag below this confidence is not "obvious" (明白) in the sense of 001 §5(3).
const OBVIOUS: f64 = 0.8;

/// Why a warning would be doubtful; empty when the category is obvious.
pub fn doubts(ctx: &Ctx) -> Vec<String> {
    let a = ctx.a;
    let mut why = Vec::new();
    if ctx.input.site.as_deref() != Some("x") {
        why.push("X以外のサイトの書き込みである（001 §4 はXの書き込みを対象とする）".to_string());
    }
    if !a.minor {
        why.push("投稿者又はその対象者が児童であると判断できていない".to_string());
    }
    if a.region == "out" {
        why.push(format!(
            "書き込みに関連する地域が{}外である（001 §4）",
            ctx.jurisdiction()
        ));
    }
    for f in a.flags.iter().filter(|f| !f.category.is_suicide()) {
        if f.confidence < OBVIOUS {
            why.push(format!(
                "「{}」の判断の確度が低い（{:.2}）",
                f.category.label_ja(),
                f.confidence
            ));
        }
    }
    if !a.child.adult_signals.is_empty() {
        let words: Vec<String> = a
            .child
            .adult_signals
            .iter()
            .map(|s| s.text.clone())
            .collect();
        why.push(format!(
            "成人であることをうかがわせる記載がある{}",
            kakko(&words)
        ));
    }
    why
}

pub fn primary(ctx: &Ctx) -> Option<Category> {
    PRIORITY.into_iter().find(|c| ctx.has(*c))
}

pub fn render(ctx: &Ctx) -> Document {
    let cat = primary(ctx);
    let reply = cat
        .and_then(|c| ctx.data.reply(c))
        .map(|r| r.text.replace("{agency}", &ctx.agency));
    let doubts = doubts(ctx);
    let obvious = cat.is_some() && doubts.is_empty();
    let reply_html = match &reply {
        Some(t) => format!(
            "<div id=\"reply-text\" class=\"reply\" contenteditable=\"true\" data-field=\"reply\">{}</div><p class=\"note\">文字数：{}（Xの計数、上限 {}）</p>",
            esc_lines(t),
            x_weighted_len(t),
            X_LIMIT
        ),
        None => "<div id=\"reply-text\" class=\"reply blank block\" contenteditable=\"true\" data-field=\"reply\" data-required=\"要記入\"></div>".to_string(),
    };
    let judgement = if obvious {
        "<p>類型該当が明白：実施担当者が返信し、実施後速やかに実施責任者に報告する（001 §5(3)）。</p>".to_string()
    } else {
        let list: String = doubts
            .iter()
            .map(|d| format!("<li>{}</li>", esc(d)))
            .collect();
        format!(
            "<p class=\"warning\">要承認：警告の実施に疑義があるため、実施責任者の承認を得てから返信すること（001 §5(3)ただし書）。</p><ul>{list}</ul><table class=\"form\">{}{}</table>",
            tr("承認者（実施責任者）", &blank("approved_by")),
            tr("承認日時", &blank("approved_at")),
        )
    };
    let words = ctx.a.words_of(|c| !c.is_suicide());
    let parts = vec![
        "<h1>注意喚起・警告　返信文</h1>".to_string(),
        format!("<p class=\"right\">作成日 {}</p>", ctx.date_html("date")),
        "<h2>対象となる書き込み（001 §4）</h2>".to_string(),
        "<table class=\"form\">".to_string(),
        ctx.post_rows("把握日時"),
        tr("該当する類型", &ctx.categories_html()),
        tr("判断の根拠となる記載", &esc(&kakko(&words))),
        tr("児童と思料される根拠", &esc(&kakko(&ctx.a.child_words()))),
        tr("書き込みに関連する地域", &esc(&ctx.region_text())),
        "</table>".to_string(),
        "<h2>実施の判断</h2>".to_string(),
        judgement,
        format!(
            "<h2>返信文（{}）</h2>",
            esc(&cat
                .and_then(|c| ctx.data.reply(c))
                .map(|r| r.clause.clone())
                .unwrap_or_else(|| "類型不明".into()))
        ),
        reply_html,
        "<h2>実施記録</h2>".to_string(),
        "<table class=\"form\">".to_string(),
        tr("返信日時", &blank("replied_at")),
        tr("実施担当者", &blank("replied_by")),
        tr("実施責任者への報告日時", &blank("reported_at")),
        "</table>".to_string(),
        "<p class=\"note\">実施結果は月ごとに報告する（001 §5(4)）。</p>".to_string(),
    ];
    Document {
        title: "注意喚起・警告 返信文".into(),
        guidance: vec!["<p>返信文は「返信欄に入れる」操作でXの返信欄に入力されます。自動で投稿されることはありません。送信は担当者が確認して行ってください。</p>".to_string()],
        pages: vec![page(&parts)],
        meta: vec![
            ("approval", if obvious { "not-required" } else { "required" }.into()),
            ("category", cat.map(|c| c.id()).unwrap_or("none").into()),
        ],
    }
}
