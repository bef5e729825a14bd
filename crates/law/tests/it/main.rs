//! Integration tests of the `law` crate: data-driven checks of every text,
//! mapping, duty and reference form.

mod duties;
mod export;
mod mapping;
mod references;
mod texts;
