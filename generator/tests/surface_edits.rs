//! Change classification, one spec edit per row (`surface/edits.rs`), and
//! the real specs: the report a reviewer gets for each.
//!
//! `semver_checks_agrees` (ignored: it builds two crates and needs
//! `cargo-semver-checks`) cross-checks the Rust view of every row against
//! cargo-semver-checks; run it with
//! `cargo test -p clientgen --test surface_edits -- --ignored --nocapture`.

#[path = "surface/edits.rs"]
mod edits;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use clientgen::emit::{self, ApiModule, CrateOptions, FeatureMode};
use clientgen::surface::{self, Bump, Change, Class, Effect, ModuleChanges, Report};
use edits::{edits, Edit, Semver};
use serde_json::Value;

fn base_of(e: &Edit) -> Value {
    let mut v = base();
    if let Some(setup) = e.setup {
        setup(&mut v);
    }
    v
}

fn base() -> Value {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/surface/contacts.yaml"),
    )
    .expect("base spec");
    clientgen::load::parse_value(&text).expect("base spec is YAML")
}

fn lower(spec: &Value, name: &str) -> clientgen::ir::Api {
    let text = serde_json::to_string_pretty(spec).expect("JSON");
    let loaded = clientgen::load::load_str(name, &text)
        .unwrap_or_else(|d| panic!("{name} does not load: {d}"));
    let lowered = clientgen::lower_loaded(loaded, name);
    lowered.api
}

fn edited(e: &Edit) -> Value {
    let mut v = base_of(e);
    (e.apply)(&mut v);
    v
}

/// API file texts of the base and edited specs, as `clientgen diff` sees them.
fn api_texts(e: &Edit) -> (String, String) {
    let opts = surface::standalone_options("contacts");
    let (a, b) = (
        lower(&base_of(e), "base.json"),
        lower(&edited(e), "edited.json"),
    );
    let text = |api: &clientgen::ir::Api| {
        surface::api_file(
            &ApiModule {
                module: "api".into(),
                spec_path: "contacts.yaml".into(),
                api,
            },
            &opts,
        )
        .contents
    };
    (text(&a), text(&b))
}

fn changes(e: &Edit) -> (Vec<Change>, String, String) {
    let (a, b) = api_texts(e);
    let changes = surface::diff(
        &surface::Surface::parse(&a).unwrap(),
        &surface::Surface::parse(&b).unwrap(),
    );
    (changes, a, b)
}

fn report(changes: Vec<Change>, strict: bool) -> Report {
    Report {
        modules: vec![ModuleChanges {
            module: "api".into(),
            source: None,
            changes,
        }],
        strict,
    }
}

#[test]
fn every_edit_is_classified_as_expected() {
    let table = edits();
    assert!(table.len() >= 25, "the table needs at least 25 rows");
    let mut failures = Vec::new();
    for e in &table {
        let (changes, a, b) = changes(e);
        let class = changes.iter().map(Change::class).max();
        let rust = changes.iter().map(|c| c.rust).max().unwrap_or(Effect::None);
        let wire = changes.iter().map(|c| c.wire).max().unwrap_or(Effect::None);
        let md = report(changes.clone(), false).markdown(Some(("contacts", "0.1.0")));
        let mut problems = Vec::new();
        if class != e.class {
            problems.push(format!("class {class:?}, expected {:?}", e.class));
        }
        if (rust, wire) != (e.rust, e.wire) {
            problems.push(format!(
                "rust/wire {rust:?}/{wire:?}, expected {:?}/{:?}",
                e.rust, e.wire
            ));
        }
        // The API file changes exactly when the public API does.
        if (a == b) != e.class.is_none() {
            problems.push(format!(
                "API file {} but class is {:?}",
                if a == b { "unchanged" } else { "changed" },
                e.class
            ));
        }
        if !e.subject.is_empty() && !md.contains(e.subject) {
            problems.push(format!("report does not name `{}`", e.subject));
        }
        let want_bump = match e.class {
            Some(Class::Breaking) => Bump::Major,
            Some(Class::Additive) => Bump::Minor,
            Some(Class::Docs) => Bump::Patch,
            None => Bump::None,
        };
        if report(changes, false).bump() != want_bump {
            problems.push(format!("bump is not {want_bump}"));
        }
        if !problems.is_empty() {
            failures.push(format!("{}: {}\n{md}", e.name, problems.join("; ")));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} rows misclassified:\n\n{}",
        failures.len(),
        table.len(),
        failures.join("\n\n")
    );
}

