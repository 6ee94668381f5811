//! The offline exchange as the database sees it (docs/formats/package.md, bundle.md):
//!
//! * on the secretariat's database, what one expert's review package holds
//!   ([`Store::package_data`]), the expert certificates registered for checking bundles
//!   ([`Store::register_certificate`]), and a score bundle applied in one transaction
//!   ([`Store::apply_bundle`]);
//! * on an expert's laptop, a review package applied in one transaction
//!   ([`Store::apply_package`]: the round, the frozen rubric, the expert's assignments and
//!   their materials, with the secretariat's uids so that a signed sheet's claim names the same
//!   rows on both databases) and what the expert's bundle holds ([`Store::bundle_data`]);
//! * on both, a log of every container sent or received, by uid and sequence number, so that
//!   the same file twice changes nothing and an older one is refused.
//!
//! The containers' signatures and the PDFs inside are checked by the operations before these
//! are called; whose signature is acceptable (the pinned secretariat, the registered expert) is
//! looked up here.

use std::collections::{BTreeMap, HashMap};

use park_review_domain::ids::{ApplicationId, RoundId};
use park_review_domain::model::{ApplicationRecord, Expert, ExpertRecord, Round};
use park_review_domain::offline::{
    BundleContent, BundleDocumentKind, BundleScore, BundleSheet, BundleSigned, ExchangeHeader,
    PackageApplication, PackageAttachment, PackageContent, PackageRound, BUNDLE_FORMAT,
    PACKAGE_FORMAT,
};
use park_review_domain::rubric::{check_points, rubric_sha256};
use park_review_domain::{Coded, ErrorCode, Points, RoundStatus};
use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use serde_json::json;
use ts_rs::TS;

use crate::error::{Result, StoreError};
use crate::signing::{insert_certificate, KeyOrigin, KeyOwner, StoredKey};
use crate::{Actor, DatabaseCopy, Store, WriteTx};

fn rule(code: ErrorCode, message: String) -> StoreError {
    StoreError::Rule { code, message }
}

/// Which way a container went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    PackageOut,
    PackageIn,
    BundleOut,
    BundleIn,
    InspectionPackageOut,
    InspectionPackageIn,
    InspectionBundleOut,
    InspectionBundleIn,
}

impl Direction {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Direction::PackageOut => "package_out",
            Direction::PackageIn => "package_in",
            Direction::BundleOut => "bundle_out",
            Direction::BundleIn => "bundle_in",
            Direction::InspectionPackageOut => "inspection_package_out",
            Direction::InspectionPackageIn => "inspection_package_in",
            Direction::InspectionBundleOut => "inspection_bundle_out",
            Direction::InspectionBundleIn => "inspection_bundle_in",
        }
    }
}

/// A container as it arrived (or left): from its signed manifest, and the file's own hash.
#[derive(Debug, Clone, PartialEq)]
pub struct ContainerFacts {
    pub uid: String,
    pub header: ExchangeHeader,
    pub signer_sha256: String,
    pub signer_der: Vec<u8>,
    pub file_sha256: String,
    pub created_at: String,
}

/// One review package, ready to seal: its content, the attachments' bytes by SHA-256, and the
/// header (with the next sequence number for this expert and round).
#[derive(Debug, Clone)]
pub struct PackageData {
    pub header: ExchangeHeader,
    pub content: PackageContent,
    pub attachments: BTreeMap<String, Vec<u8>>,
}

/// One score bundle, ready to seal.
#[derive(Debug, Clone)]
pub struct BundleData {
    pub header: ExchangeHeader,
    pub content: BundleContent,
    /// The signed PDFs by document uid.
    pub pdfs: BTreeMap<String, Vec<u8>>,
}

/// An assignment the newer package took away, and whether the expert had begun it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct WithdrawnAssignment {
    pub application: String,
    /// Scores or an opinion were entered: they stay in the audit log.
    pub had_drafts: bool,
}

/// What importing a review package did on the expert's laptop.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct PackageImported {
    pub round: Round,
    pub expert: String,
    pub sequence: u32,
    /// The same package was imported before: nothing changed.
    pub already_imported: bool,
    /// The secretariat's certificate was pinned by this package (the first one).
    pub pinned: bool,
    /// The secretariat's certificate, SHA-256 in hex.
    pub secretariat_sha256: String,
    pub applications: u32,
    pub attachments: u32,
    /// Applications newly assigned by this package.
    pub added: Vec<String>,
    /// Assignments this package took away.
    pub withdrawn: Vec<WithdrawnAssignment>,
}

/// New, updated and unchanged counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize, TS)]
#[ts(export)]
pub struct Counts {
    pub new: u32,
    pub updated: u32,
    pub unchanged: u32,
}

/// What importing a score bundle did on the secretariat's database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, TS)]
#[ts(export)]
pub struct BundleImported {
    pub bundle: String,
    pub round: String,
    pub expert: String,
    pub sequence: u32,
    /// The same bundle was imported before: nothing changed.
    pub already_imported: bool,
    pub sheets: Counts,
    pub scores: Counts,
    /// Pledges: new and unchanged (a pledge is never changed).
    pub pledges: Counts,
    /// Signed PDFs newly collected.
    pub signed_sheets: u32,
}

/// Where one panel expert stands in the exchange: for the secretariat to see who has their
/// package, whose certificate is registered, and whose scores came back.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ExchangeStatus {
    pub expert: String,
    pub name: String,
    /// Applications assigned.
    pub assigned: u32,
    /// The newest package sent: its sequence number and when it was made.
    pub package_sequence: Option<u32>,
    pub package_at: Option<String>,
    /// The registered certificate, in groups of four (None: not registered yet).
    pub certificate: Option<String>,
    /// The newest bundle imported: its sequence number and when it was made on the laptop.
    pub bundle_sequence: Option<u32>,
    pub bundle_at: Option<String>,
    /// Sheets submitted, as this database has them.
    pub submitted: u32,
}

/// One signed PDF of a bundle that the operations verified (signature, certificate, claim).
#[derive(Debug, Clone)]
pub struct VerifiedSigned<'a> {
    pub entry: &'a BundleSigned,
    pub pdf: &'a [u8],
}

impl Store {
    /// The expert's code on an expert's copy, else NOT_PERMITTED.
    fn copy_expert(&self) -> Result<String> {
        match self.copy() {
            DatabaseCopy::Expert(code) => Ok(code.clone()),
            DatabaseCopy::Secretariat | DatabaseCopy::Inspection(_) => Err(rule(
                ErrorCode::NotPermitted,
                "这里不是评审专家的评审副本：评分包在专家自己的电脑上（导入过评审包的数据库）导出。".into(),
            )),
        }
    }

