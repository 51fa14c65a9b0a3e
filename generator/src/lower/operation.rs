//! Paths and operations → [`Operation`]s.

use std::collections::BTreeSet;

use openapiv3::{
    MediaType, Operation as OaOperation, Parameter, ParameterSchemaOrContent, PathItem,
    ReferenceOr, RequestBody as OaBody, Response as OaResponse, StatusCode,
};

use super::naming::{kebab, pascal, snake, Namespace};
use super::refs::component_name;
use super::reserved;
use super::Lowerer;
use crate::diagnostic::{pointer_escape, pointer_join};
use crate::ir::{
    EventsAlternative, MediaKind, Method, Operation, Param, ParamLocation, ParamStyle, PathPart,
    RequestBody, Response, ResponseBody, StatusMatch, TypeRef,
};

impl<'a> Lowerer<'a> {
    pub(super) fn lower_operations(&mut self) -> Vec<Operation> {
        let mut out = Vec::new();
        // Whether any operation of the document (selected or not, so the
        // features of an operation do not depend on the selection) has a tag.
        let mut tagged = false;
        let mut taken = Namespace::new(reserved::CLIENT_METHODS);
        // Configured names are claimed before any generated one.
        for name in self.options.rename.operations.values() {
            if !taken.is_reserved(name) {
                taken.claim(name.clone());
            }
        }
        for (path, item) in self.spec.paths.paths.iter() {
            let path_pointer = format!("#/paths/{}", pointer_escape(path));
            let resolved;
            let item = match item {
                ReferenceOr::Item(item) => item,
                ReferenceOr::Reference { reference } => {
                    match self
                        .pointer_value(reference)
                        .and_then(|v| serde_json::from_value::<PathItem>(v).ok())
                    {
                        Some(found) => {
                            resolved = found;
                            &resolved
                        }
                        None => {
                            self.warn(&path_pointer, format!("cannot resolve path item `$ref: {reference}`; skipping the path"));
                            continue;
                        }
                    }
                }
            };
            for (method, op) in methods(item) {
                tagged |= !op.tags.is_empty();
                if !self
                    .options
                    .select
                    .keeps(method, path, &op.tags, op.operation_id.as_deref())
                {
                    continue;
                }
                if let Some(reason) = op.extensions.get(crate::load::SKIPPED) {
                    // Loading replaced it (and warned); the docs say so.
                    self.skipped.push(format!(
                        "`{} {path}`: {}",
                        method.as_str(),
                        reason.as_str().unwrap_or_default()
                    ));
                    continue;
                }
                let pointer = pointer_join(&path_pointer, &method.as_str().to_ascii_lowercase());
                let lowered =
                    self.operation(path, &path_pointer, item, method, op, &pointer, &mut taken);
                out.push(lowered);
            }
        }
        if !tagged {
            for op in &mut out {
                op.features = vec![path_feature(&op.path_template)
                    .unwrap_or_else(|| reserved::UNTAGGED_FEATURE.to_string())];
            }
        }
        // The operations' own items in the client module, in document order.
        let mut items = Namespace::new(reserved::CLIENT_ITEMS);
        for op in &mut out {
            let base = pascal(&op.name);
            op.builder_name = items.claim(format!("{base}Builder"));
            op.error_name = items.claim(format!("{base}Error"));
            op.output_name = items.claim(format!("{base}Output"));
            if let Some(body) = op
                .body
                .as_mut()
                .filter(|b| b.media == MediaKind::Multipart && !b.form_fields.is_empty())
            {
                body.form_name = Some(items.claim(format!("{base}Form")));
            }
        }
        out
    }

