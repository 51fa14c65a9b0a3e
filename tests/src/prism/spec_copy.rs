//! The spec file Prism serves: the spec itself, or a copy in the harness's
//! temp dir with URL fragments (`#...`) stripped from the path keys, which
//! Prism cannot route.

use std::path::{Path, PathBuf};

/// The file Prism should serve for `spec` (whose text is `text`): `spec`
/// itself, or, when path keys carry `#fragments`, a sanitized copy written to
/// `temp_dir` under the same file name.
pub(super) fn served_spec(spec: &Path, text: &str, temp_dir: &Path) -> Result<PathBuf, String> {
    match strip_path_fragments(text).map_err(|e| format!("spec {}: {e}", spec.display()))? {
        None => Ok(spec.to_path_buf()),
        Some(sanitized) => {
            let name = spec
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| "spec.yaml".into());
            let path = temp_dir.join(name);
            std::fs::write(&path, sanitized)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            Ok(path)
        }
    }
}

/// If any key of the spec's `paths` contains a URL fragment (`#...`), returns a
/// YAML copy of the spec with the fragments removed from the path keys;
/// otherwise `None` (serve the spec unchanged). Fails if stripping makes two
/// path items define the same method (or conflicting path-level fields), or if
/// the spec has relative external `$ref`s that would break in a copy.
pub fn strip_path_fragments(spec_text: &str) -> Result<Option<String>, String> {
    use serde_norway::{Mapping, Value};
    let mut doc: Value =
        serde_norway::from_str(spec_text).map_err(|e| format!("not valid YAML/JSON: {e}"))?;
    let Some(paths) = doc.get("paths").and_then(Value::as_mapping) else {
        return Ok(None);
    };
    let needs = paths
        .keys()
        .any(|k| k.as_str().is_some_and(|k| k.contains('#')));
    if !needs {
        return Ok(None);
    }
    if let Some(r) = first_external_ref(&doc) {
        return Err(format!(
            "path keys contain '#fragments' and must be stripped in a temp copy, but the spec \
             has an external $ref ({r}) that would not resolve from there"
        ));
    }
    let mut new_paths = Mapping::new();
    for (key, item) in paths {
        let key_str = key
            .as_str()
            .ok_or_else(|| format!("non-string path key {key:?}"))?;
        let stripped = match key_str.find('#') {
            Some(i) => &key_str[..i],
            None => key_str,
        };
        let new_key = Value::String(stripped.to_string());
        match new_paths.get_mut(&new_key) {
            None => {
                new_paths.insert(new_key, item.clone());
            }
            Some(existing) => {
                // Merge path items whose keys differ only by the fragment, if they
                // do not overlap (e.g. different methods).
                let (Some(dst), Some(src)) = (existing.as_mapping_mut(), item.as_mapping()) else {
                    return Err(format!("path item {key_str:?} is not a mapping"));
                };
                for (field, value) in src {
                    match dst.get(field) {
                        None => {
                            dst.insert(field.clone(), value.clone());
                        }
                        Some(v) if v == value => {}
                        Some(_) => {
                            return Err(format!(
                                "stripping the fragment from path key {key_str:?} collides with \
                                 another path item on {stripped:?} (both define {:?}); Prism \
                                 cannot serve both",
                                field.as_str().unwrap_or("?")
                            ))
                        }
                    }
                }
            }
        }
    }
    doc.as_mapping_mut()
        .expect("has paths, so is a mapping")
        .insert(Value::String("paths".into()), Value::Mapping(new_paths));
    serde_norway::to_string(&doc)
        .map(Some)
        .map_err(|e| format!("cannot serialize the sanitized spec: {e}"))
}

fn first_external_ref(v: &serde_norway::Value) -> Option<String> {
    use serde_norway::Value;
    match v {
        Value::Mapping(m) => m.iter().find_map(|(k, v)| {
            if k.as_str() == Some("$ref") {
                if let Some(r) = v.as_str() {
                    if !r.starts_with('#') {
                        return Some(r.to_string());
                    }
                }
            }
            first_external_ref(v)
        }),
        Value::Sequence(s) => s.iter().find_map(first_external_ref),
        Value::Tagged(t) => first_external_ref(&t.value),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_fragments_from_path_keys_only_when_needed() {
        assert_eq!(
            strip_path_fragments("openapi: 3.0.0\npaths:\n  /a: {}\n").unwrap(),
            None
        );
        let out = strip_path_fragments(
            "openapi: 3.0.0\npaths:\n  /p/{id}/tools/#X:\n    post:\n      responses: {'200': {description: ok}}\n",
        )
        .unwrap()
        .unwrap();
        let v: serde_norway::Value = serde_norway::from_str(&out).unwrap();
        let keys: Vec<_> = v["paths"]
            .as_mapping()
            .unwrap()
            .keys()
            .map(|k| k.as_str().unwrap())
            .collect();
        assert_eq!(keys, ["/p/{id}/tools/"]);
        assert!(v["paths"]["/p/{id}/tools/"]["post"]["responses"]["200"].is_mapping());
        // same method twice after stripping: cannot be served
        let err = strip_path_fragments(
            "paths:\n  /t/#A:\n    post: {x: 1}\n  /t/#B:\n    post: {x: 2}\n",
        )
        .unwrap_err();
        assert!(err.contains("collides"), "{err}");
        // different methods merge
        let out =
            strip_path_fragments("paths:\n  /t/#A:\n    post: {x: 1}\n  /t/#B:\n    get: {x: 2}\n")
                .unwrap()
                .unwrap();
        let v: serde_norway::Value = serde_norway::from_str(&out).unwrap();
        assert!(v["paths"]["/t/"]["post"].is_mapping() && v["paths"]["/t/"]["get"].is_mapping());
    }
}
