//! The database itself: creating, refusing files that are not ours, where it lives, the demo.

use std::process::Command;

use serde_json::Value;

use crate::support::*;

#[test]
fn version_and_help() {
    let sb = Sandbox::new();
    let out = sb.cli("--version");
    assert!(out.status.success());
    assert!(stdout(&out).starts_with("park-review "));
    let help = sb.cli("--help");
    assert!(stdout(&help).contains("评审批次"), "{}", stdout(&help));
}

#[test]
fn init_then_status_reports_the_schema_version_and_empty_counts() {
    let sb = Sandbox::new();
    let out = sb.cli("init");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("数据库已就绪"));
    let status = sb.cli_json("status");
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
    let loaded = sb.cli_json("demo");
    assert_eq!(loaded["draft"]["round"]["year"], 2026);
    assert_eq!(loaded["draft"]["round"]["kind"], "designation");
    assert_eq!(loaded["in_progress"]["round"]["code"], "DEMO-2025");
    let before = sb.cli_json("status");
    assert!(before["applications"].as_i64().unwrap() >= 9);
    // The draft round's seven experts and the seven of the round in progress.
    assert_eq!(before["experts"], 14);

    let again = sb.cli("demo");
    assert_eq!(again.status.code(), Some(1));
    assert!(
        stderr(&again).contains("错误 [DEMO_ALREADY_LOADED]"),
        "{}",
        stderr(&again)
    );
    assert_eq!(sb.cli_json("status"), before);

    let list = sb.cli("application list --round DEMO-2026");
    let text = stdout(&list);
    for park in [
        "广州南沙人工智能产业园",
        "深圳龙岗人工智能产业园",
        "韶关芙蓉新城人工智能产业园",
    ] {
        assert!(text.contains(park), "{park} missing from:\n{text}");
    }
    let experts = sb.cli_json("expert list --round DEMO-2026");
    assert_eq!(experts.as_array().unwrap().len(), 7);

    // The audit log names the person, and says in a field of its own that the change came
    // through the command line (not "…（命令行）" inside the name).
    let store = park_review_store::Store::open(&sb.db()).unwrap();
    let entries = store.recent_audit(10_000).unwrap();
    assert!(!entries.is_empty());
    // The demo's round in progress is made by the secretariat's, the experts' and the
    // inspection teams' own acts; the one expert who scored on a laptop of their own arrives
    // as a score bundle, applied by the program in the expert's name (as any bundle is).
    let mut bundles = 0;
    for e in &entries {
        let surface = if e.action == "bundle.import" {
            bundles += 1;
            "program"
        } else {
            "command_line"
        };
        assert!(
            matches!(
                e.actor_role.as_str(),
                "secretariat" | "expert" | "inspection"
            ) && e.actor_surface == surface,
            "{e:?}"
        );
        assert!(!e.actor_name.contains("命令行"), "{e:?}");
    }
    assert_eq!(
        bundles, 1,
        "the demo's expert on a laptop of their own sends one bundle"
    );
}

#[test]
fn round_create_prints_the_new_rounds_id_and_code() {
    let sb = Sandbox::new();
    let round = sb.cli_json("round create --year 2026 --kind designation");
    assert_eq!(round["code"], "2026-SB");
    assert_eq!(round["status"], "draft");
    assert!(round["id"].as_i64().unwrap() > 0);
    assert_eq!(round["uid"].as_str().unwrap().len(), 36);
    let text = sb.cli("round create --year 2027 --kind annual_assessment");
    assert!(stdout(&text).contains("2027-KH"), "{}", stdout(&text));

    let dup = sb.cli("round create --year 2026 --kind designation --json");
    assert_eq!(dup.status.code(), Some(1));
    let err: Value = serde_json::from_slice(&dup.stderr).unwrap();
    assert_eq!(err["code"], "ROUND_EXISTS");
    assert!(err["message"].as_str().unwrap().contains("已经存在"));

    let bad_kind = sb.cli("round create --year 2026 --kind yearly");
    assert!(
        stderr(&bad_kind).contains("[INVALID_ROUND_KIND]"),
        "{}",
        stderr(&bad_kind)
    );
    let bad_year = sb.cli("round create --year 26 --kind designation");
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
    let out = sb.cli("status");
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("[DB_NOT_SQLITE]"), "{}", stderr(&out));
    assert_eq!(digest(&sb.db()), before);
}

