//! TOML text → [`Config`], with errors located at file:line:col.

use std::ops::Range;
use std::path::Path;

use toml::de::{DeTable, DeValue};
use toml::Spanned;

use super::Config;
use crate::diagnostic::Diagnostic;

/// Reads a configuration file; relative paths in it resolve against its
/// directory.
pub fn load(path: &Path) -> Result<Config, Diagnostic> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| {
        Diagnostic::error(
            file.clone(),
            "#",
            format!("cannot read the configuration file: {e}"),
        )
    })?;
    let mut config = parse(&text, &file)?;
    config.base_dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    Ok(config)
}

/// Parses configuration text; `file` names it in messages. Relative paths
/// resolve against the working directory unless `base_dir` is set after.
pub fn parse(text: &str, file: &str) -> Result<Config, Diagnostic> {
    let mut config: Config = toml::from_str(text).map_err(|e| toml_error(text, file, &e))?;
    config.file = Some(file.to_string());
    super::validate::validate(&config)
        .map_err(|(path, message)| located(text, file, &path, message))?;
    Ok(config)
}

/// A TOML or serde error as a diagnostic: the key path and line:col of the
/// span, and for an unknown key the nearest valid one.
fn toml_error(text: &str, file: &str, e: &toml::de::Error) -> Diagnostic {
    let span = e.span();
    let path = span
        .clone()
        .map(|s| key_path_at(text, &s))
        .unwrap_or_default();
    let message = e.message().trim().to_string();
    let (message, help) = match unknown_field(&message) {
        Some((key, expected)) => {
            let section = path_parent(&path);
            let within = if section.is_empty() {
                "at the top level".to_string()
            } else {
                format!("in `[{section}]`")
            };
            let nearest = expected
                .iter()
                .map(|k| (strsim::jaro_winkler(&key, k), k))
                .filter(|(score, _)| *score > 0.7)
                .max_by(|a, b| a.0.total_cmp(&b.0))
                .map(|(_, k)| k.clone());
            let valid = expected
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ");
            let help = match nearest {
                Some(n) => format!("did you mean `{n}`? valid keys here: {valid}"),
                None => format!("valid keys here: {valid}"),
            };
            (format!("unknown key `{key}` {within}"), Some(help))
        }
        None => (message, None),
    };
    let mut d = Diagnostic::error(
        file,
        if path.is_empty() {
            "#".to_string()
        } else {
            path
        },
        message,
    );
    if let Some(s) = span {
        let (l, c) = line_col(text, s.start);
        d = d.at(l, c);
    }
    if let Some(h) = help {
        d = d.with_help(h);
    }
    d
}

/// serde's "unknown field `x`, expected one of `a`, `b`" (or "expected `a`",
/// or "there are no fields") → (x, [a, b]).
fn unknown_field(message: &str) -> Option<(String, Vec<String>)> {
    let rest = message.strip_prefix("unknown field `")?;
    let (key, tail) = rest.split_once('`')?;
    let expected = tail
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect();
    Some((key.to_string(), expected))
}

fn path_parent(path: &str) -> String {
    match path.rsplit_once('.') {
        Some((parent, _)) => parent.to_string(),
        None => String::new(),
    }
}

/// The dotted key path of the innermost entry whose key or value span holds
/// `span` (`types.replace.Money`, `apis.0.spec`).
fn key_path_at(text: &str, span: &Range<usize>) -> String {
    let Ok(root) = DeTable::parse(text) else {
        return String::new();
    };
    let mut path = Vec::new();
    let mut table: &DeTable<'_> = root.get_ref();
    // Iterative descent: one step per nesting level of the file.
    'outer: loop {
        for (k, v) in table.iter() {
            let holds =
                |r: Range<usize>| r.start <= span.start && span.start < r.end.max(r.start + 1);
            if holds(k.span()) {
                path.push(k.get_ref().to_string());
                break 'outer;
            }
            if holds(v.span()) || contains(v, span.start) {
                path.push(k.get_ref().to_string());
                match find_table(v, span.start, &mut path) {
                    Some(t) => {
                        table = t;
                        continue 'outer;
                    }
                    None => break 'outer,
                }
            }
        }
        break;
    }
    path.join(".")
}

/// Whether a value (tables declared with headers have no useful span of
/// their own) contains the offset.
fn contains(v: &Spanned<DeValue<'_>>, offset: usize) -> bool {
    match v.get_ref() {
        DeValue::Table(t) => t.iter().any(|(k, v)| {
            k.span().contains(&offset) || v.span().contains(&offset) || contains(v, offset)
        }),
        DeValue::Array(a) => a
            .iter()
            .any(|v| v.span().contains(&offset) || contains(v, offset)),
        _ => v.span().contains(&offset),
    }
}

