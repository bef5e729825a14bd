//! The documented settings file is real: it parses, and says what the defaults are.

use registers::Settings;

#[test]
fn the_documented_example_parses_to_the_defaults() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/registers.toml.example");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let s = Settings::from_toml(&text, "registers.toml.example").unwrap_or_else(|e| panic!("{e}"));
    let d = Settings::default();
    assert_eq!(
        (
            s.utc_offset,
            s.day_count,
            s.drill_interval,
            s.training_interval,
            s.plan_review_interval
        ),
        (
            d.utc_offset,
            d.day_count,
            d.drill_interval,
            d.training_interval,
            d.plan_review_interval
        )
    );
    assert_eq!(s.mlps_citizens_especially_serious, 2);
    assert_eq!(s.incident_criteria, d.incident_criteria);
    assert_eq!(s.catalog, d.catalog);
    for key in [
        "operator_kind",
        "utc_offset",
        "day_count",
        "drill_interval",
        "training_interval",
        "plan_review_interval",
        "citizens_especially_serious",
        "[[incident_criteria]]",
        "match",
        "router_routes",
        "plc_instruction_us",
    ] {
        assert!(text.contains(key), "the example documents {key}");
    }
}
