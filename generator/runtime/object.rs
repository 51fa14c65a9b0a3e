//! Decoding JSON objects into generated structs.
//!
//! Each generated struct implements [`Object`] with one loop over the keys:
//! declared properties are matched by name and decoded in place, every
//! other key goes to the struct's `extra` map. Nothing is buffered, and a
//! missing required property is reported by its own name.
//!
//! The loop's steps are the methods of [`Fields`], and a struct's
//! `Serialize` is one call per property on [`Entries`]. None returns a
//! `Result`: each keeps the first error and the last call returns it, so
//! the generated bodies have no `?` and no closures. That is most of what a
//! big API's types cost to type-check (measured on nexus: `from_map` bodies
//! were 27% of the crate's `cargo check`), and a `?` whose error type is
//! the generic `A::Error` or `S::Error` is dear: the trait solver looks
//! through every `From` impl in the dependency graph for it (measured on
//! our Insighto crate: 4.4% of its rustc instructions for its 15).

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, MapAccess};
use serde::ser::{Serialize, SerializeMap, Serializer};

use super::extra::Undeclared;
use super::lenient::{not_strict, Lenient, Seed};

/// A generated struct, decoded from the entries of a JSON object.
pub trait Object: Sized {
    /// The type's name, for error messages.
    const NAME: &'static str;

    /// Decodes the struct from the remaining entries of `map`.
    fn from_map<'de, A: MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
}

/// The `Visitor` of every generated struct: accepts a JSON object only.
pub struct ObjectVisitor<T>(PhantomData<fn() -> T>);

impl<T> ObjectVisitor<T> {
    /// A visitor producing a `T`.
    pub fn new() -> Self {
        ObjectVisitor(PhantomData)
    }
}

impl<T> Default for ObjectVisitor<T> {
    fn default() -> Self {
        ObjectVisitor::new()
    }
}

impl<'de, T: Object> de::Visitor<'de> for ObjectVisitor<T> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a `{}` object", T::NAME)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::from_map(map)
    }
}

/// Decodes a generated struct: the body of its `Deserialize` impl.
pub fn deserialize<'de, D: Deserializer<'de>, T: Object>(deserializer: D) -> Result<T, D::Error> {
    deserializer.deserialize_map(ObjectVisitor::<T>::new())
}

/// An object key, borrowed from the input when it has no escapes.
pub struct Key<'de>(Cow<'de, str>);

impl Key<'_> {
    /// The key's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key as an owned string (for the `extra` map).
    pub fn into_string(self) -> String {
        self.0.into_owned()
    }
}

impl<'de> Key<'de> {
    /// The key as borrowed from the input, if it was.
    pub fn borrowed(&self) -> Option<&'de str> {
        match &self.0 {
            Cow::Borrowed(s) => Some(s),
            Cow::Owned(_) => None,
        }
    }
}

/// Reads a string as a [`Key`]; says what it expected.
struct KeyVisitor(&'static str);

impl<'de> de::Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Borrowed(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(v.to_owned())))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(v)))
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(KeyVisitor("a property name"))
    }
}

/// A string value, borrowed from the input when it has no escapes: string
/// enums match it against their values and allocate only for a value they
/// do not list.
pub fn string<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Key<'de>, D::Error> {
    deserializer.deserialize_str(KeyVisitor("a string"))
}

/// The body of a generated string enum's `Deserialize`: the variant `known`
/// finds for the value, else `unknown` of it (kept, except in a strict
/// union attempt: see [`super::lenient::unknown`]). Here, not in each
/// enum, so that its `?`s are type-checked once (see the module's docs).
pub fn string_enum<'de, D: Deserializer<'de>, T>(
    deserializer: D,
    known: fn(&str) -> Option<T>,
    unknown: fn(String) -> T,
) -> Result<T, D::Error> {
    let value = string(deserializer)?;
    match known(value.as_str()) {
        Some(known) => Ok(known),
        None => {
            super::lenient::unknown::<D::Error>()?;
            Ok(unknown(value.into_string()))
        }
    }
}

