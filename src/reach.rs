//! How far a context word reaches in a post: the news, fiction, support or someone-else's-story words that
//! suppress a flag, and a rule's exclusions.
//!
//! In a tweet-sized post the whole post is the context (「ニュース」 in the first line speaks for the rest).
//! In a long post — a board reply quoting others, a paste of many posts, a diary — a word far away says
//! nothing about a suicide notice on its own line: read post-wide, 3,000 characters of unrelated text
//! after 「今夜、熊本の大甲橋から飛び降ります」 suppressed it (found by the `analyze` fuzz target's long-post
//! benchmark). A miss there is a person not found in time, so in long posts a context word reaches only the
//! line it stands on, and within a long line only a window around it.

use crate::analyze::Evidence;
use crate::matcher::Source;

/// Up to this many characters (about one X post) the whole post is one context.
pub const SHORT_POST_CHARS: usize = 280;
/// Within a line of a long post, a context word reaches this many characters either side of a span.
pub const LINE_WINDOW_CHARS: usize = 140;

pub struct Reach {
    short: bool,
    /// Char offset where each line starts, then the post's length in chars.
    line_starts: Vec<usize>,
}

impl Reach {
    pub fn new(text: &str) -> Reach {
        let mut line_starts = vec![0];
        let mut len = 0;
        for (i, c) in text.chars().enumerate() {
            if c == '\n' {
                line_starts.push(i + 1);
            }
            len = i + 1;
        }
        line_starts.push(len);
        Reach {
            short: len <= SHORT_POST_CHARS,
            line_starts,
        }
    }

    /// The chars [start, end) that a context word must touch to speak for the span [start, end).
    fn context(&self, start: usize, end: usize) -> (usize, usize) {
        let line = self
            .line_starts
            .partition_point(|&s| s <= start)
            .saturating_sub(1);
        let line_start = self.line_starts[line];
        let line_end = self
            .line_starts
            .get(line + 1)
            .copied()
            .unwrap_or(line_start)
            .max(end);
        (
            start.saturating_sub(LINE_WINDOW_CHARS).max(line_start),
            (end + LINE_WINDOW_CHARS).min(line_end),
        )
    }

    pub fn is_short(&self) -> bool {
        self.short
    }

    /// Whether the context word at chars [start, end) speaks for the words at `span`.
    pub fn reaches(&self, (start, end): (usize, usize), span: &Evidence) -> bool {
        if self.short {
            return true;
        }
        let (from, to) = self.context(span.start, span.end);
        start < to && end > from
    }

    /// Which of the context words (`triggers`, spans of the text) speaks for every text span of a
    /// flag's evidence, if one does: the first that reaches the first span (in a short post simply the
    /// first found). None when some span of the flag stands outside every trigger's reach: the flag stays.
    pub fn covering(&self, triggers: &[(usize, usize)], evidence: &[Evidence]) -> Option<usize> {
        let mut spans = evidence.iter().filter(|e| e.source == Source::Text);
        let Some(first) = spans.next() else {
            return (!triggers.is_empty()).then_some(0);
        };
        if !self.short {
            // Thousands of spans and triggers in a long post: triggers sorted by start with the running
            // maximum of their ends answer "does any trigger overlap this context" by binary search.
            let mut iv: Vec<(usize, usize)> = triggers.to_vec();
            iv.sort_unstable();
            let mut max_end = Vec::with_capacity(iv.len());
            let mut m = 0;
            for &(_, e) in &iv {
                m = m.max(e);
                max_end.push(m);
            }
            let reached = |s: &Evidence| {
                let (from, to) = self.context(s.start, s.end);
                let k = iv.partition_point(|&(start, _)| start < to);
                k > 0 && max_end[k - 1] > from
            };
            if !reached(first) || !spans.all(reached) {
                return None;
            }
        }
        triggers
            .iter()
            .position(|&(start, end)| self.reaches((start, end), first))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(start: usize, end: usize) -> Evidence {
        Evidence {
            source: Source::Text,
            start,
            end,
            text: String::new(),
            signal: String::new(),
            label: String::new(),
        }
    }

    #[test]
    fn a_short_post_is_one_context() {
        let r = Reach::new(&"あ".repeat(SHORT_POST_CHARS));
        assert!(r.covering(&[(270, 272)], &[ev(0, 2)]).is_some());
    }

    #[test]
    fn in_a_long_post_a_context_word_reaches_only_its_own_line() {
        let text = format!("今夜飛び降ります\n{}\nニュース", "あ".repeat(400));
        let r = Reach::new(&text);
        let news = text.chars().count() - 4;
        assert!(r.covering(&[(news, news + 4)], &[ev(2, 7)]).is_none());
        // On the same line it still speaks for the span.
        assert!(r.covering(&[(0, 2)], &[ev(2, 7)]).is_some());
    }

    #[test]
    fn within_a_long_line_a_context_word_reaches_a_window() {
        let text = "あ".repeat(1000);
        let r = Reach::new(&text);
        assert!(r.covering(&[(600, 604)], &[ev(500, 505)]).is_some());
        assert!(r.covering(&[(900, 904)], &[ev(500, 505)]).is_none());
    }

    #[test]
    fn every_span_of_the_flag_must_be_reached() {
        let text = format!("{}\n{}", "あ".repeat(300), "い".repeat(300));
        let r = Reach::new(&text);
        // A trigger on the first line does not speak for a span on the second.
        assert!(r
            .covering(&[(10, 12)], &[ev(20, 22), ev(400, 402)])
            .is_none());
        assert!(r
            .covering(&[(10, 12), (410, 412)], &[ev(20, 22), ev(400, 402)])
            .is_some());
    }
}
