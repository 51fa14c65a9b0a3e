//! The public items of the runtime a module's crate ships (what
//! `runtime/mod.rs` re-exports, for the parts the API uses), as API file
//! lines of kind `runtime`: so a change to the runtime's public API shows
//! in review like a change to the generated types.
//!
//! Read from the runtime's source with syn, signatures printed back (docs
//! and bodies left out) on one line each: an item; each variant of an
//! enum; each method of a trait; each `pub` method of an inherent impl;
//! each impl of a public trait (derives are on the item's line).

use std::collections::{BTreeMap, BTreeSet};

use super::text::{Item, Key, Kind, Surface};
use crate::emit::runtime_files;
use crate::ir::RuntimeParts;

/// `item` printed on one line (and given back: syn 3's syntax trees are
/// not `Clone`).
fn print(item: syn::Item) -> (String, syn::Item) {
    let mut file = syn::File {
        shebang: None,
        frontmatter: None,
        attrs: Vec::new(),
        items: vec![item],
    };
    let text = prettyplease::unparse(&file);
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    // What line breaks left: `f( a, b, )` → `f(a, b)`.
    let out = out
        .replace("( ", "(")
        .replace(", )", ")")
        .replace(" )", ")")
        .replace(", }", " }");
    let item = file
        .items
        .pop()
        .unwrap_or(syn::Item::Verbatim(Default::default()));
    (out, item)
}

fn one_line(item: syn::Item) -> String {
    print(item).0
}

/// Leaves out doc comments.
fn strip(attrs: &mut Vec<syn::Attribute>) {
    attrs.retain(|a| !a.path().is_ident("doc"));
}

fn is_pub(vis: &syn::Visibility) -> bool {
    matches!(vis, syn::Visibility::Public(_))
}

/// A function's signature as `pub fn name(..) -> T`.
fn signature(mut attrs: Vec<syn::Attribute>, vis: syn::Visibility, sig: syn::Signature) -> String {
    strip(&mut attrs);
    let f = syn::ItemFn {
        attrs,
        vis,
        modifiers: Default::default(),
        sig,
        block: Box::new(syn::Block {
            brace_token: Default::default(),
            stmts: Vec::new(),
        }),
    };
    without_body(one_line(syn::Item::Fn(f)))
}

/// `text` without a trailing empty body `{}`.
fn without_body(text: String) -> String {
    text.trim_end_matches("{}").trim_end().to_string()
}

/// The name of a runtime type (`Maybe<T>`, `super::maybe::Maybe<T>` →
/// `Maybe`); `None` for another crate's (`reqwest::Response`).
fn type_name(ty: &syn::Type) -> Option<String> {
    let syn::Type::Path(p) = ty else { return None };
    let segments = &p.path.segments;
    let first = segments.first()?.ident.to_string();
    let ours = segments.len() == 1 || ["super", "crate", "self"].contains(&first.as_str());
    if ours {
        segments.last().map(|s| s.ident.to_string())
    } else {
        None
    }
}

/// The name an item declares, if it is one that can be re-exported.
fn item_name(item: &syn::Item) -> Option<String> {
    match item {
        syn::Item::Struct(x) => Some(x.ident.to_string()),
        syn::Item::Enum(x) => Some(x.ident.to_string()),
        syn::Item::Trait(x) => Some(x.ident.to_string()),
        syn::Item::Fn(x) => Some(x.sig.ident.to_string()),
        syn::Item::Type(x) => Some(x.ident.to_string()),
        syn::Item::Const(x) => Some(x.ident.to_string()),
        _ => None,
    }
}

/// `pub use` trees of `mod.rs`: (path before the name, name as exported).
fn exports(tree: &syn::UseTree, prefix: &mut Vec<String>, out: &mut Vec<(Vec<String>, String)>) {
    match tree {
        syn::UseTree::Path(p) => {
            prefix.push(p.ident.to_string());
            exports(&p.tree, prefix, out);
            prefix.pop();
        }
        syn::UseTree::Name(n) => out.push((prefix.clone(), n.ident.to_string())),
        syn::UseTree::Rename(r) => {
            let mut path = prefix.clone();
            path.push(r.ident.to_string());
            out.push((path, r.rename.to_string()));
        }
        syn::UseTree::Group(g) => {
            for t in &g.items {
                exports(t, prefix, out);
            }
        }
        syn::UseTree::Glob(_) => out.push((prefix.clone(), "*".to_string())),
    }
}

