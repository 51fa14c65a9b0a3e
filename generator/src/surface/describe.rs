//! IR → [`Surface`]: what a caller of one generated module can name.
//!
//! Names come from the IR and the emitter's naming helpers; Rust type texts
//! are rendered from the IR as the emitter writes them, and
//! `generator/tests/surface_code.rs` checks every API file against the
//! declarations parsed out of the generated code, so the two cannot drift.

use std::hash::Hasher;

use proc_macro2::TokenStream;
use quote::quote;

use super::rust_text::type_text;
use super::text::{Item, Key, Kind, Surface};
use crate::emit::rust_type::Types;
use crate::emit::{client, operation, types as emit_types, ApiModule, CrateOptions, FeatureMode};
use crate::ir::{
    Additional, Api, ApiKeyLocation, EnumRepr, Field, MediaKind, Operation, Param, ParamLocation,
    ParamStyle, Primitive, RequestBody, ResponseBody, SecurityKind, StatusMatch, TypeDef, TypeKind,
    TypeRef,
};

/// A short, stable hash of an item's documentation (`None` when it has
/// none), so that a docs-only edit changes one line.
pub fn docs_hash(parts: &[Option<&str>]) -> Option<String> {
    let text: Vec<&str> = parts
        .iter()
        .flatten()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect();
    if text.is_empty() {
        return None;
    }
    let mut h = fnv::FnvHasher::default();
    h.write(text.join("\n\n").as_bytes());
    Some(format!("{:08x}", h.finish() as u32))
}

/// A JSON value as shown in a flag: strings by their text, the rest as JSON.
fn json_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn text(ts: TokenStream) -> String {
    type_text(&ts)
}

/// Rust type texts straight from the IR, as `emit::rust_type::Types::rust`
/// and the declarations that wrap it write them (`surface_code.rs` checks
/// that they agree); building token streams per field would cost as much as
/// emitting the field.
struct Render<'a> {
    table: &'a Types<'a>,
}

impl Render<'_> {
    fn ty(&self, t: &TypeRef) -> String {
        match t {
            TypeRef::Named(key) => self
                .table
                .name(key)
                .map_or_else(|| "serde_json::Value".to_string(), str::to_string),
            TypeRef::Primitive(p) => primitive(*p).to_string(),
            TypeRef::Array(inner) => format!("Vec<{}>", self.ty(inner)),
            TypeRef::Map(inner) => format!("BTreeMap<String, {}>", self.ty(inner)),
            TypeRef::Nullable(inner) => format!("Option<{}>", self.ty(inner)),
            TypeRef::Any => "serde_json::Value".to_string(),
            TypeRef::Object => "serde_json::Map<String, serde_json::Value>".to_string(),
            // A configured Rust type: as the emitter writes it.
            TypeRef::External(e) => type_text(&crate::emit::rust_type::external(&e.path)),
        }
    }

    /// A struct field's declared type (`emit::types::field_type`).
    fn field(&self, f: &Field) -> String {
        let mut inner = self.ty(f.ty.non_null());
        if f.boxed {
            inner = format!("Box<{inner}>");
        }
        let any = matches!(f.ty, TypeRef::Any);
        if any && f.required {
            return inner;
        }
        match (f.required, f.ty.is_nullable() || any) {
            (true, false) => inner,
            (true, true) | (false, false) => format!("Option<{inner}>"),
            (false, true) => format!("runtime::Maybe<{inner}>"),
        }
    }

    /// The argument type of a parameter (`emit::operation::param_types`).
    fn param(&self, p: &Param) -> String {
        match p.ty.non_null() {
            TypeRef::Primitive(Primitive::String) => "impl Into<String>".to_string(),
            other => self.ty(other),
        }
    }

    /// The argument type of a body (`emit::operation::body_param`).
    fn body(&self, b: &RequestBody) -> String {
        match (&b.ty, b.media) {
            (Some(t), MediaKind::Json | MediaKind::FormUrlEncoded) => format!("&{}", self.ty(t)),
            (_, MediaKind::Text) => "impl Into<String>".to_string(),
            (_, MediaKind::Multipart) => match &b.form_name {
                Some(form) => format!("&{form}"),
                None => "&runtime::Multipart".to_string(),
            },
            _ => "impl Into<bytes::Bytes>".to_string(),
        }
    }

    /// A response body's type (`emit::responses::body_type`).
    fn response(&self, b: &ResponseBody) -> String {
        match b {
            ResponseBody::Empty => "()".to_string(),
            ResponseBody::Json(t) => self.ty(t),
            ResponseBody::Text => "String".to_string(),
            ResponseBody::Raw | ResponseBody::Events(_) => "runtime::RawBody".to_string(),
        }
    }
}

