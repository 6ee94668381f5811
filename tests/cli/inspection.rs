//! Site inspection from the command line: the checklist, the team with recusal, a visit
//! answered line by line, photos, finalising, the ranking taking the record's score, and answers
//! that survive a killed process.

use std::io::{BufRead, BufReader, Write};

use serde_json::Value;

use crate::support::*;

/// A 1×1 PNG.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0xF8, 0xCF, 0xC0, 0xF0,
    0x1F, 0x00, 0x05, 0x00, 0x01, 0xFF, 0x89, 0x99, 0x3D, 0x1D, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
];

const ROUND: &str = "DEMO-2026";

/// Two panel experts who may inspect `application` (not from its city), and one who may not.
fn inspectors(sb: &Sandbox, application: &str) -> (Vec<String>, String) {
    let app = sb.json(&[
        "application",
        "show",
        "--round",
        ROUND,
        "--application",
        application,
        "--json",
    ]);
    let city = app["city"].as_str().unwrap().to_owned();
    let panel = sb.json(&["expert", "list", "--round", ROUND, "--json"]);
    let (same, other): (Vec<&Value>, Vec<&Value>) = panel
        .as_array()
        .unwrap()
        .iter()
        .partition(|e| e["city"].as_str() == Some(city.as_str()));
    (
        other
            .iter()
            .take(2)
            .map(|e| e["code"].as_str().unwrap().to_owned())
            .collect(),
        same[0]["code"].as_str().unwrap().to_owned(),
    )
}

fn target(application: &str) -> Vec<String> {
    ["--round", ROUND, "--application", application]
        .iter()
        .map(|s| (*s).to_owned())
        .collect()
}

fn args<'a>(head: &[&'a str], tail: &'a [String]) -> Vec<&'a str> {
    head.iter()
        .copied()
        .chain(tail.iter().map(String::as_str))
        .collect()
}

