//! A token bucket per user: a runaway client (or a stolen token) cannot flood the database.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

/// Buckets kept before full (idle) ones are dropped.
const MAX_BUCKETS: usize = 10_000;

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
        if map.len() >= MAX_BUCKETS {
            // Callers from many addresses must not grow memory without end: a bucket that has refilled
            // is the same as no bucket.
            let rate = self.rate;
            map.retain(|_, (t, last)| *t + now.duration_since(*last).as_secs_f64() * rate < burst);
        }
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

/// The bucket of an unauthenticated caller: its remote address, kept apart from user ids (which are positive).
pub fn address_key(ip: Option<std::net::IpAddr>) -> i64 {
    use std::hash::{Hash, Hasher};
    let Some(ip) = ip else { return -1 };
    // One IPv6 host holds a whole /64: keyed per address it would get a fresh bucket per request.
    let ip = match ip {
        std::net::IpAddr::V6(v6) => {
            let mut o = v6.octets();
            o[8..].fill(0);
            std::net::IpAddr::V6(o.into())
        }
        v4 => v4,
    };
    let mut h = std::collections::hash_map::DefaultHasher::new();
    ip.hash(&mut h);
    -((h.finish() >> 2) as i64) - 2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn address_buckets_never_meet_user_buckets() {
        let a = address_key(Some("192.0.2.1".parse().expect("ip")));
        let b = address_key(Some("192.0.2.2".parse().expect("ip")));
        assert!(a < -1 && b < -1 && a != b);
        assert_eq!(address_key(None), -1);
        assert_eq!(a, address_key(Some("192.0.2.1".parse().expect("ip"))));
    }

    #[test]
    fn one_ipv6_64_is_one_bucket() {
        let a = address_key(Some("2001:db8:1:2::1".parse().expect("ip")));
        let b = address_key(Some("2001:db8:1:2:ffff::7".parse().expect("ip")));
        let c = address_key(Some("2001:db8:1:3::1".parse().expect("ip")));
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn idle_buckets_are_dropped_when_there_are_too_many() {
        let l = Limiter::new(1000);
        for k in 0..MAX_BUCKETS as i64 {
            assert!(l.check(k).is_ok());
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
        assert!(l.check(-7).is_ok());
        let n = l.buckets.lock().map(|m| m.len()).unwrap_or(usize::MAX);
        assert!(n < 100, "refilled buckets were dropped, {n} left");
    }

    #[test]
    fn a_burst_of_twice_the_rate_then_refusal_with_seconds_to_wait() {
        let l = Limiter::new(2);
        for _ in 0..4 {
            assert!(l.check(7).is_ok());
        }
        assert_eq!(l.check(7), Err(1));
        assert!(l.check(8).is_ok(), "another bucket is untouched");
        assert!(Limiter::new(0).check(7).is_ok(), "0 = unlimited");
    }
}