    /// The next sequence number of `direction` for this round and expert.
    fn next_sequence(&self, direction: Direction, round: &Round, expert_id: i64) -> Result<u32> {
        let last: Option<u32> = self.conn().query_row(
            "SELECT max(sequence) FROM exchanges WHERE direction = ?1 AND round_id = ?2 AND expert_id = ?3",
            params![direction.as_str(), round.id.0, expert_id],
            |r| r.get(0),
        )?;
        Ok(last.unwrap_or(0) + 1)
    }

    /// What one expert's review package holds: the round, the frozen rubric, the expert, and
    /// the applications assigned to the expert without a standing conflict, with their
    /// materials. ROUND_NOT_OPEN before the round opened (the rubric is not frozen yet).
    pub fn package_data(&self, round_id: RoundId, expert: &str) -> Result<PackageData> {
        self.require_secretariat_copy()?;
        let round = self.round(round_id)?;
        let Some(rubric_sha256) = round.rubric_sha256.clone() else {
            return Err(crate::access::not_open(&round));
        };
        if round.status != RoundStatus::Open {
            return Err(crate::access::not_open(&round));
        }
        let expert = self.find_panel_expert(round_id, expert)?;
        let rubric = self.rubric(round_id)?.rubric;
        let conflicts = self.round_conflicts(&round, std::slice::from_ref(&expert))?;
        let assigned: Vec<(i64, String, String)> = self
            .conn()
            .prepare(
                "SELECT a.application_id, a.uid, p.uid FROM assignments a JOIN applications p ON p.id = a.application_id
                 WHERE a.round_id = ?1 AND a.expert_id = ?2 ORDER BY p.registration_order",
            )?
            .query_map(params![round_id.0, expert.id.0], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut applications = Vec::new();
        let mut attachments = BTreeMap::new();
        for (app_id, assignment_uid, app_uid) in assigned {
            let app_id = ApplicationId(app_id);
            let conflicted = conflicts
                .get(&(app_id, expert.id))
                .is_some_and(|(found, _)| !found.is_empty());
            if conflicted {
                continue;
            }
            let record = self.application_record(round_id, &app_id.to_string())?;
            let mut listed = Vec::new();
            for attachment in self.attachments_of(app_id)? {
                let (_, bytes) = self.read_attachment_bytes(&attachment.uid.0)?;
                listed.push(PackageAttachment {
                    uid: attachment.uid.0.clone(),
                    clause: attachment.clause.clone(),
                    file_name: attachment.file_name.clone(),
                    media_type: attachment.media_type.clone(),
                    sha256: attachment.sha256.clone(),
                    size_bytes: attachment.size_bytes,
                });
                attachments.insert(attachment.sha256.clone(), bytes);
            }
            applications.push(PackageApplication {
                uid: app_uid,
                assignment_uid,
                record,
                attachments: listed,
            });
        }
        let sequence = self.next_sequence(Direction::PackageOut, &round, expert.id.0)?;
        Ok(PackageData {
            header: ExchangeHeader {
                round_uid: round.uid.0.clone(),
                round_code: round.code.clone(),
                expert_uid: expert.uid.0.clone(),
                expert_code: expert.code.clone(),
                sequence,
            },
            content: PackageContent {
                format: PACKAGE_FORMAT.into(),
                round: PackageRound {
                    uid: round.uid.0.clone(),
                    code: round.code.clone(),
                    year: round.year,
                    kind: round.kind,
                    status: round.status,
                    title: round.title.clone(),
                },
                rubric,
                rubric_sha256,
                expert_uid: expert.uid.0.clone(),
                expert: expert_record(&expert),
                applications,
            },
            attachments,
        })
    }

    /// Logs a container this database sealed (a package or a bundle that went out).
    pub fn record_sent(
        &mut self,
        actor: &Actor,
        direction: Direction,
        facts: &ContainerFacts,
    ) -> Result<()> {
        let round = self.find_round(&facts.header.round_uid)?;
        let expert = self.expert_by_code(&facts.header.expert_code)?;
        self.write(actor, |tx| {
            log_exchange(tx, direction, facts, &round, expert.id.0, &json!({}))?;
            tx.audit(
                match direction {
                    Direction::PackageOut => "package.export",
                    _ => "bundle.export",
                },
                "exchange",
                &facts.uid,
                json!({"round": round.code, "expert": expert.code, "sequence": facts.header.sequence,
                       "file_sha256": facts.file_sha256}),
            )
        })
    }

    /// Every panel expert's place in the exchange of a round (the secretariat's view).
    pub fn exchange_status(&self, round_id: RoundId) -> Result<Vec<ExchangeStatus>> {
        self.require_secretariat_copy()?;
        let newest = |direction: Direction,
                      expert_id: i64|
         -> Result<(Option<u32>, Option<String>)> {
            Ok(self
                .conn()
                .query_row(
                    "SELECT sequence, created_at FROM exchanges WHERE direction = ?1 AND round_id = ?2 AND expert_id = ?3
                     ORDER BY sequence DESC LIMIT 1",
                    params![direction.as_str(), round_id.0, expert_id],
                    |r| Ok((Some(r.get(0)?), Some(r.get(1)?))),
                )
                .optional()?
                .unwrap_or((None, None)))
        };
        let mut out = Vec::new();
        for expert in self.list_panel(round_id)? {
            let (assigned, submitted): (u32, u32) = self.conn().query_row(
                "SELECT count(*), count(submitted_at) FROM assignments WHERE round_id = ?1 AND expert_id = ?2",
                params![round_id.0, expert.id.0],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            let (package_sequence, package_at) = newest(Direction::PackageOut, expert.id.0)?;
            let (bundle_sequence, bundle_at) = newest(Direction::BundleIn, expert.id.0)?;
            let certificate = self
                .signing_key(KeyOwner::Expert(&expert.code))
                .ok()
                .map(|k| park_review_domain::offline::fingerprint_groups(&k.certificate_sha256));
            out.push(ExchangeStatus {
                expert: expert.code.clone(),
                name: expert.name.clone(),
                assigned,
                package_sequence,
                package_at,
                certificate,
                bundle_sequence,
                bundle_at,
                submitted,
            });
        }
        Ok(out)
    }

    /// The secretariat's certificate pinned on this expert's copy, if a package was imported.
    pub fn pinned_secretariat(&self) -> Result<Option<StoredKey>> {
        match self.signing_key(KeyOwner::Secretariat) {
            Ok(key) => Ok(Some(key)),
            Err(StoreError::Rule {
                code: ErrorCode::NoKey,
                ..
            }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Applies a review package on an expert's laptop, in one transaction. The database must be
    /// new (no round yet) or already this expert's copy. The secretariat's certificate is pinned
    /// by the first package; a package signed by another is refused (PACKAGE_SIGNER_CHANGED).
    /// The same package again changes nothing; an older one is refused (PACKAGE_OUTDATED). A
    /// newer one applies: new assignments are added, withdrawn ones removed (their drafts kept
    /// in the audit log and reported).
    pub fn apply_package(
        &mut self,
        facts: &ContainerFacts,
        content: &PackageContent,
        attachments: &BTreeMap<String, Vec<u8>>,
    ) -> Result<PackageImported> {
        let header = &facts.header;
        check_package_consistency(header, content, attachments)?;
        // Only an expert's copy has a pinned certificate; a secretariat's database is refused
        // below (it has rounds, or a secretariat key of its own).
        let pinned = match self.copy() {
            DatabaseCopy::Expert(_) | DatabaseCopy::Inspection(_) => self.pinned_secretariat()?,
            DatabaseCopy::Secretariat => None,
        };
        if let Some(pinned) = &pinned {
            if pinned.certificate_sha256 != facts.signer_sha256 {
                return Err(rule(
                    ErrorCode::PackageSignerChanged,
                    format!(
                        "评审包的签名证书（SHA-256 {}）不是本机首次导入评审包时确认的秘书处证书（{}）：可能是伪造的评审包，未导入任何内容。如秘书处确实更换了证书，请与秘书处核对。",
                        park_review_domain::offline::fingerprint_groups(&facts.signer_sha256),
                        park_review_domain::offline::fingerprint_groups(&pinned.certificate_sha256)
                    ),
                ));
            }
        }
        match self.copy() {
            DatabaseCopy::Expert(code) if *code != content.expert.code => {
                return Err(rule(
                    ErrorCode::NotPermitted,
                    format!(
                        "这是评审专家 {code} 的评审副本，而评审包是发给专家 {} 的：请在专家 {} 自己的电脑上导入。没有做任何改动。",
                        content.expert.code, content.expert.code
                    ),
                ))
            }
            DatabaseCopy::Expert(_) => {}
            DatabaseCopy::Inspection(leader) => {
                return Err(rule(
                    ErrorCode::NotPermitted,
                    format!("这是考察组（组长 {leader}）的考察副本：评审包请导入评审专家自己的电脑。没有做任何改动。"),
                ))
            }
            DatabaseCopy::Secretariat => {
                let rounds: i64 =
                    self.conn()
                        .query_row("SELECT count(*) FROM rounds", [], |r| r.get(0))?;
                if rounds > 0 || self.pinned_secretariat()?.is_some() {
                    return Err(rule(
                        ErrorCode::NotPermitted,
                        "这个数据库已有评审批次（是秘书处的数据库或演示数据库）：评审包只能导入专家自己电脑上的新数据库，例如 `park-review --db 专家.db package import F.prpkg`。没有做任何改动。".into(),
                    ));
                }
            }
        }
        let existing_round = self.find_round(&header.round_uid).ok();
        if let Some(round) = &existing_round {
            if round.uid.0 != header.round_uid {
                return Err(conflicting_round(round));
            }
            let expert = self.expert_by_code(&content.expert.code)?;
            self.refuse_older(Direction::PackageIn, facts, round, expert.id.0)?;
            if self
                .already_received(Direction::PackageIn, facts, round, expert.id.0)?
                .is_some()
            {
                return Ok(PackageImported {
                    round: round.clone(),
                    expert: expert.code.clone(),
                    sequence: header.sequence,
                    already_imported: true,
                    pinned: false,
                    secretariat_sha256: facts.signer_sha256.clone(),
                    applications: content.applications.len() as u32,
                    attachments: attachments.len() as u32,
                    added: Vec::new(),
                    withdrawn: Vec::new(),
                });
            }
            if round.rubric_sha256.as_deref() != Some(content.rubric_sha256.as_str()) {
                return Err(rule(
                    ErrorCode::RubricFrozen,
                    format!(
                        "评审包的评分细则（SHA-256 {}…）与本机已导入的冻结细则不同：评分细则冻结后不能更改，未导入任何内容。",
                        &content.rubric_sha256[..16.min(content.rubric_sha256.len())]
                    ),
                ));
            }
        } else if let Ok(other) = self.find_round(&content.round.code) {
            return Err(conflicting_round(&other));
        }
        // Attachment files first (each synced and renamed): a crash leaves at worst a file no
        // row names, never a row without its file.
        for (sha, bytes) in attachments {
            let path = self.attachments_dir().join(&sha[..2]).join(sha);
            if !path.exists() {
                crate::write_atomically(&path, bytes).map_err(|e| {
                    rule(
                        ErrorCode::Io,
                        format!("无法保存评审材料：{e}。没有导入任何内容。"),
                    )
                })?;
            }
        }
        let actor = Actor::expert(&content.expert.code, crate::Surface::Program);
        let expert_code = content.expert.code.clone();
        let newly_pinned = pinned.is_none();
        let outcome = self.write(&actor, |tx| {
            if newly_pinned {
                insert_certificate(
                    tx,
                    None,
                    "秘书处",
                    &facts.signer_der,
                    &facts.signer_sha256,
                    None,
                    KeyOrigin::Pinned,
                )?;
                tx.tx.execute(
                    "UPDATE database_copy SET kind = 'expert', expert_code = ?1 WHERE id = 1",
                    [&expert_code],
                )?;
                tx.audit(
                    "copy.expert",
                    "database",
                    &expert_code,
                    json!({"expert": expert_code}),
                )?;
            }
            apply_package_in(tx, facts, content, existing_round.as_ref())
        })?;
        self.copy = DatabaseCopy::Expert(expert_code);
        let round = self.find_round(&header.round_uid)?;
        Ok(PackageImported {
            round,
            expert: content.expert.code.clone(),
            sequence: header.sequence,
            already_imported: false,
            pinned: newly_pinned,
            secretariat_sha256: facts.signer_sha256.clone(),
            applications: content.applications.len() as u32,
            attachments: attachments.len() as u32,
            added: outcome.0,
            withdrawn: outcome.1,
        })
    }

    /// The report of a container already received (same uid), if it was.
    fn already_received(
        &self,
        direction: Direction,
        facts: &ContainerFacts,
        round: &Round,
        expert_id: i64,
    ) -> Result<Option<serde_json::Value>> {
        let found: Option<(i64, i64, String)> = self
            .conn()
            .query_row(
                "SELECT round_id, expert_id, report FROM exchanges WHERE direction = ?1 AND uid = ?2",
                params![direction.as_str(), facts.uid],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        match found {
            None => Ok(None),
            Some((r, e, report)) if r == round.id.0 && e == expert_id => {
                Ok(Some(serde_json::from_str(&report).unwrap_or_default()))
            }
            Some(_) => Err(rule(
                ErrorCode::SignatureInvalid,
                format!("文件的编号 {} 已用于另一位专家或另一个批次的文件：文件被篡改，未导入任何内容。", facts.uid),
            )),
        }
    }

    /// PACKAGE_OUTDATED / BUNDLE_OUTDATED if a container of this round and expert with the same
    /// or a higher sequence number was received.
    fn refuse_older(
        &self,
        direction: Direction,
        facts: &ContainerFacts,
        round: &Round,
        expert_id: i64,
    ) -> Result<()> {
        let newest: Option<(u32, String, String)> = self
            .conn()
            .query_row(
                "SELECT sequence, created_at, uid FROM exchanges WHERE direction = ?1 AND round_id = ?2 AND expert_id = ?3
                 ORDER BY sequence DESC LIMIT 1",
                params![direction.as_str(), round.id.0, expert_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        if let Some((sequence, created_at, uid)) = newest {
            // The newest itself, again, is "already imported", not outdated.
            if facts.header.sequence <= sequence && uid != facts.uid {
                let (code, what) = match direction {
                    Direction::PackageIn => (ErrorCode::PackageOutdated, "评审包"),
                    _ => (ErrorCode::BundleOutdated, "评分包"),
                };
                return Err(rule(
                    code,
                    format!(
                        "这是第 {} 号{what}，本机已导入第 {sequence} 号（{}制作）：旧的{what}不会覆盖新的，没有做任何改动。",
                        facts.header.sequence,
                        created_at.replacen('T', " ", 1)
                    ),
                ));
            }
        }
        Ok(())
    }

    /// What the expert's score bundle holds for a round: every assignment's pledge, scores,
    /// comments, opinion and submission (drafts as drafts) and every signed PDF issued here.
    pub fn bundle_data(&self, round_id: RoundId) -> Result<BundleData> {
        let code = self.copy_expert()?;
        self.bundle_data_of(round_id, &code)
    }

    /// [`Store::bundle_data`] for a named expert, on any copy (the benchmark's).
    pub(crate) fn bundle_data_of(&self, round_id: RoundId, code: &str) -> Result<BundleData> {
        let round = self.round(round_id)?;
        let expert = self.find_panel_expert(round_id, code)?;
        let rubric_sha256 = round.rubric_sha256.clone().unwrap_or_default();
        let mut sheets: Vec<BundleSheet> = Vec::new();
        let mut index: HashMap<i64, usize> = HashMap::new();
        {
            let mut stmt = self.conn().prepare(
                "SELECT a.id, a.uid, p.uid, p.code, a.declared_no_conflict_at, a.opinion, a.submitted_at
                 FROM assignments a JOIN applications p ON p.id = a.application_id
                 WHERE a.round_id = ?1 AND a.expert_id = ?2 ORDER BY p.registration_order",
            )?;
            let rows = stmt.query_map(params![round_id.0, expert.id.0], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    BundleSheet {
                        assignment_uid: r.get(1)?,
                        application_uid: r.get(2)?,
                        application_code: r.get(3)?,
                        declared_at: r.get(4)?,
                        opinion: r.get(5)?,
                        submitted_at: r.get(6)?,
                        scores: Vec::new(),
                    },
                ))
            })?;
            for row in rows {
                let (id, sheet) = row?;
                index.insert(id, sheets.len());
                sheets.push(sheet);
            }
            let mut stmt = self.conn().prepare(
                "SELECT s.assignment_id, c.code, s.points_centi, s.comment FROM scores s
                 JOIN criteria c ON c.id = s.criterion_id JOIN assignments a ON a.id = s.assignment_id
                 WHERE a.round_id = ?1 AND a.expert_id = ?2 ORDER BY s.assignment_id, c.position",
            )?;
            let rows = stmt.query_map(params![round_id.0, expert.id.0], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    BundleScore {
                        criterion: r.get(1)?,
                        points: r
                            .get::<_, Option<i64>>(2)?
                            .map(|c| Points::from_centi(c).to_f64()),
                        comment: r.get(3)?,
                    },
                ))
            })?;
            for row in rows {
                let (assignment, score) = row?;
                if let Some(&i) = index.get(&assignment) {
                    sheets[i].scores.push(score);
                }
            }
        }
        let mut signed = Vec::new();
        let mut pdfs = BTreeMap::new();
        let mut stmt = self.conn().prepare(
            "SELECT s.uid, s.kind, p.code, s.snapshot, s.issued_at, s.file_sha256, s.pdf FROM signed_sheets s
             LEFT JOIN applications p ON p.id = s.application_id
             WHERE s.round_id = ?1 AND s.expert_id = ?2 AND s.kind IN ('sheet', 'summary') ORDER BY s.id",
        )?;
        let rows = stmt.query_map(params![round_id.0, expert.id.0], |r| {
            let kind: String = r.get(1)?;
            let snapshot: String = r.get(3)?;
            Ok((
                BundleSigned {
                    uid: r.get(0)?,
                    kind: if kind == "sheet" {
                        BundleDocumentKind::Sheet
                    } else {
                        BundleDocumentKind::Summary
                    },
                    application_code: r.get(2)?,
                    snapshot: serde_json::from_str(&snapshot).unwrap_or_default(),
                    issued_at: r.get(4)?,
                    file_sha256: r.get(5)?,
                },
                r.get::<_, Vec<u8>>(6)?,
            ))
        })?;
        for row in rows {
            let (entry, pdf) = row?;
            pdfs.insert(entry.uid.clone(), pdf);
            signed.push(entry);
        }
        let sequence = self.next_sequence(Direction::BundleOut, &round, expert.id.0)?;
        Ok(BundleData {
            header: ExchangeHeader {
                round_uid: round.uid.0.clone(),
                round_code: round.code.clone(),
                expert_uid: expert.uid.0.clone(),
                expert_code: expert.code.clone(),
                sequence,
            },
            content: BundleContent {
                format: BUNDLE_FORMAT.into(),
                round_uid: round.uid.0.clone(),
                expert_uid: expert.uid.0.clone(),
                expert_code: expert.code.clone(),
                rubric_sha256,
                sheets,
                signed,
            },
            pdfs,
        })
    }

    /// Registers an expert's certificate (made on the expert's laptop) for checking the
    /// expert's bundles. KEY_EXISTS if the expert already has one, unless `replace` gives the
    /// reason for replacing it (the old one is revoked now; audited). The certificate's
    /// subject must name this expert.
    pub fn register_certificate(
        &mut self,
        actor: &Actor,
        expert: &str,
        certificate_der: &[u8],
        certificate_sha256: &str,
        replace: Option<&str>,
    ) -> Result<StoredKey> {
        self.require_secretariat_copy()?;
        let found = self.expert_by_code(expert)?;
        let owner = KeyOwner::Expert(&found.code);
        let current = self.signing_key(owner).ok();
        if let Some(current) = &current {
            if current.certificate_sha256 == certificate_sha256 {
                return Ok(current.clone());
            }
        }
        let revocation = match (&current, replace) {
            (Some(current), None) => {
                return Err(rule(
                    ErrorCode::KeyExists,
                    format!(
                        "专家 {} {} 已登记证书（SHA-256 {}）。如确需更换（例如专家换了电脑），请写明原因：`park-review cert import --expert {} F --replace --reason 原因`。",
                        found.code,
                        found.name,
                        park_review_domain::offline::fingerprint_groups(&current.certificate_sha256),
                        found.code
                    ),
                ))
            }
            (Some(_), Some(reason)) => Some(self.revocation(reason, None)?),
            (None, _) => None,
        };
        let name = format!("{} {}", found.code, found.name);
        let expert_id = found.id.0;
        self.write(actor, |tx| {
            if let (Some(current), Some((reason, at))) = (&current, &revocation) {
                crate::signing::revoke_in(tx, current, reason, at)?;
            }
            insert_certificate(
                tx,
                Some(expert_id),
                &name,
                certificate_der,
                certificate_sha256,
                None,
                KeyOrigin::Registered,
            )
        })?;
        self.signing_key(owner)
    }

    /// Checks a score bundle against this database and applies it in one transaction: the
    /// round (by uid), the expert's registered certificate, the sequence, every sheet against
    /// the assignments, conflicts and the frozen rubric (range, step), submitted sheets against
    /// what was already submitted (SCORES_LOCKED). On any problem nothing changes.
    ///
    /// `signed_ok` is called inside the transaction, before it commits: the operations verify
    /// the signed PDFs on other cores meanwhile, and a PDF that fails rolls everything back.
    pub fn apply_bundle(
        &mut self,
        facts: &ContainerFacts,
        content: &BundleContent,
        signed: &[VerifiedSigned<'_>],
        signed_ok: impl FnOnce() -> std::result::Result<(), park_review_domain::CodedError>,
    ) -> Result<BundleImported> {
        self.require_secretariat_copy()?;
        let header = &facts.header;
        let round = self.find_round(&header.round_uid).map_err(|_| {
            rule(
                ErrorCode::NotFound,
                format!(
                    "评分包属于批次 {}（{}），本数据库没有这个批次：请在签发评审包的秘书处数据库中导入。没有做任何改动。",
                    header.round_code, header.round_uid
                ),
            )
        })?;
        if round.uid.0 != header.round_uid || content.round_uid != header.round_uid {
            return Err(rule(
                ErrorCode::NotFound,
                format!(
                    "评分包属于另一个批次（{}），不是本数据库的批次 {}：没有做任何改动。",
                    header.round_code, round.code
                ),
            ));
        }
        let expert = self.find_panel_expert(round.id, &header.expert_code)?;
        if expert.uid.0 != header.expert_uid
            || content.expert_uid != header.expert_uid
            || content.expert_code != header.expert_code
        {
            return Err(rule(
                ErrorCode::NotPermitted,
                format!(
                    "评分包自称来自专家 {}，但专家的标识与本数据库不符：没有做任何改动。",
                    header.expert_code
                ),
            ));
        }
        self.require_registered(&expert, facts)?;
        self.refuse_older(Direction::BundleIn, facts, &round, expert.id.0)?;
        if let Some(report) =
            self.already_received(Direction::BundleIn, facts, &round, expert.id.0)?
        {
            let mut report: BundleImported =
                serde_json::from_value(report).map_err(|e| StoreError::Internal(e.to_string()))?;
            report.already_imported = true;
            return Ok(report);
        }
        if round.status != RoundStatus::Open {
            return Err(crate::access::not_open(&round));
        }
        self.refuse_if_finalised(round.id)?;
        let stored = crate::catalog::load_rubric(self.conn(), round.id)?
            .ok_or_else(|| crate::access::not_open(&round))?;
        if stored.frozen_sha256.as_deref() != Some(content.rubric_sha256.as_str()) {
            return Err(rule(
                ErrorCode::RubricFrozen,
                "评分包所依据的评分细则与本批次冻结的细则不同：没有做任何改动。".into(),
            ));
        }
        let conflicts = self.round_conflicts(&round, std::slice::from_ref(&expert))?;
        let apps: HashMap<String, (ApplicationId, String)> = self
            .list_applications(round.id)?
            .into_iter()
            .map(|a| (a.uid.0.clone(), (a.id, a.code)))
            .collect();
        // Every sheet is checked before anything is written.
        // What the expert's sheets hold here now, read once for the whole bundle.
        let mut current_scores: HashMap<i64, HashMap<i64, (Option<i64>, String)>> = HashMap::new();
        {
            let mut stmt = self.conn().prepare(
                "SELECT s.assignment_id, s.criterion_id, s.points_centi, s.comment FROM scores s
                 JOIN assignments a ON a.id = s.assignment_id WHERE a.round_id = ?1 AND a.expert_id = ?2",
            )?;
            let rows = stmt.query_map(params![round.id.0, expert.id.0], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    (r.get(2)?, r.get(3)?),
                ))
            })?;
            for row in rows {
                let (assignment, criterion, value) = row?;
                current_scores
                    .entry(assignment)
                    .or_default()
                    .insert(criterion, value);
            }
        }
        let opinions: HashMap<i64, String> = self
            .conn()
            .prepare("SELECT id, opinion FROM assignments WHERE round_id = ?1 AND expert_id = ?2")?
            .query_map(params![round.id.0, expert.id.0], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut plans = Vec::with_capacity(content.sheets.len());
        let mut seen = std::collections::HashSet::new();
        for sheet in &content.sheets {
            let Some((app_id, app_code)) = apps.get(&sheet.application_uid) else {
                return Err(rule(
                    ErrorCode::NotAssigned,
                    format!(
                        "评分包中有本批次没有的申报（{}）：没有做任何改动。",
                        sheet.application_code
                    ),
                ));
            };
            if *app_code != sheet.application_code || !seen.insert(*app_id) {
                return Err(rule(
                    ErrorCode::ImportMalformed,
                    format!(
                        "评分包中申报 {} 的记录重复或编号不符：没有做任何改动。",
                        sheet.application_code
                    ),
                ));
            }
            let row = crate::access::assignment_row(self.conn(), *app_id, expert.id)?.ok_or_else(
                || {
                    rule(
                        ErrorCode::NotAssigned,
                        format!(
                            "专家 {} 未被分配评审申报 {}，评分包却有其评分：没有做任何改动。",
                            expert.code, app_code
                        ),
                    )
                },
            )?;
            if conflicts
                .get(&(*app_id, expert.id))
                .is_some_and(|(found, _)| !found.is_empty())
            {
                return Err(rule(
                    ErrorCode::ConflictOfInterest,
                    format!(
                        "专家 {} 与申报 {} 存在利益冲突、须回避，评分包却有其评分：没有做任何改动。",
                        expert.code, app_code
                    ),
                ));
            }
            let current = current_scores.remove(&row.id).unwrap_or_default();
            let opinion = opinions.get(&row.id).cloned().unwrap_or_default();
            plans.push(self.plan_sheet(&expert, app_code, row, sheet, &stored, current, opinion)?);
        }
        for item in signed {
            let entry = item.entry;
            if entry.kind == BundleDocumentKind::Sheet {
                let known = entry
                    .application_code
                    .as_deref()
                    .is_some_and(|code| apps.values().any(|(_, c)| c == code));
                if !known {
                    return Err(rule(
                        ErrorCode::NotAssigned,
                        format!(
                            "评分包中的签名评分表 {} 不属于本批次的申报：没有做任何改动。",
                            entry.uid
                        ),
                    ));
                }
            }
        }
        let actor = Actor::expert(&expert.code, crate::Surface::Program);
        let mut report = BundleImported {
            bundle: facts.uid.clone(),
            round: round.code.clone(),
            expert: expert.code.clone(),
            sequence: header.sequence,
            already_imported: false,
            sheets: Counts::default(),
            scores: Counts::default(),
            pledges: Counts::default(),
            signed_sheets: 0,
        };
        let round_for_log = round.clone();
        let expert_id = expert.id.0;
        let apps_by_code: HashMap<&str, i64> = apps
            .values()
            .map(|(id, code)| (code.as_str(), id.0))
            .collect();
        self.write(&actor, |tx| {
            for plan in &plans {
                apply_sheet(tx, plan, &mut report)?;
            }
            for item in signed {
                let entry = item.entry;
                let exists: bool = tx.tx.query_row(
                    "SELECT EXISTS (SELECT 1 FROM signed_sheets WHERE uid = ?1)",
                    [&entry.uid],
                    |r| r.get(0),
                )?;
                if exists {
                    continue;
                }
                let app_id = entry
                    .application_code
                    .as_deref()
                    .and_then(|code| apps_by_code.get(code).copied());
                tx.tx.execute(
                    "INSERT INTO signed_sheets (uid, round_id, expert_id, application_id, kind, snapshot, file_sha256, pdf, issued_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                    params![
                        entry.uid,
                        round_for_log.id.0,
                        expert_id,
                        app_id,
                        match entry.kind {
                            BundleDocumentKind::Sheet => "sheet",
                            BundleDocumentKind::Summary => "summary",
                        },
                        entry.snapshot.to_string(),
                        entry.file_sha256,
                        item.pdf,
                        entry.issued_at
                    ],
                )?;
                report.signed_sheets += 1;
            }
            let detail = serde_json::to_value(&report).map_err(|e| StoreError::Internal(e.to_string()))?;
            log_exchange(tx, Direction::BundleIn, facts, &round_for_log, expert_id, &detail)?;
            let mut audit = detail;
            audit["sheets_applied"] = json!(plans
                .iter()
                .filter(|p| !p.unchanged)
                .map(|p| json!({"application": p.application, "assignment": p.assignment_uid,
                                "submitted_at": p.sheet.submitted_at}))
                .collect::<Vec<_>>());
            tx.audit("bundle.import", "exchange", &facts.uid, audit)?;
            signed_ok().map_err(|e| StoreError::Rule {
                code: e.code,
                message: e.message,
            })
        })?;
        Ok(report)
    }

