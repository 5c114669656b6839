//! Canonical evidence records and the hash-chained evidence log (issue 4).
