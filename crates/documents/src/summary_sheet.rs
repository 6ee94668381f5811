//! 专家评分汇总表: every application one expert scored in a round, with its total and when it
//! was submitted, on one document the expert signs.

use park_review_domain::Points;
use printpdf::{Mm, PdfPage, PdfSaveOptions};

use crate::page::{fit, rgb, wrap, Canvas};
use crate::GeneratedAt;

const PAGE_W: f32 = 210.0;
const PAGE_H: f32 = 297.0;
const MARGIN: f32 = 15.0;
const BOTTOM: f32 = PAGE_H - 18.0;
const ROW_H: f32 = 7.5;
/// Columns (mm): n, code, park, city, total, submitted.
const COLS: [f32; 6] = [10.0, 28.0, 66.0, 18.0, 18.0, 40.0];

/// One application on the summary.
#[derive(Debug, Clone)]
pub struct SummaryRow {
    pub application_code: String,
    pub park_name: String,
    pub city: String,
    pub total: Points,
    pub submitted_at: String,
}

#[derive(Debug, Clone)]
pub struct SummaryData {
    pub sheet_id: String,
    pub round_title: String,
    pub expert_code: String,
    pub expert_name: String,
    pub employer: String,
    pub rows: Vec<SummaryRow>,
    pub max_total: Points,
    pub rubric_sha256: String,
    pub signature_png: Option<Vec<u8>>,
}

/// The summary as PDF bytes.
pub fn summary_sheet(data: &SummaryData, generated: &GeneratedAt) -> Vec<u8> {
    let title = "广东省人工智能产业园区评审专家评分汇总表";
    let (mut doc, font) =
        crate::page::new_document(&format!("{title} {}", data.expert_code), generated);
    let signature = crate::page::add_signature(&mut doc, data.signature_png.as_ref());
    let black = rgb(17, 24, 39);
    let grey = rgb(107, 114, 128);
    let rule_color = rgb(156, 163, 175);
    let width: f32 = COLS.iter().sum();
    let mut pages = vec![Canvas::new(font.clone(), PAGE_H)];
    {
        let c = pages.last_mut().unwrap();
        c.text_centred(MARGIN, width, 20.0, 16.0, black.clone(), title);
        c.text_centred(MARGIN, width, 27.0, 9.5, grey.clone(), &data.round_title);
        c.text(MARGIN, 37.0, 10.0, grey.clone(), "评审专家");
        c.text(
            MARGIN + 18.0,
            37.0,
            10.0,
            black.clone(),
            &format!("{} {}", data.expert_code, data.expert_name),
        );
        c.text(MARGIN + 94.0, 37.0, 10.0, grey.clone(), "工作单位");
        c.text(
            MARGIN + 112.0,
            37.0,
            10.0,
            black.clone(),
            &fit(&data.employer, 10.0, 68.0),
        );
    }
    let header = |c: &mut Canvas, y: f32| {
        c.fill(MARGIN, y, width, ROW_H, rgb(229, 236, 246));
        let mut x = MARGIN;
        for (t, w) in ["序号", "申报编号", "园区名称", "地市", "合计", "提交时间"]
            .iter()
            .zip(COLS)
        {
            c.text_centred(x, w, y + 5.2, 9.5, rgb(31, 41, 55), t);
            x += w;
        }
    };
    let mut y = 44.0;
    header(pages.last_mut().unwrap(), y);
    y += ROW_H;
    for (i, row) in data.rows.iter().enumerate() {
        if y + ROW_H > BOTTOM {
            pages.push(Canvas::new(font.clone(), PAGE_H));
            y = 20.0;
            header(pages.last_mut().unwrap(), y);
            y += ROW_H;
        }
        let c = pages.last_mut().unwrap();
        let cells = [
            (i + 1).to_string(),
            row.application_code.clone(),
            fit(&row.park_name, 9.0, COLS[2] - 3.0),
            row.city.clone(),
            row.total.to_string(),
            row.submitted_at
                .get(..16)
                .unwrap_or(&row.submitted_at)
                .to_owned(),
        ];
        let mut x = MARGIN;
        for (k, (text, w)) in cells.iter().zip(COLS).enumerate() {
            if k == 2 {
                c.text(x + 1.5, y + 5.2, 9.0, black.clone(), text);
            } else {
                c.text_centred(x, w, y + 5.2, 9.0, black.clone(), text);
            }
            x += w;
        }
        y += ROW_H;
        c.line(MARGIN, y, MARGIN + width, y, 0.3, rule_color.clone());
    }
    let statement = format!(
        "本人共评审 {} 个申报（满分 {} 分），以上合计分与本人签名的各申报评分表一致。本人已就每个申报签署无利益冲突承诺。",
        data.rows.len(),
        data.max_total
    );
    for line in wrap(&statement, 9.5, width - 2.0) {
        if y + 8.0 > BOTTOM {
            pages.push(Canvas::new(font.clone(), PAGE_H));
            y = 20.0;
        }
        y += 6.0;
        pages
            .last_mut()
            .unwrap()
            .text(MARGIN + 1.0, y, 9.5, black.clone(), &line);
    }
    if y + 24.0 > BOTTOM {
        pages.push(Canvas::new(font.clone(), PAGE_H));
        y = 20.0;
    }
    y += 12.0;
    pages.last_mut().unwrap().signature_block(
        MARGIN + 96.0,
        y,
        signature.as_ref(),
        generated.local_text.get(..10).unwrap_or(""),
        black.clone(),
    );
    let total_pages = pages.len();
    let pdf_pages: Vec<PdfPage> = pages
        .into_iter()
        .enumerate()
        .map(|(i, mut c)| {
            crate::page::sheet_footer(
                &mut c,
                "汇总表编号",
                &data.sheet_id,
                i + 1,
                total_pages,
                generated,
                &data.rubric_sha256,
            );
            PdfPage::new(Mm(PAGE_W), Mm(PAGE_H), c.ops)
        })
        .collect();
    doc.with_pages(pdf_pages)
        .save(&PdfSaveOptions::default(), &mut Vec::new())
}
