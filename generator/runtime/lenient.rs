//! Lenient decoding of numbers and booleans, for what real servers send.
//!
//! Where the schema says `number`, `integer` or `boolean`, generated types
//! decode through [`Lenient`], which also accepts the value inside a string
//! (`"19.720000"`, `"-0.0025"`, `"true"`), an integral float for an integer
//! (`3.0`) and `0`/`1` for a boolean. The value is kept as the schema's type,
//! so re-encoding writes a JSON number or boolean: a number received as a
//! string is sent back as a number, never as the string it came in.
//! Anything else (`"zero"`, `"NaN"`, an out-of-range integer) is still an
//! error. Requests are never affected: encoding is always strict.
//!
//! The first pass of an untagged union (`super::union`, not linked: crates
//! without unions leave it out) suspends these rules ([`strict`]): a
//! variant that needs one of them is a worse match than a later variant the
//! value fits as it is.

use std::cell::Cell;
use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

thread_local! {
    static STRICT: Cell<bool> = const { Cell::new(false) };
}

thread_local! {
    static EXPLAINING: Cell<bool> = const { Cell::new(false) };
}

/// Whether this thread is repeating a failed decode to say where it failed
/// (see [`explain_failure`]).
pub fn explaining() -> bool {
    EXPLAINING.with(Cell::get)
}

/// Runs `f`, a decode that already failed once repeated to say where, with
/// [`explaining`] set: a tagged union then decodes a variant it buffered
/// from a borrow of the buffered value, which can explain a failure, rather
/// than from the value itself (`union::buffered`), and tracks the path
/// inside the entries it kept before its discriminator (`union::tagged`).
pub fn explain_failure<R>(f: impl FnOnce() -> R) -> R {
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            EXPLAINING.with(|e| e.set(self.0));
        }
    }
    let _restore = Restore(EXPLAINING.with(|e| e.replace(true)));
    f()
}

/// Whether the lenient rules are suspended on this thread: the value must
/// fit the schema as it is (see [`Mode`]).
pub fn strict() -> bool {
    STRICT.with(Cell::get)
}

/// Sets whether the lenient rules are suspended until dropped, then puts
/// back the state it found, so a union nested inside a strict attempt stays
/// strict and a panic cannot leave the thread strict.
///
/// Suspended in strict mode, each because the value does not fit the
/// schema as it is and re-encoding would change it: a number or boolean
/// inside a string, `0`/`1` for a boolean, `null` for an optional property
/// that is not nullable (read as absent), a date-time that is not RFC 3339,
/// a date-time for a date, a property `additionalProperties: false` does
/// not allow, an enum value or discriminator the schema does not list. Kept:
/// an integral float for an integer (`3.0` is an integer to JSON Schema)
/// and undeclared properties where the schema allows them.
#[must_use]
pub struct Mode(bool);

impl Mode {
    /// Suspends (`true`) or restores (`false`) the lenient rules.
    pub fn set(strict: bool) -> Mode {
        Mode(STRICT.with(|s| s.replace(strict)))
    }
}

impl Drop for Mode {
    fn drop(&mut self) {
        STRICT.with(|s| s.set(self.0));
    }
}

/// An error when a lenient rule is needed in strict mode. Never reaches a
/// caller: strict attempts only rank union variants.
pub fn not_strict<E: de::Error>(what: &str) -> Result<(), E> {
    if strict() {
        return Err(E::custom(format_args!("{what} (strict union attempt)")));
    }
    Ok(())
}

/// Checks an enum value the schema does not list: kept in `Unknown` (new
/// values must not break decoding), except in a strict union attempt,
/// where a variant that lists the value is a better match.
pub fn unknown<E: de::Error>() -> Result<(), E> {
    not_strict("an enum value the schema does not list")
}

/// A value decoded leniently (see the module documentation).
pub trait Lenient: Sized {
    /// Decodes `Self` from `deserializer`.
    fn decode<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error>;
}

/// [`Lenient::decode`] as a `DeserializeSeed`, for map values and sequence
/// elements.
pub struct Seed<T>(PhantomData<fn() -> T>);

impl<T> Seed<T> {
    /// A seed decoding a `T`.
    pub fn new() -> Self {
        Seed(PhantomData)
    }
}

impl<T> Default for Seed<T> {
    fn default() -> Self {
        Seed::new()
    }
}

impl<'de, T: Lenient> DeserializeSeed<'de> for Seed<T> {
    type Value = T;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<T, D::Error> {
        T::decode(deserializer)
    }
}

/// A number as received: integer, unsigned or float.
#[derive(Clone, Copy)]
enum Number {
    I(i64),
    U(u64),
    F(f64),
}

