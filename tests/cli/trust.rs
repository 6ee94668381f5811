//! Trust and durability, as a user and an attacker would try them: the audit log's hash chain
//! checked by `audit verify` and by hand (Python's hashlib and OpenSSL, which nobody here
//! wrote), edited and cut short with the system's `sqlite3`; hostile inputs refused with their
//! codes and nothing stored changed.

use std::process::Command;

use serde_json::Value;

use crate::support::*;

const SECRETARIAT: &str = "秘书处的口令 2026 审计";

/// Runs the system's sqlite3 on the sandbox database, as someone with that tool would.
fn sqlite3(sb: &Sandbox, sql: &str) {
    let out = Command::new("sqlite3")
        .arg(sb.db())
        .arg(sql)
        .output()
        .unwrap();
    assert!(out.status.success(), "sqlite3 {sql}: {}", stderr(&out));
}

/// Every table's rows, in order: what "nothing stored changed" compares.
fn dump(sb: &Sandbox) -> String {
    let out = Command::new("sqlite3")
        .arg(sb.db())
        .arg(".dump")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_audit_chain_verifies_by_hand_and_names_an_entry_edited_with_sqlite3() {
    let sb = Sandbox::new();
    opened_demo(&sb);
    let verdict = sb.json(&["audit", "verify", "--json"]);
    assert!(verdict["chain"]["broken"].is_null(), "{verdict}");
    let entries = verdict["chain"]["entries"].as_i64().unwrap();
    assert!(entries > 20, "{entries}");

    // Exported, signed by the secretariat; OpenSSL checks the signature and Python the chain.
    let out = sb.run_with_passphrase(&["key", "create", "--secretariat"], SECRETARIAT);
    assert!(out.status.success(), "{}", stderr(&out));
    let log = sb.path("审计记录.jsonl");
    let out = sb.run_with_passphrase(&["audit", "export", "--out", &log, "--json"], SECRETARIAT);
    assert!(out.status.success(), "{}", stderr(&out));
    let exported: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(exported["header"]["format"], "park-review/audit@1");
    let openssl = Command::new("openssl")
        .args([
            "cms",
            "-verify",
            "-binary",
            "-inform",
            "DER",
            "-noverify",
            "-out",
            "/dev/null",
        ])
        .args(["-in", &format!("{log}.p7s"), "-content", &log])
        .output()
        .unwrap();
    assert!(openssl.status.success(), "{}", stderr(&openssl));
    let python = Command::new("python3")
        .arg("-c")
        .arg(
            r#"
import json, hashlib, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
header, prev = json.loads(lines[0]), "0" * 64
for line in lines[1:]:
    e = json.loads(line)
    fields = ["park-review-audit/1", e["id"], e["at"], e["actor_role"], e["actor_name"],
              e["actor_surface"], e["station"], e["action"], e["entity"], e["entity_uid"],
              e["detail"], e["prev_sha256"]]
    text = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    assert e["prev_sha256"] == prev, e["id"]
    assert hashlib.sha256(text.encode("utf-8")).hexdigest() == e["sha256"], e["id"]
    prev = e["sha256"]
assert prev == header["head_sha256"]
print(len(lines) - 1)
"#,
        )
        .arg(&log)
        .output()
        .unwrap();
    assert!(python.status.success(), "{}", stderr(&python));
    assert_eq!(
        stdout(&python).trim().parse::<i64>().unwrap(),
        exported["header"]["entries"].as_i64().unwrap()
    );

    // The database itself refuses an edit through its schema …
    let out = Command::new("sqlite3")
        .arg(sb.db())
        .arg("UPDATE audit_log SET actor_name = '别人' WHERE id = 3")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("审计记录只能追加"),
        "{}",
        stderr(&out)
    );

    // … so the forger drops the triggers and edits entry 3: `audit verify` names it and fails.
    sqlite3(
        &sb,
        "DROP TRIGGER audit_log_append_only_update; DROP TRIGGER audit_log_append_only_delete;
         UPDATE audit_log SET actor_name = '别人' WHERE id = 3;",
    );
    assert_eq!(error_code(&sb, &["audit", "verify"]), "AUDIT_CHAIN_BROKEN");
    let out = sb.run(&["audit", "verify"]);
    assert!(stderr(&out).contains("第 3 条"), "{}", stderr(&out));
}

