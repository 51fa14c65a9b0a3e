//! The undeclared properties of a generated struct: [`Extra`].
//!
//! A response's undeclared properties are kept, but most are never read.
//! Building a `serde_json::Value` tree for each (a map node, keys, strings:
//! six allocations for `{"note": {"index": 0, "text": "…"}}`) was most of
//! what keeping them cost. They are kept as the JSON text received instead,
//! one buffer per object, and become a `serde_json::Map` on first use.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::{Deref, DerefMut};
use std::sync::{LazyLock, OnceLock};

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::{Map, Value};

use super::object::Key;

/// Properties of an object that its schema does not declare, kept as
/// received.
///
/// It reads as a `serde_json::Map` (through `Deref`): `extra.get("name")`,
/// `extra.iter()`, `extra.len()`. What the server sent is kept as JSON text
/// and parsed into the map the first time it is read, so a response whose
/// undeclared properties are never looked at does not pay for a `Value`
/// tree. Mutable access (`extra.insert(..)`), [`Extra::into_map`] and
/// `From<serde_json::Map>` convert between the two. Equality, hashing,
/// `Debug` and encoding are those of the map. Without entries it is one
/// pointer wide and allocates nothing.
#[derive(Clone, Default)]
pub struct Extra(Option<Box<Entries>>);

#[derive(Clone, Default)]
struct Entries {
    /// The entries as received: `{"a":1,"b":2` (no closing brace), or
    /// empty when `map` holds them.
    raw: Vec<u8>,
    /// `raw` parsed, once read.
    parsed: OnceLock<Map<String, Value>>,
    /// The entries, when `raw` is empty.
    map: Map<String, Value>,
}

/// What an `Extra` without entries reads as.
static EMPTY: LazyLock<Map<String, Value>> = LazyLock::new(Map::new);

impl Entries {
    fn get(&self) -> &Map<String, Value> {
        if self.raw.is_empty() {
            &self.map
        } else {
            self.parsed.get_or_init(|| parse(&self.raw))
        }
    }

    fn get_mut(&mut self) -> &mut Map<String, Value> {
        if !self.raw.is_empty() {
            self.map = self.parsed.take().unwrap_or_else(|| parse(&self.raw));
            self.raw = Vec::new();
        }
        &mut self.map
    }
}

impl Extra {
    /// No properties.
    pub fn new() -> Self {
        Extra::default()
    }

    /// The properties as a map.
    pub fn into_map(self) -> Map<String, Value> {
        match self.0 {
            Some(mut entries) => std::mem::take(entries.get_mut()),
            None => Map::new(),
        }
    }

    /// Keeps one received entry: `key` and the value `map` holds next,
    /// copied as JSON text when the input is JSON.
    pub(crate) fn capture<'de, A: MapAccess<'de>>(
        &mut self,
        key: &str,
        map: &mut A,
    ) -> Result<(), A::Error> {
        let entries = self.0.get_or_insert_with(Box::default);
        if entries.raw.is_empty() && !entries.map.is_empty() {
            // Entries already parsed (not the case while decoding).
            let value: Value = map.next_value()?;
            entries.map.insert(key.to_owned(), value);
            return Ok(());
        }
        map.next_value_seed(Text {
            buf: &mut entries.raw,
            key,
        })
    }
}

/// The received text, parsed. It is JSON (copied by serde_json, or written
/// from a `Value`), but a number beyond `f64` (`1e400`) passes serde_json's
/// syntax check and no `Value` can hold it: then each entry is parsed on
/// its own and only such entries are left out.
fn parse(raw: &[u8]) -> Map<String, Value> {
    let mut text = Vec::with_capacity(raw.len() + 1);
    text.extend_from_slice(raw);
    text.push(b'}');
    serde_json::from_slice(&text).unwrap_or_else(|_| {
        let entries: Vec<(String, Box<serde_json::value::RawValue>)> =
            serde_json::from_slice::<EntryList>(&text).map_or_else(|_| Vec::new(), |l| l.0);
        entries
            .into_iter()
            .filter_map(|(key, value)| Some((key, serde_json::from_str(value.get()).ok()?)))
            .collect()
    })
}

/// An object's entries in order, values as their text.
struct EntryList(Vec<(String, Box<serde_json::value::RawValue>)>);

impl<'de> Deserialize<'de> for EntryList {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = EntryList;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<EntryList, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(EntryList(entries))
            }
        }
        deserializer.deserialize_map(V)
    }
}

impl Deref for Extra {
    type Target = Map<String, Value>;
    fn deref(&self) -> &Map<String, Value> {
        match &self.0 {
            Some(entries) => entries.get(),
            None => &EMPTY,
        }
    }
}

impl DerefMut for Extra {
    fn deref_mut(&mut self) -> &mut Map<String, Value> {
        self.0.get_or_insert_with(Box::default).get_mut()
    }
}

impl From<Map<String, Value>> for Extra {
    fn from(map: Map<String, Value>) -> Self {
        Extra(Some(Box::new(Entries {
            map,
            ..Entries::default()
        })))
    }
}

impl From<Extra> for Map<String, Value> {
    fn from(extra: Extra) -> Self {
        extra.into_map()
    }
}

impl FromIterator<(String, Value)> for Extra {
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(iter: I) -> Self {
        Extra::from(Map::from_iter(iter))
    }
}

impl<'a> IntoIterator for &'a Extra {
    type Item = (&'a String, &'a Value);
    type IntoIter = serde_json::map::Iter<'a>;
    fn into_iter(self) -> Self::IntoIter {
        self.deref().iter()
    }
}

