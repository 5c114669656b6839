//! An emergency disclosure request to X (001 §6(2): X provides account information when there is
//! an imminent danger to life or body). The request is made for imminent danger only; the
//! information asked for is kept to what 003 §4(3)イ allows for inquiries (name, address,
//! contact, IP address). Headings carry English glosses because X Corp. reads them.

use crate::category::Category;

use super::common::{page, Ctx};
use super::html::{blank, blank_block, esc, filled_block, opt, Document};
use super::view::{kakko, quoted};

/// The emergency, drafted from the analysis: what the post announces and the words that show it.
fn emergency(ctx: &Ctx) -> Option<String> {
    let a = ctx.a;
    if a.has(Category::SuicideNotice) || a.has(Category::GroupSuicide) {
        let u = a.urgency.clone().unwrap_or_default();
        let mut s = if a.has(Category::GroupSuicide) {
            "当該アカウントの投稿は集団自殺を呼びかけるものであり、投稿者及び呼びかけに応じた者の生命に差し迫った危険がある。".to_string()
        } else {
            "当該アカウントの投稿は自殺を予告するものであり、投稿者の生命に差し迫った危険がある。"
                .to_string()
        };
        for (label, spans) in [
            ("時期", &u.timing),
            ("場所・方法等", &u.specific),
            ("自殺を意味する表現", &u.explicit),
        ] {
            let w = quoted(spans.iter().collect());
            if !w.is_empty() {
                s.push_str(&format!("{label}：{}。", kakko(&w)));
            }
        }
        Some(s)
    } else if a.any_child() && a.minor {
        let w = a.words_of(|c| !c.is_suicide());
        Some(format!(
            "当該アカウントの投稿から、児童が性被害に遭う差し迫った危険がある（{}）。",
            kakko(&w)
        ))
    } else {
        None
    }
}

/// A row whose heading is Japanese with its English gloss on a second, smaller line.
fn tr(label: &str, value: &str) -> String {
    let (ja, en) = label.split_once(" / ").unwrap_or((label, ""));
    format!(
        "<tr><th>{}<br><span class=\"note\">{}</span></th><td>{value}</td></tr>",
        esc(ja),
        esc(en)
    )
}

pub fn render(ctx: &Ctx) -> Document {
    let i = ctx.input;
    let u = ctx.unit();
    let o = ctx.officer();
    let emergency_html = match emergency(ctx) {
        Some(s) => filled_block("emergency", &s),
        None => blank_block("emergency"),
    };
    let rows = [
        tr("要請日 / Date", &ctx.date_html("date")),
        tr(
            "要請機関 / Requesting agency",
            &format!("{}　{} {}", esc(&ctx.agency), opt("unit_station", u.station.as_deref()), opt("unit_section", u.section.as_deref())),
        ),
        tr(
            "担当者 / Officer",
            &format!("階級 {}　氏名 {}", opt("officer_title", o.title.as_deref()), opt("officer_name", o.name.as_deref())),
        ),
        tr("電話番号 / Phone", &ctx.phone_html()),
        tr("電子メール / E-mail", &blank("officer_email")),
        tr("対象アカウント / Account", &opt("author", i.author.as_deref())),
        tr("対象投稿のURL / Post URL", &opt("url", i.url.as_deref())),
        tr("投稿日時 / Posted at", &ctx.time_html("posted_at", i.posted_at)),
        tr("投稿内容 / Content", &ctx.text_html()),
        tr("緊急事態の内容 / Nature of the emergency", &emergency_html),
        tr(
            "開示を求める情報 / Information requested",
            "当該アカウントの登録情報のうち、氏名、住所、連絡先（電話番号・メールアドレス）及び直近のIPアドレス（接続日時を含む。）に限る。",
        ),
        tr(
            "緊急性の理由 / Why without delay",
            &filled_block(
                "why_now",
                "生命又は身体に対する危険が差し迫っており、通常の法的手続を経る時間的余裕がないため、人命保護の目的に限り緊急の開示を要請するもの。",
            ),
        ),
        tr("署名 / Signature", &format!("{}<span class=\"seal\">印</span>", blank("signature"))),
    ];
    let parts = vec![
        "<p class=\"addressee\">X Corp.　御中</p>".to_string(),
        format!("<p class=\"right\">{}</p>", ctx.doc_number_html()),
        "<h1>緊急開示要請書</h1>".to_string(),
        "<p class=\"center\">Emergency Disclosure Request</p>".to_string(),
        "<p>下記のとおり、生命又は身体に対する差し迫った危険があるため、アカウント情報の緊急開示を要請します。開示を受けた情報は、人命保護の目的以外には利用しません。</p>".to_string(),
        "<table class=\"form\">".to_string(),
        rows.join("\n"),
        "</table>".to_string(),
    ];
    Document {
        title: "緊急開示要請書（X）".into(),
        guidance: vec!["<p>001 §6(2)：Xは生命や身体に対する危険等の差し迫った事態が発生している場合、状況に応じてアカウント情報等を提供する「緊急開示要請」に対応しています。X社の「捜査機関のためのガイドライン添付資料」（Bisod）の手順に従って送付してください。</p>".to_string()],
        pages: vec![page(&parts)],
        meta: Vec::new(),
    }
}
