//! Append, reopen, verify, prove.

use vault::{Incoming, InitOptions, Store, Vault, VerifyOptions};

fn line(i: u64) -> String {
    format!(
        "<34>1 2025-01-01T00:00:{:02}Z fw1 sshd 42 - - Failed password for user u{} from 10.0.{}.{} 用户登录失败",
        i % 60,
        1000 + i,
        i % 256,
        i % 7
    )
}

/// Append `raw` from `fw1` over UDP, received `i` milliseconds after a fixed start.
fn append_at(v: &mut Vault, i: u64, raw: &[u8]) -> Result<u64, vault::Error> {
    v.append(&Incoming {
        received_ns: 1_700_000_000_000_000_000 + i as i64 * 1_000_000,
        source: "fw1",
        peer: "192.0.2.7:514",
        transport: "udp",
        raw,
    })
}

#[test]
fn append_commit_reopen_verify_prove() -> Result<(), vault::Error> {
    let dir =
        tempfile::tempdir().map_err(|e| vault::Error::new(vault::ErrorKind::Io, e.to_string()))?;
    let opts = InitOptions {
        segment_size: 20_000,
        ..InitOptions::default()
    };
    let mut v = Vault::init(dir.path(), &opts)?;
    for i in 0..1000u64 {
        append_at(&mut v, i, line(i).as_bytes())?;
        if i % 97 == 0 {
            v.commit()?;
        }
    }
    v.commit()?;
    drop(v);
    let store = Store::open(dir.path())?;
    assert_eq!(store.size(), 1000);
    assert!(
        store.segments().len() > 1,
        "segments {}",
        store.segments().len()
    );
    let r = vault::verify(&store, &VerifyOptions::default())?;
    assert!(r.is_intact(), "{:#?}", r.findings);
    assert_eq!(r.records_checked, 1000);
    let root = store.root_at(1000)?;
    assert_eq!(
        Some(root),
        store.latest_checkpoint()?.map(|c| c.checkpoint.root)
    );
    for seq in [0u64, 1, 255, 256, 511, 700, 999] {
        let p = store.inclusion_proof(seq, 1000)?;
        assert!(p.verify(store.hash_alg(), &root), "seq {seq}");
    }
    let c = store.consistency_proof(300, 1000)?;
    assert!(vault::merkle::verify_consistency(
        store.hash_alg(),
        300,
        &store.root_at(300)?,
        1000,
        &root,
        &c
    ));
    let recs: Vec<_> = store.records(0..1000).collect::<Result<_, _>>()?;
    assert_eq!(recs.len(), 1000);
    assert_eq!(recs[5].record.raw, line(5).as_bytes());
    // reopen for writing continues the same tree
    let mut v = Vault::open(dir.path())?;
    v.append(&Incoming {
        received_ns: 1_800_000_000_000_000_000,
        source: "fw2",
        peer: "-",
        transport: "file",
        raw: b"more",
    })?;
    v.commit()?;
    drop(v);
    let store = Store::open(dir.path())?;
    let r = vault::verify(&store, &VerifyOptions::default())?;
    assert!(r.is_intact(), "{:#?}", r.findings);
    assert_eq!(store.size(), 1001);
    // `visit_raw` sees what `records` returns, sealed and unsealed alike
    assert!(!store.unsealed().is_empty() && !store.segments().is_empty());
    for range in [0..1001, 0..1, 5..300, 990..1001, 1000..1001, 400..400] {
        let want: Vec<(u64, String, Vec<u8>)> = store
            .records(range.clone())
            .map(|r| r.map(|r| (r.record.seq, r.record.source, r.record.raw)))
            .collect::<Result<_, _>>()?;
        let mut got = Vec::new();
        store.visit_raw(range.clone(), |seq, source, raw| {
            got.push((seq, source.to_owned(), raw.to_vec()));
        })?;
        assert_eq!(got, want, "range {range:?}");
    }
    Ok(())
}

