//! Compares a JSON value with what a generated type re-encodes it as.
//!
//! Shared by the decode fuzz test (`tests/tests/fuzz_specs.rs`) and the
//! programs `cargo xtask corpus` builds (`--fuzz`, example round-trips),
//! which embed this file. It needs only `serde_json` and `time`.
//!
//! Equal means equal JSON, with numbers compared by value (`1` and `1.0`).
//! A difference the generated types make on purpose is a *normalisation*,
//! reported by kind rather than as a failure:
//! - `date-time`: a date-time re-encoded in its RFC 3339 form (`+00:00` as
//!   `Z`, trailing zeros of the fraction dropped), same instant and offset;
//! - `lenient date-time`: one a real server wrote loosely (`+0000`, a space
//!   for `T`, no offset) re-encoded in RFC 3339 form, same wall time;
//! - `lenient number`: a number or boolean received inside a string,
//!   re-encoded as the number or boolean;
//! - `lenient string`: a number received for a string, re-encoded as its
//!   text;
//! - `null optional`: `null` for an optional, non-nullable property,
//!   re-encoded as absent;
//! - `absent nullable`: a required nullable property the object does not
//!   have, re-encoded as `null` (only such a property is written as `null`
//!   when it was not received);
//! - `uuid case`: an upper-case UUID re-encoded in lower case.

use serde_json::Value;

/// The normalisations a *valid* instance may go through. The lenient ones
/// (a number inside a string, `null` for a non-nullable property) cannot
/// come from a valid instance: seeing one means a type lost information.
pub const VALID_INSTANCE_NORMALISATIONS: [&str; 2] = ["date-time", "uuid case"];

/// The first difference between an original value and its re-encoding.
#[derive(Debug, Clone, PartialEq)]
pub struct Difference {
    /// JSON pointer of the differing value.
    pub pointer: String,
    /// The original value there (`None`: absent).
    pub expected: Option<Value>,
    /// The re-encoded value there (`None`: absent).
    pub actual: Option<Value>,
}

/// `Ok` with the normalisations found (`(pointer, kind)`), or the first
/// difference that is not one.
pub fn compare(
    original: &Value,
    reencoded: &Value,
) -> Result<Vec<(String, &'static str)>, Box<Difference>> {
    let mut normalised = Vec::new();
    walk(original, reencoded, String::new(), &mut normalised)?;
    Ok(normalised)
}

fn walk(
    a: &Value,
    b: &Value,
    at: String,
    normalised: &mut Vec<(String, &'static str)>,
) -> Result<(), Box<Difference>> {
    let differ = |at: String| {
        Box::new(Difference {
            pointer: at,
            expected: Some(a.clone()),
            actual: Some(b.clone()),
        })
    };
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                let p = format!("{at}/{}", k.replace('~', "~0").replace('/', "~1"));
                match (x.get(k), y.get(k)) {
                    (Some(u), Some(v)) => walk(u, v, p, normalised)?,
                    (Some(Value::Null), None) => normalised.push((p, "null optional")),
                    (None, Some(Value::Null)) => normalised.push((p, "absent nullable")),
                    (u, v) => {
                        return Err(Box::new(Difference {
                            pointer: p,
                            expected: u.cloned(),
                            actual: v.cloned(),
                        }))
                    }
                }
            }
            Ok(())
        }
        (Value::Array(x), Value::Array(y)) => {
            for i in 0..x.len().max(y.len()) {
                let p = format!("{at}/{i}");
                match (x.get(i), y.get(i)) {
                    (Some(u), Some(v)) => walk(u, v, p, normalised)?,
                    (u, v) => {
                        return Err(Box::new(Difference {
                            pointer: p,
                            expected: u.cloned(),
                            actual: v.cloned(),
                        }))
                    }
                }
            }
            Ok(())
        }
        (Value::Number(x), Value::Number(y)) => {
            if same_number(x, y) {
                Ok(())
            } else {
                Err(differ(at))
            }
        }
        (Value::String(s), Value::Number(n)) => match s.parse::<f64>() {
            Ok(v) if n.as_f64() == Some(v) => {
                normalised.push((at, "lenient number"));
                Ok(())
            }
            _ => Err(differ(at)),
        },
        (Value::Number(n), Value::String(s)) => match s.parse::<f64>() {
            Ok(v) if n.as_f64() == Some(v) => {
                normalised.push((at, "lenient string"));
                Ok(())
            }
            _ => Err(differ(at)),
        },
        (Value::String(s), Value::Bool(v)) => {
            let text = if *v { ["true", "1"] } else { ["false", "0"] };
            if text.iter().any(|t| s.eq_ignore_ascii_case(t)) {
                normalised.push((at, "lenient number"));
                Ok(())
            } else {
                Err(differ(at))
            }
        }
        (Value::String(s), Value::String(t)) if s != t => match string_normalisation(s, t) {
            Some(kind) => {
                normalised.push((at, kind));
                Ok(())
            }
            None => Err(differ(at)),
        },
        _ if a == b => Ok(()),
        _ => Err(differ(at)),
    }
}

fn same_number(x: &serde_json::Number, y: &serde_json::Number) -> bool {
    x == y || (x.as_f64().is_some() && x.as_f64() == y.as_f64())
}

/// Why two different strings still stand for the same value, if they do.
fn string_normalisation(original: &str, reencoded: &str) -> Option<&'static str> {
    use time::format_description::well_known::Rfc3339;
    use time::OffsetDateTime;
    if let Ok(after) = OffsetDateTime::parse(reencoded, &Rfc3339) {
        return match OffsetDateTime::parse(original, &Rfc3339) {
            Ok(before) => {
                (before == after && before.offset() == after.offset()).then_some("date-time")
            }
            // Written loosely: the same wall-clock date and time.
            Err(_) => {
                let wall = |s: &str| {
                    s.get(..19)
                        .map(|p| p.replacen(' ', "T", 1).to_ascii_uppercase())
                };
                (wall(original).is_some() && wall(original) == wall(reencoded))
                    .then_some("lenient date-time")
            }
        };
    }
    let uuid_like =
        |s: &str| s.len() == 36 && s.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-');
    if uuid_like(original) && original.eq_ignore_ascii_case(reencoded) {
        return Some("uuid case");
    }
    None
}
