//! The panel report (评审报告): laid out from a finalised ranking, signed first by the panel's
//! leader (组长), then by every other member in turn — each signature its own incremental
//! revision with its own claim, recorded as issued, so `verify` (and pdfsig, pyHanko) check
//! each and the panel page shows who has not signed yet. A member who disagrees records a
//! written dissent; it is printed on a report laid out after it.

use park_review_documents::{
    panel_report, GeneratedAt, PanelRankingLine, PanelReportData, PanelReportMember,
};
use park_review_domain::claim::{ClaimedSigner, DocumentKind, SignedClaim, CLAIM_FORMAT};
use park_review_domain::digest::sha256_hex;
use park_review_domain::ids::RoundId;
use park_review_domain::{CodedError, ErrorCode, Points};
use park_review_store::{KeyOwner, NewIssuedDocument, Store};
use serde_json::json;

use crate::sheets::{IssuedFile, Signer};
use crate::{Caller, Result};

fn file_name(round: &str) -> String {
    format!("评审报告-{round}.pdf")
}

fn resolution_zh(r: &str) -> &'static str {
    match r {
        "confirmed" => "已与专家确认",
        "rescored" => "已退回重评",
        "accepted" => "予以采纳",
        _ => "已处理",
    }
}

fn points(v: Option<Points>) -> String {
    v.map(|p| p.to_string()).unwrap_or_else(|| "—".into())
}

/// What the report prints, and the same as the snapshot `verify --db` compares later.
fn report_data(
    store: &Store,
    round_id: RoundId,
    uid: &str,
) -> Result<(PanelReportData, serde_json::Value)> {
    let round = store.round(round_id)?;
    let report = store.ranking(round_id)?;
    let status = store.panel_status(round_id)?;
    let rubric = store.rubric(round_id)?;
    let s = &report.settings;
    let mut method = vec![
        format!(
            "资料评审：{} 位评审专家按评分细则（满分 {} 分）独立评分；各申报的资料评审得分按“{}”汇总。",
            status.members.len(),
            rubric.max_total,
            s.aggregation.name_zh()
        ),
        format!(
            "综合得分 = 资料评审得分 × {}% + 实地考察得分 × {}%；得分相同时依次比较资料评审得分、产业基础（C3）部分得分和申报顺序。",
            (s.material_weight * 100.0).round(),
            ((1.0 - s.material_weight) * 100.0).round()
        ),
        format!(
            "专家合计分偏离该申报中位数超过 {} 分的为离群分，逐一记录处理方式；客观分评分项各专家评分须一致。",
            s.outlier_margin
        ),
    ];
    if let Some(c) = s.selection_count {
        method.push(format!("按综合得分从高到低，拟入选 {c} 个。"));
    }
    if let Some(c) = s.selection_cutoff {
        method.push(format!("拟入选分数线：综合得分 {c} 分。"));
    }
    let ranking: Vec<PanelRankingLine> = report
        .rows
        .iter()
        .map(|r| PanelRankingLine {
            rank: r.rank.map(|n| n.to_string()).unwrap_or_else(|| {
                if r.formal_pending {
                    "待补正"
                } else if !r.eligible {
                    "不参与"
                } else {
                    "—"
                }
                .into()
            }),
            code: r.code.clone(),
            park_name: r.park_name.clone(),
            city: r.city.clone(),
            material: points(r.material_score),
            site: points(r.site_score),
            comprehensive: points(r.comprehensive_score),
            selected: r.selected,
        })
        .collect();
    let mut outliers = Vec::new();
    for r in &report.rows {
        for e in &r.experts {
            if let Some(o) = &e.outlier {
                outliers.push(format!(
                    "申报 {} · 专家 {} 合计 {} 分（偏离中位数 {} 分）：{}{}",
                    r.code,
                    e.expert,
                    e.total,
                    o.deviation,
                    o.resolution
                        .as_deref()
                        .map(resolution_zh)
                        .unwrap_or("尚未处理"),
                    o.note
                        .as_deref()
                        .map(|n| format!("，{n}"))
                        .unwrap_or_default()
                ));
            }
        }
    }
    let objective_criteria: Vec<String> = rubric
        .rubric
        .sections
        .iter()
        .flat_map(|s| &s.criteria)
        .filter(|c| c.objective)
        .map(|c| format!("{} {}（{} 分）", c.code, c.title, c.max_points))
        .collect();
    let rechecks: Vec<String> = status
        .rechecks
        .iter()
        .map(|c| {
            format!(
                "申报 {} · 专家 {} · 评分项 {} {}：{} 分改为 {} 分。情形：{}。理由：{}",
                c.application,
                c.expert,
                c.criterion,
                c.criterion_title,
                c.old_points,
                c.new_points,
                c.case_zh,
                c.reason
            )
        })
        .collect();
    let members: Vec<PanelReportMember> = status
        .members
        .iter()
        .map(|m| PanelReportMember {
            code: m.code.clone(),
            name: m.name.clone(),
            employer: m.employer.clone(),
            leader: m.leader,
            dissent: m.dissent.clone(),
        })
        .collect();
    let finalised = match (&s.finalised_at, &s.finalised_by) {
        (Some(at), by) => format!(
            "排名已于 {} 由 {} 确定",
            at.replacen('T', " ", 1),
            by.clone().unwrap_or_default()
        ),
        _ => "排名尚未确定".into(),
    };
    let content = json!({
        "ranking": crate::reports::ranking_snapshot(&report),
        "leader": status.leader.as_ref().map(|l| &l.expert),
        "members": status.members.iter().map(|m| &m.code).collect::<Vec<_>>(),
        "dissents": status.members.iter().filter_map(|m| m.dissent.as_ref().map(|d| (m.code.clone(), d.clone()))).collect::<std::collections::BTreeMap<_, _>>(),
        "rechecks": status.rechecks.iter().map(|c| json!({
            "application": c.application, "expert": c.expert, "criterion": c.criterion,
            "old": c.old_points, "new": c.new_points, "case": c.case, "reason": c.reason,
        })).collect::<Vec<_>>(),
    });
    Ok((
        PanelReportData {
            report_id: uid.to_owned(),
            round_title: round.title.clone(),
            round_code: round.code.clone(),
            method,
            ranking,
            outliers,
            objective_criteria,
            rechecks,
            members,
            finalised,
        },
        content,
    ))
}

