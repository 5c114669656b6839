//! Site profiles and the native extraction engine (issue 3).
