//! Loading stage: file → `openapiv3::OpenAPI`, with diagnostics that name
//! the file, a JSON pointer and a line/column.
//!
//! Steps: read (UTF-8, BOM stripped) → parse JSON or YAML into a
//! `serde_json::Value` (duplicate keys rejected) → check the root and the
//! `openapi` version → for 3.1, rewrite into the 3.0 model
//! (`normalize`) → one structural walk (`walk`: schema keyword checks,
//! `$ref` collection, warnings for ignored keys) → `$ref` checks
//! (`refs`: unresolved, external, wrong kind, ref-only cycles) →
//! deserialize into `openapiv3::OpenAPI` by value (`typed`).
//!
//! Positions are only computed when a diagnostic is made
//! ([`SourceText::locate`]).

// `Result<_, Diagnostic>` is the stage's API; a diagnostic is a few strings.
#![allow(clippy::result_large_err)]

mod keywords;
mod kind;
mod locate;
mod normalize;
mod parse;
mod refs;
mod repair;
mod typed;
mod walk;
mod yaml;

use std::collections::HashMap;
use std::path::Path;

use serde_json::Value;

use crate::diagnostic::Diagnostic;
pub use locate::SourceText;
pub(crate) use parse::parse as parse_syntax;
pub use parse::Format;
pub use repair::SKIPPED;
use walk::{describe, Issue};

/// A successfully loaded document.
#[derive(Debug)]
pub struct Loaded {
    /// The path as given, for messages.
    pub file: String,
    /// The `openapi` field as written: "3.0.3", "3.1.0".
    pub openapi_version: String,
    /// The document in the OpenAPI 3.0 model (3.1 documents are rewritten
    /// into it; `spec.openapi` keeps the version as written).
    pub spec: openapiv3::OpenAPI,
    /// The original text, for locating later diagnostics.
    pub source: SourceText,
    /// Things that were ignored or changed while loading.
    pub warnings: Vec<Diagnostic>,
}

impl Loaded {
    /// Whether the document was OpenAPI 3.1 (and so was rewritten).
    pub fn is_v31(&self) -> bool {
        self.openapi_version.starts_with("3.1")
    }

    /// A diagnostic located in this document (line/column of `pointer`, or
    /// of its nearest ancestor present in the text).
    pub fn diagnostic(
        &self,
        severity: crate::diagnostic::Severity,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) -> Diagnostic {
        let pointer = pointer.into();
        let pos = self.source.locate_nearest(&pointer);
        Diagnostic::new(severity, self.file.clone(), pointer, message).at_opt(pos)
    }
}

/// Reads and loads an OpenAPI 3.0/3.1 document (JSON or YAML).
pub fn load_file(path: &Path) -> Result<Loaded, Diagnostic> {
    load_file_with_overlays(path, &[])
}

/// [`load_file`], applying OpenAPI Overlays to the parsed document before
/// anything checks it.
pub fn load_file_with_overlays(
    path: &Path,
    overlays: &[crate::overlay::Overlay],
) -> Result<Loaded, Diagnostic> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path)
        .map_err(|e| Diagnostic::error(file.clone(), "#", format!("cannot read the file: {e}")))?;
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let prefix = String::from_utf8_lossy(&bytes[..valid]);
            let (line, column) = locate::offset_to_line_col(&prefix, prefix.len());
            let utf16 = bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]);
            return Err(Diagnostic::error(
                file,
                "#",
                format!("the file is not valid UTF-8 (invalid byte at offset {valid})"),
            )
            .at(line, column)
            .with_help(if utf16 {
                "the file looks like UTF-16; save it as UTF-8"
            } else {
                "OpenAPI documents must be UTF-8 text; re-save the file as UTF-8"
            }));
        }
    };
    load_string(file, text, overlays)
}

/// Loads a document from text; `file` is only used in messages. The format
/// is JSON if the first non-space character is `{`, else YAML.
pub fn load_str(file: &str, text: &str) -> Result<Loaded, Diagnostic> {
    load_string(file.to_string(), text.to_string(), &[])
}