    /// CERT_NOT_REGISTERED unless a bundle's signer is the certificate registered here for the
    /// expert its header names: checked before anything inside the bundle is read further.
    pub fn check_bundle_signer(&self, facts: &ContainerFacts) -> Result<()> {
        self.require_secretariat_copy()?;
        let expert = self.expert_by_code(&facts.header.expert_code)?;
        self.require_registered(&expert, facts)
    }

    /// CERT_NOT_REGISTERED unless the container's signer is the certificate registered here for
    /// the expert (the active one).
    fn require_registered(&self, expert: &Expert, facts: &ContainerFacts) -> Result<()> {
        let registered = self.signing_key(KeyOwner::Expert(&expert.code)).ok();
        if registered
            .as_ref()
            .is_some_and(|k| k.certificate_sha256 == facts.signer_sha256)
        {
            return Ok(());
        }
        let groups = park_review_domain::offline::fingerprint_groups(&facts.signer_sha256);
        Err(StoreError::Rule {
            code: ErrorCode::CertNotRegistered,
            message: match registered {
                Some(k) => format!(
                    "评分包的签名证书（SHA-256 {groups}）不是为专家 {} {} 登记的证书（{}）：可能是在另一台电脑上为同一专家编号新建的密钥，未导入任何内容。如专家确实更换了电脑，请先与专家本人核对指纹，再用 `park-review cert import --expert {} --from-bundle F.prbundle --replace --reason 原因` 更换。",
                    expert.code,
                    expert.name,
                    park_review_domain::offline::fingerprint_groups(&k.certificate_sha256),
                    expert.code
                ),
                None => format!(
                    "专家 {} {} 的证书尚未登记，无法确认评分包是本人签署的（签名证书 SHA-256 {groups}）。请先与专家本人核对这个指纹，再用 `park-review cert import --expert {} --from-bundle F.prbundle` 登记，然后重新导入。没有做任何改动。",
                    expert.code, expert.name, expert.code
                ),
            },
        })
    }

