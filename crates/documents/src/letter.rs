//! A one-page letter (函): a title, the addressee, paragraphs, the issuer and the date — the demo
//! round's recommendation letter is one (`examples/demo_letter.rs`).

use printpdf::{Mm, PdfPage, PdfSaveOptions};

use crate::page::{rgb, wrap, Canvas};
use crate::GeneratedAt;

#[derive(Debug, Clone)]
pub struct Letter {
    pub title: String,
    /// e.g. 省工业和信息化厅：
    pub addressee: String,
    pub paragraphs: Vec<String>,
    pub issuer: String,
    pub date: String,
}

/// The letter as an A4 PDF with the CJK font embedded (subset).
pub fn letter_pdf(letter: &Letter, generated: &GeneratedAt) -> Vec<u8> {
    const PAGE_W: f32 = 210.0;
    const PAGE_H: f32 = 297.0;
    const MARGIN: f32 = 25.0;
    let (doc, font) = crate::page::new_document(&letter.title, generated);
    let black = rgb(17, 24, 39);
    let width = PAGE_W - 2.0 * MARGIN;
    let mut c = Canvas::new(font, PAGE_H);
    let mut y = 35.0;
    for line in wrap(&letter.title, 16.0, width) {
        c.text_centred(MARGIN, width, y, 16.0, black.clone(), &line);
        y += 9.0;
    }
    y += 8.0;
    c.text(MARGIN, y, 12.0, black.clone(), &letter.addressee);
    y += 9.0;
    for paragraph in &letter.paragraphs {
        for line in wrap(&format!("        {paragraph}"), 12.0, width) {
            c.text(MARGIN, y, 12.0, black.clone(), &line);
            y += 7.5;
        }
        y += 2.0;
    }
    y += 15.0;
    let x = PAGE_W - MARGIN - 70.0;
    c.text(x, y, 12.0, black.clone(), &letter.issuer);
    c.text(x, y + 8.0, 12.0, black, &letter.date);
    let mut doc = doc;
    doc.with_pages(vec![PdfPage::new(Mm(PAGE_W), Mm(PAGE_H), c.ops)])
        .save(&PdfSaveOptions::default(), &mut Vec::new())
}