#[test]
fn a_database_from_a_newer_version_is_refused_and_unchanged() {
    let sb = Sandbox::new();
    assert!(sb.cli("init").status.success());
    // Simulate a database written by a future version: set the header's user_version field
    // (offset 60, big-endian) directly, as a newer build's migration would.
    let mut bytes = std::fs::read(sb.db()).unwrap();
    bytes[60..64].copy_from_slice(&99u32.to_be_bytes());
    std::fs::write(sb.db(), &bytes).unwrap();
    let before = digest(&sb.db());
    let out = sb.cli("status --json");
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
    let out = sb.cli("application list --round 2031-SB");
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

/// The number of rows in every table, read with the system's sqlite3.
fn table_counts(db: &std::path::Path) -> Vec<(String, i64)> {
    let sqlite3 = |sql: &str| {
        let out = Command::new("sqlite3").arg(db).arg(sql).output().unwrap();
        assert!(out.status.success(), "sqlite3 {sql}: {}", stderr(&out));
        stdout(&out)
    };
    let tables = sqlite3(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    );
    let query: Vec<String> = tables
        .lines()
        .map(|t| format!("SELECT '{t}', count(*) FROM \"{t}\""))
        .collect();
    sqlite3(&query.join(" UNION ALL "))
        .lines()
        .map(|line| {
            let (name, count) = line.split_once('|').unwrap();
            (name.to_owned(), count.parse().unwrap())
        })
        .collect()
}

/// Committed data survives `kill -9` at any moment, and a change is all or nothing: the demo
/// round (one transaction of ~200 rows) is either wholly there or not at all. The kills are
/// spread over the load's own measured duration, and each must find the process still running
/// (so it did interrupt the load); after each, every table holds exactly the rows it held
/// before the load or exactly those of a completed load.
#[test]
fn a_killed_demo_load_leaves_all_or_nothing() {
    let spawn = |sb: &Sandbox| {
        Command::new(env!("CARGO_BIN_EXE_park-review"))
            .arg("--db")
            .arg(sb.db())
            .arg("demo")
            .env("HOME", sb.dir.path())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap()
    };
    // A load left to finish: its duration and what "everything" is.
    let reference = Sandbox::new();
    assert!(reference.cli("init").status.success());
    let nothing = table_counts(&reference.db());
    let started = std::time::Instant::now();
    assert!(spawn(&reference).wait().unwrap().success());
    let duration = started.elapsed();
    let everything = table_counts(&reference.db());
    assert_ne!(nothing, everything);

    let (mut interrupted, mut outcomes) = (0, [0, 0]);
    for tenth in 0..10u32 {
        let sb = Sandbox::new();
        assert!(sb.cli("init").status.success());
        let mut child = spawn(&sb);
        std::thread::sleep(duration * tenth / 10);
        if child.try_wait().unwrap().is_none() {
            interrupted += 1;
        }
        let _ = child.kill(); // SIGKILL on Unix
        let _ = child.wait();
        let counts = table_counts(&sb.db());
        if counts == nothing {
            outcomes[0] += 1;
        } else if counts == everything {
            outcomes[1] += 1;
        } else {
            panic!("killed at {tenth}/10 of the load: a partial demo {counts:?}");
        }
        assert_eq!(
            sb.cli_json("status")["schema_version"],
            reference.cli_json("status")["schema_version"]
        );
    }
    eprintln!(
        "demo load {duration:?}: {interrupted} of 10 kills interrupted it; nothing {} times, everything {} times",
        outcomes[0], outcomes[1]
    );
    // Loose enough for a loaded CI machine, where the load may run faster than it was measured.
    assert!(
        interrupted >= 5,
        "the kills landed after the load ended: {interrupted} of 10"
    );
}

/// The demo's round in progress (issue 17): every screen has something real — and it is real:
/// the ranking equals a recomputation from the submitted scores, every signed sheet verifies
/// against the database, the same on every load, and the visitor's expert has one sheet left.
#[test]
fn the_demo_round_in_progress_is_real_and_the_same_on_every_load() {
    let sb = Sandbox::new();
    let loaded = sb.cli_json("demo");
    let ip = &loaded["in_progress"];
    assert_eq!(ip["round"]["code"], "DEMO-2025");
    assert!(loaded["sheets_signed"].as_u64().unwrap() >= 25, "{loaded}");
    let round = ["--round", "DEMO-2025"];

    // The formal review: one override with its reason; recusals found.
    let eligibility = sb.json(&[&["eligibility"][..], &round, &["--json"]].concat());
    let overridden: Vec<Value> = eligibility
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|a| a["rules"].as_array().cloned().unwrap_or_default())
        .filter(|r| r["override"].is_object())
        .collect();
    assert_eq!(overridden.len(), 1, "one override");
    assert!(overridden[0]["override"]["reason"]
        .as_str()
        .unwrap()
        .contains("300亩"));
    let conflicts = sb.json(&[&["conflict", "list"][..], &round, &["--json"]].concat());
    let recused = conflicts["cells"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| !c["conflicts"].as_array().unwrap().is_empty())
        .count();
    assert!(recused >= 3, "{conflicts}");

    // Scores with a spread, and the ranking equal to a recomputation (trimmed mean).
    let scores = sb.json(&[&["scores"][..], &round, &["--json"]].concat());
    let rows = scores.as_array().unwrap();
    let totals: std::collections::BTreeSet<i64> = rows
        .iter()
        .filter(|r| r["submitted_at"].is_string())
        .map(|r| (r["total"].as_f64().unwrap() * 100.0).round() as i64)
        .collect();
    assert!(
        totals.len() >= 15,
        "a realistic spread, not all 85: {totals:?}"
    );
    let drafts: Vec<&Value> = rows
        .iter()
        .filter(|r| r["submitted_at"].is_null())
        .collect();
    assert_eq!(drafts.len(), 1);
    assert_eq!(drafts[0]["expert"], loaded["visiting_expert"]);
    let ranking = sb.json(&[&["rank"][..], &round, &["--json"]].concat());
    for row in ranking.as_array().unwrap() {
        let mut mine: Vec<i64> = rows
            .iter()
            .filter(|r| r["application"] == row["code"] && r["submitted_at"].is_string())
            .map(|r| (r["total"].as_f64().unwrap() * 100.0).round() as i64)
            .collect();
        if mine.is_empty() || row["eligible"] != Value::Bool(true) {
            continue;
        }
        mine.sort();
        if mine.len() >= 5 {
            mine = mine[1..mine.len() - 1].to_vec();
        }
        let sum: i64 = mine.iter().sum();
        let n = mine.len() as i64;
        let mean = (2 * sum + n) / (2 * n);
        assert_eq!(
            (row["material_score"].as_f64().unwrap() * 100.0).round() as i64,
            mean,
            "{row}"
        );
    }
    let outliers: Vec<&Value> = ranking
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["experts"].as_array().unwrap())
        .filter(|e| e["outlier"].is_object())
        .collect();
    assert_eq!(outliers.len(), 2, "one outlier resolved, one open");
    assert_eq!(
        outliers
            .iter()
            .filter(|e| e["outlier"]["resolution"].is_string())
            .count(),
        1
    );
    // Two parks visited with the checklist: finalised, every item answered, their site score
    // taken from the record; one finding differs from the declared area.
    let visits = sb.json(&[&["inspection", "list"][..], &round, &["--json"]].concat());
    let finalised: Vec<&Value> = visits
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| v["status"] == "finalised")
        .collect();
    assert_eq!(finalised.len(), 2, "{visits}");
    for v in &finalised {
        assert_eq!(v["answered"], v["items"], "{v}");
        let code = v["application"].as_str().unwrap();
        let row = ranking
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["code"] == code)
            .unwrap();
        assert_eq!(row["site_score"], v["site_score"], "{row}");
        assert!(row["site_record_ref"]
            .as_str()
            .unwrap()
            .starts_with("实地考察记录 "));
    }
    let shown = sb.json(
        &[
            &["inspection", "show"][..],
            &round,
            &["--application", "2025-GZ-01", "--json"],
        ]
        .concat(),
    );
    assert_eq!(
        shown["discrepancies"].as_array().unwrap().len(),
        1,
        "{shown}"
    );
    // Each visit's record signed by its leader and countersigned by the member, each with
    // their own key: the newest revision verifies with both signatures and matches.
    let store = park_review_store::Store::open(&sb.db()).unwrap();
    let round_id = store.find_round("DEMO-2025").unwrap().id;
    for v in &finalised {
        let code = v["application"].as_str().unwrap();
        let signatures = store.inspection_record_signatures(round_id, code).unwrap();
        assert_eq!(signatures.len(), 2, "{code}: leader and member");
        let path = sb.path(&format!("record-{code}.pdf"));
        std::fs::write(&path, &signatures.last().unwrap().3).unwrap();
        let verdict = sb.json(&["verify", &path, "--json"]);
        assert_eq!(verdict["valid"], Value::Bool(true), "{verdict}");
        assert_eq!(verdict["matches_database"], Value::Bool(true), "{verdict}");
        assert_eq!(verdict["signatures"].as_array().unwrap().len(), 2);
    }
    drop(store);
    // One expert scored on a laptop of their own: a package out, a bundle back, every sheet
    // submitted through it; the others have neither.
    let exchange = sb.json(&[&["package", "status"][..], &round, &["--json"]].concat());
    let through: Vec<&Value> = exchange
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["bundle_sequence"] == 1)
        .collect();
    assert_eq!(through.len(), 1, "{exchange}");
    assert_eq!(through[0]["package_sequence"], 1);
    assert_eq!(through[0]["submitted"], through[0]["assigned"]);
    let panel = sb.json(&[&["panel", "status"][..], &round, &["--json"]].concat());
    assert!(panel["leader"].is_object());
    assert_eq!(panel["rechecks"].as_array().unwrap().len(), 1);

    // Every signed sheet verifies against the database and matches it.
    let dir = sb.path("sheets");
    let out = sb.run(&[&["sheets"][..], &round, &["--out", &dir]].concat());
    assert!(out.status.success(), "{}", stderr(&out));
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let verdict = sb.json(&["verify", path.to_str().unwrap(), "--json"]);
        assert_eq!(
            verdict["valid"],
            Value::Bool(true),
            "{}: {verdict}",
            path.display()
        );
        assert_eq!(verdict["matches_database"], Value::Bool(true), "{verdict}");
        checked += 1;
    }
    assert_eq!(checked, loaded["sheets_signed"].as_u64().unwrap());
    // The demo passphrase signs: the visitor can sign as an expert.
    let expert = loaded["visiting_expert"].as_str().unwrap();
    let out = sb.run_with_passphrase(
        &[
            "sheets",
            "--round",
            "DEMO-2025",
            "--expert",
            expert,
            "--out",
            &sb.path("mine"),
        ],
        loaded["passphrase"].as_str().unwrap(),
    );
    assert!(out.status.success(), "{}", stderr(&out));

    // The same on every load.
    let other = Sandbox::new();
    other.cli_json("demo");
    let points = |sb: &Sandbox| -> Vec<Value> {
        sb.json(&["scores", "--round", "DEMO-2025", "--json"])
            .as_array()
            .unwrap()
            .iter()
            .map(|r| serde_json::json!([r["expert"], r["application"], r["scores"]]))
            .collect()
    };
    assert_eq!(points(&sb), points(&other));
}