/// The next key of `map`, if any.
pub fn next_key<'de, A: MapAccess<'de>>(map: &mut A) -> Result<Option<Key<'de>>, A::Error> {
    map.next_key()
}

/// The value of the current entry, decoded leniently (numbers and booleans
/// may come inside strings; see [`super::lenient`]).
pub fn lenient<'de, A: MapAccess<'de>, T: Lenient>(map: &mut A) -> Result<T, A::Error> {
    map.next_value_seed(Seed::<T>::new())
}

/// The value of an optional property that is not nullable: `null`, which
/// real servers often send, is read as absent, except in a strict union
/// attempt (see [`super::lenient::Mode`]), where it makes this variant a
/// worse match than one that keeps the `null`.
pub fn optional<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    map: &mut A,
) -> Result<Option<T>, A::Error> {
    let value: Option<T> = map.next_value()?;
    if value.is_none() {
        not_strict::<A::Error>("`null` for a property that is not nullable")?;
    }
    Ok(value)
}

/// [`optional`] for a value decoded leniently.
pub fn optional_lenient<'de, A: MapAccess<'de>, T: Lenient>(
    map: &mut A,
) -> Result<Option<T>, A::Error> {
    let value: Option<T> = lenient(map)?;
    if value.is_none() {
        not_strict::<A::Error>("`null` for a property that is not nullable")?;
    }
    Ok(value)
}

/// The entries of the JSON object a generated struct's `from_map` reads:
/// one call per entry, which decodes its value into the property's slot.
///
/// The first error is kept here instead of returned (see the module's
/// docs): after it, [`Fields::key`] ends the loop, and [`Fields::finish`]
/// or [`Fields::missing`] returns it.
pub struct Fields<A, E> {
    map: A,
    error: Option<E>,
}

impl<'de, A: MapAccess<'de>> Fields<A, A::Error> {
    /// Wraps the map `from_map` was given.
    pub fn new(map: A) -> Self {
        Fields { map, error: None }
    }

