//! Page geometry and drawing helpers over printpdf's operations: text at a position, lines,
//! filled cells, and text wrapping by measured width.

use printpdf::{
    Color, FontId, Line, LinePoint, Mm, Op, PaintMode, ParsedFont, PdfDocument, PdfFontHandle,
    Point, Pt, Rect, Rgb, TextItem, WindingOrder,
};

/// The subset font, embedded in every document.
pub const FONT_BYTES: &[u8] = include_bytes!("../../../assets/fonts/NotoSansSC-ParkReview.otf");

/// A new document titled `title`, dated `generated` (printpdf otherwise says 1970), naming
/// ParkReview as creator, with the bundled font added.
pub fn new_document(title: &str, generated: &crate::GeneratedAt) -> (PdfDocument, FontId) {
    let mut doc = PdfDocument::new(title);
    if let Ok(date) = printpdf::DateTime::from_unix_timestamp(generated.unix_seconds) {
        doc.metadata.info.creation_date = date;
        doc.metadata.info.modification_date = date;
        doc.metadata.info.metadata_date = date;
    }
    doc.metadata.info.creator = "ParkReview 园区评审".into();
    doc.metadata.info.producer = "ParkReview".into();
    let font = load_font(&mut doc);
    (doc, font)
}

/// Adds the bundled font to `doc`. The font is parsed once per process (its 7,000 glyphs took
/// about 1 ms per document, 3 % of loading the demo's hundred signed PDFs) and copied into each
/// document, which subsets it when saved.
pub fn load_font(doc: &mut PdfDocument) -> FontId {
    static FONT: std::sync::OnceLock<ParsedFont> = std::sync::OnceLock::new();
    let font = FONT.get_or_init(|| {
        ParsedFont::from_bytes(FONT_BYTES, 0, &mut Vec::new())
            .expect("the bundled font parses (checked by a test)")
    });
    doc.add_font(font)
}

/// Drawing on one page, with y measured from the top in millimetres (as on paper).
pub struct Canvas {
    pub ops: Vec<Op>,
    pub font: FontId,
    pub height_mm: f32,
}

pub fn rgb(r: u8, g: u8, b: u8) -> Color {
    Color::Rgb(Rgb {
        r: r as f32 / 255.0,
        g: g as f32 / 255.0,
        b: b as f32 / 255.0,
        icc_profile: None,
    })
}

impl Canvas {
    pub fn new(font: FontId, height_mm: f32) -> Canvas {
        Canvas {
            ops: Vec::new(),
            font,
            height_mm,
        }
    }

    fn point(&self, x_mm: f32, y_from_top_mm: f32) -> Point {
        Point::new(Mm(x_mm), Mm(self.height_mm - y_from_top_mm))
    }

    /// Text whose baseline is at `y` from the top.
    pub fn text(&mut self, x_mm: f32, y_mm: f32, size_pt: f32, color: Color, text: &str) {
        let pos = self.point(x_mm, y_mm);
        self.ops.extend([
            Op::StartTextSection,
            Op::SetFillColor { col: color },
            Op::SetFont {
                font: PdfFontHandle::External(self.font.clone()),
                size: Pt(size_pt),
            },
            Op::SetTextCursor { pos },
            Op::ShowText {
                items: vec![TextItem::Text(text.to_owned())],
            },
            Op::EndTextSection,
        ]);
    }

    /// Centred text in a box `[x, x + width]`.
    pub fn text_centred(
        &mut self,
        x_mm: f32,
        width_mm: f32,
        y_mm: f32,
        size_pt: f32,
        color: Color,
        text: &str,
    ) {
        let w = text_width_mm(text, size_pt);
        self.text(
            x_mm + (width_mm - w).max(0.0) / 2.0,
            y_mm,
            size_pt,
            color,
            text,
        );
    }

    pub fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, thickness_pt: f32, color: Color) {
        let points = vec![
            LinePoint {
                p: self.point(x1, y1),
                bezier: false,
            },
            LinePoint {
                p: self.point(x2, y2),
                bezier: false,
            },
        ];
        self.ops.extend([
            Op::SetOutlineColor { col: color },
            Op::SetOutlineThickness {
                pt: Pt(thickness_pt),
            },
            Op::DrawLine {
                line: Line {
                    points,
                    is_closed: false,
                },
            },
        ]);
    }

    /// A filled rectangle with its top-left corner at (x, y).
    pub fn fill(&mut self, x_mm: f32, y_mm: f32, w_mm: f32, h_mm: f32, color: Color) {
        let bottom_left = self.point(x_mm, y_mm + h_mm);
        self.ops.extend([
            Op::SetFillColor { col: color },
            Op::DrawRectangle {
                rectangle: Rect {
                    x: bottom_left.x,
                    y: bottom_left.y,
                    width: Mm(w_mm).into(),
                    height: Mm(h_mm).into(),
                    mode: Some(PaintMode::Fill),
                    winding_order: Some(WindingOrder::NonZero),
                },
            },
        ]);
    }
}