fn insert(s: &mut Surface, path: String, value: String, flags: &[&str]) {
    let mut item = Item::new(value);
    for f in flags {
        item = item.flag(f, true);
    }
    s.insert(Key::new(Kind::Runtime, &path), item);
}

/// Adds the public items of the runtime holding `parts` to `s`. Each set of
/// parts is read once per process: a crate of many APIs, or a test
/// generating hundreds of crates, would otherwise parse the runtime again
/// for each.
pub fn runtime_items(s: &mut Surface, parts: RuntimeParts) {
    static CACHE: std::sync::Mutex<Vec<(RuntimeParts, Surface)>> =
        std::sync::Mutex::new(Vec::new());
    let cached = CACHE
        .lock()
        .ok()
        .and_then(|c| c.iter().find(|(p, _)| *p == parts).map(|(_, s)| s.clone()));
    let items = cached.unwrap_or_else(|| {
        let mut items = Surface::default();
        read_runtime(&mut items, parts);
        if let Ok(mut c) = CACHE.lock() {
            c.push((parts, items.clone()));
        }
        items
    });
    for (key, item) in items.items {
        s.insert(key, item);
    }
}

/// The public items of the runtime holding `parts`, read from its source.
fn read_runtime(s: &mut Surface, parts: RuntimeParts) {
    let mut files: BTreeMap<String, Vec<syn::Item>> = runtime_files(&parts.into())
        .into_iter()
        .filter_map(|(name, text)| {
            let module = name.strip_suffix(".rs")?.to_string();
            // The runtime is our own code, compiled in the generator's
            // tests: it always parses.
            Some((module, syn::parse_file(&text).ok()?.items))
        })
        .collect();
    let Some(root) = files.remove("mod") else {
        return;
    };
    // Traits declared in the runtime: only the exported ones are public.
    let own_traits: BTreeSet<String> = files
        .values()
        .flatten()
        .filter_map(|item| match item {
            syn::Item::Trait(t) => Some(t.ident.to_string()),
            _ => None,
        })
        .collect();
    // Types declared in the runtime: an impl for one that is not exported
    // (`impl From<InvalidRequest> for Failure`) is not API.
    let own_types: BTreeSet<String> = files
        .values()
        .flatten()
        .filter_map(|item| match item {
            syn::Item::Struct(_) | syn::Item::Enum(_) | syn::Item::Type(_) => item_name(item),
            _ => None,
        })
        .collect();
    // (module, name) → flags of each item re-exported from a runtime module.
    let mut wanted: BTreeMap<(String, String), bool> = BTreeMap::new();
    for item in &root {
        let syn::Item::Use(u) = item else { continue };
        if !is_pub(&u.vis) {
            continue;
        }
        let hidden = u.attrs.iter().any(|a| {
            matches!(&a.meta, syn::Meta::List(l) if l.path.is_ident("doc") && l.tokens.to_string().contains("hidden"))
        });
        let flags: &[&str] = if hidden { &["hidden"] } else { &[] };
        let mut found = Vec::new();
        exports(&u.tree, &mut Vec::new(), &mut found);
        for (path, name) in found {
            let module = path.first().cloned().unwrap_or_default();
            if files.contains_key(&module) {
                wanted.insert((module, name), hidden);
            } else {
                let mut full = path;
                if full.last() != Some(&name) {
                    full.push(name.clone());
                }
                insert(s, name, format!("pub use {}", full.join("::")), flags);
            }
        }
    }
    let exported: BTreeSet<String> = wanted.keys().map(|(_, n)| n.clone()).collect();
    for (module, items) in files {
        for item in items {
            if let syn::Item::Impl(i) = item {
                impl_items(s, i, &exported, &own_traits, &own_types);
                continue;
            }
            let Some(name) = item_name(&item) else {
                continue;
            };
            if let Some(hidden) = wanted.get(&(module.clone(), name.clone())) {
                let flags: &[&str] = if *hidden { &["hidden"] } else { &[] };
                local_item(s, item, &name, flags);
            }
        }
    }
}