/// What the database says the report of `layout` shows now (for `verify --db`). On a member's
/// own copy, which holds no ranking, the recorded snapshot stands (nothing to compare).
pub(crate) fn current_snapshot(
    store: &Store,
    round_id: RoundId,
    layout: &str,
    recorded: &serde_json::Value,
) -> Result<serde_json::Value> {
    if store.require_secretariat_copy().is_err() {
        return Ok(recorded.clone());
    }
    let (_, content) = report_data(store, round_id, layout)?;
    Ok(json!({"layout": layout, "content": content}))
}

fn claim_for(store: &Store, round_id: RoundId, signer: &str, uid: &str) -> Result<SignedClaim> {
    let round = store.round(round_id)?;
    let expert = store.expert_by_code(signer)?;
    Ok(SignedClaim {
        format: CLAIM_FORMAT.into(),
        kind: DocumentKind::PanelReport,
        document_uid: uid.to_owned(),
        round_uid: round.uid.0,
        round: round.code,
        application_uid: None,
        application: None,
        expert_uid: Some(expert.uid.0),
        signer: ClaimedSigner::Expert {
            code: expert.code,
            name: expert.name,
        },
        rubric_sha256: None,
    })
}

fn issued(uid: &str, signer: &str, round: &str, signed: Vec<u8>) -> IssuedFile {
    IssuedFile {
        sheet_id: uid.to_owned(),
        application: String::new(),
        expert: signer.to_owned(),
        total: Points::ZERO,
        file_sha256: sha256_hex(&signed),
        file_name: file_name(round),
        bytes: signed,
    }
}

