//! UI state: context newtypes, hooks and the pure logic behind them.
//!
//! `api` (and `lag`, for CloudWatch) are the only modules that call the AWS client; `session`, `inventory` and `runs` are
//! the context stores pages use; `action`, `record` and `rows` are pure and tested natively.

pub mod action;
pub mod api;
pub mod browser;
pub mod deploy;
pub mod dry_run;
pub mod errors;
pub mod inventory;
pub mod lag;
pub mod offline;
pub mod plan;
pub mod plan_edit;
pub mod plan_run;
pub mod plans;
pub mod preflight;
pub mod reach;
pub mod record;
pub mod route;
pub mod rows;
pub mod runs;
pub mod session;
pub mod signin;
pub mod task;
