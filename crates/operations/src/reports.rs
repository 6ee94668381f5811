//! The ranking's reports: the Excel workbook, the ranking report the secretariat signs, and the
//! publicity list (公示名单) of a finalised ranking.

use park_review_documents::GeneratedAt;
use park_review_domain::claim::{ClaimedSigner, DocumentKind, SignedClaim, CLAIM_FORMAT};
use park_review_domain::eligibility::RuleResult;
use park_review_domain::ids::RoundId;
use park_review_domain::{CodedError, ErrorCode, Points};
use park_review_store::{KeyOwner, NewIssuedDocument, RankingReport, Store};
use park_review_xlsx::{Cell, Sheet};

use crate::files::{stamp, Document};
use crate::{Caller, Result, Signer};

/// What a ranking report shows, as data: recorded when it is issued, compared by `verify`.
pub(crate) fn ranking_snapshot(report: &RankingReport) -> serde_json::Value {
    serde_json::json!({
        "rows": report
            .rows
            .iter()
            .map(|r| serde_json::json!({
                "application": r.code,
                "rank": r.rank,
                "comprehensive": r.comprehensive_score,
                "selected": r.selected,
            }))
            .collect::<Vec<_>>(),
        "finalised_at": report.settings.finalised_at,
    })
}

fn points(v: Option<Points>) -> String {
    v.map(|p| p.to_string()).unwrap_or_else(|| "—".into())
}

/// A spreadsheet cell for points: the decimal number, empty when there are none.
fn number(v: Option<Points>) -> Cell {
    Cell::Number(v.map(Points::to_f64))
}

fn resolution_zh(r: &str) -> &'static str {
    match r {
        "confirmed" => "已与专家确认",
        "rescored" => "已退回重评",
        "accepted" => "予以采纳",
        _ => "已处理",
    }
}

fn method_line(report: &RankingReport) -> String {
    let s = &report.settings;
    format!(
        "汇总方法：{} · 资料评审 {}% + 实地考察 {}% · 离群阈值 {} 分{}{}",
        s.aggregation.name_zh(),
        (s.material_weight * 100.0).round(),
        ((1.0 - s.material_weight) * 100.0).round(),
        s.outlier_margin,
        s.selection_count
            .map(|c| format!(" · 拟入选 {c} 个"))
            .unwrap_or_default(),
        s.selection_cutoff
            .map(|c| format!(" · 分数线 {c}"))
            .unwrap_or_default()
    )
}

