//! ParkReview's printable documents: Chinese A4 PDFs with an embedded subset font
//! (`assets/fonts/NotoSansSC-ParkReview.otf`, SIL OFL 1.1; see `assets/fonts/make_subset.py`).
//!
//! Documents are pure functions of their data and a time stamp passed in: no I/O, no clock.
//! The first one is the formal-review summary (形式审查结果汇总表, issue 3); the scoring sheets
//! and ranking reports will share the page and text helpers in [`page`].

mod eligibility_summary;
mod page;

pub use eligibility_summary::eligibility_summary;

/// When a document was made: the instant (for the PDF's metadata) and the local time with its
/// offset as printed on the page, e.g. `2026-11-27 09:30:00 +08:00`.
#[derive(Debug, Clone)]
pub struct GeneratedAt {
    pub unix_seconds: i64,
    pub local_text: String,
}

#[cfg(test)]
mod tests {
    use park_review_domain::eligibility::{review_round, ReviewRecords};
    use park_review_domain::exchange::parse_demo_round;

    use super::*;

    #[test]
    fn the_bundled_font_parses_and_covers_the_demo_texts() {
        let font = printpdf::ParsedFont::from_bytes(page::FONT_BYTES, 0, &mut Vec::new()).unwrap();
        let demo = include_str!("../../../assets/demo/round-2026.json");
        let missing: String = demo
            .chars()
            .filter(|c| !c.is_control() && font.lookup_glyph_index(*c as u32).is_none())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        assert!(missing.is_empty(), "characters without a glyph: {missing}");
    }

    #[test]
    fn the_summary_is_a_pdf_with_a_page_per_screenful() {
        let demo = parse_demo_round(include_str!("../../../assets/demo/round-2026.json")).unwrap();
        let input: Vec<_> = demo
            .applications
            .into_iter()
            .enumerate()
            .map(|(i, a)| (a, i as u32 + 1, ReviewRecords::default()))
            .collect();
        let review = review_round(&input);
        let generated = GeneratedAt {
            unix_seconds: 1_795_000_000,
            local_text: "2026-11-18 09:00:00 +08:00".into(),
        };
        let pdf = eligibility_summary("2026年广东省人工智能产业园区申报评审", &review, &generated);
        assert!(pdf.starts_with(b"%PDF-"));
        assert!(
            pdf.len() < 400_000,
            "subset font keeps it small: {} bytes",
            pdf.len()
        );
    }

    #[test]
    fn wrapping_respects_the_width() {
        let text = "广州市本批次推荐 3 个，名额 2 个；本申报推荐顺序第 3，超出名额".repeat(4);
        for line in page::wrap(&text, 9.0, 100.0) {
            assert!(page::text_width_mm(&line, 9.0) <= 100.0, "{line}");
        }
    }
}
