//! What a finding is: its type, category and sensitivity.

use std::fmt;

/// The type of a finding. The names returned by [`Kind::name`] are stable
/// (they appear in every output format).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Kind {
    /// Resident ID number (公民身份号码), 18 or 15 digits, incl. HK/Macao/Taiwan residence permits.
    CnId,
    /// Mainland mobile number.
    CnMobile,
    /// Landline number with area code.
    Landline,
    /// Payment card number (Luhn + issuer prefix).
    BankCard,
    /// Unified social credit code (统一社会信用代码).
    CnUscc,
    /// Passport number.
    Passport,
    /// Travel permit (通行证) number.
    TravelPermit,
    /// E-mail address.
    Email,
    /// IPv4 address.
    Ipv4,
    /// IPv6 address.
    Ipv6,
    /// MAC address.
    Mac,
    /// IMEI (Luhn, with context).
    Imei,
    /// Vehicle licence plate (GA 36-2018).
    Plate,
    /// A GPS coordinate pair inside China.
    Gps,
    /// A Chinese personal name (dictionary + context).
    CnName,
    /// A Chinese postal address (administrative division + street grammar).
    CnAddress,
    /// A private key block (PEM).
    PrivateKey,
    /// A password (connection string, `password=` pair).
    Password,
    /// An API token of a known shape (AWS, GitHub, GitLab, Slack, OpenAI, Google).
    ApiToken,
}

impl Kind {
    /// Every kind, in output order.
    pub const ALL: [Kind; 19] = [
        Kind::CnId,
        Kind::CnMobile,
        Kind::Landline,
        Kind::BankCard,
        Kind::CnUscc,
        Kind::Passport,
        Kind::TravelPermit,
        Kind::Email,
        Kind::Ipv4,
        Kind::Ipv6,
        Kind::Mac,
        Kind::Imei,
        Kind::Plate,
        Kind::Gps,
        Kind::CnName,
        Kind::CnAddress,
        Kind::PrivateKey,
        Kind::Password,
        Kind::ApiToken,
    ];

