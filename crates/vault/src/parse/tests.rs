//! Data-driven tests: real-looking lines per vendor → what must be parsed.

use proptest::prelude::*;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use time::macros::datetime;

use super::*;

/// One line and what must come out. `time` is RFC 3339 text; `fields` must equal exactly.
struct Case {
    name: &'static str,
    raw: &'static [u8],
    received: OffsetDateTime,
    format: Format,
    time: Option<&'static str>,
    host: Option<&'static str>,
    app: Option<&'static str>,
    severity: Option<u8>,
    facility: Option<u8>,
    fields: &'static [(&'static str, &'static str)],
    message: &'static str,
    note: Option<&'static str>,
}

const NOW: OffsetDateTime = datetime!(2024-03-01 19:00 UTC);

const BASE: Case = Case {
    name: "",
    raw: b"",
    received: NOW,
    format: Format::Plain,
    time: None,
    host: None,
    app: None,
    severity: None,
    facility: None,
    fields: &[],
    message: "",
    note: None,
};

fn check(c: &Case) {
    let p = parse_record(c.raw, c.received);
    let want = Parsed {
        format: c.format,
        event_time: c.time.map(|t| OffsetDateTime::parse(t, &Rfc3339).expect(t)),
        host: c.host.map(str::to_owned),
        app: c.app.map(str::to_owned),
        severity: c.severity,
        facility: c.facility,
        fields: c
            .fields
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        message: c.message.to_owned(),
        note: c.note.map(str::to_owned),
    };
    assert_eq!(p, want, "case {:?}", c.name);
    assert_eq!(
        index_of(c.raw, c.received),
        index_only(p),
        "index case {:?}",
        c.name
    );
}

