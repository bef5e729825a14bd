//! The JSON and OSCAL exports (trestle validation runs in the CLI tests).

use law::export;

#[test]
fn json_export_holds_everything() {
    let j = export::json();
    assert_eq!(j["schema"], "wangan.law.export/1");
    assert_eq!(j["versions"].as_array().map(Vec::len), Some(3));
    assert_eq!(
        j["duties"].as_array().map(Vec::len),
        Some(law::duties().len())
    );
    let units: usize = law::Version::ALL.iter().map(|v| law::units(*v).len()).sum();
    assert_eq!(j["mapping"].as_array().map(Vec::len), Some(units));
    assert_eq!(j, export::json(), "deterministic");
}

#[test]
fn oscal_catalog_shape() {
    let c = export::oscal();
    let cat = &c["catalog"];
    assert_eq!(cat["uuid"], export::CATALOG_UUID);
    assert_eq!(cat["metadata"]["oscal-version"], "1.1.2");
    assert_eq!(cat["metadata"]["last-modified"], export::LAST_MODIFIED);
    let groups = cat["groups"].as_array().expect("groups");
    assert_eq!(groups.len(), 2);
    assert_eq!(groups[0]["id"], "section-1");
    assert_eq!(groups[1]["id"], "section-2");
    let ids: Vec<&str> = groups
        .iter()
        .flat_map(|g| g["controls"].as_array().into_iter().flatten())
        .filter_map(|c| c["id"].as_str())
        .collect();
    let want: Vec<&str> = law::duties().iter().map(|d| d.id).collect();
    assert_eq!(ids, want);
    let log = groups[0]["controls"]
        .as_array()
        .and_then(|cs| cs.iter().find(|c| c["id"] == "csl.log-retention"))
        .expect("log control");
    let prop = |name: &str| {
        log["props"]
            .as_array()
            .and_then(|ps| ps.iter().find(|p| p["name"] == name))
            .map(|p| p["value"].clone())
    };
    assert_eq!(prop("article-draft"), Some("17(3)".into()));
    assert_eq!(prop("article-2016"), Some("21(3)".into()));
    assert_eq!(prop("article-2025"), Some("23(3)".into()));
    assert_eq!(prop("clock"), Some("P6M".into()));
    assert_eq!(c, export::oscal(), "deterministic");
}
