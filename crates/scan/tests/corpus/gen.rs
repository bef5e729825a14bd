//! Seeded generator of labelled corpora for the scanner (no dependencies:
//! also compiled into `cargo xtask gen-scan-corpus` and the benchmarks).
//!
//! Lines mix Chinese prose, English logs, CSV rows, JSON objects and
//! filler. Valid identifiers carry correct checksums and are labelled with
//! their byte span; invalid ones (wrong check digit, impossible date,
//! unallocated mobile prefix, wrong Luhn/MOD 31) and decoys (18-digit order
//! numbers, 13-digit millisecond timestamps, 16-digit trace ids, version
//! strings, amounts) are never labelled. Variants: full-width digits, lower
//! case `x`, `+86`/`0086` prefixes, space and hyphen grouping, masked values
//! (labelled as masked), and names and addresses in contexts the detector
//! does and does not know (so their recall is honest, not 1 by construction).

#![allow(dead_code)]

/// A labelled span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    /// Start byte offset (UTF-8 text).
    pub start: usize,
    /// End byte offset.
    pub end: usize,
    /// Type name as printed by the scanner (`cn_id`, `cn_mobile`, …).
    pub kind: &'static str,
    /// The value is masked in the text (`138****8000`).
    pub masked: bool,
}

/// A generated corpus.
#[derive(Debug, Default)]
pub struct Corpus {
    /// UTF-8 text.
    pub text: String,
    /// Labels in text order.
    pub labels: Vec<Label>,
}

/// SplitMix64.
pub struct Rng(u64);

impl Rng {
    /// Seeded generator.
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }
    /// Next 64 random bits.
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 > 1.0 - p
    }
    /// Pick one.
    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }
    fn digits(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| (b'0' + self.below(10) as u8) as char)
            .collect()
    }
}

const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

fn id_check(s17: &str) -> char {
    let s: u32 = s17
        .bytes()
        .zip(W)
        .map(|(c, w)| u32::from(c - b'0') * w)
        .sum();
    b"10X98765432"[(s % 11) as usize] as char
}

fn luhn_digit(body: &str) -> char {
    let mut tot = 0;
    for (i, c) in body.bytes().rev().enumerate() {
        let mut v = u32::from(c - b'0');
        if i % 2 == 0 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        tot += v;
    }
    (b'0' + ((10 - tot % 10) % 10) as u8) as char
}

const CS: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const UW: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

fn uscc_check(s17: &str) -> char {
    let s: u32 = s17
        .bytes()
        .zip(UW)
        .map(|(c, w)| CS.iter().position(|&x| x == c).unwrap_or(0) as u32 * w)
        .sum();
    CS[((31 - s % 31) % 31) as usize] as char
}

fn org_check(s8: &str) -> char {
    const OW: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];
    let s: u32 = s8
        .bytes()
        .zip(OW)
        .map(|(c, w)| {
            let v = if c.is_ascii_digit() {
                u32::from(c - b'0')
            } else {
                u32::from(c - b'A') + 10
            };
            v * w
        })
        .sum();
    match 11 - s % 11 {
        10 => 'X',
        11 => '0',
        c => (b'0' + c as u8) as char,
    }
}

const PROVINCES: &[&str] = &[
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41",
    "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65",
];
const MOBILE_PREFIX: &[&str] = &[
    "130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "145", "147", "150",
    "151", "152", "153", "155", "156", "157", "158", "159", "162", "165", "166", "167", "170",
    "171", "172", "173", "175", "176", "177", "178", "180", "181", "182", "183", "184", "185",
    "186", "187", "188", "189", "190", "191", "192", "193", "195", "196", "197", "198", "199",
];
const BAD_MOBILE_PREFIX: &[&str] = &[
    "100", "110", "120", "121", "122", "104", "160", "194", "154", "140",
];
const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "欧阳", "司马", "诸葛",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明",
    "超", "秀英", "桂英", "志强", "建华", "晓东", "海燕", "子涵", "浩然",
];
const CITIES: &[(&str, &str)] = &[
    ("北京市", "朝阳区"),
    ("上海市", "浦东新区"),
    ("广东省广州市", "天河区"),
    ("浙江省杭州市", "西湖区"),
    ("四川省成都市", "武侯区"),
    ("湖北省武汉市", "洪山区"),
    ("江苏省南京市", "鼓楼区"),
    ("甘肃省兰州市", "城关区"),
];
const ROADS: &[&str] = &[
    "建国路",
    "中山路",
    "人民路",
    "解放大道",
    "文三路",
    "长江路",
    "和平街",
    "南京西路",
];
const FILLER_ZH: &[&str] = &[
    "本季度营业收入同比增长百分之十二，净利润保持稳定。",
    "会议决定于下周三召开项目评审会，请各部门提前准备材料。",
    "系统将在今晚进行例行维护，预计耗时两小时。",
    "根据网络安全法的要求，运营者应当留存网络日志不少于六个月。",
    "商品已发货，预计三天内送达，请注意查收。",
    "版本 2.3.1.4 修复了若干已知问题，价格 39.90 元，折扣 0.85。",
];
const FILLER_EN: &[&str] = &[
    "The quarterly report shows steady growth across all regions.",
    "Please review the attached design document before Friday.",
    "Cache hit ratio improved after the index was rebuilt.",
    "Release 10.2.3.4 ships with 3.14159 precision and build 20240501.",
];

