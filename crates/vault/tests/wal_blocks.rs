//! The WAL of a format-2 vault holds blocks (compressed, as the segment will) in place of
//! their records' frames; readers beside the writer and a reopened writer see the same
//! records. A vault of format 1 keeps record frames only, so the release that wrote it
//! can still open it.

use std::path::Path;

use vault::{Incoming, InitOptions, Store, Vault};

type R<T> = Result<T, Box<dyn std::error::Error>>;

fn append(v: &mut Vault, i: u64) -> vault::Result<u64> {
    let raw = format!(
        "<34>1 2026-03-01T08:00:00Z fw{} sshd {i} - - session opened for user u{} from 192.0.2.{} port {}",
        i % 5,
        i % 977,
        i % 251,
        1024 + i % 50000
    );
    v.append(&Incoming {
        received_ns: 1_772_352_000_000_000_000 + i as i64,
        source: "fw",
        peer: "192.0.2.1:514",
        transport: "tcp",
        raw: raw.as_bytes(),
    })
}

/// The kinds of the frames in the WAL files: `true` for a block frame.
fn frame_kinds(dir: &Path) -> R<Vec<bool>> {
    let mut kinds = Vec::new();
    let mut names: Vec<_> = std::fs::read_dir(dir.join("wal"))?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    names.sort();
    for p in names {
        let b = std::fs::read(p)?;
        let mut pos = 0;
        while b.len() - pos >= 8 {
            let len = u32::from_le_bytes(b[pos..pos + 4].try_into()?) as usize;
            kinds.push(b[pos + 8..].starts_with(b"WBK1"));
            pos += 8 + len;
        }
    }
    Ok(kinds)
}

fn wal_len(dir: &Path) -> R<u64> {
    let mut n = 0;
    for e in std::fs::read_dir(dir.join("wal"))? {
        n += e?.metadata()?.len();
    }
    Ok(n)
}

