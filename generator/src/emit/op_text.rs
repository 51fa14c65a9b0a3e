//! One operation's items as text already in `prettyplease`'s form, without
//! building tokens and parsing them back (as [`super::struct_text`] does
//! for types).
//!
//! nexus and box are mostly operations: the `Client` method, the request
//! builder (struct, setters, `send()`, `request_spec()`), its `IntoFuture`
//! impl and the enums of its responses. Each item, and each group of the
//! builder's methods, is written here when its layout is one written here
//! (see [`super::line_text`]); any other is built as tokens by
//! [`super::operation::op_items`] and formatted alone, so the text is the
//! same as formatting the whole operation's tokens (held by the tests
//! below). Only for the crate layout (`crate::runtime`).

use std::fmt::Write as _;

use proc_macro2::TokenStream;
use quote::quote;

use super::decl_text::{push_doc, type_text_in};
use super::line_text::{fits, push_line, push_sig, push_whole, Ty};
use super::operation::{
    body_doc_lines, op_doc_lines, op_items, positional, setter_doc_lines, OpItems, BUILDER_METHODS,
};
use super::rust_type::{ident, Types};
use super::send_text::{
    check_fn_text, error_enum_text, into_future_text, output_enum_text, send_text,
};
use crate::ir::{ClientParam, MediaKind, Operation, Primitive, TypeRef};

/// The tokens of every item, built only if one is not written here.
struct Fallback<'a, 'b> {
    types: &'a Types<'b>,
    op: &'a Operation,
    client_params: &'a [ClientParam],
    cfg: Option<&'a TokenStream>,
    items: Option<OpItems>,
}

impl Fallback<'_, '_> {
    /// One item (or group of methods, `inside` an impl) formatted from its
    /// tokens.
    fn format(
        &mut self,
        inside: bool,
        pick: impl Fn(&OpItems) -> TokenStream,
    ) -> Result<String, String> {
        let (types, op, params, cfg) = (self.types, self.op, self.client_params, self.cfg);
        let items = self
            .items
            .get_or_insert_with(|| op_items(types, op, params, cfg));
        let tokens = pick(items);
        if inside {
            methods_text(tokens, &op.name)
        } else {
            super::format_tokens(tokens, &op.name)
        }
    }
}