/// `cargo test -p clientgen --test surface_edits print_reports -- --ignored --nocapture`
/// prints every row's report, for reading.
#[test]
#[ignore = "prints the report of every row"]
fn print_reports() {
    for e in edits() {
        let (changes, _, _) = changes(&e);
        println!(
            "=== {}\n{}",
            e.name,
            report(changes, false).markdown(Some(("contacts", "0.1.0")))
        );
    }
}

#[test]
fn strict_semver_counts_new_struct_fields_as_breaking() {
    let table = edits();
    let e = table
        .iter()
        .find(|e| e.name == "add_optional_request_field")
        .expect("row");
    let (changes, _, _) = changes(e);
    assert_eq!(report(changes.clone(), false).bump(), Bump::Minor);
    let strict = report(changes, true);
    assert_eq!(strict.bump(), Bump::Major);
    assert!(strict.markdown(None).contains("**Breaking**"));
}

#[test]
fn api_files_round_trip_through_the_parser() {
    let mut texts: Vec<String> = edits()
        .iter()
        .flat_map(|e| {
            let (a, b) = api_texts(e);
            [a, b]
        })
        .collect();
    let api_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../generated/api");
    texts.extend(surface::api_texts_on_disk(api_dir.parent().unwrap()).into_values());
    for text in texts {
        let parsed = surface::Surface::parse(&text).unwrap();
        let header: Vec<String> = text
            .lines()
            .take_while(|l| l.starts_with("# "))
            .map(|l| l[2..].to_string())
            .collect();
        assert_eq!(parsed.to_text(&header), text);
    }
}

/// The spec edit the issue names: `owner_id` from integer to string in
/// `specs/intercom.yaml`, through the same path as `cargo xtask codegen`.
#[test]
fn intercom_owner_id_to_string_is_one_breaking_change_and_a_major_bump() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let text = std::fs::read_to_string(root.join("specs/intercom.yaml")).expect("intercom spec");
    let original: Value = clientgen::load::parse_value(&text).expect("YAML");
    let mut changed = original.clone();
    let mut edits = 0;
    fn walk(v: &mut Value, edits: &mut usize) {
        match v {
            Value::Object(o) => {
                if let Some(Value::Object(props)) = o.get_mut("properties") {
                    if let Some(Value::Object(owner)) = props.get_mut("owner_id") {
                        if owner.get("type") == Some(&Value::String("integer".into())) {
                            owner.insert("type".into(), Value::String("string".into()));
                            *edits += 1;
                        }
                    }
                }
                o.values_mut().for_each(|x| walk(x, edits));
            }
            Value::Array(a) => a.iter_mut().for_each(|x| walk(x, edits)),
            _ => {}
        }
    }
    walk(&mut changed, &mut edits);
    assert!(edits >= 1, "no integer owner_id in specs/intercom.yaml");
    let opts = CrateOptions {
        name: "contact-clients".into(),
        version: "0.1.0".into(),
        description: String::new(),
        command: "cargo xtask codegen".into(),
        features: FeatureMode::PerApi,
        standalone: false,
    };
    let describe = |v: &Value| {
        let api = lower(v, "specs/intercom.yaml");
        let m = ApiModule {
            module: "intercom".into(),
            spec_path: "specs/intercom.yaml".into(),
            api: &api,
        };
        surface::api_file(&m, &opts).contents
    };
    let (old, new) = (describe(&original), describe(&changed));
    let report = surface::compare(
        &BTreeMap::from([("intercom".to_string(), old)]),
        &BTreeMap::from([("intercom".to_string(), new)]),
        &BTreeMap::from([("intercom".to_string(), "specs/intercom.yaml".to_string())]),
    )
    .unwrap();
    let md = report.markdown(Some(("contact-clients", "0.1.0")));
    println!("{md}");
    let counts = report.counts();
    assert_eq!(counts.get(&Class::Breaking), Some(&1), "{md}");
    assert_eq!(counts.len(), 1, "nothing but the one breaking change: {md}");
    let breaking: Vec<&str> = md.lines().filter(|l| l.starts_with("- ")).collect();
    assert_eq!(breaking.len(), 1, "{md}");
    assert!(
        breaking[0].contains("`Contact.owner_id`")
            && breaking[0].contains("`UpdateContactRequest.owner_id`"),
        "{md}"
    );
    assert!(breaking[0].contains("type `i64` → `String`"), "{md}");
    assert!(
        breaking[0].contains("breaks Rust callers and the wire"),
        "{md}"
    );
    assert_eq!(report.bump(), Bump::Major);
    assert!(md.contains("**Recommended version bump: major** (breaking changes): `contact-clients` 0.1.0 → **0.2.0**"), "{md}");
}

