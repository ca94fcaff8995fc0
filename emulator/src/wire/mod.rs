//! Wire formats: Query (form in, XML out), JSON 1.0/1.1 and CBOR (smithy-rpc-v2-cbor), with
//! their error envelopes.

pub mod cbor;
pub mod json;
pub mod query;
pub mod xml;
