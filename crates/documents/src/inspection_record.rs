//! 实地考察记录表: a finalised site inspection on A4 portrait pages — the park, the team, date and
//! place; every checklist item with what the application declared and what the team found, its
//! status and note; the evidence with thumbnails, SHA-256 and capture times; discrepancies; the
//! site score by section and in total; and a sign-off block with each member's drawn signature
//! and, for a member who disagrees, the written dissent. The leader's signature and each member's
//! countersignature are added afterwards (park-review-signing), each as its own revision.

use printpdf::{Mm, Op, PdfPage, PdfSaveOptions};

use crate::page::{rgb, wrap, Canvas};
use crate::GeneratedAt;

const PAGE_W: f32 = 210.0;
const PAGE_H: f32 = 297.0;
const MARGIN: f32 = 15.0;
const BOTTOM: f32 = PAGE_H - 18.0;
const LINE_H: f32 = 4.1;
const HEADER_H: f32 = 8.0;
/// Columns (mm): code, item and declared facts, finding, status, note.
const COLS: [f32; 5] = [14.0, 74.0, 36.0, 18.0, 38.0];
/// Evidence thumbnails: four to a row.
const THUMB_W: f32 = 42.0;
const THUMB_H: f32 = 31.5;

/// One item as the record prints it.
#[derive(Debug, Clone, Default)]
pub struct RecordItem {
    pub code: String,
    pub prompt: String,
    /// `C2` or `C3, T4`.
    pub clauses: String,
    /// What the application declared (empty: nothing to compare).
    pub declared: String,
    /// What was found: the verified figure with its unit, or the words of a text item.
    pub found: String,
    /// 符合 / 基本符合 / 不符合 / 不适用 / —.
    pub status: String,
    pub note: String,
}

/// One piece of evidence.
#[derive(Debug, Clone, Default)]
pub struct RecordEvidence {
    pub item: String,
    pub file_name: String,
    pub sha256: String,
    /// The capture time (EXIF), when the photo has one.
    pub captured_at: Option<String>,
    pub before_visit: bool,
    /// A small image (PNG or JPEG) to print; None for a document.
    pub thumbnail: Option<Vec<u8>>,
}

/// One member of the team in the sign-off block.
#[derive(Debug, Clone, Default)]
pub struct RecordMember {
    pub code: String,
    pub name: String,
    pub employer: String,
    pub leader: bool,
    /// A member who disagrees signs with this, printed beside the signature.
    pub dissent: Option<String>,
    /// The member's hand-drawn signature (PNG).
    pub signature_png: Option<Vec<u8>>,
}

/// Everything the record prints.
#[derive(Debug, Clone, Default)]
pub struct RecordData {
    /// The record's id (a UUID), printed in the footer and recorded when issued.
    pub record_id: String,
    pub round_title: String,
    pub application_code: String,
    pub park_name: String,
    pub city: String,
    pub visit_date: String,
    pub place: String,
    pub checklist_title: String,
    pub checklist_sha256: String,
    pub items: Vec<RecordItem>,
    pub evidence: Vec<RecordEvidence>,
    /// Each discrepancy as a sentence.
    pub discrepancies: Vec<String>,
    /// Section code and title → score (or —).
    pub section_scores: Vec<(String, String)>,
    pub site_score: String,
    pub finalised_at: String,
    pub members: Vec<RecordMember>,
}

