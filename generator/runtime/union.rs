//! Decoding `oneOf`/`anyOf` unions. A tagged union reads the object's
//! entries up to its discriminator and decodes the selected variant from
//! those and the rest as they come ([`tagged`]); an untagged union buffers
//! the value once and tries its variants in order, unless its object
//! variants are told apart by a property with a constant value, read as a
//! tagged union reads its discriminator ([`inferred`]).
//!
//! Where the kind of JSON value alone picks the variant (one variant is the
//! only one that can take a string, or an object, even leniently; Stripe's
//! expandable `anyOf: [string, object]` fields), [`dispatch`] decodes such a
//! value straight into that variant, without buffering or trying the others:
//! the others would fail on it in both passes, so the result is the same.
//!
//! An untagged union tries its variants in two passes ([`passes`]): first
//! strictly, with the lenient rules suspended, then, only if no variant
//! fits as it is, leniently in the same order. Otherwise an early variant
//! could win through leniency and lose what a later one keeps: `null` for
//! its optional, non-nullable `x` read as absent, where a later variant has
//! a nullable `x` (in a PATCH body, "clear `x`").

use std::fmt;

use serde::de::value::{
    BorrowedStrDeserializer, MapAccessDeserializer, SeqAccessDeserializer, StrDeserializer,
    StringDeserializer,
};
use std::marker::PhantomData;

use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess,
    Visitor,
};
use serde::Deserialize;
use serde_json::Value;

use super::buffer::Buffer;
use super::error::{join_path, nested_message};
use super::lenient::{explaining, strict, Mode};
use super::object::{next_key, Key};

/// Buffers the value so that variants can be tried in turn (see
/// [`Buffer`]).
pub fn buffer<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Buffer<'de>, D::Error> {
    Buffer::read(deserializer)
}

/// What [`dispatch`] did with the value.
pub enum Step<'de, U> {
    /// Decoded into the variant its kind selects.
    Done(U),
    /// Buffered, for the variants to be tried in turn.
    Buffered(Buffer<'de>),
}

/// Decodes a JSON string into the union's only variant that can take one
/// (`string` wraps it), a JSON object into its only variant that can take
/// one (`object`); buffers any other value (see [`Step`]). An error inside
/// the selected variant is that variant's own, with its path.
pub fn dispatch<'de, D, S, O, U>(
    deserializer: D,
    string: fn(S) -> U,
    object: fn(O) -> U,
) -> Result<Step<'de, U>, D::Error>
where
    D: Deserializer<'de>,
    S: DeserializeOwned,
    O: DeserializeOwned,
{
    deserializer.deserialize_any(ByKind {
        string: Some(string),
        object: Some(object),
    })
}

/// [`dispatch`] for a union where only a JSON string selects a variant.
pub fn dispatch_string<'de, D, S, U>(
    deserializer: D,
    string: fn(S) -> U,
) -> Result<Step<'de, U>, D::Error>
where
    D: Deserializer<'de>,
    S: DeserializeOwned,
{
    deserializer.deserialize_any(ByKind::<S, IgnoredAny, U> {
        string: Some(string),
        object: None,
    })
}

/// [`dispatch`] for a union where only a JSON object selects a variant.
pub fn dispatch_object<'de, D, O, U>(
    deserializer: D,
    object: fn(O) -> U,
) -> Result<Step<'de, U>, D::Error>
where
    D: Deserializer<'de>,
    O: DeserializeOwned,
{
    deserializer.deserialize_any(ByKind::<IgnoredAny, O, U> {
        string: None,
        object: Some(object),
    })
}

/// The visitor of [`dispatch`].
struct ByKind<S, O, U> {
    string: Option<fn(S) -> U>,
    object: Option<fn(O) -> U>,
}

