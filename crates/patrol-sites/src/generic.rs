//! The fallback for unknown boards: heuristics kept as data (`posts.generic` of
//! `profiles/generic.json`). A board is a run of sibling blocks of one kind (same tag and class)
//! that start with increasing post numbers and carry dates; a news list or a shop page does not
//! have both, which is what keeps the fallback off ordinary pages.

use scraper::ElementRef;

use crate::profile::Generic;
use crate::text::prefix_text;

/// Tag and class attribute: blocks of one kind.
fn signature(el: &ElementRef<'_>) -> String {
    let class = el.value().attr("class").unwrap_or("");
    format!(
        "{}|{}",
        el.value().name().to_ascii_lowercase(),
        crate::text::collapse(class).trim_matches(' ')
    )
}

/// The post blocks of the best-supported group on the page, in document order (empty if none).
pub fn generic_posts<'a>(root: ElementRef<'a>, g: &Generic) -> Vec<ElementRef<'a>> {
    let mut best: Vec<ElementRef<'a>> = Vec::new();
    let parents =
        std::iter::once(root).chain(root.descendent_elements().filter(|e| e.id() != root.id()));
    for parent in parents {
        let mut groups: Vec<(String, Vec<ElementRef<'a>>)> = Vec::new();
        for child in parent.child_elements() {
            let tag = child.value().name().to_ascii_lowercase();
            if !g.block_tags.contains(&tag) {
                continue;
            }
            let sig = signature(&child);
            match groups.iter_mut().find(|(s, _)| *s == sig) {
                Some((_, v)) => v.push(child),
                None => groups.push((sig, vec![child])),
            }
        }
        for (_, blocks) in groups {
            if blocks.len() < g.min_blocks || blocks.len() <= best.len() {
                continue;
            }
            let mut numbered = Vec::new();
            let mut dated = 0usize;
            let mut last: Option<u64> = None;
            let mut increasing = true;
            for b in &blocks {
                let pre = prefix_text(*b, g.prefix_chars);
                if let Some(n) = g
                    .number
                    .captures(&pre)
                    .and_then(|c| c.get(1))
                    .and_then(|m| m.as_str().parse::<u64>().ok())
                {
                    if last.is_some_and(|l| n <= l) {
                        increasing = false;
                    }
                    last = Some(n);
                    numbered.push(*b);
                }
                if g.date.is_match(&pre) {
                    dated += 1;
                }
            }
            let need = g.min_fraction * blocks.len() as f64;
            if increasing
                && numbered.len() >= g.min_blocks
                && numbered.len() as f64 >= need
                && dated as f64 >= need
                && numbered.len() > best.len()
            {
                best = numbered;
            }
        }
    }
    best
}
