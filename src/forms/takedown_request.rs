//! 削除依頼 to the site administrator, the variant chosen from the category:
//! child pornography (000 §1(1)), obvious illegal content on X (001 §6(3): CP images, soliciting
//! child prostitution), or information inducing suicide (003 §5(1), 004).

use crate::category::Category;

use super::common::{page, Ctx};
use super::html::{blank_block, esc, filled, opt, Document};
use super::view::kakko;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    /// 000 §1(1): CP found on patrol; takedown after checking the shared system.
    ChildPornography,
    /// 001 §6(3): on X, soliciting child prostitution (paid contact with a child) or CP solicitation.
    XIllegal,
    /// 003 §5(1), 004: information inducing or soliciting others to suicide.
    SuicideInducement,
}

impl Variant {
    pub fn id(self) -> &'static str {
        match self {
            Variant::ChildPornography => "child_pornography",
            Variant::XIllegal => "x_illegal",
            Variant::SuicideInducement => "suicide_inducement",
        }
    }
}

/// Money or paid-sex slang in a contact flag makes it 児童買春の誘引 rather than a bare meeting request.
const PAID: [&str; 2] = ["money", "solicit_sex"];

pub fn variant(a: &super::view::AnalysisView, site: Option<&str>) -> Option<Variant> {
    if a.has(Category::ChildCsamOffer) {
        Some(Variant::ChildPornography)
    } else if site == Some("x")
        && a.minor
        && (a.has(Category::ChildCsamSolicit)
            || (a.has(Category::ChildSexualContact)
                && a.flag_has_signal(Category::ChildSexualContact, &PAID)))
    {
        Some(Variant::XIllegal)
    } else if a.has(Category::SuicideInducement) {
        Some(Variant::SuicideInducement)
    } else {
        None
    }
}

fn grounds(ctx: &Ctx, v: Option<Variant>) -> (String, String) {
    match v {
        Some(Variant::ChildPornography) => (
            "貴社が管理するウェブサイトに、下記のとおり児童ポルノに該当すると認められる情報が掲載されています。児童の権利を著しく侵害するものであり、被害の拡大を防止するため、速やかに削除するなど送信防止措置を講じていただきますよう依頼します。".into(),
            "児童買春、児童ポルノに係る行為等の規制及び処罰並びに児童の保護等に関する法律第7条（児童ポルノの提供、公然陳列等）に該当する違法情報".into(),
        ),
        Some(Variant::XIllegal) => {
            let cp = ctx.has(Category::ChildCsamSolicit);
            (
                "貴社が運営するXに、下記のとおり違法情報に該当すると認められる投稿がありますので、速やかに削除していただきますよう依頼します。".into(),
                if cp {
                    "児童ポルノの製造・提供等を働きかける情報（児童買春、児童ポルノに係る行為等の規制及び処罰並びに児童の保護等に関する法律違反に係るもの）".into()
                } else {
                    "児童買春の誘引に当たる売春防止法第5条（勧誘等）違反の違法情報".into()
                },
            )
        }
        Some(Variant::SuicideInducement) => (
            "貴社が管理するウェブサイトに、下記のとおり他人を自殺に誘引し、又は勧誘する情報が掲載されています。人命に危険を及ぼすおそれがあるため、速やかに削除していただきますよう依頼します。".into(),
            "他人を自殺に誘引し、又は勧誘する情報（有害情報）".into(),
        ),
        None => (String::new(), String::new()),
    }
}