    #[allow(clippy::too_many_arguments)]
    fn operation(
        &mut self,
        path: &str,
        path_pointer: &str,
        item: &PathItem,
        method: Method,
        op: &OaOperation,
        pointer: &str,
        taken: &mut Namespace,
    ) -> Operation {
        let (path_only, fragment) = match path.split_once('#') {
            Some((p, f)) => (p, Some(f)),
            None => (path, None),
        };
        let base_name = match (&op.operation_id, fragment) {
            (Some(id), _) if !id.trim().is_empty() => snake(id),
            (_, Some(f)) if !f.trim().is_empty() => snake(f),
            _ => match &op.summary {
                Some(s) if s.split_whitespace().count() <= 6 => snake(s),
                _ => snake(&format!(
                    "{} {}",
                    method.as_str().to_ascii_lowercase(),
                    path_only
                )),
            },
        };
        // A duplicate (operationId reused, or a path item reached twice
        // through `$ref`) is named after its route, which says what it is.
        // A name the client itself uses keeps its spelling, with a suffix.
        let base_name = if taken.contains(&base_name) && !taken.is_reserved(&base_name) {
            snake(&format!(
                "{} {}",
                method.as_str().to_ascii_lowercase(),
                path_only
            ))
        } else {
            base_name
        };
        let name = match self.renamed_operation(method, path, op.operation_id.as_deref(), taken) {
            Some(configured) => configured,
            None => taken.claim(base_name),
        };
        let type_hint = pascal(&name);

        // Parameters: path-item level first, overridden by operation level.
        let mut params: Vec<Option<(Parameter, String)>> = Vec::new();
        // (name, location) → index in `params`: a later declaration replaces
        // an earlier one (hashing, not a scan per parameter).
        let mut index: std::collections::HashMap<
            (String, std::mem::Discriminant<Parameter>),
            usize,
        > = Default::default();
        for (list, base) in [(&item.parameters, path_pointer), (&op.parameters, pointer)] {
            for (i, p) in list.iter().enumerate() {
                let ppointer = format!("{base}/parameters/{i}");
                let Some(param) = self.resolve_parameter(p, &ppointer) else {
                    continue;
                };
                if param
                    .parameter_data_ref()
                    .extensions
                    .contains_key(crate::load::SKIPPED)
                {
                    continue;
                }
                let key = (
                    param.parameter_data_ref().name.clone(),
                    std::mem::discriminant(&param),
                );
                if let Some(old) = index.insert(key, params.len()) {
                    params[old] = None;
                }
                params.push(Some((param, ppointer)));
            }
        }
        let params: Vec<(Parameter, String)> = params.into_iter().flatten().collect();
        let mut names = Namespace::new(reserved::REQUEST_BUILDER);
        let params: Vec<Param> = params
            .iter()
            .filter_map(|(p, ppointer)| self.param(p, ppointer, &type_hint, &mut names))
            .collect();

        // Path template → parts, checking every template variable is declared.
        let path_names: BTreeSet<&str> = params
            .iter()
            .filter(|p| p.location == ParamLocation::Path)
            .map(|p| p.name.as_str())
            .collect();
        let mut parts = Vec::new();
        let mut rest = path_only;
        while let Some(start) = rest.find('{') {
            let Some(len) = rest[start..].find('}') else {
                break;
            };
            if start > 0 {
                parts.push(PathPart::Literal(rest[..start].to_string()));
            }
            let var = &rest[start + 1..start + len];
            if path_names.contains(var) {
                parts.push(PathPart::Param(var.to_string()));
            } else {
                self.warn(pointer, format!("path template variable `{{{var}}}` has no path parameter; it is sent literally"));
                parts.push(PathPart::Literal(rest[start..start + len + 1].to_string()));
            }
            rest = &rest[start + len + 1..];
        }
        if !rest.is_empty() {
            parts.push(PathPart::Literal(rest.to_string()));
        }
        let used: BTreeSet<&str> = parts
            .iter()
            .filter_map(|part| match part {
                PathPart::Param(name) => Some(name.as_str()),
                PathPart::Literal(_) => None,
            })
            .collect();
        let used: BTreeSet<String> = used.into_iter().map(str::to_string).collect();
        let mut params: Vec<Param> = params
            .into_iter()
            .filter(|p| p.location != ParamLocation::Path || used.contains(&p.name))
            .collect();
        // Twins of the optional setters taking an `Option`, named after every
        // parameter has its own name so a twin never displaces one.
        for p in params.iter_mut().filter(|p| !p.required) {
            // `_1st` (a name made from `1st`) gives `maybe_1st`, not `maybe__1st`.
            let base = p.rust_name.trim_start_matches('_');
            p.maybe_setter = Some(names.claim(format!("maybe_{base}")));
        }

        let body = op.request_body.as_ref().and_then(|b| {
            let bpointer = pointer_join(pointer, "requestBody");
            self.request_body(b, &bpointer, &type_hint)
        });
        let Responses {
            list: responses,
            events,
            download,
        } = self.responses(op, pointer, &type_hint);
        let accept = self.accept(op, events.is_some());
        let security = op
            .security
            .as_ref()
            .or(self.spec.security.as_ref())
            .map(|reqs| {
                reqs.iter()
                    .map(|r| r.keys().cloned().collect::<Vec<_>>())
                    .collect()
            })
            .unwrap_or_default();
        let security = self.known_security(security, pointer);

        let mut seen = std::collections::HashSet::new();
        let mut features: Vec<String> = op
            .tags
            .iter()
            .map(|t| tag_feature(t))
            .filter(|f| seen.insert(f.clone()))
            .collect();
        if features.is_empty() {
            features.push(reserved::UNTAGGED_FEATURE.to_string());
        }

        let mut operation = Operation {
            name,
            builder_name: String::new(),
            error_name: String::new(),
            output_name: String::new(),
            features,
            operation_id: op.operation_id.clone(),
            method,
            path_template: path.to_string(),
            path: parts,
            summary: op.summary.clone(),
            description: op.description.clone(),
            deprecated: op.deprecated,
            tags: op.tags.clone(),
            params,
            body,
            responses,
            accept,
            security,
            pointer: pointer.to_string(),
            pagination: None,
            events,
            download,
        };
        let configured = op
            .operation_id
            .as_ref()
            .and_then(|id| self.options.pagination.get(id))
            .or_else(|| {
                self.options
                    .pagination
                    .get(&format!("{} {path}", method.as_str()))
            });
        let extension = op.extensions.get(super::pagination::EXTENSION);
        let extension_pointer = super::pagination::extension_pointer(pointer);
        let setting = match (configured, extension) {
            (Some(v), _) => Some((v, "#/paths", crate::ir::PaginationSource::Config)),
            (None, Some(v)) => Some((
                v,
                extension_pointer.as_str(),
                crate::ir::PaginationSource::Extension,
            )),
            (None, None) => None,
        };
        operation.pagination = self.pagination(&operation, setting);
        operation
    }

