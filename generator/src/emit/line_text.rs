//! Lines of code in `prettyplease`'s form, for the operations written as
//! text ([`super::op_text`]): function signatures, calls and generic types
//! printed on one line when they fit and broken at their outermost group
//! when they do not.
//!
//! A line fits when it is no wider than the margin, its trailing `,`, `;`,
//! ` {` or `)?;` counted, except the comma `prettyplease` prints only when
//! it breaks a group (after the last argument, parameter or generic
//! argument, and after a match arm's expression), which may stand one
//! column past it. Lines of other layouts (a fitting line's group broken
//! further) are not written: `None`, and the caller takes the token path.
//! So is non-ASCII text (widths are counted in bytes).

use std::fmt::Write as _;

use super::struct_text::MARGIN;

/// Whether a line of `width` columns stays on one line.
pub(super) fn fits(width: usize) -> bool {
    width <= MARGIN
}

/// Appends `line` (with its indent, without newline) when it fits.
pub(super) fn push_line(out: &mut String, line: &str) -> Option<()> {
    push_within(out, line, MARGIN)
}

/// Appends `line`, ending in a comma printed only when its group breaks.
pub(super) fn push_last(out: &mut String, line: &str) -> Option<()> {
    push_within(out, line, MARGIN + 1)
}

/// Appends a line `prettyplease` never breaks (an item's head without
/// generics to break, `Name {` of a struct literal), whatever its width.
pub(super) fn push_whole(out: &mut String, line: &str) -> Option<()> {
    push_within(out, line, usize::MAX)
}

fn push_within(out: &mut String, line: &str, limit: usize) -> Option<()> {
    if !line.is_ascii() || line.len() > limit {
        return None;
    }
    out.push_str(line);
    out.push('\n');
    Some(())
}

/// One argument of a broken group: a string literal (or a `format!` of
/// one), which nothing can break, on its line whatever its width.
fn push_arg(out: &mut String, indent: &str, arg: &str, last: bool) -> Option<()> {
    let line = format!("{indent}{arg},");
    let limit = if last { MARGIN + 1 } else { MARGIN };
    if line.len() <= limit || !line.is_ascii() {
        return push_within(out, &line, limit);
    }
    if is_literal(arg) {
        out.push_str(&line);
        out.push('\n');
        return Some(());
    }
    let inner = arg.strip_prefix("format!(")?.strip_suffix(')')?;
    if !is_literal(inner) {
        return None;
    }
    let _ = writeln!(out, "{indent}format!(\n{indent}    {inner}\n{indent}),");
    Some(())
}

/// A plain string literal: quotes around text without quotes or escapes.
fn is_literal(s: &str) -> bool {
    s.len() >= 2
        && s.starts_with('"')
        && s.ends_with('"')
        && !s[1..s.len() - 1].contains(['"', '\\'])
}

/// `{indent}{head}(a, b){tail}` on one line when it fits, else broken
/// after `(` with one argument a line (each ending in `,`), and
/// `{indent}){tail}`: calls, with `tail` `?;`, `;`, or nothing.
pub(super) fn push_group(
    out: &mut String,
    indent: &str,
    head: &str,
    args: &[String],
    tail: &str,
) -> Option<()> {
    let flat = format!("{indent}{head}({}){tail}", args.join(", "));
    if fits(flat.len()) {
        return push_line(out, &flat);
    }
    if args.is_empty() {
        return None;
    }
    push_line(out, &format!("{indent}{head}("))?;
    let inner = format!("{indent}    ");
    for (i, a) in args.iter().enumerate() {
        push_arg(out, &inner, a, i + 1 == args.len())?;
    }
    push_line(out, &format!("{indent}){tail}"))
}

