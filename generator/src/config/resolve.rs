//! A [`Config`] → what the pipeline takes: one [`ApiSettings`] per API and
//! the crate's [`CrateOptions`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::{Config, DateTimeCrate, Features, Rename, Select, Types};
use crate::diagnostic::{pointer_escape, Diagnostic};
use crate::emit::{CrateOptions, FeatureMode};
use crate::ir::ExternalType;
use crate::lower::options::{Options, Renames, Selection, TypeExtras};

/// One API to generate: where its spec is, the overlays to apply, and how
/// to lower it.
#[derive(Clone, Debug, PartialEq)]
pub struct ApiSettings {
    /// Module (and, for several APIs, cargo feature) name.
    pub module: String,
    /// The spec's path, resolved against the configuration's directory.
    pub spec: PathBuf,
    /// The spec's path as written in the configuration, for messages and
    /// `@generated` headers (stable wherever the command runs).
    pub spec_display: String,
    /// Overlay files, resolved, in the order they apply.
    pub overlays: Vec<PathBuf>,
    pub options: Options,
}

impl ApiSettings {
    /// A spec with no overlays and default lowering, shown as its path.
    pub fn new(module: impl Into<String>, spec: impl Into<PathBuf>) -> Self {
        let spec = spec.into();
        ApiSettings {
            module: module.into(),
            spec_display: display(&spec),
            spec,
            overlays: Vec::new(),
            options: Options::default(),
        }
    }

    /// Loads the spec, applies the overlays and lowers it as configured.
    pub fn lower(&self) -> Result<crate::Lowered, Diagnostic> {
        Ok(self.lower_loaded(self.load()?))
    }

    /// Loads the spec with the overlays applied (the load phase).
    pub fn load(&self) -> Result<crate::load::Loaded, Diagnostic> {
        let overlays = self
            .overlays
            .iter()
            .map(|p| crate::overlay::Overlay::load(p))
            .collect::<Result<Vec<_>, _>>()?;
        crate::load::load_file_with_overlays(&self.spec, &overlays).map_err(|mut d| {
            if d.file == self.spec.display().to_string() {
                d.file = self.spec_display.clone();
                if !overlays.is_empty() && d.help.is_none() {
                    let names: Vec<&str> = overlays.iter().map(|o| o.file.as_str()).collect();
                    d.help = Some(format!(
                        "the document was changed by overlays first ({}); the cause may be there",
                        names.join(", ")
                    ));
                }
            }
            d
        })
    }

    /// Lowers a document [`load`](Self::load) returned, as configured (the
    /// lower phase).
    pub fn lower_loaded(&self, loaded: crate::load::Loaded) -> crate::Lowered {
        crate::lower_loaded_with(loaded, &self.spec_display, &self.options)
    }
}

impl Config {
    /// The APIs to generate, in order; an error when the configuration (and
    /// flags) name no spec.
    pub fn apis(&self) -> Result<Vec<ApiSettings>, Diagnostic> {
        let file = self.file.clone().unwrap_or_else(|| "command line".into());
        let resolve = |p: &Path| self.base_dir.join(p);
        if let Some(spec) = &self.spec {
            let module = self.module.clone().unwrap_or_else(|| "api".into());
            let options = options(
                self.select.as_ref(),
                self.types.as_ref(),
                self.rename.as_ref(),
                &self.pagination,
                &self.dependencies,
            );
            return Ok(vec![ApiSettings {
                module,
                spec: resolve(spec),
                spec_display: self.spec_display.clone().unwrap_or_else(|| display(spec)),
                overlays: self.overlays.iter().map(|p| resolve(p)).collect(),
                options,
            }]);
        }
        if self.apis.is_empty() {
            return Err(Diagnostic::error(file, "#", "no spec to generate from")
                .with_help("set `spec = \"openapi.yaml\"` in the configuration, add `[[apis]]` entries, or pass a spec on the command line"));
        }
        Ok(self
            .apis
            .iter()
            .map(|a| ApiSettings {
                module: a.module.clone(),
                spec: resolve(&a.spec),
                spec_display: display(&a.spec),
                overlays: self
                    .overlays
                    .iter()
                    .chain(&a.overlays)
                    .map(|p| resolve(p))
                    .collect(),
                options: options(
                    a.select.as_ref().or(self.select.as_ref()),
                    a.types.as_ref().or(self.types.as_ref()),
                    a.rename.as_ref().or(self.rename.as_ref()),
                    if a.pagination.is_empty() {
                        &self.pagination
                    } else {
                        &a.pagination
                    },
                    &self.dependencies,
                ),
            })
            .collect())
    }

    /// The output directory, resolved, if configured.
    pub fn output_dir(&self) -> Option<PathBuf> {
        self.output.dir.as_ref().map(|d| self.base_dir.join(d))
    }

