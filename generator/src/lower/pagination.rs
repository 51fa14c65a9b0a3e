//! Paginated lists: which operations return one page of a longer list, and
//! how the next page is requested.
//!
//! An operation's `x-pagination` extension decides when present (`false`
//! turns detection off); otherwise the common patterns are recognised from
//! names, for `GET` operations with a JSON success body holding the items:
//!
//! - a cursor the body carries, fed back as a query parameter of the same
//!   name or its `next_` form (Intercom's `pages.next.starting_after` →
//!   `starting_after`, `next_page_token` → `page_token`);
//! - Stripe's `starting_after` with `has_more`: the last item's `id`;
//! - the next page's URL in the body (`next`, `next_page_url`, `links.next`);
//! - an RFC 8288 `Link` response header (GitHub);
//! - `offset` (with `limit`) and `page` (with `per_page`) numbers.

use std::collections::{BTreeMap, VecDeque};

use serde_json::Value;

use super::Lowerer;
use crate::diagnostic::{pointer_escape, pointer_join};
use crate::ir::{
    Method, Operation, PageNext, Pagination, PaginationSource, Param, ParamLocation, Primitive,
    ResponseBody, StatusMatch, TypeDef, TypeKey, TypeKind, TypeRef,
};

/// The extension naming an operation's pagination.
pub const EXTENSION: &str = "x-pagination";

/// Names of the item array, by preference.
const ITEM_ARRAYS: &[&str] = &[
    "data",
    "items",
    "results",
    "records",
    "entries",
    "values",
    "elements",
    "nodes",
    "list",
    "content",
    "objects",
    "rows",
    "hits",
    "resources",
];
/// Cursor query parameters (normalized: lowercase, letters and digits).
const CURSOR_PARAMS: &[&str] = &[
    "startingafter",
    "cursor",
    "after",
    "pagetoken",
    "nexttoken",
    "continuationtoken",
    "marker",
    "pagecursor",
    "pageafter",
    "nextcursor",
    "nextpagetoken",
    "pagingtoken",
];
/// Body properties holding the next cursor, whatever the parameter's name.
const CURSOR_FIELDS: &[&str] = &[
    "nextcursor",
    "endcursor",
    "nextpagetoken",
    "nexttoken",
    "continuationtoken",
];
const HAS_MORE: &[&str] = &["hasmore", "hasnextpage", "hasnext", "more"];
const NEXT_URLS: &[&str] = &[
    "next",
    "nexturl",
    "nextpage",
    "nextpageurl",
    "nextpageuri",
    "nextlink",
    "odatanextlink",
];
const PAGE_PARAMS: &[&str] = &["page", "pagenumber", "pagenum", "pageno", "pageindex"];
const SIZE_PARAMS: &[&str] = &[
    "perpage",
    "pagesize",
    "pagelimit",
    "limit",
    "size",
    "count",
    "maxresults",
    "top",
    "take",
];
const OFFSET_PARAMS: &[&str] = &["offset", "skip", "startindex", "pageoffset"];
const TOTALS: &[&str] = &[
    "total",
    "totalcount",
    "totalresults",
    "totalitems",
    "totalsize",
    "totalrecords",
];
const TOTAL_PAGES: &[&str] = &["totalpages", "pagecount", "lastpage", "numpages", "pages"];

/// Lowercase letters and digits only: `page[after]` → `pageafter`,
/// `nextPageToken` → `nextpagetoken`.
fn norm(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// A scalar property of the page body, reached through nested objects.
struct Leaf {
    pointer: String,
    norm: String,
    kind: LeafKind,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum LeafKind {
    Text,
    Integer,
    Bool,
}

/// `t` without `Nullable` wrappers and aliases (bounded: aliases may loop).
fn resolve<'t>(types: &'t BTreeMap<TypeKey, TypeDef>, mut t: &'t TypeRef) -> &'t TypeRef {
    for _ in 0..32 {
        t = t.non_null();
        match t {
            TypeRef::Named(key) => match types.get(key).map(|d| &d.kind) {
                Some(TypeKind::Alias { target, .. }) => t = target,
                _ => return t,
            },
            _ => return t,
        }
    }
    t
}

fn struct_fields<'t>(
    types: &'t BTreeMap<TypeKey, TypeDef>,
    t: &TypeRef,
) -> Option<&'t [crate::ir::Field]> {
    match resolve(types, t) {
        TypeRef::Named(key) => match types.get(key).map(|d| &d.kind) {
            Some(TypeKind::Struct(s)) => Some(&s.fields),
            _ => None,
        },
        _ => None,
    }
}