/// A re-exported item, and its variants or trait methods.
fn local_item(s: &mut Surface, item: syn::Item, name: &str, flags: &[&str]) {
    match item {
        syn::Item::Struct(mut x) => {
            strip(&mut x.attrs);
            let private = x.fields.iter().any(|f| !is_pub(&f.vis));
            // Private fields are not API; that there are some is (no
            // struct literal, no pattern without `..`).
            let keep = |fields: syn::punctuated::Punctuated<syn::Field, syn::Token![,]>| {
                fields
                    .into_iter()
                    .filter(|f| is_pub(&f.vis))
                    .map(|mut f| {
                        strip(&mut f.attrs);
                        f
                    })
                    .collect()
            };
            match &mut x.fields {
                syn::Fields::Named(n) => n.named = keep(std::mem::take(&mut n.named)),
                syn::Fields::Unnamed(u) => u.unnamed = keep(std::mem::take(&mut u.unnamed)),
                syn::Fields::Unit => {}
            }
            let mut flags = flags.to_vec();
            if private {
                flags.push("private_fields");
            }
            insert(s, name.into(), one_line(syn::Item::Struct(x)), &flags);
        }
        syn::Item::Enum(mut x) => {
            strip(&mut x.attrs);
            let variants = std::mem::take(&mut x.variants);
            let (head, item) = print(syn::Item::Enum(x));
            insert(s, name.into(), head, flags);
            let syn::Item::Enum(mut x) = item else { return };
            x.attrs.clear();
            for mut v in variants {
                strip(&mut v.attrs);
                for f in v.fields.iter_mut() {
                    strip(&mut f.attrs);
                }
                let path = format!("{name}.{}", v.ident);
                x.variants = std::iter::once(v).collect();
                let (text, item) = print(syn::Item::Enum(x));
                // `pub enum E<..> { V(..), }` → `V(..)`.
                let inner = text
                    .split_once('{')
                    .map_or(text.as_str(), |(_, r)| r)
                    .trim_end_matches('}')
                    .trim()
                    .trim_end_matches(',')
                    .to_string();
                insert(s, path, inner, &[]);
                let syn::Item::Enum(back) = item else { return };
                x = back;
            }
        }
        syn::Item::Trait(mut x) => {
            strip(&mut x.attrs);
            let items = std::mem::take(&mut x.items);
            insert(s, name.into(), one_line(syn::Item::Trait(x)), flags);
            for ti in items {
                if let syn::TraitItem::Fn(f) = ti {
                    let path = format!("{name}.{}", f.sig.ident);
                    let provided = f.default.is_some();
                    let text = signature(f.attrs, syn::Visibility::Inherited, f.sig);
                    insert(s, path, text, if provided { &["provided"] } else { &[] });
                }
            }
        }
        syn::Item::Fn(x) => {
            let text = signature(x.attrs, x.vis, x.sig);
            insert(s, name.into(), text, flags);
        }
        mut other @ (syn::Item::Type(_) | syn::Item::Const(_)) => {
            match &mut other {
                syn::Item::Type(x) => strip(&mut x.attrs),
                syn::Item::Const(x) => strip(&mut x.attrs),
                _ => {}
            }
            insert(s, name.into(), one_line(other), flags);
        }
        _ => {}
    }
}

/// The exported type an impl is about: its self type, also behind a
/// reference (`impl IntoIterator for &Extra`), or for a foreign self type a
/// type argument of the trait (`impl From<Extra> for Map`) unless the self
/// type is the runtime's own.
fn impl_subject(
    i: &syn::ItemImpl,
    exported: &BTreeSet<String>,
    own_types: &BTreeSet<String>,
) -> Option<String> {
    let own = |t: &syn::Type| {
        match t {
            syn::Type::Reference(r) => type_name(&r.elem),
            t => type_name(t),
        }
        .filter(|t| exported.contains(t))
    };
    own(&i.self_ty).or_else(|| {
        if type_name(&i.self_ty).is_some_and(|t| own_types.contains(&t)) {
            return None;
        }
        let (path, _) = i.trait_.as_ref()?;
        let syn::PathArguments::AngleBracketed(args) = &path.segments.last()?.arguments else {
            return None;
        };
        args.args.iter().find_map(|a| match a {
            syn::GenericArgument::Type(t) => own(t),
            _ => None,
        })
    })
}

