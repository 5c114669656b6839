//! 発信者に関する情報照会書 with its 別紙 (003 §4(2), 別記様式第1号 and the 記載例).
//!
//! Pages: when the post meets 003 §4(1) (urgent), first a fax cover page with the record of the
//! fax (003 §4(2): ファックスで照会書を送信し、事後速やかに郵送等で送付), then the 照会書, then the
//! 別紙. The urgency cell is drafted from the analysis: which of (ア)(イ)(ウ) hold, quoting the
//! words found, and whether anything casts doubt (エ).

use crate::category::Category;

use super::common::{page, tr, Ctx};
use super::html::{blank, blank_block, esc, esc_lines, filled, filled_block, opt, Document};
use super::input::jst_text;
use super::view::{kakko, quoted, Span};

/// Whether the fax-first procedure applies: the analysis found 003 §4(1) met.
pub fn urgent(ctx: &Ctx) -> bool {
    ctx.a.inquiry || ctx.a.urgency.as_ref().is_some_and(|u| u.inquiry)
}

fn group(ctx: &Ctx) -> bool {
    ctx.has(Category::GroupSuicide)
}

/// 1 事案の概要, in the 記載例's words.
fn summary(ctx: &Ctx) -> String {
    let i = ctx.input;
    let place = match (ctx.site_phrase(), &i.board) {
        (Some(s), Some(b)) => format!("{s}の「{b}」"),
        (Some(s), None) => s,
        (None, Some(b)) => format!("電子掲示板「{b}」"),
        (None, None) => String::new(),
    };
    let place = if place.is_empty() {
        blank("summary_place")
    } else {
        filled("summary_place", &place)
    };
    let posted = i.posted_at.map(|t| t.jst().date().to_string());
    let when = opt("summary_posted_at", posted.as_deref());
    let what = if group(ctx) {
        "集団自殺を呼びかける"
    } else {
        "自殺を予告する"
    };
    format!("インターネット上の{place}に、{when}付けで、{what}内容の書き込みがあったもの")
}

/// 2 端緒: discovery on cyber patrol on the capture date, unless the officer says otherwise.
fn origin(ctx: &Ctx) -> String {
    if let Some(o) = &ctx.extras.origin {
        return filled("origin", o);
    }
    let date = ctx.input.captured_at.map(|t| t.jst().date().to_string());
    format!(
        "{}、サイバーパトロール中に当該書き込みを発見したことによる。",
        opt("origin_date", date.as_deref())
    )
}

fn words(spans: &[Span]) -> Vec<String> {
    quoted(spans.iter().collect())
}

/// The urgency cell of the 別紙: the 記載例's sentence when 003 §4(1) holds, then each of
/// (ア)–(エ) with the words quoted from the post.
fn urgency_html(ctx: &Ctx) -> String {
    let g = group(ctx);
    let u = ctx.a.urgency.clone().unwrap_or_default();
    let clause = if g { "003 §4(1)イ" } else { "003 §4(1)ア" };
    let mut s = String::new();
    if urgent(ctx) {
        let lead = if g {
            "上記書き込みの内容から、発信者らが現実的に集団自殺を図る危険性が切迫していると認められるため。"
        } else {
            "上記書き込みの内容から、発信者が現実的に自殺を図る危険性が切迫していると認められるため。"
        };
        s.push_str(&filled_block("urgency_reason", lead));
    } else {
        s.push_str(&blank_block("urgency_reason"));
    }
    let items: [(&str, &str, Vec<String>, &str); 3] = [
        (
            "(ア)",
            if g {
                "集団自殺を図る時期が切迫している"
            } else {
                "自殺を図る時期が切迫している"
            },
            words(&u.timing),
            "書き込みから切迫した時期は読み取れない（要確認）",
        ),
        (
            "(イ)",
            "具体的な場所、動機、方法等が示されている",
            words(&u.specific),
            "具体的な場所・動機・方法等の記載は認められない（要確認）",
        ),
        (
            "(ウ)",
            if g {
                "集団自殺を意味する表現により意思が表示されている"
            } else {
                "自殺を意味する表現により意思が表示されている"
            },
            if g {
                let mut w = words(&u.explicit);
                for x in ctx.a.words_of(|c| c == Category::GroupSuicide) {
                    if !w.contains(&x) {
                        w.push(x);
                    }
                }
                w
            } else {
                words(&u.explicit)
            },
            "自殺を意味する明示的な表現は認められない（要確認）",
        ),
    ];
    s.push_str(&format!(
        "<ul class=\"signals\" data-clause=\"{}\">",
        esc(clause)
    ));
    for (mark, what, w, none) in items {
        let body = if w.is_empty() {
            format!("<span class=\"warning\">{}</span>", esc(none))
        } else {
            format!("{}：{}", esc(what), esc(&kakko(&w)))
        };
        s.push_str(&format!("<li>{} {body}</li>", esc(mark)));
    }
    let doubt = words(&u.doubt);
    let doubt_html = if doubt.is_empty() {
        "疑義が生じる特段の事情は認められない".to_string()
    } else {
        format!(
            "<span class=\"warning\">{}との記載があり、疑義の有無を検討すること</span>",
            esc(&kakko(&doubt))
        )
    };
    s.push_str(&format!("<li>(エ) {doubt_html}</li></ul>"));
    s
}