#[test]
fn synced_records_survive_without_a_checkpoint_and_the_next_commit_covers_them()
-> Result<(), vault::Error> {
    let dir =
        tempfile::tempdir().map_err(|e| vault::Error::new(vault::ErrorKind::Io, e.to_string()))?;
    let mut v = Vault::init(dir.path(), &InitOptions::default())?;
    let append = |v: &mut Vault, i: u64| -> Result<u64, vault::Error> {
        let l = line(i);
        v.append(&Incoming {
            received_ns: 1_700_000_000_000_000_000 + i as i64,
            source: "fw1",
            peer: "192.0.2.7:514",
            transport: "tcp",
            raw: l.as_bytes(),
        })
    };
    for i in 0..10 {
        append(&mut v, i)?;
    }
    v.commit()?;
    let checkpoints = Store::open(dir.path())?.checkpoints()?.entries.len();
    // group commits without checkpoints
    for i in 10..50 {
        append(&mut v, i)?;
        if i % 10 == 9 {
            assert_eq!(v.sync()?, i + 1);
            assert!(v.has_unchecked());
        }
    }
    assert_eq!(
        Store::open(dir.path())?.checkpoints()?.entries.len(),
        checkpoints,
        "sync signs no checkpoint"
    );
    // a crash now: the synced records are in the WAL
    drop(v);
    let store = Store::open(dir.path())?;
    assert_eq!(store.size(), 50);
    let report = vault::verify(&store, &VerifyOptions::default())?;
    assert!(report.is_intact(), "{report:?}");
    // reopened, the next commit signs a checkpoint that covers them
    let mut v = Vault::open(dir.path())?;
    let info = v.commit()?;
    let latest = Store::open(dir.path())?
        .latest_checkpoint()?
        .map(|c| c.checkpoint.size);
    assert!(latest >= Some(50), "{info:?} {latest:?}");
    assert!(!v.has_unchecked());
    Ok(())
}

/// Many blocks per segment go through the block workers in turn: records come
/// back in seq order and intact, the filters skip blocks without a term, and a
/// rare term (also a short number, which filters leave out) is still found.
#[test]
fn many_blocks_built_in_parallel_stay_in_order_and_searchable() -> Result<(), vault::Error> {
    let dir =
        tempfile::tempdir().map_err(|e| vault::Error::new(vault::ErrorKind::Io, e.to_string()))?;
    let mut v = Vault::init(dir.path(), &InitOptions::default())?;
    let n = 40_000u64;
    let pad = "x".repeat(120);
    for i in 0..n {
        let l = if i == 31_337 {
            "<34>1 2025-01-01T00:00:00Z fw1 sshd 42 - - needle-7f3a port 65001".to_string()
        } else {
            format!("{} {pad} r{i}", line(i))
        };
        append_at(&mut v, i, l.as_bytes())?;
    }
    v.seal()?;
    v.commit()?;
    drop(v);
    let store = Store::open(dir.path())?;
    let blocks: usize = store
        .segments()
        .iter()
        .map(|s| s.file.footer.blocks.len())
        .sum();
    assert!(blocks >= 6, "blocks {blocks}");
    let r = vault::verify(&store, &VerifyOptions::default())?;
    assert!(r.is_intact(), "{:#?}", r.findings);
    let mut next = 0u64;
    for rec in store.records(0..n) {
        let rec = rec?.record;
        assert_eq!(rec.seq, next);
        if next != 31_337 {
            assert!(rec.raw.ends_with(format!(" r{next}").as_bytes()));
        }
        next += 1;
    }
    assert_eq!(next, n);
    for term in ["needle-7f3a", "65001", "port 65001", "NEEDLE-7F3A port"] {
        let q = vault::query::Query {
            terms: vec![term.into()],
            ..Default::default()
        };
        let mut it = vault::query::query(&store, &q);
        let hits: Vec<u64> = it
            .by_ref()
            .map(|r| r.map(|r| r.record.seq))
            .collect::<Result<_, _>>()?;
        assert_eq!(hits, vec![31_337], "{term}");
        if term.to_ascii_lowercase().starts_with("needle") {
            assert!(
                it.blocks_skipped >= blocks - 2,
                "{term}: skipped {}",
                it.blocks_skipped
            );
        }
    }
    Ok(())
}

