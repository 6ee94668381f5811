//! Applications (申报): the park's record with its lists of enterprises and platforms.

use park_review_domain::ids::{ApplicationId, RoundId, Uid};
use park_review_domain::model::{ApplicationRecord, ApplicationSummary};
use park_review_domain::{City, DomainError};
use rusqlite::{params, OptionalExtension};
use serde_json::json;

use crate::error::Result;
use crate::CachedSql;
use crate::{Store, WriteTx};

/// The serde name of a unit enum variant (`maker_space` …), which is also what the schema's
/// CHECK constraints list.
fn enum_text<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(text)) => text,
        other => unreachable!("unit enum serialised as {other:?}"),
    }
}

pub(crate) fn insert_application(
    tx: &mut WriteTx<'_>,
    round_id: RoundId,
    app: &ApplicationRecord,
) -> Result<ApplicationId> {
    let taken: bool = tx.tx.query_row_cached(
        "SELECT EXISTS (SELECT 1 FROM applications WHERE round_id = ?1 AND code = ?2 COLLATE NOCASE)",
        params![round_id.0, app.code],
        |row| row.get(0),
    )?;
    if taken {
        return Err(DomainError::DuplicateCode(app.code.clone()).into());
    }
    let order: i64 = tx.tx.query_row_cached(
        "SELECT COALESCE(MAX(registration_order), 0) + 1 FROM applications WHERE round_id = ?1",
        [round_id.0],
        |row| row.get(0),
    )?;
    let uid = tx.new_uid();
    let now = tx.now();
    // The row is created with what identifies it, then every declared fact is written by the
    // same statement the form's save uses, so the two can never disagree on a column.
    tx.tx.execute_cached(
        "INSERT INTO applications (uid, round_id, code, registration_order, park_name, city,
                                   city_recommendation_rank, planned_area_mu, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
        params![
            uid,
            round_id.0,
            app.code,
            order,
            app.park_name,
            app.city.code(),
            app.city_recommendation_rank,
            app.planned_area_mu,
            now
        ],
    )?;
    let id = tx.tx.last_insert_rowid();
    write_facts(tx, id, app, &now)?;
    insert_children(tx, id, app)?;
    tx.audit(
        "application.create",
        "application",
        &uid,
        json!({"code": app.code, "park_name": app.park_name, "round_id": round_id.0}),
    )?;
    Ok(ApplicationId(id))
}

/// Writes every declared field of an application's row (all but its identity and order).
pub(crate) fn write_facts(
    tx: &WriteTx<'_>,
    id: i64,
    app: &ApplicationRecord,
    now: &str,
) -> Result<()> {
    tx.tx.execute_cached(
        "UPDATE applications SET
            code = ?2, park_name = ?3, city = ?4, district = ?5, management_body = ?6,
            contact_name = ?7, contact_phone = ?8, city_recommendation_rank = ?9,
            leadership_mechanism = ?10, has_management_body = ?11, has_operating_team = ?12,
            planned_area_mu = ?13, land_approved = ?14, land_ownership_clear = ?15,
            conforms_to_plans = ?16, city_policy_status = ?17, county_funding_wan_yuan = ?18,
            county_funding_plan = ?19, gigabit_fibre_to_park = ?20, fibre_100m_to_enterprises = ?21,
            transport_and_living_facilities = ?22, eia_approved = ?23,
            no_major_pollution_3y_pledged = ?24, updated_at = ?25
         WHERE id = ?1",
        params![
            id,
            app.code,
            app.park_name,
            app.city.code(),
            app.district,
            app.management_body,
            app.contact_name,
            app.contact_phone,
            app.city_recommendation_rank,
            app.leadership_mechanism,
            app.has_management_body,
            app.has_operating_team,
            app.planned_area_mu,
            app.land_approved,
            app.land_ownership_clear,
            app.conforms_to_plans,
            enum_text(&app.city_policy_status),
            app.county_funding_wan_yuan,
            app.county_funding_plan,
            app.gigabit_fibre_to_park,
            app.fibre_100m_to_enterprises,
            app.transport_and_living_facilities,
            app.eia_approved,
            app.no_major_pollution_3y_pledged,
            now,
        ],
    )?;
    Ok(())
}

