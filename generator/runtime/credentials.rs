//! Credentials obtained per attempt: the [`CredentialProvider`] trait, a
//! provider made from a closure, and the provider's error type.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use super::secret::Secret;

/// A boxed, `Send` future: what [`CredentialProvider::credential`] returns
/// (`Box::pin(async move { ... })`).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A boxed error, as hooks and providers report their failures.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Supplies the token of one security scheme, asked before every attempt
/// of every call that uses the scheme: refresh expiring tokens, mint signed
/// JWTs, read a secret store.
///
/// The token is sent the way the scheme says (`Authorization: Bearer`, or
/// the API key's header, query parameter or cookie). Cache inside the
/// provider whatever is expensive to obtain.
///
/// ```ignore
/// struct Minter { key: SigningKey }
///
/// impl CredentialProvider for Minter {
///     fn credential<'a>(&'a self, _: &'a CredentialRequest<'a>)
///         -> BoxFuture<'a, Result<Secret, CredentialError>> {
///         Box::pin(async move { Ok(Secret::new(self.key.sign_jwt()?)) })
///     }
/// }
/// ```
pub trait CredentialProvider: Send + Sync + 'static {
    /// The token for the next attempt.
    fn credential<'a>(
        &'a self,
        request: &'a CredentialRequest<'a>,
    ) -> BoxFuture<'a, Result<Secret, CredentialError>>;

    /// The server answered `401 Unauthorized` to an attempt that carried
    /// `credential`. Return `true` when a fresh token may succeed (after
    /// dropping any cached copy of this one): the call is then retried once,
    /// whatever its method and retry policy. The default never retries.
    fn rejected(&self, credential: &Secret) -> bool {
        let _ = credential;
        false
    }
}

/// What a [`CredentialProvider`] is asked for.
#[derive(Debug)]
#[non_exhaustive]
pub struct CredentialRequest<'a> {
    /// The security scheme id (its key under `components.securitySchemes`).
    pub scheme: &'a str,
    /// The operation about to be called: the name of its client method.
    pub operation: &'a str,
    /// The attempt about to be made, from 1.
    pub attempt: u32,
    pub(crate) http: &'a reqwest::Client,
    pub(crate) base_url: &'a str,
    pub(crate) timeout: Option<Duration>,
}

impl CredentialRequest<'_> {
    /// The client's HTTP client, for fetching tokens over the same
    /// connection pool and TLS settings.
    pub fn http_client(&self) -> &reqwest::Client {
        self.http
    }

    /// The client's base URL (relative token URLs resolve against it).
    pub fn base_url(&self) -> &str {
        self.base_url
    }

    /// The time allowed for the attempt, a sensible bound for fetching a
    /// token too.
    pub fn timeout(&self) -> Option<Duration> {
        self.timeout
    }
}

/// A provider calling `f` for every attempt: `provider_fn(|| async {
/// Ok(Secret::new(mint_jwt()?)) })`.
pub fn provider_fn<F, Fut>(f: F) -> ProviderFn<F>
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Secret, CredentialError>> + Send + 'static,
{
    ProviderFn(f)
}

/// The provider [`provider_fn`] makes.
#[derive(Clone)]
pub struct ProviderFn<F>(F);

impl<F> fmt::Debug for ProviderFn<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ProviderFn")
    }
}

impl<F, Fut> CredentialProvider for ProviderFn<F>
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Secret, CredentialError>> + Send + 'static,
{
    fn credential<'a>(
        &'a self,
        _request: &'a CredentialRequest<'a>,
    ) -> BoxFuture<'a, Result<Secret, CredentialError>> {
        Box::pin((self.0)())
    }
}

/// A provider could not supply a token. Its message should name what
/// failed, never a secret.
#[derive(Debug)]
pub struct CredentialError {
    message: String,
    source: Option<BoxError>,
}

impl CredentialError {
    /// An error with this message.
    pub fn new(message: impl Into<String>) -> Self {
        CredentialError {
            message: message.into(),
            source: None,
        }
    }

    /// An error with this message, caused by `source`.
    pub fn with_source(message: impl Into<String>, source: impl Into<BoxError>) -> Self {
        CredentialError {
            message: message.into(),
            source: Some(source.into()),
        }
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }

    pub(crate) fn into_parts(self) -> (String, Option<BoxError>) {
        (self.message, self.source)
    }
}

impl fmt::Display for CredentialError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CredentialError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}