    /// What applying one sheet of a bundle would do, checked against the rubric and what is
    /// already stored (SCORES_LOCKED if a submitted sheet would change).
    #[allow(clippy::too_many_arguments)]
    fn plan_sheet(
        &self,
        expert: &Expert,
        app_code: &str,
        row: crate::access::AssignmentRow,
        sheet: &BundleSheet,
        stored: &crate::catalog::StoredRubric,
        current: HashMap<i64, (Option<i64>, String)>,
        opinion: String,
    ) -> Result<SheetPlan> {
        let mut scores: Vec<(i64, Option<i64>, String)> = Vec::with_capacity(sheet.scores.len());
        let mut seen = std::collections::HashSet::new();
        for score in &sheet.scores {
            let Some((criterion_id, criterion)) = stored.criterion(&score.criterion) else {
                return Err(rule(
                    ErrorCode::ImportMalformed,
                    format!(
                        "申报 {app_code} 的评分中有评分细则没有的评分项“{}”：没有做任何改动。",
                        score.criterion
                    ),
                ));
            };
            if !seen.insert(criterion_id) {
                return Err(rule(
                    ErrorCode::ImportMalformed,
                    format!(
                        "申报 {app_code} 的评分项 {} 出现了两次：没有做任何改动。",
                        score.criterion
                    ),
                ));
            }
            let points = match score.points {
                Some(p) => Some(
                    check_points(criterion, p)
                        .map_err(|e| rule(e.code(), format!("申报 {app_code}：{e}")))?
                        .centi(),
                ),
                None => None,
            };
            scores.push((criterion_id, points, score.comment.clone()));
        }
        if sheet.submitted_at.is_some() {
            let complete = stored
                .criterion_ids
                .iter()
                .all(|(_, id)| scores.iter().any(|(c, p, _)| c == id && p.is_some()))
                && !sheet.opinion.trim().is_empty();
            if !complete || sheet.declared_at.is_none() {
                return Err(rule(
                    ErrorCode::ScoresIncomplete,
                    format!("评分包中申报 {app_code} 的评分标为已提交，却不完整（缺评分、评审意见或承诺）：没有做任何改动。"),
                ));
            }
        }
        let same_scores = scores.len() == current.len()
            && scores
                .iter()
                .all(|(c, p, m)| current.get(c) == Some(&(*p, m.clone())));
        let unchanged = same_scores
            && opinion == sheet.opinion
            && row.submitted_at == sheet.submitted_at
            && (row.declared_at.is_some() || sheet.declared_at.is_none());
        if let Some(at) = &row.submitted_at {
            if !unchanged {
                return Err(rule(
                    ErrorCode::ScoresLocked,
                    format!(
                        "专家 {} 对申报 {app_code} 的评分已于 {at} 提交并锁定，评分包中的这张评分表与已提交的不同：没有做任何改动。如需更正，请先写明理由退回这张评分表。",
                        expert.code
                    ),
                ));
            }
        }
        Ok(SheetPlan {
            assignment_id: row.id,
            assignment_uid: row.uid.clone(),
            application: app_code.to_owned(),
            declared_before: row.declared_at.is_some(),
            was_empty: current.is_empty() && opinion.is_empty() && row.declared_at.is_none(),
            unchanged,
            current,
            scores,
            sheet: sheet.clone(),
        })
    }
}