/// The demo's completed round (issue 17): every sheet submitted and signed, the ranking final
/// and equal to its sheets, the panel report signed by every member with a key on this
/// database (the one on a laptop of their own still to sign), the publicity period recorded
/// with one objection decided, and publication waiting for the secretariat's key.
#[test]
fn the_demo_completed_round_is_ranked_reported_and_on_its_publicity_list() {
    let sb = Sandbox::new();
    let loaded = sb.cli_json("demo");
    assert_eq!(loaded["completed"]["round"]["code"], "DEMO-2024");
    assert_eq!(loaded["completed"]["applications"], 4);
    let round = ["--round", "DEMO-2024"];
    // The register has a history at once: parks designated before the demo's rounds, entered
    // as a secretariat enters its province's earlier designations, with the notice they rest on.
    let register = sb.cli_json("park list");
    let register = register.as_array().unwrap();
    assert_eq!(register.len(), 2, "{register:?}");
    for park in register {
        assert_eq!(park["source"], "entered", "{park}");
        assert_eq!(park["designated_on"], "2023-12-18", "{park}");
        assert!(
            park["documents"]
                .as_str()
                .unwrap()
                .contains("2023年广东省人工智能产业园区名单"),
            "{park}"
        );
    }
    let scores = sb.json(&[&["scores"][..], &round, &["--json"]].concat());
    let rows = scores.as_array().unwrap();
    assert!(!rows.is_empty());
    assert!(
        rows.iter().all(|r| r["submitted_at"].is_string()),
        "{scores}"
    );
    let ranking = sb.json(&[&["rank"][..], &round, &["--json"]].concat());
    let selected: Vec<&Value> = ranking
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["selected"] == Value::Bool(true))
        .collect();
    assert_eq!(selected.len(), 2, "{ranking}");
    // Every sheet of the round signed and verifying against the database.
    let dir = sb.path("sheets-2024");
    let out = sb.run(&[&["sheets"][..], &round, &["--out", &dir]].concat());
    assert!(out.status.success(), "{}", stderr(&out));
    let mut signed = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let verdict = sb.json(&["verify", entry.unwrap().path().to_str().unwrap(), "--json"]);
        assert_eq!(verdict["valid"], Value::Bool(true), "{verdict}");
        assert_eq!(verdict["matches_database"], Value::Bool(true), "{verdict}");
        signed += 1;
    }
    assert_eq!(signed, rows.len());
    // The panel report: the newest revision verifies, with the leader's signature and every
    // member's whose key is here — all but the expert on a laptop of their own.
    let report = sb.path("report.pdf");
    let out = sb.run(
        &[
            &["panel", "report", "save"][..],
            &round,
            &["--out", &report],
        ]
        .concat(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let verdict = sb.json(&["verify", &report, "--json"]);
    assert_eq!(verdict["valid"], Value::Bool(true), "{verdict}");
    assert_eq!(verdict["matches_database"], Value::Bool(true), "{verdict}");
    let panel = sb.json(&[&["expert", "list"][..], &round, &["--json"]].concat());
    assert_eq!(
        verdict["signatures"].as_array().unwrap().len(),
        panel.as_array().unwrap().len() - 1,
        "{verdict}"
    );
    // The publicity: the period and one objection, decided; publication needs the
    // secretariat's key, which the demo does not make.
    let objections = sb.json(&[&["objection", "list"][..], &round, &["--json"]].concat());
    let objections = objections.as_array().unwrap();
    assert_eq!(objections.len(), 1);
    assert_eq!(objections[0]["decision"], "dismissed", "{objections:?}");
    let out = sb.run_with_passphrase(
        &[
            &["publish"][..],
            &round,
            &["--out", &sb.path("list.pdf"), "--json"],
        ]
        .concat(),
        loaded["passphrase"].as_str().unwrap(),
    );
    assert_eq!(out.status.code(), Some(1));
    let err: Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(err["code"], "NO_KEY", "{err}");
    // With the secretariat's key made, the visitor publishes: the two parks enter the register.
    let secret = "秘书处自己的口令 2026";
    let made = sb.run_with_passphrase(&["key", "create", "--secretariat", "--json"], secret);
    assert!(made.status.success(), "{}", stderr(&made));
    let out = sb.run_with_passphrase(
        &[
            &["publish"][..],
            &round,
            &["--out", &sb.path("list.pdf"), "--json"],
        ]
        .concat(),
        secret,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let register = sb.cli_json("park list");
    let register = register.as_array().unwrap();
    assert_eq!(register.len(), 4, "{register:?}");
    let published: Vec<&Value> = register
        .iter()
        .filter(|p| p["source"] == "published")
        .collect();
    assert_eq!(published.len(), 2, "{register:?}");
    assert!(
        published.iter().all(|p| p["round"] == "DEMO-2024"),
        "{register:?}"
    );
    // A park the secretariat enters itself is theirs, not the demo's.
    sb.cli_json(
        "park add --name 阳江高新区人工智能产业园 --city 阳江市 --management-body 阳江高新区管委会 \
         --designated-on 2022-12-20 --documents 粤工信函〔2022〕1号 --reason 启用前认定",
    );
    // Deleting the demo round takes its designations and the earlier parks that came with it;
    // the park the secretariat entered stays; the audit chain still holds.
    sb.cli_json("round delete --round DEMO-2024 --reason 示例试用完毕");
    let left = sb.cli_json("park list");
    let left = left.as_array().unwrap();
    assert_eq!(left.len(), 1, "{left:?}");
    assert_eq!(left[0]["park_name"], "阳江高新区人工智能产业园");
    let verified = sb.cli_json("audit verify");
    assert!(verified["broken"].is_null(), "{verified}");
}

/// A new designation round is ready to use (issue 17): it starts with the default rubric and
/// site checklist; a rubric replaced while a draft is put back with `rubric reset`.
#[test]
fn a_new_round_starts_with_the_default_rubric_and_restores_it() {
    let sb = Sandbox::new();
    sb.cli_json("round create --year 2027 --kind designation");
    let rubric = sb.cli_json("rubric show --round 2027-SB");
    let criteria = |r: &Value| -> usize {
        r["rubric"]["sections"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["criteria"].as_array().unwrap().len())
            .sum()
    };
    assert_eq!(criteria(&rubric), 15);
    assert_eq!(rubric["max_total"], 100.0);
    assert!(rubric["frozen_sha256"].is_null());
    let checklist = sb.cli_json("checklist show --round 2027-SB");
    assert!(!checklist["checklist"]["sections"]
        .as_array()
        .unwrap()
        .is_empty());

    // Replaced by a one-section rubric of the secretariat's, then the default put back.
    let own = sb.path("own.json");
    std::fs::write(
        &own,
        r#"{"format": "park-review/rubric@1", "title": "本省自定细则", "sections": [
            {"code": "S1", "title": "综合", "criteria": [
              {"code": "K1", "title": "综合评价", "max_points": 100, "clauses": ["C3"]}]}]}"#,
    )
    .unwrap();
    sb.json(&["rubric", "import", &own, "--round", "2027-SB", "--json"]);
    assert_eq!(criteria(&sb.cli_json("rubric show --round 2027-SB")), 1);
    let restored = sb.cli_json("rubric reset --round 2027-SB");
    assert_eq!(criteria(&restored), 15);
    assert_eq!(restored["rubric"]["title"], rubric["rubric"]["title"]);
}