fn to_fullwidth(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '0'..='9' => char::from_u32(0xFF10 + (c as u32 - '0' as u32)).unwrap_or(c),
            'A'..='Z' => char::from_u32(0xFF21 + (c as u32 - 'A' as u32)).unwrap_or(c),
            _ => c,
        })
        .collect()
}

/// The generator state: text under construction and labels.
pub struct Gen {
    /// Randomness.
    pub rng: Rng,
    /// Output.
    pub out: Corpus,
}

impl Gen {
    fn push(&mut self, s: &str) {
        self.out.text.push_str(s);
    }

    fn label(&mut self, s: &str, kind: &'static str, masked: bool) {
        let start = self.out.text.len();
        self.out.text.push_str(s);
        self.out.labels.push(Label {
            start,
            end: self.out.text.len(),
            kind,
            masked,
        });
    }

    fn id_valid(&mut self) -> String {
        let p = *self.rng.pick(PROVINCES);
        let area = format!(
            "{p}{:02}{:02}",
            self.rng.below(20) + 1,
            self.rng.below(30) + 1
        );
        let y = 1940 + self.rng.below(85);
        let m = self.rng.below(12) + 1;
        let d = self.rng.below(28) + 1;
        let s17 = format!("{area}{y}{m:02}{d:02}{:03}", self.rng.below(1000));
        let c = id_check(&s17);
        format!("{s17}{c}")
    }

    /// A resident ID in some form; labelled when valid.
    fn id(&mut self) {
        let r = self.rng.below(100);
        let v = self.id_valid();
        match r {
            0..=59 => self.label(&v, "cn_id", false),
            60..=64 => {
                let l = v.to_lowercase();
                self.label(&l, "cn_id", false)
            }
            65..=69 => {
                let f = to_fullwidth(&v);
                self.label(&f, "cn_id", false)
            }
            70..=72 => {
                let g = format!("{} {} {}", &v[..6], &v[6..14], &v[14..]);
                self.label(&g, "cn_id", false)
            }
            73..=77 => {
                let m = format!("{}********{}", &v[..6], &v[14..]);
                self.label(&m, "cn_id", true)
            }
            78..=88 => {
                // wrong check digit
                let c = v.as_bytes()[17];
                let wrong = if c == b'0' { '1' } else { '0' };
                let w = format!("{}{wrong}", &v[..17]);
                self.push(&w)
            }
            _ => {
                // month 13
                let mut w = v.into_bytes();
                w[10] = b'1';
                w[11] = b'3';
                self.push(&String::from_utf8(w).unwrap_or_default())
            }
        }
    }

    fn mobile(&mut self) {
        let r = self.rng.below(100);
        let p = *self.rng.pick(MOBILE_PREFIX);
        let a = self.rng.digits(4);
        let b = self.rng.digits(4);
        match r {
            0..=44 => self.label(&format!("{p}{a}{b}"), "cn_mobile", false),
            45..=54 => self.label(&format!("+86 {p}{a}{b}"), "cn_mobile", false),
            55..=62 => self.label(&format!("{p}-{a}-{b}"), "cn_mobile", false),
            63..=69 => self.label(&format!("{p} {a} {b}"), "cn_mobile", false),
            70..=73 => self.label(&format!("0086{p}{a}{b}"), "cn_mobile", false),
            74..=78 => self.label(&to_fullwidth(&format!("{p}{a}{b}")), "cn_mobile", false),
            79..=83 => self.label(&format!("{p}****{b}"), "cn_mobile", true),
            _ => {
                let bad = *self.rng.pick(BAD_MOBILE_PREFIX);
                self.push(&format!("{bad}{a}{b}"))
            }
        }
    }