/// One sheet of a bundle, checked and ready to write.
struct SheetPlan {
    assignment_id: i64,
    assignment_uid: String,
    application: String,
    declared_before: bool,
    was_empty: bool,
    unchanged: bool,
    current: HashMap<i64, (Option<i64>, String)>,
    scores: Vec<(i64, Option<i64>, String)>,
    sheet: BundleSheet,
}

fn apply_sheet(tx: &mut WriteTx<'_>, plan: &SheetPlan, report: &mut BundleImported) -> Result<()> {
    match (plan.declared_before, plan.sheet.declared_at.is_some()) {
        (false, true) => report.pledges.new += 1,
        (true, _) => report.pledges.unchanged += 1,
        _ => {}
    }
    if plan.unchanged {
        report.sheets.unchanged += 1;
        report.scores.unchanged += plan.scores.len() as u32;
        return Ok(());
    }
    if plan.was_empty {
        report.sheets.new += 1;
    } else {
        report.sheets.updated += 1;
    }
    let now = tx.now();
    // The pledge first (no score without it), the submission last (a submitted sheet's scores
    // are locked): the order the database's triggers require.
    // (The sheet is not submitted here: a submitted one is unchanged or refused when planned.)
    tx.tx
        .prepare_cached(
            "UPDATE assignments SET declared_no_conflict_at = coalesce(declared_no_conflict_at, ?2),
                    opinion = ?3, entered_by = NULL, updated_at = ?4 WHERE id = ?1",
        )?
        .execute(params![plan.assignment_id, plan.sheet.declared_at, plan.sheet.opinion, now])?;
    {
        let mut upsert = tx.tx.prepare_cached(
            "INSERT INTO scores (uid, assignment_id, criterion_id, points_centi, comment, entered_by, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, NULL, ?6)
             ON CONFLICT (assignment_id, criterion_id) DO UPDATE SET
                points_centi = excluded.points_centi, comment = excluded.comment,
                entered_by = NULL, updated_at = excluded.updated_at",
        )?;
        for (criterion, points, comment) in &plan.scores {
            match plan.current.get(criterion) {
                None => report.scores.new += 1,
                Some(now_there) if *now_there == (*points, comment.clone()) => {
                    report.scores.unchanged += 1;
                    continue;
                }
                Some(_) => report.scores.updated += 1,
            }
            // Time-ordered uids (UUID v7) go in at the end of the uid index: a bundle's
            // 100,000 scores then cost a fraction of what random uids would.
            upsert.execute(params![
                uuid::Uuid::now_v7().to_string(),
                plan.assignment_id,
                criterion,
                points,
                comment,
                now
            ])?;
        }
    }
    if plan.sheet.submitted_at.is_some() {
        tx.tx
            .prepare_cached("UPDATE assignments SET submitted_at = ?2 WHERE id = ?1")?
            .execute(params![plan.assignment_id, plan.sheet.submitted_at])?;
    }
    Ok(())
}