    /// Media types of the declared responses, in document order.
    /// Without `text/event-stream` when events are an alternative to JSON
    /// (`send()` asks for JSON, `events()` for events).
    fn accept(&self, op: &OaOperation, events_alternative: bool) -> Option<String> {
        let mut types: Vec<String> = Vec::new();
        let all = op
            .responses
            .responses
            .values()
            .chain(op.responses.default.iter());
        for r in all {
            let content = match r {
                ReferenceOr::Item(r) => Some(&r.content),
                ReferenceOr::Reference { reference } => component_name(reference, "responses")
                    .and_then(|n| self.spec.components.as_ref()?.responses.get(&n))
                    .and_then(|r| match r {
                        ReferenceOr::Item(r) => Some(&r.content),
                        ReferenceOr::Reference { .. } => None,
                    }),
            };
            for ct in content.into_iter().flat_map(|c| c.keys()) {
                let ct = base_media(ct);
                if events_alternative && ct == super::events::EVENT_STREAM {
                    continue;
                }
                if !types.contains(&ct) {
                    types.push(ct);
                }
            }
        }
        (!types.is_empty()).then(|| types.join(", "))
    }

    fn known_security(&mut self, security: Vec<Vec<String>>, pointer: &str) -> Vec<Vec<String>> {
        let schemes = self.spec.components.as_ref().map(|c| &c.security_schemes);
        let mut out = Vec::new();
        for alt in security {
            let known: Vec<String> = alt
                .iter()
                .filter(|k| {
                    let ok = schemes.is_some_and(|s| s.contains_key(k.as_str()));
                    if !ok {
                        self.warn(
                            pointer,
                            format!("security requirement names undefined scheme `{k}`; ignored"),
                        );
                    }
                    ok
                })
                .cloned()
                .collect();
            if known.len() == alt.len() {
                out.push(known);
            }
        }
        out
    }

