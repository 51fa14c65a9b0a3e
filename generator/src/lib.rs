//! clientgen: OpenAPI → Rust client crates.
