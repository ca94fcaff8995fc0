//! The AWS client: clock, signing, protocols and typed operations. No Leptos in here.
