//! Run-time choice of instruction set for the hot loops: a function
//! compiled for AVX-512, for AVX2 with FMA and for the x86-64 baseline, the
//! best one the CPU has picked when it is called.

/// `pub(crate) fn $name(args) -> R` running `$body::<true>` compiled for
/// AVX-512 or for AVX2 with FMA where the CPU has them (chosen at run time;
/// `vzeroupper` after the AVX-512 code, see
/// [`clear_upper_simd`]), else `$body::<false>` for the
/// x86-64 baseline. Target features cannot be generic, hence the macro.
macro_rules! dispatched {
    ($(#[$doc:meta])* fn $name:ident($($arg:ident: $ty:ty),*) -> $ret:ty => $body:ident) => {
        $(#[$doc])*
        pub(crate) fn $name($($arg: $ty),*) -> $ret {
            #[cfg(target_arch = "x86_64")]
            {
                #[target_feature(enable = "avx512f,avx2,fma")]
                unsafe fn avx512($($arg: $ty),*) -> $ret {
                    let out = $body::<true>($($arg),*);
                    $crate::numeric::simd::clear_upper_simd();
                    out
                }
                #[target_feature(enable = "avx2,fma")]
                unsafe fn avx2($($arg: $ty),*) -> $ret {
                    $body::<true>($($arg),*)
                }
                use std::arch::is_x86_feature_detected as has;
                if has!("avx512f") && has!("avx2") && has!("fma") {
                    // SAFETY: the CPU has AVX-512F, AVX2 and FMA (checked just above).
                    return unsafe { avx512($($arg),*) };
                }
                if has!("avx2") && has!("fma") {
                    // SAFETY: the CPU has AVX2 and FMA (checked just above).
                    return unsafe { avx2($($arg),*) };
                }
            }
            $body::<false>($($arg),*)
        }
    };
}

pub(crate) use dispatched;

/// Zero the upper halves of the AVX registers (`vzeroupper`). faer's AVX-512
/// kernels can return with them dirty, and then every legacy-SSE
/// instruction of the code that follows on that thread (the baseline x86-64
/// build, e.g. each libm `exp` call of the next block's likelihood) pays a
/// transition penalty: measured 18x on the logit terms.
#[inline]
pub(crate) fn clear_upper_simd() {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx") {
        // SAFETY: AVX is present (checked above); `vzeroupper` only clears
        // the upper register halves, which the compiler treats as clobbered
        // across this intrinsic, so no live value is lost.
        unsafe { std::arch::x86_64::_mm256_zeroupper() }
    }
}
