//! After the ranking (issue 16): the publicity period, objections and their decisions,
//! publication, and the register of designated parks. The rules, in order: a period is recorded
//! only for a finalised ranking; objections name a park on the proposed list and a day within the
//! period; publication waits for the period to end and for every objection to be decided, then
//! writes the register in the same transaction; after it nothing here changes.

use chrono::NaiveDate;
use park_review_domain::ids::RoundId;
use park_review_domain::publication::{
    DesignatedPark, DesignationSource, Objection, ObjectionDecision, PublicityPeriod, Published,
    PublishedPark,
};
use park_review_domain::{City, DomainError, ErrorCode};
use rusqlite::{params, OptionalExtension};
use serde_json::json;

use crate::error::{Result, StoreError};
use crate::{Actor, Store};

fn rule(code: ErrorCode, message: String) -> StoreError {
    StoreError::Rule { code, message }
}

fn out_of_range(field: &str, value: &str, why: &str) -> StoreError {
    StoreError::Domain(DomainError::OutOfRange {
        field: field.into(),
        value: value.into(),
        rule: why.into(),
    })
}

fn date(field: &str, text: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| out_of_range(field, text, "请写成 2026-12-01 的形式"))
}

fn required(field: &str, text: &str) -> Result<String> {
    let text = text.trim();
    if text.is_empty() {
        return Err(out_of_range(field, "（空）", "必填"));
    }
    park_review_domain::input::check_text(field, text, true)?;
    Ok(text.to_owned())
}

/// What a round's publication rests on: is the ranking finalised, is it published.
struct RoundState {
    uid: String,
    code: String,
    finalised: bool,
    published_at: Option<String>,
}

impl Store {
    fn round_state(&self, round_id: RoundId) -> Result<RoundState> {
        self.round(round_id)?;
        Ok(self.conn().query_row(
            "SELECT uid, code, ranking_finalised_at IS NOT NULL, published_at FROM rounds WHERE id = ?1",
            [round_id.0],
            |r| {
                Ok(RoundState {
                    uid: r.get(0)?,
                    code: r.get(1)?,
                    finalised: r.get(2)?,
                    published_at: r.get(3)?,
                })
            },
        )?)
    }

    /// Records (or corrects, before publication) the publicity period of a finalised ranking:
    /// `working_days` working days from `starts_on` (Monday–Friday), and the objection contact.
    pub fn record_publicity(
        &mut self,
        actor: &Actor,
        round_id: RoundId,
        starts_on: &str,
        working_days: u32,
        contact: &str,
    ) -> Result<PublicityPeriod> {
        self.permits(actor)?;
        let state = self.round_state(round_id)?;
        if !state.finalised {
            return Err(rule(
                ErrorCode::InvalidTransition,
                "排名尚未确定：请先确定排名（park-review rank finalise），再公示。".into(),
            ));
        }
        refuse_if_published(self.conn(), round_id)?;
        let start = date("公示开始日期", starts_on)?;
        if !(1..=60).contains(&working_days) {
            return Err(out_of_range(
                "公示的工作日数",
                &working_days.to_string(),
                "须在 1 到 60 之间",
            ));
        }
        let contact = required("异议联系人", contact)?;
        let end = park_review_domain::ranking::publicity_end(start, working_days);
        let before = self.publicity_period(round_id)?;
        self.write(actor, |tx| {
            let now = tx.now();
            tx.tx.execute(
                "INSERT INTO publicity_periods (round_id, starts_on, ends_on, working_days, contact, recorded_by, recorded_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT (round_id) DO UPDATE SET starts_on = excluded.starts_on, ends_on = excluded.ends_on,
                    working_days = excluded.working_days, contact = excluded.contact,
                    recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at",
                params![round_id.0, start.to_string(), end.to_string(), working_days, contact, actor.name, now],
            )?;
            let fields = |s: &str, e: &str, d: u32, c: &str| json!({"starts_on": s, "ends_on": e, "working_days": d, "contact": c});
            tx.audit_change(
                "publicity.period",
                "round",
                &state.uid,
                json!({}),
                before.as_ref().map_or(json!({}), |b| fields(&b.starts_on, &b.ends_on, b.working_days, &b.contact)),
                fields(&start.to_string(), &end.to_string(), working_days, &contact),
            )
        })?;
        Ok(self.publicity_period(round_id)?.expect("just recorded"))
    }