pub fn render(ctx: &Ctx) -> Document {
    let i = ctx.input;
    let v = variant(ctx.a, i.site.as_deref());
    let (lead, ground) = grounds(ctx, v);
    let lead = if lead.is_empty() {
        blank_block("lead")
    } else {
        format!("<p>{}</p>", filled("lead", &lead))
    };
    let ground = if ground.is_empty() {
        blank_block("grounds")
    } else {
        filled("grounds", &ground)
    };
    let words = ctx.a.words_of(|c| match v {
        Some(Variant::SuicideInducement) => c == Category::SuicideInducement,
        Some(_) => !c.is_suicide(),
        None => true,
    });
    let u = ctx.unit();
    let o = ctx.officer();
    let mut items = vec![
        ("1 情報の所在（URL）", opt("url", i.url.as_deref())),
        (
            "2 サイト・投稿者",
            format!(
                "{}　{}",
                opt("site", ctx.site_name().as_deref()),
                opt("author", i.author.as_deref())
            ),
        ),
        (
            "3 掲載日時・確認日時",
            format!(
                "掲載 {}　確認 {}",
                ctx.time_html("posted_at", i.posted_at),
                ctx.time_html("captured_at", i.captured_at)
            ),
        ),
        ("4 情報の内容", ctx.text_html()),
        ("5 該当する情報の種別", ground),
    ];
    if !words.is_empty() {
        items.push(("6 判断の根拠となる記載", esc(&kakko(&words))));
    }
    items.push((
        "問合せ先",
        format!(
            "{} {}　担当 階級 {} 氏名 {}<br>電話 {}　ファックス {}",
            opt("unit_station", u.station.as_deref()),
            opt("unit_section", u.section.as_deref()),
            opt("officer_title", o.title.as_deref()),
            opt("officer_name", o.name.as_deref()),
            ctx.phone_html(),
            opt("unit_fax", u.fax.as_deref()),
        ),
    ));
    let mut parts = vec![
        format!(
            "<p class=\"addressee\">{}　御中</p>",
            ctx.provider_name_html()
        ),
        format!("<p class=\"right\">{}</p>", ctx.doc_number_html()),
        format!("<p class=\"right\">{}</p>", ctx.date_html("date")),
        ctx.sender_html(),
        "<h1>削除依頼書</h1>".to_string(),
        lead,
        "<p class=\"ki\">記</p>".to_string(),
    ];
    for (head, body) in items {
        parts.push(format!(
            "<div class=\"item\"><p>{}</p><div class=\"body\">{body}</div></div>",
            esc(head)
        ));
    }
    if v == Some(Variant::ChildPornography) {
        parts.push("<p class=\"note\">※ 画像・動画等は本書に添付していません。削除の措置を講じた場合は、上記問合せ先まで御連絡ください。</p>".to_string());
    }
    let mut guidance = Vec::new();
    match v {
        Some(Variant::ChildPornography) => guidance.push("<p class=\"warning\">送付前の確認（000 §1(1)）：必要最小限度の証拠保全を行ったこと、共有システムに他の都道府県警察が「削除依頼不可」の登録をしていないことを確認してください。捜査上の支障がある場合は削除依頼を保留し、共有システムに登録します（000 §1(2)ア）。依頼後は URL等報告（url_report）に依頼の記録を添えて報告してください。外国のサイト管理者の場合は 000 §1(2)イ によります。</p>".to_string()),
        Some(Variant::XIllegal) => guidance.push("<p>001 §6(3)：明白な児童ポルノの画像や児童買春の誘引である場合に、注意喚起・警告と併せてX社へ削除依頼を行います。</p>".to_string()),
        Some(Variant::SuicideInducement) => guidance.push("<p>003 §5(1)：照会を実施する場合は、照会と併せて削除を依頼します。削除されないときは、特定した発信者に削除を指導します（003 §5(2)）。</p>".to_string()),
        None => guidance.push("<p class=\"warning\">解析結果の類型には削除依頼の根拠となる規定（000 §1(1)、001 §6(3)、003 §5）が見当たりません。依頼の趣旨と該当する情報の種別を記入してください。</p>".to_string()),
    }
    Document {
        title: "削除依頼書".into(),
        guidance,
        pages: vec![page(&parts)],
        meta: vec![("variant", v.map(Variant::id).unwrap_or("none").into())],
    }
}
