//! The demo round (示例批次): fictional but plausible applications and experts shipped in
//! `assets/demo/`, so that a new user, a trainer or a test has a whole round to work with.

use park_review_domain::exchange::{parse_checklist, parse_demo_round};
use park_review_domain::model::Round;
use park_review_domain::round::round_title;
use rusqlite::OptionalExtension;
use serde::Serialize;
use ts_rs::TS;

use crate::applications::insert_application;
use crate::catalog::insert_rubric;
use crate::error::{Result, StoreError};
use crate::experts::{expert_code_taken, upsert_panel_expert};
use crate::inspection::insert_checklist;
use crate::publication::{insert_entered_park, EnteredPark};
use crate::rounds::insert_round;
use crate::{Actor, Store};

const DEMO_ROUND: &str = include_str!("../../../assets/demo/round-2026.json");
/// The panel of the demo's round in progress: experts of their own (with their own keys), so
/// that the draft round's experts start, as a new user's would, without keys.
const DEMO_IN_PROGRESS_PANEL: &str = include_str!("../../../assets/demo/panel-2025.json");
/// The parks of the demo's completed round (a year before the one in progress), reviewed by the
/// same panel.
const DEMO_COMPLETED_ROUND: &str = include_str!("../../../assets/demo/round-2024.json");
/// Parks designated before the demo's rounds, entered in its register with the completed round
/// (and deleted with it).
const DEMO_REGISTER: &str = include_str!("../../../assets/demo/register-2023.json");
const DESIGNATION_CHECKLIST: &str =
    include_str!("../../../assets/checklists/designation-site.json");
/// The fictional recommendation letter attached under P3 (crates/documents/examples/demo_letter.rs).
const DEMO_LETTER: &[u8] = include_bytes!("../../../assets/demo/推荐函-示例.pdf");
/// The demo application (by its code's end, in either round) whose P4 item (2) is missing: its formal review shows what is missing.
/// It fails C3 anyway, so the demo's ranking is the same with or without it.
const DEMO_MISSING_POLICY_DOCUMENTS: &str = "-DG-01";

/// What loading the demo round created.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct DemoLoaded {
    pub round: Round,
    pub applications: u32,
    pub experts: u32,
    pub criteria: u32,
    pub checklist_items: u32,
}

/// The code of the demo's round in progress (a year before the draft one, so that the two never
/// share a city's yearly number, P2).
pub const DEMO_IN_PROGRESS_CODE: &str = "DEMO-2025";

/// The code of the demo's completed round: reviewed, ranked, reported and on its publicity list.
pub const DEMO_COMPLETED_CODE: &str = "DEMO-2024";

impl Store {
    /// Loads the demo round in one transaction. Refused if it is already loaded, or if one of
    /// its expert codes is taken; nothing is stored then.
    pub fn load_demo(&mut self, actor: &Actor) -> Result<DemoLoaded> {
        self.permits(actor)?;
        let demo = parse_demo_round(DEMO_ROUND)?;
        let existing: Option<String> = self
            .conn()
            .query_row("SELECT code FROM rounds WHERE is_demo = 1", [], |row| {
                row.get(0)
            })
            .optional()?;
        if let Some(existing) = existing {
            return Err(StoreError::DemoAlreadyLoaded(existing));
        }
        let code = format!("DEMO-{}", demo.year);
        let title = format!("示例批次：{}", round_title(demo.year, demo.kind));
        self.insert_demo(actor, &demo, &code, &title, true, &[])
    }

    /// The rows of the demo's round in progress, a year before the draft one: the same parks
    /// (their codes under that year) and a panel of its own (`assets/demo/panel-2025.json`), with the formal review recorded. The
    /// scores, keys, signatures and decisions that make it "in progress" are added by
    /// `park_review_operations::load_demo` through the product's own actions. Refused if it is
    /// loaded already.
    pub fn load_demo_in_progress(&mut self, actor: &Actor) -> Result<DemoLoaded> {
        self.permits(actor)?;
        let mut demo = parse_demo_round(DEMO_ROUND)?;
        self.refuse_if_loaded(DEMO_IN_PROGRESS_CODE)?;
        let draft = format!("{}-", demo.year);
        demo.year -= 1;
        let year = format!("{}-", demo.year);
        for app in &mut demo.applications {
            app.code = app.code.replacen(&draft, &year, 1);
        }
        // Experts of its own, with their own keys: the draft round's experts start, as a new
        // user's would, without keys.
        demo.experts =
            park_review_domain::exchange::parse_experts_file(DEMO_IN_PROGRESS_PANEL)?.experts;
        let title = format!(
            "示例批次（评审进行中）：{}",
            round_title(demo.year, demo.kind)
        );
        self.insert_demo(actor, &demo, DEMO_IN_PROGRESS_CODE, &title, true, &[])
    }

