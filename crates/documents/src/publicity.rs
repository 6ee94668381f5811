//! 公示名单: the proposed parks, the publicity period and where to object — as an A4 PDF and as
//! plain text (for a website or a notice board).

use printpdf::{Mm, PdfPage, PdfSaveOptions};

use crate::page::{fit, rgb, wrap, Canvas};
use crate::GeneratedAt;

#[derive(Debug, Clone)]
pub struct PublicityEntry {
    pub park_name: String,
    pub city: String,
    pub management_body: String,
}

#[derive(Debug, Clone)]
pub struct PublicityData {
    /// e.g. 2026年广东省人工智能产业园区拟认定名单公示
    pub title: String,
    pub entries: Vec<PublicityEntry>,
    /// e.g. 2026年12月1日至2026年12月7日（5个工作日）
    pub period: String,
    /// Where to send objections, e.g. 省工业和信息化厅人工智能处，电话 020-…
    pub contact: String,
    pub issuer: String,
    /// The date printed under the issuer.
    pub date: String,
}

/// The intro paragraph, shared by the PDF and the text.
fn intro(data: &PublicityData) -> String {
    format!(
        "根据《广东省人工智能产业园区申报指南》，经形式审查、专家资料评审、实地考察和综合评分，现将拟认定的 {} 个广东省人工智能产业园区名单予以公示。公示期间，如对名单有异议，请以书面形式实名向联系人反映，并提供必要的证明材料。",
        data.entries.len()
    )
}

/// The list as plain text.
pub fn publicity_text(data: &PublicityData) -> String {
    let mut out = format!("{}\n\n{}\n\n", data.title, intro(data));
    for (i, e) in data.entries.iter().enumerate() {
        out.push_str(&format!(
            "{}. {}（{}，{}）\n",
            i + 1,
            e.park_name,
            e.city,
            e.management_body
        ));
    }
    out.push_str(&format!(
        "\n公示期：{}\n异议联系人：{}\n\n{}\n{}\n",
        data.period, data.contact, data.issuer, data.date
    ));
    out
}

/// The list as an A4 PDF.
pub fn publicity_pdf(data: &PublicityData, generated: &GeneratedAt) -> Vec<u8> {
    list_pdf(
        &ListLayout {
            title: &data.title,
            intro: &intro(data),
            entries: &data.entries,
            tail: vec![
                (format!("公示期：{}", data.period), 11.0),
                (format!("异议联系人：{}", data.contact), 11.0),
            ],
            issuer: &data.issuer,
            date: &data.date,
        },
        generated,
    )
}

/// What a one-list document prints: a title, an intro, the numbered parks, lines after them,
/// and the issuer with the date.
struct ListLayout<'a> {
    title: &'a str,
    intro: &'a str,
    entries: &'a [PublicityEntry],
    /// Lines after the list, each with its size in points.
    tail: Vec<(String, f32)>,
    issuer: &'a str,
    date: &'a str,
}

/// The publicity list and the published list share one A4 layout.
fn list_pdf(layout: &ListLayout<'_>, generated: &GeneratedAt) -> Vec<u8> {
    const PAGE_W: f32 = 210.0;
    const PAGE_H: f32 = 297.0;
    const MARGIN: f32 = 20.0;
    let (mut doc, font) = crate::page::new_document(layout.title, generated);
    let black = rgb(17, 24, 39);
    let width = PAGE_W - 2.0 * MARGIN;
    let mut pages = vec![Canvas::new(font.clone(), PAGE_H)];
    let mut y = 28.0;
    for line in wrap(layout.title, 15.0, width) {
        pages
            .last_mut()
            .unwrap()
            .text_centred(MARGIN, width, y, 15.0, black.clone(), &line);
        y += 8.0;
    }
    y += 4.0;
    let put = |pages: &mut Vec<Canvas>, y: &mut f32, text: &str, size: f32| {
        for line in wrap(text, size, width) {
            if *y > PAGE_H - 25.0 {
                pages.push(Canvas::new(font.clone(), PAGE_H));
                *y = 25.0;
            }
            pages
                .last_mut()
                .unwrap()
                .text(MARGIN, *y, size, black.clone(), &line);
            *y += size * 0.62;
        }
    };
    put(&mut pages, &mut y, &format!("    {}", layout.intro), 11.0);
    y += 4.0;
    for (i, e) in layout.entries.iter().enumerate() {
        put(
            &mut pages,
            &mut y,
            &format!("{}. {}（{}）", i + 1, e.park_name, e.city),
            11.0,
        );
        let body = fit(&e.management_body, 9.5, width - 8.0);
        put(&mut pages, &mut y, &format!("    管理机构：{body}"), 9.5);
        y += 1.5;
    }
    if !layout.tail.is_empty() {
        y += 4.0;
    }
    for (line, size) in &layout.tail {
        put(&mut pages, &mut y, line, *size);
    }
    y += 10.0;
    {
        let c = pages.last_mut().unwrap();
        let x = PAGE_W - MARGIN - 70.0;
        c.text(x, y, 11.0, black.clone(), layout.issuer);
        c.text(x, y + 7.0, 11.0, black.clone(), layout.date);
    }
    let pdf_pages: Vec<PdfPage> = pages
        .into_iter()
        .map(|c| PdfPage::new(Mm(PAGE_W), Mm(PAGE_H), c.ops))
        .collect();
    doc.with_pages(pdf_pages)
        .save(&PdfSaveOptions::default(), &mut Vec::new())
}

/// The published list (认定名单): issued in the provincial department's name after publicity.
#[derive(Debug, Clone)]
pub struct DesignationListData {
    /// e.g. 2026年广东省人工智能产业园区认定名单
    pub title: String,
    pub intro: String,
    pub entries: Vec<PublicityEntry>,
    /// Parks taken off the proposed list by an upheld objection: (park, reason).
    pub removed: Vec<(String, String)>,
    pub issuer: String,
    pub date: String,
}

/// The published list as an A4 PDF (signed by the caller).
pub fn designation_list_pdf(data: &DesignationListData, generated: &GeneratedAt) -> Vec<u8> {
    let mut tail = Vec::new();
    if !data.removed.is_empty() {
        tail.push((
            "经公示，以下拟认定园区因异议成立，不予认定：".to_owned(),
            11.0,
        ));
        for (park, reason) in &data.removed {
            tail.push((format!("    {park}：{reason}"), 10.0));
        }
    }
    list_pdf(
        &ListLayout {
            title: &data.title,
            intro: &data.intro,
            entries: &data.entries,
            tail,
            issuer: &data.issuer,
            date: &data.date,
        },
        generated,
    )
}
