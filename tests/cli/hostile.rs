//! The hostile corpus (`tests/hostile/`, made by `crates/signing/src/hostile.rs`): every crafted
//! file is verified as a user would (`park-review verify --trust trust.pem F`), its verdict and
//! reason checked, and compared with pdfsig's and pyHanko's on the same file — where either of
//! them refuses a file, we refuse it too. Ours may be stricter (a wrong signer, a missing claim,
//! non-zero padding, an expired certificate they accept as a trust anchor), never laxer.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::support::*;

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/hostile")
}

/// pdfsig refuses a file when a signature is not "Signature is Valid." or the last signature
/// does not cover the whole file.
fn pdfsig_refuses(file: &Path) -> bool {
    let out = tool("pdfsig", &[file.to_str().unwrap()]);
    let validations: Vec<&str> = out
        .lines()
        .filter(|l| l.contains("Signature Validation:"))
        .collect();
    let totals: Vec<&str> = out
        .lines()
        .filter(|l| l.contains("document signed"))
        .collect();
    validations.is_empty()
        || validations
            .iter()
            .any(|l| !l.contains("Signature is Valid."))
        || totals.last().is_none_or(|l| l.contains("Not total"))
}

/// pyHanko refuses a file when it fails, or any signature is not INTACT and TRUSTED.
fn pyhanko_refuses(file: &Path, trust: &Path) -> bool {
    let out = Command::new(pyhanko())
        .args(["sign", "validate", "--trust"])
        .arg(trust)
        .arg("--trust-replace")
        .arg(file)
        .output()
        .unwrap_or_else(|e| panic!("pyHanko is required (make test installs it): {e}"));
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().filter(|l| l.contains(':')).collect();
    !out.status.success()
        || lines.is_empty()
        || lines.iter().any(|l| !l.contains(":INTACT:TRUSTED"))
}

#[test]
fn every_hostile_file_gets_the_right_verdict_and_we_refuse_whatever_pdfsig_or_pyhanko_refuse() {
    let dir = corpus_dir();
    let trust = dir.join("trust.pem");
    let expected: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(dir.join("expected.json")).unwrap()).unwrap();
    assert!(expected.len() >= 15, "the corpus is all there");
    let sb = Sandbox::new();
    let mut table = Vec::new();
    for case in &expected {
        let name = case["file"].as_str().unwrap();
        let file = dir.join(name);
        let out = sb.run(&[
            "verify",
            file.to_str().unwrap(),
            "--trust",
            trust.to_str().unwrap(),
            "--json",
        ]);
        // Never a crash: a verdict (exit 0 or 1) with JSON, whatever the file holds.
        let code = out.status.code();
        assert!(
            matches!(code, Some(0) | Some(1)),
            "{name}: exit {code:?}: {}",
            stderr(&out)
        );
        let verdict: Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{name}: not JSON ({e}): {}", stdout(&out)));
        let valid = verdict["valid"].as_bool().unwrap();
        assert_eq!(valid, case["valid"].as_bool().unwrap(), "{name}: {verdict}");
        assert_eq!(
            valid,
            out.status.success(),
            "{name}: exit status follows the verdict"
        );
        let reason = case["reason"].as_str().unwrap();
        if !valid {
            assert!(
                verdict["problems"].to_string().contains(reason),
                "{name}: “{reason}” not among {}",
                verdict["problems"]
            );
        }
        let (pdfsig, hanko) = (pdfsig_refuses(&file), pyhanko_refuses(&file, &trust));
        assert!(
            !valid || (!pdfsig && !hanko),
            "{name}: we accept what pdfsig (refuses: {pdfsig}) or pyHanko (refuses: {hanko}) refuses"
        );
        table.push(format!(
            "{name}: ours {}, pdfsig {}, pyHanko {}",
            if valid { "valid" } else { "refused" },
            if pdfsig { "refused" } else { "valid" },
            if hanko { "refused" } else { "valid" }
        ));
    }
    // The attacks that matter most are refused by the careful validator too.
    for line in &table {
        if line.starts_with("swa-") || line.starts_with("isa-") || line.starts_with("flipped") {
            assert!(line.ends_with("pyHanko refused"), "{line}");
        }
    }
    println!("{}", table.join("\n"));
}

/// No verdict without a trust source: a named database that does not exist is an error, and
/// with neither a database nor a trust list `verify` says it checked integrity only.
#[test]
fn verify_needs_a_database_or_a_trust_list() {
    let dir = corpus_dir();
    let genuine = dir.join("genuine.pdf");
    let sb = Sandbox::new();
    // The sandbox's database does not exist: named with --db, that is an error.
    assert_eq!(
        error_code(&sb, &["verify", genuine.to_str().unwrap()]),
        "NOT_FOUND"
    );
    // Neither --db nor PARK_REVIEW_DB, and no default database in this HOME: integrity only.
    let out = Command::new(env!("CARGO_BIN_EXE_park-review"))
        .args(["verify", genuine.to_str().unwrap()])
        .env("HOME", sb.dir.path())
        .env_remove("PARK_REVIEW_DB")
        .env_remove("XDG_DATA_HOME")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        stdout(&out).contains("仅校验了完整性，签名人未经核实"),
        "{}",
        stdout(&out)
    );
    assert!(stderr(&out).contains("NO_TRUST_SOURCE"), "{}", stderr(&out));
    // A trust list that is not one.
    let junk = sb.path("junk.pem");
    std::fs::write(&junk, "not a certificate").unwrap();
    assert_eq!(
        error_code(
            &sb,
            &["verify", genuine.to_str().unwrap(), "--trust", &junk]
        ),
        "IMPORT_MALFORMED"
    );
}
