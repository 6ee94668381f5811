//! The demo (载入示例 / `park-review demo`): the draft round to try from the start, and a round
//! **in progress** in which every screen has something real — the formal review done with one
//! override and its reason, experts assigned with recusals found, sheets scored with a spread of
//! points, comments and opinions (one still in draft, for the visitor to finish as E104), one
//! expert (E103) scoring offline on a laptop of their own (a review package out, a signed score
//! bundle back), an objective criterion settled in the panel's 复核, two outliers (one
//! resolved), each expert's key (the demo passphrase below) and drawn signature with signed
//! sheets issued, two parks visited with the guided checklist (photos, one finding that differs
//! from the declared area, the records finalised, signed by the team's leader and countersigned
//! by its member, and giving their site scores) and the others' site scores from paper records,
//! the panel's leader, and a ranking one step from being finalised; and a **completed** round
//! a year earlier (see [`completed_round`]): ranked, reported, on its publicity list, with
//! publication left to the visitor, and with the parks designated before it in the register
//! (entered from their notice, as a secretariat enters its earlier designations; loaded with
//! its rows by `Store::load_demo_completed`).
//!
//! Everything in the round in progress is made through the product's own actions, so it obeys
//! every rule a real round does; the scores come from a fixed seed, so every load is the same.
//! The three rounds are loaded in one transaction: an interrupted load leaves nothing.

use park_review_domain::eligibility::{RuleId, RuleResult};
use park_review_domain::ids::{AssignmentKey, RoundId};
use park_review_domain::ranking::Aggregation;
use park_review_domain::{CodedError, ErrorCode, Points};
use park_review_signing::keys::Subject;
use park_review_store::{DemoLoaded, KeyOwner, Store};
use serde::Serialize;
use ts_rs::TS;

use crate::sheets::Signer;
use crate::{Caller, Result};

/// The passphrase of every demo expert's key — printed on the demo's page, for a visitor to
/// sign with. Never use it for a real key.
pub const DEMO_PASSPHRASE: &str = "示例批次演示口令2026";

/// The expert a visitor tries the expert's screens as: one of their sheets is left in draft.
pub const DEMO_VISITING_EXPERT: &str = "E104";

/// The expert who scores on a laptop of their own: a review package out, a signed score
/// bundle back (the other experts score on the secretariat's database, as at a venue).
pub const DEMO_EXCHANGE_EXPERT: &str = "E103";

/// What loading the demo made.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct DemoRounds {
    /// The round to try from the start (a draft).
    pub draft: DemoLoaded,
    /// The round in progress.
    pub in_progress: DemoLoaded,
    /// The completed round: ranked, its panel report signed, on its publicity list.
    pub completed: DemoLoaded,
    pub sheets_submitted: u32,
    pub sheets_signed: u32,
    /// The passphrase of the demo experts' keys.
    pub passphrase: String,
    pub visiting_expert: String,
}

/// A fixed-seed generator (SplitMix64), so the demo is the same on every load.
struct Seeded(u64);

impl Seeded {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [-1, 1].
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0
    }
}

/// How strong each park's materials are (by its code's end), and how each expert leans.
fn quality(application: &str) -> f64 {
    match application.get(5..).unwrap_or_default() {
        "SZ-01" | "JM-01" => 0.90,
        "ZS-01" => 0.86,
        "ZQ-01" => 0.74,
        "ST-01" => 0.69,
        "GZ-01" => 0.87,
        "GZ-02" => 0.80,
        "FS-01" => 0.76,
        "HZ-01" => 0.72,
        "SG-01" => 0.66,
        _ => 0.58,
    }
}

fn lean(expert: &str) -> f64 {
    match expert {
        "E101" => 0.02,
        "E102" => -0.03,
        "E103" => 0.0,
        "E104" => 0.03,
        "E105" => -0.05,
        "E106" => 0.04,
        _ => -0.01,
    }
}

