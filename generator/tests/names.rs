//! Every name in generated code comes either from the IR (allocated in
//! lowering) or from the reserved lists in `lower/reserved.rs`: a method,
//! field, item or variant the emitter adds must be listed there, or a spec
//! name could collide with it. Checked on the generated code of every
//! construct spec, parsed with `syn`.

use std::collections::BTreeSet;
use std::path::Path;

use clientgen::emit::{self, ApiModule, CrateOptions, FeatureMode};
use clientgen::ir::{Api, TypeKind};
use clientgen::lower::reserved::{self, Scope};
use syn::{Fields, ImplItem, Item, Type};

fn specs() -> Vec<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/constructs");
    let mut specs: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/constructs")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    specs.sort();
    specs
}

fn parse(files: &[emit::GeneratedFile], name: &str) -> syn::File {
    let path = Path::new("src/api").join(name);
    let file = files
        .iter()
        .find(|f| f.path == path)
        .unwrap_or_else(|| panic!("no {}", path.display()));
    syn::parse_file(&file.contents).expect("generated code parses")
}

fn self_type(ty: &Type) -> String {
    match ty {
        Type::Path(p) => p
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default(),
        _ => String::new(),
    }
}

/// Names an item declares: methods of inherent impls by type, struct
/// fields by type, enum variants by type, and the items themselves.
#[derive(Default)]
struct Declared {
    methods: Vec<(String, String)>,
    fields: Vec<(String, String)>,
    variants: Vec<(String, String)>,
    items: Vec<String>,
}

fn declared(file: &syn::File) -> Declared {
    let mut d = Declared::default();
    for item in &file.items {
        match item {
            Item::Impl(i) if i.trait_.is_none() => {
                let ty = self_type(&i.self_ty);
                for it in &i.items {
                    if let ImplItem::Fn(f) = it {
                        d.methods.push((ty.clone(), unraw(&f.sig.ident)));
                    }
                }
            }
            Item::Struct(s) => {
                d.items.push(s.ident.to_string());
                if let Fields::Named(named) = &s.fields {
                    for f in &named.named {
                        d.fields.push((
                            s.ident.to_string(),
                            f.ident.as_ref().map(unraw).unwrap_or_default(),
                        ));
                    }
                }
            }
            Item::Enum(e) => {
                d.items.push(e.ident.to_string());
                for v in &e.variants {
                    d.variants.push((e.ident.to_string(), v.ident.to_string()));
                }
            }
            Item::Type(t) => d.items.push(t.ident.to_string()),
            Item::Const(c) => d.items.push(c.ident.to_string()),
            _ => {}
        }
    }
    d
}

fn unraw(ident: &syn::Ident) -> String {
    ident.to_string().trim_start_matches("r#").to_string()
}

fn check(
    what: &str,
    name: &str,
    from_ir: &BTreeSet<String>,
    scope: Scope,
    problems: &mut Vec<String>,
) {
    if !from_ir.contains(name) && !scope.reserved.contains(&name) {
        problems.push(format!(
            "{what}: `{name}` is neither allocated in the IR nor reserved in lower/reserved.rs"
        ));
    }
}