/// The ranking report (综合评分与排名报告) as an A4 PDF signed with the secretariat's key and
/// recorded as issued; NO_KEY before the passphrase is asked for.
pub fn ranking_report(
    store: &mut Store,
    caller: Caller,
    round_id: RoundId,
    passphrase: impl FnOnce() -> Result<String>,
) -> Result<Document> {
    let signer = Signer::ask(store, KeyOwner::Secretariat, passphrase)?;
    let report = store.ranking(round_id)?;
    let now = store.now();
    let lines = report
        .rows
        .iter()
        .map(|r| {
            let mut notes = Vec::new();
            if let Some(t) = r.tie_break {
                notes.push(format!("与上一名综合得分相同：{}。", t.name_zh()));
            }
            for e in &r.experts {
                if let Some(o) = &e.outlier {
                    notes.push(match &o.resolution {
                        Some(res) => format!(
                            "离群分：{} {} 分（偏离中位数 {} 分），{}：{}（{}，{}）",
                            e.expert,
                            e.total,
                            o.deviation,
                            resolution_zh(res),
                            o.note.clone().unwrap_or_default(),
                            o.resolved_by.clone().unwrap_or_default(),
                            o.resolved_at.clone().unwrap_or_default()
                        ),
                        None => format!(
                            "离群分：{} {} 分（偏离中位数 {} 分），尚未处理",
                            e.expert, e.total, o.deviation
                        ),
                    });
                }
            }
            if r.formal_pending {
                notes.push("形式审查尚待补正，完成并通过后才参与排名。".into());
            } else if !r.eligible {
                notes.push("形式审查未通过，不参与排名。".into());
            } else if r.incomplete {
                notes.push("缺少资料评审或实地考察得分，暂不排名。".into());
            }
            if r.sections.iter().any(|s| s.score.is_some()) {
                notes.push(format!(
                    "各部分得分：{}",
                    r.sections
                        .iter()
                        .map(|s| format!("{} {}/{}", s.title, points(s.score), s.max))
                        .collect::<Vec<_>>()
                        .join("，")
                ));
            }
            if let Some(reference) = &r.site_record_ref {
                notes.push(format!("实地考察得分依据：{reference}"));
            }
            park_review_documents::RankingLine {
                rank: r.rank.map(|n| n.to_string()).unwrap_or_else(|| "—".into()),
                code: r.code.clone(),
                park_name: r.park_name.clone(),
                city: r.city.clone(),
                experts: if r.experts.is_empty() {
                    "—".into()
                } else {
                    format!(
                        "{}（已提交 {}/{}）",
                        r.experts
                            .iter()
                            .map(|e| format!("{} {}", e.expert, e.total))
                            .collect::<Vec<_>>()
                            .join("，"),
                        r.submitted,
                        r.assigned
                    )
                },
                material: points(r.material_score),
                site: points(r.site_score),
                comprehensive: points(r.comprehensive_score),
                selected: r.selected,
                notes,
            }
        })
        .collect();
    let status = match (&report.settings.finalised_at, &report.settings.finalised_by) {
        (Some(at), by) => format!(
            "排名已于 {} 由 {} 确定。",
            at.replacen('T', " ", 1),
            by.clone().unwrap_or_default()
        ),
        _ => "排名尚未确定（草稿）。".into(),
    };
    let data = park_review_documents::RankingReportData {
        round_title: report.round.title.clone(),
        method: method_line(&report),
        lines,
        status,
    };
    let pdf = park_review_documents::ranking_report(&data, &GeneratedAt::at(now));
    let uid = park_review_store::fresh_uid();
    let claim = SignedClaim {
        format: CLAIM_FORMAT.into(),
        kind: DocumentKind::RankingReport,
        document_uid: uid.clone(),
        round_uid: report.round.uid.0.clone(),
        round: report.round.code.clone(),
        application_uid: None,
        application: None,
        expert_uid: None,
        signer: ClaimedSigner::Secretariat,
        rubric_sha256: store.rubric(round_id)?.frozen_sha256,
    };
    let bytes = signer.sign(
        &pdf,
        format!("综合评分与排名报告 {}", report.round.code),
        now,
        &claim,
    )?;
    store.record_document(
        &caller.secretariat(),
        &NewIssuedDocument {
            uid: &uid,
            round_id,
            kind: DocumentKind::RankingReport,
            expert: None,
            application: None,
            snapshot: &ranking_snapshot(&report),
            pdf: &bytes,
        },
    )?;
    Ok(Document {
        file_name: format!("排名报告-{}-{}.pdf", report.round.code, stamp(now)),
        bytes,
    })
}

/// The ranking's exports, each made before any is written: the workbook when `workbook`, the
/// report signed by the secretariat when `passphrase` is given. A missing key or a wrong
/// passphrase fails here, so neither front end writes half an export (all or nothing).
pub fn ranking_exports(
    store: &mut Store,
    caller: Caller,
    round_id: RoundId,
    workbook: bool,
    passphrase: Option<impl FnOnce() -> Result<String>>,
) -> Result<(Option<Document>, Option<Document>)> {
    let workbook = workbook
        .then(|| ranking_workbook(store, round_id))
        .transpose()?;
    let report = passphrase
        .map(|passphrase| ranking_report(store, caller, round_id, passphrase))
        .transpose()?;
    Ok((workbook, report))
}

