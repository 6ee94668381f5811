use proptest::prelude::*;

use super::*;

fn input(code: &str, order: u32, material: Option<i64>, site: Option<i64>, c3: i64) -> RankInput {
    RankInput {
        code: code.into(),
        registration_order: order,
        eligible: true,
        material,
        site,
        industrial_base: Some(c3),
    }
}

#[test]
fn methods_on_a_table_of_totals() {
    // (totals in hundredths, mean, median, trimmed mean)
    let table: &[(&[i64], i64, i64, i64)] = &[
        (&[8000, 8200, 7900, 9500, 6000], 7920, 8000, 8033),
        (&[8000, 8200, 7900, 9500], 8400, 8100, 8400), // four: the plain mean
        (&[7000], 7000, 7000, 7000),
        (&[6667, 6667, 6666], 6667, 6667, 6667),
        (&[1, 2], 2, 2, 2), // 1.5 hundredths rounds half away from zero
    ];
    for (totals, m, med, trim) in table {
        assert_eq!(mean(totals), Some(*m), "{totals:?}");
        assert_eq!(median(totals), Some(*med), "{totals:?}");
        assert_eq!(trimmed_mean(totals), Some(*trim), "{totals:?}");
    }
    assert_eq!(mean(&[]), None);
}

#[test]
fn outliers_are_measured_from_the_median() {
    let totals = [
        ("E1", 8000),
        ("E2", 8200),
        ("E3", 7900),
        ("E4", 9700),
        ("E5", 6000),
    ];
    assert_eq!(outliers(&totals, 1500), vec![("E4", 1700), ("E5", -2000)]);
    assert!(outliers(&totals, 2000).is_empty());
}

#[test]
fn ties_are_broken_by_material_then_industrial_base_then_registration() {
    // All four have comprehensive 80.00 with w = 0.6.
    let inputs = [
        input("D", 4, Some(8000), Some(8000), 2000),
        input("C", 3, Some(8000), Some(8000), 2000),
        input("B", 2, Some(8000), Some(8000), 2200),
        input("A", 1, Some(8500), Some(7250), 1000),
        input("X", 5, Some(9000), None, 2500),
        RankInput {
            eligible: false,
            ..input("Z", 6, Some(9900), Some(9900), 2500)
        },
    ];
    let ranked = rank(&inputs, 600);
    let view: Vec<(&str, Option<u32>, Option<TieBreak>, bool)> = ranked
        .iter()
        .map(|r| (r.code.as_str(), r.rank, r.tie_break, r.incomplete))
        .collect();
    assert_eq!(
        view,
        vec![
            ("A", Some(1), None, false),
            ("B", Some(2), Some(TieBreak::MaterialScore), false),
            ("C", Some(3), Some(TieBreak::IndustrialBase), false),
            ("D", Some(4), Some(TieBreak::RegistrationOrder), false),
            ("X", None, None, true),
            ("Z", None, None, false),
        ]
    );
    assert_eq!(ranked[0].comprehensive, Some(8000));
    assert!(!ranked[5].eligible);
}

#[test]
fn selection_by_count_and_cutoff() {
    let inputs: Vec<RankInput> = (0..5)
        .map(|i| {
            input(
                &format!("P{i}"),
                i,
                Some(9000 - 500 * i as i64),
                Some(9000 - 500 * i as i64),
                0,
            )
        })
        .collect();
    let ranked = rank(&inputs, 600);
    assert_eq!(select(&ranked, Some(3), None), ["P0", "P1", "P2"]);
    assert_eq!(select(&ranked, None, Some(8000)), ["P0", "P1", "P2"]);
    assert_eq!(select(&ranked, Some(2), Some(8000)), ["P0", "P1"]);
    assert_eq!(select(&ranked, None, None).len(), 5);
}

#[test]
fn comprehensive_is_exact() {
    // 79.99 × 0.6 + 85.01 × 0.4 = 47.994 + 34.004 = 81.998 → 82.00
    assert_eq!(comprehensive(7999, 8501, 600), 8200);
    assert_eq!(comprehensive(7000, 9000, 1000), 7000);
}

