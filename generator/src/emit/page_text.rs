//! A paged list's `stream()` and `pages()` as text in `prettyplease`'s
//! form (see [`super::op_text`]), for the lists whose `send()` shares the
//! builder's `check_status`; the tokens they stand for are built by
//! [`super::streaming::methods`]. `None` where the layout is not one
//! written here.

use super::decl_text::{push_doc, type_text_in};
use super::line_text::{lit, push_line, push_sig, Ty};
use super::rust_type::{ident, Types};
use super::streaming::{stream_doc, PAGES_DOC};
use crate::ir::{Operation, PageNext};

/// `Some(s)` or `None`, as the pager's fields write them.
fn opt(s: Option<&String>) -> String {
    s.map_or_else(|| "None".to_string(), |s| format!("Some({})", lit(s)))
}

/// `stream()` and `pages()`. `shared_check`: the status check is
/// `Self::check_status` (otherwise a closure, not written here).
pub(super) fn page_methods_text(
    types: &Types<'_>,
    op: &Operation,
    shared_check: bool,
) -> Option<String> {
    let p = op.pagination.as_ref()?;
    if !shared_check || op.events.is_some() || op.download {
        return None;
    }
    let mut item = String::new();
    type_text_in(types, &p.item, "types::", &mut item)?;
    let err = ident(&op.error_name).to_string();
    let (variant, fields): (&str, Vec<(&str, String)>) = match &p.next {
        PageNext::Cursor {
            param,
            cursor,
            has_more,
        } => (
            "Cursor",
            vec![
                ("param", lit(param)),
                ("cursor", lit(cursor)),
                ("has_more", opt(has_more.as_ref())),
            ],
        ),
        PageNext::LastItem {
            param,
            field,
            has_more,
        } => (
            "LastItem",
            vec![
                ("param", lit(param)),
                ("field", lit(field)),
                ("has_more", opt(has_more.as_ref())),
            ],
        ),
        PageNext::Offset {
            param,
            limit_param,
            total,
            has_more,
        } => (
            "Offset",
            vec![
                ("param", lit(param)),
                ("limit_param", opt(limit_param.as_ref())),
                ("total", opt(total.as_ref())),
                ("has_more", opt(has_more.as_ref())),
            ],
        ),
        PageNext::NextUrl { url } => ("BodyUrl", vec![("url", lit(url))]),
        PageNext::LinkHeader => ("LinkHeader", Vec::new()),
        PageNext::Page { .. } => return None,
    };
    let mut out = String::with_capacity(1024);
    let stream_doc = stream_doc(p);
    if !push_doc(&mut out, "    ", &[stream_doc.trim_start().to_string()]) {
        return None;
    }
    let ty = |head| Ty::Generic(head, vec![Ty::Leaf(item.clone()), Ty::Leaf(err.clone())]);
    let this = ["self".to_string()];
    push_sig(
        &mut out,
        "    ",
        "pub fn stream",
        &this,
        &ty("crate::runtime::ItemStream"),
    )?;
    out.push_str("        self.pages().items()\n    }\n");
    if !push_doc(&mut out, "    ", &[PAGES_DOC.trim_start().to_string()]) {
        return None;
    }
    out.push_str("    #[allow(clippy::result_large_err)]\n");
    push_sig(
        &mut out,
        "    ",
        "pub fn pages",
        &this,
        &ty("crate::runtime::PageStream"),
    )?;
    out.push_str(concat!(
        "        crate::runtime::pagination::pages(\n",
        "            &self.client.config,\n",
        "            self.request_spec(),\n",
        "            &self.options,\n",
        "            crate::runtime::Pager {\n",
    ));
    push_line(
        &mut out,
        &format!("                items: {},", lit(&p.items)),
    )?;
    if fields.is_empty() {
        push_line(
            &mut out,
            &format!("                next: crate::runtime::Next::{variant},"),
        )?;
    } else {
        out.push_str(&format!(
            "                next: crate::runtime::Next::{variant} {{\n"
        ));
        for (name, value) in fields {
            push_line(&mut out, &format!("                    {name}: {value},"))?;
        }
        out.push_str("                },\n");
    }
    out.push_str(concat!(
        "            },\n",
        "            Self::check_status,\n",
        "        )\n",
        "    }\n",
    ));
    Some(out)
}
