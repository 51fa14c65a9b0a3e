//! What the xtask reads from the manifests of the crates the generator writes.

use std::fs;
use std::path::Path;

/// The API's own cargo features of a generated crate (its default features
/// without the TLS backends). The corpus's round-trip and fuzz programs and
/// the decode bench build with these and no TLS: a type only some tags'
/// operations use is compiled only with one of their features.
pub fn api_features(dir: &Path) -> Vec<String> {
    let Ok(manifest) = fs::read_to_string(dir.join("Cargo.toml")) else {
        return Vec::new();
    };
    manifest
        .lines()
        .find_map(|l| l.strip_prefix("default = ["))
        .map(|list| {
            list.split('"')
                .skip(1)
                .step_by(2)
                .filter(|f| !matches!(*f, "rustls" | "native-tls"))
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// The name rustc gets for the library of the crate in `dir`
/// (`--crate-name`): its `[lib]` name if the manifest gives one, else the
/// package's name with `-` as `_`.
pub fn lib_crate_name(dir: &Path) -> Option<String> {
    let manifest = fs::read_to_string(dir.join("Cargo.toml")).ok()?;
    let mut section = "";
    let (mut package, mut lib) = (None, None);
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            section = line;
            continue;
        }
        let Some(value) = line
            .strip_prefix("name")
            .map(str::trim_start)
            .and_then(|l| l.strip_prefix('='))
        else {
            continue;
        };
        let value = value.trim().trim_matches('"').to_string();
        match section {
            "[package]" if package.is_none() => package = Some(value),
            "[lib]" if lib.is_none() => lib = Some(value),
            _ => {}
        }
    }
    lib.or(package).map(|n| n.replace('-', "_"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn api_features_are_the_defaults_without_tls() {
        let dir = std::env::temp_dir().join(format!("xtask-api-features-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("Cargo.toml"),
            "[package]\nname = \"x\"\n\n[features]\ndefault = [\"tag-a\", \"path-b\", \"rustls\"]\ntag-a = []\n",
        )
        .unwrap();
        assert_eq!(super::api_features(&dir), ["tag-a", "path-b"]);
        std::fs::write(dir.join("Cargo.toml"), "[package]\nname = \"x\"\n").unwrap();
        assert!(super::api_features(&dir).is_empty());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn lib_crate_name_is_rustcs() {
        let dir = std::env::temp_dir().join(format!("xtask-lib-name-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let name = |manifest: &str| {
            std::fs::write(dir.join("Cargo.toml"), manifest).unwrap();
            super::lib_crate_name(&dir)
        };
        assert_eq!(
            name("[package]\nname = \"bench-api-runtime\"\nversion = \"0.1.0\"\n\n[dependencies]\nname_x = \"1\"\n"),
            Some("bench_api_runtime".into())
        );
        assert_eq!(
            name("[package]\nname = \"bench-api\"\n[lib]\nname = \"api\"\n"),
            Some("api".into())
        );
        assert_eq!(name("[workspace]\n"), None);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
