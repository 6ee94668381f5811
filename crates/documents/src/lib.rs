//! ParkReview's printable documents: Chinese A4 PDFs with an embedded subset font
//! (`assets/fonts/NotoSansSC-ParkReview.otf`, SIL OFL 1.1; see `assets/fonts/make_subset.py`).
//!
//! Documents are pure functions of their data and a time stamp passed in: no I/O, no clock.
//! The formal-review summary (形式审查结果汇总表) and the expert's scoring sheet (专家评分表)
//! share the page and text helpers in [`page`].

mod eligibility_summary;
mod inspection_record;
mod letter;
mod page;
mod panel_report;
mod publicity;
mod ranking_report;
mod scoring_sheet;
mod summary_sheet;

pub use eligibility_summary::eligibility_summary;
pub use inspection_record::{
    inspection_record, RecordData, RecordEvidence, RecordItem, RecordMember,
};
pub use letter::{letter_pdf, Letter};
pub use panel_report::{panel_report, PanelRankingLine, PanelReportData, PanelReportMember};
pub use publicity::{
    designation_list_pdf, publicity_pdf, publicity_text, DesignationListData, PublicityData,
    PublicityEntry,
};
pub use ranking_report::{ranking_report, RankingLine, RankingReportData};
pub use scoring_sheet::{scoring_sheet, SheetData};
pub use summary_sheet::{summary_sheet, SummaryData, SummaryRow};

/// When a document was made: the instant (for the PDF's metadata) and the local time with its
/// offset as printed on the page, e.g. `2026-11-27 09:30:00 +08:00`.
#[derive(Debug, Clone)]
pub struct GeneratedAt {
    pub unix_seconds: i64,
    pub local_text: String,
}

impl GeneratedAt {
    /// The stamp of a document made at `now` (local time with its offset, passed in: this crate
    /// reads no clock).
    pub fn at(now: chrono::DateTime<chrono::FixedOffset>) -> GeneratedAt {
        GeneratedAt {
            unix_seconds: now.timestamp(),
            local_text: now.format("%Y-%m-%d %H:%M:%S %:z").to_string(),
        }
    }
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
    fn a_scoring_sheet_with_long_comments_runs_onto_a_second_page() {
        let rubric = park_review_domain::exchange::parse_rubric(include_str!(
            "../../../assets/rubrics/default-designation.json"
        ))
        .unwrap();
        let n = rubric
            .sections
            .iter()
            .map(|s| s.criteria.len())
            .sum::<usize>();
        let data = SheetData {
            sheet_id: "0f8e2c4a-0000-4000-8000-000000000001".into(),
            round_title: "2026年广东省人工智能产业园区申报评审".into(),
            application_code: "2026-SZ-01".into(),
            park_name: "深圳龙岗人工智能产业园".into(),
            city: "深圳市".into(),
            expert_code: "E004".into(),
            expert_name: "王立新".into(),
            employer: "中国科学院自动化研究所".into(),
            rubric,
            scores: (0..n)
                .map(|i| {
                    (
                        Some(park_review_domain::Points::from_centi(i as i64 * 50)),
                        "骨干企业数量与产值规模均达到要求，龙头企业带动作用明显。".repeat(2),
                    )
                })
                .collect(),
            total: park_review_domain::Points::from_centi(5250),
            opinion: "产业基础扎实，建议推荐。".into(),
            declared_at: "2026-11-27 09:30:00 +08:00".into(),
            submitted_at: "2026-11-27 11:02:41 +08:00".into(),
            rubric_sha256: "584f6cc2a133fc5cdff99450a218d3bbb2d7a722c0233025fdbe216524c45581"
                .into(),
            entered_by: None,
            signature_png: None,
        };
        let generated = GeneratedAt {
            unix_seconds: 1_795_000_000,
            local_text: "2026-11-27 11:03:00 +08:00".into(),
        };
        let pdf = scoring_sheet(&data, &generated);
        assert!(pdf.starts_with(b"%PDF-"));
        let doc = lopdf::Document::load_mem(&pdf).unwrap();
        assert_eq!(doc.get_pages().len(), 2);
        assert!(pdf.len() < 100_000, "{} bytes", pdf.len());
    }

    #[test]
    fn wrapping_respects_the_width() {
        let text = "广州市本批次推荐 3 个，名额 2 个；本申报推荐顺序第 3，超出名额".repeat(4);
        for line in page::wrap(&text, 9.0, 100.0) {
            assert!(page::text_width_mm(&line, 9.0) <= 100.0, "{line}");
        }
    }
}
