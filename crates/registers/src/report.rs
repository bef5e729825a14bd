//! Incident report drafts.
