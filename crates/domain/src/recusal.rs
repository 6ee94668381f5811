//! Conflicts of interest (回避): which experts must not review which applications.
//!
//! domain.md ("What the guide does not fix"): an expert does not review a park of their own
//! employer or city, or one they declare a relation to. Concretely an expert conflicts with an
//! application when
//! * their employer is the park's management body, or one of the enterprises the application
//!   lists (by name or by unified social credit code);
//! * their city is the park's city (a per-round switch, on by default);
//! * one of the relations they declared names the park, its management body or an enterprise.
//!
//! The secretariat may add a conflict by hand, or dismiss one found here with a written reason;
//! both are stored, and [`effective_conflicts`] applies them. Everything here is pure.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::City;

/// Why an expert conflicts with an application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ConflictKind {
    /// The employer is the park's management body.
    ManagementBody,
    /// The employer is an enterprise listed in the application.
    Enterprise,
    /// The expert lives/works in the park's city.
    SameCity,
    /// A relation the expert declared in the registry.
    DeclaredRelation,
    /// Added by the secretariat.
    Manual,
    /// Declared by the expert at the declaration gate, instead of the no-conflict pledge.
    DeclaredByExpert,
}

impl ConflictKind {
    pub fn name_zh(self) -> &'static str {
        match self {
            Self::ManagementBody => "任职于园区管理机构",
            Self::Enterprise => "任职于申报所列企业",
            Self::SameCity => "与园区同城",
            Self::DeclaredRelation => "专家申报的关联关系",
            Self::Manual => "秘书处认定",
            Self::DeclaredByExpert => "专家声明存在利益冲突",
        }
    }

    /// Found by the rules (and so dismissable), as opposed to recorded by a person.
    pub fn is_automatic(self) -> bool {
        matches!(
            self,
            Self::ManagementBody | Self::Enterprise | Self::SameCity | Self::DeclaredRelation
        )
    }
}

/// One conflict between an expert and an application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Conflict {
    pub kind: ConflictKind,
    /// Identifies an automatic finding so that a dismissal sticks to it, e.g.
    /// `enterprise:91440101MA5XXXXX0X`; for recorded conflicts, their uid.
    pub key: String,
    /// The reason in Chinese, naming the organisation or city.
    pub reason: String,
}

/// What recusal needs to know about an expert.
#[derive(Debug, Clone, Default)]
pub struct ExpertParties<'a> {
    pub employer: &'a str,
    /// The employer's unified social credit code, when known.
    pub employer_credit_code: &'a str,
    pub city: Option<City>,
    /// Organisations (names or credit codes) the expert declared a relation to.
    pub relations: &'a [String],
}

/// What recusal needs to know about an application.
#[derive(Debug, Clone)]
pub struct ApplicationParties<'a> {
    pub park_name: &'a str,
    pub management_body: &'a str,
    pub city: City,
    /// (name, credit code) of every enterprise the application lists.
    pub enterprises: Vec<(&'a str, &'a str)>,
}

/// Organisation names compared the way people write them: no spaces, full-width brackets as
/// half-width, ASCII letters in upper case.
pub fn normalise_name(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            c => c.to_ascii_uppercase(),
        })
        .collect()
}

/// Whether `person_side` (an employer or a declared relation) is the organisation `org`, or a
/// part of it (`某某有限公司深圳分公司` is part of `某某有限公司`).
fn same_organisation(person_side: &str, org: &str) -> bool {
    let (a, b) = (normalise_name(person_side), normalise_name(org));
    if a.is_empty() || b.is_empty() {
        return false;
    }
    a == b || (b.chars().count() >= 4 && a.starts_with(&b))
}

fn same_code(a: &str, b: &str) -> bool {
    let (a, b) = (a.trim(), b.trim());
    !a.is_empty() && a.eq_ignore_ascii_case(b)
}

/// The conflicts the rules find between one expert and one application.
pub fn find_conflicts(
    expert: &ExpertParties<'_>,
    app: &ApplicationParties<'_>,
    recuse_same_city: bool,
) -> Vec<Conflict> {
    let mut found = Vec::new();
    if same_organisation(expert.employer, app.management_body) {
        found.push(Conflict {
            kind: ConflictKind::ManagementBody,
            key: "management_body".into(),
            reason: format!("专家任职于园区管理机构“{}”", app.management_body.trim()),
        });
    }
    for (name, credit_code) in &app.enterprises {
        let by_code = same_code(expert.employer_credit_code, credit_code);
        if by_code || same_organisation(expert.employer, name) {
            found.push(Conflict {
                kind: ConflictKind::Enterprise,
                key: format!("enterprise:{}", credit_code.trim()),
                reason: if by_code {
                    format!("专家工作单位的统一社会信用代码与申报企业“{name}”相同（{credit_code}）")
                } else {
                    format!("专家任职于申报所列企业“{name}”")
                },
            });
        }
    }
    if recuse_same_city && expert.city == Some(app.city) {
        found.push(Conflict {
            kind: ConflictKind::SameCity,
            key: "same_city".into(),
            reason: format!("专家所在城市与园区同为{}", app.city.name_zh()),
        });
    }
    for relation in expert.relations {
        let relation = relation.trim();
        let names = [app.park_name, app.management_body]
            .into_iter()
            .chain(app.enterprises.iter().map(|(name, _)| *name));
        let hit = names
            .into_iter()
            .find(|org| same_organisation(relation, org) || same_organisation(org, relation))
            .map(str::to_owned)
            .or_else(|| {
                app.enterprises
                    .iter()
                    .find(|(_, code)| same_code(relation, code))
                    .map(|(name, _)| (*name).to_owned())
            });
        if let Some(org) = hit {
            found.push(Conflict {
                kind: ConflictKind::DeclaredRelation,
                key: format!("relation:{relation}"),
                reason: format!("专家申报与“{org}”存在关联关系（{relation}）"),
            });
        }
    }
    found
}

/// Applies what people recorded to what the rules found: automatic conflicts whose key was
/// dismissed drop out; recorded ones are added.
pub fn effective_conflicts(
    automatic: Vec<Conflict>,
    dismissed_keys: &[String],
    recorded: &[Conflict],
) -> Vec<Conflict> {
    automatic
        .into_iter()
        .filter(|c| !dismissed_keys.contains(&c.key))
        .chain(recorded.iter().cloned())
        .collect()
}

#[cfg(test)]
mod tests;
