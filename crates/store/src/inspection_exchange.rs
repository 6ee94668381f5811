//! The inspection team's own laptop (docs/formats/inspection-exchange.md): an inspection package
//! from the secretariat (the round, the application and its materials, the frozen checklist, the
//! team) and an inspection bundle back (answers, evidence, dissents, the finalising and the
//! signed record revisions), each applied in one transaction, exactly once, with the same pinned
//! and registered signers as the experts' packages and bundles.

use std::collections::BTreeMap;

use park_review_domain::ids::{ApplicationId, ExpertId, RoundId};
use park_review_domain::inspection::{
    check_answer, checklist_sha256, missing, site_score, validate_checklist, Answer, StatusFactors,
};
use park_review_domain::model::Expert;
use park_review_domain::offline::{
    fingerprint_groups, AnswerEntry, EvidenceEntry, FinalisedEntry, InspectedApplication,
    InspectionBundleContent, InspectionHeader, InspectionPackageContent, PackageAttachment,
    PackageRound, RecordEntry, TeamMember, INSPECTION_BUNDLE_FORMAT, INSPECTION_PACKAGE_FORMAT,
};
use park_review_domain::ErrorCode;
use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use serde_json::json;
use ts_rs::TS;

use crate::error::{Result, StoreError};
use crate::exchange::Direction;
use crate::inspection::InspectionStatus;
use crate::signing::{insert_certificate, KeyOrigin, KeyOwner};
use crate::{Actor, DatabaseCopy, Store, WriteTx};

fn rule(code: ErrorCode, message: String) -> StoreError {
    StoreError::Rule { code, message }
}

/// An inspection container as it arrived or left: its signed manifest and the file's hash.
#[derive(Debug, Clone, PartialEq)]
pub struct InspectionFacts {
    pub uid: String,
    pub header: InspectionHeader,
    pub signer_sha256: String,
    pub signer_der: Vec<u8>,
    pub file_sha256: String,
    pub created_at: String,
}

/// An inspection package, ready to seal.
#[derive(Debug, Clone)]
pub struct InspectionPackageData {
    pub header: InspectionHeader,
    pub content: InspectionPackageContent,
    pub attachments: BTreeMap<String, Vec<u8>>,
}

/// An inspection bundle, ready to seal.
#[derive(Debug, Clone)]
pub struct InspectionBundleData {
    pub header: InspectionHeader,
    pub content: InspectionBundleContent,
    /// Evidence files by SHA-256.
    pub evidence: BTreeMap<String, Vec<u8>>,
    /// Signed record revisions by document uid.
    pub records: BTreeMap<String, Vec<u8>>,
}

/// What importing an inspection package or bundle did.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, TS)]
#[ts(export)]
pub struct InspectionExchanged {
    pub round: String,
    pub application: String,
    pub leader: String,
    pub sequence: u32,
    pub already_imported: bool,
    /// A package: the secretariat's certificate was pinned by it.
    pub pinned: bool,
    pub answers: u32,
    pub evidence: u32,
    pub records: u32,
    pub finalised: bool,
}

/// The inspection row's id and uid, the leader's id and code.
struct Visit {
    id: i64,
    uid: String,
    status: InspectionStatus,
    leader: Expert,
}

impl Store {
    fn visit(&self, app: ApplicationId) -> Result<Visit> {
        let (id, uid, status): (i64, String, String) = self
            .conn()
            .query_row(
                "SELECT id, uid, status FROM inspections WHERE application_id = ?1",
                [app.0],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound {
                what: "实地考察",
                key: app.to_string(),
                hint: "请先组建考察组（park-review inspection team set）。".into(),
            })?;
        let leader: String = self.conn().query_row(
            "SELECT e.code FROM inspection_members m JOIN experts e ON e.id = m.expert_id
             WHERE m.inspection_id = ?1 AND m.role = 'leader'",
            [id],
            |r| r.get(0),
        )?;
        Ok(Visit {
            id,
            uid,
            status: match status.as_str() {
                "finalised" => InspectionStatus::Finalised,
                "in_progress" => InspectionStatus::InProgress,
                _ => InspectionStatus::Planned,
            },
            leader: self.expert_by_code(&leader)?,
        })
    }