const NECESSITY: &str = "書き込みが匿名でなされており、書き込みの内容、通報者等からの情報、その他警察において保有している情報では、発信者（書き込み者）を特定することができず、発信者を特定するためには、御社が保有する契約者情報が必要不可欠であるため。";

/// The 別紙 (様式第1号 別紙; 記載例).
fn attachment(ctx: &Ctx) -> String {
    let i = ctx.input;
    let mut content = Vec::new();
    if let Some(b) = &i.board {
        content.push(format!("掲示板名：「{}」", filled("board", b)));
    } else if let Some(s) = ctx.site_name() {
        content.push(format!("サイト名：「{}」", filled("site", &s)));
    }
    if let Some(n) = &i.post_no {
        content.push(format!("書き込み番号：{}", filled("post_no", n)));
    }
    content.push(format!(
        "投稿者（アカウント）：{}",
        opt("author", i.author.as_deref())
    ));
    content.push(format!(
        "書き込み日時：{}",
        ctx.time_html("posted_at", i.posted_at)
    ));
    content.push(format!(
        "書き込み内容：<br>「<span class=\"quote fill\" contenteditable=\"true\" data-field=\"text\">{}</span>」",
        esc_lines(&i.text)
    ));
    let content = content
        .iter()
        .map(|c| format!("<p>{c}</p>"))
        .collect::<String>();
    let place = format!("<p>{}</p>", opt("url", i.url.as_deref()));
    page(&[
        "<p><b>別紙</b></p>".to_string(),
        "<table class=\"form\">".to_string(),
        tr(
            "書き込み等の場所（電子メール等の場合にはその発信元、ヘッダ情報等）",
            &place,
        ),
        tr("書き込み等の内容（電子メール等の場合はその内容）", &content),
        tr("緊急性に関する判断及び理由", &urgency_html(ctx)),
        tr(
            "必要性に関する判断及び理由",
            &filled_block("necessity_reason", NECESSITY),
        ),
        "</table>".to_string(),
    ])
}

/// The 照会書 itself.
fn letter(ctx: &Ctx) -> String {
    let u = ctx.unit();
    let o = ctx.officer();
    let mut items = vec![
        ("1 事案の概要", summary(ctx)),
        ("2 端緒", origin(ctx)),
        ("3 書き込み（電子メール）等の場所及び内容", "別紙のとおり".to_string()),
        (
            "4 緊急性及び必要性に関する判断及び理由",
            filled(
                "judgement",
                "別紙のとおり、警察において、人命保護の観点から緊急に措置する必要があり、かつ、発信者を特定するために御社の協力が必要不可欠であるため、情報開示について緊急避難と判断することが相当と考えます。",
            ),
        ),
        // 003 §4(3)イ: name, address, contact and IP address only.
        (
            "5 照会内容",
            "3の情報発信に係る契約者の氏名、住所、連絡先及びIPアドレスの開示".to_string(),
        ),
        (
            "6 問合せ先",
            format!(
                "<p>担当部署　{} {}</p><p>担当者　階級 {}　氏名 {}</p><p>電話番号（代表）　{}（内線 {}）</p><p>ファックス　{}</p>",
                opt("unit_station", u.station.as_deref()),
                opt("unit_section", u.section.as_deref()),
                opt("officer_title", o.title.as_deref()),
                opt("officer_name", o.name.as_deref()),
                opt("unit_phone", u.phone.as_deref()),
                opt("officer_extension", o.extension.as_deref()),
                opt("unit_fax", u.fax.as_deref()),
            ),
        ),
    ];
    // 003 §5(1): a post inducing suicide is to be deleted together with the inquiry.
    if ctx.has(Category::SuicideInducement) {
        items.push((
            "7 削除依頼",
            "3の書き込みは、他人を自殺に誘引し、又は勧誘する情報に該当するため、併せて当該情報の削除を依頼します。".to_string(),
        ));
    }
    let mut parts = vec![
        format!(
            "<p class=\"addressee\">{}　御中</p>",
            ctx.provider_name_html()
        ),
        format!("<p class=\"right\">{}</p>", ctx.doc_number_html()),
        format!("<p class=\"right\">{}</p>", ctx.date_html("date")),
        ctx.sender_html(),
        "<h1>発信者に関する情報照会書</h1>".to_string(),
        "<p>下記の事案に関し、人命保護のため緊急に発信者を特定する必要がありますので協力願います。</p>".to_string(),
        "<p class=\"ki\">記</p>".to_string(),
    ];
    for (head, body) in items {
        parts.push(format!(
            "<div class=\"item\"><p>{}</p><div class=\"body\">{body}</div></div>",
            esc(head)
        ));
    }
    parts.push("<p class=\"note\">注　この照会により開示を受けた情報は、人命保護の目的で利用するものであり、それ以外の目的で利用することはありません。</p>".to_string());
    page(&parts)
}

