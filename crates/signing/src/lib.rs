//! Signing: expert keys and certificates (`keys`), PAdES B-B signatures of PDFs (`pades`) and
//! their verification (`verify`). The only crate that reads the operating system's random
//! number generator (for keys, serial numbers and key-encryption salts).

pub mod detached;
mod error;
#[cfg(any(test, feature = "hostile"))]
pub mod hostile;
pub mod keys;
pub mod pades;
pub mod verify;

pub use error::SigningError;

/// An unlocked ECDSA P-256 private key.
pub use p256::ecdsa::SigningKey as SigningKeyP256;