/// Points on the criterion's step, within its range.
fn on_step(max: Points, step: Points, share: f64) -> f64 {
    let step = step.centi().max(1) as f64;
    let raw = (max.centi() as f64 * share.clamp(0.15, 1.0) / step).round() * step;
    raw.min(max.centi() as f64) / 100.0
}

const COMMENTS: [&str; 6] = [
    "骨干企业产值数据有审计报告支撑，规模优势明显。",
    "创新平台数量达标，但运营成效的材料偏少。",
    "规划期与投资计划清晰，重点项目进度安排具体。",
    "扶持资金已列入预算，配套服务机构已入驻。",
    "产学研合作协议齐全，合作深度有待加强。",
    "公共服务平台运营情况良好，千兆光纤已覆盖主要片区。",
];

fn opinion(total: f64) -> &'static str {
    if total >= 85.0 {
        "同意推荐。产业基础扎实，创新资源集聚，园区规划和政策配套完整。"
    } else if total >= 75.0 {
        "同意推荐。园区具备较好的产业基础，建议加强产学研合作和公共服务平台建设。"
    } else {
        "基本同意。产业集聚度和研发创新能力有待提升，建议补充骨干企业产值的佐证材料。"
    }
}

/// A drawn signature for the demo: a few strokes of ink that differ by expert, as a PNG.
fn drawn_signature(seed: u64) -> Vec<u8> {
    let (w, h) = (360u32, 120u32);
    let mut img = image::RgbaImage::from_pixel(w, h, image::Rgba([255, 255, 255, 0]));
    let mut rng = Seeded(seed);
    let ink = image::Rgba([20, 40, 110, 255]);
    let (a, b, c) = (
        1.5 + rng.unit().abs() * 2.0,
        4.0 + rng.unit().abs() * 3.0,
        0.5 + rng.unit().abs(),
    );
    let mut dot = |x: f64, y: f64| {
        for dx in -2i32..=2 {
            for dy in -2i32..=2 {
                if dx * dx + dy * dy <= 5 {
                    let (px, py) = (x as i32 + dx, y as i32 + dy);
                    if px >= 0 && py >= 0 && (px as u32) < w && (py as u32) < h {
                        img.put_pixel(px as u32, py as u32, ink);
                    }
                }
            }
        }
    };
    for i in 0..1400 {
        let t = i as f64 / 1400.0;
        let x = 20.0 + t * 320.0;
        let y = 60.0
            + 28.0 * (t * std::f64::consts::TAU * a).sin()
            + 12.0 * (t * std::f64::consts::TAU * b + c).cos();
        dot(x, y);
    }
    let mut png = Vec::new();
    image::DynamicImage::ImageRgba8(img)
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .expect("a PNG encodes in memory");
    png
}

/// Loads both demo rounds (see the module's documentation) in one transaction.
pub fn load_demo(store: &mut Store, caller: Caller) -> Result<DemoRounds> {
    store.in_one_transaction(|store| load(store, caller))
}