#[test]
fn entries_cut_off_the_end_after_an_export_are_found_against_the_archive() {
    let sb = Sandbox::new();
    opened_demo(&sb);
    let out = sb.run_with_passphrase(&["key", "create", "--secretariat"], SECRETARIAT);
    assert!(out.status.success(), "{}", stderr(&out));
    let log = sb.path("存档.jsonl");
    let out = sb.run_with_passphrase(&["audit", "export", "--out", &log], SECRETARIAT);
    assert!(out.status.success(), "{}", stderr(&out));
    let ok = sb.json(&["audit", "verify", "--against", &log, "--json"]);
    assert_eq!(ok["archive"]["matches_database"], true, "{ok}");
    // The last two entries deleted: the chain alone still holds (a shorter chain is a chain) …
    sqlite3(
        &sb,
        "DROP TRIGGER audit_log_append_only_delete;
         DELETE FROM audit_log WHERE id >= (SELECT max(id) - 1 FROM audit_log);",
    );
    assert!(sb.json(&["audit", "verify", "--json"])["chain"]["broken"].is_null());
    // … the archive shows the cut.
    assert_eq!(
        error_code(&sb, &["audit", "verify", "--against", &log]),
        "AUDIT_CHAIN_BROKEN"
    );
    // A tampered archive is refused by its signature.
    let mut bytes = std::fs::read(&log).unwrap();
    let at = bytes.len() - 10;
    bytes[at] ^= 1;
    std::fs::write(&log, bytes).unwrap();
    assert_eq!(
        error_code(&sb, &["audit", "verify", "--against", &log]),
        "SIGNATURE_INVALID"
    );
}

#[test]
fn each_application_expert_and_sheet_has_its_history() {
    let sb = Sandbox::new();
    let (expert, application) = submitted_sheet(&sb);
    let history = |extra: &[&str]| -> Vec<Value> {
        let mut args = vec!["audit", "log", "--round", "DEMO-2026", "--json"];
        args.extend_from_slice(extra);
        sb.json(&args).as_array().unwrap().clone()
    };
    let actions = |entries: &[Value]| -> Vec<String> {
        entries
            .iter()
            .map(|e| e["action"].as_str().unwrap().to_owned())
            .collect()
    };
    let sheet = history(&["--sheet", &format!("{application}:{expert}")]);
    let sheet_actions = actions(&sheet);
    assert!(
        sheet_actions.contains(&"scores.submit".to_owned()),
        "{sheet_actions:?}"
    );
    assert!(
        sheet_actions.contains(&"score.set".to_owned()),
        "{sheet_actions:?}"
    );
    // Newest first, and every entry says who, through what, on which computer.
    assert_eq!(sheet_actions[0], "scores.submit");
    assert!(sheet.iter().all(|e| e["actor_surface"] == "command_line"));
    assert!(sheet
        .iter()
        .all(|e| !e["station"].as_str().unwrap().is_empty()));
    let app_actions = actions(&history(&["--application", &application]));
    assert!(app_actions.contains(&"application.create".to_owned()));
    assert!(app_actions.contains(&"scores.submit".to_owned()));
    let expert_actions = actions(&history(&["--expert", &expert]));
    assert!(expert_actions.contains(&"expert.create".to_owned()));
    assert!(expert_actions.contains(&"scores.submit".to_owned()));
    assert!(!expert_actions.contains(&"application.create".to_owned()));
    let round_actions = actions(&history(&[]));
    assert!(
        round_actions.contains(&"round.open".to_owned()),
        "{round_actions:?}"
    );
}

