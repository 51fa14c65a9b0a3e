//! The names the emitter and the runtime already use, scope by scope: the
//! one place to add a name when the generated code gains a method, a field
//! or an item. Lowering seeds a [`super::naming::Namespace`] with each list,
//! so a name from the spec never takes one of these.
//!
//! `generator/tests/names.rs` checks, on the code generated for every
//! construct spec, that each method, field, item and variant the emitter
//! writes is either allocated in the IR or listed here.

/// One Rust scope: its reserved names, and the suffix a spec name takes when
/// it collides with one of them (`timeout` → `timeout_param`), where a
/// number would read like a second copy of the reserved thing. Without a
/// suffix, and between two spec names, collisions are numbered (`foo_bar`,
/// `foo_bar2`).
#[derive(Clone, Copy, Debug)]
pub struct Scope {
    pub reserved: &'static [&'static str],
    pub suffix: &'static str,
}

/// Methods of traits the generated types implement or may implement, and of
/// operator traits: an inherent method of that name shadows the trait's
/// method (`client.clone()` returning a request builder) and trips clippy's
/// `should_implement_trait`.
const TRAIT_METHODS: &[&str] = &[
    "add",
    "as_mut",
    "as_ref",
    "bitand",
    "bitor",
    "bitxor",
    "borrow",
    "borrow_mut",
    "clone",
    "clone_from",
    "cmp",
    "default",
    "deref",
    "deref_mut",
    "div",
    "drop",
    "eq",
    "fmt",
    "from",
    "from_iter",
    "from_str",
    "hash",
    "index",
    "index_mut",
    "into",
    "into_iter",
    "mul",
    "ne",
    "neg",
    "next",
    "not",
    "partial_cmp",
    "rem",
    "shl",
    "shr",
    "sub",
    "to_owned",
    "to_string",
    "try_from",
    "try_into",
    "type_id",
];

/// Type names used unqualified in generated modules (prelude types, traits
/// and variants; `Self`).
const PRELUDE: &[&str] = &[
    "Box",
    "Clone",
    "Copy",
    "Debug",
    "Default",
    "Eq",
    "Err",
    "From",
    "Hash",
    "Into",
    "None",
    "Ok",
    "Option",
    "Ord",
    "PartialEq",
    "PartialOrd",
    "Result",
    "Self",
    "Send",
    "Sized",
    "Some",
    "String",
    "Sync",
    "ToOwned",
    "ToString",
    "Unpin",
    "Vec",
];

macro_rules! concat_lists {
    ($($list:expr),* $(,)?) => {{
        const LEN: usize = 0 $(+ $list.len())*;
        const OUT: [&str; LEN] = {
            let mut out = [""; LEN];
            let mut i = 0;
            $(
                let list: &[&str] = $list;
                let mut j = 0;
                while j < list.len() {
                    out[i] = list[j];
                    i += 1;
                    j += 1;
                }
            )*
            out
        };
        &OUT
    }};
}

/// Schema types: the items of an API's `types` module (`emit/types.rs`).
pub const TYPES: Scope = Scope {
    reserved: PRELUDE,
    suffix: "",
};

/// Items of an API's `client` module besides the operations' own
/// (`emit/client.rs`): operation builder, output and error enums.
pub const CLIENT_ITEMS: Scope = Scope {
    reserved: concat_lists!(
        &[
            "Client",
            "ClientBuilder",
            "Server",
            "DEFAULT_BASE_URL",
            "server_variables",
            "types"
        ],
        PRELUDE
    ),
    suffix: "",
};

/// Methods of the generated `Client` (`emit/client.rs`): one per operation.
pub const CLIENT_METHODS: Scope = Scope {
    reserved: concat_lists!(&["new", "builder"], TRAIT_METHODS),
    suffix: "_operation",
};

/// Methods of the generated `ClientBuilder` (`emit/client.rs`): one
/// credential setter per security scheme (`_auth` on a collision) with its
/// `_provider` and `_client_credentials` twins, one setter per client-level
/// header parameter (`_header`).
pub const CLIENT_BUILDER_METHODS: Scope = Scope {
    reserved: concat_lists!(
        &[
            "server",
            "base_url",
            "http_client",
            "retry",
            "timeout",
            "connect_timeout",
            "user_agent",
            "header",
            "hook",
            "build",
        ],
        TRAIT_METHODS,
    ),
    suffix: "_auth",
};

