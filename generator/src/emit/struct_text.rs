//! A struct's written-out serde impls as text already in `prettyplease`'s
//! form, without building tokens and parsing them back.
//!
//! These impls are the bulk of a big API's `types.rs` (Stripe: 40% of its
//! lines) and all alike, so the generic path (tokens → `syn` →
//! `prettyplease`) spent most of generation on them. The text here is what
//! `prettyplease` prints for the tokens of [`super::types`]'s
//! `struct_serde`, for the shapes whose line breaks are known (measured on
//! its output and held by the tests below): where a line could be broken
//! in a way not written here, or the text is not ASCII (widths are counted
//! in bytes), or the extra properties are typed, it returns `None` and the
//! caller takes the generic path.

use std::fmt::Write as _;

use proc_macro2::{Ident, Literal};

use super::rust_type::{ident, Types};
use super::types::{decodes_in_place, is_lenient, presence, Presence};
use crate::ir::{Additional, StructType};

/// `prettyplease`'s margin: a line no longer than this is never broken.
pub(super) const MARGIN: usize = 89;
/// The longest match arm, or assignment statement, `prettyplease` keeps on
/// one line (the trailing `,` or `;` is printed past the margin).
pub(super) const ARM_ONE_LINE: usize = MARGIN + 1;
/// The longest `let __value = Self { a, b, extra };` kept on one line:
/// `prettyplease` keeps this struct literal on one line up to 35 columns,
/// it always starts at column 23, and the `;` is printed past it (held
/// across the boundary by the sweep test below).
const VALUE_ONE_LINE: usize = 58;

/// One field, as its lines name it.
struct FieldText {
    n: String,
    wire: String,
    presence: Presence,
    lenient: bool,
}

/// The three impls (`Serialize`, `Deserialize`, `runtime::object::Object`)
/// as formatted text, or `None` when a line's layout is not one written
/// here. Only for the crate layout (`crate::runtime`).
pub(super) fn struct_serde_text(types: &Types<'_>, name: &Ident, s: &StructType) -> Option<String> {
    let keep = match &s.additional {
        Additional::Keep => false,
        Additional::Deny => true,
        // Its map type is printed by the generic path.
        Additional::Typed(_) => return None,
    };
    if s.extra_map {
        return None;
    }
    let name = name.to_string();
    let fields: Vec<FieldText> = s
        .fields
        .iter()
        .map(|f| FieldText {
            n: ident(&f.rust_name).to_string(),
            wire: Literal::string(&f.name).to_string(),
            presence: presence(f),
            lenient: is_lenient(types, &f.ty),
        })
        .collect();
    let mut out = String::with_capacity(1024 + fields.len() * 320);
    let mut fits = true;
    serialize(&mut out, &name, &fields);
    header(&mut out, "<'de> serde::Deserialize<'de>", &name);
    out.push_str(concat!(
        "    fn deserialize<D: serde::Deserializer<'de>>(\n",
        "        deserializer: D,\n",
        "    ) -> Result<Self, D::Error> {\n",
        "        crate::runtime::object::deserialize(deserializer)\n",
        "    }\n",
        "}\n",
    ));
    from_map(
        &mut out,
        &mut fits,
        &name,
        &fields,
        keep,
        decodes_in_place(s),
    );
    (fits && out.is_ascii()).then_some(out)
}

fn serialize(out: &mut String, name: &str, fields: &[FieldText]) {
    header(out, " serde::Serialize", name);
    out.push_str(
        "    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {\n",
    );
    // Without properties, `end` is the only call: nothing borrows it mutably.
    let binding = if fields.is_empty() { "map" } else { "mut map" };
    let _ = writeln!(
        out,
        "        let {binding} = crate::runtime::object::entries(serializer);"
    );
    for f in fields {
        let method = match f.presence {
            Presence::Required | Presence::RequiredNullable => "entry",
            Presence::Optional => "optional",
            Presence::OptionalNullable => "maybe",
        };
        entry(out, method, &f.wire, &format!("&self.{}", f.n));
    }
    out.push_str("        map.end(&self.extra)\n    }\n}\n");
}