/// Parses JSON or YAML text into a value (the first step of loading alone,
/// for benchmarks); the error is a syntax error's message.
pub fn parse_value(text: &str) -> Result<Value, String> {
    parse::parse(text, Format::detect(text)).map_err(|e| e.message)
}

fn load_string(
    file: String,
    mut text: String,
    overlays: &[crate::overlay::Overlay],
) -> Result<Loaded, Diagnostic> {
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    let format = Format::detect(&text);
    let source = SourceText::new(text, format);
    let ctx = Ctx {
        file: &file,
        source: &source,
        overlays,
    };
    let Prepared {
        mut value,
        version,
        mut warnings,
        mut repairs,
        overlay_warnings,
    } = prepare(&ctx)?;
    let mut timer = Timer::new();
    let (result, typed_repairs) = repair::to_openapi(&mut value);
    repairs.extend(typed_repairs);
    timer.lap("openapiv3");
    let spec = match result {
        Ok(spec) => spec,
        Err(err) => {
            let (pointer, message, help) = typed::explain(&value, err);
            let mut issue = Issue::error(pointer, message);
            issue.help = help;
            return Err(ctx.diagnostic(issue));
        }
    };
    if !repairs.is_empty() && !repair::anything_usable(&spec) {
        // Every operation and type fell back: the first defect is the
        // document's error.
        let mut first = repairs.swap_remove(0);
        first.severity = crate::diagnostic::Severity::Error;
        first.consequence = None;
        let help = match first.help.take() {
            Some(h) => format!("{h}; nothing else in the document can be generated"),
            None => "nothing else in the document can be generated".to_string(),
        };
        first.help = Some(help);
        return Err(ctx.diagnostic(first));
    }
    // Dropping a big tree takes a few milliseconds; not our caller's.
    if text_is_big(&source) {
        std::thread::spawn(move || drop(value));
    }
    warnings.extend(repairs);
    let warnings = overlay_warnings
        .into_iter()
        .chain(warnings.into_iter().map(|i| ctx.diagnostic(i)))
        .collect();
    Ok(Loaded {
        file: file.clone(),
        openapi_version: version,
        spec,
        source,
        warnings,
    })
}

fn text_is_big(source: &SourceText) -> bool {
    source.text().len() > 256 * 1024
}

/// Phase timings on stderr when `CLIENTGEN_LOAD_TIMING` is set.
struct Timer {
    on: bool,
    at: std::time::Instant,
}

impl Timer {
    fn new() -> Self {
        Timer {
            on: std::env::var_os("CLIENTGEN_LOAD_TIMING").is_some(),
            at: std::time::Instant::now(),
        }
    }

    fn lap(&mut self, what: &str) {
        if self.on {
            eprintln!(
                "load timing: {what} {:.1} ms",
                self.at.elapsed().as_secs_f64() * 1e3
            );
        }
        self.at = std::time::Instant::now();
    }
}

struct Ctx<'a> {
    file: &'a str,
    source: &'a SourceText,
    overlays: &'a [crate::overlay::Overlay],
}

impl Ctx<'_> {
    fn diagnostic(&self, issue: Issue) -> Diagnostic {
        let pos = self.source.locate_nearest(&issue.pointer);
        let message = match issue.consequence {
            Some(c) => format!("{}; {c}", issue.message),
            None => issue.message,
        };
        let mut d = Diagnostic::new(issue.severity, self.file, issue.pointer, message).at_opt(pos);
        d.help = issue.help;
        d
    }

    fn error(&self, pointer: &str, message: impl Into<String>, help: Option<&str>) -> Diagnostic {
        let mut issue = Issue::error(pointer.to_string(), message);
        issue.help = help.map(String::from);
        self.diagnostic(issue)
    }
}

