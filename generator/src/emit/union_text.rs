//! A union (`oneOf`/`anyOf`) as text already in `prettyplease`'s form: the
//! enum and its `Serialize` and `Deserialize` impls, as
//! [`super::types`]'s `union_item` builds them (the rules of
//! [`super::struct_text`]).
//!
//! Unions are a large part of some APIs' `types.rs` (Stripe: a tenth).
//! Each line that could be broken is written only when it fits within the
//! margin, except `Err(u::no_match(..))`, which is always wider than the
//! margin in one line (it is written broken, as `prettyplease` does, and a
//! width near the margin is left to the generic path); anything else
//! returns `None`, and the caller takes the generic path.

use std::fmt::Write as _;

use proc_macro2::Literal;

use super::decl_text::{push_doc, type_text, Head};
use super::docs::{code, doc_lines, Para};
use super::rust_type::{ident, Types};
use super::struct_text::{header, line, ARM_ONE_LINE, MARGIN};
use crate::ir::UnionType;

/// The union's items, or `None`.
pub(super) fn union_text(
    types: &Types<'_>,
    name: &str,
    u: &UnionType,
    head: &Head<'_>,
) -> Option<String> {
    // Widths are counted in bytes: names, types and tags must be ASCII
    // (docs may be anything: a doc line is never broken).
    let ascii = name.is_ascii()
        && u.discriminator.as_deref().is_none_or(str::is_ascii)
        && u.variants
            .iter()
            .all(|v| v.name.is_ascii() && v.tags.iter().all(|t| t.is_ascii()));
    if u.variants.is_empty() || !ascii {
        return None;
    }
    let mut fits = true;
    let mut out = String::with_capacity(1024 + u.variants.len() * 256);
    if !super::decl_text::push_head(&mut out, "", head) {
        return None;
    }
    if let Some(prop) = &u.discriminator {
        let doc = doc_lines(&[Para::Ours(&format!(
            "The {} property selects the variant; an unknown value is kept in `Unknown`.",
            code(prop)
        ))]);
        out.push_str("///\n");
        if !push_doc(&mut out, "", &doc) {
            return None;
        }
        out.push_str("#[non_exhaustive]\n");
    }
    out.push_str("#[derive(Clone, Debug, PartialEq)]\n");
    let _ = writeln!(out, "pub enum {name} {{");
    // (variant, its type as `u::explain` names it, as the variant holds it)
    let mut variants = Vec::with_capacity(u.variants.len());
    for v in &u.variants {
        let vn = ident(&v.name).to_string();
        let mut ty = String::new();
        type_text(types, &v.ty, &mut ty)?;
        let held = if v.boxed {
            format!("Box<{ty}>")
        } else {
            ty.clone()
        };
        if !v.tags.is_empty() {
            let t = v
                .tags
                .iter()
                .map(|t| code(t))
                .collect::<Vec<_>>()
                .join(", ");
            if !push_doc(
                &mut out,
                "    ",
                &doc_lines(&[Para::Ours(&format!("Selected by {t}."))]),
            ) {
                return None;
            }
        }
        line(&mut out, &mut fits, &format!("    {vn}({held}),"));
        variants.push((vn, ty, v));
    }
    if u.discriminator.is_some() {
        out.push_str(concat!(
            "    /// A variant not known when this client was generated.\n",
            "    Unknown(serde_json::Value),\n",
        ));
    }
    out.push_str("}\n");

    header(&mut out, " serde::Serialize", name);
    out.push_str(concat!(
        "    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {\n",
        "        match self {\n",
    ));
    for (vn, _, _) in &variants {
        let arm = format!(
            "            Self::{vn}(value) => serde::Serialize::serialize(value, serializer),"
        );
        if arm.len() <= ARM_ONE_LINE {
            out.push_str(&arm);
            out.push('\n');
        } else {
            // A wider arm becomes a block.
            line(
                &mut out,
                &mut fits,
                &format!("            Self::{vn}(value) => {{"),
            );
            out.push_str(concat!(
                "                serde::Serialize::serialize(value, serializer)\n",
                "            }\n",
            ));
        }
    }
    if u.discriminator.is_some() {
        out.push_str(
            "            Self::Unknown(value) => serde::Serialize::serialize(value, serializer),\n",
        );
    }
    out.push_str("        }\n    }\n}\n");

    header(&mut out, "<'de> serde::Deserialize<'de>", name);
    out.push_str(concat!(
        "    fn deserialize<D: serde::Deserializer<'de>>(\n",
        "        deserializer: D,\n",
        "    ) -> Result<Self, D::Error> {\n",
        "        use crate::runtime::union as u;\n",
        "        let value = u::buffer(deserializer)?;\n",
    ));
    match &u.discriminator {
        None => {
            out.push_str("        for _pass in u::passes() {\n");
            for (vn, _, v) in &variants {
                out.push_str("            if let Some(v) = u::attempt(&value) {\n");
                let wrapped = if v.boxed {
                    format!("Self::{vn}(Box::new(v))")
                } else {
                    format!("Self::{vn}(v)")
                };
                line(
                    &mut out,
                    &mut fits,
                    &format!("                return Ok({wrapped});"),
                );
                out.push_str("            }\n");
            }
            out.push_str("        }\n");
            let type_name = Literal::string(name).to_string();
            let explains: Vec<String> = variants
                .iter()
                .map(|(_, ty, v)| format!("({}, u::explain::<{ty}>)", Literal::string(&v.name)))
                .collect();
            // Narrower than this, `prettyplease` may keep more on a line.
            let flat = format!(
                "            u::no_match(&value, {type_name}, &[{}]),",
                explains.join(", ")
            );
            if flat.len() <= MARGIN + 8 {
                return None;
            }
            out.push_str("        Err(\n            u::no_match(\n                &value,\n");
            line(
                &mut out,
                &mut fits,
                &format!("                {type_name},"),
            );
            let array = format!("                &[{}],", explains.join(", "));
            if array.len() <= MARGIN {
                out.push_str(&array);
                out.push('\n');
            } else if array.len() <= MARGIN + 3 {
                return None;
            } else {
                out.push_str("                &[\n");
                for e in &explains {
                    line(&mut out, &mut fits, &format!("                    {e},"));
                }
                out.push_str("                ],\n");
            }
            out.push_str("            ),\n        )\n");
        }
        Some(prop) => {
            line(
                &mut out,
                &mut fits,
                &format!("        match u::tag(&value, {}) {{", Literal::string(prop)),
            );
            for (vn, _, v) in &variants {
                if v.tags.is_empty() {
                    return None;
                }
                let tags = v
                    .tags
                    .iter()
                    .map(|t| Literal::string(t).to_string())
                    .collect::<Vec<_>>()
                    .join(" | ");
                let wrap = if v.boxed {
                    format!("|v| Self::{vn}(Box::new(v))")
                } else {
                    format!("Self::{vn}")
                };
                let arm = format!("            Some({tags}) => u::tagged(&value).map({wrap}),");
                fits &= arm.len() <= ARM_ONE_LINE;
                out.push_str(&arm);
                out.push('\n');
            }
            out.push_str("            _ => u::unknown(value).map(Self::Unknown),\n        }\n");
        }
    }
    out.push_str("    }\n}\n");
    // Type names are ASCII identifiers (`ident`).
    fits.then_some(out)
}
