//! One route per file.