/// The lists of an application: enterprises, platforms, cooperations.
pub(crate) fn insert_children(
    tx: &mut WriteTx<'_>,
    id: i64,
    app: &ApplicationRecord,
) -> Result<()> {
    for (position, e) in app.enterprises.iter().enumerate() {
        let child_uid = tx.new_uid();
        tx.tx.execute_cached(
            "INSERT INTO application_enterprises
                (uid, application_id, position, name, credit_code, ai_output_wan_yuan)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                child_uid,
                id,
                position,
                e.name,
                e.credit_code,
                e.ai_output_wan_yuan
            ],
        )?;
    }
    for (position, p) in app.innovation_platforms.iter().enumerate() {
        let child_uid = tx.new_uid();
        tx.tx.execute_cached(
            "INSERT INTO application_innovation_platforms (uid, application_id, position, name, kind)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![child_uid, id, position, p.name, enum_text(&p.kind)],
        )?;
    }
    for (position, c) in app.rnd_cooperations.iter().enumerate() {
        let child_uid = tx.new_uid();
        tx.tx.execute_cached(
            "INSERT INTO application_rnd_cooperations
                (uid, application_id, position, enterprise, partner, partner_kind)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                child_uid,
                id,
                position,
                c.enterprise,
                c.partner,
                enum_text(&c.partner_kind)
            ],
        )?;
    }
    for (position, p) in app.service_platforms.iter().enumerate() {
        let child_uid = tx.new_uid();
        tx.tx.execute_cached(
            "INSERT INTO application_service_platforms (uid, application_id, position, name, kind)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![child_uid, id, position, p.name, enum_text(&p.kind)],
        )?;
    }
    Ok(())
}

impl Store {
    /// The applications of a round in registration order.
    pub fn list_applications(&self, round_id: RoundId) -> Result<Vec<ApplicationSummary>> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "{SUMMARY_SELECT} WHERE a.round_id = ?1 ORDER BY a.registration_order"
        ))?;
        let rows = stmt.query_map([round_id.0], summary_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

/// An application's summary, with `summary_from_row`.
const SUMMARY_SELECT: &str =
    "SELECT a.id, a.uid, a.round_id, a.code, a.park_name, a.city, a.district,
        a.management_body, a.city_recommendation_rank, a.planned_area_mu, a.registration_order,
        (SELECT COUNT(*) FROM application_enterprises e WHERE e.application_id = a.id)
    FROM applications a";

fn summary_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<ApplicationSummary> {
    let city_code: String = row.get(5)?;
    let city = city_in_column(&city_code, 5)?;
    Ok(ApplicationSummary {
        id: ApplicationId(row.get(0)?),
        uid: Uid(row.get(1)?),
        round_id: RoundId(row.get(2)?),
        code: row.get(3)?,
        park_name: row.get(4)?,
        city,
        city_code,
        district: row.get(6)?,
        management_body: row.get(7)?,
        city_recommendation_rank: row.get(8)?,
        planned_area_mu: row.get(9)?,
        registration_order: row.get(10)?,
        n_enterprises: row.get(11)?,
    })
}

/// A city code read from `column`, refused as a conversion failure if it names no city.
fn city_in_column(code: &str, column: usize) -> rusqlite::Result<City> {
    City::parse(code).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(column, rusqlite::types::Type::Text, Box::new(e))
    })
}

/// The columns of `applications` in the order `record_from_row` reads them.
const RECORD_COLUMNS: &str = "id, code, park_name, city, district, management_body, contact_name, contact_phone,
    city_recommendation_rank, leadership_mechanism, has_management_body, has_operating_team,
    planned_area_mu, land_approved, land_ownership_clear, conforms_to_plans, city_policy_status,
    county_funding_wan_yuan, county_funding_plan, gigabit_fibre_to_park, fibre_100m_to_enterprises,
    transport_and_living_facilities, eia_approved, no_major_pollution_3y_pledged, registration_order";

type RecordRow = (ApplicationId, ApplicationRecord, u32);

