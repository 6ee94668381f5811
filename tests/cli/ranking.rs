//! The ranking, its benchmark, and changes to a round's panel.

use serde_json::Value;

use crate::support::*;

#[test]
fn ranking_weights_material_and_site_flags_outliers_and_locks_when_finalised() {
    let sb = Sandbox::new();
    opened_demo(&sb);
    let low_expert = sb
        .json(&["scores", "--round", "DEMO-2026", "--json"])
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["application"] == "2026-SZ-01")
        .unwrap()["expert"]
        .as_str()
        .unwrap()
        .to_owned();
    score_everything(&sb, (&low_expert, "2026-SZ-01"));
    for (app, site) in [
        ("2026-GZ-01", "90"),
        ("2026-GZ-02", "80"),
        ("2026-SZ-01", "95"),
        ("2026-HZ-01", "70.5"),
    ] {
        sb.json(&[
            "site-score",
            "set",
            "--round",
            "DEMO-2026",
            "--application",
            app,
            "--score",
            site,
            "--record-ref",
            &format!("考察记录 {app}"),
            "--json",
        ]);
    }
    assert_eq!(
        error_code(
            &sb,
            &[
                "site-score",
                "set",
                "--round",
                "DEMO-2026",
                "--application",
                "2026-SG-01",
                "--score",
                "100.5",
                "--record-ref",
                "x"
            ]
        ),
        "OUT_OF_RANGE"
    );
    let rows = sb.cli_json("rank --round DEMO-2026");
    let row = |code: &str| {
        rows.as_array()
            .unwrap()
            .iter()
            .find(|r| r["code"] == code)
            .unwrap()
            .clone()
    };
    for field in [
        "rank",
        "code",
        "park_name",
        "city",
        "material_score",
        "site_score",
        "comprehensive_score",
        "eligible",
        "selected",
    ] {
        assert!(row("2026-GZ-01").get(field).is_some(), "{field}");
    }
    // Five experts at 85: trimmed mean 85; 85 × 0.6 + 90 × 0.4 = 87.
    assert_eq!(row("2026-GZ-01")["material_score"], 85.0);
    assert_eq!(row("2026-GZ-01")["comprehensive_score"], 87.0);
    assert_eq!(row("2026-GZ-01")["rank"], 2);
    // 2026-SZ-01: one expert gave 3 a criterion: trimmed away, so still 85; flagged as an outlier.
    assert_eq!(row("2026-SZ-01")["material_score"], 85.0);
    assert_eq!(row("2026-SZ-01")["rank"], 1);
    let flagged = row("2026-SZ-01")["experts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["expert"] == low_expert.as_str())
        .unwrap()
        .clone();
    assert!(flagged["outlier"]["deviation"].as_f64().unwrap() < -15.0);
    // Without a site score: incomplete, not zero, not ranked. Failed formal review: never ranked.
    assert_eq!(
        (
            row("2026-SG-01")["rank"].clone(),
            row("2026-SG-01")["incomplete"].clone()
        ),
        (Value::Null, Value::Bool(true))
    );
    assert_eq!(
        (
            row("2026-GZ-03")["rank"].clone(),
            row("2026-GZ-03")["eligible"].clone()
        ),
        (Value::Null, Value::Bool(false))
    );
    // Selection and finalisation.
    sb.cli_json("rank settings --round DEMO-2026 --count 2");
    let selected: Vec<String> = sb
        .json(&["rank", "--round", "DEMO-2026", "--json"])
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["selected"] == true)
        .map(|r| r["code"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(selected, ["2026-SZ-01", "2026-GZ-01"]);
    assert_eq!(
        error_code(&sb, &["rank", "finalise", "--round", "DEMO-2026"]),
        "OUTLIERS_UNRESOLVED"
    );
    sb.json(&[
        "outlier",
        "resolve",
        "--round",
        "DEMO-2026",
        "--application",
        "2026-SZ-01",
        "--expert",
        &low_expert,
        "--resolution",
        "confirmed",
        "--note",
        "已与专家电话确认，评分有据",
        "--json",
    ]);
    let report = sb.cli_json("rank finalise --round DEMO-2026");
    assert!(report["settings"]["finalised_at"].is_string());
    assert_eq!(
        error_code(
            &sb,
            &[
                "site-score",
                "set",
                "--round",
                "DEMO-2026",
                "--application",
                "2026-SG-01",
                "--score",
                "80",
                "--record-ref",
                "x"
            ]
        ),
        "RANKING_FINALISED"
    );
    assert_eq!(
        error_code(
            &sb,
            &[
                "rank",
                "settings",
                "--round",
                "DEMO-2026",
                "--weight",
                "0.5"
            ]
        ),
        "RANKING_FINALISED"
    );
    // The publicity list as printed, read by pdftotext: the two selected parks, and the period
    // counted in working days — from Friday 4 December, five working days end on Thursday
    // 10 December (the weekend is not counted).
    let list = sb.path("公示名单.pdf");
    sb.json(&[
        "publicity",
        "--round",
        "DEMO-2026",
        "--start",
        "2026-12-04",
        "--days",
        "5",
        "--contact",
        "省工业和信息化厅 020-12345678",
        "--out",
        &list,
        "--json",
    ]);
    let text = tool("pdftotext", &["-layout", &list, "-"]).replace(char::is_whitespace, "");
    assert!(text.contains("2026年12月4日"), "{text}");
    assert!(text.contains("2026年12月10日"), "{text}");
    assert!(text.contains("省工业和信息化厅020-12345678"), "{text}");
    let report = sb.json(&["rank", "--round", "DEMO-2026", "--json"]);
    for row in report.as_array().unwrap() {
        let name = row["park_name"]
            .as_str()
            .unwrap()
            .replace(char::is_whitespace, "");
        assert_eq!(
            text.contains(&name),
            row["selected"] == true,
            "{name} on the list exactly when selected: {text}"
        );
    }
    publicity_objections_publication_and_the_register(&sb);
}

/// After the finalised ranking above (issue 16): the period is recorded by the publicity list;
/// objections within it, decided with reasons, one upheld taking its park off; publication
/// only after the period and every decision, signed in the department's name, writing the
/// register; nothing changes after it. Each refusal has its code.
fn publicity_objections_publication_and_the_register(sb: &Sandbox) {
    fn with<'a>(args: &[&'a str]) -> Vec<&'a str> {
        [args, &["--round", "DEMO-2026"][..]].concat()
    }
    fn objection<'a>(app: &'a str, date: &'a str) -> Vec<&'a str> {
        with(&[
            "objection",
            "add",
            "--application",
            app,
            "--date",
            date,
            "--content",
            "园区企业产值数据与统计部门数据不符",
        ])
    }
    fn decide<'a>(n: &'a str, decision: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
        [
            with(&[
                "objection",
                "decide",
                "--objection",
                n,
                "--decision",
                decision,
                "--reason",
                "经核实，统计口径不同，产值数据属实",
            ]),
            extra.to_vec(),
        ]
        .concat()
    }
    fn add(city: &str) -> Vec<&str> {
        vec![
            "park",
            "add",
            "--name",
            "广州天河软件园人工智能产业区",
            "--city",
            city,
            "--management-body",
            "天河软件园管委会",
            "--designated-on",
            "2019-06-30",
            "--documents",
            "粤经信〔2019〕88号",
            "--reason",
            "2019年认定，系统启用前",
        ]
    }
    let out = sb.path("认定名单.pdf");
    let publish = with(&["publish", "--out", &out]);
    // The period recorded above (from 4 December) has not ended.
    assert_eq!(error_code(sb, &publish), "PUBLICITY_NOT_OVER");
    // The period as it was: 5 to 9 January.
    let list = sb.path("公示名单-1.txt");
    sb.json(&with(&[
        "publicity",
        "--start",
        "2026-01-05",
        "--days",
        "5",
        "--contact",
        "省工业和信息化厅 020-12345678",
        "--out",
        &list,
        "--json",
    ]));
    // Objections: only to a listed park, only within the period; anonymous allowed.
    assert_eq!(
        error_code(sb, &objection("2026-GZ-02", "2026-01-06")),
        "OUT_OF_RANGE"
    );
    assert_eq!(
        error_code(sb, &objection("2026-SZ-01", "2026-01-12")),
        "OUT_OF_RANGE"
    );
    let first = sb.json(&[objection("2026-SZ-01", "2026-01-06"), vec!["--json"]].concat());
    assert_eq!(
        (first["number"].as_u64(), first["objector"].as_str()),
        (Some(1), Some("匿名"))
    );
    sb.json(
        &[
            objection("2026-GZ-01", "2026-01-07"),
            vec!["--objector", "某科技公司", "--json"],
        ]
        .concat(),
    );
    assert_eq!(error_code(sb, &publish), "OBJECTION_UNDECIDED");
    // Decisions: a reason always; only an upheld objection takes a park off.
    assert_eq!(
        error_code(sb, &decide("1", "dismissed", &["--remove"])),
        "OUT_OF_RANGE"
    );
    sb.json(
        &[
            decide("1", "dismissed", &["--investigation", "调取统计台账核对"]),
            vec!["--json"],
        ]
        .concat(),
    );
    sb.json(&with(&[
        "objection",
        "decide",
        "--objection",
        "2",
        "--decision",
        "upheld",
        "--reason",
        "核心企业已迁出园区，骨干企业不足3家",
        "--remove",
        "--json",
    ]));
    // Publication: the secretariat's key signs the list.
    let key = sb.run_with_passphrase(&["key", "create", "--secretariat", "--json"], PASSPHRASE);
    assert!(key.status.success(), "{}", stderr(&key));
    let done = sb.run_with_passphrase(&[&publish[..], &["--json"]].concat(), PASSPHRASE);
    assert!(done.status.success(), "{}", stderr(&done));
    let published: Value = serde_json::from_slice(&done.stdout).unwrap();
    let designated: Vec<&str> = published["published"]["designated"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["application"].as_str().unwrap())
        .collect();
    assert_eq!(designated, ["2026-SZ-01"]);
    // Judged by tools nobody here wrote: pdfsig, pdftotext; and verify against the database.
    let pdfsig = tool("pdfsig", &[&out]);
    assert!(pdfsig.contains("Signature is Valid."), "{pdfsig}");
    let text = tool("pdftotext", &["-layout", &out, "-"]).replace(char::is_whitespace, "");
    for expected in [
        "2026年广东省人工智能产业园区认定名单",
        "深圳龙岗人工智能产业园",
        "因异议成立，不予认定",
        "核心企业已迁出园区，骨干企业不足3家",
        "广东省工业和信息化厅",
    ] {
        assert!(text.contains(expected), "{expected}: {text}");
    }
    let verdict = sb.json(&["verify", &out, "--json"]);
    assert_eq!(verdict["valid"], true, "{verdict}");
    assert_eq!(verdict["matches_database"], true, "{verdict}");
    // The register: the park published from this round, beside the demo's earlier parks
    // (entered, from no round).
    let parks = sb.json(&["park", "list", "--json"]);
    let from_round: Vec<&Value> = parks
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["round"] == "DEMO-2026")
        .collect();
    assert_eq!(from_round.len(), 1, "{parks}");
    assert_eq!(from_round[0]["application"], "2026-SZ-01");
    assert_eq!(from_round[0]["source"], "published");
    assert!(
        parks
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["round"] == "DEMO-2026" || p["source"] == "entered"),
        "{parks}"
    );
    // After publication nothing here changes.
    assert_eq!(
        error_code(sb, &objection("2026-SZ-01", "2026-01-06")),
        "INVALID_TRANSITION"
    );
    let again = sb.path("认定名单-2.pdf");
    assert_eq!(
        error_code(sb, &with(&["publish", "--out", &again])),
        "INVALID_TRANSITION"
    );
    // A park designated before the product was used.
    assert_eq!(error_code(sb, &add("纽约")), "UNKNOWN_CITY");
    sb.json(&[add("广州市"), vec!["--json"]].concat());
    let shown = sb.json(&["park", "show", "广州天河软件园人工智能产业区", "--json"]);
    assert_eq!(shown["source"], "entered");
    assert_eq!(shown["documents"], "粤经信〔2019〕88号");
}

