//! One route per file: connect, inventory, resource, runs.

pub mod connect;
pub mod connect_sign_in;
pub mod inventory;
pub mod plans;
pub mod resource;
pub mod runs;
