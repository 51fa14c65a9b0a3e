//! Paginated lists, walked lazily: each page is requested when the stream
//! needs it, through the same executor as any call (retries, credentials,
//! hooks), and the walk stops at the end of the list.

use std::collections::HashSet;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use reqwest::header::HeaderMap;
use reqwest::Url;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::body::Check;
use super::client::ClientConfig;
use super::error::{lossy_prefix, Error, InvalidRequest, MAX_BODY_SNIPPET};
use super::options::RequestOptions;
use super::request::RequestSpec;
use super::response::{RawResponse, Response};

/// How one operation's list is paged: generated code describes it with
/// constants. Pointers are JSON pointers into a page's body.
#[derive(Clone, Copy, Debug)]
pub struct Pager {
    /// The item array; empty when the body is the array.
    pub items: &'static str,
    pub next: Next,
}

/// How the next page is requested (see the generator's `PageNext`).
#[derive(Clone, Copy, Debug)]
pub enum Next {
    Cursor {
        param: &'static str,
        cursor: &'static str,
        has_more: Option<&'static str>,
    },
    LastItem {
        param: &'static str,
        field: &'static str,
        has_more: Option<&'static str>,
    },
    Page {
        param: &'static str,
        size_param: Option<&'static str>,
        first: u64,
        total_pages: Option<&'static str>,
        has_more: Option<&'static str>,
    },
    Offset {
        param: &'static str,
        limit_param: Option<&'static str>,
        total: Option<&'static str>,
        has_more: Option<&'static str>,
    },
    BodyUrl {
        url: &'static str,
    },
    LinkHeader,
}

/// What a page says about the one after it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// The list ends here.
    End,
    /// Send query parameter `param` with `value`, the rest unchanged.
    Query(&'static str, String),
    /// Request this URL (absolute or relative to the page's URL).
    Url(String),
}

/// A page's body broke the pagination rule; becomes [`Error::Decode`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageError {
    /// The JSON pointer involved, if any.
    pub pointer: String,
    pub message: String,
}

fn page_error(pointer: &str, message: impl Into<String>) -> PageError {
    PageError {
        pointer: pointer.to_owned(),
        message: message.into(),
    }
}

/// A query value from a cursor: strings as they are, numbers as written.
fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn query_value<'q>(query: &'q [(String, String)], name: &str) -> Option<&'q str> {
    query
        .iter()
        .rev()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

fn count_at(body: &Value, pointer: Option<&str>) -> Option<u64> {
    body.pointer(pointer?).and_then(Value::as_u64)
}