#[test]
fn hostile_imports_are_refused_with_their_codes_and_nothing_changes() {
    let sb = Sandbox::new();
    sb.json(&["demo", "--json"]);
    let before = dump(&sb);
    let write = |name: &str, text: &str| {
        let path = sb.path(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    let app = |code: &str, name: &str| {
        format!(
            r#"{{"format": "park-review/application@1", "code": "{code}", "park_name": "{name}", "city": "韶关市",
                "city_recommendation_rank": 2, "planned_area_mu": 300.0,
                "enterprises": [{{"name": "甲公司", "credit_code": "91350100M000100Y43", "ai_output_wan_yuan": 5000}}]}}"#
        )
    };
    let cases: Vec<(&str, String, &str)> = vec![
        // A key named twice: serde_json would keep the last silently.
        (
            "dup-key.json",
            app("2026-SG-09", "园区").replacen(
                "\"code\"",
                "\"park_name\": \"另一个名字\", \"code\"",
                1,
            ),
            "IMPORT_MALFORMED",
        ),
        // ESC[2J clears a terminal; U+202E turns text around on screen and in a PDF.
        (
            "esc.json",
            app("2026-SG-09", "园区\\u001b[2J"),
            "IMPORT_MALFORMED",
        ),
        (
            "rlo.json",
            app("2026-SG-09", "园区\\u202e10-ZG"),
            "IMPORT_MALFORMED",
        ),
        (
            "nul.json",
            app("2026-SG-09", "园\\u0000区"),
            "IMPORT_MALFORMED",
        ),
        (
            "newline-name.json",
            app("2026-SG-09", "园区\\n第二行"),
            "IMPORT_MALFORMED",
        ),
        // A code that differs from one in the round only by case could never be addressed.
        ("case.json", app("2026-gz-01", "园区"), "DUPLICATE_CODE"),
        // 100,001 characters in one string.
        (
            "long.json",
            app("2026-SG-09", &"字".repeat(100_001)),
            "IMPORT_TOO_LARGE",
        ),
        (
            "deep.json",
            format!("{}{}", "[".repeat(10_000), "]".repeat(10_000)),
            "IMPORT_MALFORMED",
        ),
    ];
    for (name, text, code) in &cases {
        let path = write(name, text);
        assert_eq!(
            error_code(
                &sb,
                &["application", "import", &path, "--round", "DEMO-2026"]
            ),
            *code,
            "{name}"
        );
    }
    assert_eq!(dump(&sb), before, "a refused import changed the database");
    // The refusal names the character instead of printing it.
    let out = sb.run(&[
        "application",
        "import",
        &sb.path("esc.json"),
        "--round",
        "DEMO-2026",
    ]);
    assert!(!stderr(&out).contains('\u{1b}'), "{}", stderr(&out));
    assert!(stderr(&out).contains("U+001B"), "{}", stderr(&out));
}

#[test]
fn another_programs_database_is_refused_and_left_untouched() {
    let sb = Sandbox::new();
    sqlite3(
        &sb,
        "CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES ('张三');",
    );
    let before = digest(&sb.db());
    assert_eq!(error_code(&sb, &["status"]), "DB_NOT_SQLITE");
    assert_eq!(digest(&sb.db()), before);
    assert!(!sb.dir.path().join("review.sqlite3-wal").exists());
}

