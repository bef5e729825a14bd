//! The vault's results for a reader: what `init`, `ingest`, `verify`,
//! `checkpoint`, `query`, `prune`, `coverage`, `prove-consistency`,
//! `export` and `check-bundle` print without `--json`, in Chinese or
//! English, with or without colour. The JSON documents are types of the
//! `vault` crate ([`vault::contract`]).
//!
//! Every function returns the whole text, each line ending in `\n`; the
//! caller writes it (to standard output) and picks the exit code.

use std::fmt::Write as _;
use std::path::Path;

use vault::clock::rfc3339_ns as t;
use vault::ingest::IngestStats;
use vault::keys::PublicKeys;
use vault::{
    BundleCheck, ConsistencyProof, CoverageReport, ExportSummary, HashAlg, PruneReport, Record,
    Retention, Severity, SignedCheckpoint, Trust, VerifyReport,
};

use crate::{Painter, Style, escape};

/// At most this many gaps of a source, and failures of a bundle, are
/// listed; the JSON output has them all.
pub const MAX_LISTED: usize = 20;

/// `vault init`: the new vault, its origin and where its public keys are.
pub fn init(
    p: Painter,
    dir: &Path,
    keys: &PublicKeys,
    hash: HashAlg,
    retention: Retention,
) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} {}",
        p.paint(Style::Green, p.t("已创建日志库", "vault created")),
        escape(&dir.display().to_string(), false)
    );
    let _ = writeln!(s, "  {}: {}", p.t("日志标识", "origin"), keys.name);
    let _ = writeln!(
        s,
        "  {}: {}  {}: {retention}",
        p.t("哈希", "hash"),
        hash.name(),
        p.t("留存", "retention")
    );
    let _ = writeln!(
        s,
        "  {}: {}",
        p.t("审计公钥 (Ed25519)", "auditor key (Ed25519)"),
        keys.ed25519_verifier_key()
    );
    let _ = writeln!(
        s,
        "  {}: {}",
        p.t("公钥文件", "public keys"),
        escape(&dir.join("keys").display().to_string(), false)
    );
    let _ = writeln!(
        s,
        "  {}",
        p.paint(
            Style::Dim,
            p.t(
                "请把公钥与检查点副本保存在本机之外。",
                "keep a copy of the public keys and of checkpoints off this host."
            )
        )
    );
    s
}

/// `vault ingest`: how many records were stored from `first` on, and the
/// size of the tree the checkpoint covers.
pub fn ingested(p: Painter, first: u64, st: &IngestStats, tree_size: u64) -> String {
    format!(
        "{} {} {} (seq {}..{}), {} {}; {} {tree_size}\n",
        p.paint(Style::Green, p.t("已写入", "stored")),
        st.records,
        p.t("条记录", "records"),
        first,
        (first + st.records).saturating_sub(1),
        p.t("跳过空行", "empty lines skipped"),
        st.empty,
        p.t("检查点覆盖记录数", "checkpoint covers"),
    )
}

