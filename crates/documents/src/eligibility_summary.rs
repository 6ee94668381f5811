//! 形式审查结果汇总表: the formal review of a round on A4 landscape pages — one row per
//! application with each rule's result, then every failed or overridden rule with its figures,
//! and every override with its reason, who and when.

use park_review_domain::eligibility::{Eligibility, RuleId, RuleResult};
use printpdf::{Mm, PdfPage, PdfSaveOptions};

use crate::page::{fit, rgb, wrap, Canvas};
use crate::GeneratedAt;

const PAGE_W: f32 = 297.0;
const PAGE_H: f32 = 210.0;
const MARGIN: f32 = 15.0;
const ROW_H: f32 = 8.0;
const TABLE_TOP: f32 = 38.0;
const BOTTOM: f32 = PAGE_H - 16.0;

/// Column widths (mm): code, park, city, eight rules, result.
const COLS: [f32; 12] = [
    28.0, 76.0, 18.0, 16.0, 16.0, 16.0, 16.0, 16.0, 16.0, 16.0, 16.0, 21.0,
];

fn result_colors(result: RuleResult) -> (printpdf::Color, printpdf::Color) {
    match result {
        RuleResult::Pass => (rgb(240, 253, 244), rgb(21, 128, 61)),
        RuleResult::Fail => (rgb(254, 242, 242), rgb(185, 28, 28)),
        RuleResult::NeedsReview => (rgb(255, 251, 235), rgb(180, 83, 9)),
    }
}

/// The summary as PDF bytes.
pub fn eligibility_summary(
    round_title: &str,
    review: &[Eligibility],
    generated: &GeneratedAt,
) -> Vec<u8> {
    let (mut doc, font) =
        crate::page::new_document(&format!("{round_title} 形式审查结果汇总表"), generated);

    let black = rgb(17, 24, 39);
    let grey = rgb(107, 114, 128);
    let line_color = rgb(209, 213, 219);
    let mut pages: Vec<Canvas> = Vec::new();

    let count = |r: RuleResult| review.iter().filter(|e| e.result == r).count();
    let new_page = |pages: &mut Vec<Canvas>, first: bool| {
        let mut c = Canvas::new(font.clone(), PAGE_H);
        if first {
            c.text(MARGIN, 20.0, 16.0, black.clone(), "形式审查结果汇总表");
            c.text(MARGIN, 28.0, 10.0, grey.clone(), &format!(
                "{round_title} · 申报 {} 个：通过 {}，不通过 {}，待补正 {} · 依据申报指南一.(一) C1–C7 与一.(二) 推荐名额 P2",
                review.len(),
                count(RuleResult::Pass),
                count(RuleResult::Fail),
                count(RuleResult::NeedsReview)
            ));
        }
        pages.push(c);
    };
    new_page(&mut pages, true);

    // The table, with its header repeated on every page.
    let header = |c: &mut Canvas, y: f32| {
        c.fill(MARGIN, y, COLS.iter().sum(), ROW_H, rgb(229, 236, 246));
        let titles = [
            "申报编号",
            "园区名称",
            "地市",
            "C1",
            "C2",
            "C3",
            "C4",
            "C5",
            "C6",
            "C7",
            "P2",
            "结果",
        ];
        let mut x = MARGIN;
        for (title, w) in titles.iter().zip(COLS) {
            c.text_centred(x, w, y + 5.5, 9.0, rgb(31, 41, 55), title);
            x += w;
        }
    };
    let mut y = TABLE_TOP;
    header(pages.last_mut().unwrap(), y);
    y += ROW_H;
    for app in review {
        if y + ROW_H > BOTTOM {
            new_page(&mut pages, false);
            y = 20.0;
            header(pages.last_mut().unwrap(), y);
            y += ROW_H;
        }
        let c = pages.last_mut().unwrap();
        let mut x = MARGIN;
        c.text(x + 1.5, y + 5.5, 8.5, black.clone(), &app.code);
        x += COLS[0];
        c.text(
            x + 1.5,
            y + 5.5,
            8.5,
            black.clone(),
            &fit(&app.park_name, 8.5, COLS[1] - 3.0),
        );
        x += COLS[1];
        c.text_centred(x, COLS[2], y + 5.5, 8.5, black.clone(), app.city.name_zh());
        x += COLS[2];
        for id in RuleId::ALL {
            let w = COLS[3];
            if let Some(rule) = app.rules.iter().find(|r| r.id == id) {
                let (bg, fg) = result_colors(rule.result);
                c.fill(x + 0.8, y + 1.2, w - 1.6, ROW_H - 2.4, bg);
                let mark = if rule.r#override.is_some() { "*" } else { "" };
                c.text_centred(
                    x,
                    w,
                    y + 5.5,
                    8.0,
                    fg,
                    &format!("{}{mark}", rule.result.rule_name_zh()),
                );
            }
            x += w;
        }
        let (bg, fg) = result_colors(app.result);
        c.fill(x + 0.8, y + 1.2, COLS[11] - 1.6, ROW_H - 2.4, bg);
        c.text_centred(x, COLS[11], y + 5.5, 8.5, fg, app.result.overall_name_zh());
        c.line(
            MARGIN,
            y + ROW_H,
            MARGIN + COLS.iter().sum::<f32>(),
            y + ROW_H,
            0.4,
            line_color.clone(),
        );
        y += ROW_H;
    }

    // Notes: what failed and why, and every override with its reason.
    let mut notes: Vec<String> = Vec::new();
    for app in review {
        for rule in &app.rules {
            if let Some(o) = &rule.r#override {
                notes.push(format!(
                    "{} {} {}：已由“{}”调整为“{}”。理由：{}（{}，{}）",
                    app.code,
                    rule.id.as_str(),
                    rule.title,
                    rule.computed.rule_name_zh(),
                    o.result.rule_name_zh(),
                    o.reason,
                    o.by,
                    o.at.replace('T', " ")
                ));
            } else if rule.result == RuleResult::Fail {
                notes.push(format!(
                    "{} {} {}：不符合。{}",
                    app.code,
                    rule.id.as_str(),
                    rule.title,
                    rule.detail
                ));
            }
        }
    }
    let text_width = PAGE_W - 2.0 * MARGIN;
    y += 8.0;
    if !notes.is_empty() {
        if y + 12.0 > BOTTOM {
            new_page(&mut pages, false);
            y = 20.0;
        }
        pages.last_mut().unwrap().text(
            MARGIN,
            y,
            11.0,
            black.clone(),
            "说明（不符合的条件及调整记录；* 表示已调整）",
        );
        y += 7.0;
        for note in notes {
            for line in wrap(&note, 9.0, text_width) {
                if y > BOTTOM {
                    new_page(&mut pages, false);
                    y = 20.0;
                }
                pages
                    .last_mut()
                    .unwrap()
                    .text(MARGIN, y, 9.0, black.clone(), &line);
                y += 5.0;
            }
            y += 1.5;
        }
    }

    let total = pages.len();
    let pdf_pages: Vec<PdfPage> = pages
        .into_iter()
        .enumerate()
        .map(|(i, mut c)| {
            let footer = format!(
                "{round_title} · 形式审查结果汇总表 · 生成于 {} · 第 {} 页，共 {total} 页",
                generated.local_text,
                i + 1
            );
            c.text(MARGIN, PAGE_H - 8.0, 8.0, grey.clone(), &footer);
            PdfPage::new(Mm(PAGE_W), Mm(PAGE_H), c.ops)
        })
        .collect();
    doc.with_pages(pdf_pages)
        .save(&PdfSaveOptions::default(), &mut Vec::new())
}