fn from_map(
    out: &mut String,
    fits: &mut bool,
    name: &str,
    fields: &[FieldText],
    keep: bool,
    in_place: bool,
) {
    header(out, " crate::runtime::object::Object", name);
    // A `const` item is never broken.
    let _ = writeln!(
        out,
        "    const NAME: &'static str = {};",
        Literal::string(name)
    );
    out.push_str(
        "    fn from_map<'de, A: serde::de::MapAccess<'de>>(__map: A) -> Result<Self, A::Error> {\n",
    );
    // See `types::decodes_in_place`.
    let slot = if in_place { "__value." } else { "" };
    if in_place {
        out.push_str("        let mut __value = Self::default();\n");
    } else {
        for f in fields {
            let n = &f.n;
            let init = match f.presence {
                Presence::OptionalNullable => "crate::runtime::Maybe::Absent",
                _ => "None",
            };
            line(out, fits, &format!("        let mut {n} = {init};"));
        }
        out.push_str("        let mut extra: crate::runtime::Extra = Default::default();\n");
    }
    out.push_str(concat!(
        "        let mut __map = crate::runtime::object::Fields::new(__map);\n",
        "        while let Some(__key) = __map.key() {\n",
    ));
    let rest = if keep {
        format!("__map.undeclared(&mut {slot}extra, __key)")
    } else {
        format!("__map.extra(&mut {slot}extra, __key)")
    };
    if fields.is_empty() {
        let _ = writeln!(out, "            {rest};");
    } else {
        out.push_str("            match __key.as_str() {\n");
        for f in fields {
            arm(out, fits, f, slot);
        }
        let _ = writeln!(out, "                _ => {rest},");
        out.push_str("            }\n");
    }
    out.push_str("        }\n");
    if in_place {
        out.push_str("        __map.finish(__value)\n    }\n}\n");
        return;
    }
    for f in fields {
        if matches!(f.presence, Presence::Required | Presence::RequiredNullable) {
            let FieldText { n, wire, .. } = f;
            if f.presence == Presence::Required {
                line(out, fits, &format!("        let Some({n}) = {n} else {{"));
            } else {
                line(
                    out,
                    fits,
                    &format!("        let Some({n}) = __map.nullable({n}) else {{"),
                );
            }
            line(
                out,
                fits,
                &format!("            return Err(__map.missing({wire}));"),
            );
            out.push_str("        };\n");
        }
    }
    let mut flat = String::from("        let __value = Self { ");
    for f in fields {
        flat.push_str(&f.n);
        flat.push_str(", ");
    }
    flat.push_str("extra };");
    if flat.len() <= VALUE_ONE_LINE {
        out.push_str(&flat);
        out.push('\n');
    } else {
        out.push_str("        let __value = Self {\n");
        for f in fields {
            line(out, fits, &format!("            {},", f.n));
        }
        out.push_str("            extra,\n        };\n");
    }
    out.push_str("        __map.finish(__value)\n    }\n}\n");
}

/// The match arm decoding one field: on one line, else its call alone in a
/// block, as `prettyplease` breaks it.
fn arm(out: &mut String, fits: &mut bool, f: &FieldText, slot: &str) {
    let FieldText { n, wire, .. } = f;
    let method = match (f.presence, f.lenient) {
        (Presence::Required | Presence::RequiredNullable, false) => "value",
        (Presence::Required | Presence::RequiredNullable, true) => "lenient",
        (Presence::Optional, false) => "optional",
        (Presence::Optional, true) => "optional_lenient",
        (Presence::OptionalNullable, false) => "maybe",
        (Presence::OptionalNullable, true) => "maybe_lenient",
    };
    let call = format!("__map.{method}(&mut {slot}{n})");
    let one_line = format!("                {wire} => {call},");
    if one_line.len() <= ARM_ONE_LINE {
        out.push_str(&one_line);
        out.push('\n');
        return;
    }
    let _ = writeln!(out, "                {wire} => {{");
    line(out, fits, &format!("                    {call}"));
    out.push_str("                }\n");
}

/// Appends one line that must not be broken: `fits` turns false when it
/// could be.
pub(super) fn line(out: &mut String, fits: &mut bool, text: &str) {
    *fits &= text.len() <= MARGIN;
    out.push_str(text);
    out.push('\n');
}

/// Appends the first line of `impl{generics_trait} for {name} {`, or two
/// when it is wider than the margin: `prettyplease` then breaks before
/// `for`, and nowhere else (the name is one token).
pub(super) fn header(out: &mut String, generics_trait: &str, name: &str) {
    let one_line = "impl".len() + generics_trait.len() + " for ".len() + name.len() + " {".len();
    let sep = if one_line <= MARGIN { " " } else { "\n" };
    let _ = writeln!(out, "impl{generics_trait}{sep}for {name} {{");
}

