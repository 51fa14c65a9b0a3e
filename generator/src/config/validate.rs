//! Checks on values serde cannot make: Rust types, derive paths and
//! attributes that must parse, names that must be identifiers. Each error
//! names the key path of the offending value.

use std::collections::BTreeMap;

use super::{Config, Rename, Types};

type Error = (Vec<String>, String);

fn at(path: &[&str], key: impl ToString) -> Vec<String> {
    let mut out: Vec<String> = path.iter().map(|s| s.to_string()).collect();
    out.push(key.to_string());
    out
}

pub(super) fn validate(config: &Config) -> Result<(), Error> {
    if config.spec.is_some() && !config.apis.is_empty() {
        return Err((
            vec!["apis".into()],
            "give either a top-level `spec` or `[[apis]]` entries, not both".into(),
        ));
    }
    if let Some(m) = &config.module {
        module_name(m).map_err(|e| (vec!["module".into()], e))?;
    }
    let mut modules = BTreeMap::new();
    for (i, api) in config.apis.iter().enumerate() {
        let index = i.to_string();
        module_name(&api.module)
            .map_err(|e| (vec!["apis".into(), index.clone(), "module".into()], e))?;
        if let Some(first) = modules.insert(api.module.clone(), i) {
            return Err((
                vec!["apis".into(), index, "module".into()],
                format!(
                    "module `{}` is already used by `[[apis]]` entry {first}",
                    api.module
                ),
            ));
        }
        let base = ["apis", index.as_str()];
        sections(&base, api.types.as_ref(), api.rename.as_ref())?;
    }
    sections(&[], config.types.as_ref(), config.rename.as_ref())?;
    for (name, value) in &config.dependencies {
        let path = at(&["dependencies"], name);
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err((path, format!("`{name}` is not a crate name")));
        }
        if !matches!(value, toml::Value::String(_) | toml::Value::Table(_)) {
            return Err((
                path,
                "a dependency is a version string or an inline table, as in Cargo.toml".into(),
            ));
        }
    }
    Ok(())
}

fn sections(base: &[&str], types: Option<&Types>, rename: Option<&Rename>) -> Result<(), Error> {
    let with = |rest: &[&'static str]| -> Vec<&str> {
        base.iter().copied().chain(rest.iter().copied()).collect()
    };
    if let Some(t) = types {
        for (key, ty) in &t.replace {
            rust_type(ty).map_err(|e| (at(&with(&["types", "replace"]), key), e))?;
        }
        for (key, ty) in &t.formats {
            rust_type(ty).map_err(|e| (at(&with(&["types", "formats"]), key), e))?;
        }
        derives_and_attributes(&with(&["types"]), &t.derives, &t.attributes)?;
        for (key, s) in &t.schema {
            let path: Vec<&str> = with(&["types", "schema"])
                .into_iter()
                .chain([key.as_str()])
                .collect();
            derives_and_attributes(&path, &s.derives, &s.attributes)?;
        }
    }
    if let Some(r) = rename {
        let mut methods: BTreeMap<&str, &str> = BTreeMap::new();
        for (key, name) in &r.operations {
            let path = at(&with(&["rename", "operations"]), key);
            identifier(name, false).map_err(|e| (path.clone(), e))?;
            if let Some(other) = methods.insert(name, key) {
                return Err((
                    path,
                    format!("`{other}` is renamed to `{name}` too; method names must be unique"),
                ));
            }
        }
        let mut claimed: BTreeMap<&str, &str> = BTreeMap::new();
        for (key, name) in &r.types {
            let path = at(&with(&["rename", "types"]), key);
            identifier(name, true).map_err(|e| (path.clone(), e))?;
            if let Some(other) = claimed.insert(name, key) {
                return Err((
                    path,
                    format!("`{other}` is renamed to `{name}` too; type names must be unique"),
                ));
            }
        }
        for (key, name) in &r.fields {
            identifier(name, false).map_err(|e| (at(&with(&["rename", "fields"]), key), e))?;
            if name == "extra" {
                return Err((
                    at(&with(&["rename", "fields"]), key),
                    "`extra` is the field holding undeclared properties".into(),
                ));
            }
        }
        for (schema, map) in &r.variants {
            for (key, name) in map {
                let path: Vec<String> = at(&with(&["rename", "variants"]), schema)
                    .into_iter()
                    .chain([key.clone()])
                    .collect();
                identifier(name, true).map_err(|e| (path.clone(), e))?;
                if name == "Unknown" {
                    return Err((
                        path,
                        "`Unknown` is the variant holding values not known when generating".into(),
                    ));
                }
            }
        }
    }
    Ok(())
}

