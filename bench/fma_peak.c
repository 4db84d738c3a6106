/* The single-core FMA peak of an AVX2 + FMA3 CPU, measured: ten independent chains of 8-lane
 * float FMAs (enough to cover the FMA latency on two pipes), timed in thread CPU time, so time
 * the thread spent descheduled on a shared machine does not count. Prints GFLOP/s (an FMA is 2
 * FLOP per lane) five times; the best is the peak the step's fraction is taken of (BENCHMARKS.md,
 * the transformer step). Built with -mavx512f, it times 16-lane (512-bit) FMAs instead: the peak
 * of an AVX-512 CPU, whose vectors hebb4j's kernels then use. Build and run:
 *   gcc -O2 -mavx2 -mfma -o /tmp/fma_peak bench/fma_peak.c && /tmp/fma_peak
 *   gcc -O2 -mavx512f -o /tmp/fma_peak bench/fma_peak.c && /tmp/fma_peak   (AVX-512)
 */
#include <immintrin.h>
#include <stdio.h>
#include <time.h>

#ifdef __AVX512F__
#define LANES 16
#define VEC __m512
#define FMADD _mm512_fmadd_ps
#define SET1 _mm512_set1_ps
#define ADD _mm512_add_ps
#define STORE _mm512_storeu_ps
#else
#define LANES 8
#define VEC __m256
#define FMADD _mm256_fmadd_ps
#define SET1 _mm256_set1_ps
#define ADD _mm256_add_ps
#define STORE _mm256_storeu_ps
#endif

int main(void) {
  for (int rep = 0; rep < 5; rep++) {
    /* distinct starting values, so the compiler cannot merge the chains */
    VEC a[10];
    for (int i = 0; i < 10; i++) a[i] = SET1(1e-3f * (i + 1));
    VEC m = SET1(0.999999f), c = SET1(1e-7f);
    long n = 200000000L;
    struct timespec t0, t1;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
    for (long i = 0; i < n; i++) {
      a[0] = FMADD(a[0], m, c); a[1] = FMADD(a[1], m, c);
      a[2] = FMADD(a[2], m, c); a[3] = FMADD(a[3], m, c);
      a[4] = FMADD(a[4], m, c); a[5] = FMADD(a[5], m, c);
      a[6] = FMADD(a[6], m, c); a[7] = FMADD(a[7], m, c);
      a[8] = FMADD(a[8], m, c); a[9] = FMADD(a[9], m, c);
    }
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
    VEC s = a[0];
    for (int i = 1; i < 10; i++) s = ADD(s, a[i]);
    float out[LANES];
    STORE(out, s);
    double sec = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) * 1e-9;
    printf("%.1f GFLOP/s on one core (10 chains of %d-lane FMAs; check %g)\n",
           n * 10.0 * LANES * 2 / sec / 1e9, LANES, out[0]);
  }
  return 0;
}
