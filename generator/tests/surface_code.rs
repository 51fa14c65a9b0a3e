//! The API description says what the generated code declares: for every
//! construct spec and the four real specs, the public items parsed out of
//! the emitted `types.rs` and `client.rs` (with syn) must match the API file
//! line for line — names, Rust types, argument order, variants,
//! `#[non_exhaustive]`, constructors.

use std::collections::BTreeMap;
use std::path::Path;

use clientgen::emit::{self, ApiModule, CrateOptions, FeatureMode, GeneratedFile};
use clientgen::surface::rust_text::type_text;
use clientgen::surface::text::{Kind, Surface};
use quote::ToTokens;

/// Facts about public items: "kind path" → value, from either side.
type Facts = BTreeMap<String, String>;

fn ty(t: &impl ToTokens) -> String {
    type_text(&t.to_token_stream())
}

fn name(ident: &syn::Ident) -> String {
    ident.to_string().trim_start_matches("r#").to_string()
}

fn has_attr(attrs: &[syn::Attribute], word: &str) -> bool {
    attrs.iter().any(|a| a.path().is_ident(word))
}

fn derives_default(attrs: &[syn::Attribute]) -> bool {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("derive"))
        .any(|a| a.to_token_stream().to_string().contains("Default"))
}

fn args(sig: &syn::Signature) -> Vec<(String, String)> {
    sig.inputs
        .iter()
        .filter_map(|a| match a {
            syn::FnArg::Typed(p) => {
                let n = match &*p.pat {
                    syn::Pat::Ident(i) => name(&i.ident),
                    other => other.to_token_stream().to_string(),
                };
                Some((n, ty(&p.ty)))
            }
            syn::FnArg::Receiver(_) => None,
        })
        .collect()
}

fn sig_text(args: &[(String, String)]) -> String {
    let parts: Vec<String> = args.iter().map(|(n, t)| format!("{n}: {t}")).collect();
    format!("({})", parts.join(", "))
}

fn self_ty(i: &syn::ItemImpl) -> String {
    ty(&i.self_ty)
        .split('<')
        .next()
        .unwrap_or_default()
        .to_string()
}

const BUILDER_FIXED: &[&str] = &[
    "options",
    "retry",
    "timeout",
    "idempotency_key",
    "send",
    "content_type",
];
const CLIENT_BUILDER_FIXED: &[&str] = &[
    "server",
    "base_url",
    "http_client",
    "retry",
    "timeout",
    "connect_timeout",
    "user_agent",
    "header",
    "hook",
    "build",
];

