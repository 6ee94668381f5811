//! What every CLI test uses: a sandbox with its own database and HOME, ways to run the real
//! binary (argument list or one command line), and the fixtures that several areas share.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;
use sha2::{Digest, Sha256};

pub struct Sandbox {
    pub dir: tempfile::TempDir,
}

impl Sandbox {
    pub fn new() -> Sandbox {
        Sandbox {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn db(&self) -> PathBuf {
        self.dir.path().join("review.sqlite3")
    }

    /// `park-review --db <sandbox db> ARGS`, with HOME pointed into the sandbox so that no test
    /// can touch a real user's database: every way a test starts the binary starts from this.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_park-review"));
        command
            .arg("--db")
            .arg(self.db())
            .args(args)
            .env("HOME", self.dir.path())
            .env_remove("PARK_REVIEW_DB");
        command
    }

    /// Runs [`Sandbox::command`] to the end.
    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().unwrap()
    }

    /// Starts a command that talks over stdin and stdout line by line (`score stream`,
    /// `inspection stream`); its stderr is dropped.
    pub fn spawn_stream(&self, args: &[&str]) -> std::process::Child {
        self.command(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap()
    }

    /// Runs one command line as a user types it, e.g. `sb.cli("round open --round 2026-SB")`:
    /// words are split on white space, and a "double-quoted phrase" stays one word.
    pub fn cli(&self, line: &str) -> Output {
        let words = split_words(line);
        self.run(&words.iter().map(String::as_str).collect::<Vec<_>>())
    }

    /// [`Sandbox::cli`] with `--json` added; the command must succeed, and its JSON is returned.
    pub fn cli_json(&self, line: &str) -> Value {
        let mut words = split_words(line);
        words.push("--json".into());
        self.json(&words.iter().map(String::as_str).collect::<Vec<_>>())
    }

    pub fn json(&self, args: &[&str]) -> Value {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "{args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn digest(path: &Path) -> Vec<u8> {
    Sha256::digest(std::fs::read(path).unwrap()).to_vec()
}

/// The code of a failed command's JSON error.
pub fn error_code(sb: &Sandbox, args: &[&str]) -> String {
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
pub fn opened_demo(sb: &Sandbox) -> (String, String) {
    sb.json(&["demo", "--json"]);
    sb.json(&["assign", "--round", "DEMO-2026", "--seed", "1", "--json"]);
    sb.json(&["round", "open", "--round", "DEMO-2026", "--json"]);
    let scores = sb.json(&["scores", "--round", "DEMO-2026", "--json"]);
    (
        scores[0]["expert"].as_str().unwrap().to_owned(),
        scores[0]["application"].as_str().unwrap().to_owned(),
    )
}

pub const PASSPHRASE: &str = "专家的口令 2026";

impl Sandbox {
    /// Runs with the passphrase in the environment, as a script would.
    pub fn run_with_passphrase(&self, args: &[&str], passphrase: &str) -> Output {
        self.command(args)
            .env("PARK_REVIEW_PASSPHRASE", passphrase)
            .output()
            .unwrap()
    }

    /// Creates an expert's signing key with `passphrase`; the command must succeed.
    pub fn create_key(&self, expert: &str, passphrase: &str) {
        let out = self.run_with_passphrase(&["key", "create", "--expert", expert], passphrase);
        assert!(out.status.success(), "key create: {}", stderr(&out));
    }

    pub fn path(&self, name: &str) -> String {
        self.dir.path().join(name).to_str().unwrap().to_owned()
    }
}

/// The demo round with one submitted assignment, scored with comments; returns (expert, application).
pub fn submitted_sheet(sb: &Sandbox) -> (String, String) {
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

pub fn pyhanko() -> String {
    std::env::var("PYHANKO").unwrap_or_else(|_| {
        format!(
            "{}/.cache/park-review-venv/bin/pyhanko",
            std::env::var("HOME").unwrap()
        )
    })
}

pub fn tool(program: &str, args: &[&str]) -> String {
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

impl Sandbox {
    /// Runs with `input` on stdin.
    pub fn run_stdin(&self, args: &[&str], input: &str) -> Output {
        use std::io::Write;
        let mut child = self
            .command(args)
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
/// submitted, except that `low` gets 3 points a criterion — but the same as everyone on the
/// objective criteria (客观分), which the experts agree on (a total of 46).
pub fn score_everything(sb: &Sandbox, low: (&str, &str)) {
    let rubric = sb.json(&["rubric", "show", "--round", "DEMO-2026", "--json"]);
    let criteria: Vec<(String, f64, bool)> = rubric["rubric"]["sections"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["criteria"].as_array().unwrap().clone())
        .map(|c| {
            (
                c["code"].as_str().unwrap().to_owned(),
                c["max_points"].as_f64().unwrap(),
                c["objective"].as_bool().unwrap_or(false),
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
            .map(|(c, m, objective)| {
                format!(
                    "{c} {}\n",
                    if (e, a) == low && !objective {
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

/// A command line's words: split on white space, with "double-quoted phrases" kept whole.
pub fn split_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    let mut started = false;
    for c in line.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                started = true;
            }
            c if c.is_whitespace() && !quoted => {
                if started {
                    words.push(std::mem::take(&mut word));
                    started = false;
                }
            }
            c => {
                word.push(c);
                started = true;
            }
        }
    }
    if started {
        words.push(word);
    }
    words
}

#[test]
fn a_command_line_splits_like_a_shell_for_plain_and_quoted_words() {
    assert_eq!(
        split_words(r#"score reopen --round 2026-SB --reason "评分 有误" --json"#),
        [
            "score",
            "reopen",
            "--round",
            "2026-SB",
            "--reason",
            "评分 有误",
            "--json"
        ]
    );
    assert_eq!(split_words("  "), Vec::<String>::new());
    assert_eq!(split_words(r#"--note """#), ["--note", ""]);
}
