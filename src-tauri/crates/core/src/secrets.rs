//! Secrets (API tokens): where they are kept and how they are handled in memory.
//!
//! A token is never stored in SQLite, the settings or a log: a source row only holds the name of
//! its keychain entry (`sources.secret_ref`). [`SecretStore`] is the door to wherever the tokens
//! live: the OS keychain in the app and the CLI (crate `baton-keychain`), [`MemorySecretStore`] in
//! tests. [`Secret`] never prints its value, so a token cannot leak through `{:?}` or `{}`.

use std::collections::HashMap;
use std::fmt;
use std::sync::Mutex;

/// A token. `Debug` and `Display` print `***`; only [`Secret::expose`] gives the value. It is
/// read from IPC (a form's token field: a string, trimmed) but never written to it.
#[derive(Clone, PartialEq, Eq, specta::Type)]
#[specta(transparent)]
pub struct Secret(String);

impl<'de> serde::Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Secret, D::Error> {
        String::deserialize(deserializer).map(Secret::new)
    }
}

impl Secret {
    /// Wraps a token (surrounding whitespace, such as a newline from stdin, is dropped).
    pub fn new(value: impl Into<String>) -> Secret {
        let value: String = value.into();
        Secret(value.trim().to_owned())
    }

    /// The token itself: only for building an `Authorization` header.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// True when there is nothing in it.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// Why a secret could not be read or written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    /// There is no keychain to talk to (no Secret Service on this desktop, a locked keyring, a
    /// headless session).
    #[error("no system keychain is available: {0}")]
    Unavailable(String),
    /// The keychain answered with an error.
    #[error("the system keychain failed: {0}")]
    Failed(String),
}

impl SecretError {
    /// A stable code for the UI and CLI.
    pub fn code(&self) -> &'static str {
        self.kind().as_str()
    }

    /// The kind of error, for the UI and the CLI to branch on.
    pub fn kind(&self) -> crate::error::ErrorCode {
        match self {
            SecretError::Unavailable(_) => crate::error::ErrorCode::KeychainUnavailable,
            SecretError::Failed(_) => crate::error::ErrorCode::KeychainFailed,
        }
    }
}

/// Where tokens are kept, by reference name (`baton/<source id>`).
pub trait SecretStore: Send + Sync + fmt::Debug {
    /// The secret stored under `reference`, or `None` when there is none.
    fn get(&self, reference: &str) -> Result<Option<Secret>, SecretError>;
    /// Stores (or replaces) a secret.
    fn set(&self, reference: &str, secret: &Secret) -> Result<(), SecretError>;
    /// Forgets a secret; forgetting a missing one is not an error.
    fn delete(&self, reference: &str) -> Result<(), SecretError>;
}

/// The keychain entry name of a source's token.
pub fn reference_for(source_id: &str) -> String {
    format!("baton/{source_id}")
}

/// Secrets held in memory only: for tests, and for a CLI run given its token in a variable.
#[derive(Debug, Default)]
pub struct MemorySecretStore {
    secrets: Mutex<HashMap<String, Secret>>,
    unavailable: bool,
}

impl MemorySecretStore {
    /// An empty store.
    pub fn new() -> MemorySecretStore {
        MemorySecretStore::default()
    }

    /// A store that behaves like a machine without a keychain: every call fails.
    pub fn unavailable() -> MemorySecretStore {
        MemorySecretStore {
            secrets: Mutex::default(),
            unavailable: true,
        }
    }

    fn check(&self) -> Result<(), SecretError> {
        if self.unavailable {
            return Err(SecretError::Unavailable(
                "no Secret Service is running (test store)".into(),
            ));
        }
        Ok(())
    }
}

impl SecretStore for MemorySecretStore {
    fn get(&self, reference: &str) -> Result<Option<Secret>, SecretError> {
        self.check()?;
        let secrets = self
            .secrets
            .lock()
            .map_err(|_| SecretError::Failed("lock poisoned".into()))?;
        Ok(secrets.get(reference).cloned())
    }

    fn set(&self, reference: &str, secret: &Secret) -> Result<(), SecretError> {
        self.check()?;
        self.secrets
            .lock()
            .map_err(|_| SecretError::Failed("lock poisoned".into()))?
            .insert(reference.to_owned(), secret.clone());
        Ok(())
    }

    fn delete(&self, reference: &str) -> Result<(), SecretError> {
        self.check()?;
        self.secrets
            .lock()
            .map_err(|_| SecretError::Failed("lock poisoned".into()))?
            .remove(reference);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_never_prints_its_value() {
        let secret = Secret::new("ghp_supersecret\n");
        assert_eq!(
            secret.expose(),
            "ghp_supersecret",
            "stdin newlines are trimmed"
        );
        assert!(
            !format!("{secret:?} {secret}").contains("supersecret"),
            "Debug and Display hide the token"
        );
    }

    #[test]
    fn the_memory_store_round_trips_and_can_play_unavailable() {
        let store = MemorySecretStore::new();
        assert_eq!(store.get("baton/a"), Ok(None));
        store.set("baton/a", &Secret::new("t")).unwrap_or_default();
        assert_eq!(store.get("baton/a"), Ok(Some(Secret::new("t"))));
        store.delete("baton/a").unwrap_or_default();
        assert_eq!(store.get("baton/a"), Ok(None));
        let none = MemorySecretStore::unavailable();
        assert_eq!(
            none.get("x").map_err(|e| e.code()),
            Err("keychain_unavailable")
        );
    }
}
