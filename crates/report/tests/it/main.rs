//! Tests of the report renderers: snapshots of every format in both
//! languages, escaping, the CSV's shape, and the HTML printed by a real
//! browser (Debian's chromium) into a screenshot for review.

mod fixture;
mod formats;
mod screenshot;
mod yearly;