impl<S: DeserializeOwned, O: DeserializeOwned, U> ByKind<S, O, U> {
    fn string<'de, E: de::Error, X: Deserializer<'de, Error = E>>(
        self,
        text: X,
        buffered: impl FnOnce() -> Buffer<'de>,
    ) -> Result<Step<'de, U>, E> {
        match self.string {
            Some(wrap) => S::deserialize(text).map(|v| Step::Done(wrap(v))),
            None => Ok(Step::Buffered(buffered())),
        }
    }
}

impl<'de, S: DeserializeOwned, O: DeserializeOwned, U> Visitor<'de> for ByKind<S, O, U> {
    type Value = Step<'de, U>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Step<'de, U>, E> {
        Ok(Step::Buffered(Buffer::bool(v)))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Step<'de, U>, E> {
        Ok(Step::Buffered(Buffer::i64(v)))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Step<'de, U>, E> {
        Ok(Step::Buffered(Buffer::u64(v)))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Step<'de, U>, E> {
        Ok(Step::Buffered(Buffer::f64(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Step<'de, U>, E> {
        self.string(StrDeserializer::new(v), || Buffer::string(v.to_owned()))
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Step<'de, U>, E> {
        self.string(BorrowedStrDeserializer::new(v), || Buffer::borrowed(v))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Step<'de, U>, E> {
        match self.string {
            Some(wrap) => {
                S::deserialize(StringDeserializer::<E>::new(v)).map(|v| Step::Done(wrap(v)))
            }
            None => Ok(Step::Buffered(Buffer::string(v))),
        }
    }
    fn visit_unit<E: de::Error>(self) -> Result<Step<'de, U>, E> {
        Ok(Step::Buffered(Buffer::null()))
    }
    fn visit_none<E: de::Error>(self) -> Result<Step<'de, U>, E> {
        Ok(Step::Buffered(Buffer::null()))
    }
    fn visit_some<X: Deserializer<'de>>(self, deserializer: X) -> Result<Step<'de, U>, X::Error> {
        deserializer.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Step<'de, U>, A::Error> {
        Buffer::read_seq(seq).map(Step::Buffered)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Step<'de, U>, A::Error> {
        let map = MapAccessDeserializer::new(map);
        match self.object {
            Some(wrap) => O::deserialize(map).map(|v| Step::Done(wrap(v))),
            None => Buffer::read(map).map(Step::Buffered),
        }
    }
}

/// The value as variant type `T`, if it decodes as one.
pub fn attempt<'de, T: Deserialize<'de>>(value: &Buffer<'de>) -> Option<T> {
    T::deserialize(value.deserializer()).ok()
}

/// The value as a variant that allows one string, `expected` (held as a
/// `String`): in the strict pass only that string, so a constant `""`
/// tried first leaves a date-time to the variant it is meant for; in the
/// lenient pass any string, kept as an enum keeps a value it does not list.
pub fn constant(value: &Buffer<'_>, expected: &str) -> Option<String> {
    let s = value.as_str()?;
    (s == expected || !strict()).then(|| s.to_string())
}

/// The passes of an untagged union over its variants, each item holding
/// its mode while the variants are tried: strict, then lenient, unless
/// this union is itself inside a strict attempt (a lenient pass would
/// only fail again). A value that fits its first variant as it is costs
/// one attempt, as before.
pub fn passes() -> Passes {
    Passes {
        next: 0,
        lenient: !strict(),
    }
}

/// See [`passes`].
pub struct Passes {
    next: u8,
    lenient: bool,
}

impl Iterator for Passes {
    type Item = Mode;
    fn next(&mut self) -> Option<Mode> {
        self.next = self.next.saturating_add(1);
        match self.next {
            1 => Some(Mode::set(true)),
            2 if self.lenient => Some(Mode::set(false)),
            _ => None,
        }
    }
}

/// What a union keeps in `Unknown` (a discriminator value it does not
/// list, or none): the value, except in a strict attempt, where a variant
/// that knows the value is a better match.
pub fn unknown<E: de::Error>(value: Value) -> Result<Value, E> {
    if strict() {
        return Err(E::custom(
            "no variant for this discriminator (strict union attempt)",
        ));
    }
    Ok(value)
}

/// A tagged union, as generated: its discriminator property and the
/// decoding of the variant a discriminator value selects (see [`tagged`]).
pub trait Tagged: Sized {
    /// The discriminator property.
    const PROPERTY: &'static str;

