//! Points (分) as exact hundredths. Scores, totals, aggregates and site scores are kept and
//! computed in hundredths, so that sums and averages are exact (0.1 + 0.2 never matters) and a
//! figure on a report equals the one in the database. They cross files and IPC as a decimal
//! number (`7.5`), which is what people and spreadsheets read.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use ts_rs::TS;

/// A number of points in hundredths: `Points::from_centi(750)` is 7.5 points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, TS)]
#[ts(export, type = "number")]
pub struct Points(i64);

impl Points {
    pub const ZERO: Points = Points(0);

    pub const fn from_centi(centi: i64) -> Points {
        Points(centi)
    }

    /// The points in hundredths.
    pub const fn centi(self) -> i64 {
        self.0
    }

    /// The points a decimal number says, if it is finite and has at most two decimals.
    pub fn from_f64(points: f64) -> Option<Points> {
        if !points.is_finite() || points.abs() > 1.0e9 {
            return None;
        }
        let scaled = points * 100.0;
        let rounded = scaled.round();
        ((scaled - rounded).abs() < 1.0e-6).then_some(Points(rounded as i64))
    }

    /// The points as a decimal number, for files, IPC and spreadsheets.
    pub fn to_f64(self) -> f64 {
        self.0 as f64 / 100.0
    }
}

impl std::fmt::Display for Points {
    /// As a scoring sheet prints points: `7`, `7.5`, `7.25`, `-3.5`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (sign, abs) = if self.0 < 0 {
            ("-", -self.0)
        } else {
            ("", self.0)
        };
        let (whole, cents) = (abs / 100, abs % 100);
        match cents {
            0 => write!(f, "{sign}{whole}"),
            c if c % 10 == 0 => write!(f, "{sign}{whole}.{}", c / 10),
            c => write!(f, "{sign}{whole}.{c:02}"),
        }
    }
}

impl std::ops::Add for Points {
    type Output = Points;
    fn add(self, other: Points) -> Points {
        Points(self.0 + other.0)
    }
}

impl std::ops::Sub for Points {
    type Output = Points;
    fn sub(self, other: Points) -> Points {
        Points(self.0 - other.0)
    }
}

impl std::iter::Sum for Points {
    fn sum<I: Iterator<Item = Points>>(iter: I) -> Points {
        Points(iter.map(|p| p.0).sum())
    }
}

impl Serialize for Points {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_f64(self.to_f64())
    }
}

impl<'de> Deserialize<'de> for Points {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Points, D::Error> {
        let value = f64::deserialize(deserializer)?;
        Points::from_f64(value)
            .ok_or_else(|| serde::de::Error::custom(format!("分数 {value} 须为数字，最多两位小数")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_become_exact_hundredths_and_print_as_on_a_sheet() {
        assert_eq!(Points::from_f64(7.5), Some(Points::from_centi(750)));
        assert_eq!(Points::from_f64(0.1 + 0.2), Some(Points::from_centi(30)));
        assert_eq!(Points::from_f64(7.333), None);
        assert_eq!(Points::from_f64(f64::NAN), None);
        assert_eq!(Points::from_f64(f64::INFINITY), None);
        for (centi, text) in [
            (700, "7"),
            (750, "7.5"),
            (725, "7.25"),
            (5, "0.05"),
            (-350, "-3.5"),
            (0, "0"),
        ] {
            assert_eq!(Points::from_centi(centi).to_string(), text);
        }
    }

    #[test]
    fn points_cross_json_as_the_decimal_people_read() {
        assert_eq!(
            serde_json::to_string(&Points::from_centi(8550)).unwrap(),
            "85.5"
        );
        assert_eq!(
            serde_json::from_str::<Points>("7.25").unwrap(),
            Points::from_centi(725)
        );
        assert!(serde_json::from_str::<Points>("7.333").is_err());
        let sum: Points = [Points::from_centi(10), Points::from_centi(20)]
            .into_iter()
            .sum();
        assert_eq!(sum, Points::from_centi(30));
    }
}