/// `emit::rust_type::primitive` as text.
fn primitive(p: Primitive) -> &'static str {
    match p {
        Primitive::String | Primitive::Binary => "String",
        Primitive::Bool => "bool",
        Primitive::I32 => "i32",
        Primitive::I64 => "i64",
        Primitive::U64 => "u64",
        Primitive::F32 => "f32",
        Primitive::F64 => "f64",
        Primitive::Uuid => "uuid::Uuid",
        Primitive::DateTime => "runtime::DateTime",
        Primitive::Date => "runtime::Date",
    }
}

fn status(s: StatusMatch) -> String {
    match s {
        StatusMatch::Code(c) => c.to_string(),
        StatusMatch::Range(r) => format!("{r}XX"),
        StatusMatch::Default => "default".to_string(),
    }
}

/// The public API of one module of a crate built with `opts`.
pub fn describe(m: &ApiModule<'_>, opts: &CrateOptions) -> Surface {
    let api = m.api;
    let table = Types::new(&api.types);
    let r = Render { table: &table };
    let mut s = Surface::default();
    s.insert(
        Key::new(Kind::Module, &m.module),
        Item::new(api.title.clone())
            .with("version", Some(api.version.clone()))
            .with("openapi", Some(api.openapi_version.clone()))
            .with("docs", docs_hash(&[api.description.as_deref()])),
    );
    // Operations are gated by their own features only in per-tag crates.
    let gated = opts.tag_features(api);
    match opts.features {
        FeatureMode::PerApi => s.insert(Key::new(Kind::Feature, &m.module), Item::default()),
        FeatureMode::PerTag => {
            // With the types' (`other-schemas`, for those no operation
            // reaches).
            for f in api
                .operations
                .iter()
                .filter(|_| gated)
                .flat_map(|op| &op.features)
                .chain(api.types.iter().filter(|_| gated).flat_map(|t| &t.gate))
            {
                s.insert(Key::new(Kind::Feature, f), Item::default());
            }
        }
    }
    client_items(&mut s, &r, api);
    for op in &api.operations {
        let features: &[String] = if gated { &op.features } else { &[] };
        operation_items(&mut s, &r, op, features);
    }
    for def in &api.types {
        // A type compiled only with some features (`TypeDef::gate`), as
        // `emit::types::type_items` gates it in the same crates.
        let features: &[String] = if gated { &def.gate } else { &[] };
        type_items(&mut s, &r, def, features);
    }
    super::runtime::runtime_items(&mut s, api.runtime);
    s
}