fn load(store: &mut Store, caller: Caller) -> Result<DemoRounds> {
    // The draft round first (refused, with nothing stored, if the demo is loaded already); it
    // is a year later, so it is the one shown first.
    let draft = store.load_demo(&caller.secretariat())?;
    let in_progress = store.load_demo_in_progress(&caller.secretariat())?;
    let round = in_progress.round.id;
    let secretariat = caller.secretariat();

    // The formal review: one soft rule overridden with its reason (C2's 一般).
    let fs = format!("{}-FS-01", in_progress.round.year);
    store.override_rule(
        &secretariat,
        round,
        &fs,
        RuleId::C2,
        RuleResult::Pass,
        "规划建设面积298.5亩，与300亩相差不足1%，另有在审批的扩区用地；指南为“一般不少于300亩”，经核实予以认可。（示例）",
    )?;
    // Assigned (recusals found by the rules), then opened: the rubric is frozen.
    store.auto_assign(&secretariat, round, None, 2025)?;
    store.open_round(&secretariat, round)?;

    // Each expert's key and drawn signature (the key derivation at the demo's cost, on every
    // core at once), before anything is signed.
    let experts = store.list_panel(round)?;
    let now = store.now().timestamp().max(0) as u64;
    let subjects: Vec<(String, Subject)> = experts
        .iter()
        .map(|e| {
            (
                e.code.clone(),
                Subject {
                    name: e.name.clone(),
                    organisation: e.employer.clone(),
                    unit: format!("评审专家 {}", e.code),
                },
            )
        })
        .collect();
    let mut signers = Vec::new();
    for ((code, _), (key, signing_key)) in subjects.iter().zip(make_keys(&subjects, now)?) {
        let signer = Signer::from_key(signing_key, key.certificate_der.clone())?;
        // The expert who scores on a laptop of their own keeps the key there (below).
        if code == DEMO_EXCHANGE_EXPERT {
            signers.push((code.clone(), signer, Some(key)));
            continue;
        }
        keep_key(store, caller, code, &key)?;
        signers.push((code.clone(), signer, None));
    }

    // Scores: each expert on their own laptop in the story, so each act is the expert's.
    let rubric = store.rubric(round)?.rubric;
    let criteria: Vec<_> = rubric.sections.iter().flat_map(|s| &s.criteria).collect();
    let mut rng = Seeded(20_251_130);
    let rows = store.list_scores(round)?;
    let draft_pair = rows
        .iter()
        .rev()
        .find(|r| r.expert == DEMO_VISITING_EXPERT)
        .map(|r| (r.expert.clone(), r.application.clone()));
    // Two outliers: one expert far below the others on one park, one far above on another
    // (never the visitor's expert nor the one on a laptop of their own).
    let special = |code: &str| code == DEMO_VISITING_EXPERT || code == DEMO_EXCHANGE_EXPERT;
    let low = rows
        .iter()
        .find(|r| r.application.ends_with("SG-01") && !special(&r.expert))
        .map(|r| (r.expert.clone(), r.application.clone()));
    let high = rows
        .iter()
        .find(|r| r.application.ends_with("HZ-01") && !special(&r.expert))
        .map(|r| (r.expert.clone(), r.application.clone()));
    // The objective criterion scored differently by one expert, settled in the 复核 below.
    let objective_slip = rows
        .iter()
        .find(|r| r.application.ends_with("GZ-02") && !special(&r.expert))
        .map(|r| (r.expert.clone(), r.application.clone()));
    let plan = Plan {
        draft: draft_pair,
        low: low.clone(),
        high,
        objective_slip: objective_slip.clone(),
    };
    let mut submitted = 0u32;
    for row in rows.iter().filter(|r| r.expert != DEMO_EXCHANGE_EXPERT) {
        let key = AssignmentKey::new(round, &row.expert, &row.application);
        submitted += u32::from(score(store, caller, &key, &criteria, &plan, &mut rng)?);
    }
    // One expert scores on a laptop of their own, through the offline exchange.
    let Some((_, exchange_signer, Some(exchange_key))) = signers
        .iter()
        .find(|(code, _, _)| code == DEMO_EXCHANGE_EXPERT)
    else {
        return Err(CodedError::internal("示例专家 E103 没有密钥"));
    };
    let (on_laptop, laptop_signed) = score_on_own_laptop(
        store,
        caller,
        round,
        exchange_key,
        exchange_signer,
        &criteria,
        &plan,
        &mut rng,
    )?;
    submitted += on_laptop;

    // The panel: its leader, and the objective criterion settled in the 复核.
    store.set_panel_leader(&secretariat, round, "E101", "经评审委员会推选（示例）")?;
    if let Some((expert, application)) = &objective_slip {
        let code = criteria
            .iter()
            .find(|c| c.objective)
            .map(|c| (c.code.clone(), c.max_points.to_f64()));
        if let Some((code, agreed)) = code {
            store.record_recheck(
                &secretariat,
                &AssignmentKey::new(round, expert, application),
                &code,
                agreed,
                Some("objective_differs"),
                "经复核，规划环评审查意见与环保承诺均已提供，按细则应得满分。（示例）",
            )?;
        }
    }

    // Two parks visited with the guided checklist (their site scores come from the finalised
    // records, one with a finding that differs from the declared area); the others from paper
    // records entered by hand. Then the selection.
    let year = in_progress.round.year;
    let visited = [
        (format!("{year}-SZ-01"), None, 9),
        (format!("{year}-GZ-01"), Some(0.95), 5),
    ];
    for (app, area_found, partly_every) in &visited {
        visit(store, caller, round, app, *area_found, *partly_every)?;
    }
    for app in store.list_applications(round)? {
        let q = quality(&app.code);
        if q > 0.6 && !visited.iter().any(|(code, _, _)| *code == app.code) {
            paper_site_score(store, caller, round, &app.code, (q * 100.0 + 4.0).min(98.0))?;
        }
    }
    store.set_ranking_settings(
        &secretariat,
        round,
        Aggregation::TrimmedMean,
        0.6,
        15.0,
        Some(4),
        None,
    )?;
    // One outlier resolved; the other left for the visitor.
    if let Some((expert, application)) = &low {
        store.resolve_outlier(
            &secretariat,
            &AssignmentKey::new(round, expert, application),
            "confirmed",
            "已与专家电话确认：该园区骨干企业产值的佐证不足，评分有据。（示例）",
        )?;
    }

    // Every submitted sheet signed by its expert (those from the laptop came signed).
    let mut signed = laptop_signed;
    for (code, signer, _) in signers
        .iter()
        .filter(|(_, _, on_laptop)| on_laptop.is_none())
    {
        signed += sign_submitted(store, caller, round, code, signer)?;
    }
    let completed = completed_round(store, caller, &signers)?;
    Ok(DemoRounds {
        draft,
        in_progress,
        completed,
        sheets_submitted: submitted,
        sheets_signed: signed,
        passphrase: DEMO_PASSPHRASE.into(),
        visiting_expert: DEMO_VISITING_EXPERT.into(),
    })
}

