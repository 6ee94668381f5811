//! `park-review eligibility`: the formal review (形式审查) from the command line.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use park_review_domain::eligibility::{Eligibility, RuleId, RuleResult};
use park_review_domain::model::ApplicationSummary;
use park_review_domain::{CodedError, ErrorCode};
use park_review_store::Store;

use crate::{Cli, Outcome, CALLER};

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct EligibilityArgs {
    #[command(subcommand)]
    action: Option<EligibilityAction>,
    /// 批次（不带子命令时：列出本批次每个申报的形式审查结果）
    #[arg(long, value_name = "R")]
    round: Option<String>,
    /// 同时把形式审查结果汇总表写成 PDF（A4 横向）
    #[arg(long, value_name = "F")]
    pdf: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
enum EligibilityAction {
    /// 调整某条规则的审查结果（须写明理由，记录操作人和时间）
    Override {
        #[command(flatten)]
        target: RuleTarget,
        /// 调整后的结果：pass（符合）、fail（不符合）或 needs_review（待核验）
        #[arg(long)]
        result: String,
        /// 调整理由
        #[arg(long)]
        reason: String,
    },
    /// 记录已核验某条规则（C1、C2、C5、C7）的证明材料
    CheckDocuments {
        #[command(flatten)]
        target: RuleTarget,
        /// 核验说明，例如“已核对原件”
        #[arg(long, default_value = "")]
        note: String,
        /// 核验人姓名（默认当前用户）
        #[arg(long, default_value = "")]
        by: String,
    },
    /// 一次记录多项证明材料核验（同一说明、同一核验人），全部有效才保存
    CheckBatch {
        /// 批次编号
        #[arg(long, value_name = "R")]
        round: String,
        /// 核验项“申报编号:规则”，可重复，例如 --item 2026-GZ-01:C1 --item 2026-GZ-01:C2
        #[arg(long = "item", value_name = "A:RULE", required = true)]
        items: Vec<String>,
        /// 核验说明
        #[arg(long, default_value = "")]
        note: String,
        /// 核验人姓名（默认当前用户）
        #[arg(long, default_value = "")]
        by: String,
    },
}

#[derive(Debug, Args)]
struct RuleTarget {
    /// 批次编号
    #[arg(long, value_name = "R")]
    round: String,
    /// 申报编号，例如 2026-FS-01
    #[arg(long, value_name = "A")]
    application: String,
    /// 规则：C1–C7、P2、P3 或 P4
    #[arg(long)]
    rule: String,
}

fn parse_rule(text: &str) -> Result<RuleId, CodedError> {
    RuleId::parse(text).ok_or_else(|| {
        CodedError::new(
            ErrorCode::OutOfRange,
            format!("未知的规则“{text}”：应为 C1–C7、P2、P3 或 P4。"),
        )
    })
}

pub fn run(cli: &Cli, args: &EligibilityArgs) -> Outcome {
    match &args.action {
        None => {
            let Some(round) = &args.round else {
                return Err(CodedError::new(
                    ErrorCode::CliUsage,
                    "请用 --round 指定批次，例如 `park-review eligibility --round 2026-SB`。",
                ));
            };
            let (store, round) = cli.round(round)?;
            let review = store.eligibility(round.id)?;
            if let Some(path) = &args.pdf {
                let document = park_review_operations::eligibility_summary(&store, round.id)?;
                cli.write(path, &document.bytes)?;
                if !cli.json {
                    crate::say!("已生成形式审查结果汇总表：{}", path.display());
                }
            }
            cli.emit(&review, |review| print_review(&round.code, review))
        }
        Some(EligibilityAction::Override {
            target,
            result,
            reason,
        }) => {
            let rule = parse_rule(&target.rule)?;
            let result = RuleResult::parse(result).ok_or_else(|| {
                CodedError::new(
                    ErrorCode::OutOfRange,
                    format!("未知的结果“{result}”：应为 pass、fail 或 needs_review。"),
                )
            })?;
            let (mut store, app) = resolve(cli, target)?;
            store.override_rule(
                &CALLER.secretariat(),
                app.round_id,
                &app.code,
                rule,
                result,
                reason,
            )?;
            report(
                cli,
                &app.code,
                rule,
                &format!(
                    "已将 {} 的 {} 调整为“{}”。",
                    app.code,
                    rule.as_str(),
                    result.rule_name_zh()
                ),
            )
        }
        Some(EligibilityAction::CheckBatch {
            round,
            items,
            note,
            by,
        }) => {
            let (mut store, round) = cli.round(round)?;
            let pairs = items
                .iter()
                .map(|item| {
                    let (app, rule) = item.rsplit_once(':').ok_or_else(|| {
                        CodedError::new(
                            ErrorCode::CliUsage,
                            format!("核验项“{item}”应写作“申报编号:规则”，例如 2026-GZ-01:C1。"),
                        )
                    })?;
                    Ok((app.trim().to_owned(), parse_rule(rule)?))
                })
                .collect::<Result<Vec<_>, CodedError>>()?;
            store.check_documents_batch(&CALLER.secretariat(), round.id, &pairs, note, by)?;
            cli.emit(
                &serde_json::json!({"round": round.code, "checked": pairs.len(), "ok": true}),
                |_| crate::say!("已记录 {} 项证明材料核验。", pairs.len()),
            )
        }
        Some(EligibilityAction::CheckDocuments { target, note, by }) => {
            let rule = parse_rule(&target.rule)?;
            let (mut store, app) = resolve(cli, target)?;
            store.check_documents_batch(
                &CALLER.secretariat(),
                app.round_id,
                &[(app.code.clone(), rule)],
                note,
                by,
            )?;
            report(
                cli,
                &app.code,
                rule,
                &format!("已记录 {} 的 {} 证明材料核验。", app.code, rule.as_str()),
            )
        }
    }
}

fn resolve(cli: &Cli, target: &RuleTarget) -> Result<(Store, ApplicationSummary), CodedError> {
    let (store, round) = cli.round(&target.round)?;
    let app = store.find_application(round.id, &target.application)?;
    Ok((store, app))
}

fn report(cli: &Cli, code: &str, rule: RuleId, text: &str) -> Outcome {
    cli.emit(
        &serde_json::json!({"application": code, "rule": rule.as_str(), "ok": true}),
        |_| crate::say!("{text}"),
    )
}

fn print_review(round: &str, review: &[Eligibility]) {
    if review.is_empty() {
        crate::say!("批次 {round} 还没有申报。");
    }
    for app in review {
        crate::say!(
            "{} {}（{}）：{}",
            app.code,
            app.park_name,
            app.city.name_zh(),
            app.result.overall_name_zh()
        );
        for rule in &app.rules {
            let mark = match rule.result {
                RuleResult::Pass => "✓",
                RuleResult::Fail => "✗",
                RuleResult::NeedsReview => "?",
            };
            crate::say!(
                "  {mark} {} {}：{}。{}",
                rule.id.as_str(),
                rule.title,
                rule.result.rule_name_zh(),
                rule.detail
            );
            if let Some(o) = &rule.r#override {
                crate::say!(
                    "      已调整为“{}”（原结果“{}”），理由：{}；{} 于 {}",
                    o.result.rule_name_zh(),
                    rule.computed.rule_name_zh(),
                    o.reason,
                    o.by,
                    o.at
                );
            }
            for d in app
                .discrepancies
                .iter()
                .filter(|d| d.clauses.iter().any(|c| c == rule.id.as_str()))
            {
                crate::say!(
                    "      实地考察数据不符（{}）：申报 {} {}，核实 {} {}（结果未改动）",
                    d.item,
                    d.declared,
                    d.unit,
                    d.found,
                    d.unit
                );
            }
        }
    }
}
