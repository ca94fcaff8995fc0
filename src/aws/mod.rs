//! The AWS client: clock, signing, protocols and typed operations. No Leptos in here.
//!
//! Public surface: [`Client`] (built from [`ClientConfig`], a [`Transport`] and a [`Clock`])
//! hands out per-region service handles ([`ElastiCache`], [`Neptune`], [`MemoryDb`]) whose
//! async methods return `crate::model` types or an [`AwsError`].

pub mod client;
pub mod clock;
pub mod credentials;
pub mod endpoint;
pub mod error;
#[cfg(target_arch = "wasm32")]
pub mod fetch;
pub mod protocol;
pub mod retry;
pub mod services;
pub mod signing;
pub mod testing;
pub mod transport;

pub use client::{Client, ClientConfig, DEFAULT_MAX_PAGES};
pub use clock::Clock;
pub use credentials::{Credentials, CredentialsError};
pub use endpoint::{EndpointOverride, SignAs};
pub use error::{AwsError, ErrorCategory, ErrorKind};
#[cfg(target_arch = "wasm32")]
pub use fetch::FetchTransport;
pub use retry::RetryPolicy;
pub use services::sts::{CallerIdentity, Sts};
pub use services::{Accepted, CloudWatch, ElastiCache, MemoryDb, Neptune};
pub use transport::{
    HttpRequest, HttpResponse, LocalBoxFuture, Transport, TransportError, TransportErrorKind,
};
