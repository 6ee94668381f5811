//! Assigning experts to applications (分配评审专家).
//!
//! Rules (issue "material review"): every application gets `per_application` experts (default
//! 5), never one with a conflict of interest (回避); the experts' loads are balanced (max − min ≤ 1
//! where the conflicts allow it); the same inputs and seed always give the same assignment.
//!
//! The method: applications with the fewest eligible experts go first; each takes the
//! least-loaded eligible experts (ties broken by a seeded shuffle); then single moves from a more
//! loaded expert to a less loaded eligible one are made while they narrow the gap by two or more.
//! Pairs already started (pledge signed or scores entered) are `fixed`: kept and counted.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use ts_rs::TS;

use crate::ids::{ApplicationId, ExpertId};

/// The default number of experts per application.
pub const DEFAULT_PER_APPLICATION: u32 = 5;

#[derive(Debug, Clone)]
pub struct AssignmentInput {
    pub applications: Vec<ApplicationId>,
    /// The round's panel.
    pub experts: Vec<ExpertId>,
    /// Pairs that must never be assigned.
    pub conflicts: BTreeSet<(ApplicationId, ExpertId)>,
    /// Pairs to keep whatever happens.
    pub fixed: BTreeSet<(ApplicationId, ExpertId)>,
    pub per_application: u32,
    pub seed: u64,
}

/// An application that cannot get enough experts without a conflict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Shortfall {
    pub application: ApplicationId,
    pub needed: u32,
    /// Panel experts without a conflict with this application.
    pub eligible: u32,
    /// The panel experts who conflict with it.
    pub conflicted: Vec<ExpertId>,
}

/// A small, well-known generator (SplitMix64): the shuffle must be the same on every machine
/// and in every version, which a library's generator does not promise.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Fisher–Yates.
    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = (self.next() % (i as u64 + 1)) as usize;
            items.swap(i, j);
        }
    }
}

/// Assigns experts; on failure lists every application that cannot be served and why.
pub fn assign(
    input: &AssignmentInput,
) -> Result<BTreeSet<(ApplicationId, ExpertId)>, Vec<Shortfall>> {
    let n = input.per_application as usize;
    let mut experts: Vec<ExpertId> = input
        .experts
        .iter()
        .copied()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut apps: Vec<ApplicationId> = input
        .applications
        .iter()
        .copied()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut rng = SplitMix64(input.seed);
    rng.shuffle(&mut experts);
    rng.shuffle(&mut apps);
    let rank: BTreeMap<ExpertId, usize> =
        experts.iter().enumerate().map(|(i, e)| (*e, i)).collect();
    let eligible = |app: ApplicationId| -> Vec<ExpertId> {
        experts
            .iter()
            .copied()
            .filter(|e| !input.conflicts.contains(&(app, *e)))
            .collect()
    };

    let shortfalls: Vec<Shortfall> = {
        let mut list: Vec<Shortfall> = input
            .applications
            .iter()
            .copied()
            .collect::<BTreeSet<_>>()
            .into_iter()
            .filter_map(|app| {
                let ok = eligible(app).len();
                (ok < n).then(|| Shortfall {
                    application: app,
                    needed: n as u32,
                    eligible: ok as u32,
                    conflicted: input
                        .experts
                        .iter()
                        .copied()
                        .collect::<BTreeSet<_>>()
                        .into_iter()
                        .filter(|e| input.conflicts.contains(&(app, *e)))
                        .collect(),
                })
            })
            .collect();
        list.sort_by_key(|s| s.application);
        list
    };
    if !shortfalls.is_empty() {
        return Err(shortfalls);
    }

    let mut chosen: BTreeSet<(ApplicationId, ExpertId)> = input
        .fixed
        .iter()
        .copied()
        .filter(|(a, e)| apps.contains(a) && rank.contains_key(e))
        .collect();
    let mut load: BTreeMap<ExpertId, usize> = experts.iter().map(|e| (*e, 0)).collect();
    for (_, e) in &chosen {
        *load.entry(*e).or_default() += 1;
    }
    // Most constrained first; the shuffle breaks ties (sort is stable).
    apps.sort_by_key(|a| eligible(*a).len());
    for app in &apps {
        let have = chosen.iter().filter(|(a, _)| a == app).count();
        let mut candidates: Vec<ExpertId> = eligible(*app)
            .into_iter()
            .filter(|e| !chosen.contains(&(*app, *e)))
            .collect();
        candidates.sort_by_key(|e| (load[e], rank[e]));
        for e in candidates.into_iter().take(n.saturating_sub(have)) {
            chosen.insert((*app, e));
            *load.get_mut(&e).unwrap() += 1;
        }
    }

    // Narrow the gap: move one pair from a loaded expert to a lighter eligible one while that
    // reduces the spread. Each move lowers the sum of squared loads, so this ends.
    loop {
        let mut by_load: Vec<ExpertId> = experts.clone();
        by_load.sort_by_key(|e| (std::cmp::Reverse(load[e]), rank[e]));
        let mut moved = false;
        'search: for from in &by_load {
            let movable: Vec<ApplicationId> = chosen
                .iter()
                .filter(|(a, e)| e == from && !input.fixed.contains(&(*a, *e)))
                .map(|(a, _)| *a)
                .collect();
            for app in movable {
                let target = eligible(app)
                    .into_iter()
                    .filter(|to| !chosen.contains(&(app, *to)) && load[to] + 2 <= load[from])
                    .min_by_key(|to| (load[to], rank[to]));
                if let Some(to) = target {
                    chosen.remove(&(app, *from));
                    chosen.insert((app, to));
                    *load.get_mut(from).unwrap() -= 1;
                    *load.get_mut(&to).unwrap() += 1;
                    moved = true;
                    break 'search;
                }
            }
        }
        if !moved {
            return Ok(chosen);
        }
    }
}

#[cfg(test)]
mod tests;
