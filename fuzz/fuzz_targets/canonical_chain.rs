//! RFC 8785 canonicalisation and the evidence hash chain: see `patrol_fuzz::chain`
//! (`fuzz/src/chain.rs`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    patrol_fuzz::chain::run(data);
});
