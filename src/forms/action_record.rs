//! インターネット上の自殺予告に係る措置結果記録書 (003 §7(1), 別記様式第2号): reception, the post,
//! up to three inquiries with times and answers, the outcome and the end time. A second page
//! lists the consultation services to tell the poster and the family about (003 §8(1)).

use super::common::{page, Ctx};
use super::html::{blank, esc, filled, opt, Document};
use super::input::{jst_text, Inquiry};

fn row(label: &str, value: &str) -> String {
    format!("<tr><th>{}</th><td>{value}</td></tr>", esc(label))
}

fn group_row(group: &str, span: usize, label: &str, value: &str) -> String {
    format!(
        "<tr><th class=\"group\" rowspan=\"{span}\">{}</th><th>{}</th><td>{value}</td></tr>",
        esc(group),
        esc(label)
    )
}

fn when(field: &str, raw: Option<&str>, note: &str) -> String {
    let t = jst_text(raw);
    format!("{}{note}", opt(field, t.as_deref()))
}

fn inquiry_rows(n: usize, q: &Inquiry) -> Vec<(String, String)> {
    vec![
        (
            format!("照会先{n}"),
            opt(&format!("inquiry{n}_to"), q.to.as_deref()),
        ),
        (
            "照会日時".to_string(),
            when(&format!("inquiry{n}_asked_at"), q.asked_at.as_deref(), ""),
        ),
        (
            "回答日時".to_string(),
            when(
                &format!("inquiry{n}_answered_at"),
                q.answered_at.as_deref(),
                "",
            ),
        ),
        (
            "回答内容".to_string(),
            opt(&format!("inquiry{n}_answer"), q.answer.as_deref()),
        ),
    ]
}

pub fn render(ctx: &Ctx) -> Document {
    let i = ctx.input;
    let rec = ctx.extras.reception.clone().unwrap_or_default();
    let out = ctx.extras.outcome.clone().unwrap_or_default();
    let u = ctx.unit();
    // 受理日時 is when the police learned of the post: the capture, unless the officer says otherwise.
    let received =
        jst_text(rec.received_at.as_deref()).or_else(|| i.captured_at.map(|t| t.jst().to_string()));
    let patrol = rec.mode.is_none();
    let mode = rec
        .mode
        .clone()
        .unwrap_or_else(|| "サイバーパトロールによる認知".to_string());
    let detail = rec.detail.clone().or_else(|| {
        ctx.site_phrase().map(|s| {
            format!(
                "サイバーパトロール中、{s}上に{}内容の書き込みがあることを認知した。",
                if ctx.has(crate::category::Category::GroupSuicide) {
                    "集団自殺を呼びかける"
                } else {
                    "自殺を予告する"
                }
            )
        })
    });
    let reporter = rec
        .reporter
        .clone()
        .or_else(|| patrol.then(|| "なし（警察職員がサイバーパトロールにより認知）".to_string()));

    let mut rows = vec![
        "<tr><th class=\"center\" colspan=\"2\">項目</th><th class=\"center\">内容</th></tr>"
            .to_string(),
        group_row(
            "受理内容",
            6,
            "受理日時",
            &format!(
                "{}<span class=\"note\">（警察が認知した日時）</span>",
                opt("received_at", received.as_deref())
            ),
        ),
        row("受理態様", &filled("reception_mode", &mode)),
        row("詳細", &opt("reception_detail", detail.as_deref())),
        row(
            "通報者",
            &format!(
                "{}<div class=\"note\">※ 住所、氏名、職業、連絡先等を記載すること。</div>",
                opt("reporter", reporter.as_deref())
            ),
        ),
        // 003 §3(1)ア: where, in as much detail as possible.
        row(
            "書き込み等の場所",
            &format!(
                "{}<br>サイト {}　投稿者 {}<br>投稿日時 {}",
                opt("url", i.url.as_deref()),
                opt("site", ctx.site_name().as_deref()),
                opt("author", i.author.as_deref()),
                ctx.time_html("posted_at", i.posted_at)
            ),
        ),
        row("通報、書き込み等の内容", &ctx.text_html()),
    ];
    let mut inquiries = ctx.extras.inquiries.clone();
    inquiries.resize(3, Inquiry::default());
    let mut first = true;
    for (n, q) in inquiries.iter().enumerate() {
        for (label, value) in inquiry_rows(n + 1, q) {
            if first {
                rows.push(group_row("照会状況", 12, &label, &value));
                first = false;
            } else {
                rows.push(row(&label, &value));
            }
        }
    }
    rows.push(group_row(
        "措置結果",
        4,
        "発信者（書き込み者）",
        &format!(
            "{}<div class=\"note\">※ 住所、職業、氏名、年齢、連絡先、保護者、契約者との関係等を記載すること。</div>",
            opt("poster", out.poster.as_deref())
        ),
    ));
    rows.push(row(
        "措置状況",
        &opt("outcome_status", out.status.as_deref()),
    ));
    rows.push(row(
        "詳細",
        &format!(
            "{}<div class=\"note\">※ 安否確認をした都道府県警察、安否確認の日時、書き込み確認の状況、安否確認の状況、自殺のおそれの有無、通院の有無、保護者への引継状況等</div>",
            opt("outcome_detail", out.detail.as_deref())
        ),
    ));
    rows.push(row(
        "措置終了日時",
        &when(
            "ended_at",
            out.ended_at.as_deref(),
            "<span class=\"note\">（警察が最終的に措置を終了した日時）</span>",
        ),
    ));
    rows.push(format!(
        "<tr><th colspan=\"2\">備考</th><td>{}</td></tr>",
        opt("notes", out.notes.as_deref())
    ));

    let form = page(&[
        format!(
            "<p class=\"right\">（{}）</p>",
            opt("unit_station", u.station.as_deref())
        ),
        "<h1>インターネット上の自殺予告に係る措置結果記録書</h1>".to_string(),
        "<table class=\"form dense\"><colgroup><col style=\"width:12%\"><col style=\"width:24%\"><col></colgroup>".to_string(),
        rows.join("\n"),
        "</table>".to_string(),
        "<p class=\"note\">注1　この様式に記載しきれない内容がある場合は、適宜別紙（様式不問）を使用すること。<br>注2　発信者（書き込み者）ごとに作成すること。</p>".to_string(),
    ]);
    let services = page(&[
        "<h1>相談窓口のご案内</h1>".to_string(),
        "<p>（発信者及びその家族への情報提供用　003 §8(1)）</p>".to_string(),
        "<p>一人で悩まず、相談してください。電話がつながりにくいときは、時間をおいておかけ直しください。</p>".to_string(),
        ctx.consultation_html(),
        format!(
            "<p>案内した日　{}　案内した職員　{}</p>",
            blank("services_told_on"),
            blank("services_told_by")
        ),
    ]);
    Document {
        title: "インターネット上の自殺予告に係る措置結果記録書".into(),
        guidance: vec!["<p>003 §7(2)：警察署長が作成したときは、写しをサイバー企画課長に送付してください。2枚目の相談窓口一覧は、発信者及び家族への案内に使えます（003 §8(1)）。</p>".to_string()],
        pages: vec![form, services],
        meta: Vec::new(),
    }
}
