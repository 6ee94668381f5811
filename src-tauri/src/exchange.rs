//! Commands of the offline exchange: review packages out (secretariat) and in (expert), score
//! bundles out (expert) and in (secretariat), and the expert certificates the secretariat
//! registers. Every file is parsed and its container checked on a thread of its own before the
//! store is taken (`read_file`); the operations do the rest.

use park_review_domain::ids::RoundId;
use park_review_domain::offline::fingerprint_groups;
use park_review_domain::CodedError;
use park_review_operations::{CertificateRegistered, CertificateSource, Sealed, Signer};
use park_review_store::exchange::{BundleImported, ExchangeStatus, PackageImported};
use park_review_store::{DatabaseCopy, KeyOwner};
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Emitter, State};
use ts_rs::TS;

use crate::commands::{read_file, save, with_store, write_store, Entity, Passphrase, APP};
use crate::AppState;

/// Whose copy this database is, for the app to show the right home.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct CopyInfo {
    /// The expert's code on an expert's copy; None on the secretariat's database.
    pub expert: Option<String>,
    /// The leader's code on an inspection team's copy.
    pub inspection: Option<String>,
    /// On an expert's copy: the secretariat's pinned certificate, in groups of four.
    pub secretariat_fingerprint: Option<String>,
}

#[tauri::command]
pub async fn database_copy(state: State<'_, AppState>) -> Result<CopyInfo, CodedError> {
    with_store(&state, |store| {
        Ok(match store.copy().clone() {
            DatabaseCopy::Secretariat => CopyInfo {
                expert: None,
                inspection: None,
                secretariat_fingerprint: None,
            },
            DatabaseCopy::Expert(code) => CopyInfo {
                expert: Some(code),
                inspection: None,
                secretariat_fingerprint: store
                    .pinned_secretariat()?
                    .map(|k| fingerprint_groups(&k.certificate_sha256)),
            },
            DatabaseCopy::Inspection(leader) => CopyInfo {
                expert: None,
                inspection: Some(leader),
                secretariat_fingerprint: store
                    .pinned_secretariat()?
                    .map(|k| fingerprint_groups(&k.certificate_sha256)),
            },
        })
    })
    .await
}

/// Every panel expert's place in the exchange: package sent, certificate, bundle back.
#[tauri::command]
pub async fn exchange_status(
    state: State<'_, AppState>,
    round_id: RoundId,
) -> Result<Vec<ExchangeStatus>, CodedError> {
    with_store(&state, move |store| Ok(store.exchange_status(round_id)?)).await
}

/// A package imported, with the fingerprint of the secretariat's certificate to compare.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct PackageImportedView {
    pub imported: PackageImported,
    pub fingerprint: String,
}

#[tauri::command]
pub async fn import_package(
    app: AppHandle,
    state: State<'_, AppState>,
    bytes: Vec<u8>,
) -> Result<PackageImportedView, CodedError> {
    let package = read_file(move || park_review_operations::read_package(&bytes)).await?;
    let fingerprint = package.signer_fingerprint();
    let imported = write_store(&app, &state, Entity::Round, move |store| {
        park_review_operations::import_package(store, &package)
    })
    .await?;
    Ok(PackageImportedView {
        imported,
        fingerprint,
    })
}

/// A container written to `exports/`.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct SavedContainer {
    pub sealed: Sealed,
    pub path: String,
}

/// Progress of a batch of packages.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct PackageProgress {
    pub done: u32,
    pub of: u32,
    pub expert: String,
}