/// The ranking workbook: 排名, 评分明细, 离群分, 形式审查.
pub fn ranking_workbook(store: &Store, round_id: RoundId) -> Result<Document> {
    let report = store.ranking(round_id)?;
    let t = |s: &str| Cell::Text(s.to_owned());
    let n = Cell::Number;
    let ranking = Sheet {
        name: "排名".into(),
        headers: [
            "名次",
            "申报编号",
            "园区名称",
            "地市",
            "资料评审",
            "实地考察",
            "综合得分",
            "形式审查",
            "拟入选",
            "已提交评分",
            "同分排序依据",
        ]
        .map(String::from)
        .to_vec(),
        rows: report
            .rows
            .iter()
            .map(|r| {
                vec![
                    n(r.rank.map(f64::from)),
                    t(&r.code),
                    t(&r.park_name),
                    t(&r.city),
                    number(r.material_score),
                    number(r.site_score),
                    number(r.comprehensive_score),
                    t(if r.eligible {
                        "通过"
                    } else if r.formal_pending {
                        "待补正"
                    } else {
                        "未通过"
                    }),
                    t(if r.selected { "是" } else { "" }),
                    n(Some(f64::from(r.submitted))),
                    t(r.tie_break.map(|b| b.name_zh()).unwrap_or("")),
                ]
            })
            .collect(),
    };
    let rubric = store.rubric(round_id)?;
    let codes: Vec<String> = rubric
        .rubric
        .sections
        .iter()
        .flat_map(|s| s.criteria.iter().map(|c| c.code.clone()))
        .collect();
    let scores = store.list_scores(round_id)?;
    let mut headers = vec!["申报编号".to_owned(), "专家".to_owned(), "状态".to_owned()];
    headers.extend(codes.iter().cloned());
    headers.push("合计".into());
    let detail = Sheet {
        name: "评分明细".into(),
        headers,
        rows: scores
            .iter()
            .map(|s| {
                let mut row = vec![t(&s.application), t(&s.expert), t(s.stage.name_zh())];
                row.extend(codes.iter().map(|c| number(s.scores.get(c).copied())));
                row.push(number(Some(s.total)));
                row
            })
            .collect(),
    };
    let outliers = Sheet {
        name: "离群分".into(),
        headers: [
            "申报编号",
            "专家",
            "合计",
            "偏离中位数",
            "处理",
            "说明",
            "处理人",
            "处理时间",
        ]
        .map(String::from)
        .to_vec(),
        rows: report
            .rows
            .iter()
            .flat_map(|r| {
                r.experts.iter().filter_map(move |e| {
                    e.outlier.as_ref().map(|o| {
                        vec![
                            Cell::Text(r.code.clone()),
                            Cell::Text(e.expert.clone()),
                            number(Some(e.total)),
                            number(Some(o.deviation)),
                            Cell::Text(
                                o.resolution
                                    .as_deref()
                                    .map(resolution_zh)
                                    .unwrap_or("未处理")
                                    .to_owned(),
                            ),
                            Cell::Text(o.note.clone().unwrap_or_default()),
                            Cell::Text(o.resolved_by.clone().unwrap_or_default()),
                            Cell::Text(o.resolved_at.clone().unwrap_or_default()),
                        ]
                    })
                })
            })
            .collect(),
    };
    let eligibility = Sheet {
        name: "形式审查".into(),
        headers: ["申报编号", "园区名称", "结果", "未符合的条件"]
            .map(String::from)
            .to_vec(),
        rows: store
            .eligibility(round_id)?
            .iter()
            .map(|e| {
                vec![
                    t(&e.code),
                    t(&e.park_name),
                    t(e.result.overall_name_zh()),
                    t(&e.rules
                        .iter()
                        .filter(|r| r.result == RuleResult::Fail)
                        .map(|r| r.id.as_str())
                        .collect::<Vec<_>>()
                        .join("、")),
                ]
            })
            .collect(),
    };
    Ok(Document {
        file_name: format!("排名-{}-{}.xlsx", report.round.code, stamp(store.now())),
        bytes: park_review_xlsx::write_workbook(&[ranking, detail, outliers, eligibility])?,
    })
}

/// The publicity list (公示名单): a PDF and the same list as text.
#[derive(Debug, Clone)]
pub struct Publicity {
    pub pdf: Document,
    pub text: Document,
    /// The last working day of the period.
    pub end: chrono::NaiveDate,
}

