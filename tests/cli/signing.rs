//! Keys and signed sheets, judged by pdfsig and pyHanko as well as `verify`.

use std::process::Command;

use serde_json::Value;

use crate::support::*;

#[test]
fn a_signed_sheet_is_judged_valid_by_pdfsig_pyhanko_and_verify_and_any_change_is_caught() {
    let sb = Sandbox::new();
    let (e, a) = submitted_sheet(&sb);
    let out = sb.run_with_passphrase(&["key", "create", "--expert", &e, "--json"], PASSPHRASE);
    assert!(out.status.success(), "{}", stderr(&out));
    let pdf = sb.path("sheet.pdf");
    let out = sb.run_with_passphrase(
        &[
            "sheet",
            "--round",
            "DEMO-2026",
            "--expert",
            &e,
            "--application",
            &a,
            "--out",
            &pdf,
            "--json",
        ],
        PASSPHRASE,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let size = std::fs::metadata(&pdf).unwrap().len();
    assert!(size < 100_000, "a sheet is small: {size} bytes");

    // Tools nobody here wrote.
    let pdfsig = tool("pdfsig", &[&pdf]);
    assert!(
        pdfsig.contains("Signature is Valid.") && pdfsig.contains("Total document signed"),
        "{pdfsig}"
    );
    assert!(pdfsig.contains("ETSI.CAdES.detached"), "{pdfsig}");
    let cert = sb.path("expert.pem");
    sb.json(&["cert", "export", "--expert", &e, "--out", &cert, "--json"]);
    let hanko = tool(
        &pyhanko(),
        &[
            "sign",
            "validate",
            "--pretty-print",
            "--trust",
            &cert,
            "--trust-replace",
            &pdf,
        ],
    );
    assert!(hanko.contains("The signature is judged VALID"), "{hanko}");
    assert!(
        hanko.contains("The signature covers the entire file"),
        "{hanko}"
    );
    let fonts = tool("pdffonts", &[&pdf]);
    let font_line = fonts
        .lines()
        .find(|l| l.contains("NotoSansCJK"))
        .unwrap_or_else(|| panic!("{fonts}"));
    assert!(
        font_line.contains("yes yes yes"),
        "embedded, subset, unicode: {font_line}"
    );
    let text = tool("pdftotext", &["-layout", &pdf, "-"]);
    let app = sb.json(&[
        "application",
        "show",
        "--round",
        "DEMO-2026",
        "--application",
        &a,
        "--json",
    ]);
    for expected in [
        app["park_name"].as_str().unwrap(),
        "广东省人工智能产业园区评审专家评分表",
        "骨干企业规模",
        "C3.1：材料齐全，核实无误。",
        "8.5",
        "产业基础扎实，建议推荐。",
        "无利益冲突承诺",
    ] {
        assert!(
            text.contains(expected),
            "{expected} not in the text layer:\n{text}"
        );
    }
    // The rendered page is not blank.
    let pgm = Command::new("pdftoppm")
        .args(["-gray", "-r", "40", "-f", "1", "-l", "1", &pdf])
        .output()
        .unwrap()
        .stdout;
    let pixels = &pgm[pgm.len() - 331 * 468..]; // A4 at 40 dpi, 8-bit grey
    let dark = pixels.iter().filter(|b| **b < 160).count();
    assert!(
        dark > 2_000,
        "the page has ink: {dark} dark pixels of {}",
        pixels.len()
    );

    let verdict = sb.json(&["verify", &pdf, "--json"]);
    assert_eq!(verdict["valid"], true, "{verdict}");
    assert_eq!(verdict["matches_database"], true, "{verdict}");
    assert_eq!(verdict["signatures"][0]["covers_whole_file"], true);
    assert!(verdict["signatures"][0]["registered_owner"]
        .as_str()
        .unwrap()
        .starts_with(&e));

    // One flipped byte in the signed range: everyone rejects.
    let original = std::fs::read(&pdf).unwrap();
    let flipped = sb.path("flipped.pdf");
    let mut bytes = original.clone();
    bytes[original.len() / 3] ^= 0x20;
    std::fs::write(&flipped, &bytes).unwrap();
    assert_eq!(error_code(&sb, &["verify", &flipped]), "SIGNATURE_INVALID");
    assert!(!tool("pdfsig", &[&flipped]).contains("Signature is Valid."));
    assert!(!tool(
        &pyhanko(),
        &[
            "sign",
            "validate",
            "--pretty-print",
            "--trust",
            &cert,
            "--trust-replace",
            &flipped
        ]
    )
    .contains("judged VALID"));

    // Content appended after signing (here an incremental update's worth of bytes).
    let appended = sb.path("appended.pdf");
    let mut bytes = original.clone();
    bytes.extend_from_slice(b"\n1 0 obj\n<< /Type /Catalog >>\nendobj\n");
    std::fs::write(&appended, &bytes).unwrap();
    let out = sb.run(&["verify", &appended, "--json"]);
    assert!(!out.status.success());
    assert!(
        stdout(&out).contains("签名之后文件又被追加了"),
        "{}",
        stdout(&out)
    );
    assert!(tool("pdfsig", &[&appended]).contains("Not total document signed"));

    // The database changes after the sheet was signed: verify says the sheet no longer matches.
    sb.json(&[
        "score",
        "reopen",
        "--round",
        "DEMO-2026",
        "--expert",
        &e,
        "--application",
        &a,
        "--reason",
        "复核更正",
        "--json",
    ]);
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
        "2",
        "--json",
    ]);
    let out = sb.run(&["verify", &pdf, "--json"]);
    assert!(!out.status.success());
    let verdict: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(verdict["matches_database"], false);
    assert!(
        verdict["differences"].to_string().contains("C3.1"),
        "{verdict}"
    );
}