/// Accepts a JSON number, or a string holding one.
struct NumberVisitor(&'static str);

impl<'de> Visitor<'de> for NumberVisitor {
    type Value = Number;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Number, E> {
        Ok(Number::I(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Number, E> {
        Ok(Number::U(v))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Number, E> {
        Ok(Number::F(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Number, E> {
        not_strict::<E>("a number inside a string")?;
        parse_number(v).ok_or_else(|| E::invalid_value(de::Unexpected::Str(v), &self))
    }
}

/// A number written as text: an integer when it is one, else a finite float.
fn parse_number(s: &str) -> Option<Number> {
    if let Ok(v) = s.parse::<i64>() {
        return Some(Number::I(v));
    }
    if let Ok(v) = s.parse::<u64>() {
        return Some(Number::U(v));
    }
    // `str::parse::<f64>` also takes "inf", "NaN" and "infinity": those are
    // not numbers JSON can carry.
    let plausible = s
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E'));
    match s.parse::<f64>() {
        Ok(v) if plausible && v.is_finite() => Some(Number::F(v)),
        _ => None,
    }
}

fn number<'de, D: Deserializer<'de>>(
    deserializer: D,
    expecting: &'static str,
) -> Result<Number, D::Error> {
    deserializer.deserialize_any(NumberVisitor(expecting))
}

fn out_of_range<E: de::Error>(n: Number, expecting: &'static str) -> E {
    let unexpected = match n {
        Number::I(v) => de::Unexpected::Signed(v),
        Number::U(v) => de::Unexpected::Unsigned(v),
        Number::F(v) => de::Unexpected::Float(v),
    };
    E::invalid_value(unexpected, &expecting)
}

/// The integer a number stands for, if it is integral.
fn integral(n: Number) -> Option<i128> {
    match n {
        Number::I(v) => Some(i128::from(v)),
        Number::U(v) => Some(i128::from(v)),
        // Exactly integral and within ±2^63: larger floats are not exact.
        Number::F(v) if v.fract() == 0.0 && v.abs() < 9.2e18 => Some(v as i128),
        Number::F(_) => None,
    }
}

macro_rules! lenient_int {
    ($($t:ty => $expecting:literal),* $(,)?) => {$(
        impl Lenient for $t {
            fn decode<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let n = number(deserializer, $expecting)?;
                integral(n)
                    .and_then(|v| <$t>::try_from(v).ok())
                    .ok_or_else(|| out_of_range(n, $expecting))
            }
        }
    )*};
}

lenient_int! {
    i32 => "a 32-bit integer",
    i64 => "a 64-bit integer",
    u64 => "an unsigned 64-bit integer",
}

impl Lenient for f64 {
    fn decode<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match number(deserializer, "a number")? {
            Number::I(v) => v as f64,
            Number::U(v) => v as f64,
            Number::F(v) => v,
        })
    }
}

impl Lenient for f32 {
    fn decode<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        f64::decode(deserializer).map(|v| v as f32)
    }
}

/// Accepts `true`/`false`, the same in a string (any case), or `0`/`1`.
struct BoolVisitor;

impl<'de> Visitor<'de> for BoolVisitor {
    type Value = bool;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a boolean")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<bool, E> {
        Ok(v)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<bool, E> {
        not_strict::<E>("a number for a boolean")?;
        match v {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(E::invalid_value(de::Unexpected::Signed(v), &self)),
        }
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<bool, E> {
        not_strict::<E>("a number for a boolean")?;
        match v {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(E::invalid_value(de::Unexpected::Unsigned(v), &self)),
        }
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<bool, E> {
        not_strict::<E>("a boolean inside a string")?;
        if v.eq_ignore_ascii_case("true") || v == "1" {
            Ok(true)
        } else if v.eq_ignore_ascii_case("false") || v == "0" {
            Ok(false)
        } else {
            Err(E::invalid_value(de::Unexpected::Str(v), &self))
        }
    }
}

impl Lenient for bool {
    fn decode<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(BoolVisitor)
    }
}

/// Accepts a string, or a number as its decimal text: a field the schema
/// types as a string often comes as a number (an id, a key id, a postcode
/// from another backend), and its text is the value.
struct StringVisitor;

impl<'de> Visitor<'de> for StringVisitor {
    type Value = String;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_owned())
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
        Ok(v)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        not_strict::<E>("a number for a string")?;
        Ok(v.to_string())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        not_strict::<E>("a number for a string")?;
        Ok(v.to_string())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
        not_strict::<E>("a number for a string")?;
        // As JSON writes it (`1.5`, `100.0`), so re-encoding keeps the text.
        Ok(serde_json::Number::from_f64(v).map_or_else(|| v.to_string(), |n| n.to_string()))
    }
}

impl Lenient for String {
    fn decode<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(StringVisitor)
    }
}

/// `null` or a lenient value.
struct OptionVisitor<T>(PhantomData<fn() -> T>);

impl<'de, T: Lenient> Visitor<'de> for OptionVisitor<T> {
    type Value = Option<T>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("null or a value")
    }
    fn visit_none<E: de::Error>(self) -> Result<Option<T>, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Option<T>, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<T>, D::Error> {
        T::decode(deserializer).map(Some)
    }
}

impl<T: Lenient> Lenient for Option<T> {
    fn decode<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_option(OptionVisitor(PhantomData))
    }
}

impl<T: Lenient> Lenient for Box<T> {
    fn decode<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::decode(deserializer).map(Box::new)
    }
}

struct VecVisitor<T>(PhantomData<fn() -> T>);

impl<'de, T: Lenient> Visitor<'de> for VecVisitor<T> {
    type Value = Vec<T>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
        // Bounded: a hostile length hint must not allocate gigabytes.
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(v) = seq.next_element_seed(Seed::<T>::new())? {
            out.push(v);
        }
        Ok(out)
    }
}

impl<T: Lenient> Lenient for Vec<T> {
    fn decode<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_seq(VecVisitor(PhantomData))
    }
}

struct MapVisitor<T>(PhantomData<fn() -> T>);

impl<'de, T: Lenient> Visitor<'de> for MapVisitor<T> {
    type Value = BTreeMap<String, T>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = BTreeMap::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value_seed(Seed::<T>::new())?;
            out.insert(key, value);
        }
        Ok(out)
    }
}

impl<T: Lenient> Lenient for BTreeMap<String, T> {
    fn decode<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(MapVisitor(PhantomData))
    }
}