/// What the code declares.
fn code_facts(types_rs: &str, client_rs: &str) -> Facts {
    let mut f = Facts::new();
    let types: syn::File = syn::parse_str(types_rs).expect("types.rs parses");
    for item in &types.items {
        match item {
            syn::Item::Struct(s) => {
                let n = name(&s.ident);
                match &s.fields {
                    syn::Fields::Named(fields) => {
                        f.insert(format!("type {n}"), "struct".into());
                        f.insert(
                            format!("default {n}"),
                            derives_default(&s.attrs).to_string(),
                        );
                        for field in &fields.named {
                            let fname = field.ident.as_ref().map(name).unwrap_or_default();
                            f.insert(format!("field {n}.{fname}"), ty(&field.ty));
                        }
                    }
                    syn::Fields::Unnamed(fields) => {
                        let inner = fields
                            .unnamed
                            .first()
                            .map(|x| ty(&x.ty))
                            .unwrap_or_default();
                        f.insert(format!("type {n}"), format!("({inner})"));
                    }
                    syn::Fields::Unit => {}
                }
            }
            syn::Item::Type(t) => {
                f.insert(
                    format!("type {}", name(&t.ident)),
                    format!("= {}", ty(&t.ty)),
                );
            }
            syn::Item::Enum(e) => {
                let n = name(&e.ident);
                f.insert(format!("type {n}"), "enum".into());
                f.insert(
                    format!("non_exhaustive {n}"),
                    has_attr(&e.attrs, "non_exhaustive").to_string(),
                );
                for v in e.variants.iter().filter(|v| v.ident != "Unknown") {
                    let value = match &v.fields {
                        syn::Fields::Unnamed(u) => {
                            u.unnamed.first().map(|x| ty(&x.ty)).unwrap_or_default()
                        }
                        _ => String::new(),
                    };
                    f.insert(format!("variant {n}.{}", name(&v.ident)), value);
                }
            }
            syn::Item::Impl(i) if i.trait_.is_none() => {
                for it in &i.items {
                    if let syn::ImplItem::Fn(m) = it {
                        if m.sig.ident == "new" {
                            let names: Vec<String> =
                                args(&m.sig).into_iter().map(|(n, _)| n).collect();
                            f.insert(format!("new {}", self_ty(i)), names.join(", "));
                        }
                    }
                }
            }
            _ => {}
        }
    }
    let client: syn::File = syn::parse_str(client_rs).expect("client.rs parses");
    // Request builders: the types with a `send` method.
    let builders: Vec<String> = client
        .items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Impl(i)
                if i.items
                    .iter()
                    .any(|it| matches!(it, syn::ImplItem::Fn(m) if m.sig.ident == "send")) =>
            {
                Some(self_ty(i))
            }
            _ => None,
        })
        .collect();
    for item in &client.items {
        match item {
            syn::Item::Impl(i) if i.trait_.is_some() => {
                let default = i
                    .trait_
                    .as_ref()
                    .is_some_and(|(p, _)| p.is_ident("Default"));
                if default && self_ty(i) == "Client" {
                    f.insert("client default".into(), "true".into());
                }
            }
            syn::Item::Impl(i) => {
                let on = self_ty(i);
                for it in &i.items {
                    let syn::ImplItem::Fn(m) = it else { continue };
                    if !matches!(m.vis, syn::Visibility::Public(_)) {
                        continue;
                    }
                    let method = name(&m.sig.ident);
                    let a = args(&m.sig);
                    match on.as_str() {
                        "Client" if method == "new" => {
                            f.insert("client new".into(), sig_text(&a));
                        }
                        "Client" if method == "builder" => {}
                        "Client" => {
                            for (pos, (n, t)) in a.iter().enumerate() {
                                f.insert(format!("arg {method}.{n}"), format!("{pos} {t}"));
                            }
                            f.insert(format!("op {method}"), String::new());
                        }
                        "ClientBuilder" if !CLIENT_BUILDER_FIXED.contains(&method.as_str()) => {
                            f.insert(format!("builder {method}"), sig_text(&a));
                        }
                        "Server" | "ClientBuilder" => {}
                        builder if builders.iter().any(|b| b == builder) => {
                            if method == "send" {
                                let syn::ReturnType::Type(_, out) = &m.sig.output else {
                                    continue;
                                };
                                // The API file gives what `.send().await` yields:
                                // `send()` returns a `BoxFuture` of it (an event
                                // stream's is an `async fn`).
                                let out = ty(out);
                                let out = match out.strip_prefix("runtime::BoxFuture<, ") {
                                    Some(rest) => {
                                        rest.strip_suffix('>').unwrap_or(rest).to_string()
                                    }
                                    None => out,
                                };
                                f.insert(format!("send {builder}"), out);
                            } else if !BUILDER_FIXED.contains(&method.as_str()) {
                                f.insert(
                                    format!("setter {builder}.{method}"),
                                    a.first().map(|(_, t)| t.clone()).unwrap_or_default(),
                                );
                            }
                        }
                        _ => {}
                    }
                }
            }
            syn::Item::Enum(e) => {
                let n = name(&e.ident);
                f.insert(
                    format!("non_exhaustive {n}"),
                    has_attr(&e.attrs, "non_exhaustive").to_string(),
                );
                for v in &e.variants {
                    let value = match &v.fields {
                        syn::Fields::Unnamed(u) => {
                            u.unnamed.first().map(|x| ty(&x.ty)).unwrap_or_default()
                        }
                        _ => String::new(),
                    };
                    f.insert(format!("variant {n}.{}", name(&v.ident)), value);
                }
            }
            _ => {}
        }
    }
    f
}

/// The request builder type the API file names for an operation.
fn builder_of(s: &Surface, op: &str) -> String {
    s.get(Kind::Op, op)
        .and_then(|i| i.get("builder"))
        .unwrap_or_default()
        .to_string()
}