impl Pager {
    /// The items of a page: a missing or `null` array is an empty page.
    pub fn items<'b>(&self, body: &'b Value) -> Result<&'b [Value], PageError> {
        match body.pointer(self.items) {
            Some(Value::Array(items)) => Ok(items),
            None | Some(Value::Null) => Ok(&[]),
            Some(_) => Err(page_error(
                self.items,
                "the page's item list is not an array",
            )),
        }
    }

    /// The step after a page, from its body, items, headers and the query
    /// it was requested with.
    pub fn step(
        &self,
        body: &Value,
        items: &[Value],
        headers: &HeaderMap,
        query: &[(String, String)],
    ) -> Result<Step, PageError> {
        let no_more = |has_more: Option<&str>| {
            has_more.and_then(|p| body.pointer(p)) == Some(&Value::Bool(false))
        };
        Ok(match self.next {
            Next::Cursor {
                param,
                cursor,
                has_more,
            } => {
                if no_more(has_more) {
                    return Ok(Step::End);
                }
                match body.pointer(cursor).and_then(scalar) {
                    Some(value) => Step::Query(param, value),
                    None => Step::End,
                }
            }
            Next::LastItem {
                param,
                field,
                has_more,
            } => {
                let Some(last) = items.last() else {
                    return Ok(Step::End);
                };
                if no_more(has_more) {
                    return Ok(Step::End);
                }
                match last.get(field).and_then(scalar) {
                    Some(value) => Step::Query(param, value),
                    None => {
                        let at = format!("{}/{}", self.items, items.len() - 1);
                        return Err(page_error(
                            &at,
                            format!("the last item has no `{field}` to continue the list from"),
                        ));
                    }
                }
            }
            Next::Page {
                param,
                size_param,
                first,
                total_pages,
                has_more,
            } => {
                let page = query_value(query, param)
                    .and_then(|v| v.parse::<u64>().ok())
                    .unwrap_or(first);
                let size = size_param
                    .and_then(|p| query_value(query, p))
                    .and_then(|v| v.parse::<u64>().ok());
                let last = count_at(body, total_pages)
                    .is_some_and(|total| page.saturating_add(1).saturating_sub(first) >= total);
                if items.is_empty()
                    || no_more(has_more)
                    || size.is_some_and(|s| (items.len() as u64) < s)
                    || last
                {
                    Step::End
                } else {
                    Step::Query(param, page.saturating_add(1).to_string())
                }
            }
            Next::Offset {
                param,
                limit_param,
                total,
                has_more,
            } => {
                let offset = query_value(query, param)
                    .and_then(|v| v.parse::<u64>().ok())
                    .unwrap_or(0);
                let limit = limit_param
                    .and_then(|p| query_value(query, p))
                    .and_then(|v| v.parse::<u64>().ok());
                let next = offset.saturating_add(items.len() as u64);
                let done = count_at(body, total).is_some_and(|total| next >= total);
                if items.is_empty()
                    || no_more(has_more)
                    || limit.is_some_and(|l| (items.len() as u64) < l)
                    || done
                {
                    Step::End
                } else {
                    Step::Query(param, next.to_string())
                }
            }
            Next::BodyUrl { url } => match body.pointer(url) {
                Some(Value::String(s)) if !s.trim().is_empty() => Step::Url(s.trim().to_owned()),
                None | Some(Value::Null | Value::String(_)) => Step::End,
                Some(_) => return Err(page_error(url, "the next page's URL is not a string")),
            },
            Next::LinkHeader => match next_link(headers) {
                Some(url) => Step::Url(url),
                None => Step::End,
            },
        })
    }
}

/// The target of the first `rel="next"` link of the `Link` headers (RFC
/// 8288): `<url>; rel="next"`, several links per header separated by commas,
/// relation types separated by spaces, case-insensitive.
pub fn next_link(headers: &HeaderMap) -> Option<String> {
    for value in headers.get_all(reqwest::header::LINK) {
        let Ok(text) = value.to_str() else { continue };
        let mut rest = text;
        while let Some(open) = rest.find('<') {
            let after = &rest[open + 1..];
            let close = after.find('>')?;
            let target = &after[..close];
            // Parameters run to the next comma outside quotes.
            let params_text = &after[close + 1..];
            let mut end = params_text.len();
            let mut quoted = false;
            for (i, c) in params_text.char_indices() {
                match c {
                    '"' => quoted = !quoted,
                    ',' if !quoted => {
                        end = i;
                        break;
                    }
                    _ => {}
                }
            }
            let params = &params_text[..end];
            rest = &params_text[end..];
            let is_next = params.split(';').any(|param| {
                let Some((name, value)) = param.split_once('=') else {
                    return false;
                };
                name.trim().eq_ignore_ascii_case("rel")
                    && value
                        .trim()
                        .trim_matches('"')
                        .split_ascii_whitespace()
                        .any(|r| r.eq_ignore_ascii_case("next"))
            });
            if is_next {
                return Some(target.trim().to_owned());
            }
        }
    }
    None
}

/// The URL a spec is sent to (without credentials).
fn request_url(base_url: &str, spec: &RequestSpec) -> Result<Url, String> {
    let separator = if spec.path.starts_with('/') { "" } else { "/" };
    let mut url = Url::parse(&format!(
        "{}{separator}{}",
        base_url.trim_end_matches('/'),
        spec.path
    ))
    .map_err(|e| e.to_string())?;
    if !spec.query.is_empty() {
        url.query_pairs_mut().extend_pairs(&spec.query);
    }
    Ok(url)
}

