//! Randomness, in one place. Secrets, codes and unguessable ids come from
//! the operating system's CSPRNG; request ids and retry jitter, which need
//! to be unique rather than secret, from a per-thread splitmix64 generator
//! seeded once from the OS (no system call per value).

use std::cell::Cell;

/// Random bytes from the operating system's CSPRNG.
pub fn secure_bytes<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    getrandom::getrandom(&mut b).expect("the operating system's random source");
    b
}

/// A random, unguessable identifier (128 bits, hex).
pub fn random_id() -> String {
    hex::encode(secure_bytes::<16>())
}

/// A uniformly random six-digit code (rejection sampling: no modulo bias).
pub fn random_code() -> String {
    loop {
        let n = u32::from_le_bytes(secure_bytes::<4>());
        // 4_294_000_000 is the largest multiple of 1_000_000 below 2^32.
        if n < 4_294_000_000 {
            return format!("{:06}", n % 1_000_000);
        }
    }
}

/// A fresh tracking code.
pub fn tracking_code() -> String {
    panjere_api::tracking::from_random(secure_bytes::<9>())
}

thread_local! {
    static STATE: Cell<u64> = Cell::new(u64::from_le_bytes(secure_bytes::<8>()));
}

/// The next value of this thread's fast generator (splitmix64: full
/// period, well mixed). Never for secrets or codes.
pub fn next_u64() -> u64 {
    STATE.with(|s| {
        let x = s.get().wrapping_add(0x9E37_79B9_7F4A_7C15);
        s.set(x);
        let x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        let x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        x ^ (x >> 31)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_six_digits_and_vary() {
        let codes: std::collections::BTreeSet<String> = (0..50).map(|_| random_code()).collect();
        assert!(codes.iter().all(|c| c.len() == 6 && c.bytes().all(|b| b.is_ascii_digit())));
        assert!(codes.len() > 45, "50 random codes gave only {} distinct", codes.len());
        assert_ne!(random_id(), random_id());
        assert_eq!(random_id().len(), 32);
    }
}