/// The same facts, as the API file states them.
fn surface_facts(s: &Surface) -> Facts {
    let mut f = Facts::new();
    for (k, item) in &s.items {
        let (owner, leaf) = (k.owner().to_string(), k.leaf().to_string());
        match k.kind {
            Kind::Type => {
                let value = if item.value.starts_with("enum") || item.value == "union" {
                    f.insert(
                        format!("non_exhaustive {owner}"),
                        item.has("non_exhaustive").to_string(),
                    );
                    "enum".to_string()
                } else {
                    item.value.clone()
                };
                f.insert(format!("type {owner}"), value);
                if item.value == "struct" {
                    f.insert(format!("default {owner}"), item.has("default").to_string());
                    if let Some(args) = item.get("new") {
                        f.insert(format!("new {owner}"), args.to_string());
                    }
                }
            }
            Kind::Field => {
                f.insert(format!("field {}", k.path), item.value.clone());
            }
            Kind::Variant => {
                let is_enum = s
                    .get(Kind::Type, &owner)
                    .is_some_and(|t| t.value.starts_with("enum"));
                f.insert(
                    format!("variant {}", k.path),
                    if is_enum {
                        String::new()
                    } else {
                        item.value.clone()
                    },
                );
            }
            Kind::Client if k.path == "new" => {
                f.insert("client new".into(), item.value.clone());
                if item.has("default") {
                    f.insert("client default".into(), "true".into());
                }
            }
            Kind::Client if k.path == "Server" => {
                f.insert(
                    "non_exhaustive Server".into(),
                    item.has("non_exhaustive").to_string(),
                );
            }
            Kind::Server => {
                f.insert(format!("variant Server.{}", k.path), String::new());
            }
            // Credential setters and client settings: `ClientBuilder` methods.
            Kind::Auth | Kind::Setting => {
                f.insert(format!("builder {}", k.path), item.value.clone());
            }
            Kind::Op => {
                f.insert(format!("op {}", k.path), String::new());
                let builder = builder_of(s, &k.path);
                let methods: &[(&str, &[&str])] = &[
                    ("stream", &["stream", "pages"]),
                    ("events", &["events"]),
                    ("download", &["download"]),
                ];
                for (flag, names) in methods {
                    if item.has(flag) {
                        for m in *names {
                            f.insert(format!("setter {builder}.{m}"), String::new());
                        }
                    }
                }
            }
            Kind::Param | Kind::Body => {
                let op = if k.kind == Kind::Body {
                    k.path.clone()
                } else {
                    owner.clone()
                };
                let pname = if k.kind == Kind::Body {
                    "body".to_string()
                } else {
                    leaf.clone()
                };
                match item.get("arg") {
                    Some(pos) => {
                        f.insert(format!("arg {op}.{pname}"), format!("{pos} {}", item.value))
                    }
                    None => f.insert(
                        format!("setter {}.{pname}", builder_of(s, &op)),
                        item.value.clone(),
                    ),
                };
                if let Some(maybe) = item.get("maybe") {
                    f.insert(
                        format!("setter {}.{maybe}", builder_of(s, &op)),
                        format!("Option<{}>", item.value),
                    );
                }
            }
            Kind::Returns => {
                if s.children(&k.path, &[Kind::Output]).next().is_some() {
                    // The output enum of several successes is exhaustive.
                    f.insert(
                        format!("non_exhaustive {}", item.value),
                        item.has("non_exhaustive").to_string(),
                    );
                }
                let errors = s
                    .get(Kind::Errors, &k.path)
                    .map(|e| e.value.clone())
                    .unwrap_or_default();
                f.insert(
                    format!("send {}", builder_of(s, &k.path)),
                    format!(
                        "Result<runtime::Response<{}>, runtime::Error<{errors}>>",
                        item.value
                    ),
                );
            }
            Kind::Errors => {
                f.insert(
                    format!("non_exhaustive {}", item.value),
                    item.has("non_exhaustive").to_string(),
                );
            }
            Kind::Error | Kind::Output => {
                let enum_name = if k.kind == Kind::Error {
                    s.get(Kind::Errors, &owner)
                        .map(|e| e.value.clone())
                        .unwrap_or_default()
                } else {
                    s.get(Kind::Returns, &owner)
                        .map(|e| e.value.clone())
                        .unwrap_or_default()
                };
                f.insert(format!("variant {enum_name}.{leaf}"), item.value.clone());
            }
            _ => {}
        }
    }
    f
}

fn check(label: &str, files: &[GeneratedFile], module: &str) -> Vec<String> {
    let get = |p: String| {
        files
            .iter()
            .find(|f| f.path == Path::new(&p))
            .map(|f| f.contents.clone())
            .unwrap_or_default()
    };
    let code = code_facts(
        &get(format!("src/{module}/types.rs")),
        &get(format!("src/{module}/client.rs")),
    );
    let api = Surface::parse(&get(format!("api/{module}.api.txt"))).expect("API file parses");
    let described = surface_facts(&api);
    let mut problems = Vec::new();
    for (k, v) in &code {
        match described.get(k) {
            Some(d) if d == v => {}
            Some(d) => problems.push(format!("{label}: {k}: code `{v}`, API file `{d}`")),
            None => problems.push(format!(
                "{label}: {k} (`{v}`) is in the code, not the API file"
            )),
        }
    }
    for (k, v) in &described {
        if !code.contains_key(k) {
            problems.push(format!(
                "{label}: {k} (`{v}`) is in the API file, not the code"
            ));
        }
    }
    problems
}

#[test]
fn api_files_match_the_generated_code() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut specs: Vec<(String, std::path::PathBuf)> =
        std::fs::read_dir(root.join("tests/constructs"))
            .expect("constructs")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
            .map(|p| (p.file_stem().unwrap().to_string_lossy().into_owned(), p))
            .collect();
    specs.sort();
    for s in [
        "insighto.yaml",
        "intercom.yaml",
        "intercom-legacy.yaml",
        "paragon-actionkit.yaml",
    ] {
        specs.push((s.to_string(), root.join("../specs").join(s)));
    }
    specs.push((
        "contacts".to_string(),
        root.join("tests/surface/contacts.yaml"),
    ));
    let mut problems = Vec::new();
    for (label, path) in &specs {
        let lowered = clientgen::lower_file(path, label).unwrap_or_else(|d| panic!("{label}: {d}"));
        let opts = CrateOptions {
            name: "check".into(),
            version: "0.1.0".into(),
            description: String::new(),
            command: "surface_code".into(),
            features: FeatureMode::PerTag,
            standalone: true,
        };
        let files = emit::emit_crate(
            &[ApiModule {
                module: "api".into(),
                spec_path: label.clone(),
                api: &lowered.api,
            }],
            &opts,
        )
        .expect("emit");
        problems.extend(check(label, &files, "api"));
    }
    assert!(specs.len() >= 30);
    assert!(
        problems.is_empty(),
        "{} mismatches:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
