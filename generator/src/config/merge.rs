//! Laying one configuration over another (command-line flags over the file).

use super::{Config, Output, Rename, Select, Types};

impl Config {
    /// `self` with `overrides` laid over it: a value the override sets
    /// replaces the file's (scalars, and lists that are non-empty); maps
    /// (replacements, renames, dependencies) are merged key by key with the
    /// override winning. A spec or `[[apis]]` in the override replaces the
    /// file's APIs.
    ///
    /// The file's paths stay relative to its directory; the override's paths
    /// are made relative to the override's `base_dir` here (for flags: leave
    /// it empty to mean the working directory).
    pub fn merge(self, overrides: Config) -> Config {
        let cwd = if overrides.base_dir.as_os_str().is_empty() {
            std::env::current_dir().unwrap_or_default()
        } else {
            overrides.base_dir.clone()
        };
        let rebase = |p: std::path::PathBuf| if p.is_absolute() { p } else { cwd.join(p) };
        let from_cli = |paths: Vec<std::path::PathBuf>| -> Vec<std::path::PathBuf> {
            paths.into_iter().map(rebase).collect()
        };
        let mut out = self;
        if let Some(spec) = overrides.spec.clone() {
            // A spec given on the command line replaces the file's APIs.
            out.spec_display = Some(spec.to_string_lossy().replace('\\', "/"));
            out.spec = Some(rebase(spec));
            out.apis.clear();
        }
        set(&mut out.module, overrides.module);
        if !overrides.overlays.is_empty() {
            out.overlays = from_cli(overrides.overlays);
        }
        let Output {
            dir,
            name,
            version,
            description,
            features,
            standalone,
        } = overrides.output;
        set(&mut out.output.dir, dir.map(rebase));
        set(&mut out.output.name, name);
        set(&mut out.output.version, version);
        set(&mut out.output.description, description);
        set(&mut out.output.features, features);
        set(&mut out.output.standalone, standalone);
        out.select = merge_select(out.select, overrides.select);
        out.types = merge_types(out.types, overrides.types);
        out.rename = merge_rename(out.rename, overrides.rename);
        out.dependencies.extend(overrides.dependencies);
        if !overrides.apis.is_empty() {
            out.apis = overrides
                .apis
                .into_iter()
                .map(|mut a| {
                    a.spec = rebase(a.spec);
                    a.overlays = from_cli(a.overlays);
                    a
                })
                .collect();
            out.spec = None;
        }
        if out.file.is_none() {
            out.file = overrides.file;
        }
        out
    }
}

fn set<T>(slot: &mut Option<T>, value: Option<T>) {
    if value.is_some() {
        *slot = value;
    }
}

fn list(slot: &mut Vec<String>, value: Vec<String>) {
    if !value.is_empty() {
        *slot = value;
    }
}

fn merge_select(base: Option<Select>, over: Option<Select>) -> Option<Select> {
    let Some(over) = over else { return base };
    let mut out = base.unwrap_or_default();
    list(&mut out.tags, over.tags);
    list(&mut out.operations, over.operations);
    list(&mut out.paths, over.paths);
    list(&mut out.exclude_tags, over.exclude_tags);
    list(&mut out.exclude_operations, over.exclude_operations);
    list(&mut out.exclude_paths, over.exclude_paths);
    set(&mut out.keep_unreachable_types, over.keep_unreachable_types);
    Some(out)
}

fn merge_types(base: Option<Types>, over: Option<Types>) -> Option<Types> {
    let Some(over) = over else { return base };
    let mut out = base.unwrap_or_default();
    set(&mut out.date_time, over.date_time);
    list(&mut out.derives, over.derives);
    list(&mut out.attributes, over.attributes);
    out.replace.extend(over.replace);
    out.formats.extend(over.formats);
    out.schema.extend(over.schema);
    Some(out)
}

fn merge_rename(base: Option<Rename>, over: Option<Rename>) -> Option<Rename> {
    let Some(over) = over else { return base };
    let mut out = base.unwrap_or_default();
    out.operations.extend(over.operations);
    out.types.extend(over.types);
    out.fields.extend(over.fields);
    out.variants.extend(over.variants);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::super::parse;
    use super::*;

    #[test]
    fn flags_override_the_file() {
        let file = parse(
            "spec = \"api.yaml\"\n[output]\nname = \"file-name\"\nversion = \"1.0.0\"\n[select]\ntags = [\"a\"]\nexclude-tags = [\"b\"]\n[types.replace]\nMoney = \"rust_decimal::Decimal\"\n",
            "clientgen.toml",
        )
        .unwrap();
        let flags = Config {
            output: Output {
                name: Some("flag-name".into()),
                ..Output::default()
            },
            select: Some(Select {
                tags: vec!["c".into()],
                ..Select::default()
            }),
            types: Some(Types {
                replace: [("Id".to_string(), "u128".to_string())]
                    .into_iter()
                    .collect(),
                ..Types::default()
            }),
            ..Config::default()
        };
        let merged = file.merge(flags);
        assert_eq!(merged.output.name.as_deref(), Some("flag-name"));
        assert_eq!(merged.output.version.as_deref(), Some("1.0.0"));
        let select = merged.select.unwrap();
        assert_eq!(select.tags, ["c"]);
        assert_eq!(select.exclude_tags, ["b"]);
        let replace = merged.types.unwrap().replace;
        assert_eq!(replace.len(), 2);
        assert_eq!(merged.file.as_deref(), Some("clientgen.toml"));
        assert_eq!(
            merged.spec.as_deref(),
            Some(std::path::Path::new("api.yaml"))
        );
    }

    #[test]
    fn a_spec_flag_replaces_the_apis() {
        let file = parse("[[apis]]\nmodule = \"a\"\nspec = \"a.yaml\"\n", "c.toml").unwrap();
        let merged = file.merge(Config {
            spec: Some("/tmp/x.yaml".into()),
            ..Config::default()
        });
        assert!(merged.apis.is_empty());
        assert_eq!(
            merged.spec.as_deref(),
            Some(std::path::Path::new("/tmp/x.yaml"))
        );
        // A relative spec is read from the working directory but shown as
        // written, so headers do not depend on where the command ran.
        let merged = Config::default().merge(Config {
            spec: Some("specs/x.yaml".into()),
            ..Config::default()
        });
        let api = &merged.apis().unwrap()[0];
        assert!(api.spec.is_absolute(), "{}", api.spec.display());
        assert_eq!(api.spec_display, "specs/x.yaml");
    }
}
