//! Applications, attachments, the formal review and its PDF.

use std::process::Command;

use serde_json::Value;

use crate::support::*;

fn rule_result(review: &Value, code: &str, rule: &str) -> String {
    let app = review
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["code"] == code)
        .unwrap();
    let rule = app["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == rule)
        .unwrap();
    rule["result"].as_str().unwrap().to_owned()
}

#[test]
fn eligibility_json_cites_rules_and_an_override_with_a_reason_changes_it() {
    let sb = Sandbox::new();
    sb.cli_json("demo");
    let review = sb.cli_json("eligibility --round DEMO-2026");
    let gz3 = review
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["code"] == "2026-GZ-03")
        .unwrap();
    assert_eq!(gz3["result"], "fail");
    assert_eq!(gz3["park_name"], "广州番禺智慧创新园");
    assert_eq!(gz3["city"], "广州市");
    let ids: Vec<_> = gz3["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        ["C1", "C2", "C3", "C4", "C5", "C6", "C7", "P2", "P3", "P4"]
    );
    assert!(gz3["rules"][7]["detail"]
        .as_str()
        .unwrap()
        .contains("超出申报数量"));
    assert_eq!(rule_result(&review, "2026-FS-01", "C2"), "fail");

    let no_reason = sb.cli(r#"eligibility override --round DEMO-2026 --application 2026-FS-01 --rule C2 --result pass --reason " ""#);
    assert!(
        stderr(&no_reason).contains("[OUT_OF_RANGE]"),
        "{}",
        stderr(&no_reason)
    );
    let ok = sb.cli("eligibility override --round DEMO-2026 --application 2026-FS-01 --rule C2 --result pass --reason 差1.5亩，用地集中连片");
    assert!(ok.status.success(), "{}", stderr(&ok));
    let after = sb.cli_json("eligibility --round DEMO-2026");
    assert_eq!(rule_result(&after, "2026-FS-01", "C2"), "pass");

    let text = stdout(&sb.cli("eligibility --round DEMO-2026"));
    assert!(text.contains("理由：差1.5亩，用地集中连片"), "{text}");
}

#[test]
fn application_import_is_all_or_nothing_with_every_problem_named() {
    let sb = Sandbox::new();
    sb.cli_json("round create --year 2026 --kind designation");
    let file = sb.dir.path().join("apps.json");
    let good = serde_json::json!({
        "format": "park-review/application@1", "code": "2026-SG-01", "park_name": "韶关测试园区",
        "city": "韶关市", "city_recommendation_rank": 1, "planned_area_mu": 300,
        "enterprises": [{"name": "甲公司", "credit_code": "91350100M000100Y43", "ai_output_wan_yuan": 5000}]
    });
    let mut bad = good.clone();
    bad["code"] = "2026-SG-02".into();
    bad["enterprises"][0]["credit_code"] = "91350100M000100Y44".into();
    std::fs::write(&file, serde_json::json!([good.clone(), bad]).to_string()).unwrap();
    let out = sb.run(&[
        "application",
        "import",
        file.to_str().unwrap(),
        "--round",
        "2026-SB",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("[INVALID_CREDIT_CODE]") && err.contains("enterprises[0].credit_code"),
        "{err}"
    );
    assert_eq!(sb.cli_json("status")["applications"], 0);

    std::fs::write(&file, "{\"code\": \"2026-SG-01\",").unwrap();
    let malformed = sb.run(&[
        "application",
        "import",
        file.to_str().unwrap(),
        "--round",
        "2026-SB",
    ]);
    assert!(
        stderr(&malformed).contains("[IMPORT_MALFORMED]"),
        "{}",
        stderr(&malformed)
    );

    std::fs::write(&file, good.to_string()).unwrap();
    let imported = sb.json(&[
        "application",
        "import",
        file.to_str().unwrap(),
        "--round",
        "2026-SB",
        "--json",
    ]);
    assert_eq!(imported["imported"], 1);
    let again = sb.run(&[
        "application",
        "import",
        file.to_str().unwrap(),
        "--round",
        "2026-SB",
    ]);
    assert!(
        stderr(&again).contains("[DUPLICATE_CODE]"),
        "{}",
        stderr(&again)
    );
}

#[test]
fn piping_into_head_is_not_an_error() {
    let sb = Sandbox::new();
    sb.cli_json("demo");
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "'{}' --db '{}' eligibility --round DEMO-2026 | head -1",
            env!("CARGO_BIN_EXE_park-review"),
            sb.db().display()
        ))
        .output()
        .unwrap();
    assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
}