#[test]
fn a_wrong_passphrase_is_refused_and_nothing_changes() {
    let sb = Sandbox::new();
    let (e, a) = submitted_sheet(&sb);
    sb.create_key(&e, PASSPHRASE);
    let key_before = sb.json(&["key", "show", "--expert", &e, "--json"]);
    let pdf = sb.path("sheet.pdf");
    let out = sb.run_with_passphrase(
        &[
            "sheet",
            "--round",
            "DEMO-2026",
            "--expert",
            &e,
            "--application",
            &a,
            "--out",
            &pdf,
            "--json",
        ],
        "不是这个口令",
    );
    assert!(!out.status.success());
    let error: Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(error["code"], "WRONG_PASSPHRASE");
    assert!(!std::path::Path::new(&pdf).exists());
    assert_eq!(
        sb.json(&["key", "show", "--expert", &e, "--json"]),
        key_before
    );
    // The right one still works; a second key for the same expert is refused.
    assert!(sb
        .run_with_passphrase(
            &[
                "sheet",
                "--round",
                "DEMO-2026",
                "--expert",
                &e,
                "--application",
                &a,
                "--out",
                &pdf
            ],
            PASSPHRASE
        )
        .status
        .success());
    let out = sb.run_with_passphrase(&["key", "create", "--expert", &e, "--json"], PASSPHRASE);
    assert_eq!(
        serde_json::from_slice::<Value>(&out.stderr).unwrap()["code"],
        "KEY_EXISTS"
    );
    // The passphrase can be changed: the old one no longer opens the key, the new one does.
    let new_file = sb.path("new-passphrase.txt");
    std::fs::write(&new_file, "换过的口令 2027\n").unwrap();
    let out = sb.run_with_passphrase(
        &[
            "key",
            "passphrase",
            "--expert",
            &e,
            "--new-passphrase-file",
            &new_file,
            "--json",
        ],
        "不是这个口令",
    );
    assert_eq!(
        serde_json::from_slice::<Value>(&out.stderr).unwrap()["code"],
        "WRONG_PASSPHRASE"
    );
    assert!(sb
        .run_with_passphrase(
            &[
                "key",
                "passphrase",
                "--expert",
                &e,
                "--new-passphrase-file",
                &new_file
            ],
            PASSPHRASE
        )
        .status
        .success());
    let second = sb.path("sheet-2.pdf");
    let sheet_args = [
        "sheet",
        "--round",
        "DEMO-2026",
        "--expert",
        &e,
        "--application",
        &a,
        "--out",
        &second,
        "--json",
    ];
    let out = sb.run_with_passphrase(&sheet_args, PASSPHRASE);
    assert_eq!(
        serde_json::from_slice::<Value>(&out.stderr).unwrap()["code"],
        "WRONG_PASSPHRASE"
    );
    let out = sb.run_with_passphrase(&sheet_args, "换过的口令 2027");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        sb.json(&["key", "show", "--expert", &e, "--json"])["certificate_sha256"],
        key_before["certificate_sha256"]
    );
    // A weak passphrase is refused, with the reason, before anything is made.
    for weak in ["short", "        ", "12345678", "Password2026"] {
        let out = sb.run_with_passphrase(&["key", "create", "--secretariat", "--json"], weak);
        assert!(!out.status.success(), "{weak}");
        let error: Value = serde_json::from_slice(&out.stderr).unwrap();
        assert_eq!(error["code"], "WEAK_PASSPHRASE", "{weak}: {error}");
    }
    assert_eq!(error_code(&sb, &["key", "show", "--secretariat"]), "NO_KEY");
}

