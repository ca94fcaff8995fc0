//! Wire formats: Query (form in, XML out) and JSON 1.1, with their error envelopes.

pub mod json;
pub mod query;
pub mod xml;