/// Lays out the panel report of a finalised ranking and signs it as the panel's leader (the
/// passphrase is asked once the leader is known); records it as issued. A report laid out
/// again (after a dissent, or a new leader) starts a new round of signatures.
pub fn issue_panel_report(
    store: &mut Store,
    caller: Caller,
    round_id: RoundId,
    passphrase: impl FnOnce(&str) -> Result<String>,
) -> Result<IssuedFile> {
    let round = store.round(round_id)?;
    if store.ranking_settings(round_id)?.finalised_at.is_none() {
        return Err(CodedError::new(
            ErrorCode::InvalidTransition,
            format!(
                "批次 {} 的排名尚未确定：评审报告记录的是复核后的最终结果，请先处理离群分和客观分不一致、确定排名（park-review rank finalise），再生成评审报告。",
                round.code
            ),
        ));
    }
    let leader = store.panel_leader(round_id)?.ok_or_else(|| {
        CodedError::new(
            ErrorCode::InvalidTransition,
            format!(
                "批次 {} 还没有记录评审委员会组长：请先记录评审委员会推选的组长（park-review panel leader set），组长第一个签署评审报告。",
                round.code
            ),
        )
    })?;
    let signer = Signer::ask(store, KeyOwner::Expert(&leader.expert), || {
        passphrase(&leader.expert)
    })?;
    let uid = park_review_store::fresh_uid();
    let (data, content) = report_data(store, round_id, &uid)?;
    let now = store.now();
    let pdf = panel_report(&data, &GeneratedAt::at(now));
    let claim = claim_for(store, round_id, &leader.expert, &uid)?;
    let signed = signer.sign(&pdf, "评审报告（组长签署）".into(), now, &claim)?;
    store.record_document(
        &caller.expert(&leader.expert),
        &NewIssuedDocument {
            uid: &uid,
            round_id,
            kind: DocumentKind::PanelReport,
            expert: Some(&leader.expert),
            application: None,
            snapshot: &json!({"layout": uid, "content": content}),
            pdf: &signed,
        },
    )?;
    Ok(issued(&uid, &leader.expert, &round.code, signed))
}

/// A member signs the newest issued revision of the panel report (`pdf` must be exactly it),
/// adding a signature as a new revision. A member who disagrees gives the dissent: if the
/// report does not print it yet, it is recorded and the leader must lay the report out again
/// (INVALID_TRANSITION says so) — a signature under words the member did not write is not
/// given.
#[allow(clippy::too_many_arguments)]
pub fn sign_panel_report(
    store: &mut Store,
    caller: Caller,
    round_id: RoundId,
    member: &str,
    pdf: &[u8],
    dissent: Option<&str>,
    passphrase: impl FnOnce(&str) -> Result<String>,
) -> Result<IssuedFile> {
    let round = store.round(round_id)?;
    let member = store.panel_member(round_id, member)?.code;
    let rows = store.newest_panel_report(round_id)?;
    let Some(first) = rows.first() else {
        return Err(CodedError::new(
            ErrorCode::InvalidTransition,
            format!(
                "批次 {} 还没有评审报告：请组长先生成并签署评审报告（park-review panel report）。",
                round.code
            ),
        ));
    };
    let newest_sha = rows.last().map(|r| r.2.clone()).unwrap_or_default();
    if sha256_hex(pdf) != newest_sha {
        return Err(CodedError::new(
            ErrorCode::SignatureInvalid,
            "这不是本数据库签发的最新一版评审报告（可能是旧版本或被改动过）：请用最新的评审报告文件签署。".to_owned(),
        ));
    }
    if rows.iter().any(|r| r.1 == member) {
        return Err(CodedError::new(
            ErrorCode::InvalidTransition,
            format!("{member} 已签署这份评审报告。"),
        ));
    }
    let printed_snapshot = store
        .issued_document(&first.0)?
        .map(|d| d.snapshot)
        .unwrap_or_default();
    let printed = printed_snapshot
        .pointer(&format!("/content/dissents/{member}"))
        .and_then(|v| v.as_str())
        .map(str::to_owned);
    let wanted = dissent.map(str::trim).filter(|d| !d.is_empty());
    if let Some(text) = wanted {
        if printed.as_deref() != Some(text) {
            store.record_panel_dissent(&caller.expert(&member), round_id, &member, Some(text))?;
            return Err(CodedError::new(
                ErrorCode::InvalidTransition,
                format!(
                    "{member} 的不同意见已记录。它须印在评审报告上：请组长重新生成并签署评审报告（park-review panel report），再由各成员签署。"
                ),
            ));
        }
    }
    // The report must be intact and every signature on it this database's.
    let verdict = crate::verify::verify_file(pdf, crate::verify::Trust::Database(store))?;
    if !verdict.valid {
        return Err(CodedError::new(
            ErrorCode::SignatureInvalid,
            format!(
                "评审报告未通过核验，不能签署：{}",
                verdict.problems.join("；")
            ),
        ));
    }
    let signer = Signer::ask(store, KeyOwner::Expert(&member), || passphrase(&member))?;
    let uid = park_review_store::fresh_uid();
    let now = store.now();
    let claim = claim_for(store, round_id, &member, &uid)?;
    let reason = if printed.is_some() {
        "评审报告（成员签署，附不同意见）"
    } else {
        "评审报告（成员签署）"
    };
    let signed = signer.sign(pdf, reason.into(), now, &claim)?;
    store.record_document(
        &caller.expert(&member),
        &NewIssuedDocument {
            uid: &uid,
            round_id,
            kind: DocumentKind::PanelReport,
            expert: Some(&member),
            application: None,
            snapshot: &printed_snapshot,
            pdf: &signed,
        },
    )?;
    Ok(issued(&uid, &member, &round.code, signed))
}

