//! 专家评分表: one expert's scores of one application on A4 portrait pages — who, what, every
//! criterion with its maximum, points and comment (the table continues on the next page with its
//! header repeated), the total, the opinion, the no-conflict pledge with its time, the date and
//! the hand-drawn signature; a footer with the sheet id, the rubric's SHA-256 and page n/m.
//! The cryptographic signature is added afterwards (park-review-signing).

use park_review_domain::model::Rubric;
use park_review_domain::Points;
use printpdf::{Mm, PdfPage, PdfSaveOptions};

use crate::page::{rgb, wrap, Canvas};
use crate::GeneratedAt;

const PAGE_W: f32 = 210.0;
const PAGE_H: f32 = 297.0;
const MARGIN: f32 = 15.0;
const BOTTOM: f32 = PAGE_H - 18.0;
const LINE_H: f32 = 4.3;
const HEADER_H: f32 = 8.0;
/// Columns (mm): code, criterion, max, points, comment.
const COLS: [f32; 5] = [17.0, 63.0, 14.0, 14.0, 72.0];

/// Everything a scoring sheet prints, as the database holds it.
#[derive(Debug, Clone)]
pub struct SheetData {
    /// The sheet's id (a UUID), printed in the footer and recorded when issued.
    pub sheet_id: String,
    pub round_title: String,
    pub application_code: String,
    pub park_name: String,
    pub city: String,
    pub expert_code: String,
    pub expert_name: String,
    pub employer: String,
    pub rubric: Rubric,
    /// Per criterion in the rubric's order: points and comment.
    pub scores: Vec<(Option<Points>, String)>,
    pub total: Points,
    pub opinion: String,
    /// When the no-conflict pledge was signed, as printed.
    pub declared_at: String,
    /// When the scores were submitted, as printed.
    pub submitted_at: String,
    pub rubric_sha256: String,
    /// The secretariat member who entered a paper sheet, if so.
    pub entered_by: Option<String>,
    /// The expert's hand-drawn signature (PNG).
    pub signature_png: Option<Vec<u8>>,
}