const CASES: &[Case] = &[
    // ---- RFC 5424 ----
    Case {
        name: "rfc5424 example 1",
        raw: b"<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - \xEF\xBB\xBF'su root' failed for lonvick on /dev/pts/8",
        format: Format::Rfc5424,
        time: Some("2003-10-11T22:14:15.003Z"),
        host: Some("mymachine.example.com"),
        app: Some("su"),
        severity: Some(2),
        facility: Some(4),
        fields: &[("msgid", "ID47")],
        message: "'su root' failed for lonvick on /dev/pts/8",
        ..BASE
    },
    Case {
        name: "rfc5424 example 2, offset and microseconds",
        raw: b"<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% It's time to make the do-nuts.",
        format: Format::Rfc5424,
        time: Some("2003-08-24T05:14:15.000003-07:00"),
        host: Some("192.0.2.1"),
        app: Some("myproc"),
        severity: Some(5),
        facility: Some(20),
        fields: &[("procid", "8710")],
        message: "%% It's time to make the do-nuts.",
        ..BASE
    },
    Case {
        name: "rfc5424 example 3, structured data",
        raw: br#"<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"] An application event log entry..."#,
        format: Format::Rfc5424,
        time: Some("2003-10-11T22:14:15.003Z"),
        host: Some("mymachine.example.com"),
        app: Some("evntslog"),
        severity: Some(5),
        facility: Some(20),
        fields: &[
            ("msgid", "ID47"),
            ("exampleSDID@32473.iut", "3"),
            ("exampleSDID@32473.eventSource", "Application"),
            ("exampleSDID@32473.eventID", "1011"),
        ],
        message: "An application event log entry...",
        ..BASE
    },
    Case {
        name: "rfc5424 two sd elements, no msg",
        raw: br#"<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3"][examplePriority@32473 class="high"]"#,
        format: Format::Rfc5424,
        time: Some("2003-10-11T22:14:15.003Z"),
        host: Some("mymachine.example.com"),
        app: Some("evntslog"),
        severity: Some(5),
        facility: Some(20),
        fields: &[("msgid", "ID47"), ("exampleSDID@32473.iut", "3"), ("examplePriority@32473.class", "high")],
        ..BASE
    },
    Case {
        name: "rfc5424 escaped sd values (vector #14523)",
        raw: br#"<13>1 2024-01-17T10:18:20+08:00 h a - - [x@1 q="say \"hi\"" b="back\\slash" r="a\]b" o="c:\d"] m"#,
        format: Format::Rfc5424,
        time: Some("2024-01-17T10:18:20+08:00"),
        host: Some("h"),
        app: Some("a"),
        severity: Some(5),
        facility: Some(1),
        fields: &[("x@1.q", "say \"hi\""), ("x@1.b", "back\\slash"), ("x@1.r", "a]b"), ("x@1.o", "c:\\d")],
        message: "m",
        ..BASE
    },
    Case {
        name: "rfc5424 all nil",
        raw: b"<14>1 - - - - - -",
        format: Format::Rfc5424,
        severity: Some(6),
        facility: Some(1),
        ..BASE
    },
    Case {
        name: "rfc5424 malformed sd kept in message",
        raw: br#"<14>1 2024-01-17T10:18:20Z h a - - [x@1 k="v] oops"#,
        format: Format::Rfc5424,
        time: Some("2024-01-17T10:18:20Z"),
        host: Some("h"),
        app: Some("a"),
        severity: Some(6),
        facility: Some(1),
        fields: &[("k", "v] oops")],
        message: r#"[x@1 k="v] oops"#,
        note: Some("malformed structured data kept in the message"),
        ..BASE
    },
    Case {
        name: "rfc5424 nat log with kv message",
        raw: br#"<134>1 2024-01-17T01:23:45.678Z gw-nat-07 natd 2211 NAT [nat@32473 src="10.12.34.56" sport="51514" xsrc="203.0.113.7" xsport="40112"] session created proto=6"#,
        format: Format::Rfc5424,
        time: Some("2024-01-17T01:23:45.678Z"),
        host: Some("gw-nat-07"),
        app: Some("natd"),
        severity: Some(6),
        facility: Some(16),
        fields: &[
            ("procid", "2211"),
            ("msgid", "NAT"),
            ("nat@32473.src", "10.12.34.56"),
            ("nat@32473.sport", "51514"),
            ("nat@32473.xsrc", "203.0.113.7"),
            ("nat@32473.xsport", "40112"),
            ("proto", "6"),
        ],
        message: "session created proto=6",
        ..BASE
    },
    Case {
        name: "rfc5424 gbk message",
        // 用户登录失败 in GBK
        raw: b"<38>1 2024-01-17T10:18:20+08:00 aaa-1 login - - - \xd3\xc3\xbb\xa7\xb5\xc7\xc2\xbc\xca\xa7\xb0\xdc user=u1",
        format: Format::Rfc5424,
        time: Some("2024-01-17T10:18:20+08:00"),
        host: Some("aaa-1"),
        app: Some("login"),
        severity: Some(6),
        facility: Some(4),
        fields: &[("user", "u1")],
        message: "用户登录失败 user=u1",
        note: Some("decoded as gb18030"),
        ..BASE
    },
    Case {
        name: "rfc5424 bad timestamp",
        raw: b"<14>1 2024-13-45T99:00:00Z h a - - - x",
        format: Format::Rfc5424,
        host: Some("h"),
        app: Some("a"),
        severity: Some(6),
        facility: Some(1),
        message: "x",
        note: Some("timestamp month out of range"),
        ..BASE
    },
    Case {
        name: "juniper srx structured data with dashed names",
        raw: br#"<14>1 2024-01-17T10:18:20.123+08:00 srx-1 RT_FLOW - RT_FLOW_SESSION_CREATE [junos@2636.1.1.1.2.40 source-address="10.0.0.5" source-port="51514" destination-address="1.2.3.4" destination-port="443" nat-source-address="203.0.113.7" username="N/A"] session created 10.0.0.5/51514->1.2.3.4/443"#,
        format: Format::Rfc5424,
        time: Some("2024-01-17T10:18:20.123+08:00"),
        host: Some("srx-1"),
        app: Some("RT_FLOW"),
        severity: Some(6),
        facility: Some(1),
        fields: &[
            ("msgid", "RT_FLOW_SESSION_CREATE"),
            ("junos@2636.1.1.1.2.40.source-address", "10.0.0.5"),
            ("junos@2636.1.1.1.2.40.source-port", "51514"),
            ("junos@2636.1.1.1.2.40.destination-address", "1.2.3.4"),
            ("junos@2636.1.1.1.2.40.destination-port", "443"),
            ("junos@2636.1.1.1.2.40.nat-source-address", "203.0.113.7"),
            ("junos@2636.1.1.1.2.40.username", "N/A"),
        ],
        message: "session created 10.0.0.5/51514->1.2.3.4/443",
        ..BASE
    },
    Case {
        name: "bom before pri (windows agents)",
        raw: b"\xEF\xBB\xBF<13>1 2024-01-17T10:18:20Z win-1 agent - - - started",
        format: Format::Rfc5424,
        time: Some("2024-01-17T10:18:20Z"),
        host: Some("win-1"),
        app: Some("agent"),
        severity: Some(5),
        facility: Some(1),
        message: "started",
        ..BASE
    },
    // ---- RFC 3164 ----
    Case {
        name: "rfc3164 example",
        raw: b"<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8",
        received: datetime!(2024-10-11 22:14:16 UTC),
        format: Format::Rfc3164,
        time: Some("2024-10-11T22:14:15Z"),
        host: Some("mymachine"),
        app: Some("su"),
        severity: Some(2),
        facility: Some(4),
        message: "'su root' failed for lonvick on /dev/pts/8",
        ..BASE
    },
    Case {
        name: "rfc3164 no tag",
        raw: b"<13>Feb  5 17:32:18 10.0.0.99 Use the BFG!",
        format: Format::Rfc3164,
        time: Some("2024-02-05T17:32:18Z"),
        host: Some("10.0.0.99"),
        severity: Some(5),
        facility: Some(1),
        message: "Use the BFG!",
        ..BASE
    },
    Case {
        name: "rfc3164 missing hostname",
        raw: b"<13>Feb  5 17:32:18 sshd[4721]: Accepted password for root",
        format: Format::Rfc3164,
        time: Some("2024-02-05T17:32:18Z"),
        app: Some("sshd"),
        severity: Some(5),
        facility: Some(1),
        fields: &[("procid", "4721")],
        message: "Accepted password for root",
        ..BASE
    },
    Case {
        name: "rfc3164 missing pri (file format)",
        raw: b"Feb 29 17:32:18 web-1 nginx: GET / 200",
        format: Format::Rfc3164,
        time: Some("2024-02-29T17:32:18Z"),
        host: Some("web-1"),
        app: Some("nginx"),
        message: "GET / 200",
        ..BASE
    },
    Case {
        name: "rfc3164 year inference: december seen in january is last year",
        raw: b"<13>Dec 31 23:59:59 h app: x",
        received: datetime!(2025-01-01 00:00:05 UTC),
        format: Format::Rfc3164,
        time: Some("2024-12-31T23:59:59Z"),
        host: Some("h"),
        app: Some("app"),
        severity: Some(5),
        facility: Some(1),
        message: "x",
        ..BASE
    },
    Case {
        name: "rfc3164 year inference: clock a little ahead crosses new year",
        raw: b"<13>Jan  1 00:00:05 h app: x",
        received: datetime!(2024-12-31 23:59:50 UTC),
        format: Format::Rfc3164,
        time: Some("2025-01-01T00:00:05Z"),
        host: Some("h"),
        app: Some("app"),
        severity: Some(5),
        facility: Some(1),
        message: "x",
        ..BASE
    },
    Case {
        name: "rfc3164 feb 29 in a non-leap year goes back to the last leap year",
        raw: b"<13>Feb 29 10:00:00 h app: x",
        received: datetime!(2025-03-01 00:00 UTC),
        format: Format::Rfc3164,
        time: Some("2024-02-29T10:00:00Z"),
        host: Some("h"),
        app: Some("app"),
        severity: Some(5),
        facility: Some(1),
        message: "x",
        ..BASE
    },
    Case {
        name: "rfc3164 no zone takes the receive offset",
        raw: b"<13>Mar  1 18:00:00 h app: x",
        received: datetime!(2024-03-01 19:00 +08:00),
        format: Format::Rfc3164,
        time: Some("2024-03-01T18:00:00+08:00"),
        host: Some("h"),
        app: Some("app"),
        severity: Some(5),
        facility: Some(1),
        message: "x",
        ..BASE
    },
    Case {
        name: "iso timestamp in 3164 position",
        raw: b"<30>2024-01-17T10:18:20.123456+08:00 db-3 postgres[991]: checkpoint complete",
        format: Format::Rfc3164,
        time: Some("2024-01-17T10:18:20.123456+08:00"),
        host: Some("db-3"),
        app: Some("postgres"),
        severity: Some(6),
        facility: Some(3),
        fields: &[("procid", "991")],
        message: "checkpoint complete",
        ..BASE
    },
    Case {
        name: "rsyslog file format without pri",
        raw: b"2024-01-17T10:18:20+08:00 db-3 kernel: eth0 link up",
        format: Format::Rfc3164,
        time: Some("2024-01-17T10:18:20+08:00"),
        host: Some("db-3"),
        app: Some("kernel"),
        message: "eth0 link up",
        ..BASE
    },
    Case {
        name: "3164 message starting with brackets is not sd (syslog-loose #37)",
        raw: b"<13>Jan 17 10:18:20 h app: [warn] disk [sda] almost full",
        format: Format::Rfc3164,
        time: Some("2024-01-17T10:18:20Z"),
        host: Some("h"),
        app: Some("app"),
        severity: Some(5),
        facility: Some(1),
        message: "[warn] disk [sda] almost full",
        ..BASE
    },
    Case {
        name: "pri only",
        raw: b"<13>hello world",
        format: Format::Rfc3164,
        severity: Some(5),
        facility: Some(1),
        message: "hello world",
        ..BASE
    },
    Case {
        name: "pri out of range",
        raw: b"<999>Jan 17 10:18:20 h app: x",
        format: Format::Rfc3164,
        time: Some("2024-01-17T10:18:20Z"),
        host: Some("h"),
        app: Some("app"),
        message: "x",
        note: Some("pri out of range"),
        ..BASE
    },
    // ---- Cisco ----
    Case {
        name: "cisco ios seq, star, ms, utc",
        raw: b"<189>123: *Mar  1 18:46:11.123 UTC: %SYS-5-CONFIG_I: Configured from console by vty0 (10.0.0.1)",
        format: Format::Rfc3164,
        time: Some("2024-03-01T18:46:11.123Z"),
        app: Some("SYS"),
        severity: Some(5),
        facility: Some(23),
        fields: &[("seq", "123"), ("mnemonic", "CONFIG_I")],
        message: "Configured from console by vty0 (10.0.0.1)",
        ..BASE
    },
    Case {
        name: "cisco ios origin-id hostname",
        raw: b"<187>45: core-sw1: .Mar  1 18:46:11 CST: %LINK-3-UPDOWN: Interface GigabitEthernet0/1, changed state to down",
        format: Format::Rfc3164,
        time: Some("2024-03-01T18:46:11+08:00"),
        host: Some("core-sw1"),
        app: Some("LINK"),
        severity: Some(3),
        facility: Some(23),
        fields: &[("seq", "45"), ("mnemonic", "UPDOWN")],
        message: "Interface GigabitEthernet0/1, changed state to down",
        ..BASE
    },
    Case {
        name: "cisco relayed: relay header then device seq and stamp",
        raw: b"<189>Mar  1 18:46:12 10.1.1.1 2201: Mar  1 2024 18:46:11.456 UTC: %SEC_LOGIN-5-LOGIN_SUCCESS: Login Success [user: admin] [Source: 10.1.1.9]",
        format: Format::Rfc3164,
        time: Some("2024-03-01T18:46:12Z"),
        host: Some("10.1.1.1"),
        app: Some("SEC_LOGIN"),
        severity: Some(5),
        facility: Some(23),
        fields: &[("seq", "2201"), ("mnemonic", "LOGIN_SUCCESS")],
        message: "Login Success [user: admin] [Source: 10.1.1.9]",
        ..BASE
    },
    Case {
        name: "cisco without pri (console buffer)",
        raw: b"*Mar  1 18:46:11.123: %SYS-5-CONFIG_I: Configured from console by console",
        format: Format::Rfc3164,
        time: Some("2024-03-01T18:46:11.123Z"),
        app: Some("SYS"),
        severity: Some(5),
        fields: &[("mnemonic", "CONFIG_I")],
        message: "Configured from console by console",
        ..BASE
    },
    Case {
        name: "cisco asa with year and host colon",
        raw: b"<166>Jan 17 2024 10:18:20 asa-1 : %ASA-6-302013: Built outbound TCP connection 123 for outside:1.2.3.4/443 (1.2.3.4/443) to inside:10.0.0.5/51514 (203.0.113.7/51514)",
        format: Format::Rfc3164,
        time: Some("2024-01-17T10:18:20Z"),
        host: Some("asa-1"),
        app: Some("ASA"),
        severity: Some(6),
        facility: Some(20),
        fields: &[("mnemonic", "302013")],
        message: "Built outbound TCP connection 123 for outside:1.2.3.4/443 (1.2.3.4/443) to inside:10.0.0.5/51514 (203.0.113.7/51514)",
        ..BASE
    },
    Case {
        name: "cisco asa bare tag",
        raw: b"<164>%ASA-4-106023: Deny tcp src outside:1.2.3.4/1234 dst inside:10.0.0.1/22",
        format: Format::Rfc3164,
        app: Some("ASA"),
        severity: Some(4),
        facility: Some(20),
        fields: &[("mnemonic", "106023")],
        message: "Deny tcp src outside:1.2.3.4/1234 dst inside:10.0.0.1/22",
        ..BASE
    },
    // ---- Huawei / H3C ----
    Case {
        name: "huawei %%01 with year, kv in parentheses",
        raw: br#"<187>Jan 17 2024 10:18:20 HUAWEI %%01SHELL/5/CMDRECORD(s)[0]:Recorded command information. (Task=VT0, Ip=10.1.1.1, VpnName=, User=admin, AuthenticationMethod="Local-user", Command="display current-configuration")"#,
        format: Format::Rfc3164,
        time: Some("2024-01-17T10:18:20Z"),
        host: Some("HUAWEI"),
        app: Some("SHELL"),
        severity: Some(3),
        facility: Some(23),
        fields: &[
            ("mnemonic", "CMDRECORD"),
            ("Task", "VT0"),
            ("Ip", "10.1.1.1"),
            ("VpnName", ""),
            ("User", "admin"),
            ("AuthenticationMethod", "Local-user"),
            ("Command", "display current-configuration"),
        ],
        message: r#"Recorded command information. (Task=VT0, Ip=10.1.1.1, VpnName=, User=admin, AuthenticationMethod="Local-user", Command="display current-configuration")"#,
        ..BASE
    },
    Case {
        name: "huawei with attached offset",
        raw: b"<190>Jan 17 2024 10:18:20+08:00 AR-01 %%01IFNET/4/LINK_STATE(l)[12]:The line protocol IP on the interface GE0/0/1 has entered the UP state.",
        format: Format::Rfc3164,
        time: Some("2024-01-17T10:18:20+08:00"),
        host: Some("AR-01"),
        app: Some("IFNET"),
        severity: Some(6),
        facility: Some(23),
        fields: &[("mnemonic", "LINK_STATE")],
        message: "The line protocol IP on the interface GE0/0/1 has entered the UP state.",
        ..BASE
    },
    Case {
        name: "h3c with %% and year after time",
        raw: b"<188>Jan  1 00:00:00 2024 H3C %%10SHELL/5/SHELL_LOGIN: VTY logged in from 192.168.1.2.",
        format: Format::Rfc3164,
        time: Some("2024-01-01T00:00:00Z"),
        host: Some("H3C"),
        app: Some("SHELL"),
        severity: Some(4),
        facility: Some(23),
        fields: &[("mnemonic", "SHELL_LOGIN")],
        message: "VTY logged in from 192.168.1.2.",
        ..BASE
    },
    Case {
        name: "h3c buffer format: % marker, :ms, year, bare tag",
        raw: b"%Jan  1 00:00:00:123 2024 H3C SHELL/5/SHELL_LOGIN: Console logged in from con0.",
        format: Format::Rfc3164,
        time: Some("2024-01-01T00:00:00.123Z"),
        host: Some("H3C"),
        app: Some("SHELL"),
        severity: Some(5),
        fields: &[("mnemonic", "SHELL_LOGIN")],
        message: "Console logged in from con0.",
        ..BASE
    },
    Case {
        name: "huawei gb18030 chinese message",
        // 用户登录失败 in GBK
        raw: b"<187>Jan 17 2024 10:18:20 \xba\xcb\xd0\xc4 %%01SSH/4/LOGIN_FAIL(l)[3]:\xd3\xc3\xbb\xa7\xb5\xc7\xc2\xbc\xca\xa7\xb0\xdc (UserName=root)",
        format: Format::Rfc3164,
        time: Some("2024-01-17T10:18:20Z"),
        host: Some("核心"),
        app: Some("SSH"),
        severity: Some(3),
        facility: Some(23),
        fields: &[("mnemonic", "LOGIN_FAIL"), ("UserName", "root")],
        message: "用户登录失败 (UserName=root)",
        note: Some("decoded as gb18030"),
        ..BASE
    },
    // ---- FortiGate and other key=value ----
    Case {
        name: "fortigate kv with pri, no header",
        raw: br#"<189>date=2024-01-17 time=10:18:20 devname="FG100E" devid="FG100E4Q17000001" logid="0000000013" type="traffic" subtype="forward" level="notice" vd="root" tz="+0800" srcip=10.1.2.3 srcport=51514 dstip=1.2.3.4 dstport=443 action="deny" msg="blocked \"bad\" site""#,
        format: Format::Rfc3164,
        time: Some("2024-01-17T10:18:20+08:00"),
        host: Some("FG100E"),
        severity: Some(5),
        facility: Some(23),
        fields: &[
            ("date", "2024-01-17"),
            ("time", "10:18:20"),
            ("devname", "FG100E"),
            ("devid", "FG100E4Q17000001"),
            ("logid", "0000000013"),
            ("type", "traffic"),
            ("subtype", "forward"),
            ("level", "notice"),
            ("vd", "root"),
            ("tz", "+0800"),
            ("srcip", "10.1.2.3"),
            ("srcport", "51514"),
            ("dstip", "1.2.3.4"),
            ("dstport", "443"),
            ("action", "deny"),
            ("msg", "blocked \"bad\" site"),
        ],
        message: r#"date=2024-01-17 time=10:18:20 devname="FG100E" devid="FG100E4Q17000001" logid="0000000013" type="traffic" subtype="forward" level="notice" vd="root" tz="+0800" srcip=10.1.2.3 srcport=51514 dstip=1.2.3.4 dstport=443 action="deny" msg="blocked \"bad\" site""#,
        ..BASE
    },
    Case {
        name: "fortigate kv without pri is plain with fields",
        raw: br#"date=2024-01-17 time=10:18:20 devname=FW2 level=warning eventtime=1705457900123456789 action=accept"#,
        format: Format::Plain,
        time: Some("2024-01-17T10:18:20Z"),
        host: Some("FW2"),
        severity: Some(4),
        fields: &[
            ("date", "2024-01-17"),
            ("time", "10:18:20"),
            ("devname", "FW2"),
            ("level", "warning"),
            ("eventtime", "1705457900123456789"),
            ("action", "accept"),
        ],
        message: "date=2024-01-17 time=10:18:20 devname=FW2 level=warning eventtime=1705457900123456789 action=accept",
        ..BASE
    },
    Case {
        name: "sshd with a url is not kv",
        raw: b"<38>Jan 17 10:18:20 s1 app: GET /x?a=b&c=d 200",
        format: Format::Rfc3164,
        time: Some("2024-01-17T10:18:20Z"),
        host: Some("s1"),
        app: Some("app"),
        severity: Some(6),
        facility: Some(4),
        message: "GET /x?a=b&c=d 200",
        ..BASE
    },
    // ---- JSON ----
    Case {
        name: "json ecs style",
        raw: br#"{"@timestamp":"2024-01-17T10:18:20.5Z","host":{"name":"web-2"},"log":{"level":"warn"},"service":{"name":"api"},"message":"slow request","http":{"status":503,"ok":false,"tags":["a","b"]},"x":null}"#,
        format: Format::Json,
        time: Some("2024-01-17T10:18:20.5Z"),
        host: Some("web-2"),
        app: Some("api"),
        severity: Some(4),
        fields: &[
            ("@timestamp", "2024-01-17T10:18:20.5Z"),
            ("host.name", "web-2"),
            ("http.ok", "false"),
            ("http.status", "503"),
            ("http.tags.0", "a"),
            ("http.tags.1", "b"),
            ("log.level", "warn"),
            ("service.name", "api"),
            ("x", "null"),
        ],
        message: "slow request",
        ..BASE
    },
    Case {
        name: "json flat with epoch millis and msg",
        raw: br#"{"ts":1705457900123,"hostname":"h1","app":"pay","level":"ERROR","msg":"timeout","user":"u1"}"#,
        format: Format::Json,
        time: Some("2024-01-17T02:18:20.123Z"),
        host: Some("h1"),
        app: Some("pay"),
        severity: Some(3),
        fields: &[("app", "pay"), ("hostname", "h1"), ("level", "ERROR"), ("ts", "1705457900123"), ("user", "u1")],
        message: "timeout",
        ..BASE
    },
    Case {
        name: "json without message keeps the whole text",
        raw: br#"{"a":1}"#,
        format: Format::Json,
        fields: &[("a", "1")],
        message: r#"{"a":1}"#,
        ..BASE
    },
    Case {
        name: "broken json is plain",
        raw: br#"{"a":1"#,
        format: Format::Plain,
        message: r#"{"a":1"#,
        note: Some("not valid json: EOF while parsing an object at line 1 column 6"),
        ..BASE
    },
    // ---- plain and odd ----
    Case { name: "empty", raw: b"", ..BASE },
    Case { name: "newline only", raw: b"\r\n", ..BASE },
    Case {
        name: "plain text",
        raw: b"just some words: here\n",
        message: "just some words: here",
        ..BASE
    },
    Case {
        name: "not a pri",
        raw: b"<html> hi",
        message: "<html> hi",
        ..BASE
    },
    Case {
        name: "invalid everywhere is lossy",
        raw: b"ab\xff\xfecd",
        message: "ab\u{fffd}\u{fffd}cd",
        note: Some("invalid utf-8 and gb18030; decoded lossily"),
        ..BASE
    },
];