/// Every submitted sheet of `expert` in `round` signed with their key, laid out and signed on
/// every core and recorded in order, as 生成签名评分表 does for an expert's batch (with a key
/// already unlocked). Returns how many.
fn sign_submitted(
    store: &mut Store,
    caller: Caller,
    round: RoundId,
    expert: &str,
    signer: &Signer,
) -> Result<u32> {
    let prepared = crate::sheets::prepare_submitted(store, round, expert)?;
    let issued = crate::sheets::issue_prepared(
        store,
        &caller.expert(expert),
        signer,
        prepared,
        crate::sheets::signing_threads(),
        |_, _, _| Ok(()),
    )?;
    Ok(issued.len() as u32)
}

/// An expert's key and drawn signature kept on `store` (the secretariat's database, or the
/// expert's own copy), as the expert.
fn keep_key(
    store: &mut Store,
    caller: Caller,
    code: &str,
    key: &park_review_signing::keys::NewKey,
) -> Result<()> {
    let me = caller.expert(code);
    let sha = park_review_signing::keys::certificate_fingerprint(&key.certificate_der);
    store.save_key(
        &me,
        KeyOwner::Expert(code),
        &key.certificate_der,
        &sha,
        &key.encrypted_key_pem,
    )?;
    store.save_hand_signature(
        &me,
        code,
        &drawn_signature(code.bytes().map(u64::from).sum()),
    )?;
    Ok(())
}

