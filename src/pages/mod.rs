//! One route per file: connect, inventory, resource, runs.

pub mod connect;
pub mod inventory;
pub mod plans;
pub mod resource;
pub mod runs;
