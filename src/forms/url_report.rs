//! URL report: for child-harm posts on X, the URL sent promptly to the planning division
//! (001 §5(2)); for child pornography, the report to the NPA juvenile division after the takedown
//! request, with the records of the request (000 §1(2)ア) and, for a foreign administrator, the
//! administrator's details (000 §1(2)イ); for suicide posts, the outline to the division (003 §3(1)イ).

use crate::category::Category;

use super::common::{choices, page, tr, Ctx};
use super::html::{check, esc, opt, Document};
use super::input::jst_text;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Route {
    ChildPornography,
    Child,
    Suicide,
    Other,
}

fn route(ctx: &Ctx) -> Route {
    if ctx.has(Category::ChildCsamOffer) {
        Route::ChildPornography
    } else if ctx.a.any_child() {
        Route::Child
    } else if ctx.a.any_suicide() {
        Route::Suicide
    } else {
        Route::Other
    }
}

pub fn render(ctx: &Ctx) -> Document {
    let r = route(ctx);
    let (title, to, clause) = match r {
        Route::ChildPornography => (
            "児童ポルノ掲載URL等報告書",
            "警察庁生活安全局人身安全・少年課長".to_string(),
            "000 §1(2)ア",
        ),
        Route::Child => (
            "書き込みURL等報告書",
            format!("{}生活安全企画課長", ctx.agency),
            "001 §5(2)",
        ),
        Route::Suicide => (
            "書き込みURL等報告書",
            "サイバー企画課長".to_string(),
            "003 §3(1)イ",
        ),
        Route::Other => ("書き込みURL等報告書", String::new(), ""),
    };
    let to_html = if to.is_empty() {
        opt("addressee", None)
    } else {
        opt("addressee", Some(&to))
    };
    let mut rows = vec![
        tr("報告日", &ctx.date_html("date")),
        tr("報告者", &ctx.officer_html()),
        tr("連絡先", &ctx.phone_html()),
    ];
    rows.push(ctx.post_rows("把握日時"));
    rows.push(tr("該当する類型", &ctx.categories_html()));
    if ctx.a.any_child() {
        let words = ctx.a.child_words();
        rows.push(tr(
            "児童と思料される根拠",
            &if words.is_empty() {
                opt("child_reason", None)
            } else {
                esc(&super::view::kakko(&words))
            },
        ));
        rows.push(tr("書き込みに関連する地域", &esc(&ctx.region_text())));
    }
    if r == Route::ChildPornography {
        let p = ctx.provider();
        let t = ctx.extras.takedown.clone().unwrap_or_default();
        let location = match p.location.as_deref() {
            Some("domestic") => Some("国内"),
            Some("foreign") => Some("国外"),
            _ => None,
        };
        rows.push(tr(
            "サイト管理者",
            &format!(
                "{}（{}）",
                opt("provider_name", p.name.as_deref()),
                choices(&["国内", "国外"], location)
            ),
        ));
        rows.push(tr(
            "共有システムの確認",
            &check(
                "他の都道府県警察による削除依頼不可の登録がないことを確認した（000 §1(1)）",
                false,
            ),
        ));
        rows.push(tr(
            "削除依頼の実施日時",
            &opt(
                "takedown_at",
                jst_text(t.requested_at.as_deref()).as_deref(),
            ),
        ));
        rows.push(tr(
            "削除依頼の方法",
            &choices(
                &["文書", "電子メール", "Webフォーム", "電話", "面接"],
                t.method.as_deref(),
            ),
        ));
        rows.push(tr(
            "添付する記録",
            &choices(
                &[
                    "依頼文書",
                    "電子メール",
                    "スクリーンショット",
                    "電話受発記録",
                    "面接記録",
                ],
                None,
            ),
        ));
    }
    let parts = vec![
        format!("<p class=\"right\">{}</p>", ctx.date_html("date_header")),
        format!("<p class=\"addressee\">{}　殿</p>", to_html),
        format!("<p class=\"sender\">{}</p>", ctx.officer_html()),
        format!("<h1>{}</h1>", esc(title)),
        "<p>下記の書き込みを把握したので報告します。</p>".to_string(),
        "<p class=\"ki\">記</p>".to_string(),
        "<table class=\"form\">".to_string(),
        rows.join("\n"),
        "</table>".to_string(),
        if clause.is_empty() {
            String::new()
        } else {
            format!("<p class=\"note\">（根拠：{}）</p>", esc(clause))
        },
    ];
    let mut guidance = Vec::new();
    if r == Route::ChildPornography {
        guidance.push("<p>000 §1(2)ア：削除依頼を行ったときは、速やかにP-WANで報告し、依頼文書・電子メール・スクリーンショット・電話受発記録・面接記録等を併せて送付してください。外国のサイト管理者で削除依頼ができない場合は、同管理者の情報とスクリーンショットを報告します（000 §1(2)イ）。</p>".to_string());
    }
    Document {
        title: title.into(),
        guidance,
        pages: vec![page(&parts)],
        meta: vec![(
            "variant",
            match r {
                Route::ChildPornography => "child_pornography",
                Route::Child => "child",
                Route::Suicide => "suicide",
                Route::Other => "none",
            }
            .into(),
        )],
    }
}