/// `vault verify`: the verdict and every finding. The registers' part, when
/// there are registers, is [`crate::registers::verify`].
pub fn verify(p: Painter, report: &VerifyReport) -> String {
    let mut s = String::new();
    let mode = if report.quick {
        p.t("快速", "quick")
    } else {
        p.t("完整", "full")
    };
    if report.is_intact() {
        let _ = writeln!(
            s,
            "{} ({mode}): {} {}, {} {}, {} {}",
            p.paint(Style::Green, p.t("完整无损", "intact")),
            report.size,
            p.t("条记录", "records"),
            report.segments,
            p.t("个段", "segments"),
            report.checkpoints,
            p.t("个检查点", "checkpoints")
        );
    } else {
        let _ = writeln!(
            s,
            "{} ({mode}): {} {}",
            p.paint(Style::Red, p.t("发现问题", "problems found")),
            report.size,
            p.t("条记录", "records")
        );
    }
    for f in &report.findings {
        let style = match f.severity {
            Severity::Error => Style::Red,
            Severity::Warning => Style::Yellow,
            Severity::Info => Style::Dim,
        };
        let mut loc = String::new();
        if let Some(seg) = &f.segment {
            let _ = write!(loc, " [{}]", escape(seg, false));
        }
        if let Some((a, b)) = f.seq {
            let _ = write!(loc, " seq {a}..{b}");
        }
        if let Some((a, b)) = f.time {
            let _ = write!(loc, " {}..{}", t(a), t(b));
        }
        if !f.sources.is_empty() {
            let _ = write!(loc, " source {}", escape(&f.sources.join(","), false));
        }
        let _ = writeln!(
            s,
            "  {} {}{}: {}",
            p.paint(style, f.severity.name()),
            p.paint(Style::Cyan, f.kind),
            loc,
            escape(&f.message, false)
        );
    }
    s
}

/// `vault checkpoint`: the signed note as it is kept (escaped, newlines kept).
pub fn checkpoint(cp: &SignedCheckpoint) -> String {
    escape(&cp.to_string(), true).into_owned()
}

/// One line of `vault query`: seq, time received, source and the raw record
/// (escaped; bytes that are not UTF-8 become U+FFFD).
pub fn query_line(p: Painter, rec: &Record) -> String {
    let raw = String::from_utf8_lossy(&rec.raw);
    format!(
        "{} {} {} {}\n",
        p.paint(Style::Dim, &rec.seq.to_string()),
        t(rec.received_ns),
        p.paint(Style::Cyan, &escape(&rec.source, false)),
        escape(&raw, false)
    )
}

/// What `vault query` says (on standard error) when nothing matched.
pub fn no_matching_records(p: Painter) -> &'static str {
    p.t("没有匹配的记录", "no matching records")
}

/// `vault prune` (and `--dry-run`): the cutoff, the segments pruned or
/// that would be, and why pruning stopped.
pub fn prune(p: Painter, r: &PruneReport) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{}: {}",
        p.t("可删除早于此时间的段", "segments older than this may go"),
        t(r.cutoff_ns)
    );
    let verb = if r.dry_run {
        p.t("将删除", "would prune")
    } else {
        p.t("已删除", "pruned")
    };
    for it in &r.pruned {
        let _ = writeln!(
            s,
            "  {verb} {} (seq {}..{}, {} {})",
            it.segment,
            it.first,
            it.end.saturating_sub(1),
            p.t("最新", "newest"),
            t(it.newest_ns)
        );
    }
    if r.pruned.is_empty() && r.refused.is_none() {
        let _ = writeln!(s, "  {}", p.t("没有到期的段", "nothing has expired"));
    } else if r.pruned.is_empty() {
        let _ = writeln!(s, "  {}", p.t("没有删除任何段", "nothing was pruned"));
    }
    if let Some(why) = &r.refused {
        let _ = writeln!(
            s,
            "  {}: {}",
            p.paint(Style::Yellow, p.t("停止", "stopped")),
            escape(why, false)
        );
    }
    s
}

/// A duration for a reader, to the minute: `1d 2h 5m`, `1天2小时5分`.
pub fn human_duration(p: Painter, d: time::Duration) -> String {
    let secs = d.whole_seconds();
    let (days, h, m) = (secs / 86_400, (secs % 86_400) / 3600, (secs % 3600) / 60);
    let mut parts = Vec::new();
    if days > 0 {
        parts.push(format!("{days}{}", p.t("天", "d")));
    }
    if h > 0 {
        parts.push(format!("{h}{}", p.t("小时", "h")));
    }
    if m > 0 || parts.is_empty() {
        parts.push(format!("{m}{}", p.t("分", "m")));
    }
    parts.join(p.t("", " "))
}