impl PartialEq for Extra {
    fn eq(&self, other: &Extra) -> bool {
        let same_text = match (&self.0, &other.0) {
            (Some(a), Some(b)) => !a.raw.is_empty() && a.raw == b.raw,
            _ => false,
        };
        same_text || **self == **other
    }
}

impl Eq for Extra {}

impl Hash for Extra {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.deref().hash(state);
    }
}

/// Where a generated struct's `from_map` keeps an undeclared property: an
/// [`Extra`], or a `serde_json::Map` when the struct derives a trait `Extra`
/// does not implement (configuration).
pub(crate) trait Undeclared {
    /// Keeps `key` and the value `map` holds next.
    fn keep<'de, A: MapAccess<'de>>(&mut self, key: Key<'de>, map: &mut A) -> Result<(), A::Error>;
}

impl Undeclared for Extra {
    fn keep<'de, A: MapAccess<'de>>(&mut self, key: Key<'de>, map: &mut A) -> Result<(), A::Error> {
        self.capture(key.as_str(), map)
    }
}

impl Undeclared for Map<String, Value> {
    fn keep<'de, A: MapAccess<'de>>(&mut self, key: Key<'de>, map: &mut A) -> Result<(), A::Error> {
        let value = map.next_value()?;
        self.insert(key.into_string(), value);
        Ok(())
    }
}

impl fmt::Debug for Extra {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl Serialize for Extra {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.deref().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Extra {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Map::deserialize(deserializer).map(Extra::from)
    }
}

/// serde_json's name for a value to be handed over as its JSON text (its
/// `RawValue` protocol, with the `raw_value` feature). A deserializer that
/// does not know it treats the request as a plain newtype, and the value is
/// decoded and written instead: slower, equally right.
const RAW_VALUE: &str = "$serde_json::private::RawValue";

/// Appends one entry to a buffer of entries: `{` or `,`, the key, `:` and
/// the next value's JSON text.
struct Text<'a> {
    buf: &'a mut Vec<u8>,
    key: &'a str,
}

impl<'de> DeserializeSeed<'de> for Text<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_newtype_struct(RAW_VALUE, self)
    }
}

impl Text<'_> {
    /// Writes everything before the value, with room for `len` bytes of
    /// it: written once the value's length is known, the buffer grows once
    /// per entry (a first entry was copied twice).
    fn open<E: de::Error>(&mut self, len: usize) -> Result<(), E> {
        let key = self.key.as_bytes();
        self.buf.reserve(key.len() + 4 + len);
        self.buf.push(if self.buf.is_empty() { b'{' } else { b',' });
        // What serde_json would escape: control characters, `"` and `\`.
        // No early exit: the loop is a few vector comparisons.
        let plain = key.iter().fold(true, |plain, &b| {
            plain & (b >= 0x20) & (b != b'"') & (b != b'\\')
        });
        if plain {
            self.buf.push(b'"');
            self.buf.extend_from_slice(key);
            self.buf.push(b'"');
        } else {
            serde_json::to_writer(&mut *self.buf, self.key).map_err(E::custom)?;
        }
        self.buf.push(b':');
        Ok(())
    }

    fn write<E: de::Error>(mut self, value: &Value) -> Result<(), E> {
        self.open(0)?;
        serde_json::to_writer(self.buf, value).map_err(E::custom)
    }
}

/// The text of a raw value, as serde_json hands it over.
struct RawText<'a>(Text<'a>);

impl<'de> DeserializeSeed<'de> for RawText<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for RawText<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("JSON text")
    }
    fn visit_str<E: de::Error>(mut self, v: &str) -> Result<(), E> {
        self.0.open(v.len())?;
        self.0.buf.extend_from_slice(v.as_bytes());
        Ok(())
    }
}

// Any value a deserializer hands over is written as JSON. serde_json's
// deserializers call `visit_map` with the one entry `RAW_VALUE: "<text>"`;
// others call `visit_newtype_struct`, or a visit method for the value
// itself if they forward the newtype request.
impl<'de> Visitor<'de> for Text<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_newtype_struct<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        let value = Value::deserialize(deserializer)?;
        self.write(&value)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let Some(first) = map.next_key::<Key<'de>>()? else {
            return self.write(&Value::Object(Map::new()));
        };
        if first.as_str() == RAW_VALUE {
            return map.next_value_seed(RawText(self));
        }
        let mut object = Map::new();
        object.insert(first.into_string(), map.next_value()?);
        while let Some((key, value)) = map.next_entry::<String, Value>()? {
            object.insert(key, value);
        }
        self.write(&Value::Object(object))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        let value = Value::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
        self.write(&value)
    }
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        self.visit_newtype_struct(deserializer)
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.write(&Value::Null)
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.write(&Value::Null)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<(), E> {
        self.write(&Value::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<(), E> {
        self.write(&Value::from(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<(), E> {
        self.write(&Value::from(v))
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<(), E> {
        Value::deserialize(de::value::I128Deserializer::<E>::new(v)).and_then(|v| self.write(&v))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<(), E> {
        Value::deserialize(de::value::U128Deserializer::<E>::new(v)).and_then(|v| self.write(&v))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<(), E> {
        self.write(&Value::from(v))
    }
    fn visit_str<E: de::Error>(mut self, v: &str) -> Result<(), E> {
        self.open(v.len() + 2)?;
        serde_json::to_writer(self.buf, v).map_err(E::custom)
    }
}