    fn card(&mut self) {
        let len = if self.rng.chance(0.5) { 16 } else { 19 };
        let body = format!("62{}", self.rng.digits(len - 3));
        let c = luhn_digit(&body);
        let v = format!("{body}{c}");
        let r = self.rng.below(100);
        match r {
            0..=69 => self.label(&v, "bank_card", false),
            70..=79 if len == 16 => {
                let g = format!("{} {} {} {}", &v[..4], &v[4..8], &v[8..12], &v[12..]);
                self.label(&g, "bank_card", false)
            }
            70..=84 => self.label(&v, "bank_card", false),
            _ => {
                let wrong = if c == '0' { '1' } else { '0' };
                self.push(&format!("{body}{wrong}"))
            }
        }
    }

    fn uscc(&mut self) {
        let ty = *self.rng.pick(&["91", "92", "93", "11", "12", "51", "52"]);
        let region = format!("{}{}", self.rng.pick(PROVINCES), self.rng.digits(4));
        let org8: String = (0..8)
            .map(|k| {
                if k < 2 && self.rng.chance(0.5) {
                    *self.rng.pick(b"MALEK") as char
                } else {
                    (b'0' + self.rng.below(10) as u8) as char
                }
            })
            .collect();
        let oc = org_check(&org8);
        let s17 = format!("{ty}{region}{org8}{oc}");
        let c = uscc_check(&s17);
        if self.rng.chance(0.85) {
            self.label(&format!("{s17}{c}"), "cn_uscc", false);
        } else {
            let wrong = if c == '0' { '1' } else { '0' };
            self.push(&format!("{s17}{wrong}"));
        }
    }

    fn email(&mut self) {
        let user = format!(
            "{}{}",
            self.rng.pick(&[
                "zhang.san",
                "li_si",
                "wang5",
                "user",
                "test.account",
                "ops-team"
            ]),
            self.rng.below(1000)
        );
        let dom = *self.rng.pick(&[
            "example.com",
            "qq.com",
            "163.com",
            "company.cn",
            "mail.example.org",
        ]);
        self.label(&format!("{user}@{dom}"), "email", false);
    }

    fn ipv4(&mut self) {
        let a = *self
            .rng
            .pick(&[58u64, 61, 101, 114, 120, 183, 202, 203, 221]);
        let v = format!(
            "{a}.{}.{}.{}",
            self.rng.below(256),
            self.rng.below(256),
            self.rng.below(254) + 1
        );
        self.label(&v, "ipv4", false);
    }

    fn name_str(&mut self) -> String {
        format!("{}{}", self.rng.pick(SURNAMES), self.rng.pick(GIVEN))
    }

    fn address(&mut self) {
        let (c, d) = *self.rng.pick(CITIES);
        let road = *self.rng.pick(ROADS);
        let v = format!("{c}{d}{road}{}号", self.rng.below(300) + 1);
        let v = if self.rng.chance(0.5) {
            format!(
                "{v}{}栋{}单元{}室",
                self.rng.below(20) + 1,
                self.rng.below(6) + 1,
                100 + self.rng.below(2000)
            )
        } else {
            v
        };
        self.label(&v, "cn_address", false);
    }

    fn decoy(&mut self) {
        match self.rng.below(6) {
            0 => {
                let v = format!("{}{}", self.rng.below(9) + 1, self.rng.digits(17));
                self.push(&format!("订单号{v}"));
            }
            1 => {
                let v = format!("17{}", self.rng.digits(11));
                self.push(&format!("ts={v}"));
            }
            2 => {
                let v = format!("{}{}", self.rng.below(9) + 1, self.rng.digits(15));
                self.push(&format!("trace={v}"));
            }
            3 => {
                let v = format!("{}{}", self.rng.below(9) + 1, self.rng.digits(17));
                self.push(&format!("req={v}"));
            }
            4 => {
                let s = format!(
                    "金额 {}.{:02} 元",
                    self.rng.below(100_000),
                    self.rng.below(100)
                );
                self.push(&s)
            }
            _ => {
                let s = format!(
                    "v{}.{}.{}",
                    self.rng.below(10),
                    self.rng.below(30),
                    self.rng.below(100)
                );
                self.push(&s)
            }
        }
    }