/// `vault coverage`: the retention window, then per source whether it is
/// covered, its first and last record, days with records and (at most
/// [`MAX_LISTED`]) gaps; every day's count when `show_days` is set.
pub fn coverage(p: Painter, r: &CoverageReport, show_days: bool) -> String {
    let mut w = String::new();
    let _ = writeln!(
        w,
        "{} {} .. {} ({} {}, {} UTC{}), {} {}",
        p.t("留存窗口", "retention window"),
        t(r.window_start_ns),
        t(r.at_ns),
        p.t("时长", "length"),
        r.window,
        p.t("日历", "calendar"),
        vault::contract::utc_offset_text(r.utc_offset),
        p.t("间断阈值", "gap threshold"),
        human_duration(p, r.gap),
    );
    if r.sources.is_empty() {
        let _ = writeln!(
            w,
            "  {}",
            p.paint(
                Style::Red,
                p.t("日志库中没有记录", "the vault holds no records")
            )
        );
    }
    for s in &r.sources {
        let verdict = if s.covers_window {
            p.paint(Style::Green, p.t("覆盖完整", "covered"))
        } else {
            p.paint(Style::Red, p.t("未覆盖", "not covered"))
        };
        let six = if s.six_months {
            p.paint(
                Style::Green,
                p.t("连续六个月: 是", "six continuous months: yes"),
            )
        } else {
            p.paint(
                Style::Yellow,
                p.t("连续六个月: 否", "six continuous months: no"),
            )
        };
        let _ = writeln!(
            w,
            "{} {verdict}; {six}",
            p.paint(Style::Cyan, &escape(&s.source, false))
        );
        let _ = writeln!(
            w,
            "  {} {}, {} {}; {} {} .. {}",
            s.records,
            p.t("条记录", "records"),
            s.in_window,
            p.t("条在窗口内", "in the window"),
            p.t("首末", "first/last"),
            t(s.first_ns),
            t(s.last_ns),
        );
        let quiet = s.days.iter().filter(|(_, n)| *n == 0).count();
        let _ = writeln!(
            w,
            "  {} {} / {} {}",
            s.days.len() - quiet,
            p.t("天有记录", "days with records"),
            s.days.len(),
            p.t("天", "days"),
        );
        for g in s.gaps.iter().take(MAX_LISTED) {
            let what = match (g.at_start, g.at_end) {
                (true, true) => p.t("窗口内无记录", "no records in the window"),
                (true, false) => p.t("窗口开始后无记录", "no records from the window start"),
                (false, true) => p.t("此后无记录", "no records since"),
                (false, false) => p.t("间断", "gap"),
            };
            let _ = writeln!(
                w,
                "  {} {} .. {} ({})",
                p.paint(Style::Yellow, what),
                t(g.from_ns),
                t(g.to_ns),
                human_duration(p, g.duration())
            );
        }
        if s.gaps.len() > MAX_LISTED {
            let _ = writeln!(
                w,
                "  … {} {}",
                s.gaps.len() - MAX_LISTED,
                p.t("处更多间断 (见 --json)", "more gaps (see --json)")
            );
        }
        if show_days {
            for (d, n) in &s.days {
                let _ = writeln!(w, "    {d} {n}");
            }
        }
    }
    for u in &r.unreadable {
        let _ = writeln!(
            w,
            "  {}: {}",
            p.paint(Style::Red, p.t("无法读取", "unreadable")),
            escape(u, false)
        );
    }
    w
}

/// `vault prove-consistency`: the two tree heads and the proof's hashes.
pub fn consistency(p: Painter, proof: &ConsistencyProof) -> String {
    let mut w = String::new();
    let _ = writeln!(
        w,
        "{} {} → {} ({}, RFC 9162)",
        p.paint(Style::Green, p.t("一致性证明", "consistency proof")),
        proof.old.size,
        proof.new.size,
        proof.new.hash.name()
    );
    let _ = writeln!(w, "  old {} {}", proof.old.size, proof.old.root.b64());
    let _ = writeln!(w, "  new {} {}", proof.new.size, proof.new.root.b64());
    for h in &proof.proof {
        let _ = writeln!(w, "  {}", h.b64());
    }
    w
}

