//! The panel (issue 16) through the real binary: an objective criterion scored differently holds
//! up finalising; the 复核 changes it only with one of the four cases and a reason; the leader,
//! a dissent, and the panel report signed by three members in turn — judged by pdfsig, pyHanko
//! and `verify`, which lists who has not signed; bad inputs change nothing.

use serde_json::Value;

use crate::support::*;

const R: &str = "DEMO-2026";

/// The demo round scored and submitted, every site score in, and one expert's C7.1 (objective)
/// on 2026-GZ-01 changed to 3 while the others gave 4; returns (that expert, another expert of
/// the application).
fn scored_with_a_disagreement(sb: &Sandbox) -> (String, String) {
    opened_demo(sb);
    let rows = sb.json(&["scores", "--round", R, "--json"]);
    let on_gz01: Vec<String> = rows
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["application"] == "2026-GZ-01")
        .map(|r| r["expert"].as_str().unwrap().to_owned())
        .collect();
    // One low sheet on 2026-SZ-01: an outlier, resolved before finalising and printed.
    let on_sz01 = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["application"] == "2026-SZ-01")
        .map(|r| r["expert"].as_str().unwrap().to_owned())
        .unwrap();
    score_everything(sb, (&on_sz01, "2026-SZ-01"));
    let e = on_gz01[0].clone();
    let target = ["--round", R, "--expert", &e, "--application", "2026-GZ-01"];
    sb.json(
        &[
            &["score", "reopen"][..],
            &target,
            &["--reason", "专家更正", "--json"],
        ]
        .concat(),
    );
    sb.json(
        &[
            &["score", "set"][..],
            &target,
            &["--criterion", "C7.1", "--points", "3", "--json"],
        ]
        .concat(),
    );
    sb.json(
        &[
            &["score", "submit"][..],
            &target,
            &["--opinion", "同意", "--json"],
        ]
        .concat(),
    );
    for app in [
        "2026-GZ-01",
        "2026-GZ-02",
        "2026-SZ-01",
        "2026-HZ-01",
        "2026-SG-01",
    ] {
        sb.json(&[
            "site-score",
            "set",
            "--round",
            R,
            "--application",
            app,
            "--score",
            "85",
            "--record-ref",
            "考察记录",
            "--json",
        ]);
    }
    (e, on_gz01[1].clone())
}

fn dump(sb: &Sandbox) -> String {
    format!(
        "{}{}",
        sb.json(&["scores", "--round", R, "--json"]),
        sb.json(&["panel", "status", "--round", R, "--json"])
    )
}