/// A function's signature: `{indent}{head}(params) -> ret {` on one line
/// when it fits, else its parameters one a line and `{indent}) -> ret {`,
/// the return type broken as [`push_type`] breaks it.
pub(super) fn push_sig(
    out: &mut String,
    indent: &str,
    head: &str,
    params: &[String],
    ret: &Ty,
) -> Option<()> {
    let mut flat = format!("{indent}{head}({}) -> ", params.join(", "));
    ret.flat(&mut flat);
    flat.push_str(" {");
    if fits(flat.len()) {
        return push_line(out, &flat);
    }
    push_line(out, &format!("{indent}{head}("))?;
    for (i, p) in params.iter().enumerate() {
        let line = format!("{indent}    {p},");
        if i + 1 == params.len() {
            push_last(out, &line)?;
        } else {
            push_line(out, &line)?;
        }
    }
    push_type(out, indent, ") -> ", ret, " {")
}

/// A type as generic arguments nest, for [`push_type`].
pub(super) enum Ty {
    /// Printed as it is (no generic argument breaks).
    Leaf(String),
    /// `head<args>`.
    Generic(&'static str, Vec<Ty>),
}

impl Ty {
    fn flat(&self, out: &mut String) {
        match self {
            Ty::Leaf(s) => out.push_str(s),
            Ty::Generic(head, args) => {
                out.push_str(head);
                out.push('<');
                for (i, a) in args.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    a.flat(out);
                }
                out.push('>');
            }
        }
    }
}

/// `{indent}{lead}{ty}{tail}` on one line when it fits, else the type's
/// outermost generic arguments one a line (each broken the same way when
/// it does not fit), then `{indent}>{tail}`.
pub(super) fn push_type(
    out: &mut String,
    indent: &str,
    lead: &str,
    ty: &Ty,
    tail: &str,
) -> Option<()> {
    push_type_within(out, indent, lead, ty, tail, MARGIN)
}

fn push_type_within(
    out: &mut String,
    indent: &str,
    lead: &str,
    ty: &Ty,
    tail: &str,
    limit: usize,
) -> Option<()> {
    let mut flat = format!("{indent}{lead}");
    ty.flat(&mut flat);
    flat.push_str(tail);
    if flat.len() <= limit {
        return push_within(out, &flat, limit);
    }
    let Ty::Generic(head, args) = ty else {
        return None;
    };
    push_line(out, &format!("{indent}{lead}{head}<"))?;
    let inner = format!("{indent}    ");
    for (i, a) in args.iter().enumerate() {
        let limit = if i + 1 == args.len() {
            MARGIN + 1
        } else {
            MARGIN
        };
        push_type_within(out, &inner, "", a, ",", limit)?;
    }
    push_line(out, &format!("{indent}>{tail}"))
}

/// A string literal as `proc_macro2` (and so `prettyplease`) writes it.
pub(super) fn lit(s: &str) -> String {
    proc_macro2::Literal::string(s).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_break_past_the_margin() {
        let mut out = String::new();
        push_sig(
            &mut out,
            "    ",
            "pub fn f",
            &["a: u8".into()],
            &Ty::Leaf("Self".into()),
        )
        .expect("fits");
        assert_eq!(out, "    pub fn f(a: u8) -> Self {\n");
        let long = "x".repeat(80);
        let mut out = String::new();
        push_group(&mut out, "    ", "f", &[long.clone(), "b".into()], ";").expect("breaks");
        assert_eq!(
            out,
            format!("    f(\n        {long},\n        b,\n    );\n")
        );
        // A literal too wide stays whole; any other argument is refused.
        let wide = format!("\"{}\"", "y".repeat(90));
        let mut out = String::new();
        push_group(&mut out, "", "f", std::slice::from_ref(&wide), "").expect("a literal");
        assert_eq!(out, format!("f(\n    {wide},\n)\n"));
        assert_eq!(
            push_group(&mut String::new(), "", "f", &["y".repeat(90)], ""),
            None
        );
        assert_eq!(push_line(&mut String::new(), "    é"), None);
    }
}