/// A site score entered from a paper inspection record, rounded to a whole point.
fn paper_site_score(
    store: &mut Store,
    caller: Caller,
    round: RoundId,
    application: &str,
    score: f64,
) -> Result<()> {
    store.set_site_score(
        &caller.secretariat(),
        round,
        application,
        score.round(),
        &format!("实地考察记录（纸质）{application}（示例）"),
    )?;
    Ok(())
}

/// Which sheets the demo makes different: the visitor's draft, the two outliers and the
/// objective criterion scored differently (each an (expert, application) pair).
struct Plan {
    draft: Option<(String, String)>,
    low: Option<(String, String)>,
    high: Option<(String, String)>,
    objective_slip: Option<(String, String)>,
}

/// One sheet scored by its expert on `store` (the secretariat's database or the expert's own
/// copy): the pledge, a point for each criterion from the park's strength and the expert's
/// lean, a few comments, and the sheet submitted with an opinion — except the visitor's draft,
/// half scored. True if it was submitted.
fn score(
    store: &mut Store,
    caller: Caller,
    key: &AssignmentKey,
    criteria: &[&park_review_domain::model::Criterion],
    plan: &Plan,
    rng: &mut Seeded,
) -> Result<bool> {
    let pair = Some((key.expert.clone(), key.application.clone()));
    let me = caller.expert(&key.expert);
    store.declare_no_conflict(&me, key)?;
    let shift = if pair == plan.low {
        -0.38
    } else if pair == plan.high {
        0.28
    } else {
        0.0
    };
    let is_draft = pair == plan.draft;
    let mut total = 0.0;
    for (i, c) in criteria.iter().enumerate() {
        // The visitor's draft: half scored, the rest left to do.
        if is_draft && i >= criteria.len() / 2 {
            break;
        }
        let points = if c.objective {
            // The facts are the same for everyone: the environmental documents are there.
            let agreed = c.max_points.to_f64();
            if pair == plan.objective_slip {
                agreed - 2.0
            } else {
                agreed
            }
        } else {
            let share = quality(&key.application) + lean(&key.expert) + shift + 0.06 * rng.unit();
            on_step(c.max_points, c.step, share)
        };
        total += points;
        let comment = rng
            .next()
            .is_multiple_of(5)
            .then(|| COMMENTS[(rng.next() % 6) as usize]);
        store.set_score(&me, key, &c.code, Some(points), comment)?;
    }
    if is_draft {
        return Ok(false);
    }
    store.submit_scores(&me, key, Some(opinion(total)))?;
    Ok(true)
}

