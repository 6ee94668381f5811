//! 评审报告: the panel's report of a round on A4 portrait pages — the method, the ranking, the
//! outliers and how they were resolved, the objective criteria and the 复核 changes, and the
//! sign-off block of every panel member (the leader marked, a dissent printed in full). Each
//! member's signature is added afterwards, one incremental revision each (park-review-signing).

use printpdf::{Mm, PdfPage, PdfSaveOptions};

use crate::page::{fit, rgb, wrap, Canvas};
use crate::GeneratedAt;

const PAGE_W: f32 = 210.0;
const PAGE_H: f32 = 297.0;
const MARGIN: f32 = 18.0;
const BOTTOM: f32 = PAGE_H - 22.0;
/// Ranking columns (mm): rank, code, park, city, material, site, comprehensive, selected.
const COLS: [f32; 8] = [12.0, 24.0, 52.0, 15.0, 17.0, 17.0, 17.0, 20.0];

#[derive(Debug, Clone)]
pub struct PanelRankingLine {
    pub rank: String,
    pub code: String,
    pub park_name: String,
    pub city: String,
    pub material: String,
    pub site: String,
    pub comprehensive: String,
    pub selected: bool,
}

#[derive(Debug, Clone)]
pub struct PanelReportMember {
    pub code: String,
    pub name: String,
    pub employer: String,
    pub leader: bool,
    /// A written dissent (不同意见), printed in full under the member.
    pub dissent: Option<String>,
}

#[derive(Debug, Clone)]
pub struct PanelReportData {
    pub report_id: String,
    pub round_title: String,
    pub round_code: String,
    /// Paragraphs of the method (aggregation, weights, outlier margin, selection).
    pub method: Vec<String>,
    pub ranking: Vec<PanelRankingLine>,
    /// One line per flagged outlier with its resolution.
    pub outliers: Vec<String>,
    /// The objective criteria (客观分) of the rubric, e.g. `C7.1 环评与环保承诺（5 分）`.
    pub objective_criteria: Vec<String>,
    /// One line per 复核 change: who, what, from, to, case, reason.
    pub rechecks: Vec<String>,
    pub members: Vec<PanelReportMember>,
    /// e.g. 排名已于 2026-11-30 10:00 由 秘书处 确定
    pub finalised: String,
}

struct Flow {
    pages: Vec<Canvas>,
    y: f32,
    font: printpdf::FontId,
}

impl Flow {
    fn page(&mut self) -> &mut Canvas {
        self.pages.last_mut().expect("a first page")
    }

    /// Room for `h` mm, or a new page.
    fn room(&mut self, h: f32) {
        if self.y + h > BOTTOM {
            self.pages.push(Canvas::new(self.font.clone(), PAGE_H));
            self.y = 22.0;
        }
    }

    fn paragraph(&mut self, text: &str, size: f32, indent: f32, color: printpdf::Color) {
        for line in wrap(text, size, PAGE_W - 2.0 * MARGIN - indent) {
            self.room(size * 0.62);
            let y = self.y;
            self.page()
                .text(MARGIN + indent, y, size, color.clone(), &line);
            self.y += size * 0.62;
        }
    }

    /// A section heading: space above (its letters rise above the baseline), the heading,
    /// room for the first line below.
    fn heading(&mut self, text: &str) {
        self.y += 7.0;
        self.room(14.0);
        let y = self.y;
        self.page().text(MARGIN, y, 12.0, rgb(17, 24, 39), text);
        self.y += 7.5;
    }
}

