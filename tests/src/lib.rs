//! Integration tests for the generator and the generated crate.

pub mod prism;
pub mod support;