fn log_exchange(
    tx: &mut WriteTx<'_>,
    direction: Direction,
    facts: &ContainerFacts,
    round: &Round,
    expert_id: i64,
    report: &serde_json::Value,
) -> Result<()> {
    let now = tx.now();
    tx.tx.execute(
        "INSERT INTO exchanges (uid, direction, round_id, expert_id, sequence, signer_sha256, file_sha256, created_at, recorded_at, report)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            facts.uid,
            direction.as_str(),
            round.id.0,
            expert_id,
            facts.header.sequence,
            facts.signer_sha256,
            facts.file_sha256,
            facts.created_at,
            now,
            report.to_string()
        ],
    )?;
    Ok(())
}

fn conflicting_round(round: &Round) -> StoreError {
    rule(
        ErrorCode::RoundExists,
        format!(
            "本机已有批次 {}，但它不是评审包所属的那个批次：没有做任何改动。请为这个评审包使用新的数据库。",
            round.code
        ),
    )
}

fn expert_record(expert: &Expert) -> ExpertRecord {
    ExpertRecord {
        code: expert.code.clone(),
        name: expert.name.clone(),
        employer: expert.employer.clone(),
        city: expert.city,
        field: expert.field.clone(),
        contact: expert.contact.clone(),
        employer_credit_code: expert.employer_credit_code.clone(),
        relations: expert.relations.clone(),
    }
}

