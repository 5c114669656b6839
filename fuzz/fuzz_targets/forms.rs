//! The form renderer on arbitrary records: see `patrol_fuzz::forms` (`fuzz/src/forms.rs`).
#![no_main]

use libfuzzer_sys::fuzz_target;

// The dictionary loads before the first input, outside its time limit.
fuzz_target!(init: {
    let _ = patrol_fuzz::analyzer();
}, |data: &[u8]| {
    patrol_fuzz::forms::run(data);
});