    fn resolve_parameter(
        &mut self,
        p: &ReferenceOr<Parameter>,
        pointer: &str,
    ) -> Option<Parameter> {
        let first = match p {
            ReferenceOr::Item(p) => return Some(p.clone()),
            ReferenceOr::Reference { reference } => reference,
        };
        // Follow a chain of references iteratively; a loop ends it.
        let mut reference = first.clone();
        let mut seen = BTreeSet::new();
        while seen.insert(reference.clone()) {
            let found = component_name(&reference, "parameters")
                .and_then(|n| self.spec.components.as_ref()?.parameters.get(&n));
            match found {
                Some(ReferenceOr::Item(p)) => return Some(p.clone()),
                Some(ReferenceOr::Reference { reference: next }) => reference = next.clone(),
                None => break,
            }
        }
        self.warn(
            pointer,
            format!("cannot resolve parameter `$ref: {first}`; parameter skipped"),
        );
        None
    }

    fn param(
        &mut self,
        p: &Parameter,
        pointer: &str,
        op_hint: &str,
        names: &mut Namespace,
    ) -> Option<Param> {
        let data = p.parameter_data_ref();
        let (location, style, explode) = match p {
            Parameter::Path { style, .. } => (
                ParamLocation::Path,
                match style {
                    openapiv3::PathStyle::Matrix => ParamStyle::Matrix,
                    openapiv3::PathStyle::Label => ParamStyle::Label,
                    openapiv3::PathStyle::Simple => ParamStyle::Simple,
                },
                data.explode.unwrap_or(false),
            ),
            Parameter::Query { style, .. } => {
                let style = match style {
                    openapiv3::QueryStyle::Form => ParamStyle::Form,
                    openapiv3::QueryStyle::SpaceDelimited => ParamStyle::SpaceDelimited,
                    openapiv3::QueryStyle::PipeDelimited => ParamStyle::PipeDelimited,
                    openapiv3::QueryStyle::DeepObject => ParamStyle::DeepObject,
                };
                (
                    ParamLocation::Query,
                    style,
                    data.explode.unwrap_or(style == ParamStyle::Form),
                )
            }
            Parameter::Header { .. } => (
                ParamLocation::Header,
                ParamStyle::Simple,
                data.explode.unwrap_or(false),
            ),
            Parameter::Cookie { .. } => (
                ParamLocation::Cookie,
                ParamStyle::Form,
                data.explode.unwrap_or(true),
            ),
        };
        if location == ParamLocation::Header
            && ["accept", "content-type", "authorization"]
                .contains(&data.name.to_ascii_lowercase().as_str())
        {
            // OpenAPI says these are ignored as parameters: they come from
            // the media types and security schemes.
            return None;
        }
        let hint = format!("{op_hint}{}", pascal(&data.name));
        let mut json_text = false;
        let (ty, default) = match &data.format {
            ParameterSchemaOrContent::Schema(schema) => {
                let default = match schema {
                    ReferenceOr::Item(s) => s.schema_data.default.clone(),
                    // A shared schema (an API-version enum) often carries the default.
                    ReferenceOr::Reference { reference } => self
                        .resolve_schema_ref(reference)
                        .and_then(|(_, s)| s.schema_data.default.clone()),
                };
                (
                    self.type_of(schema, &pointer_join(pointer, "schema"), &hint),
                    default,
                )
            }
            ParameterSchemaOrContent::Content(content) => {
                match content
                    .iter()
                    .next()
                    .and_then(|(ct, m)| Some((ct, m.schema.as_ref()?)))
                {
                    // Keyed by the schema's own pointer, like every type.
                    Some((ct, schema)) => {
                        json_text = media_kind(ct) == MediaKind::Json;
                        let media = pointer_join(&pointer_join(pointer, "content"), ct);
                        (
                            self.type_of(schema, &pointer_join(&media, "schema"), &hint),
                            None,
                        )
                    }
                    None => (TypeRef::Primitive(crate::ir::Primitive::String), None),
                }
            }
        };
        Some(Param {
            name: data.name.clone(),
            rust_name: names.claim(snake(&data.name)),
            maybe_setter: None,
            location,
            required: data.required || location == ParamLocation::Path,
            ty,
            style,
            explode,
            json_text,
            multi_segment: location == ParamLocation::Path
                && data.extensions.get("x-multi-segment") == Some(&serde_json::Value::Bool(true)),
            description: data.description.clone(),
            deprecated: data.deprecated.unwrap_or(false),
            default,
        })
    }