/// Spec text is untrusted: whatever a spec names, the API file stays one
/// item per line, pure ASCII, and the report cannot start a new line.
#[test]
fn hostile_spec_text_stays_inside_its_line() {
    let mut v = base();
    let evil = "x\n- forged breaking change\u{202e}`` ` ";
    v["components"]["schemas"]["Role"]["enum"] = serde_json::json!(["user", evil]);
    v["servers"][0]["url"] = Value::String(format!("https://h/{evil}"));
    let api = lower(&v, "evil.json");
    let opts = surface::standalone_options("evil");
    let text = surface::api_file(
        &ApiModule {
            module: "api".into(),
            spec_path: "evil.json".into(),
            api: &api,
        },
        &opts,
    )
    .contents;
    assert!(text.is_ascii());
    assert!(!text.lines().any(|l| l.starts_with("- ")), "{text}");
    let base_api = lower(&base(), "base.json");
    let base_text = surface::api_file(
        &ApiModule {
            module: "api".into(),
            spec_path: "evil.json".into(),
            api: &base_api,
        },
        &opts,
    )
    .contents;
    let changes = surface::diff(
        &surface::Surface::parse(&base_text).unwrap(),
        &surface::Surface::parse(&text).unwrap(),
    );
    let md = report(changes, false).markdown(None);
    assert!(
        !md.contains('\u{202e}') && !md.contains("\n- forged"),
        "{md}"
    );
    assert!(
        md.contains("- forged breaking change\\u202e"),
        "spec text is shown escaped: {md}"
    );
}

// ---------------------------------------------------------------------------
// Cross-check against cargo-semver-checks.

fn semver_checks() -> Option<PathBuf> {
    if let Ok(p) = std::env::var("CARGO_SEMVER_CHECKS") {
        return Some(PathBuf::from(p));
    }
    let local =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/tools/bin/cargo-semver-checks");
    if local.exists() {
        return Some(local);
    }
    Command::new("cargo-semver-checks")
        .arg("--version")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|_| PathBuf::from("cargo-semver-checks"))
}

