//! KMS's cryptography, on AES-256-GCM (RustCrypto's `aes-gcm`): key material made by the
//! operating system's CSPRNG and kept wrapped under the data directory's master key
//! (`DATA_DIR/kms/master.key`, made on first use, readable by the owner only); ciphertexts
//! that name their key and are bound to their encryption context, so a different context fails
//! as on AWS (`InvalidCiphertextException`).
//!
//! A ciphertext: `GHK1`, the key id (36 characters), a 12-byte nonce, then the sealed bytes
//! and tag; the additional data is `GHK1`, the key id and the context as canonical JSON (keys
//! sorted).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;

const MAGIC: &[u8; 4] = b"GHK1";
const ID_LEN: usize = 36;
const NONCE_LEN: usize = 12;
/// The master key: the data directory's own, never leaves it.
pub struct MasterKey(Aes256Gcm);

#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    #[error("the ciphertext is not one this server made, or its context differs")]
    InvalidCiphertext,
    #[error("the key material does not unwrap: {0}")]
    Material(String),
    #[error("the master key cannot be read or made: {0}")]
    Master(std::io::Error),
}

pub fn random<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).expect("the operating system's random source works");
    b
}

impl MasterKey {
    /// Reads `DATA_DIR/kms/master.key`, making it (32 random bytes, mode 0600, written and
    /// synced before use) when there is none.
    pub fn open(data_dir: &Path) -> Result<MasterKey, CryptoError> {
        let dir = data_dir.join("kms");
        let path = dir.join("master.key");
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                std::fs::create_dir_all(&dir).map_err(CryptoError::Master)?;
                let key: [u8; 32] = random();
                let tmp = dir.join("master.key.tmp");
                let mut options = std::fs::OpenOptions::new();
                options.write(true).create(true).truncate(true);
                #[cfg(unix)]
                {
                    use std::os::unix::fs::OpenOptionsExt;
                    options.mode(0o600);
                }
                let mut f = options.open(&tmp).map_err(CryptoError::Master)?;
                f.write_all(&key).map_err(CryptoError::Master)?;
                f.sync_all().map_err(CryptoError::Master)?;
                std::fs::rename(&tmp, &path).map_err(CryptoError::Master)?;
                key.to_vec()
            }
            Err(e) => return Err(CryptoError::Master(e)),
        };
        let cipher = Aes256Gcm::new_from_slice(&bytes).map_err(|_| {
            CryptoError::Master(std::io::Error::other("master.key is not 32 bytes"))
        })?;
        Ok(MasterKey(cipher))
    }

    /// Seals `bytes` under the master key, bound to `aad` (base64 of nonce and sealed bytes).
    pub fn seal(&self, aad: &[u8], bytes: &[u8]) -> String {
        let nonce: [u8; NONCE_LEN] = random();
        let sealed = self
            .0
            .encrypt(Nonce::from_slice(&nonce), Payload { msg: bytes, aad })
            .expect("AES-GCM seals any message of this size");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        base64::engine::general_purpose::STANDARD.encode(out)
    }

    /// What [`MasterKey::seal`] sealed with the same `aad`.
    pub fn unseal(&self, aad: &[u8], wrapped: &str) -> Result<Vec<u8>, CryptoError> {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(wrapped)
            .map_err(|e| CryptoError::Material(e.to_string()))?;
        if bytes.len() < NONCE_LEN {
            return Err(CryptoError::Material("too short".into()));
        }
        let (nonce, sealed) = bytes.split_at(NONCE_LEN);
        self.0
            .decrypt(Nonce::from_slice(nonce), Payload { msg: sealed, aad })
            .map_err(|_| CryptoError::Material("it was not sealed by this master key".into()))
    }

    /// New key material for `key_id`, wrapped.
    pub fn new_material(&self, key_id: &str) -> String {
        let material: [u8; 32] = random();
        self.seal(key_id.as_bytes(), &material)
    }

    /// The key's material, ready to use.
    pub fn unwrap(&self, key_id: &str, wrapped: &str) -> Result<KeyMaterial, CryptoError> {
        let material = self.unseal(key_id.as_bytes(), wrapped)?;
        let cipher = Aes256Gcm::new_from_slice(&material)
            .map_err(|_| CryptoError::Material("not 32 bytes".into()))?;
        Ok(KeyMaterial {
            key_id: key_id.to_string(),
            cipher,
        })
    }
}

/// One key's material, unwrapped.
pub struct KeyMaterial {
    key_id: String,
    cipher: Aes256Gcm,
}

fn aad(key_id: &str, context: &BTreeMap<String, String>) -> Vec<u8> {
    let mut aad = MAGIC.to_vec();
    aad.extend_from_slice(key_id.as_bytes());
    aad.extend_from_slice(
        serde_json::to_string(context)
            .expect("a map of strings serializes")
            .as_bytes(),
    );
    aad
}

impl KeyMaterial {
    pub fn encrypt(&self, plaintext: &[u8], context: &BTreeMap<String, String>) -> Vec<u8> {
        let nonce: [u8; NONCE_LEN] = random();
        let sealed = self
            .cipher
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: plaintext,
                    aad: &aad(&self.key_id, context),
                },
            )
            .expect("AES-GCM seals any message of this size");
        let mut out = MAGIC.to_vec();
        out.extend_from_slice(self.key_id.as_bytes());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        out
    }

    pub fn decrypt(
        &self,
        ciphertext: &[u8],
        context: &BTreeMap<String, String>,
    ) -> Result<Vec<u8>, CryptoError> {
        if key_id_of(ciphertext) != Some(self.key_id.as_str()) {
            return Err(CryptoError::InvalidCiphertext);
        }
        let rest = &ciphertext[MAGIC.len() + ID_LEN..];
        let (nonce, sealed) = rest.split_at(NONCE_LEN);
        self.cipher
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: sealed,
                    aad: &aad(&self.key_id, context),
                },
            )
            .map_err(|_| CryptoError::InvalidCiphertext)
    }
}

/// The id of the key a ciphertext names, if it is one of ours.
pub fn key_id_of(ciphertext: &[u8]) -> Option<&str> {
    if ciphertext.len() < MAGIC.len() + ID_LEN + NONCE_LEN + 16 || &ciphertext[..4] != MAGIC {
        return None;
    }
    std::str::from_utf8(&ciphertext[MAGIC.len()..MAGIC.len() + ID_LEN]).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn ciphertexts_name_their_key_and_bind_their_context() {
        let dir = tempfile::tempdir().unwrap();
        let master = MasterKey::open(dir.path()).unwrap();
        let id = crate::kms::uuid();
        let wrapped = master.new_material(&id);
        let key = master.unwrap(&id, &wrapped).unwrap();
        let ctx = context(&[("purpose", "test")]);
        let sealed = key.encrypt(b"secret", &ctx);
        assert_eq!(key_id_of(&sealed), Some(id.as_str()));
        assert_eq!(key.decrypt(&sealed, &ctx).unwrap(), b"secret");
        assert!(key.decrypt(&sealed, &context(&[])).is_err());
        let mut tampered = sealed.clone();
        *tampered.last_mut().unwrap() ^= 1;
        assert!(key.decrypt(&tampered, &ctx).is_err());
        // The master key is kept: a second open unwraps the same material.
        let again = MasterKey::open(dir.path()).unwrap();
        let key = again.unwrap(&id, &wrapped).unwrap();
        assert_eq!(key.decrypt(&sealed, &ctx).unwrap(), b"secret");
        // Material wrapped for one key id does not unwrap as another's.
        assert!(again.unwrap(&crate::kms::uuid(), &wrapped).is_err());
    }
}