struct Prepared {
    value: Value,
    version: String,
    warnings: Vec<Issue>,
    /// Places that fell back (references that could not be used).
    repairs: Vec<Issue>,
    /// Diagnostics located in overlay files.
    overlay_warnings: Vec<Diagnostic>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Version {
    V30,
    V31,
}

const SUPPORTED: &str = "supported versions are OpenAPI 3.0.x and 3.1.x";
const SWAGGER_HELP: &str = "convert it to OpenAPI 3 first, e.g. with `npx swagger2openapi in.yaml -o out.yaml` or the converter at converter.swagger.io";

fn prepare(ctx: &Ctx<'_>) -> Result<Prepared, Diagnostic> {
    let text = ctx.source.text();
    if text.trim().is_empty() {
        return Err(ctx.error(
            "#",
            "the file is empty",
            Some("expected an OpenAPI 3.0 or 3.1 document in JSON or YAML"),
        ));
    }
    let format = ctx.source.format();
    let mut timer = Timer::new();
    let parsed = parse::parse(text, format);
    timer.lap("parse");
    let mut value = parsed.map_err(|e| {
        let mut d = Diagnostic::error(
            ctx.file,
            "#",
            format!("invalid {}: {}", format.name(), e.message),
        );
        if let (Some(l), Some(c)) = (e.line, e.column) {
            d = d.at(l, c);
        }
        if e.message.starts_with("EOF while parsing") {
            d = d.with_help(
                "the text ends before every object and array is closed; is the file truncated?",
            );
        }
        if e.message.contains("more than one YAML document") {
            d = d.with_help(
                "put one OpenAPI document in each file (remove the `---` line and what follows it)",
            );
        }
        if let Some(pointer) = e.pointer {
            d.pointer = pointer;
        } else if e.message.starts_with("duplicate key") {
            // serde_json places this error after the key and names no
            // path; find the second occurrence ourselves.
            if let Some((pointer, (l, c))) = ctx.source.find_duplicate_key() {
                d.pointer = pointer;
                d = d.at(l, c);
            }
        }
        if format == Format::Yaml && e.message.contains("tab") {
            d = d.with_help("YAML does not allow tabs for indentation; indent with spaces");
        }
        d
    })?;
    let overlay_warnings = crate::overlay::apply_all(ctx.overlays, &mut value)?;

    let Value::Object(root) = &mut value else {
        let (message, help) = match &value {
            Value::Null => (
                "the document is empty (only comments or `null`)".to_string(),
                "expected an OpenAPI 3.0 or 3.1 document in JSON or YAML",
            ),
            other => (
                format!(
                    "the document must be an object with `openapi`, `info` and `paths`, found {}",
                    describe(other)
                ),
                "an OpenAPI document is a JSON object / YAML mapping at the top level",
            ),
        };
        return Err(ctx.error("#", message, Some(help)));
    };

    if let Some(sw) = root.get("swagger") {
        let shown = match sw {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        return Err(ctx.error(
            "#/swagger",
            format!("Swagger {shown} documents are not supported; {SUPPORTED}"),
            Some(SWAGGER_HELP),
        ));
    }
    let (version_text, version) = match root.get("openapi") {
        None => {
            return Err(ctx.error(
                "#",
                format!(
                    "missing the `openapi` field, so this is not an OpenAPI document; {SUPPORTED}"
                ),
                Some("start the document with e.g. `openapi: 3.0.3`"),
            ))
        }
        Some(Value::String(s)) => match parse_version(s) {
            Some(v) => (s.clone(), v),
            None => {
                let help = if s.starts_with('2') {
                    SWAGGER_HELP.to_string()
                } else if s.starts_with("3.2") {
                    "if the document uses no OpenAPI 3.2 features, declaring `openapi: 3.1.1` may work".into()
                } else {
                    "set `openapi` to the version the document follows, e.g. `3.0.3` or `3.1.0`"
                        .into()
                };
                return Err(ctx.error(
                    "#/openapi",
                    format!("unsupported OpenAPI version `{s}`; {SUPPORTED}"),
                    Some(&help),
                ));
            }
        },
        Some(other) => {
            let help = match other {
                Value::Number(n) => {
                    format!("quote it: `openapi: \"{n}\"`; YAML reads an unquoted {n} as a number")
                }
                _ => "write e.g. `openapi: \"3.0.3\"`".into(),
            };
            return Err(ctx.error(
                "#/openapi",
                format!(
                    "`openapi` must be a version string such as \"3.0.3\", found {}",
                    describe(other)
                ),
                Some(&help),
            ));
        }
    };

    let mut warnings = Vec::new();
    match version {
        Version::V30 => match root.get("paths") {
            None => {
                return Err(ctx.error(
                    "#/paths",
                    "missing `paths`, which is required by OpenAPI 3.0",
                    Some("add `paths: {}` if the API has no operations (OpenAPI 3.1 makes `paths` optional)"),
                ))
            }
            Some(Value::Object(_)) => {}
            Some(other) => {
                return Err(ctx.error(
                    "#/paths",
                    format!("`paths` must be an object mapping paths such as `/pets` to path items, found {}", describe(other)),
                    None,
                ))
            }
        },
        Version::V31 => {
            if let Some(p) = root.get("paths") {
                if !p.is_object() {
                    return Err(ctx.error(
                        "#/paths",
                        format!("`paths` must be an object mapping paths such as `/pets` to path items, found {}", describe(p)),
                        None,
                    ));
                }
            }
            warnings.extend(normalize::document_31_to_30(root));
        }
    }

    timer.lap("checks");
    let mut walker = walk::Walker::new(version == Version::V31);
    walker.walk_root(&mut value);
    timer.lap("walk");
    let walk::Walker {
        refs,
        bad_refs,
        issues,
        operation_ids,
        ..
    } = walker;
    // Everything the walk found is confined to one schema or keyword and
    // was repaired in place.
    warnings.extend(issues);
    // References that cannot be used: each place falls back on its own.
    let mut repairs = Vec::new();
    let problems: Vec<refs::Problem> = bad_refs
        .into_iter()
        .chain(refs::check(&value, &refs))
        .collect();
    let actions: Vec<(Issue, repair::Action)> = problems
        .into_iter()
        .map(|p| repair::for_reference(&value, p))
        .collect();
    let mut repaired = std::collections::HashSet::new();
    for (issue, action) in actions {
        repair::apply(&mut value, &action, &issue.message);
        repaired.insert(issue.pointer.clone());
        repairs.push(issue);
    }
    refs::inline_indirect(&mut value, &refs, &repaired);
    timer.lap("refs");

    let mut seen: HashMap<&str, &str> = HashMap::new();
    for (id, pointer) in &operation_ids {
        if let Some(first) = seen.get(id.as_str()) {
            warnings.push(
                Issue::warning(pointer.clone(), format!("duplicate operationId `{id}`, also used at {first}"))
                    .help("operationIds must be unique; the generator makes the method names unique by renaming"),
            );
        } else {
            seen.insert(id, pointer);
        }
    }

    Ok(Prepared {
        value,
        version: version_text,
        warnings,
        repairs,
        overlay_warnings,
    })
}

/// `3.0`, `3.0.x`, `3.1`, `3.1.x` (x: anything, e.g. `3`, `0-rc1`).
fn parse_version(s: &str) -> Option<Version> {
    let s = s.trim();
    let minor = s.strip_prefix("3.")?;
    let (m, rest) = minor.split_once('.').unwrap_or((minor, ""));
    let ok_rest =
        rest.is_empty() && !minor.contains('.') || rest.starts_with(|c: char| c.is_ascii_digit());
    if !ok_rest {
        return None;
    }
    match m {
        "0" => Some(Version::V30),
        "1" => Some(Version::V31),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions() {
        for (s, v) in [
            ("3.0.0", Some(true)),
            ("3.0.3", Some(true)),
            ("3.0", Some(true)),
            ("3.1.0", Some(false)),
            ("3.1.1-rc1", Some(false)),
        ] {
            assert_eq!(parse_version(s).map(|x| x == Version::V30), v, "{s}");
        }
        for s in ["2.0", "3.2.0", "4.0", "3", "3.", "3.0.", "3.0x", "v3.0.0"] {
            assert!(parse_version(s).is_none(), "{s}");
        }
    }

    const MINI_31: &str = r##"{
  "openapi": "3.1.0",
  "info": {"title": "t", "version": "1"},
  "paths": {"/a": {"get": {"operationId": "getA", "responses": {"200": {
    "description": "ok",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/A"},
      "example": {"$ref": "#/not/followed"}}}
  }}}}},
  "components": {"schemas": {"A": {"type": ["object", "null"],
    "properties": {"n": {"type": ["integer", "null"], "exclusiveMinimum": 0}}}}}
}"##;

