//! The properties of `multipart/form-data` and
//! `application/x-www-form-urlencoded` bodies: typed parts (files, text,
//! JSON) and each field's `encoding`.

use openapiv3::{MediaType, ReferenceOr, Schema};

use super::naming::{pascal, snake, Namespace};
use super::reserved;
use super::view::view;
use super::Lowerer;
use crate::diagnostic::pointer_join;
use crate::ir::{FormField, FormFieldKind, ParamStyle, Primitive, TypeKind, TypeRef};

/// `type: string, format: binary`: a file's bytes.
fn is_binary(schema: &Schema) -> bool {
    let v = view(schema);
    v.format.as_deref() == Some("binary") && matches!(v.typ, None | Some("string"))
}

impl Lowerer<'_> {
    fn schema_of(&mut self, schema: &ReferenceOr<Box<Schema>>) -> Option<Schema> {
        match schema {
            ReferenceOr::Item(s) => Some((**s).clone()),
            ReferenceOr::Reference { reference } => self
                .resolve_schema_ref(reference)
                .map(|(_, s)| s.into_owned()),
        }
    }

    /// The fields of a form body's schema, in declaration order; empty when
    /// the schema declares no properties (an untyped form).
    pub(super) fn form_fields(
        &mut self,
        media: &MediaType,
        media_pointer: &str,
        hint: &str,
    ) -> Vec<FormField> {
        let (schema, pointer) = match &media.schema {
            Some(ReferenceOr::Item(s)) => (s.clone(), pointer_join(media_pointer, "schema")),
            Some(ReferenceOr::Reference { reference }) => {
                match self.resolve_schema_ref(reference) {
                    Some((key, s)) => (s.into_owned(), key),
                    None => return Vec::new(),
                }
            }
            None => return Vec::new(),
        };
        let v = view(&schema);
        let Some(props) = v.properties else {
            return Vec::new();
        };
        let required = v.required.to_vec();
        let props_pointer = pointer_join(&pointer, "properties");
        let mut names = Namespace::new(reserved::FORM_FIELDS);
        let mut out = Vec::new();
        for (name, prop) in props {
            let prop_pointer = pointer_join(&props_pointer, name);
            let resolved = self.schema_of(prop);
            let items = resolved.as_ref().and_then(|s| view(s).items.cloned());
            let kind = if resolved.as_ref().is_some_and(is_binary) {
                FormFieldKind::File
            } else if items
                .as_ref()
                .and_then(|i| self.schema_of(i))
                .is_some_and(|s| is_binary(&s))
            {
                FormFieldKind::Files
            } else {
                let ty =
                    self.type_of_boxed(prop, &prop_pointer, &format!("{hint}{}", pascal(name)));
                self.form_kind(ty)
            };
            let encoding = media.encoding.get(name);
            let style = match encoding.and_then(|e| e.style.as_ref()) {
                Some(openapiv3::QueryStyle::DeepObject) => ParamStyle::DeepObject,
                Some(openapiv3::QueryStyle::SpaceDelimited) => ParamStyle::SpaceDelimited,
                Some(openapiv3::QueryStyle::PipeDelimited) => ParamStyle::PipeDelimited,
                _ => ParamStyle::Form,
            };
            // `explode` reads as false when absent: it counts only next to a
            // `style` (form style explodes by default).
            let explode = match encoding {
                Some(e) if e.style.is_some() => e.explode || style == ParamStyle::DeepObject,
                _ => style == ParamStyle::Form,
            };
            let description = resolved
                .as_ref()
                .and_then(|s| s.schema_data.description.clone());
            out.push(FormField {
                name: name.clone(),
                rust_name: names.claim(snake(name)),
                kind,
                required: required.contains(name),
                description,
                content_type: encoding.and_then(|e| e.content_type.clone()),
                style,
                explode,
            });
        }
        out
    }

    /// Text for scalars and enums (and arrays of them), JSON for the rest.
    fn form_kind(&self, ty: TypeRef) -> FormFieldKind {
        let text = |t: &TypeRef| match t.non_null() {
            TypeRef::Primitive(p) => *p != Primitive::Binary,
            TypeRef::Named(key) => matches!(
                self.types.get(key).map(|d| &d.kind),
                Some(TypeKind::Enum(_))
            ),
            _ => false,
        };
        match ty.non_null() {
            _ if text(&ty) => FormFieldKind::Text(ty),
            TypeRef::Array(inner) if text(inner) => FormFieldKind::Texts((**inner).clone()),
            _ => FormFieldKind::Json(ty),
        }
    }
}