#[test]
fn a_backup_on_a_stick_restores_a_lost_laptop_and_refuses_to_overwrite_newer_work() {
    let sb = Sandbox::new();
    let (expert, application) = submitted_sheet(&sb);
    let stick = sb.path("U盘/园区评审备份");
    let made = sb.json(&["backup", "--out", &stick, "--json"]);
    assert!(made["manifest"]["audit_entries"].as_i64().unwrap() > 20);
    let listed = sb.json(&["restore", &stick, "--list", "--json"]);
    assert_eq!(listed.as_array().unwrap().len(), 1);

    // Work after the backup: restoring would lose it, so it is refused, the database untouched.
    sb.json(&[
        "round",
        "create",
        "--year",
        "2027",
        "--kind",
        "designation",
        "--json",
    ]);
    let before = dump(&sb);
    assert_eq!(error_code(&sb, &["restore", &stick]), "INVALID_TRANSITION");
    assert_eq!(dump(&sb), before);

    // The laptop is lost: a fresh machine restores from the stick; the submitted sheet is there.
    let fresh = Sandbox::new();
    let restored = fresh.json(&["restore", &stick, "--json"]);
    assert!(restored["previous_saved_as"].is_null());
    let sheet = fresh.json(&[
        "score",
        "show",
        "--round",
        "DEMO-2026",
        "--expert",
        &expert,
        "--application",
        &application,
        "--json",
    ]);
    assert_eq!(sheet["stage"], "submitted", "{sheet}");
    assert!(fresh.json(&["audit", "verify", "--json"])["chain"]["broken"].is_null());

    // Forced on the first laptop: the newer database is kept beside the restored one.
    let forced = sb.json(&["restore", &stick, "--force", "--json"]);
    let aside = forced["previous_saved_as"].as_str().unwrap();
    assert!(std::path::Path::new(aside).exists());
    // The demo's three rounds, as backed up: not the round created after the backup.
    let rounds = sb.json(&["round", "list", "--json"]);
    assert_eq!(rounds.as_array().unwrap().len(), 3, "{rounds}");
}

/// The rows of every table, by table (`audit_log` apart), from sqlite3's dump.
fn rows_by_table(sb: &Sandbox) -> std::collections::BTreeMap<String, Vec<String>> {
    let mut tables: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for line in dump(sb).lines() {
        if let Some(rest) = line.strip_prefix("INSERT INTO ") {
            let table = rest
                .split_whitespace()
                .next()
                .unwrap()
                .trim_matches('"')
                .to_owned();
            tables.entry(table).or_default().push(line.to_owned());
        }
    }
    for rows in tables.values_mut() {
        rows.sort();
    }
    tables
}

/// Tables that hold what is computed from the others (a cache), not what a person changed:
/// written without an audit entry on purpose, and rebuilt from the audited facts. (Emptied, this
/// list makes the test fail at the first `rank`: it does see writes.)
const DERIVED: &[&str] = &["formal_review_cache", "formal_review_cache_rounds"];

