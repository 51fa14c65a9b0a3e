//! Server-sent events: the `text/event-stream` parser (WHATWG HTML, "Parsing
//! an event stream"), fed bytes as they arrive.
//!
//! Lines end with CRLF, LF or CR, also when a CRLF is split between two
//! chunks; a leading byte-order mark is dropped; comments (`:`) and unknown
//! fields are ignored; `data` lines join with `\n`; an `id` containing NUL is
//! ignored; `retry` counts only when all digits; an event not closed by a
//! blank line when the stream ends is discarded.

use std::time::Duration;

/// One event as sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawEvent {
    /// The `event` field, `message` when absent.
    pub event: String,
    /// The `data` lines joined with `\n`.
    pub data: String,
    /// The last event ID when the event was dispatched (it persists across
    /// events until the server sets another), empty if none.
    pub id: String,
}

/// An event, or the `data` lines of one, grew past the parser's limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EventTooLarge(pub usize);

/// Incremental `text/event-stream` parser.
#[derive(Debug)]
pub struct Parser {
    /// The current line's bytes so far.
    line: Vec<u8>,
    /// The last byte seen was a CR: a LF right after it ends nothing.
    after_cr: bool,
    /// No line has ended yet: the first may start with a BOM.
    first_line: bool,
    data: String,
    /// `data` has had at least one line (an empty `data:` line counts).
    has_data: bool,
    event: String,
    id_buffer: String,
    last_event_id: String,
    retry: Option<Duration>,
    /// Bound on the current line plus the pending event's data.
    max_event: usize,
}

impl Parser {
    /// A parser refusing events (or lines) larger than `max_event` bytes.
    pub fn new(max_event: usize) -> Self {
        Parser {
            line: Vec::new(),
            after_cr: false,
            first_line: true,
            data: String::new(),
            has_data: false,
            event: String::new(),
            id_buffer: String::new(),
            last_event_id: String::new(),
            retry: None,
            max_event,
        }
    }

    /// The last event ID the server set (sent back as `Last-Event-ID` when
    /// reconnecting); empty when none.
    pub fn last_event_id(&self) -> &str {
        &self.last_event_id
    }

    /// The reconnection delay the server asked for with `retry:`, if any.
    pub fn retry(&self) -> Option<Duration> {
        self.retry
    }

    /// Forgets a partly received line and event (the connection dropped),
    /// keeping the last event ID and the retry delay.
    pub fn reset_connection(&mut self) {
        self.line.clear();
        self.after_cr = false;
        self.first_line = true;
        self.data.clear();
        self.has_data = false;
        self.event.clear();
        self.id_buffer.clone_from(&self.last_event_id);
    }

    /// Parses `chunk`, appending the events it completes to `out`.
    pub fn feed(&mut self, chunk: &[u8], out: &mut Vec<RawEvent>) -> Result<(), EventTooLarge> {
        let mut rest = chunk;
        while !rest.is_empty() {
            if self.after_cr {
                self.after_cr = false;
                if rest[0] == b'\n' {
                    rest = &rest[1..];
                    continue;
                }
            }
            match rest.iter().position(|&b| b == b'\n' || b == b'\r') {
                Some(end) => {
                    self.push_line_bytes(&rest[..end])?;
                    self.after_cr = rest[end] == b'\r';
                    rest = &rest[end + 1..];
                    self.end_line(out);
                }
                None => {
                    self.push_line_bytes(rest)?;
                    rest = &[];
                }
            }
        }
        Ok(())
    }

    fn push_line_bytes(&mut self, bytes: &[u8]) -> Result<(), EventTooLarge> {
        let size = self.line.len() + bytes.len() + self.data.len();
        if size > self.max_event {
            return Err(EventTooLarge(self.max_event));
        }
        self.line.extend_from_slice(bytes);
        Ok(())
    }

    fn end_line(&mut self, out: &mut Vec<RawEvent>) {
        let mut bytes: &[u8] = &self.line;
        if std::mem::take(&mut self.first_line) {
            bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        }
        let line = String::from_utf8_lossy(bytes).into_owned();
        self.line.clear();
        if line.is_empty() {
            self.dispatch(out);
            return;
        }
        if line.starts_with(':') {
            return;
        }
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (line.as_str(), ""),
        };
        match field {
            "event" => value.clone_into(&mut self.event),
            "data" => {
                if self.has_data {
                    self.data.push('\n');
                }
                self.data.push_str(value);
                self.has_data = true;
            }
            "id" if !value.contains('\0') => value.clone_into(&mut self.id_buffer),
            "retry" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
                // Too many digits for a u64 is a very long wait: the longest.
                let ms = value.parse::<u64>().unwrap_or(u64::MAX);
                self.retry = Some(Duration::from_millis(ms));
            }
            _ => {}
        }
    }

    fn dispatch(&mut self, out: &mut Vec<RawEvent>) {
        self.last_event_id.clone_from(&self.id_buffer);
        let event = std::mem::take(&mut self.event);
        if !std::mem::take(&mut self.has_data) {
            return;
        }
        out.push(RawEvent {
            event: if event.is_empty() {
                "message".to_owned()
            } else {
                event
            },
            data: std::mem::take(&mut self.data),
            id: self.last_event_id.clone(),
        });
    }
}