/// The `pub` methods of an inherent impl of an exported type, or an impl
/// of a trait that is not the runtime's own unexported one.
fn impl_items(
    s: &mut Surface,
    mut i: syn::ItemImpl,
    exported: &BTreeSet<String>,
    own_traits: &BTreeSet<String>,
    own_types: &BTreeSet<String>,
) {
    let Some(ty) = impl_subject(&i, exported, own_types) else {
        return;
    };
    let trait_name = i
        .trait_
        .as_ref()
        .and_then(|(path, _)| path.segments.last())
        .map(|p| p.ident.to_string());
    if trait_name
        .as_ref()
        .is_some_and(|t| own_traits.contains(t) && !exported.contains(t))
    {
        return;
    }
    // Whether the methods depend on the impl's generics and bounds.
    let generic = !i.generics.params.is_empty() || i.generics.where_clause.is_some();
    strip(&mut i.attrs);
    let items = std::mem::take(&mut i.items);
    let header = without_body(one_line(syn::Item::Impl(i)));
    if trait_name.is_some() {
        s.insert(
            Key::new(Kind::Runtime, format!("{ty}.{header}")),
            Item::default(),
        );
        return;
    }
    for item in items {
        let syn::ImplItem::Fn(f) = item else { continue };
        if !is_pub(&f.vis) {
            continue;
        }
        let path = format!("{ty}.{}", f.sig.ident);
        let mut item = Item::new(signature(f.attrs, f.vis, f.sig));
        if generic {
            item = item.with("in", Some(header.clone()));
        }
        s.insert(Key::new(Kind::Runtime, path), item);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(parts: RuntimeParts) -> String {
        let mut s = Surface::default();
        runtime_items(&mut s, parts);
        s.to_text(&[])
    }

    #[test]
    fn lists_the_exported_items_of_the_parts_used() {
        let all = lines(RuntimeParts::ALL);
        for expected in [
            // A struct with private fields, its derives and a method.
            "runtime RetryPolicy: ",
            "runtime RetryPolicy.max_attempts: ",
            // An enum and each of its variants.
            "runtime Maybe: #[derive(",
            "runtime Maybe.Absent: #[default] Absent",
            "runtime Maybe.Value: Value(T)",
            // Signatures on one line.
            "runtime ClientCredentials.new: pub fn new(token_url: impl Into<String>, ",
            // A trait and its methods.
            "runtime CredentialProvider: pub trait CredentialProvider",
            // A re-exported crate item.
            "runtime Bytes: pub use bytes::Bytes",
            // A function.
            "runtime provider_fn: pub fn provider_fn",
            // Impls for a reference to the type, and of a trait naming it.
            "runtime \"Extra.impl<'a> IntoIterator for &'a Extra\"",
            "runtime \"Extra.impl From<Extra> for Map<String, Value>\"",
            // Parts.
            "runtime ItemStream: ",
            "runtime ClientCredentials: ",
            "runtime Multipart: ",
        ] {
            assert!(all.contains(expected), "no `{expected}` in\n{all}");
        }
        // Only exported items; no doc comments, no bodies.
        assert!(!all.contains("runtime RequestSpec"), "{all}");
        assert!(!all.contains("///") && !all.contains("#[doc"), "{all}");
        // The runtime's own unexported traits are not API.
        assert!(!all.contains("impl Lenient"), "{all}");
        let surface = Surface::parse(&all).expect("lines parse back");
        assert_eq!(surface.to_text(&[]), all);

        let none = lines(RuntimeParts::default());
        for gone in [
            "ItemStream",
            "ClientCredentials",
            "Multipart",
            "Maybe",
            "DateTime",
        ] {
            assert!(!none.contains(&format!("runtime {gone}")), "{gone}");
        }
        assert!(none.contains("runtime Error: "), "{none}");
    }

    #[test]
    fn a_runtime_item_removed_breaks_callers_and_one_added_does_not() {
        let surface = |parts| {
            let mut s = Surface::default();
            runtime_items(&mut s, parts);
            s
        };
        let all = surface(RuntimeParts::ALL);
        let none = surface(RuntimeParts::default());
        let removed = crate::surface::diff(&all, &none);
        let gone = removed
            .iter()
            .find(|c| c.key.path == "ItemStream")
            .expect("ItemStream removed");
        assert_eq!(gone.rust, crate::surface::Effect::Breaking);
        assert_eq!(gone.wire, crate::surface::Effect::None);
        assert_eq!(gone.summary, "runtime item removed");
        let added = crate::surface::diff(&none, &all);
        let came = added
            .iter()
            .find(|c| c.key.path == "ItemStream")
            .expect("ItemStream added");
        assert_eq!(came.rust, crate::surface::Effect::Additive);
        assert!(crate::surface::diff(&all, &all).is_empty());
    }
}
