//! The request-builder methods of operations whose results come in pieces:
//! `stream()` and `pages()` for paginated lists, `events()` for an event
//! stream offered next to JSON, `download()` for binary bodies, and `send()`
//! itself when the only success body is an event stream.

use proc_macro2::TokenStream;
use quote::quote;

use super::responses::status_pattern;
use super::rust_type::{ident, Types};
use crate::ir::{Operation, PageNext, Pagination, StatusMatch, TypeRef};

/// The success response whose body is an event stream, when it is the
/// operation's only success response: `send()` then returns the stream.
pub(super) fn events_body(op: &Operation) -> Option<(StatusMatch, Option<&TypeRef>)> {
    op.event_stream_response()
}

/// The `match` passing `status` through and turning every other status
/// into the operation's error, as `send()` does.
fn status_match(
    status: StatusMatch,
    error_arms: &[TokenStream],
    fallback: &Option<TokenStream>,
) -> TokenStream {
    let ok = status_pattern(status);
    // Every 2xx passes when the operation declares only `default`.
    let ok = if status == StatusMatch::Default {
        quote!(200..=299)
    } else {
        ok
    };
    quote! {
        match raw.status_code() {
            #ok => Ok(raw),
            #(#error_arms)*
            #fallback
        }
    }
}

/// A `fn(RawResponse) -> Result<RawResponse, Error<E>>` closure: see
/// [`status_match`].
fn check(
    op: &Operation,
    status: StatusMatch,
    error_arms: &[TokenStream],
    fallback: &Option<TokenStream>,
) -> TokenStream {
    let err = ident(&op.error_name);
    let body = status_match(status, error_arms, fallback);
    quote! {
        |raw: crate::runtime::RawResponse| -> Result<crate::runtime::RawResponse, crate::runtime::Error<#err>> {
            #body
        }
    }
}

/// For a paged list with one success response (the page): the builder's
/// private `check_status`, which `send()` and `pages()` both call, and the
/// decoding `send()` applies to what it passes. One copy of the error arms
/// instead of two is less for the compiler to check in every paged list.
pub(super) fn shared_check(
    op: &Operation,
    single_success: Option<&(StatusMatch, TokenStream)>,
    error_arms: &[TokenStream],
    fallback: &Option<TokenStream>,
) -> Option<(TokenStream, TokenStream)> {
    let p = op.pagination.as_ref()?;
    let (status, decode) = single_success.filter(|(s, _)| *s == p.status)?;
    if events_body(op).is_some() {
        return None;
    }
    let err = ident(&op.error_name);
    let body = status_match(*status, error_arms, fallback);
    let check_fn = quote! {
        /// The response when its status is the page's, else the call's error.
        #[allow(clippy::result_large_err)]
        fn check_status(raw: crate::runtime::RawResponse) -> Result<crate::runtime::RawResponse, crate::runtime::Error<#err>> {
            #body
        }
    };
    Some((check_fn, decode.clone()))
}