/// Append until some block is back from its worker and in the WAL (written by
/// `flush_ready`, which writes the blocks back so far and nothing else).
fn append_until_a_block_is_written(v: &mut Vault, dir: &Path, i: &mut u64) -> R<()> {
    let before = wal_len(dir)?;
    for _ in 0..30 {
        for _ in 0..5000 {
            append(v, *i)?;
            *i += 1;
        }
        v.flush_ready()?;
        if wal_len(dir)? > before {
            return Ok(());
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    Err("no block reached the wal".into())
}

#[test]
fn readers_beside_the_writer_see_the_records_of_block_frames() -> R<()> {
    let d = tempfile::tempdir()?;
    let mut v = Vault::init(d.path(), &InitOptions::default())?;
    assert_eq!(v.store().config().format, vault::config::FORMAT_VERSION);
    let mut i = 0;
    append_until_a_block_is_written(&mut v, d.path(), &mut i)?;
    // the acknowledgement writes the rest (blocks in flight and the partial one) as record frames
    assert_eq!(v.sync()?, i);
    let kinds = frame_kinds(d.path())?;
    assert!(kinds[0], "the wal starts with a block frame: {kinds:?}");
    assert!(kinds.iter().any(|k| !k), "record frames after the sync");
    let blocks = kinds.iter().filter(|k| **k).count() as u64;
    assert!(
        blocks < i / 100,
        "{blocks} block frames for {i} records: each holds many"
    );
    // a reader beside the writer
    let s = Store::open(d.path())?;
    assert!(s.wal().corrupt.is_empty() && s.wal().torn.is_none());
    assert_eq!(s.size(), i);
    for (k, r) in s.unsealed().iter().enumerate() {
        assert_eq!(r.seq, k as u64);
    }
    let mut check = Vec::new();
    for seq in [0, 1, i / 2, i - 1] {
        let r = &s.unsealed()[seq as usize];
        assert_eq!(r.received_ns, 1_772_352_000_000_000_000 + seq as i64);
        assert!(
            String::from_utf8_lossy(&r.raw).contains(&format!("sshd {seq} ")),
            "{r:?}"
        );
        check.push(r.clone());
    }
    // the same root as the writer acknowledged
    assert_eq!(s.root_at(i)?, v.committed().1);
    // more records after the sync: blocks again, read beside the writer once synced
    let start = i;
    append_until_a_block_is_written(&mut v, d.path(), &mut i)?;
    assert_eq!(v.sync()?, i);
    let s2 = Store::open(d.path())?;
    assert_eq!(s2.size(), i);
    assert_eq!(s2.root_at(i)?, v.committed().1);
    assert!(s2.unsealed()[start as usize].seq == start);
    // after a crash (no close), the reopened writer replays them
    drop(v);
    let v = Vault::open(d.path())?;
    assert!(v.recovered_tail().is_none());
    assert_eq!(v.next_seq(), i);
    v.close()?;
    let s3 = Store::open(d.path())?;
    let r = vault::verify(&s3, &vault::VerifyOptions::default())?;
    assert!(r.is_intact(), "{:#?}", r.findings);
    for r in &check {
        let got = s3.records(r.seq..r.seq + 1).next().ok_or("missing")??;
        assert_eq!(&got.record, r);
    }
    Ok(())
}

/// A vault of format 1 is opened as it is: it stays format 1 and its WAL gets record
/// frames only (an older wangan reads it); an unknown format is refused.
#[test]
fn a_format_1_vault_keeps_record_frames() -> R<()> {
    let d = tempfile::tempdir()?;
    Vault::init(d.path(), &InitOptions::default())?.close()?;
    let cfg = d.path().join("vault.toml");
    let text = std::fs::read_to_string(&cfg)?;
    assert!(text.contains("format = 2"), "{text}");
    std::fs::write(&cfg, text.replace("format = 2", "format = 1"))?;
    let mut v = Vault::open(d.path())?;
    assert_eq!(v.store().config().format, 1);
    let mut i = 0;
    append_until_a_block_is_written(&mut v, d.path(), &mut i)?;
    assert_eq!(v.sync()?, i);
    let kinds = frame_kinds(d.path())?;
    assert_eq!(kinds.len() as u64, i);
    assert!(kinds.iter().all(|k| !k), "no block frame in a format-1 wal");
    drop(v);
    let v = Vault::open(d.path())?;
    assert_eq!(v.next_seq(), i);
    v.close()?;
    assert!(std::fs::read_to_string(&cfg)?.contains("format = 1"));
    let s = Store::open(d.path())?;
    let r = vault::verify(&s, &vault::VerifyOptions::default())?;
    assert!(r.is_intact(), "{:#?}", r.findings);
    // a format this wangan does not know is refused with a clear error
    std::fs::write(&cfg, text.replace("format = 2", "format = 3"))?;
    let e = Store::open(d.path()).err().ok_or("format 3 opened")?;
    assert_eq!(e.kind(), vault::ErrorKind::Unsupported);
    assert!(
        e.to_string().contains("unsupported format version 3"),
        "{e}"
    );
    Ok(())
}

#[test]
fn a_block_target_out_of_range_is_refused() -> R<()> {
    let d = tempfile::tempdir()?;
    Vault::init(d.path(), &InitOptions::default())?.close()?;
    for t in [0, 1023, vault::BLOCK_TARGET + 1] {
        let w = vault::WriterOptions {
            block_target: Some(t),
            ..vault::WriterOptions::default()
        };
        let e = Vault::open_with(d.path(), w).err().ok_or("opened")?;
        assert_eq!(e.kind(), vault::ErrorKind::Config, "{e}");
        assert!(e.to_string().contains("block target"), "{e}");
    }
    Ok(())
}

/// Writer options out of range are refused before anything is made: no half-made vault is
/// left behind, and `init` works there afterwards.
#[test]
fn init_with_options_out_of_range_makes_nothing() -> R<()> {
    let d = tempfile::tempdir()?;
    let dir = d.path().join("v");
    let bad = [
        (Some(0), None, "block workers"),
        (Some(100_000), None, "block workers"),
        (None, Some(1), "block target"),
    ];
    for (workers, block_target, what) in bad {
        let w = vault::WriterOptions {
            workers,
            block_target,
            ..vault::WriterOptions::default()
        };
        let e = Vault::init_with(&dir, &InitOptions::default(), w)
            .err()
            .ok_or("initialised")?;
        assert_eq!(e.kind(), vault::ErrorKind::Config, "{e}");
        assert!(e.to_string().contains(what), "{e}");
        assert!(
            !dir.exists(),
            "{} was made by a refused init: {e}",
            dir.display()
        );
    }
    Vault::init(&dir, &InitOptions::default())?.close()?;
    Ok(())
}

/// `flush_ready` (the syslog writer's flush) writes only blocks, never record frames, and the
/// durable size it leads to is where the last block in the WAL ends, not what was appended;
/// `sync` then writes the rest.
#[test]
fn flush_ready_writes_only_blocks_and_claims_only_what_they_hold() -> R<()> {
    let d = tempfile::tempdir()?;
    let w = vault::WriterOptions {
        block_target: Some(4096),
        ..vault::WriterOptions::default()
    };
    let mut v = Vault::init_with(d.path(), &InitOptions::default(), w)?;
    let mut i = 0u64;
    let mut durable = 0;
    // append in groups, as the server's writer does, each followed by a flush_ready, until
    // background fsyncs have made some blocks durable
    for _ in 0..400 {
        for _ in 0..100 {
            append(&mut v, i)?;
            i += 1;
        }
        v.flush_ready()?;
        durable = v.poll_durable()?;
        if durable > 0 && i >= 20_000 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    assert!(durable > 0, "no block became durable through flush_ready");
    // one more record, in the block being filled: no flush can have written it
    append(&mut v, i)?;
    i += 1;
    let durable = v.poll_durable()?;
    assert!(
        durable < i,
        "flush_ready claimed {durable} of {i}: more than its blocks hold"
    );
    let kinds = frame_kinds(d.path())?;
    assert!(
        !kinds.is_empty() && kinds.iter().all(|&b| b),
        "a record frame in the wal: {kinds:?}"
    );
    // the records a reader sees in the WAL are those the durable size counts, or more
    let s = Store::open(d.path())?;
    let seen = s.unsealed().len() as u64;
    assert!(
        seen >= durable,
        "{seen} records in the wal, {durable} claimed durable"
    );
    // record frames would take more than the raw lines (about 95 bytes each) alone
    let raw_floor = i * 90;
    assert!(
        wal_len(d.path())? < raw_floor,
        "the wal is not compressed: {} bytes for at least {raw_floor} raw",
        wal_len(d.path())?
    );
    // sync writes the rest (the block being filled as record frames)
    assert_eq!(v.sync()?, i);
    drop(v);
    let s = Store::open(d.path())?;
    assert_eq!(s.unsealed().len() as u64, i);
    Ok(())
}