/// `vault export`: what went into the bundle at `output`, its checkpoint,
/// and how the recipient checks it.
pub fn export(p: Painter, output: &Path, s: &ExportSummary) -> String {
    let mut w = String::new();
    let cp = &s.checkpoint;
    let _ = writeln!(
        w,
        "{} {} {} → {} ({} {})",
        p.paint(Style::Green, p.t("已导出", "exported")),
        s.records,
        p.t("条记录及其包含证明", "records with inclusion proofs"),
        escape(&output.display().to_string(), false),
        s.bytes,
        p.t("字节", "bytes"),
    );
    let _ = writeln!(
        w,
        "  {}: {} {}, {} {}",
        p.t("检查点", "checkpoint"),
        cp.size,
        p.t("条记录", "records"),
        p.t("根", "root"),
        cp.root.b64()
    );
    if let Some(o) = &s.since {
        let _ = writeln!(
            w,
            "  {}: {} {}, {} {}",
            p.t(
                "含一致性证明, 起点检查点",
                "with the consistency proof from the checkpoint of"
            ),
            o.size,
            p.t("条记录", "records"),
            p.t("根", "root"),
            o.root.b64()
        );
    }
    if s.beyond_checkpoint > 0 {
        let _ = writeln!(
            w,
            "  {}: {}",
            p.paint(
                Style::Yellow,
                p.t(
                    "最新检查点之后的匹配记录未导出",
                    "matching records after the latest checkpoint left out"
                )
            ),
            s.beyond_checkpoint
        );
    }
    let _ = writeln!(
        w,
        "  {}",
        p.paint(
            Style::Dim,
            p.t(
                "接收方须另行取得本库公钥 (keys/ 目录), 用 `wangan vault check-bundle FILE --trusted-key keys/` 离线校验。",
                "the recipient checks it offline with `wangan vault check-bundle FILE --trusted-key keys/`, the vault's public keys obtained separately."
            )
        )
    );
    w
}

/// `vault check-bundle` on a file that is no well-formed bundle: `shown` is
/// the file's (escaped) name, `error` why it cannot be read.
pub fn bundle_invalid(p: Painter, shown: &str, error: &vault::Error) -> String {
    format!(
        "{}: {shown}: {}\n",
        p.paint(Style::Red, p.t("证据包无效", "bundle is invalid")),
        escape(&error.to_string(), false)
    )
}

