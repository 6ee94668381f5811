//! The container of review packages, score bundles and inspection packages, opened from
//! arbitrary bytes with the product's limits: every member checked, never a panic or an
//! unbounded allocation. Seed: `tests/bad-inputs/files`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use park_review_container::{open, Limits};

fuzz_target!(|data: &[u8]| {
    for format in ["park-review/package@1", "park-review/bundle@1"] {
        let _ = open(data, format, Limits::DEFAULT);
    }
});