    /// The emitter's crate options; `command` is named in `@generated`
    /// headers. An unset crate name is the first API's package name (from
    /// its title: `Box Platform API` → `box-platform-api-client`, chosen in
    /// lowering) and an unset description
    /// names the APIs' titles; with no `apis` given both are left empty for
    /// the caller to fill.
    pub fn crate_options(&self, command: &str, apis: &[&crate::ir::Api]) -> CrateOptions {
        let several = self.apis.len() > 1;
        let titles: Vec<String> = apis
            .iter()
            .map(|a| format!("{} {}", a.title, a.version))
            .collect();
        let default_name = apis
            .first()
            .map(|a| a.package_name.clone())
            .unwrap_or_default();
        let default_description = if titles.is_empty() {
            String::new()
        } else {
            format!("Generated client for {}", titles.join(", "))
        };
        CrateOptions {
            name: self.output.name.clone().unwrap_or(default_name),
            version: self
                .output
                .version
                .clone()
                .unwrap_or_else(|| "0.1.0".into()),
            description: self
                .output
                .description
                .clone()
                .unwrap_or(default_description),
            command: command.to_string(),
            features: match self.output.features {
                Some(Features::PerApi) => FeatureMode::PerApi,
                Some(Features::PerTag) => FeatureMode::PerTag,
                None if several => FeatureMode::PerApi,
                None => FeatureMode::PerTag,
            },
            standalone: self.output.standalone.unwrap_or(true),
        }
    }
}

fn display(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

/// A schema given by name or JSON pointer → its canonical pointer.
fn schema_pointer(key: &str) -> String {
    if key.starts_with('#') {
        key.to_string()
    } else {
        format!("#/components/schemas/{}", pointer_escape(key))
    }
}

/// `Schema.property` (split at the last dot: schema names may contain dots)
/// or a pointer → the property's pointer.
fn field_pointer(key: &str) -> String {
    if key.starts_with('#') {
        return key.to_string();
    }
    match key.rsplit_once('.') {
        Some((schema, prop)) => format!(
            "{}/properties/{}",
            schema_pointer(schema),
            pointer_escape(prop)
        ),
        None => key.to_string(),
    }
}

/// The types and dependency a date-time choice brings.
fn date_time(
    choice: DateTimeCrate,
) -> Option<(&'static str, &'static str, &'static str, &'static str)> {
    match choice {
        DateTimeCrate::Time => None,
        DateTimeCrate::Chrono => Some((
            "chrono::DateTime<chrono::FixedOffset>",
            "chrono::NaiveDate",
            "chrono",
            "{ version = \"0.4\", default-features = false, features = [\"serde\", \"std\"] }",
        )),
        DateTimeCrate::Jiff => Some((
            "jiff::Timestamp",
            "jiff::civil::Date",
            "jiff",
            "{ version = \"0.2\", features = [\"serde\"] }",
        )),
    }
}

fn options(
    select: Option<&Select>,
    types: Option<&Types>,
    rename: Option<&Rename>,
    pagination: &BTreeMap<String, toml::Value>,
    dependencies: &BTreeMap<String, toml::Value>,
) -> Options {
    let mut o = Options {
        pagination: pagination
            .iter()
            .map(|(k, v)| {
                (
                    k.clone(),
                    serde_json::to_value(v).unwrap_or(serde_json::Value::Null),
                )
            })
            .collect(),
        ..Options::default()
    };
    if let Some(s) = select {
        o.select = Selection {
            tags: s.tags.clone(),
            operations: s.operations.clone(),
            paths: s.paths.clone(),
            exclude_tags: s.exclude_tags.clone(),
            exclude_operations: s.exclude_operations.clone(),
            exclude_paths: s.exclude_paths.clone(),
            keep_unreachable_types: s.keep_unreachable_types.unwrap_or(false),
        };
    }
    if let Some(t) = types {
        let ext = |p: &String| ExternalType { path: p.clone() };
        if let Some((dt, d, krate, dep)) = t.date_time.and_then(date_time) {
            o.formats
                .insert("date-time".into(), ExternalType { path: dt.into() });
            o.formats
                .insert("date".into(), ExternalType { path: d.into() });
            o.dependencies.insert(krate.into(), dep.into());
        }
        o.formats
            .extend(t.formats.iter().map(|(k, v)| (k.clone(), ext(v))));
        o.replace = t
            .replace
            .iter()
            .map(|(k, v)| (schema_pointer(k), ext(v)))
            .collect();
        o.derives = t.derives.clone();
        o.attributes = t.attributes.clone();
        o.per_type = t
            .schema
            .iter()
            .map(|(k, s)| {
                (
                    schema_pointer(k),
                    TypeExtras {
                        derives: s.derives.clone(),
                        attributes: s.attributes.clone(),
                    },
                )
            })
            .collect();
    }
    if let Some(r) = rename {
        o.rename = Renames {
            operations: r.operations.clone(),
            types: r
                .types
                .iter()
                .map(|(k, v)| (schema_pointer(k), v.clone()))
                .collect(),
            fields: r
                .fields
                .iter()
                .map(|(k, v)| (field_pointer(k), v.clone()))
                .collect(),
            variants: r
                .variants
                .iter()
                .map(|(k, v)| (schema_pointer(k), v.clone()))
                .collect(),
        };
    }
    for (name, value) in dependencies {
        o.dependencies.insert(name.clone(), inline_toml(value));
    }
    o
}

/// A TOML value as inline Cargo.toml text.
fn inline_toml(value: &toml::Value) -> String {
    match value {
        toml::Value::Table(t) => {
            let entries: Vec<String> = t
                .iter()
                .map(|(k, v)| format!("{} = {}", toml_key(k), inline_toml(v)))
                .collect();
            format!("{{ {} }}", entries.join(", "))
        }
        toml::Value::Array(a) => {
            let items: Vec<String> = a.iter().map(inline_toml).collect();
            format!("[{}]", items.join(", "))
        }
        toml::Value::String(s) => serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into()),
        other => other.to_string(),
    }
}

