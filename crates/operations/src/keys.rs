//! Signing keys (签名密钥): creating one for an expert or the secretariat, and changing the
//! passphrase that protects it. The passphrase is asked for through a closure, after every
//! check that needs none, so a user is never asked for a passphrase only to be refused.

use park_review_signing::keys::Subject;
use park_review_store::{Actor, KeyOwner, Store, StoredKey};

use crate::{Caller, Result};

/// The person a key belongs to is the one who acts on it.
pub(crate) fn owner_actor(caller: Caller, owner: KeyOwner<'_>) -> Actor {
    match owner {
        KeyOwner::Expert(code) => caller.expert(code),
        KeyOwner::Secretariat => caller.secretariat(),
    }
}

/// Creates a key and its self-signed certificate for an expert (or the secretariat) and stores
/// the private key encrypted with the passphrase. KEY_EXISTS before asking for one.
pub fn create_key(
    store: &mut Store,
    caller: Caller,
    owner: KeyOwner<'_>,
    passphrase: impl FnOnce() -> Result<String>,
) -> Result<StoredKey> {
    let subject = match owner {
        KeyOwner::Expert(code) => {
            let expert = store.expert_by_code(code)?;
            Subject {
                name: expert.name,
                organisation: expert.employer,
                unit: format!("评审专家 {}", expert.code),
            }
        }
        KeyOwner::Secretariat => Subject {
            name: "秘书处".into(),
            organisation: "广东省人工智能产业园区评审秘书处".into(),
            unit: String::new(),
        },
    };
    // Checked before asking and before the (slow) key derivation; save_key checks again.
    store.check_no_key(owner)?;
    let passphrase = passphrase()?;
    let now = store.now();
    let key = park_review_signing::keys::create_key(
        &subject,
        &passphrase,
        now.timestamp().max(0) as u64,
    )?;
    let sha = park_review_signing::keys::certificate_fingerprint(&key.certificate_der);
    Ok(store.save_key(
        &owner_actor(caller, owner),
        owner,
        &key.certificate_der,
        &sha,
        &key.encrypted_key_pem,
    )?)
}

/// Changes the passphrase that protects a stored key (the key and its certificate stay):
/// `passphrases` gives (current, new). The current one must unlock the key and the new one must
/// be long enough; nothing changes otherwise. NO_KEY before asking. Returns the key's record
/// (owner and certificate, which the change leaves as they were).
pub fn change_passphrase(
    store: &mut Store,
    caller: Caller,
    owner: KeyOwner<'_>,
    passphrases: impl FnOnce() -> Result<(String, String)>,
) -> Result<StoredKey> {
    let stored = store.signing_key(owner)?;
    let (old, new) = passphrases()?;
    let pem = park_review_signing::keys::change_passphrase(&stored.encrypted_key_pem, &old, &new)?;
    store.update_encrypted_key(&owner_actor(caller, owner), owner, &pem)?;
    Ok(stored)
}
