//! The runtime shipped inside every generated crate: ordinary Rust source in
//! `generator/runtime/`, compiled and tested there, copied verbatim.

/// (file name, contents) of each runtime source file.
pub const RUNTIME_FILES: &[(&str, &str)] = &[
    ("auth.rs", include_str!("../../runtime/auth.rs")),
    ("client.rs", include_str!("../../runtime/client.rs")),
    (
        "credentials.rs",
        include_str!("../../runtime/credentials.rs"),
    ),
    ("datetime.rs", include_str!("../../runtime/datetime.rs")),
    ("download.rs", include_str!("../../runtime/download.rs")),
    ("encode.rs", include_str!("../../runtime/encode.rs")),
    ("error.rs", include_str!("../../runtime/error.rs")),
    ("events.rs", include_str!("../../runtime/events.rs")),
    ("execute.rs", include_str!("../../runtime/execute.rs")),
    ("hook.rs", include_str!("../../runtime/hook.rs")),
    ("lenient.rs", include_str!("../../runtime/lenient.rs")),
    ("maybe.rs", include_str!("../../runtime/maybe.rs")),
    ("mod.rs", include_str!("../../runtime/mod.rs")),
    ("multipart.rs", include_str!("../../runtime/multipart.rs")),
    ("oauth2.rs", include_str!("../../runtime/oauth2.rs")),
    ("object.rs", include_str!("../../runtime/object.rs")),
    ("options.rs", include_str!("../../runtime/options.rs")),
    ("pagination.rs", include_str!("../../runtime/pagination.rs")),
    ("request.rs", include_str!("../../runtime/request.rs")),
    ("response.rs", include_str!("../../runtime/response.rs")),
    ("retry.rs", include_str!("../../runtime/retry.rs")),
    ("secret.rs", include_str!("../../runtime/secret.rs")),
    ("sse.rs", include_str!("../../runtime/sse.rs")),
    ("trace.rs", include_str!("../../runtime/trace.rs")),
    ("union.rs", include_str!("../../runtime/union.rs")),
];

#[cfg(test)]
mod tests {
    #[test]
    fn lists_every_runtime_file() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("runtime");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .expect("runtime dir")
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".rs"))
            .collect();
        on_disk.sort();
        let listed: Vec<&str> = super::RUNTIME_FILES.iter().map(|(n, _)| *n).collect();
        assert_eq!(on_disk, listed);
    }
}
