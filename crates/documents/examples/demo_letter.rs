//! Writes the demo round's recommendation letter (`assets/demo/推荐函-示例.pdf`): a fictional
//! one-page letter, attached under P3 to each demo application its city recommends.
//!
//!     cargo run -p park-review-documents --example demo_letter

fn main() {
    let generated = park_review_documents::GeneratedAt {
        unix_seconds: 1_789_000_000,
        local_text: "2026-09-10 10:00 +08:00".into(),
    };
    let bytes = park_review_documents::letter_pdf(
        &park_review_documents::Letter {
            title: "关于推荐申报广东省人工智能产业园区的函（示例）".into(),
            addressee: "省工业和信息化厅：".into(),
            paragraphs: vec![
                "根据《广东省人工智能产业园区申报指南》，我局对本市人工智能产业园区管理机构报送的申报材料进行了审核。经审核，申报材料真实、完整，符合申报条件，现按推荐顺序予以推荐。".into(),
                "本函为 ParkReview 示例批次的虚构文件，仅供熟悉操作使用。".into(),
            ],
            issuer: "××市工业和信息化局（示例）".into(),
            date: "2026年9月10日".into(),
        },
        &generated,
    );
    let out = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../assets/demo/推荐函-示例.pdf"
    );
    std::fs::write(out, bytes).unwrap();
    println!("{out}");
}
