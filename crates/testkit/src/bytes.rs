//! Test payloads: deterministic bytes that do not compress, so sizes on the wire and on disk
//! are the sizes asked for.

/// `len` deterministic, incompressible-looking bytes (an xorshift stream seeded by `seed`).
pub fn bytes_of(seed: u64, len: usize) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}