/// Reads the scalar fields of an application (lists are loaded separately).
fn record_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<RecordRow> {
    let city = city_in_column(&row.get::<_, String>(3)?, 3)?;
    let record = ApplicationRecord {
        code: row.get(1)?,
        park_name: row.get(2)?,
        city,
        district: row.get(4)?,
        management_body: row.get(5)?,
        contact_name: row.get(6)?,
        contact_phone: row.get(7)?,
        city_recommendation_rank: row.get(8)?,
        leadership_mechanism: row.get(9)?,
        has_management_body: row.get(10)?,
        has_operating_team: row.get(11)?,
        planned_area_mu: row.get(12)?,
        land_approved: row.get(13)?,
        land_ownership_clear: row.get(14)?,
        conforms_to_plans: row.get(15)?,
        city_policy_status: parse_text(16, row.get(16)?)?,
        county_funding_wan_yuan: row.get(17)?,
        county_funding_plan: row.get(18)?,
        gigabit_fibre_to_park: row.get(19)?,
        fibre_100m_to_enterprises: row.get(20)?,
        transport_and_living_facilities: row.get(21)?,
        eia_approved: row.get(22)?,
        no_major_pollution_3y_pledged: row.get(23)?,
        enterprises: Vec::new(),
        innovation_platforms: Vec::new(),
        rnd_cooperations: Vec::new(),
        service_platforms: Vec::new(),
    };
    Ok((ApplicationId(row.get(0)?), record, row.get::<_, u32>(24)?))
}

fn parse_text<T: serde::de::DeserializeOwned>(column: usize, text: String) -> rusqlite::Result<T> {
    serde_json::from_value(serde_json::Value::String(text)).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(column, rusqlite::types::Type::Text, Box::new(e))
    })
}

impl Store {
    /// Every application of a round as full records, in registration order.
    pub fn application_records(
        &self,
        round_id: RoundId,
    ) -> Result<Vec<(ApplicationId, ApplicationRecord, u32)>> {
        let mut records = Vec::new();
        self.for_each_application_record(round_id, |id, record, order| {
            records.push((id, record, order));
            Ok(())
        })?;
        records.sort_by_key(|(_, _, order)| *order);
        Ok(records)
    }

