//! The `park-review` command line, driven as a user or a script drives it: the real binary, a
//! temporary database per test, and assertions on what is printed and what is left on disk.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;
use sha2::{Digest, Sha256};

struct Sandbox {
    dir: tempfile::TempDir,
}

impl Sandbox {
    fn new() -> Sandbox {
        Sandbox {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn db(&self) -> PathBuf {
        self.dir.path().join("review.sqlite3")
    }

    /// Runs `park-review --db <sandbox db> ARGS`, with HOME pointed into the sandbox so that no
    /// test can touch a real user's database.
    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_park-review"))
            .arg("--db")
            .arg(self.db())
            .args(args)
            .env("HOME", self.dir.path())
            .env_remove("PARK_REVIEW_DB")
            .output()
            .unwrap()
    }

    fn json(&self, args: &[&str]) -> Value {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "{args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn digest(path: &Path) -> Vec<u8> {
    Sha256::digest(std::fs::read(path).unwrap()).to_vec()
}

#[test]
fn version_and_help() {
    let sb = Sandbox::new();
    let out = sb.run(&["--version"]);
    assert!(out.status.success());
    assert!(stdout(&out).starts_with("park-review "));
    let help = sb.run(&["--help"]);
    assert!(stdout(&help).contains("评审批次"), "{}", stdout(&help));
}

#[test]
fn init_then_status_reports_the_schema_version_and_empty_counts() {
    let sb = Sandbox::new();
    let out = sb.run(&["init"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("数据库已就绪"));
    let status = sb.json(&["status", "--json"]);
    assert_eq!(
        status["schema_version"],
        park_review_store::migrate::SCHEMA_VERSION
    );
    assert_eq!(status["rounds"], 0);
    assert_eq!(status["applications"], 0);
}

#[test]
fn demo_loads_the_round_and_refuses_a_second_time_without_changing_anything() {
    let sb = Sandbox::new();
    let loaded = sb.json(&["demo", "--json"]);
    assert_eq!(loaded["round"]["year"], 2026);
    assert_eq!(loaded["round"]["kind"], "designation");
    let before = sb.json(&["status", "--json"]);
    assert!(before["applications"].as_i64().unwrap() >= 9);
    assert_eq!(before["experts"], 7);

    let again = sb.run(&["demo"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(
        stderr(&again).contains("错误 [DEMO_ALREADY_LOADED]"),
        "{}",
        stderr(&again)
    );
    assert_eq!(sb.json(&["status", "--json"]), before);

    let list = sb.run(&["application", "list", "--round", "DEMO-2026"]);
    let text = stdout(&list);
    for park in [
        "广州南沙人工智能产业园",
        "深圳龙岗人工智能产业园",
        "韶关芙蓉新城人工智能产业园",
    ] {
        assert!(text.contains(park), "{park} missing from:\n{text}");
    }
    let experts = sb.json(&["expert", "list", "--round", "DEMO-2026", "--json"]);
    assert_eq!(experts.as_array().unwrap().len(), 7);
}

#[test]
fn round_create_prints_the_new_rounds_id_and_code() {
    let sb = Sandbox::new();
    let round = sb.json(&[
        "round",
        "create",
        "--year",
        "2026",
        "--kind",
        "designation",
        "--json",
    ]);
    assert_eq!(round["code"], "2026-SB");
    assert_eq!(round["status"], "draft");
    assert!(round["id"].as_i64().unwrap() > 0);
    assert_eq!(round["uid"].as_str().unwrap().len(), 36);
    let text = sb.run(&[
        "round",
        "create",
        "--year",
        "2027",
        "--kind",
        "annual_assessment",
    ]);
    assert!(stdout(&text).contains("2027-KH"), "{}", stdout(&text));

    let dup = sb.run(&[
        "round",
        "create",
        "--year",
        "2026",
        "--kind",
        "designation",
        "--json",
    ]);
    assert_eq!(dup.status.code(), Some(1));
    let err: Value = serde_json::from_slice(&dup.stderr).unwrap();
    assert_eq!(err["code"], "ROUND_EXISTS");
    assert!(err["message"].as_str().unwrap().contains("已经存在"));

    let bad_kind = sb.run(&["round", "create", "--year", "2026", "--kind", "yearly"]);
    assert!(
        stderr(&bad_kind).contains("[INVALID_ROUND_KIND]"),
        "{}",
        stderr(&bad_kind)
    );
    let bad_year = sb.run(&["round", "create", "--year", "26", "--kind", "designation"]);
    assert!(
        stderr(&bad_year).contains("[INVALID_YEAR]"),
        "{}",
        stderr(&bad_year)
    );
}

#[test]
fn unknown_commands_and_flags_are_usage_errors_in_chinese() {
    let sb = Sandbox::new();
    for args in [
        &["frobnicate"][..],
        &["status", "--colour"],
        &["round", "create", "--year", "2026"],
    ] {
        let out = sb.run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = stderr(&out);
        assert!(err.starts_with("错误 [CLI_USAGE]："), "{args:?}: {err}");
    }
    assert!(
        !sb.db().exists(),
        "a usage error must not create the database"
    );
}

#[test]
fn a_missing_database_directory_is_refused_and_nothing_is_created() {
    let sb = Sandbox::new();
    let missing = sb.dir.path().join("nope").join("db.sqlite3");
    let out = Command::new(env!("CARGO_BIN_EXE_park-review"))
        .args(["status", "--db"])
        .arg(&missing)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("[DB_DIR_MISSING]"),
        "{}",
        stderr(&out)
    );
    assert!(!missing.parent().unwrap().exists());
}

#[test]
fn a_file_that_is_not_a_database_is_refused_and_unchanged() {
    let sb = Sandbox::new();
    std::fs::write(sb.db(), "园区,城市\n南沙,广州\n").unwrap();
    let before = digest(&sb.db());
    let out = sb.run(&["status"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("[DB_NOT_SQLITE]"), "{}", stderr(&out));
    assert_eq!(digest(&sb.db()), before);
}

#[test]
fn a_database_from_a_newer_version_is_refused_and_unchanged() {
    let sb = Sandbox::new();
    assert!(sb.run(&["init"]).status.success());
    // Simulate a database written by a future version: set the header's user_version field
    // (offset 60, big-endian) directly, as a newer build's migration would.
    let mut bytes = std::fs::read(sb.db()).unwrap();
    bytes[60..64].copy_from_slice(&99u32.to_be_bytes());
    std::fs::write(sb.db(), &bytes).unwrap();
    let before = digest(&sb.db());
    let out = sb.run(&["status", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let err: Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(err["code"], "DB_SCHEMA_TOO_NEW");
    assert_eq!(digest(&sb.db()), before);
}

#[test]
fn the_environment_variable_chooses_the_database() {
    let sb = Sandbox::new();
    let path = sb.dir.path().join("from-env.sqlite3");
    let out = Command::new(env!("CARGO_BIN_EXE_park-review"))
        .args(["init"])
        .env("PARK_REVIEW_DB", &path)
        .env("HOME", sb.dir.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(path.exists());
}

#[test]
fn an_unknown_round_says_how_to_find_the_right_one() {
    let sb = Sandbox::new();
    let out = sb.run(&["application", "list", "--round", "2031-SB"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("[NOT_FOUND]") && err.contains("round list"),
        "{err}"
    );
}

#[test]
fn without_db_or_environment_the_database_goes_to_the_platform_data_directory() {
    let sb = Sandbox::new();
    let out = Command::new(env!("CARGO_BIN_EXE_park-review"))
        .args(["init", "--json"])
        .env("HOME", sb.dir.path())
        .env_remove("XDG_DATA_HOME")
        .env_remove("PARK_REVIEW_DB")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let expected = sb
        .dir
        .path()
        .join(".local/share/park-review/park-review.sqlite3");
    assert!(expected.exists(), "{}", stdout(&out));
}

/// Committed data survives `kill -9` at any moment, and a change is all or nothing: the demo
/// round (one transaction of ~200 rows) is either wholly there or not at all, however early the
/// process is killed.
#[test]
fn a_killed_demo_load_leaves_all_or_nothing() {
    for delay_ms in [0u64, 2, 5, 10, 20, 40] {
        let sb = Sandbox::new();
        assert!(sb.run(&["init"]).status.success());
        let mut child = Command::new(env!("CARGO_BIN_EXE_park-review"))
            .arg("--db")
            .arg(sb.db())
            .arg("demo")
            .env("HOME", sb.dir.path())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill(); // SIGKILL on Unix
        let _ = child.wait();
        let status = sb.json(&["status", "--json"]);
        let (rounds, apps, experts) = (
            &status["rounds"],
            &status["applications"],
            &status["experts"],
        );
        let nothing = rounds == 0 && apps == 0 && experts == 0;
        let everything = rounds == 1 && apps == 9 && experts == 7;
        assert!(nothing || everything, "after {delay_ms} ms: {status}");
    }
}

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
    sb.json(&["demo", "--json"]);
    let review = sb.json(&["eligibility", "--round", "DEMO-2026", "--json"]);
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
    assert_eq!(ids, ["C1", "C2", "C3", "C4", "C5", "C6", "C7", "P2"]);
    assert!(gz3["rules"][7]["detail"]
        .as_str()
        .unwrap()
        .contains("超出名额"));
    assert_eq!(rule_result(&review, "2026-FS-01", "C2"), "fail");

    let no_reason = sb.run(&[
        "eligibility",
        "override",
        "--round",
        "DEMO-2026",
        "--application",
        "2026-FS-01",
        "--rule",
        "C2",
        "--result",
        "pass",
        "--reason",
        " ",
    ]);
    assert!(
        stderr(&no_reason).contains("[OUT_OF_RANGE]"),
        "{}",
        stderr(&no_reason)
    );
    let ok = sb.run(&[
        "eligibility",
        "override",
        "--round",
        "DEMO-2026",
        "--application",
        "2026-FS-01",
        "--rule",
        "C2",
        "--result",
        "pass",
        "--reason",
        "差1.5亩，用地集中连片",
    ]);
    assert!(ok.status.success(), "{}", stderr(&ok));
    let after = sb.json(&["eligibility", "--round", "DEMO-2026", "--json"]);
    assert_eq!(rule_result(&after, "2026-FS-01", "C2"), "pass");

    let text = stdout(&sb.run(&["eligibility", "--round", "DEMO-2026"]));
    assert!(text.contains("理由：差1.5亩，用地集中连片"), "{text}");
}

#[test]
fn application_import_is_all_or_nothing_with_every_problem_named() {
    let sb = Sandbox::new();
    sb.json(&[
        "round",
        "create",
        "--year",
        "2026",
        "--kind",
        "designation",
        "--json",
    ]);
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
    assert_eq!(sb.json(&["status", "--json"])["applications"], 0);

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
    sb.json(&["demo", "--json"]);
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
    sb.json(&["demo", "--json"]);
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
    sb.json(&[
        "round",
        "create",
        "--year",
        "2026",
        "--kind",
        "designation",
        "--json",
    ]);
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
    assert!(
        empty.status.success(),
        "the empty template imports nothing: {}",
        stderr(&empty)
    );
}

#[test]
fn application_update_replaces_one_record_and_cities_list_the_quota() {
    let sb = Sandbox::new();
    sb.json(&["demo", "--json"]);
    let mut record = sb.json(&[
        "application",
        "show",
        "--round",
        "DEMO-2026",
        "--application",
        "2026-FS-01",
        "--json",
    ]);
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
    let review = sb.json(&["eligibility", "--round", "DEMO-2026", "--json"]);
    assert_eq!(rule_result(&review, "2026-FS-01", "C2"), "needs_review");

    let cities = sb.json(&["cities", "--json"]);
    assert_eq!(cities.as_array().unwrap().len(), 21);
    assert_eq!(cities[0]["name"], "广州市");
    assert_eq!(cities[0]["quota"], 2);
}

#[test]
fn attachments_are_added_listed_and_verified() {
    let sb = Sandbox::new();
    sb.json(&["demo", "--json"]);
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
    sb.json(&["demo", "--json"]);
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
        "超出名额",
        "不通过",
        "待补正",
    ] {
        assert!(
            text.contains(expected),
            "“{expected}” missing from the PDF text:\n{text}"
        );
    }
}

/// The code of a failed command's JSON error.
fn error_code(sb: &Sandbox, args: &[&str]) -> String {
    let mut with_json = args.to_vec();
    with_json.push("--json");
    let out = sb.run(&with_json);
    assert!(
        !out.status.success(),
        "{args:?} should have failed: {}",
        stdout(&out)
    );
    let error: Value = serde_json::from_slice(&out.stderr).unwrap();
    error["code"].as_str().unwrap().to_owned()
}

/// The demo round, opened and assigned with seed 1; returns one assigned (expert, application).
fn opened_demo(sb: &Sandbox) -> (String, String) {
    sb.json(&["demo", "--json"]);
    sb.json(&["assign", "--round", "DEMO-2026", "--seed", "1", "--json"]);
    sb.json(&["round", "open", "--round", "DEMO-2026", "--json"]);
    let scores = sb.json(&["scores", "--round", "DEMO-2026", "--json"]);
    (
        scores[0]["expert"].as_str().unwrap().to_owned(),
        scores[0]["application"].as_str().unwrap().to_owned(),
    )
}

#[test]
fn a_round_is_set_up_scored_and_locked_from_the_command_line() {
    let sb = Sandbox::new();
    sb.json(&[
        "round",
        "create",
        "--year",
        "2027",
        "--kind",
        "designation",
        "--json",
    ]);
    // A rubric and experts from files, then an application, then assignment.
    let rubric = sb.dir.path().join("rubric.json");
    std::fs::copy(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../assets/rubrics/default-designation.json"
        ),
        &rubric,
    )
    .unwrap();
    sb.json(&[
        "rubric",
        "import",
        rubric.to_str().unwrap(),
        "--round",
        "2027-SB",
        "--json",
    ]);
    let experts = sb.dir.path().join("experts.json");
    let list: Vec<Value> = (1..=5)
        .map(|i| serde_json::json!({"code": format!("E10{i}"), "name": format!("专家{i}"), "employer": format!("某大学{i}"), "city": "汕头市"}))
        .collect();
    std::fs::write(
        &experts,
        serde_json::json!({"format": "park-review/experts@1", "round": "2027-SB", "experts": list})
            .to_string(),
    )
    .unwrap();
    sb.json(&["expert", "import", experts.to_str().unwrap(), "--json"]);
    sb.json(&[
        "expert",
        "add",
        "--round",
        "2027-SB",
        "--code",
        "E200",
        "--name",
        "李广",
        "--employer",
        "广州某研究院",
        "--city",
        "广州市",
        "--json",
    ]);
    assert_eq!(
        sb.json(&["expert", "list", "--round", "2027-SB", "--json"])
            .as_array()
            .unwrap()
            .len(),
        6
    );
    let app = sb.dir.path().join("app.json");
    let demo: Value =
        serde_json::from_str(include_str!("../../assets/demo/round-2026.json")).unwrap();
    let mut record = demo["applications"][0].clone();
    record["code"] = "2027-GZ-01".into();
    std::fs::write(&app, record.to_string()).unwrap();
    sb.json(&[
        "application",
        "import",
        app.to_str().unwrap(),
        "--round",
        "2027-SB",
        "--json",
    ]);
    // The Guangzhou expert is recused from the Guangzhou park; five others remain.
    let outcome = sb.json(&[
        "assign",
        "--round",
        "2027-SB",
        "--per-application",
        "5",
        "--seed",
        "9",
        "--json",
    ]);
    assert_eq!(outcome["added"], 5);
    let rows = sb.json(&["scores", "--round", "2027-SB", "--json"]);
    assert!(rows
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["expert"] != "E200"));
    assert_eq!(
        error_code(
            &sb,
            &[
                "assign",
                "set",
                "--round",
                "2027-SB",
                "--application",
                "2027-GZ-01",
                "--experts",
                "E101,E200"
            ]
        ),
        "CONFLICT_OF_INTEREST"
    );
    // Scoring waits for the round to open, and opening freezes the rubric.
    assert_eq!(
        error_code(
            &sb,
            &[
                "declare",
                "--round",
                "2027-SB",
                "--expert",
                "E101",
                "--application",
                "2027-GZ-01"
            ]
        ),
        "ROUND_NOT_OPEN"
    );
    let opened = sb.json(&["round", "open", "--round", "2027-SB", "--json"]);
    // The recorded fingerprint is the SHA-256 of the exported rubric@1 text (docs/formats/rubric.md).
    let exported = sb.dir.path().join("frozen.json");
    sb.json(&[
        "rubric",
        "export",
        "--round",
        "2027-SB",
        "--out",
        exported.to_str().unwrap(),
        "--json",
    ]);
    let bytes = std::fs::read(&exported).unwrap();
    let hex: String = Sha256::digest(&bytes[..bytes.len() - 1])
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(opened["rubric_sha256"].as_str().unwrap(), hex);
    assert_eq!(
        error_code(
            &sb,
            &[
                "rubric",
                "import",
                rubric.to_str().unwrap(),
                "--round",
                "2027-SB"
            ]
        ),
        "RUBRIC_FROZEN"
    );
    let target = [
        "--round",
        "2027-SB",
        "--expert",
        "E101",
        "--application",
        "2027-GZ-01",
    ];
    let with = |extra: &[&'static str]| -> Vec<&str> {
        ["score", "set"]
            .iter()
            .chain(target.iter())
            .chain(extra.iter())
            .copied()
            .collect()
    };
    assert_eq!(
        error_code(&sb, &with(&["--criterion", "C3.1", "--points", "5"])),
        "NOT_DECLARED"
    );
    sb.json(&[&["declare"][..], &target, &["--json"]].concat());
    let rubric_json = sb.json(&["rubric", "show", "--round", "2027-SB", "--json"]);
    let mut expected = 0.0;
    for section in rubric_json["rubric"]["sections"].as_array().unwrap() {
        for c in section["criteria"].as_array().unwrap() {
            let points = c["max_points"].as_f64().unwrap() - 0.5;
            expected += points;
            let points = points.to_string();
            let args: Vec<&str> = [
                &with(&[])[..],
                &[
                    "--criterion",
                    c["code"].as_str().unwrap(),
                    "--points",
                    &points,
                    "--json",
                ],
            ]
            .concat();
            sb.json(&args);
        }
    }
    let sheet = sb.json(
        &[
            &["score", "submit"][..],
            &target,
            &["--opinion", "产业基础扎实，建议推荐。", "--json"],
        ]
        .concat(),
    );
    assert_eq!(sheet["stage"], "submitted");
    assert_eq!(sheet["total"].as_f64().unwrap(), expected);
    assert_eq!(
        error_code(&sb, &with(&["--criterion", "C3.1", "--points", "1"])),
        "SCORES_LOCKED"
    );
    sb.json(&[
        "score",
        "reopen",
        "--round",
        "2027-SB",
        "--expert",
        "E101",
        "--application",
        "2027-GZ-01",
        "--reason",
        "专家来电更正",
        "--json",
    ]);
    sb.json(
        &[
            &with(&[])[..],
            &["--criterion", "C3.1", "--points", "1", "--json"],
        ]
        .concat(),
    );
}

#[test]
fn bad_scores_get_their_own_codes_and_leave_stored_scores_unchanged() {
    let sb = Sandbox::new();
    let (e, a) = opened_demo(&sb);
    let target = [
        "--round",
        "DEMO-2026",
        "--expert",
        e.as_str(),
        "--application",
        a.as_str(),
    ];
    sb.json(&[&["declare"][..], &target, &["--json"]].concat());
    let set = |points: &str, criterion: &str| -> Vec<String> {
        ["score", "set"]
            .iter()
            .map(|s| s.to_string())
            .chain(target.iter().map(|s| s.to_string()))
            .chain(
                ["--criterion", criterion, "--points", points]
                    .iter()
                    .map(|s| s.to_string()),
            )
            .collect()
    };
    let run_ok = |args: Vec<String>| {
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        sb.json(&[&a[..], &["--json"]].concat())
    };
    let run_err = |args: Vec<String>| {
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        error_code(&sb, &a)
    };
    run_ok(set("7.5", "C3.1"));
    let before = sb.json(&["scores", "--round", "DEMO-2026", "--json"]);
    for (points, criterion, code) in [
        ("10.5", "C3.1", "OUT_OF_RANGE"),
        ("-1", "C3.1", "OUT_OF_RANGE"),
        ("NaN", "C3.1", "OUT_OF_RANGE"),
        ("abc", "C3.1", "OUT_OF_RANGE"),
        ("7.3", "C3.1", "POINTS_OFF_STEP"),
        ("1", "C9.9", "NOT_FOUND"),
    ] {
        assert_eq!(
            run_err(set(points, criterion)),
            code,
            "{points} {criterion}"
        );
    }
    // An expert not assigned, and a conflicted one.
    let board = sb.json(&["conflict", "list", "--round", "DEMO-2026", "--json"]);
    assert!(board["cells"].as_array().unwrap().len() > 25);
    assert_eq!(
        error_code(
            &sb,
            &[
                "declare",
                "--round",
                "DEMO-2026",
                "--expert",
                "E001",
                "--application",
                "2026-GZ-01"
            ]
        ),
        "CONFLICT_OF_INTEREST"
    );
    assert_eq!(
        sb.json(&["scores", "--round", "DEMO-2026", "--json"]),
        before
    );
}

#[test]
fn paper_sheets_import_all_or_nothing() {
    let sb = Sandbox::new();
    let (e, a) = opened_demo(&sb);
    let rubric = sb.json(&["rubric", "show", "--round", "DEMO-2026", "--json"]);
    let scores: serde_json::Map<String, Value> = rubric["rubric"]["sections"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["criteria"].as_array().unwrap().clone())
        .map(|c| {
            (
                c["code"].as_str().unwrap().to_owned(),
                c["max_points"].clone(),
            )
        })
        .collect();
    let good = serde_json::json!({"format": "park-review/scores@1", "round": "DEMO-2026", "expert": e, "application": a,
        "scores": scores, "comments": {"C3.1": "见纸质表"}, "opinion": "同意", "declared_no_conflict": true, "submitted": true});
    let mut wrong = good.clone();
    wrong["scores"]["C3.1"] = serde_json::json!(99);
    let file = sb.dir.path().join("scores.json");
    std::fs::write(&file, Value::Array(vec![good.clone(), wrong]).to_string()).unwrap();
    assert_eq!(
        error_code(&sb, &["score", "import", file.to_str().unwrap()]),
        "OUT_OF_RANGE"
    );
    let mut unsigned = good.clone();
    unsigned
        .as_object_mut()
        .unwrap()
        .remove("declared_no_conflict");
    std::fs::write(&file, unsigned.to_string()).unwrap();
    assert_eq!(
        error_code(&sb, &["score", "import", file.to_str().unwrap()]),
        "IMPORT_MALFORMED"
    );
    assert!(sb
        .json(&["scores", "--round", "DEMO-2026", "--json"])
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["scored"] == 0));
    std::fs::write(&file, good.to_string()).unwrap();
    sb.json(&[
        "score",
        "import",
        file.to_str().unwrap(),
        "--entered-by",
        "王秘书",
        "--json",
    ]);
    let rows = sb.json(&["scores", "--round", "DEMO-2026", "--json"]);
    let row = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["expert"] == e.as_str() && r["application"] == a.as_str())
        .unwrap();
    assert_eq!(
        (
            row["total"].as_f64().unwrap(),
            row["entered_by"].as_str().unwrap(),
            row["stage"].as_str().unwrap()
        ),
        (100.0, "王秘书", "submitted")
    );
    // The same sheet again: it is locked now.
    assert_eq!(
        error_code(&sb, &["score", "import", file.to_str().unwrap()]),
        "SCORES_LOCKED"
    );
}

/// An expert types scores; the process is killed (SIGKILL) at an arbitrary moment. Every edit
/// the program acknowledged is in the database, and the database is intact.
#[test]
fn acknowledged_autosaves_survive_a_killed_process() {
    use std::io::{BufRead, BufReader, Write};
    let sb = Sandbox::new();
    let (e, a) = opened_demo(&sb);
    sb.json(&[
        "declare",
        "--round",
        "DEMO-2026",
        "--expert",
        &e,
        "--application",
        &a,
        "--json",
    ]);
    let codes = [
        "C3.1", "C3.2", "T2.1", "C4.1", "C4.2", "T7.1", "C2.1", "T1.1",
    ];
    for (attempt, kill_after) in [3usize, 17, 40].into_iter().enumerate() {
        let mut child = Command::new(env!("CARGO_BIN_EXE_park-review"))
            .args([
                "--db",
                sb.db().to_str().unwrap(),
                "score",
                "stream",
                "--round",
                "DEMO-2026",
                "--expert",
                &e,
                "--application",
                &a,
            ])
            .env("HOME", sb.dir.path())
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let writer = std::thread::spawn(move || {
            // Keep typing until the pipe breaks: the kill comes mid-stream.
            for i in 0..100_000usize {
                let line = format!(
                    "{} {} 第{attempt}轮第{i}次\n",
                    codes[i % codes.len()],
                    (i % 10) as f64 * 0.5
                );
                if stdin.write_all(line.as_bytes()).is_err() {
                    break;
                }
            }
        });
        let mut last_ack: std::collections::BTreeMap<String, Value> = Default::default();
        let mut reader = BufReader::new(child.stdout.take().unwrap());
        for _ in 0..kill_after {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            let ack: Value = serde_json::from_str(&line).unwrap();
            last_ack.insert(ack["criterion"].as_str().unwrap().to_owned(), ack);
        }
        child.kill().unwrap();
        child.wait().unwrap();
        let _ = writer.join();
        let sheet = sb.json(&[
            "score",
            "show",
            "--round",
            "DEMO-2026",
            "--expert",
            &e,
            "--application",
            &a,
            "--json",
        ]);
        for (criterion, ack) in &last_ack {
            let stored = sheet["scores"]
                .as_array()
                .unwrap()
                .iter()
                .find(|s| s["code"] == criterion.as_str())
                .unwrap();
            // The acknowledged edit, or a later one the program committed before it died.
            let acked_line = ack["line"].as_u64().unwrap();
            let comment = stored["comment"].as_str().unwrap();
            let stored_i: u64 = comment
                .rsplit('第')
                .next()
                .unwrap()
                .trim_end_matches('次')
                .parse()
                .unwrap();
            assert!(
                comment.starts_with(&format!("第{attempt}轮")) && stored_i + 1 >= acked_line,
                "{criterion}: acked line {acked_line}, stored {comment}"
            );
        }
        let integrity = Command::new("sqlite3")
            .arg(sb.db())
            .arg("PRAGMA integrity_check")
            .output();
        if let Ok(out) = integrity {
            if out.status.success() {
                assert_eq!(stdout(&out).trim(), "ok");
            }
        }
    }
}

const PASSPHRASE: &str = "专家的口令 2026";

impl Sandbox {
    /// Runs with the passphrase in the environment, as a script would.
    fn run_with_passphrase(&self, args: &[&str], passphrase: &str) -> Output {
        Command::new(env!("CARGO_BIN_EXE_park-review"))
            .arg("--db")
            .arg(self.db())
            .args(args)
            .env("HOME", self.dir.path())
            .env_remove("PARK_REVIEW_DB")
            .env("PARK_REVIEW_PASSPHRASE", passphrase)
            .output()
            .unwrap()
    }

    fn path(&self, name: &str) -> String {
        self.dir.path().join(name).to_str().unwrap().to_owned()
    }
}

/// The demo round with one submitted assignment, scored with comments; returns (expert, application).
fn submitted_sheet(sb: &Sandbox) -> (String, String) {
    let (e, a) = opened_demo(sb);
    sb.json(&[
        "declare",
        "--round",
        "DEMO-2026",
        "--expert",
        &e,
        "--application",
        &a,
        "--json",
    ]);
    let rubric = sb.json(&["rubric", "show", "--round", "DEMO-2026", "--json"]);
    for c in rubric["rubric"]["sections"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["criteria"].as_array().unwrap().clone())
    {
        let code = c["code"].as_str().unwrap();
        let points = (c["max_points"].as_f64().unwrap() - 1.5).to_string();
        let comment = format!("{code}：材料齐全，核实无误。");
        sb.json(&[
            "score",
            "set",
            "--round",
            "DEMO-2026",
            "--expert",
            &e,
            "--application",
            &a,
            "--criterion",
            code,
            "--points",
            &points,
            "--comment",
            &comment,
            "--json",
        ]);
    }
    sb.json(&[
        "score",
        "submit",
        "--round",
        "DEMO-2026",
        "--expert",
        &e,
        "--application",
        &a,
        "--opinion",
        "产业基础扎实，建议推荐。",
        "--json",
    ]);
    (e, a)
}

fn pyhanko() -> String {
    std::env::var("PYHANKO").unwrap_or_else(|_| {
        format!(
            "{}/.cache/park-review-venv/bin/pyhanko",
            std::env::var("HOME").unwrap()
        )
    })
}

fn tool(program: &str, args: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program} is required (make test installs it): {e}"));
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn a_signed_sheet_is_judged_valid_by_pdfsig_pyhanko_and_verify_and_any_change_is_caught() {
    let sb = Sandbox::new();
    let (e, a) = submitted_sheet(&sb);
    let out = sb.run_with_passphrase(&["key", "create", "--expert", &e, "--json"], PASSPHRASE);
    assert!(out.status.success(), "{}", stderr(&out));
    let pdf = sb.path("sheet.pdf");
    let out = sb.run_with_passphrase(
        &[
            "sheet",
            "--round",
            "DEMO-2026",
            "--expert",
            &e,
            "--application",
            &a,
            "--out",
            &pdf,
            "--json",
        ],
        PASSPHRASE,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let size = std::fs::metadata(&pdf).unwrap().len();
    assert!(size < 100_000, "a sheet is small: {size} bytes");

    // Tools nobody here wrote.
    let pdfsig = tool("pdfsig", &[&pdf]);
    assert!(
        pdfsig.contains("Signature is Valid.") && pdfsig.contains("Total document signed"),
        "{pdfsig}"
    );
    assert!(pdfsig.contains("ETSI.CAdES.detached"), "{pdfsig}");
    let cert = sb.path("expert.pem");
    sb.json(&["cert", "export", "--expert", &e, "--out", &cert, "--json"]);
    let hanko = tool(
        &pyhanko(),
        &[
            "sign",
            "validate",
            "--pretty-print",
            "--trust",
            &cert,
            "--trust-replace",
            &pdf,
        ],
    );
    assert!(hanko.contains("The signature is judged VALID"), "{hanko}");
    assert!(
        hanko.contains("The signature covers the entire file"),
        "{hanko}"
    );
    let fonts = tool("pdffonts", &[&pdf]);
    let font_line = fonts
        .lines()
        .find(|l| l.contains("NotoSansCJK"))
        .unwrap_or_else(|| panic!("{fonts}"));
    assert!(
        font_line.contains("yes yes yes"),
        "embedded, subset, unicode: {font_line}"
    );
    let text = tool("pdftotext", &["-layout", &pdf, "-"]);
    let app = sb.json(&[
        "application",
        "show",
        "--round",
        "DEMO-2026",
        "--application",
        &a,
        "--json",
    ]);
    for expected in [
        app["park_name"].as_str().unwrap(),
        "广东省人工智能产业园区评审专家评分表",
        "骨干企业规模",
        "C3.1：材料齐全，核实无误。",
        "8.5",
        "产业基础扎实，建议推荐。",
        "无利益冲突承诺",
    ] {
        assert!(
            text.contains(expected),
            "{expected} not in the text layer:\n{text}"
        );
    }
    // The rendered page is not blank.
    let pgm = Command::new("pdftoppm")
        .args(["-gray", "-r", "40", "-f", "1", "-l", "1", &pdf])
        .output()
        .unwrap()
        .stdout;
    let pixels = &pgm[pgm.len() - 331 * 468..]; // A4 at 40 dpi, 8-bit grey
    let dark = pixels.iter().filter(|b| **b < 160).count();
    assert!(
        dark > 2_000,
        "the page has ink: {dark} dark pixels of {}",
        pixels.len()
    );

    let verdict = sb.json(&["verify", &pdf, "--json"]);
    assert_eq!(verdict["valid"], true, "{verdict}");
    assert_eq!(verdict["matches_database"], true, "{verdict}");
    assert_eq!(verdict["signatures"][0]["covers_whole_file"], true);
    assert!(verdict["signatures"][0]["registered_owner"]
        .as_str()
        .unwrap()
        .starts_with(&e));

    // One flipped byte in the signed range: everyone rejects.
    let original = std::fs::read(&pdf).unwrap();
    let flipped = sb.path("flipped.pdf");
    let mut bytes = original.clone();
    bytes[original.len() / 3] ^= 0x20;
    std::fs::write(&flipped, &bytes).unwrap();
    assert_eq!(error_code(&sb, &["verify", &flipped]), "SIGNATURE_INVALID");
    assert!(!tool("pdfsig", &[&flipped]).contains("Signature is Valid."));
    assert!(!tool(
        &pyhanko(),
        &[
            "sign",
            "validate",
            "--pretty-print",
            "--trust",
            &cert,
            "--trust-replace",
            &flipped
        ]
    )
    .contains("judged VALID"));

    // Content appended after signing (here an incremental update's worth of bytes).
    let appended = sb.path("appended.pdf");
    let mut bytes = original.clone();
    bytes.extend_from_slice(b"\n1 0 obj\n<< /Type /Catalog >>\nendobj\n");
    std::fs::write(&appended, &bytes).unwrap();
    let out = sb.run(&["verify", &appended, "--json"]);
    assert!(!out.status.success());
    assert!(
        stdout(&out).contains("签名之后文件又被追加了"),
        "{}",
        stdout(&out)
    );
    assert!(tool("pdfsig", &[&appended]).contains("Not total document signed"));

    // The database changes after the sheet was signed: verify says the sheet no longer matches.
    sb.json(&[
        "score",
        "reopen",
        "--round",
        "DEMO-2026",
        "--expert",
        &e,
        "--application",
        &a,
        "--reason",
        "复核更正",
        "--json",
    ]);
    sb.json(&[
        "score",
        "set",
        "--round",
        "DEMO-2026",
        "--expert",
        &e,
        "--application",
        &a,
        "--criterion",
        "C3.1",
        "--points",
        "2",
        "--json",
    ]);
    let out = sb.run(&["verify", &pdf, "--json"]);
    assert!(!out.status.success());
    let verdict: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(verdict["matches_database"], false);
    assert!(
        verdict["differences"].to_string().contains("C3.1"),
        "{verdict}"
    );
}

#[test]
fn a_wrong_passphrase_is_refused_and_nothing_changes() {
    let sb = Sandbox::new();
    let (e, a) = submitted_sheet(&sb);
    assert!(sb
        .run_with_passphrase(&["key", "create", "--expert", &e], PASSPHRASE)
        .status
        .success());
    let key_before = sb.json(&["key", "show", "--expert", &e, "--json"]);
    let pdf = sb.path("sheet.pdf");
    let out = sb.run_with_passphrase(
        &[
            "sheet",
            "--round",
            "DEMO-2026",
            "--expert",
            &e,
            "--application",
            &a,
            "--out",
            &pdf,
            "--json",
        ],
        "不是这个口令",
    );
    assert!(!out.status.success());
    let error: Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(error["code"], "WRONG_PASSPHRASE");
    assert!(!std::path::Path::new(&pdf).exists());
    assert_eq!(
        sb.json(&["key", "show", "--expert", &e, "--json"]),
        key_before
    );
    // The right one still works; a second key for the same expert is refused.
    assert!(sb
        .run_with_passphrase(
            &[
                "sheet",
                "--round",
                "DEMO-2026",
                "--expert",
                &e,
                "--application",
                &a,
                "--out",
                &pdf
            ],
            PASSPHRASE
        )
        .status
        .success());
    let out = sb.run_with_passphrase(&["key", "create", "--expert", &e, "--json"], PASSPHRASE);
    assert_eq!(
        serde_json::from_slice::<Value>(&out.stderr).unwrap()["code"],
        "KEY_EXISTS"
    );
    // The passphrase can be changed: the old one no longer opens the key, the new one does.
    let new_file = sb.path("new-passphrase.txt");
    std::fs::write(&new_file, "换过的口令 2027\n").unwrap();
    let out = sb.run_with_passphrase(
        &[
            "key",
            "passphrase",
            "--expert",
            &e,
            "--new-passphrase-file",
            &new_file,
            "--json",
        ],
        "不是这个口令",
    );
    assert_eq!(
        serde_json::from_slice::<Value>(&out.stderr).unwrap()["code"],
        "WRONG_PASSPHRASE"
    );
    assert!(sb
        .run_with_passphrase(
            &[
                "key",
                "passphrase",
                "--expert",
                &e,
                "--new-passphrase-file",
                &new_file
            ],
            PASSPHRASE
        )
        .status
        .success());
    assert!(!sb
        .run_with_passphrase(
            &[
                "sheet",
                "--round",
                "DEMO-2026",
                "--expert",
                &e,
                "--application",
                &a,
                "--out",
                &pdf
            ],
            PASSPHRASE
        )
        .status
        .success());
    assert!(sb
        .run_with_passphrase(
            &[
                "sheet",
                "--round",
                "DEMO-2026",
                "--expert",
                &e,
                "--application",
                &a,
                "--out",
                &pdf
            ],
            "换过的口令 2027"
        )
        .status
        .success());
    assert_eq!(
        sb.json(&["key", "show", "--expert", &e, "--json"])["certificate_sha256"],
        key_before["certificate_sha256"]
    );
    // A short passphrase is refused before anything is made.
    let out = sb.run_with_passphrase(&["key", "create", "--secretariat", "--json"], "short");
    assert!(!out.status.success());
}

#[test]
fn only_submitted_scores_are_signed() {
    let sb = Sandbox::new();
    let (e, a) = opened_demo(&sb);
    sb.json(&[
        "declare",
        "--round",
        "DEMO-2026",
        "--expert",
        &e,
        "--application",
        &a,
        "--json",
    ]);
    assert!(sb
        .run_with_passphrase(&["key", "create", "--expert", &e], PASSPHRASE)
        .status
        .success());
    let out = sb.run_with_passphrase(
        &[
            "sheet",
            "--round",
            "DEMO-2026",
            "--expert",
            &e,
            "--application",
            &a,
            "--out",
            &sb.path("s.pdf"),
            "--json",
        ],
        PASSPHRASE,
    );
    assert_eq!(
        serde_json::from_slice::<Value>(&out.stderr).unwrap()["code"],
        "NOT_SUBMITTED"
    );
}

#[test]
fn an_experts_summary_sheet_lists_every_submitted_application_and_verifies() {
    let sb = Sandbox::new();
    let (e, a) = submitted_sheet(&sb);
    assert!(sb
        .run_with_passphrase(&["key", "create", "--expert", &e], PASSPHRASE)
        .status
        .success());
    let pdf = sb.path("summary.pdf");
    let out = sb.run_with_passphrase(
        &[
            "sheet",
            "--round",
            "DEMO-2026",
            "--expert",
            &e,
            "--summary",
            "--out",
            &pdf,
            "--json",
        ],
        PASSPHRASE,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let text = tool("pdftotext", &["-layout", &pdf, "-"]);
    assert!(
        text.contains("专家评分汇总表") && text.contains(&a),
        "{text}"
    );
    let pdfsig = tool("pdfsig", &[&pdf]);
    assert!(
        pdfsig.contains("Signature is Valid.") && pdfsig.contains("Total document signed"),
        "{pdfsig}"
    );
    let verdict = sb.json(&["verify", &pdf, "--json"]);
    assert_eq!(
        (
            verdict["valid"].clone(),
            verdict["matches_database"].clone()
        ),
        (Value::Bool(true), Value::Bool(true)),
        "{verdict}"
    );
    // Every sheet of the expert in one batch, with a progress line per sheet.
    let dir = sb.path("sheets");
    let out = sb.run_with_passphrase(
        &[
            "sheets",
            "--round",
            "DEMO-2026",
            "--expert",
            &e,
            "--out",
            &dir,
        ],
        PASSPHRASE,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("[1/1]"), "{}", stdout(&out));
    let files: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
    assert_eq!(files.len(), 1);
    // The secretariat collects every signed sheet of the round: the sheet, the batch's sheet and
    // the summary — the latest of each, no passphrase needed.
    let collected = sb.path("collected");
    let out = sb.run(&["sheets", "--round", "DEMO-2026", "--out", &collected]);
    assert!(out.status.success(), "{}", stderr(&out));
    let mut names: Vec<String> = std::fs::read_dir(&collected)
        .unwrap()
        .map(|f| f.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            format!("评分汇总表-DEMO-2026-{e}.pdf"),
            format!("评分表-DEMO-2026-{a}-{e}.pdf")
        ]
    );
    // Reopening a sheet's scores: the summary no longer matches the database.
    sb.json(&[
        "score",
        "reopen",
        "--round",
        "DEMO-2026",
        "--expert",
        &e,
        "--application",
        &a,
        "--reason",
        "复核",
        "--json",
    ]);
    let out = sb.run(&["verify", &pdf, "--json"]);
    assert!(!out.status.success());
    // Neither an application nor --summary: a usage error.
    let out = sb.run(&[
        "sheet",
        "--round",
        "DEMO-2026",
        "--expert",
        &e,
        "--out",
        &pdf,
    ]);
    assert_eq!(out.status.code(), Some(2));
}

impl Sandbox {
    /// Runs with `input` on stdin.
    fn run_stdin(&self, args: &[&str], input: &str) -> Output {
        use std::io::Write;
        let mut child = Command::new(env!("CARGO_BIN_EXE_park-review"))
            .arg("--db")
            .arg(self.db())
            .args(args)
            .env("HOME", self.dir.path())
            .env_remove("PARK_REVIEW_DB")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    }
}

/// Every assignment of the demo round scored (max − 1 on each criterion, a total of 85) and
/// submitted, except that `low` gets 3 points a criterion.
fn score_everything(sb: &Sandbox, low: (&str, &str)) {
    let rubric = sb.json(&["rubric", "show", "--round", "DEMO-2026", "--json"]);
    let criteria: Vec<(String, f64)> = rubric["rubric"]["sections"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["criteria"].as_array().unwrap().clone())
        .map(|c| {
            (
                c["code"].as_str().unwrap().to_owned(),
                c["max_points"].as_f64().unwrap(),
            )
        })
        .collect();
    for row in sb
        .json(&["scores", "--round", "DEMO-2026", "--json"])
        .as_array()
        .unwrap()
    {
        let (e, a) = (
            row["expert"].as_str().unwrap(),
            row["application"].as_str().unwrap(),
        );
        sb.json(&[
            "declare",
            "--round",
            "DEMO-2026",
            "--expert",
            e,
            "--application",
            a,
            "--json",
        ]);
        let lines: String = criteria
            .iter()
            .map(|(c, m)| {
                format!(
                    "{c} {}\n",
                    if (e, a) == low {
                        3.0_f64.min(*m)
                    } else {
                        m - 1.0
                    }
                )
            })
            .collect();
        let out = sb.run_stdin(
            &[
                "score",
                "stream",
                "--round",
                "DEMO-2026",
                "--expert",
                e,
                "--application",
                a,
            ],
            &lines,
        );
        assert!(out.status.success(), "{}", stdout(&out));
        sb.json(&[
            "score",
            "submit",
            "--round",
            "DEMO-2026",
            "--expert",
            e,
            "--application",
            a,
            "--opinion",
            "同意",
            "--json",
        ]);
    }
}

#[test]
fn ranking_weights_material_and_site_flags_outliers_and_locks_when_finalised() {
    let sb = Sandbox::new();
    opened_demo(&sb);
    let low_expert = sb
        .json(&["scores", "--round", "DEMO-2026", "--json"])
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["application"] == "2026-SZ-01")
        .unwrap()["expert"]
        .as_str()
        .unwrap()
        .to_owned();
    score_everything(&sb, (&low_expert, "2026-SZ-01"));
    for (app, site) in [
        ("2026-GZ-01", "90"),
        ("2026-GZ-02", "80"),
        ("2026-SZ-01", "95"),
        ("2026-HZ-01", "70.5"),
    ] {
        sb.json(&[
            "site-score",
            "set",
            "--round",
            "DEMO-2026",
            "--application",
            app,
            "--score",
            site,
            "--record-ref",
            &format!("考察记录 {app}"),
            "--json",
        ]);
    }
    assert_eq!(
        error_code(
            &sb,
            &[
                "site-score",
                "set",
                "--round",
                "DEMO-2026",
                "--application",
                "2026-SG-01",
                "--score",
                "100.5",
                "--record-ref",
                "x"
            ]
        ),
        "OUT_OF_RANGE"
    );
    let rows = sb.json(&["rank", "--round", "DEMO-2026", "--json"]);
    let row = |code: &str| {
        rows.as_array()
            .unwrap()
            .iter()
            .find(|r| r["code"] == code)
            .unwrap()
            .clone()
    };
    for field in [
        "rank",
        "code",
        "park_name",
        "city",
        "material_score",
        "site_score",
        "comprehensive_score",
        "eligible",
        "selected",
    ] {
        assert!(row("2026-GZ-01").get(field).is_some(), "{field}");
    }
    // Five experts at 85: trimmed mean 85; 85 × 0.6 + 90 × 0.4 = 87.
    assert_eq!(row("2026-GZ-01")["material_score"], 85.0);
    assert_eq!(row("2026-GZ-01")["comprehensive_score"], 87.0);
    assert_eq!(row("2026-GZ-01")["rank"], 2);
    // 2026-SZ-01: one expert gave 3 a criterion: trimmed away, so still 85; flagged as an outlier.
    assert_eq!(row("2026-SZ-01")["material_score"], 85.0);
    assert_eq!(row("2026-SZ-01")["rank"], 1);
    let flagged = row("2026-SZ-01")["experts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["expert"] == low_expert.as_str())
        .unwrap()
        .clone();
    assert!(flagged["outlier"]["deviation"].as_f64().unwrap() < -15.0);
    // Without a site score: incomplete, not zero, not ranked. Failed formal review: never ranked.
    assert_eq!(
        (
            row("2026-SG-01")["rank"].clone(),
            row("2026-SG-01")["incomplete"].clone()
        ),
        (Value::Null, Value::Bool(true))
    );
    assert_eq!(
        (
            row("2026-GZ-03")["rank"].clone(),
            row("2026-GZ-03")["eligible"].clone()
        ),
        (Value::Null, Value::Bool(false))
    );
    // Selection and finalisation.
    sb.json(&[
        "rank",
        "settings",
        "--round",
        "DEMO-2026",
        "--count",
        "2",
        "--json",
    ]);
    let selected: Vec<String> = sb
        .json(&["rank", "--round", "DEMO-2026", "--json"])
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["selected"] == true)
        .map(|r| r["code"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(selected, ["2026-SZ-01", "2026-GZ-01"]);
    assert_eq!(
        error_code(&sb, &["rank", "finalise", "--round", "DEMO-2026"]),
        "OUTLIERS_UNRESOLVED"
    );
    sb.json(&[
        "outlier",
        "resolve",
        "--round",
        "DEMO-2026",
        "--application",
        "2026-SZ-01",
        "--expert",
        &low_expert,
        "--resolution",
        "confirmed",
        "--note",
        "已与专家电话确认，评分有据",
        "--json",
    ]);
    let report = sb.json(&["rank", "finalise", "--round", "DEMO-2026", "--json"]);
    assert!(report["settings"]["finalised_at"].is_string());
    assert_eq!(
        error_code(
            &sb,
            &[
                "site-score",
                "set",
                "--round",
                "DEMO-2026",
                "--application",
                "2026-SG-01",
                "--score",
                "80",
                "--record-ref",
                "x"
            ]
        ),
        "RANKING_FINALISED"
    );
    assert_eq!(
        error_code(
            &sb,
            &[
                "rank",
                "settings",
                "--round",
                "DEMO-2026",
                "--weight",
                "0.5"
            ]
        ),
        "RANKING_FINALISED"
    );
}

/// The benchmark's generator and its reuse: every generated application is ranked, and the
/// kept database is measured again without being regenerated. (Times are reported, never
/// asserted.)
#[test]
fn the_ranking_benchmark_ranks_every_generated_application_and_reuses_a_kept_database() {
    let env = Sandbox::new();
    let kept = env.dir.path().join("bench-rank.sqlite3");
    let kept = kept.to_str().unwrap();
    let first = env.json(&[
        "--json",
        "bench",
        "rank-db",
        "--applications",
        "40",
        "--experts",
        "5",
        "--criteria",
        "10",
        "--keep",
        kept,
    ]);
    assert_eq!(first["applications"], 40);
    assert_eq!(first["scores"], 40 * 5 * 10);
    assert_eq!(first["ranked"], 40);
    assert!(first["rank_seconds"].as_f64().unwrap() > 0.0);
    assert!(first["peak_rss_mib"].as_f64().unwrap() > 0.0);
    // Reused: the sizes come from the file, whatever is asked.
    let again = env.json(&[
        "--json",
        "bench",
        "rank-db",
        "--applications",
        "7",
        "--keep",
        kept,
    ]);
    assert_eq!(again["applications"], 40);
    assert_eq!(again["ranked"], 40);
    assert!(again["fill_seconds"].as_f64().unwrap() < first["fill_seconds"].as_f64().unwrap());
}

#[test]
fn an_expert_is_removed_from_the_panel_with_a_reason_and_their_applications_show_short() {
    let sb = Sandbox::new();
    let (expert, _) = opened_demo(&sb);
    let before = sb.json(&[
        "expert",
        "assignments",
        "--round",
        "DEMO-2026",
        "--expert",
        &expert,
        "--json",
    ]);
    let n = before.as_array().unwrap().len();
    assert!(n > 0);
    let board = sb.json(&["conflict", "list", "--round", "DEMO-2026", "--json"]);
    // Without a reason: refused, nothing changes.
    assert_eq!(
        error_code(
            &sb,
            &[
                "expert",
                "remove",
                "--round",
                "DEMO-2026",
                "--expert",
                &expert,
                "--reason",
                " "
            ]
        ),
        "OUT_OF_RANGE"
    );
    let removed = sb.json(&[
        "expert",
        "remove",
        "--round",
        "DEMO-2026",
        "--expert",
        &expert,
        "--reason",
        "因病不能参加评审",
        "--json",
    ]);
    assert_eq!(removed["expert"], expert.as_str());
    assert_eq!(removed["cancelled"].as_array().unwrap().len(), n);
    let panel = sb.json(&["expert", "list", "--round", "DEMO-2026", "--json"]);
    assert!(!panel
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["code"] == expert.as_str()));
    // The board counts one expert fewer on each cancelled application.
    let after = sb.json(&["conflict", "list", "--round", "DEMO-2026", "--json"]);
    for code in removed["cancelled"].as_array().unwrap() {
        let assigned = |board: &Value| {
            board["applications"]
                .as_array()
                .unwrap()
                .iter()
                .find(|a| &a["code"] == code)
                .unwrap()["assigned"]
                .as_u64()
                .unwrap()
        };
        assert_eq!(assigned(&after) + 1, assigned(&board), "{code}");
    }
}
