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
}
