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

/// What the database says the report of `layout` shows now (for `verify --db`).
pub(crate) fn current_snapshot(
    store: &Store,
    round_id: RoundId,
    layout: &str,
) -> Result<serde_json::Value> {
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