#[test]
fn applications_round_trip_through_excel_and_json() {
    let sb = Sandbox::new();
    sb.cli_json("demo");
    let xlsx = sb.dir.path().join("demo.xlsx");
    let json = sb.dir.path().join("demo.json");
    let template = sb.dir.path().join("template.xlsx");
    for (args, file) in [
        (
            vec!["application", "export", "--round", "DEMO-2026", "--out"],
            &xlsx,
        ),
        (
            vec!["application", "export", "--round", "DEMO-2026", "--out"],
            &json,
        ),
        (vec!["template", "application", "--out"], &template),
    ] {
        let mut args = args.clone();
        args.push(file.to_str().unwrap());
        let out = sb.run(&args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        assert!(file.exists());
    }
    sb.cli_json("round create --year 2026 --kind designation");
    let imported = sb.json(&[
        "application",
        "import",
        xlsx.to_str().unwrap(),
        "--round",
        "2026-SB",
        "--json",
    ]);
    assert_eq!(imported["imported"], 9);

    let again = sb.dir.path().join("again.json");
    sb.json(&[
        "application",
        "export",
        "--round",
        "2026-SB",
        "--out",
        again.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(
        std::fs::read_to_string(&again).unwrap(),
        std::fs::read_to_string(&json).unwrap()
    );

    let empty = sb.run(&[
        "application",
        "import",
        template.to_str().unwrap(),
        "--round",
        "2026-SB",
        "--json",
    ]);
    // The blank template, imported untouched, is refused with a code and a Chinese message
    // (it used to answer a green "已导入 0 个申报").
    assert!(!empty.status.success(), "the empty template is refused");
    let err: serde_json::Value = serde_json::from_str(&stderr(&empty)).unwrap();
    assert_eq!(err["code"], "IMPORT_MALFORMED");
    assert!(
        err["message"].as_str().unwrap().contains("文件中没有申报"),
        "{err}"
    );
}

#[test]
fn application_update_replaces_one_record_and_cities_list_the_quota() {
    let sb = Sandbox::new();
    sb.cli_json("demo");
    let mut record = sb.cli_json("application show --round DEMO-2026 --application 2026-FS-01");
    record["planned_area_mu"] = 300.into();
    let file = sb.dir.path().join("fs.json");
    std::fs::write(&file, record.to_string()).unwrap();
    let out = sb.run(&[
        "application",
        "update",
        file.to_str().unwrap(),
        "--round",
        "DEMO-2026",
        "--application",
        "2026-FS-01",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let review = sb.cli_json("eligibility --round DEMO-2026");
    // The demo's documents were checked: at 300 亩 C2 now passes.
    assert_eq!(rule_result(&review, "2026-FS-01", "C2"), "pass");

    let cities = sb.cli_json("cities");
    assert_eq!(cities.as_array().unwrap().len(), 21);
    assert_eq!(cities[0]["name"], "广州市");
    assert_eq!(cities[0]["quota"], 2);
}

#[test]
fn attachments_are_added_listed_and_verified() {
    let sb = Sandbox::new();
    sb.cli_json("demo");
    let pdf = sb.dir.path().join("用地批复.pdf");
    std::fs::write(&pdf, b"%PDF-1.4\n%%EOF\n").unwrap();
    let target = ["--round", "DEMO-2026", "--application", "2026-FS-01"];
    let added = sb.json(
        &[
            &[
                "attachment",
                "add",
                pdf.to_str().unwrap(),
                "--clause",
                "C2",
                "--json",
            ][..],
            &target,
        ]
        .concat(),
    );
    assert_eq!(added["media_type"], "application/pdf");
    let listed = sb.json(&[&["attachment", "list", "--json"][..], &target].concat());
    assert_eq!(listed[0]["file_name"], "用地批复.pdf");
    assert!(sb
        .run(&[&["attachment", "verify"][..], &target].concat())
        .status
        .success());

    let sha = added["sha256"].as_str().unwrap();
    let stored = sb.dir.path().join("attachments").join(&sha[..2]).join(sha);
    std::fs::write(&stored, b"%PDF-1.4 changed").unwrap();
    let out = sb.run(&[&["attachment", "verify"][..], &target].concat());
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("[ATTACHMENT_TAMPERED]"),
        "{}",
        stderr(&out)
    );

    let doc = sb.dir.path().join("说明.docx");
    std::fs::write(&doc, b"PK\x03\x04").unwrap();
    let refused = sb.run(
        &[
            &["attachment", "add", doc.to_str().unwrap(), "--clause", "C1"][..],
            &target,
        ]
        .concat(),
    );
    assert!(
        stderr(&refused).contains("[IMPORT_MALFORMED]"),
        "{}",
        stderr(&refused)
    );
}

/// Judged by tools nobody here wrote: poppler's pdffonts and pdftotext.
#[test]
fn the_formal_review_pdf_embeds_a_subset_font_and_reads_as_chinese_text() {
    let sb = Sandbox::new();
    sb.cli_json("demo");
    let pdf = sb.dir.path().join("形式审查.pdf");
    let out = sb.run(&[
        "eligibility",
        "--round",
        "DEMO-2026",
        "--pdf",
        pdf.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));

    let fonts = Command::new("pdffonts")
        .arg(&pdf)
        .output()
        .expect("poppler-utils (make test installs it)");
    let fonts = String::from_utf8_lossy(&fonts.stdout).into_owned();
    let cjk = fonts
        .lines()
        .find(|l| l.contains("NotoSansCJKsc"))
        .unwrap_or_else(|| panic!("{fonts}"));
    let flags: Vec<&str> = cjk.split_whitespace().rev().skip(2).take(3).collect();
    assert_eq!(flags, ["yes", "yes", "yes"], "uni/sub/emb: {cjk}");

    let text = Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout).into_owned();
    for expected in [
        "形式审查结果汇总表",
        "广州番禺智慧创新园",
        "韶关芙蓉新城人工智能产业园",
        "超出申报数量",
        "不通过",
        "待补正",
    ] {
        assert!(
            text.contains(expected),
            "“{expected}” missing from the PDF text:\n{text}"
        );
    }
}

/// P1 (原则上每年集中申报1次): a second round of a year is a supplementary round with its reason,
/// and P2 counts a city's applications across the year's rounds — Guangzhou's two in the
/// regular round leave none for the supplementary one, Shaoguan's place is still free; the city
/// cannot recommend past its yearly number in either round.
#[test]
fn a_supplementary_round_needs_a_reason_and_p2_counts_the_whole_year() {
    let sb = Sandbox::new();
    sb.cli_json("demo");
    let exported = sb.path("demo-apps.json");
    sb.json(&[
        "application",
        "export",
        "--round",
        "DEMO-2026",
        "--out",
        &exported,
        "--json",
    ]);
    let all: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(&exported).unwrap()).unwrap();
    let pick = |codes: &[&str], name: &str| {
        let chosen: Vec<&Value> = all
            .iter()
            .filter(|a| codes.contains(&a["code"].as_str().unwrap()))
            .collect();
        let path = sb.path(name);
        std::fs::write(&path, serde_json::to_string(&chosen).unwrap()).unwrap();
        path
    };
    sb.cli_json("round create --year 2026 --kind designation");
    let regular = pick(&["2026-GZ-01", "2026-GZ-02"], "regular.json");
    sb.json(&[
        "application",
        "import",
        &regular,
        "--round",
        "2026-SB",
        "--json",
    ]);

    // A second round of the year: refused as such, and a supplementary one needs its reason.
    assert_eq!(
        error_code(
            &sb,
            &["round", "create", "--year", "2026", "--kind", "designation"]
        ),
        "ROUND_EXISTS"
    );
    let out = sb.run(&["round", "create", "--year", "2026", "--kind", "designation"]);
    assert!(stderr(&out).contains("补充批次"), "{}", stderr(&out));
    assert_eq!(
        error_code(
            &sb,
            &[
                "round",
                "create",
                "--year",
                "2026",
                "--kind",
                "designation",
                "--supplementary",
                "--reason",
                " "
            ]
        ),
        "OUT_OF_RANGE"
    );
    let round = sb.json(&[
        "round",
        "create",
        "--year",
        "2026",
        "--kind",
        "designation",
        "--supplementary",
        "--reason",
        "受台风影响，部分地市未能按期报送",
        "--json",
    ]);
    assert_eq!(round["code"], "2026-SB-B2");
    assert_eq!(
        round["supplementary_reason"],
        "受台风影响，部分地市未能按期报送"
    );
    let later = pick(&["2026-GZ-03", "2026-SG-01"], "supplementary.json");
    sb.json(&[
        "application",
        "import",
        &later,
        "--round",
        "2026-SB-B2",
        "--json",
    ]);

    let review = sb.json(&["eligibility", "--round", "2026-SB-B2", "--json"]);
    assert_eq!(rule_result(&review, "2026-GZ-03", "P2"), "fail");
    assert_eq!(rule_result(&review, "2026-SG-01", "P2"), "pass");
    let gz = review
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["code"] == "2026-GZ-03")
        .unwrap();
    let p2 = gz["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "P2")
        .unwrap();
    assert!(
        p2["detail"]
            .as_str()
            .unwrap()
            .contains("本年度此前批次已申报 2 个"),
        "{p2}"
    );

    // The city recommends its two in the regular round; a third, in the supplementary round,
    // is refused with the code, naming the two.
    for (app, order) in [("2026-GZ-01", "1"), ("2026-GZ-02", "2")] {
        sb.json(&[
            "application",
            "recommend",
            "--round",
            "2026-SB",
            "--application",
            app,
            "--opinion",
            "同意推荐",
            "--date",
            "2026-09-01",
            "--signatory",
            "广州市工业和信息化局",
            "--order",
            order,
            "--json",
        ]);
    }
    let out = sb.run(&[
        "application",
        "recommend",
        "--round",
        "2026-SB-B2",
        "--application",
        "2026-GZ-03",
        "--opinion",
        "同意推荐",
        "--date",
        "2026-10-01",
        "--signatory",
        "广州市工业和信息化局",
        "--order",
        "1",
    ]);
    assert!(
        stderr(&out).contains("[CITY_QUOTA_EXCEEDED]"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("2026-GZ-02"), "{}", stderr(&out));
    // The demo round of the same year counts for nothing here (its recommendations are its own).
    sb.json(&[
        "application",
        "recommend",
        "--round",
        "2026-SB-B2",
        "--application",
        "2026-SG-01",
        "--opinion",
        "同意推荐",
        "--date",
        "2026-10-01",
        "--signatory",
        "韶关市工业和信息化局",
        "--order",
        "1",
        "--json",
    ]);
}