/// The benchmark's generator and its reuse: every generated application is ranked, and the
/// kept database is measured again without being regenerated. (Times are reported, never
/// asserted.)
#[test]
fn the_ranking_benchmark_ranks_every_generated_application_and_reuses_a_kept_database() {
    let env = Sandbox::new();
    let kept = env.dir.path().join("bench-rank.sqlite3");
    let kept = kept.to_str().unwrap();
    let first = env.json(&[
        "--json",
        "bench",
        "rank-db",
        "--applications",
        "40",
        "--experts",
        "5",
        "--criteria",
        "10",
        "--keep",
        kept,
    ]);
    assert_eq!(first["applications"], 40);
    assert_eq!(first["scores"], 40 * 5 * 10);
    assert_eq!(first["ranked"], 40);
    assert_eq!(first["reused_database"], false);
    // What the benchmark measured is reported (how long it took is never asserted).
    assert!(first["rank_seconds"].is_f64(), "{first}");
    assert!(first["peak_rss_mib"].as_f64().unwrap() > 0.0);
    // Reused: the sizes come from the file, whatever is asked.
    let again = env.json(&[
        "--json",
        "bench",
        "rank-db",
        "--applications",
        "7",
        "--keep",
        kept,
    ]);
    assert_eq!(again["applications"], 40);
    assert_eq!(again["ranked"], 40);
    assert_eq!(again["reused_database"], true);
    assert_eq!(again["fill_seconds"], 0.0);
}

