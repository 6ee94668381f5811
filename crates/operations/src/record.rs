//! The inspection record (实地考察记录表): laid out from a finalised inspection, signed by the
//! team's leader, then countersigned by each member — every signature its own incremental
//! revision with its own claim, recorded as issued, so `verify` (and pdfsig, pyHanko) check each.

use park_review_documents::{
    inspection_record, GeneratedAt, RecordData, RecordEvidence, RecordItem, RecordMember,
};
use park_review_domain::claim::{ClaimedSigner, DocumentKind, SignedClaim, CLAIM_FORMAT};
use park_review_domain::digest::sha256_hex;
use park_review_domain::ids::RoundId;
use park_review_domain::inspection::{ItemStatus, Response};
use park_review_domain::{CodedError, ErrorCode};
use park_review_store::inspection::{record_snapshot, InspectionStatus, InspectionView};
use park_review_store::{KeyOwner, NewIssuedDocument, Store};

use crate::sheets::{IssuedFile, Signer};
use crate::{Caller, Result};

/// The largest side of a thumbnail on the record, in pixels (about 150 dpi at 42 mm).
const THUMBNAIL_PX: u32 = 250;

/// A photo made small for the record: decoded, scaled to fit [`THUMBNAIL_PX`], as PNG. None for
/// a document or a file that does not decode (the record then shows its name and hash only).
pub fn thumbnail(bytes: &[u8]) -> Option<Vec<u8>> {
    thumbnail_of(&image::load_from_memory(bytes).ok()?)
}

/// [`thumbnail`] of an image already decoded.
pub(crate) fn thumbnail_of(image: &image::DynamicImage) -> Option<Vec<u8>> {
    let small = image.thumbnail(THUMBNAIL_PX, THUMBNAIL_PX).to_rgb8();
    let mut out = Vec::new();
    small
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .ok()?;
    Some(out)
}

fn record_file_name(round: &str, application: &str) -> String {
    format!("实地考察记录-{round}-{application}.pdf")
}

/// What the record prints, from the inspection and the database.
fn record_data(
    store: &Store,
    round_id: RoundId,
    view: &InspectionView,
    record_id: &str,
) -> Result<RecordData> {
    let round = store.round(round_id)?;
    let dissents = store.inspection_dissents(round_id, &view.application.code)?;
    let checklist = store.checklist(round_id)?.checklist;
    let mut evidence = Vec::new();
    for item in &view.items {
        for e in &item.evidence {
            // The thumbnail made when the photo was attached; from the file only for evidence
            // that has none (a document, or one attached before thumbnails were kept).
            let small = match store.evidence_thumbnail(&e.uid)? {
                Some(t) => Some(t),
                None if e.media_type.starts_with("image/") => {
                    thumbnail(&store.read_evidence(&e.uid)?.1)
                }
                None => None,
            };
            evidence.push(RecordEvidence {
                item: e.item.clone(),
                file_name: e.file_name.clone(),
                sha256: e.sha256.clone(),
                captured_at: e.captured_at.clone(),
                before_visit: e.before_visit,
                thumbnail: small,
            });
        }
    }
    let mut members = Vec::new();
    for m in &view.team {
        members.push(RecordMember {
            code: m.code.clone(),
            name: m.name.clone(),
            employer: m.employer.clone(),
            leader: m.leader,
            dissent: dissents.get(&m.code).cloned(),
            signature_png: store.hand_signature(&m.code)?,
        });
    }
    Ok(RecordData {
        record_id: record_id.to_owned(),
        round_title: round.title.clone(),
        application_code: view.application.code.clone(),
        park_name: view.application.park_name.clone(),
        city: view.application.city.name_zh().to_owned(),
        visit_date: view.visit_date.clone().unwrap_or_else(|| "—".into()),
        place: if view.place.is_empty() {
            "—".into()
        } else {
            view.place.clone()
        },
        checklist_title: checklist.title.clone(),
        checklist_sha256: view.checklist_sha256.clone().unwrap_or_default(),
        items: view
            .items
            .iter()
            .map(|i| RecordItem {
                code: i.item.code.clone(),
                prompt: i.item.prompt.clone(),
                clauses: i.item.clauses.join(", "),
                declared: i
                    .declared
                    .as_ref()
                    .map(|d| d.text.clone())
                    .unwrap_or_default(),
                found: match &i.item.response {
                    Response::Number { unit, .. } => i
                        .answer
                        .value
                        .map(|v| format!("{v} {unit}"))
                        .unwrap_or_default(),
                    Response::Text => i.answer.text.clone(),
                    Response::Status => String::new(),
                },
                status: i.status.map(ItemStatus::name_zh).unwrap_or("—").to_owned(),
                note: i.answer.note.clone(),
            })
            .collect(),
        evidence,
        discrepancies: view
            .discrepancies
            .iter()
            .map(|d| {
                format!(
                    "{}（{}）：申报 {} {}，核实 {} {}",
                    d.item,
                    d.clauses.join(", "),
                    d.declared,
                    d.unit,
                    d.found,
                    d.unit
                )
            })
            .collect(),
        section_scores: checklist
            .sections
            .iter()
            .map(|s| {
                let score = view
                    .site_score
                    .sections
                    .iter()
                    .find(|(code, _)| *code == s.code)
                    .and_then(|(_, p)| *p)
                    .map(|p| p.to_string())
                    .unwrap_or_else(|| "—".into());
                (format!("{} {}", s.code, s.title), score)
            })
            .collect(),
        site_score: view.site_score.total.to_string(),
        finalised_at: view
            .finalised_at
            .clone()
            .unwrap_or_default()
            .replacen('T', " ", 1),
        members,
    })
}

