//! The Rust types each generator made for a decode case: the item schema's
//! type and the operation's 200-response type, as paths from the crate
//! root (`{crate}` stands for the dependency's name). Ours come from the
//! IR; the peers' from their output, by the names they give components.

use std::fs;
use std::path::Path;

use clientgen::ir::{self, ResponseBody, StatusMatch, TypeRef};

use super::generators::Gen;
use super::suite::DecodeCase;

#[derive(Clone, Debug)]
pub(super) struct DecodeTypes {
    pub(super) item: String,
    pub(super) list: String,
}

pub(super) fn find(
    g: Gen,
    spec: &Path,
    dir: &Path,
    case: &DecodeCase,
) -> Result<DecodeTypes, String> {
    match g {
        Gen::Ours => ours(spec, case),
        Gen::OpenapiToRust => peer(
            dir,
            "src/generated/types.rs",
            "{crate}::generated::types::",
            case,
        ),
        Gen::Progenitor => peer(dir, "src/lib.rs", "{crate}::types::", case),
    }
}

fn ours(spec: &Path, case: &DecodeCase) -> Result<DecodeTypes, String> {
    let display = spec.display().to_string();
    let api = clientgen::lower_file(spec, &display)
        .map_err(|d| d.to_string())?
        .api;
    let prefix = "{crate}::api::types::";
    let named = |key: &str| -> Result<String, String> {
        let def = api
            .types
            .iter()
            .find(|t| t.key == key)
            .ok_or_else(|| format!("clientgen has no type for {key}"))?;
        Ok(format!("{prefix}{}", def.name))
    };
    let op = api
        .operations
        .iter()
        .find(|o| {
            o.method.as_str().eq_ignore_ascii_case(case.method) && o.path_template == case.path
        })
        .ok_or_else(|| format!("clientgen has no operation {} {}", case.method, case.path))?;
    let body = op
        .responses
        .iter()
        .find(|r| r.status == StatusMatch::Code(200))
        .map(|r| &r.body)
        .ok_or("the operation has no 200 response")?;
    let ResponseBody::Json(ty) = body else {
        return Err("the 200 response is not JSON".into());
    };
    Ok(DecodeTypes {
        item: named(case.item)?,
        list: render(&api, ty, prefix)?,
    })
}

/// `Vec<...>` and named types, as the emitter spells them.
fn render(api: &ir::Api, ty: &TypeRef, prefix: &str) -> Result<String, String> {
    match ty {
        TypeRef::Named(key) => {
            let def = api
                .types
                .iter()
                .find(|t| &t.key == key)
                .ok_or_else(|| format!("no type for {key}"))?;
            Ok(format!("{prefix}{}", def.name))
        }
        TypeRef::Array(inner) => Ok(format!("Vec<{}>", render(api, inner, prefix)?)),
        other => Err(format!("unexpected response type {other:?}")),
    }
}

/// The peers name a component's type in UpperCamelCase; the list response
/// is `Vec<Item>` when the response is the list, or else the type holding
/// a `Vec<Item>` field named as the list field (the operation's inline
/// response type).
fn peer(dir: &Path, file: &str, prefix: &str, case: &DecodeCase) -> Result<DecodeTypes, String> {
    let path = dir.join(file);
    let text =
        fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let component = case.item.rsplit('/').next().unwrap_or_default();
    let item = upper_camel(component);
    if !defines(&text, &item) {
        return Err(format!("no `pub struct {item}` in {file}"));
    }
    let list = match case.list_field {
        None => format!("Vec<{prefix}{item}>"),
        Some(field) => format!(
            "{prefix}{}",
            holder(&text, field, &item).ok_or_else(|| {
                format!("no struct with a `{field}: Vec<{item}>` field in {file}")
            })?
        ),
    };
    Ok(DecodeTypes {
        item: format!("{prefix}{item}"),
        list,
    })
}

fn defines(text: &str, name: &str) -> bool {
    ["pub struct ", "pub enum "].iter().any(|kw| {
        text.match_indices(&format!("{kw}{name}")).any(|(i, m)| {
            text[i + m.len()..].starts_with(|c: char| !(c.is_alphanumeric() || c == '_'))
        })
    })
}

/// The struct with a field `pub field: Vec<item>` (or `Vec<Box<item>>`, as
/// openapi-to-rust spells a recursive item), for the list envelope of a
/// response. Of several (Stripe: `GetCustomersResponse` and
/// `GetCustomersSearchResponse`), the shortest name, the one qualified
/// least; first in file order on a tie.
fn holder(text: &str, field: &str, item: &str) -> Option<String> {
    let mut best: Option<&str> = None;
    let mut current: Option<&str> = None;
    for line in text.lines() {
        let t = line.trim();
        if let Some(rest) = t.strip_prefix("pub struct ") {
            current = rest
                .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .next();
        }
        // progenitor spells the vector `::std::vec::Vec`.
        let compact: String = t.chars().filter(|c| !c.is_whitespace()).collect();
        let compact = compact.replace("::std::vec::Vec<", "Vec<");
        let compact = compact.replace("Vec<Box<", "Vec<");
        let wanted = ["", "types::", "super::"].map(|q| format!("pub{field}:Vec<{q}{item}>"));
        if wanted.iter().any(|w| compact.starts_with(w.as_str())) {
            if let Some(name) = current {
                if best.is_none_or(|b| name.len() < b.len()) {
                    best = Some(name);
                }
            }
        }
    }
    best.map(str::to_string)
}

fn upper_camel(s: &str) -> String {
    let mut out = String::new();
    for part in s
        .split(|c: char| !c.is_alphanumeric())
        .filter(|p| !p.is_empty())
    {
        let mut cs = part.chars();
        if let Some(c) = cs.next() {
            out.extend(c.to_uppercase());
            out.push_str(cs.as_str());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peer_names() {
        assert_eq!(upper_camel("customer"), "Customer");
        assert_eq!(upper_camel("minimal-repository"), "MinimalRepository");
        let src = "pub struct Customer {\n}\npub struct GetCustomersResponse {\n    pub data: Vec<Customer>,\n}\n";
        assert!(defines(src, "Customer"));
        assert!(!defines(src, "Custom"));
        assert_eq!(
            holder(src, "data", "Customer").as_deref(),
            Some("GetCustomersResponse")
        );
        let o2r = "pub struct GetCustomersSearchResponse {\n    pub data: Vec<Box<Customer>>,\n}\npub struct GetCustomersResponse {\n    pub data: Vec<Box<Customer>>,\n}\n";
        assert_eq!(
            holder(o2r, "data", "Customer").as_deref(),
            Some("GetCustomersResponse")
        );
        let prog =
            "pub struct InstanceResultsPage {\n    pub items: ::std::vec::Vec<Instance>,\n}\n";
        assert_eq!(
            holder(prog, "items", "Instance").as_deref(),
            Some("InstanceResultsPage")
        );
    }
}