fn client_items(s: &mut Surface, r: &Render<'_>, api: &Api) {
    let args = client::new_args(api);
    s.insert(
        Key::new(Kind::Client, "new"),
        Item::new(text(quote!((#(#args),*)))).flag("default", client::has_default(api)),
    );
    s.insert(
        Key::new(Kind::Client, "DEFAULT_BASE_URL"),
        Item::new(
            api.servers
                .first()
                .map(|sv| sv.url.clone())
                .unwrap_or_default(),
        ),
    );
    if !api.servers.is_empty() {
        s.insert(
            Key::new(Kind::Client, "Server"),
            Item::new("enum").flag("non_exhaustive", true),
        );
    }
    for (i, sv) in api.servers.iter().enumerate() {
        s.insert(
            Key::new(Kind::Server, &sv.name),
            Item::new(sv.url.clone())
                .flag("default", i == 0)
                .with("docs", docs_hash(&[sv.description.as_deref()])),
        );
    }
    // Client-level parameters: `ClientBuilder` setters for a header every
    // request carries (an API version), with the default sent otherwise.
    for c in &api.client_params {
        let arg = match &c.ty {
            TypeRef::Primitive(Primitive::String) => "impl Into<String>".to_string(),
            other => r.ty(other),
        };
        s.insert(
            Key::new(Kind::Setting, &c.rust_name),
            Item::new(format!("({}: {arg})", c.rust_name))
                .flag("header", true)
                .with("wire", Some(c.name.clone()))
                .with("default", Some(c.default.clone()))
                .with("docs", docs_hash(&[c.description.as_deref()])),
        );
    }
    // Server URL variables: `ClientBuilder` setters, as
    // `emit::client::builder` writes them.
    for v in &api.server_variables {
        let arg = match &v.enum_name {
            Some(e) => format!("server_variables::{e}"),
            None => "impl Into<String>".to_string(),
        };
        let values: Vec<&str> = v.values.iter().map(|x| x.value.as_str()).collect();
        s.insert(
            Key::new(Kind::Setting, &v.rust_name),
            Item::new(format!("(value: {arg})"))
                .flag("server-variable", true)
                .with("wire", Some(v.name.clone()))
                .with("default", Some(v.default.clone()))
                .with("values", (!values.is_empty()).then(|| values.join(", ")))
                .with("docs", docs_hash(&[v.description.as_deref()])),
        );
    }
    for scheme in &api.security_schemes {
        let args = client::credential(scheme).0;
        let mut item = Item::new(text(quote!((#(#args),*))));
        item = match &scheme.kind {
            SecurityKind::Bearer { format } => {
                item.flag("bearer", true).with("format", format.clone())
            }
            SecurityKind::Basic => item.flag("basic", true),
            SecurityKind::ApiKey { location, name } => {
                let loc = match location {
                    ApiKeyLocation::Header => "header",
                    ApiKeyLocation::Query => "query",
                    ApiKeyLocation::Cookie => "cookie",
                };
                item.flag("api-key", true)
                    .with("in", Some(loc))
                    .with("name", Some(name.clone()))
            }
        };
        item = item
            .with("key", Some(scheme.key.clone()))
            .with("docs", docs_hash(&[scheme.description.as_deref()]));
        s.insert(Key::new(Kind::Auth, &scheme.rust_name), item);
        // As `emit::client::provider_setter` and `client_credentials_setter`.
        if let Some(setter) = &scheme.provider_setter {
            s.insert(
                Key::new(Kind::Auth, setter),
                Item::new("(provider: impl runtime::CredentialProvider)")
                    .flag("provider", true)
                    .with("key", Some(scheme.key.clone())),
            );
        }
        if let Some(flow) = &scheme.client_credentials {
            s.insert(
                Key::new(Kind::Auth, &flow.setter),
                Item::new("(client_id: impl Into<String>, client_secret: impl Into<runtime::Secret>, scopes: &[&str])")
                    .flag("client-credentials", true)
                    .with("key", Some(scheme.key.clone()))
                    .with("token-url", Some(flow.token_url.clone())),
            );
        }
    }
}

/// `a+b|c`: alternatives of scheme sets; `none` is anonymous access.
fn security_text(op: &Operation) -> Option<String> {
    if op.security.is_empty() {
        return None;
    }
    let alts: Vec<String> = op
        .security
        .iter()
        .map(|set| {
            if set.is_empty() {
                "none".to_string()
            } else {
                set.join("+")
            }
        })
        .collect();
    Some(alts.join("|"))
}

fn default_style(loc: ParamLocation) -> (ParamStyle, bool) {
    match loc {
        ParamLocation::Query | ParamLocation::Cookie => (ParamStyle::Form, true),
        ParamLocation::Path | ParamLocation::Header => (ParamStyle::Simple, false),
    }
}

fn media(m: MediaKind) -> &'static str {
    match m {
        MediaKind::Json => "json",
        MediaKind::FormUrlEncoded => "form",
        MediaKind::Multipart => "multipart",
        MediaKind::Text => "text",
        MediaKind::Binary => "binary",
    }
}

fn operation_items(s: &mut Surface, r: &Render<'_>, op: &Operation, features: &[String]) {
    let name = &op.name;
    // `stream()`/`pages()`, `events()` and `download()` (`emit::streaming`).
    let mut item = Item::new(format!("{} {}", op.method.as_str(), op.path_template))
        .with("builder", Some(op.builder_name.clone()))
        .flag("deprecated", op.deprecated)
        .flag("stream", op.pagination.is_some())
        .flag("events", op.events.is_some())
        .flag("download", op.download);
    for f in features {
        item = item.with("feature", Some(f.clone()));
    }
    item = item.with("security", security_text(op)).with(
        "docs",
        docs_hash(&[op.summary.as_deref(), op.description.as_deref()]),
    );
    s.insert(Key::new(Kind::Op, name), item);

    let positional = operation::positional(op);
    let mut arg = 0usize;
    for p in &op.params {
        let is_arg = positional
            .iter()
            .any(|q| q.name == p.name && q.location == p.location);
        let loc = match p.location {
            ParamLocation::Path => "path",
            ParamLocation::Query => "query",
            ParamLocation::Header => "header",
            ParamLocation::Cookie => "cookie",
        };
        let mut item = Item::new(r.param(p));
        item = if is_arg {
            item.with("arg", Some(arg.to_string()))
        } else {
            item.flag("setter", true)
        };
        if is_arg {
            arg += 1;
        }
        item = item
            .flag(loc, true)
            .with("wire", (p.name != p.rust_name).then(|| p.name.clone()))
            .with("maybe", p.maybe_setter.clone());
        let (style, explode) = default_style(p.location);
        if p.style != style || p.explode != explode {
            let style = serde_json::to_value(p.style)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string));
            item = item.with("style", style).flag("explode", p.explode);
        }
        item = item
            .flag("deprecated", p.deprecated)
            .flag("multi_segment", p.multi_segment)
            .with("default", p.default.as_ref().map(json_text))
            .with("docs", docs_hash(&[p.description.as_deref()]));
        s.insert(
            Key::new(Kind::Param, format!("{name}.{}", p.rust_name)),
            item,
        );
    }
    if let Some(body) = &op.body {
        let mut item = Item::new(r.body(body));
        item = if body.required {
            item.with("arg", Some(arg.to_string()))
        } else {
            item.flag("setter", true).with("maybe", Some("maybe_body"))
        };
        item = item
            .flag(media(body.media), true)
            .with("content-type", Some(body.content_type.clone()))
            .with("docs", docs_hash(&[body.description.as_deref()]));
        s.insert(Key::new(Kind::Body, name), item);
    }

    // As `emit::responses::success_type`: the one success body, the output
    // enum of several, else the `default` response's body, else raw bytes.
    let successes: Vec<_> = op
        .responses
        .iter()
        .filter(|x| x.status.is_success())
        .collect();
    let default = op
        .responses
        .iter()
        .find(|x| x.status == StatusMatch::Default);
    let ok_ty = match (successes.as_slice(), default) {
        ([], Some(d)) => r.response(&d.body),
        ([], None) => "runtime::RawBody".to_string(),
        // An event stream alone: `send()` returns the stream.
        ([one], _) => match &one.body {
            ResponseBody::Events(data) => format!(
                "runtime::EventStream<{}, {}>",
                data.as_ref()
                    .map_or_else(|| "String".to_string(), |t| r.ty(t)),
                op.error_name
            ),
            body => r.response(body),
        },
        _ => op.output_name.clone(),
    };
    let mut returns = Item::new(ok_ty);
    match successes.as_slice() {
        [] => {
            let st = op
                .responses
                .iter()
                .find(|r| r.status == StatusMatch::Default)
                .map_or("2XX".to_string(), |r| status(r.status));
            returns = returns.with("status", Some(st));
        }
        [one] => returns = returns.with("status", Some(status(one.status))),
        many => {
            for x in many {
                s.insert(
                    Key::new(Kind::Output, format!("{name}.{}", x.name)),
                    Item::new(r.response(&x.body))
                        .with("status", Some(status(x.status)))
                        .with("docs", docs_hash(&[x.description.as_deref()])),
                );
            }
        }
    }
    s.insert(Key::new(Kind::Returns, name), returns);

    s.insert(
        Key::new(Kind::Errors, name),
        Item::new(op.error_name.clone()).flag("non_exhaustive", true),
    );
    for x in op.responses.iter().filter(|x| !x.status.is_success()) {
        s.insert(
            Key::new(Kind::Error, format!("{name}.{}", x.name)),
            Item::new(r.response(&x.body))
                .with("status", Some(status(x.status)))
                .with("docs", docs_hash(&[x.description.as_deref()])),
        );
    }
}

fn type_items(s: &mut Surface, r: &Render<'_>, def: &TypeDef, features: &[String]) {
    let name = &def.name;
    let docs = docs_hash(&[def.title.as_deref(), def.description.as_deref()]);
    let item = match &def.kind {
        TypeKind::Struct(st) => {
            for f in &st.fields {
                let item = Item::new(r.field(f))
                    .flag(if f.required { "required" } else { "optional" }, true)
                    .flag("nullable", f.ty.is_nullable())
                    .flag("read-only", f.read_only)
                    .flag("write-only", f.write_only)
                    .with("default", f.default.as_ref().map(json_text))
                    .with("wire", (f.name != f.rust_name).then(|| f.name.clone()))
                    .flag("deprecated", f.deprecated)
                    .with("docs", docs_hash(&[f.description.as_deref()]));
                s.insert(
                    Key::new(Kind::Field, format!("{name}.{}", f.rust_name)),
                    item,
                );
            }
            let kept = match st.extra_map {
                true => r.ty(&TypeRef::Object),
                false => "runtime::Extra".to_string(),
            };
            let (extra_ty, additional) = match &st.additional {
                Additional::Keep => (kept, "keep"),
                Additional::Deny => (kept, "deny"),
                Additional::Typed(t) => (r.ty(&TypeRef::Map(Box::new(t.clone()))), "typed"),
            };
            s.insert(
                Key::new(Kind::Field, format!("{name}.extra")),
                Item::new(extra_ty).with("additional", Some(additional)),
            );
            // Mirrors `struct_item`: `Default` when nothing must be given,
            // else `new` taking the required fields without a literal default.
            let plain_required: Vec<_> = st
                .fields
                .iter()
                .filter(|f| f.required && !f.ty.is_nullable())
                .collect();
            let args: Vec<&str> = plain_required
                .iter()
                .filter(|f| emit_types::literal_default(r.table, f).is_none())
                .map(|f| f.rust_name.as_str())
                .collect();
            let mut item = Item::new("struct");
            // As `emit::constructor`: several required fields, or two of
            // one type, are passed as a struct of them.
            let arg_fields: Vec<&Field> = plain_required
                .iter()
                .copied()
                .filter(|f| emit_types::literal_default(r.table, f).is_none())
                .collect();
            let arg_types: Vec<String> = arg_fields.iter().map(|f| r.field(f)).collect();
            let required_struct = st
                .required_name
                .as_deref()
                .filter(|_| !crate::emit::constructor::positional(&arg_types));
            item = match required_struct {
                _ if plain_required.is_empty() => item.flag("default", true),
                Some(req) => {
                    for (f, ty) in arg_fields.iter().zip(&arg_types) {
                        s.insert(
                            Key::new(Kind::Field, format!("{req}.{}", f.rust_name)),
                            Item::new(ty.clone())
                                .flag("required", true)
                                .with("docs", docs_hash(&[f.description.as_deref()])),
                        );
                    }
                    s.insert(
                        Key::new(Kind::Type, req),
                        Item::new("struct").with("required-of", Some(name.clone())),
                    );
                    item.with("new", Some("required"))
                }
                None => item.with("new", Some(args.join(", "))),
            };
            let any_of: Vec<String> = st.required_any_of.iter().map(|set| set.join("+")).collect();
            item.with("validate", (!any_of.is_empty()).then(|| any_of.join("|")))
        }
        TypeKind::Enum(e) if emit_types::is_constant(e) => Item::new("= String").with(
            "const",
            e.variants
                .first()
                .and_then(|v| v.value.as_str())
                .map(str::to_string),
        ),
        TypeKind::Enum(e) => {
            for v in &e.variants {
                s.insert(
                    Key::new(Kind::Variant, format!("{name}.{}", v.name)),
                    Item::new(json_text(&v.value))
                        .with("docs", docs_hash(&[v.description.as_deref()])),
                );
            }
            let repr = match e.repr {
                EnumRepr::String => "enum string",
                EnumRepr::Integer => "enum integer",
                EnumRepr::Number => "enum number",
                EnumRepr::Bool => "enum bool",
            };
            Item::new(repr)
                .flag("non_exhaustive", true)
                .flag("nullable", e.nullable)
        }
        TypeKind::Union(u) => {
            for v in &u.variants {
                let mut ty = r.ty(&v.ty);
                if v.boxed {
                    ty = format!("Box<{ty}>");
                }
                let mut item = Item::new(ty);
                for t in &v.tags {
                    item = item.with("tag", Some(t.clone()));
                }
                s.insert(Key::new(Kind::Variant, format!("{name}.{}", v.name)), item);
            }
            match &u.discriminator {
                Some(prop) => Item::new("union")
                    .with("tag", Some(prop.clone()))
                    .flag("non_exhaustive", true),
                None => Item::new("union").flag("untagged", true),
            }
        }
        TypeKind::Alias {
            target,
            newtype: false,
        } => {
            // A copy's struct of required fields, as `emit::types` writes it.
            let required = def.same_as.as_ref().and_then(|same| {
                let own = same.required_name.as_deref()?;
                let TypeKind::Struct(st) = &r.table.get(&def.key)?.kind else {
                    return None;
                };
                let original = crate::emit::constructor::required_struct(r.table, st)?;
                Some((own, original))
            });
            if let Some((own, original)) = required {
                let mut item =
                    Item::new(format!("= {original}")).with("required-of", Some(name.clone()));
                for f in features {
                    item = item.with("feature", Some(f.clone()));
                }
                s.insert(Key::new(Kind::Type, own), item);
            }
            Item::new(format!("= {}", r.ty(target)))
        }
        TypeKind::Alias {
            target,
            newtype: true,
        } => Item::new(format!("({})", r.ty(target))),
    };
    // Configured derives and attributes are public API too (trait impls,
    // serde behaviour).
    let mut item = item;
    for d in &def.derives {
        item = item.with("derive", Some(d.clone()));
    }
    for a in &def.attributes {
        item = item.with("attr", Some(a.clone()));
    }
    for f in features {
        item = item.with("feature", Some(f.clone()));
    }
    s.insert(
        Key::new(Kind::Type, name),
        item.flag("deprecated", def.deprecated).with("docs", docs),
    );
}