/// `vault check-bundle`: the verdict, what the bundle holds, the keys it
/// carries, whether it is anchored in trusted keys, and (at most
/// [`MAX_LISTED`]) failures. `trusted_given` says whether any trusted key
/// was given, which decides the advice on an unanchored bundle.
pub fn check_bundle(p: Painter, c: &BundleCheck, trusted_given: bool) -> String {
    let mut w = String::new();
    let verdict = if c.ok() {
        p.paint(
            Style::Green,
            p.t(
                "校验通过, 已锚定到可信公钥",
                "bundle verifies, anchored in trusted keys",
            ),
        )
    } else if c.self_consistent() && c.trust == Trust::NotAnchored {
        p.paint(
            Style::Yellow,
            p.t(
                "自洽, 但未锚定 (未提供该日志库的可信公钥)",
                "self-consistent, not anchored (no trusted key of its vault given)",
            ),
        )
    } else {
        p.paint(Style::Red, p.t("校验失败", "bundle does not verify"))
    };
    let _ = writeln!(
        w,
        "{verdict}: {} / {} {}",
        c.records_verified,
        c.records,
        p.t("条记录的包含证明成立", "records proven")
    );
    if let Some((a, b)) = c.seqs {
        let _ = writeln!(w, "  seq {a}..{b}");
    }
    if let Some((a, b)) = c.time {
        let _ = writeln!(w, "  {}: {} .. {}", p.t("接收时间", "received"), t(a), t(b));
    }
    if !c.sources.is_empty() {
        let list: Vec<String> = c
            .sources
            .iter()
            .map(|(s, n)| format!("{} ({n})", escape(s, false)))
            .collect();
        let _ = writeln!(w, "  {}: {}", p.t("来源", "sources"), list.join(", "));
    }
    if let Some(cp) = &c.checkpoint {
        let _ = writeln!(
            w,
            "  {}: {} {} {}, {} {}, {} {}",
            p.t("检查点", "checkpoint"),
            escape(&cp.origin, false),
            cp.size,
            p.t("条记录", "records"),
            p.t("根", "root"),
            cp.root.b64(),
            p.t("签名时间", "signed"),
            t(cp.time_ns)
        );
    }
    if let Some(h) = c.hash {
        let _ = writeln!(w, "  {}: {}", p.t("哈希", "hash"), h.name());
    }
    if let Some(o) = &c.since {
        let _ = writeln!(
            w,
            "  {}: {} {} {}, {} {} ({})",
            p.t("延续早先检查点", "extends the earlier checkpoint"),
            escape(&o.origin, false),
            o.size,
            p.t("条记录", "records"),
            p.t("根", "root"),
            o.root.b64(),
            if c.consistency_verified {
                p.t("一致性证明成立", "consistency proof verifies")
            } else {
                p.t("一致性证明不成立", "consistency proof does not verify")
            }
        );
    }
    if let Some(k) = &c.keys {
        let _ = writeln!(
            w,
            "  {}:",
            p.t(
                "证据包所带公钥 (请与运营者通过其他渠道核对指纹)",
                "keys carried by the bundle (compare the fingerprints with the operator's, out of band)"
            )
        );
        let _ = writeln!(
            w,
            "    Ed25519 {} sha256:{}",
            escape(&k.ed25519_key, false),
            k.ed25519_fingerprint
        );
        let _ = match (&k.sm2_key, &k.sm2_fingerprint) {
            (Some(vk), Some(fp)) => writeln!(w, "    SM2     {} sha256:{fp}", escape(vk, false)),
            _ => writeln!(w, "    SM2     {}", p.t("缺失", "missing")),
        };
    }
    match c.trust {
        Trust::Anchored => {
            let _ = writeln!(
                w,
                "  {}:",
                p.paint(
                    Style::Green,
                    p.t("由可信公钥签名", "signed by trusted keys")
                )
            );
            for k in &c.anchor_keys {
                let _ = writeln!(w, "    {}", escape(k, false));
            }
        }
        Trust::NotAnchored => {
            let hint = if trusted_given {
                p.t(
                    "可信公钥中没有该检查点来源 (origin) 的公钥",
                    "none of the trusted keys is named as the checkpoint's origin",
                )
            } else {
                p.t(
                    "未提供可信公钥: 核对上面的指纹后, 用 --trusted-key 指定运营者的 keys/ 目录 (或放入信任库) 再校验",
                    "no trusted key given: after comparing the fingerprints above, check again with --trusted-key and the operator's keys/ directory (or put the keys in the trust store)",
                )
            };
            let _ = writeln!(w, "  {}", p.paint(Style::Yellow, hint));
        }
        Trust::Refused => {}
    }
    for f in c.failures.iter().take(MAX_LISTED) {
        let _ = writeln!(
            w,
            "  {} {}: {}",
            p.paint(Style::Red, "error"),
            p.paint(Style::Cyan, f.kind),
            escape(&f.message, false)
        );
    }
    let more = c.more_failures + c.failures.len().saturating_sub(MAX_LISTED) as u64;
    if more > 0 {
        let _ = writeln!(
            w,
            "  … {more} {}",
            p.t("处更多失败 (见 --json)", "more failures (see --json)")
        );
    }
    w
}