    fn line_zh(&mut self) {
        let n = self.name_str();
        match self.rng.below(4) {
            0 => {
                self.push("客户");
                self.label(&n, "cn_name", false);
                self.push("的身份证号为");
                self.id();
                self.push("，手机");
                self.mobile();
                self.push("，住址");
                self.address();
                self.push("。\n");
            }
            1 => {
                self.push("收件人：");
                self.label(&n, "cn_name", false);
                self.push("，联系电话：");
                self.mobile();
                self.push("，地址：");
                self.address();
                self.push("。\n");
            }
            2 => {
                // a context the detector does not know: honest recall for names
                self.push("今天");
                self.label(&n, "cn_name", false);
                self.push("来办理业务，银行卡号");
                self.card();
                self.push("，");
                self.decoy();
                self.push("。\n");
            }
            _ => {
                self.push("企业统一社会信用代码");
                self.uscc();
                self.push("，联系人");
                self.label(&n, "cn_name", false);
                self.push("，邮箱");
                self.email();
                self.push("。\n");
            }
        }
    }

    fn line_log(&mut self) {
        let ts = format!(
            "2024-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            self.rng.below(12) + 1,
            self.rng.below(28) + 1,
            self.rng.below(24),
            self.rng.below(60),
            self.rng.below(60)
        );
        self.push(&ts);
        self.push(" INFO login ok user_id=");
        let uid = self.rng.digits(6);
        self.push(&uid);
        self.push(" phone=");
        self.mobile();
        self.push(" ip=");
        self.ipv4();
        self.push(" ");
        self.decoy();
        self.push(" ");
        self.decoy();
        self.push("\n");
    }

    fn line_csv(&mut self) {
        let n = self.name_str();
        {
            let s = format!("{},", self.rng.below(100_000));
            self.push(&s)
        };
        // a name between delimiters: found without a header (issue #22)
        self.label(&n, "cn_name", false);
        self.push(",");
        self.id();
        self.push(",");
        self.card();
        self.push(",");
        self.email();
        self.push(",");
        self.uscc();
        self.push("\n");
    }

    fn line_json(&mut self) {
        let oid = format!("{}{}", self.rng.below(9) + 1, self.rng.digits(17));
        self.push(&format!("{{\"order_id\":\"{oid}\",\"mobile\":\""));
        self.mobile();
        self.push("\",\"email\":\"");
        self.email();
        self.push("\",\"amount\":");
        {
            let s = format!("{}.{:02}", self.rng.below(10_000), self.rng.below(100));
            self.push(&s)
        };
        self.push("}\n");
    }

    fn filler(&mut self) {
        if self.rng.chance(0.5) {
            let s = *self.rng.pick(FILLER_ZH);
            self.push(s);
        } else {
            let s = *self.rng.pick(FILLER_EN);
            self.push(s);
        }
        if self.rng.chance(0.3) {
            self.push(" ");
            self.decoy();
        }
        self.push("\n");
    }
}

/// Generate about `bytes` of text; `pii_ratio` of the lines carry PII.
pub fn generate(seed: u64, bytes: usize, pii_ratio: f64) -> Corpus {
    let mut g = Gen {
        rng: Rng::new(seed),
        out: Corpus::default(),
    };
    while g.out.text.len() < bytes {
        if g.rng.chance(pii_ratio) {
            match g.rng.below(4) {
                0 => g.line_zh(),
                1 => g.line_log(),
                2 => g.line_csv(),
                _ => g.line_json(),
            }
        } else {
            g.filler();
        }
    }
    g.out
}

/// Labels as JSON lines `{"s":…,"e":…,"t":"…","masked":…}`.
pub fn labels_jsonl(c: &Corpus) -> String {
    let mut s = String::new();
    for l in &c.labels {
        s.push_str(&format!(
            "{{\"s\":{},\"e\":{},\"t\":\"{}\",\"masked\":{}}}\n",
            l.start, l.end, l.kind, l.masked
        ));
    }
    s
}
