//! `clientgen.toml` end to end: configurations in `tests/config/` are
//! loaded, applied and their crates compiled.
//!
//! - `box.toml` selects 3 of Box's 296 operations; the pruned crate must
//!   compile and hold only the types those operations reach.
//! - `shop.toml` puts one spec in two modules: one with chrono date-times, a
//!   `rust_decimal::Decimal` replacing a schema, global `Hash`/`Eq` derives,
//!   a per-type `schemars::JsonSchema` derive, an attribute and naming
//!   overrides; one with jiff. A small program (`usage`, below) uses every
//!   one of those and round-trips a JSON order through both modules.
//! - `paragon.overlay.yaml` is applied to Paragon's published spec, which
//!   stays untouched.
//!
//! The crates build in one scratch workspace, `target/config-crates`, whose
//! lock file starts from `tests/config/Cargo.lock` (pinned versions of the
//! extra crates the configurations name).

use std::path::{Path, PathBuf};
use std::process::Command;

use clientgen::config;
use clientgen::emit::{self, ApiModule, GeneratedFile};
use clientgen::ir::{TypeKind, TypeRef};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/config")
}

fn out_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/config-crates")
}

/// Loads a configuration and generates its crate, as `clientgen generate`
/// would: (files, lowered APIs, warnings).
fn generate(config_file: &str) -> (Vec<GeneratedFile>, Vec<clientgen::Lowered>, Vec<String>) {
    let cfg = config::load(&dir().join(config_file)).unwrap_or_else(|e| panic!("{e}"));
    let apis = cfg.apis().unwrap_or_else(|e| panic!("{e}"));
    let lowered: Vec<clientgen::Lowered> = apis
        .iter()
        .map(|a| a.lower().unwrap_or_else(|e| panic!("{e}")))
        .collect();
    let warnings = lowered
        .iter()
        .flat_map(|l| l.warnings.iter().map(|w| w.to_string()))
        .collect();
    let modules: Vec<ApiModule<'_>> = apis
        .iter()
        .zip(&lowered)
        .map(|(a, l)| ApiModule {
            module: a.module.clone(),
            spec_path: a.spec_display.clone(),
            api: &l.api,
        })
        .collect();
    let ir: Vec<&clientgen::ir::Api> = lowered.iter().map(|l| &l.api).collect();
    let mut opts = cfg.crate_options(
        &format!("clientgen generate --config generator/tests/config/{config_file}"),
        &ir,
    );
    opts.standalone = false;
    let files = emit::emit_crate(&modules, &opts).unwrap_or_else(|e| panic!("{e}"));
    drop(modules);
    (files, lowered, warnings)
}

fn file<'a>(files: &'a [GeneratedFile], path: &str) -> &'a str {
    &files
        .iter()
        .find(|f| f.path == Path::new(path))
        .unwrap_or_else(|| panic!("no {path}"))
        .contents
}

#[test]
fn box_selection_prunes_unreached_types() {
    let (_, lowered, warnings) = generate("box.toml");
    let api = &lowered[0].api;
    let ops: Vec<&str> = api.operations.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(
        ops,
        ["get_files_id", "get_folders_id_items", "post_comments"]
    );
    let names: Vec<&str> = api.types.iter().map(|t| t.name.as_str()).collect();
    for reached in [
        "FileFull",
        "Items",
        "CommentFull",
        "ClientError",
        "GetFoldersIdItemsSort",
    ] {
        assert!(names.contains(&reached), "{reached} missing from {names:?}");
    }
    let full = clientgen::lower_file(
        &dir().join("../../../corpus/specs/v3.0/box-openapi.json"),
        "box",
    )
    .unwrap();
    let all: Vec<&str> = full.api.types.iter().map(|t| t.name.as_str()).collect();
    for pruned in ["Collaboration", "Webhook", "LegalHoldPolicy", "SignRequest"] {
        assert!(
            all.contains(&pruned),
            "{pruned} is a type of the whole spec"
        );
        assert!(!names.contains(&pruned), "{pruned} should have been pruned");
    }
    // Box has 305 component schemas; three operations reach a small part.
    assert!(api.types.len() < 120, "{} types kept", api.types.len());
    assert!(
        !warnings.iter().any(|w| w.contains("selection:")),
        "{warnings:#?}"
    );
}