#[cfg(test)]
mod tests {
    use vault::bundle::{BundleFailure, KeyInfo};
    use vault::coverage::{Gap, SourceCoverage};
    use vault::{Checkpoint, Finding, Hash, PruneItem};

    use super::*;
    use crate::Lang;

    const T0: i64 = 1_795_341_600_123_456_789; // 2026-11-22T10:00:00.123456789Z
    const HOUR: i64 = 3_600_000_000_000;

    fn painter(lang: Lang) -> Painter {
        Painter { lang, color: false }
    }

    fn checkpoint_at(size: u64) -> Checkpoint {
        Checkpoint {
            origin: "wangan.vault/0123456789abcdef".to_owned(),
            size,
            root: Hash::default(),
            time_ns: T0,
            hash: HashAlg::Sha256,
            retention: "6 months".to_owned(),
            extra: Vec::new(),
        }
    }

    fn report(findings: Vec<Finding>) -> VerifyReport {
        VerifyReport {
            quick: false,
            origin: "wangan.vault/0123456789abcdef".to_owned(),
            hash: HashAlg::Sha256,
            size: 12,
            records_checked: 12,
            segments: 1,
            tombstones: 0,
            checkpoints: 3,
            latest: None,
            findings,
        }
    }

    #[test]
    fn verify_shows_the_verdict_and_where_each_finding_is() {
        let intact = report(Vec::new());
        assert_eq!(
            verify(painter(Lang::En), &intact),
            "intact (full): 12 records, 1 segments, 3 checkpoints\n"
        );
        let damaged = report(vec![Finding {
            kind: "leaf_mismatch",
            severity: Severity::Error,
            message: "record 4 does not match its leaf\u{1b}[2J".to_owned(),
            segment: Some("00000000000000000000-00000000000000000011.seg".to_owned()),
            seq: Some((4, 4)),
            time: Some((T0, T0 + HOUR)),
            sources: vec!["fw1".to_owned(), "app".to_owned()],
        }]);
        for (lang, name) in [(Lang::Zh, "verify_zh"), (Lang::En, "verify_en")] {
            insta::assert_snapshot!(name, verify(painter(lang), &damaged));
        }
        let colour = verify(
            Painter {
                lang: Lang::En,
                color: true,
            },
            &damaged,
        );
        assert!(
            colour.starts_with("\u{1b}[31mproblems found\u{1b}[0m (full)"),
            "{colour}"
        );
        assert!(
            !colour.contains("\u{1b}[2J"),
            "the message is escaped: {colour}"
        );
    }

    #[test]
    fn a_query_line_escapes_the_record() {
        let rec = Record {
            seq: 7,
            received_ns: T0,
            source: "fw\u{202e}1".to_owned(),
            peer: "192.0.2.7:514".to_owned(),
            transport: "udp".to_owned(),
            raw: b"<34>login \x1b[31mfailed \xff".to_vec(),
        };
        assert_eq!(
            query_line(painter(Lang::En), &rec),
            "7 2026-11-22T10:00:00.123456789Z fw\\u{202e}1 <34>login \\u{1b}[31mfailed \u{fffd}\n"
        );
    }

    #[test]
    fn prune_lists_segments_and_why_it_stopped() {
        let r = PruneReport {
            now_ns: T0,
            cutoff_ns: T0 - 4_000 * HOUR,
            pruned: vec![PruneItem {
                segment: "00000000000000000000-00000000000000000011.seg".to_owned(),
                first: 0,
                end: 12,
                newest_ns: T0 - 5_000 * HOUR,
            }],
            refused: None,
            dry_run: true,
        };
        insta::assert_snapshot!("prune_dry_run_en", prune(painter(Lang::En), &r));
        let refused = PruneReport {
            pruned: Vec::new(),
            refused: Some("no record has arrived since …".to_owned()),
            dry_run: false,
            ..r
        };
        insta::assert_snapshot!("prune_refused_zh", prune(painter(Lang::Zh), &refused));
    }

