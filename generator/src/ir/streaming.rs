//! Operations whose results arrive in more than one piece: paginated lists,
//! server-sent event streams, binary downloads.

use serde::Serialize;

use super::{StatusMatch, TypeRef};

/// How a list operation is paged, decided in lowering (`lower/pagination.rs`)
/// from the spec's shape, an `x-pagination` extension or the configuration.
/// Generated request builders get `stream()` (the items, fetched page by
/// page) and `pages()` (each page's items with its status and headers).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Pagination {
    /// Where the decision came from.
    pub source: PaginationSource,
    /// The success response whose body holds a page.
    pub status: StatusMatch,
    /// JSON pointer (RFC 6901) of the item array in that body; empty when
    /// the body is the array.
    pub items: String,
    /// The type of one item.
    pub item: TypeRef,
    /// How the next page is requested, and when there is none.
    pub next: PageNext,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PaginationSource {
    /// Recognised from parameter and property names.
    Detected,
    /// The operation's `x-pagination` extension.
    Extension,
    /// The generator's configuration.
    Config,
}

/// How the request for the next page differs from the last one. Pointers
/// are JSON pointers into the page's body; query parameters are wire names.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "style", rename_all = "snake_case")]
pub enum PageNext {
    /// A cursor the body carries (`/pages/next/starting_after`) is sent as
    /// query parameter `param`; a missing, null or empty cursor ends the
    /// list, as does a false `has_more`.
    Cursor {
        param: String,
        cursor: String,
        has_more: Option<String>,
    },
    /// The last item's `field` (an id) is sent as `param` while `has_more`
    /// is true (Stripe's `starting_after`).
    LastItem {
        param: String,
        field: String,
        has_more: Option<String>,
    },
    /// A page number, one more than the last; the list ends on an empty
    /// page, a page shorter than the requested size, the last page of
    /// `total_pages`, or a false `has_more`.
    Page {
        param: String,
        size_param: Option<String>,
        first: u64,
        total_pages: Option<String>,
        has_more: Option<String>,
    },
    /// An offset advanced by the number of items received; the list ends on
    /// an empty or short page, at `total` items, or on a false `has_more`.
    Offset {
        param: String,
        limit_param: Option<String>,
        total: Option<String>,
        has_more: Option<String>,
    },
    /// The body carries the next page's URL (absolute or relative); it is
    /// followed only within the client's base URL.
    NextUrl { url: String },
    /// RFC 8288 `Link: <…>; rel="next"` response header, followed only
    /// within the client's base URL.
    LinkHeader,
}

impl PageNext {
    /// The query parameter the generated code sets, if any.
    pub fn param(&self) -> Option<&str> {
        match self {
            PageNext::Cursor { param, .. }
            | PageNext::LastItem { param, .. }
            | PageNext::Page { param, .. }
            | PageNext::Offset { param, .. } => Some(param),
            PageNext::NextUrl { .. } | PageNext::LinkHeader => None,
        }
    }
}

/// A `text/event-stream` response offered next to a JSON one for the same
/// status (a `stream: true` request option): the builder's `events()`
/// sends the request asking for events instead.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EventsAlternative {
    pub status: StatusMatch,
    /// The type of each event's `data` (JSON), or `None` for text.
    pub data: Option<TypeRef>,
}