fn claim_for(
    store: &Store,
    round_id: RoundId,
    view: &InspectionView,
    signer_code: &str,
    uid: &str,
) -> Result<SignedClaim> {
    let round = store.round(round_id)?;
    let expert = store.expert_by_code(signer_code)?;
    Ok(SignedClaim {
        format: CLAIM_FORMAT.into(),
        kind: DocumentKind::InspectionRecord,
        document_uid: uid.to_owned(),
        round_uid: round.uid.0,
        round: round.code,
        application_uid: Some(view.application.uid.0.clone()),
        application: Some(view.application.code.clone()),
        expert_uid: Some(expert.uid.0),
        signer: ClaimedSigner::Expert {
            code: expert.code,
            name: expert.name,
        },
        rubric_sha256: None,
    })
}

fn issued(
    uid: &str,
    view: &InspectionView,
    signer: &str,
    round: &str,
    signed: Vec<u8>,
) -> IssuedFile {
    IssuedFile {
        sheet_id: uid.to_owned(),
        application: view.application.code.clone(),
        expert: signer.to_owned(),
        total: view.site_score.total,
        file_sha256: sha256_hex(&signed),
        file_name: record_file_name(round, &view.application.code),
        bytes: signed,
    }
}

/// Lays out the record of a finalised inspection and signs it as the team's leader (the
/// passphrase is asked once the leader is known); records it as issued.
pub fn issue_inspection_record(
    store: &mut Store,
    caller: Caller,
    round_id: RoundId,
    application: &str,
    passphrase: impl FnOnce(&str) -> Result<String>,
) -> Result<IssuedFile> {
    let view = store.inspection(round_id, application)?;
    if view.status != InspectionStatus::Finalised {
        return Err(CodedError::new(
            ErrorCode::InvalidTransition,
            format!(
                "申报 {} 的实地考察尚未定稿：定稿后才能生成并签署考察记录。",
                view.application.code
            ),
        ));
    }
    let leader = view
        .team
        .iter()
        .find(|m| m.leader)
        .map(|m| m.code.clone())
        .ok_or_else(|| CodedError::internal("考察组没有组长"))?;
    let signer = Signer::ask(store, KeyOwner::Expert(&leader), || passphrase(&leader))?;
    let uid = park_review_store::fresh_uid();
    let data = record_data(store, round_id, &view, &uid)?;
    let now = store.now();
    let pdf = inspection_record(&data, &GeneratedAt::at(now));
    let claim = claim_for(store, round_id, &view, &leader, &uid)?;
    let signed = signer.sign(&pdf, "实地考察记录表（组长签署）".into(), now, &claim)?;
    let dissents = store.inspection_dissents(round_id, application)?;
    let round = store.round(round_id)?;
    store.record_document(
        &caller.inspector(&leader),
        &NewIssuedDocument {
            uid: &uid,
            round_id,
            kind: DocumentKind::InspectionRecord,
            expert: Some(&leader),
            application: Some(&view.application.code),
            snapshot: &record_snapshot(&view, &dissents),
            pdf: &signed,
        },
    )?;
    Ok(issued(&uid, &view, &leader, &round.code, signed))
}

