//! Struct and enum declarations as text already in `prettyplease`'s form
//! (see [`super::struct_text`], whose margin rule this shares).
//!
//! After the serde impls, the declarations are the largest part of a big
//! API's `types.rs` (Stripe: a quarter of its bytes), mostly doc comments.
//! Doc lines are never broken, nor are the lines of a declaration's head;
//! a field line is written only when it fits within the margin (its type
//! could be broken otherwise), and a type named by configuration
//! (`External`) is left to the generic path, as is any configured derive
//! or attribute: the caller takes the token path on `None`.

use std::fmt::Write as _;

use serde_json::Value;

use super::docs::{code, doc_lines, Para};
use super::rust_type::{ident, Types};
use super::struct_text::MARGIN;
use super::types::{field_doc_lines, presence, Presence};
use crate::ir::{Additional, EnumRepr, EnumType, Field, Primitive, StructType, TypeRef};

/// What every declaration starts with: the type's doc lines, then the
/// deprecation note, as [`super::types`] writes them.
pub(super) struct Head<'a> {
    pub docs: &'a [String],
    pub deprecated: bool,
}

/// Appends doc lines as `prettyplease` prints `#[doc = " line"]`: `///`
/// and the text, trailing spaces trimmed. A line holding a newline would
/// be printed as a block comment: `false`.
pub(super) fn push_doc(out: &mut String, indent: &str, lines: &[String]) -> bool {
    for l in lines {
        if l.contains('\n') {
            return false;
        }
        out.push_str(indent);
        out.push_str("///");
        if !l.is_empty() {
            out.push(' ');
            out.push_str(l);
            out.truncate(out.trim_end_matches(' ').len());
        }
        out.push('\n');
    }
    true
}

pub(super) fn push_head(out: &mut String, indent: &str, head: &Head<'_>) -> bool {
    if !push_doc(out, indent, head.docs) {
        return false;
    }
    if head.deprecated {
        let _ = writeln!(out, "{indent}///\n{indent}/// **Deprecated.**");
    }
    true
}

/// The Rust type of `t` as `prettyplease` prints [`Types::rust`]'s tokens
/// (no prefix), or `None` for a configured type.
pub(super) fn type_text(types: &Types<'_>, t: &TypeRef, out: &mut String) -> Option<()> {
    type_text_in(types, t, "", out)
}

/// [`type_text`] with `prefix` before named types, as [`Types::rust`]
/// writes them (`types::` outside the `types` module).
pub(super) fn type_text_in(
    types: &Types<'_>,
    t: &TypeRef,
    prefix: &str,
    out: &mut String,
) -> Option<()> {
    match t {
        TypeRef::Named(key) => match types.name(key) {
            Some(name) => {
                let _ = write!(out, "{prefix}{}", ident(name));
            }
            None => out.push_str("serde_json::Value"),
        },
        TypeRef::Primitive(p) => out.push_str(match p {
            Primitive::String | Primitive::Binary => "String",
            Primitive::Bool => "bool",
            Primitive::I32 => "i32",
            Primitive::I64 => "i64",
            Primitive::U64 => "u64",
            Primitive::F32 | Primitive::F64 => "f64",
            Primitive::Uuid => "uuid::Uuid",
            Primitive::DateTime => "crate::runtime::DateTime",
            Primitive::Date => "crate::runtime::Date",
        }),
        TypeRef::Array(inner) => {
            out.push_str("Vec<");
            type_text_in(types, inner, prefix, out)?;
            out.push('>');
        }
        TypeRef::Map(inner) => {
            out.push_str("std::collections::BTreeMap<String, ");
            type_text_in(types, inner, prefix, out)?;
            out.push('>');
        }
        TypeRef::Nullable(inner) => {
            out.push_str("Option<");
            type_text_in(types, inner, prefix, out)?;
            out.push('>');
        }
        TypeRef::Any => out.push_str("serde_json::Value"),
        TypeRef::Object => out.push_str("serde_json::Map<String, serde_json::Value>"),
        TypeRef::External(_) => return None,
    }
    Some(())
}