/// Builds one crate holding every row as a module (`old`: the base spec,
/// `new`: the edited ones), runs cargo-semver-checks once, and attributes
/// each reported item to its row by module path.
#[test]
#[ignore = "builds two crates and runs cargo-semver-checks (install: cargo install cargo-semver-checks --locked)"]
fn semver_checks_agrees() {
    let tool = semver_checks()
        .expect("cargo-semver-checks not found: set CARGO_SEMVER_CHECKS or install it");
    let table = edits();
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/semver-crosscheck");
    let module = |i: usize, e: &Edit| format!("e{i:02}_{}", e.name);
    for (side, specs) in [
        ("old", table.iter().map(base_of).collect::<Vec<_>>()),
        ("new", table.iter().map(edited).collect()),
    ] {
        let apis: Vec<clientgen::ir::Api> = specs
            .iter()
            .enumerate()
            .map(|(i, v)| lower(v, &format!("{side}{i}.json")))
            .collect();
        let modules: Vec<ApiModule<'_>> = apis
            .iter()
            .enumerate()
            .map(|(i, api)| ApiModule {
                module: module(i, &table[i]),
                spec_path: format!("{side}.json"),
                api,
            })
            .collect();
        let opts = CrateOptions {
            name: "edits".into(),
            version: "0.1.0".into(),
            description: "Edit table crate".into(),
            command: "surface_edits".into(),
            features: FeatureMode::PerApi,
            standalone: true,
        };
        let files = emit::emit_crate(&modules, &opts).expect("emit");
        let dir = out.join(side);
        let _ = std::fs::remove_dir_all(dir.join("src"));
        clientgen::write::write(&dir, &files).expect("write crate");
    }
    let output = Command::new(&tool)
        .args(["semver-checks", "check-release", "--manifest-path"])
        .arg(out.join("new/Cargo.toml"))
        .arg("--baseline-root")
        .arg(out.join("old"))
        .env("CARGO_TARGET_DIR", out.join("target"))
        .output()
        .expect("run cargo-semver-checks");
    let text = format!(
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    std::fs::write(out.join("semver-checks.txt"), &text).expect("write output");
    // `--- failure <lint>: ... ---` (major) or `--- warning <lint>: ... ---`
    // opens a section; its lines name items and files, which carry the module.
    let mut lints: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut warnings: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut current: Option<(bool, String)> = None;
    for line in text.lines() {
        if let Some(rest) = line.trim().strip_prefix("--- ") {
            current = match rest.split_once(' ') {
                Some(("failure", l)) => Some((true, l.split(':').next().unwrap_or(l).to_string())),
                Some(("warning", l)) => Some((false, l.split(':').next().unwrap_or(l).to_string())),
                _ => None,
            };
            continue;
        }
        if let Some((major, lint)) = &current {
            for (i, e) in table.iter().enumerate() {
                let m = module(i, e);
                if line.contains(&format!("::{m}::"))
                    || line.contains(&format!("/{m}/"))
                    || line.contains(&format!("{m}::"))
                {
                    let v = if *major {
                        lints.entry(m).or_default()
                    } else {
                        warnings.entry(m).or_default()
                    };
                    if !v.contains(lint) {
                        v.push(lint.clone());
                    }
                }
            }
        }
    }
    let mut rows = vec![
        "| # | edit | ours (Rust view) | cargo-semver-checks | agree |".to_string(),
        "|---|---|---|---|---|".to_string(),
    ];
    let mut disagreements = Vec::new();
    let mut agree = 0;
    for (i, e) in table.iter().enumerate() {
        let m = module(i, e);
        let found = lints.get(&m).cloned().unwrap_or_default();
        let theirs = if found.is_empty() {
            Semver::Clean
        } else {
            Semver::Major
        };
        let ours = if e.rust == Effect::Breaking {
            Semver::Major
        } else {
            Semver::Clean
        };
        let ok = ours == theirs;
        agree += ok as usize;
        if theirs != e.semver {
            disagreements.push(format!(
                "{m}: expected cargo-semver-checks to say {:?}, it said {:?} ({})",
                e.semver,
                theirs,
                found.join(", ")
            ));
        }
        rows.push(format!(
            "| {i} | {} | {} | {} | {} |",
            e.name,
            if ours == Semver::Major {
                "breaking"
            } else {
                "compiles"
            },
            match (found.is_empty(), warnings.get(&m)) {
                (true, None) => "clean".to_string(),
                (true, Some(w)) => format!("clean (warning: {})", w.join(", ")),
                (false, None) => found.join(", "),
                (false, Some(w)) => format!("{} (warning: {})", found.join(", "), w.join(", ")),
            },
            if ok {
                "yes".to_string()
            } else {
                format!("no: {}", e.semver_note)
            }
        ));
    }
    let summary = format!(
        "{agree} of {} rows agree\n\n{}\n",
        table.len(),
        rows.join("\n")
    );
    std::fs::write(out.join("report.md"), &summary).expect("write report");
    println!("{summary}");
    assert!(
        disagreements.is_empty(),
        "cargo-semver-checks said something unexpected:\n{}\n\nfull output: {}",
        disagreements.join("\n"),
        out.join("semver-checks.txt").display()
    );
}

/// Configuration changes the public API as much as the spec does: extra
/// derives, attributes and replaced Rust types are in the API file and
/// classified (applied to the IR here, as `lower/custom.rs` does).
#[test]
fn configured_derives_attributes_and_types_are_classified() {
    let base = lower(&base(), "base.json");
    let text = |api: &clientgen::ir::Api| {
        surface::api_file(
            &ApiModule {
                module: "api".into(),
                spec_path: "contacts.yaml".into(),
                api,
            },
            &surface::standalone_options("contacts"),
        )
        .contents
    };
    let with = |edit: &dyn Fn(&mut clientgen::ir::TypeDef)| {
        let mut api = base.clone();
        let def = api
            .types
            .iter_mut()
            .find(|t| t.name == "Contact")
            .expect("Contact");
        edit(def);
        api
    };
    let diff = |a: &clientgen::ir::Api, b: &clientgen::ir::Api| {
        surface::diff(
            &surface::Surface::parse(&text(a)).unwrap(),
            &surface::Surface::parse(&text(b)).unwrap(),
        )
    };
    let one = |changes: Vec<Change>| {
        assert_eq!(changes.len(), 1, "{changes:#?}");
        changes.into_iter().next().unwrap()
    };

    let hashed = with(&|d| d.derives.push("Hash".into()));
    let gained = one(diff(&base, &hashed));
    assert_eq!((gained.rust, gained.wire), (Effect::Additive, Effect::None));
    assert!(gained.summary.contains("now derives `Hash`"), "{gained:?}");
    let lost = one(diff(&hashed, &base));
    assert_eq!((lost.rust, lost.wire), (Effect::Breaking, Effect::None));
    assert!(
        lost.summary.contains("no longer derives `Hash`"),
        "{lost:?}"
    );

    let strict = with(&|d| d.attributes.push("#[serde(deny_unknown_fields)]".into()));
    let attr = one(diff(&base, &strict));
    assert_eq!(attr.rust, Effect::Breaking, "{attr:?}");
    assert!(attr.summary.contains("deny_unknown_fields"), "{attr:?}");

    let replaced = with(&|d| {
        let clientgen::ir::TypeKind::Struct(s) = &mut d.kind else {
            panic!("Contact is a struct")
        };
        let f = s
            .fields
            .iter_mut()
            .find(|f| f.name == "name")
            .expect("name");
        f.ty = clientgen::ir::TypeRef::External(clientgen::ir::ExternalType {
            path: "compact_str::CompactString".into(),
        });
    });
    let ty = one(diff(&base, &replaced));
    assert_eq!(ty.rust, Effect::Breaking, "{ty:?}");
    assert!(
        ty.summary.contains("compact_str::CompactString") && ty.key.path == "Contact.name",
        "{ty:?}"
    );
}

/// A type compiled only with some operations' features (`TypeDef::gate`):
/// moving it behind a feature, or losing one of its features, is breaking
/// for a build with only that feature; gaining features is additive.
#[test]
fn a_type_moving_behind_features_is_classified() {
    let mut base = lower(&base(), "base.json");
    // Gating is per tag feature: give the operations two.
    for (i, op) in base.operations.iter_mut().enumerate() {
        op.features = vec![["tag-a", "tag-b"][i % 2].to_string()];
    }
    let opts = surface::standalone_options("contacts");
    let text = |api: &clientgen::ir::Api| {
        surface::api_file(
            &ApiModule {
                module: "api".into(),
                spec_path: "contacts.yaml".into(),
                api,
            },
            &opts,
        )
        .contents
    };
    let gated = |gate: &[&str]| {
        let mut api = base.clone();
        let def = api
            .types
            .iter_mut()
            .find(|t| t.name == "Contact")
            .expect("Contact");
        def.gate = gate.iter().map(|f| f.to_string()).collect();
        api
    };
    let one = |a: &clientgen::ir::Api, b: &clientgen::ir::Api| {
        let changes = surface::diff(
            &surface::Surface::parse(&text(a)).unwrap(),
            &surface::Surface::parse(&text(b)).unwrap(),
        );
        assert_eq!(changes.len(), 1, "{changes:#?}");
        let c = changes.into_iter().next().unwrap();
        assert_eq!(c.key.path, "Contact", "{c:?}");
        (c.rust, c.wire, c.summary)
    };
    let (always, a, ab) = (gated(&[]), gated(&["tag-a"]), gated(&["tag-a", "tag-b"]));
    assert!(text(&a).contains("tag-a"), "{}", text(&a));

    let (rust, wire, summary) = one(&always, &a);
    assert_eq!((rust, wire), (Effect::Breaking, Effect::None));
    assert!(summary.contains("always → `tag-a`"), "{summary}");
    assert_eq!(one(&a, &always).0, Effect::Additive);
    assert_eq!(one(&a, &ab).0, Effect::Additive);
    let (rust, _, summary) = one(&ab, &a);
    assert_eq!(rust, Effect::Breaking);
    assert!(summary.contains("`tag-a, tag-b` → `tag-a`"), "{summary}");
}

/// `clientgen diff OLD NEW` on paths: a spec against the API file generated
/// from it is no change; the edited spec against it is the edit.
#[test]
fn diff_paths_compares_a_spec_with_its_api_file() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let api_file = root.join("generated/api/intercom.api.txt");
    let spec = root.join("specs/intercom.yaml");
    let same = surface::diff_paths(&spec, &api_file).expect("diff");
    assert!(same.counts().is_empty(), "{}", same.markdown(None));

    let text = std::fs::read_to_string(&spec).expect("spec");
    let edited = text.replace(
        "owner_id:\n          type: integer",
        "owner_id:\n          type: string",
    );
    assert_ne!(edited, text, "no `owner_id: type: integer` in the spec");
    let edited_path = Path::new(env!("CARGO_TARGET_TMPDIR")).join("intercom-edited.yaml");
    std::fs::write(&edited_path, edited).expect("write");
    let report = surface::diff_paths(&api_file, &edited_path).expect("diff");
    let md = report.markdown(None);
    assert_eq!(report.counts().get(&Class::Breaking), Some(&1), "{md}");
    assert_eq!(report.counts().len(), 1, "{md}");
    assert!(md.contains("### `intercom`"), "{md}");

    let err = surface::diff_paths(&root.join("no-such.yaml"), &api_file).unwrap_err();
    assert!(err.contains("no-such.yaml"), "{err}");
}
