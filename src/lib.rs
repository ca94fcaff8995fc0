//! failover-console: see and move the writer of AWS ElastiCache, Neptune and MemoryDB
//! resources across regions, from the browser.
//!
//! `aws` and `model` are plain Rust (no Leptos) and are tested natively; the UI modules
//! build on them.

pub mod aws;
pub mod bench;
pub mod model;

pub mod app;
pub mod components;
pub mod pages;
pub mod state;
