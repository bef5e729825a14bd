//! Serde helpers: dates as `YYYY-MM-DD`, instants as RFC 3339.

/// `time::Date` as `YYYY-MM-DD`.
pub mod date {
    use serde::Serializer;
    use time::Date;

    /// Serialize a date.
    pub fn serialize<S: Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(d)
    }
}

/// `Option<time::Date>` as `YYYY-MM-DD` or null.
pub mod opt_date {
    use serde::Serializer;
    use time::Date;

    /// Serialize an optional date.
    pub fn serialize<S: Serializer>(d: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.collect_str(d),
            None => s.serialize_none(),
        }
    }
}

/// `time::OffsetDateTime` as RFC 3339 in its own offset.
pub mod rfc3339 {
    use serde::Serializer;
    use time::OffsetDateTime;

    /// The RFC 3339 text of an instant, in its own offset.
    pub fn text(t: &OffsetDateTime) -> String {
        t.format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_else(|_| t.unix_timestamp().to_string())
    }

    /// Serialize an instant.
    pub fn serialize<S: Serializer>(t: &OffsetDateTime, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&text(t))
    }
}

/// `Option<time::OffsetDateTime>` as RFC 3339 or null.
pub mod opt_rfc3339 {
    use serde::Serializer;
    use time::OffsetDateTime;

    /// Serialize an optional instant.
    pub fn serialize<S: Serializer>(t: &Option<OffsetDateTime>, s: S) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => s.serialize_str(&super::rfc3339::text(t)),
            None => s.serialize_none(),
        }
    }
}