fn opt(s: &Option<String>) -> TokenStream {
    match s {
        Some(s) => quote!(Some(#s)),
        None => quote!(None),
    }
}

/// The runtime's description of how the list is paged.
fn pager(p: &Pagination) -> TokenStream {
    let items = &p.items;
    let next = match &p.next {
        PageNext::Cursor {
            param,
            cursor,
            has_more,
        } => {
            let has_more = opt(has_more);
            quote!(Cursor { param: #param, cursor: #cursor, has_more: #has_more })
        }
        PageNext::LastItem {
            param,
            field,
            has_more,
        } => {
            let has_more = opt(has_more);
            quote!(LastItem { param: #param, field: #field, has_more: #has_more })
        }
        PageNext::Page {
            param,
            size_param,
            first,
            total_pages,
            has_more,
        } => {
            let (size_param, total_pages, has_more) =
                (opt(size_param), opt(total_pages), opt(has_more));
            quote!(Page { param: #param, size_param: #size_param, first: #first, total_pages: #total_pages, has_more: #has_more })
        }
        PageNext::Offset {
            param,
            limit_param,
            total,
            has_more,
        } => {
            let (limit_param, total, has_more) = (opt(limit_param), opt(total), opt(has_more));
            quote!(Offset { param: #param, limit_param: #limit_param, total: #total, has_more: #has_more })
        }
        PageNext::NextUrl { url } => quote!(BodyUrl { url: #url }),
        PageNext::LinkHeader => quote!(LinkHeader),
    };
    quote!(crate::runtime::Pager { items: #items, next: crate::runtime::Next::#next })
}

/// The docs of `stream()` (one line, after a space).
pub(super) fn stream_doc(p: &Pagination) -> String {
    let how = next_doc(p);
    format!(
        " The items of every page, each page requested when the stream needs it ({how}) with this call's parameters, options and retries; the stream ends after the last page, or after an error."
    )
}

/// The docs of `pages()`.
pub(super) const PAGES_DOC: &str = " Every page: its items, with its status and headers. Pages are requested as the stream is read, like [`Self::stream`].";

/// How the next page is asked for, in a sentence of the docs.
fn next_doc(p: &Pagination) -> String {
    let code = super::docs::code;
    match &p.next {
        PageNext::Cursor { param, cursor, .. } => {
            format!(
                "the cursor at {} of each page is sent back as {}",
                code(cursor),
                code(param)
            )
        }
        PageNext::LastItem { param, field, .. } => {
            format!(
                "the {} of each page's last item is sent as {}",
                code(field),
                code(param)
            )
        }
        PageNext::Page { param, .. } => format!("the page number {} goes up by one", code(param)),
        PageNext::Offset { param, .. } => {
            format!("the offset {} goes up by the items received", code(param))
        }
        PageNext::NextUrl { url } => format!("the URL at {} of each page is followed", code(url)),
        PageNext::LinkHeader => {
            "the `Link: <…>; rel=\"next\"` header of each page is followed".to_string()
        }
    }
}

/// The extra builder methods of `op`.
pub(super) fn methods(
    types: &Types<'_>,
    op: &Operation,
    error_arms: &[TokenStream],
    fallback: &Option<TokenStream>,
    shared_check: bool,
) -> Vec<TokenStream> {
    let err = ident(&op.error_name);
    let mut out = Vec::new();
    if let Some(p) = &op.pagination {
        let item = types.rust(&p.item, &quote!(types::));
        let pager = pager(p);
        let check = if shared_check {
            quote!(Self::check_status)
        } else {
            check(op, p.status, error_arms, fallback)
        };
        let stream_doc = stream_doc(p);
        let pages_doc = PAGES_DOC;
        out.push(quote! {
            #[doc = #stream_doc]
            pub fn stream(self) -> crate::runtime::ItemStream<#item, #err> {
                self.pages().items()
            }

            #[doc = #pages_doc]
            // The status check is a closure returning the call's (large) error.
            #[allow(clippy::result_large_err)]
            pub fn pages(self) -> crate::runtime::PageStream<#item, #err> {
                crate::runtime::pagination::pages(&self.client.config, self.request_spec(), &self.options, #pager, #check)
            }
        });
    }
    if let Some(e) = &op.events {
        let (data, decode) = event_data(types, e.data.as_ref());
        let check = check(op, e.status, error_arms, fallback);
        out.push(quote! {
            /// Sends the request asking for a stream of server-sent events
            /// (`Accept: text/event-stream`) instead of one JSON body; the
            /// API may also need a request option saying so. Returns once the
            /// response head arrives.
            // The status check is a closure returning the call's (large) error.
            #[allow(clippy::result_large_err)]
            pub async fn events(self) -> Result<crate::runtime::Response<crate::runtime::EventStream<#data, #err>>, crate::runtime::Error<#err>> {
                let mut spec = self.request_spec()?;
                spec.headers.retain(|(name, _)| !name.eq_ignore_ascii_case("accept"));
                spec.headers.push(("Accept".to_owned(), "text/event-stream".to_owned()));
                crate::runtime::events::send(&self.client.config, spec, &self.options, #check, #decode).await
            }
        });
    }
    if op.download {
        let status = op
            .responses
            .iter()
            .find(|r| r.status.is_success())
            .map_or(StatusMatch::Range(2), |r| r.status);
        let check = check(op, status, error_arms, fallback);
        out.push(quote! {
            /// Sends the request and returns once the response head arrives,
            /// with the body as a stream of chunks read as they come: for
            /// bodies too large to hold in memory. Each chunk must arrive
            /// within the call's timeout.
            // The status check is a closure returning the call's (large) error.
            #[allow(clippy::result_large_err)]
            pub async fn download(self) -> Result<crate::runtime::Response<crate::runtime::ByteStream<#err>>, crate::runtime::Error<#err>> {
                let spec = self.request_spec()?;
                crate::runtime::download::send(&self.client.config, spec, &self.options, #check).await
            }
        });
    }
    out
}

/// The `data` type of events and the function decoding it.
fn event_data(types: &Types<'_>, data: Option<&TypeRef>) -> (TokenStream, TokenStream) {
    match data {
        Some(t) => {
            let t = types.rust(t, &quote!(types::));
            (t.clone(), quote!(crate::runtime::events::json_data::<#t>))
        }
        None => (quote!(String), quote!(crate::runtime::events::text_data)),
    }
}

/// `send()`'s type and body when the success body is an event stream.
pub(super) fn events_send(
    types: &Types<'_>,
    op: &Operation,
    error_arms: &[TokenStream],
    fallback: &Option<TokenStream>,
) -> Option<(TokenStream, TokenStream)> {
    let (status, data) = events_body(op)?;
    let err = ident(&op.error_name);
    let (data, decode) = event_data(types, data);
    let check = check(op, status, error_arms, fallback);
    let ty = quote!(crate::runtime::EventStream<#data, #err>);
    let body = quote! {
        let spec = self.request_spec()?;
        crate::runtime::events::send(&self.client.config, spec, &self.options, #check, #decode).await
    };
    Some((ty, body))
}
