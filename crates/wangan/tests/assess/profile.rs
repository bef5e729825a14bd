//! `wangan profile init|check`: every starting profile checks; bad ones exit
//! 78 naming file, line and column; a missing one 66.

use crate::{code, stderr, stdout, tempdir, wangan_in, write};

#[test]
fn init_prints_profiles_that_check() {
    let dir = tempdir();
    for kind in ["operator", "cii-operator", "central-organ"] {
        for provider in [false, true] {
            let mut args = vec!["profile", "init", "--kind", kind];
            if provider {
                args.push("--provider");
            }
            let o = wangan_in(dir.path(), &args);
            assert_eq!(code(&o), 0, "{}", stderr(&o));
            write(&dir.path().join("p.toml"), &o.stdout);
            let c = wangan_in(dir.path(), &["profile", "check", "p.toml", "--json"]);
            assert_eq!(code(&c), 0, "{kind} {provider}: {}", stderr(&c));
            let v: serde_json::Value = serde_json::from_slice(&c.stdout)
                .unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(&c)));
            assert_eq!(v["schema"], "wangan.profile.check/1");
            assert_eq!(v["operator"]["kind"], kind);
            assert_eq!(v["operator"]["provider"], provider);
        }
    }
}

#[test]
fn bad_profiles_exit_78_with_the_place_and_missing_ones_66() {
    let dir = tempdir();
    write(
        &dir.path().join("bad.toml"),
        "version = 1\n[operator]\nname = \"x\"\nkind = \"operator\"\nwhatever = 1\n",
    );
    for lang in ["en", "zh"] {
        let o = wangan_in(
            dir.path(),
            &["profile", "check", "bad.toml", "--lang", lang],
        );
        assert_eq!(code(&o), 78, "{}", stderr(&o));
        assert!(
            stderr(&o).contains("bad.toml:5:1: unknown field `whatever`"),
            "{}",
            stderr(&o)
        );
    }
    let o = wangan_in(dir.path(), &["profile", "check", "missing.toml"]);
    assert_eq!(code(&o), 66, "{}", stderr(&o));
    assert!(stderr(&o).contains("missing.toml"), "{}", stderr(&o));
}