#[test]
fn a_selection_matching_nothing_warns_with_the_nearest_id() {
    let mut cfg = config::parse(
        "spec = \"box.json\"\n[select]\noperations = [\"get_file_id\"]\n",
        "c.toml",
    )
    .unwrap();
    cfg.spec =
        Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpus/specs/v3.0/box-openapi.json"));
    let l = cfg.apis().unwrap()[0].lower().unwrap();
    assert!(l.api.operations.is_empty());
    assert!(l.api.types.is_empty(), "nothing selected reaches any type");
    let w: Vec<String> = l.warnings.iter().map(|w| w.to_string()).collect();
    assert!(
        w.iter().any(|w| w.contains("selection: `get_file_id` in `operations` matches no operation; did you mean `get_files_id`?")),
        "{w:#?}"
    );
}

#[test]
fn shop_configuration_reaches_the_ir() {
    let (files, lowered, warnings) = generate("shop.toml");
    // Generated types implement serde by hand: a serde attribute is left
    // off (it would not compile, or do nothing), with a warning.
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    assert!(
        warnings[0].contains("attribute `#[serde(rename_all = \"camelCase\")]` left off 1 type(s)")
            && warnings[0].ends_with(": `Buyer`"),
        "{warnings:#?}"
    );
    let api = &lowered[0].api;
    assert_eq!(
        api.operations
            .iter()
            .map(|o| o.name.as_str())
            .collect::<Vec<_>>(),
        ["get_order", "create_order"]
    );
    let order = api
        .types
        .iter()
        .find(|t| t.name == "Order")
        .expect("order renamed to Order");
    assert_eq!(order.derives, ["Hash", "Eq"]);
    assert_eq!(order.attributes, ["#[doc(alias = \"shop\")]"]);
    let TypeKind::Struct(s) = &order.kind else {
        panic!("Order is a struct")
    };
    let field = |wire: &str| s.fields.iter().find(|f| f.name == wire).unwrap();
    assert_eq!(field("type").rust_name, "kind");
    assert_eq!(
        field("total").ty,
        TypeRef::External(clientgen::ir::ExternalType {
            path: "rust_decimal::Decimal".into()
        })
    );
    assert!(
        matches!(&field("created_at").ty, TypeRef::External(e) if e.path == "chrono::DateTime<chrono::FixedOffset>")
    );
    assert!(
        !api.types
            .iter()
            .any(|t| t.key == "#/components/schemas/Money"),
        "a replaced schema gets no type"
    );
    let status = api
        .types
        .iter()
        .find(|t| t.key.ends_with("/status"))
        .unwrap();
    let TypeKind::Enum(e) = &status.kind else {
        panic!()
    };
    assert_eq!(
        e.variants
            .iter()
            .map(|v| v.name.as_str())
            .collect::<Vec<_>>(),
        ["Placed", "Priority", "Shipped"]
    );
    let buyer = api.types.iter().find(|t| t.name == "Buyer").unwrap();
    assert_eq!(buyer.derives, ["Hash", "Eq", "schemars::JsonSchema"]);
    // Enums already derive Hash and Eq: nothing is added twice.
    assert!(status.derives.is_empty(), "{:?}", status.derives);

    let jiff = &lowered[1].api;
    let jorder = jiff
        .types
        .iter()
        .find(|t| t.key == "#/components/schemas/order")
        .unwrap();
    assert_eq!(jorder.name, "Order", "pascal-cased without a rename");
    let TypeKind::Struct(js) = &jorder.kind else {
        panic!()
    };
    assert!(js
        .fields
        .iter()
        .any(|f| matches!(&f.ty, TypeRef::External(e) if e.path == "jiff::Timestamp")));

    let cargo = file(&files, "Cargo.toml");
    for dep in [
        "chrono = { version = \"0.4\", default-features = false, features = [\"serde\", \"std\"] }",
        "jiff = { version = \"0.2\", features = [\"serde\"] }",
        "rust_decimal = { default-features = false, features = [\"serde\", \"std\"], version = \"1\" }",
        "schemars = \"1\"",
    ] {
        assert!(cargo.contains(dep), "{dep} missing from\n{cargo}");
    }
    let types = file(&files, "src/chrono_shop/types.rs");
    assert!(
        types.contains("#[derive(Hash, Eq)]\n#[doc(alias = \"shop\")]\npub struct Order {"),
        "{types}"
    );
    assert!(
        types.contains("pub total: rust_decimal::Decimal,"),
        "{types}"
    );
    assert!(
        types.contains(
            "#[derive(Hash, Eq, schemars::JsonSchema)]\n#[doc(alias = \"shop\")]\npub struct Buyer {"
        ),
        "{types}"
    );
    // `runtime::Extra` implements `Hash` and `Eq` but not `JsonSchema`: the
    // buyer's undeclared properties stay a map (the crates compile below).
    let extra_of = |name: &str| {
        let start = types.find(&format!("pub struct {name} {{")).unwrap();
        let decl = &types[start..start + types[start..].find("\n}").unwrap()];
        decl.lines().last().unwrap().trim().to_string()
    };
    assert_eq!(extra_of("Order"), "pub extra: crate::runtime::Extra,");
    assert_eq!(
        extra_of("Buyer"),
        "pub extra: serde_json::Map<String, serde_json::Value>,"
    );
}

