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
use crate::ir::{UnionType, UnionVariant};

/// The call that starts an untagged union's `deserialize`, `None` when it
/// buffers the value (`u::buffer`); `deserializer` is the argument. The
/// variants a JSON string and a JSON object select by kind alone
/// (`runtime::union::dispatch`) and the inferred tag
/// (`runtime::union::inferred`) are decided by `lower::unions::plan`.
pub(super) fn decode_call(u: &UnionType) -> Option<String> {
    let variant = |i: Option<usize>| i.and_then(|i| u.variants.get(i));
    let string = variant(u.dispatch.string);
    if u.inferred.is_some() {
        return Some(match string {
            Some(s) => format!("u::inferred_string(deserializer, {})?", wrap_fn(s)),
            None => "u::inferred(deserializer)?".to_string(),
        });
    }
    match (string, variant(u.dispatch.object)) {
        (Some(s), Some(o)) => Some(format!(
            "u::dispatch(deserializer, {}, {})?",
            wrap_fn(s),
            wrap_fn(o)
        )),
        (Some(s), None) => Some(format!("u::dispatch_string(deserializer, {})?", wrap_fn(s))),
        (None, Some(o)) => Some(format!("u::dispatch_object(deserializer, {})?", wrap_fn(o))),
        (None, None) => None,
    }
}

/// The function from a variant's value to the union.
fn wrap_fn(v: &UnionVariant) -> String {
    let vn = ident(&v.name);
    if v.boxed {
        format!("|v| Self::{vn}(Box::new(v))")
    } else {
        format!("Self::{vn}")
    }
}

/// The decoding of a variant a tag selects: from the entries as they are
/// read, or through a buffered value (`UnionVariant::streamed`).
pub(super) fn variant_decode(v: &UnionVariant) -> &'static str {
    if v.streamed {
        "variant"
    } else {
        "buffered"
    }
}

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
        && u.inferred.as_ref().is_none_or(|t| {
            t.property.is_ascii() && t.variants.iter().all(|(tag, _)| tag.is_ascii())
        })
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
    ));
    let Some(prop) = &u.discriminator else {
        untagged_body(name, u, &variants, &mut out, &mut fits)?;
        out.push_str("    }\n}\n");
        if let Some(inferred) = &u.inferred {
            let arms: Vec<(String, &UnionVariant)> = inferred
                .variants
                .iter()
                .filter_map(|(tag, i)| {
                    Some((Literal::string(tag).to_string(), u.variants.get(*i)?))
                })
                .collect();
            selector_impl(
                &mut out,
                &mut fits,
                "Inferred",
                name,
                &inferred.property,
                &arms,
            );
            out.push_str("}\n");
        }
        // Type names are ASCII identifiers (`ident`).
        return fits.then_some(out);
    };
    out.push_str("        u::tagged(deserializer)\n    }\n}\n");
    // Variants with no tag are never selected (as the generic path leaves
    // them out).
    let arms: Vec<(String, &UnionVariant)> = u
        .variants
        .iter()
        .filter(|v| !v.tags.is_empty())
        .map(|v| {
            let tags = v
                .tags
                .iter()
                .map(|t| Literal::string(t).to_string())
                .collect::<Vec<_>>()
                .join(" | ");
            (tags, v)
        })
        .collect();
    selector_impl(&mut out, &mut fits, "Tagged", name, prop, &arms);
    out.push_str(concat!(
        "    fn unknown(value: serde_json::Value) -> Self {\n",
        "        Self::Unknown(value)\n",
        "    }\n",
        "}\n",
    ));
    fits.then_some(out)
}

/// The impl of `runtime::union::{Tagged, Inferred}` (`trait_name`) up to
/// the end of `variant`: `arms` pairs each variant with the patterns (tag
/// literals) selecting it. The caller closes the impl.
fn selector_impl(
    out: &mut String,
    fits: &mut bool,
    trait_name: &str,
    name: &str,
    prop: &str,
    arms: &[(String, &UnionVariant)],
) {
    header(out, &format!(" crate::runtime::union::{trait_name}"), name);
    line(
        out,
        fits,
        &format!(
            "    const PROPERTY: &'static str = {};",
            Literal::string(prop)
        ),
    );
    out.push_str(concat!(
        "    fn variant<'de, D: serde::Deserializer<'de>>(\n",
        "        tag: &str,\n",
        "        deserializer: D,\n",
        "    ) -> Option<Result<Self, D::Error>> {\n",
        "        use crate::runtime::union as u;\n",
        "        match tag {\n",
    ));
    for (tags, v) in arms {
        let vn = ident(&v.name);
        let decode = variant_decode(v);
        let arm = format!("            {tags} => Some(u::{decode}(deserializer).map(Self::{vn})),");
        *fits &= arm.len() <= ARM_ONE_LINE;
        out.push_str(&arm);
        out.push('\n');
    }
    out.push_str(concat!(
        "            _ => None,\n",
        "        }\n",
        "    }\n",
    ));
}

/// The body of an untagged union's `deserialize`: buffered or dispatched
/// by kind, then each variant tried in turn. `None` for a layout left to
/// the generic path.
fn untagged_body(
    name: &str,
    u: &UnionType,
    variants: &[(String, String, &UnionVariant)],
    out: &mut String,
    fits: &mut bool,
) -> Option<()> {
    match decode_call(u) {
        Some(call) => {
            line(out, fits, &format!("        let value = match {call} {{"));
            out.push_str(concat!(
                "            u::Step::Done(v) => return Ok(v),\n",
                "            u::Step::Buffered(value) => value,\n",
                "        };\n",
            ));
        }
        None => out.push_str("        let value = u::buffer(deserializer)?;\n"),
    }
    out.push_str("        for _pass in u::passes() {\n");
    for (vn, _, v) in variants {
        match &v.constant {
            Some(c) => line(
                out,
                fits,
                &format!(
                    "            if let Some(v) = u::constant(&value, {}) {{",
                    Literal::string(c)
                ),
            ),
            None => out.push_str("            if let Some(v) = u::attempt(&value) {\n"),
        }
        let wrapped = if v.boxed {
            format!("Self::{vn}(Box::new(v))")
        } else {
            format!("Self::{vn}(v)")
        };
        line(out, fits, &format!("                return Ok({wrapped});"));
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
    line(out, fits, &format!("                {type_name},"));
    let array = format!("                &[{}],", explains.join(", "));
    if array.len() <= MARGIN {
        out.push_str(&array);
        out.push('\n');
    } else if array.len() <= MARGIN + 3 {
        return None;
    } else {
        out.push_str("                &[\n");
        for e in &explains {
            line(out, fits, &format!("                    {e},"));
        }
        out.push_str("                ],\n");
    }
    out.push_str("            ),\n        )\n");
    Some(())
}