#[test]
fn a_visit_is_answered_photographed_finalised_and_ranked_from_the_command_line() {
    let sb = Sandbox::new();
    sb.json(&["demo", "--json"]);
    let app = "2026-GZ-01";
    let t = target(app);
    let (team, conflicted) = inspectors(&sb, app);
    let registry = sb.json(&["expert", "registry", "--json"]);
    assert!(registry.as_array().unwrap().len() >= 7, "{registry}");
    // The checklist round-trips through a file and is the round's until it freezes.
    let file = sb.path("checklist.json");
    sb.json(&[
        "checklist",
        "export",
        "--round",
        ROUND,
        "--out",
        &file,
        "--json",
    ]);
    let shown = sb.json(&["checklist", "show", "--round", ROUND, "--json"]);
    assert!(shown["frozen_sha256"].is_null());
    sb.json(&["checklist", "import", &file, "--round", ROUND, "--json"]);
    // And through Excel, as a secretariat drafting it in a spreadsheet would.
    let workbook = sb.path("checklist.xlsx");
    sb.json(&[
        "checklist",
        "export",
        "--round",
        ROUND,
        "--out",
        &workbook,
        "--json",
    ]);
    let imported = sb.json(&["checklist", "import", &workbook, "--round", ROUND, "--json"]);
    assert_eq!(
        imported["checklist"], shown["checklist"],
        "the workbook holds the whole checklist"
    );
    // Recusal applies to inspectors.
    assert_eq!(
        error_code(
            &sb,
            &args(&["inspection", "team", "set", "--leader", &conflicted], &t)
        ),
        "CONFLICT_OF_INTEREST"
    );
    let members = team[1].clone();
    sb.json(&args(
        &[
            "inspection",
            "team",
            "set",
            "--leader",
            &team[0],
            "--members",
            &members,
            "--date",
            "2026-12-03",
            "--place",
            "园区管委会",
            "--json",
        ],
        &t,
    ));
    // Nothing is recorded before the visit starts; starting freezes the checklist.
    assert_eq!(
        error_code(
            &sb,
            &args(
                &[
                    "inspection",
                    "answer",
                    "--item",
                    "C1.1",
                    "--status",
                    "confirmed"
                ],
                &t
            )
        ),
        "INVALID_TRANSITION"
    );
    sb.json(&args(
        &["inspection", "start", "--by", &team[0], "--json"],
        &t,
    ));
    assert_eq!(
        error_code(&sb, &["checklist", "import", &file, "--round", ROUND]),
        "CHECKLIST_FROZEN"
    );
    // Every item, one line each, as the team types them.
    let view = sb.json(&args(&["inspection", "show", "--json"], &t));
    let mut lines = String::new();
    for item in view["items"].as_array().unwrap() {
        let code = item["item"]["code"].as_str().unwrap();
        let answer = match item["item"]["response"]["type"].as_str().unwrap() {
            "number" if code == "C2.1" => "280".to_owned(),
            "number" => item["declared"]["number"]
                .as_f64()
                .unwrap_or(1.0)
                .to_string(),
            "text" => "园区建设有序".to_owned(),
            _ => "confirmed 已核实".to_owned(),
        };
        lines.push_str(&format!("{code} {answer}\n"));
    }
    let out = sb.run_stdin(
        &args(&["inspection", "stream", "--by", &team[1]], &t),
        &lines,
    );
    assert!(out.status.success(), "{}", stdout(&out));
    // Not yet: the photos are missing.
    assert_eq!(
        error_code(&sb, &args(&["inspection", "finalise"], &t)),
        "INSPECTION_INCOMPLETE"
    );
    let photo = sb.path("现场.png");
    std::fs::write(&photo, PNG).unwrap();
    let text = sb.path("说明.txt");
    std::fs::write(&text, "不是照片").unwrap();
    assert_eq!(
        error_code(
            &sb,
            &args(&["inspection", "attach", "--item", "C1.1", &text], &t)
        ),
        "IMPORT_MALFORMED"
    );
    let view = sb.json(&args(&["inspection", "show", "--json"], &t));
    for item in view["items"].as_array().unwrap() {
        if item["item"]["evidence_required"] == Value::Bool(true) {
            let code = item["item"]["code"].as_str().unwrap();
            // Each item its own copy (the same file twice on one item is refused as a duplicate).
            let mut bytes = PNG.to_vec();
            bytes.extend(code.as_bytes());
            let path = sb.path(&format!("{code}.png"));
            std::fs::write(&path, &bytes).unwrap();
            sb.json(&args(
                &[
                    "inspection",
                    "attach",
                    "--item",
                    code,
                    &path,
                    "--by",
                    &team[0],
                    "--json",
                ],
                &t,
            ));
        }
    }
    let view = sb.json(&args(&["inspection", "show", "--json"], &t));
    assert_eq!(view["missing"], Value::Array(vec![]), "{}", view["missing"]);
    assert_eq!(view["discrepancies"][0]["item"], "C2.1");
    let finalised = sb.json(&args(
        &["inspection", "finalise", "--by", &team[0], "--json"],
        &t,
    ));
    let score = finalised["site_score"]["total"].as_f64().unwrap();
    assert!(score > 80.0 && score < 100.0, "C2.1 not met: {score}");
    // The ranking takes it, and a hand-entered score is refused.
    let ranking = sb.json(&["rank", "--round", ROUND, "--json"]);
    let row = ranking
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == app)
        .unwrap();
    assert_eq!(row["site_score"].as_f64(), Some(score));
    assert_eq!(
        error_code(
            &sb,
            &[
                "site-score",
                "set",
                "--round",
                ROUND,
                "--application",
                app,
                "--score",
                "95",
                "--record-ref",
                "纸质记录"
            ]
        ),
        "SITE_SCORE_FROM_RECORD"
    );
    assert_eq!(
        error_code(
            &sb,
            &args(
                &[
                    "inspection",
                    "answer",
                    "--item",
                    "C1.1",
                    "--status",
                    "partly"
                ],
                &t
            )
        ),
        "INSPECTION_FINALISED"
    );
    sb.json(&args(
        &["inspection", "reopen", "--reason", "面积复核", "--json"],
        &t,
    ));
    let list = sb.json(&["inspection", "list", "--round", ROUND, "--json"]);
    assert_eq!(list[0]["status"], "in_progress");
}