/// The fax cover page and the record that it was sent (003 §4(2), §4(3)エ).
fn fax_cover(ctx: &Ctx, total_pages: usize) -> String {
    let p = ctx.provider();
    let u = ctx.unit();
    let o = ctx.officer();
    let faxed = jst_text(ctx.extras.faxed_at.as_deref());
    page(&[
        "<h1>ファックス送信票</h1>".to_string(),
        "<p class=\"center warning\">至急　人命保護のための緊急の照会（自殺予告事案）</p>".to_string(),
        "<table class=\"form\">".to_string(),
        tr("宛先", &format!("{}　御中", ctx.provider_name_html())),
        tr("担当部署", &opt("provider_department", p.department.as_deref())),
        tr("ファックス番号", &opt("provider_fax", p.fax.as_deref())),
        tr("電話番号", &opt("provider_phone", p.phone.as_deref())),
        tr(
            "送信元",
            &format!(
                "{} {}<br>担当者　階級 {}　氏名 {}",
                opt("unit_station", u.station.as_deref()),
                opt("unit_section", u.section.as_deref()),
                opt("officer_title", o.title.as_deref()),
                opt("officer_name", o.name.as_deref()),
            ),
        ),
        tr("送信元電話番号", &ctx.phone_html()),
        tr("送信元ファックス", &opt("unit_fax", u.fax.as_deref())),
        tr("件名", "発信者に関する情報照会書（自殺予告に関するもの）"),
        tr(
            "送信枚数",
            &format!("本票を含め{}枚", esc(&total_pages.to_string())),
        ),
        "</table>".to_string(),
        "<p>本照会は、インターネット上の自殺予告に関するものであり、捜査関係事項の照会ではありません。人命保護のため、至急御対応くださいますようお願いします。</p>".to_string(),
        "<p>照会書の原本は、事後速やかに郵送等により送付します。</p>".to_string(),
        "<h2>送信記録（警察記入欄）</h2>".to_string(),
        "<table class=\"form\">".to_string(),
        tr("ファックス送信日時", &opt("faxed_at", faxed.as_deref())),
        tr("送信者", &blank("faxed_by")),
        tr("受信確認（相手方担当者・日時）", &blank("fax_confirmed")),
        tr("原本の郵送等の日", &blank("original_sent")),
        "</table>".to_string(),
    ])
}

pub fn render(ctx: &Ctx) -> Document {
    let mut pages = Vec::new();
    let urgent = urgent(ctx);
    if urgent {
        pages.push(fax_cover(ctx, 3));
    }
    pages.push(letter(ctx));
    pages.push(attachment(ctx));
    let mut guidance = Vec::new();
    if urgent {
        guidance.push("<p class=\"warning\">003 §4(1) の要件を満たすと判断されたため、1枚目にファックス送信票を付けています。ファックスで送信した後、原本を速やかに郵送等で送付してください（003 §4(2)）。照会の際は、自殺予告に関するものであることを担当者に明確に伝えてください（003 §4(3)エ）。</p>".to_string());
    } else {
        guidance.push("<p class=\"warning\">解析では 003 §4(1) の要件（切迫性・具体性・明示的表現・疑義なし）を全ては確認できていません。照会の要否を判断し、別紙の「緊急性に関する判断及び理由」を記入してください。</p>".to_string());
    }
    guidance.push(format!(
        "<h2>事後の対応で案内する相談窓口（003 §8）</h2>{}",
        ctx.consultation_html()
    ));
    Document {
        title: "発信者に関する情報照会書".into(),
        guidance,
        pages,
        meta: vec![
            ("urgent", urgent.to_string()),
            (
                "variant",
                if group(ctx) {
                    "group_suicide"
                } else {
                    "suicide_notice"
                }
                .into(),
            ),
        ],
    }
}