/// Records whose origins (source, peer, transport) alternate inside a block
/// each come back with their own origin, sealed and unsealed.
#[test]
fn alternating_origins_come_back_per_record() -> Result<(), vault::Error> {
    let dir =
        tempfile::tempdir().map_err(|e| vault::Error::new(vault::ErrorKind::Io, e.to_string()))?;
    let opts = InitOptions {
        segment_size: 20_000,
        ..InitOptions::default()
    };
    let origins = [
        ("fw1", "192.0.2.7:514", "udp"),
        ("fw2", "192.0.2.8:6514", "tls"),
        ("app", "-", "http"),
    ];
    // runs of 1, 2 and 3 records from each origin in turn
    let pick = |i: u64| origins[((i % 6) as usize).min(5) / 2 % 3];
    let mut v = Vault::init(dir.path(), &opts)?;
    for i in 0..600u64 {
        let (source, peer, transport) = pick(i * 7 / 5);
        v.append(&Incoming {
            received_ns: 1_700_000_000_000_000_000 + i as i64,
            source,
            peer,
            transport,
            raw: line(i).as_bytes(),
        })?;
        if i % 150 == 149 {
            v.commit()?;
        }
    }
    v.commit()?;
    drop(v);
    let store = Store::open(dir.path())?;
    assert!(store.segments().len() > 1);
    let recs: Vec<_> = store.records(0..600).collect::<Result<_, _>>()?;
    assert_eq!(recs.len(), 600);
    let mut seen = std::collections::BTreeSet::new();
    for (i, r) in recs.iter().enumerate() {
        let (source, peer, transport) = pick(i as u64 * 7 / 5);
        let r = &r.record;
        assert_eq!(
            (r.source.as_str(), r.peer.as_str(), r.transport.as_str()),
            (source, peer, transport),
            "seq {i}"
        );
        assert_eq!(r.raw, line(i as u64).as_bytes());
        seen.insert(source);
    }
    assert_eq!(seen.len(), 3);
    let mut got = Vec::new();
    store.visit_raw(0..600, |seq, source, _| got.push((seq, source.to_owned())))?;
    let want: Vec<(u64, String)> = (0..600u64)
        .map(|i| (i, pick(i * 7 / 5).0.to_owned()))
        .collect();
    assert_eq!(got, want);
    Ok(())
}

fn io(e: std::io::Error) -> vault::Error {
    vault::Error::new(vault::ErrorKind::Io, e.to_string())
}

/// Issue 16: one record limit, enforced at append: a record of exactly
/// `MAX_RECORD_BYTES` is stored and read back (query, full verify, proof),
/// one byte more is refused before anything is written; long names cannot
/// make a block unreadable either.
#[test]
fn the_record_limit_is_enforced_at_append_and_everything_stored_reads_back()
-> Result<(), vault::Error> {
    let dir = tempfile::tempdir().map_err(io)?;
    let mut v = Vault::init(dir.path(), &InitOptions::default())?;
    // small records first, so the big one ends a nearly full block
    for i in 0..4000u64 {
        append_at(&mut v, i, line(i).as_bytes())?;
    }
    let big = vec![b'x'; vault::MAX_RECORD_BYTES];
    let seq = append_at(&mut v, 4000, &big)?;
    let mut over = big.clone();
    over.push(b'y');
    let before = v.next_seq();
    let e = append_at(&mut v, 4001, &over).err();
    assert_eq!(
        e.as_ref().map(vault::Error::kind),
        Some(vault::ErrorKind::TooLarge),
        "{e:?}"
    );
    assert!(e.is_some_and(|e| e.to_string().contains("16 MiB")));
    assert_eq!(
        v.next_seq(),
        before,
        "nothing of a refused record is stored"
    );
    // long names on many records still give readable blocks
    let long = "p".repeat(60_000);
    for i in 0..200u64 {
        v.append(&Incoming {
            received_ns: 1_700_000_000_000_000_000 + i as i64,
            source: &format!("s{i}{}", "s".repeat(60_000)),
            peer: &long,
            transport: &format!("t{i}{}", "t".repeat(60_000)),
            raw: b"short",
        })?;
    }
    v.commit()?;
    v.seal()?;
    drop(v);
    let store = Store::open(dir.path())?;
    let r = vault::verify(&store, &VerifyOptions::default())?;
    assert!(r.is_intact(), "{:#?}", r.findings);
    assert_eq!(r.records_checked, 4201);
    let got: Vec<_> = store.records(seq..seq + 1).collect::<Result<Vec<_>, _>>()?;
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].record.raw.len(), vault::MAX_RECORD_BYTES);
    let n = store.records(0..store.size()).count();
    assert_eq!(n, 4201);
    let root = store.root_at(store.size())?;
    assert!(
        store
            .inclusion_proof(seq, store.size())?
            .verify(store.hash_alg(), &root)
    );
    Ok(())
}