/// The package's parts agree with each other and with its signed header: the same round and
/// expert, the rubric hashes to the recorded SHA-256, every attachment listed is present with
/// that hash and no other is.
fn check_package_consistency(
    header: &ExchangeHeader,
    content: &PackageContent,
    attachments: &BTreeMap<String, Vec<u8>>,
) -> Result<()> {
    let malformed = |what: String| {
        rule(
            ErrorCode::ImportMalformed,
            format!("评审包内容自相矛盾：{what}。没有导入任何内容。"),
        )
    };
    if content.round.uid != header.round_uid
        || content.round.code != header.round_code
        || content.expert_uid != header.expert_uid
        || content.expert.code != header.expert_code
    {
        return Err(malformed("内容所写的批次或专家与签名的清单不符".into()));
    }
    if rubric_sha256(&content.rubric) != content.rubric_sha256 {
        return Err(malformed("评分细则与其 SHA-256 不符".into()));
    }
    park_review_domain::rubric::validate_rubric(&content.rubric)?;
    let problems = park_review_domain::exchange::check_applications(
        &content
            .applications
            .iter()
            .map(|a| a.record.clone())
            .collect::<Vec<ApplicationRecord>>(),
    );
    if !problems.is_empty() {
        return Err(StoreError::Invalid(problems));
    }
    let listed: std::collections::BTreeSet<&str> = content
        .applications
        .iter()
        .flat_map(|a| &a.attachments)
        .map(|a| a.sha256.as_str())
        .collect();
    for attachment in content.applications.iter().flat_map(|a| &a.attachments) {
        let ok = attachments.get(&attachment.sha256).is_some_and(|bytes| {
            park_review_domain::digest::sha256_hex(bytes) == attachment.sha256
                && bytes.len() as u64 == attachment.size_bytes
                && crate::attachments::sniff_media_type(bytes)
                    == Some(attachment.media_type.as_str())
        });
        if !ok {
            return Err(malformed(format!(
                "材料“{}”缺失或与其 SHA-256 不符",
                attachment.file_name
            )));
        }
    }
    if attachments.keys().any(|sha| !listed.contains(sha.as_str())) {
        return Err(malformed("有未列出的材料文件".into()));
    }
    Ok(())
}

