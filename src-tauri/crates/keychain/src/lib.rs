//! `baton-keychain`: tokens in the operating system's keychain, behind `baton-core`'s
//! [`SecretStore`]. On Linux that is the Secret Service (GNOME Keyring, KWallet); without one
//! (a headless session, no D-Bus) every call fails with `keychain_unavailable` and a sentence
//! saying so, instead of falling back to a file.

use baton_core::secrets::{Secret, SecretError, SecretStore};

/// The service name entries are filed under.
pub const SERVICE: &str = "baton";

/// The OS keychain.
#[derive(Debug, Default, Clone, Copy)]
pub struct Keychain;

fn entry(reference: &str) -> Result<keyring::Entry, SecretError> {
    keyring::Entry::new(SERVICE, reference).map_err(convert)
}

fn convert(err: keyring::Error) -> SecretError {
    match err {
        keyring::Error::PlatformFailure(inner) => SecretError::Unavailable(format!(
            "the system keychain (Secret Service) could not be reached: {inner}. Start a keyring (GNOME Keyring, KWallet) or use a desktop session"
        )),
        keyring::Error::NoStorageAccess(inner) => SecretError::Unavailable(format!(
            "the system keychain is locked or refused access: {inner}"
        )),
        other => SecretError::Failed(other.to_string()),
    }
}

impl SecretStore for Keychain {
    fn get(&self, reference: &str) -> Result<Option<Secret>, SecretError> {
        match entry(reference)?.get_password() {
            Ok(value) => Ok(Some(Secret::new(value))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(err) => Err(convert(err)),
        }
    }

    fn set(&self, reference: &str, secret: &Secret) -> Result<(), SecretError> {
        entry(reference)?
            .set_password(secret.expose())
            .map_err(convert)?;
        tracing::info!(%reference, "token stored in the system keychain");
        Ok(())
    }

    fn delete(&self, reference: &str) -> Result<(), SecretError> {
        match entry(reference)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(err) => Err(convert(err)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_a_secret_service_the_error_says_so() {
        // CI machines have no Secret Service; a desktop with one stores and reads back.
        let store = Keychain;
        match store.get("baton/keychain-self-test") {
            Ok(_) => {}
            Err(err) => {
                assert_eq!(err.code(), "keychain_unavailable", "{err}");
                assert!(err.to_string().contains("keychain"), "{err}");
            }
        }
    }
}
