//! Violation detection: from one raw response (the `sl-violations` header, a
//! Prism problem+json body) and from Prism's log, and the assertions and
//! failure reports built on them.

use super::log::{parse_line, SYNC_PATH};
use super::{lock, LogMark, Prism};

impl Prism {
    /// Every violation Prism has reported since it started (see the module docs
    /// for what counts). Flushes the log first.
    pub fn violations(&self) -> Vec<String> {
        self.violations_since(LogMark(0))
    }

    /// Violations reported in the log after `mark`. Flushes the log first.
    pub fn violations_since(&self, mark: LogMark) -> Vec<String> {
        let (end, problem) = self.sync_log();
        let mut out = {
            let log = lock(&self.log);
            let start = mark.0.min(end);
            violations_in_log(&log[start..end])
        };
        out.extend(problem);
        out
    }

    /// Violations reported since the previous call of this method (or since
    /// start). Convenient after each call made through the generated client.
    pub fn take_violations(&self) -> Vec<String> {
        let mut cursor = lock(&self.cursor);
        let (end, problem) = self.sync_log();
        let mut out = {
            let log = lock(&self.log);
            let start = (*cursor).min(end);
            violations_in_log(&log[start..end])
        };
        *cursor = end;
        out.extend(problem);
        out
    }

    /// Panics (with the violations and the log tail) if Prism logged any
    /// violation since the previous [`Prism::take_violations`] /
    /// `assert_no_new_violations` call.
    #[track_caller]
    pub fn assert_no_new_violations(&self) {
        let v = self.take_violations();
        if !v.is_empty() {
            panic!("{}", self.violation_report("Prism reported violations", &v));
        }
    }

    /// Formats violations plus the last lines of Prism's log, for failure messages.
    pub fn violation_report(&self, headline: &str, violations: &[String]) -> String {
        let log = lock(&self.log);
        let tail_start = log.len().saturating_sub(40);
        format!(
            "{headline} (spec {}):\n  - {}\n--- last {} lines of the Prism log ---\n{}",
            self.spec.display(),
            violations.join("\n  - "),
            log.len() - tail_start,
            log[tail_start..].join("\n")
        )
    }
}

/// Violations visible in one raw response: the `sl-violations` header (if any)
/// and a Prism-generated `application/problem+json` error body (if any).
/// Returns an empty list for a response without either, e.g. a 2xx from the spec.
pub fn response_violations(headers: &http::HeaderMap, body: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    for value in headers.get_all("sl-violations") {
        let raw = String::from_utf8_lossy(value.as_bytes()).into_owned();
        match serde_json::from_str::<serde_json::Value>(&raw) {
            Ok(serde_json::Value::Array(items)) => out.extend(
                items
                    .iter()
                    .map(|v| format!("sl-violations: {}", describe_violation(v))),
            ),
            // e.g. "Too many violations! [..." (truncated), or an unexpected shape
            _ => out.push(format!("sl-violations: {raw}")),
        }
    }
    let is_problem = headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.to_ascii_lowercase().contains("problem+json"));
    if let Ok(serde_json::Value::Object(problem)) =
        serde_json::from_slice::<serde_json::Value>(body)
    {
        let ty = problem.get("type").and_then(|t| t.as_str()).unwrap_or("");
        if let Some(kind) = ty.strip_prefix("https://stoplight.io/prism/errors#") {
            let title = problem.get("title").and_then(|t| t.as_str()).unwrap_or("");
            let detail = problem.get("detail").and_then(|t| t.as_str()).unwrap_or("");
            out.push(format!("Prism error {kind}: {title} ({detail})"));
            if let Some(serde_json::Value::Array(items)) = problem.get("validation") {
                out.extend(
                    items
                        .iter()
                        .map(|v| format!("{kind}: {}", describe_violation(v))),
                );
            }
        } else if is_problem && ty.is_empty() {
            out.push(format!(
                "problem+json without type: {}",
                String::from_utf8_lossy(body)
            ));
        }
    }
    out
}

