//! Every workbook reader on arbitrary bytes (applications, rubric, checklist): a value or a
//! coded error, never a panic or an allocation the file's size does not justify (a zip bomb, a
//! cell at XFD1048576). Seed: `tests/bad-inputs/files` and the templates the product writes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = park_review_xlsx::read_applications(data);
    let _ = park_review_xlsx::read_rubric(data);
    let _ = park_review_xlsx::read_checklist(data);
});