/// No change without its audit entry, whatever the code path: a journey through the commands
/// that write — set-up, assignment, pledges, scores, submission and reopening, conflicts,
/// attachments, the formal review's overrides, keys, sheets, ranking — and the commands that
/// only read. After each, if any table but the audit log (and the caches) changed, the audit log
/// must have grown.
#[test]
fn every_change_any_command_makes_has_its_audit_entry() {
    let sb = Sandbox::new();
    let pdf = sb.path("批复.pdf");
    std::fs::write(&pdf, "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n").unwrap();
    let run = |line: &str, sb: &Sandbox| {
        let args = split_words(line);
        let before = rows_by_table(sb);
        let entries = sb.json(&["audit", "verify", "--json"])["chain"]["entries"]
            .as_i64()
            .unwrap();
        let argv: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = sb.run_with_passphrase(&argv, "审计测试的口令 2026");
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        let after = rows_by_table(sb);
        let grown = sb.json(&["audit", "verify", "--json"])["chain"]["entries"]
            .as_i64()
            .unwrap()
            > entries;
        let changed: Vec<&String> = after
            .keys()
            .chain(before.keys())
            .filter(|t| t.as_str() != "audit_log" && !DERIVED.contains(&t.as_str()))
            .filter(|t| before.get(*t) != after.get(*t))
            .collect();
        assert!(
            changed.is_empty() || grown,
            "{args:?} changed {changed:?} without an audit entry"
        );
    };
    for line in [
        "demo",
        "round list",
        "eligibility --round DEMO-2026",
        "eligibility override --round DEMO-2026 --application 2026-SG-01 --rule C2 --result pass --reason 已补交用地批复",
        "materials check --round DEMO-2026 --application 2026-DG-01 --item 2 --present --note 已补交",
        "application recommend --round DEMO-2026 --application 2026-SG-01 --opinion 同意推荐 --date 2026-09-20 --signatory 韶关市工信局 --order 1",
        "round create --year 2027 --kind designation",
        "round create --year 2027 --kind designation --supplementary --reason 部分地市未按期报送",
        "park add --name 广州天河软件园 --city 广州市 --management-body 天河软件园管委会 --designated-on 2019-06-30 --documents 粤经信〔2019〕88号 --reason 系统启用前认定",
        "park list",
        "assign --round DEMO-2026 --seed 1",
        "conflict list --round DEMO-2026",
        "round open --round DEMO-2026",
        "scores --round DEMO-2026",
        "rank --round DEMO-2026",
        "site-score set --round DEMO-2026 --application 2026-GZ-02 --score 80 --record-ref 考察记录-02",
        "rank settings --round DEMO-2026 --weight 0.6",
        "audit verify",
    ] {
        run(line, &sb);
    }
    // The expert's side: pledge, scores, opinion, submission; then a key, a signed sheet, a
    // reopening, an attachment, a backup.
    let rows = sb.json(&["scores", "--round", "DEMO-2026", "--json"]);
    let (e, a) = (
        rows[0]["expert"].as_str().unwrap().to_owned(),
        rows[0]["application"].as_str().unwrap().to_owned(),
    );
    let pair = format!("--round DEMO-2026 --expert {e} --application {a}");
    let rubric = sb.json(&["rubric", "show", "--round", "DEMO-2026", "--json"]);
    let mut more: Vec<String> = vec![format!("declare {pair}")];
    for c in rubric["rubric"]["sections"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["criteria"].as_array().unwrap())
    {
        more.push(format!(
            "score set {pair} --criterion {} --points 5 --comment 见材料",
            c["code"].as_str().unwrap()
        ));
    }
    more.extend([
        format!("score submit {pair} --opinion 同意推荐"),
        format!("score show {pair}"),
        format!("key create --expert {e}"),
        format!("sheet {pair} --out {}", sb.path("评分表.pdf")),
        format!("score reopen {pair} --reason 退回更正"),
        format!("attachment add {pdf} --round DEMO-2026 --application {a} --clause C2"),
        format!("attachment verify --round DEMO-2026 --application {a}"),
        format!("audit log --round DEMO-2026 --application {a}"),
        format!("backup --out {}", sb.path("备份")),
    ]);
    for line in more {
        run(&line, &sb);
    }
}

/// Unmounts a tmpfs when dropped (before the sandbox's folder is removed).
struct Mounted(std::path::PathBuf);

