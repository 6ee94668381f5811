//! Commands after the ranking (issue 16): the publicity period, objections, publication and the
//! register of designated parks — the same store calls and operation as the CLI's `publicity`,
//! `objection`, `publish` and `park`.

use park_review_domain::ids::RoundId;
use park_review_domain::publication::{
    DesignatedPark, Objection, ObjectionDecision, PublicityPeriod, Published, PublishedPark,
};
use park_review_domain::CodedError;
use park_review_store::EnteredPark;
use serde::Serialize;
use tauri::{AppHandle, State};
use ts_rs::TS;

use crate::commands::{app_actor, save, with_store, write_store, Entity, Passphrase, APP};
use crate::AppState;

/// Everything the 公示与认定 page shows of a round.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct PublicationState {
    pub period: Option<PublicityPeriod>,
    pub objections: Vec<Objection>,
    /// What publishing would print now (or what was published).
    pub designated: Vec<PublishedPark>,
    pub removed: Vec<PublishedPark>,
    pub finalised: bool,
    pub published_at: Option<String>,
}

#[tauri::command]
pub async fn publication_state(
    state: State<'_, AppState>,
    round_id: RoundId,
) -> Result<PublicationState, CodedError> {
    with_store(&state, move |store| {
        let settings = store.ranking_settings(round_id)?;
        let (designated, removed) = store.designation_list(round_id)?;
        Ok(PublicationState {
            period: store.publicity_period(round_id)?,
            objections: store.objections(round_id)?,
            designated,
            removed,
            finalised: settings.finalised_at.is_some(),
            published_at: store.published_at(round_id)?,
        })
    })
    .await
}

#[tauri::command]
pub async fn add_objection(
    app: AppHandle,
    state: State<'_, AppState>,
    round_id: RoundId,
    application: String,
    objector: String,
    received_on: String,
    content: String,
) -> Result<Objection, CodedError> {
    write_store(&app, &state, Entity::Publication, move |store| {
        Ok(store.add_objection(
            &app_actor(),
            round_id,
            &application,
            &objector,
            &received_on,
            &content,
        )?)
    })
    .await
}

#[tauri::command]
#[allow(clippy::too_many_arguments)]
pub async fn decide_objection(
    app: AppHandle,
    state: State<'_, AppState>,
    round_id: RoundId,
    number: u32,
    decision: ObjectionDecision,
    reason: String,
    investigation: String,
    remove: bool,
) -> Result<Objection, CodedError> {
    write_store(&app, &state, Entity::Publication, move |store| {
        Ok(store.decide_objection(
            &app_actor(),
            round_id,
            number,
            decision,
            &reason,
            &investigation,
            remove,
        )?)
    })
    .await
}

/// What publishing did, and where the signed list was saved.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct PublishedSaved {
    pub published: Published,
    pub path: String,
}

#[tauri::command]
pub async fn publish(
    app: AppHandle,
    state: State<'_, AppState>,
    round_id: RoundId,
    passphrase: Passphrase,
) -> Result<PublishedSaved, CodedError> {
    write_store(&app, &state, Entity::Publication, move |store| {
        let (published, document) =
            park_review_operations::publish(store, APP, round_id, || Ok(passphrase.take()))?;
        Ok(PublishedSaved {
            published,
            path: save(store, &document)?,
        })
    })
    .await
}

#[tauri::command]
pub async fn designated_parks(
    state: State<'_, AppState>,
) -> Result<Vec<DesignatedPark>, CodedError> {
    with_store(&state, move |store| Ok(store.designated_parks()?)).await
}

#[tauri::command]
#[allow(clippy::too_many_arguments)]
pub async fn add_designated_park(
    app: AppHandle,
    state: State<'_, AppState>,
    park_name: String,
    city: String,
    management_body: String,
    designated_on: String,
    documents: String,
    reason: String,
) -> Result<DesignatedPark, CodedError> {
    write_store(&app, &state, Entity::Publication, move |store| {
        let park = EnteredPark {
            park_name,
            city,
            management_body,
            designated_on,
            documents,
            reason,
        };
        Ok(store.add_designated_park(&app_actor(), &park)?)
    })
    .await
}
