//! Serde helpers: dates as `YYYY-MM-DD`, instants as RFC 3339 (both ways).

/// `time::Date` as `YYYY-MM-DD`.
pub mod date {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::Date;

    /// Serialize a date.
    pub fn serialize<S: Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(d)
    }

    /// Read `YYYY-MM-DD`.
    pub fn parse(s: &str) -> Result<Date, String> {
        Date::parse(s, time::macros::format_description!("[year]-[month]-[day]"))
            .map_err(|e| format!("not a date (YYYY-MM-DD): {s:?}: {e}"))
    }

    /// Deserialize a date.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let s = std::borrow::Cow::<str>::deserialize(d)?;
        parse(&s).map_err(serde::de::Error::custom)
    }
}

/// `Option<time::Date>` as `YYYY-MM-DD` or null.
pub mod opt_date {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::Date;

    /// Serialize an optional date.
    pub fn serialize<S: Serializer>(d: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.collect_str(d),
            None => s.serialize_none(),
        }
    }

    /// Deserialize an optional date.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
        match Option::<std::borrow::Cow<str>>::deserialize(d)? {
            Some(s) => super::date::parse(&s)
                .map(Some)
                .map_err(serde::de::Error::custom),
            None => Ok(None),
        }
    }
}

/// `time::OffsetDateTime` as RFC 3339 in its own offset.
pub mod rfc3339 {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::OffsetDateTime;

    /// The RFC 3339 text of an instant, in its own offset.
    pub fn text(t: &OffsetDateTime) -> String {
        t.format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_else(|_| t.unix_timestamp().to_string())
    }

    /// Read an RFC 3339 instant (its offset kept).
    pub fn parse(s: &str) -> Result<OffsetDateTime, String> {
        OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
            .map_err(|e| format!("not an RFC 3339 time: {s:?}: {e}"))
    }

    /// Serialize an instant.
    pub fn serialize<S: Serializer>(t: &OffsetDateTime, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&text(t))
    }

    /// Deserialize an instant.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<OffsetDateTime, D::Error> {
        let s = std::borrow::Cow::<str>::deserialize(d)?;
        parse(&s).map_err(serde::de::Error::custom)
    }
}

/// `Option<time::OffsetDateTime>` as RFC 3339 or null.
pub mod opt_rfc3339 {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::OffsetDateTime;

    /// Serialize an optional instant.
    pub fn serialize<S: Serializer>(t: &Option<OffsetDateTime>, s: S) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => s.serialize_str(&super::rfc3339::text(t)),
            None => s.serialize_none(),
        }
    }

    /// Deserialize an optional instant.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<OffsetDateTime>, D::Error> {
        match Option::<std::borrow::Cow<str>>::deserialize(d)? {
            Some(s) => super::rfc3339::parse(&s)
                .map(Some)
                .map_err(serde::de::Error::custom),
            None => Ok(None),
        }
    }
}

/// `&'static str` fields read back: the vocabulary of an assessment's keys (duty ids,
/// sections, bearers, versions, clock rules, setting keys) is small and fixed by this
/// build, so each distinct value is allocated once for the life of the process and shared
/// by every assessment read after. Values longer than [`MAX_LEN`](static_str::MAX_LEN)
/// bytes, or more than [`MAX_VALUES`](static_str::MAX_VALUES) distinct ones, are refused (a
/// file cannot make the process grow without bound).
pub mod static_str {
    use std::collections::BTreeSet;
    use std::sync::Mutex;

    use serde::{Deserialize, Deserializer};

    /// Longest value kept.
    pub const MAX_LEN: usize = 256;
    /// Most distinct values kept.
    pub const MAX_VALUES: usize = 4096;

    static VALUES: Mutex<BTreeSet<&'static str>> = Mutex::new(BTreeSet::new());

    /// The one `&'static str` equal to `s`.
    pub fn intern(s: &str) -> Result<&'static str, String> {
        if s.len() > MAX_LEN {
            return Err(format!(
                "a key of {} bytes (at most {MAX_LEN}): {:?}…",
                s.len(),
                s.chars().take(40).collect::<String>()
            ));
        }
        let mut v = VALUES.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(k) = v.get(s) {
            return Ok(k);
        }
        if v.len() >= MAX_VALUES {
            return Err(format!(
                "more than {MAX_VALUES} distinct keys read (at {s:?})"
            ));
        }
        let k: &'static str = Box::leak(s.to_owned().into_boxed_str());
        v.insert(k);
        Ok(k)
    }

    /// Deserialize a `&'static str`.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<&'static str, D::Error> {
        let s = std::borrow::Cow::<str>::deserialize(d)?;
        intern(&s).map_err(serde::de::Error::custom)
    }

    /// Deserialize a map keyed by `&'static str`.
    pub fn keys<'de, D: Deserializer<'de>, V: Deserialize<'de>>(
        d: D,
    ) -> Result<std::collections::BTreeMap<&'static str, V>, D::Error> {
        let m = std::collections::BTreeMap::<String, V>::deserialize(d)?;
        m.into_iter()
            .map(|(k, v)| intern(&k).map(|k| (k, v)))
            .collect::<Result<_, _>>()
            .map_err(serde::de::Error::custom)
    }
}