/// [`DEMO_EXCHANGE_EXPERT`] scores on a laptop of their own, through the product's offline
/// exchange: the secretariat seals the expert's review package (with a key made for the demo
/// alone and never stored — the database's own secretariat key is the user's to make); a
/// fresh database, the expert's copy in a folder deleted afterwards, imports it, keeps the
/// expert's key and drawn signature, scores, signs each sheet and seals the score bundle; the
/// secretariat registers the expert's certificate from the bundle and imports the bundle.
/// Returns the sheets submitted and signed.
#[allow(clippy::too_many_arguments)]
fn score_on_own_laptop(
    store: &mut Store,
    caller: Caller,
    round: RoundId,
    key: &park_review_signing::keys::NewKey,
    signer: &Signer,
    criteria: &[&park_review_domain::model::Criterion],
    plan: &Plan,
    rng: &mut Seeded,
) -> Result<(u32, u32)> {
    let code = DEMO_EXCHANGE_EXPERT;
    let now = store.now().timestamp().max(0) as u64;
    let (secretariat_key, secretariat_signing) =
        park_review_signing::keys::create_demo_key_unlocked(
            &Subject {
                name: "秘书处".into(),
                organisation: "示例批次（仅供演示的密钥）".into(),
                unit: "秘书处".into(),
            },
            DEMO_PASSPHRASE,
            now,
        )?;
    let secretariat_signer =
        Signer::from_key(secretariat_signing, secretariat_key.certificate_der)?;
    let (_, package) =
        crate::exchange::export_package(store, caller, round, code, &secretariat_signer)?;

    let folder = tempfile::Builder::new()
        .prefix("park-review-demo-")
        .tempdir()
        .map_err(|e| CodedError::new(ErrorCode::Io, format!("无法建立示例专家的数据库：{e}")))?;
    let mut laptop = Store::open(&folder.path().join("expert.sqlite3"))?;
    crate::exchange::import_package(&mut laptop, &crate::exchange::read_package(&package.bytes)?)?;
    keep_key(&mut laptop, caller, code, key)?;
    let on_laptop = laptop
        .find_round(park_review_store::DEMO_IN_PROGRESS_CODE)?
        .id;
    let mut submitted = 0;
    for a in laptop.expert_assignments(on_laptop, code)? {
        let key = AssignmentKey::new(on_laptop, code, &a.application.code);
        submitted += u32::from(score(&mut laptop, caller, &key, criteria, plan, rng)?);
    }
    let signed = sign_submitted(&mut laptop, caller, on_laptop, code, signer)?;
    let (_, bundle) = crate::exchange::export_bundle(&mut laptop, caller, on_laptop, signer)?;
    drop(laptop);

    crate::exchange::import_certificate(
        store,
        caller,
        code,
        crate::exchange::CertificateSource::Bundle(&bundle.bytes),
        None,
    )?;
    crate::exchange::import_bundle(store, &crate::exchange::read_bundle(&bundle.bytes)?)?;
    Ok((submitted, signed))
}

/// The demo's completed round (DEMO-2024), a year before the one in progress, with four other
/// parks and the same panel: every sheet scored, submitted and signed; site scores from paper
/// records; the ranking finalised with the panel's leader; the panel report signed by the
/// leader and every member whose key is on this database ([`DEMO_EXCHANGE_EXPERT`] signs on a
/// laptop of their own, so their signature is awaited); the publicity list of the two
/// strongest parks with its period, and one objection received and dismissed. Publication —
/// which signs the designation list with the secretariat's key, the user's to make — is left
/// to the visitor.
fn completed_round(
    store: &mut Store,
    caller: Caller,
    signers: &[(String, Signer, Option<park_review_signing::keys::NewKey>)],
) -> Result<DemoLoaded> {
    let secretariat = caller.secretariat();
    let loaded = store.load_demo_completed(&secretariat)?;
    let round = loaded.round.id;
    let year = loaded.round.year;
    store.auto_assign(&secretariat, round, None, 2024)?;
    store.open_round(&secretariat, round)?;
    let rubric = store.rubric(round)?.rubric;
    let criteria: Vec<_> = rubric.sections.iter().flat_map(|s| &s.criteria).collect();
    let plan = Plan {
        draft: None,
        low: None,
        high: None,
        objective_slip: None,
    };
    let mut rng = Seeded(20_241_128);
    for row in store.list_scores(round)? {
        let key = AssignmentKey::new(round, &row.expert, &row.application);
        score(store, caller, &key, &criteria, &plan, &mut rng)?;
    }
    for (code, signer, _) in signers {
        sign_submitted(store, caller, round, code, signer)?;
    }
    for app in store.list_applications(round)? {
        let site = (quality(&app.code) * 100.0 + 6.0).min(97.0);
        paper_site_score(store, caller, round, &app.code, site)?;
    }
    store.set_ranking_settings(
        &secretariat,
        round,
        Aggregation::TrimmedMean,
        0.6,
        15.0,
        Some(2),
        None,
    )?;
    // Any total far from the others (none is meant to be) confirmed, as the panel would.
    for row in store.ranking(round)?.rows {
        for e in row.experts.iter().filter(|e| e.outlier.is_some()) {
            store.resolve_outlier(
                &secretariat,
                &AssignmentKey::new(round, &e.expert, &row.code),
                "confirmed",
                "已与专家确认，评分有据。（示例）",
            )?;
        }
    }
    store.set_panel_leader(&secretariat, round, "E101", "经评审委员会推选（示例）")?;
    let selected = store.finalise_ranking(&secretariat, round)?.selected;
    let passphrase = |_: &str| Ok(DEMO_PASSPHRASE.to_owned());
    crate::panel::issue_panel_report(store, caller, round, passphrase)?;
    for (code, _, on_laptop) in signers {
        if code != "E101" && on_laptop.is_none() {
            crate::panel::sign_latest_panel_report(store, caller, round, code, None, passphrase)?;
        }
    }
    crate::reports::publicity(
        store,
        caller,
        round,
        &format!("{year}-12-02"),
        7,
        "广东省工业和信息化厅人工智能产业处（示例），020-0000 0000",
    )?;
    if let Some(first) = selected.first() {
        let objection = store.add_objection(
            &secretariat,
            round,
            first,
            "某企业（示例）",
            &format!("{year}-12-04"),
            "反映该园区部分入驻企业的人工智能产值统计口径偏宽。（示例）",
        )?;
        store.decide_objection(
            &secretariat,
            round,
            objection.number,
            park_review_domain::publication::ObjectionDecision::Dismissed,
            "经核查，产值数据有审计报告支撑，统计口径符合申报指南。（示例）",
            "调阅审计报告并与园区管理机构核实（示例）",
            false,
        )?;
    }
    let round = store.round(round)?;
    Ok(DemoLoaded { round, ..loaded })
}

