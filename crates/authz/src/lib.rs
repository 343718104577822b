//! AWS's authorization logic.