    /// Hands every application of a round to `visit` as a full record, one at a time, in id
    /// order, so that a caller who needs only a little of each (the formal review's results for
    /// 100,000 applications) never holds them all. Five set-based reads stepped together (the
    /// applications and their four lists, each in application order), not five per application.
    pub fn for_each_application_record(
        &self,
        round_id: RoundId,
        mut visit: impl FnMut(ApplicationId, ApplicationRecord, u32) -> Result<()>,
    ) -> Result<()> {
        use park_review_domain::model::{
            Enterprise, InnovationPlatform, RndCooperation, ServicePlatform,
        };
        let conn = self.conn();
        let of_round = "application_id IN (SELECT id FROM applications WHERE round_id = ?1)";
        let mut apps = conn.prepare_cached(&format!(
            "SELECT {RECORD_COLUMNS} FROM applications WHERE round_id = ?1 ORDER BY id"
        ))?;
        let mut enterprises = conn.prepare_cached(&format!(
            "SELECT application_id, name, credit_code, ai_output_wan_yuan FROM application_enterprises
             WHERE {of_round} ORDER BY application_id, position"
        ))?;
        let mut innovation = conn.prepare_cached(&format!(
            "SELECT application_id, name, kind FROM application_innovation_platforms
             WHERE {of_round} ORDER BY application_id, position"
        ))?;
        let mut cooperations = conn.prepare_cached(&format!(
            "SELECT application_id, enterprise, partner, partner_kind FROM application_rnd_cooperations
             WHERE {of_round} ORDER BY application_id, position"
        ))?;
        let mut services = conn.prepare_cached(&format!(
            "SELECT application_id, name, kind FROM application_service_platforms
             WHERE {of_round} ORDER BY application_id, position"
        ))?;
        let mut enterprises = enterprises
            .query_map([round_id.0], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    Enterprise {
                        name: r.get(1)?,
                        credit_code: r.get(2)?,
                        ai_output_wan_yuan: r.get(3)?,
                    },
                ))
            })?
            .peekable();
        let mut innovation = innovation
            .query_map([round_id.0], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    InnovationPlatform {
                        name: r.get(1)?,
                        kind: parse_text(2, r.get(2)?)?,
                    },
                ))
            })?
            .peekable();
        let mut cooperations = cooperations
            .query_map([round_id.0], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    RndCooperation {
                        enterprise: r.get(1)?,
                        partner: r.get(2)?,
                        partner_kind: parse_text(3, r.get(3)?)?,
                    },
                ))
            })?
            .peekable();
        let mut services = services
            .query_map([round_id.0], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    ServicePlatform {
                        name: r.get(1)?,
                        kind: parse_text(2, r.get(2)?)?,
                    },
                ))
            })?
            .peekable();
        /// Takes the rows of `list` that belong to application `id` (both sides ascend).
        fn take<T>(
            list: &mut std::iter::Peekable<impl Iterator<Item = rusqlite::Result<(i64, T)>>>,
            id: i64,
        ) -> Result<Vec<T>> {
            let mut out = Vec::new();
            while let Some(next) = list.peek() {
                match next {
                    Ok((owner, _)) if *owner < id => {
                        list.next();
                    }
                    Ok((owner, _)) if *owner == id => {
                        if let Some(Ok((_, item))) = list.next() {
                            out.push(item);
                        }
                    }
                    Ok(_) => break,
                    Err(_) => {
                        list.next().transpose()?;
                    }
                }
            }
            Ok(out)
        }
        for row in apps.query_map([round_id.0], record_from_row)? {
            let (id, mut record, order) = row?;
            record.enterprises = take(&mut enterprises, id.0)?;
            record.innovation_platforms = take(&mut innovation, id.0)?;
            record.rnd_cooperations = take(&mut cooperations, id.0)?;
            record.service_platforms = take(&mut services, id.0)?;
            visit(id, record, order)?;
        }
        Ok(())
    }

    fn load_lists(&self, id: ApplicationId, record: &mut ApplicationRecord) -> Result<()> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT name, credit_code, ai_output_wan_yuan FROM application_enterprises
             WHERE application_id = ?1 ORDER BY position",
        )?;
        record.enterprises = stmt
            .query_map([id.0], |r| {
                Ok(park_review_domain::model::Enterprise {
                    name: r.get(0)?,
                    credit_code: r.get(1)?,
                    ai_output_wan_yuan: r.get(2)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut stmt = conn.prepare_cached(
            "SELECT name, kind FROM application_innovation_platforms WHERE application_id = ?1 ORDER BY position",
        )?;
        record.innovation_platforms = stmt
            .query_map([id.0], |r| {
                Ok(park_review_domain::model::InnovationPlatform {
                    name: r.get(0)?,
                    kind: parse_text(1, r.get(1)?)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut stmt = conn.prepare_cached(
            "SELECT enterprise, partner, partner_kind FROM application_rnd_cooperations
             WHERE application_id = ?1 ORDER BY position",
        )?;
        record.rnd_cooperations = stmt
            .query_map([id.0], |r| {
                Ok(park_review_domain::model::RndCooperation {
                    enterprise: r.get(0)?,
                    partner: r.get(1)?,
                    partner_kind: parse_text(2, r.get(2)?)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut stmt = conn.prepare_cached(
            "SELECT name, kind FROM application_service_platforms WHERE application_id = ?1 ORDER BY position",
        )?;
        record.service_platforms = stmt
            .query_map([id.0], |r| {
                Ok(park_review_domain::model::ServicePlatform {
                    name: r.get(0)?,
                    kind: parse_text(1, r.get(1)?)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(())
    }

    /// One application's full record, found by code, uid or row id.
    pub fn application_record(&self, round_id: RoundId, key: &str) -> Result<ApplicationRecord> {
        let summary = self.find_application(round_id, key)?;
        let conn = self.conn();
        let mut record = conn.query_row_cached(
            &format!("SELECT {RECORD_COLUMNS} FROM applications WHERE id = ?1"),
            [summary.id.0],
            record_from_row,
        )?;
        self.load_lists(summary.id, &mut record.1)?;
        Ok(record.1)
    }

    /// Replaces an application's record (the form's "save"). The code may change if the new
    /// one is free in the round. Checked like an import; nothing changes on any problem.
    pub fn update_application(
        &mut self,
        actor: &crate::Actor,
        round_id: RoundId,
        key: &str,
        record: &ApplicationRecord,
    ) -> Result<()> {
        self.permits(actor)?;
        let round = self.round(round_id)?;
        if round.status == park_review_domain::RoundStatus::Closed {
            return Err(crate::StoreError::Conflict(format!(
                "批次 {} 已结束，不能再修改申报。",
                round.code
            )));
        }
        let current = self.find_application(round_id, key)?;
        let mut problems =
            park_review_domain::exchange::check_applications(std::slice::from_ref(record));
        if !record.code.eq_ignore_ascii_case(&current.code)
            && self.find_application(round_id, &record.code).is_ok()
        {
            problems.push(park_review_domain::exchange::FieldProblem {
                record: format!("申报 {}", record.code),
                field: "code".into(),
                code: park_review_domain::ErrorCode::DuplicateCode,
                message: format!("编号“{}”在批次 {} 中已存在。", record.code, round.code),
            });
        }
        if !problems.is_empty() {
            return Err(crate::StoreError::Invalid(problems));
        }
        let before = serde_json::to_value(self.application_record(round_id, &current.code)?)
            .unwrap_or_default();
        self.write(actor, |tx| {
            let now = tx.now();
            let app = record;
            write_facts(tx, current.id.0, app, &now)?;
            for table in [
                "application_enterprises",
                "application_innovation_platforms",
                "application_rnd_cooperations",
                "application_service_platforms",
            ] {
                tx.tx.execute_cached(
                    &format!("DELETE FROM {table} WHERE application_id = ?1"),
                    [current.id.0],
                )?;
            }
            insert_children(tx, current.id.0, app)?;
            tx.audit_change(
                "application.update",
                "application",
                &current.uid.0,
                json!({"code": app.code, "park_name": app.park_name}),
                before,
                serde_json::to_value(app).unwrap_or_default(),
            )
        })
    }

    /// Finds an application of a round by code (`2026-GZ-01`), uid or row id.
    pub fn find_application(&self, round_id: RoundId, key: &str) -> Result<ApplicationSummary> {
        let key = key.trim();
        // One row, looked up by the database: this runs on every score saved, and used to list
        // the whole round to find it.
        self.conn()
            .query_row_cached(
                &format!(
                    "{SUMMARY_SELECT} WHERE a.round_id = ?1
                       AND (a.code = ?2 COLLATE NOCASE OR a.uid = ?2 OR CAST(a.id AS TEXT) = ?2)
                     ORDER BY a.registration_order LIMIT 1"
                ),
                params![round_id.0, key],
                summary_from_row,
            )
            .optional()?
            .ok_or_else(|| crate::StoreError::NotFound {
                what: "申报",
                key: key.to_owned(),
                hint: "请用 `park-review application list --round R` 查看本批次的申报编号。".into(),
            })
    }

    /// Registers applications in one transaction: all or nothing. Every problem of the file is
    /// reported at once (field, record), including codes already used in the round.
    pub fn import_applications(
        &mut self,
        actor: &crate::Actor,
        round_id: RoundId,
        records: &[ApplicationRecord],
    ) -> Result<Vec<ApplicationId>> {
        self.permits(actor)?;
        let round = self.round(round_id)?;
        if round.status == park_review_domain::RoundStatus::Closed {
            return Err(crate::StoreError::Conflict(format!(
                "批次 {} 已结束，不能再登记申报。",
                round.code
            )));
        }
        let mut problems = park_review_domain::exchange::check_applications(records);
        let existing: std::collections::HashSet<String> = self
            .list_applications(round_id)?
            .into_iter()
            .map(|a| a.code.to_ascii_uppercase())
            .collect();
        // Codes are looked up without regard to case, so they are unique that way too.
        for app in records
            .iter()
            .filter(|a| existing.contains(&a.code.to_ascii_uppercase()))
        {
            problems.push(park_review_domain::exchange::FieldProblem {
                record: format!("申报 {}", app.code),
                field: "code".into(),
                code: park_review_domain::ErrorCode::DuplicateCode,
                message: format!("编号“{}”在批次 {} 中已存在。", app.code, round.code),
            });
        }
        if !problems.is_empty() {
            return Err(crate::StoreError::Invalid(problems));
        }
        if records.is_empty() {
            // Nothing to store (an empty template): no transaction, no audit entry.
            return Ok(Vec::new());
        }
        self.write(actor, |tx| {
            records
                .iter()
                .map(|app| insert_application(tx, round_id, app))
                .collect()
        })
    }
}