    #[test]
    fn loads_31_json() {
        let l = load_str("mini.json", MINI_31).unwrap();
        assert_eq!(l.openapi_version, "3.1.0");
        assert!(l.warnings.is_empty(), "{:?}", l.warnings);
        let a = l.spec.components.as_ref().unwrap().schemas["A"]
            .as_item()
            .unwrap();
        assert!(a.schema_data.nullable);
        assert_eq!(l.source.locate("#/components/schemas/A"), Some((9, 35)));
    }

    #[test]
    fn errors_are_located() {
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '200': {}\n";
        let w = &load_str("x.yaml", text).unwrap().warnings[0];
        assert_eq!(
            w.to_string(),
            "warning: x.yaml:7:16: at #/paths/~1a/get/responses/200: missing required field `description`; read as an empty description"
        );
        let text = "openapi: 3.0.3\ninfo:\n  title: t\npaths: {}\n";
        let e = load_str("x.yaml", text).unwrap_err();
        assert_eq!(
            e.to_string(),
            "error: x.yaml:2:1: at #/info: missing required field `version`"
        );
    }

    #[test]
    fn truncated_documents_never_panic() {
        let yaml = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /a/{id}:\n    get:\n      parameters:\n        - {name: id, in: path, required: true, schema: {type: [string, 'null']}}\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/A'}\ncomponents:\n  schemas:\n    A: {type: object, properties: {b: {$ref: '#/components/schemas/A'}}}\n";
        for text in [yaml, MINI_31] {
            for (i, _) in text.char_indices() {
                let _ = load_str("cut", &text[..i]);
            }
        }
    }