/// A site photo for the demo's evidence: sky, a lawn and the park's buildings, different per
/// item, as a PNG (a real image, so it passes the evidence check and gets its thumbnail).
fn site_photo(seed: u64) -> Vec<u8> {
    let (w, h) = (320u32, 200u32);
    let mut rng = Seeded(seed);
    let mut img = image::RgbImage::from_fn(w, h, |_, y| {
        if y < 120 {
            image::Rgb([150 + (y / 4) as u8, 190 + (y / 6) as u8, 235])
        } else {
            image::Rgb([90, 150, 80])
        }
    });
    let mut x = 10u32;
    while x < w - 30 {
        let width = 30 + (rng.next() % 40) as u32;
        let top = 30 + (rng.next() % 70) as u32;
        let shade = 110 + (rng.next() % 100) as u8;
        for px in x..(x + width).min(w) {
            for py in top..130 {
                let window = (px - x) % 8 < 4 && (py - top) % 10 < 5 && py > top + 4;
                let c = if window { shade / 2 } else { shade };
                img.put_pixel(px, py, image::Rgb([c, c, c.saturating_add(20)]));
            }
        }
        x += width + 6;
    }
    let mut png = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .expect("a PNG encodes in memory");
    png
}

/// One park visited by a team of two panel experts from another city, with the shipped
/// checklist: every item answered (numbers as declared, the area as found when given, every
/// `partly_every`-th status item 基本符合), a photo where the item asks for evidence, and the
/// record finalised.
fn visit(
    store: &mut Store,
    caller: Caller,
    round: RoundId,
    application: &str,
    area_found: Option<f64>,
    partly_every: usize,
) -> Result<()> {
    use park_review_domain::inspection::{ItemStatus, Response};
    use park_review_store::inspection::AnswerInput;
    let secretariat = caller.secretariat();
    let record = store.application_record(round, application)?;
    let team: Vec<String> = store
        .list_panel(round)?
        .into_iter()
        .filter(|e| e.city != Some(record.city) && e.employer != record.management_body)
        // The expert on a laptop of their own keeps the key there, so signs nothing here.
        .filter(|e| e.code != DEMO_EXCHANGE_EXPERT)
        .map(|e| e.code)
        .take(2)
        .collect();
    let Some((leader, members)) = team.split_first() else {
        return Err(CodedError::internal("示例考察组无人可选"));
    };
    store.set_inspection_team(
        &secretariat,
        round,
        application,
        leader,
        members,
        Some(&format!("{}-11-20", &application[..4])),
        Some(&record.management_body),
    )?;
    store.start_inspection(&secretariat, round, application)?;
    let me = caller.inspector(leader);
    let view = store.inspection(round, application)?;
    for (n, item) in view.items.iter().enumerate() {
        let code = item.item.code.clone();
        let declared = item.declared.as_ref().and_then(|d| d.number);
        let input = match &item.item.response {
            Response::Status if n % partly_every == partly_every - 1 => AnswerInput {
                status: Some(ItemStatus::Partly),
                note: Some("现场所见与申报基本一致，部分材料待补充。（示例）".into()),
                ..AnswerInput::default()
            },
            Response::Status => AnswerInput {
                status: Some(ItemStatus::Confirmed),
                ..AnswerInput::default()
            },
            Response::Number { at_least, .. } => {
                let area = declared.filter(|d| (*d - record.planned_area_mu).abs() < 1e-6);
                let value = match (area, area_found) {
                    (Some(d), Some(share)) => (d * share).round(),
                    _ => declared.unwrap_or(at_least.unwrap_or(1.0)),
                };
                AnswerInput {
                    value: Some(value),
                    note: (area.is_some() && area_found.is_some())
                        .then(|| "按现场规划图和用地批文核算（示例）".to_owned()),
                    ..AnswerInput::default()
                }
            }
            Response::Text => AnswerInput {
                text: Some("园区建设有序，企业入驻与申报一致，建议推荐。（示例）".into()),
                ..AnswerInput::default()
            },
        };
        store.answer_item(&me, round, application, &code, &input)?;
        if item.item.evidence_required {
            crate::inspection::attach_evidence(
                store,
                &me,
                round,
                application,
                &code,
                &format!("现场照片-{code}.png"),
                &site_photo(n as u64 + application.len() as u64 * 131),
            )?;
        }
    }
    store.finalise_inspection(&secretariat, round, application)?;
    // The record laid out and signed by the leader, then countersigned by the member, each
    // with their own key (the demo passphrase).
    let passphrase = |_: &str| Ok(DEMO_PASSPHRASE.to_owned());
    crate::record::issue_inspection_record(store, caller, round, application, passphrase)?;
    for member in members {
        crate::record::countersign_latest(
            store,
            caller,
            round,
            application,
            member,
            None,
            passphrase,
        )?;
    }
    Ok(())
}

