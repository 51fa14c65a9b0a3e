//! Named types and references to types.

use serde::Serialize;

/// A key identifying a named type: the JSON pointer of the schema it came
/// from (`#/components/schemas/Contact`, `#/paths/~1contacts/put/...`).
pub type TypeKey = String;

/// A use of a type.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TypeRef {
    Named(TypeKey),
    Primitive(Primitive),
    Array(Box<TypeRef>),
    /// A JSON object with arbitrary keys and values of one type.
    Map(Box<TypeRef>),
    /// `null` or the inner type.
    Nullable(Box<TypeRef>),
    /// Any JSON value.
    Any,
    /// A value that is only ever `{}`-shaped but has no declared properties:
    /// a free-form JSON object.
    Object,
    /// A Rust type the user chose instead of the schema (configured type
    /// replacement, or a per-format choice such as chrono for `date-time`).
    External(ExternalType),
}

/// A Rust type named by configuration, e.g. `rust_decimal::Decimal`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct ExternalType {
    /// The type as Rust source (a path, possibly with generic arguments),
    /// checked to parse as a Rust type when the configuration was read.
    pub path: String,
}

impl ExternalType {
    /// The last path segment without generics (`chrono::DateTime<Utc>` →
    /// `DateTime`), for naming union variants.
    pub fn short_name(&self) -> &str {
        let head = self.path.split('<').next().unwrap_or(&self.path);
        head.rsplit("::").next().unwrap_or(head).trim()
    }
}

