//! The crash-safety harness (issue 15): a child process writes — score drafts with comments,
//! inspection answers, pledges, evidence files — and acknowledges each commit; it is killed with
//! SIGKILL at a random moment (a seeded delay, not after an acknowledgement, so a kill lands
//! before, inside or after a transaction). After every kill: SQLite's integrity check says ok,
//! the audit chain verifies, and every acknowledged write is in the database.
//!
//! `make test` runs 20 kills; `make soak` runs 200 (`PARK_REVIEW_KILLS`). The seed is printed;
//! `PARK_REVIEW_KILL_SEED` replays a run.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;

use crate::support::*;

/// A small seeded generator (SplitMix64): the kill moments of a run can be replayed.
struct Moments(u64);

impl Moments {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Runs a streaming command, feeding it `lines` forever, collecting its acknowledgements, and
/// kills it after `after`; returns the acknowledgements received before the kill.
fn stream_and_kill(
    mut command: Command,
    line: impl Fn(usize) -> String + Send + 'static,
    after: Duration,
) -> Vec<Value> {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        for i in 0..1_000_000usize {
            if stdin.write_all(line(i).as_bytes()).is_err() {
                break;
            }
        }
    });
    let acks = Arc::new(Mutex::new(Vec::new()));
    let reader = {
        let acks = Arc::clone(&acks);
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Ok(ack) = serde_json::from_str::<Value>(&line) {
                    acks.lock().unwrap().push(ack);
                }
            }
        })
    };
    std::thread::sleep(after);
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let _ = writer.join();
    let _ = reader.join();
    let acks = acks.lock().unwrap().clone();
    acks
}

