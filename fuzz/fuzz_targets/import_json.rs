//! Every JSON importer on arbitrary text: applications, experts, rubric, checklist, paper scores,
//! the demo round, and the members of a review package and a score bundle. Any input gives a
//! value or a coded error — never a panic, a hang or unbounded memory (a 1 GB string, deep
//! nesting). Seed: `tests/bad-inputs/files`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use park_review_domain::{exchange, input, offline};

fuzz_target!(|data: &[u8]| {
    let _ = offline::parse_package(data);
    let _ = offline::parse_bundle(data);
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = input::check_json(text);
    let _ = exchange::parse_application_file(text);
    let _ = exchange::parse_experts_file(text);
    let _ = exchange::parse_rubric(text);
    let _ = exchange::parse_checklist(text);
    let _ = exchange::parse_scores_file(text);
    let _ = exchange::parse_demo_round(text);
});
