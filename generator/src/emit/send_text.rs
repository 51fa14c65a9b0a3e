//! An operation's `send()`, the status check a paged list shares with
//! `pages()`, and the enums of its responses, as text in `prettyplease`'s
//! form (see [`super::op_text`]). The tokens they stand for are built by
//! [`super::responses`] and [`super::operation`]; each function returns
//! `None` where the layout is not one written here.

use std::fmt::Write as _;

use super::decl_text::{push_doc, type_text_in};
use super::docs::{doc_lines, Para};
use super::line_text::{push_last, push_line, push_sig, push_type, push_whole, Ty};
use super::responses::status_doc;
use super::rust_type::{ident, Types};
use crate::ir::{Operation, Response, ResponseBody, StatusMatch};

/// The type of a response body, as [`super::responses`] names it.
pub(super) fn body_ty(types: &Types<'_>, b: &ResponseBody) -> Option<String> {
    Some(match b {
        ResponseBody::Empty => "()".to_string(),
        ResponseBody::Json(t) => {
            let mut s = String::new();
            type_text_in(types, t, "types::", &mut s)?;
            s
        }
        ResponseBody::Text => "String".to_string(),
        ResponseBody::Raw | ResponseBody::Events(_) => "crate::runtime::RawBody".to_string(),
    })
}

/// Decoding a success body from `raw`.
fn decode(types: &Types<'_>, b: &ResponseBody, err: &str) -> Option<String> {
    Some(match b {
        ResponseBody::Empty => "raw.empty()".to_string(),
        ResponseBody::Json(_) => format!("raw.json::<{}, {err}>()", body_ty(types, b)?),
        ResponseBody::Text => "raw.text()".to_string(),
        ResponseBody::Raw | ResponseBody::Events(_) => "raw.raw()".to_string(),
    })
}

fn pattern(s: StatusMatch) -> String {
    match s {
        StatusMatch::Code(c) => c.to_string(),
        StatusMatch::Range(r) => format!("{}..={}", r as u16 * 100, r as u16 * 100 + 99),
        StatusMatch::Default => "_".to_string(),
    }
}

fn successes(op: &Operation) -> Vec<&Response> {
    op.responses
        .iter()
        .filter(|r| r.status.is_success())
        .collect()
}

fn errors(op: &Operation) -> Vec<&Response> {
    op.responses
        .iter()
        .filter(|r| !r.status.is_success())
        .collect()
}

/// The success type and the success arms (without indent), as
/// [`super::responses::response_code`] builds them.
pub(super) fn ok_ty_and_arms(types: &Types<'_>, op: &Operation) -> Option<(String, Vec<String>)> {
    let err = ident(&op.error_name).to_string();
    let successes = successes(op);
    let default = op
        .responses
        .iter()
        .find(|r| !r.status.is_success() && r.status == StatusMatch::Default);
    Some(match (successes.len(), default) {
        (0, Some(r)) => (
            body_ty(types, &r.body)?,
            vec![format!("200..=299 => {},", decode(types, &r.body, &err)?)],
        ),
        (0, None) => (
            "crate::runtime::RawBody".to_string(),
            vec!["200..=299 => raw.raw(),".to_string()],
        ),
        (1, _) => {
            let r = successes[0];
            (
                body_ty(types, &r.body)?,
                vec![format!(
                    "{} => {},",
                    pattern(r.status),
                    decode(types, &r.body, &err)?
                )],
            )
        }
        _ => {
            let out = ident(&op.output_name).to_string();
            let mut arms = Vec::new();
            for r in &successes {
                arms.push(format!(
                    "{} => {}.map(|r| r.map({out}::{})),",
                    pattern(r.status),
                    decode(types, &r.body, &err)?,
                    ident(&r.name)
                ));
            }
            (out, arms)
        }
    })
}

