//! The starter configuration `clientgen init` writes.

/// A commented `clientgen.toml` naming every option; it parses as is (only
/// `spec` is set) and each commented line is a valid example.
pub fn default_config_text() -> &'static str {
    TEMPLATE
}

const TEMPLATE: &str = r##"# clientgen.toml: how clientgen turns an OpenAPI document into a Rust crate.
# Paths are relative to this file. Command-line flags override these values.

# The OpenAPI 3.0/3.1 document (JSON or YAML).
spec = "openapi.yaml"
# The module the client goes in: `my_crate::api::Client`.
# module = "api"
# OpenAPI Overlay 1.0 files applied to the spec, in order, before anything
# else: fix a vendor's spec without editing it.
# overlays = ["fixes.overlay.yaml"]

[output]
# dir = "client"                # where the crate is written
# name = "my-api-client"        # crate name (default: from the spec's title)
# version = "0.1.0"
# description = "Client for the My API"
# features = "per-tag"          # one cargo feature per tag ("per-api": per module)
# standalone = true             # add an empty [workspace] to the crate

# Generate only some operations; types nothing selected reaches are dropped.
# Patterns are globs: `*` (not across `/`), `**`, `?`.
[select]
# tags = ["contacts"]
# operations = ["getContact", "list*"]          # operationIds
# paths = ["/contacts/**", "DELETE /files/*"]   # optionally with a method
# exclude-tags = ["internal"]
# exclude-operations = ["*Deprecated"]
# exclude-paths = ["/admin/**"]
# keep-unreachable-types = false

[types]
# date-time = "time"            # `format: date-time`/`date`: "time", "chrono" or "jiff"
# derives = ["Hash", "Eq"]      # added to every generated struct, enum and union
# attributes = ['#[serde(deny_unknown_fields)]']

# A schema (by name or JSON pointer) → a Rust type used instead.
[types.replace]
# Money = "rust_decimal::Decimal"
# "#/components/schemas/Id" = "u64"

# A `format` → a Rust type, for string, integer and number schemas.
[types.formats]
# decimal = "rust_decimal::Decimal"

# Per-type derives and attributes, by schema name or JSON pointer.
# [types.schema.Contact]
# derives = ["schemars::JsonSchema"]
# attributes = ['#[serde(rename_all = "camelCase")]']

# Names the spec gets wrong.
[rename.operations]             # operationId (or "METHOD /path") → method name
# getContactById = "get_contact"
[rename.types]                  # schema name or JSON pointer → type name
# contact_v2 = "Contact"
[rename.fields]                 # "Schema.property" or JSON pointer → field name
# "Contact.type" = "kind"
# [rename.variants.Role]        # enum value (or union variant) → variant name
# "+1" = "PlusOne"

# How list operations are paged, when detection and the spec's
# `x-pagination` do not say: operationId (or "METHOD /path") → false, or the
# keys of `x-pagination` (style: cursor, last_item, page, offset, next_url
# or link_header; items, param, cursor, has_more, field, size_param,
# limit_param, first, total, total_pages, url).
[pagination]
# listEvents = { style = "cursor", items = "payload.events", param = "from", cursor = "payload.resume_from" }

# Extra dependencies of the generated crate, as in Cargo.toml: what replaced
# types and derives need.
[dependencies]
# rust_decimal = { version = "1", features = ["serde"] }

# Several APIs in one crate: one [[apis]] entry each, instead of `spec`.
# [[apis]]
# module = "billing"
# spec = "billing.yaml"
# overlays = []
# [apis.select]                 # optional per-API [select], [types], [rename]
# tags = ["invoices"]
"##;

#[cfg(test)]
mod tests {
    use super::super::parse;
    use super::*;

    /// Uncomments `# key = value` lines (and `# [table]` headers).
    fn uncommented() -> String {
        TEMPLATE
            .lines()
            .map(|l| match l.strip_prefix("# ") {
                Some(rest) if rest.starts_with('[') || rest.contains(" = ") => rest,
                _ => l,
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn the_template_parses() {
        let c = parse(default_config_text(), "clientgen.toml").unwrap();
        assert_eq!(
            c.spec.as_deref(),
            Some(std::path::Path::new("openapi.yaml"))
        );
        assert_eq!(c.apis().unwrap().len(), 1);
    }

    #[test]
    fn every_example_line_is_valid() {
        // With everything uncommented the file has both `spec` and
        // `[[apis]]`, which is an error; without `spec` it must parse.
        let text = uncommented().replacen("spec = \"openapi.yaml\"", "", 1);
        let c = parse(&text, "clientgen.toml").unwrap_or_else(|e| panic!("{e}\n{text}"));
        let types = c.types.as_ref().unwrap();
        assert_eq!(types.replace.len(), 2);
        assert_eq!(c.apis.len(), 1);
        assert!(c.apis[0].select.is_some());
        assert!(c.rename.as_ref().unwrap().variants.contains_key("Role"));
    }
}