    #[test]
    fn durations_read_to_the_minute() {
        let cases = [
            (0, "0m", "0分"),
            (59, "0m", "0分"),
            (3_600, "1h", "1小时"),
            (90_061, "1d 1h 1m", "1天1小时1分"),
            (86_400, "1d", "1天"),
        ];
        for (secs, en, zh) in cases {
            let d = time::Duration::seconds(secs);
            assert_eq!(human_duration(painter(Lang::En), d), en, "{secs} s");
            assert_eq!(human_duration(painter(Lang::Zh), d), zh, "{secs} s");
        }
    }

    fn gap(i: i64) -> Gap {
        Gap {
            from_ns: T0 + i * 3 * HOUR,
            to_ns: T0 + i * 3 * HOUR + 2 * HOUR,
            at_start: i == 0,
            at_end: false,
        }
    }

    #[test]
    fn coverage_lists_sources_gaps_and_days() {
        let window = Retention::parse("6 months").expect("a retention");
        let r = CoverageReport {
            at_ns: T0 + 100 * HOUR,
            window_start_ns: T0 - 4_000 * HOUR,
            six_months_start_ns: T0 - 4_000 * HOUR,
            window,
            utc_offset: time::UtcOffset::from_hms(8, 0, 0).expect("an offset"),
            gap: time::Duration::hours(1),
            records: 30,
            sources: vec![SourceCoverage {
                source: "fw1".to_owned(),
                records: 30,
                first_ns: T0,
                last_ns: T0 + 99 * HOUR,
                in_window: 30,
                days: vec![
                    (time::macros::date!(2026 - 11 - 22), 20),
                    (time::macros::date!(2026 - 11 - 23), 0),
                    (time::macros::date!(2026 - 11 - 24), 10),
                ],
                gaps: (0..22).map(gap).collect(),
                covers_window: false,
                six_months: false,
            }],
            unreadable: vec!["segments/x.seg: bad crc".to_owned()],
        };
        let en = coverage(painter(Lang::En), &r, true);
        assert!(en.contains("  … 2 more gaps (see --json)\n"), "{en}");
        insta::assert_snapshot!("coverage_en", en);
        let zh = coverage(painter(Lang::Zh), &r, false);
        assert!(zh.contains("  2 天有记录 / 3 天\n"), "{zh}");
        assert!(
            !zh.contains("    2026-11-22 20"),
            "days only on request: {zh}"
        );
        let empty = CoverageReport {
            sources: Vec::new(),
            unreadable: Vec::new(),
            ..r
        };
        assert!(
            coverage(painter(Lang::En), &empty, false).ends_with("  the vault holds no records\n")
        );
    }

    #[test]
    fn consistency_and_export() {
        let proof = ConsistencyProof {
            old: checkpoint_at(5),
            new: checkpoint_at(12),
            proof: vec![Hash::default(); 2],
        };
        insta::assert_snapshot!("consistency_en", consistency(painter(Lang::En), &proof));
        let s = ExportSummary {
            records: 3,
            beyond_checkpoint: 1,
            checkpoint: checkpoint_at(12),
            since: Some(checkpoint_at(5)),
            bytes: 4096,
        };
        insta::assert_snapshot!(
            "export_zh",
            export(painter(Lang::Zh), Path::new("incident-42.bundle"), &s)
        );
        let st = IngestStats {
            records: 3,
            empty: 1,
        };
        assert_eq!(
            ingested(painter(Lang::En), 9, &st, 12),
            "stored 3 records (seq 9..11), empty lines skipped 1; checkpoint covers 12\n"
        );
    }