/// A member countersigns the newest issued revision of the record (`pdf` must be exactly it),
/// adding a signature as a new revision. A member who disagrees records the dissent first: it
/// is printed only on a record laid out after it, so a dissent that is not on `pdf` is recorded
/// and the leader must issue the record again (INVALID_TRANSITION says so).
#[allow(clippy::too_many_arguments)]
pub fn countersign_inspection_record(
    store: &mut Store,
    caller: Caller,
    round_id: RoundId,
    application: &str,
    member: &str,
    pdf: &[u8],
    dissent: Option<&str>,
    passphrase: impl FnOnce(&str) -> Result<String>,
) -> Result<IssuedFile> {
    let view = store.inspection(round_id, application)?;
    let member = store.expert_by_code(member)?.code;
    let on_team = view.team.iter().find(|m| m.code == member);
    match on_team {
        None => {
            return Err(CodedError::new(
                ErrorCode::NotPermitted,
                format!(
                    "专家 {member} 不是申报 {} 考察组的成员，不能会签其考察记录。",
                    view.application.code
                ),
            ))
        }
        Some(m) if m.leader => {
            return Err(CodedError::new(
                ErrorCode::InvalidTransition,
                format!("{member} 是考察组组长，已在生成考察记录时签署。"),
            ))
        }
        Some(_) => {}
    }
    let signatures = store.inspection_record_signatures(round_id, application)?;
    let Some((_, _, newest_sha, _)) = signatures.last() else {
        return Err(CodedError::new(
            ErrorCode::InvalidTransition,
            format!(
                "申报 {} 还没有组长签署的考察记录：请组长先生成考察记录。",
                view.application.code
            ),
        ));
    };
    if sha256_hex(pdf) != *newest_sha {
        return Err(CodedError::new(
            ErrorCode::SignatureInvalid,
            "这不是本数据库签发的最新一版考察记录（可能是旧版本或被改动过）：请用最新的考察记录文件会签。".to_owned(),
        ));
    }
    // Signed since the leader's signature: who already did.
    let leader_index = signatures
        .iter()
        .rposition(|(_, code, _, _)| view.team.iter().any(|m| m.leader && m.code == *code))
        .unwrap_or(0);
    if signatures[leader_index..]
        .iter()
        .any(|(_, code, _, _)| *code == member)
    {
        return Err(CodedError::new(
            ErrorCode::InvalidTransition,
            format!("{member} 已会签这份考察记录。"),
        ));
    }
    let printed = store.inspection_dissents(round_id, application)?;
    let wanted = dissent.map(str::trim).filter(|d| !d.is_empty());
    if let Some(text) = wanted {
        if printed.get(&member).map(String::as_str) != Some(text) {
            store.record_dissent(
                &caller.inspector(&member),
                round_id,
                application,
                &member,
                Some(text),
            )?;
            return Err(CodedError::new(
                ErrorCode::InvalidTransition,
                format!(
                    "{member} 的不同意见已记录。它须印在考察记录上：请组长重新生成并签署考察记录（park-review inspection record），再会签。"
                ),
            ));
        }
    }
    // The record must be intact and every signature on it this database's.
    let verdict = crate::verify::verify_file(pdf, crate::verify::Trust::Database(store))?;
    if !verdict.valid {
        return Err(CodedError::new(
            ErrorCode::SignatureInvalid,
            format!(
                "考察记录未通过核验，不能会签：{}",
                verdict.problems.join("；")
            ),
        ));
    }
    let signer = Signer::ask(store, KeyOwner::Expert(&member), || passphrase(&member))?;
    let uid = park_review_store::fresh_uid();
    let now = store.now();
    let claim = claim_for(store, round_id, &view, &member, &uid)?;
    let signed = signer.sign(pdf, "实地考察记录表（成员会签）".into(), now, &claim)?;
    let round = store.round(round_id)?;
    store.record_document(
        &caller.inspector(&member),
        &NewIssuedDocument {
            uid: &uid,
            round_id,
            kind: DocumentKind::InspectionRecord,
            expert: Some(&member),
            application: Some(&view.application.code),
            snapshot: &record_snapshot(&view, &printed),
            pdf: &signed,
        },
    )?;
    Ok(issued(&uid, &view, &member, &round.code, signed))
}

/// [`countersign_inspection_record`] on the newest revision this database issued (the app's
/// way: the file never leaves the database between signatures).
pub fn countersign_latest(
    store: &mut Store,
    caller: Caller,
    round_id: RoundId,
    application: &str,
    member: &str,
    dissent: Option<&str>,
    passphrase: impl FnOnce(&str) -> Result<String>,
) -> Result<IssuedFile> {
    let newest = store
        .inspection_record_signatures(round_id, application)?
        .pop()
        .map(|(_, _, _, pdf)| pdf)
        .ok_or_else(|| {
            CodedError::new(
                ErrorCode::InvalidTransition,
                format!("申报 {application} 还没有组长签署的考察记录：请组长先生成考察记录。"),
            )
        })?;
    countersign_inspection_record(
        store,
        caller,
        round_id,
        application,
        member,
        &newest,
        dissent,
        passphrase,
    )
}