type MadeKey = (
    park_review_signing::keys::NewKey,
    park_review_signing::SigningKeyP256,
);

fn make_keys(subjects: &[(String, Subject)], now: u64) -> Result<Vec<MadeKey>> {
    let threads = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .min(4);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut out: Vec<Option<Result<MadeKey>>> = (0..subjects.len()).map(|_| None).collect();
    let results = std::sync::Mutex::new(&mut out);
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some((_, subject)) = subjects.get(i) else {
                    break;
                };
                let made = park_review_signing::keys::create_demo_key_unlocked(
                    subject,
                    DEMO_PASSPHRASE,
                    now,
                )
                .map_err(CodedError::from);
                results.lock().expect("no thread panics holding it")[i] = Some(made);
            });
        }
    });
    out.into_iter()
        .map(|r| r.unwrap_or_else(|| Err(CodedError::internal("示例密钥未生成"))))
        .collect()
}

/// The round in progress, by its number (for tests and the CLI).
pub fn demo_in_progress_round(store: &Store) -> Result<RoundId> {
    Ok(store
        .find_round(park_review_store::DEMO_IN_PROGRESS_CODE)
        .map_err(|_| {
            CodedError::new(
                ErrorCode::NotFound,
                "还没有载入示例批次：请先载入示例（park-review demo）。",
            )
        })?
        .id)
}