    fn bundle(trust: Trust, failures: usize) -> BundleCheck {
        BundleCheck {
            hash: Some(HashAlg::Sha256),
            checkpoint: Some(checkpoint_at(12)),
            keys: Some(KeyInfo {
                ed25519_key: "wangan.vault/0123456789abcdef+1a2b3c4d+AWEXAMPLE".to_owned(),
                ed25519_id: "1a2b3c4d".to_owned(),
                ed25519_fingerprint: "00".repeat(32),
                sm2_key: None,
                sm2_id: None,
                sm2_fingerprint: None,
            }),
            trust,
            anchor_keys: vec!["wangan.vault/0123456789abcdef+1a2b3c4d".to_owned()],
            sm2_verified: false,
            since: Some(checkpoint_at(5)),
            consistency_verified: true,
            records: 3,
            records_verified: 3,
            seqs: Some((9, 11)),
            time: Some((T0, T0 + HOUR)),
            sources: vec![("fw1".to_owned(), 3)],
            failures: (0..failures)
                .map(|i| BundleFailure {
                    kind: "sm2_signature_missing",
                    record: None,
                    seq: None,
                    message: format!("failure {i}"),
                })
                .collect(),
            more_failures: 0,
        }
    }

    #[test]
    fn init_and_checkpoint_of_a_real_vault() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let opts = vault::InitOptions::default();
        let mut v = vault::Vault::init(dir.path(), &opts).expect("a new vault");
        let keys = v.public_keys().clone();
        let text = init(
            painter(Lang::En),
            dir.path(),
            &keys,
            opts.hash,
            opts.retention,
        );
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 6, "{text}");
        assert_eq!(lines[0], format!("vault created {}", dir.path().display()));
        assert_eq!(lines[1], format!("  origin: {}", keys.name));
        assert_eq!(
            lines[2],
            format!(
                "  hash: {}  retention: {}",
                opts.hash.name(),
                opts.retention
            )
        );
        assert_eq!(
            lines[3],
            format!("  auditor key (Ed25519): {}", keys.ed25519_verifier_key())
        );
        assert!(lines[4].starts_with("  public keys: ") && lines[4].ends_with("keys"));
        let zh = init(
            painter(Lang::Zh),
            dir.path(),
            &keys,
            opts.hash,
            opts.retention,
        );
        assert!(zh.starts_with("已创建日志库 "), "{zh}");
        // the signed note as kept, newlines and all
        let cp = v.checkpoint_now().expect("a checkpoint");
        let shown = checkpoint(&cp);
        assert_eq!(shown, cp.to_string());
        assert!(shown.starts_with(&format!("{}\n", keys.name)), "{shown}");
        assert!(
            shown.contains("\n\n— "),
            "a signature line follows: {shown}"
        );
    }

    #[test]
    fn a_file_that_is_no_bundle() {
        let e = vault::Error::new(vault::ErrorKind::Corrupt, "bad magic\u{1b}".to_owned());
        let text = bundle_invalid(painter(Lang::Zh), "x.bundle", &e);
        assert!(text.starts_with("证据包无效: x.bundle: "), "{text}");
        assert!(text.ends_with("bad magic\\u{1b}\n"), "{text}");
    }

    #[test]
    fn check_bundle_says_whether_it_is_anchored() {
        let c = bundle(Trust::NotAnchored, 0);
        insta::assert_snapshot!(
            "check_bundle_not_anchored_en",
            check_bundle(painter(Lang::En), &c, false)
        );
        let named = check_bundle(painter(Lang::En), &c, true);
        assert!(
            named.contains("none of the trusted keys is named as the checkpoint's origin"),
            "{named}"
        );
        let refused = bundle(Trust::Refused, 22);
        let zh = check_bundle(painter(Lang::Zh), &refused, true);
        assert!(zh.starts_with("校验失败: 3 / 3"), "{zh}");
        assert_eq!(
            zh.matches("  error sm2_signature_missing").count(),
            20,
            "{zh}"
        );
        assert!(zh.ends_with("  … 2 处更多失败 (见 --json)\n"), "{zh}");
    }
}
