//! A string enum's impls as text already in `prettyplease`'s form (see
//! [`super::struct_text`], whose layout rules this shares).
//!
//! Only the match arms vary in width: an arm that could be broken, a
//! header that could break before `for`, or non-ASCII text returns `None`,
//! and the caller takes the generic path.

use std::fmt::Write as _;

use proc_macro2::{Ident, Literal};

use super::rust_type::ident;
use super::struct_text::{header, ARM_ONE_LINE};
use crate::ir::EnumType;

/// `as_str`/`known`, `Display`, `From<String>`, `Serialize` and
/// `Deserialize` of a string enum with an `Unknown(String)` variant.
pub(super) fn string_enum_impls(name: &Ident, e: &EnumType) -> Option<String> {
    let name = name.to_string();
    let arms: Vec<(String, String)> = e
        .variants
        .iter()
        .map(|v| {
            (
                ident(&v.name).to_string(),
                Literal::string(v.value.as_str().unwrap_or_default()).to_string(),
            )
        })
        .collect();
    let mut out = String::with_capacity(2048 + arms.len() * 96);
    let mut fits = true;
    let _ = writeln!(out, "impl {name} {{");
    out.push_str(concat!(
        "    /// The value as sent on the wire.\n",
        "    pub fn as_str(&self) -> &str {\n",
        "        match self {\n",
    ));
    for (variant, value) in &arms {
        arm(
            &mut out,
            &mut fits,
            format!("            Self::{variant} => {value},"),
        );
    }
    out.push_str(concat!(
        "            Self::Unknown(value) => value,\n",
        "        }\n",
        "    }\n",
        "    /// The variant listing `value`, if any.\n",
        "    fn known(value: &str) -> Option<Self> {\n",
        "        match value {\n",
    ));
    for (variant, value) in &arms {
        arm(
            &mut out,
            &mut fits,
            format!("            {value} => Some(Self::{variant}),"),
        );
    }
    out.push_str(concat!(
        "            _ => None,\n",
        "        }\n",
        "    }\n",
        "}\n",
    ));
    header(&mut out, " std::fmt::Display", &name);
    out.push_str(concat!(
        "    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {\n",
        "        f.write_str(self.as_str())\n",
        "    }\n",
        "}\n",
    ));
    header(&mut out, " From<String>", &name);
    out.push_str(concat!(
        "    fn from(value: String) -> Self {\n",
        "        match Self::known(&value) {\n",
        "            Some(known) => known,\n",
        "            None => Self::Unknown(value),\n",
        "        }\n",
        "    }\n",
        "}\n",
    ));
    header(&mut out, " serde::Serialize", &name);
    out.push_str(concat!(
        "    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {\n",
        "        serializer.serialize_str(self.as_str())\n",
        "    }\n",
        "}\n",
    ));
    header(&mut out, "<'de> serde::Deserialize<'de>", &name);
    out.push_str(concat!(
        "    fn deserialize<D: serde::Deserializer<'de>>(\n",
        "        deserializer: D,\n",
        "    ) -> Result<Self, D::Error> {\n",
        "        crate::runtime::object::string_enum(deserializer, Self::known, Self::Unknown)\n",
        "    }\n",
        "}\n",
    ));
    (fits && out.is_ascii()).then_some(out)
}

/// Appends a match arm; a longer one would become a block.
fn arm(out: &mut String, fits: &mut bool, text: String) {
    *fits &= text.len() <= ARM_ONE_LINE;
    out.push_str(&text);
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Map, Value};

    use super::*;
    use crate::emit::Piece;
    use crate::ir::TypeKind;

    /// Values of every length up to past the margin, and odd ones (quotes,
    /// backslashes, keywords, non-ASCII, empty): every enum's text, when
    /// written, is exactly what the generic path prints.
    fn sweep_spec() -> Value {
        let mut schemas = Map::new();
        let odd = [
            "type",
            "a\"b",
            "back\\slash",
            "héllo",
            "",
            "self",
            "0lead",
            "x y",
        ];
        for len in 1..=80usize {
            let mut values = vec![Value::String("v".repeat(len))];
            values.push(Value::String(format!("{}w", "v".repeat(len / 2))));
            values.push(Value::String(odd[len % odd.len()].to_string()));
            schemas.insert(
                format!("E{}", "X".repeat(len)),
                json!({"type": "string", "enum": values}),
            );
        }
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
        let (mut written, mut generic) = (0, 0);
        for def in &api.types {
            let TypeKind::Enum(e) = &def.kind else {
                continue;
            };
            let name = ident(&def.name);
            let Some(text) = string_enum_impls(&name, e) else {
                generic += 1;
                continue;
            };
            let (_, Piece::Tokens(tokens)) =
                crate::emit::types::enum_item(&name, e, &quote::quote!(), false, None)
            else {
                panic!("tokens asked for");
            };
            let printed = crate::emit::format_tokens(tokens, "sweep").expect("parses");
            assert_eq!(text, printed, "{}", def.name);
            written += 1;
        }
        // Both paths are taken: long values fall back.
        assert!(written > 20, "{written} written, {generic} generic");
        assert!(generic > 10, "{written} written, {generic} generic");
    }
}
