//! Tri-state values for optional *and* nullable fields.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::lenient::Lenient;

/// A field that may be absent, explicitly `null`, or hold a value.
///
/// Generated fields use `#[serde(default, skip_serializing_if = "Maybe::is_absent")]`,
/// so a missing field deserializes as [`Maybe::Absent`] and is not sent back.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Maybe<T> {
    /// The field is missing.
    #[default]
    Absent,
    /// The field is present and `null`.
    Null,
    /// The field holds a value.
    Value(T),
}

impl<T> Maybe<T> {
    /// Whether the field is missing.
    pub fn is_absent(&self) -> bool {
        matches!(self, Maybe::Absent)
    }

    /// Whether the field is explicitly `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Maybe::Null)
    }

    /// Whether the field holds a value.
    pub fn is_value(&self) -> bool {
        matches!(self, Maybe::Value(_))
    }

    /// Borrows the value.
    pub fn as_ref(&self) -> Maybe<&T> {
        match self {
            Maybe::Absent => Maybe::Absent,
            Maybe::Null => Maybe::Null,
            Maybe::Value(v) => Maybe::Value(v),
        }
    }

    /// Mutably borrows the value.
    pub fn as_mut(&mut self) -> Maybe<&mut T> {
        match self {
            Maybe::Absent => Maybe::Absent,
            Maybe::Null => Maybe::Null,
            Maybe::Value(v) => Maybe::Value(v),
        }
    }

    /// The value, if any.
    pub fn value(&self) -> Option<&T> {
        match self {
            Maybe::Value(v) => Some(v),
            _ => None,
        }
    }

    /// Converts into the value, if any.
    pub fn into_value(self) -> Option<T> {
        match self {
            Maybe::Value(v) => Some(v),
            _ => None,
        }
    }

    /// Maps the value, keeping `Absent` and `Null`.
    pub fn map<U, F: FnOnce(T) -> U>(self, f: F) -> Maybe<U> {
        match self {
            Maybe::Absent => Maybe::Absent,
            Maybe::Null => Maybe::Null,
            Maybe::Value(v) => Maybe::Value(f(v)),
        }
    }
}

impl<T> From<T> for Maybe<T> {
    fn from(value: T) -> Self {
        Maybe::Value(value)
    }
}

impl<T> From<Option<T>> for Maybe<T> {
    /// `None` becomes [`Maybe::Null`].
    fn from(value: Option<T>) -> Self {
        match value {
            Some(v) => Maybe::Value(v),
            None => Maybe::Null,
        }
    }
}

impl<T: Serialize> Serialize for Maybe<T> {
    /// `Value` serializes as the value; `Null` and `Absent` as `null`.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Maybe::Value(v) => serializer.serialize_some(v),
            Maybe::Null | Maybe::Absent => serializer.serialize_none(),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Maybe<T> {
    /// `null` becomes `Null`; anything else `Value`.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Option::<T>::deserialize(deserializer).map(|v| match v {
            Some(v) => Maybe::Value(v),
            None => Maybe::Null,
        })
    }
}

/// Deserializes a required, nullable field: `null` becomes `None`, but a
/// missing key is an error (serde would otherwise read it as `None`), so
/// field presence stays exact. Used as
/// `#[serde(deserialize_with = "crate::runtime::maybe::required_nullable")]`.
pub fn required_nullable<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    <Option<T> as serde::Deserialize>::deserialize(deserializer)
}

// Here rather than in `lenient.rs`: this module is an optional part of the
// runtime, left out of crates without optional nullable fields.
impl<T: Lenient> Lenient for Maybe<T> {
    fn decode<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Option::<T>::decode(deserializer).map(Maybe::from)
    }
}

impl<M: serde::ser::SerializeMap> super::object::Entries<M> {
    /// An optional nullable property of a generated struct: sent unless
    /// absent (`null` is sent). Here rather than in `object`, since this
    /// module is left out of crates whose APIs have no such property.
    pub fn maybe<T: Serialize>(&mut self, key: &'static str, value: &Maybe<T>) {
        if !value.is_absent() {
            self.entry(key, value);
        }
    }
}
