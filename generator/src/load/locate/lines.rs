//! Byte offset → 1-based line and column (in characters), in O(log n).
//!
//! Built once per text: the offset of every line start, and the number of
//! characters before every 4 KiB block, so a column costs at most one block
//! of counting even on a single-line (minified) document.

const BLOCK: usize = 4096;

pub(crate) struct LineIndex {
    line_starts: Vec<usize>,
    /// Characters in `text[..k * BLOCK]`, for every k.
    chars_before_block: Vec<usize>,
}

/// Whether `b` starts a UTF-8 character (is not a continuation byte).
fn starts_char(b: u8) -> bool {
    (b as i8) >= -0x40
}

impl LineIndex {
    pub(crate) fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut line_starts = vec![0];
        line_starts.extend(
            bytes
                .iter()
                .enumerate()
                .filter(|(_, &b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        let mut chars_before_block = Vec::with_capacity(bytes.len() / BLOCK + 1);
        let mut count = 0;
        for block in bytes.chunks(BLOCK) {
            chars_before_block.push(count);
            count += block.iter().filter(|&&b| starts_char(b)).count();
        }
        chars_before_block.push(count);
        LineIndex {
            line_starts,
            chars_before_block,
        }
    }

    /// Characters in `text[..offset]`.
    fn chars_before(&self, text: &[u8], offset: usize) -> usize {
        let block = offset / BLOCK;
        let base = self.chars_before_block.get(block).copied().unwrap_or(0);
        base + text[block * BLOCK..offset]
            .iter()
            .filter(|&&b| starts_char(b))
            .count()
    }

    /// 1-based (line, column in characters) of a byte offset (clamped to the
    /// text).
    pub(crate) fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(text.len());
        let line = self.line_starts.partition_point(|&s| s <= offset);
        let start = self.line_starts[line.saturating_sub(1)];
        let bytes = text.as_bytes();
        let column = self.chars_before(bytes, offset) - self.chars_before(bytes, start) + 1;
        (line, column)
    }
}

/// 1-based (line, column) of one offset, without building an index.
pub(crate) fn offset_to_line_col(text: &str, offset: usize) -> (usize, usize) {
    LineIndex::new(text).line_col(text, offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col() {
        assert_eq!(offset_to_line_col("ab\ncd", 0), (1, 1));
        assert_eq!(offset_to_line_col("ab\ncd", 2), (1, 3));
        assert_eq!(offset_to_line_col("ab\ncd", 3), (2, 1));
        assert_eq!(offset_to_line_col("ab\ncd", 4), (2, 2));
        assert_eq!(offset_to_line_col("é\nx", 100), (2, 2));
        assert_eq!(offset_to_line_col("é\nxé y", 6), (2, 3));
    }

    #[test]
    fn long_lines_cross_blocks() {
        let text = format!("{}\n{}z", "é".repeat(5000), "ü".repeat(3000));
        let index = LineIndex::new(&text);
        assert_eq!(index.line_col(&text, 5000 * 2), (1, 5001));
        let z = text.len() - 1;
        assert_eq!(index.line_col(&text, z), (2, 3001));
    }
}