    /// Stable machine name (`cn_id`, `cn_mobile`, …).
    pub fn name(self) -> &'static str {
        match self {
            Kind::CnId => "cn_id",
            Kind::CnMobile => "cn_mobile",
            Kind::Landline => "landline",
            Kind::BankCard => "bank_card",
            Kind::CnUscc => "cn_uscc",
            Kind::Passport => "passport",
            Kind::TravelPermit => "travel_permit",
            Kind::Email => "email",
            Kind::Ipv4 => "ipv4",
            Kind::Ipv6 => "ipv6",
            Kind::Mac => "mac",
            Kind::Imei => "imei",
            Kind::Plate => "plate",
            Kind::Gps => "gps",
            Kind::CnName => "cn_name",
            Kind::CnAddress => "cn_address",
            Kind::PrivateKey => "private_key",
            Kind::Password => "password",
            Kind::ApiToken => "api_token",
        }
    }

    /// Parse a machine name.
    pub fn from_name(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == s)
    }

    /// Short Chinese label.
    pub fn label_zh(self) -> &'static str {
        match self {
            Kind::CnId => "身份证号",
            Kind::CnMobile => "手机号",
            Kind::Landline => "固定电话",
            Kind::BankCard => "银行卡号",
            Kind::CnUscc => "统一社会信用代码",
            Kind::Passport => "护照号",
            Kind::TravelPermit => "通行证号",
            Kind::Email => "电子邮箱",
            Kind::Ipv4 => "IPv4 地址",
            Kind::Ipv6 => "IPv6 地址",
            Kind::Mac => "MAC 地址",
            Kind::Imei => "IMEI",
            Kind::Plate => "车牌号",
            Kind::Gps => "GPS 坐标",
            Kind::CnName => "姓名",
            Kind::CnAddress => "地址",
            Kind::PrivateKey => "私钥",
            Kind::Password => "密码",
            Kind::ApiToken => "API 令牌",
        }
    }

    /// Short English label.
    pub fn label_en(self) -> &'static str {
        match self {
            Kind::CnId => "resident ID",
            Kind::CnMobile => "mobile",
            Kind::Landline => "landline",
            Kind::BankCard => "bank card",
            Kind::CnUscc => "USCC",
            Kind::Passport => "passport",
            Kind::TravelPermit => "travel permit",
            Kind::Email => "e-mail",
            Kind::Ipv4 => "IPv4",
            Kind::Ipv6 => "IPv6",
            Kind::Mac => "MAC",
            Kind::Imei => "IMEI",
            Kind::Plate => "licence plate",
            Kind::Gps => "GPS",
            Kind::CnName => "name",
            Kind::CnAddress => "address",
            Kind::PrivateKey => "private key",
            Kind::Password => "password",
            Kind::ApiToken => "API token",
        }
    }

    /// Whether a finding of this kind is a secret (credential) rather than
    /// personal information.
    pub fn is_secret(self) -> bool {
        matches!(self, Kind::PrivateKey | Kind::Password | Kind::ApiToken)
    }

    /// Whether a checksum validates this kind (so precision is expected to be
    /// near 1).
    pub fn is_checksummed(self) -> bool {
        matches!(
            self,
            Kind::CnId | Kind::BankCard | Kind::CnUscc | Kind::Imei
        )
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A masked rendering of a value, stored inline (no heap allocation per
/// finding). It never holds the full value: see [`crate::mask`].
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Masked {
    buf: [u8; 62],
    len: u8,
}

impl Masked {
    /// Build from text; longer text is cut at a char boundary.
    pub(crate) fn new(s: &str) -> Masked {
        let mut end = s.len().min(62);
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        let mut buf = [0u8; 62];
        buf[..end].copy_from_slice(&s.as_bytes()[..end]);
        Masked {
            buf,
            len: end as u8,
        }
    }

    /// No text (all zeros): what [`crate::mask`] writes a mask over.
    pub(crate) const EMPTY: Masked = Masked {
        buf: [0; 62],
        len: 0,
    };

    /// The buffer and the length, to write a mask in place: `len` ASCII
    /// bytes then zeros (the padding of [`Masked::new`]).
    pub(crate) fn parts_mut(&mut self) -> (&mut [u8; 62], &mut u8) {
        (&mut self.buf, &mut self.len)
    }

    /// The masked text.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.buf[..usize::from(self.len)]).unwrap_or("")
    }
}

impl fmt::Debug for Masked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.as_str())
    }
}

impl fmt::Display for Masked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Flags of a finding.
pub mod flags {
    /// The value in the source is already masked (`138****8000`): de-identified, not raw PI.
    pub const DEIDENTIFIED: u8 = 1;
    /// A resident ID whose birth date makes the person younger than 14.
    pub const MINOR: u8 = 2;
    /// A context keyword was found near the value (or in the column name).
    pub const CONTEXT: u8 = 4;
    /// A `92…` USCC: an individual business (个体工商户), tied to a person.
    pub const INDIVIDUAL: u8 = 8;
    /// A private-range or loopback IP address.
    pub const PRIVATE_NET: u8 = 16;
    /// A 15-digit legacy ID number.
    pub const LEGACY: u8 = 32;
}

/// One detected value. Offsets are byte offsets in the original input
/// (before any decoding). No full value is kept: only a masked rendering and
/// a 64-bit hash of the normalised value (for distinct counts).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Finding {
    /// What was found.
    pub kind: Kind,
    /// Start offset (inclusive) in the original bytes.
    pub start: u64,
    /// End offset (exclusive) in the original bytes.
    pub end: u64,
    /// Confidence 0–100 (85: check + context, 75: check, 50–65: shape + context).
    pub confidence: u8,
    /// See [`flags`].
    pub flags: u8,
    /// Hash of the normalised value (for distinct counts; not reversible in
    /// practice for long values, but do not publish it for short ones).
    pub hash: u64,
    /// Hash of the person the value identifies (resident ID only), else 0.
    pub person: u64,
    /// Masked rendering, safe to print.
    pub masked: Masked,
}

impl Finding {
    /// Whether the source value was already masked.
    pub fn is_deidentified(&self) -> bool {
        self.flags & flags::DEIDENTIFIED != 0
    }

    /// Whether this finding shows a minor (under 14).
    pub fn is_minor(&self) -> bool {
        self.flags & flags::MINOR != 0
    }
}