    fn newest_inspection_exchange(
        &self,
        direction: Direction,
        round: RoundId,
        app: ApplicationId,
    ) -> Result<Option<(u32, String, String)>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT sequence, uid, report FROM exchanges WHERE direction = ?1 AND round_id = ?2 AND application_id = ?3
                 ORDER BY sequence DESC LIMIT 1",
                params![direction.as_str(), round.0, app.0],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?)
    }

    /// What the team's package holds. The inspection must have a team; it is started (and the
    /// checklist frozen) by the caller before.
    pub fn inspection_package_data(
        &self,
        round_id: RoundId,
        application: &str,
    ) -> Result<InspectionPackageData> {
        self.require_secretariat_copy()?;
        let round = self.round(round_id)?;
        let app = self.find_application(round_id, application)?;
        let view = self.inspection(round_id, &app.code)?;
        if view.status != InspectionStatus::InProgress {
            return Err(rule(
                ErrorCode::InvalidTransition,
                format!(
                    "申报 {} 的实地考察{}：只能为进行中的考察导出考察包。",
                    app.code,
                    view.status.name_zh()
                ),
            ));
        }
        let checklist = self.checklist(round_id)?;
        let record = self.application_record(round_id, &app.code)?;
        let mut attachments = BTreeMap::new();
        let mut listed = Vec::new();
        for a in self.attachments_of(app.id)? {
            let (_, bytes) = self.read_attachment_bytes(&a.uid.0)?;
            listed.push(PackageAttachment {
                uid: a.uid.0.clone(),
                clause: a.clause.clone(),
                file_name: a.file_name.clone(),
                media_type: a.media_type.clone(),
                sha256: a.sha256.clone(),
                size_bytes: a.size_bytes,
            });
            attachments.insert(a.sha256.clone(), bytes);
        }
        let mut team = Vec::new();
        for m in &view.team {
            let e = self.expert_by_code(&m.code)?;
            team.push(TeamMember {
                uid: e.uid.0.clone(),
                expert: park_review_domain::model::ExpertRecord {
                    code: e.code.clone(),
                    name: e.name.clone(),
                    employer: e.employer.clone(),
                    city: e.city,
                    field: e.field.clone(),
                    contact: e.contact.clone(),
                    employer_credit_code: e.employer_credit_code.clone(),
                    relations: e.relations.clone(),
                },
                leader: m.leader,
            });
        }
        let leader = view
            .team
            .iter()
            .find(|m| m.leader)
            .map(|m| m.code.clone())
            .unwrap_or_default();
        let sequence = self
            .newest_inspection_exchange(Direction::InspectionPackageOut, round_id, app.id)?
            .map_or(1, |(n, _, _)| n + 1);
        let factors: String = self.conn().query_row(
            "SELECT site_factors FROM rounds WHERE id = ?1",
            [round_id.0],
            |r| r.get(0),
        )?;
        Ok(InspectionPackageData {
            header: InspectionHeader {
                round_uid: round.uid.0.clone(),
                round_code: round.code.clone(),
                application_uid: app.uid.0.clone(),
                application_code: app.code.clone(),
                inspection_uid: view.uid.clone(),
                leader_code: leader,
                sequence,
            },
            content: InspectionPackageContent {
                format: INSPECTION_PACKAGE_FORMAT.into(),
                round: PackageRound {
                    uid: round.uid.0.clone(),
                    code: round.code.clone(),
                    year: round.year,
                    kind: round.kind,
                    status: round.status,
                    title: round.title.clone(),
                },
                application: InspectedApplication {
                    uid: app.uid.0.clone(),
                    record,
                    attachments: listed,
                },
                checklist_sha256: checklist.frozen_sha256.clone().unwrap_or_default(),
                checklist: checklist.checklist,
                inspection_uid: view.uid.clone(),
                visit_date: view.visit_date.clone(),
                place: view.place.clone(),
                team,
                site_factors: serde_json::from_str(&factors).unwrap_or(StatusFactors::DEFAULT),
            },
            attachments,
        })
    }

    /// Logs an inspection container this database sealed.
    pub fn record_inspection_sent(
        &mut self,
        actor: &Actor,
        direction: Direction,
        facts: &InspectionFacts,
    ) -> Result<()> {
        let round = self.find_round(&facts.header.round_uid)?;
        let app = self.find_application(round.id, &facts.header.application_uid)?;
        let leader = self.expert_by_code(&facts.header.leader_code)?;
        self.write(actor, |tx| {
            log(tx, direction, facts, round.id, leader.id, app.id, &json!({}))?;
            tx.audit(
                if direction == Direction::InspectionPackageOut { "inspection.package.export" } else { "inspection.bundle.export" },
                "exchange",
                &facts.uid,
                json!({"application": app.code, "sequence": facts.header.sequence, "file_sha256": facts.file_sha256}),
            )
        })
    }

    /// Applies an inspection package on the team's laptop, in one transaction: a new database
    /// (or this team's copy) only; the secretariat's certificate pinned by the first package;
    /// the same package twice changes nothing; an older one is PACKAGE_OUTDATED.
    pub fn apply_inspection_package(
        &mut self,
        facts: &InspectionFacts,
        content: &InspectionPackageContent,
        attachments: &BTreeMap<String, Vec<u8>>,
    ) -> Result<InspectionExchanged> {
        let header = &facts.header;
        let malformed = |what: &str| {
            rule(
                ErrorCode::ImportMalformed,
                format!("考察包内容自相矛盾：{what}。没有导入任何内容。"),
            )
        };
        if content.round.uid != header.round_uid
            || content.application.uid != header.application_uid
            || content.application.record.code != header.application_code
            || content.inspection_uid != header.inspection_uid
            || !content
                .team
                .iter()
                .any(|m| m.leader && m.expert.code == header.leader_code)
        {
            return Err(malformed("内容所写的批次、申报或组长与签名的清单不符"));
        }
        validate_checklist(&content.checklist)?;
        if checklist_sha256(&content.checklist) != content.checklist_sha256 {
            return Err(malformed("考察清单与其 SHA-256 不符"));
        }
        for a in &content.application.attachments {
            let ok = attachments.get(&a.sha256).is_some_and(|b| {
                park_review_domain::digest::sha256_hex(b) == a.sha256
                    && b.len() as u64 == a.size_bytes
            });
            if !ok {
                return Err(malformed(&format!(
                    "材料“{}”缺失或与其 SHA-256 不符",
                    a.file_name
                )));
            }
        }
        // Who may import it where.
        match self.copy().clone() {
            DatabaseCopy::Inspection(_) => {
                if let Some(pinned) = self.pinned_secretariat()? {
                    if pinned.certificate_sha256 != facts.signer_sha256 {
                        return Err(rule(
                            ErrorCode::PackageSignerChanged,
                            format!(
                                "考察包的签名证书（{}）不是本机固定的秘书处证书（{}）：可能是伪造的考察包，未导入任何内容。",
                                fingerprint_groups(&facts.signer_sha256),
                                fingerprint_groups(&pinned.certificate_sha256)
                            ),
                        ));
                    }
                }
            }
            DatabaseCopy::Expert(code) => {
                return Err(rule(
                    ErrorCode::NotPermitted,
                    format!("这是评审专家 {code} 的评审副本：考察包请导入考察组自己的电脑。没有做任何改动。"),
                ))
            }
            DatabaseCopy::Secretariat => {
                let rounds: i64 = self.conn().query_row("SELECT count(*) FROM rounds", [], |r| r.get(0))?;
                if rounds > 0 || self.pinned_secretariat()?.is_some() {
                    return Err(rule(
                        ErrorCode::NotPermitted,
                        "这个数据库已有评审批次（是秘书处的数据库或演示数据库）：考察包只能导入考察组电脑上的新数据库，例如 `park-review --db 考察.db inspection package import F`。没有做任何改动。".into(),
                    ));
                }
            }
        }
        let existing = self
            .find_round(&header.round_uid)
            .ok()
            .filter(|r| r.uid.0 == header.round_uid);
        if let Some(round) = &existing {
            let app = self.find_application(round.id, &header.application_uid)?;
            if let Some((sequence, uid, report)) =
                self.newest_inspection_exchange(Direction::InspectionPackageIn, round.id, app.id)?
            {
                if uid == facts.uid {
                    let mut done: InspectionExchanged = serde_json::from_str(&report)
                        .map_err(|e| StoreError::Internal(e.to_string()))?;
                    done.already_imported = true;
                    done.pinned = false;
                    return Ok(done);
                }
                if header.sequence <= sequence {
                    return Err(rule(
                        ErrorCode::PackageOutdated,
                        format!("这是第 {} 号考察包，本机已导入第 {sequence} 号：旧的考察包不会覆盖新的，没有做任何改动。", header.sequence),
                    ));
                }
            }
        } else if let Ok(other) = self.find_round(&content.round.code) {
            return Err(rule(
                ErrorCode::RoundExists,
                format!("本机已有批次 {}，但它不是考察包所属的批次：请为这个考察包使用新的数据库。没有做任何改动。", other.code),
            ));
        }
        for (sha, bytes) in attachments {
            let path = self.attachments_dir().join(&sha[..2]).join(sha);
            if !path.exists() {
                crate::write_atomically(&path, bytes).map_err(|e| {
                    rule(
                        ErrorCode::Io,
                        format!("无法保存申报材料：{e}。没有导入任何内容。"),
                    )
                })?;
            }
        }
        let newly_pinned = self.pinned_secretariat()?.is_none();
        let leader = header.leader_code.clone();
        let report = InspectionExchanged {
            round: content.round.code.clone(),
            application: content.application.record.code.clone(),
            leader: leader.clone(),
            sequence: header.sequence,
            already_imported: false,
            pinned: newly_pinned,
            answers: 0,
            evidence: content.application.attachments.len() as u32,
            records: 0,
            finalised: false,
        };
        let actor = Actor::inspector(&leader, crate::Surface::Program);
        self.write(&actor, |tx| {
            let now = tx.now();
            if newly_pinned {
                insert_certificate(tx, None, "秘书处", &facts.signer_der, &facts.signer_sha256, None, KeyOrigin::Pinned)?;
                tx.tx.execute(
                    "UPDATE database_copy SET kind = 'inspection', expert_code = ?1 WHERE id = 1",
                    [&leader],
                )?;
                tx.audit("copy.inspection", "database", &leader, json!({"leader": leader}))?;
            }
            let round_id = match &existing {
                Some(round) => round.id,
                None => {
                    let round = crate::rounds::insert_round(tx, content.round.year, content.round.kind, &content.round.code, &content.round.title, false)?;
                    tx.tx.execute(
                        "UPDATE rounds SET uid = ?2, status = ?3, site_factors = ?4 WHERE id = ?1",
                        params![round.id.0, content.round.uid, content.round.status.as_str(), json!(content.site_factors).to_string()],
                    )?;
                    crate::inspection::insert_checklist(tx, round.id, &content.checklist)?;
                    tx.tx.execute(
                        "UPDATE checklists SET frozen_sha256 = ?2, frozen_at = ?3 WHERE round_id = ?1",
                        params![round.id.0, content.checklist_sha256, now],
                    )?;
                    round.id
                }
            };
            let mut team_ids = Vec::new();
            for m in &content.team {
                crate::experts::upsert_panel_expert(tx, round_id, &m.expert)?;
                tx.tx.execute("UPDATE experts SET uid = ?2 WHERE code = ?1", params![m.expert.code, m.uid])?;
                let id: i64 = tx.tx.query_row("SELECT id FROM experts WHERE code = ?1", [&m.expert.code], |r| r.get(0))?;
                team_ids.push((id, m.leader));
            }
            let app_id: i64 = match tx
                .tx
                .query_row("SELECT id FROM applications WHERE uid = ?1", [&content.application.uid], |r| r.get(0))
                .optional()?
            {
                Some(id) => id,
                None => {
                    let id = crate::applications::insert_application(tx, RoundId(round_id.0), &content.application.record)?;
                    tx.tx.execute("UPDATE applications SET uid = ?2 WHERE id = ?1", params![id.0, content.application.uid])?;
                    id.0
                }
            };
            for a in &content.application.attachments {
                tx.tx.execute(
                    "INSERT INTO attachments (uid, application_id, clause, file_name, media_type, size_bytes, sha256, added_by, added_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, '秘书处', ?8) ON CONFLICT (application_id, clause, sha256) DO NOTHING",
                    params![a.uid, app_id, a.clause, a.file_name, a.media_type, a.size_bytes as i64, a.sha256, now],
                )?;
            }
            let inspection_id: i64 = match tx
                .tx
                .query_row("SELECT id FROM inspections WHERE uid = ?1", [&content.inspection_uid], |r| r.get(0))
                .optional()?
            {
                Some(id) => {
                    tx.tx.execute(
                        "UPDATE inspections SET visit_date = ?2, place = ?3, updated_at = ?4 WHERE id = ?1",
                        params![id, content.visit_date, content.place, now],
                    )?;
                    tx.tx.execute("DELETE FROM inspection_members WHERE inspection_id = ?1", [id])?;
                    id
                }
                None => {
                    tx.tx.execute(
                        "INSERT INTO inspections (uid, round_id, application_id, status, visit_date, place, checklist_sha256,
                                                  started_at, created_at, updated_at)
                         VALUES (?1, ?2, ?3, 'in_progress', ?4, ?5, ?6, ?7, ?7, ?7)",
                        params![content.inspection_uid, round_id.0, app_id, content.visit_date, content.place, content.checklist_sha256, now],
                    )?;
                    tx.tx.last_insert_rowid()
                }
            };
            for (id, leader) in &team_ids {
                tx.tx.execute(
                    "INSERT INTO inspection_members (inspection_id, expert_id, role) VALUES (?1, ?2, ?3)",
                    params![inspection_id, id, if *leader { "leader" } else { "member" }],
                )?;
            }
            let leader_id = team_ids.iter().find(|(_, l)| *l).map(|(id, _)| *id).unwrap_or_default();
            let detail = serde_json::to_value(&report).map_err(|e| StoreError::Internal(e.to_string()))?;
            log(tx, Direction::InspectionPackageIn, facts, round_id, ExpertId(leader_id), ApplicationId(app_id), &detail)?;
            tx.audit("inspection.package.import", "exchange", &facts.uid, detail)
        })?;
        self.copy = DatabaseCopy::Inspection(leader);
        Ok(report)
    }

    /// What the team's bundle holds (on the team's copy): every answer, evidence file, dissent,
    /// the finalising, and each signed revision of the record.
    pub fn inspection_bundle_data(
        &self,
        round_id: RoundId,
        application: &str,
    ) -> Result<InspectionBundleData> {
        let DatabaseCopy::Inspection(_) = self.copy() else {
            return Err(rule(
                ErrorCode::NotPermitted,
                "这里不是考察组的考察副本：考察结果包在考察组的电脑上导出。".into(),
            ));
        };
        let round = self.round(round_id)?;
        let app = self.find_application(round_id, application)?;
        let visit = self.visit(app.id)?;
        let view = self.inspection(round_id, &app.code)?;
        let mut evidence = BTreeMap::new();
        let mut entries = Vec::new();
        for item in &view.items {
            for e in &item.evidence {
                let (_, bytes) = self.read_evidence(&e.uid)?;
                evidence.insert(e.sha256.clone(), bytes);
                entries.push(EvidenceEntry {
                    uid: e.uid.clone(),
                    item: e.item.clone(),
                    file_name: e.file_name.clone(),
                    media_type: e.media_type.clone(),
                    sha256: e.sha256.clone(),
                    size_bytes: e.size_bytes,
                    captured_at: e.captured_at.clone(),
                    latitude: e.latitude,
                    longitude: e.longitude,
                    added_by: e.added_by.clone(),
                    added_at: e.added_at.clone(),
                });
            }
        }
        let answers: Vec<AnswerEntry> = view
            .items
            .iter()
            .filter_map(|i| {
                Some(AnswerEntry {
                    item: i.item.code.clone(),
                    status: i.answer.status,
                    value: i.answer.value,
                    text: i.answer.text.clone(),
                    note: i.answer.note.clone(),
                    updated_at: i.updated_at.clone()?,
                    updated_by: i.updated_by.clone()?,
                })
            })
            .collect();
        let mut records = BTreeMap::new();
        let mut record_entries = Vec::new();
        let mut stmt = self.conn().prepare(
            "SELECT s.uid, e.code, s.snapshot, s.issued_at, s.file_sha256, s.pdf FROM signed_sheets s
             JOIN experts e ON e.id = s.expert_id WHERE s.application_id = ?1 AND s.kind = 'inspection-record' ORDER BY s.id",
        )?;
        let rows = stmt.query_map([app.id.0], |r| {
            let snapshot: String = r.get(2)?;
            Ok((
                RecordEntry {
                    uid: r.get(0)?,
                    signer: r.get(1)?,
                    snapshot: serde_json::from_str(&snapshot).unwrap_or_default(),
                    issued_at: r.get(3)?,
                    file_sha256: r.get(4)?,
                },
                r.get::<_, Vec<u8>>(5)?,
            ))
        })?;
        for row in rows {
            let (entry, pdf) = row?;
            records.insert(entry.uid.clone(), pdf);
            record_entries.push(entry);
        }
        let sequence = self
            .newest_inspection_exchange(Direction::InspectionBundleOut, round_id, app.id)?
            .map_or(1, |(n, _, _)| n + 1);
        Ok(InspectionBundleData {
            header: InspectionHeader {
                round_uid: round.uid.0.clone(),
                round_code: round.code.clone(),
                application_uid: app.uid.0.clone(),
                application_code: app.code.clone(),
                inspection_uid: visit.uid.clone(),
                leader_code: visit.leader.code.clone(),
                sequence,
            },
            content: InspectionBundleContent {
                format: INSPECTION_BUNDLE_FORMAT.into(),
                inspection_uid: visit.uid,
                checklist_sha256: view.checklist_sha256.clone().unwrap_or_default(),
                answers,
                evidence: entries,
                dissents: self.inspection_dissents(round_id, &app.code)?,
                finalised: match (view.status, &view.finalised_at) {
                    (InspectionStatus::Finalised, Some(at)) => Some(FinalisedEntry {
                        at: at.clone(),
                        by: view.finalised_by.clone().unwrap_or_default(),
                        site_score: view.site_score.total,
                    }),
                    _ => None,
                },
                records: record_entries,
            },
            evidence,
            records,
        })
    }

    /// CERT_NOT_REGISTERED unless an inspection bundle's signer is the leader's registered
    /// certificate here.
    pub fn check_inspection_signer(&self, facts: &InspectionFacts) -> Result<()> {
        self.require_secretariat_copy()?;
        let leader = self.expert_by_code(&facts.header.leader_code)?;
        let registered = self.signing_key(KeyOwner::Expert(&leader.code)).ok();
        if registered
            .as_ref()
            .is_some_and(|k| k.certificate_sha256 == facts.signer_sha256)
        {
            return Ok(());
        }
        Err(rule(
            ErrorCode::CertNotRegistered,
            format!(
                "考察结果包由组长 {} {} 签名，其证书（SHA-256 {}）未在本数据库登记：请先与组长本人核对指纹，再用 `park-review cert import --expert {} F.pem` 登记。没有做任何改动。",
                leader.code,
                leader.name,
                fingerprint_groups(&facts.signer_sha256),
                leader.code
            ),
        ))
    }

    /// Applies an inspection bundle on the secretariat's database, in one transaction: the
    /// leader's registered signer, the sequence, the same frozen checklist, every answer checked
    /// against its item, every evidence file by hash; a finalised visit's score recomputed here
    /// and compared; the signed record revisions (verified by the caller) recorded.
    pub fn apply_inspection_bundle(
        &mut self,
        facts: &InspectionFacts,
        content: &InspectionBundleContent,
        evidence: &BTreeMap<String, Vec<u8>>,
        records: &BTreeMap<String, Vec<u8>>,
    ) -> Result<InspectionExchanged> {
        self.check_inspection_signer(facts)?;
        let header = &facts.header;
        let round = self.find_round(&header.round_uid)?;
        let app = self.find_application(round.id, &header.application_uid)?;
        let visit = self.visit(app.id)?;
        if visit.uid != header.inspection_uid
            || content.inspection_uid != header.inspection_uid
            || visit.leader.code != header.leader_code
        {
            return Err(rule(
                ErrorCode::NotPermitted,
                "考察结果包不属于本数据库中的这次考察（考察编号或组长不符）：没有做任何改动。"
                    .into(),
            ));
        }
        if let Some((sequence, uid, report)) =
            self.newest_inspection_exchange(Direction::InspectionBundleIn, round.id, app.id)?
        {
            if uid == facts.uid {
                let mut done: InspectionExchanged = serde_json::from_str(&report)
                    .map_err(|e| StoreError::Internal(e.to_string()))?;
                done.already_imported = true;
                return Ok(done);
            }
            if header.sequence <= sequence {
                return Err(rule(
                    ErrorCode::BundleOutdated,
                    format!(
                        "这是第 {} 号考察结果包，本机已导入第 {sequence} 号：没有做任何改动。",
                        header.sequence
                    ),
                ));
            }
        }
        if visit.status == InspectionStatus::Finalised {
            return Err(rule(
                ErrorCode::InspectionFinalised,
                format!("申报 {} 的实地考察在本数据库已定稿：如需更新，请先写明理由退回。没有做任何改动。", app.code),
            ));
        }
        let checklist = self.checklist(round.id)?;
        if checklist.frozen_sha256.as_deref() != Some(content.checklist_sha256.as_str()) {
            return Err(rule(
                ErrorCode::ChecklistFrozen,
                "考察结果包所依据的考察清单与本批次冻结的清单不同：没有做任何改动。".into(),
            ));
        }
        let members: Vec<String> = self
            .inspection(round.id, &app.code)?
            .team
            .iter()
            .map(|m| m.code.clone())
            .collect();
        let mut plain: BTreeMap<String, Answer> = BTreeMap::new();
        for a in &content.answers {
            let item = checklist.checklist.item(&a.item).ok_or_else(|| {
                rule(
                    ErrorCode::NotFound,
                    format!(
                        "考察结果包中有考察清单没有的考察项“{}”：没有做任何改动。",
                        a.item
                    ),
                )
            })?;
            let answer = Answer {
                status: a.status,
                value: a.value,
                text: a.text.clone(),
                note: a.note.clone(),
                evidence: 0,
            };
            check_answer(item, &answer)?;
            plain.insert(a.item.clone(), answer);
        }
        for e in &content.evidence {
            if checklist.checklist.item(&e.item).is_none() {
                return Err(rule(
                    ErrorCode::NotFound,
                    format!(
                        "佐证 {} 所属的考察项“{}”不在考察清单中：没有做任何改动。",
                        e.file_name, e.item
                    ),
                ));
            }
            let ok = evidence.get(&e.sha256).is_some_and(|b| {
                park_review_domain::digest::sha256_hex(b) == e.sha256
                    && b.len() as u64 == e.size_bytes
                    && crate::attachments::sniff_media_type(b) == Some(e.media_type.as_str())
            });
            if !ok {
                return Err(rule(
                    ErrorCode::SignatureInvalid,
                    format!(
                        "佐证“{}”缺失或与其 SHA-256 不符：没有做任何改动。",
                        e.file_name
                    ),
                ));
            }
            if let Some(a) = plain.get_mut(&e.item) {
                a.evidence += 1;
            } else {
                plain.insert(
                    e.item.clone(),
                    Answer {
                        evidence: 1,
                        ..Answer::default()
                    },
                );
            }
        }
        for code in content.dissents.keys() {
            if !members.contains(code) {
                return Err(rule(
                    ErrorCode::NotPermitted,
                    format!("不同意见署名 {code} 不是考察组成员：没有做任何改动。"),
                ));
            }
        }
        if let Some(f) = &content.finalised {
            let factors: StatusFactors = self
                .conn()
                .query_row(
                    "SELECT site_factors FROM rounds WHERE id = ?1",
                    [round.id.0],
                    |r| r.get::<_, String>(0),
                )
                .map(|t| serde_json::from_str(&t).unwrap_or(StatusFactors::DEFAULT))?;
            let gaps = missing(&checklist.checklist, &plain);
            let score = site_score(&checklist.checklist, &plain, factors).total;
            if !gaps.is_empty() || score != f.site_score {
                return Err(rule(
                    ErrorCode::InspectionIncomplete,
                    format!("考察结果包称已定稿（{} 分），本数据库据其记录算得 {score} 分{}：没有做任何改动。", f.site_score,
                        if gaps.is_empty() { String::new() } else { format!("，且尚缺 {}", gaps.join("、")) }),
                ));
            }
        }
        for r in &content.records {
            let ok = records
                .get(&r.uid)
                .is_some_and(|pdf| park_review_domain::digest::sha256_hex(pdf) == r.file_sha256);
            if !ok || !members.contains(&r.signer) {
                return Err(rule(
                    ErrorCode::SignatureInvalid,
                    format!(
                        "考察记录 {} 缺失、被改动或签名人不是考察组成员：没有做任何改动。",
                        r.uid
                    ),
                ));
            }
        }
        for (sha, bytes) in evidence {
            let path = self.attachments_dir().join(&sha[..2]).join(sha);
            if !path.exists() {
                crate::write_atomically(&path, bytes).map_err(|e| {
                    rule(
                        ErrorCode::Io,
                        format!("无法保存佐证：{e}。没有导入任何内容。"),
                    )
                })?;
            }
        }
        let report = InspectionExchanged {
            round: round.code.clone(),
            application: app.code.clone(),
            leader: visit.leader.code.clone(),
            sequence: header.sequence,
            already_imported: false,
            pinned: false,
            answers: content.answers.len() as u32,
            evidence: content.evidence.len() as u32,
            records: content.records.len() as u32,
            finalised: content.finalised.is_some(),
        };
        let actor = Actor::inspector(&visit.leader.code, crate::Surface::Program);
        let record_ref = format!("实地考察记录 {}", visit.uid);
        self.write(&actor, |tx| {
            let now = tx.now();
            for a in &content.answers {
                tx.tx.execute(
                    "INSERT INTO inspection_answers (inspection_id, item_code, status, value, text, note, updated_at, updated_by)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                     ON CONFLICT (inspection_id, item_code) DO UPDATE SET status = excluded.status, value = excluded.value,
                        text = excluded.text, note = excluded.note, updated_at = excluded.updated_at, updated_by = excluded.updated_by",
                    params![visit.id, a.item, a.status.map(|s| s.as_str()), a.value, a.text, a.note, a.updated_at, a.updated_by],
                )?;
            }
            for e in &content.evidence {
                tx.tx.execute(
                    "INSERT INTO inspection_evidence (uid, inspection_id, item_code, file_name, media_type, size_bytes, sha256,
                                                      captured_at, latitude, longitude, added_by, added_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
                     ON CONFLICT DO NOTHING",
                    params![e.uid, visit.id, e.item, e.file_name, e.media_type, e.size_bytes as i64, e.sha256,
                            e.captured_at, e.latitude, e.longitude, e.added_by, e.added_at],
                )?;
            }
            for (code, text) in &content.dissents {
                tx.tx.execute(
                    "INSERT INTO inspection_dissents (inspection_id, expert_id, dissent, recorded_at)
                     VALUES (?1, (SELECT id FROM experts WHERE code = ?2), ?3, ?4)
                     ON CONFLICT (inspection_id, expert_id) DO UPDATE SET dissent = excluded.dissent",
                    params![visit.id, code, text, now],
                )?;
            }
            if let Some(f) = &content.finalised {
                tx.tx.execute(
                    "UPDATE inspections SET status = 'finalised', finalised_at = ?2, finalised_by = ?3, site_score_centi = ?4, updated_at = ?5
                     WHERE id = ?1",
                    params![visit.id, f.at, f.by, f.site_score.centi(), now],
                )?;
                tx.tx.execute(
                    "INSERT INTO site_scores (uid, application_id, points_centi, record_ref, source, entered_by, entered_at)
                     VALUES (?1, ?2, ?3, ?4, 'inspection', ?5, ?6)
                     ON CONFLICT (application_id) DO UPDATE SET points_centi = excluded.points_centi, record_ref = excluded.record_ref,
                        source = 'inspection', entered_by = excluded.entered_by, entered_at = excluded.entered_at",
                    params![tx.new_uid(), app.id.0, f.site_score.centi(), record_ref, f.by, now],
                )?;
            }
            for r in &content.records {
                let exists: bool = tx.tx.query_row("SELECT EXISTS (SELECT 1 FROM signed_sheets WHERE uid = ?1)", [&r.uid], |x| x.get(0))?;
                if exists {
                    continue;
                }
                tx.tx.execute(
                    "INSERT INTO signed_sheets (uid, round_id, expert_id, application_id, kind, snapshot, file_sha256, pdf, issued_at)
                     VALUES (?1, ?2, (SELECT id FROM experts WHERE code = ?3), ?4, 'inspection-record', ?5, ?6, ?7, ?8)",
                    params![r.uid, round.id.0, r.signer, app.id.0, r.snapshot.to_string(), r.file_sha256, records[&r.uid], r.issued_at],
                )?;
            }
            let detail = serde_json::to_value(&report).map_err(|e| StoreError::Internal(e.to_string()))?;
            log(tx, Direction::InspectionBundleIn, facts, round.id, visit.leader.id, app.id, &detail)?;
            tx.audit("inspection.bundle.import", "exchange", &facts.uid, detail)
        })?;
        Ok(report)
    }
}

fn log(
    tx: &mut WriteTx<'_>,
    direction: Direction,
    facts: &InspectionFacts,
    round: RoundId,
    leader: ExpertId,
    app: ApplicationId,
    report: &serde_json::Value,
) -> Result<()> {
    let now = tx.now();
    tx.tx.execute(
        "INSERT INTO exchanges (uid, direction, round_id, expert_id, application_id, sequence, signer_sha256, file_sha256,
                                created_at, recorded_at, report)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![facts.uid, direction.as_str(), round.0, leader.0, app.0, facts.header.sequence, facts.signer_sha256,
                facts.file_sha256, facts.created_at, now, report.to_string()],
    )?;
    Ok(())
}
