//! The stores of one process share what they read: a sealed segment's footer and the runs of
//! unsealed records read from the same WAL bytes. A snapshot stays a snapshot: later records
//! are not seen by a store opened before them, and bytes that changed on disk are read again.

use std::sync::Arc;

use vault::{Incoming, InitOptions, Store, Vault};

type R<T> = Result<T, vault::Error>;

fn io(e: std::io::Error) -> vault::Error {
    vault::Error::new(vault::ErrorKind::Io, e.to_string())
}

fn append(v: &mut Vault, i: u64) -> R<u64> {
    v.append(&Incoming {
        received_ns: 1_700_000_000_000_000_000 + i as i64 * 1_000_000,
        source: "fw1",
        peer: "192.0.2.7:514",
        transport: "udp",
        raw: format!("<34>1 2025-01-01T00:00:00Z fw1 sshd 42 - - record r{i:06} 用户登录失败")
            .as_bytes(),
    })
}

/// A vault with two sealed segments and 300 unsealed records, its writer reopened (so the
/// writer's own snapshot holds both).
fn vault(dir: &std::path::Path) -> R<Vault> {
    let opts = InitOptions {
        segment_size: 64_000,
        ..InitOptions::default()
    };
    let mut v = Vault::init(dir, &opts)?;
    for i in 0..400 {
        append(&mut v, i)?;
    }
    v.commit()?;
    v.seal()?;
    for i in 400..800 {
        append(&mut v, i)?;
    }
    v.commit()?;
    v.seal()?;
    for i in 800..1100 {
        append(&mut v, i)?;
    }
    v.commit()?;
    drop(v);
    Vault::open(dir)
}

fn same_record(a: Option<&vault::Record>, b: Option<&vault::Record>) -> bool {
    matches!((a, b), (Some(a), Some(b)) if std::ptr::eq(a, b))
}

#[test]
fn the_writer_and_read_snapshots_hold_footers_and_the_tail_once() -> R<()> {
    let dir = tempfile::tempdir().map_err(io)?;
    let mut w = vault(dir.path())?;
    let ws = w.store();
    assert!(ws.segments().len() >= 2, "{} segments", ws.segments().len());
    assert_eq!(ws.unsealed().len(), 300);

    let a = Store::open(dir.path())?;
    assert_eq!(a.segments().len(), ws.segments().len());
    for (x, y) in a.segments().iter().zip(ws.segments()) {
        assert!(Arc::ptr_eq(&x.file, &y.file), "{} read twice", x.name);
    }
    assert_eq!(a.unsealed().len(), 300);
    assert!(
        same_record(a.unsealed().first(), ws.unsealed().first())
            && same_record(a.unsealed().last(), ws.unsealed().last()),
        "the read snapshot holds the writer's tail records, not copies"
    );

    // more records: a snapshot opened before them does not see them; one opened after does,
    // sharing what it can with the first
    for i in 1100..1150 {
        append(&mut w, i)?;
    }
    w.commit()?;
    let b = Store::open(dir.path())?;
    assert_eq!(a.size(), 1100);
    assert_eq!(a.unsealed().len(), 300);
    assert_eq!(a.unsealed().last().map(|r| r.seq), Some(1099));
    assert_eq!(a.records(0..2000).count(), 1100);
    assert_eq!(b.size(), 1150);
    assert_eq!(b.unsealed().len(), 350);
    assert!(same_record(b.unsealed().get(299), a.unsealed().get(299)));
    let seqs: Vec<u64> = b.unsealed().iter().map(|r| r.seq).collect();
    assert_eq!(seqs, (800..1150).collect::<Vec<_>>());
    assert_eq!(
        b.unsealed()[349].raw,
        b"<34>1 2025-01-01T00:00:00Z fw1 sshd 42 - - record r001149 \xe7\x94\xa8\xe6\x88\xb7\xe7\x99\xbb\xe5\xbd\x95\xe5\xa4\xb1\xe8\xb4\xa5"
    );
    // the same root and proofs as a store of its own would give
    let own = vault::wal::decode(800, &std::fs::read(wal_file(dir.path())?).map_err(io)?);
    assert_eq!(own.records.len(), 350);
    assert!(own.records.iter().zip(b.unsealed()).all(|(x, y)| x == y));
    assert_eq!(b.root_at(1150)?, w.committed().1);
    Ok(())
}

fn wal_file(dir: &std::path::Path) -> R<std::path::PathBuf> {
    let mut v: Vec<_> = std::fs::read_dir(dir.join("wal"))
        .map_err(io)?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "wal"))
        .collect();
    v.sort();
    v.pop()
        .ok_or_else(|| vault::Error::new(vault::ErrorKind::NotFound, "no wal file"))
}