fn check_api(spec: &str, api: &Api, problems: &mut Vec<String>) {
    let opts = CrateOptions {
        name: "names-check".into(),
        version: "0.1.0".into(),
        description: "names".into(),
        command: "names".into(),
        features: FeatureMode::PerTag,
        standalone: true,
    };
    let files = emit::emit_crate(
        &[ApiModule {
            module: "api".into(),
            spec_path: spec.into(),
            api,
        }],
        &opts,
    )
    .expect("emits");
    let client = declared(&parse(&files, "client.rs"));
    let types = declared(&parse(&files, "types.rs"));

    let ops: BTreeSet<String> = api.operations.iter().map(|o| o.name.clone()).collect();
    // Credential setters, client-level header setters, server variable
    // setters.
    let setters: BTreeSet<String> = api
        .security_schemes
        .iter()
        .flat_map(|s| {
            [
                Some(s.rust_name.clone()),
                s.provider_setter.clone(),
                s.client_credentials.as_ref().map(|c| c.setter.clone()),
            ]
        })
        .flatten()
        .chain(api.client_params.iter().map(|c| c.rust_name.clone()))
        .chain(api.server_variables.iter().map(|v| v.rust_name.clone()))
        .collect();
    let op_items: BTreeSet<String> = api
        .operations
        .iter()
        .flat_map(|o| {
            [
                o.builder_name.clone(),
                o.error_name.clone(),
                o.output_name.clone(),
            ]
        })
        .chain(
            api.operations
                .iter()
                .filter_map(|o| o.body.as_ref()?.form_name.clone()),
        )
        .collect();
    let form = |ty: &str| {
        api.operations
            .iter()
            .filter_map(|o| o.body.as_ref())
            .find(|b| b.form_name.as_deref() == Some(ty))
    };
    for (ty, m) in &client.methods {
        let what = format!("{spec}: method {ty}::{m}");
        match ty.as_str() {
            "Client" => check(&what, m, &ops, reserved::CLIENT_METHODS, problems),
            "ClientBuilder" => check(
                &what,
                m,
                &setters,
                reserved::CLIENT_BUILDER_METHODS,
                problems,
            ),
            // `Server::url`: the enum's only method, variants are PascalCase.
            "Server" => {}
            ty if form(ty).is_some() => {
                check(&what, m, &BTreeSet::new(), reserved::FORM_METHODS, problems)
            }
            builder => {
                let op = api.operations.iter().find(|o| o.builder_name == builder);
                let params: BTreeSet<String> = op
                    .map(|o| {
                        o.params
                            .iter()
                            .flat_map(|p| [Some(p.rust_name.clone()), p.maybe_setter.clone()])
                            .flatten()
                            .collect()
                    })
                    .unwrap_or_default();
                check(&what, m, &params, reserved::REQUEST_BUILDER, problems);
            }
        }
    }
    for (ty, f) in &client.fields {
        let what = format!("{spec}: field {ty}.{f}");
        match ty.as_str() {
            "Client" | "ClientBuilder" => {}
            ty if form(ty).is_some() => {
                let fields: BTreeSet<String> = form(ty)
                    .map(|b| b.form_fields.iter().map(|f| f.rust_name.clone()).collect())
                    .unwrap_or_default();
                check(&what, f, &fields, reserved::FORM_FIELDS, problems);
            }
            builder => {
                let op = api.operations.iter().find(|o| o.builder_name == builder);
                let params: BTreeSet<String> = op
                    .map(|o| o.params.iter().map(|p| p.rust_name.clone()).collect())
                    .unwrap_or_default();
                check(&what, f, &params, reserved::REQUEST_BUILDER, problems);
            }
        }
    }
    for item in &client.items {
        check(
            &format!("{spec}: client item {item}"),
            item,
            &op_items,
            reserved::CLIENT_ITEMS,
            problems,
        );
    }

    // A struct's name, and the name of the struct of its required fields.
    let type_names: BTreeSet<String> = api
        .types
        .iter()
        .flat_map(|t| {
            let required = match &t.kind {
                TypeKind::Struct(s) => s.required_name.clone(),
                // A copy's own name for it, an alias of the original's.
                _ => t
                    .same_as
                    .as_ref()
                    .and_then(|same| same.required_name.clone()),
            };
            [Some(t.name.clone()), required]
        })
        .flatten()
        .collect();
    for item in &types.items {
        check(
            &format!("{spec}: type {item}"),
            item,
            &type_names,
            reserved::TYPES,
            problems,
        );
    }
    for def in &api.types {
        match &def.kind {
            TypeKind::Struct(s) => {
                let fields: BTreeSet<String> =
                    s.fields.iter().map(|f| f.rust_name.clone()).collect();
                for (_, f) in types.fields.iter().filter(|(t, _)| *t == def.name) {
                    check(
                        &format!("{spec}: field {}.{f}", def.name),
                        f,
                        &fields,
                        reserved::STRUCT_FIELDS,
                        problems,
                    );
                }
            }
            TypeKind::Enum(e) => {
                let variants: BTreeSet<String> =
                    e.variants.iter().map(|v| v.name.clone()).collect();
                for (_, v) in types.variants.iter().filter(|(t, _)| *t == def.name) {
                    check(
                        &format!("{spec}: variant {}::{v}", def.name),
                        v,
                        &variants,
                        reserved::ENUM_VARIANTS,
                        problems,
                    );
                }
            }
            TypeKind::Union(u) => {
                let variants: BTreeSet<String> =
                    u.variants.iter().map(|v| v.name.clone()).collect();
                for (_, v) in types.variants.iter().filter(|(t, _)| *t == def.name) {
                    check(
                        &format!("{spec}: variant {}::{v}", def.name),
                        v,
                        &variants,
                        reserved::UNION_VARIANTS,
                        problems,
                    );
                }
            }
            TypeKind::Alias { .. } => {}
        }
    }
}

#[test]
fn generated_names_come_from_the_ir_or_the_reserved_lists() {
    let mut problems = Vec::new();
    let specs = specs();
    assert!(specs.len() > 20, "construct specs found: {}", specs.len());
    for spec in specs {
        let shown = spec.file_name().unwrap().to_string_lossy().into_owned();
        let lowered = clientgen::lower_file(&spec, &shown).unwrap_or_else(|d| panic!("{d}"));
        check_api(&shown, &lowered.api, &mut problems);
    }
    problems.sort();
    problems.dedup();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