/// Issue 16: with `vault.toml` gone, init refuses a directory that holds
/// keys, segments, WAL or checkpoints (the server's auto-init goes through
/// the same check) and says how to recover; the old keys are untouched.
#[test]
fn init_refuses_a_directory_with_vault_data_but_no_config() -> Result<(), vault::Error> {
    let tmp = tempfile::tempdir().map_err(io)?;
    let dir = tmp.path().join("v");
    let mut v = Vault::init(&dir, &InitOptions::default())?;
    append_at(&mut v, 0, b"kept")?;
    v.close()?;
    let key = std::fs::read(dir.join("keys/ed25519.key")).map_err(io)?;
    std::fs::remove_file(dir.join("vault.toml")).map_err(io)?;
    let e = Vault::init(&dir, &InitOptions::default()).err();
    assert_eq!(
        e.as_ref().map(vault::Error::kind),
        Some(vault::ErrorKind::AlreadyExists),
        "{e:?}"
    );
    let msg = e.map(|e| e.to_string()).unwrap_or_default();
    assert!(
        msg.contains("keys/") && msg.contains("restore vault.toml"),
        "{msg}"
    );
    assert_eq!(
        std::fs::read(dir.join("keys/ed25519.key")).map_err(io)?,
        key
    );
    // keys alone (an init cut short) are refused too; an empty directory is fine
    let only_keys = tmp.path().join("k");
    std::fs::create_dir_all(only_keys.join("keys")).map_err(io)?;
    std::fs::write(only_keys.join("keys/ed25519.key"), b"x").map_err(io)?;
    assert!(Vault::init(&only_keys, &InitOptions::default()).is_err());
    let empty = tmp.path().join("e");
    std::fs::create_dir_all(empty.join("seg")).map_err(io)?;
    Vault::init(&empty, &InitOptions::default())?;
    Ok(())
}

/// Issue 16: the data directory and every directory in it are 0700 and
/// every file 0600 (0400 once sealed), also for files made later (WAL,
/// segments, checkpoints). `crates/wangan/tests/vault.rs` runs the binary
/// under a permissive umask.
#[cfg(unix)]
#[test]
fn store_files_are_private_whatever_the_umask() -> Result<(), vault::Error> {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().map_err(io)?;
    let dir = tmp.path().join("v");
    let opts = InitOptions {
        segment_size: 2_000,
        ..InitOptions::default()
    };
    let mut v = Vault::init(&dir, &opts)?;
    for i in 0..300u64 {
        append_at(&mut v, i, line(i).as_bytes())?;
        if i % 50 == 0 {
            v.commit()?;
        }
    }
    v.close()?;
    let mut seen = 0;
    let mut stack = vec![dir.clone()];
    while let Some(p) = stack.pop() {
        let m = std::fs::metadata(&p).map_err(io)?;
        let mode = m.permissions().mode() & 0o777;
        if m.is_dir() {
            assert_eq!(mode, 0o700, "{}", p.display());
            for e in std::fs::read_dir(&p).map_err(io)? {
                stack.push(e.map_err(io)?.path());
            }
        } else {
            assert_eq!(mode & 0o077, 0, "{} is {mode:o}", p.display());
            assert!(
                mode == 0o600 || mode == 0o400,
                "{} is {mode:o}",
                p.display()
            );
            seen += 1;
        }
    }
    assert!(seen > 8, "{seen} files");
    Ok(())
}