pub fn panel_report(data: &PanelReportData, generated: &GeneratedAt) -> Vec<u8> {
    let title = "评审报告";
    let (mut doc, font) =
        crate::page::new_document(&format!("{} {title}", data.round_title), generated);
    let black = rgb(17, 24, 39);
    let grey = rgb(107, 114, 128);
    let mut flow = Flow {
        pages: vec![Canvas::new(font.clone(), PAGE_H)],
        y: 24.0,
        font: font.clone(),
    };
    let width = PAGE_W - 2.0 * MARGIN;
    for line in wrap(&format!("{} {title}", data.round_title), 15.0, width) {
        let y = flow.y;
        flow.page()
            .text_centred(MARGIN, width, y, 15.0, black.clone(), &line);
        flow.y += 8.0;
    }
    flow.paragraph(
        &format!("批次 {} · {}", data.round_code, data.finalised),
        9.5,
        0.0,
        grey.clone(),
    );

    flow.heading("一、评审方法");
    for p in &data.method {
        flow.paragraph(p, 10.0, 0.0, black.clone());
        flow.y += 1.0;
    }

    flow.heading("二、评审结果");
    let header = |c: &mut Canvas, y: f32| {
        c.fill(MARGIN, y, width, 7.0, rgb(229, 236, 246));
        let mut x = MARGIN;
        for (t, w) in [
            "名次",
            "申报编号",
            "园区名称",
            "地市",
            "资料评审",
            "实地考察",
            "综合得分",
            "拟入选",
        ]
        .iter()
        .zip(COLS)
        {
            c.text(x + 1.0, y + 4.8, 8.5, rgb(17, 24, 39), t);
            x += w;
        }
    };
    flow.room(8.0);
    let y = flow.y;
    header(flow.page(), y);
    flow.y += 8.0;
    for line in &data.ranking {
        if flow.y + 6.0 > BOTTOM {
            flow.room(100.0);
            let y = flow.y;
            header(flow.page(), y);
            flow.y += 8.0;
        }
        let cells = [
            line.rank.as_str(),
            line.code.as_str(),
            &fit(&line.park_name, 8.5, COLS[2] - 2.0),
            line.city.as_str(),
            line.material.as_str(),
            line.site.as_str(),
            line.comprehensive.as_str(),
            if line.selected { "是" } else { "" },
        ];
        let y = flow.y;
        let mut x = MARGIN;
        for (t, w) in cells.iter().zip(COLS) {
            flow.page().text(x + 1.0, y + 3.5, 8.5, black.clone(), t);
            x += w;
        }
        flow.page().line(
            MARGIN,
            y + 5.5,
            MARGIN + width,
            y + 5.5,
            0.3,
            rgb(209, 213, 219),
        );
        flow.y += 6.0;
    }

    flow.heading("三、离群分及其处理");
    if data.outliers.is_empty() {
        flow.paragraph("无离群分。", 10.0, 0.0, black.clone());
    }
    for line in &data.outliers {
        flow.paragraph(&format!("· {line}"), 10.0, 0.0, black.clone());
    }

    flow.heading("四、客观分与复核");
    flow.paragraph(
        &if data.objective_criteria.is_empty() {
            "评分细则未设客观分评分项。".to_owned()
        } else {
            format!(
                "客观分评分项：{}。各专家对客观分评分项的评分须一致，不一致的经复核后确定。",
                data.objective_criteria.join("；")
            )
        },
        10.0,
        0.0,
        black.clone(),
    );
    flow.y += 1.0;
    if data.rechecks.is_empty() {
        flow.paragraph("复核未修改任何评分。", 10.0, 0.0, black.clone());
    } else {
        flow.paragraph(
            "复核修改的评分（仅限分值汇总计算错误、分项评分超出分值范围、客观评分项评分不一致、评分畸高畸低四种情形）：",
            10.0,
            0.0,
            black.clone(),
        );
        for line in &data.rechecks {
            flow.paragraph(&format!("· {line}"), 10.0, 3.0, black.clone());
        }
    }

    flow.heading("五、评审委员会成员签署");
    flow.paragraph(
        "本报告由评审委员会全体成员以电子签名依次签署（每位成员一个签名，附加于前一签名之后）。签署情况以文件中的数字签名为准，可用任何 PDF 阅读器或 park-review verify 核验；尚未签署的成员在核验结果中列出。",
        9.0,
        0.0,
        grey.clone(),
    );
    flow.y += 2.0;
    for m in &data.members {
        flow.room(16.0);
        let y = flow.y;
        let role = if m.leader { "组长" } else { "成员" };
        let opinion = if m.dissent.is_some() {
            "有不同意见（见下）"
        } else {
            "无不同意见"
        };
        let c = flow.page();
        c.text(
            MARGIN,
            y + 4.0,
            10.5,
            black.clone(),
            &format!("{} {}", m.code, m.name),
        );
        c.text(
            MARGIN + 38.0,
            y + 4.0,
            9.5,
            grey.clone(),
            &fit(&m.employer, 9.5, 62.0),
        );
        c.text(MARGIN + 104.0, y + 4.0, 10.0, black.clone(), role);
        c.text(MARGIN + 120.0, y + 4.0, 10.0, black.clone(), opinion);
        // The row's rule goes under the dissent, so that it belongs to its member.
        let mut bottom = y + 7.0;
        if let Some(dissent) = &m.dissent {
            flow.y = y + 10.0;
            flow.paragraph(&format!("不同意见：{dissent}"), 9.5, 4.0, black.clone());
            bottom = flow.y - 3.0;
        }
        let last = flow.pages.len() - 1;
        flow.pages[last].line(
            MARGIN,
            bottom,
            MARGIN + width,
            bottom,
            0.3,
            rgb(209, 213, 219),
        );
        flow.y = bottom + 1.5;
    }

    let n = flow.pages.len();
    let pdf_pages: Vec<PdfPage> = flow
        .pages
        .into_iter()
        .enumerate()
        .map(|(i, mut c)| {
            c.line(
                MARGIN,
                PAGE_H - 15.0,
                PAGE_W - MARGIN,
                PAGE_H - 15.0,
                0.3,
                rgb(156, 163, 175),
            );
            c.text(
                MARGIN,
                PAGE_H - 11.0,
                7.0,
                rgb(107, 114, 128),
                &format!(
                    "评审报告 {} · 第 {} 页，共 {n} 页 · 生成于 {}",
                    data.report_id,
                    i + 1,
                    generated.local_text
                ),
            );
            PdfPage::new(Mm(PAGE_W), Mm(PAGE_H), c.ops)
        })
        .collect();
    doc.with_pages(pdf_pages)
        .save(&PdfSaveOptions::default(), &mut Vec::new())
}