/// The secretariat revokes a lost key: what it signed before still verifies, what is signed
/// after the effective time does not, and the expert signs again only with a new key; `key
/// replace` does both steps at once.
#[test]
fn a_revoked_key_keeps_what_it_signed_before() {
    let sb = Sandbox::new();
    let (e, a) = submitted_sheet(&sb);
    sb.create_key(&e, PASSPHRASE);
    let sheet = |name: &str| {
        let pdf = sb.path(name);
        let out = sb.run_with_passphrase(
            &[
                "sheet",
                "--round",
                "DEMO-2026",
                "--expert",
                &e,
                "--application",
                &a,
                "--out",
                &pdf,
            ],
            PASSPHRASE,
        );
        (pdf, out)
    };
    let (before, out) = sheet("before.pdf");
    assert!(out.status.success(), "{}", stderr(&out));
    // Signed at second resolution: the revocation must come at least a second later.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    assert_eq!(
        error_code(&sb, &["key", "revoke", "--expert", &e, "--reason", " "]),
        "OUT_OF_RANGE"
    );
    let revoked = sb.json(&[
        "key",
        "revoke",
        "--expert",
        &e,
        "--reason",
        "笔记本电脑遗失",
        "--json",
    ]);
    assert!(revoked["revoked_at"].is_string(), "{revoked}");
    assert_eq!(sb.json(&["verify", &before, "--json"])["valid"], true);
    // No active key: signing again needs a new one.
    let (_, out) = sheet("after.pdf");
    assert!(!out.status.success());
    assert!(stderr(&out).contains("NO_KEY"), "{}", stderr(&out));
    let keys = sb.json(&["key", "list", "--expert", &e, "--json"]);
    assert_eq!(keys[0]["revoked_reason"], "笔记本电脑遗失");
    // A new key, then `key replace`: the second key is revoked and a third made in one step.
    sb.create_key(&e, "新钥匙的口令 2027");
    let out = sb.run_with_passphrase(
        &[
            "key",
            "replace",
            "--expert",
            &e,
            "--reason",
            "口令泄露",
            "--json",
        ],
        "第三把钥匙 2028",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let keys = sb.json(&["key", "list", "--expert", &e, "--json"]);
    assert_eq!(keys.as_array().unwrap().len(), 3);
    assert!(keys[0]["revoked_at"].is_null() && keys[1]["revoked_reason"] == "口令泄露");
    // A sheet signed with the third key, which is then revoked from a moment before it was
    // signed (the laptop went missing earlier than anyone noticed): no longer valid.
    let pdf = sb.path("third.pdf");
    let out = sb.run_with_passphrase(
        &[
            "sheet",
            "--round",
            "DEMO-2026",
            "--expert",
            &e,
            "--application",
            &a,
            "--out",
            &pdf,
        ],
        "第三把钥匙 2028",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(sb.json(&["verify", &pdf, "--json"])["valid"], true);
    let since = keys[0]["created_at"].as_str().unwrap().to_owned();
    sb.json(&[
        "key", "revoke", "--expert", &e, "--reason", "遗失", "--from", &since, "--json",
    ]);
    let out = sb.run(&["verify", &pdf, "--json"]);
    assert!(!out.status.success());
    assert!(stdout(&out).contains("吊销"), "{}", stdout(&out));
    // The first sheet, signed before any revocation, still holds.
    assert_eq!(sb.json(&["verify", &before, "--json"])["valid"], true);
}

#[test]
fn only_submitted_scores_are_signed() {
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
    sb.create_key(&e, PASSPHRASE);
    let out = sb.run_with_passphrase(
        &[
            "sheet",
            "--round",
            "DEMO-2026",
            "--expert",
            &e,
            "--application",
            &a,
            "--out",
            &sb.path("s.pdf"),
            "--json",
        ],
        PASSPHRASE,
    );
    assert_eq!(
        serde_json::from_slice::<Value>(&out.stderr).unwrap()["code"],
        "NOT_SUBMITTED"
    );
}

#[test]
fn an_experts_summary_sheet_lists_every_submitted_application_and_verifies() {
    let sb = Sandbox::new();
    let (e, a) = submitted_sheet(&sb);
    sb.create_key(&e, PASSPHRASE);
    let pdf = sb.path("summary.pdf");
    let out = sb.run_with_passphrase(
        &[
            "sheet",
            "--round",
            "DEMO-2026",
            "--expert",
            &e,
            "--summary",
            "--out",
            &pdf,
            "--json",
        ],
        PASSPHRASE,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let text = tool("pdftotext", &["-layout", &pdf, "-"]);
    assert!(
        text.contains("专家评分汇总表") && text.contains(&a),
        "{text}"
    );
    let pdfsig = tool("pdfsig", &[&pdf]);
    assert!(
        pdfsig.contains("Signature is Valid.") && pdfsig.contains("Total document signed"),
        "{pdfsig}"
    );
    let verdict = sb.json(&["verify", &pdf, "--json"]);
    assert_eq!(
        (
            verdict["valid"].clone(),
            verdict["matches_database"].clone()
        ),
        (Value::Bool(true), Value::Bool(true)),
        "{verdict}"
    );
    // Every sheet of the expert in one batch, with a progress line per sheet.
    let dir = sb.path("sheets");
    let out = sb.run_with_passphrase(
        &[
            "sheets",
            "--round",
            "DEMO-2026",
            "--expert",
            &e,
            "--out",
            &dir,
        ],
        PASSPHRASE,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("[1/1]"), "{}", stdout(&out));
    let files: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
    assert_eq!(files.len(), 1);
    // The secretariat collects every signed sheet of the round: the sheet, the batch's sheet and
    // the summary — the latest of each, no passphrase needed.
    let collected = sb.path("collected");
    let out = sb.run(&["sheets", "--round", "DEMO-2026", "--out", &collected]);
    assert!(out.status.success(), "{}", stderr(&out));
    let mut names: Vec<String> = std::fs::read_dir(&collected)
        .unwrap()
        .map(|f| f.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            format!("评分汇总表-DEMO-2026-{e}.pdf"),
            format!("评分表-DEMO-2026-{a}-{e}.pdf")
        ]
    );
    // Reopening a sheet's scores: the summary no longer matches the database.
    sb.json(&[
        "score",
        "reopen",
        "--round",
        "DEMO-2026",
        "--expert",
        &e,
        "--application",
        &a,
        "--reason",
        "复核",
        "--json",
    ]);
    let out = sb.run(&["verify", &pdf, "--json"]);
    assert!(!out.status.success());
    // Neither an application nor --summary: a usage error.
    let out = sb.run(&[
        "sheet",
        "--round",
        "DEMO-2026",
        "--expert",
        &e,
        "--out",
        &pdf,
    ]);
    assert_eq!(out.status.code(), Some(2));
}

/// Outputs are written once: a sheet aimed at an existing file is refused before anything is
/// signed or recorded (OUTPUT_EXISTS), the file is left as it was; an export of the same
/// contents again is accepted; `--overwrite` replaces.
#[test]
fn an_existing_output_file_is_never_replaced_without_overwrite() {
    let sb = Sandbox::new();
    let (e, a) = submitted_sheet(&sb);
    sb.create_key(&e, PASSPHRASE);
    let pdf = sb.path("sheet.pdf");
    std::fs::write(&pdf, b"the expert's own notes").unwrap();
    let issued = |sb: &Sandbox| sb.json(&["audit", "log", "--round", "DEMO-2026", "--json"]);
    let before = issued(&sb);
    let sheet = |extra: &[&str]| {
        let mut args = vec![
            "sheet",
            "--round",
            "DEMO-2026",
            "--expert",
            &e,
            "--application",
            &a,
            "--out",
            &pdf,
            "--json",
        ];
        args.extend_from_slice(extra);
        sb.run_with_passphrase(&args, PASSPHRASE)
    };
    let out = sheet(&[]);
    assert!(!out.status.success());
    let error: Value = serde_json::from_str(&stderr(&out)).unwrap();
    assert_eq!(error["code"], "OUTPUT_EXISTS", "{error}");
    assert!(error["message"].as_str().unwrap().contains("--overwrite"));
    assert_eq!(std::fs::read(&pdf).unwrap(), b"the expert's own notes");
    assert_eq!(issued(&sb), before, "nothing signed, nothing recorded");

    let out = sheet(&["--overwrite"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF-"));

    // The same list exported twice to one file: the same contents, accepted; a changed list
    // is refused.
    let list = sb.path("rubric.json");
    sb.json(&[
        "rubric",
        "export",
        "--round",
        "DEMO-2026",
        "--out",
        &list,
        "--json",
    ]);
    sb.json(&[
        "rubric",
        "export",
        "--round",
        "DEMO-2026",
        "--out",
        &list,
        "--json",
    ]);
    std::fs::write(&list, b"{}").unwrap();
    assert_eq!(
        error_code(
            &sb,
            &["rubric", "export", "--round", "DEMO-2026", "--out", &list]
        ),
        "OUTPUT_EXISTS"
    );
    assert_eq!(std::fs::read(&list).unwrap(), b"{}");
    // A folder is not a file name.
    assert_eq!(
        error_code(
            &sb,
            &[
                "rubric",
                "export",
                "--round",
                "DEMO-2026",
                "--out",
                &sb.path("")
            ]
        ),
        "OUTPUT_EXISTS"
    );
}
