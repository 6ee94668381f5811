//! The bad-input catalogue (`tests/bad-inputs/`): every malformed, truncated, oversized,
//! mistyped, out-of-range, hostile or misplaced input the product has been shown, each with the
//! code it must produce. One test gives each to the command a user would, and checks the code
//! and that a full dump of the database — and the attachments folder — is identical before and
//! after: a refusal changes nothing.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::support::*;

fn catalogue_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/bad-inputs")
}

/// Every row of every table, and every file beside the database.
fn state(sb: &Sandbox) -> (String, Vec<String>) {
    let out = Command::new("sqlite3")
        .arg(sb.db())
        .arg(".dump")
        .output()
        .expect("sqlite3 is installed (make test installs it)");
    assert!(out.status.success(), "{}", stderr(&out));
    let mut files = Vec::new();
    let mut stack = vec![sb.dir.path().join("attachments")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            if entry.path().is_dir() {
                stack.push(entry.path());
            } else {
                files.push(entry.path().display().to_string());
            }
        }
    }
    files.sort();
    (String::from_utf8(out.stdout).unwrap(), files)
}

#[test]
fn every_bad_input_gets_its_code_and_changes_nothing() {
    let catalogue: Value =
        serde_json::from_slice(&std::fs::read(catalogue_dir().join("cases.json")).unwrap())
            .unwrap();
    let cases = catalogue["cases"].as_array().unwrap();
    assert!(cases.len() >= 40, "{} cases", cases.len());

    let sb = Sandbox::new();
    let (expert, application) = opened_demo(&sb);
    let draft = sb.json(&[
        "round",
        "create",
        "--year",
        "2027",
        "--kind",
        "designation",
        "--json",
    ])["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut wrong = Vec::new();
    for case in cases {
        let why = case["why"].as_str().unwrap();
        let expected = case["code"].as_str().unwrap();
        if let Some(kind) = case["database"].as_str() {
            let other = Sandbox::new();
            // A lock held by another program for as long as the case runs.
            let mut holder = None;
            match kind {
                "locked" => {
                    other.json(&["demo", "--json"]);
                    let mut sqlite3 = Command::new("sqlite3")
                        .arg(other.db())
                        .stdin(std::process::Stdio::piped())
                        .stdout(std::process::Stdio::piped())
                        .spawn()
                        .unwrap();
                    let mut input = sqlite3.stdin.take().unwrap();
                    use std::io::{BufRead, Write};
                    writeln!(
                        input,
                        "BEGIN EXCLUSIVE; INSERT INTO settings (key, value) VALUES ('held', 'by sqlite3'); SELECT 'locked';"
                    )
                    .unwrap();
                    let mut line = String::new();
                    std::io::BufReader::new(sqlite3.stdout.take().unwrap())
                        .read_line(&mut line)
                        .unwrap();
                    assert_eq!(line.trim(), "locked");
                    holder = Some((sqlite3, input));
                }
                "directory" => std::fs::create_dir(other.db()).unwrap(),
                "foreign" => {
                    let out = Command::new("sqlite3")
                        .arg(other.db())
                        .arg("CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES ('张三');")
                        .output()
                        .unwrap();
                    assert!(out.status.success());
                }
                _ => std::fs::write(other.db(), "这不是数据库\n").unwrap(),
            }
            let before = if other.db().is_file() {
                digest(&other.db())
            } else {
                Vec::new()
            };
            let args: Vec<&str> = case["args"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a.as_str().unwrap())
                .collect();
            let code = error_code(&other, &args);
            let after = if other.db().is_file() {
                digest(&other.db())
            } else {
                Vec::new()
            };
            if let Some((mut sqlite3, input)) = holder {
                // The holder goes away without committing; what is stored is as it was.
                drop(input);
                let _ = sqlite3.kill();
                let _ = sqlite3.wait();
                assert_eq!(
                    other
                        .json(&["round", "list", "--json"])
                        .as_array()
                        .unwrap()
                        .len(),
                    3,
                    "the demo's three rounds, nothing added"
                );
            }
            if code != expected || before != after {
                wrong.push(format!(
                    "{kind}: {why}: got {code}, want {expected}; unchanged: {}",
                    before == after
                ));
            }
            continue;
        }
        let name = case["file"].as_str().unwrap();
        let mut file = catalogue_dir().join("files").join(name);
        if name.starts_with("scores-") {
            // A paper sheet names a real assignment of this round.
            let text = std::fs::read_to_string(&file)
                .unwrap()
                .replace("{expert}", &expert)
                .replace("{application}", &application);
            file = sb.dir.path().join(name);
            std::fs::write(&file, text).unwrap();
        }
        let file = file.to_str().unwrap().to_owned();
        let args: Vec<String> = case["args"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| {
                a.as_str()
                    .unwrap()
                    .replace("{file}", &file)
                    .replace("{draft}", &draft)
            })
            .collect();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let before = state(&sb);
        let out = sb.run(&args);
        let code = if out.status.success() {
            "（成功）".to_owned()
        } else {
            error_code(&sb, &args)
        };
        let message = stderr(&out);
        if code != expected {
            wrong.push(format!(
                "{name}: {why}: got {code}, want {expected}: {message}"
            ));
        }
        if state(&sb) != before {
            wrong.push(format!("{name}: {why}: the database or its files changed"));
        }
        // Said in Chinese with the code, and nothing hostile reaches the terminal.
        if !out.status.success()
            && (!message.contains(&format!("[{expected}]"))
                || message.contains('\u{1b}')
                || message.contains('\u{202e}'))
        {
            wrong.push(format!("{name}: the message: {message}"));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} cases wrong:\n{}",
        wrong.len(),
        cases.len(),
        wrong.join("\n")
    );
}
