//! UI state: context newtypes, hooks and the pure logic behind them.

pub mod action;
pub mod browser;
pub mod errors;
pub mod record;
pub mod rows;