/// [`super::types::field_type`] as text.
pub(super) fn field_type_text(types: &Types<'_>, f: &Field) -> Option<String> {
    let mut inner = String::new();
    type_text(types, f.ty.non_null(), &mut inner)?;
    if f.boxed {
        inner = format!("Box<{inner}>");
    }
    Some(match presence(f) {
        Presence::Required => inner,
        Presence::RequiredNullable | Presence::Optional => format!("Option<{inner}>"),
        Presence::OptionalNullable => format!("crate::runtime::Maybe<{inner}>"),
    })
}

/// A field's line, or when it is wider than the margin, its type's
/// outermost generic arguments one per line (`prettyplease` breaks the
/// outermost group first). `None` where the layout is not that: an
/// argument line too wide as well, a width at the margin's edge, or
/// non-ASCII text.
pub(super) fn push_field(out: &mut String, name: &str, ty: &str) -> Option<()> {
    let start = out.len();
    let _ = writeln!(out, "    pub {name}: {ty},");
    // The line without its newline, its comma counted.
    let width = out.len() - start - 1;
    if !out[start..].is_ascii() || width == MARGIN + 1 {
        return None;
    }
    if width <= MARGIN {
        return Some(());
    }
    out.truncate(start);
    let open = ty.find('<')?;
    let inner = ty[open + 1..].strip_suffix('>')?;
    let _ = writeln!(out, "    pub {name}: {}", &ty[..=open]);
    let mut depth = 0usize;
    let mut from = 0;
    let mut args = Vec::new();
    for (i, b) in inner.bytes().enumerate() {
        match b {
            b'<' => depth += 1,
            b'>' => depth = depth.checked_sub(1)?,
            b',' if depth == 0 => {
                args.push(inner[from..i].trim());
                from = i + 1;
            }
            _ => {}
        }
    }
    args.push(inner[from..].trim());
    for arg in args {
        // `        arg,`
        if 8 + arg.len() + 1 > MARGIN {
            return None;
        }
        let _ = writeln!(out, "        {arg},");
    }
    out.push_str("    >,\n");
    Some(())
}

/// The struct's declaration (docs, derive, fields), as
/// [`super::types`]'s `struct_item` and `type_item` build it with no
/// configured derive or attribute.
pub(super) fn struct_decl_text(
    types: &Types<'_>,
    name: &str,
    s: &StructType,
    head: &Head<'_>,
    derive_default: bool,
) -> Option<String> {
    if s.extra_map {
        return None;
    }
    let mut out = String::with_capacity(256 + s.fields.len() * 160);
    if !push_head(&mut out, "", head) {
        return None;
    }
    out.push_str(if derive_default {
        "#[derive(Clone, Debug, PartialEq, Default)]\n"
    } else {
        "#[derive(Clone, Debug, PartialEq)]\n"
    });
    let _ = writeln!(out, "pub struct {name} {{");
    for f in &s.fields {
        if !push_doc(&mut out, "    ", &field_doc_lines(f)) {
            return None;
        }
        if f.deprecated {
            out.push_str("    ///\n    /// **Deprecated.**\n");
        }
        let ty = field_type_text(types, f)?;
        push_field(&mut out, &ident(&f.rust_name).to_string(), &ty)?;
    }
    match &s.additional {
        Additional::Keep => out.push_str(concat!(
            "    /// Properties not declared in the schema, kept as received.\n",
            "    pub extra: crate::runtime::Extra,\n",
        )),
        Additional::Typed(t) => {
            out.push_str("    /// Additional properties (`additionalProperties`).\n");
            let mut ty = String::from("std::collections::BTreeMap<String, ");
            type_text(types, t, &mut ty)?;
            ty.push('>');
            push_field(&mut out, "extra", &ty)?;
        }
        Additional::Deny => out.push_str(concat!(
            "    /// Properties the schema does not allow (`additionalProperties: false`)\n",
            "    /// but the server sent anyway, kept as received.\n",
            "    pub extra: crate::runtime::Extra,\n",
        )),
    }
    out.push_str("}\n");
    Some(out)
}

