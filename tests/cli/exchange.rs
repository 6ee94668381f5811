//! The offline exchange on the command line: two sandboxes stand for two laptops (the
//! secretariat's and one expert's), and the files travel between them as on a USB stick. The
//! rules (replays, forgeries, reassignments, three databases) are tested in crates/operations.

use serde_json::Value;

use crate::support::*;

const SECRETARIAT_PASSPHRASE: &str = "秘书处的口令 2026";

/// Scores and submits every assignment of `expert` in `sb` with the command line's own words.
fn score_as_expert(sb: &Sandbox, expert: &str) -> Vec<String> {
    let rubric = sb.json(&["rubric", "show", "--round", "DEMO-2026", "--json"]);
    let lines: String = rubric["rubric"]["sections"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["criteria"].as_array().unwrap().clone())
        .map(|c| {
            format!(
                "{} {} 依据材料\n",
                c["code"].as_str().unwrap(),
                c["max_points"].as_f64().unwrap() - 1.0
            )
        })
        .collect();
    let list = sb.json(&[
        "expert",
        "assignments",
        "--round",
        "DEMO-2026",
        "--expert",
        expert,
        "--json",
    ]);
    let mut apps = Vec::new();
    for row in list.as_array().unwrap() {
        let a = row["application"]["code"].as_str().unwrap().to_owned();
        let key = [
            "--round",
            "DEMO-2026",
            "--expert",
            expert,
            "--application",
            &a,
        ];
        sb.json(&[&["declare"][..], &key, &["--json"]].concat());
        let out = sb.run_stdin(&[&["score", "stream"][..], &key].concat(), &lines);
        assert!(out.status.success(), "{}", stderr(&out));
        sb.json(
            &[
                &["score", "submit"][..],
                &key,
                &["--opinion", "同意推荐", "--json"],
            ]
            .concat(),
        );
        apps.push(a);
    }
    apps
}

#[test]
fn a_package_goes_out_and_a_bundle_comes_back_on_the_command_line() {
    let office = Sandbox::new();
    let (expert, _) = opened_demo(&office);
    let out =
        office.run_with_passphrase(&["key", "create", "--secretariat"], SECRETARIAT_PASSPHRASE);
    assert!(out.status.success(), "{}", stderr(&out));
    let shown = office.json(&["key", "show", "--secretariat", "--json"]);
    let secretariat_sha = shown["certificate_sha256"].as_str().unwrap().to_owned();

    // Packages for every assigned expert, one progress line each.
    let dir = office.path("packages");
    let out = office.run_with_passphrase(
        &[
            "package",
            "export",
            "--round",
            "DEMO-2026",
            "--all",
            "--out",
            &dir,
        ],
        SECRETARIAT_PASSPHRASE,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("[1/7]") && text.contains("[7/7]"), "{text}");
    let package = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().contains(&format!("-{expert}-")))
        .expect("a package for the expert");
    assert_eq!(package.extension().unwrap(), "prpkg");

    // The expert's laptop: import (the fingerprint to compare is printed), key, score, sign.
    let laptop = Sandbox::new();
    let out = laptop.run(&["package", "import", package.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let groups = secretariat_sha[..8].to_ascii_uppercase();
    assert!(
        stdout(&out).contains(&format!("{} {}", &groups[..4], &groups[4..])),
        "the secretariat's fingerprint in groups of four: {}",
        stdout(&out)
    );
    let again = laptop.json(&["package", "import", package.to_str().unwrap(), "--json"]);
    assert_eq!(again["already_imported"], Value::Bool(true));
    // The secretariat's actions are refused on the expert's copy.
    assert_eq!(
        error_code(&laptop, &["assign", "--round", "DEMO-2026"]),
        "NOT_PERMITTED"
    );
    assert_eq!(
        error_code(&laptop, &["rank", "--round", "DEMO-2026"]),
        "NOT_PERMITTED"
    );
    laptop.create_key(&expert, PASSPHRASE);
    let apps = score_as_expert(&laptop, &expert);
    let sheets = laptop.path("sheets");
    let out = laptop.run_with_passphrase(
        &[
            "sheets",
            "--round",
            "DEMO-2026",
            "--expert",
            &expert,
            "--out",
            &sheets,
        ],
        PASSPHRASE,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let bundle = laptop.path("scores.prbundle");
    let out = laptop.run_with_passphrase(
        &[
            "bundle",
            "export",
            "--round",
            "DEMO-2026",
            "--out",
            &bundle,
            "--json",
        ],
        PASSPHRASE,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let exported: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(exported["bundle"]["sequence"], 1);
    assert_eq!(exported["bundle"]["items"], apps.len());

    // Back at the office: unregistered first, then registered from the bundle, imported once.
    let before = digest(&office.db());
    assert_eq!(
        error_code(&office, &["bundle", "import", &bundle]),
        "CERT_NOT_REGISTERED"
    );
    assert_eq!(
        digest(&office.db()),
        before,
        "a refused bundle changes nothing"
    );
    let registered = office.json(&[
        "cert",
        "import",
        "--expert",
        &expert,
        "--from-bundle",
        &bundle,
        "--json",
    ]);
    assert_eq!(
        registered["fingerprint"], exported["bundle"]["signer_fingerprint"],
        "the fingerprint the expert reads out is the one registered"
    );
    let report = office.json(&["bundle", "import", &bundle, "--json"]);
    assert_eq!(report["sheets"]["new"], apps.len());
    assert_eq!(report["pledges"]["new"], apps.len());
    assert_eq!(
        report["signed_sheets"].as_u64().unwrap() as usize,
        apps.len()
    );
    let again = office.json(&["bundle", "import", &bundle, "--json"]);
    assert_eq!(again["already_imported"], Value::Bool(true));
    let status = office.json(&["package", "status", "--round", "DEMO-2026", "--json"]);
    let row = status
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["expert"] == expert.as_str())
        .unwrap();
    assert_eq!(
        (
            row["package_sequence"].as_u64(),
            row["bundle_sequence"].as_u64()
        ),
        (Some(1), Some(1))
    );
    assert_eq!(row["submitted"], row["assigned"]);
    // The signed sheets are collected with the others and verify against the office database.
    let collected = office.path("collected");
    let out = office.run(&["sheets", "--round", "DEMO-2026", "--out", &collected]);
    assert!(out.status.success(), "{}", stderr(&out));
    let mut verified = 0;
    for entry in std::fs::read_dir(&collected).unwrap() {
        let path = entry.unwrap().path();
        let verdict = office.json(&["verify", path.to_str().unwrap(), "--json"]);
        assert_eq!(verdict["valid"], Value::Bool(true), "{verdict}");
        verified += 1;
    }
    assert_eq!(verified, apps.len());
    // Registering another certificate for the expert needs a reason.
    let other = laptop.path("other.pem");
    laptop.json(&["cert", "export", "--secretariat", "--out", &other, "--json"]);
    assert_eq!(
        error_code(&office, &["cert", "import", "--expert", &expert, &other]),
        "CERT_NOT_REGISTERED",
        "a certificate whose subject is not the expert is refused"
    );
}