#[test]
fn an_expert_is_removed_from_the_panel_with_a_reason_and_their_applications_show_short() {
    let sb = Sandbox::new();
    let (expert, _) = opened_demo(&sb);
    let before = sb.json(&[
        "expert",
        "assignments",
        "--round",
        "DEMO-2026",
        "--expert",
        &expert,
        "--json",
    ]);
    let n = before.as_array().unwrap().len();
    assert!(n > 0);
    let board = sb.cli_json("conflict list --round DEMO-2026");
    // Without a reason: refused, nothing changes.
    assert_eq!(
        error_code(
            &sb,
            &[
                "expert",
                "remove",
                "--round",
                "DEMO-2026",
                "--expert",
                &expert,
                "--reason",
                " "
            ]
        ),
        "OUT_OF_RANGE"
    );
    let removed = sb.json(&[
        "expert",
        "remove",
        "--round",
        "DEMO-2026",
        "--expert",
        &expert,
        "--reason",
        "因病不能参加评审",
        "--json",
    ]);
    assert_eq!(removed["expert"], expert.as_str());
    assert_eq!(removed["cancelled"].as_array().unwrap().len(), n);
    let panel = sb.cli_json("expert list --round DEMO-2026");
    assert!(!panel
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["code"] == expert.as_str()));
    // The board counts one expert fewer on each cancelled application.
    let after = sb.cli_json("conflict list --round DEMO-2026");
    for code in removed["cancelled"].as_array().unwrap() {
        let assigned = |board: &Value| {
            board["applications"]
                .as_array()
                .unwrap()
                .iter()
                .find(|a| &a["code"] == code)
                .unwrap()["assigned"]
                .as_u64()
                .unwrap()
        };
        assert_eq!(assigned(&after) + 1, assigned(&board), "{code}");
    }
}