/// The enum's declaration (docs, derives, one variant per value and
/// `Unknown`), as [`super::types::enum_item`] builds it with no configured
/// derive or attribute.
pub(super) fn enum_decl_text(name: &str, e: &EnumType, head: &Head<'_>) -> Option<String> {
    let mut out = String::with_capacity(640 + e.variants.len() * 64);
    if !push_head(&mut out, "", head) {
        return None;
    }
    out.push_str(concat!(
        "///\n",
        "/// Unknown values received from the server are kept in `Unknown`, so a\n",
        "/// new value never breaks decoding; the enum is `#[non_exhaustive]`, so\n",
        "/// a variant added by a later version never breaks a `match` either.\n",
        "#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]\n",
        "#[non_exhaustive]\n",
    ));
    let _ = writeln!(out, "pub enum {name} {{");
    for v in &e.variants {
        let text = match &v.value {
            Value::String(s) => code(s),
            other => code(&other.to_string()),
        };
        let lines = doc_lines(&[Para::Ours(&text), Para::Spec(v.description.as_deref())]);
        if !push_doc(&mut out, "    ", &lines) {
            return None;
        }
        // A unit variant is one word: never broken.
        let _ = writeln!(out, "    {},", ident(&v.name));
    }
    out.push_str("    /// A value not known when this client was generated.\n");
    out.push_str(match e.repr {
        EnumRepr::String => "    Unknown(String),\n",
        _ => "    Unknown(i64),\n",
    });
    out.push_str("}\n");
    Some(out)
}

