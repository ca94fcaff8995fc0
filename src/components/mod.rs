//! Views driven by props only.