/// Issue 16: beside a live writer, a reader's snapshot leaves out the writer's unfinished
/// parts (the WAL frame being written, a segment's temporary file) instead of reporting a
/// lost tail or an interrupted write; once no writer holds the lock they are reported.
#[test]
fn a_reader_beside_a_writer_leaves_its_unfinished_parts_out() -> Result<(), vault::Error> {
    let dir = tempfile::tempdir().map_err(io)?;
    let mut v = Vault::init(dir.path(), &InitOptions::default())?;
    for i in 0..10u64 {
        append_at(&mut v, i, line(i).as_bytes())?;
    }
    v.commit()?;
    // half a frame at the end of the WAL, and a segment being written
    let wal = std::fs::read_dir(dir.path().join("wal"))
        .map_err(io)?
        .next()
        .ok_or_else(|| vault::Error::new(vault::ErrorKind::NotFound, "no wal"))?
        .map_err(io)?
        .path();
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&wal)
        .map_err(io)?;
    std::io::Write::write_all(&mut f, &[200, 0, 0, 0, 1, 2, 3, 4, b'x']).map_err(io)?;
    std::fs::write(dir.path().join("seg/.tmp-being-written.seg"), b"half").map_err(io)?;
    let kinds = |s: &Store| -> Result<Vec<&'static str>, vault::Error> {
        Ok(vault::verify(s, &VerifyOptions::default())?
            .findings
            .iter()
            .map(|f| f.kind)
            .collect())
    };
    let live = Store::open(dir.path())?;
    assert!(live.writer_active());
    assert!(live.wal().torn.is_none());
    assert_eq!(live.size(), 10);
    assert!(kinds(&live)?.is_empty(), "{:?}", kinds(&live)?);
    drop(v);
    let after = Store::open(dir.path())?;
    assert!(!after.writer_active());
    let k = kinds(&after)?;
    assert!(
        k.contains(&"unsealed_tail_lost") && k.contains(&"interrupted_write"),
        "{k:?}"
    );
    Ok(())
}

/// `query_seqs` returns exactly the matches below a seq bound, newest first, reads no block
/// wholly outside the range, and a page taken before more records arrive continues the same
/// way after (the console's cursor).
#[test]
fn seq_bounded_queries_page_stably_while_records_arrive() -> Result<(), vault::Error> {
    let dir =
        tempfile::tempdir().map_err(|e| vault::Error::new(vault::ErrorKind::Io, e.to_string()))?;
    let opts = InitOptions {
        segment_size: 200_000,
        ..InitOptions::default()
    };
    let mut v = Vault::init(dir.path(), &opts)?;
    let pad = "x".repeat(200);
    for i in 0..6000u64 {
        let l = if i % 10 == 0 {
            format!("{} 账号锁定 {pad} r{i}", line(i))
        } else {
            format!("{} ok {pad} r{i}", line(i))
        };
        append_at(&mut v, i, l.as_bytes())?;
        if i % 2000 == 1999 {
            // several sealed segments, whatever the vault's own group size
            v.seal()?;
        }
    }
    let q = vault::Query {
        terms: vec!["账号锁定".into()],
        order: vault::Order::Newest,
        ..Default::default()
    };
    let page = |store: &Store, below: u64, n: usize| -> Result<Vec<u64>, vault::Error> {
        vault::query_seqs(store, &q, 0..below)
            .take(n)
            .map(|r| r.map(|r| r.record.seq))
            .collect()
    };
    let store = Store::open(dir.path())?;
    assert!(store.segments().len() >= 2, "sealed segments");
    let first = page(&store, u64::MAX, 5)?;
    assert_eq!(first, vec![5990, 5980, 5970, 5960, 5950]);
    // records arrive between two pages
    for i in 6000..6100u64 {
        append_at(
            &mut v,
            i,
            format!("{} 账号锁定 late r{i}", line(i)).as_bytes(),
        )?;
    }
    v.commit()?;
    let store = Store::open(dir.path())?;
    let second = page(&store, *first.last().unwrap_or(&0), 5)?;
    assert_eq!(second, vec![5940, 5930, 5920, 5910, 5900]);
    // a bound in the first segment reads none of the later blocks
    let mut it = vault::query_seqs(&store, &q, 0..100);
    let low: Vec<u64> = it
        .by_ref()
        .map(|r| r.map(|r| r.record.seq))
        .collect::<Result<_, _>>()?;
    assert_eq!(low, vec![90, 80, 70, 60, 50, 40, 30, 20, 10, 0]);
    assert!(it.blocks_read <= 2, "read {} blocks", it.blocks_read);
    // the range applies to the unsealed tail as well
    let tail: Vec<u64> = vault::query_seqs(&store, &q, 6050..6060)
        .map(|r| r.map(|r| r.record.seq))
        .collect::<Result<_, _>>()?;
    assert_eq!(tail, (6050..6060).rev().collect::<Vec<u64>>());
    Ok(())
}

