//! `wangan profile check --json` and `wangan assess --format json`: the
//! documents of the `duties` crate.

use std::path::Path;

use duties::{Evidence, OperatorKind};
use time::macros::{date, datetime};

use crate::Example;

/// One example of `wangan.profile.check/1` and of `wangan.assess/1`.
pub fn examples() -> Vec<Example> {
    let file = Path::new("profile.toml");
    let text = duties::profile::template(OperatorKind::Operator, false);
    let profile = duties::profile::parse(&text, file).expect("the template is a valid profile");
    let mut out = vec![Example::of(
        duties::profile::CHECK_SCHEMA,
        &profile.check_doc(file),
    )];
    let evidence = Evidence::default();
    let assessment = duties::assess(duties::Inputs {
        profile: &profile,
        at: date!(2026 - 03 - 01),
        collected: datetime!(2026-03-01 04:00 UTC),
        evidence: &evidence,
    });
    out.push(Example::in_declared_order(
        duties::model::SCHEMA,
        &assessment,
    ));
    out
}
