//! Which OpenAPI object sits at a given place in the document.
//!
//! A tiny grammar of the OpenAPI 3.x structure, used to walk only the
//! positions that hold objects (never example/default/enum values, whose
//! content is literal data), to know what a `$ref` must point to, and to
//! turn "this failed somewhere in here" into a precise pointer.

/// An OpenAPI object kind, or a container of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Root,
    Components,
    Paths,
    PathItem,
    Operation,
    Responses,
    Callback,
    Parameter,
    Header,
    RequestBody,
    Response,
    MediaType,
    Encoding,
    Example,
    Link,
    SecurityScheme,
    Schema,
    /// An object whose every value is of the given kind.
    Map(Elem),
    /// An array of the given kind.
    List(Elem),
}

/// The kinds that appear inside containers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Elem {
    Schema,
    Parameter,
    Header,
    Response,
    MediaType,
    Encoding,
    Example,
    Link,
    Callback,
    PathItem,
    RequestBody,
    SecurityScheme,
}

impl Elem {
    pub(crate) fn kind(self) -> Kind {
        match self {
            Elem::Schema => Kind::Schema,
            Elem::Parameter => Kind::Parameter,
            Elem::Header => Kind::Header,
            Elem::Response => Kind::Response,
            Elem::MediaType => Kind::MediaType,
            Elem::Encoding => Kind::Encoding,
            Elem::Example => Kind::Example,
            Elem::Link => Kind::Link,
            Elem::Callback => Kind::Callback,
            Elem::PathItem => Kind::PathItem,
            Elem::RequestBody => Kind::RequestBody,
            Elem::SecurityScheme => Kind::SecurityScheme,
        }
    }
}

pub(crate) const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

impl Kind {
    /// The kind of the value under `key` (an object key or array index) of a
    /// value of this kind, if it is an OpenAPI object or container of them.
    pub(crate) fn child(self, key: &str) -> Option<Kind> {
        use Kind::*;
        let map = |e| Some(Map(e));
        match self {
            Root => match key {
                "paths" => Some(Paths),
                "webhooks" => map(Elem::PathItem),
                "components" => Some(Components),
                _ => None,
            },
            Components => match key {
                "schemas" => map(Elem::Schema),
                "responses" => map(Elem::Response),
                "parameters" => map(Elem::Parameter),
                "examples" => map(Elem::Example),
                "requestBodies" => map(Elem::RequestBody),
                "headers" => map(Elem::Header),
                "securitySchemes" => map(Elem::SecurityScheme),
                "links" => map(Elem::Link),
                "callbacks" => map(Elem::Callback),
                "pathItems" => map(Elem::PathItem),
                _ => None,
            },
            Paths => (!key.starts_with("x-")).then_some(PathItem),
            PathItem => match key {
                "parameters" => Some(List(Elem::Parameter)),
                k if METHODS.contains(&k) => Some(Operation),
                _ => None,
            },
            Operation => match key {
                "parameters" => Some(List(Elem::Parameter)),
                "requestBody" => Some(RequestBody),
                "responses" => Some(Responses),
                "callbacks" => map(Elem::Callback),
                _ => None,
            },
            Responses => (!key.starts_with("x-")).then_some(Response),
            Callback => (!key.starts_with("x-")).then_some(PathItem),
            Parameter | Header => match key {
                "schema" => Some(Schema),
                "content" => map(Elem::MediaType),
                "examples" => map(Elem::Example),
                _ => None,
            },
            RequestBody => match key {
                "content" => map(Elem::MediaType),
                _ => None,
            },
            Response => match key {
                "headers" => map(Elem::Header),
                "content" => map(Elem::MediaType),
                "links" => map(Elem::Link),
                _ => None,
            },
            MediaType => match key {
                "schema" => Some(Schema),
                "examples" => map(Elem::Example),
                "encoding" => map(Elem::Encoding),
                _ => None,
            },
            Encoding => match key {
                "headers" => map(Elem::Header),
                _ => None,
            },
            Example | Link | SecurityScheme => None,
            Schema => match key {
                "properties" | "patternProperties" | "$defs" | "definitions"
                | "dependentSchemas" => map(Elem::Schema),
                "items"
                | "additionalProperties"
                | "not"
                | "contains"
                | "propertyNames"
                | "if"
                | "then"
                | "else"
                | "unevaluatedItems"
                | "unevaluatedProperties"
                | "additionalItems"
                | "contentSchema" => Some(Schema),
                "allOf" | "oneOf" | "anyOf" | "prefixItems" => Some(List(Elem::Schema)),
                _ => None,
            },
            Map(e) => Some(e.kind()),
            List(e) => key.parse::<usize>().ok().map(|_| e.kind()),
        }
    }