/// The team records answers; the process is killed (SIGKILL) mid-stream. Every answer the
/// program acknowledged is in the database.
#[test]
fn acknowledged_answers_survive_a_killed_process() {
    let sb = Sandbox::new();
    sb.json(&["demo", "--json"]);
    let app = "2026-GZ-01";
    let t = target(app);
    let (team, _) = inspectors(&sb, app);
    sb.json(&args(
        &["inspection", "team", "set", "--leader", &team[0], "--json"],
        &t,
    ));
    sb.json(&args(&["inspection", "start", "--json"], &t));
    let items = [
        "C1.1", "C1.2", "C2.2", "C3.1", "C3.2", "C5.1", "C5.2", "C6.2",
    ];
    let statuses = ["confirmed", "partly", "not_met", "not_applicable"];
    for kill_after in [5usize, 23] {
        let mut child = sb.spawn_stream(&[
            "inspection",
            "stream",
            "--round",
            ROUND,
            "--application",
            app,
        ]);
        let mut stdin = child.stdin.take().unwrap();
        let writer = std::thread::spawn(move || {
            for i in 0..100_000usize {
                let line = format!(
                    "{} {} 第{i}次\n",
                    items[i % items.len()],
                    statuses[(i / items.len()) % 4]
                );
                if stdin.write_all(line.as_bytes()).is_err() {
                    break;
                }
            }
        });
        let mut last: std::collections::BTreeMap<String, Value> = Default::default();
        let mut reader = BufReader::new(child.stdout.take().unwrap());
        for _ in 0..kill_after {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            let ack: Value = serde_json::from_str(&line).unwrap();
            last.insert(ack["item"].as_str().unwrap().to_owned(), ack);
        }
        child.kill().unwrap();
        child.wait().unwrap();
        let _ = writer.join();
        let view = sb.json(&args(&["inspection", "show", "--json"], &t));
        for (code, ack) in &last {
            let item = view["items"]
                .as_array()
                .unwrap()
                .iter()
                .find(|i| i["item"]["code"] == code.as_str())
                .unwrap();
            // The stored answer is the acknowledged one or a later one (the kill may land after
            // a commit whose acknowledgement was not read yet), never an older one.
            let stored_at = item["updated_at"].as_str().unwrap();
            assert!(stored_at >= ack["saved_at"].as_str().unwrap(), "{code}");
            assert!(item["status"].is_string(), "{code}");
        }
    }
}

/// A finalised visit of 2026-GZ-01 by a team of three (none from Guangzhou): every item
/// answered through `inspection stream`, a photo wherever evidence is required. Returns the
/// team, leader first.
fn finalised_visit(sb: &Sandbox) -> Vec<String> {
    sb.json(&["demo", "--json"]);
    let app = "2026-GZ-01";
    let t = target(app);
    let app_json = sb.json(&[
        "application",
        "show",
        "--round",
        ROUND,
        "--application",
        app,
        "--json",
    ]);
    let city = app_json["city"].as_str().unwrap().to_owned();
    let team: Vec<String> = sb
        .json(&["expert", "list", "--round", ROUND, "--json"])
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["city"].as_str() != Some(city.as_str()))
        .take(3)
        .map(|e| e["code"].as_str().unwrap().to_owned())
        .collect();
    let members = format!("{},{}", team[1], team[2]);
    sb.json(&args(
        &[
            "inspection",
            "team",
            "set",
            "--leader",
            &team[0],
            "--members",
            &members,
            "--date",
            "2026-12-03",
            "--json",
        ],
        &t,
    ));
    sb.json(&args(&["inspection", "start", "--json"], &t));
    let view = sb.json(&args(&["inspection", "show", "--json"], &t));
    let mut lines = String::new();
    for item in view["items"].as_array().unwrap() {
        let code = item["item"]["code"].as_str().unwrap();
        let answer = match item["item"]["response"]["type"].as_str().unwrap() {
            "number" => item["declared"]["number"]
                .as_f64()
                .unwrap_or(3.0)
                .max(300.0)
                .to_string(),
            "text" => "园区建设有序".to_owned(),
            _ => "confirmed".to_owned(),
        };
        lines.push_str(&format!("{code} {answer}\n"));
        if item["item"]["evidence_required"] == Value::Bool(true) {
            let mut bytes = PNG.to_vec();
            bytes.extend(code.as_bytes());
            let path = sb.path(&format!("{code}.png"));
            std::fs::write(&path, &bytes).unwrap();
            sb.json(&args(
                &["inspection", "attach", "--item", code, &path, "--json"],
                &t,
            ));
        }
    }
    let out = sb.run_stdin(&args(&["inspection", "stream"], &t), &lines);
    assert!(out.status.success(), "{}", stdout(&out));
    sb.json(&args(&["inspection", "finalise", "--json"], &t));
    team
}

