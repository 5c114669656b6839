//! `patrol analyze --explain`: a human-readable account of each flag, for an officer at a
//! terminal (Japanese, as the officers work in Japanese).

use std::fmt::Write;

use serde_json::Value;

use crate::analyze::{Analysis, Evidence};
use crate::matcher::Source;
use crate::region::Region;

fn mark(text: &str, spans: &[&Evidence]) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut open = vec![0usize; chars.len() + 1];
    let mut close = vec![0usize; chars.len() + 1];
    for e in spans {
        if e.start < e.end && e.end <= chars.len() {
            open[e.start] += 1;
            close[e.end] += 1;
        }
    }
    let mut out = String::new();
    for (i, c) in chars.iter().enumerate() {
        out.extend(std::iter::repeat_n('】', close[i]));
        out.extend(std::iter::repeat_n('【', open[i]));
        out.push(*c);
    }
    out.extend(std::iter::repeat_n('】', close[chars.len()]));
    out
}

fn quote(e: &Evidence) -> String {
    let place = match e.source {
        Source::Text => "本文",
        Source::Profile => "プロフィール",
    };
    format!(
        "「{}」({} {}–{}: {})",
        e.text, place, e.start, e.end, e.label
    )
}

fn list(ev: &[Evidence]) -> String {
    if ev.is_empty() {
        "—".to_string()
    } else {
        ev.iter().map(quote).collect::<Vec<_>>().join(" ")
    }
}

/// An id as a person reads it: a string without its JSON quotes.
pub fn id_text(id: &Value) -> String {
    match id {
        Value::String(v) => v.clone(),
        other => other.to_string(),
    }
}

/// Renders one analysed post.
pub fn render(id: &Value, text: &str, profile: &str, a: &Analysis) -> String {
    let mut s = String::new();
    let id = id_text(id);
    let _ = writeln!(s, "── 投稿 {id} ──────────────────────────────");
    let text_spans: Vec<&Evidence> = a
        .flags
        .iter()
        .flat_map(|f| f.evidence.iter())
        .filter(|e| e.source == Source::Text)
        .collect();
    let _ = writeln!(s, "本文: {}", mark(text, &text_spans));
    if !profile.is_empty() {
        let _ = writeln!(s, "プロフィール: {profile}");
    }
    if a.flags.is_empty() {
        let _ = writeln!(s, "判定: 対象外（該当する類型なし）");
    }
    for f in &a.flags {
        let _ = writeln!(
            s,
            "判定: {} [{}]  根拠条項 {}  確度 {:.2}  (規則 {})",
            f.label,
            f.category.id(),
            f.clause,
            f.confidence,
            f.rule
        );
        for e in &f.evidence {
            let _ = writeln!(s, "    根拠: {}", quote(e));
        }
    }
    let child = if a.child.minor {
        "児童と判断"
    } else {
        "児童と判断する記載なし"
    };
    let _ = writeln!(s, "児童: {child}  {}", list(&a.child.signals));
    if !a.child.adult_signals.is_empty() {
        let _ = writeln!(s, "    成人を示す記載: {}", list(&a.child.adult_signals));
    }
    let region = match a.region {
        Region::In => format!("管轄内（{}）", a.jurisdiction),
        Region::Out => format!(
            "管轄外（{}以外）: 関係都道府県警察への引継ぎ対象",
            a.jurisdiction
        ),
        Region::Unknown => "地域不明（001 §4 により対象）".to_string(),
    };
    let places: Vec<String> = a
        .places
        .iter()
        .map(|p| format!("「{}」{}", p.name, p.prefectures.join("/")))
        .collect();
    let _ = writeln!(s, "地域: {region} {}", places.join(" "));
    if let Some(u) = &a.urgency {
        let tick = |ok: bool| if ok { "✓" } else { "✗" };
        let _ = writeln!(s, "緊急性の判断 (003 §4(1)ア):");
        let _ = writeln!(
            s,
            "    (ア) 時期の切迫       {} {}",
            tick(!u.timing.is_empty()),
            list(&u.timing)
        );
        let _ = writeln!(
            s,
            "    (イ) 場所・方法・動機 {} {}",
            tick(!u.specific.is_empty()),
            list(&u.specific)
        );
        let _ = writeln!(
            s,
            "    (ウ) 明示的な表現     {} {}",
            tick(!u.explicit.is_empty()),
            list(&u.explicit)
        );
        let _ = writeln!(
            s,
            "    (エ) 疑義事情なし     {} {}",
            tick(u.doubt.is_empty()),
            list(&u.doubt)
        );
        let level = match u.level {
            "high" => "高",
            "elevated" => "中",
            _ => "要観察",
        };
        let inquiry = if u.inquiry {
            "要（照会書・様式第1号）"
        } else {
            "不要（要件を満たさない）"
        };
        let _ = writeln!(s, "    → プロバイダ等への照会: {inquiry}  緊急度: {level}");
    }
    if !a.suppressed.is_empty() {
        let _ = writeln!(s, "除外した候補:");
        for x in &a.suppressed {
            let ev = x.evidence.first().map(quote).unwrap_or_default();
            let _ = writeln!(
                s,
                "    {} [{}]: {}  {}  (規則 {})",
                x.category.label_ja(),
                x.category.id(),
                x.reason,
                ev,
                x.rule
            );
        }
    }
    if let Some(r) = &a.reader {
        s.push_str(&crate::reader::explain(r));
    }
    let _ = writeln!(s, "規則セット {}\n", a.ruleset);
    s
}
