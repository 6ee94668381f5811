//! Applications (申报): the park's record with its lists of enterprises and platforms.

use park_review_domain::ids::{ApplicationId, RoundId, Uid};
use park_review_domain::model::{ApplicationRecord, ApplicationSummary};
use park_review_domain::{City, DomainError};
use rusqlite::params;
use serde_json::json;

use crate::error::Result;
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
    let taken: bool = tx.tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM applications WHERE round_id = ?1 AND code = ?2)",
        params![round_id.0, app.code],
        |row| row.get(0),
    )?;
    if taken {
        return Err(DomainError::DuplicateCode(app.code.clone()).into());
    }
    let order: i64 = tx.tx.query_row(
        "SELECT COALESCE(MAX(registration_order), 0) + 1 FROM applications WHERE round_id = ?1",
        [round_id.0],
        |row| row.get(0),
    )?;
    let uid = tx.new_uid();
    let now = tx.now();
    tx.tx.execute(
        "INSERT INTO applications (
            uid, round_id, code, registration_order, park_name, city, district, management_body,
            contact_name, contact_phone, city_recommendation_rank, leadership_mechanism,
            has_management_body, has_operating_team, planned_area_mu, land_approved,
            land_ownership_clear, conforms_to_plans, city_policy_status, county_funding_wan_yuan,
            county_funding_plan, gigabit_fibre_to_park, fibre_100m_to_enterprises,
            transport_and_living_facilities, eia_approved, no_major_pollution_3y_pledged,
            created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
                 ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?27)",
        params![
            uid,
            round_id.0,
            app.code,
            order,
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
    let id = tx.tx.last_insert_rowid();
    for (position, e) in app.enterprises.iter().enumerate() {
        let child_uid = tx.new_uid();
        tx.tx.execute(
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
        tx.tx.execute(
            "INSERT INTO application_innovation_platforms (uid, application_id, position, name, kind)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![child_uid, id, position, p.name, enum_text(&p.kind)],
        )?;
    }
    for (position, c) in app.rnd_cooperations.iter().enumerate() {
        let child_uid = tx.new_uid();
        tx.tx.execute(
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
        tx.tx.execute(
            "INSERT INTO application_service_platforms (uid, application_id, position, name, kind)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![child_uid, id, position, p.name, enum_text(&p.kind)],
        )?;
    }
    tx.audit(
        "application.create",
        "application",
        &uid,
        json!({"code": app.code, "park_name": app.park_name, "round_id": round_id.0}),
    )?;
    Ok(ApplicationId(id))
}

impl Store {
    /// The applications of a round in registration order.
    pub fn list_applications(&self, round_id: RoundId) -> Result<Vec<ApplicationSummary>> {
        let mut stmt = self.conn().prepare(
            "SELECT a.id, a.uid, a.round_id, a.code, a.park_name, a.city, a.district,
                    a.management_body, a.city_recommendation_rank, a.planned_area_mu,
                    a.registration_order,
                    (SELECT COUNT(*) FROM application_enterprises e WHERE e.application_id = a.id)
             FROM applications a WHERE a.round_id = ?1 ORDER BY a.registration_order",
        )?;
        let rows = stmt.query_map([round_id.0], |row| {
            let city_code: String = row.get(5)?;
            let city = City::parse(&city_code).map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(
                    5,
                    rusqlite::types::Type::Text,
                    Box::new(e),
                )
            })?;
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
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