/// Points `spec` at `next` (resolved against the page's URL) when it lies
/// within the client's base URL: same scheme, host and port, under the base
/// path. Anything else is refused: credentials go only to the API's server.
pub fn follow(base_url: &str, spec: &mut RequestSpec, next: &str) -> Result<(), String> {
    let current = request_url(base_url, spec)?;
    let target = current
        .join(next)
        .map_err(|e| format!("the next page's URL is invalid: {e}"))?;
    let base = Url::parse(base_url.trim_end_matches('/')).map_err(|e| e.to_string())?;
    let base_path = base.path().trim_end_matches('/');
    let same_origin = target.scheme() == base.scheme()
        && target.host_str() == base.host_str()
        && target.port_or_known_default() == base.port_or_known_default();
    let path = target
        .path()
        .strip_prefix(base_path)
        .filter(|rest| rest.is_empty() || rest.starts_with('/'));
    match path {
        Some(path) if same_origin => {
            spec.path = if path.is_empty() {
                "/".to_owned()
            } else {
                path.to_owned()
            };
            spec.query = target
                .query_pairs()
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            Ok(())
        }
        _ => Err(
            "the next page's URL is outside the client's base URL; it is not followed".to_owned(),
        ),
    }
}

/// Sets query parameter `name` to `value`, replacing earlier values.
fn set_query(spec: &mut RequestSpec, name: &str, value: String) {
    spec.query.retain(|(n, _)| n != name);
    spec.query.push((name.to_owned(), value));
}

type BoxStream<T> = Pin<Box<dyn Stream<Item = T> + Send>>;

/// The pages of a list: each page's items, with its status and headers.
/// Returned by a list operation's `pages()`.
#[must_use = "streams do nothing unless polled"]
pub struct PageStream<T, E> {
    inner: BoxStream<Result<Response<Vec<T>>, Error<E>>>,
}

/// The items of a list, across pages. Returned by a list operation's
/// `stream()`.
#[must_use = "streams do nothing unless polled"]
pub struct ItemStream<T, E> {
    pages: PageStream<T, E>,
    // Boxed so the stream is `Unpin` whatever `T` is.
    current: Box<std::vec::IntoIter<T>>,
}

impl<T, E> std::fmt::Debug for PageStream<T, E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PageStream")
    }
}

impl<T, E> std::fmt::Debug for ItemStream<T, E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ItemStream")
    }
}

