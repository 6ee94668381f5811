//! Material review: round set-up, rubric freeze, assignment, pledges, scores, paper entry,
//! autosave that survives a killed process.

use std::process::Command;

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::support::*;

#[test]
fn a_round_is_set_up_scored_and_locked_from_the_command_line() {
    let sb = Sandbox::new();
    sb.cli_json("round create --year 2027 --kind designation");
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
    sb.cli_json(
        "expert add --round 2027-SB --code E200 --name 李广 --employer 广州某研究院 --city 广州市",
    );
    assert_eq!(
        sb.cli_json("expert list --round 2027-SB")
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
    let outcome = sb.cli_json("assign --round 2027-SB --per-application 5 --seed 9");
    assert_eq!(outcome["added"], 5);
    let rows = sb.cli_json("scores --round 2027-SB");
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
    let opened = sb.cli_json("round open --round 2027-SB");
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
    let rubric_json = sb.cli_json("rubric show --round 2027-SB");
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
    sb.cli_json(
        "score reopen --round 2027-SB --expert E101 --application 2027-GZ-01 --reason 专家来电更正",
    );
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
    let before = sb.cli_json("scores --round DEMO-2026");
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
    let board = sb.cli_json("conflict list --round DEMO-2026");
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
    assert_eq!(sb.cli_json("scores --round DEMO-2026"), before);
}

#[test]
fn paper_sheets_import_all_or_nothing() {
    let sb = Sandbox::new();
    let (e, a) = opened_demo(&sb);
    let rubric = sb.cli_json("rubric show --round DEMO-2026");
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
    // A second sheet (another assignment) with one score out of range.
    let other = sb.cli_json("scores --round DEMO-2026");
    let other = other
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["expert"] != e.as_str() || r["application"] != a.as_str())
        .unwrap();
    let mut wrong = good.clone();
    wrong["expert"] = other["expert"].clone();
    wrong["application"] = other["application"].clone();
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
    let rows = sb.cli_json("scores --round DEMO-2026");
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
        let mut child = sb.spawn_stream(&[
            "score",
            "stream",
            "--round",
            "DEMO-2026",
            "--expert",
            &e,
            "--application",
            &a,
        ]);
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
        // Asserted whatever sqlite3 answers: a damaged file is exactly when it fails.
        let out = Command::new("sqlite3")
            .arg(sb.db())
            .arg("PRAGMA integrity_check")
            .output()
            .expect("sqlite3 is installed (make test installs it)");
        assert!(out.status.success(), "integrity_check: {}", stderr(&out));
        assert_eq!(stdout(&out).trim(), "ok");
    }
}

/// Two processes on one database (issue 15): one keeps saving scores while another submits the
/// sheet. Once the submission is acknowledged, no score of that sheet changes — the lock holds
/// inside the writing transaction, not only in a check made before it.
#[test]
fn a_second_process_cannot_slip_a_score_past_a_submission() {
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
    let mut writer = sb.spawn_stream(&[
        "score",
        "stream",
        "--round",
        "DEMO-2026",
        "--expert",
        &e,
        "--application",
        &a,
    ]);
    let mut stdin = writer.stdin.take().unwrap();
    let lines = criteria.clone();
    let feeder = std::thread::spawn(move || {
        for i in 0..200_000usize {
            let (code, max) = &lines[i % lines.len()];
            let points = ((i / lines.len()) % (*max as usize)) as f64;
            if stdin
                .write_all(format!("{code} {points}\n").as_bytes())
                .is_err()
            {
                break;
            }
        }
    });
    let mut reader = BufReader::new(writer.stdout.take().unwrap());
    // Let every criterion be scored once, then submit from another process mid-stream.
    for _ in 0..criteria.len() * 3 {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
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
        "同意",
        "--json",
    ]);
    let at_submission = sb.json(&[
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
    // The writer goes on trying (what it acknowledged before the submission is still in the
    // pipe); its attempts after the submission are refused.
    let mut refused = 0;
    for _ in 0..100_000 {
        if refused >= 5 {
            break;
        }
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            break;
        }
        if line.contains("SCORES_LOCKED") {
            refused += 1;
        }
    }
    writer.kill().unwrap();
    writer.wait().unwrap();
    let _ = feeder.join();
    let after = sb.json(&[
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
    assert_eq!(
        after["scores"], at_submission["scores"],
        "a score changed after the submission"
    );
    assert_eq!(after["stage"], "submitted");
    assert!(
        refused > 0,
        "the second process kept writing and was refused"
    );
}

/// A demo loaded by mistake, or a draft round, is deleted with a reason (audited, the chain
/// still holds); a round that opened is part of the record and is not.
#[test]
fn a_draft_or_demo_round_is_deleted_with_a_reason_and_an_opened_round_is_not() {
    let sb = Sandbox::new();
    sb.cli_json("demo");
    let no_reason = sb.run(&[
        "round",
        "delete",
        "--round",
        "DEMO-2025",
        "--reason",
        " ",
        "--json",
    ]);
    assert!(!no_reason.status.success());
    // The demo in progress (signed sheets, a panel, submitted scores) goes whole.
    sb.cli_json("round delete --round DEMO-2025 --reason 示例误载入正式数据库");
    let rounds = sb.cli_json("round list");
    let codes: Vec<&str> = rounds
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, vec!["DEMO-2026", "DEMO-2024"]);
    let verified = sb.cli_json("audit verify");
    assert!(verified["broken"].is_null(), "{verified}");
    let log = Command::new("sqlite3")
        .arg(sb.db())
        .arg("SELECT detail FROM audit_log WHERE action = 'round.delete'")
        .output()
        .unwrap();
    let detail = String::from_utf8(log.stdout).unwrap();
    assert!(
        detail.contains("示例误载入正式数据库") && detail.contains("DEMO-2025"),
        "the deletion is in the audit log: {detail}"
    );
    // A real round: deleted while a draft; once opened, it is part of the record.
    sb.cli_json("round create --year 2027 --kind designation");
    sb.cli_json("round delete --round 2027 --reason 年份建错了");
    sb.cli_json("round create --year 2028 --kind designation");
    let opened = sb.run(&["round", "open", "--round", "2028", "--json"]);
    assert!(opened.status.success(), "{}", stderr(&opened));
    let refused = sb.run(&[
        "round", "delete", "--round", "2028", "--reason", "试试", "--json",
    ]);
    assert!(!refused.status.success());
    let err: Value = serde_json::from_str(&stderr(&refused)).unwrap();
    assert_eq!(err["code"], "NOT_PERMITTED");
    assert_eq!(sb.cli_json("round list").as_array().unwrap().len(), 3);
}