/// Applies a checked package: the round (with the secretariat's uid), rubric (frozen), expert,
/// applications, materials and assignments; withdrawn assignments removed. Returns the codes of
/// the applications added and the assignments withdrawn.
fn apply_package_in(
    tx: &mut WriteTx<'_>,
    facts: &ContainerFacts,
    content: &PackageContent,
    existing: Option<&Round>,
) -> Result<(Vec<String>, Vec<WithdrawnAssignment>)> {
    let now = tx.now();
    let round = match existing {
        Some(round) => {
            tx.tx.execute(
                "UPDATE rounds SET status = ?2, title = ?3, updated_at = ?4 WHERE id = ?1",
                params![
                    round.id.0,
                    content.round.status.as_str(),
                    content.round.title,
                    now
                ],
            )?;
            round.clone()
        }
        None => {
            let round = crate::rounds::insert_round(
                tx,
                content.round.year,
                content.round.kind,
                &content.round.code,
                &content.round.title,
                false,
            )?;
            tx.tx.execute(
                "UPDATE rounds SET uid = ?2, status = ?3 WHERE id = ?1",
                params![round.id.0, content.round.uid, content.round.status.as_str()],
            )?;
            crate::catalog::insert_rubric(tx, round.id, &content.rubric)?;
            tx.tx.execute(
                "UPDATE rubrics SET frozen_sha256 = ?2, frozen_at = ?3 WHERE round_id = ?1",
                params![round.id.0, content.rubric_sha256, now],
            )?;
            round
        }
    };
    crate::experts::upsert_panel_expert(tx, round.id, &content.expert)?;
    tx.tx.execute(
        "UPDATE experts SET uid = ?2 WHERE code = ?1",
        params![content.expert.code, content.expert_uid],
    )?;
    let expert_id: i64 = tx.tx.query_row(
        "SELECT id FROM experts WHERE code = ?1",
        [&content.expert.code],
        |r| r.get(0),
    )?;
    let mut added = Vec::new();
    let mut wanted = std::collections::HashSet::new();
    for app in &content.applications {
        let found: Option<i64> = tx
            .tx
            .query_row(
                "SELECT id FROM applications WHERE uid = ?1 AND round_id = ?2",
                params![app.uid, round.id.0],
                |r| r.get(0),
            )
            .optional()?;
        let app_id = match found {
            Some(id) => {
                crate::applications::write_facts(tx, id, &app.record, &now)?;
                for table in [
                    "application_enterprises",
                    "application_innovation_platforms",
                    "application_rnd_cooperations",
                    "application_service_platforms",
                ] {
                    tx.tx.execute(
                        &format!("DELETE FROM {table} WHERE application_id = ?1"),
                        [id],
                    )?;
                }
                crate::applications::insert_children(tx, id, &app.record)?;
                tx.tx.execute(
                    "UPDATE applications SET code = ?2 WHERE id = ?1",
                    params![id, app.record.code],
                )?;
                ApplicationId(id)
            }
            None => {
                let id = crate::applications::insert_application(tx, round.id, &app.record)?;
                tx.tx.execute(
                    "UPDATE applications SET uid = ?2 WHERE id = ?1",
                    params![id.0, app.uid],
                )?;
                id
            }
        };
        wanted.insert(app_id.0);
        for attachment in &app.attachments {
            tx.tx.execute(
                "INSERT INTO attachments (uid, application_id, clause, file_name, media_type, size_bytes, sha256, added_by, added_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, '秘书处', ?8)
                 ON CONFLICT (application_id, clause, sha256) DO NOTHING",
                params![attachment.uid, app_id.0, attachment.clause, attachment.file_name,
                        attachment.media_type, attachment.size_bytes as i64, attachment.sha256, now],
            )?;
        }
        let assigned = crate::access::assignment_row(
            &tx.tx,
            app_id,
            park_review_domain::ids::ExpertId(expert_id),
        )?;
        if assigned.is_none() {
            crate::access::insert_assignment(
                tx,
                &round,
                app_id,
                park_review_domain::ids::ExpertId(expert_id),
                &app.record.code,
                &content.expert.code,
            )?;
            tx.tx.execute(
                "UPDATE assignments SET uid = ?3 WHERE application_id = ?1 AND expert_id = ?2",
                params![app_id.0, expert_id, app.assignment_uid],
            )?;
            added.push(app.record.code.clone());
        }
    }
    let mut withdrawn = Vec::new();
    let gone: Vec<(i64, String, bool)> = tx
        .tx
        .prepare(
            "SELECT a.application_id, p.code,
                    a.opinion != '' OR EXISTS (SELECT 1 FROM scores s WHERE s.assignment_id = a.id)
             FROM assignments a JOIN applications p ON p.id = a.application_id
             WHERE a.round_id = ?1 AND a.expert_id = ?2",
        )?
        .query_map(params![round.id.0, expert_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    for (app_id, code, had_drafts) in gone.into_iter().filter(|(id, _, _)| !wanted.contains(id)) {
        crate::access::remove_assignment(
            tx,
            &round,
            ApplicationId(app_id),
            park_review_domain::ids::ExpertId(expert_id),
            &code,
            &content.expert.code,
            &format!("第 {} 号评审包不再包含此分配", facts.header.sequence),
        )?;
        withdrawn.push(WithdrawnAssignment {
            application: code,
            had_drafts,
        });
    }
    let round = Round {
        uid: park_review_domain::ids::Uid(content.round.uid.clone()),
        ..round
    };
    let detail = json!({"round": round.code, "expert": content.expert.code, "sequence": facts.header.sequence,
                        "added": added, "withdrawn": withdrawn.iter().map(|w| &w.application).collect::<Vec<_>>()});
    log_exchange(tx, Direction::PackageIn, facts, &round, expert_id, &detail)?;
    tx.audit("package.import", "exchange", &facts.uid, detail)?;
    Ok((added, withdrawn))
}
