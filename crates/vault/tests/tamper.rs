//! Tamper suite: every attack of the threat model against a real on-disk
//! store, through the library. Each row: attack, the finding kinds that
//! must appear (any of them), and that verify reports the store as not intact.

use std::path::{Path, PathBuf};

use vault::{Incoming, InitOptions, SignedCheckpoint, Store, Vault, VerifyOptions};

type R<T> = Result<T, Box<dyn std::error::Error>>;

const T0: i64 = 1_736_000_000_000_000_000;

/// Leaves per stored subtree hash (a tile).
const TILE: u64 = vault::segment::TILE;

fn line(i: u64) -> String {
    format!(
        "<134>1 2025-01-04T12:00:{:02}Z nat-gw{} natd - - SESSION src=10.{}.{}.{} sport={} dst=203.0.113.{} user=u{} 会话建立",
        i % 60,
        i % 5,
        i % 7,
        i % 251,
        i % 13,
        1024 + i % 50000,
        i % 200,
        2_700_000_000 + i
    )
}

/// 3000 records, several segments, checkpoints every 500, some unsealed.
fn build(dir: &Path) -> R<()> {
    build_with(dir, vault::HashAlg::Sha256)
}

/// [`build`] with tree hash `hash`.
fn build_with(dir: &Path, hash: vault::HashAlg) -> R<()> {
    let mut v = Vault::init(
        dir,
        &InitOptions {
            segment_size: 120_000,
            hash,
            ..InitOptions::default()
        },
    )?;
    fill(&mut v, 0, 3000)?;
    Ok(())
}

fn fill(v: &mut Vault, from: u64, to: u64) -> R<()> {
    for i in from..to {
        let l = line(i);
        v.append(&Incoming {
            received_ns: T0 + i as i64 * 1_000_000_000,
            source: if i % 3 == 0 { "fw1" } else { "nat1" },
            peer: "192.0.2.1:514",
            transport: "udp",
            raw: l.as_bytes(),
        })?;
        if (i + 1) % 500 == 0 {
            v.commit()?;
        }
    }
    v.commit()?;
    Ok(())
}

fn segs(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir.join("seg"))
        .map(|rd| rd.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    v.sort();
    v
}

fn writable(p: &Path) -> R<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o644))?;
    Ok(())
}

fn flip(p: &Path, at: u64) -> R<()> {
    writable(p)?;
    let mut b = std::fs::read(p)?;
    let i = (at as usize).min(b.len() - 1);
    b[i] ^= 0x20;
    std::fs::write(p, b)?;
    Ok(())
}

fn seg_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn kinds(dir: &Path, trusted: Vec<SignedCheckpoint>) -> R<(bool, Vec<&'static str>)> {
    let store = Store::open(dir)?;
    let r = vault::verify(
        &store,
        &VerifyOptions {
            trusted,
            ..VerifyOptions::default()
        },
    )?;
    Ok((
        r.is_intact(),
        r.findings
            .iter()
            .filter(|f| f.severity == vault::Severity::Error)
            .map(|f| f.kind)
            .collect(),
    ))
}

fn copy_dir(from: &Path, to: &Path) -> R<()> {
    std::fs::create_dir_all(to)?;
    for e in std::fs::read_dir(from)? {
        let e = e?;
        let t = to.join(e.file_name());
        if e.file_type()?.is_dir() {
            copy_dir(&e.path(), &t)?;
        } else {
            std::fs::copy(e.path(), &t)?;
        }
    }
    Ok(())
}

type Attack = fn(&Path) -> R<Vec<SignedCheckpoint>>;

