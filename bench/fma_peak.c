/* The single-core FMA peak of an AVX2 + FMA3 CPU, measured: ten independent chains of 8-lane
 * float FMAs (enough to cover the FMA latency on two pipes), timed in thread CPU time, so time
 * the thread spent descheduled on a shared machine does not count. Prints GFLOP/s (an FMA is 2
 * FLOP per lane) five times; the best is the peak the step's fraction is taken of (BENCHMARKS.md,
 * the transformer step). Build and run:
 *   gcc -O2 -mavx2 -mfma -o /tmp/fma_peak bench/fma_peak.c && /tmp/fma_peak
 */
#include <immintrin.h>
#include <stdio.h>
#include <time.h>

int main(void) {
  for (int rep = 0; rep < 5; rep++) {
    /* distinct starting values, so the compiler cannot merge the chains */
    __m256 a[10];
    for (int i = 0; i < 10; i++) a[i] = _mm256_set1_ps(1e-3f * (i + 1));
    __m256 m = _mm256_set1_ps(0.999999f), c = _mm256_set1_ps(1e-7f);
    long n = 200000000L;
    struct timespec t0, t1;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
    for (long i = 0; i < n; i++) {
      a[0] = _mm256_fmadd_ps(a[0], m, c); a[1] = _mm256_fmadd_ps(a[1], m, c);
      a[2] = _mm256_fmadd_ps(a[2], m, c); a[3] = _mm256_fmadd_ps(a[3], m, c);
      a[4] = _mm256_fmadd_ps(a[4], m, c); a[5] = _mm256_fmadd_ps(a[5], m, c);
      a[6] = _mm256_fmadd_ps(a[6], m, c); a[7] = _mm256_fmadd_ps(a[7], m, c);
      a[8] = _mm256_fmadd_ps(a[8], m, c); a[9] = _mm256_fmadd_ps(a[9], m, c);
    }
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
    __m256 s = a[0];
    for (int i = 1; i < 10; i++) s = _mm256_add_ps(s, a[i]);
    float out[8];
    _mm256_storeu_ps(out, s);
    double sec = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) * 1e-9;
    printf("%.1f GFLOP/s on one core (10 chains of 8-lane FMAs; check %g)\n",
           n * 10.0 * 8 * 2 / sec / 1e9, out[0]);
  }
  return 0;
}