/// Scalar properties of `body` up to three objects deep, breadth first.
fn leaves(types: &BTreeMap<TypeKey, TypeDef>, body: &TypeRef) -> Vec<Leaf> {
    let mut out = Vec::new();
    let mut queue: VecDeque<(String, &TypeRef, usize)> = VecDeque::from([(String::new(), body, 0)]);
    while let Some((pointer, t, depth)) = queue.pop_front() {
        let Some(fields) = struct_fields(types, t) else {
            continue;
        };
        for f in fields {
            let here = format!("{pointer}/{}", pointer_escape(&f.name));
            let kind = match resolve(types, &f.ty) {
                TypeRef::Primitive(Primitive::String) => Some(LeafKind::Text),
                TypeRef::Primitive(Primitive::I32 | Primitive::I64 | Primitive::U64) => {
                    Some(LeafKind::Integer)
                }
                TypeRef::Primitive(Primitive::Bool) => Some(LeafKind::Bool),
                TypeRef::Named(_) if depth < 3 => {
                    queue.push_back((here.clone(), &f.ty, depth + 1));
                    None
                }
                _ => None,
            };
            if let Some(kind) = kind {
                out.push(Leaf {
                    pointer: here,
                    norm: norm(&f.name),
                    kind,
                });
            }
        }
    }
    out
}

/// The item array of a page body: the body itself, or its one array
/// property (or the first conventionally named one among several).
fn item_array(types: &BTreeMap<TypeKey, TypeDef>, body: &TypeRef) -> Option<(String, TypeRef)> {
    if let TypeRef::Array(item) = resolve(types, body) {
        return Some((String::new(), (**item).clone()));
    }
    let fields = struct_fields(types, body)?;
    let arrays: Vec<(&crate::ir::Field, &TypeRef)> = fields
        .iter()
        .filter_map(|f| match resolve(types, &f.ty) {
            TypeRef::Array(item) => Some((f, &**item)),
            _ => None,
        })
        .collect();
    let chosen = match arrays.as_slice() {
        [one] => Some(*one),
        _ => ITEM_ARRAYS
            .iter()
            .find_map(|name| arrays.iter().find(|(f, _)| norm(&f.name) == *name).copied()),
    }?;
    Some((
        format!("/{}", pointer_escape(&chosen.0.name)),
        chosen.1.clone(),
    ))
}

/// The type at `pointer` in `body` (object properties only).
fn type_at<'t>(
    types: &'t BTreeMap<TypeKey, TypeDef>,
    body: &'t TypeRef,
    pointer: &str,
) -> Option<&'t TypeRef> {
    let mut t = body;
    for segment in pointer.split('/').skip(1) {
        let name = crate::diagnostic::pointer_unescape(segment);
        t = &struct_fields(types, t)?.iter().find(|f| f.name == name)?.ty;
    }
    Some(resolve(types, t))
}

/// The page response: the first success response with a JSON body.
fn page_response(op: &Operation) -> Option<(StatusMatch, &TypeRef)> {
    op.responses
        .iter()
        .filter(|r| r.status.is_success())
        .find_map(|r| match &r.body {
            ResponseBody::Json(t) => Some((r.status, t)),
            _ => None,
        })
}

fn query_params(op: &Operation) -> impl Iterator<Item = &Param> {
    op.params
        .iter()
        .filter(|p| p.location == ParamLocation::Query)
}

