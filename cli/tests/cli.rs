//! The `clientgen` binary, run as a user runs it: in a directory outside the
//! repository, on a copy of a spec.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const SPEC: &str = include_str!("../../specs/intercom.yaml");

/// A fresh directory under the system temp dir holding `openapi.yaml`.
fn workdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("clientgen-cli-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("openapi.yaml"), SPEC).unwrap();
    dir
}

fn clientgen(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_clientgen"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run clientgen")
}

fn code(out: &Output) -> i32 {
    out.status.code().expect("exit code")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn json(out: &Output) -> Value {
    let text = String::from_utf8_lossy(&out.stdout);
    serde_json::from_str(text.trim())
        .unwrap_or_else(|e| panic!("stdout is not one JSON object ({e}): {text}"))
}

fn read(path: impl AsRef<Path>) -> String {
    fs::read_to_string(path.as_ref()).unwrap_or_else(|e| panic!("{}: {e}", path.as_ref().display()))
}

#[test]
fn init_then_generate_then_check() {
    let dir = workdir("init");
    let init = clientgen(&dir, &["init", "openapi.yaml", "--out", "client"]);
    assert_eq!(code(&init), 0, "{}", stderr(&init));
    let config = read(dir.join("clientgen.toml"));
    assert!(config.contains("spec = \"openapi.yaml\""), "{config}");
    assert!(config.contains("dir = \"client\""), "{config}");

    let generate = clientgen(&dir, &["generate"]);
    assert_eq!(code(&generate), 0, "{}", stderr(&generate));
    let err = stderr(&generate);
    for phase in ["load", "lower", "emit", "write"] {
        assert!(
            err.lines()
                // Milliseconds, or seconds when a loaded machine is slow.
                .any(|l| l.trim_start().starts_with(phase)
                    && (l.ends_with(" ms") || l.ends_with(" s"))),
            "{phase} timing in:\n{err}"
        );
    }
    let cargo = read(dir.join("client/Cargo.toml"));
    assert!(
        cargo.contains("name = \"intercom-rest-api-update-a-contact-client\""),
        "{cargo}"
    );
    assert!(read(dir.join("client/src/api/client.rs")).contains("pub fn update_contact"));
    let manifest = read(dir.join("client/.clientgen-manifest"));
    assert!(
        manifest.lines().any(|l| l == "src/api/client.rs"),
        "{manifest}"
    );

    let check = clientgen(&dir, &["check"]);
    assert_eq!(code(&check), 0, "{}", stderr(&check));

    // `init` never overwrites a configuration it did not just write.
    fs::write(
        dir.join("clientgen.toml"),
        "spec = \"openapi.yaml\"\n# mine\n",
    )
    .unwrap();
    let again = clientgen(&dir, &["init"]);
    assert_eq!(code(&again), 2);
    assert!(stderr(&again).contains("--force"), "{}", stderr(&again));
    assert!(read(dir.join("clientgen.toml")).contains("# mine"));
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn hand_written_files_survive_every_command() {
    let dir = workdir("survive");
    let out = dir.join("client");
    assert_eq!(
        code(&clientgen(
            &dir,
            &["generate", "openapi.yaml", "--out", "client"]
        )),
        0
    );
    let mine = [
        ("src/main.rs", "fn main() { println!(\"mine\"); }\n"),
        ("tests/smoke.rs", "#[test]\nfn smoke() {}\n"),
        ("NOTES.md", "# my notes\n"),
        ("src/api/extra.rs", "// beside generated files\n"),
    ];
    for (path, text) in mine {
        fs::create_dir_all(out.join(path).parent().unwrap()).unwrap();
        fs::write(out.join(path), text).unwrap();
    }
    let runs: [&[&str]; 5] = [
        &["generate", "openapi.yaml", "--out", "client"],
        &["check", "openapi.yaml", "--out", "client"],
        &["generate", "openapi.yaml", "--out", "client", "--force"],
        &["ir", "openapi.yaml"],
        // A new module name: every file of the old module goes, except ours.
        &[
            "generate",
            "openapi.yaml",
            "--out",
            "client",
            "--module",
            "contacts",
        ],
    ];
    for args in runs {
        let run = clientgen(&dir, args);
        assert_eq!(code(&run), 0, "{args:?}: {}", stderr(&run));
        for (path, text) in mine {
            assert_eq!(read(out.join(path)), text, "{path} after {args:?}");
        }
    }
    assert!(
        !out.join("src/api/client.rs").exists(),
        "the old module's generated files are removed"
    );
    assert!(out.join("src/contacts/client.rs").exists());
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn check_lists_stale_files_and_exits_1() {
    let dir = workdir("check");
    assert_eq!(
        code(&clientgen(
            &dir,
            &["generate", "openapi.yaml", "-o", "client"]
        )),
        0
    );
    fs::write(dir.join("client/src/api/types.rs"), "// edited by hand\n").unwrap();
    fs::remove_file(dir.join("client/README.md")).unwrap();
    let check = clientgen(&dir, &["check", "openapi.yaml", "-o", "client", "--quiet"]);
    assert_eq!(code(&check), 1);
    let err = stderr(&check);
    assert!(err.contains("src/api/types.rs (differs)"), "{err}");
    assert!(err.contains("README.md (missing)"), "{err}");
    assert_eq!(
        read(dir.join("client/src/api/types.rs")),
        "// edited by hand\n",
        "check writes nothing"
    );

    let check = clientgen(
        &dir,
        &["check", "openapi.yaml", "-o", "client", "--json", "--quiet"],
    );
    assert_eq!(code(&check), 1);
    let report = json(&check);
    assert_eq!(report["status"], "stale");
    assert_eq!(report["exit_code"], 1);
    let stale: Vec<&str> = report["stale"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["path"].as_str().unwrap())
        .collect();
    assert_eq!(stale, ["README.md", "src/api/types.rs"]);
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_directory_clientgen_did_not_write_needs_force() {
    let dir = workdir("force");
    fs::create_dir_all(dir.join("client/src")).unwrap();
    fs::write(
        dir.join("client/Cargo.toml"),
        "[package]\nname = \"mine\"\n",
    )
    .unwrap();
    fs::write(dir.join("client/src/main.rs"), "fn main() {}\n").unwrap();
    let refused = clientgen(&dir, &["generate", "openapi.yaml", "--out", "client"]);
    assert_eq!(code(&refused), 2);
    assert!(stderr(&refused).contains("--force"), "{}", stderr(&refused));
    assert_eq!(
        read(dir.join("client/Cargo.toml")),
        "[package]\nname = \"mine\"\n"
    );
    assert!(
        !dir.join("client/src/lib.rs").exists(),
        "a refused run writes nothing"
    );

    let forced = clientgen(
        &dir,
        &["generate", "openapi.yaml", "--out", "client", "--force"],
    );
    assert_eq!(code(&forced), 0, "{}", stderr(&forced));
    assert!(read(dir.join("client/Cargo.toml")).contains("@generated"));
    assert_eq!(read(dir.join("client/src/main.rs")), "fn main() {}\n");
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_bad_spec_exits_3_naming_the_place() {
    let dir = workdir("bad");
    fs::write(
        dir.join("bad.yaml"),
        // A defect of the whole document (an unresolved reference only
        // degrades its place, with a warning).
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '200': {description: ok}\nservers: 5\n",
    )
    .unwrap();
    let run = clientgen(&dir, &["generate", "bad.yaml", "--out", "client", "--json"]);
    assert_eq!(code(&run), 3, "{}", stderr(&run));
    assert!(stderr(&run).contains("bad.yaml:8:"), "{}", stderr(&run));
    let report = json(&run);
    assert_eq!(report["status"], "error");
    assert_eq!(report["error"]["file"], "bad.yaml");
    assert_eq!(report["error"]["line"], 8);
    assert!(!dir.join("client").exists());
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn usage_and_configuration_errors_exit_2() {
    let dir = workdir("usage");
    assert_eq!(code(&clientgen(&dir, &["generate", "--no-such-flag"])), 2);
    // No spec anywhere.
    let none = clientgen(&dir, &["generate"]);
    assert_eq!(code(&none), 2, "{}", stderr(&none));
    fs::write(
        dir.join("clientgen.toml"),
        "spec = \"openapi.yaml\"\n[output]\ndirr = \"x\"\n",
    )
    .unwrap();
    let typo = clientgen(&dir, &["generate"]);
    assert_eq!(code(&typo), 2);
    assert!(
        stderr(&typo).contains("clientgen.toml:3:"),
        "{}",
        stderr(&typo)
    );
    assert!(stderr(&typo).contains("dirr"), "{}", stderr(&typo));
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn json_and_quiet() {
    let dir = workdir("json");
    let run = clientgen(
        &dir,
        &[
            "generate",
            "openapi.yaml",
            "--out",
            "client",
            "--json",
            "--quiet",
        ],
    );
    assert_eq!(code(&run), 0);
    assert_eq!(stderr(&run), "", "--quiet prints nothing on success");
    let report = json(&run);
    assert_eq!(report["command"], "generate");
    assert_eq!(report["status"], "ok");
    assert_eq!(report["exit_code"], 0);
    let phases: Vec<&str> = report["phases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["phase"].as_str().unwrap())
        .collect();
    assert_eq!(phases, ["load", "lower", "emit", "write"]);
    let files = report["files"].as_u64().unwrap();
    assert_eq!(report["written"].as_array().unwrap().len() as u64, files);
    assert!(report["warnings"].is_array());

    let again = json(&clientgen(
        &dir,
        &[
            "generate",
            "openapi.yaml",
            "--out",
            "client",
            "--json",
            "--quiet",
        ],
    ));
    assert_eq!(
        again["written"].as_array().unwrap().len(),
        0,
        "an unchanged file is not rewritten"
    );
    assert_eq!(again["unchanged"].as_u64(), Some(files));
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn ir_prints_the_lowered_api() {
    let dir = workdir("ir");
    let run = clientgen(&dir, &["ir", "openapi.yaml", "--quiet"]);
    assert_eq!(code(&run), 0, "{}", stderr(&run));
    let ir = json(&run);
    assert_eq!(ir["operations"][0]["name"], "update_contact");
    fs::remove_dir_all(&dir).unwrap();
}

/// Users run `cargo fmt` on their workspace, with their own rustfmt
/// settings: generated files must come out unchanged, so `check` still
/// passes.
#[test]
fn cargo_fmt_leaves_generated_files_alone() {
    let dir = workdir("fmt");
    assert_eq!(
        code(&clientgen(
            &dir,
            &["generate", "openapi.yaml", "--out", "client"]
        )),
        0
    );
    let client = dir.join("client");
    fs::write(
        client.join("rustfmt.toml"),
        "hard_tabs = true\nmax_width = 60\n",
    )
    .unwrap();
    let fmt = |args: &[&str]| {
        Command::new(env!("CARGO"))
            .arg("fmt")
            .args(args)
            .current_dir(&client)
            .output()
            .expect("run cargo fmt")
    };
    let checked = fmt(&["--check"]);
    assert!(
        checked.status.success(),
        "cargo fmt --check would change generated files:\n{}",
        String::from_utf8_lossy(&checked.stdout)
    );
    let formatted = fmt(&[]);
    assert!(
        formatted.status.success(),
        "{}",
        String::from_utf8_lossy(&formatted.stderr)
    );
    let check = clientgen(&dir, &["check", "openapi.yaml", "--out", "client"]);
    assert_eq!(code(&check), 0, "{}", stderr(&check));

    // The attribute is what keeps rustfmt off: without it, the same run
    // would rewrite the files (so this test can fail).
    for line in read(client.join(".clientgen-manifest"))
        .lines()
        .filter(|l| l.ends_with(".rs"))
    {
        let path = client.join(line);
        fs::write(
            &path,
            read(&path).replace("#![cfg_attr(rustfmt, rustfmt::skip)]\n", ""),
        )
        .unwrap();
    }
    assert!(
        !fmt(&["--check"]).status.success(),
        "rustfmt would reformat the files without the attribute"
    );
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_codegen_configuration_writes_generated() {
    // `cargo xtask codegen` reads codegen.toml through the same library
    // code: the command writes the committed crate, headers aside.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let out = std::env::temp_dir().join(format!("clientgen-cli-codegen-{}", std::process::id()));
    let _ = fs::remove_dir_all(&out);
    let run = clientgen(
        &root,
        &[
            "generate",
            "--config",
            "codegen.toml",
            "--out",
            out.to_str().unwrap(),
            "--quiet",
        ],
    );
    assert_eq!(code(&run), 0, "{}", stderr(&run));
    let manifest = read(out.join(".clientgen-manifest"));
    let files: Vec<&str> = manifest
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .collect();
    assert!(files.len() > 20, "the manifest lists the crate: {manifest}");
    for file in files {
        let written = read(out.join(file)).replace(
            "clientgen generate --config codegen.toml",
            "cargo xtask codegen",
        );
        assert!(
            written == read(root.join("generated").join(file)),
            "{file} differs from generated/{file}"
        );
    }
    fs::remove_dir_all(&out).unwrap();
}

#[test]
fn diff_classifies_a_spec_edit_against_the_generated_api_file() {
    let dir = workdir("diff");
    let generate = clientgen(&dir, &["generate", "openapi.yaml", "--out", "client"]);
    assert_eq!(code(&generate), 0, "{}", stderr(&generate));
    let edited = SPEC.replace(
        "owner_id:\n          type: integer",
        "owner_id:\n          type: string",
    );
    assert_ne!(edited, SPEC, "no `owner_id: type: integer` in the spec");
    fs::write(dir.join("edited.yaml"), edited).unwrap();

    // The spec against the crate generated from it: nothing changed.
    let same = clientgen(&dir, &["diff", "client", "openapi.yaml"]);
    assert_eq!(code(&same), 0, "{}", stderr(&same));
    let text = String::from_utf8_lossy(&same.stdout);
    assert!(text.contains("No change to the public API."), "{text}");

    let changed = clientgen(&dir, &["diff", "client/api/api.api.txt", "edited.yaml"]);
    assert_eq!(code(&changed), 0, "{}", stderr(&changed));
    let text = String::from_utf8_lossy(&changed.stdout);
    assert!(
        text.contains("## API changes: 1 breaking, 0 additive, 0 docs-only"),
        "{text}"
    );
    assert!(
        text.contains("`Contact.owner_id`, `UpdateContactRequest.owner_id`: type `i64` → `String`"),
        "{text}"
    );

    let j = json(&clientgen(
        &dir,
        &["diff", "--json", "openapi.yaml", "edited.yaml"],
    ));
    assert_eq!(j["changes"]["breaking"], 1, "{j}");
    assert_eq!(j["bump"], "major", "{j}");
    assert_eq!(j["exit_code"], 0, "{j}");

    let missing = clientgen(&dir, &["diff", "nope.yaml", "edited.yaml"]);
    assert_eq!(code(&missing), 3);
    assert!(
        stderr(&missing).contains("nope.yaml"),
        "{}",
        stderr(&missing)
    );
}