/// Appends `map.{method}(wire, value);`, its arguments on lines of their
/// own when it is wider than the margin (they are single tokens or
/// `&self.field`, never broken further).
fn entry(out: &mut String, method: &str, wire: &str, value: &str) {
    let indent = "        ";
    let one_line = format!("{indent}map.{method}({wire}, {value});");
    if one_line.len() <= MARGIN {
        out.push_str(&one_line);
        out.push('\n');
    } else {
        let _ = writeln!(
            out,
            "{indent}map.{method}(\n{indent}    {wire},\n{indent}    {value},\n{indent});"
        );
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Map, Value};

    use super::*;
    use crate::ir::TypeKind;

    /// Field names of every length up to past the margin, in each of the
    /// four presence shapes, lenient or not, with quotes, backslashes,
    /// keywords and non-ASCII in some: every struct's text, when written,
    /// is exactly what the generic path prints.
    fn sweep_spec() -> Value {
        let mut schemas = Map::new();
        let odd = [
            "type",
            "a\"b",
            "back\\slash",
            "héllo",
            "x-y",
            "self",
            "0lead",
        ];
        for (s, additional) in [(0, json!(true)), (1, json!(false)), (2, json!(true))] {
            for len in 1..=72usize {
                let mut props = Map::new();
                let mut required = Vec::new();
                for (k, (nullable, req)) in
                    [(false, true), (true, true), (false, false), (true, false)]
                        .into_iter()
                        .enumerate()
                {
                    let name = format!("{}{}", "f".repeat(len), ["a", "b", "c", "d"][k]);
                    let ty = if (len + k + s) % 2 == 0 {
                        "integer"
                    } else {
                        "string"
                    };
                    props.insert(name.clone(), json!({"type": ty, "nullable": nullable}));
                    if req {
                        required.push(name);
                    }
                }
                // Few fields, so `let __value = Self { .. };` fits on one
                // line or not: the field is required in one struct of three
                // (else it decodes in place, without the literal), and its
                // name takes every length across the boundary.
                let mut short = Map::new();
                let short_field = "f".repeat(len % 30 + 1);
                short.insert(short_field.clone(), json!({"type": "string"}));
                let short_required = if s == 1 { vec![short_field] } else { vec![] };
                if s == 2 {
                    short.insert(odd[len % odd.len()].to_string(), json!({"type": "boolean"}));
                }
                let name = format!("T{s}{}", "X".repeat(len));
                schemas.insert(
                    name.clone(),
                    json!({"type": "object", "properties": props, "required": required,
                           "additionalProperties": additional}),
                );
                schemas.insert(
                    format!("{name}Short"),
                    json!({"type": "object", "properties": short, "required": short_required,
                           "additionalProperties": additional}),
                );
            }
        }
        schemas.insert("Empty".into(), json!({"type": "object"}));
        schemas.insert(
            "Denied".into(),
            json!({"type": "object", "additionalProperties": false}),
        );
        json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {},
            "components": {"schemas": schemas},
        })
    }

    #[test]
    fn text_is_what_the_generic_path_prints() {
        let text = sweep_spec().to_string();
        let loaded = crate::load::load_str("sweep.json", &text).expect("loads");
        let api = crate::lower_loaded(loaded, "sweep.json").api;
        let table = Types::new(&api.types);
        let (mut written, mut generic) = (0, 0);
        for def in &api.types {
            let TypeKind::Struct(s) = &def.kind else {
                continue;
            };
            let name = ident(&def.name);
            let Some(text) = struct_serde_text(&table, &name, s) else {
                generic += 1;
                continue;
            };
            let extra_ty = quote::quote!(crate::runtime::Extra);
            let tokens = super::super::types::struct_serde(&table, &name, s, &extra_ty);
            let printed = super::super::format_tokens(tokens, "sweep").expect("parses");
            assert_eq!(text, printed, "{}", def.name);
            written += 1;
        }
        // Both paths are taken: long names fall back.
        assert!(written > 100, "{written} written, {generic} generic");
        assert!(generic > 20, "{written} written, {generic} generic");
    }
}