/// Recognises the patterns listed in the module docs.
pub(super) fn detect(op: &Operation, types: &BTreeMap<TypeKey, TypeDef>) -> Option<Pagination> {
    if op.method != Method::Get {
        return None;
    }
    let (status, body) = page_response(op)?;
    let (items, item) = item_array(types, body)?;
    let leaves = leaves(types, body);
    let find = |names: &[&str], kind: LeafKind| {
        names
            .iter()
            .find_map(|n| leaves.iter().find(|l| l.kind == kind && l.norm == *n))
            .map(|l| l.pointer.clone())
    };
    let has_more = find(HAS_MORE, LeafKind::Bool);
    let optional = |names: &[&str]| {
        names
            .iter()
            .find_map(|n| query_params(op).find(|p| !p.required && norm(&p.name) == *n))
    };
    let pagination = |next| {
        Some(Pagination {
            source: PaginationSource::Detected,
            status,
            items: items.clone(),
            item: item.clone(),
            next,
        })
    };

    if let Some(param) = optional(CURSOR_PARAMS) {
        let p = norm(&param.name);
        let cursor = leaves
            .iter()
            .filter(|l| matches!(l.kind, LeafKind::Text | LeafKind::Integer))
            .find(|l| l.norm == p || l.norm == format!("next{p}"))
            .map(|l| l.pointer.clone())
            .or_else(|| find(CURSOR_FIELDS, LeafKind::Text));
        if let Some(cursor) = cursor {
            return pagination(PageNext::Cursor {
                param: param.name.clone(),
                cursor,
                has_more,
            });
        }
        let id = struct_fields(types, &item).and_then(|fs| {
            fs.iter().find(|f| {
                f.name == "id"
                    && matches!(resolve(types, &f.ty), TypeRef::Primitive(Primitive::String))
            })
        });
        if let (Some(id), Some(_)) = (id, &has_more) {
            if p == "startingafter" || p == "after" {
                return pagination(PageNext::LastItem {
                    param: param.name.clone(),
                    field: id.name.clone(),
                    has_more,
                });
            }
        }
    }
    if let Some(url) = find(NEXT_URLS, LeafKind::Text) {
        return pagination(PageNext::NextUrl { url });
    }
    let page = page_response_headers(op, status);
    if page.iter().any(|h| h.eq_ignore_ascii_case("link")) {
        return pagination(PageNext::LinkHeader);
    }
    if let Some(param) = optional(OFFSET_PARAMS).filter(|p| is_integer(types, p)) {
        let limit_param = optional(SIZE_PARAMS).map(|p| p.name.clone());
        let total = find(TOTALS, LeafKind::Integer);
        return pagination(PageNext::Offset {
            param: param.name.clone(),
            limit_param,
            total,
            has_more,
        });
    }
    if let Some(param) = optional(PAGE_PARAMS).filter(|p| is_integer(types, p)) {
        let size_param = optional(SIZE_PARAMS).map(|p| p.name.clone());
        let total_pages = find(TOTAL_PAGES, LeafKind::Integer);
        let first = if param.default.as_ref().and_then(Value::as_u64) == Some(0) {
            0
        } else {
            1
        };
        return pagination(PageNext::Page {
            param: param.name.clone(),
            size_param,
            first,
            total_pages,
            has_more,
        });
    }
    None
}

fn page_response_headers(op: &Operation, status: StatusMatch) -> &[String] {
    op.responses
        .iter()
        .find(|r| r.status == status)
        .map_or(&[], |r| r.headers.as_slice())
}

fn is_integer(types: &BTreeMap<TypeKey, TypeDef>, p: &Param) -> bool {
    matches!(
        resolve(types, &p.ty),
        TypeRef::Primitive(Primitive::I32 | Primitive::I64 | Primitive::U64)
    )
}

/// A path into the body as written in `x-pagination`: a JSON pointer
/// (`/pages/next`), or dotted (`pages.next`, `$.pages.next`); `$` or empty
/// for the body itself.
fn body_pointer(path: &str) -> String {
    let path = path.trim();
    if path.is_empty() || path == "$" || path.starts_with('/') {
        return path.trim_start_matches('$').to_string();
    }
    let dotted = path.strip_prefix("$.").unwrap_or(path);
    dotted
        .split('.')
        .map(|s| format!("/{}", pointer_escape(s)))
        .collect()
}