/// `location.path: message [Severity, code]` for one Prism violation object.
fn describe_violation(v: &serde_json::Value) -> String {
    let location = match v.get("location") {
        Some(serde_json::Value::Array(parts)) => parts
            .iter()
            .map(|p| match p {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect::<Vec<_>>()
            .join("."),
        Some(other) => other.to_string(),
        None => String::new(),
    };
    let message = v
        .get("message")
        .and_then(|m| m.as_str())
        .unwrap_or("<no message>");
    let severity = v.get("severity").map(json_scalar).unwrap_or_default();
    let code = v.get("code").map(json_scalar).unwrap_or_default();
    format!("{location}: {message} [{severity}, code {code}]")
}

fn json_scalar(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Panics if the raw response shows a violation (header or Prism error body) or
/// if Prism logged a violation since `since`. For requests sent with a plain
/// HTTP client; for calls through the generated client use
/// [`Prism::assert_no_new_violations`].
#[track_caller]
pub fn assert_no_violations(headers: &http::HeaderMap, body: &[u8], prism: &Prism, since: LogMark) {
    let mut v = response_violations(headers, body);
    v.extend(prism.violations_since(since));
    if !v.is_empty() {
        panic!(
            "{}",
            prism.violation_report("Prism reported violations", &v)
        );
    }
}

/// Violations in a slice of Prism's log, grouped by the request they follow.
///
/// * `[VALIDATOR]` lines at error/warning/fatal level, except the summary line
///   "Request did not pass the validation rules". When a request's block has
///   `Violation: <location> <message>` lines (logged when Prism answered from the
///   spec), only those are used: the un-prefixed lines before them repeat the
///   same request violations;
/// * `[HTTP SERVER] ... Request terminated with error: ...` (route not found,
///   method not allowed, Prism-generated 401/422/415, `--errors` violations);
/// * any other error/fatal line, and `[stderr]` lines mentioning an error.
///
/// Blocks of the harness's own sentinel requests are skipped.
pub fn violations_in_log(lines: &[String]) -> Vec<String> {
    struct Block {
        request: String,
        sentinel: bool,
        plain: Vec<String>,
        prefixed: Vec<String>,
        other: Vec<String>,
    }
    let new_block = |request: String| Block {
        sentinel: request.contains(SYNC_PATH),
        request,
        plain: vec![],
        prefixed: vec![],
        other: vec![],
    };
    let mut blocks = vec![new_block(String::from("<before the first request>"))];
    for raw in lines {
        if let Some(rest) = raw.strip_prefix("[stderr] ") {
            let lower = rest.to_ascii_lowercase();
            if lower.contains("error") || lower.contains("fatal") || lower.contains("violation") {
                blocks
                    .last_mut()
                    .unwrap()
                    .other
                    .push(format!("stderr: {rest}"));
            }
            continue;
        }
        let Some(line) = parse_line(raw) else {
            continue;
        };
        if line.tag == "HTTP SERVER" && line.message == "Request received" {
            blocks.push(new_block(
                line.request.unwrap_or("<unknown request>").to_string(),
            ));
            continue;
        }
        let block = blocks.last_mut().unwrap();
        let is_problem = matches!(line.level, "error" | "fatal" | "warning" | "warn");
        if !is_problem {
            continue;
        }
        match line.tag {
            "VALIDATOR" => {
                if line.message == "Request did not pass the validation rules" {
                    continue;
                }
                if let Some(v) = line.message.strip_prefix("Violation: ") {
                    block.prefixed.push(format!("{} [{}]", v, line.level));
                } else {
                    block
                        .plain
                        .push(format!("{} [{}]", line.message, line.level));
                }
            }
            // Negotiator warnings ("Unable to find content for */*") are about
            // picking a mock response, not about the request.
            "NEGOTIATOR" if !matches!(line.level, "error" | "fatal") => {}
            _ => {
                if matches!(line.level, "error" | "fatal") {
                    block.other.push(format!("[{}] {}", line.tag, line.message));
                }
            }
        }
    }
    let mut out = Vec::new();
    for b in blocks {
        if b.sentinel {
            continue;
        }
        let items = if b.prefixed.is_empty() {
            b.plain
        } else {
            b.prefixed
        };
        for v in items.into_iter().chain(b.other) {
            out.push(format!("{}: {v}", b.request));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prism::log_lines;

    #[test]
    fn groups_log_violations_by_request_and_dedupes() {
        let log = log_lines(
            "[6:25:01 AM] › [CLI] ▶  start     Prism is listening on http://127.0.0.1:4779
[6:25:01 AM] › [HTTP SERVER] get /__contact_tests_prism_sync__/1-0 ℹ  info      Request received
[6:25:01 AM] › [HTTP SERVER] get /__contact_tests_prism_sync__/1-0 ✖  error     Request terminated with error: https://stoplight.io/prism/errors#NO_PATH_MATCHED_ERROR: Route not resolved, no path matched
[6:25:01 AM] › [HTTP SERVER] put /ok ℹ  info      Request received
[6:25:01 AM] ›     [VALIDATOR] ✔  success   The request passed the validation rules. Looking for the best response
[6:25:01 AM] ›     [NEGOTIATOR] ⚠  warning   Unable to find content for */*
[6:25:01 AM] › [HTTP SERVER] put /bad ℹ  info      Request received
[6:25:01 AM] ›     [VALIDATOR] ⚠  warning   Request did not pass the validation rules
[6:25:01 AM] ›     [VALIDATOR] ✖  error     Request body property first_name must be string,null
[6:25:01 AM] ›     [NEGOTIATOR] ✔  success   Found response 422. I'll try with it.
[6:25:01 AM] ›     [VALIDATOR] ✖  error     Violation: request.body.first_name Request body property first_name must be string,null
[6:25:01 AM] › [HTTP SERVER] post /nope ℹ  info      Request received
[6:25:01 AM] ›     [VALIDATOR] ⚠  warning   Request did not pass the validation rules
[6:25:01 AM] ›     [VALIDATOR] ✖  error     Invalid security scheme used
[6:25:01 AM] › [HTTP SERVER] post /nope ✖  error     Request terminated with error: https://stoplight.io/prism/errors#UNAUTHORIZED: Invalid security scheme used",
        );
        assert_eq!(
            violations_in_log(&log),
            vec![
                "put /bad: request.body.first_name Request body property first_name must be string,null [error]",
                "post /nope: Invalid security scheme used [error]",
                "post /nope: [HTTP SERVER] Request terminated with error: https://stoplight.io/prism/errors#UNAUTHORIZED: Invalid security scheme used",
            ]
        );
    }

    #[test]
    fn reads_header_and_problem_body() {
        let mut h = http::HeaderMap::new();
        assert!(response_violations(&h, b"{}").is_empty());
        h.insert(
            "sl-violations",
            r#"[{"location":["request"],"severity":"Error","code":401,"message":"Invalid security scheme used"}]"#
                .parse()
                .unwrap(),
        );
        assert_eq!(
            response_violations(&h, b"{}"),
            vec!["sl-violations: request: Invalid security scheme used [Error, code 401]"]
        );
        let mut h = http::HeaderMap::new();
        h.insert("content-type", "application/problem+json".parse().unwrap());
        let body = br#"{"type":"https://stoplight.io/prism/errors#UNPROCESSABLE_ENTITY","title":"Invalid request","status":422,"detail":"d","validation":[{"location":["body","tool"],"severity":"Error","code":"type","message":"must be string"}]}"#;
        assert_eq!(
            response_violations(&h, body),
            vec![
                "Prism error UNPROCESSABLE_ENTITY: Invalid request (d)",
                "UNPROCESSABLE_ENTITY: body.tool: must be string [Error, code type]",
            ]
        );
    }
}