    /// The value of `result`, or `None` with its error kept.
    fn kept<T>(&mut self, result: Result<T, A::Error>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(e) => {
                self.error = Some(e);
                None
            }
        }
    }

    /// The next key; `None` at the end of the object or after an error.
    pub fn key(&mut self) -> Option<Key<'de>> {
        if self.error.is_some() {
            return None;
        }
        let key = self.map.next_key();
        self.kept(key).flatten()
    }

    /// A required property's value.
    pub fn value<T: Deserialize<'de>>(&mut self, slot: &mut Option<T>) {
        let value = self.map.next_value();
        *slot = self.kept(value);
    }

    /// A required property's value, decoded leniently.
    pub fn lenient<T: Lenient>(&mut self, slot: &mut Option<T>) {
        let value = lenient(&mut self.map);
        *slot = self.kept(value);
    }

    /// An optional property's value (see [`optional`]).
    pub fn optional<T: Deserialize<'de>>(&mut self, slot: &mut Option<T>) {
        let value = optional(&mut self.map);
        *slot = self.kept(value).flatten();
    }

    /// An optional property's value, decoded leniently.
    pub fn optional_lenient<T: Lenient>(&mut self, slot: &mut Option<T>) {
        let value = optional_lenient(&mut self.map);
        *slot = self.kept(value).flatten();
    }

    /// An optional nullable property's value (a `Maybe`), as it comes.
    pub fn maybe<T: Deserialize<'de>>(&mut self, slot: &mut T) {
        let value = self.map.next_value();
        if let Some(value) = self.kept(value) {
            *slot = value;
        }
    }

    /// An optional nullable property's value, decoded leniently.
    pub fn maybe_lenient<T: Lenient>(&mut self, slot: &mut T) {
        let value = lenient(&mut self.map);
        if let Some(value) = self.kept(value) {
            *slot = value;
        }
    }

    /// An undeclared property, kept in `extra`.
    pub fn extra<X: Undeclared>(&mut self, extra: &mut X, key: Key<'de>) {
        let kept = extra.keep(key, &mut self.map);
        self.kept(kept);
    }

    /// A property `additionalProperties: false` does not allow: kept like
    /// [`Fields::extra`], except in a strict union attempt (see [`undeclared`]).
    pub fn undeclared<X: Undeclared>(&mut self, extra: &mut X, key: Key<'de>) {
        let allowed = undeclared::<A::Error>(&key);
        if self.kept(allowed).is_some() {
            self.extra(extra, key);
        }
    }

    /// An undeclared property of a struct whose `additionalProperties` have
    /// a schema: decoded as that type.
    pub fn typed<T: Deserialize<'de>>(&mut self, extra: &mut BTreeMap<String, T>, key: Key<'de>) {
        let value = self.map.next_value();
        if let Some(value) = self.kept(value) {
            extra.insert(key.into_string(), value);
        }
    }

    /// [`Fields::typed`], decoded leniently.
    pub fn typed_lenient<T: Lenient>(&mut self, extra: &mut BTreeMap<String, T>, key: Key<'de>) {
        let value = lenient(&mut self.map);
        if let Some(value) = self.kept(value) {
            extra.insert(key.into_string(), value);
        }
    }

    /// A required nullable property's slot once the object is read: absent
    /// reads as `null`, as serde reads an absent `Option`. Servers omit
    /// nulls, and a property an API adds as required and nullable (GitHub's
    /// release asset `digest`, an organization's `archived_at`) is absent
    /// from older servers' responses. In a strict union attempt it stays
    /// missing, so the variant does not win over one the object fits.
    pub fn nullable<T>(&self, slot: Option<Option<T>>) -> Option<Option<T>> {
        match slot {
            None if !super::lenient::strict() => Some(None),
            slot => slot,
        }
    }

    /// The error for a required property the object does not have, or the
    /// error that ended the loop before it could come.
    #[cold]
    pub fn missing(&mut self, name: &'static str) -> A::Error {
        match self.error.take() {
            Some(e) => e,
            None => de::Error::missing_field(name),
        }
    }

    /// The decoded struct, or the first error.
    pub fn finish<T>(self, value: T) -> Result<T, A::Error> {
        match self.error {
            Some(e) => Err(e),
            None => Ok(value),
        }
    }
}

/// A generated struct being serialized: its `Serialize` impl calls one
/// method per property, without a `?` (see the module's docs). The first
/// error is kept, and returned by [`Entries::end`].
pub struct Entries<M: SerializeMap> {
    /// The map being written, or the first error.
    map: Result<M, M::Error>,
}

/// Starts serializing a generated struct as a map.
pub fn entries<S: Serializer>(serializer: S) -> Entries<S::SerializeMap> {
    Entries {
        map: serializer.serialize_map(None),
    }
}

impl<M: SerializeMap> Entries<M> {
    /// A property that is always sent.
    pub fn entry<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) {
        if let Ok(map) = &mut self.map {
            if let Err(e) = map.serialize_entry(key, value) {
                self.map = Err(e);
            }
        }
    }

    /// An optional property: sent when it is set.
    pub fn optional<T: Serialize>(&mut self, key: &'static str, value: &Option<T>) {
        if let Some(value) = value {
            self.entry(key, value);
        }
    }

    /// The undeclared properties, then the end of the map.
    pub fn end<'a, V: Serialize + 'a>(
        mut self,
        extra: impl IntoIterator<Item = (&'a String, &'a V)>,
    ) -> Result<M::Ok, M::Error> {
        for (key, value) in extra {
            if self.map.is_err() {
                break;
            }
            self.entry(key, value);
        }
        self.map.and_then(SerializeMap::end)
    }
}

/// Checks a property `additionalProperties: false` does not allow: kept
/// (nothing the server sends is lost), except in a strict union attempt.
pub fn undeclared<E: de::Error>(key: &Key<'_>) -> Result<(), E> {
    if super::lenient::strict() {
        return Err(E::custom(format_args!(
            "property `{}` is not allowed (strict union attempt)",
            key.as_str()
        )));
    }
    Ok(())
}