impl TypeRef {
    /// Whether the type is, or holds, a primitive for which `p` holds (named
    /// types are not followed).
    pub fn holds(&self, p: impl Fn(Primitive) -> bool + Copy) -> bool {
        match self {
            TypeRef::Primitive(prim) => p(*prim),
            TypeRef::Array(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => {
                inner.holds(p)
            }
            TypeRef::Named(_) | TypeRef::Any | TypeRef::Object | TypeRef::External(_) => false,
        }
    }

    /// Calls `f` with the key of each named type the type names (inside
    /// arrays, maps and nullables too).
    pub fn for_each_named(&self, f: &mut dyn FnMut(&TypeKey)) {
        let mut t = self;
        loop {
            match t {
                TypeRef::Named(k) => return f(k),
                TypeRef::Array(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => t = inner,
                TypeRef::Primitive(_) | TypeRef::Any | TypeRef::Object | TypeRef::External(_) => {
                    return
                }
            }
        }
    }

    pub fn is_nullable(&self) -> bool {
        matches!(self, TypeRef::Nullable(_))
    }

    /// The type without one level of `Nullable`.
    pub fn non_null(&self) -> &TypeRef {
        match self {
            TypeRef::Nullable(inner) => inner,
            other => other,
        }
    }

    pub fn nullable(self) -> TypeRef {
        match self {
            TypeRef::Nullable(_) | TypeRef::Any => self,
            other => TypeRef::Nullable(Box::new(other)),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Primitive {
    String,
    Bool,
    I32,
    I64,
    U64,
    F32,
    F64,
    Uuid,
    DateTime,
    Date,
    /// `format: binary`: raw bytes, only meaningful in non-JSON bodies.
    Binary,
}

#[derive(Clone, Debug, Serialize)]
pub struct TypeDef {
    pub key: TypeKey,
    /// PascalCase, unique within the API.
    pub name: String,
    pub title: Option<String>,
    pub description: Option<String>,
    pub deprecated: bool,
    pub kind: TypeKind,
    /// JSON examples attached to the schema (used for round-trip tests).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub examples: Vec<serde_json::Value>,
    /// Extra derives asked for by configuration (trait paths such as `Hash`
    /// or `schemars::JsonSchema`), beyond the ones the emitter always adds.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub derives: Vec<String>,
    /// Extra outer attributes from configuration, as Rust source
    /// (`#[serde(deny_unknown_fields)]`), checked to parse.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<String>,
    /// The cargo features (sorted) of the operations that reach the type,
    /// when it is compiled only with one of them (in a crate gating
    /// operations by feature); empty when it is always compiled. Decided
    /// by `lower::gates`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub gate: Vec<String>,
    /// The type this inline schema repeats exactly, when it is emitted as
    /// an alias of it (its kind is then that alias). Decided by
    /// `lower::duplicates`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub same_as: Option<SameAs>,
}

/// What [`TypeDef::same_as`] records of a type made an alias.
#[derive(Clone, Debug, Serialize)]
pub struct SameAs {
    /// The type it repeats, which holds the definition and impls.
    pub original: TypeKey,
    /// Its own name for the struct of required fields `new` takes
    /// ([`StructType::required_name`]), made an alias of the original's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub required_name: Option<String>,
    /// The types its own definition used (its fields' own inline types,
    /// copies of the original's): still its types, compiled where it is.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub uses: Vec<TypeKey>,
}

impl TypeDef {
    /// Calls `f` with every type the definition uses directly (named types
    /// are not followed).
    pub fn for_each_ref(&self, f: &mut dyn FnMut(&TypeRef)) {
        match &self.kind {
            TypeKind::Struct(s) => {
                s.fields.iter().for_each(|field| f(&field.ty));
                if let Additional::Typed(ty) = &s.additional {
                    f(ty);
                }
            }
            TypeKind::Union(u) => u.variants.iter().for_each(|v| f(&v.ty)),
            TypeKind::Alias { target, .. } => f(target),
            TypeKind::Enum(_) => {}
        }
        if let Some(same) = &self.same_as {
            for key in &same.uses {
                f(&TypeRef::Named(key.clone()));
            }
        }
    }
}

#[derive(Clone, Debug, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TypeKind {
    Struct(StructType),
    Enum(EnumType),
    Union(UnionType),
    /// A named alias for another type (`type Tags = Vec<Tag>;`); a newtype
    /// struct instead when the alias is recursive (type aliases cannot be).
    Alias {
        target: TypeRef,
        newtype: bool,
    },
}

#[derive(Clone, Debug, Serialize)]
pub struct StructType {
    pub fields: Vec<Field>,
    pub additional: Additional,
    /// Alternative sets of properties of which at least one set must be
    /// present (`anyOf: [{required: [id]}, {required: [user_id]}]`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub required_any_of: Vec<Vec<String>>,
    /// The struct of required fields `new` takes (`ContactRequired`) when
    /// positional arguments could be swapped unnoticed; named for every
    /// struct with several required fields, used when emit needs it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub required_name: Option<String>,
    /// The undeclared properties (`Keep`, `Deny`) are a `serde_json::Map`
    /// instead of a `runtime::Extra`: configuration derives a trait for the
    /// struct that `Extra` does not implement (`schemars::JsonSchema`), and
    /// the map implements more. Decided by `lower::custom`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub extra_map: bool,
}

/// What happens to properties the schema does not declare.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Additional {
    /// Kept as raw JSON in an `extra` map (the default: forward compatible).
    Keep,
    /// `additionalProperties: <schema>`: kept, typed.
    Typed(TypeRef),
    /// `additionalProperties: false`.
    Deny,
}

#[derive(Clone, Debug, Serialize)]
pub struct Field {
    /// The property name on the wire.
    pub name: String,
    /// snake_case, unique within the struct, keyword-safe.
    pub rust_name: String,
    pub ty: TypeRef,
    pub required: bool,
    pub description: Option<String>,
    pub deprecated: bool,
    pub read_only: bool,
    pub write_only: bool,
    /// The schema's `default`, if any.
    pub default: Option<serde_json::Value>,
    /// Needs a `Box` to break a cycle of directly nested types.
    pub boxed: bool,
}

impl Field {
    /// Whether the value may be `null`: declared nullable, or untyped (any
    /// JSON value, `null` included).
    pub fn nullable(&self) -> bool {
        self.ty.is_nullable() || matches!(self.ty, TypeRef::Any)
    }

    /// Whether absent, `null` and a value are three distinct states (a
    /// `runtime::Maybe`): optional and nullable.
    pub fn three_state(&self) -> bool {
        !self.required && self.nullable()
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct EnumType {
    pub repr: EnumRepr,
    pub variants: Vec<EnumVariant>,
    /// Whether `null` is one of the allowed values.
    pub nullable: bool,
}

impl EnumType {
    /// One string value: written as a `String` alias with a note, not an
    /// enum (a constant such as Stripe's `object: "card"`).
    pub fn is_constant(&self) -> bool {
        self.repr == EnumRepr::String && self.variants.len() == 1 && !self.nullable
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EnumRepr {
    String,
    Integer,
    Number,
    Bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct EnumVariant {
    /// PascalCase, unique within the enum.
    pub name: String,
    pub value: serde_json::Value,
    pub description: Option<String>,
}

/// `oneOf` / `anyOf`.
#[derive(Clone, Debug, Serialize)]
pub struct UnionType {
    pub variants: Vec<UnionVariant>,
    /// Set when the union has a usable `discriminator` property whose values
    /// select the variant.
    pub discriminator: Option<String>,
    /// The variants a JSON string and a JSON object select by their kind
    /// alone (untagged unions only; decided by `lower::unions::plan`).
    #[serde(skip_serializing_if = "Dispatch::is_empty")]
    pub dispatch: Dispatch,
    /// An untagged union's object variants told apart by a property with a
    /// constant value (decided by `lower::unions::plan`): an object whose
    /// property holds one of the values decodes straight into that variant;
    /// any other value is tried against the variants in turn.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inferred: Option<InferredTag>,
}

/// See [`UnionType::dispatch`]: indexes into the variants. Only the one
/// variant that can take a value of that kind, when no other can, even
/// leniently, so decoding such a value straight into it gives what trying
/// them in turn gives.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Dispatch {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub string: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub object: Option<usize>,
}

impl Dispatch {
    pub fn is_empty(&self) -> bool {
        self.string.is_none() && self.object.is_none()
    }
}

/// See [`UnionType::inferred`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct InferredTag {
    /// The property on the wire.
    pub property: String,
    /// Each constant value with the index of the variant it selects, in
    /// variant order; every variant listed is streamed.
    pub variants: Vec<(String, usize)>,
}

#[derive(Clone, Debug, Serialize)]
pub struct UnionVariant {
    pub name: String,
    pub ty: TypeRef,
    /// Discriminator values selecting this variant (empty when untagged).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    pub boxed: bool,
    /// Whether the variant, once a discriminator (or an inferred tag)
    /// selects it, decodes from the object's entries as they are read
    /// (`runtime::union::variant`: a generated struct or a map) rather than
    /// through a buffered value (`runtime::union::buffered`). Never a union:
    /// one nested directly in another would instantiate the entries' reader
    /// without end if the two were recursive. Decided by
    /// `lower::unions::plan`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub streamed: bool,
    /// The one string the variant's type allows (a `const`, or an `enum` of
    /// one string, held as a `String`): an untagged union's strict pass
    /// matches it exactly (`runtime::union::constant`), so a constant `""`
    /// tried first does not take a date-time meant for a later variant.
    /// Decided by `lower::unions::plan`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub constant: Option<String>,
}
