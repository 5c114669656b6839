//! What several forms share: the record's rows, the sender and contact blocks, dates, the
//! consultation list, and the screen-only guidance every document carries.

use std::fmt::Write;

use crate::category::Category;

use super::data::{agency, FormData};
use super::html::{blank, check, esc, esc_lines, filled, opt, Document};
use super::input::{Extras, FormInput};
use super::time::{Date, Instant};
use super::view::AnalysisView;
use super::{FormError, FormKind};

/// Everything a form is rendered from.
pub struct Ctx<'a> {
    pub input: &'a FormInput,
    pub extras: &'a Extras,
    pub a: &'a AnalysisView,
    pub data: &'static FormData,
    /// The date the form bears (never the wall clock).
    pub date: Option<Date>,
    /// 熊本県警察 / 警視庁 …
    pub agency: String,
}

impl<'a> Ctx<'a> {
    pub fn new(
        input: &'a FormInput,
        extras: &'a Extras,
        a: &'a AnalysisView,
    ) -> Result<Ctx<'a>, FormError> {
        let data = FormData::get().map_err(FormError::Data)?;
        let jurisdiction = if a.jurisdiction.is_empty() {
            crate::region::DEFAULT_JURISDICTION
        } else {
            a.jurisdiction.as_str()
        };
        Ok(Ctx {
            input,
            extras,
            a,
            data,
            date: extras.form_date(input),
            agency: agency(jurisdiction),
        })
    }

    pub fn jurisdiction(&self) -> &str {
        if self.a.jurisdiction.is_empty() {
            crate::region::DEFAULT_JURISDICTION
        } else {
            &self.a.jurisdiction
        }
    }

    /// The form's date, or a blank for it.
    pub fn date_html(&self, field: &str) -> String {
        match self.date {
            Some(d) => filled(field, &d.to_string()),
            None => blank(field),
        }
    }

    pub fn time_html(&self, field: &str, t: Option<Instant>) -> String {
        opt(field, t.map(|t| t.jst().to_string()).as_deref())
    }

    pub fn time_text(t: Option<Instant>) -> Option<String> {
        t.map(|t| t.jst().to_string())
    }

    pub fn unit(&self) -> super::input::Unit {
        self.extras.unit.clone().unwrap_or_default()
    }

    pub fn officer(&self) -> super::input::Officer {
        self.extras.officer.clone().unwrap_or_default()
    }

    pub fn provider(&self) -> super::input::Provider {
        self.extras.provider.clone().unwrap_or_default()
    }

    /// The provider's name from the directory, else the site operator when the site table
    /// knows it (X Corp.), else a blank.
    pub fn provider_name_html(&self) -> String {
        let known = self.provider().name.or_else(|| {
            self.input
                .site
                .as_deref()
                .and_then(|s| self.data.sites.get(s))
                .and_then(|s| s.operator.clone())
        });
        opt("provider_name", known.as_deref())
    }

    /// 第 123 号
    pub fn doc_number_html(&self) -> String {
        format!(
            "第{}号",
            opt("doc_number", self.extras.doc_number.as_deref())
        )
    }

    /// The sender as printed before 印 (〇〇警察署長), or a blank.
    pub fn sender_html(&self) -> String {
        let u = self.unit();
        let head = u
            .head
            .clone()
            .or_else(|| u.station.as_ref().map(|s| format!("{s}長")));
        format!(
            "<p class=\"sender\">{}<span class=\"seal\">印</span></p>",
            opt("sender", head.as_deref())
        )
    }

    /// 所属・階級・氏名 of the officer writing the form.
    pub fn officer_html(&self) -> String {
        let u = self.unit();
        let o = self.officer();
        format!(
            "所属 {} {}　階級 {}　氏名 {}",
            opt("unit_station", u.station.as_deref()),
            opt("unit_section", u.section.as_deref()),
            opt("officer_title", o.title.as_deref()),
            opt("officer_name", o.name.as_deref()),
        )
    }

    pub fn phone_html(&self) -> String {
        let u = self.unit();
        let o = self.officer();
        format!(
            "{}（内線 {}）",
            opt("unit_phone", u.phone.as_deref().or(o.phone.as_deref())),
            opt("officer_extension", o.extension.as_deref())
        )
    }

    pub fn site_phrase(&self) -> Option<String> {
        self.data.site_phrase(self.input.site.as_deref())
    }

    pub fn site_name(&self) -> Option<String> {
        self.data.site_name(self.input.site.as_deref())
    }

    /// 熊本県内 / 熊本県外 / 不明, with the places named in the post.
    pub fn region_text(&self) -> String {
        let j = self.jurisdiction();
        let mut s = match self.a.region.as_str() {
            "in" => format!("{j}内"),
            "out" => format!("{j}外"),
            _ => "不明（地域性が認められない）".to_string(),
        };
        let mut names: Vec<&str> = Vec::new();
        for p in &self.a.places {
            if !names.contains(&p.name.as_str()) {
                names.push(&p.name);
            }
        }
        if !names.is_empty() {
            let _ = write!(
                s,
                "（記載された地名：{}）",
                names.iter().map(|n| format!("「{n}」")).collect::<String>()
            );
        }
        s
    }

    /// The categories with their clauses, one per line.
    pub fn categories_html(&self) -> String {
        if self.a.categories.is_empty() {
            return "該当する類型は検出されていない（要確認）".into();
        }
        self.a
            .categories
            .iter()
            .map(|c| format!("{}（{}）", esc(c.label_ja()), esc(c.clause())))
            .collect::<Vec<_>>()
            .join("<br>")
    }

    /// The post quoted as a block, line breaks kept, editable.
    pub fn text_html(&self) -> String {
        format!(
            "<div class=\"quote fill block\" contenteditable=\"true\" data-field=\"text\">{}</div>",
            esc_lines(&self.input.text)
        )
    }

    /// The usual rows describing the post: where, who, when, what.
    pub fn post_rows(&self, captured_label: &str) -> String {
        let i = self.input;
        let mut rows = String::new();
        let mut row = |label: &str, value: String| {
            let _ = writeln!(rows, "<tr><th>{}</th><td>{value}</td></tr>", esc(label));
        };
        row("URL", opt("url", i.url.as_deref()));
        row("サイト", opt("site", self.site_name().as_deref()));
        if i.board.is_some() {
            row("掲示板名", opt("board", i.board.as_deref()));
        }
        if i.post_no.is_some() {
            row("書き込み番号", opt("post_no", i.post_no.as_deref()));
        }
        row("投稿者（アカウント）", opt("author", i.author.as_deref()));
        row("投稿日時", self.time_html("posted_at", i.posted_at));
        row(captured_label, self.time_html("captured_at", i.captured_at));
        row("書き込み内容", self.text_html());
        if !i.profile.trim().is_empty() {
            row("プロフィール", filled("profile", &i.profile));
        }
        rows
    }

    /// The consultation services (003 §8) as a table.
    pub fn consultation_html(&self) -> String {
        let mut s = String::from(
            "<table class=\"form services\"><colgroup><col style=\"width:36%\"><col style=\"width:17%\"><col style=\"width:25%\"><col></colgroup><tr><th>相談窓口</th><th>電話番号</th><th>受付時間</th><th>対象</th></tr>\n",
        );
        for svc in &self.data.consultation.service {
            let _ = writeln!(
                s,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&svc.name),
                esc(&svc.phone),
                esc(&svc.hours),
                esc(&svc.audience)
            );
        }
        s.push_str("</table>");
        let _ = write!(
            s,
            "<p class=\"note\">（相談窓口一覧の確認時期：{}）</p>",
            esc(&self.data.consultation.checked)
        );
        s
    }

    /// Adds what every document carries: the body's data attributes and the screen-only
    /// guidance (how to edit, the analysis behind the pre-filled values, unsuitable forms).
    pub fn finish(&self, kind: FormKind, mut doc: Document) -> Document {
        let mut guidance = vec![format!(
            "<h2>{}（下書き）</h2><p>patrol が記録と解析結果から作成した下書きです。内容を確認し、<span class=\"warning\">「要記入」</span>欄を記入・訂正してから確定してください。枠内の文字はクリックして編集できます。この囲みと「要記入」の表示は印刷されません。</p>",
            esc(&doc.title)
        )];
        let cats: Vec<&str> = self.a.categories.iter().map(|c| c.id()).collect();
        guidance.push(format!(
            "<p>解析結果：類型 {}／児童 {}／地域 {}／照会要件(003 §4(1)) {}／規則 {}</p>",
            if cats.is_empty() {
                "なし".to_string()
            } else {
                esc(&cats.join(" "))
            },
            if self.a.minor { "該当" } else { "非該当" },
            esc(&self.region_text()),
            if self.a.inquiry {
                "充足"
            } else {
                "不充足"
            },
            esc(&self.a.ruleset)
        ));
        if !kind.applies_to(self.a, self.input.site.as_deref()) {
            guidance.push(format!(
                "<p class=\"warning\">この書き込みの類型（{}）には、通常この様式は用いません。使用する場合は根拠を確認してください。</p>",
                if cats.is_empty() { "該当なし".to_string() } else { esc(&cats.join(" ")) }
            ));
        }
        guidance.append(&mut doc.guidance);
        doc.guidance = guidance;
        doc.meta.insert(0, ("form", kind.id().to_string()));
        doc.meta.push(("ruleset", self.a.ruleset.clone()));
        doc.meta.push(("pages", doc.pages.len().to_string()));
        doc
    }

    pub fn has(&self, c: Category) -> bool {
        self.a.has(c)
    }
}

/// A page's body assembled from parts.
pub fn page(parts: &[String]) -> String {
    parts.join("\n")
}

/// A table row with a header cell and a value (already HTML).
pub fn tr(label: &str, value: &str) -> String {
    format!("<tr><th>{}</th><td>{value}</td></tr>", esc(label))
}

/// Check boxes, one ticked when `chosen` equals its label.
pub fn choices(options: &[&str], chosen: Option<&str>) -> String {
    options
        .iter()
        .map(|o| check(o, chosen == Some(*o)))
        .collect::<Vec<_>>()
        .join("")
}
