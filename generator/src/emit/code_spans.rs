//! Inline code spans set aside while a line of spec prose is escaped.
//!
//! Markdown shows the inside of backticks as typed: a bracket escaped there
//! (`` `expand\[\]` ``) or a URL wrapped (`` `curl <https://…>` ``) would be
//! shown with its backslashes or angle brackets. So [`CodeSpans::mask`]
//! swaps each span for a placeholder the escapes leave alone, and
//! [`CodeSpans::unmask`] puts the spans back. Only spans Markdown surely
//! reads as code are set aside (a backtick after a backslash opens none): a
//! span missed is escaped as prose, which is safe.

use std::collections::HashMap;

/// The placeholder of span `n` is `OPEN n CLOSE` (private-use characters;
/// text holding either is not masked at all, so no placeholder is forged).
const OPEN: char = '\u{E000}';
const CLOSE: char = '\u{E001}';

/// The spans set aside so far, for the lines of one text.
pub(super) struct CodeSpans {
    spans: Vec<String>,
    enabled: bool,
}

impl CodeSpans {
    /// Spans of `text`'s lines (placeholders only if `text` has none of
    /// their characters).
    pub(super) fn for_text(text: &str) -> CodeSpans {
        CodeSpans {
            spans: Vec::new(),
            enabled: !text.contains([OPEN, CLOSE]),
        }
    }

    /// `line` with each code span in it replaced by a placeholder.
    pub(super) fn mask(&mut self, line: &str) -> String {
        if !self.enabled || !line.contains('`') {
            return line.to_string();
        }
        let mut out = String::with_capacity(line.len());
        let mut last = 0;
        for span in spans(line) {
            out.push_str(&line[last..span.start]);
            out.push(OPEN);
            out.push_str(&self.spans.len().to_string());
            out.push(CLOSE);
            self.spans.push(line[span.clone()].to_string());
            last = span.end;
        }
        out.push_str(&line[last..]);
        out
    }

    /// `line` with its placeholders replaced by their spans.
    pub(super) fn unmask(&self, line: &str) -> String {
        if self.spans.is_empty() || !line.contains(OPEN) {
            return line.to_string();
        }
        let mut out = String::with_capacity(line.len());
        let mut rest = line;
        while let Some(at) = rest.find(OPEN) {
            out.push_str(&rest[..at]);
            let after = &rest[at + OPEN.len_utf8()..];
            let span = after
                .split_once(CLOSE)
                .and_then(|(n, tail)| Some((self.spans.get(n.parse::<usize>().ok()?)?, tail)));
            match span {
                Some((span, tail)) => {
                    out.push_str(span);
                    rest = tail;
                }
                // Not one of ours (cannot happen: masking is off when the
                // text has these characters); kept as it is.
                None => {
                    out.push(OPEN);
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        out
    }
}

/// The byte ranges of `line`'s code spans, backticks included, in order.
/// A run of backticks not after a backslash opens a span, closed by the
/// next run of the same length (backslashes inside are literal); with no
/// such run, it is text. Linear: the closing run of each length is looked
/// for from a cursor that only moves forward.
fn spans(line: &str) -> Vec<std::ops::Range<usize>> {
    let bytes = line.as_bytes();
    // Every run: (start, length).
    let mut runs: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'`' {
            let start = i;
            while i < bytes.len() && bytes[i] == b'`' {
                i += 1;
            }
            runs.push((start, i - start));
        } else {
            i += 1;
        }
    }
    // The runs of each length, in order, and how far each list is used up.
    let mut by_length: HashMap<usize, (Vec<usize>, usize)> = HashMap::new();
    for (n, &(_, len)) in runs.iter().enumerate() {
        by_length.entry(len).or_default().0.push(n);
    }
    let mut found = Vec::new();
    // Text before `from` is in a span already; runs before `next` are used.
    let mut from = 0;
    let mut next = 0;
    while next < runs.len() {
        let (start, len) = runs[next];
        let opener = next;
        next += 1;
        let backslashes = bytes[from..start]
            .iter()
            .rev()
            .take_while(|&&b| b == b'\\')
            .count();
        if backslashes % 2 == 1 {
            continue;
        }
        let Some((list, used)) = by_length.get_mut(&len) else {
            continue;
        };
        while *used < list.len() && list[*used] <= opener {
            *used += 1;
        }
        let Some(&closer) = list.get(*used) else {
            continue;
        };
        let end = runs[closer].0 + len;
        found.push(start..end);
        from = end;
        next = closer + 1;
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(line: &str) -> Vec<&str> {
        spans(line).into_iter().map(|r| &line[r]).collect()
    }

    #[test]
    fn spans_are_found_as_markdown_reads_them() {
        assert_eq!(
            code("use `expand[]` or ``a ` b``"),
            ["`expand[]`", "``a ` b``"]
        );
        // Unclosed runs are text; a longer run does not close a shorter one.
        assert_eq!(code("a ` b"), Vec::<&str>::new());
        assert_eq!(code("`a`` b"), Vec::<&str>::new());
        assert_eq!(code("`` x ` y ``"), ["`` x ` y ``"]);
        // A backtick after a backslash opens nothing; inside a span a
        // backslash is literal, so it does not stop the closing run.
        assert_eq!(code("\\`a` b`"), ["` b`"]);
        assert_eq!(code("\\\\`a`"), ["`a`"]);
        assert_eq!(code("`a\\` b"), ["`a\\`"]);
        // Once a run of a length found no closer, later ones still may.
        assert_eq!(code("``` `a` ``b``"), ["`a`", "``b``"]);
    }

    #[test]
    fn masking_round_trips() {
        let mut spans = CodeSpans::for_text("");
        let line = "see `a[0]` and ``https://x`` then `é`";
        let masked = spans.mask(line);
        assert!(!masked.contains('`') && !masked.contains('[') && !masked.contains("http"));
        assert_eq!(spans.unmask(&masked), line);
        // Text holding a placeholder character is not masked.
        let forged = format!("`a` {OPEN}0{CLOSE}");
        let mut spans = CodeSpans::for_text(&forged);
        assert_eq!(spans.mask(&forged), forged);
        assert_eq!(spans.unmask(&forged), forged);
    }

    #[test]
    fn many_runs_are_scanned_once() {
        // Runs of growing length, none closed: a scan per opener would be
        // quadratic.
        let line: String = (1..2_000).map(|n| "`".repeat(n) + " ").collect();
        assert!(spans(&line).is_empty());
        let line = "`a` ".repeat(200_000);
        assert_eq!(spans(&line).len(), 200_000);
    }
}