#[test]
fn an_objective_disagreement_is_settled_in_the_recheck_and_the_report_is_signed_by_each_member() {
    let sb = Sandbox::new();
    let (e, other) = scored_with_a_disagreement(&sb);

    // Flagged, and finalising is refused while it stands.
    let status = sb.json(&["panel", "status", "--round", R, "--json"]);
    assert_eq!(status["objective_criteria"], serde_json::json!(["C7.1"]));
    let d = &status["disagreements"][0];
    assert_eq!(
        (d["application"].as_str(), d["criterion"].as_str()),
        (Some("2026-GZ-01"), Some("C7.1"))
    );
    assert_eq!(
        error_code(&sb, &["rank", "finalise", "--round", R]),
        "OBJECTIVE_SCORES_DIFFER"
    );

    // Bad 复核 changes: without a case, with a case that is not one of the four, without a
    // reason, the objective case on a criterion that is not objective, or where the experts
    // agree — each refused with its code, nothing changed.
    let before = dump(&sb);
    let recheck = |extra: &[&str]| -> Vec<String> {
        let mut v: Vec<String> = [
            "panel",
            "recheck",
            "--round",
            R,
            "--application",
            "2026-GZ-01",
            "--expert",
            &e,
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        v.extend(extra.iter().map(|s| s.to_string()));
        v
    };
    for (extra, code) in [
        (
            &["--criterion", "C7.1", "--points", "4", "--reason", "x"][..],
            "RECHECK_CASE_REQUIRED",
        ),
        (
            &[
                "--criterion",
                "C7.1",
                "--points",
                "4",
                "--case",
                "专家觉得",
                "--reason",
                "x",
            ][..],
            "RECHECK_CASE_REQUIRED",
        ),
        (
            &[
                "--criterion",
                "C7.1",
                "--points",
                "4",
                "--case",
                "objective_differs",
            ][..],
            "RECHECK_CASE_REQUIRED",
        ),
        (
            &[
                "--criterion",
                "C3.1",
                "--points",
                "4",
                "--case",
                "objective_differs",
                "--reason",
                "x",
            ][..],
            "RECHECK_CASE_REQUIRED",
        ),
        (
            &[
                "--criterion",
                "C7.1",
                "--points",
                "4.25",
                "--case",
                "objective_differs",
                "--reason",
                "x",
            ][..],
            "POINTS_OFF_STEP",
        ),
        (
            &[
                "--criterion",
                "C7.1",
                "--points",
                "9",
                "--case",
                "objective_differs",
                "--reason",
                "x",
            ][..],
            "OUT_OF_RANGE",
        ),
    ] {
        let args = recheck(extra);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        assert_eq!(error_code(&sb, &args), code, "{extra:?}");
    }
    // Where the experts agree (another expert of the same application, on C3.1's neighbour
    // criterion C7.1 of an application without a disagreement is the same case).
    let args = [
        "panel",
        "recheck",
        "--round",
        R,
        "--application",
        "2026-GZ-01",
        "--expert",
        &other,
        "--criterion",
        "C7.1",
        "--points",
        "3",
        "--case",
        "abnormal",
    ];
    assert_eq!(
        error_code(&sb, &args),
        "RECHECK_CASE_REQUIRED",
        "a reason is required"
    );
    assert_eq!(dump(&sb), before, "a refused 复核 changes nothing");

    // The change itself: the score, the ranking's total, the record, the audit.
    let change = sb.json(
        &recheck(&[
            "--criterion",
            "C7.1",
            "--points",
            "4",
            "--case",
            "objective_differs",
            "--reason",
            "经复核，项目环评批复齐全，应得 4 分",
            "--json",
        ])
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>(),
    );
    assert_eq!(
        (change["old_points"].as_f64(), change["new_points"].as_f64()),
        (Some(3.0), Some(4.0))
    );
    let status = sb.json(&["panel", "status", "--round", R, "--json"]);
    assert_eq!(status["disagreements"], serde_json::json!([]));
    assert_eq!(status["rechecks"].as_array().unwrap().len(), 1);
    let row = sb
        .json(&["scores", "--round", R, "--json"])
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["expert"] == e.as_str() && r["application"] == "2026-GZ-01")
        .unwrap()
        .clone();
    assert_eq!(row["scores"]["C7.1"], 4.0);
    assert!(row["submitted_at"].is_string(), "the sheet stays submitted");

    // Leader, dissent and signature: panel members only. E901 is in the registry, not on the panel.
    sb.json(&[
        "expert",
        "add",
        "--round",
        R,
        "--code",
        "E901",
        "--name",
        "外部专家",
        "--employer",
        "某大学",
        "--json",
    ]);
    sb.json(&[
        "expert",
        "remove",
        "--round",
        R,
        "--expert",
        "E901",
        "--reason",
        "不参加本批次",
        "--json",
    ]);
    for args in [
        &["panel", "leader", "set", "--round", R, "--expert", "E901"][..],
        &[
            "panel",
            "dissent",
            "--round",
            R,
            "--expert",
            "E901",
            "--text",
            "不同意",
        ][..],
        &["panel", "report", "sign", "--round", R, "--expert", "E901"][..],
    ] {
        assert_eq!(error_code(&sb, args), "NOT_PANEL_MEMBER", "{args:?}");
    }
    // The report waits for the finalised ranking and for the leader.
    let report = sb.path("评审报告.pdf");
    assert_eq!(
        error_code(&sb, &["panel", "report", "--round", R, "--out", &report]),
        "INVALID_TRANSITION"
    );
    sb.json(&["rank", "settings", "--round", R, "--count", "3", "--json"]);
    for r in sb
        .json(&["rank", "--round", R, "--json"])
        .as_array()
        .unwrap()
    {
        for x in r["experts"].as_array().unwrap() {
            if x["outlier"].is_object() {
                sb.json(&[
                    "outlier",
                    "resolve",
                    "--round",
                    R,
                    "--application",
                    r["code"].as_str().unwrap(),
                    "--expert",
                    x["expert"].as_str().unwrap(),
                    "--resolution",
                    "confirmed",
                    "--note",
                    "已与专家确认",
                    "--json",
                ]);
            }
        }
    }
    sb.json(&["rank", "finalise", "--round", R, "--json"]);
    assert_eq!(
        error_code(
            &sb,
            &recheck(&[
                "--criterion",
                "C7.1",
                "--points",
                "5",
                "--case",
                "abnormal",
                "--reason",
                "x"
            ])
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
        ),
        "RANKING_FINALISED"
    );
    assert_eq!(
        error_code(&sb, &["panel", "report", "--round", R, "--out", &report]),
        "INVALID_TRANSITION"
    );
    let members: Vec<String> = sb.json(&["panel", "status", "--round", R, "--json"])["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["code"].as_str().unwrap().to_owned())
        .collect();
    let (leader, second, dissenter) = (&members[0], &members[1], &members[2]);
    sb.json(&[
        "panel", "leader", "set", "--round", R, "--expert", leader, "--json",
    ]);
    for code in [leader, second, dissenter] {
        sb.create_key(code, PASSPHRASE);
    }
    let dissent = "2026-SG-01 的实地考察得分偏高，不宜入选。";
    sb.json(&[
        "panel", "dissent", "--round", R, "--expert", dissenter, "--text", dissent, "--json",
    ]);
    let out = sb.run_with_passphrase(
        &["panel", "report", "--round", R, "--out", &report, "--json"],
        PASSPHRASE,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let text = tool("pdftotext", &[&report, "-"]).replace(char::is_whitespace, "");
    for words in [
        "评审报告",
        "经复核，项目环评批复齐全，应得4分",
        "专家对客观评分项评分不一致",
        dissent.trim_end_matches('。'),
        "已与专家确认",
    ] {
        assert!(
            text.contains(&words.replace(' ', "")),
            "{words} not on the report: {text}"
        );
    }

    // A non-member cannot sign; the leader does not sign twice; a new dissent at signing is
    // recorded and asks for the report to be issued again.
    assert_eq!(
        error_code(
            &sb,
            &["panel", "report", "sign", "--round", R, "--expert", "E901"]
        ),
        "NOT_PANEL_MEMBER"
    );
    assert_eq!(
        error_code(
            &sb,
            &["panel", "report", "sign", "--round", R, "--expert", leader]
        ),
        "INVALID_TRANSITION"
    );
    for code in [second, dissenter] {
        let mut args = vec![
            "panel", "report", "sign", "--round", R, "--expert", code, "--in", &report, "--json",
        ];
        if code == dissenter {
            args.extend(["--dissent", dissent]);
        }
        let out = sb.run_with_passphrase(&args, PASSPHRASE);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let status = sb.json(&["panel", "status", "--round", R, "--json"]);
    assert_eq!(status["signatures"].as_array().unwrap().len(), 3);
    assert_eq!(
        status["unsigned"].as_array().unwrap().len(),
        members.len() - 3
    );

    // Tools nobody here wrote: three signatures, each valid, the last covering the whole file.
    let pdfsig = tool("pdfsig", &[&report]);
    assert_eq!(pdfsig.matches("Signature is Valid.").count(), 3, "{pdfsig}");
    assert!(pdfsig.contains("Total document signed"), "{pdfsig}");
    let mut hanko_args = vec![
        "sign".to_owned(),
        "validate".into(),
        "--pretty-print".into(),
    ];
    for code in [leader, second, dissenter] {
        let cert = sb.path(&format!("{code}.pem"));
        sb.json(&["cert", "export", "--expert", code, "--out", &cert, "--json"]);
        hanko_args.extend(["--trust".into(), cert]);
    }
    hanko_args.extend(["--trust-replace".into(), report.clone()]);
    let hanko = tool(
        &pyhanko(),
        &hanko_args.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    assert_eq!(
        hanko.matches("The signature is judged VALID").count(),
        3,
        "{hanko}"
    );
    assert!(!hanko.contains("INVALID"), "{hanko}");
    let verdict = sb.json(&["verify", &report, "--json"]);
    assert_eq!(verdict["valid"], Value::Bool(true), "{verdict}");
    assert_eq!(verdict["matches_database"], Value::Bool(true), "{verdict}");
    let signers: Vec<&str> = verdict["signatures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["claimed_signer"].as_str().unwrap())
        .collect();
    assert_eq!(signers.len(), 3);
    assert!(
        signers[0].starts_with(leader.as_str()) && signers[2].starts_with(dissenter.as_str()),
        "{signers:?}"
    );
    assert_eq!(
        verdict["unsigned"].as_array().unwrap().len(),
        members.len() - 3,
        "{verdict}"
    );

    // Anything but a signature after a signature: refused.
    let mut appended = std::fs::read(&report).unwrap();
    appended.extend_from_slice(b"\n% appended after the last signature\n");
    let forged = sb.path("appended.pdf");
    std::fs::write(&forged, &appended).unwrap();
    assert_eq!(error_code(&sb, &["verify", &forged]), "SIGNATURE_INVALID");
}

/// Every outlier of the round resolved, the disagreement settled, the ranking finalised, the
/// first member recorded as leader with a key; returns the panel's codes.
fn finalised_with_leader(sb: &Sandbox) -> Vec<String> {
    let (e, _) = scored_with_a_disagreement(sb);
    sb.json(&[
        "panel",
        "recheck",
        "--round",
        R,
        "--application",
        "2026-GZ-01",
        "--expert",
        &e,
        "--criterion",
        "C7.1",
        "--points",
        "4",
        "--case",
        "objective_differs",
        "--reason",
        "经复核应得 4 分",
        "--json",
    ]);
    for r in sb
        .json(&["rank", "--round", R, "--json"])
        .as_array()
        .unwrap()
    {
        for x in r["experts"].as_array().unwrap() {
            if x["outlier"].is_object() {
                sb.json(&[
                    "outlier",
                    "resolve",
                    "--round",
                    R,
                    "--application",
                    r["code"].as_str().unwrap(),
                    "--expert",
                    x["expert"].as_str().unwrap(),
                    "--resolution",
                    "confirmed",
                    "--note",
                    "已与专家确认",
                    "--json",
                ]);
            }
        }
    }
    sb.json(&["rank", "finalise", "--round", R, "--json"]);
    let members: Vec<String> = sb.json(&["panel", "status", "--round", R, "--json"])["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["code"].as_str().unwrap().to_owned())
        .collect();
    sb.json(&[
        "panel",
        "leader",
        "set",
        "--round",
        R,
        "--expert",
        &members[0],
        "--json",
    ]);
    sb.create_key(&members[0], PASSPHRASE);
    members
}

/// A member signs on their own laptop (their review copy) and the secretariat imports it: the
/// file must be the newest revision plus that member's signature, made with the certificate
/// registered for them; a replay, a stale revision and an unregistered key are refused with
/// nothing changed.
#[test]
fn a_member_signs_the_report_on_their_own_laptop_and_the_secretariat_takes_it_in() {
    let office = Sandbox::new();
    let members = finalised_with_leader(&office);
    let member = &members[1];
    let out = office.run_with_passphrase(&["key", "create", "--secretariat"], PASSPHRASE);
    assert!(out.status.success(), "{}", stderr(&out));
    let package = office.path("member.prpkg");
    let out = office.run_with_passphrase(
        &[
            "package", "export", "--round", R, "--expert", member, "--out", &package,
        ],
        PASSPHRASE,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let report = office.path("评审报告.pdf");
    let out = office.run_with_passphrase(
        &["panel", "report", "--round", R, "--out", &report],
        PASSPHRASE,
    );
    assert!(out.status.success(), "{}", stderr(&out));

    // The member's laptop: their copy, their key; the report comes by USB stick.
    let laptop = Sandbox::new();
    laptop.json(&["package", "import", &package, "--json"]);
    laptop.create_key(member, PASSPHRASE);
    let carried = laptop.path("评审报告.pdf");
    std::fs::copy(&report, &carried).unwrap();
    assert_eq!(
        error_code(
            &laptop,
            &["panel", "report", "sign", "--round", R, "--expert", member]
        ),
        "CLI_USAGE",
        "on the member's laptop the file to sign is given"
    );
    let out = laptop.run_with_passphrase(
        &[
            "panel", "report", "sign", "--round", R, "--expert", member, "--in", &carried, "--json",
        ],
        PASSPHRASE,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        tool("pdfsig", &[&carried])
            .matches("Signature is Valid.")
            .count(),
        2
    );

    // Back at the office: refused until the member's certificate is registered, then taken in
    // once; a replay changes nothing.
    let before = dump(&office);
    assert_eq!(
        error_code(&office, &["panel", "report", "import", &carried]),
        "CERT_NOT_REGISTERED"
    );
    assert_eq!(dump(&office), before);
    let cert = laptop.path("member.pem");
    laptop.json(&[
        "cert", "export", "--expert", member, "--out", &cert, "--json",
    ]);
    office.json(&["cert", "import", "--expert", member, &cert, "--json"]);
    let imported = office.json(&["panel", "report", "import", &carried, "--json"]);
    assert_eq!(
        imported["status"]["signatures"].as_array().unwrap().len(),
        2
    );
    assert_eq!(
        error_code(&office, &["panel", "report", "import", &carried]),
        "INVALID_TRANSITION"
    );
    let verdict = office.json(&["verify", &carried, "--json"]);
    assert_eq!(verdict["valid"], Value::Bool(true), "{verdict}");
    assert_eq!(verdict["matches_database"], Value::Bool(true), "{verdict}");
    assert_eq!(
        verdict["unsigned"].as_array().unwrap().len(),
        members.len() - 2
    );

    // A third member signs in turn at the office; the member's older file is now stale.
    office.create_key(&members[2], PASSPHRASE);
    let out = office.run_with_passphrase(
        &[
            "panel",
            "report",
            "sign",
            "--round",
            R,
            "--expert",
            &members[2],
            "--json",
        ],
        PASSPHRASE,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    // The leader-only revision signed again on the laptop is stale at the office now: refused
    // with nothing changed.
    let stale = laptop.path("stale.pdf");
    std::fs::copy(&report, &stale).unwrap();
    let out = laptop.run_with_passphrase(
        &[
            "panel", "report", "sign", "--round", R, "--expert", member, "--in", &stale,
        ],
        PASSPHRASE,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let before = dump(&office);
    assert_eq!(
        error_code(&office, &["panel", "report", "import", &stale]),
        "SIGNATURE_INVALID"
    );
    assert_eq!(dump(&office), before);
}
