//! A token bucket per user: a runaway client (or a stolen token) cannot flood the database.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

pub struct Limiter {
    rate: f64,
    buckets: Mutex<HashMap<i64, (f64, Instant)>>,
}

impl Limiter {
    pub fn new(rate_per_sec: u32) -> Limiter {
        Limiter {
            rate: rate_per_sec as f64,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// `Ok` when the user may proceed, else the seconds to wait.
    pub fn check(&self, user: i64) -> Result<(), u64> {
        if self.rate <= 0.0 {
            return Ok(());
        }
        let burst = self.rate * 2.0;
        let now = Instant::now();
        let mut map = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        let (tokens, last) = map.entry(user).or_insert((burst, now));
        *tokens = (*tokens + now.duration_since(*last).as_secs_f64() * self.rate).min(burst);
        *last = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - *tokens) / self.rate).ceil().max(1.0) as u64)
        }
    }
}