/// Rewrite the last frame of the WAL file in place (same file, same length): one byte of its
/// record changed and the frame's CRC made to match, as an attacker with write access could.
fn tamper_last_frame(path: &std::path::Path) -> R<()> {
    let mut data = std::fs::read(path).map_err(io)?;
    let mut pos = 0;
    let mut last = 0;
    while pos + 8 <= data.len() {
        last = pos;
        pos += 8 + u32::from_le_bytes(data[pos..pos + 4].try_into().unwrap_or_default()) as usize;
    }
    let len = u32::from_le_bytes(data[last..last + 4].try_into().unwrap_or_default()) as usize;
    let payload = last + 8..last + 8 + len;
    let at = data[payload.clone()]
        .windows(7)
        .position(|w| w == b"r001099")
        .map(|i| payload.start + i + 1)
        .ok_or_else(|| vault::Error::new(vault::ErrorKind::NotFound, "last record"))?;
    data[at] = b'9';
    let crc = crc32c::crc32c(&data[payload]);
    data[last + 4..last + 8].copy_from_slice(&crc.to_le_bytes());
    use std::io::{Seek, Write};
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .map_err(io)?;
    f.seek(std::io::SeekFrom::Start(0)).map_err(io)?;
    f.write_all(&data).map_err(io)?;
    Ok(())
}

#[test]
fn bytes_changed_on_disk_are_read_again() -> R<()> {
    let dir = tempfile::tempdir().map_err(io)?;
    let w = vault(dir.path())?;
    drop(w);
    let a = Store::open(dir.path())?;
    let wal = wal_file(dir.path())?;
    let ino = |p: &std::path::Path| {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata(p).map(|m| m.ino()).map_err(io)
    };
    let before = ino(&wal)?;
    tamper_last_frame(&wal)?;
    assert_eq!(ino(&wal)?, before, "the same file");
    let b = Store::open(dir.path())?;
    let raw = |s: &Store| {
        s.unsealed()
            .last()
            .map(|r| String::from_utf8_lossy(&r.raw).into_owned())
            .unwrap_or_default()
    };
    assert!(raw(&a).contains("record r001099"), "{}", raw(&a));
    assert!(
        raw(&b).contains("record r901099"),
        "the changed bytes are what the new store holds: {}",
        raw(&b)
    );
    assert!(!same_record(a.unsealed().first(), b.unsealed().first()));

    // cut back: the records past the new end are gone from a new store
    let len = std::fs::metadata(&wal).map_err(io)?.len();
    std::fs::OpenOptions::new()
        .write(true)
        .open(&wal)
        .and_then(|f| f.set_len(len - 1))
        .map_err(io)?;
    let c = Store::open(dir.path())?;
    assert_eq!(
        c.unsealed().len(),
        299,
        "the torn last frame is not a record"
    );
    assert_eq!(b.unsealed().len(), 300);

    // a segment replaced by a copy of itself (another file, the same name) is read again
    let seg = &a.segments()[0];
    let tmp = dir.path().join("seg").join(".copy");
    std::fs::copy(&seg.file.path, &tmp).map_err(io)?;
    std::fs::rename(&tmp, &seg.file.path).map_err(io)?;
    let d = Store::open(dir.path())?;
    assert!(!Arc::ptr_eq(&d.segments()[0].file, &seg.file));
    assert!(Arc::ptr_eq(&d.segments()[1].file, &a.segments()[1].file));

    // written in place, its length and modification time put back: read again too
    let path = &a.segments()[1].file.path;
    let meta = std::fs::metadata(path).map_err(io)?;
    let bytes = std::fs::read(path).map_err(io)?;
    let mut perm = meta.permissions();
    let ro = perm.clone();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perm, 0o600);
    std::fs::set_permissions(path, perm).map_err(io)?;
    std::thread::sleep(std::time::Duration::from_millis(20));
    let f = std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .map_err(io)?;
    std::io::Write::write_all(&mut &f, &bytes).map_err(io)?;
    f.set_modified(meta.modified().map_err(io)?).map_err(io)?;
    drop(f);
    std::fs::set_permissions(path, ro).map_err(io)?;
    let after = std::fs::metadata(path).map_err(io)?;
    assert_eq!(
        (after.len(), after.modified().map_err(io)?),
        (meta.len(), meta.modified().map_err(io)?)
    );
    let e = Store::open(dir.path())?;
    assert!(!Arc::ptr_eq(&e.segments()[1].file, &a.segments()[1].file));
    assert!(Arc::ptr_eq(&e.segments()[0].file, &d.segments()[0].file));
    Ok(())
}