impl<T, E> Stream for PageStream<T, E> {
    type Item = Result<Response<Vec<T>>, Error<E>>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

impl<T, E> Stream for ItemStream<T, E> {
    type Item = Result<T, Error<E>>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        loop {
            if let Some(item) = self.current.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            match Pin::new(&mut self.pages).poll_next(cx) {
                Poll::Ready(Some(Ok(page))) => *self.current = page.into_body().into_iter(),
                Poll::Ready(Some(Err(err))) => return Poll::Ready(Some(Err(err))),
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

impl<T, E> PageStream<T, E> {
    /// The items of every page, one by one.
    pub fn items(self) -> ItemStream<T, E> {
        ItemStream {
            pages: self,
            current: Box::new(Vec::new().into_iter()),
        }
    }
}

/// Where the walk is.
enum State<E> {
    /// The next page's request.
    Next(Box<RequestSpec>),
    /// The page read fine but says nothing usable about the next one: its
    /// items are delivered, then this error.
    Fail(Box<Error<E>>),
    Done,
}

struct Walk<E> {
    config: ClientConfig,
    options: RequestOptions,
    pager: Pager,
    check: Check<E>,
    /// Cursors and URLs already requested: a server sending one twice would
    /// loop forever.
    seen: HashSet<String>,
    /// The previous page's items, for numbered pages: a server ignoring the
    /// page parameter sends the same page again.
    previous: Option<Vec<Value>>,
}

fn decode_error<E>(raw: &RawResponse, path: &str, message: String) -> Error<E> {
    Error::Decode {
        status: raw.status,
        headers: raw.headers.clone(),
        path: path.to_owned(),
        message,
        body_snippet: lossy_prefix(&raw.body, MAX_BODY_SNIPPET),
        body: raw.body.clone(),
    }
}

impl<E> Walk<E> {
    /// Fetches one page and prepares the request of the next.
    async fn page<T: DeserializeOwned>(
        &mut self,
        mut spec: RequestSpec,
    ) -> Result<(Response<Vec<T>>, State<E>), Error<E>> {
        let raw = super::execute::execute(&self.config, spec.clone(), &self.options).await?;
        let raw = (self.check)(raw)?;
        let body = raw.decode::<Value, E>()?;
        let items = self
            .pager
            .items(&body)
            .map_err(|e| decode_error(&raw, &e.pointer, e.message))?;
        let mut decoded = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let value = serde_path_to_error::deserialize::<_, T>(item).map_err(|err| {
                let path = format!(
                    "{}[{i}].{}",
                    self.pager.items.trim_start_matches('/').replace('/', "."),
                    err.path()
                );
                decode_error(
                    &raw,
                    path.trim_start_matches('.').trim_end_matches('.'),
                    err.into_inner().to_string(),
                )
            })?;
            decoded.push(value);
        }
        let step = self
            .pager
            .step(&body, items, &raw.headers, &spec.query)
            .map_err(|e| decode_error(&raw, &e.pointer, e.message))?;
        let repeated = match &step {
            Step::End => false,
            Step::Query(param, value) => {
                let numbered = matches!(self.pager.next, Next::Page { .. } | Next::Offset { .. });
                let same_page = numbered && self.previous.as_deref() == Some(items);
                if numbered {
                    self.previous = Some(items.to_vec());
                }
                same_page || (!numbered && !self.seen.insert(format!("{param}={value}")))
            }
            Step::Url(url) => !self.seen.insert(url.clone()),
        };
        let fail = |message: String| State::Fail(Box::new(decode_error(&raw, "", message)));
        let next = match step {
            _ if repeated => fail(
                "the server sent the same next page twice; stopping instead of looping".to_owned(),
            ),
            Step::End => State::Done,
            Step::Query(param, value) => {
                set_query(&mut spec, param, value);
                State::Next(Box::new(spec))
            }
            Step::Url(url) => match follow(&self.config.base_url, &mut spec, &url) {
                Ok(()) => State::Next(Box::new(spec)),
                Err(message) => fail(message),
            },
        };
        let response = Response::new(raw.status, raw.headers, decoded);
        Ok((response, next))
    }
}

/// Walks the list starting with `first` (the call as the caller set it up).
pub fn pages<T, E>(
    config: &ClientConfig,
    first: Result<RequestSpec, InvalidRequest>,
    options: &RequestOptions,
    pager: Pager,
    check: Check<E>,
) -> PageStream<T, E>
where
    T: DeserializeOwned + Send + 'static,
    E: Send + 'static,
{
    let walk = Walk {
        config: config.clone(),
        options: options.clone(),
        pager,
        check,
        seen: HashSet::new(),
        previous: None,
    };
    let start = match first {
        Ok(spec) => Ok(State::Next(Box::new(spec))),
        Err(err) => Err(Error::from(err)),
    };
    let stream =
        futures_util::stream::unfold((walk, Some(start)), |(mut walk, state)| async move {
            match state? {
                Err(err) => Some((Err(err), (walk, None))),
                Ok(State::Done) => None,
                Ok(State::Fail(err)) => Some((Err(*err), (walk, None))),
                Ok(State::Next(spec)) => match walk.page::<T>(*spec).await {
                    Ok((page, next)) => Some((Ok(page), (walk, Some(Ok(next))))),
                    Err(err) => Some((Err(err), (walk, None))),
                },
            }
        });
    PageStream {
        inner: Box::pin(stream),
    }
}
