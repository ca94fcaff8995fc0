//! One route per file: connect, inventory, resource, runs.

pub mod connect;
pub mod inventory;
pub mod resource;
pub mod runs;