fn attacks() -> Vec<(&'static str, Attack, &'static [&'static str])> {
    vec![
        (
            "flip a byte in a compressed block",
            |d| {
                let s = &segs(d)[1];
                let seg = vault::segment::SegmentFile::open(s)?;
                flip(
                    s,
                    seg.footer.blocks[0].offset + u64::from(seg.footer.blocks[0].len) - 10,
                )?;
                Ok(vec![])
            },
            &["block_corrupt"],
        ),
        (
            "flip a byte in a footer",
            |d| {
                let s = &segs(d)[0];
                let len = std::fs::metadata(s)?.len();
                flip(s, len - 40)?;
                Ok(vec![])
            },
            &["segment_unreadable"],
        ),
        (
            "modify one record, re-encode and re-sign",
            |d| {
                vault::testing::rewrite_segment(d, &seg_name(&segs(d)[1]), |r| r[10].raw[5] ^= 1)?;
                Ok(vec![])
            },
            &["records_modified", "root_mismatch"],
        ),
        (
            "delete one record, re-encode and re-sign",
            |d| {
                vault::testing::rewrite_segment(d, &seg_name(&segs(d)[1]), |r| {
                    r.remove(7);
                })?;
                Ok(vec![])
            },
            &["records_deleted"],
        ),
        (
            "insert a record, re-encode and re-sign",
            |d| {
                vault::testing::rewrite_segment(d, &seg_name(&segs(d)[1]), |r| {
                    let x = r[3].clone();
                    r.insert(4, x);
                })?;
                Ok(vec![])
            },
            &["records_inserted", "records_reordered"],
        ),
        (
            "swap two records, re-encode and re-sign",
            |d| {
                vault::testing::rewrite_segment(d, &seg_name(&segs(d)[1]), |r| r.swap(2, 3))?;
                Ok(vec![])
            },
            &["records_reordered"],
        ),
        (
            "delete a whole segment",
            |d| {
                std::fs::remove_file(&segs(d)[1])?;
                Ok(vec![])
            },
            &["segment_missing"],
        ),
        (
            "truncate the tail (last segment and wal)",
            |d| {
                let s = segs(d);
                std::fs::remove_file(s.last().ok_or("no segment")?)?;
                for e in std::fs::read_dir(d.join("wal"))? {
                    std::fs::remove_file(e?.path())?;
                }
                Ok(vec![])
            },
            &["tail_truncated"],
        ),
        (
            "reorder segments by swapping files",
            |d| {
                let s = segs(d);
                let tmp = d.join("swap");
                std::fs::rename(&s[0], &tmp)?;
                std::fs::rename(&s[1], &s[0])?;
                std::fs::rename(&tmp, &s[1])?;
                Ok(vec![])
            },
            &["segment_invalid"],
        ),
        (
            "replace a segment with one from another vault",
            |d| {
                let other = d.with_extension("other");
                build(&other)?;
                let theirs = segs(&other);
                let ours = segs(d);
                writable(&ours[1])?;
                std::fs::copy(&theirs[1], &ours[1])?;
                Ok(vec![])
            },
            &[
                "segment_signature_invalid",
                "chain_broken",
                "segment_invalid",
            ],
        ),
        (
            "forge a checkpoint (edit its size)",
            |d| {
                let p = d.join("checkpoints.log");
                let t = std::fs::read_to_string(&p)?;
                let t = t.replacen("\n1000\n", "\n1001\n", 1);
                std::fs::write(&p, t)?;
                Ok(vec![])
            },
            &["checkpoint_forged"],
        ),
        (
            "roll back to an older copy (trusted checkpoint kept elsewhere)",
            |d| {
                let old = d.with_extension("old");
                copy_dir(d, &old)?;
                let mut v = Vault::open(d)?;
                fill(&mut v, 3000, 3400)?;
                drop(v);
                let trusted = Store::open(d)?
                    .latest_checkpoint()?
                    .ok_or("no checkpoint")?;
                std::fs::remove_dir_all(d)?;
                copy_dir(&old, d)?;
                Ok(vec![trusted])
            },
            &["rolled_back"],
        ),
        (
            "fork: same size, different records (trusted checkpoint)",
            |d| {
                let other = d.with_extension("fork");
                copy_dir(d, &other)?;
                let mut v = Vault::open(&other)?;
                v.append(&Incoming {
                    received_ns: T0,
                    source: "x",
                    peer: "-",
                    transport: "file",
                    raw: b"forked",
                })?;
                v.commit()?;
                drop(v);
                let trusted = Store::open(&other)?
                    .latest_checkpoint()?
                    .ok_or("no checkpoint")?;
                let mut v = Vault::open(d)?;
                v.append(&Incoming {
                    received_ns: T0,
                    source: "x",
                    peer: "-",
                    transport: "file",
                    raw: b"original",
                })?;
                v.commit()?;
                Ok(vec![trusted])
            },
            &["fork"],
        ),
        (
            "replace the whole store (trusted checkpoint from the real one)",
            |d| {
                let trusted = Store::open(d)?
                    .latest_checkpoint()?
                    .ok_or("no checkpoint")?;
                std::fs::remove_dir_all(d)?;
                build(d)?;
                Ok(vec![trusted])
            },
            &["store_replaced"],
        ),
    ]
}

#[test]
fn every_attack_is_detected_and_located() -> R<()> {
    for (name, attack, want) in attacks() {
        let tmp = tempfile::tempdir()?;
        let d = tmp.path().join("v");
        build(&d)?;
        let (ok, _) = kinds(&d, vec![])?;
        assert!(ok, "{name}: not intact before the attack");
        let trusted = attack(&d)?;
        let (ok, got) = kinds(&d, trusted)?;
        assert!(!ok, "{name}: not detected");
        assert!(
            got.iter().any(|k| want.contains(k)),
            "{name}: got {got:?}, want one of {want:?}"
        );
    }
    Ok(())
}

/// A record changed (blocks re-encoded, footer re-signed with its stored
/// tiles kept) inside a tile the verify workers hash whole (1024..1279:
/// no checkpoint inside it) and inside one the tree builder hashes record
/// by record (256..511: the checkpoint of size 500 is inside it): both are
/// named with their segment and the tile's seqs, and the checkpoints after
/// them no longer match.
#[test]
fn a_record_changed_inside_a_tile_is_located_on_either_path() -> R<()> {
    let cases = [(1100u64, (1024u64, 1279u64)), (300, (256, 511))];
    // SM3's workers hash leaves and whole tiles eight at a time
    for hash in [vault::HashAlg::Sha256, vault::HashAlg::Sm3] {
        for (seq, tile) in cases {
            let tmp = tempfile::tempdir()?;
            let d = tmp.path().join("v");
            build_with(&d, hash)?;
            let (ok, _) = kinds(&d, vec![])?;
            assert!(ok, "{hash:?}: not intact before the change");
            let store = Store::open(&d)?;
            let seg = store
                .segments()
                .iter()
                .find(|s| s.file.footer.first_seq <= seq && seq < s.file.footer.end())
                .ok_or("no segment holds the seq")?;
            let name = seg.name.clone();
            // the tile lies inside one block (else the workers cannot hash it whole)
            assert!(
                seg.file
                    .footer
                    .blocks
                    .iter()
                    .any(|b| b.first_seq <= tile.0 && tile.1 < b.first_seq + u64::from(b.count)),
                "{name}: {:?}",
                seg.file.footer.blocks
            );
            drop(store);
            vault::testing::rewrite_segment(&d, &name, |r| {
                if let Some(x) = r.iter_mut().find(|x| x.seq == seq) {
                    x.raw[5] ^= 1;
                }
            })?;
            let store = Store::open(&d)?;
            let r = vault::verify(&store, &VerifyOptions::default())?;
            assert!(!r.is_intact());
            let m: Vec<_> = r
                .findings
                .iter()
                .filter(|f| f.kind == "records_modified" && f.seq == Some(tile))
                .collect();
            assert_eq!(m.len(), 1, "seq {seq}: {:?}", r.findings);
            assert_eq!(m[0].segment.as_deref(), Some(name.as_str()));
            assert!(!m[0].sources.is_empty(), "{:?}", m[0]);
            assert!(m[0].time.is_some(), "{:?}", m[0]);
            // no other tile is blamed
            assert!(
                !r.findings.iter().any(|f| f.kind == "records_modified"
                    && f.seq.is_some_and(|s| s != tile && s.1 - s.0 + 1 == TILE)),
                "{:?}",
                r.findings
            );
            assert!(
                r.findings.iter().any(|f| f.kind == "root_mismatch"),
                "{:?}",
                r.findings
            );
        }
    }
    Ok(())
}

#[test]
fn quick_verify_catches_structural_attacks() -> R<()> {
    let tmp = tempfile::tempdir()?;
    let d = tmp.path().join("v");
    build(&d)?;
    std::fs::remove_file(&segs(&d)[1])?;
    let store = Store::open(&d)?;
    let r = vault::verify(
        &store,
        &VerifyOptions {
            quick: true,
            ..VerifyOptions::default()
        },
    )?;
    assert!(
        r.findings
            .iter()
            .any(|f| f.kind == "segment_missing" && f.seq.is_some()),
        "{:?}",
        r.findings
    );
    Ok(())
}

#[test]
fn crash_torn_wal_tail_is_honest_and_not_wedged() -> R<()> {
    for cut_frac in [1u64, 3, 5, 7, 9] {
        let tmp = tempfile::tempdir()?;
        let d = tmp.path().join("v");
        let mut v = Vault::init(&d, &InitOptions::default())?;
        fill(&mut v, 0, 100)?;
        drop(v);
        let before = tmp.path().join("before");
        copy_dir(&d, &before)?;
        let mut v = Vault::open(&d)?;
        fill(&mut v, 100, 150)?;
        drop(v);
        // the crashed copy: old checkpoints, WAL cut somewhere inside the new group
        let wal_new = std::fs::read_dir(d.join("wal"))?
            .flatten()
            .next()
            .ok_or("no wal")?
            .path();
        let wal_old = before.join("wal").join(wal_new.file_name().ok_or("name")?);
        let old_len = std::fs::metadata(&wal_old)?.len();
        let new = std::fs::read(&wal_new)?;
        // frame boundaries after the old length; cut 3 bytes into one of them
        let mut bounds = Vec::new();
        let mut p = old_len as usize;
        while p + 8 <= new.len() {
            bounds.push(p);
            p += 8 + u32::from_le_bytes([new[p], new[p + 1], new[p + 2], new[p + 3]]) as usize;
        }
        let cut = bounds[bounds.len() * cut_frac as usize / 10] + 3 + cut_frac as usize;
        std::fs::write(&wal_old, &new[..cut])?;
        let store = Store::open(&before)?;
        let r = vault::verify(&store, &VerifyOptions::default())?;
        assert!(r.is_intact(), "cut {cut}: {:?}", r.findings);
        assert!(
            r.findings.iter().any(|f| f.kind == "unsealed_tail_lost"),
            "{:?}",
            r.findings
        );
        drop(store);
        // reopening for writing recovers and records the loss in the log itself
        let mut v = Vault::open(&before)?;
        assert!(v.recovered_tail().is_some());
        fill(&mut v, 1000, 1010)?;
        drop(v);
        let store = Store::open(&before)?;
        let r = vault::verify(&store, &VerifyOptions::default())?;
        assert!(r.is_intact(), "{:?}", r.findings);
        let recovery = vault::query(
            &store,
            &vault::Query {
                sources: vec![vault::INTERNAL_SOURCE.into()],
                ..Default::default()
            },
        )
        .count();
        assert_eq!(recovery, 1);
    }
    Ok(())
}

#[test]
fn crash_leftover_tmp_segment_is_harmless() -> R<()> {
    let tmp = tempfile::tempdir()?;
    let d = tmp.path().join("v");
    build(&d)?;
    std::fs::write(
        d.join("seg")
            .join(".tmp-00000000000000009999-00000000000000010000.seg"),
        b"half written",
    )?;
    let (ok, _) = kinds(&d, vec![])?;
    assert!(ok);
    let mut v = Vault::open(&d)?;
    fill(&mut v, 3000, 3100)?;
    drop(v);
    assert!(kinds(&d, vec![])?.0);
    Ok(())
}

#[test]
fn crash_truncated_segment_file_is_reported_not_fatal() -> R<()> {
    let tmp = tempfile::tempdir()?;
    let d = tmp.path().join("v");
    build(&d)?;
    let s = &segs(&d)[0];
    writable(s)?;
    let b = std::fs::read(s)?;
    std::fs::write(s, &b[..b.len() / 2])?;
    let (ok, got) = kinds(&d, vec![])?;
    assert!(!ok);
    assert!(got.contains(&"segment_unreadable"), "{got:?}");
    Ok(())
}

#[test]
fn crash_during_a_background_seal_loses_nothing() -> R<()> {
    let tmp = tempfile::tempdir()?;
    let d = tmp.path().join("v");
    let mut v = Vault::init(
        &d,
        &InitOptions {
            segment_size: 120_000,
            ..InitOptions::default()
        },
    )?;
    let total = 1400;
    fill(&mut v, 0, total)?;
    drop(v);
    let sealed = segs(&d);
    assert_eq!(sealed.len(), 1, "{sealed:?}");
    let name = sealed[0]
        .file_name()
        .ok_or("name")?
        .to_string_lossy()
        .into_owned();
    let k: u64 = name
        .trim_end_matches(".seg")
        .split('-')
        .nth(1)
        .ok_or("segment name")?
        .parse::<u64>()?
        + 1;
    assert!(k < total);
    // the WAL the seal would have removed: the same records, appended to a
    // vault that never seals, give the same WAL frames
    let other = tmp.path().join("other");
    let mut w = Vault::init(&other, &InitOptions::default())?;
    fill(&mut w, 0, k)?;
    drop(w);
    // the crash: the segment never reached the disk (only a temporary file
    // of it did), and so its WAL was never removed
    writable(&sealed[0])?;
    std::fs::remove_file(&sealed[0])?;
    std::fs::write(d.join("seg").join(format!(".tmp-{name}")), b"half")?;
    for e in std::fs::read_dir(other.join("wal"))? {
        let e = e?;
        std::fs::copy(e.path(), d.join("wal").join(e.file_name()))?;
    }
    assert_eq!(std::fs::read_dir(d.join("wal"))?.count(), 2);
    // every record is still there, from the two WALs, and the store verifies
    let store = Store::open(&d)?;
    assert_eq!(store.size(), total);
    let r = vault::verify(&store, &VerifyOptions::default())?;
    assert!(r.is_intact(), "{:?}", r.findings);
    drop(store);
    let mut v = Vault::open(&d)?;
    assert_eq!(v.next_seq(), total);
    fill(&mut v, total, total + 10)?;
    v.seal()?;
    drop(v);
    // the next seal covers both WALs and removes them
    let store = Store::open(&d)?;
    assert_eq!(store.size(), total + 10);
    assert!(store.unsealed().is_empty());
    let r = vault::verify(&store, &VerifyOptions::default())?;
    assert!(r.is_intact(), "{:?}", r.findings);
    assert_eq!(std::fs::read_dir(d.join("wal"))?.count(), 1);
    let all = vault::query(&store, &vault::Query::default()).count();
    assert_eq!(all as u64, total + 10);
    Ok(())
}

/// A block whose header names billions of records (found by the `vault_block` fuzz target:
/// it made the reader reserve 66 GB and abort) is refused as corrupt.
#[test]
fn a_block_naming_more_records_than_it_holds_is_an_error_not_an_abort() {
    let data = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../fuzz/seeds/vault_block/regress-count-66g"),
    )
    .unwrap();
    let count = u32::from_le_bytes([data[8], data[9], data[10], data[11]]);
    let body = &data[12..];
    let comp = zstd::bulk::compress(body, 1).unwrap();
    for count in [count, u32::MAX, 1 << 30] {
        assert!(vault::decode::block_times(0, count, body.len() as u32, &comp).is_err());
        // decoded lazily: whatever it says, it reserves nothing the count names
        let _ = vault::decode::block_data(0, count, body.len() as u32, &comp);
    }
}