/// The publicity list of a finalised ranking: the selected parks, the period of `working_days`
/// working days from `start` (YYYY-MM-DD), and who takes objections. The period is recorded
/// (objections are taken within it; publication waits for its end); made again before
/// publication, it corrects the period.
pub fn publicity(
    store: &mut Store,
    caller: Caller,
    round_id: RoundId,
    start: &str,
    working_days: u32,
    contact: &str,
) -> Result<Publicity> {
    use chrono::Datelike;
    let start = chrono::NaiveDate::parse_from_str(start.trim(), "%Y-%m-%d").map_err(|_| {
        CodedError::new(
            ErrorCode::OutOfRange,
            format!("日期“{start}”无效：请写成 2026-12-01 的形式。"),
        )
    })?;
    let report = store.ranking(round_id)?;
    if report.settings.finalised_at.is_none() {
        return Err(CodedError::new(
            ErrorCode::InvalidTransition,
            "排名尚未确定：请先确定排名（park-review rank finalise），再生成公示名单。",
        ));
    }
    if contact.trim().is_empty() {
        return Err(CodedError::new(
            ErrorCode::OutOfRange,
            "请填写异议联系人（单位、电话或地址）。",
        ));
    }
    let period = store.record_publicity(
        &caller.secretariat(),
        round_id,
        &start.to_string(),
        working_days,
        contact,
    )?;
    let end = chrono::NaiveDate::parse_from_str(&period.ends_on, "%Y-%m-%d")
        .unwrap_or_else(|_| park_review_domain::ranking::publicity_end(start, working_days));
    let cn = |d: chrono::NaiveDate| format!("{}年{}月{}日", d.year(), d.month(), d.day());
    let entries = report
        .rows
        .iter()
        .filter(|r| r.selected)
        .map(|r| {
            let record = store.application_record(round_id, &r.code)?;
            Ok(park_review_documents::PublicityEntry {
                park_name: r.park_name.clone(),
                city: r.city.clone(),
                management_body: record.management_body,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let now = store.now();
    let data = park_review_documents::PublicityData {
        title: format!(
            "{}年广东省人工智能产业园区拟认定名单公示",
            report.round.year
        ),
        entries,
        period: format!("{}至{}（{working_days}个工作日）", cn(start), cn(end)),
        contact: contact.trim().to_owned(),
        issuer: "广东省人工智能产业园区评审秘书处".into(),
        date: cn(now.date_naive()),
    };
    let name = format!("公示名单-{}", report.round.code);
    Ok(Publicity {
        pdf: Document {
            file_name: format!("{name}.pdf"),
            bytes: park_review_documents::publicity_pdf(&data, &GeneratedAt::at(now)),
        },
        text: Document {
            file_name: format!("{name}.txt"),
            bytes: park_review_documents::publicity_text(&data).into_bytes(),
        },
        end,
    })
}

/// A date as the documents print it: 2026年12月1日.
fn date_zh(text: &str) -> String {
    use chrono::Datelike;
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map(|d| format!("{}年{}月{}日", d.year(), d.month(), d.day()))
        .unwrap_or_else(|_| text.to_owned())
}

/// Publication (向社会公布, the guide's 一.(二).5): checked first — the publicity period over,
/// every objection decided — then the passphrase is asked, the round is published and the
/// register written in one transaction, and the list is signed in the name of 广东省工业和信息化厅
/// (parks an upheld objection took off are listed with the reason) and recorded as issued.
pub fn publish(
    store: &mut Store,
    caller: Caller,
    round_id: RoundId,
    passphrase: impl FnOnce() -> Result<String>,
) -> Result<(park_review_domain::publication::Published, Document)> {
    use park_review_domain::publication::{designation_snapshot, Published};
    let now = store.now();
    store.check_publication(round_id, now.date_naive())?;
    let signer = Signer::ask(store, KeyOwner::Secretariat, passphrase)?;
    let round = store.round(round_id)?;
    let uid = park_review_store::fresh_uid();
    // The list is signed first; publishing, the register and the signed list's record are then
    // one transaction (the store checks the list it publishes is the one signed).
    let (designated, removed) = store.designation_list(round_id)?;
    let published = Published {
        round: round.code.clone(),
        published_on: now.date_naive().to_string(),
        designated,
        removed,
    };
    let data = park_review_documents::DesignationListData {
        title: format!("{}年广东省人工智能产业园区认定名单", round.year),
        intro: format!(
            "根据《广东省人工智能产业园区申报指南》，经形式审查、专家资料评审、实地考察、综合评分和公示，现将认定的 {} 个广东省人工智能产业园区名单予以公布。",
            published.designated.len()
        ),
        entries: published
            .designated
            .iter()
            .map(|p| park_review_documents::PublicityEntry {
                park_name: p.park_name.clone(),
                city: p.city.clone(),
                management_body: p.management_body.clone(),
            })
            .collect(),
        removed: published
            .removed
            .iter()
            .map(|p| {
                (
                    format!("{}（{}）", p.park_name, p.city),
                    p.removed_because.clone().unwrap_or_default(),
                )
            })
            .collect(),
        issuer: park_review_domain::publication::ISSUER_ZH.into(),
        date: date_zh(&published.published_on),
    };
    let pdf = park_review_documents::designation_list_pdf(&data, &GeneratedAt::at(now));
    let claim = SignedClaim {
        format: CLAIM_FORMAT.into(),
        kind: DocumentKind::DesignationList,
        document_uid: uid.clone(),
        round_uid: round.uid.0.clone(),
        round: round.code.clone(),
        application_uid: None,
        application: None,
        expert_uid: None,
        signer: ClaimedSigner::Secretariat,
        rubric_sha256: store.rubric(round_id)?.frozen_sha256,
    };
    let bytes = signer.sign(&pdf, format!("认定名单 {}", round.code), now, &claim)?;
    let published = store.publish(
        &caller.secretariat(),
        round_id,
        &NewIssuedDocument {
            uid: &uid,
            round_id,
            kind: DocumentKind::DesignationList,
            expert: None,
            application: None,
            snapshot: &designation_snapshot(&published.designated, &published.removed),
            pdf: &bytes,
        },
    )?;
    Ok((
        published,
        Document {
            file_name: format!("认定名单-{}-{}.pdf", round.code, stamp(now)),
            bytes,
        },
    ))
}