/// [`sign_panel_report`] on the newest revision this database issued (the app's way, and the
/// CLI's without `--in`: the file never leaves the database between signatures).
pub fn sign_latest_panel_report(
    store: &mut Store,
    caller: Caller,
    round_id: RoundId,
    member: &str,
    dissent: Option<&str>,
    passphrase: impl FnOnce(&str) -> Result<String>,
) -> Result<IssuedFile> {
    let newest = store
        .newest_panel_report(round_id)?
        .pop()
        .map(|r| r.3)
        .unwrap_or_default();
    sign_panel_report(
        store, caller, round_id, member, &newest, dissent, passphrase,
    )
}

/// The newest revision of the panel report, as issued (for saving a copy).
pub fn newest_panel_report_file(store: &Store, round_id: RoundId) -> Result<Option<IssuedFile>> {
    let round = store.round(round_id)?;
    Ok(store
        .newest_panel_report(round_id)?
        .pop()
        .map(|r| issued(&r.0, &r.1, &round.code, r.3)))
}

/// The claims of a panel report file whose every signature is intact and followed only by
/// further signatures, with the SHA-256 of each signed revision; SIGNATURE_INVALID otherwise.
fn intact_report(pdf: &[u8]) -> Result<(Vec<SignedClaim>, crate::verify::ReadFile)> {
    let read = crate::verify::read_signatures(pdf);
    let verdict = crate::verify::judge(&read, crate::verify::Trust::None)?;
    if !verdict.integrity_only() {
        return Err(CodedError::new(
            ErrorCode::SignatureInvalid,
            format!(
                "评审报告文件未通过完整性核验，不能签署或导入：{}",
                verdict
                    .problems
                    .iter()
                    .filter(|p| !p.starts_with("未提供信任来源"))
                    .cloned()
                    .collect::<Vec<_>>()
                    .join("；")
            ),
        ));
    }
    let claims: Option<Vec<SignedClaim>> = read.claims().into_iter().collect();
    match claims {
        Some(claims) if claims.iter().all(|c| c.kind == DocumentKind::PanelReport) => {
            Ok((claims, read))
        }
        _ => Err(CodedError::new(
            ErrorCode::SignatureInvalid,
            "这不是本系统签发的评审报告（有签名不带评审报告的签署声明）。".to_owned(),
        )),
    }
}

/// On a member's own laptop (their review copy): signs the panel report file the secretariat
/// sent, after the signatures already on it, and records it there. Who signed before cannot be
/// told on this laptop (it knows only the secretariat's certificate); the secretariat checks
/// every signature when the file comes back ([`import_panel_report_signature`]). A dissent is
/// recorded at the secretariat first, so that it is printed on the report this member signs.
pub fn sign_panel_report_file(
    store: &mut Store,
    caller: Caller,
    member: &str,
    pdf: &[u8],
    passphrase: impl FnOnce(&str) -> Result<String>,
) -> Result<IssuedFile> {
    let member = store.expert_by_code(member)?.code;
    store.permits(&caller.expert(&member))?;
    let (claims, _) = intact_report(pdf)?;
    let first = claims
        .first()
        .ok_or_else(|| CodedError::internal("评审报告没有签名"))?;
    let round = store.find_round(&first.round)?;
    if round.uid.0 != first.round_uid {
        return Err(CodedError::new(
            ErrorCode::SignatureInvalid,
            format!(
                "这份评审报告属于另一个批次（{}），不是本机评审副本中的批次 {}。",
                first.round, round.code
            ),
        ));
    }
    if claims
        .iter()
        .any(|c| matches!(&c.signer, ClaimedSigner::Expert { code, .. } if *code == member))
    {
        return Err(CodedError::new(
            ErrorCode::InvalidTransition,
            format!("{member} 已签署这份评审报告。"),
        ));
    }
    let signer = Signer::ask(store, KeyOwner::Expert(&member), || passphrase(&member))?;
    let uid = park_review_store::fresh_uid();
    let now = store.now();
    let claim = claim_for(store, round.id, &member, &uid)?;
    let signed = signer.sign(pdf, "评审报告（成员签署）".into(), now, &claim)?;
    store.record_document(
        &caller.expert(&member),
        &NewIssuedDocument {
            uid: &uid,
            round_id: round.id,
            kind: DocumentKind::PanelReport,
            expert: Some(&member),
            application: None,
            snapshot: &json!({"layout": first.document_uid}),
            pdf: &signed,
        },
    )?;
    Ok(issued(&uid, &member, &round.code, signed))
}