/// The record as PDF bytes.
pub fn inspection_record(data: &RecordData, generated: &GeneratedAt) -> Vec<u8> {
    let title = "广东省人工智能产业园区实地考察记录表";
    let (mut doc, font) =
        crate::page::new_document(&format!("{title} {}", data.application_code), generated);
    let black = rgb(17, 24, 39);
    let grey = rgb(107, 114, 128);
    let red = rgb(185, 28, 28);
    let rule_color = rgb(156, 163, 175);
    let width: f32 = COLS.iter().sum();
    let mut pages: Vec<Canvas> = vec![Canvas::new(font.clone(), PAGE_H)];
    let new_page = |pages: &mut Vec<Canvas>| {
        pages.push(Canvas::new(font.clone(), PAGE_H));
        20.0
    };

    {
        let c = pages.last_mut().unwrap();
        c.text_centred(MARGIN, width, 20.0, 16.0, black.clone(), title);
        c.text_centred(MARGIN, width, 27.0, 9.5, grey.clone(), &data.round_title);
        let rows = [
            (
                "申报编号",
                data.application_code.clone(),
                "所在地市",
                data.city.clone(),
            ),
            ("园区名称", data.park_name.clone(), "", String::new()),
            (
                "考察日期",
                data.visit_date.clone(),
                "考察地点",
                data.place.clone(),
            ),
            (
                "考察组",
                data.members
                    .iter()
                    .map(|m| {
                        format!(
                            "{} {}{}",
                            m.code,
                            m.name,
                            if m.leader { "（组长）" } else { "" }
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("、"),
                "",
                String::new(),
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
                &crate::page::fit(&v1, 10.0, if k2.is_empty() { 160.0 } else { 72.0 }),
            );
            if !k2.is_empty() {
                c.text(MARGIN + 94.0, y, 10.0, grey.clone(), k2);
                c.text(
                    MARGIN + 112.0,
                    y,
                    10.0,
                    black.clone(),
                    &crate::page::fit(&v2, 10.0, 68.0),
                );
            }
            y += 6.0;
        }
    }

    let header = |c: &mut Canvas, y: f32| {
        c.fill(MARGIN, y, width, HEADER_H, rgb(229, 236, 246));
        let mut x = MARGIN;
        for (title, w) in ["编号", "考察内容与申报数据", "核实情况", "结论", "说明"]
            .iter()
            .zip(COLS)
        {
            c.text_centred(x, w, y + 5.5, 9.5, rgb(31, 41, 55), title);
            x += w;
        }
    };
    let mut y = 61.0;
    header(pages.last_mut().unwrap(), y);
    y += HEADER_H;
    for item in &data.items {
        let mut left: Vec<(f32, String, bool)> = wrap(&item.prompt, 9.0, COLS[1] - 3.0)
            .into_iter()
            .map(|l| (9.0, l, false))
            .collect();
        if !item.declared.is_empty() {
            left.extend(
                wrap(&format!("申报：{}", item.declared), 8.0, COLS[1] - 3.0)
                    .into_iter()
                    .map(|l| (8.0, l, true)),
            );
        }
        let found = wrap(&item.found, 8.5, COLS[2] - 3.0);
        let note = wrap(&item.note, 8.0, COLS[4] - 3.0);
        let lines = left.len().max(found.len()).max(note.len()).max(1);
        let h = lines as f32 * LINE_H + 1.8;
        if y + h > BOTTOM {
            y = new_page(&mut pages);
            header(pages.last_mut().unwrap(), y);
            y += HEADER_H;
        }
        let c = pages.last_mut().unwrap();
        let base = y + 4.2;
        c.text(MARGIN + 1.0, base, 8.5, black.clone(), &item.code);
        for (i, (size, line, muted)) in left.iter().enumerate() {
            c.text(
                MARGIN + COLS[0] + 1.5,
                base + i as f32 * LINE_H,
                *size,
                if *muted { grey.clone() } else { black.clone() },
                line,
            );
        }
        let x_found = MARGIN + COLS[0] + COLS[1];
        for (i, line) in found.iter().enumerate() {
            c.text(
                x_found + 1.5,
                base + i as f32 * LINE_H,
                8.5,
                black.clone(),
                line,
            );
        }
        c.text_centred(
            x_found + COLS[2],
            COLS[3],
            base,
            9.0,
            if item.status == "不符合" {
                red.clone()
            } else {
                black.clone()
            },
            &item.status,
        );
        for (i, line) in note.iter().enumerate() {
            c.text(
                x_found + COLS[2] + COLS[3] + 1.5,
                base + i as f32 * LINE_H,
                8.0,
                black.clone(),
                line,
            );
        }
        y += h;
        c.line(MARGIN, y, MARGIN + width, y, 0.3, rule_color.clone());
    }

    // Discrepancies and the score.
    let mut blocks: Vec<(f32, String, bool)> = Vec::new();
    blocks.push((
        11.0,
        format!("实地考察得分：{} 分（满分 100 分）", data.site_score),
        false,
    ));
    blocks.push((
        9.0,
        data.section_scores
            .iter()
            .map(|(s, v)| format!("{s} {v}"))
            .collect::<Vec<_>>()
            .join("；"),
        false,
    ));
    if !data.discrepancies.is_empty() {
        blocks.push((10.0, "申报与核实不符：".into(), false));
        for d in &data.discrepancies {
            for line in wrap(d, 9.0, width - 4.0) {
                blocks.push((9.0, line, true));
            }
        }
    }
    blocks.push((9.0, format!("定稿时间：{}", data.finalised_at), false));
    y += 2.0;
    for (size, line, alert) in blocks {
        let step = size * 0.55 + 1.5;
        if y + step + 2.0 > BOTTOM {
            y = new_page(&mut pages);
        }
        y += step;
        pages.last_mut().unwrap().text(
            MARGIN + 1.0,
            y,
            size,
            if alert { red.clone() } else { black.clone() },
            &line,
        );
    }

    // Evidence, four thumbnails to a row.
    if !data.evidence.is_empty() {
        y += 6.0;
        if y + 8.0 + THUMB_H + 14.0 > BOTTOM {
            y = new_page(&mut pages);
        }
        pages
            .last_mut()
            .unwrap()
            .text(MARGIN, y, 11.0, black.clone(), "佐证材料");
        y += 3.0;
        for (i, evidence) in data.evidence.iter().enumerate() {
            let column = i % 4;
            if column == 0 {
                if i > 0 {
                    y += THUMB_H + 14.0;
                }
                if y + THUMB_H + 14.0 > BOTTOM {
                    y = new_page(&mut pages);
                }
            }
            let x = MARGIN + column as f32 * (THUMB_W + 3.0);
            let image = evidence.thumbnail.as_ref().and_then(|bytes| {
                printpdf::RawImage::decode_from_bytes(bytes, &mut Vec::new())
                    .ok()
                    .map(|raw| (raw.width, raw.height, doc.add_image(&raw)))
            });
            let c = pages.last_mut().unwrap();
            match image {
                Some((w_px, h_px, id)) => {
                    let dpi = (w_px as f32 / (THUMB_W / 25.4)).max(h_px as f32 / (THUMB_H / 25.4));
                    let drawn_h = h_px as f32 / dpi * 25.4;
                    c.ops.push(Op::UseXobject {
                        id,
                        transform: printpdf::XObjectTransform {
                            translate_x: Some(Mm(x).into()),
                            translate_y: Some(Mm(c.height_mm - (y + 1.0 + drawn_h)).into()),
                            dpi: Some(dpi),
                            ..Default::default()
                        },
                    });
                }
                None => {
                    c.fill(x, y + 1.0, THUMB_W, THUMB_H, rgb(243, 244, 246));
                    c.text_centred(
                        x,
                        THUMB_W,
                        y + 1.0 + THUMB_H / 2.0,
                        9.0,
                        grey.clone(),
                        "文件",
                    );
                }
            }
            let caption_y = y + THUMB_H + 4.0;
            c.text(
                x,
                caption_y,
                7.0,
                black.clone(),
                &crate::page::fit(
                    &format!("{} {}", evidence.item, evidence.file_name),
                    7.0,
                    THUMB_W,
                ),
            );
            c.text(
                x,
                caption_y + 3.0,
                6.0,
                grey.clone(),
                &format!(
                    "SHA-256 {}…",
                    &evidence.sha256[..16.min(evidence.sha256.len())]
                ),
            );
            let when = match (&evidence.captured_at, evidence.before_visit) {
                (Some(at), true) => format!("拍摄 {}（早于考察日期）", at.replacen('T', " ", 1)),
                (Some(at), false) => format!("拍摄 {}", at.replacen('T', " ", 1)),
                (None, _) => "无拍摄时间".into(),
            };
            c.text(
                x,
                caption_y + 6.0,
                6.0,
                if evidence.before_visit {
                    red.clone()
                } else {
                    grey.clone()
                },
                &crate::page::fit(&when, 6.0, THUMB_W),
            );
        }
        y += THUMB_H + 14.0;
    }

    // Sign-off: each member, the drawn signature, a dissent if any.
    let signatures: Vec<_> = data
        .members
        .iter()
        .map(|m| crate::page::add_signature(&mut doc, m.signature_png.as_ref()))
        .collect();
    y += 4.0;
    if y + 12.0 > BOTTOM {
        y = new_page(&mut pages);
    }
    pages.last_mut().unwrap().text(
        MARGIN,
        y,
        11.0,
        black.clone(),
        "考察组签署（组长签署，成员会签）",
    );
    y += 4.0;
    for (member, signature) in data.members.iter().zip(&signatures) {
        let dissent = member
            .dissent
            .as_ref()
            .map(|d| wrap(&format!("不同意见：{d}"), 8.5, width - 4.0))
            .unwrap_or_default();
        let h = 18.0 + dissent.len() as f32 * LINE_H;
        if y + h > BOTTOM {
            y = new_page(&mut pages);
        }
        let c = pages.last_mut().unwrap();
        y += 6.0;
        c.text(
            MARGIN,
            y,
            10.0,
            black.clone(),
            &format!(
                "{}：{} {}（{}）",
                if member.leader { "组长" } else { "成员" },
                member.code,
                member.name,
                crate::page::fit(&member.employer, 10.0, 60.0)
            ),
        );
        match signature {
            Some((w_px, h_px, id)) => {
                let dpi = (*w_px as f32 / (45.0 / 25.4)).max(*h_px as f32 / (14.0 / 25.4));
                let drawn_h = *h_px as f32 / dpi * 25.4;
                c.ops.push(Op::UseXobject {
                    id: id.clone(),
                    transform: printpdf::XObjectTransform {
                        translate_x: Some(Mm(MARGIN + 125.0).into()),
                        translate_y: Some(Mm(c.height_mm - (y + 2.0 + drawn_h / 2.0)).into()),
                        dpi: Some(dpi),
                        ..Default::default()
                    },
                });
            }
            None => c.line(
                MARGIN + 125.0,
                y + 1.0,
                MARGIN + 175.0,
                y + 1.0,
                0.5,
                black.clone(),
            ),
        }
        y += 8.0;
        for line in &dissent {
            c.text(MARGIN + 4.0, y, 8.5, red.clone(), line);
            y += LINE_H;
        }
        y += 2.0;
    }

    let total_pages = pages.len();
    let pdf_pages: Vec<PdfPage> = pages
        .into_iter()
        .enumerate()
        .map(|(i, mut c)| {
            footer(&mut c, data, i + 1, total_pages, generated);
            PdfPage::new(Mm(PAGE_W), Mm(PAGE_H), c.ops)
        })
        .collect();
    doc.with_pages(pdf_pages)
        .save(&PdfSaveOptions::default(), &mut Vec::new())
}

fn footer(c: &mut Canvas, data: &RecordData, page: usize, pages: usize, generated: &GeneratedAt) {
    let grey = rgb(107, 114, 128);
    c.line(
        MARGIN,
        PAGE_H - 14.0,
        PAGE_W - MARGIN,
        PAGE_H - 14.0,
        0.3,
        rgb(156, 163, 175),
    );
    c.text(
        MARGIN,
        PAGE_H - 10.0,
        7.0,
        grey.clone(),
        &format!(
            "考察记录编号 {} · 第 {page} 页，共 {pages} 页 · 生成于 {}",
            data.record_id, generated.local_text
        ),
    );
    c.text(
        MARGIN,
        PAGE_H - 6.5,
        7.0,
        grey,
        &format!("{} SHA-256 {}", data.checklist_title, data.checklist_sha256),
    );
}
