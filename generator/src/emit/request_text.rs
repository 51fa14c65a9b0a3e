//! An operation's `request_spec()` as text in `prettyplease`'s form: the
//! statements [`super::request`] builds as tokens (see
//! [`super::op_text`]); `None` where the layout is not one written here.

use super::line_text::{lit, push_group, push_line};
use super::operation::positional;
use super::rust_type::{ident, Types};
use crate::ir::{MediaKind, Operation, ParamLocation, ParamStyle, PathPart, TypeRef};

fn style(s: ParamStyle) -> &'static str {
    match s {
        ParamStyle::Form => "crate::runtime::Style::Form",
        ParamStyle::SpaceDelimited => "crate::runtime::Style::SpaceDelimited",
        ParamStyle::PipeDelimited => "crate::runtime::Style::PipeDelimited",
        ParamStyle::DeepObject => "crate::runtime::Style::DeepObject",
        ParamStyle::Simple => "crate::runtime::Style::Simple",
        ParamStyle::Label => "crate::runtime::Style::Label",
        ParamStyle::Matrix => "crate::runtime::Style::Matrix",
    }
}

/// `fn request_spec(&self)`.
pub(super) fn request_spec_text(types: &Types<'_>, op: &Operation) -> Option<String> {
    // JSON-content parameters are rare: their calls are laid out by the
    // token path.
    if op.params.iter().any(|p| p.json_text) {
        return None;
    }
    let mut out = String::with_capacity(1024);
    out.push_str(concat!(
        "    /// The request as set up so far.\n",
        "    fn request_spec(\n",
        "        &self,\n",
        "    ) -> Result<crate::runtime::RequestSpec, crate::runtime::InvalidRequest> {\n",
    ));
    let positional = positional(op);
    let in8 = "        ";
    let mut path_fmt = String::new();
    let mut locals = false;
    for part in &op.path {
        match part {
            PathPart::Literal(l) => path_fmt.push_str(&l.replace('{', "{{").replace('}', "}}")),
            PathPart::Param(name) => {
                let p = op
                    .params
                    .iter()
                    .find(|p| p.location == ParamLocation::Path && &p.name == name);
                let Some(p) = p else { continue };
                let n = ident(&p.rust_name).to_string();
                path_fmt.push_str(&format!("{{{}}}", p.rust_name));
                let mut args = vec![lit(&p.name), format!("&self.{n}")];
                let encoder = if p.multi_segment {
                    "path_segments"
                } else {
                    args.extend([style(p.style).to_string(), p.explode.to_string()]);
                    "path_param"
                };
                let head = format!("let {n} = crate::runtime::{encoder}");
                push_group(&mut out, in8, &head, &args, "?;")?;
                locals = true;
            }
        }
    }
    let path = if locals {
        format!("format!({})", lit(&path_fmt))
    } else {
        format!("{}.to_string()", lit(&path_fmt))
    };
    let mut build = String::new();
    if let Some(accept) = &op.accept {
        let push = format!("push((\"Accept\".to_owned(), {}.to_owned()));", lit(accept));
        if push_line(&mut build, &format!("{in8}spec.headers.{push}")).is_none() {
            // Too wide: broken before the method.
            push_line(&mut build, &format!("{in8}spec.headers"))?;
            push_line(&mut build, &format!("{in8}    .{push}"))?;
        }
    }
    for p in &op.params {
        let n = ident(&p.rust_name).to_string();
        let required = positional
            .iter()
            .any(|q| q.name == p.name && q.location == p.location);
        let value = if required {
            format!("Some(&self.{n})")
        } else {
            format!("self.{n}.as_ref()")
        };
        let (head, args) = match p.location {
            ParamLocation::Path => continue,
            ParamLocation::Query => (
                "spec.query_param",
                vec![
                    lit(&p.name),
                    "value".to_string(),
                    style(p.style).to_string(),
                    p.explode.to_string(),
                ],
            ),
            ParamLocation::Header => ("spec.header_param", vec![lit(&p.name), "value".into()]),
            ParamLocation::Cookie => ("spec.cookie_param", vec![lit(&p.name), "value".into()]),
        };
        push_line(&mut build, &format!("{in8}if let Some(value) = {value} {{"))?;
        push_group(&mut build, "            ", head, &args, "?;")?;
        build.push_str("        }\n");
    }
    if let Some(b) = &op.body {
        let required = b.required;
        let inner = if required {
            build.push_str("        let body = &self.body;\n");
            in8
        } else {
            build.push_str("        if let Some(body) = self.body.as_ref() {\n");
            "            "
        };
        if let Some(t) = b.ty.as_ref().filter(|t| types.needs_validation(t)) {
            match t {
                TypeRef::Nullable(_) => {
                    build.push_str(&format!(
                        "{inner}if let Some(body) = body {{\n{inner}    body.validate()?;\n{inner}}}\n"
                    ));
                }
                _ => build.push_str(&format!("{inner}body.validate()?;\n")),
            }
        }
        match (b.media, &b.ty) {
            (MediaKind::Json, Some(_)) => {
                build.push_str(&format!("{inner}spec.json_body(body)?;\n"));
                if b.content_type != "application/json" {
                    let args = [lit(&b.content_type)];
                    push_group(&mut build, inner, "spec.set_content_type", &args, ";")?;
                }
            }
            (MediaKind::FormUrlEncoded, Some(_)) => {
                build.push_str(&format!("{inner}spec.form_body(body)?;\n"));
            }
            (MediaKind::Multipart, _) if b.form_name.is_some() => {
                build.push_str(&format!(
                    "{inner}spec.multipart_body(&body.to_multipart()?)?;\n"
                ));
            }
            (MediaKind::Multipart, _) => {
                build.push_str(&format!("{inner}spec.multipart_body(body)?;\n"));
            }
            (MediaKind::Text, _) => {
                let args = ["body.clone()".to_string(), lit(&b.content_type)];
                push_group(&mut build, inner, "spec.text_body", &args, ";")?;
            }
            _ => build.push_str(&format!(
                "{inner}spec.bytes_body(body.clone(), &self.content_type);\n"
            )),
        }
        if !required {
            build.push_str("        }\n");
        }
    }
    let binding = if build.is_empty() { "spec" } else { "mut spec" };
    let security: Vec<String> = op
        .security
        .iter()
        .map(|alt| {
            let names: Vec<String> = alt.iter().map(|s| lit(s)).collect();
            format!("&[{}]", names.join(", "))
        })
        .collect();
    let args = [
        lit(&op.name),
        format!("reqwest::Method::{}", op.method.as_str()),
        lit(&op.path_template),
        path,
        format!("&[{}]", security.join(", ")),
    ];
    let head = format!("let {binding} = crate::runtime::RequestSpec::new");
    push_group(&mut out, in8, &head, &args, ";")?;
    out.push_str(&build);
    out.push_str("        Ok(spec)\n    }\n");
    Some(out)
}