    fn request_body(
        &mut self,
        b: &ReferenceOr<OaBody>,
        pointer: &str,
        op_hint: &str,
    ) -> Option<RequestBody> {
        let body = match b {
            ReferenceOr::Item(b) => b.clone(),
            ReferenceOr::Reference { reference } => {
                let found = component_name(reference, "requestBodies").and_then(|n| {
                    self.spec
                        .components
                        .as_ref()?
                        .request_bodies
                        .get(&n)
                        .cloned()
                });
                match found {
                    Some(ReferenceOr::Item(b)) => b,
                    _ => {
                        self.warn(pointer, format!("cannot resolve request body `$ref: {reference}`; the operation sends no body"));
                        return None;
                    }
                }
            }
        };
        let mut choices: Vec<(&String, &MediaType)> = body.content.iter().collect();
        choices.sort_by_key(|(ct, _)| media_rank(ct));
        let (content_type, media) = choices.first().copied()?;
        let kind = media_kind(content_type);
        let media_pointer = pointer_join(&pointer_join(pointer, "content"), content_type);
        let hint = format!("{op_hint}Request");
        let ty = match (kind, &media.schema) {
            (MediaKind::Json | MediaKind::FormUrlEncoded, Some(schema)) => {
                Some(self.type_of(schema, &pointer_join(&media_pointer, "schema"), &hint))
            }
            (MediaKind::Json, None) => Some(TypeRef::Any),
            _ => None,
        };
        let form_fields = match kind {
            MediaKind::Multipart | MediaKind::FormUrlEncoded => {
                self.form_fields(media, &media_pointer, &hint)
            }
            _ => Vec::new(),
        };
        Some(RequestBody {
            form_fields,
            form_name: None,
            content_type: content_type.clone(),
            media: kind,
            ty,
            required: body.required,
            description: body.description.clone(),
            alternatives: choices
                .iter()
                .skip(1)
                .map(|(ct, _)| (*ct).clone())
                .collect(),
            examples: self.media_examples(media),
        })
    }

    fn responses(&mut self, op: &OaOperation, pointer: &str, op_hint: &str) -> Responses {
        let mut out = Vec::new();
        let mut events = None;
        let mut download = false;
        let rpointer = pointer_join(pointer, "responses");
        let mut entries: Vec<(StatusMatch, &ReferenceOr<OaResponse>, String)> = op
            .responses
            .responses
            .iter()
            .map(|(code, r)| {
                let (m, key) = match code {
                    StatusCode::Code(c) => (StatusMatch::Code(*c), c.to_string()),
                    StatusCode::Range(r) => (StatusMatch::Range(*r as u8), format!("{r}XX")),
                };
                (m, r, key)
            })
            .collect();
        if let Some(d) = &op.responses.default {
            entries.push((StatusMatch::Default, d, "default".to_string()));
        }
        entries.sort_by_key(|(m, _, _)| *m);
        let mut taken = Namespace::new(reserved::RESPONSE_VARIANTS);
        for (status, r, key) in entries {
            let this_pointer = pointer_join(&rpointer, &key);
            let resp = match r {
                ReferenceOr::Item(r) => r.clone(),
                ReferenceOr::Reference { reference } => {
                    let found = component_name(reference, "responses")
                        .and_then(|n| self.spec.components.as_ref()?.responses.get(&n).cloned());
                    match found {
                        Some(ReferenceOr::Item(r)) => r,
                        _ => {
                            self.warn(&this_pointer, format!("cannot resolve response `$ref: {reference}`; its body is returned raw"));
                            OaResponse::default()
                        }
                    }
                }
            };
            let name = taken.claim(status_name(status));
            let hint = match status {
                StatusMatch::Code(200) => format!("{op_hint}Response"),
                _ => format!("{op_hint}Response{}", pascal(&name)),
            };
            let mut choices: Vec<(&String, &MediaType)> = resp.content.iter().collect();
            choices.sort_by_key(|(ct, _)| media_rank(ct));
            let headers = resp.headers.keys().cloned().collect();
            if let Some(body) =
                self.event_stream(&mut choices, status, &this_pointer, &hint, &mut events)
            {
                out.push(Response {
                    status,
                    description: Some(resp.description.clone()).filter(|d| !d.is_empty()),
                    name,
                    body,
                    examples: Vec::new(),
                    headers,
                });
                continue;
            }
            let (body, examples) = match choices.first() {
                None if matches!(status, StatusMatch::Code(204 | 205 | 304)) => {
                    (ResponseBody::Empty, Vec::new())
                }
                None => (ResponseBody::Raw, Vec::new()),
                Some((ct, media)) => {
                    let media_pointer = pointer_join(&pointer_join(&this_pointer, "content"), ct);
                    let body = match (media_kind(ct), &media.schema) {
                        (MediaKind::Json, Some(schema)) => ResponseBody::Json(self.type_of(
                            schema,
                            &pointer_join(&media_pointer, "schema"),
                            &hint,
                        )),
                        (MediaKind::Text, _) => ResponseBody::Text,
                        (kind, _) => {
                            // Declared binary content: offered as a stream too.
                            download |= kind == MediaKind::Binary && status.is_success();
                            ResponseBody::Raw
                        }
                    };
                    (body, self.media_examples(media))
                }
            };
            out.push(Response {
                status,
                description: Some(resp.description.clone()).filter(|d| !d.is_empty()),
                name,
                body,
                examples,
                headers,
            });
        }
        // One success body to stream: several would need an enum of streams.
        let successes = out.iter().filter(|r| r.status.is_success()).count();
        Responses {
            list: out,
            events,
            download: download && successes == 1,
        }
    }