/// The settings of an `x-pagination` extension or configuration entry.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    style: String,
    #[serde(default)]
    items: Option<String>,
    param: Option<String>,
    cursor: Option<String>,
    has_more: Option<String>,
    field: Option<String>,
    size_param: Option<String>,
    limit_param: Option<String>,
    first: Option<u64>,
    total: Option<String>,
    total_pages: Option<String>,
    url: Option<String>,
}

impl Lowerer<'_> {
    /// The pagination of `op`: `setting` (the `x-pagination` extension or a
    /// configuration entry, at `pointer`) decides when present, else
    /// detection. A setting that cannot be used is reported and ignored.
    pub(super) fn pagination(
        &mut self,
        op: &Operation,
        setting: Option<(&Value, &str, PaginationSource)>,
    ) -> Option<Pagination> {
        let Some((value, pointer, source)) = setting else {
            return detect(op, &self.types);
        };
        if value == &Value::Bool(false) {
            return None;
        }
        match self.configured(op, value, source) {
            Ok(p) => Some(p),
            Err(message) => {
                let message = match source {
                    PaginationSource::Config => format!(
                        "pagination of `{}`: {message}",
                        op.operation_id.as_deref().unwrap_or(&op.path_template)
                    ),
                    _ => message,
                };
                self.warn(
                    pointer,
                    format!("{message}; the operation is not paginated"),
                );
                None
            }
        }
    }

    fn configured(
        &mut self,
        op: &Operation,
        value: &Value,
        source: PaginationSource,
    ) -> Result<Pagination, String> {
        let s: Settings = serde_json::from_value(value.clone())
            .map_err(|e| format!("invalid `{EXTENSION}` settings: {e}"))?;
        let (status, body) =
            page_response(op).ok_or("no success response with a JSON body to page through")?;
        let (items, item) = match &s.items {
            Some(path) => {
                let items = body_pointer(path);
                let item = match type_at(&self.types, body, &items) {
                    Some(TypeRef::Array(item)) => (**item).clone(),
                    _ => {
                        self.warn(&op.pointer, format!("`{EXTENSION}`: `items` does not name an array property of the response; items are untyped JSON"));
                        TypeRef::Any
                    }
                };
                (items, item)
            }
            None => item_array(&self.types, body)
                .ok_or("`items` is needed: the response has no single item array")?,
        };
        let param = |role: &str| -> Result<String, String> {
            let name = s
                .param
                .clone()
                .ok_or_else(|| format!("style `{}` needs `param`", s.style))?;
            let declared = query_params(op).any(|p| p.name == name);
            if declared {
                Ok(name)
            } else {
                Err(format!(
                    "`param` `{name}` ({role}) is not a query parameter of the operation"
                ))
            }
        };
        let path = |p: &Option<String>| p.as_deref().map(body_pointer);
        let next = match s.style.as_str() {
            "cursor" => PageNext::Cursor {
                param: param("the cursor")?,
                cursor: path(&s.cursor).ok_or("style `cursor` needs `cursor`, the cursor's place in the body")?,
                has_more: path(&s.has_more),
            },
            "last_item" => PageNext::LastItem {
                param: param("the cursor")?,
                field: s.field.clone().unwrap_or_else(|| "id".to_string()),
                has_more: path(&s.has_more),
            },
            "page" => PageNext::Page {
                param: param("the page number")?,
                size_param: s.size_param.clone(),
                first: s.first.unwrap_or(1),
                total_pages: path(&s.total_pages),
                has_more: path(&s.has_more),
            },
            "offset" => PageNext::Offset {
                param: param("the offset")?,
                limit_param: s.limit_param.clone(),
                total: path(&s.total),
                has_more: path(&s.has_more),
            },
            "next_url" => PageNext::NextUrl { url: path(&s.url).ok_or("style `next_url` needs `url`, the URL's place in the body")? },
            "link_header" => PageNext::LinkHeader,
            other => {
                return Err(format!(
                    "unknown `{EXTENSION}` style `{other}` (expected cursor, last_item, page, offset, next_url or link_header)"
                ))
            }
        };
        Ok(Pagination {
            source,
            status,
            items,
            item,
            next,
        })
    }
}

/// Where an operation's `x-pagination` extension is.
pub(super) fn extension_pointer(op_pointer: &str) -> String {
    pointer_join(op_pointer, EXTENSION)
}
