//! Shared helpers for the integration tests live under `it/`.