    /// The rows of the demo's completed round, a year before the one in progress: four other
    /// parks (`assets/demo/round-2024.json`) and the same panel, loaded after the round in
    /// progress (its experts are in the registry by then), and the parks designated before it,
    /// entered in the register (`assets/demo/register-2023.json`; they go with this round).
    /// What makes it completed is added by `park_review_operations::load_demo`. Refused if it
    /// is loaded already.
    pub fn load_demo_completed(&mut self, actor: &Actor) -> Result<DemoLoaded> {
        self.permits(actor)?;
        let mut demo = parse_demo_round(DEMO_COMPLETED_ROUND)?;
        self.refuse_if_loaded(DEMO_COMPLETED_CODE)?;
        demo.experts =
            park_review_domain::exchange::parse_experts_file(DEMO_IN_PROGRESS_PANEL)?.experts;
        let title = format!(
            "示例批次（已完成评审）：{}",
            round_title(demo.year, demo.kind)
        );
        let register = parse_demo_register(DEMO_REGISTER)?;
        self.insert_demo(actor, &demo, DEMO_COMPLETED_CODE, &title, false, &register)
    }

    /// DEMO_ALREADY_LOADED if a round with this demo round's code is there.
    fn refuse_if_loaded(&self, code: &str) -> Result<()> {
        let taken: Option<String> = self
            .conn()
            .query_row("SELECT code FROM rounds WHERE code = ?1", [code], |row| {
                row.get(0)
            })
            .optional()?;
        match taken {
            Some(existing) => Err(StoreError::DemoAlreadyLoaded(existing)),
            None => Ok(()),
        }
    }

    fn insert_demo(
        &mut self,
        actor: &Actor,
        demo: &park_review_domain::exchange::DemoRound,
        code: &str,
        title: &str,
        // False when the experts are the demo's own, loaded with an earlier demo round.
        new_experts: bool,
        // Parks designated before this round, entered in the register with it.
        register: &[EnteredPark],
    ) -> Result<DemoLoaded> {
        let rubric = crate::catalog::default_rubric();
        let checklist = parse_checklist(DESIGNATION_CHECKLIST)?;
        // The letter's file first (content-addressed: an unused copy harms nothing), then every
        // row in one transaction.
        let letter_sha256 = park_review_domain::digest::sha256_hex(DEMO_LETTER);
        let letter_path = self
            .attachments_dir()
            .join(&letter_sha256[..2])
            .join(&letter_sha256);
        if !letter_path.exists() {
            crate::write_atomically(&letter_path, DEMO_LETTER).map_err(|e| StoreError::Rule {
                code: park_review_domain::ErrorCode::Io,
                message: format!("无法保存示例推荐函：{e}。已保存的数据不受影响。"),
            })?;
        }
        self.write(actor, |tx| {
            let round = insert_round(tx, demo.year, demo.kind, code, title, true)?;
            for expert in demo.experts.iter().filter(|_| new_experts) {
                if expert_code_taken(tx, &expert.code)? {
                    return Err(StoreError::Conflict(format!(
                        "示例批次的专家编号“{}”已被专家库中的专家使用，无法载入示例批次。",
                        expert.code
                    )));
                }
            }
            let mut ids = Vec::new();
            for app in &demo.applications {
                ids.push(insert_application(tx, round.id, app)?);
            }
            record_demo_formal_review(tx, demo.year, &demo.applications, &ids, &letter_sha256)?;
            for expert in &demo.experts {
                upsert_panel_expert(tx, round.id, expert)?;
            }
            insert_rubric(tx, round.id, &rubric)?;
            insert_checklist(tx, round.id, &checklist)?;
            for park in register {
                insert_entered_park(tx, park, Some(round.id))?;
            }
            Ok(DemoLoaded {
                round,
                applications: demo.applications.len() as u32,
                experts: demo.experts.len() as u32,
                criteria: rubric
                    .sections
                    .iter()
                    .map(|s| s.criteria.len() as u32)
                    .sum(),
                checklist_items: checklist.items().count() as u32,
            })
        })
    }
}

