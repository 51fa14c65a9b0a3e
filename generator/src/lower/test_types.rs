//! Small IR values for the lowering passes' unit tests.

use crate::ir::{Additional, Field, StructType, TypeDef, TypeKey, TypeKind, TypeRef};

pub(crate) fn def(name: &str, kind: TypeKind) -> (TypeKey, TypeDef) {
    let key = TypeKey::from(format!("#/components/schemas/{name}"));
    let def = TypeDef {
        key: key.clone(),
        name: name.to_string(),
        title: None,
        description: None,
        deprecated: false,
        kind,
        examples: Vec::new(),
        derives: Vec::new(),
        attributes: Vec::new(),
        gate: Vec::new(),
        same_as: None,
    };
    (key, def)
}

/// A required field `name` of type `ty`.
pub(crate) fn field(name: String, ty: TypeRef) -> Field {
    Field {
        rust_name: name.clone(),
        name,
        ty,
        required: true,
        description: None,
        deprecated: false,
        read_only: false,
        write_only: false,
        default: None,
        boxed: false,
    }
}

/// A struct of `fields`, keeping undeclared properties.
pub(crate) fn structure(fields: Vec<Field>) -> TypeKind {
    TypeKind::Struct(StructType {
        fields,
        additional: Additional::Keep,
        required_any_of: Vec::new(),
        required_name: None,
        extra_map: false,
    })
}
