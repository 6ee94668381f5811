//! Round trips and import errors, on workbooks written here and re-read with calamine.

use park_review_domain::exchange::parse_demo_round;
use rust_xlsxwriter::Workbook;

use super::*;

const DEMO: &str = include_str!("../../../assets/demo/round-2026.json");

#[test]
fn an_export_imports_back_unchanged() {
    let demo = parse_demo_round(DEMO).unwrap();
    let bytes = write_applications(&demo.applications).unwrap();
    let back = read_applications(&bytes).unwrap();
    assert_eq!(back, demo.applications);
}

#[test]
fn the_template_has_every_sheet_and_no_rows() {
    let bytes = application_template().unwrap();
    assert!(read_applications(&bytes).unwrap().is_empty());
}

/// A workbook written cell by cell, as a person would fill the template.
fn filled(edit: impl Fn(&mut rust_xlsxwriter::Worksheet, &str)) -> Vec<u8> {
    let mut workbook = Workbook::new();
    for (name, headers) in [
        (
            "园区",
            columns::PARK_COLUMNS
                .iter()
                .map(|c| c.header)
                .collect::<Vec<_>>(),
        ),
        (
            "企业",
            vec![
                "申报编号",
                "企业名称",
                "统一社会信用代码",
                "AI产品年产值（万元）",
            ],
        ),
        ("创新平台", vec!["申报编号", "平台名称", "平台类型"]),
        (
            "研发合作",
            vec!["申报编号", "园区企业", "合作单位", "合作单位类型"],
        ),
        ("服务平台", vec!["申报编号", "平台名称", "平台类型"]),
    ] {
        let sheet = workbook.add_worksheet().set_name(name).unwrap();
        for (c, h) in headers.iter().enumerate() {
            sheet.write_string(0, c as u16, *h).unwrap();
        }
        edit(sheet, name);
    }
    workbook.save_to_buffer().unwrap()
}

fn park_row(sheet: &mut rust_xlsxwriter::Worksheet, row: u32, code: &str, area: &str) {
    let values = [
        code,
        "韶关园区",
        "韶关市",
        "浈江区",
        "管委会",
        "",
        "",
        "1",
        "是",
        "是",
        "是",
        area,
    ];
    for (c, v) in values.iter().enumerate() {
        sheet.write_string(row, c as u16, *v).unwrap();
    }
}

#[test]
fn every_problem_is_named_by_sheet_row_and_field() {
    let bytes = filled(|sheet, name| match name {
        "园区" => {
            park_row(sheet, 1, "2026-SG-01", "三百");
            park_row(sheet, 2, "2026-SG-02", "300");
            sheet.write_string(2, 8, "也许").unwrap();
        }
        "企业" => {
            for (c, v) in ["2026-SG-01", "甲公司", "91350100M000100Y44", "5000"]
                .iter()
                .enumerate()
            {
                sheet.write_string(1, c as u16, *v).unwrap();
            }
            for (c, v) in ["2026-XX-09", "乙公司", "91350100M000100Y43", "10"]
                .iter()
                .enumerate()
            {
                sheet.write_string(2, c as u16, *v).unwrap();
            }
        }
        "创新平台" => {
            for (c, v) in ["2026-SG-02", "某平台", "实验室"].iter().enumerate() {
                sheet.write_string(1, c as u16, *v).unwrap();
            }
        }
        _ => {}
    });
    let err = read_applications(&bytes).unwrap_err();
    let text = err.to_string();
    for expected in [
        "工作表“园区”第 2 行，字段 规划建设面积（亩）（planned_area_mu）：“三百”不是数字",
        "工作表“园区”第 3 行，字段 领导牵头工作机制（leadership_mechanism）：“也许”应为“是”或“否”",
        "工作表“企业”第 3 行，字段 申报编号（code）：申报编号“2026-XX-09”在工作表“园区”中不存在",
        "工作表“创新平台”第 2 行，字段 平台类型（kind）：“实验室”不在可选值中",
    ] {
        assert!(text.contains(expected), "missing “{expected}” in:\n{text}");
    }
}

#[test]
fn credit_codes_are_checked_after_the_cells_are_read() {
    let bytes = filled(|sheet, name| match name {
        "园区" => park_row(sheet, 1, "2026-SG-01", "300"),
        "企业" => {
            for (c, v) in ["2026-SG-01", "甲公司", "91350100M000100Y44", "5000"]
                .iter()
                .enumerate()
            {
                sheet.write_string(1, c as u16, *v).unwrap();
            }
        }
        _ => {}
    });
    let err = read_applications(&bytes).unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidCreditCode);
    assert!(
        err.to_string().contains("enterprises[0].credit_code"),
        "{err}"
    );
}