/// `pub type Name = ty;` after the docs (and, for a constant, a blank
/// line and `note`), or `None` when the line could be broken.
pub(super) fn alias_text(
    name: &str,
    ty: &str,
    head: &Head<'_>,
    note: Option<&[String]>,
) -> Option<String> {
    let mut out = String::with_capacity(256);
    if !push_head(&mut out, "", head) {
        return None;
    }
    if let Some(note) = note {
        out.push_str("///\n");
        if !push_doc(&mut out, "", note) {
            return None;
        }
    }
    let start = out.len();
    let _ = writeln!(out, "pub type {name} = {ty};");
    let width = out.len() - start - 1;
    (width <= MARGIN && out[start..].is_ascii()).then_some(out)
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Map, Value};

    use super::*;
    use crate::emit::Piece;

    /// Field and type names of every length up to past the margin, every
    /// kind of field type and presence, boxed (recursive) fields, the three
    /// kinds of extra properties, deprecations, and docs with blank lines,
    /// trailing spaces, non-ASCII, markdown and leading slashes; enums of
    /// strings and of integers. Every declaration written as text is
    /// exactly what the generic path prints.
    fn sweep_spec() -> Value {
        let mut schemas = Map::new();
        let docs = [
            "plain",
            "two\n\nparagraphs  ",
            "héllo wörld, ✓",
            "/leading slash",
            "trailing spaces   \nnext",
            "*star* `code` <b>x</b>",
            "",
        ];
        let kinds = [
            json!({"type": "string"}),
            json!({"type": "integer", "format": "int32"}),
            json!({"type": "array", "items": {"$ref": "#/components/schemas/Leaf"}}),
            json!({"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string", "format": "date-time"}}}),
            json!({"$ref": "#/components/schemas/Node"}),
            json!({}),
            json!({"type": "object"}),
            json!({"type": "string", "format": "uuid"}),
        ];
        for len in 1..=84usize {
            let mut props = Map::new();
            let mut required = Vec::new();
            for (k, kind) in kinds.iter().enumerate() {
                let name = format!("{}{}", "f".repeat(len), k);
                let mut schema = kind.clone();
                schema["description"] = json!(docs[(len + k) % docs.len()]);
                if (len + k) % 3 == 0 {
                    schema["nullable"] = json!(true);
                }
                if (len + k) % 5 == 0 {
                    schema["deprecated"] = json!(true);
                }
                if (len + k) % 7 == 0 {
                    schema["readOnly"] = json!(true);
                }
                if (len + k) % 2 == 0 {
                    required.push(name.clone());
                }
                props.insert(name, schema);
            }
            let additional =
                [json!(true), json!(false), json!({"type": "integer"})][len % 3].clone();
            schemas.insert(
                format!("T{}", "X".repeat(len)),
                json!({"type": "object", "properties": props, "required": required,
                       "additionalProperties": additional,
                       "title": docs[len % docs.len()],
                       "description": docs[(len + 3) % docs.len()],
                       "deprecated": len % 4 == 0}),
            );
            let values = vec![
                Value::String("v".repeat(len)),
                Value::String(docs[len % docs.len()].to_string()),
                Value::String(format!("`{len}`")),
            ];
            schemas.insert(
                format!("E{}", "X".repeat(len)),
                json!({"type": "string", "enum": values, "description": docs[len % docs.len()],
                       "deprecated": len % 3 == 0}),
            );
            schemas.insert(
                format!("I{}", "X".repeat(len)),
                json!({"type": "integer", "enum": [len, -1, 1000 + len]}),
            );
        }
        // Constructors: required fields with literal defaults of each kind,
        // none to five arguments of names of every width.
        for len in 1..=80usize {
            let n = "c".repeat(len);
            let mut props = Map::new();
            props.insert(
                format!("{n}s"),
                json!({"type": "string", "default": format!("d{}", "x".repeat(len % 70))}),
            );
            props.insert(
                format!("{n}b"),
                json!({"type": "boolean", "default": len % 2 == 0}),
            );
            props.insert(
                format!("{n}i"),
                json!({"type": "integer", "format": "int32", "default": len}),
            );
            props.insert(
                format!("{n}l"),
                json!({"type": "integer", "default": 10_000 + len}),
            );
            props.insert(format!("{n}e"), json!({"$ref": format!("#/components/schemas/E{}", "X".repeat(len)), "default": "v".repeat(len)}));
            props.insert(
                "kind".into(),
                json!({"type": "string", "enum": ["only"], "default": "only"}),
            );
            let mut required: Vec<String> = props.keys().cloned().collect();
            for k in 0..len % 6 {
                let name = format!("{}a{k}", "r".repeat(len));
                let ty = [
                    json!({"type": "string"}),
                    json!({"type": "integer"}),
                    json!({"type": "array", "items": {"type": "string"}}),
                ][k % 3]
                    .clone();
                props.insert(name.clone(), ty);
                required.push(name);
            }
            props.insert("opt".into(), json!({"type": "string"}));
            schemas.insert(
                format!("C{}", "X".repeat(len)),
                json!({"type": "object", "properties": props, "required": required}),
            );
        }
        // Unions: untagged ones of one to six members (named types of every
        // width, primitives, arrays, maps, a recursive one), and tagged ones
        // with one or two tags a member.
        for len in 1..=80usize {
            // Member types mostly narrower: most lines then fit.
            let m = if len % 5 == 0 { len } else { len % 30 + 1 };
            let refs: Vec<Value> = (0..1 + len % 6)
                .map(|k| match (len + k) % 6 {
                    0 => json!({"$ref": format!("#/components/schemas/T{}", "X".repeat(m))}),
                    1 => json!({"$ref": format!("#/components/schemas/T{}", "X".repeat(m + k))}),
                    2 => json!({"type": "array", "items": {"$ref": format!("#/components/schemas/E{}", "X".repeat(m))}}),
                    3 => json!({"type": "integer"}),
                    4 => json!({"type": "object", "additionalProperties": {"type": "string"}}),
                    _ => json!({"$ref": format!("#/components/schemas/U{}", "X".repeat(len))}),
                })
                .collect();
            schemas.insert(
                format!("U{}", "X".repeat(len)),
                json!({"oneOf": refs, "description": docs[len % docs.len()]}),
            );
            let mut members: Vec<Value> = (0..1 + len % 4)
                .map(|k| json!({"$ref": format!("#/components/schemas/M{k}{}", "X".repeat(m))}))
                .collect();
            let mut mapping = Map::new();
            // A member that is a union: decoded through a buffered value.
            if len % 2 == 0 {
                let target = format!("#/components/schemas/S{}", "X".repeat(len));
                members.push(json!({"$ref": target.clone()}));
                mapping.insert(format!("{}s", "t".repeat(len / 2)), json!(target));
            }
            for k in 0..1 + len % 4 {
                let target = format!("#/components/schemas/M{k}{}", "X".repeat(m));
                mapping.insert(format!("{}{k}", "t".repeat(len / 2)), json!(target.clone()));
                if k % 2 == 1 {
                    mapping.insert(format!("alt{k}"), json!(target));
                }
                schemas.insert(
                    format!("M{k}{}", "X".repeat(m)),
                    json!({"type": "object", "properties": {"kind": {"type": "string"}}, "required": ["kind"]}),
                );
            }
            schemas.insert(
                format!("D{}", "X".repeat(len)),
                json!({"oneOf": members, "discriminator": {"propertyName": "k".repeat(len % 40 + 1), "mapping": mapping},
                       "deprecated": len % 5 == 0}),
            );
        }
        // Untagged unions whose value's kind selects a variant (a string or
        // an object; `union_text::decode_call`), of every width, and recursive ones
        // (not dispatched: a union is never decoded directly).
        for len in 1..=80usize {
            let members = match len % 3 {
                0 => {
                    json!([{"type": "string"}, {"$ref": format!("#/components/schemas/T{}", "X".repeat(len))}])
                }
                1 => {
                    json!([{"type": "string", "format": "date-time"}, {"type": "array", "items": {"type": "integer"}}])
                }
                _ => {
                    json!([{"$ref": format!("#/components/schemas/S{}", "X".repeat(len))}, {"type": "integer"}])
                }
            };
            schemas.insert(format!("S{}", "X".repeat(len)), json!({"anyOf": members}));
        }
        // Untagged unions with an inferred tag (their object variants each
        // require `object` with its own value), of every width: names and
        // values.
        for len in 1..=80usize {
            let mut members = vec![json!({"type": "string"})];
            if len % 2 == 0 {
                members.clear();
            }
            for k in 0..2 + len % 3 {
                let target = format!("I{k}{}", "X".repeat(len / 8));
                members.push(json!({"$ref": format!("#/components/schemas/{target}")}));
                schemas.insert(
                    target,
                    json!({"type": "object", "required": ["object", "id"], "properties": {
                        "id": {"type": "string"},
                        "object": {"type": "string", "enum": [format!("{}{k}", "v".repeat(len))]},
                    }}),
                );
            }
            schemas.insert(
                format!("N{}", "X".repeat(len)),
                json!({"anyOf": members, "nullable": len % 5 == 0}),
            );
        }
        // Aliases of every width (arrays and maps of named types) and
        // constants.
        for len in 1..=80usize {
            let target = json!({"$ref": format!("#/components/schemas/T{}", "X".repeat(len))});
            let ty = if len % 2 == 0 {
                json!({"type": "array", "items": target})
            } else {
                json!({"type": "object", "additionalProperties": {"type": "array", "items": target}})
            };
            let mut alias = ty;
            alias["description"] = json!(docs[len % docs.len()]);
            alias["deprecated"] = json!(len % 3 == 0);
            schemas.insert(format!("A{}", "X".repeat(len)), alias);
            schemas.insert(
                format!("K{}", "X".repeat(len)),
                json!({"type": "string", "enum": [docs[len % docs.len()]], "title": docs[(len + 1) % docs.len()]}),
            );
        }
        schemas.insert(
            "Node".into(),
            json!({"type": "object", "properties": {"next": {"$ref": "#/components/schemas/Node"}}}),
        );
        schemas.insert("Leaf".into(), json!({"type": "string"}));
        json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {},
            "components": {"schemas": schemas},
        })
    }

    /// The first differing line and its neighbours.
    fn diff(expected: &str, got: &str) -> String {
        let (e, g): (Vec<_>, Vec<_>) = (expected.lines().collect(), got.lines().collect());
        let i = e.iter().zip(&g).take_while(|(a, b)| a == b).count();
        let from = i.saturating_sub(3);
        format!(
            "expected:\n{}\ngot:\n{}",
            e[from..(i + 3).min(e.len())].join("\n"),
            g[from..(i + 3).min(g.len())].join("\n")
        )
    }

    #[test]
    fn text_is_what_the_generic_path_prints() {
        let text = sweep_spec().to_string();
        let loaded = crate::load::load_str("sweep.json", &text).expect("loads");
        let api = crate::lower_loaded(loaded, "sweep.json").api;
        let table = Types::new(&api.types);
        let (mut written, mut generic, mut broken, mut written_ctors) = ([0; 4], [0; 4], 0, 0);
        let (mut tagged, mut wide_array, mut dispatched, mut buffered) = (0, 0, 0, 0);
        let mut inferred = 0;
        for def in &api.types {
            let kind = match &def.kind {
                crate::ir::TypeKind::Struct(_) => 0,
                crate::ir::TypeKind::Enum(e) if !super::super::types::is_constant(e) => 1,
                crate::ir::TypeKind::Union(_) => 2,
                crate::ir::TypeKind::Enum(_)
                | crate::ir::TypeKind::Alias { newtype: false, .. } => 3,
                _ => continue,
            };
            let one = std::slice::from_ref(def);
            let texts =
                crate::emit::types::type_items(&table, one, true, false).unwrap_or_default();
            // The declaration is the first piece: text when written.
            if let Some(Piece::Text(t)) = texts.first() {
                written[kind] += 1;
                tagged += usize::from(t.contains("u::tagged(deserializer)"));
                buffered += usize::from(t.contains("Some(u::buffered(deserializer)"));
                wide_array += usize::from(t.contains("                &[\n"));
                dispatched += usize::from(t.contains("u::Step::Done"));
                inferred += usize::from(t.contains("impl crate::runtime::union::Inferred"));
            } else {
                generic[kind] += 1;
            }
            let print = |pieces: Vec<Piece>| -> (String, usize) {
                let mut out = String::new();
                let mut texts = 0;
                for piece in pieces {
                    match piece {
                        Piece::Text(t) => {
                            texts += usize::from(t.contains("pub fn new("));
                            out.push_str(&t);
                        }
                        Piece::Tokens(t) => {
                            out.push_str(&crate::emit::format_tokens(t, "sweep").expect("parses"))
                        }
                    }
                }
                (out, texts)
            };
            let (text, ctors) = print(texts);
            written_ctors += ctors;
            broken += usize::from(text.contains("<\n        "));
            // Without text (the module layout's setting), all tokens.
            let (printed, none) = print(
                crate::emit::types::type_items(&table, one, false, false).unwrap_or_default(),
            );
            assert_eq!(none, 0, "{}", def.name);
            if text != printed {
                eprintln!("{}", diff(&printed, &text));
            }
            assert_eq!(text, printed, "{}", def.name);
        }
        // Both paths are taken: the widest fields fall back; wide ones are
        // written broken.
        assert!(
            written[0] > 40 && generic[0] > 10 && broken > 20,
            "structs: {written:?} written, {generic:?} generic, {broken} broken"
        );
        assert!(
            written[2] > 40
                && generic[2] > 5
                && tagged > 10
                && buffered > 5
                && wide_array > 20
                && dispatched > 20
                && inferred > 8,
            "unions: {written:?} written, {generic:?} generic, {tagged} tagged, {buffered} \
             buffered, {wide_array} wide, {dispatched} dispatched, {inferred} inferred"
        );
        assert!(
            written[3] > 60 && generic[3] > 5,
            "aliases: {written:?} written, {generic:?} generic"
        );
        assert!(written_ctors > 60, "{written_ctors} constructors written");
        assert!(
            written[1] > 100,
            "enums: {written:?} written, {generic:?} generic"
        );
    }
}
