//! The 21 prefecture-level cities (地级以上市) of Guangdong, and their yearly application quota (P2).

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use ts_rs::TS;

use crate::DomainError;

/// One of Guangdong's 21 prefecture-level cities. Stored in the database by its two-letter code;
/// exchanged in JSON and shown to users by its Chinese name (`广州市`); matched on input by
/// either, by the name without 市, or by the English name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, TS)]
#[ts(export, type = "string")]
pub enum City {
    GZ,
    SZ,
    ZH,
    ST,
    FS,
    SG,
    ZJ,
    ZQ,
    JM,
    MM,
    HZ,
    MZ,
    SW,
    HY,
    YJ,
    QY,
    DG,
    ZS,
    CZ,
    JY,
    YF,
}

impl City {
    /// All cities in the order of the province's official listing.
    pub const ALL: [City; 21] = [
        City::GZ,
        City::SZ,
        City::ZH,
        City::ST,
        City::FS,
        City::SG,
        City::ZJ,
        City::ZQ,
        City::JM,
        City::MM,
        City::HZ,
        City::MZ,
        City::SW,
        City::HY,
        City::YJ,
        City::QY,
        City::DG,
        City::ZS,
        City::CZ,
        City::JY,
        City::YF,
    ];

    /// The two-letter code used in application codes such as `2026-GZ-01`.
    pub fn code(self) -> &'static str {
        self.names().0
    }

    /// The official Chinese name, e.g. `广州市`.
    pub fn name_zh(self) -> &'static str {
        self.names().1
    }

    /// The English name, for the English interface.
    pub fn name_en(self) -> &'static str {
        self.names().2
    }

    fn names(self) -> (&'static str, &'static str, &'static str) {
        match self {
            City::GZ => ("GZ", "广州市", "Guangzhou"),
            City::SZ => ("SZ", "深圳市", "Shenzhen"),
            City::ZH => ("ZH", "珠海市", "Zhuhai"),
            City::ST => ("ST", "汕头市", "Shantou"),
            City::FS => ("FS", "佛山市", "Foshan"),
            City::SG => ("SG", "韶关市", "Shaoguan"),
            City::ZJ => ("ZJ", "湛江市", "Zhanjiang"),
            City::ZQ => ("ZQ", "肇庆市", "Zhaoqing"),
            City::JM => ("JM", "江门市", "Jiangmen"),
            City::MM => ("MM", "茂名市", "Maoming"),
            City::HZ => ("HZ", "惠州市", "Huizhou"),
            City::MZ => ("MZ", "梅州市", "Meizhou"),
            City::SW => ("SW", "汕尾市", "Shanwei"),
            City::HY => ("HY", "河源市", "Heyuan"),
            City::YJ => ("YJ", "阳江市", "Yangjiang"),
            City::QY => ("QY", "清远市", "Qingyuan"),
            City::DG => ("DG", "东莞市", "Dongguan"),
            City::ZS => ("ZS", "中山市", "Zhongshan"),
            City::CZ => ("CZ", "潮州市", "Chaozhou"),
            City::JY => ("JY", "揭阳市", "Jieyang"),
            City::YF => ("YF", "云浮市", "Yunfu"),
        }
    }

    /// P2: Guangzhou and Shenzhen may recommend at most two applications a year, every other
    /// prefecture-level city at most one.
    pub fn yearly_quota(self) -> u32 {
        match self {
            City::GZ | City::SZ => 2,
            _ => 1,
        }
    }

    /// Finds a city by its Chinese name (with or without 市), its two-letter code or its English
    /// name. Surrounding white space is ignored.
    pub fn parse(input: &str) -> Result<City, DomainError> {
        let wanted = input.trim();
        City::ALL
            .into_iter()
            .find(|city| {
                let (code, zh, en) = city.names();
                wanted == zh
                    || wanted == zh.trim_end_matches('市')
                    || wanted.eq_ignore_ascii_case(code)
                    || wanted.eq_ignore_ascii_case(en)
            })
            .ok_or_else(|| DomainError::UnknownCity(wanted.to_owned()))
    }
}

impl Serialize for City {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name_zh())
    }
}

impl<'de> Deserialize<'de> for City {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        City::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Coded;
    use std::collections::HashSet;

    #[test]
    fn twenty_one_distinct_cities() {
        let codes: HashSet<_> = City::ALL.iter().map(|c| c.code()).collect();
        let names: HashSet<_> = City::ALL.iter().map(|c| c.name_zh()).collect();
        assert_eq!(codes.len(), 21);
        assert_eq!(names.len(), 21);
    }

    #[test]
    fn quota_p2() {
        let two: Vec<_> = City::ALL
            .into_iter()
            .filter(|c| c.yearly_quota() == 2)
            .collect();
        assert_eq!(two, vec![City::GZ, City::SZ]);
        assert_eq!(City::SG.yearly_quota(), 1);
    }

    #[test]
    fn parse_accepts_every_spelling() {
        for input in ["广州市", "广州", " GZ ", "gz", "Guangzhou"] {
            assert_eq!(City::parse(input).unwrap(), City::GZ, "{input}");
        }
        for city in City::ALL {
            assert_eq!(City::parse(city.name_zh()).unwrap(), city);
        }
    }

    #[test]
    fn json_uses_the_chinese_name() {
        assert_eq!(serde_json::to_string(&City::SG).unwrap(), "\"韶关市\"");
        assert_eq!(serde_json::from_str::<City>("\"韶关\"").unwrap(), City::SG);
        assert!(serde_json::from_str::<City>("\"长沙市\"").is_err());
    }

    #[test]
    fn parse_rejects_cities_outside_guangdong() {
        let err = City::parse("长沙市").unwrap_err();
        assert_eq!(err.code(), crate::ErrorCode::UnknownCity);
        assert!(err.to_string().contains("长沙市"));
    }
}
