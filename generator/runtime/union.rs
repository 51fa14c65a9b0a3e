//! Decoding `oneOf`/`anyOf` unions: the value is buffered once, then the
//! variant is chosen by its discriminator or by trying each in order.
//!
//! An untagged union tries its variants in two passes ([`passes`]): first
//! strictly, with the lenient rules suspended, then, only if no variant
//! fits as it is, leniently in the same order. Otherwise an early variant
//! could win through leniency and lose what a later one keeps: `null` for
//! its optional, non-nullable `x` read as absent, where a later variant has
//! a nullable `x` (in a PATCH body, "clear `x`").

use serde::de::{self, DeserializeOwned, Deserializer};
use serde::Deserialize;
use serde_json::Value;

use super::error::nested_message;
use super::lenient::{strict, Mode};

/// Buffers the value so that variants can be tried in turn.
pub fn buffer<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Value, D::Error> {
    Value::deserialize(deserializer)
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

/// Decodes the variant the discriminator selected. On failure the error
/// names the path inside the variant, which the caller's path is joined to
/// (see [`super::error::locate`]).
pub fn tagged<T: DeserializeOwned, E: de::Error>(value: &Value) -> Result<T, E> {
    T::deserialize(value).map_err(|_| E::custom(explain::<T>(value)))
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