impl Drop for Mounted {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

/// Fills the disk holding `dir` until it refuses another byte; returns the filler's path.
fn fill_disk(dir: &std::path::Path) -> std::path::PathBuf {
    use std::io::Write;
    let filler = dir.join("filler");
    let mut file = std::fs::File::create(&filler).unwrap();
    let block = vec![0u8; 4096];
    while file
        .write_all(&block)
        .and_then(|()| file.sync_all())
        .is_ok()
    {}
    filler
}

/// A full disk, as on a laptop whose disk filled with photos: the expert's scoring session
/// gets "disk full" with its code for the edits it could not save, carries on once space is
/// freed, and nothing acknowledged is lost; opening the database on a full disk says the disk
/// is full (not "check the permissions"). Runs on a 4 MB tmpfs, which needs root (as `make test`
/// runs); elsewhere it says so and checks nothing.
#[test]
fn a_full_disk_gets_a_clear_message_and_loses_nothing() {
    use std::io::{BufRead, BufReader, Write};
    let sb = Sandbox::new();
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=32m", "tmpfs"])
        .arg(sb.dir.path())
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        eprintln!("full-disk test: cannot mount a tmpfs here (not root); skipped");
        return;
    }
    let _guard = Mounted(sb.dir.path().to_owned());
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
    let mut acks = BufReader::new(child.stdout.take().unwrap());
    let mut say = |line: &str| -> Value {
        writeln!(stdin, "{line}").unwrap();
        stdin.flush().unwrap();
        let mut ack = String::new();
        acks.read_line(&mut ack).unwrap();
        serde_json::from_str(&ack).unwrap()
    };
    let first = say("C3.1 5 磁盘满之前");
    assert!(
        first["code"].is_null() && first["saved_at"].is_string(),
        "{first}"
    );
    let filler = fill_disk(sb.dir.path());
    let mut refused = 0;
    for i in 0..20 {
        let ack = say(&format!("C3.2 {} 磁盘满时第{i}次", i % 10));
        if ack["code"] == "DB_FAILURE" {
            assert!(
                ack["message"].as_str().unwrap().contains("磁盘已满"),
                "{ack}"
            );
            refused += 1;
        }
    }
    assert!(refused > 0, "the full disk refused nothing");
    std::fs::remove_file(&filler).unwrap();
    let after = say("C3.2 7 磁盘腾出之后");
    assert!(
        after["code"].is_null() && after["saved_at"].is_string(),
        "{after}"
    );
    drop(stdin);
    let _ = child.wait();

    // With the session closed (its -wal and -shm removed), a program opening the database on a
    // full disk hears that the disk is full.
    let filler = fill_disk(sb.dir.path());
    let out = sb.run(&["status"]);
    assert!(
        stderr(&out).contains("[DB_FAILURE]") && stderr(&out).contains("磁盘已满"),
        "{}",
        stderr(&out)
    );
    std::fs::remove_file(&filler).unwrap();

