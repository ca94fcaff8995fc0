//! Views driven by props only: no context, no I/O.

pub mod action_dialog;
pub mod app_header;
pub mod checklist;
pub mod command_palette;
pub mod dry_run;
pub mod endpoints;
pub mod error_panel;
pub mod event_list;
pub mod inventory_table;
pub mod lag_view;
pub mod reach_strip;
pub mod run_card;
pub mod run_tray;
pub mod status_badge;
pub mod topology;
