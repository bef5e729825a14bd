//! `wangan law … --json`: the documents of the `law` crate.

use law::json::{Diff, List, Search, Show, ShowInput};
use law::{Bearer, Version};
use time::macros::date;

use crate::Example;

/// One example of each `wangan.law.*` document, as the commands build them.
pub fn examples() -> Vec<Example> {
    let at = date!(2026 - 03 - 01);
    let in_force = Version::in_force_at(at);
    let mut out = Vec::new();

    // wangan law list --bearer cii-operator --at 2026-03-01
    let rows: Vec<&law::Duty> = law::duties()
        .iter()
        .filter(|d| d.bearer == Bearer::CiiOperator)
        .collect();
    out.push(Example::of(
        law::json::LIST_SCHEMA,
        &List::new(in_force, at, in_force, Some(Bearer::CiiOperator), &rows),
    ));

    // wangan law show 23(3) --at 2026-03-01
    let target = law::resolve("23(3)", in_force).expect("23(3) resolves");
    let shown = law::counterparts(target.loc, in_force);
    let duties = law::duties_at(target.loc);
    let notes = law::map::notes(target.loc);
    let show = Show::new(ShowInput {
        query: "23(3)",
        at,
        in_force,
        version: in_force,
        shown: &shown,
        duties: &duties,
        notes: &notes,
    })
    .expect("23(3) is in CSL-2025");
    out.push(Example::of(law::json::SHOW_SCHEMA, &show));

    // wangan law diff 2016:21(3)
    let target = law::resolve("2016:21(3)", in_force).expect("2016:21(3) resolves");
    let per_version: Vec<(Version, Vec<law::Loc>)> = Version::ALL
        .iter()
        .map(|&v| {
            (
                v,
                law::counterparts(target.loc, v)
                    .iter()
                    .map(|c| c.loc)
                    .collect(),
            )
        })
        .collect();
    out.push(Example::of(
        law::json::DIFF_SCHEMA,
        &Diff::new("2016:21(3)", target.loc, &per_version),
    ));

    // wangan law search 日志
    let hits = law::search("日志", &Version::ALL);
    out.push(Example::of(
        law::json::SEARCH_SCHEMA,
        &Search::new("日志", &Version::ALL, &hits),
    ));

    // wangan law export --format json
    out.push(Example::of(
        law::export::JSON_SCHEMA,
        &law::export::document(),
    ));
    out
}