#[test]
fn vendor_lines() {
    for c in CASES {
        check(c);
    }
}

#[test]
fn reuse_gives_the_same_result() {
    let mut reused = Parsed::empty();
    for c in CASES.iter().chain(CASES.iter().rev()) {
        parse_record_into(c.raw, c.received, &mut reused);
        assert_eq!(reused, parse_record(c.raw, c.received), "case {:?}", c.name);
    }
}

#[test]
fn limits_bound_fields() {
    let mut line = String::from("<13>1 - h a - - [x@1");
    for i in 0..1000 {
        line.push_str(&format!(" k{i}=\"{}\"", "v".repeat(100)));
    }
    line.push_str("] m");
    let p = parse_record(line.as_bytes(), NOW);
    assert!(p.fields.len() <= MAX_FIELDS);
    assert!(
        p.fields
            .iter()
            .map(|(k, v)| k.len() + v.len())
            .sum::<usize>()
            <= MAX_FIELD_BYTES
    );
    assert!(
        p.note
            .as_deref()
            .is_some_and(|n| n.contains("fields dropped")),
        "{:?}",
        p.note
    );

    let long = format!("a={}", "é".repeat(MAX_VALUE_LEN));
    let p = parse_record(long.as_bytes(), NOW);
    assert_eq!(p.fields.len(), 1);
    assert!(p.fields[0].1.len() <= MAX_VALUE_LEN);
    assert_eq!(p.note.as_deref(), Some("1 field names or values truncated"));

    // index-only parsing counts every field against the limits too: a vendor
    // key past the limit is dropped there as well
    for (n, severity) in [(10, Some(3)), (MAX_FIELDS, None)] {
        let mut line = String::from("Mar  1 10:00:00 fw1 app:");
        for i in 0..n {
            line.push_str(&format!(" k{i}=v"));
        }
        line.push_str(" level=error");
        let p = parse_record(line.as_bytes(), NOW);
        assert_eq!(p.severity, severity, "{n} fields");
        assert_eq!(index_of(line.as_bytes(), NOW), index_only(p), "{n} fields");
    }
}