/// A page of the newest records looks at a page's worth of the unsealed tail, not at all of
/// it: the tail can hold a whole segment's worth of records, and the console asks for the
/// newest page on every search (it once cloned and parsed the whole tail per request).
#[test]
fn the_newest_page_reads_only_a_page_of_the_unsealed_tail() -> Result<(), vault::Error> {
    let dir =
        tempfile::tempdir().map_err(|e| vault::Error::new(vault::ErrorKind::Io, e.to_string()))?;
    let mut v = Vault::init(dir.path(), &InitOptions::default())?;
    for i in 0..5000u64 {
        append_at(&mut v, i, format!("{} tail r{i}", line(i)).as_bytes())?;
    }
    v.commit()?;
    let store = Store::open(dir.path())?;
    assert_eq!(store.unsealed().len(), 5000, "the records are in the tail");
    for (order, want) in [
        (vault::Order::Newest, vec![4999, 4998, 4997]),
        (vault::Order::Oldest, vec![0, 1, 2]),
    ] {
        let q = vault::Query {
            order,
            limit: Some(3),
            ..Default::default()
        };
        let mut it = vault::query(&store, &q);
        let got: Vec<u64> = it
            .by_ref()
            .map(|r| r.map(|r| r.record.seq))
            .collect::<Result<_, _>>()?;
        assert_eq!(got, want);
        assert!(it.tail_read <= 4, "looked at {} tail records", it.tail_read);
    }
    // a keyword found once near the start: the whole tail is walked, one record at a time
    append_at(
        &mut v,
        5000,
        format!("{} 账号锁定 r5000", line(5000)).as_bytes(),
    )?;
    v.commit()?;
    let store = Store::open(dir.path())?;
    let q = vault::Query {
        terms: vec!["账号锁定".into()],
        order: vault::Order::Newest,
        ..Default::default()
    };
    let hits: Vec<u64> = vault::query(&store, &q)
        .map(|r| r.map(|r| r.record.seq))
        .collect::<Result<_, _>>()?;
    assert_eq!(hits, vec![5000]);
    Ok(())
}

/// The writer hashes leaves several at a time (SM3 in SIMD lanes): every
/// checkpoint it signs, at sizes that cut batches, tiles and blocks anywhere,
/// has the root of the records' leaves hashed one by one, and verification
/// (which hashes them one by one) finds the vault intact. Records of many
/// lengths put messages of different block counts into one batch.
#[test]
fn leaves_hashed_in_batches_give_the_tree_of_leaves_hashed_one_by_one() -> Result<(), vault::Error>
{
    for hash in [vault::HashAlg::Sm3, vault::HashAlg::Sha256] {
        let dir = tempfile::tempdir()
            .map_err(|e| vault::Error::new(vault::ErrorKind::Io, e.to_string()))?;
        let opts = InitOptions {
            hash,
            ..InitOptions::default()
        };
        let w = vault::WriterOptions {
            block_target: Some(4096),
            ..vault::WriterOptions::default()
        };
        let mut v = Vault::init_with(dir.path(), &opts, w.clone())?;
        let mut reference = vault::merkle::CompactRange::new();
        let mut scratch = Vec::new();
        let commits = [1u64, 3, 8, 9, 255, 256, 257, 700, 1031, 2000];
        let mut i = 0u64;
        for &upto in &commits {
            while i < upto {
                let raw = format!("{} {}", line(i), "y".repeat((i * 37 % 300) as usize));
                let seq = append_at(&mut v, i, raw.as_bytes())?;
                assert_eq!(seq, i);
                i += 1;
            }
            let info = v.commit()?.ok_or_else(|| {
                vault::Error::new(vault::ErrorKind::Io, "nothing committed".to_string())
            })?;
            assert_eq!(info.size, upto);
            drop(v);
            let store = Store::open(dir.path())?;
            for rec in store.records(reference.size()..upto) {
                reference.push(hash, rec?.record.leaf_hash(hash, &mut scratch));
            }
            assert_eq!(
                info.checkpoint.checkpoint.root,
                reference.root(hash),
                "{hash:?} at {upto}"
            );
            v = Vault::open_with(dir.path(), w.clone())?;
        }
        v.seal()?;
        v.close()?;
        let store = Store::open(dir.path())?;
        let r = vault::verify(&store, &VerifyOptions::default())?;
        assert!(r.is_intact(), "{hash:?}: {:#?}", r.findings);
    }
    Ok(())
}
