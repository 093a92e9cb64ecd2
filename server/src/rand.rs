//! Fast non-cryptographic randomness for the server's own use (request ids,
//! retry jitter): a per-thread splitmix64 generator seeded once from the OS,
//! so no system call per value. Never for secrets or codes.

use std::cell::Cell;

thread_local! {
    static STATE: Cell<u64> = Cell::new({
        let mut seed = [0u8; 8];
        getrandom::getrandom(&mut seed).expect("the OS random source");
        u64::from_le_bytes(seed)
    });
}

/// The next value of this thread's generator (splitmix64: full period, well mixed).
pub fn next_u64() -> u64 {
    STATE.with(|s| {
        let x = s.get().wrapping_add(0x9E37_79B9_7F4A_7C15);
        s.set(x);
        let x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        let x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        x ^ (x >> 31)
    })
}