/// The table to descend into: the value itself, or the array element
/// holding the offset (its index is pushed onto the path).
fn find_table<'a, 'i>(
    v: &'a Spanned<DeValue<'i>>,
    offset: usize,
    path: &mut Vec<String>,
) -> Option<&'a DeTable<'i>> {
    match v.get_ref() {
        DeValue::Table(t) => Some(t),
        DeValue::Array(a) => {
            let (i, item) = a
                .iter()
                .enumerate()
                .find(|(_, item)| item.span().contains(&offset) || contains(item, offset))?;
            path.push(i.to_string());
            match item.get_ref() {
                DeValue::Table(t) => Some(t),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The span of the value at a key path, if the text has it.
fn span_of(text: &str, path: &[String]) -> Option<Range<usize>> {
    let root = DeTable::parse(text).ok()?;
    let mut table: &DeTable<'_> = root.get_ref();
    let mut span = None;
    let mut segments = path.iter().peekable();
    while let Some(seg) = segments.next() {
        let (k, v) = table.iter().find(|(k, _)| k.get_ref() == seg)?;
        span = Some(if v.span().is_empty() {
            k.span()
        } else {
            v.span()
        });
        let mut value = v;
        if let DeValue::Array(a) = value.get_ref() {
            if let Some(i) = segments.peek().and_then(|s| s.parse::<usize>().ok()) {
                segments.next();
                value = a.get(i)?;
                span = Some(value.span());
            }
        }
        match value.get_ref() {
            DeValue::Table(t) => table = t,
            _ if segments.peek().is_none() => break,
            // An array of values: point at the element named by index.
            DeValue::Array(a) => {
                let i = segments.next()?.parse::<usize>().ok()?;
                span = Some(a.get(i)?.span());
                break;
            }
            _ => break,
        }
    }
    span
}

/// A validation error at a key path, located in the text.
fn located(text: &str, file: &str, path: &[String], message: String) -> Diagnostic {
    let d = Diagnostic::error(file, path.join("."), message);
    match span_of(text, path) {
        Some(s) => {
            let (l, c) = line_col(text, s.start);
            d.at(l, c)
        }
        None => d,
    }
}

/// 1-based line and column (in characters) of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        parse(text, "clientgen.toml").unwrap_err().to_string()
    }

    #[test]
    fn unknown_keys_name_place_and_nearest() {
        assert_eq!(
            err("spec = \"a.yaml\"\n[select]\ntagz = [\"x\"]\n"),
            "error: clientgen.toml:3:1: at select.tagz: unknown key `tagz` in `[select]`\n  help: did you mean `tags`? valid keys here: `tags`, `operations`, `paths`, `exclude-tags`, `exclude-operations`, `exclude-paths`, `keep-unreachable-types`"
        );
        let e = err("spek = \"a.yaml\"\n");
        assert!(e.starts_with("error: clientgen.toml:1:1: at spek: unknown key `spek` at the top level\n  help: did you mean `spec`?"), "{e}");
        let e = err("spec = \"a.yaml\"\n[types.schema.Pet]\nderive = [\"Hash\"]\n");
        assert!(e.starts_with("error: clientgen.toml:3:1: at types.schema.Pet.derive: unknown key `derive` in `[types.schema.Pet]`\n  help: did you mean `derives`?"), "{e}");
        let e = err("[[apis]]\nmodule = \"a\"\nspec = \"a.yaml\"\noverlay = []\n");
        assert!(
            e.starts_with("error: clientgen.toml:4:1: at apis.0.overlay: unknown key `overlay`"),
            "{e}"
        );
        assert!(e.contains("did you mean `overlays`?"), "{e}");
    }

    #[test]
    fn bad_values_are_located() {
        let e = err("[types]\ndate-time = \"chrono2\"\n");
        assert!(
            e.starts_with(
                "error: clientgen.toml:2:13: at types.date-time: unknown variant `chrono2`"
            ),
            "{e}"
        );
        let e = err("[types.replace]\nMoney = \"rust_decimal::Decimal<\"\n");
        assert!(e.starts_with("error: clientgen.toml:2:9: at types.replace.Money: `rust_decimal::Decimal<` is not a Rust type"), "{e}");
        let e = err("[types]\nderives = [\"Hash\", \"not a path\"]\n");
        assert!(
            e.starts_with(
                "error: clientgen.toml:2:20: at types.derives.1: `not a path` is not a derive path"
            ),
            "{e}"
        );
        let e = err("spec = 5\n");
        assert!(
            e.starts_with("error: clientgen.toml:1:8: at spec: invalid type"),
            "{e}"
        );
        let e = err("spec = \"a\"\nspec = \"b\"\n");
        assert!(e.contains("clientgen.toml:2:1"), "{e}");
    }

    #[test]
    fn never_panics_on_truncated_or_odd_input() {
        let text = super::super::default_config_text().replace("# ", "");
        for (i, _) in text.char_indices() {
            let _ = parse(&text[..i], "cut.toml");
        }
        for odd in [
            "[",
            "a.b.c = 1",
            "[[select]]",
            "x = {",
            "types = 5",
            "[types]\nreplace = []",
            "\u{0}",
        ] {
            let _ = parse(odd, "odd.toml");
        }
    }

    #[test]
    fn line_columns() {
        assert_eq!(line_col("ab\ncd", 0), (1, 1));
        assert_eq!(line_col("ab\ncd", 4), (2, 2));
        assert_eq!(line_col("é\nx", 3), (2, 1));
        assert_eq!(line_col("x", 99), (1, 2));
    }
}