#[test]
fn a_file_that_is_not_a_workbook_is_refused() {
    let err = read_applications(b"PK\x03\x04 not really a zip").unwrap_err();
    assert!(matches!(err, XlsxError::Unreadable(_)), "{err}");
    let missing = {
        let mut workbook = Workbook::new();
        workbook.add_worksheet().set_name("园区").unwrap();
        workbook.save_to_buffer().unwrap()
    };
    assert!(matches!(
        read_applications(&missing).unwrap_err(),
        XlsxError::MissingColumn { .. } | XlsxError::MissingSheet(_)
    ));
}

#[test]
fn the_default_rubric_round_trips_through_excel() {
    let text = include_str!("../../../assets/rubrics/default-designation.json");
    let rubric = park_review_domain::exchange::parse_rubric(text).unwrap();
    let bytes = crate::write_rubric(&rubric).unwrap();
    assert_eq!(crate::read_rubric(&bytes).unwrap(), rubric);
}

#[test]
fn a_rubric_workbook_with_text_for_points_names_the_cell() {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    workbook
        .add_worksheet()
        .set_name("细则信息")
        .unwrap()
        .write_string(1, 0, "细则")
        .unwrap();
    let sheet = workbook.add_worksheet().set_name("评分细则").unwrap();
    for (c, h) in [
        "部分编号",
        "部分名称",
        "评分项编号",
        "评分项名称",
        "满分",
        "步长",
        "对应条款",
        "评分指引",
    ]
    .iter()
    .enumerate()
    {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    sheet.write_string(1, 0, "S1").unwrap();
    sheet.write_string(1, 2, "C3.1").unwrap();
    sheet.write_string(1, 4, "十分").unwrap();
    let bands = workbook.add_worksheet().set_name("档次").unwrap();
    for (c, h) in ["评分项编号", "档次", "最低分", "最高分", "说明"]
        .iter()
        .enumerate()
    {
        bands.write_string(0, c as u16, *h).unwrap();
    }
    let err = crate::read_rubric(&workbook.save_to_buffer().unwrap()).unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains("工作表“评分细则”第 2 行") && message.contains("“十分”不是数字"),
        "{message}"
    );
}

#[test]
fn a_cell_at_the_far_corner_is_refused_before_anything_is_allocated() {
    // One cell at A2 and one at XFD1048576: calamine's rectangle for this 9 KB file would be
    // 1,048,576 × 16,384 cells (512 GiB) and the process aborted.
    let bytes = filled(|sheet, name| {
        if name == "园区" {
            sheet.write_string(1, 0, "2026-GZ-01").unwrap();
            sheet.write_string(1_048_575, 16_383, "x").unwrap();
        }
    });
    assert!(bytes.len() < 20_000, "{}", bytes.len());
    let err = read_applications(&bytes).unwrap_err();
    assert_eq!(err.code(), ErrorCode::ImportTooLarge, "{err}");
    assert!(
        err.to_string().contains("第 1048576 行第 16384 列"),
        "{err}"
    );
    // The same guard stands in front of every workbook reader.
    assert_eq!(
        read_rubric(&bytes).unwrap_err().code(),
        ErrorCode::ImportMalformed
    );
}

#[test]
fn a_zip_bomb_is_refused_by_what_it_unpacks_to_not_what_it_declares() {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("xl/sharedStrings.xml", options).unwrap();
    let zeros = vec![b'0'; 1024 * 1024];
    for _ in 0..(MAX_UNPACKED_BYTES / (1024 * 1024) + 1) {
        zip.write_all(&zeros).unwrap();
    }
    let bytes = zip.finish().unwrap().into_inner();
    assert!(bytes.len() < 1024 * 1024, "{}", bytes.len());
    let err = read_applications(&bytes).unwrap_err();
    assert_eq!(err.code(), ErrorCode::ImportTooLarge, "{err}");
    assert!(err.to_string().contains("压缩炸弹"), "{err}");
}

#[test]
fn a_file_with_thousands_of_bad_rows_gets_a_message_a_person_can_read() {
    let bytes = filled(|sheet, name| {
        if name == "园区" {
            for row in 1..=3000 {
                park_row(sheet, row, &format!("X-{row}"), "不是数字");
            }
        }
    });
    let err = read_applications(&bytes).unwrap_err();
    let XlsxError::Invalid(problems) = &err else {
        panic!("{err}")
    };
    assert!(problems.len() >= 3000, "{}", problems.len());
    let message = err.to_string();
    assert!(message.lines().count() <= 55, "{}", message.lines().count());
    assert!(message.contains("另有"), "{message}");
}
