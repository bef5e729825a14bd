//! Tests of the `duties` crate: one target, one module per topic.

mod assess;
mod profile;