/// The operation's items, formatted. `cfg`: its feature gate, as tokens
/// and as `prettyplease` prints it (one line).
pub(super) fn operation_text(
    types: &Types<'_>,
    op: &Operation,
    client_params: &[ClientParam],
    cfg: Option<(&TokenStream, &str)>,
) -> Result<String, String> {
    let cfg_tokens = cfg.map(|(t, _)| t);
    let cfg_text = match cfg {
        Some((_, line)) if !line.is_ascii() || !fits(line.len()) => {
            let items = op_items(types, op, client_params, cfg_tokens);
            return super::format_tokens(items.all(), &op.name);
        }
        Some((_, line)) => format!("{line}\n"),
        None => String::new(),
    };
    let mut fallback = Fallback {
        types,
        op,
        client_params,
        cfg: cfg_tokens,
        items: None,
    };
    let mut out = String::with_capacity(8192);
    // An item: its text after the gate, or its tokens (gate included).
    let item = |out: &mut String,
                fallback: &mut Fallback<'_, '_>,
                text: Option<String>,
                pick: &dyn Fn(&OpItems) -> TokenStream|
     -> Result<(), String> {
        match text {
            Some(text) => {
                out.push_str(&cfg_text);
                out.push_str(&text);
            }
            None => out.push_str(&fallback.format(false, pick)?),
        }
        Ok(())
    };
    if op.body.as_ref().is_some_and(|b| b.form_name.is_some()) {
        item(&mut out, &mut fallback, None, &|t| {
            t.form_struct.clone().unwrap_or_default()
        })?;
    }
    let m = members_text(types, op, client_params);
    let text = m.as_ref().and_then(|m| client_impl(op, m));
    item(&mut out, &mut fallback, text, &|t| t.client_impl.clone())?;
    let text = m.as_ref().and_then(|m| builder_struct(op, m));
    item(&mut out, &mut fallback, text, &|t| t.builder_struct.clone())?;

    // The builder's impl: its header, then each group of methods.
    let head = format!("impl<'a> {}<'a> {{", ident(&op.builder_name));
    let mut body = String::with_capacity(4096);
    let methods = |body: &mut String,
                   fallback: &mut Fallback<'_, '_>,
                   text: Option<String>,
                   pick: &dyn Fn(&OpItems) -> TokenStream|
     -> Result<(), String> {
        match text {
            Some(text) => body.push_str(&text),
            None => body.push_str(&fallback.format(true, pick)?),
        }
        Ok(())
    };
    let setters = m.and_then(|m| m.setters);
    methods(&mut body, &mut fallback, setters, &|t| {
        let s = &t.setters;
        quote!(#(#s)*)
    })?;
    body.push_str(BUILDER_METHODS);
    methods(&mut body, &mut fallback, send_text(types, op), &|t| {
        t.send.clone()
    })?;
    if op.pagination.is_some() || op.events.is_some() || op.download {
        let check = matches!(check_fn_text(types, op), Some(Some(_)));
        let text = super::page_text::page_methods_text(types, op, check);
        methods(&mut body, &mut fallback, text, &|t| {
            let s = &t.streaming;
            quote!(#(#s)*)
        })?;
    }
    let text = super::request_text::request_spec_text(types, op);
    methods(&mut body, &mut fallback, text, &|t| t.request_spec.clone())?;
    match check_fn_text(types, op) {
        Some(Some(text)) => body.push_str(&text),
        Some(None) => {}
        None => methods(&mut body, &mut fallback, None, &|t| {
            t.check_fn.clone().unwrap_or_default()
        })?,
    }
    let mut builder_impl = String::with_capacity(head.len() + body.len() + 4);
    let text = push_line(&mut builder_impl, &head).map(|()| {
        builder_impl.push_str(&body);
        builder_impl.push_str("}\n");
        builder_impl
    });
    item(&mut out, &mut fallback, text, &|t| {
        let OpItems {
            builder_impl_head,
            setters,
            builder_methods,
            send,
            streaming,
            request_spec,
            check_fn,
            ..
        } = t;
        quote! {
            #builder_impl_head {
                #(#setters)*
                #builder_methods
                #send
                #(#streaming)*
                #request_spec
                #check_fn
            }
        }
    })?;

    let text = into_future_text(types, op);
    item(&mut out, &mut fallback, text, &|t| t.into_future.clone())?;
    match output_enum_text(types, op) {
        Some(Some(text)) => item(&mut out, &mut fallback, Some(text), &|_| TokenStream::new())?,
        Some(None) => {}
        None => item(&mut out, &mut fallback, None, &|t| {
            t.output_enum.clone().unwrap_or_default()
        })?,
    }
    let text = error_enum_text(types, op);
    item(&mut out, &mut fallback, text, &|t| t.error_enum.clone())?;
    Ok(out)
}

/// Methods as `prettyplease` prints them inside an `impl`: formatted in
/// one, its first and last lines taken off.
fn methods_text(methods: TokenStream, what: &str) -> Result<String, String> {
    if methods.is_empty() {
        return Ok(String::new());
    }
    let text = super::format_tokens(quote!(impl X { #methods }), what)?;
    text.strip_prefix("impl X {\n")
        .and_then(|t| t.strip_suffix("}\n"))
        .map(str::to_string)
        .ok_or_else(|| format!("internal error: methods of {what} print as {text}"))
}

/// The builder's members as text: see [`super::operation`]'s `members`.
struct MembersText {
    args: Vec<String>,
    inits: Vec<String>,
    fields: Vec<String>,
    /// `None` when a setter's layout is not one written here.
    setters: Option<String>,
}

/// A parameter's stored type, argument type, and whether it converts
/// (`.into()`).
fn param_types(types: &Types<'_>, t: &TypeRef) -> Option<(String, String, bool)> {
    match t.non_null() {
        TypeRef::Primitive(Primitive::String) => {
            Some(("String".into(), "impl Into<String>".into(), true))
        }
        other => {
            let mut s = String::new();
            type_text_in(types, other, "types::", &mut s)?;
            Some((s.clone(), s, false))
        }
    }
}

/// A setter: docs, signature, assignment, `self`.
fn push_setter(
    out: &mut String,
    docs: &[String],
    name: &str,
    arg: &str,
    assign: &str,
) -> Option<()> {
    if !push_doc(out, "    ", docs) {
        return None;
    }
    let params = ["mut self".to_string(), arg.to_string()];
    push_sig(
        out,
        "    ",
        &format!("pub fn {name}"),
        &params,
        &Ty::Leaf("Self".into()),
    )?;
    if push_line(out, &format!("        {assign}")).is_none() {
        // `self.x = x.map(..);` too wide: broken before `.map`.
        let (value, map) = assign.split_once(".map(")?;
        push_line(out, &format!("        {value}"))?;
        push_line(out, &format!("            .map({map}"))?;
    }
    out.push_str("        self\n    }\n");
    Some(())
}

fn members_text(
    types: &Types<'_>,
    op: &Operation,
    client_params: &[ClientParam],
) -> Option<MembersText> {
    let positional = positional(op);
    let mut m = MembersText {
        args: Vec::new(),
        inits: Vec::new(),
        fields: Vec::new(),
        setters: Some(String::new()),
    };
    // A setter not written here leaves them all to the token path.
    let setter =
        |setters: &mut Option<String>, docs: &[String], name: &str, arg: &str, assign: &str| {
            if let Some(out) = setters {
                if push_setter(out, docs, name, arg, assign).is_none() {
                    *setters = None;
                }
            }
        };
    for p in &op.params {
        let n = ident(&p.rust_name).to_string();
        let (stored, arg, into) = param_types(types, &p.ty)?;
        let conv = if into {
            format!("{n}.into()")
        } else {
            n.clone()
        };
        if positional
            .iter()
            .any(|q| q.name == p.name && q.location == p.location)
        {
            m.args.push(format!("{n}: {arg}"));
            m.inits.push(if into {
                format!("{n}: {conv}")
            } else {
                n.clone()
            });
            m.fields.push(format!("{n}: {stored}"));
        } else {
            m.inits.push(format!("{n}: None"));
            m.fields.push(format!("{n}: Option<{stored}>"));
            let docs = setter_doc_lines(p, client_params);
            setter(
                &mut m.setters,
                &docs,
                &n,
                &format!("{n}: {arg}"),
                &format!("self.{n} = Some({conv});"),
            );
            if let Some(maybe) = &p.maybe_setter {
                let docs = [format!("Like [`Self::{}`], for a value that may be absent: `None` leaves the parameter unset.", p.rust_name)];
                let value = if into {
                    format!("{n}.map(|{n}| {conv})")
                } else {
                    n.clone()
                };
                setter(
                    &mut m.setters,
                    &docs,
                    &ident(maybe).to_string(),
                    &format!("{n}: Option<{arg}>"),
                    &format!("self.{n} = {value};"),
                );
            }
        }
    }
    if let Some(b) = &op.body {
        // (stored, argument, converts)
        let (stored, arg, into) = match (&b.ty, b.media) {
            (Some(t), MediaKind::Json | MediaKind::FormUrlEncoded) => {
                let mut s = String::from("&'a ");
                type_text_in(types, t, "types::", &mut s)?;
                (s.clone(), s, false)
            }
            (_, MediaKind::Text) => ("String".to_string(), "impl Into<String>".to_string(), true),
            (_, MediaKind::Multipart) => {
                let s = match &b.form_name {
                    Some(form) => format!("&'a {}", ident(form)),
                    None => "&'a crate::runtime::Multipart".to_string(),
                };
                (s.clone(), s, false)
            }
            _ => (
                "bytes::Bytes".to_string(),
                "impl Into<bytes::Bytes>".to_string(),
                true,
            ),
        };
        let conv = if into { "body.into()" } else { "body" };
        if b.required {
            m.args.push(format!("body: {arg}"));
            m.inits.push(if into {
                format!("body: {conv}")
            } else {
                "body".to_string()
            });
            m.fields.push(format!("body: {stored}"));
        } else {
            m.inits.push("body: None".to_string());
            m.fields.push(format!("body: Option<{stored}>"));
            setter(
                &mut m.setters,
                &body_doc_lines(op),
                "body",
                &format!("body: {arg}"),
                &format!("self.body = Some({conv});"),
            );
            let docs = [
                "Like [`Self::body`], for a body that may be absent: `None` sends none."
                    .to_string(),
            ];
            let value = if into {
                format!("body.map(|body| {conv})")
            } else {
                "body".to_string()
            };
            setter(
                &mut m.setters,
                &docs,
                "maybe_body",
                &format!("body: Option<{arg}>"),
                &format!("self.body = {value};"),
            );
        }
        if b.ty.is_none() && !matches!(b.media, MediaKind::Text | MediaKind::Multipart) {
            m.inits.push(format!(
                "content_type: {}.to_string()",
                super::line_text::lit(&b.content_type)
            ));
            m.fields.push("content_type: String".to_string());
            let docs = ["The body's content type (default: the one the API declares).".to_string()];
            setter(
                &mut m.setters,
                &docs,
                "content_type",
                "content_type: impl Into<String>",
                "self.content_type = content_type.into();",
            );
        }
    }
    Some(m)
}

/// `impl Client { pub fn op<'a>(..) -> Builder<'a> }`.
fn client_impl(op: &Operation, m: &MembersText) -> Option<String> {
    let builder = ident(&op.builder_name).to_string();
    let mut out = String::with_capacity(1024);
    out.push_str("impl Client {\n");
    if !push_doc(&mut out, "    ", &op_doc_lines(op)) {
        return None;
    }
    let mut params = vec!["&'a self".to_string()];
    params.extend(m.args.iter().cloned());
    let head = format!("pub fn {}<'a>", ident(&op.name));
    push_sig(
        &mut out,
        "    ",
        &head,
        &params,
        &Ty::Leaf(format!("{builder}<'a>")),
    )?;
    push_whole(&mut out, &format!("        {builder} {{"))?;
    out.push_str("            client: self,\n");
    for init in &m.inits {
        push_line(&mut out, &format!("            {init},"))?;
    }
    out.push_str(
        "            options: crate::runtime::RequestOptions::default(),\n        }\n    }\n}\n",
    );
    Some(out)
}

/// The builder's struct.
fn builder_struct(op: &Operation, m: &MembersText) -> Option<String> {
    let mut out = String::with_capacity(512);
    let _ = writeln!(
        out,
        "/// A request to [`Client::{}`]: set optional parameters, then `.await` it (or call [`Self::send`]).",
        op.name
    );
    out.push_str(concat!(
        "#[derive(Clone, Debug)]\n",
        "#[must_use = \"a request does nothing until it is awaited or sent\"]\n",
    ));
    push_line(
        &mut out,
        &format!("pub struct {}<'a> {{", ident(&op.builder_name)),
    )?;
    out.push_str("    client: &'a Client,\n");
    for f in &m.fields {
        push_line(&mut out, &format!("    {f},"))?;
    }
    out.push_str("    options: crate::runtime::RequestOptions,\n}\n");
    Some(out)
}

#[cfg(test)]
#[path = "op_text_tests.rs"]
mod tests;
