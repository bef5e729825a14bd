//! A writer that gives up after a failure keeps exactly the durable records (the server
//! answers per request from this: stored, or nothing stored).

use vault::{Incoming, InitOptions, Store, Vault};

fn append(v: &mut Vault, i: u64, raw: &[u8]) -> Result<u64, vault::Error> {
    v.append(&Incoming {
        received_ns: 1_700_000_000_000_000_000 + i as i64,
        source: "app",
        peer: "192.0.2.7:1",
        transport: "http",
        raw,
    })
}

#[test]
fn abandon_cuts_the_wal_back_to_the_durable_records() -> Result<(), vault::Error> {
    let d =
        tempfile::tempdir().map_err(|e| vault::Error::new(vault::ErrorKind::Io, e.to_string()))?;
    let mut v = Vault::init(d.path(), &InitOptions::default())?;
    let pad = vec![b'x'; 1000];
    for i in 0..100 {
        append(&mut v, i, &pad)?;
    }
    assert_eq!(v.sync()?, 100);
    let wal_bytes = |dir: &std::path::Path| -> u64 {
        std::fs::read_dir(dir.join("wal"))
            .unwrap()
            .map(|e| e.unwrap().metadata().unwrap().len())
            .sum()
    };
    let synced = wal_bytes(d.path());
    // more whole blocks (under the 8 MiB that starts an fsync): they reach the WAL
    // file as block frames once back from the workers, none is fsynced or acknowledged
    let mut i = 100;
    while wal_bytes(d.path()) == synced && i < 6100 {
        for _ in 0..1000 {
            append(&mut v, i, &pad)?;
            i += 1;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(
        wal_bytes(d.path()) > synced,
        "blocks were written to the wal before any sync"
    );
    assert_eq!(v.abandon()?, 100);
    let store = Store::open(d.path())?;
    assert_eq!(store.size(), 100, "only the durable records are recovered");
    assert!(store.wal().torn.is_none(), "cut at a frame boundary");
    let mut v = Vault::open(d.path())?;
    assert_eq!(v.next_seq(), 100);
    append(&mut v, 100, b"after")?;
    v.commit()?;
    let store = Store::open(d.path())?;
    assert_eq!(store.size(), 101);
    let r = vault::verify(&store, &vault::VerifyOptions::default())?;
    assert!(r.is_intact(), "{:#?}", r.findings);
    Ok(())
}

#[test]
fn abandon_keeps_records_whose_background_fsync_finished() -> Result<(), vault::Error> {
    let d =
        tempfile::tempdir().map_err(|e| vault::Error::new(vault::ErrorKind::Io, e.to_string()))?;
    let mut v = Vault::init(d.path(), &InitOptions::default())?;
    for i in 0..10 {
        append(&mut v, i, b"syslog")?;
    }
    v.flush()?;
    // the background fsync finishes quickly; abandon confirms it before cutting
    let t = std::time::Instant::now();
    while v.poll_durable()? < 10 {
        assert!(t.elapsed().as_secs() < 10);
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    for i in 10..20 {
        append(&mut v, i, b"not flushed")?;
    }
    assert_eq!(v.abandon()?, 10);
    assert_eq!(Store::open(d.path())?.size(), 10);
    Ok(())
}
