//! Client-level parameters: header parameters every operation declares with
//! the same default (typically an API-version header).

use serde::Serialize;

use super::TypeRef;

/// A header parameter that every operation of the API declares, optional and
/// with the same `default`. Generated clients send that default with every
/// request; the client builder can change it for all calls, and each
/// operation's own setter for one call.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClientParam {
    /// The header name on the wire, as the first operation spells it.
    pub name: String,
    /// snake_case name of the client-builder setter, unique among the
    /// builder's methods.
    pub rust_name: String,
    /// The parameter's type (a scalar or a string/integer enum).
    pub ty: TypeRef,
    /// The default as sent in the header.
    pub default: String,
    pub description: Option<String>,
}