    /// The kind at a path of segments from the document root.
    pub(crate) fn at<S: AsRef<str>>(segments: &[S]) -> Option<Kind> {
        segments
            .iter()
            .try_fold(Kind::Root, |k, s| k.child(s.as_ref()))
    }

    /// Whether a value of this kind may be a Reference Object (`$ref`).
    pub(crate) fn is_referenceable(self) -> bool {
        use Kind::*;
        matches!(
            self,
            Schema
                | Parameter
                | Header
                | RequestBody
                | Response
                | Example
                | Link
                | Callback
                | SecurityScheme
                | PathItem
        )
    }

    /// Human name, for messages: "a schema", "a parameter".
    pub(crate) fn describe(self) -> &'static str {
        use Kind::*;
        match self {
            Root => "the document root",
            Components => "the Components object",
            Paths => "the Paths object",
            PathItem => "a path item",
            Operation => "an operation",
            Responses => "a Responses object",
            Callback => "a callback",
            Parameter => "a parameter",
            Header => "a header",
            RequestBody => "a request body",
            Response => "a response",
            MediaType => "a media type object",
            Encoding => "an encoding object",
            Example => "an example",
            Link => "a link",
            SecurityScheme => "a security scheme",
            Schema => "a schema",
            Map(_) => "a map",
            List(_) => "a list",
        }
    }

    /// Where components of this kind live, e.g. `#/components/schemas/`.
    pub(crate) fn components_section(self) -> Option<&'static str> {
        use Kind::*;
        Some(match self {
            Schema => "#/components/schemas/",
            Parameter => "#/components/parameters/",
            Header => "#/components/headers/",
            RequestBody => "#/components/requestBodies/",
            Response => "#/components/responses/",
            Example => "#/components/examples/",
            Link => "#/components/links/",
            Callback => "#/components/callbacks/",
            SecurityScheme => "#/components/securitySchemes/",
            PathItem => "#/components/pathItems/",
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_at_paths() {
        assert_eq!(
            Kind::at(&["components", "schemas", "Pet"]),
            Some(Kind::Schema)
        );
        assert_eq!(
            Kind::at(&[
                "paths",
                "/a",
                "get",
                "responses",
                "200",
                "content",
                "application/json",
                "schema"
            ]),
            Some(Kind::Schema)
        );
        assert_eq!(
            Kind::at(&["paths", "/a", "get", "parameters", "0"]),
            Some(Kind::Parameter)
        );
        assert_eq!(Kind::at(&["paths", "/a", "get", "parameters", "x"]), None);
        assert_eq!(
            Kind::at(&[
                "components",
                "schemas",
                "A",
                "properties",
                "example",
                "items"
            ]),
            Some(Kind::Schema)
        );
        assert_eq!(Kind::at(&["components", "schemas", "A", "example"]), None);
        assert_eq!(Kind::at(&["info"]), None);
        assert_eq!(
            Kind::at(&["paths", "/a", "post", "callbacks", "cb", "{$url}", "post"]),
            Some(Kind::Operation)
        );
    }
}