#[test]
fn paragon_overlay_fixes_the_spec_without_touching_it() {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/paragon-actionkit.yaml");
    let before = std::fs::read(&spec).unwrap();
    let overlay = clientgen::overlay::Overlay::load(&dir().join("paragon.overlay.yaml"))
        .unwrap_or_else(|e| panic!("{e}"));
    let loaded = clientgen::load::load_file_with_overlays(&spec, &[overlay])
        .unwrap_or_else(|e| panic!("{e}"));
    let warnings: Vec<String> = loaded.warnings.iter().map(|w| w.to_string()).collect();
    let lowered = clientgen::lower_loaded(loaded, "specs/paragon-actionkit.yaml");
    assert_eq!(
        std::fs::read(&spec).unwrap(),
        before,
        "the published spec stays byte-for-byte"
    );

    let op = &lowered.api.operations[0];
    assert_eq!(op.operation_id.as_deref(), Some("updateIntercomContact"));
    assert_eq!(op.name, "update_intercom_contact");
    let tool = lowered
        .api
        .types
        .iter()
        .find(|t| t.key.ends_with("/properties/tool"))
        .expect("tool is a constant");
    let TypeKind::Enum(e) = &tool.kind else {
        panic!("{:?}", tool.kind)
    };
    assert_eq!(e.variants.len(), 1);
    assert_eq!(
        warnings,
        [format!(
            "warning: {}:23:13: at #/actions/3/target: action 3: target `$.paths.*.post.responses['404']` selects nothing in the spec; the action has no effect",
            dir().join("paragon.overlay.yaml").display()
        )]
    );
}

/// A program using everything `shop.toml` configured; it only compiles if
/// the types, derives and names are what the configuration asked for.
const USAGE: &str = r##"
use config_shop::chrono_shop::types::{Buyer, Order, OrderStatus};

fn hash_eq<T: std::hash::Hash + Eq>() {}

fn main() {
    hash_eq::<Order>();
    hash_eq::<Buyer>();
    let json = r#"{"id":"o1","total":"12.50","created_at":"2024-05-01T10:00:00+02:00","ship_by":"2024-05-03","status":"+1","type":"gift"}"#;
    let order: Order = serde_json::from_str(json).expect("decodes");
    let total: rust_decimal::Decimal = order.total;
    assert_eq!(total, rust_decimal::Decimal::new(1250, 2));
    let at: chrono::DateTime<chrono::FixedOffset> = order.created_at;
    assert_eq!(at.offset().local_minus_utc(), 7200);
    let ship_by: Option<chrono::NaiveDate> = order.ship_by;
    assert_eq!(ship_by, chrono::NaiveDate::from_ymd_opt(2024, 5, 3));
    assert_eq!(order.status, OrderStatus::Priority);
    assert_eq!(order.kind.as_deref(), Some("gift"));
    let back = serde_json::to_value(&order).expect("encodes");
    assert_eq!(back["total"], "12.50");
    assert_eq!(back["type"], "gift");
    let schema = serde_json::to_value(schemars::schema_for!(Buyer)).expect("schema");
    assert!(schema["properties"]["email"].is_object(), "{schema}");

    let j: config_shop::jiff_shop::types::Order = serde_json::from_str(json).expect("decodes");
    let ts: jiff::Timestamp = j.created_at;
    assert_eq!(ts.as_second(), 1714550400);
    let _: Option<jiff::civil::Date> = j.ship_by;

    println!("usage ok");
}