    /// When the round's list was published (向社会公布), if it was.
    pub fn published_at(&self, round_id: RoundId) -> Result<Option<String>> {
        Ok(self.round_state(round_id)?.published_at)
    }

    /// The round's recorded publicity period, if any.
    pub fn publicity_period(&self, round_id: RoundId) -> Result<Option<PublicityPeriod>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT starts_on, ends_on, working_days, contact, recorded_by, recorded_at
                 FROM publicity_periods WHERE round_id = ?1",
                [round_id.0],
                |r| {
                    Ok(PublicityPeriod {
                        starts_on: r.get(0)?,
                        ends_on: r.get(1)?,
                        working_days: r.get(2)?,
                        contact: r.get(3)?,
                        recorded_by: r.get(4)?,
                        recorded_at: r.get(5)?,
                    })
                },
            )
            .optional()?)
    }

    /// Records an objection to a park on the proposed list, received within the period.
    /// `objector` empty means anonymous (匿名).
    pub fn add_objection(
        &mut self,
        actor: &Actor,
        round_id: RoundId,
        application: &str,
        objector: &str,
        received_on: &str,
        content: &str,
    ) -> Result<Objection> {
        self.permits(actor)?;
        self.round(round_id)?;
        refuse_if_published(self.conn(), round_id)?;
        let Some(period) = self.publicity_period(round_id)? else {
            return Err(rule(
                ErrorCode::InvalidTransition,
                "还没有记录公示期：请先生成公示名单（park-review publicity），再记录异议。".into(),
            ));
        };
        let app = self.find_application(round_id, application)?;
        if !self.ranking(round_id)?.selected.contains(&app.code) {
            return Err(out_of_range(
                "异议对象",
                &app.code,
                "只能对拟认定名单上的园区提出异议",
            ));
        }
        let received = date("收到日期", received_on)?;
        let (start, end) = (date("", &period.starts_on)?, date("", &period.ends_on)?);
        if received < start || received > end {
            return Err(out_of_range(
                "收到日期",
                received_on,
                &format!(
                    "异议须在公示期内（{} 至 {}）提出",
                    period.starts_on, period.ends_on
                ),
            ));
        }
        let objector = match objector.trim() {
            "" => "匿名".to_owned(),
            named => required("异议人", named)?,
        };
        let content = required("异议内容", content)?;
        let uid = self.write(actor, |tx| {
            refuse_if_published(&tx.tx, round_id)?;
            let uid = tx.new_uid();
            let now = tx.now();
            let number: u32 = tx.tx.query_row(
                "SELECT COALESCE(MAX(number), 0) + 1 FROM objections WHERE round_id = ?1",
                [round_id.0],
                |r| r.get(0),
            )?;
            tx.tx.execute(
                "INSERT INTO objections (uid, round_id, number, application_id, objector, received_on, content, recorded_by, recorded_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![uid, round_id.0, number, app.id.0, objector, received.to_string(), content, actor.name, now],
            )?;
            tx.audit(
                "objection.add",
                "application",
                &app.uid.0,
                json!({"number": number, "objector": objector, "received_on": received.to_string(), "content": content}),
            )?;
            Ok(uid)
        })?;
        self.objections(round_id)?
            .into_iter()
            .find(|o| o.uid == uid)
            .ok_or_else(|| StoreError::NotFound {
                what: "异议",
                key: uid,
                hint: String::new(),
            })
    }

    /// Decides an objection after investigation, with the reason; an upheld one may take the
    /// park off the list (`remove`). A decision may be corrected until publication.
    #[allow(clippy::too_many_arguments)]
    pub fn decide_objection(
        &mut self,
        actor: &Actor,
        round_id: RoundId,
        number: u32,
        decision: ObjectionDecision,
        reason: &str,
        investigation: &str,
        remove: bool,
    ) -> Result<Objection> {
        self.permits(actor)?;
        self.round(round_id)?;
        refuse_if_published(self.conn(), round_id)?;
        let before = self
            .objections(round_id)?
            .into_iter()
            .find(|o| o.number == number)
            .ok_or_else(|| StoreError::NotFound {
                what: "异议",
                key: number.to_string(),
                hint: String::new(),
            })?;
        let reason = required("处理理由", reason)?;
        let investigation = investigation.trim();
        park_review_domain::input::check_text("调查情况", investigation, true)?;
        if remove && decision != ObjectionDecision::Upheld {
            return Err(out_of_range(
                "不予认定",
                "是",
                "只有异议成立时才能把园区移出名单",
            ));
        }
        self.write(actor, |tx| {
            refuse_if_published(&tx.tx, round_id)?;
            let now = tx.now();
            tx.tx.execute(
                "UPDATE objections SET decision = ?3, decision_reason = ?4, investigation = ?5, removes = ?6,
                        decided_by = ?7, decided_at = ?8
                 WHERE round_id = ?1 AND number = ?2",
                params![round_id.0, number, decision.as_str(), reason, investigation, remove, actor.name, now],
            )?;
            tx.audit_change(
                "objection.decide",
                "objection",
                &before.uid,
                json!({"number": number, "application": before.application}),
                json!({"decision": before.decision.map(ObjectionDecision::as_str), "reason": before.decision_reason, "removes": before.removes}),
                json!({"decision": decision.as_str(), "reason": reason, "removes": remove}),
            )
        })?;
        self.objections(round_id)?
            .into_iter()
            .find(|o| o.number == number)
            .ok_or_else(|| StoreError::NotFound {
                what: "异议",
                key: number.to_string(),
                hint: String::new(),
            })
    }

    /// The round's objections, by number.
    pub fn objections(&self, round_id: RoundId) -> Result<Vec<Objection>> {
        let mut stmt = self.conn().prepare(
            "SELECT o.number, o.uid, a.code, a.park_name, o.objector, o.received_on, o.content, o.recorded_by,
                    o.recorded_at, o.investigation, o.decision, o.decision_reason, o.removes, o.decided_by, o.decided_at
             FROM objections o JOIN applications a ON a.id = o.application_id
             WHERE o.round_id = ?1 ORDER BY o.number",
        )?;
        let rows = stmt.query_map([round_id.0], |r| {
            let decision: Option<String> = r.get(10)?;
            Ok(Objection {
                number: r.get(0)?,
                uid: r.get(1)?,
                application: r.get(2)?,
                park_name: r.get(3)?,
                objector: r.get(4)?,
                received_on: r.get(5)?,
                content: r.get(6)?,
                recorded_by: r.get(7)?,
                recorded_at: r.get(8)?,
                investigation: r.get(9)?,
                decision: decision.as_deref().and_then(ObjectionDecision::parse),
                decision_reason: r.get(11)?,
                removes: r.get(12)?,
                decided_by: r.get(13)?,
                decided_at: r.get(14)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// What publishing would print now: the proposed parks not removed, and those removed with
    /// the upheld objection's reason. (After publication: what was published.)
    pub fn designation_list(
        &self,
        round_id: RoundId,
    ) -> Result<(Vec<PublishedPark>, Vec<PublishedPark>)> {
        let selected = self.ranking(round_id)?.selected;
        let removed: std::collections::HashMap<String, String> = self
            .objections(round_id)?
            .into_iter()
            .filter(|o| o.removes)
            .map(|o| (o.application, o.decision_reason.unwrap_or_default()))
            .collect();
        let (mut designated, mut out) = (Vec::new(), Vec::new());
        for code in selected {
            let record = self.application_record(round_id, &code)?;
            let park = PublishedPark {
                application: code.clone(),
                park_name: record.park_name,
                city: record.city.name_zh().to_owned(),
                management_body: record.management_body,
                removed_because: removed.get(&code).cloned(),
            };
            if park.removed_because.is_some() {
                out.push(park);
            } else {
                designated.push(park);
            }
        }
        Ok((designated, out))
    }

    /// Refuses publication unless the period has ended (`today` is after its last day) and every
    /// objection is decided; the operation checks this before it asks for the passphrase.
    pub fn check_publication(
        &self,
        round_id: RoundId,
        today: NaiveDate,
    ) -> Result<PublicityPeriod> {
        self.round(round_id)?;
        refuse_if_published(self.conn(), round_id)?;
        let Some(period) = self.publicity_period(round_id)? else {
            return Err(rule(
                ErrorCode::InvalidTransition,
                "还没有记录公示期：先公示（park-review publicity），公示期满后才能公布。".into(),
            ));
        };
        if today <= date("", &period.ends_on)? {
            return Err(rule(
                ErrorCode::PublicityNotOver,
                format!(
                    "公示期到 {} 为止（{} 个工作日），期满后才能公布认定名单。",
                    period.ends_on, period.working_days
                ),
            ));
        }
        refuse_open_objections(self.conn(), round_id)?;
        Ok(period)
    }

    /// Publishes the round's list (向社会公布): checked as [`Store::check_publication`], then in
    /// one transaction the round is marked published, every designated park enters the register
    /// with the signed list's document uid, and the signed list is recorded as issued. Refused
    /// if the list signed (its snapshot) is not the list this would publish.
    pub fn publish(
        &mut self,
        actor: &Actor,
        round_id: RoundId,
        list: &crate::NewIssuedDocument<'_>,
    ) -> Result<Published> {
        self.permits(actor)?;
        let today = self.now().date_naive();
        self.check_publication(round_id, today)?;
        let state = self.round_state(round_id)?;
        let (designated, removed) = self.designation_list(round_id)?;
        if &park_review_domain::publication::designation_snapshot(&designated, &removed)
            != list.snapshot
        {
            return Err(rule(
                ErrorCode::InvalidTransition,
                "签署期间名单发生了变化（异议的处理刚被修改）：请重新公布。".into(),
            ));
        }
        let document_uid = list.uid;
        let file_sha256 = park_review_domain::digest::sha256_hex(list.pdf);
        let ids: Vec<(i64, String)> = designated
            .iter()
            .map(|p| {
                Ok((
                    self.find_application(round_id, &p.application)?.id.0,
                    p.application.clone(),
                ))
            })
            .collect::<Result<_>>()?;
        self.write(actor, |tx| {
            // The checks again, inside the writing transaction (BEGIN IMMEDIATE): another process
            // may have recorded an objection, or published, since they were made above.
            refuse_if_published(&tx.tx, round_id)?;
            refuse_open_objections(&tx.tx, round_id)?;
            let now = tx.now();
            tx.tx.execute(
                "UPDATE rounds SET published_at = ?2, published_by = ?3 WHERE id = ?1",
                params![round_id.0, now, actor.name],
            )?;
            for (park, (app_id, _)) in designated.iter().zip(&ids) {
                let uid = tx.new_uid();
                tx.tx.execute(
                    "INSERT INTO designated_parks (uid, park_name, city, management_body, round_id, application_id,
                            designated_on, documents, source, recorded_by, recorded_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'published', ?9, ?10)",
                    params![uid, park.park_name, park.city, park.management_body, round_id.0, app_id,
                            today.to_string(), document_uid, actor.name, now],
                )?;
            }
            tx.tx.execute(
                "INSERT INTO signed_sheets (uid, round_id, kind, snapshot, file_sha256, pdf, issued_at)
                 VALUES (?1, ?2, 'designation-list', ?3, ?4, ?5, ?6)",
                params![document_uid, round_id.0, list.snapshot.to_string(), file_sha256, list.pdf, now],
            )?;
            tx.audit(
                "sheet.issue",
                "signed_sheet",
                document_uid,
                json!({"kind": "designation-list", "file_sha256": file_sha256}),
            )?;
            tx.audit(
                "round.publish",
                "round",
                &state.uid,
                json!({"designated": designated.iter().map(|p| &p.application).collect::<Vec<_>>(),
                       "removed": removed.iter().map(|p| json!({"application": p.application, "reason": p.removed_because})).collect::<Vec<_>>(),
                       "document": document_uid}),
            )
        })?;
        Ok(Published {
            round: state.code,
            published_on: today.to_string(),
            designated,
            removed,
        })
    }

    /// The register of designated parks, newest designation first.
    pub fn designated_parks(&self) -> Result<Vec<DesignatedPark>> {
        let mut stmt = self.conn().prepare(
            "SELECT p.uid, p.park_name, p.city, p.management_body, COALESCE(r.code, ''), COALESCE(a.code, ''),
                    p.designated_on, p.documents, p.source, p.entered_reason, p.recorded_by, p.recorded_at
             FROM designated_parks p LEFT JOIN rounds r ON r.id = p.round_id
             LEFT JOIN applications a ON a.id = p.application_id
             ORDER BY p.designated_on DESC, p.id",
        )?;
        let rows = stmt.query_map([], |r| {
            let source: String = r.get(8)?;
            Ok(DesignatedPark {
                uid: r.get(0)?,
                park_name: r.get(1)?,
                city: r.get(2)?,
                management_body: r.get(3)?,
                round: r.get(4)?,
                application: r.get(5)?,
                designated_on: r.get(6)?,
                documents: r.get(7)?,
                source: if source == "entered" {
                    DesignationSource::Entered
                } else {
                    DesignationSource::Published
                },
                entered_reason: r.get(9)?,
                recorded_by: r.get(10)?,
                recorded_at: r.get(11)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Enters a park designated before the product was used, with the document it rests on and
    /// why it is entered by hand.
    pub fn add_designated_park(
        &mut self,
        actor: &Actor,
        park: &EnteredPark,
    ) -> Result<DesignatedPark> {
        self.permits(actor)?;
        let uid = self.write(actor, |tx| insert_entered_park(tx, park, None))?;
        self.designated_parks()?
            .into_iter()
            .find(|p| p.uid == uid)
            .ok_or_else(|| StoreError::NotFound {
                what: "认定园区",
                key: uid,
                hint: String::new(),
            })
    }
}

/// A park designated before the product was used, as the secretariat enters it (`park add`,
/// 录入此前认定的园区), or as the demo does (`assets/demo/register-2023.json`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnteredPark {
    pub park_name: String,
    pub city: String,
    pub management_body: String,
    /// YYYY-MM-DD.
    pub designated_on: String,
    /// The document the designation rests on (its name or number).
    pub documents: String,
    /// Why it is entered by hand.
    pub reason: String,
}

/// Checks and writes an entered park; `demo_round` ties a demo's entry to the demo round it
/// came with, so that it goes with that round (migration 22). Returns its uid.
pub(crate) fn insert_entered_park(
    tx: &mut crate::WriteTx<'_>,
    park: &EnteredPark,
    demo_round: Option<RoundId>,
) -> Result<String> {
    let park_name = required("园区名称", &park.park_name)?;
    let city = City::parse(&park.city)?;
    let management_body = required("管理机构", &park.management_body)?;
    let on = date("认定日期", &park.designated_on)?;
    let documents = required("认定依据（文件名称或文号）", &park.documents)?;
    let reason = required("录入理由", &park.reason)?;
    let uid = tx.new_uid();
    let now = tx.now();
    let by = tx.actor_name().to_owned();
    tx.tx.execute(
        "INSERT INTO designated_parks (uid, park_name, city, management_body, designated_on, documents, source,
                entered_reason, recorded_by, recorded_at, demo_round_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'entered', ?7, ?8, ?9, ?10)",
        params![uid, park_name, city.name_zh(), management_body, on.to_string(), documents, reason, by, now, demo_round.map(|r| r.0)],
    )?;
    let mut detail = json!({"park_name": park_name, "city": city.name_zh(), "designated_on": on.to_string(), "documents": documents, "reason": reason});
    if demo_round.is_some() {
        detail["demo"] = json!(true);
    }
    tx.audit("register.add", "designated_park", &uid, detail)?;
    Ok(uid)
}

/// Refuses when the round's list was published: checked before an action and again inside its
/// writing transaction (another process may have published in between).
fn refuse_if_published(conn: &rusqlite::Connection, round_id: RoundId) -> Result<()> {
    let (code, published): (String, Option<String>) = conn.query_row(
        "SELECT code, published_at FROM rounds WHERE id = ?1",
        [round_id.0],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    match published {
        Some(at) => Err(rule(
            ErrorCode::InvalidTransition,
            format!("批次 {code} 的认定名单已于 {at} 公布，不能再修改公示和异议。"),
        )),
        None => Ok(()),
    }
}

/// Refuses publication while an objection has no decision, naming each: checked before the
/// passphrase is asked and again inside the writing transaction.
fn refuse_open_objections(conn: &rusqlite::Connection, round_id: RoundId) -> Result<()> {
    let open: Vec<String> = conn
        .prepare(
            "SELECT o.number, a.code FROM objections o JOIN applications a ON a.id = o.application_id
             WHERE o.round_id = ?1 AND o.decision IS NULL ORDER BY o.number",
        )?
        .query_map([round_id.0], |r| {
            Ok(format!("第 {} 号（{}）", r.get::<_, u32>(0)?, r.get::<_, String>(1)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    if open.is_empty() {
        return Ok(());
    }
    Err(rule(
        ErrorCode::ObjectionUndecided,
        format!(
            "还有异议未作出处理：{}。请调查并记录处理结果后再公布。",
            open.join("、")
        ),
    ))
}