/// The error arms and the fallback arm, at `indent`.
fn push_error_arms(
    out: &mut String,
    indent: &str,
    types: &Types<'_>,
    op: &Operation,
) -> Option<()> {
    let err = ident(&op.error_name).to_string();
    let errors = errors(op);
    for r in &errors {
        push_line(out, &format!("{indent}{} => {{", pattern(r.status)))?;
        let json = match &r.body {
            ResponseBody::Json(_) => Some(body_ty(types, &r.body)?),
            _ => None,
        };
        let body = match (&r.body, &json) {
            (_, Some(t)) => format!("raw.decode::<{t}, {err}>()?"),
            (ResponseBody::Empty, _) => "()".to_string(),
            (ResponseBody::Text, _) => {
                "crate::runtime::RawBody(raw.body.clone()).text()".to_string()
            }
            _ => "crate::runtime::RawBody(raw.body.clone())".to_string(),
        };
        let (i4, i8) = (format!("{indent}    "), format!("{indent}        "));
        if push_line(out, &format!("{i4}let body = {body};")).is_none() {
            // A chain too wide breaks before its method, then between the
            // method's generic arguments.
            let t = json?;
            push_line(out, &format!("{i4}let body = raw"))?;
            if push_line(out, &format!("{i8}.decode::<{t}, {err}>()?;")).is_none() {
                push_line(out, &format!("{i8}.decode::<"))?;
                push_line(out, &format!("{i8}    {t},"))?;
                push_last(out, &format!("{i8}    {err},"))?;
                push_line(out, &format!("{i8}>()?;"))?;
            }
        }
        let variant = format!("{err}::{}(body)", ident(&r.name));
        if push_line(out, &format!("{i4}Err(raw.api_error({variant}))")).is_none() {
            push_line(out, &format!("{i4}Err("))?;
            if push_last(out, &format!("{i8}raw.api_error({variant}),")).is_none() {
                push_line(out, &format!("{i8}raw"))?;
                push_line(out, &format!("{i8}    .api_error("))?;
                push_last(out, &format!("{i8}        {variant},"))?;
                push_line(out, &format!("{i8}    ),"))?;
            }
            push_line(out, &format!("{i4})"))?;
        }
        let _ = writeln!(out, "{indent}}}");
    }
    if !errors.iter().any(|r| r.status == StatusMatch::Default) {
        let _ = writeln!(out, "{indent}_ => Err(raw.unexpected()),");
    }
    Some(())
}

/// A success arm (`pat => expr,`): too wide, its expression goes in a
/// block of its own.
fn push_arm(out: &mut String, indent: &str, arm: &str) -> Option<()> {
    if push_last(out, &format!("{indent}{arm}")).is_some() {
        return Some(());
    }
    let (pat, expr) = arm.split_once(" => ")?;
    let expr = expr.strip_suffix(',')?;
    push_line(out, &format!("{indent}{pat} => {{"))?;
    let i4 = format!("{indent}    ");
    match expr.split_once(".map(") {
        // A chain: broken before `.map`.
        Some((call, map)) => {
            push_line(out, &format!("{i4}{call}"))?;
            push_line(out, &format!("{i4}    .map({map}"))?;
        }
        None => push_decode(out, &i4, expr)?,
    }
    push_line(out, &format!("{indent}}}"))
}

/// A decoding expression on a line of its own at `indent`; too wide,
/// `raw.json::<T, E>()` has its generic arguments one a line.
fn push_decode(out: &mut String, indent: &str, expr: &str) -> Option<()> {
    if push_line(out, &format!("{indent}{expr}")).is_some() {
        return Some(());
    }
    let args = expr.strip_prefix("raw.json::<")?.strip_suffix(">()")?;
    let (t, e) = args.rsplit_once(", ")?;
    push_line(out, &format!("{indent}raw.json::<"))?;
    push_line(out, &format!("{indent}        {t},"))?;
    push_last(out, &format!("{indent}        {e},"))?;
    push_line(out, &format!("{indent}    >()"))
}

/// `Result<Response<ok>, Error<err>>`.
pub(super) fn result_ty(ok: &str, err: &str) -> Ty {
    Ty::Generic(
        "Result",
        vec![
            Ty::Generic("crate::runtime::Response", vec![Ty::Leaf(ok.to_string())]),
            Ty::Generic("crate::runtime::Error", vec![Ty::Leaf(err.to_string())]),
        ],
    )
}

/// Whether `send()` decodes through the builder's `check_status` (see
/// [`super::streaming::shared_check`]): a paged list whose one success
/// response is the page.
fn shared_check(op: &Operation) -> bool {
    let successes = successes(op);
    match (&op.pagination, successes.as_slice()) {
        (Some(p), [r]) => r.status == p.status && op.event_stream_response().is_none(),
        _ => false,
    }
}

/// `send()` (not an event stream's).
pub(super) fn send_text(types: &Types<'_>, op: &Operation) -> Option<String> {
    if op.event_stream_response().is_some() {
        return None;
    }
    let err = ident(&op.error_name).to_string();
    let (ok, arms) = ok_ty_and_arms(types, op)?;
    let mut out = String::with_capacity(1024);
    out.push_str(concat!(
        "    /// Sends the request (retrying as the retry policy allows) and decodes the response.\n",
        "    #[allow(clippy::result_large_err)]\n",
    ));
    let ret = Ty::Generic(
        "crate::runtime::BoxFuture",
        vec![Ty::Leaf("'a".to_string()), result_ty(&ok, &err)],
    );
    push_sig(&mut out, "    ", "pub fn send", &["self".to_string()], &ret)?;
    out.push_str(concat!(
        "        let spec = self.request_spec();\n",
        "        crate::runtime::send(\n",
        "            &self.client.config,\n",
        "            spec,\n",
        "            self.options,\n",
    ));
    if shared_check(op) {
        let successes = successes(op);
        let decode = decode(types, &successes.first()?.body, &err)?;
        out.push_str(concat!(
            "            |raw| {\n",
            "                let raw = Self::check_status(raw)?;\n",
        ));
        push_decode(&mut out, "                ", &decode)?;
        out.push_str("            },\n");
    } else {
        out.push_str("            |raw| match raw.status_code() {\n");
        for arm in arms {
            push_arm(&mut out, "                ", &arm)?;
        }
        push_error_arms(&mut out, "                ", types, op)?;
        out.push_str("            },\n");
    }
    out.push_str("        )\n    }\n");
    Some(out)
}