#[test]
fn deep_json_is_bounded() {
    let depth = 100;
    let line = format!("{}1{}", "{\"a\":".repeat(depth), "}".repeat(depth));
    let p = parse_record(line.as_bytes(), NOW);
    assert_eq!(p.format, Format::Json);
    assert_eq!(p.fields.len(), 1);
    assert_eq!(p.fields[0].0.split('.').count(), MAX_JSON_DEPTH);
}

fn sd_escape(v: &str) -> String {
    let mut o = String::new();
    for c in v.chars() {
        if matches!(c, '"' | '\\' | ']') {
            o.push('\\');
        }
        o.push(c);
    }
    o
}

/// What [`parse_index_into`] must give: the full parse without fields, message and note.
fn index_only(mut p: Parsed) -> Parsed {
    p.fields.clear();
    p.message.clear();
    p.note = None;
    p
}

/// [`parse_index_into`] into a buffer that held another record.
fn index_of(raw: &[u8], received: OffsetDateTime) -> Parsed {
    let mut p = parse_record(
        b"<13>1 2024-01-17T10:18:20Z h a p m [x@1 k=\"v\"] level=err msg",
        NOW,
    );
    parse_index_into(raw, received, &mut p);
    p
}

/// Index-only parsing skips building structured-data names because none
/// of them can be a name [`kv::promote`] reads: those have no dot.
#[test]
fn promoted_names_have_no_dot() {
    assert!(kv::PROMOTED.iter().all(|k| !k.contains('.')));
}