fn toml_key(k: &str) -> String {
    if !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        k.to_string()
    } else {
        serde_json::to_string(k).unwrap_or_else(|_| "\"\"".into())
    }
}

#[cfg(test)]
mod tests {
    use super::super::parse;
    use super::*;

    #[test]
    fn resolves_keys_to_pointers_and_presets() {
        let c = parse(
            r##"spec = "specs/box.json"
[types]
date-time = "chrono"
derives = ["Hash"]
[types.replace]
Money = "rust_decimal::Decimal"
"#/components/schemas/a~1b" = "u8"
[types.schema."io.k8s.Pod"]
derives = ["Eq"]
[rename.fields]
"io.k8s.Pod.spec" = "pod_spec"
[rename.variants.Role]
"+1" = "PlusOne"
[dependencies]
rust_decimal = { version = "1", features = ["serde"] }
serde_json = "1.0.100"
"##,
            "c.toml",
        )
        .unwrap();
        let apis = c.apis().unwrap();
        assert_eq!(apis.len(), 1);
        let a = &apis[0];
        assert_eq!(a.module, "api");
        assert_eq!(a.spec_display, "specs/box.json");
        let o = &a.options;
        assert_eq!(
            o.replace["#/components/schemas/Money"].path,
            "rust_decimal::Decimal"
        );
        assert!(o.replace.contains_key("#/components/schemas/a~1b"));
        assert_eq!(
            o.formats["date-time"].path,
            "chrono::DateTime<chrono::FixedOffset>"
        );
        assert!(o.per_type.contains_key("#/components/schemas/io.k8s.Pod"));
        assert_eq!(
            o.rename.fields["#/components/schemas/io.k8s.Pod/properties/spec"],
            "pod_spec"
        );
        assert_eq!(
            o.rename.variants["#/components/schemas/Role"]["+1"],
            "PlusOne"
        );
        assert_eq!(
            o.dependencies["rust_decimal"],
            r#"{ features = ["serde"], version = "1" }"#
        );
        assert_eq!(o.dependencies["serde_json"], r#""1.0.100""#);
        assert!(o.dependencies["chrono"].contains("serde"));
        let opts = c.crate_options("clientgen generate", &[]);
        assert_eq!(opts.name, "", "left for the caller without APIs");
        assert_eq!(opts.features, FeatureMode::PerTag);
        assert!(opts.standalone);
    }

    #[test]
    fn several_apis_inherit_top_level_sections() {
        let c = parse(
            "overlays = [\"common.yaml\"]\n[types]\nderives = [\"Hash\"]\n[[apis]]\nmodule = \"a\"\nspec = \"a.yaml\"\n[[apis]]\nmodule = \"b\"\nspec = \"b.yaml\"\noverlays = [\"b-fix.yaml\"]\n[apis.types]\nderives = [\"Eq\"]\n",
            "c.toml",
        )
        .unwrap();
        let apis = c.apis().unwrap();
        assert_eq!(apis[0].options.derives, ["Hash"]);
        assert_eq!(apis[1].options.derives, ["Eq"]);
        assert_eq!(
            apis[1].overlays,
            [PathBuf::from("common.yaml"), PathBuf::from("b-fix.yaml")]
        );
        assert_eq!(c.crate_options("x", &[]).features, FeatureMode::PerApi);
    }

    #[test]
    fn no_spec_is_an_error() {
        let e = parse("", "c.toml").unwrap().apis().unwrap_err();
        assert!(
            e.to_string()
                .starts_with("error: c.toml: at #: no spec to generate from"),
            "{e}"
        );
    }
}