/// Exports a review package for each named expert (all with assignments when empty), signed
/// with the secretariat's key, to `exports/`, reporting progress.
#[tauri::command]
pub async fn export_packages(
    app: AppHandle,
    state: State<'_, AppState>,
    round_id: RoundId,
    experts: Vec<String>,
    passphrase: Passphrase,
) -> Result<Vec<SavedContainer>, CodedError> {
    let events = app.clone();
    write_store(&app, &state, Entity::Exchange, move |store| {
        let recipients = if experts.is_empty() {
            park_review_operations::package_recipients(store, round_id)?
        } else {
            experts
        };
        for code in &recipients {
            store.package_data(round_id, code)?;
        }
        let signer = Signer::unlock(store, KeyOwner::Secretariat, &passphrase)?;
        let mut saved = Vec::with_capacity(recipients.len());
        for (i, code) in recipients.iter().enumerate() {
            let (sealed, file) =
                park_review_operations::export_package(store, APP, round_id, code, &signer)?;
            saved.push(SavedContainer {
                path: save(store, &file)?,
                sealed,
            });
            let _ = events.emit(
                "package-progress",
                PackageProgress {
                    done: i as u32 + 1,
                    of: recipients.len() as u32,
                    expert: code.clone(),
                },
            );
        }
        Ok(saved)
    })
    .await
}

/// The expert exports the score bundle of a round (on the expert's copy) to `exports/`.
#[tauri::command]
pub async fn export_bundle(
    app: AppHandle,
    state: State<'_, AppState>,
    round_id: RoundId,
    passphrase: Passphrase,
) -> Result<SavedContainer, CodedError> {
    write_store(&app, &state, Entity::Exchange, move |store| {
        let data = store.bundle_data(round_id)?;
        let signer = Signer::unlock(
            store,
            KeyOwner::Expert(&data.header.expert_code),
            &passphrase,
        )?;
        let (sealed, file) = park_review_operations::export_bundle(store, APP, round_id, &signer)?;
        Ok(SavedContainer {
            path: save(store, &file)?,
            sealed,
        })
    })
    .await
}

/// One file to import, as the webview read it.
#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
pub struct PickedFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// The outcome of one bundle of a batch.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct BundleRow {
    pub file: String,
    pub report: Option<BundleImported>,
    pub error: Option<CodedError>,
}

/// Imports several score bundles, each in its own transaction; one row per file.
#[tauri::command]
pub async fn import_bundles(
    app: AppHandle,
    state: State<'_, AppState>,
    files: Vec<PickedFile>,
) -> Result<Vec<BundleRow>, CodedError> {
    let mut rows = Vec::with_capacity(files.len());
    for file in files {
        let name = file.name.clone();
        let opened = read_file(move || park_review_operations::read_bundle(&file.bytes)).await;
        let outcome = match opened {
            Ok(bundle) => {
                write_store(&app, &state, Entity::Scores, move |store| {
                    park_review_operations::import_bundle(store, &bundle)
                })
                .await
            }
            Err(e) => Err(e),
        };
        rows.push(match outcome {
            Ok(report) => BundleRow {
                file: name,
                report: Some(report),
                error: None,
            },
            Err(error) => BundleRow {
                file: name,
                report: None,
                error: Some(error),
            },
        });
    }
    Ok(rows)
}

/// A certificate read from a file or a bundle, before it is registered: whose and its
/// fingerprint, for the secretariat to compare with the expert.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct CertificatePreview {
    pub subject: String,
    pub fingerprint: String,
}

#[tauri::command]
pub async fn preview_certificate(
    bytes: Vec<u8>,
    from_bundle: bool,
) -> Result<CertificatePreview, CodedError> {
    read_file(move || {
        let source = if from_bundle {
            CertificateSource::Bundle(&bytes)
        } else {
            CertificateSource::File(&bytes)
        };
        let (_, sha, subject) = park_review_operations::read_certificate(source)?;
        Ok(CertificatePreview {
            subject,
            fingerprint: fingerprint_groups(&sha),
        })
    })
    .await
}

/// Registers an expert's certificate (after the fingerprint was confirmed with the expert).
#[tauri::command]
pub async fn register_certificate(
    app: AppHandle,
    state: State<'_, AppState>,
    expert: String,
    bytes: Vec<u8>,
    from_bundle: bool,
    replace_reason: Option<String>,
) -> Result<CertificateRegistered, CodedError> {
    write_store(&app, &state, Entity::Key, move |store| {
        let source = if from_bundle {
            CertificateSource::Bundle(&bytes)
        } else {
            CertificateSource::File(&bytes)
        };
        park_review_operations::import_certificate(
            store,
            APP,
            &expert,
            source,
            replace_reason.as_deref().filter(|r| !r.trim().is_empty()),
        )
    })
    .await
}
