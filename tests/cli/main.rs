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