/// Runs a one-shot command and kills it after `after` unless it finished first; whether it
/// finished successfully (its write acknowledged).
fn run_and_kill(mut command: Command, after: Duration) -> bool {
    let mut child = command
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + after;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status.success();
        }
        if std::time::Instant::now() >= deadline {
            child.kill().unwrap();
            child.wait().unwrap();
            return false;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// The line number a stored comment or note carries (`k0003-n0000017`).
fn mark(text: &str) -> Option<String> {
    text.split_whitespace()
        .find(|w| w.starts_with('k') && w.contains("-n"))
        .map(str::to_owned)
}

#[test]
fn every_acknowledged_write_survives_sigkill_at_random_moments() {
    let kills: usize = std::env::var("PARK_REVIEW_KILLS")
        .ok()
        .and_then(|k| k.parse().ok())
        .unwrap_or(20);
    let seed: u64 = std::env::var("PARK_REVIEW_KILL_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
        });
    eprintln!("crash harness: {kills} kills, PARK_REVIEW_KILL_SEED={seed}");
    let mut moments = Moments(seed);

    let sb = Sandbox::new();
    let (expert, application) = opened_demo(&sb);
    sb.json(&[
        "declare",
        "--round",
        "DEMO-2026",
        "--expert",
        &expert,
        "--application",
        &application,
        "--json",
    ]);
    // An inspection to answer and attach to, led by an expert from another city.
    let site = "2026-GZ-01";
    let leader = sb
        .json(&["expert", "list", "--round", "DEMO-2026", "--json"])
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["city"] != "广州市")
        .unwrap()["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let on_site = ["--round", "DEMO-2026", "--application", site];
    let mut team = vec!["inspection", "team", "set", "--leader", &leader, "--json"];
    team.extend_from_slice(&on_site);
    sb.json(&team);
    let mut start = vec!["inspection", "start", "--json"];
    start.extend_from_slice(&on_site);
    sb.json(&start);

    // What was acknowledged: the last mark per criterion and per item; pledges; evidence.
    let mut scored: std::collections::BTreeMap<String, String> = Default::default();
    let mut answered: std::collections::BTreeMap<String, String> = Default::default();
    let mut pledged: Vec<(String, String)> = Vec::new();
    let mut attached: Vec<String> = Vec::new();
    let mut acknowledged = 0usize;
    let mut killed_with_acks = 0usize;

    for kill in 0..kills {
        let after = Duration::from_millis(5 + moments.below(150));
        match kill % 4 {
            0 => {
                let criteria = [
                    "C3.1", "C3.2", "T2.1", "C4.1", "C4.2", "T7.1", "C2.1", "T1.1",
                ];
                let acks = stream_and_kill(
                    sb.command(&[
                        "score",
                        "stream",
                        "--round",
                        "DEMO-2026",
                        "--expert",
                        &expert,
                        "--application",
                        &application,
                    ]),
                    move |i| {
                        format!(
                            "{} {} k{kill:04}-n{i:07}\n",
                            criteria[i % 8],
                            (i % 10) as f64 * 0.5
                        )
                    },
                    after,
                );
                killed_with_acks += usize::from(!acks.is_empty());
                for ack in acks.iter().filter(|a| a["saved_at"].is_string()) {
                    let i = ack["line"].as_u64().unwrap() - 1;
                    scored.insert(
                        ack["criterion"].as_str().unwrap().to_owned(),
                        format!("k{kill:04}-n{i:07}"),
                    );
                    acknowledged += 1;
                }
            }
            1 => {
                let items = [
                    "C1.1", "C1.2", "C2.2", "C3.1", "C3.2", "C5.1", "C5.2", "C6.2",
                ];
                let statuses = ["confirmed", "partly", "not_met", "not_applicable"];
                let acks = stream_and_kill(
                    sb.command(&[
                        "inspection",
                        "stream",
                        "--round",
                        "DEMO-2026",
                        "--application",
                        site,
                    ]),
                    move |i| {
                        format!(
                            "{} {} k{kill:04}-n{i:07}\n",
                            items[i % 8],
                            statuses[(i / 8) % 4]
                        )
                    },
                    after,
                );
                killed_with_acks += usize::from(!acks.is_empty());
                for ack in acks.iter().filter(|a| a["status"].is_string()) {
                    let i = ack["line"].as_u64().unwrap() - 1;
                    answered.insert(
                        ack["item"].as_str().unwrap().to_owned(),
                        format!("k{kill:04}-n{i:07}"),
                    );
                    acknowledged += 1;
                }
            }
            2 => {
                // A pledge on an assignment not yet pledged.
                let scores = sb.json(&["scores", "--round", "DEMO-2026", "--json"]);
                let open = scores.as_array().unwrap().iter().find(|r| {
                    r["stage"] == "assigned"
                        && !pledged.iter().any(|(e, a)| {
                            r["expert"] == e.as_str() && r["application"] == a.as_str()
                        })
                });
                if let Some(row) = open {
                    let (e, a) = (
                        row["expert"].as_str().unwrap(),
                        row["application"].as_str().unwrap(),
                    );
                    if run_and_kill(
                        sb.command(&[
                            "declare",
                            "--round",
                            "DEMO-2026",
                            "--expert",
                            e,
                            "--application",
                            a,
                        ]),
                        after,
                    ) {
                        pledged.push((e.to_owned(), a.to_owned()));
                        acknowledged += 1;
                    }
                }
            }
            _ => {
                // An evidence file, its bytes unique to this kill.
                let file = sb.path(&format!("现场记录-{kill}.pdf"));
                std::fs::write(&file, format!("%PDF-1.4\n% k{kill:04}\n%%EOF\n")).unwrap();
                let mut attach = vec!["inspection", "attach", "--item", "C2.2", file.as_str()];
                attach.extend_from_slice(&on_site);
                if run_and_kill(sb.command(&attach), after) {
                    attached.push(format!("现场记录-{kill}.pdf"));
                    acknowledged += 1;
                }
            }
        }

        // After every kill: the file is intact, the chain holds, nothing acknowledged is lost.
        let integrity = Command::new("sqlite3")
            .arg(sb.db())
            .arg("PRAGMA integrity_check")
            .output()
            .expect("sqlite3 is installed (make test installs it)");
        assert!(
            integrity.status.success(),
            "kill {kill}: {}",
            stderr(&integrity)
        );
        assert_eq!(stdout(&integrity).trim(), "ok", "kill {kill} (seed {seed})");
        let chain = sb.json(&["audit", "verify", "--json"]);
        assert!(
            chain["chain"]["broken"].is_null(),
            "kill {kill} (seed {seed}): {chain}"
        );

        let sheet = sb.json(&[
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
        for (criterion, acked) in &scored {
            let stored = sheet["scores"]
                .as_array()
                .unwrap()
                .iter()
                .find(|s| s["code"] == criterion.as_str())
                .and_then(|s| mark(s["comment"].as_str().unwrap_or("")))
                .unwrap_or_default();
            // The acknowledged edit, or a later one committed before the kill.
            assert!(
                stored >= *acked,
                "kill {kill} (seed {seed}): {criterion} acked {acked}, stored {stored}"
            );
        }
        let mut show = vec!["inspection", "show", "--json"];
        show.extend_from_slice(&on_site);
        let view = sb.json(&show);
        for (item, acked) in &answered {
            let stored = view["items"]
                .as_array()
                .unwrap()
                .iter()
                .find(|i| i["item"]["code"] == item.as_str())
                .and_then(|i| mark(i["answer"]["note"].as_str().unwrap_or("")))
                .unwrap_or_default();
            assert!(
                stored >= *acked,
                "kill {kill} (seed {seed}): {item} acked {acked}, stored {stored}"
            );
        }
        let rows = sb.json(&["scores", "--round", "DEMO-2026", "--json"]);
        for (e, a) in &pledged {
            let row = rows
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["expert"] == e.as_str() && r["application"] == a.as_str())
                .unwrap();
            assert_ne!(
                row["stage"], "assigned",
                "kill {kill} (seed {seed}): pledge {e} {a} lost"
            );
        }
        let evidence = view.to_string();
        for name in &attached {
            assert!(
                evidence.contains(name.as_str()),
                "kill {kill} (seed {seed}): evidence {name} lost"
            );
        }
    }
    eprintln!(
        "crash harness: {kills} kills survived; {acknowledged} acknowledged writes all present; \
         {killed_with_acks} streams killed mid-stream"
    );
    assert!(
        acknowledged > kills / 2,
        "the workloads wrote too little to test anything"
    );
}