#[test]
fn five_working_days_skip_the_weekend() {
    let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    // Tue 2026-12-01 → Mon 2026-12-07.
    assert_eq!(publicity_end(d("2026-12-01"), 5), d("2026-12-07"));
    // Starting on a Saturday: Mon–Fri of the next week.
    assert_eq!(publicity_end(d("2026-12-05"), 5), d("2026-12-11"));
    assert_eq!(publicity_end(d("2026-12-04"), 1), d("2026-12-04"));
}

/// Worked by hand (and checked with Python's own arithmetic), not recomputed with the functions
/// under test. Panel: 80, 70, 60 (expert A) and 90, 88, 86 (expert B): mean 79.00, population
/// s.d. √(69,400,000 ÷ 6) / 100 = 10.7548…; A's mean 70, s.d. 8.1650; B's mean 88, s.d. 1.6330.
/// A's 80 is +1.2247 s.d. for A → 79 + 1.2247 × 10.7548 = 92.17; its 60 → 65.83; its 70 → 79.
/// B's three land on the same three values: the lenient and the strict expert are made alike.
#[test]
fn zscore_on_a_table_worked_by_hand() {
    let t = |application: u8, expert: char, total: i64| ExpertTotal {
        application,
        expert,
        total,
    };
    let totals = [
        t(1, 'A', 8000),
        t(2, 'A', 7000),
        t(3, 'A', 6000),
        t(1, 'B', 9000),
        t(2, 'B', 8800),
        t(3, 'B', 8600),
    ];
    let adjusted: Vec<i64> = zscore_adjusted(&totals, 10_000)
        .iter()
        .map(|x| x.total)
        .collect();
    assert_eq!(adjusted, vec![9217, 7900, 6583, 9217, 7900, 6583]);
    // One total alone, or all of an expert's totals equal: nothing to standardise, kept.
    let alone = [
        t(1, 'A', 8000),
        t(2, 'A', 7000),
        t(1, 'C', 5000),
        t(1, 'D', 6000),
        t(2, 'D', 6000),
    ];
    let kept: Vec<i64> = zscore_adjusted(&alone, 10_000)
        .iter()
        .map(|x| x.total)
        .collect();
    assert_eq!(kept[2], 5000);
    assert_eq!(&kept[3..], &[6000, 6000]);
    // Clamped to the rubric's maximum: panel 0, 50, 100 (E) and 99, 100 (F); F's 100 is +1 s.d.
    // for F → panel mean 69.80 + 1 × panel s.d. 39.85 = 109.65, clamped to 100.00.
    let wide = [
        t(1, 'E', 0),
        t(2, 'E', 5000),
        t(3, 'E', 10_000),
        t(1, 'F', 9900),
        t(2, 'F', 10_000),
    ];
    let clamped: Vec<i64> = zscore_adjusted(&wide, 10_000)
        .iter()
        .map(|x| x.total)
        .collect();
    assert_eq!(clamped[4], 10_000);
}