/// The demo's register file: `{"format": "park-review/demo-register@1", "parks": [EnteredPark…]}`.
fn parse_demo_register(text: &str) -> Result<Vec<EnteredPark>> {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Register {
        format: String,
        parks: Vec<EnteredPark>,
    }
    let register: Register = serde_json::from_str(text).map_err(|e| StoreError::Rule {
        code: park_review_domain::ErrorCode::Internal,
        message: format!("示例名录文件有误：{e}"),
    })?;
    if register.format != "park-review/demo-register@1" {
        return Err(StoreError::Rule {
            code: park_review_domain::ErrorCode::Internal,
            message: format!("示例名录文件的格式“{}”不是本程序的。", register.format),
        });
    }
    Ok(register.parks)
}

/// The demo round's formal review as the secretariat would have left it: the documents behind
/// C1, C2, C5 and C7 checked; each application its city can recommend (P2: within the city's
/// yearly number, by the declared order) recommended with its letter under P3; the three P4
/// materials present — except the policy documents of one application, so the demo shows a
/// missing material.
fn record_demo_formal_review(
    tx: &mut crate::WriteTx<'_>,
    year: i32,
    apps: &[park_review_domain::model::ApplicationRecord],
    ids: &[park_review_domain::ids::ApplicationId],
    letter_sha256: &str,
) -> Result<()> {
    use park_review_domain::eligibility::{Material, RuleId};
    use rusqlite::params;
    let now = tx.now();
    let by = "示例数据";
    let mut recommended: std::collections::HashMap<park_review_domain::City, u32> =
        std::collections::HashMap::new();
    let mut order: Vec<usize> = (0..apps.len()).collect();
    order.sort_by_key(|&i| (apps[i].city_recommendation_rank, i));
    for i in order {
        let (app, id) = (&apps[i], ids[i].0);
        for rule in RuleId::ALL.into_iter().filter(|r| r.needs_documents()) {
            let uid = tx.new_uid();
            tx.tx.execute(
                "INSERT INTO eligibility_document_checks (uid, application_id, rule, note, checked_by, checked_at)
                 VALUES (?1, ?2, ?3, '示例：原件已核', ?4, ?5)",
                params![uid, id, rule.as_str(), by, now],
            )?;
        }
        let count = recommended.entry(app.city).or_default();
        if *count < app.city.yearly_quota() {
            *count += 1;
            let uid = tx.new_uid();
            tx.tx.execute(
                "INSERT INTO city_recommendations (uid, application_id, opinion, letter_date, signatory,
                        recommendation_order, recorded_by, recorded_at)
                 VALUES (?1, ?2, '经审核，申报材料真实、完整，同意推荐。', ?7, ?3, ?4, ?5, ?6)",
                params![uid, id, format!("{}工业和信息化局（示例）", app.city.name_zh()), *count, by, now, format!("{year}-09-10")],
            )?;
            let uid = tx.new_uid();
            tx.tx.execute(
                "INSERT INTO attachments (uid, application_id, clause, file_name, media_type, size_bytes,
                                          sha256, added_by, added_at)
                 VALUES (?1, ?2, 'P3', '推荐函-示例.pdf', 'application/pdf', ?3, ?4, ?5, ?6)",
                params![uid, id, DEMO_LETTER.len() as i64, letter_sha256, by, now],
            )?;
        }
        for material in Material::ALL {
            let missing = app.code.ends_with(DEMO_MISSING_POLICY_DOCUMENTS)
                && material == Material::PolicyDocuments;
            tx.tx.execute(
                "INSERT INTO material_checks (application_id, material, present, note, checked_by, checked_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    id,
                    material.as_str(),
                    !missing,
                    if missing { "示例：市政府政策文件尚未报送" } else { "" },
                    by,
                    now
                ],
            )?;
        }
    }
    Ok(())
}