    #[test]
    fn deep_nesting_is_handled() {
        // serde_json stops at 128 levels; just below that must load or fail
        // cleanly, never overflow the stack.
        for depth in [30, 60, 126, 200] {
            let mut schema = String::from("{\"type\": \"string\"}");
            for _ in 0..depth / 2 {
                schema = format!("{{\"type\": \"object\", \"properties\": {{\"a\": {schema}}}}}");
            }
            let text = format!(
                "{{\"openapi\": \"3.0.3\", \"info\": {{\"title\": \"t\", \"version\": \"1\"}}, \"paths\": {{}}, \"components\": {{\"schemas\": {{\"A\": {schema}}}}}}}"
            );
            let _ = load_str("deep.json", &text);
        }
    }

    #[test]
    fn never_panics_on_odd_inputs() {
        for text in [
            "", " ", "{", "[", "]", "}", "null", "~", "- a", "\"str\"", "42", "{}", "openapi: 3.0.0",
            "openapi: 3.1.0", "openapi: 3.1.0\npaths: 5", "openapi: [3]", "{\"openapi\":\"3.0.0\",\"paths\":[]}",
            "openapi: 3.0.0\ninfo: {}\npaths: {/a: {get: {responses: {default: {$ref: 5}}}}}",
            "openapi: 3.1.0\ninfo: {title: t, version: v}\ncomponents: {schemas: {A: true, B: false, C: {items: [1]}}}",
            "openapi: 3.1.0\ninfo: {title: t, version: v}\ncomponents: {schemas: {A: {type: [5, {}]}}}",
            "openapi: 3.0.0\ninfo: {title: t, version: v}\npaths: {}\ncomponents: {schemas: {A: {$ref: '#'}}}",
            "openapi: 3.0.0\ninfo: {title: t, version: v}\npaths: {}\ncomponents: {schemas: {A: {$ref: '#/components/schemas/A/x/~'}}}",
            "openapi: 3.0.0\ninfo: {title: t, version: v}\npaths: {}\ncomponents: {schemas: {A: {$ref: '#/components/schemas/%zz'}}}",
            "\u{feff}openapi: 3.0.0\ninfo: {title: t, version: v}\npaths: {}",
            "a: &a [*a]",
            "--- 1\n--- 2\n",
            "? [a]\n: b\n",
        ] {
            let _ = load_str("odd.yaml", text);
        }
    }
}
