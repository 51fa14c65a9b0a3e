//! A flat view of a schema.
//!
//! `openapiv3` splits schemas into several shapes (typed, `oneOf`, `allOf`,
//! "any" for mixed keywords). Lowering wants one shape with every keyword
//! that matters, so it never silently ignores a sibling keyword.

use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, ReferenceOr, Schema, SchemaKind, StringFormat, Type,
    VariantOrUnknownOrEmpty,
};
use serde_json::Value;

pub struct View<'a> {
    pub typ: Option<&'a str>,
    pub format: Option<String>,
    pub enumeration: Vec<Value>,
    pub properties: Option<&'a IndexMap<String, ReferenceOr<Box<Schema>>>>,
    pub required: &'a [String],
    pub additional: Option<&'a AdditionalProperties>,
    pub items: Option<&'a ReferenceOr<Box<Schema>>>,
    pub one_of: &'a [ReferenceOr<Schema>],
    pub all_of: &'a [ReferenceOr<Schema>],
    pub any_of: &'a [ReferenceOr<Schema>],
    pub not: bool,
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
}

fn format_of<T: serde::Serialize>(f: &VariantOrUnknownOrEmpty<T>) -> Option<String> {
    match f {
        VariantOrUnknownOrEmpty::Item(item) => serde_json::to_value(item)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string)),
        VariantOrUnknownOrEmpty::Unknown(s) => Some(s.clone()),
        VariantOrUnknownOrEmpty::Empty => None,
    }
}

pub fn view(schema: &Schema) -> View<'_> {
    let mut v = View {
        typ: None,
        format: None,
        enumeration: Vec::new(),
        properties: None,
        required: &[],
        additional: None,
        items: None,
        one_of: &[],
        all_of: &[],
        any_of: &[],
        not: false,
        minimum: None,
        maximum: None,
    };
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => {
            v.typ = Some("string");
            v.format = match &s.format {
                VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => Some("date-time".into()),
                other => format_of(other),
            };
            v.enumeration = s
                .enumeration
                .iter()
                .map(|e| e.clone().map(Value::String).unwrap_or(Value::Null))
                .collect();
        }
        SchemaKind::Type(Type::Number(n)) => {
            v.typ = Some("number");
            v.format = format_of(&n.format);
            v.minimum = n.minimum;
            v.maximum = n.maximum;
            v.enumeration = n
                .enumeration
                .iter()
                .map(|e| {
                    e.and_then(|f| serde_json::Number::from_f64(f).map(Value::Number))
                        .unwrap_or(Value::Null)
                })
                .collect();
        }
        SchemaKind::Type(Type::Integer(i)) => {
            v.typ = Some("integer");
            v.format = format_of(&i.format);
            v.minimum = i.minimum.map(|m| m as f64);
            v.maximum = i.maximum.map(|m| m as f64);
            v.enumeration = i
                .enumeration
                .iter()
                .map(|e| e.map(|n| Value::Number(n.into())).unwrap_or(Value::Null))
                .collect();
        }
        SchemaKind::Type(Type::Boolean(b)) => {
            v.typ = Some("boolean");
            v.enumeration = b
                .enumeration
                .iter()
                .map(|e| e.map(Value::Bool).unwrap_or(Value::Null))
                .collect();
        }
        SchemaKind::Type(Type::Object(o)) => {
            v.typ = Some("object");
            v.properties = Some(&o.properties);
            v.required = &o.required;
            v.additional = o.additional_properties.as_ref();
        }
        SchemaKind::Type(Type::Array(a)) => {
            v.typ = Some("array");
            v.items = a.items.as_ref();
        }
        SchemaKind::OneOf { one_of } => v.one_of = one_of,
        SchemaKind::AllOf { all_of } => v.all_of = all_of,
        SchemaKind::AnyOf { any_of } => v.any_of = any_of,
        SchemaKind::Not { .. } => v.not = true,
        SchemaKind::Any(a) => {
            v.typ = a.typ.as_deref();
            v.format = a.format.clone();
            v.enumeration = a.enumeration.clone();
            v.properties = (!a.properties.is_empty()).then_some(&a.properties);
            v.required = &a.required;
            v.additional = a.additional_properties.as_ref();
            v.items = a.items.as_ref();
            v.one_of = &a.one_of;
            v.all_of = &a.all_of;
            v.any_of = &a.any_of;
            v.not = a.not.is_some();
            v.minimum = a.minimum;
            v.maximum = a.maximum;
        }
    }
    v
}
