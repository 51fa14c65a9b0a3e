//! Decoding `oneOf`/`anyOf` unions: the value is buffered once, then the
//! variant is chosen by its discriminator or by trying each in order.
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
use serde::de::{self, DeserializeOwned, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;

use super::error::nested_message;
use super::lenient::{explaining, strict, Mode};

/// Buffers the value so that variants can be tried in turn.
pub fn buffer<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Value, D::Error> {
    Value::deserialize(deserializer)
}

/// What [`dispatch`] did with the value.
pub enum Step<U> {
    /// Decoded into the variant its kind selects.
    Done(U),
    /// Buffered, for the variants to be tried in turn.
    Buffered(Value),
}

/// Decodes a JSON string into the union's only variant that can take one
/// (`string` wraps it), a JSON object into its only variant that can take
/// one (`object`); buffers any other value (see [`Step`]). An error inside
/// the selected variant is that variant's own, with its path.
pub fn dispatch<'de, D, S, O, U>(
    deserializer: D,
    string: fn(S) -> U,
    object: fn(O) -> U,
) -> Result<Step<U>, D::Error>
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
) -> Result<Step<U>, D::Error>
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
) -> Result<Step<U>, D::Error>
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
        owned: impl FnOnce() -> String,
    ) -> Result<Step<U>, E> {
        match self.string {
            Some(wrap) => S::deserialize(text).map(|v| Step::Done(wrap(v))),
            None => Ok(Step::Buffered(Value::String(owned()))),
        }
    }
}

impl<'de, S: DeserializeOwned, O: DeserializeOwned, U> Visitor<'de> for ByKind<S, O, U> {
    type Value = Step<U>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Step<U>, E> {
        Ok(Step::Buffered(Value::Bool(v)))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Step<U>, E> {
        Ok(Step::Buffered(Value::from(v)))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Step<U>, E> {
        Ok(Step::Buffered(Value::from(v)))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Step<U>, E> {
        Ok(Step::Buffered(Value::from(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Step<U>, E> {
        self.string(StrDeserializer::new(v), || v.to_owned())
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Step<U>, E> {
        self.string(BorrowedStrDeserializer::new(v), || v.to_owned())
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Step<U>, E> {
        match self.string {
            Some(wrap) => {
                S::deserialize(StringDeserializer::<E>::new(v)).map(|v| Step::Done(wrap(v)))
            }
            None => Ok(Step::Buffered(Value::String(v))),
        }
    }
    fn visit_unit<E: de::Error>(self) -> Result<Step<U>, E> {
        Ok(Step::Buffered(Value::Null))
    }
    fn visit_none<E: de::Error>(self) -> Result<Step<U>, E> {
        Ok(Step::Buffered(Value::Null))
    }
    fn visit_some<X: Deserializer<'de>>(self, deserializer: X) -> Result<Step<U>, X::Error> {
        deserializer.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Step<U>, A::Error> {
        Value::deserialize(SeqAccessDeserializer::new(seq)).map(Step::Buffered)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Step<U>, A::Error> {
        let map = MapAccessDeserializer::new(map);
        match self.object {
            Some(wrap) => O::deserialize(map).map(|v| Step::Done(wrap(v))),
            None => Value::deserialize(map).map(Step::Buffered),
        }
    }
}

/// The value as variant type `T`, if it decodes as one.
pub fn attempt<T: DeserializeOwned>(value: &Value) -> Option<T> {
    T::deserialize(value).ok()
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

/// The discriminator: the string value of `property`, if there is one.
pub fn tag<'v>(value: &'v Value, property: &str) -> Option<&'v str> {
    value.get(property).and_then(Value::as_str)
}

/// Decodes the variant the discriminator selected, from the buffered value
/// itself: its strings and undeclared properties are moved, not copied.
/// That leaves nothing to explain a failure with, so a failure only names
/// the path inside the variant when the decode is repeated [`explain_failure`](super::lenient::explain_failure)
/// (as a response's is, see `RawResponse::decode`), which decodes from a
/// borrow; the caller's path is joined to it (see [`super::error::locate`]).
pub fn tagged<T: DeserializeOwned, E: de::Error>(value: Value) -> Result<T, E> {
    if explaining() {
        return T::deserialize(&value).map_err(|_| E::custom(explain::<T>(&value)));
    }
    T::deserialize(value).map_err(E::custom)
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
pub fn no_match<E: de::Error>(value: &Value, name: &str, variants: &[(&str, Explain)]) -> E {
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