    /// JSON examples of a media type: `example` and every `examples` entry,
    /// with `components/examples` references resolved.
    fn media_examples(&mut self, media: &MediaType) -> Vec<serde_json::Value> {
        let mut out: Vec<serde_json::Value> = media.example.iter().cloned().collect();
        for ex in media.examples.values() {
            let ex = match ex {
                ReferenceOr::Item(e) => Some(e.clone()),
                ReferenceOr::Reference { reference } => component_name(reference, "examples")
                    .and_then(|n| self.spec.components.as_ref()?.examples.get(&n).cloned())
                    .and_then(|e| match e {
                        ReferenceOr::Item(e) => Some(e),
                        ReferenceOr::Reference { .. } => None,
                    }),
            };
            if let Some(value) = ex.and_then(|e| e.value) {
                out.push(value);
            }
        }
        out
    }
}

/// An operation's responses and what they offer besides `send()`.
struct Responses {
    list: Vec<Response>,
    events: Option<EventsAlternative>,
    download: bool,
}

pub(super) fn methods(item: &PathItem) -> Vec<(Method, &OaOperation)> {
    [
        (Method::Get, &item.get),
        (Method::Put, &item.put),
        (Method::Post, &item.post),
        (Method::Delete, &item.delete),
        (Method::Options, &item.options),
        (Method::Head, &item.head),
        (Method::Patch, &item.patch),
        (Method::Trace, &item.trace),
    ]
    .into_iter()
    .filter_map(|(m, op)| op.as_ref().map(|op| (m, op)))
    .collect()
}

/// The cargo feature of a tag: `tag-` and the tag in kebab case (tags that
/// differ only in case or punctuation share one).
fn tag_feature(tag: &str) -> String {
    format!("tag-{}", kebab(tag))
}

/// The cargo feature of an operation of an API without tags: `path-` and
/// the path's first resource segment in kebab case (`/v1/customers/{id}` →
/// `path-customers`), so a user can still compile only part of a big
/// tagless API (Stripe). Leading `api` and version segments (`v1`, `v2.1`,
/// `v1beta1`, `2024-01-01`) and template segments are skipped; a segment is
/// cut at `.` or `:` (`/chat.postMessage` → `chat`, `/jobs:run` → `jobs`).
/// `None` for a path with no such segment (`/`, `/{id}`): `untagged`. The
/// `path-` prefix keeps these apart from `tag-*`, `untagged` and the
/// runtime's features (`default`, `rustls`, `native-tls`, `tracing`).
pub(super) fn path_feature(path: &str) -> Option<String> {
    path.split('/')
        .filter(|seg| !seg.contains('{'))
        .map(|seg| seg.split(['.', ':']).next().unwrap_or(seg))
        .filter(|seg| seg.chars().any(|c| c.is_ascii_alphanumeric()))
        .find(|seg| !seg.eq_ignore_ascii_case("api") && !version_like(seg))
        .map(|seg| format!("path-{}", kebab(seg)))
}

