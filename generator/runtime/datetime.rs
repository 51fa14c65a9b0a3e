//! RFC 3339 `date-time` and `date` types.

use std::fmt;
use std::ops::Deref;
use std::str::FromStr;

use serde::{de, Deserialize, Deserializer, Serialize, Serializer};
use time::format_description::well_known::Rfc3339;

/// An RFC 3339 timestamp (`format: date-time`) that keeps its UTC offset.
///
/// Serializes as e.g. `2023-11-07T05:31:56Z` or `2014-04-25T16:15:47-04:00`;
/// fractional seconds are kept (trailing zeros dropped) and a `+00:00`
/// offset is written as `Z`. Parsing also accepts what real servers send: a
/// lowercase `t`/`z`, a space instead of `T`, an offset without colon
/// (`+0000`, `-0400`) or without minutes (`+05`), and a missing offset
/// (taken as UTC). The instant and the offset are kept; re-encoding writes
/// the RFC 3339 form.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DateTime(pub time::OffsetDateTime);

/// A calendar date (`format: date`), `YYYY-MM-DD`.
///
/// Parsing also accepts a full RFC 3339 timestamp and keeps its date part.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date(pub time::Date);

/// Error parsing a [`DateTime`] or [`Date`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseDateTimeError(String);

impl fmt::Display for ParseDateTimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ParseDateTimeError {}

impl DateTime {
    /// The current time in UTC.
    pub fn now_utc() -> Self {
        DateTime(time::OffsetDateTime::now_utc())
    }

    /// The wrapped `time::OffsetDateTime`.
    pub fn into_inner(self) -> time::OffsetDateTime {
        self.0
    }
}

impl Date {
    /// The wrapped `time::Date`.
    pub fn into_inner(self) -> time::Date {
        self.0
    }
}

fn parse_datetime(input: &str) -> Result<time::OffsetDateTime, ParseDateTimeError> {
    // What servers almost always send, RFC 3339 as it is, is accepted in
    // both modes; trimming could not change it (it starts with a digit and
    // the parser takes no trailing text).
    if let Ok(v) = time::OffsetDateTime::parse(input, &Rfc3339) {
        return Ok(v);
    }
    // A strict union attempt takes RFC 3339 as it is (see `lenient::Mode`).
    let strict = super::lenient::strict();
    let s = if strict { input } else { input.trim() };
    if let Ok(v) = time::OffsetDateTime::parse(s, &Rfc3339) {
        return Ok(v);
    }
    if strict {
        return Err(invalid_datetime(s));
    }
    // Lenient fallbacks: `t`/space separator, lowercase `z`, an offset
    // without colon (`+0000`, `+05`), a missing offset (taken as UTC).
    let mut normalized: String = s
        .char_indices()
        .map(|(i, c)| match c {
            't' | ' ' if i == 10 => 'T',
            'z' => 'Z',
            c => c,
        })
        .collect();
    let tail = normalized.get(19..).unwrap_or("");
    match tail.rfind(['+', '-']) {
        Some(sign) => {
            let digits = tail.get(sign + 1..).unwrap_or("");
            if digits.bytes().all(|b| b.is_ascii_digit()) {
                let at = 19 + sign + 1;
                match digits.len() {
                    4 => normalized.insert(at + 2, ':'),
                    2 => normalized.push_str(":00"),
                    _ => {}
                }
            }
        }
        None if !tail.ends_with('Z') && normalized.len() >= 19 => normalized.push('Z'),
        None => {}
    }
    if let Ok(v) = time::OffsetDateTime::parse(&normalized, &Rfc3339) {
        return Ok(v);
    }
    Err(invalid_datetime(s))
}

fn invalid_datetime(s: &str) -> ParseDateTimeError {
    ParseDateTimeError(format!(
        "invalid RFC 3339 date-time `{}`",
        super::error::truncate_str(s, 64)
    ))
}

fn parse_date(input: &str) -> Result<time::Date, ParseDateTimeError> {
    // Strict: `YYYY-MM-DD` only, never the date part of a timestamp.
    let strict = super::lenient::strict();
    let s = if strict { input } else { input.trim() };
    let err = || {
        ParseDateTimeError(format!(
            "invalid date `{}` (expected YYYY-MM-DD)",
            super::error::truncate_str(s, 64)
        ))
    };
    if s.len() > 10 && !strict {
        return parse_datetime(s).map(|v| v.date()).map_err(|_| err());
    }
    let bytes = s.as_bytes();
    if bytes.len() != 10 || bytes.get(4) != Some(&b'-') || bytes.get(7) != Some(&b'-') {
        return Err(err());
    }
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = s.get(range)?;
        if part.bytes().all(|b| b.is_ascii_digit()) {
            part.parse().ok()
        } else {
            None
        }
    };
    let year = digits(0..4).ok_or_else(err)?;
    let month = digits(5..7).ok_or_else(err)?;
    let day = digits(8..10).ok_or_else(err)?;
    let month = u8::try_from(month)
        .ok()
        .and_then(|m| time::Month::try_from(m).ok())
        .ok_or_else(err)?;
    let year = i32::try_from(year).map_err(|_| err())?;
    let day = u8::try_from(day).map_err(|_| err())?;
    time::Date::from_calendar_date(year, month, day).map_err(|_| err())
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.format(&Rfc3339) {
            Ok(s) => f.write_str(&s),
            // Years outside 0..=9999 or offsets with seconds have no RFC 3339
            // form; fall back to `time`'s own rendering.
            Err(_) => write!(f, "{}", self.0),
        }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let year = self.0.year();
        if (0..=9999).contains(&year) {
            write!(f, "{year:04}")?;
        } else {
            write!(f, "{year:+}")?;
        }
        write!(f, "-{:02}-{:02}", u8::from(self.0.month()), self.0.day())
    }
}

impl FromStr for DateTime {
    type Err = ParseDateTimeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_datetime(s).map(DateTime)
    }
}

impl FromStr for Date {
    type Err = ParseDateTimeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_date(s).map(Date)
    }
}

impl Serialize for DateTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let s = self.0.format(&Rfc3339).map_err(|e| {
            serde::ser::Error::custom(format!("date-time not representable in RFC 3339: {e}"))
        })?;
        serializer.serialize_str(&s)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Parses the string where the deserializer holds it: no `String` per
/// value (a JSON string without escapes is read in place).
struct StrVisitor<T>(&'static str, std::marker::PhantomData<fn() -> T>);

impl<T: FromStr<Err = ParseDateTimeError>> de::Visitor<'_> for StrVisitor<T> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        v.parse().map_err(E::custom)
    }
}

impl<'de> Deserialize<'de> for DateTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(StrVisitor(
            "an RFC 3339 date-time string",
            std::marker::PhantomData,
        ))
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(StrVisitor(
            "a YYYY-MM-DD date string",
            std::marker::PhantomData,
        ))
    }
}

impl Deref for DateTime {
    type Target = time::OffsetDateTime;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl Deref for Date {
    type Target = time::Date;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl From<time::OffsetDateTime> for DateTime {
    fn from(v: time::OffsetDateTime) -> Self {
        DateTime(v)
    }
}

impl From<DateTime> for time::OffsetDateTime {
    fn from(v: DateTime) -> Self {
        v.0
    }
}

impl From<time::Date> for Date {
    fn from(v: time::Date) -> Self {
        Date(v)
    }
}

impl From<Date> for time::Date {
    fn from(v: Date) -> Self {
        v.0
    }
}
