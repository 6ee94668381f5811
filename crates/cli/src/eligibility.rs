//! `park-review eligibility`: the formal review (形式审查) from the command line.

use park_review_domain::eligibility::{RuleId, RuleResult};
use park_review_domain::ErrorCode;

use crate::output::{print_json, Failure};
use crate::{cli_actor, open_store, Cli, EligibilityAction, EligibilityArgs, RuleTarget};

fn parse_rule(text: &str) -> Result<RuleId, Failure> {
    RuleId::parse(text).ok_or_else(|| {
        Failure::new(
            ErrorCode::OutOfRange,
            format!("未知的规则“{text}”：应为 C1–C7 或 P2。"),
        )
    })
}

pub fn run(cli: &Cli, args: &EligibilityArgs) -> Result<(), Failure> {
    match &args.action {
        None => {
            let Some(round) = &args.round else {
                return Err(Failure::new(
                    ErrorCode::CliUsage,
                    "请用 --round 指定批次，例如 `park-review eligibility --round 2026-SB`。"
                        .into(),
                ));
            };
            let store = open_store(cli)?;
            let round = store.find_round(round)?;
            let review = store.eligibility(round.id)?;
            if let Some(path) = &args.pdf {
                let now = chrono::Local::now();
                let generated = park_review_documents::GeneratedAt {
                    unix_seconds: now.timestamp(),
                    local_text: now.format("%Y-%m-%d %H:%M:%S %:z").to_string(),
                };
                let pdf =
                    park_review_documents::eligibility_summary(&round.title, &review, &generated);
                crate::write_file(path, &pdf)?;
                if !cli.json {
                    crate::say!("已生成形式审查结果汇总表：{}", path.display());
                }
            }
            if cli.json {
                return print_json(&review);
            }
            if review.is_empty() {
                crate::say!("批次 {} 还没有申报。", round.code);
            }
            for app in review {
                crate::say!(
                    "{} {}（{}）：{}",
                    app.code,
                    app.park_name,
                    app.city.name_zh(),
                    app.result.overall_name_zh()
                );
                for rule in app.rules {
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
                }
            }
            Ok(())
        }
        Some(EligibilityAction::Override {
            target,
            result,
            reason,
        }) => {
            let rule = parse_rule(&target.rule)?;
            let result = RuleResult::parse(result).ok_or_else(|| {
                Failure::new(
                    ErrorCode::OutOfRange,
                    format!("未知的结果“{result}”：应为 pass、fail 或 needs_review。"),
                )
            })?;
            let (mut store, app) = resolve(cli, target)?;
            store.override_rule(&cli_actor(), app.id, rule, result, reason)?;
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
        Some(EligibilityAction::CheckDocuments { target, note }) => {
            let rule = parse_rule(&target.rule)?;
            let (mut store, app) = resolve(cli, target)?;
            store.check_documents(&cli_actor(), app.id, rule, note)?;
            report(
                cli,
                &app.code,
                rule,
                &format!("已记录 {} 的 {} 证明材料核验。", app.code, rule.as_str()),
            )
        }
    }
}

fn resolve(
    cli: &Cli,
    target: &RuleTarget,
) -> Result<
    (
        park_review_store::Store,
        park_review_domain::model::ApplicationSummary,
    ),
    Failure,
> {
    let store = open_store(cli)?;
    let round = store.find_round(&target.round)?;
    let app = store.find_application(round.id, &target.application)?;
    Ok((store, app))
}

fn report(cli: &Cli, code: &str, rule: RuleId, text: &str) -> Result<(), Failure> {
    if cli.json {
        print_json(&serde_json::json!({"application": code, "rule": rule.as_str(), "ok": true}))
    } else {
        crate::say!("{text}");
        Ok(())
    }
}