/// At the secretariat: takes in a panel report a member signed on their own laptop. The file
/// must be exactly the newest revision issued here plus one signature — by a panel member who
/// has not signed it yet, with the certificate registered here for that member — and is then
/// recorded as that member's signature. Replayed, stale (another member signed in between),
/// changed or foreign files are refused and nothing changes.
pub fn import_panel_report_signature(
    store: &mut Store,
    caller: Caller,
    pdf: &[u8],
) -> Result<(park_review_domain::model::Round, IssuedFile)> {
    store.require_secretariat_copy()?;
    let (claims, read) = intact_report(pdf)?;
    let last = claims
        .last()
        .ok_or_else(|| CodedError::internal("评审报告没有签名"))?;
    let round = store.find_round(&last.round)?;
    if round.uid.0 != last.round_uid || claims.iter().any(|c| c.round_uid != round.uid.0) {
        return Err(CodedError::new(
            ErrorCode::SignatureInvalid,
            "评审报告中的签署声明不属于本数据库的批次。".to_owned(),
        ));
    }
    let ClaimedSigner::Expert { code, .. } = &last.signer else {
        return Err(CodedError::new(
            ErrorCode::SignatureInvalid,
            "评审报告的最后一个签名不是评审专家的。".to_owned(),
        ));
    };
    let member = store.panel_member(round.id, code)?.code;
    if store.issued_document(&last.document_uid)?.is_some() {
        return Err(CodedError::new(
            ErrorCode::InvalidTransition,
            format!("{member} 的这次签署已导入过，没有做任何改动。"),
        ));
    }
    let rows = store.newest_panel_report(round.id)?;
    let newest = rows.last().map(|r| r.2.clone()).unwrap_or_default();
    let base = claims
        .len()
        .checked_sub(2)
        .and_then(|i| read.revision_sha256(i));
    if rows.is_empty() || base.as_deref() != Some(newest.as_str()) {
        return Err(CodedError::new(
            ErrorCode::SignatureInvalid,
            format!(
                "{member} 签署的不是本数据库最新一版评审报告（其间可能已有其他成员签署，或报告已重新生成）：请把最新一版（panel report save）发给 {member} 重新签署。没有做任何改动。"
            ),
        ));
    }
    if rows.iter().any(|r| r.1 == member) {
        return Err(CodedError::new(
            ErrorCode::InvalidTransition,
            format!("{member} 已签署这份评审报告，没有做任何改动。"),
        ));
    }
    // The new signature: by the certificate registered here for this member, not revoked.
    let fingerprint = read
        .certificate_sha256(claims.len() - 1)
        .unwrap_or_default();
    match store.certificate_record(&fingerprint)? {
        Some(r) if r.signer == last.signer && r.revoked_at.is_none() => {}
        Some(r) if r.revoked_at.is_some() => {
            return Err(CodedError::new(
                ErrorCode::SignatureInvalid,
                format!("{member} 签名所用的证书已吊销，没有做任何改动。"),
            ))
        }
        _ => {
            return Err(CodedError::new(
                ErrorCode::CertNotRegistered,
                format!(
                    "签名所用的证书（SHA-256 {}）不是本数据库为 {member} 登记的证书：请先与专家本人核对指纹，再登记其证书（park-review cert import --expert {member} 证书.pem）。没有做任何改动。",
                    park_review_domain::offline::fingerprint_groups(&fingerprint)
                ),
            ))
        }
    }
    let snapshot = store
        .issued_document(&rows[0].0)?
        .map(|d| d.snapshot)
        .unwrap_or_default();
    store.record_document(
        &caller.expert(&member),
        &NewIssuedDocument {
            uid: &last.document_uid,
            round_id: round.id,
            kind: DocumentKind::PanelReport,
            expert: Some(&member),
            application: None,
            snapshot: &snapshot,
            pdf,
        },
    )?;
    let file = issued(&last.document_uid, &member, &round.code, pdf.to_vec());
    Ok((round, file))
}
