//! Signing keys (签名密钥): creating one for an expert or the secretariat, and changing the
//! passphrase that protects it. The passphrase is asked for through a closure, after every
//! check that needs none, so a user is never asked for a passphrase only to be refused.

use park_review_signing::keys::{NewKey, Subject};
use park_review_store::{Actor, KeyOwner, Store, StoredKey};
use zeroize::Zeroizing;

use crate::{Caller, Result};

/// The person a key belongs to is the one who acts on it.
pub(crate) fn owner_actor(caller: Caller, owner: KeyOwner<'_>) -> Actor {
    match owner {
        KeyOwner::Expert(code) => caller.expert(code),
        KeyOwner::Secretariat => caller.secretariat(),
    }
}

fn subject(store: &Store, owner: KeyOwner<'_>) -> Result<Subject> {
    Ok(match owner {
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
    })
}

/// A new key for `owner`, its private key encrypted with the passphrase (wiped afterwards).
fn new_key(store: &Store, owner: KeyOwner<'_>, passphrase: String) -> Result<(NewKey, String)> {
    let passphrase = Zeroizing::new(passphrase);
    let key = park_review_signing::keys::create_key(
        &subject(store, owner)?,
        &passphrase,
        store.now().timestamp().max(0) as u64,
    )?;
    let sha = park_review_signing::keys::certificate_fingerprint(&key.certificate_der);
    Ok((key, sha))
}

/// Creates a key and its self-signed certificate for an expert (or the secretariat) and stores
/// the private key encrypted with the passphrase. KEY_EXISTS before asking for one; a weak
/// passphrase is WEAK_PASSPHRASE.
pub fn create_key(
    store: &mut Store,
    caller: Caller,
    owner: KeyOwner<'_>,
    passphrase: impl FnOnce() -> Result<String>,
) -> Result<StoredKey> {
    subject(store, owner)?;
    // Checked before asking and before the (slow) key derivation; save_key checks again.
    store.check_no_key(owner)?;
    let (key, sha) = new_key(store, owner, passphrase()?)?;
    Ok(store.save_key(
        &owner_actor(caller, owner),
        owner,
        &key.certificate_der,
        &sha,
        &key.encrypted_key_pem,
    )?)
}

/// Revokes the owner's active key from `effective_at` (RFC 3339; None: now), for `reason`: the
/// secretariat's action when a laptop is lost or a passphrase is known to others. Documents
/// signed before stay valid, those signed after do not; the owner then needs a new key.
pub fn revoke_key(
    store: &mut Store,
    caller: Caller,
    owner: KeyOwner<'_>,
    reason: &str,
    effective_at: Option<&str>,
) -> Result<StoredKey> {
    Ok(store.revoke_key(&caller.secretariat(), owner, reason, effective_at)?)
}

/// Replaces the owner's key in one step: the old one is revoked now, for `reason`, and a new one
/// made with the new passphrase. NO_KEY (nothing to replace) before asking for a passphrase.
pub fn replace_key(
    store: &mut Store,
    caller: Caller,
    owner: KeyOwner<'_>,
    reason: &str,
    passphrase: impl FnOnce() -> Result<String>,
) -> Result<StoredKey> {
    store.signing_key(owner)?;
    store.revocation(reason, None)?;
    let (key, sha) = new_key(store, owner, passphrase()?)?;
    Ok(store.replace_key(
        &owner_actor(caller, owner),
        owner,
        reason,
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
    let (old, new) = (Zeroizing::new(old), Zeroizing::new(new));
    let pem = park_review_signing::keys::change_passphrase(stored.private_key_pem()?, &old, &new)?;
    store.update_encrypted_key(&owner_actor(caller, owner), owner, &pem)?;
    Ok(stored)
}
