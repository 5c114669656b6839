//! The agency endpoint (issue 5).