fn derives_and_attributes(
    base: &[&str],
    derives: &[String],
    attributes: &[String],
) -> Result<(), Error> {
    for (i, d) in derives.iter().enumerate() {
        let path: Vec<String> = at(base, "derives")
            .into_iter()
            .chain([i.to_string()])
            .collect();
        if syn::parse_str::<syn::Path>(d).is_err() {
            return Err((
                path,
                format!("`{d}` is not a derive path (e.g. `Hash` or `schemars::JsonSchema`)"),
            ));
        }
    }
    for (i, a) in attributes.iter().enumerate() {
        let path: Vec<String> = at(base, "attributes")
            .into_iter()
            .chain([i.to_string()])
            .collect();
        attribute(a).map_err(|e| (path, e))?;
    }
    Ok(())
}

/// A Rust type, as written in a field declaration.
pub(crate) fn rust_type(text: &str) -> Result<(), String> {
    match syn::parse_str::<syn::Type>(text) {
        Ok(_) => Ok(()),
        Err(_) => Err(format!(
            "`{text}` is not a Rust type (e.g. `rust_decimal::Decimal`)"
        )),
    }
}

/// One or more outer attributes and nothing else.
fn attribute(text: &str) -> Result<(), String> {
    let bad =
        || format!("`{text}` is not an outer attribute such as `#[serde(deny_unknown_fields)]`");
    let file: syn::File = syn::parse_str(&format!("{text}\nstruct S;")).map_err(|_| bad())?;
    match file.items.as_slice() {
        [syn::Item::Struct(s)] if file.attrs.is_empty() && !s.attrs.is_empty() => Ok(()),
        _ => Err(bad()),
    }
}

/// A name the generator writes as is: ASCII letters, digits and `_`, not
/// starting with a digit; PascalCase names start with a capital.
fn identifier(name: &str, pascal: bool) -> Result<(), String> {
    let ok = !name.is_empty()
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name != "_"
        && (!pascal || name.starts_with(|c: char| c.is_ascii_uppercase()))
        && !(pascal && crate::lower::is_keyword(name))
        && !["self", "Self", "super", "crate"].contains(&name);
    if ok {
        Ok(())
    } else if pascal {
        Err(format!(
            "`{name}` is not a usable type or variant name (PascalCase ASCII letters and digits)"
        ))
    } else {
        Err(format!("`{name}` is not a usable method or field name (snake_case ASCII letters, digits and `_`)"))
    }
}

fn module_name(name: &str) -> Result<(), String> {
    identifier(name, false)?;
    if crate::lower::is_keyword(name)
        || name == "runtime"
        || name.chars().any(|c| c.is_ascii_uppercase())
    {
        return Err(format!(
            "`{name}` cannot be a module name (snake_case, not a keyword or `runtime`)"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes() {
        assert!(attribute("#[serde(deny_unknown_fields)]").is_ok());
        assert!(attribute("#[a] #[b(c)]").is_ok());
        assert!(attribute("").is_err());
        assert!(attribute("#![allow(x)]").is_err());
        assert!(attribute("#[a] struct T; fn evil() {}").is_err());
        assert!(attribute("derive(Hash)").is_err());
    }

    #[test]
    fn identifiers() {
        assert!(identifier("update_contact", false).is_ok());
        assert!(identifier("type", false).is_ok());
        assert!(identifier("Contact2", true).is_ok());
        assert!(identifier("contact", true).is_err());
        assert!(identifier("2fa", false).is_err());
        assert!(identifier("a-b", false).is_err());
        assert!(identifier("Self", true).is_err());
        assert!(module_name("runtime").is_err());
        assert!(module_name("intercom_legacy").is_ok());
    }
}