/// The configured method names (not called: there is no server).
#[allow(dead_code)]
fn calls(a: &config_shop::chrono_shop::Client, b: &config_shop::jiff_shop::Client, c: &config_box_selected::api::Client) {
    let _ = a.get_order("o1");
    let _ = b.fetch_order_by_id("o1");
    let _ = c.get_files_id("f1");
}
"##;

#[test]
fn configured_crates_compile_and_behave() {
    let out = out_dir();
    let (shop, _, _) = generate("shop.toml");
    let (boxed, _, _) = generate("box.toml");
    clientgen::write::write(&out.join("shop"), &shop).expect("write shop");
    clientgen::write::write(&out.join("box"), &boxed).expect("write box");
    let usage = out.join("usage");
    std::fs::create_dir_all(usage.join("src")).unwrap();
    write_if_changed(
        &usage.join("Cargo.toml"),
        "[package]\nname = \"usage\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\nconfig-shop = { path = \"../shop\" }\nconfig-box-selected = { path = \"../box\" }\nserde_json = \"1\"\nrust_decimal = { version = \"1\", default-features = false, features = [\"serde\", \"std\"] }\nchrono = { version = \"0.4\", default-features = false, features = [\"serde\", \"std\"] }\njiff = { version = \"0.2\", features = [\"serde\"] }\nschemars = \"1\"\n",
    );
    write_if_changed(&usage.join("src/main.rs"), USAGE);
    write_if_changed(
        &out.join("Cargo.toml"),
        "# Written by generator/tests/config.rs.\n[workspace]\nresolver = \"2\"\nmembers = [\"box\", \"shop\", \"usage\"]\n",
    );
    let lock = out.join("Cargo.lock");
    if !lock.exists() {
        std::fs::copy(dir().join("Cargo.lock"), &lock).expect("seed Cargo.lock");
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let run = |args: &[&str]| {
        let o = Command::new(&cargo)
            .args(args)
            .current_dir(&out)
            .env("CARGO_TARGET_DIR", out.join("target"))
            .env("RUSTFLAGS", "-D warnings")
            .env_remove("CARGO_ENCODED_RUSTFLAGS")
            .output()
            .expect("cargo runs");
        (
            o.status.success(),
            format!(
                "{}{}",
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            ),
        )
    };
    // Warnings are errors in the generated crates (dependencies' lints are
    // capped by cargo).
    let (ok, output) = run(&["build", "--workspace", "--message-format", "short"]);
    assert!(ok, "the configured crates do not build cleanly:\n{output}");
    let (ok, output) = run(&["run", "-q", "-p", "usage"]);
    assert!(ok && output.contains("usage ok"), "{output}");
}

fn write_if_changed(path: &Path, text: &str) {
    if std::fs::read_to_string(path).ok().as_deref() != Some(text) {
        std::fs::write(path, text).unwrap();
    }
}

#[test]
fn an_error_an_overlay_introduces_points_at_the_overlay() {
    let tmp = out_dir().join("overlay-error");
    std::fs::create_dir_all(&tmp).unwrap();
    std::fs::write(
        tmp.join("break.yaml"),
        "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: $\n    update: {servers: 5}\n",
    )
    .unwrap();
    std::fs::write(
        tmp.join("clientgen.toml"),
        format!(
            "spec = {:?}\noverlays = [\"break.yaml\"]\n",
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/paragon-actionkit.yaml")
        ),
    )
    .unwrap();
    let cfg = config::load(&tmp.join("clientgen.toml")).unwrap();
    let e = cfg.apis().unwrap()[0]
        .lower()
        .err()
        .expect("`servers` that is not an array is an error");
    let text = e.to_string();
    assert!(text.contains("`servers` must be an array"), "{text}");
    assert!(
        text.contains("help: the document was changed by overlays first"),
        "{text}"
    );
    assert!(text.contains("break.yaml"), "{text}");
}
