use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;

use super::*;

fn loads(result: &BTreeSet<(ApplicationId, ExpertId)>, experts: &[ExpertId]) -> Vec<usize> {
    let mut load: BTreeMap<ExpertId, usize> = experts.iter().map(|e| (*e, 0)).collect();
    for (_, e) in result {
        *load.get_mut(e).unwrap() += 1;
    }
    load.into_values().collect()
}

/// A panel of `n_experts`, `n_apps` applications and a conflict wherever `mask` says so.
fn input(n_apps: usize, n_experts: usize, mask: &[bool], per: u32, seed: u64) -> AssignmentInput {
    let applications: Vec<_> = (1..=n_apps as i64).map(ApplicationId).collect();
    let experts: Vec<_> = (1..=n_experts as i64).map(ExpertId).collect();
    let mut conflicts = BTreeSet::new();
    for (i, a) in applications.iter().enumerate() {
        for (j, e) in experts.iter().enumerate() {
            if mask.get(i * n_experts + j).copied().unwrap_or(false) {
                conflicts.insert((*a, *e));
            }
        }
    }
    AssignmentInput {
        applications,
        experts,
        conflicts,
        fixed: BTreeSet::new(),
        per_application: per,
        seed,
    }
}

fn arb_case() -> impl Strategy<Value = (usize, usize, Vec<bool>, u32, u64)> {
    (1usize..12, 1usize..14, 1u32..6, any::<u64>(), 0u32..4).prop_flat_map(
        |(apps, experts, per, seed, density)| {
            // density 0 = no conflicts; otherwise about one pair in (8 / density).
            let cell = if density == 0 {
                Just(false).boxed()
            } else {
                proptest::bool::weighted(f64::from(density) / 8.0).boxed()
            };
            (
                Just(apps),
                Just(experts),
                proptest::collection::vec(cell, apps * experts),
                Just(per),
                Just(seed),
            )
        },
    )
}

proptest! {
    #[test]
    fn never_a_conflict_and_exactly_n_each((apps, experts, mask, per, seed) in arb_case()) {
        let input = input(apps, experts, &mask, per, seed);
        match assign(&input) {
            Ok(result) => {
                for pair in &result {
                    prop_assert!(!input.conflicts.contains(pair), "conflicted pair {pair:?} assigned");
                }
                for app in &input.applications {
                    let count = result.iter().filter(|(a, _)| a == app).count();
                    prop_assert_eq!(count, per as usize);
                }
            }
            Err(shortfalls) => {
                prop_assert!(!shortfalls.is_empty());
                for s in &shortfalls {
                    let eligible = input.experts.iter().filter(|e| !input.conflicts.contains(&(s.application, **e))).count();
                    prop_assert!(eligible < per as usize);
                    prop_assert_eq!(s.eligible as usize, eligible);
                    prop_assert_eq!(s.conflicted.len(), experts - eligible);
                }
                // And every application that is short is listed.
                let short = input.applications.iter().filter(|a| input.experts.iter().filter(|e| !input.conflicts.contains(&(**a, **e))).count() < per as usize).count();
                prop_assert_eq!(short, shortfalls.len());
            }
        }
    }

    #[test]
    fn deterministic_for_a_seed((apps, experts, mask, per, seed) in arb_case()) {
        let input = input(apps, experts, &mask, per, seed);
        prop_assert_eq!(assign(&input), assign(&input.clone()));
    }

    #[test]
    fn balanced_without_conflicts(apps in 1usize..15, experts in 1usize..15, per in 1u32..6, seed in any::<u64>()) {
        prop_assume!(per as usize <= experts);
        let input = input(apps, experts, &[], per, seed);
        let result = assign(&input).unwrap();
        let l = loads(&result, &input.experts);
        prop_assert!(l.iter().max().unwrap() - l.iter().min().unwrap() <= 1, "loads {l:?}");
    }

    /// With conflicts perfect balance may be impossible; but no single move to an eligible,
    /// lighter expert could still narrow the gap.
    #[test]
    fn no_single_move_narrows_the_gap((apps, experts, mask, per, seed) in arb_case()) {
        let input = input(apps, experts, &mask, per, seed);
        if let Ok(result) = assign(&input) {
            let mut load: BTreeMap<ExpertId, usize> = input.experts.iter().map(|e| (*e, 0)).collect();
            for (_, e) in &result { *load.get_mut(e).unwrap() += 1; }
            for (a, from) in &result {
                for to in &input.experts {
                    let free = !result.contains(&(*a, *to)) && !input.conflicts.contains(&(*a, *to));
                    prop_assert!(!(free && load[to] + 2 <= load[from]), "{a:?}: {from:?} → {to:?} would narrow {load:?}");
                }
            }
        }
    }
}

#[test]
fn different_seeds_spread_the_work_differently() {
    let a = assign(&input(9, 7, &[], 5, 1)).unwrap();
    let b = assign(&input(9, 7, &[], 5, 2)).unwrap();
    assert_ne!(a, b);
}

#[test]
fn fixed_pairs_are_kept() {
    let mut i = input(3, 6, &[], 2, 7);
    i.fixed.insert((ApplicationId(1), ExpertId(6)));
    i.fixed.insert((ApplicationId(2), ExpertId(6)));
    let result = assign(&i).unwrap();
    assert!(result.contains(&(ApplicationId(1), ExpertId(6))));
    assert!(result.contains(&(ApplicationId(2), ExpertId(6))));
    assert_eq!(result.len(), 6);
}

#[test]
fn a_short_application_names_its_conflicted_experts() {
    // Application 2 conflicts with experts 1 and 2 of three; two experts are needed.
    let mut mask = vec![false; 9];
    mask[3] = true;
    mask[4] = true;
    let shortfalls = assign(&input(3, 3, &mask, 2, 0)).unwrap_err();
    assert_eq!(
        shortfalls,
        vec![Shortfall {
            application: ApplicationId(2),
            needed: 2,
            eligible: 1,
            conflicted: vec![ExpertId(1), ExpertId(2)],
        }]
    );
}