/// Fields and methods of an operation's request builder
/// (`emit/operation.rs`): one field and setter per parameter, and the
/// `maybe_*` twins of optional setters.
pub const REQUEST_BUILDER: Scope = Scope {
    reserved: concat_lists!(
        &[
            // Fields.
            "client",
            "options",
            "body",
            "content_type",
            // Methods, and the `maybe_*` twins of the optional ones.
            "maybe_body",
            "maybe_content_type",
            "maybe_options",
            "retry",
            "maybe_retry",
            "retry_non_idempotent",
            "timeout",
            "maybe_timeout",
            "idempotency_key",
            "maybe_idempotency_key",
            "header",
            "send",
            "into_future",
            "stream",
            "into_stream",
            "pages",
            "events",
            "download",
            "request_spec",
            "check_status",
        ],
        TRAIT_METHODS,
    ),
    suffix: "_param",
};

/// Fields of a generated multipart form struct (`emit/forms.rs`): one per
/// part, nothing else.
pub const FORM_FIELDS: Scope = Scope {
    reserved: &[],
    suffix: "",
};

/// Methods of a generated multipart form struct (`emit/forms.rs`); fields
/// and methods do not clash in Rust, so this reserves nothing from fields.
pub const FORM_METHODS: Scope = Scope {
    reserved: &["to_multipart"],
    suffix: "",
};

/// Fields of a generated struct (`emit/types.rs`): the map of undeclared
/// properties.
pub const STRUCT_FIELDS: Scope = Scope {
    reserved: &["extra"],
    suffix: "",
};

/// Variants of a generated enum: the catch-all for values unknown when the
/// client was generated.
pub const ENUM_VARIANTS: Scope = Scope {
    reserved: &["Unknown"],
    suffix: "Value",
};

/// Variants of a generated `oneOf`/`anyOf` enum (the catch-all of
/// discriminated unions).
pub const UNION_VARIANTS: Scope = Scope {
    reserved: &["Unknown"],
    suffix: "Value",
};

/// Variants of the `Server` enum.
pub const SERVER_VARIANTS: Scope = Scope {
    reserved: &[],
    suffix: "",
};

/// Items of the client module's `server_variables` module: one enum per
/// server variable that declares `enum`.
pub const SERVER_VARIABLE_ENUMS: Scope = Scope {
    reserved: PRELUDE,
    suffix: "",
};

/// Variants of a server variable's enum: the escape for any other value.
pub const SERVER_VARIABLE_VALUES: Scope = Scope {
    reserved: &["Other"],
    suffix: "Value",
};

/// Variants of an operation's output and error enums.
pub const RESPONSE_VARIANTS: Scope = Scope {
    reserved: &[],
    suffix: "",
};

/// Modules at the root of a generated crate (`emit/krate.rs`): the runtime,
/// and the dependencies' crate names, which a module must not shadow.
pub const CRATE_MODULES: &[&str] = &[
    "runtime",
    "std",
    "core",
    "alloc",
    "crate",
    "self",
    "super",
    "bytes",
    "fastrand",
    "futures_core",
    "futures_util",
    "percent_encoding",
    "reqwest",
    "serde",
    "serde_json",
    "serde_path_to_error",
    "serde_urlencoded",
    "time",
    "tokio",
    "uuid",
];

/// The cargo feature gating operations without a tag, when features are per
/// tag (`emit/krate.rs`), and, in an API without any tag, operations whose
/// path has no resource segment (`/`, `/{id}`). Tag features are `tag-*`
/// and path features `path-*` (`operation::path_feature`): neither collides
/// with it, with `default` or with the runtime's features; tags that differ
/// only in case share a feature.
pub const UNTAGGED_FEATURE: &str = "untagged";

/// The cargo feature gating, when operations are gated by feature, the types
/// no operation reaches (schemas users may build or decode themselves, such
/// as GitHub's webhook payloads) and what only they use (`lower::gates`).
/// On by default; no `tag-*` or `path-*` feature can take the name.
pub const OTHER_SCHEMAS_FEATURE: &str = "other-schemas";
