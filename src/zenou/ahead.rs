//! A look-ahead view of a simulation stream: the engine draws from it
//! exactly as from the generator itself, and may also read the words it is
//! about to draw, to prefetch the agent states the coming events will touch.
//!
//! Xoshiro256++ yields one 64-bit word per step; `next_u32` is the upper half
//! of that word (`rand_xoshiro`), so serving words from a buffer filled by
//! the same generator gives every distribution (`Exp1`, `random_range`,
//! `random::<f64>`) the numbers it would have drawn directly: the output of
//! a run is unchanged, bit for bit. The buffer is a ring of `RING` words
//! refilled in chunks of `CHUNK`; the generator's state at the start of
//! each chunk is kept, so `Ahead::finish` hands back the generator exactly
//! where the consumer stopped (the chunk's state advanced by the words drawn
//! from it), and the caller's next draw is the one it would have made.

use rand::RngCore;

use crate::seed::SimRng;

/// Words generated at a time.
pub const CHUNK: usize = 256;
/// Words held (a power of two, a multiple of `CHUNK`).
pub const RING: usize = 1024;
/// Words always available to [`Ahead::peek`] after [`Ahead::ensure`].
pub const LOOK: usize = 256;

const MASK: usize = RING - 1;
const CHUNKS: usize = RING / CHUNK;

/// A generator with [`LOOK`] words of look-ahead.
#[derive(Debug, Clone)]
pub struct Ahead {
    source: SimRng,
    buf: Box<[u64; RING]>,
    /// The generator's state at the start of each chunk in the ring.
    snaps: [SimRng; CHUNKS],
    /// Words drawn by the consumer (absolute count).
    head: usize,
    /// Words generated (absolute count, a multiple of `CHUNK`).
    tail: usize,
}

impl Ahead {
    /// Look ahead on `rng`'s stream; `Ahead::finish` returns the generator.
    pub fn new(rng: SimRng) -> Self {
        let mut a = Self {
            snaps: std::array::from_fn(|_| rng.clone()),
            source: rng,
            buf: Box::new([0; RING]),
            head: 0,
            tail: 0,
        };
        a.ensure();
        a
    }

    /// Generate chunks until at least [`LOOK`] words lie ahead.
    #[inline(always)]
    pub fn ensure(&mut self) {
        while self.tail - self.head < LOOK {
            self.refill();
        }
    }

    #[cold]
    fn refill(&mut self) {
        self.snaps[(self.tail / CHUNK) % CHUNKS] = self.source.clone();
        for w in 0..CHUNK {
            self.buf[(self.tail + w) & MASK] = self.source.next_u64();
        }
        self.tail += CHUNK;
    }

    /// The word `offset` draws ahead (0 = the next one); `offset` below
    /// [`LOOK`] after [`Ahead::ensure`], else a stale or future word (only a
    /// prefetch hint is taken from it).
    #[inline(always)]
    pub fn peek(&self, offset: usize) -> u64 {
        self.buf[(self.head + offset) & MASK]
    }

    /// Words drawn so far.
    #[inline(always)]
    pub fn drawn(&self) -> usize {
        self.head
    }

    /// The generator, positioned after the last word drawn.
    pub fn finish(self) -> SimRng {
        let start = self.head / CHUNK * CHUNK;
        if start == self.tail {
            // Every word generated was drawn (the consumer stopped on a chunk
            // boundary): the chunk holding the next word is not generated yet
            // and its slot in `snaps` still holds an older state; the
            // generator itself is where the consumer stopped.
            return self.source;
        }
        let mut g = self.snaps[(self.head / CHUNK) % CHUNKS].clone();
        for _ in start..self.head {
            g.next_u64();
        }
        g
    }
}

impl RngCore for Ahead {
    #[inline(always)]
    fn next_u64(&mut self) -> u64 {
        if self.tail == self.head {
            self.refill();
        }
        let w = self.buf[self.head & MASK];
        self.head += 1;
        w
    }

    #[inline(always)]
    fn next_u32(&mut self) -> u32 {
        (self.next_u64() >> 32) as u32
    }

    fn fill_bytes(&mut self, dst: &mut [u8]) {
        // As rand_xoshiro.
        rand::rand_core::impls::fill_bytes_via_next(self, dst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_distr::Exp1;

    /// Mixed draws through the look-ahead equal the generator's own, and the
    /// returned generator continues the stream where the draws stopped.
    #[test]
    fn draws_and_final_state_match_the_generator() {
        for seed in 0..20u64 {
            let mut direct = SimRng::seed_from_u64(seed);
            let mut ahead = Ahead::new(SimRng::seed_from_u64(seed));
            let draws = 37 + 311 * seed as usize;
            for i in 0..draws {
                ahead.ensure();
                let a: f64 = direct.sample(Exp1);
                let b: f64 = ahead.sample(Exp1);
                assert_eq!(a.to_bits(), b.to_bits());
                let n = 1 + (i as u32).wrapping_mul(2_654_435_761) % 1_000_000;
                assert_eq!(direct.random_range(0..n), ahead.random_range(0..n));
                assert_eq!(direct.random::<f64>(), ahead.random::<f64>());
            }
            let mut back = ahead.finish();
            for _ in 0..5 {
                assert_eq!(direct.next_u64(), back.next_u64());
            }
        }
    }

    #[test]
    fn peek_shows_the_coming_words() {
        let mut direct = SimRng::seed_from_u64(3);
        let mut ahead = Ahead::new(SimRng::seed_from_u64(3));
        for _ in 0..2000 {
            ahead.ensure();
            let want: Vec<u64> = (0..LOOK).map(|o| ahead.peek(o)).collect();
            let got = direct.next_u64();
            assert_eq!(want[0], got);
            assert_eq!(ahead.next_u64(), got);
        }
    }
}