/// The record is signed by the leader and countersigned by both members, each signature its own
/// revision: pdfsig and pyHanko judge all three valid, and `verify` accepts them; a byte changed
/// between two signatures is caught.
#[test]
fn the_record_is_signed_by_the_leader_and_countersigned_by_each_member() {
    let sb = Sandbox::new();
    let team = finalised_visit(&sb);
    let t = target("2026-GZ-01");
    for code in &team {
        sb.create_key(code, PASSPHRASE);
    }
    let record = sb.path("record.pdf");
    let out = sb.run_with_passphrase(
        &args(&["inspection", "record", "--out", &record, "--json"], &t),
        PASSPHRASE,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let leader_only = std::fs::read(&record).unwrap();
    // The leader cannot countersign; a member countersigns the newest revision only.
    let out = sb.run_with_passphrase(
        &args(
            &[
                "inspection",
                "sign",
                "--member",
                &team[0],
                "--record",
                &record,
            ],
            &t,
        ),
        PASSPHRASE,
    );
    assert!(!out.status.success());
    for member in &team[1..] {
        let out = sb.run_with_passphrase(
            &args(
                &[
                    "inspection",
                    "sign",
                    "--member",
                    member,
                    "--record",
                    &record,
                    "--json",
                ],
                &t,
            ),
            PASSPHRASE,
        );
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let stale = sb.path("stale.pdf");
    std::fs::write(&stale, &leader_only).unwrap();
    let out = sb.run_with_passphrase(
        &args(
            &[
                "inspection",
                "sign",
                "--member",
                &team[1],
                "--record",
                &stale,
                "--json",
            ],
            &t,
        ),
        PASSPHRASE,
    );
    assert!(
        !out.status.success(),
        "an old revision is not countersigned"
    );

    // Tools nobody here wrote: three signatures, each valid, the last covering the whole file.
    let pdfsig = tool("pdfsig", &[&record]);
    assert_eq!(pdfsig.matches("Signature is Valid.").count(), 3, "{pdfsig}");
    assert!(pdfsig.contains("Total document signed"), "{pdfsig}");
    let mut trust = Vec::new();
    for code in &team {
        let cert = sb.path(&format!("{code}.pem"));
        sb.json(&["cert", "export", "--expert", code, "--out", &cert, "--json"]);
        trust.push(cert);
    }
    let mut hanko_args = vec!["sign", "validate", "--pretty-print"];
    for cert in &trust {
        hanko_args.extend(["--trust", cert.as_str()]);
    }
    hanko_args.extend(["--trust-replace", record.as_str()]);
    let hanko = tool(&pyhanko(), &hanko_args);
    assert!(hanko.contains("The signature is judged VALID"), "{hanko}");
    assert!(!hanko.contains("INVALID"), "{hanko}");
    let verdict = sb.json(&["verify", &record, "--json"]);
    assert_eq!(verdict["valid"], Value::Bool(true), "{verdict}");
    assert_eq!(verdict["signatures"].as_array().unwrap().len(), 3);
    assert_eq!(verdict["matches_database"], Value::Bool(true), "{verdict}");

    // A byte changed between the leader's signature and a countersignature.
    let mut forged = std::fs::read(&record).unwrap();
    let at = leader_only.len() + 40;
    forged[at] = if forged[at] == b'0' { b'1' } else { b'0' };
    let forged_path = sb.path("forged.pdf");
    std::fs::write(&forged_path, &forged).unwrap();
    let out = sb.run(&["verify", &forged_path, "--json"]);
    let verdict: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    assert_ne!(verdict["valid"], Value::Bool(true), "{verdict}");
    assert!(!out.status.success() || verdict["valid"] == Value::Bool(false));
}

/// The team records on its own laptop: a package from the office, the visit there, the signed
/// record, and the results back — the leader's certificate registered first.
#[test]
fn a_team_records_its_visit_on_its_own_laptop() {
    let office = Sandbox::new();
    office.json(&["demo", "--json"]);
    let app = "2026-GZ-01";
    let t = target(app);
    let (team, _) = inspectors(&office, app);
    office.json(&args(
        &[
            "inspection",
            "team",
            "set",
            "--leader",
            &team[0],
            "--date",
            "2026-12-03",
            "--json",
        ],
        &t,
    ));
    let out = office.run_with_passphrase(&["key", "create", "--secretariat"], "秘书处的口令 2026");
    assert!(out.status.success(), "{}", stderr(&out));
    let package = office.path("visit.prinsp");
    let out = office.run_with_passphrase(
        &args(
            &[
                "inspection",
                "package",
                "export",
                "--out",
                &package,
                "--json",
            ],
            &t,
        ),
        "秘书处的口令 2026",
    );
    assert!(out.status.success(), "{}", stderr(&out));

    let laptop = Sandbox::new();
    laptop.json(&["inspection", "package", "import", &package, "--json"]);
    // The secretariat's actions are refused on the team's laptop.
    assert_eq!(
        error_code(&laptop, &["rank", "--round", ROUND]),
        "NOT_PERMITTED"
    );
    laptop.create_key(&team[0], PASSPHRASE);
    let view = laptop.json(&args(&["inspection", "show", "--json"], &t));
    let mut lines = String::new();
    for item in view["items"].as_array().unwrap() {
        let code = item["item"]["code"].as_str().unwrap();
        let answer = match item["item"]["response"]["type"].as_str().unwrap() {
            "number" => "300".to_owned(),
            "text" => "园区建设有序".to_owned(),
            _ => "confirmed".to_owned(),
        };
        lines.push_str(&format!("{code} {answer}\n"));
        if item["item"]["evidence_required"] == Value::Bool(true) {
            let mut bytes = PNG.to_vec();
            bytes.extend(code.as_bytes());
            let path = laptop.path(&format!("{code}.png"));
            std::fs::write(&path, &bytes).unwrap();
            laptop.json(&args(
                &["inspection", "attach", "--item", code, &path, "--json"],
                &t,
            ));
        }
    }
    let out = laptop.run_stdin(&args(&["inspection", "stream"], &t), &lines);
    assert!(out.status.success(), "{}", stdout(&out));
    laptop.json(&args(&["inspection", "finalise", "--json"], &t));
    let record = laptop.path("record.pdf");
    let out = laptop.run_with_passphrase(
        &args(&["inspection", "record", "--out", &record], &t),
        PASSPHRASE,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let results = laptop.path("visit.prinspres");
    let out = laptop.run_with_passphrase(
        &args(
            &[
                "inspection",
                "bundle",
                "export",
                "--out",
                &results,
                "--json",
            ],
            &t,
        ),
        PASSPHRASE,
    );
    assert!(out.status.success(), "{}", stderr(&out));

    // The office: the leader's certificate first, then the results, once.
    assert_eq!(
        error_code(&office, &["inspection", "bundle", "import", &results]),
        "CERT_NOT_REGISTERED"
    );
    let pem = laptop.path("leader.pem");
    laptop.json(&[
        "cert", "export", "--expert", &team[0], "--out", &pem, "--json",
    ]);
    office.json(&["cert", "import", "--expert", &team[0], &pem, "--json"]);
    let done = office.json(&["inspection", "bundle", "import", &results, "--json"]);
    assert_eq!(done["finalised"], Value::Bool(true), "{done}");
    assert_eq!(done["records"], 1);
    let again = office.json(&["inspection", "bundle", "import", &results, "--json"]);
    assert_eq!(again["already_imported"], Value::Bool(true));
    let row = office
        .json(&["rank", "--round", ROUND, "--json"])
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == app)
        .cloned()
        .unwrap();
    assert!(row["site_score"].as_f64().unwrap() > 0.0, "{row}");
}
