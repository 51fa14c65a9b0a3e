//! A struct's constructor (see [`super::constructor`]) as text already in
//! `prettyplease`'s form (the rules of [`super::struct_text`]).
//!
//! The struct literal `Self { .. }` always holds `extra` and another field,
//! wider than the 34 columns `prettyplease` keeps on one line: it is always
//! broken, one field a line. The signature and the `let Required { .. }`
//! pattern are on one line when they fit, else broken one item a line; a
//! width at the margin's edge, a line of a broken form that is itself too
//! wide, a value that is not a plain literal, or non-ASCII text returns
//! `None`, and the caller takes the generic path.

use std::fmt::Write as _;

use proc_macro2::Literal;
use serde_json::Value;

use super::decl_text::{field_type_text, push_doc, push_field};
use super::docs::{doc_lines, Para};
use super::rust_type::{ident, Types};
use super::struct_text::{header, MARGIN};
use super::types::{field_doc_lines, is_constant};
use crate::ir::{Field, Primitive, StructType, TypeKind, TypeRef};

/// Lines within this many columns past the margin are left to the generic
/// path: where exactly `prettyplease` breaks there is not written here.
const EDGE: usize = 3;

/// [`super::types::literal_default`] as text.
fn literal_default_text(types: &Types<'_>, f: &Field) -> Option<Option<String>> {
    let Some(value) = f.default.as_ref() else {
        return Some(None);
    };
    Some(match (&f.ty, value) {
        (TypeRef::Primitive(Primitive::String), Value::String(s)) => {
            Some(format!("{}.to_string()", Literal::string(s)))
        }
        (TypeRef::Primitive(Primitive::Bool), Value::Bool(b)) => Some(b.to_string()),
        // A negative literal is left to the generic path.
        (TypeRef::Primitive(Primitive::I64), Value::Number(n)) => match n.as_i64() {
            Some(v) if v < 0 => return None,
            v => v.map(|v| format!("{v}i64")),
        },
        (TypeRef::Primitive(Primitive::I32), Value::Number(n)) => {
            match n.as_i64().and_then(|v| i32::try_from(v).ok()) {
                Some(v) if v < 0 => return None,
                v => v.map(|v| format!("{v}i32")),
            }
        }
        (TypeRef::Named(key), v) => (|| {
            let def = types.get(key)?;
            let TypeKind::Enum(e) = &def.kind else {
                return None;
            };
            if is_constant(e) {
                return Some(format!("{}.to_string()", Literal::string(v.as_str()?)));
            }
            let variant = e.variants.iter().find(|var| &var.value == v)?;
            Some(format!("{}::{}", ident(&def.name), ident(&variant.name)))
        })(),
        _ => None,
    })
}

/// One line of `items` joined by `sep` between `open` and `close`, or
/// `open`, one item a line (with `item_end` after each) and `close`;
/// `None` at the margin's edge or when a broken line is too wide. Only the
/// first `counted` bytes of `close` count against the margin: what follows
/// a `let` pattern's ` = ` does not (`prettyplease` puts a break there
/// that never breaks).
fn one_or_broken(
    out: &mut String,
    indent: &str,
    (open, close, counted): (&str, &str, usize),
    items: &[String],
    (sep, item_end): (&str, &str),
) -> Option<()> {
    let flat = format!("{indent}{open}{}{close}", items.join(sep));
    let width = flat.len() - (close.len() - counted);
    if width <= MARGIN {
        out.push_str(&flat);
        out.push('\n');
        return Some(());
    }
    if width <= MARGIN + EDGE {
        return None;
    }
    let _ = writeln!(out, "{indent}{}", open.trim_end());
    for item in items {
        let line = format!("{indent}    {item}{item_end}");
        if line.len() > MARGIN {
            return None;
        }
        out.push_str(&line);
        out.push('\n');
    }
    let _ = writeln!(out, "{indent}{}", close.trim_start());
    Some(())
}

/// The constructor's items (the struct of required fields, `impl { new }`
/// and a `Default` impl, as [`super::constructor::constructor`] builds
/// them), or `None`.
pub(super) fn constructor_text(
    types: &Types<'_>,
    name: &str,
    s: &StructType,
    args: &[&Field],
    required_name: Option<&str>,
    note: &str,
) -> Option<String> {
    // Without a name for the struct of required fields, many positional
    // arguments take an `allow`: left to the generic path.
    if required_name.is_none() && args.len() > 7 {
        return None;
    }
    let mut out = String::with_capacity(512 + s.fields.len() * 64);
    let names: Vec<String> = args
        .iter()
        .map(|f| ident(&f.rust_name).to_string())
        .collect();
    let params: Vec<String> = match required_name {
        Some(req) => {
            let struct_doc = doc_lines(&[Para::Ours(&format!(
                "The required fields of [`{name}`], for [`{name}::new`]: named, so that two of the same type cannot be swapped."
            ))]);
            if !push_doc(&mut out, "", &struct_doc) {
                return None;
            }
            out.push_str("#[derive(Clone, Debug, PartialEq)]\n");
            let _ = writeln!(out, "pub struct {req} {{");
            for (f, n) in args.iter().zip(&names) {
                if !push_doc(&mut out, "    ", &field_doc_lines(f)) {
                    return None;
                }
                push_field(&mut out, n, &field_type_text(types, f)?)?;
            }
            out.push_str("}\n");
            vec![format!("required: {req}")]
        }
        None => args
            .iter()
            .zip(&names)
            .map(|(f, n)| Some(format!("{n}: {}", field_type_text(types, f)?)))
            .collect::<Option<_>>()?,
    };
    let _ = writeln!(out, "impl {name} {{");
    // `note` starts with a space, as the doc attribute holds it.
    let _ = writeln!(out, "    ///{}", note.trim_end_matches(' '));
    one_or_broken(
        &mut out,
        "    ",
        ("pub fn new(", ") -> Self {", ") -> Self {".len()),
        &params,
        (", ", ","),
    )?;
    if let Some(req) = required_name {
        one_or_broken(
            &mut out,
            "        ",
            (&format!("let {req} {{ "), " } = required;", " } = ".len()),
            &names,
            (", ", ","),
        )?;
    }
    out.push_str("        Self {\n");
    for f in &s.fields {
        let n = ident(&f.rust_name).to_string();
        let line = if f.required && !f.ty.is_nullable() {
            match literal_default_text(types, f)? {
                Some(value) => format!("            {n}: {value},"),
                None => format!("            {n},"),
            }
        } else {
            format!("            {n}: Default::default(),")
        };
        if line.len() > MARGIN {
            return None;
        }
        out.push_str(&line);
        out.push('\n');
    }
    out.push_str(concat!(
        "            extra: Default::default(),\n",
        "        }\n",
        "    }\n",
        "}\n",
    ));
    if args.is_empty() {
        // Every required field has a default: the same value is `Default`.
        header(&mut out, " Default", name);
        out.push_str(concat!(
            "    fn default() -> Self {\n",
            "        Self::new()\n",
            "    }\n",
            "}\n",
        ));
    }
    out.is_ascii().then_some(out)
}