    /// Decodes the variant `tag` selects from `deserializer` (the whole
    /// object, discriminator included); `None`, with `deserializer`
    /// untouched, when the union lists no variant for `tag`.
    fn variant<'de, D: Deserializer<'de>>(
        tag: &str,
        deserializer: D,
    ) -> Option<Result<Self, D::Error>>;

    /// The union holding a value no variant is selected for (`Unknown`).
    fn unknown(value: Value) -> Self;
}

/// Decodes a tagged union without buffering the object: its entries are
/// read in order, only those before the discriminator are kept (servers
/// usually send it first or nearly so), and once its string value is known
/// the selected variant decodes from the kept entries, the discriminator,
/// then the rest of the object as it is read. Any other value, or an object
/// with no string discriminator or one the union does not list, is kept in
/// `Unknown` (see [`unknown`]). With a duplicate discriminator the first
/// selects the variant; the variant then sees each, as it would in a
/// struct. Works with any `Deserializer` (a `serde_json::Value`, serde's
/// buffer inside a user's own untagged enum): nothing is borrowed from the
/// input unless it allows it.
pub fn tagged<'de, D: Deserializer<'de>, U: Tagged>(deserializer: D) -> Result<U, D::Error> {
    deserializer.deserialize_any(ByTag(PhantomData))
}

/// Decodes a variant the object's entries select: the one a generated
/// struct, or a map, decodes from (see [`tagged`]).
pub fn variant<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> Result<T, D::Error> {
    T::deserialize(deserializer)
}

/// Decodes a variant through a buffered value: for variant types that are
/// not decoded from entries as they are read (a union, an alias with its
/// own attributes). Its strings and undeclared properties are moved out of
/// the buffer, not copied; that leaves nothing to explain a failure with,
/// so the path inside the variant is only named when the decode is
/// repeated with [`explain_failure`](super::lenient::explain_failure) (as
/// a response's is, see `RawResponse::decode`), which decodes from a
/// borrow.
pub fn buffered<'de, D: Deserializer<'de>, T: DeserializeOwned>(
    deserializer: D,
) -> Result<T, D::Error> {
    // A `Value`, not a `Buffer`: the variant's own error is the union's.
    let value = Value::deserialize(deserializer)?;
    if explaining() {
        return T::deserialize(&value).map_err(|_| de::Error::custom(explain::<T>(&value)));
    }
    T::deserialize(value).map_err(de::Error::custom)
}

/// The visitor of [`tagged`].
struct ByTag<U>(PhantomData<fn() -> U>);

impl<U: Tagged> ByTag<U> {
    fn other<E: de::Error>(value: Value) -> Result<U, E> {
        unknown(value).map(U::unknown)
    }
}

impl<'de, U: Tagged> Visitor<'de> for ByTag<U> {
    type Value = U;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<U, E> {
        Self::other(Value::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<U, E> {
        Self::other(Value::from(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<U, E> {
        Self::other(Value::from(v))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<U, E> {
        Self::other(Value::from(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<U, E> {
        Self::other(Value::String(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<U, E> {
        Self::other(Value::String(v))
    }
    fn visit_unit<E: de::Error>(self) -> Result<U, E> {
        Self::other(Value::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<U, E> {
        Self::other(Value::Null)
    }
    fn visit_some<X: Deserializer<'de>>(self, deserializer: X) -> Result<U, X::Error> {
        deserializer.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<U, A::Error> {
        Self::other(Value::deserialize(SeqAccessDeserializer::new(seq))?)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<U, A::Error> {
        match select::<A, Discriminator<U>, U>(map)? {
            Ok(decoded) => Ok(decoded),
            Err(value) => Self::other(value),
        }
    }
}

/// How [`select`] finds the variant: a property and the decoding of the
/// variant each of its values selects.
trait Selector<U> {
    const PROPERTY: &'static str;
    fn variant<'de, D: Deserializer<'de>>(
        tag: &str,
        deserializer: D,
    ) -> Option<Result<U, D::Error>>;
}

/// A tagged union's discriminator ([`Tagged`]).
struct Discriminator<U>(PhantomData<fn() -> U>);

impl<U: Tagged> Selector<U> for Discriminator<U> {
    const PROPERTY: &'static str = U::PROPERTY;
    fn variant<'de, D: Deserializer<'de>>(
        tag: &str,
        deserializer: D,
    ) -> Option<Result<U, D::Error>> {
        U::variant(tag, deserializer)
    }
}

/// An untagged union's inferred tag ([`Inferred`]).
struct InferredTag<U>(PhantomData<fn() -> U>);

impl<U: Inferred> Selector<U> for InferredTag<U> {
    const PROPERTY: &'static str = U::PROPERTY;
    fn variant<'de, D: Deserializer<'de>>(
        tag: &str,
        deserializer: D,
    ) -> Option<Result<U, D::Error>> {
        U::variant(tag, deserializer)
    }
}

/// Reads an object's entries up to `S::PROPERTY`, then decodes the variant
/// its string value selects from the kept entries, the property and the
/// rest of `map` (`Ok`); with no such property, one that is not a string,
/// or a value no variant is listed for, the whole object as a value
/// (`Err`). See [`tagged`].
fn select<'de, A: MapAccess<'de>, S: Selector<U>, U>(
    mut map: A,
) -> Result<Result<U, Value>, A::Error> {
    let mut kept: Vec<(Key<'de>, Value)> = Vec::new();
    let mut done = true;
    while let Some(key) = next_key(&mut map)? {
        let value: Value = map.next_value()?;
        if key.as_str() == S::PROPERTY {
            if let Value::String(tag) = &value {
                let entries = Replay {
                    kept: &mut kept,
                    next: 0,
                    tag: Some((&key, tag.as_str())),
                    pending: Pending::None,
                    done: false,
                    map: &mut map,
                };
                if let Some(decoded) = S::variant(tag, MapAccessDeserializer::new(entries)) {
                    return decoded.map(Ok);
                }
            }
            // Not a string, or no variant for it: kept whole.
            kept.push((key, value));
            done = false;
            break;
        }
        kept.push((key, value));
    }
    let entries = Replay {
        kept: &mut kept,
        next: 0,
        tag: None,
        pending: Pending::None,
        done,
        map: &mut map,
    };
    Value::deserialize(MapAccessDeserializer::new(entries)).map(Err)
}

/// An untagged union whose object variants each require a property with
/// its own constant value (Stripe's `object: card`), as generated: the
/// property and the decoding of the variant a value selects (see
/// [`inferred`]).
pub trait Inferred: Sized {
    /// The property whose value selects an object's variant.
    const PROPERTY: &'static str;

    /// Decodes the variant `tag` selects from `deserializer` (the whole
    /// object, the property included); `None`, with `deserializer`
    /// untouched, when no variant is listed for `tag`.
    fn variant<'de, D: Deserializer<'de>>(
        tag: &str,
        deserializer: D,
    ) -> Option<Result<Self, D::Error>>;
}

/// Decodes an object whose property `U::PROPERTY` holds a value one of the
/// untagged union's variants requires straight into that variant, reading
/// the object as [`tagged`] does (only the entries before the property are
/// kept); buffers any other value, an object without the property, or with
/// a value no variant lists, for the variants to be tried in turn
/// ([`Step::Buffered`]). Every other variant would fail on such an object
/// in the strict pass (its property lists another value, and no variant
/// that is not listed takes objects), so the value decodes as before;
/// only where the selected variant needs a lenient rule might a variant
/// tried before it in the lenient pass have taken the object with the
/// value in its enum's `Unknown`, and where it fails, the error is its
/// own. With a duplicate property the first selects the variant (the
/// variant then sees each, as a struct does, the last winning).
pub fn inferred<'de, D: Deserializer<'de>, U: Inferred>(
    deserializer: D,
) -> Result<Step<'de, U>, D::Error> {
    deserializer.deserialize_any(ByInferred::<IgnoredAny, U> { string: None })
}

/// [`inferred`] for a union whose one variant that can take a JSON string
/// (`string` wraps it) decodes strings as [`dispatch`] does.
pub fn inferred_string<'de, D, S, U>(
    deserializer: D,
    string: fn(S) -> U,
) -> Result<Step<'de, U>, D::Error>
where
    D: Deserializer<'de>,
    S: DeserializeOwned,
    U: Inferred,
{
    deserializer.deserialize_any(ByInferred {
        string: Some(string),
    })
}

/// The visitor of [`inferred`]: [`ByKind`] for everything but objects.
struct ByInferred<S, U> {
    string: Option<fn(S) -> U>,
}

impl<S, U> ByInferred<S, U> {
    fn by_kind(self) -> ByKind<S, IgnoredAny, U> {
        ByKind {
            string: self.string,
            object: None,
        }
    }
}

impl<'de, S: DeserializeOwned, U: Inferred> Visitor<'de> for ByInferred<S, U> {
    type Value = Step<'de, U>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Step<'de, U>, E> {
        self.by_kind().visit_bool(v)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Step<'de, U>, E> {
        self.by_kind().visit_i64(v)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Step<'de, U>, E> {
        self.by_kind().visit_u64(v)
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Step<'de, U>, E> {
        self.by_kind().visit_f64(v)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Step<'de, U>, E> {
        self.by_kind().visit_str(v)
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Step<'de, U>, E> {
        self.by_kind().visit_borrowed_str(v)
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Step<'de, U>, E> {
        self.by_kind().visit_string(v)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Step<'de, U>, E> {
        Ok(Step::Buffered(Buffer::null()))
    }
    fn visit_none<E: de::Error>(self) -> Result<Step<'de, U>, E> {
        Ok(Step::Buffered(Buffer::null()))
    }
    fn visit_some<X: Deserializer<'de>>(self, deserializer: X) -> Result<Step<'de, U>, X::Error> {
        deserializer.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Step<'de, U>, A::Error> {
        Buffer::read_seq(seq).map(Step::Buffered)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Step<'de, U>, A::Error> {
        Ok(match select::<A, InferredTag<U>, U>(map)? {
            Ok(decoded) => Step::Done(decoded),
            Err(value) => Step::Buffered(Buffer::from_value(value)),
        })
    }
}

/// The value [`Replay`] yields next.
enum Pending<'a> {
    None,
    Kept(usize),
    Tag(&'a str),
}

/// An object's entries read again: those kept before the discriminator,
/// the discriminator, then the rest of `map` (see [`tagged`]).
struct Replay<'a, 'de, A> {
    kept: &'a mut Vec<(Key<'de>, Value)>,
    next: usize,
    tag: Option<(&'a Key<'de>, &'a str)>,
    pending: Pending<'a>,
    /// Whether `map` has no entries left.
    done: bool,
    map: &'a mut A,
}

/// Yields `key` to `seed`, borrowed from the input if it was.
fn replay_key<'de, K: DeserializeSeed<'de>, E: de::Error>(
    seed: K,
    key: &Key<'de>,
) -> Result<K::Value, E> {
    match key.borrowed() {
        Some(text) => seed.deserialize(BorrowedStrDeserializer::new(text)),
        None => seed.deserialize(StrDeserializer::new(key.as_str())),
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Replay<'_, 'de, A> {
    type Error = A::Error;
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        if let Some((key, _)) = self.kept.get(self.next) {
            self.pending = Pending::Kept(self.next);
            self.next += 1;
            return replay_key(seed, key).map(Some);
        }
        if let Some((key, tag)) = self.tag.take() {
            self.pending = Pending::Tag(tag);
            return replay_key(seed, key).map(Some);
        }
        self.pending = Pending::None;
        if self.done {
            return Ok(None);
        }
        let key = self.map.next_key_seed(seed)?;
        self.done = key.is_none();
        Ok(key)
    }
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        match std::mem::replace(&mut self.pending, Pending::None) {
            Pending::Kept(i) => match self.kept.get_mut(i) {
                Some((key, value)) => replay_value(seed, key.as_str(), std::mem::take(value)),
                None => Err(de::Error::custom("value without a key")),
            },
            Pending::Tag(tag) => seed.deserialize(TagValue(tag, PhantomData)),
            Pending::None => self.map.next_value_seed(seed),
        }
    }
}

/// The discriminator's value, read again by the variant: a string, also
/// where the variant declares the property optional (`Option<String>`, or
/// an `Option` of a one-value enum), which a plain string deserializer
/// refuses ("expected option").
struct TagValue<'a, E>(&'a str, PhantomData<E>);

impl<'de, E: de::Error> Deserializer<'de> for TagValue<'_, E> {
    type Error = E;
    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        visitor.visit_str(self.0)
    }
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        visitor.visit_some(self)
    }
    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, E> {
        visitor.visit_newtype_struct(self)
    }
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, E> {
        StrDeserializer::<E>::new(self.0).deserialize_enum(name, variants, visitor)
    }
    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct map struct
        identifier ignored_any
    }
}

/// Decodes a kept entry's value: a failure names `key` (and, when
/// explaining a failure, the path inside the value; see
/// [`explain_failure`](super::lenient::explain_failure)).
fn replay_value<'de, V: DeserializeSeed<'de>, E: de::Error>(
    seed: V,
    key: &str,
    value: Value,
) -> Result<V::Value, E> {
    if explaining() {
        let mut track = serde_path_to_error::Track::new();
        return seed
            .deserialize(serde_path_to_error::Deserializer::new(value, &mut track))
            .map_err(|err| {
                let path = join_path(key, &track.path().to_string());
                E::custom(nested_message(&path, &err.to_string()))
            });
    }
    seed.deserialize(value)
        .map_err(|err| E::custom(nested_message(key, &err.to_string())))
}

/// Why `value` does not decode as `T`, with the path inside `value`. Only
/// called once decoding has failed: tracking paths costs allocations.
pub fn explain<T: DeserializeOwned>(value: &Value) -> String {
    match serde_path_to_error::deserialize::<_, T>(value) {
        Ok(_) => "decodes on its own".to_owned(),
        Err(err) => nested_message(&err.path().to_string(), &err.inner().to_string()),
    }
}

/// [`explain`] for one variant type.
pub type Explain = fn(&Value) -> String;

/// The error when no variant of the untagged union `name` matches:
/// `variants` pairs each variant's name with its [`explain`].
pub fn no_match<E: de::Error>(value: &Buffer<'_>, name: &str, variants: &[(&str, Explain)]) -> E {
    let value = value.to_value();
    let value = &value;
    let mut message = format!("matches no variant of `{name}`");
    for (i, (variant, explain)) in variants.iter().enumerate() {
        message.push_str(if i == 0 { " (" } else { "; " });
        message.push_str(variant);
        message.push_str(": ");
        message.push_str(&explain(value));
    }
    if !variants.is_empty() {
        message.push(')');
    }
    E::custom(message)
}
