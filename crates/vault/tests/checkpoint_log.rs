//! A crash during the append to `checkpoints.log` leaves a torn last entry;
//! the next writer must repair it instead of gluing its own entry to it.

use vault::{Incoming, InitOptions, Store, Vault, VerifyOptions};

type R<T> = Result<T, Box<dyn std::error::Error>>;

fn append(v: &mut Vault, text: &str) -> R<()> {
    v.append(&Incoming {
        received_ns: 1_790_000_000_000_000_000,
        source: "fw1",
        peer: "-",
        transport: "file",
        raw: text.as_bytes(),
    })?;
    v.commit()?;
    Ok(())
}

fn errors(dir: &std::path::Path) -> R<Vec<String>> {
    let s = Store::open(dir)?;
    let r = vault::verify(&s, &VerifyOptions::default())?;
    Ok(r.findings
        .iter()
        .filter(|f| f.severity != vault::Severity::Info)
        .map(|f| format!("{}: {}", f.kind, f.message))
        .collect())
}

#[test]
fn a_torn_checkpoint_log_tail_is_repaired_by_the_next_writer() -> R<()> {
    // every way to cut the last entry: inside the text, inside the signatures,
    // and just before the separating blank line
    let tmp = tempfile::tempdir()?;
    let base = tmp.path().join("base");
    let mut v = Vault::init(&base, &InitOptions::default())?;
    append(&mut v, "one")?;
    drop(v);
    let log = std::fs::read(base.join("checkpoints.log"))?;
    let last_start = log[..log.len() - 2]
        .windows(2)
        .rposition(|w| w == b"\n\n")
        .and_then(|p| {
            // the blank line before the last entry's signatures; find the one before it
            log[..p]
                .windows(2)
                .rposition(|w| w == b"\n\n")
                .map(|q| q + 2)
        })
        .unwrap_or(0);
    let entry_len = log.len() - last_start;
    for cut in [
        1,
        entry_len / 3,
        entry_len / 2,
        entry_len - 30,
        entry_len - 1,
    ] {
        let d = tmp.path().join(format!("cut{cut}"));
        copy_dir(&base, &d)?;
        let p = d.join("checkpoints.log");
        std::fs::write(&p, &log[..last_start + cut])?;
        let before = errors(&d)?;
        assert!(before.is_empty(), "cut {cut}: torn tail alone: {before:?}");
        let mut v = Vault::open(&d)?;
        append(&mut v, "two")?;
        drop(v);
        let after = errors(&d)?;
        assert!(
            after.is_empty(),
            "cut {cut}: after the next commit: {after:?}"
        );
        let s = Store::open(&d)?;
        let cl = s.checkpoints()?;
        assert!(!cl.torn_tail && cl.malformed.is_empty(), "cut {cut}");
    }
    Ok(())
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) -> R<()> {
    std::fs::create_dir_all(to)?;
    for e in std::fs::read_dir(from)? {
        let e = e?;
        let t = to.join(e.file_name());
        if e.file_type()?.is_dir() {
            copy_dir(&e.path(), &t)?;
        } else {
            std::fs::copy(e.path(), &t)?;
            let mut perm = std::fs::metadata(&t)?.permissions();
            #[allow(clippy::permissions_set_readonly_false)]
            perm.set_readonly(false);
            std::fs::set_permissions(&t, perm)?;
        }
    }
    Ok(())
}
