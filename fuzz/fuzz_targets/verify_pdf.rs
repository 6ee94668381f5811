//! `verify` on arbitrary bytes: any input gives a verdict or an error, never a panic, a hang
//! or unbounded memory. Seed it with the hostile corpus:
//! `cargo +nightly fuzz run verify_pdf corpus/verify_pdf ../tests/hostile -- -max_total_time=300`
//! (new inputs go to the first folder, never into the committed corpus).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = park_review_signing::verify::verify_pdf(data);
});