/// A corpus-like RFC 5424 line: `header` (PRI to MSGID), `params` structured-data parameters
/// (ids and names up to past [`MAX_KEY_LEN`] together, values escaped or
/// multi-byte) and `big.0` values of `big.1` two-byte characters (around
/// [`MAX_VALUE_LEN`]), then a body with vendor keys, so the field limits
/// ([`MAX_FIELDS`], [`MAX_FIELD_BYTES`]) are reached in some cases before
/// the keys the index reads.
fn corpus_like_line(
    header: &str,
    id: &str,
    params: &[(String, String)],
    (big, big_len): (usize, usize),
    body: &str,
) -> String {
    let mut line = format!("{header} [{id}");
    for (k, v) in params {
        line.push_str(&format!(" {k}=\"{}\"", sd_escape(v)));
    }
    for i in 0..big {
        line.push_str(&format!(" big{i}=\"{}\"", "é".repeat(big_len)));
    }
    line.push_str("] ");
    line.push_str(body);
    line
}

fn sd_name() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9@._-]{1,32}"
}

proptest! {
    #[test]
    fn never_panics(raw in proptest::collection::vec(any::<u8>(), 0..400)) {
        let p = parse_record(&raw, NOW);
        prop_assert_eq!(index_of(&raw, NOW), index_only(p));
    }

    #[test]
    fn never_panics_near_syslog(
        prefix in prop::sample::select(vec!["<13>1 ", "<189>", "<13>1 2024-01-17T10:18:20Z h a - - [", "*Mar  1 ", "%%01", "{\"a\":", "<13>Jan 17 2024 ", "%Jan  1 00:00:00:"]),
        rest in "[ -~\u{80}-\u{10ffff}]{0,120}",
    ) {
        let raw = format!("{prefix}{rest}");
        let p = parse_record(raw.as_bytes(), NOW);
        prop_assert_eq!(index_of(raw.as_bytes(), NOW), index_only(p));
    }

    #[test]
    fn index_parse_of_corpus_like_lines(
        // the second header leaves host, time and severity to the vendor keys
        header in prop::sample::select(vec!["<134>1 2026-11-01T00:02:52.800Z nat-gw-03 natd 28061 NAT", "<999>1 - - natd - -"]),
        id in prop::sample::select(vec!["nat@32473".to_string(), "fw@32473".to_string(), "x".repeat(120), "é".repeat(70)]),
        params in proptest::collection::vec((sd_name(), "[a-z0-9.\"\\\\\\]é]{0,12}"), 0..300),
        big in (0usize..20, 2000usize..2100),
        body in prop::sample::select(vec![
            "session created",
            "level=error devname=fw9 date=2026-11-01 time=01:02:03 tz=+0800",
            "k=v severity=warning eventtime=1761955200",
            "msg=\"a \\\" b\" level=3",
        ]),
    ) {
        let line = corpus_like_line(header, &id, &params, big, body);
        let p = parse_record(line.as_bytes(), NOW);
        prop_assert_eq!(index_of(line.as_bytes(), NOW), index_only(p));
    }

    #[test]
    fn reuse_after_any_record(
        a in proptest::collection::vec(any::<u8>(), 0..300),
        b in proptest::collection::vec(any::<u8>(), 0..300),
    ) {
        let mut p = parse_record(&a, NOW);
        parse_record_into(&b, NOW, &mut p);
        prop_assert_eq!(p, parse_record(&b, NOW));
    }

    #[test]
    fn rfc5424_round_trips(
        pri in 0u8..=191,
        secs in 0i64..4_000_000_000,
        micros in 0u32..1_000_000,
        off_min in -12i16*60..=14*60,
        host in "[!-~]{1,40}",
        app in "[!-~]{1,20}",
        procid in "[!-~]{1,10}",
        msgid in "[!-~]{1,10}",
        sd in proptest::collection::vec((sd_name(), proptest::collection::vec((sd_name(), "\\PC{0,30}"), 0..4)), 0..3),
        msg in "[^\u{feff}]{0,60}",
    ) {
        let nil = |s: &String| s == "-";
        prop_assume!(!nil(&host) && !nil(&app) && !nil(&procid) && !nil(&msgid));
        let offset = time::UtcOffset::from_whole_seconds(i32::from(off_min) * 60).unwrap();
        let t = OffsetDateTime::from_unix_timestamp(secs).unwrap().replace_microsecond(micros).unwrap().to_offset(offset);
        let mut line = format!("<{pri}>1 {} {host} {app} {procid} {msgid} ", t.format(&Rfc3339).unwrap());
        let mut want = vec![("procid".to_string(), procid.clone()), ("msgid".to_string(), msgid.clone())];
        if sd.is_empty() {
            line.push('-');
        }
        for (id, params) in &sd {
            line.push('[');
            line.push_str(id);
            for (k, v) in params {
                line.push_str(&format!(" {k}=\"{}\"", sd_escape(v)));
                want.push((format!("{id}.{k}"), v.clone()));
            }
            line.push(']');
        }
        line.push(' ');
        line.push_str(&msg);
        let p = parse_record(line.as_bytes(), NOW);
        prop_assert_eq!(p.format, Format::Rfc5424);
        prop_assert_eq!(p.event_time, Some(t));
        prop_assert_eq!(p.host.as_deref(), Some(host.as_str()));
        prop_assert_eq!(p.app.as_deref(), Some(app.as_str()));
        prop_assert_eq!(p.severity, Some(pri & 7));
        prop_assert_eq!(p.facility, Some(pri >> 3));
        prop_assert_eq!(&p.fields[..want.len()], &want[..]);
        let trimmed = msg.trim_end_matches(['\n', '\r', '\0']);
        prop_assert_eq!(p.message, trimmed);
    }
}