/// A version segment of a path: `v1`, `V2`, `1.0`, `v2_1`, `v1beta1`,
/// `v1alpha`, `2024-01-01`.
fn version_like(seg: &str) -> bool {
    let rest = seg.strip_prefix(['v', 'V']).unwrap_or(seg);
    if !rest.starts_with(|c: char| c.is_ascii_digit()) {
        return false;
    }
    let numeric = |c: char| c.is_ascii_digit() || matches!(c, '.' | '-' | '_');
    let rest = rest.trim_start_matches(numeric).to_ascii_lowercase();
    let rest = ["alpha", "beta", "preview"]
        .iter()
        .find_map(|pre| rest.strip_prefix(pre))
        .unwrap_or(&rest);
    rest.chars().all(numeric)
}

pub(super) fn base_media(ct: &str) -> String {
    ct.split(';')
        .next()
        .unwrap_or(ct)
        .trim()
        .to_ascii_lowercase()
}

pub(super) fn media_kind(ct: &str) -> MediaKind {
    let ct = base_media(ct);
    if ct == "application/json"
        || ct.ends_with("+json")
        || ct == "*/*"
        || ct == "application/*"
        || ct.ends_with("/json")
    {
        MediaKind::Json
    } else if ct == "application/x-www-form-urlencoded" {
        MediaKind::FormUrlEncoded
    } else if ct.starts_with("multipart/") {
        MediaKind::Multipart
    } else if ct.starts_with("text/") {
        MediaKind::Text
    } else {
        MediaKind::Binary
    }
}

/// Preference among a body's media types: JSON first.
fn media_rank(ct: &str) -> (u8, String) {
    let rank = match media_kind(ct) {
        MediaKind::Json if base_media(ct) == "application/json" => 0,
        MediaKind::Json => 1,
        MediaKind::FormUrlEncoded => 2,
        MediaKind::Multipart => 3,
        MediaKind::Binary => 4,
        MediaKind::Text => 5,
    };
    (rank, ct.to_string())
}

fn status_name(status: StatusMatch) -> String {
    match status {
        StatusMatch::Code(c) => match c {
            200 => "Ok",
            201 => "Created",
            202 => "Accepted",
            204 => "NoContent",
            301 => "MovedPermanently",
            302 => "Found",
            304 => "NotModified",
            400 => "BadRequest",
            401 => "Unauthorized",
            403 => "Forbidden",
            404 => "NotFound",
            405 => "MethodNotAllowed",
            409 => "Conflict",
            410 => "Gone",
            412 => "PreconditionFailed",
            415 => "UnsupportedMediaType",
            422 => "UnprocessableEntity",
            429 => "TooManyRequests",
            500 => "InternalServerError",
            502 => "BadGateway",
            503 => "ServiceUnavailable",
            _ => return format!("Status{c}"),
        }
        .to_string(),
        StatusMatch::Range(r) => format!("Status{r}xx"),
        StatusMatch::Default => "Default".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::path_feature;

    #[test]
    fn path_features_name_the_first_resource() {
        let cases = [
            ("/v1/customers", Some("path-customers")),
            ("/v1/customers/{customer}/sources", Some("path-customers")),
            ("/v1/test_helpers/test_clocks", Some("path-test-helpers")),
            (
                "/api/v2.1/BillingPortal/sessions",
                Some("path-billing-portal"),
            ),
            ("/V1beta1/pets", Some("path-pets")),
            ("/2024-01-01/reports", Some("path-reports")),
            ("/{tenant}/v1/orders/{id}", Some("path-orders")),
            ("/chat.postMessage", Some("path-chat")),
            ("/v1/projects:search", Some("path-projects")),
            // `v1x` is a resource, not a version.
            ("/v1x/items", Some("path-v1x")),
            ("/", None),
            ("", None),
            ("/{id}", None),
            ("/api/v1", None),
            ("/v1/{id}/{sub}", None),
            ("/\u{e9}t\u{e9}", Some("path-ete")),
            ("/-_-/v1", None),
        ];
        for (path, want) in cases {
            assert_eq!(path_feature(path).as_deref(), want, "{path}");
        }
    }
}