    let integrity = Command::new("sqlite3")
        .arg(sb.db())
        .arg("PRAGMA integrity_check")
        .output()
        .unwrap();
    assert_eq!(stdout(&integrity).trim(), "ok");
    assert!(sb.json(&["audit", "verify", "--json"])["chain"]["broken"].is_null());
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
    let comment = |code: &str| {
        sheet["scores"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["code"] == code)
            .unwrap()["comment"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(comment("C3.1"), "磁盘满之前");
    assert_eq!(comment("C3.2"), "磁盘腾出之后");
}

/// A database on a read-only place (a write-protected stick; here a tmpfs remounted read-only):
/// refused with a message that says so, and the file is byte for byte what it was. Needs root
/// to mount, like the full-disk test.
#[test]
fn a_database_on_a_read_only_place_is_refused_with_a_message_that_says_so() {
    let sb = Sandbox::new();
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=32m", "tmpfs"])
        .arg(sb.dir.path())
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        eprintln!("read-only test: cannot mount a tmpfs here (not root); skipped");
        return;
    }
    let _guard = Mounted(sb.dir.path().to_owned());
    sb.json(&["demo", "--json"]);
    let before = digest(&sb.db());
    let remount = |mode: &str| {
        let ok = Command::new("mount")
            .args(["-o", &format!("remount,{mode}")])
            .arg(sb.dir.path())
            .status()
            .unwrap()
            .success();
        assert!(ok, "remount {mode}");
    };
    remount("ro");
    for args in [
        vec!["status"],
        vec!["round", "create", "--year", "2027", "--kind", "designation"],
    ] {
        assert_eq!(error_code(&sb, &args), "DB_UNREADABLE", "{args:?}");
        let out = sb.run(&args);
        assert!(stderr(&out).contains("只读"), "{}", stderr(&out));
    }
    remount("rw");
    assert_eq!(digest(&sb.db()), before);
    // The demo's three rounds; the round refused on the read-only place is not there.
    assert_eq!(
        sb.json(&["round", "list", "--json"])
            .as_array()
            .unwrap()
            .len(),
        3
    );
}

/// An update's audit entry says what it replaced: `changes` holds each field that differs as
/// `{old, new}` (docs/formats/audit.md) — a score changed twice, a site score corrected, the
/// ranking's weight moved.
#[test]
fn an_update_records_the_old_and_the_new_value() {
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
    let set = |points: &str, comment: &str| {
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
            points,
            "--comment",
            comment,
            "--json",
        ]);
    };
    set("5", "初评");
    set("6.5", "初评");
    let newest = |action: &str| -> Value {
        let log = sb.json(&["audit", "log", "--round", "DEMO-2026", "--json"]);
        let entry = log
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["action"] == action)
            .unwrap_or_else(|| panic!("no {action} in {log}"))
            .clone();
        serde_json::from_str(entry["detail"].as_str().unwrap()).unwrap()
    };
    let score = newest("score.set");
    assert_eq!(score["criterion"], "C3.1");
    assert_eq!(
        score["changes"],
        serde_json::json!({"points": {"old": 5.0, "new": 6.5}}),
        "only what differs, old beside new: {score}"
    );
    set("6.5", "复核后维持");
    assert_eq!(
        newest("score.set")["changes"],
        serde_json::json!({"comment": {"old": "初评", "new": "复核后维持"}})
    );

    for (points, reference) in [("80", "考察记录-02"), ("82.5", "考察记录-02（更正）")]
    {
        sb.json(&[
            "site-score",
            "set",
            "--round",
            "DEMO-2026",
            "--application",
            "2026-GZ-02",
            "--score",
            points,
            "--record-ref",
            reference,
            "--json",
        ]);
    }
    let site = newest("site_score.set");
    assert_eq!(site["changes"]["points"]["old"], 80.0, "{site}");
    assert_eq!(site["changes"]["points"]["new"], 82.5, "{site}");
    assert_eq!(site["changes"]["record_ref"]["new"], "考察记录-02（更正）");

    sb.json(&[
        "rank",
        "settings",
        "--round",
        "DEMO-2026",
        "--weight",
        "0.7",
        "--json",
    ]);
    let settings = newest("ranking.settings");
    assert_eq!(
        settings["changes"],
        serde_json::json!({"material_weight": {"old": 0.6, "new": 0.7}}),
        "{settings}"
    );
}

/// The stored private key, decrypted with nothing of ours (asn1crypto reads PKCS#8, Python's
/// hashlib derives the scrypt key, `cryptography` decrypts): the cost is the documented
/// N = 2^17, r = 8, p = 1 (docs/cli.md, ARCHITECTURE.md), the salt 16 bytes, the key is the
/// certificate's; a wrong passphrase opens nothing.
#[test]
fn the_stored_key_decrypts_with_independent_tools_at_the_documented_cost() {
    let sb = Sandbox::new();
    sb.json(&["init", "--json"]);
    let out = sb.run_with_passphrase(&["key", "create", "--secretariat", "--json"], SECRETARIAT);
    assert!(out.status.success(), "{}", stderr(&out));
    let cert = sb.path("secretariat.pem");
    sb.json(&["cert", "export", "--secretariat", "--out", &cert, "--json"]);
    let out = Command::new("sqlite3")
        .arg(sb.db())
        .arg("SELECT encrypted_key_pem FROM signing_keys")
        .output()
        .unwrap();
    let key = sb.path("key.pem");
    std::fs::write(&key, &out.stdout).unwrap();
    let python = std::path::Path::new(&pyhanko()).with_file_name("python");
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/tools/decrypt_key.py"
    );
    let decrypt = |passphrase: &str| {
        let file = sb.path("passphrase.txt");
        std::fs::write(&file, format!("{passphrase}\n")).unwrap();
        Command::new(&python)
            .args([script, &key, &file, &cert])
            .output()
            .unwrap()
    };
    let out = decrypt(SECRETARIAT);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "131072 8 1 16\nmatches certificate\n");
    let out = decrypt("不是这个口令 2026");
    assert!(!out.status.success(), "{}", stdout(&out));
}