proptest! {
    /// Ranks are 1, 2, 3 … without gaps over the eligible complete applications; an ineligible
    /// or incomplete application is never ranked; the order follows the comprehensive score,
    /// then the material score, then industrial base (C3), then registration — and a tie says
    /// which of them broke it.
    #[test]
    fn ranks_are_contiguous_never_ineligible_and_ordered_by_the_tie_breaks(
        apps in proptest::collection::vec((any::<bool>(), proptest::option::of(0i64..=20), proptest::option::of(0i64..=20), 0i64..=3), 0..30),
        weight in 0i64..=1000,
    ) {
        // Scores from a small set, so that ties happen often.
        let inputs: Vec<RankInput> = apps.iter().enumerate().map(|(i, (eligible, m, s, c3))| RankInput {
            code: format!("A{i:02}"),
            registration_order: i as u32 + 1,
            eligible: *eligible,
            material: m.map(|m| m * 500),
            site: s.map(|s| s * 500),
            industrial_base: Some(c3 * 100),
        }).collect();
        let ranked = rank(&inputs, weight);
        prop_assert_eq!(ranked.len(), inputs.len());
        let by_code = |code: &str| inputs.iter().find(|i| i.code == code).unwrap();
        let numbered: Vec<&Ranked> = ranked.iter().filter(|r| r.rank.is_some()).collect();
        for (n, r) in numbered.iter().enumerate() {
            prop_assert_eq!(r.rank, Some(n as u32 + 1));
            let i = by_code(&r.code);
            prop_assert!(i.eligible && i.material.is_some() && i.site.is_some());
        }
        for r in ranked.iter().filter(|r| r.rank.is_none()) {
            let i = by_code(&r.code);
            prop_assert!(!i.eligible || i.material.is_none() || i.site.is_none());
        }
        for pair in numbered.windows(2) {
            let (a, b) = (by_code(&pair[0].code), by_code(&pair[1].code));
            let key = |i: &RankInput, c: i64| (c, i.material.unwrap(), i.industrial_base.unwrap(), std::cmp::Reverse(i.registration_order));
            prop_assert!(key(a, pair[0].comprehensive.unwrap()) > key(b, pair[1].comprehensive.unwrap()));
            prop_assert_eq!(pair[1].tie_break.is_some(), pair[0].comprehensive == pair[1].comprehensive);
        }
        // The selection takes a prefix of the ranking.
        let chosen = select(&ranked, Some(3), None);
        let prefix: Vec<String> = numbered.iter().take(3).map(|r| r.code.clone()).collect();
        prop_assert_eq!(chosen, prefix);
    }

    #[test]
    fn trimmed_mean_stays_within_min_and_max(v in proptest::collection::vec(0i64..=10_000, 1..12)) {
        let t = trimmed_mean(&v).unwrap();
        prop_assert!(*v.iter().min().unwrap() <= t && t <= *v.iter().max().unwrap());
    }

    #[test]
    fn trimmed_mean_is_the_mean_below_five(v in proptest::collection::vec(0i64..=10_000, 1..5)) {
        prop_assert_eq!(trimmed_mean(&v), mean(&v));
    }

    #[test]
    fn every_method_ignores_the_order_of_experts(mut v in proptest::collection::vec(0i64..=10_000, 1..12), seed in any::<u64>()) {
        let before: Vec<_> = [Aggregation::Mean, Aggregation::Median, Aggregation::TrimmedMean].iter().map(|m| aggregate(&v, *m)).collect();
        // A deterministic shuffle.
        let n = v.len();
        for i in (1..n).rev() {
            let j = (seed.wrapping_mul(6364136223846793005).wrapping_add(i as u64) % (i as u64 + 1)) as usize;
            v.swap(i, j);
        }
        let after: Vec<_> = [Aggregation::Mean, Aggregation::Median, Aggregation::TrimmedMean].iter().map(|m| aggregate(&v, *m)).collect();
        prop_assert_eq!(before, after);
    }

    #[test]
    fn zscore_preserves_each_experts_order(cells in proptest::collection::vec((0u8..6, 0u8..4, 0i64..=10_000), 1..40)) {
        let mut seen = std::collections::BTreeSet::new();
        let totals: Vec<ExpertTotal<u8, u8>> = cells
            .into_iter()
            .filter(|(a, e, _)| seen.insert((*a, *e)))
            .map(|(application, expert, total)| ExpertTotal { application, expert, total })
            .collect();
        let adjusted = zscore_adjusted(&totals, 10_000);
        for (x, ax) in totals.iter().zip(&adjusted) {
            prop_assert!((0..=10_000).contains(&ax.total));
            for (y, ay) in totals.iter().zip(&adjusted) {
                if x.expert == y.expert && x.total > y.total {
                    prop_assert!(ax.total >= ay.total, "{x:?} {y:?} → {ax:?} {ay:?}");
                }
            }
        }
    }
}