/// The builder's `check_status`, when `send()` uses it.
pub(super) fn check_fn_text(types: &Types<'_>, op: &Operation) -> Option<Option<String>> {
    if !shared_check(op) {
        return Some(None);
    }
    let status = successes(op).first()?.status;
    let ok = if status == StatusMatch::Default {
        "200..=299".to_string()
    } else {
        pattern(status)
    };
    let err = ident(&op.error_name).to_string();
    let mut out = String::with_capacity(512);
    out.push_str(concat!(
        "    /// The response when its status is the page's, else the call's error.\n",
        "    #[allow(clippy::result_large_err)]\n",
    ));
    let ret = Ty::Generic(
        "Result",
        vec![
            Ty::Leaf("crate::runtime::RawResponse".to_string()),
            Ty::Generic("crate::runtime::Error", vec![Ty::Leaf(err)]),
        ],
    );
    let params = ["raw: crate::runtime::RawResponse".to_string()];
    push_sig(&mut out, "    ", "fn check_status", &params, &ret)?;
    out.push_str("        match raw.status_code() {\n");
    push_line(&mut out, &format!("            {ok} => Ok(raw),"))?;
    push_error_arms(&mut out, "            ", types, op)?;
    out.push_str("        }\n    }\n");
    Some(Some(out))
}

/// One variant a line: `/// docs` then `Name(Type),`.
fn push_variants(out: &mut String, types: &Types<'_>, responses: &[&Response]) -> Option<()> {
    for r in responses {
        let d = doc_lines(&[
            Para::Spec(r.description.as_deref()),
            Para::Ours(&status_doc(r.status)),
        ]);
        if !push_doc(out, "    ", &d) {
            return None;
        }
        let t = body_ty(types, &r.body)?;
        push_line(out, &format!("    {}({t}),", ident(&r.name)))?;
    }
    Some(())
}

/// The enum of the error bodies (without its `cfg`).
pub(super) fn error_enum_text(types: &Types<'_>, op: &Operation) -> Option<String> {
    let errors = errors(op);
    let mut out = String::with_capacity(256 + errors.len() * 128);
    let _ = writeln!(
        out,
        "/// Bodies of the error statuses [`Client::{}`] declares; other failures are the other variants of [`crate::runtime::Error`].",
        op.name
    );
    out.push_str("#[derive(Clone, Debug, PartialEq)]\n#[non_exhaustive]\n");
    let name = ident(&op.error_name);
    if errors.is_empty() {
        push_whole(&mut out, &format!("pub enum {name} {{}}"))?;
        return Some(out);
    }
    push_whole(&mut out, &format!("pub enum {name} {{"))?;
    push_variants(&mut out, types, &errors)?;
    out.push_str("}\n");
    Some(out)
}

/// The enum of the success bodies, when there are several.
pub(super) fn output_enum_text(types: &Types<'_>, op: &Operation) -> Option<Option<String>> {
    let successes = successes(op);
    if successes.len() < 2 {
        return Some(None);
    }
    let mut out = String::with_capacity(256 + successes.len() * 128);
    let _ = writeln!(
        out,
        "/// The successful responses of [`Client::{}`].",
        op.name
    );
    out.push_str("#[derive(Clone, Debug, PartialEq)]\n");
    push_whole(&mut out, &format!("pub enum {} {{", ident(&op.output_name)))?;
    push_variants(&mut out, types, &successes)?;
    out.push_str("}\n");
    Some(Some(out))
}

/// The `IntoFuture` impl (not an event stream's).
pub(super) fn into_future_text(types: &Types<'_>, op: &Operation) -> Option<String> {
    if op.event_stream_response().is_some() {
        return None;
    }
    let (ok, _) = ok_ty_and_arms(types, op)?;
    let err = ident(&op.error_name).to_string();
    let mut out = String::with_capacity(512);
    let builder = ident(&op.builder_name);
    let head = format!("impl<'a> std::future::IntoFuture for {builder}<'a> {{");
    if push_line(&mut out, &head).is_none() {
        out.push_str("impl<'a> std::future::IntoFuture\n");
        push_line(&mut out, &format!("for {builder}<'a> {{"))?;
    }
    push_type(
        &mut out,
        "    ",
        "type Output = ",
        &result_ty(&ok, &err),
        ";",
    )?;
    out.push_str(super::operation::INTO_FUTURE);
    out.push_str("}\n");
    Some(out)
}
