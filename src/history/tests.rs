//! Tests of event derivation from ticket versions.