/// The sheet as PDF bytes.
pub fn scoring_sheet(data: &SheetData, generated: &GeneratedAt) -> Vec<u8> {
    let title = "广东省人工智能产业园区评审专家评分表";
    let (mut doc, font) = crate::page::new_document(
        &format!("{title} {} {}", data.application_code, data.expert_code),
        generated,
    );
    let signature = crate::page::add_signature(&mut doc, data.signature_png.as_ref());

    let black = rgb(17, 24, 39);
    let grey = rgb(107, 114, 128);
    let rule_color = rgb(156, 163, 175);
    let width: f32 = COLS.iter().sum();
    let mut pages: Vec<Canvas> = vec![Canvas::new(font.clone(), PAGE_H)];

    // Heading and who/what.
    {
        let c = pages.last_mut().unwrap();
        c.text_centred(MARGIN, width, 20.0, 16.0, black.clone(), title);
        c.text_centred(MARGIN, width, 27.0, 9.5, grey.clone(), &data.round_title);
        let rows = [
            (
                "申报编号",
                data.application_code.as_str(),
                "所在地市",
                data.city.as_str(),
            ),
            ("园区名称", data.park_name.as_str(), "", ""),
            (
                "评审专家",
                &*format!("{} {}", data.expert_code, data.expert_name),
                "工作单位",
                data.employer.as_str(),
            ),
        ];
        let mut y = 35.0;
        for (k1, v1, k2, v2) in rows {
            c.text(MARGIN, y, 10.0, grey.clone(), k1);
            c.text(
                MARGIN + 18.0,
                y,
                10.0,
                black.clone(),
                &crate::page::fit(v1, 10.0, if k2.is_empty() { 160.0 } else { 72.0 }),
            );
            if !k2.is_empty() {
                c.text(MARGIN + 94.0, y, 10.0, grey.clone(), k2);
                c.text(
                    MARGIN + 112.0,
                    y,
                    10.0,
                    black.clone(),
                    &crate::page::fit(v2, 10.0, 68.0),
                );
            }
            y += 6.0;
        }
    }

    let header = |c: &mut Canvas, y: f32| {
        c.fill(MARGIN, y, width, HEADER_H, rgb(229, 236, 246));
        let mut x = MARGIN;
        for (title, w) in ["编号", "评分项", "满分", "得分", "评分说明"]
            .iter()
            .zip(COLS)
        {
            c.text_centred(x, w, y + 5.5, 9.5, rgb(31, 41, 55), title);
            x += w;
        }
    };
    let mut y = 55.0;
    header(pages.last_mut().unwrap(), y);
    y += HEADER_H;

    let mut index = 0;
    for section in &data.rubric.sections {
        let subtotal: Points = section.criteria.iter().map(|c| c.max_points).sum();
        if y + 6.0 + LINE_H * 2.0 > BOTTOM {
            pages.push(Canvas::new(font.clone(), PAGE_H));
            y = 20.0;
            header(pages.last_mut().unwrap(), y);
            y += HEADER_H;
        }
        {
            let c = pages.last_mut().unwrap();
            c.fill(MARGIN, y, width, 7.0, rgb(243, 244, 246));
            c.text(
                MARGIN + 1.5,
                y + 5.0,
                9.5,
                black.clone(),
                &format!("{} {}（{} 分）", section.code, section.title, subtotal),
            );
            y += 6.0;
        }
        for criterion in &section.criteria {
            let (points, comment) = data.scores.get(index).cloned().unwrap_or_default();
            index += 1;
            let title_lines = wrap(&criterion.title, 9.0, COLS[1] - 3.0);
            let comment_lines = wrap(&comment, 8.5, COLS[4] - 3.0);
            let lines = title_lines.len().max(comment_lines.len()).max(1);
            let h = lines as f32 * LINE_H + 1.8;
            if y + h > BOTTOM {
                pages.push(Canvas::new(font.clone(), PAGE_H));
                y = 20.0;
                header(pages.last_mut().unwrap(), y);
                y += HEADER_H;
            }
            let c = pages.last_mut().unwrap();
            let base = y + 4.2;
            c.text(MARGIN + 1.5, base, 9.0, black.clone(), &criterion.code);
            for (i, line) in title_lines.iter().enumerate() {
                c.text(
                    MARGIN + COLS[0] + 1.5,
                    base + i as f32 * LINE_H,
                    9.0,
                    black.clone(),
                    line,
                );
            }
            let x_max = MARGIN + COLS[0] + COLS[1];
            c.text_centred(
                x_max,
                COLS[2],
                base,
                9.0,
                grey.clone(),
                &criterion.max_points.to_string(),
            );
            c.text_centred(
                x_max + COLS[2],
                COLS[3],
                base,
                10.0,
                black.clone(),
                &points.map(|p| p.to_string()).unwrap_or_else(|| "—".into()),
            );
            for (i, line) in comment_lines.iter().enumerate() {
                c.text(
                    x_max + COLS[2] + COLS[3] + 1.5,
                    base + i as f32 * LINE_H,
                    8.5,
                    black.clone(),
                    line,
                );
            }
            y += h;
            c.line(MARGIN, y, MARGIN + width, y, 0.3, rule_color.clone());
        }
    }

    // Total, opinion, pledge, signature.
    let max_total = data.rubric.max_total();
    let mut blocks: Vec<(f32, String, f32)> = Vec::new(); // (size, text, gap after)
    blocks.push((
        11.0,
        format!("合计：{} 分（满分 {} 分）", data.total, max_total),
        3.0,
    ));
    blocks.push((10.0, "评审意见：".into(), 0.0));
    for line in wrap(&data.opinion, 9.5, width - 4.0) {
        blocks.push((9.5, line, 0.0));
    }
    blocks.push((9.5, String::new(), 2.0));
    for line in wrap(
        &format!(
            "无利益冲突承诺：本人已于 {} 签署承诺，与该申报单位及其园区管理机构、所列企业不存在利益关系，独立、客观、公正地评分。",
            data.declared_at
        ),
        9.0,
        width - 4.0,
    ) {
        blocks.push((9.0, line, 0.0));
    }
    if let Some(by) = &data.entered_by {
        blocks.push((
            9.0,
            format!("本表依据专家签字的纸质评分表，由 {by} 录入。"),
            0.0,
        ));
    }
    blocks.push((9.0, format!("评分提交时间：{}", data.submitted_at), 0.0));
    for (size, line, gap) in blocks {
        let step = size * 0.55 + 1.0;
        if y + step + 2.0 > BOTTOM {
            pages.push(Canvas::new(font.clone(), PAGE_H));
            y = 20.0;
        }
        y += step;
        pages
            .last_mut()
            .unwrap()
            .text(MARGIN + 1.0, y, size, black.clone(), &line);
        y += gap;
    }
    // The signature block needs 20 mm.
    if y + 22.0 > BOTTOM {
        pages.push(Canvas::new(font.clone(), PAGE_H));
        y = 20.0;
    }
    y += 9.0;
    pages.last_mut().unwrap().signature_block(
        MARGIN + 96.0,
        y,
        signature.as_ref(),
        data.submitted_at.get(..10).unwrap_or(&data.submitted_at),
        black.clone(),
    );

    let total_pages = pages.len();
    let pdf_pages: Vec<PdfPage> = pages
        .into_iter()
        .enumerate()
        .map(|(i, mut c)| {
            crate::page::sheet_footer(
                &mut c,
                "评分表编号",
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