/// A decoded hand-drawn signature on the document: its pixel size and image id.
pub type SignatureImage = (usize, usize, printpdf::XObjectId);

/// Adds a PNG signature to the document, if it decodes.
pub fn add_signature(doc: &mut PdfDocument, png: Option<&Vec<u8>>) -> Option<SignatureImage> {
    png.and_then(|png| {
        printpdf::RawImage::decode_from_bytes(png, &mut Vec::new())
            .ok()
            .map(|image| (image.width, image.height, doc.add_image(&image)))
    })
}

impl Canvas {
    /// “评审专家（签名）：” at (x, y) with the drawn signature (fitted into 50 × 18 mm and centred
    /// on the line) or a line to sign on, and the date below.
    pub fn signature_block(
        &mut self,
        x: f32,
        y: f32,
        signature: Option<&SignatureImage>,
        date: &str,
        color: Color,
    ) {
        self.text(x, y, 10.5, color.clone(), "评审专家（签名）：");
        match signature {
            Some((w_px, h_px, id)) => {
                let dpi = (*w_px as f32 / (50.0 / 25.4)).max(*h_px as f32 / (18.0 / 25.4));
                let drawn_h = *h_px as f32 / dpi * 25.4;
                self.ops.push(Op::UseXobject {
                    id: id.clone(),
                    transform: printpdf::XObjectTransform {
                        translate_x: Some(Mm(x + 33.0).into()),
                        translate_y: Some(Mm(self.height_mm - (y - 1.5 + drawn_h / 2.0)).into()),
                        dpi: Some(dpi),
                        ..Default::default()
                    },
                });
            }
            None => self.line(x + 33.0, y + 1.0, x + 78.0, y + 1.0, 0.5, color.clone()),
        }
        self.text(x, y + 8.0, 10.5, color, &format!("日期：{date}"));
    }
}

/// The footer of a signed A4 portrait sheet: a rule, “{label} {id} · 第 n 页，共 m 页 · 生成于 …”
/// and the SHA-256 of the rubric the scores were given against.
pub fn sheet_footer(
    c: &mut Canvas,
    label: &str,
    sheet_id: &str,
    page: usize,
    pages: usize,
    generated: &crate::GeneratedAt,
    rubric_sha256: &str,
) {
    let (margin, bottom, grey) = (15.0, c.height_mm, rgb(107, 114, 128));
    c.line(
        margin,
        bottom - 14.0,
        210.0 - margin,
        bottom - 14.0,
        0.3,
        rgb(156, 163, 175),
    );
    c.text(
        margin,
        bottom - 10.0,
        7.0,
        grey.clone(),
        &format!(
            "{label} {sheet_id} · 第 {page} 页，共 {pages} 页 · 生成于 {}",
            generated.local_text
        ),
    );
    c.text(
        margin,
        bottom - 6.5,
        7.0,
        grey,
        &format!("评分细则 SHA-256 {rubric_sha256}"),
    );
}

/// The width of `text` at `size_pt`: CJK and full-width characters are one em wide in this
/// font, Latin letters and digits about half.
pub fn text_width_mm(text: &str, size_pt: f32) -> f32 {
    let em_mm = size_pt * 25.4 / 72.0;
    text.chars()
        .map(|c| if (c as u32) < 0x2E80 { 0.55 } else { 1.0 })
        .sum::<f32>()
        * em_mm
}

/// Punctuation that never starts a line (避头点): it stays at the end of the line before, a
/// little past the margin, as Chinese typesetting does.
const NO_LINE_START: &str = "，。、；：？！）》」』】”’,.;:?!)%";

/// Breaks `text` into lines no wider than `width_mm` (any character may break: Chinese has no
/// spaces between words; closing punctuation never starts a line).
pub fn wrap(text: &str, size_pt: f32, width_mm: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for c in text.chars() {
        let mut candidate = line.clone();
        candidate.push(c);
        if text_width_mm(&candidate, size_pt) > width_mm
            && !line.is_empty()
            && !NO_LINE_START.contains(c)
        {
            lines.push(std::mem::take(&mut line));
        }
        line.push(c);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Cuts `text` to fit `width_mm`, ending with … when cut.
pub fn fit(text: &str, size_pt: f32, width_mm: f32) -> String {
    if text_width_mm(text, size_pt) <= width_mm {
        return text.to_owned();
    }
    let mut out = String::new();
    for c in text.chars() {
        if text_width_mm(&format!("{out}{c}…"), size_pt) > width_mm {
            break;
        }
        out.push(c);
    }
    out + "…"
}
