//! 综合评分与排名报告: the round's ranking on A4 landscape pages — method and weights, then per
//! application the expert totals, the aggregate, the site and comprehensive scores, the rank and
//! the notes (ties, outliers and how they were resolved, incomplete or ineligible). The
//! secretariat's signature is added afterwards (park-review-signing).

use printpdf::{Mm, PdfPage, PdfSaveOptions};

use crate::page::{fit, rgb, wrap, Canvas};
use crate::GeneratedAt;

const PAGE_W: f32 = 297.0;
const PAGE_H: f32 = 210.0;
const MARGIN: f32 = 15.0;
const BOTTOM: f32 = PAGE_H - 16.0;
const LINE_H: f32 = 4.4;
/// Columns (mm): rank, code, park, city, expert totals, material, site, comprehensive, selected.
const COLS: [f32; 9] = [16.0, 26.0, 56.0, 16.0, 78.0, 18.0, 18.0, 18.0, 21.0];

#[derive(Debug, Clone)]
pub struct RankingLine {
    pub rank: String,
    pub code: String,
    pub park_name: String,
    pub city: String,
    pub experts: String,
    pub material: String,
    pub site: String,
    pub comprehensive: String,
    pub selected: bool,
    /// Ties, outliers, incomplete or ineligible: printed under the row.
    pub notes: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct RankingReportData {
    pub round_title: String,
    /// e.g. 去掉一个最高分和一个最低分后平均 · 资料评审 60% + 实地考察 40% · 离群阈值 15 分
    pub method: String,
    pub lines: Vec<RankingLine>,
    /// e.g. 排名已于 … 由 … 确定 / 排名尚未确定
    pub status: String,
}

pub fn ranking_report(data: &RankingReportData, generated: &GeneratedAt) -> Vec<u8> {
    let title = "综合评分与排名报告";
    let (mut doc, font) =
        crate::page::new_document(&format!("{} {title}", data.round_title), generated);
    let black = rgb(17, 24, 39);
    let grey = rgb(107, 114, 128);
    let rule_color = rgb(209, 213, 219);
    let width: f32 = COLS.iter().sum();
    let mut pages = vec![Canvas::new(font.clone(), PAGE_H)];
    pages
        .last_mut()
        .unwrap()
        .text(MARGIN, 18.0, 16.0, black.clone(), title);
    let mut y = 25.0;
    let heading = wrap(
        &format!("{} · {}", data.round_title, data.method),
        9.5,
        PAGE_W - 2.0 * MARGIN,
    );
    for line in heading.iter().chain(std::iter::once(&data.status)) {
        pages
            .last_mut()
            .unwrap()
            .text(MARGIN, y, 9.5, grey.clone(), line);
        y += 5.5;
    }
    let header = |c: &mut Canvas, y: f32| {
        c.fill(MARGIN, y, width, 7.5, rgb(229, 236, 246));
        let mut x = MARGIN;
        for (t, w) in [
            "名次",
            "申报编号",
            "园区名称",
            "地市",
            "各专家合计分",
            "资料评审",
            "实地考察",
            "综合得分",
            "拟入选",
        ]
        .iter()
        .zip(COLS)
        {
            c.text_centred(x, w, y + 5.2, 9.0, rgb(31, 41, 55), t);
            x += w;
        }
    };
    y += 1.0;
    header(pages.last_mut().unwrap(), y);
    y += 7.5;
    for line in &data.lines {
        let expert_lines = wrap(&line.experts, 8.0, COLS[4] - 3.0);
        let note_lines: Vec<String> = line
            .notes
            .iter()
            .flat_map(|n| wrap(n, 8.0, width - COLS[0] - 3.0))
            .collect();
        let h = (expert_lines.len().max(1) + note_lines.len()) as f32 * LINE_H + 2.0;
        if y + h > BOTTOM {
            pages.push(Canvas::new(font.clone(), PAGE_H));
            y = 18.0;
            header(pages.last_mut().unwrap(), y);
            y += 7.5;
        }
        let c = pages.last_mut().unwrap();
        if line.selected {
            c.fill(MARGIN, y, width, h, rgb(240, 253, 244));
        }
        let base = y + 4.2;
        let mut x = MARGIN;
        let cells = [
            line.rank.as_str(),
            line.code.as_str(),
            &fit(&line.park_name, 8.5, COLS[2] - 3.0),
            line.city.as_str(),
        ];
        for (k, (text, w)) in cells.iter().zip(COLS).enumerate() {
            if k == 2 {
                c.text(x + 1.5, base, 8.5, black.clone(), text);
            } else {
                c.text_centred(x, w, base, 8.5, black.clone(), text);
            }
            x += w;
        }
        for (i, l) in expert_lines.iter().enumerate() {
            c.text(x + 1.5, base + i as f32 * LINE_H, 8.0, black.clone(), l);
        }
        x += COLS[4];
        for (text, w) in [
            line.material.as_str(),
            line.site.as_str(),
            line.comprehensive.as_str(),
        ]
        .iter()
        .zip(&COLS[5..8])
        {
            c.text_centred(x, *w, base, 9.0, black.clone(), text);
            x += w;
        }
        if line.selected {
            c.text_centred(x, COLS[8], base, 9.0, rgb(21, 128, 61), "拟入选");
        }
        let notes_top = base + expert_lines.len().max(1) as f32 * LINE_H;
        for (i, note) in note_lines.iter().enumerate() {
            c.text(
                MARGIN + COLS[0] + 1.5,
                notes_top + i as f32 * LINE_H,
                8.0,
                grey.clone(),
                note,
            );
        }
        y += h;
        c.line(MARGIN, y, MARGIN + width, y, 0.3, rule_color.clone());
    }
    let total = pages.len();
    let pdf_pages: Vec<PdfPage> = pages
        .into_iter()
        .enumerate()
        .map(|(i, mut c)| {
            c.text(
                MARGIN,
                PAGE_H - 8.0,
                8.0,
                grey.clone(),
                &format!(
                    "{} · {title} · 生成于 {} · 第 {} 页，共 {total} 页",
                    data.round_title,
                    generated.local_text,
                    i + 1
                ),
            );
            PdfPage::new(Mm(PAGE_W), Mm(PAGE_H), c.ops)
        })
        .collect();
    doc.with_pages(pdf_pages)
        .save(&PdfSaveOptions::default(), &mut Vec::new())
}
