//! RS256 JSON Web Tokens (RFC 7519 in the JWS compact form of RFC 7515),
//! the shape of Paragon's signed user tokens: signed and verified with
//! aws-lc-rs, already in the tree through rustls. A JWT crate would bring a
//! second syn major (jsonwebtoken enables `zeroize/derive`), and the format
//! is three base64url parts; the tests below pin both directions to tokens
//! made by OpenSSL.

use std::time::{SystemTime, UNIX_EPOCH};

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{
    RsaKeyPair, UnparsedPublicKey, RSA_PKCS1_2048_8192_SHA256, RSA_PKCS1_SHA256,
};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{PrivatePkcs8KeyDer, SubjectPublicKeyInfoDer};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// The JOSE header of every token minted here.
const HEADER: &str = r#"{"alg":"RS256","typ":"JWT"}"#;

/// Seconds since the Unix epoch, as `iat` and `exp` count them.
pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// An RSA private key (PKCS #8 PEM) that signs tokens.
pub struct SigningKey(RsaKeyPair);

impl SigningKey {
    pub fn from_pem(pem: &[u8]) -> Result<Self, String> {
        let der = PrivatePkcs8KeyDer::from_pem_slice(pem).map_err(|e| e.to_string())?;
        RsaKeyPair::from_pkcs8(der.secret_pkcs8_der())
            .map(Self)
            .map_err(|e| e.to_string())
    }
}

/// `claims` as a compact RS256 token.
pub fn sign<C: Serialize>(claims: &C, key: &SigningKey) -> Result<String, String> {
    let claims = serde_json::to_vec(claims).map_err(|e| e.to_string())?;
    let mut token = URL_SAFE_NO_PAD.encode(HEADER);
    token.push('.');
    token.push_str(&URL_SAFE_NO_PAD.encode(claims));
    let mut signature = vec![0; key.0.public_modulus_len()];
    key.0
        .sign(
            &RSA_PKCS1_SHA256,
            &SystemRandom::new(),
            token.as_bytes(),
            &mut signature,
        )
        .map_err(|_| "RSA signing failed".to_owned())?;
    token.push('.');
    token.push_str(&URL_SAFE_NO_PAD.encode(signature));
    Ok(token)
}

#[derive(Deserialize)]
struct Header {
    alg: String,
}

/// The claims of `token` if its header says RS256 and its signature
/// verifies with `public_key_pem` (SubjectPublicKeyInfo PEM). Checks no
/// claim: that is the caller's policy.
pub fn verify<C: DeserializeOwned>(token: &str, public_key_pem: &[u8]) -> Result<C, String> {
    let mut parts = token.split('.');
    let (Some(header), Some(claims), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err("not a compact JWS: expected three parts".to_owned());
    };
    let decode = |part: &str, what: &str| {
        URL_SAFE_NO_PAD
            .decode(part)
            .map_err(|e| format!("{what}: {e}"))
    };
    let parsed: Header =
        serde_json::from_slice(&decode(header, "header")?).map_err(|e| format!("header: {e}"))?;
    // Fixing the algorithm here is what stops `alg: none` and key confusion.
    if parsed.alg != "RS256" {
        return Err(format!("algorithm {} is not RS256", parsed.alg));
    }
    let key = SubjectPublicKeyInfoDer::from_pem_slice(public_key_pem).map_err(|e| e.to_string())?;
    let signed = &token[..header.len() + 1 + claims.len()];
    UnparsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, key.as_ref())
        .verify(signed.as_bytes(), &decode(signature, "signature")?)
        .map_err(|_| "bad signature".to_owned())?;
    serde_json::from_slice(&decode(claims, "claims")?).map_err(|e| format!("claims: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PRIVATE_KEY: &[u8] = include_bytes!("../../fixtures/paragon-signing-test-key.pem");
    const PUBLIC_KEY: &[u8] = include_bytes!("../../fixtures/paragon-signing-test-key.pub.pem");
    /// Made with OpenSSL 3.0 from the same key, as an independent signer:
    /// `printf %s "$H.$P" | openssl dgst -sha256 -sign paragon-signing-test-key.pem`,
    /// base64url without padding, where `$H` is [`HEADER`] and `$P` the
    /// claims of [`fixed`], both base64url.
    const OPENSSL_TOKEN: &str = include_str!("../../fixtures/paragon-user-token.openssl.jwt");

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Claims {
        sub: String,
        iat: u64,
        exp: u64,
        jti: String,
    }

    fn fixed() -> Claims {
        Claims {
            sub: "user-42".into(),
            iat: 1_700_000_000,
            exp: 1_700_003_600,
            jti: "token-1".into(),
        }
    }

    #[test]
    fn signs_what_openssl_signs() {
        // RSASSA-PKCS1-v1_5 is deterministic: same key, same bytes.
        let key = SigningKey::from_pem(PRIVATE_KEY).unwrap();
        assert_eq!(sign(&fixed(), &key).unwrap(), OPENSSL_TOKEN.trim());
    }

    #[test]
    fn verifies_openssl_tokens_and_rejects_tampered_ones() {
        let token = OPENSSL_TOKEN.trim();
        assert_eq!(verify::<Claims>(token, PUBLIC_KEY).unwrap(), fixed());

        // Another subject under the same signature.
        let (_, rest) = token.split_once('.').unwrap();
        let (_, signature) = rest.split_once('.').unwrap();
        let forged_claims = URL_SAFE_NO_PAD.encode(
            serde_json::to_vec(&Claims {
                sub: "admin".into(),
                ..fixed()
            })
            .unwrap(),
        );
        let header = URL_SAFE_NO_PAD.encode(HEADER);
        let forged = format!("{header}.{forged_claims}.{signature}");
        assert_eq!(
            verify::<Claims>(&forged, PUBLIC_KEY).unwrap_err(),
            "bad signature"
        );

        // An unsigned token.
        let none = URL_SAFE_NO_PAD.encode(r#"{"alg":"none"}"#);
        let unsigned = format!("{none}.{forged_claims}.");
        assert!(verify::<Claims>(&unsigned, PUBLIC_KEY)
            .unwrap_err()
            .contains("not RS256"));

        assert!(verify::<Claims>("a.b", PUBLIC_KEY).is_err());
        assert!(verify::<Claims>(&format!("{token}.x"), PUBLIC_KEY).is_err());
    }
}
