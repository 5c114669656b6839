//! 児童の性被害に関する書き込み発見報告書 (002 第4の1: stations report finds with it; the form
//! itself is omitted in 002 (様式略), so its items follow what 002 and 001 §4 ask the juvenile
//! division to judge: the post, why the person is thought a child, the type, the region, whether
//! it may involve a grave offence such as a child under 13, and the evidence kept).

use regex::Regex;

use super::common::{choices, page, tr, Ctx};
use super::html::{blank, esc, Document};
use super::view::kakko;

/// Words that point to a child under 13 (002 前文: 低年齢児童（13歳未満）対象の児童買春…).
pub fn low_age_words(words: &[String]) -> Vec<String> {
    let age = Regex::new(r"([0-9０-９]{1,2})\s*(?:歳|才)").ok();
    let primary = Regex::new(r"(?i)小学|^js[0-9１-６]?$|ＪＳ|小[1-6１-６]").ok();
    words
        .iter()
        .filter(|w| {
            primary.as_ref().is_some_and(|r| r.is_match(w))
                || age.as_ref().is_some_and(|r| {
                    r.captures(w).is_some_and(|c| {
                        let digits: String = c[1]
                            .chars()
                            .map(|d| match d {
                                '０'..='９' => char::from(b'0' + (d as u32 - '０' as u32) as u8),
                                d => d,
                            })
                            .collect();
                        digits.parse::<u32>().is_ok_and(|n| n < 13)
                    })
                })
        })
        .cloned()
        .collect()
}

pub fn render(ctx: &Ctx) -> Document {
    let child = ctx.a.child_words();
    let low = low_age_words(&child);
    let words = ctx.a.words_of(|c| !c.is_suicide());
    let rows = [
        tr("報告日", &ctx.date_html("date")),
        tr("報告者", &ctx.officer_html()),
        tr("発見の端緒", "サイバーパトロール"),
        ctx.post_rows("発見日時"),
        tr("該当する類型（001 §4）", &ctx.categories_html()),
        tr("判断の根拠となる記載", &esc(&kakko(&words))),
        tr(
            "児童と思料される根拠",
            &if child.is_empty() {
                "<span class=\"warning\">解析では児童と判断できていない（要確認）</span>".to_string()
            } else {
                esc(&kakko(&child))
            },
        ),
        tr(
            "低年齢児童（13歳未満）",
            &if low.is_empty() {
                "記載からは認められない".to_string()
            } else {
                format!("<span class=\"warning\">あり{}</span>", esc(&kakko(&low)))
            },
        ),
        tr("書き込みに関連する地域", &esc(&ctx.region_text())),
        tr(
            "注意喚起・警告",
            &format!("{}　実施日時 {}", choices(&["実施済み", "未実施", "承認待ち"], None), blank("warned_at")),
        ),
        tr("削除依頼", &choices(&["実施済み", "未実施", "対象外"], None)),
        tr(
            "証拠保全",
            &format!(
                "{}<div class=\"note\">スクリーンショットは一時的に保存し、保存の必要があるものは捜査用携帯パソコンに移管し、不要となったものは速やかに削除する（002 第3の3(3)）。</div>",
                choices(&["スクリーンショット", "記録の保存"], None)
            ),
        ),
        tr("備考", &blank("notes")),
    ];
    let parts = vec![
        format!("<p class=\"right\">{}</p>", ctx.date_html("date_header")),
        format!(
            "<p class=\"addressee\">{}少年課長　殿</p>",
            esc(&format!("{}本部", ctx.agency))
        ),
        format!("<p class=\"sender\">{}</p>", ctx.officer_html()),
        "<h1>児童の性被害に関する書き込み発見報告書</h1>".to_string(),
        "<p>サイバーパトロールにより、下記のとおり児童の性被害に関する書き込みを発見したので報告します。</p>".to_string(),
        "<p class=\"ki\">記</p>".to_string(),
        "<table class=\"form\">".to_string(),
        rows.join("\n"),
        "</table>".to_string(),
    ];
    Document {
        title: "児童の性被害に関する書き込み発見報告書".into(),
        guidance: vec!["<p>002：少年課は、重大な犯罪や悪質性の高い犯罪に巻き込まれる可能性があり、要保護児童の保護等の必要性が高いと判断した場合に限り、交信による保護活動を行います。判断に必要な事項を漏れなく記載してください。</p>".to_string()],
        pages: vec![page(&parts)],
        meta: vec![("low-age", (!low.is_empty()).to_string())],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn children_under_thirteen_are_recognised_from_their_words() {
        let w = |v: &[&str]| low_age_words(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(
            w(&["小学生", "JK2", "12歳", "１２才", "15歳", "JS6", "中1"]),
            ["小学生", "12歳", "１２才", "JS6"]
        );
        assert!(w(&["JC2", "高校生"]).is_empty());
    }
}
