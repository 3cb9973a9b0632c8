// CLucidKernels: exp via Cody–Waite reduction and Cephes' degree-5 polynomial (≈1 ulp); erf via
// Abramowitz & Stegun 7.1.26 (absolute error < 1.5e-7). Each loop is written so clang vectorises
// it; `target_clones` builds an AVX2 and a baseline version and picks one when the library loads.
#include "lucid_kernels.h"
#include <malloc.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#define CLONES __attribute__((target_clones("avx2", "default")))
#define LANES 16

static inline float fast_exp(float x) {
    x = x < -87.3f ? -87.3f : (x > 88.7f ? 88.7f : x);
    float shifted = x * 1.44269504f + 12582912.f;  // n = round(x / ln 2) in the low mantissa bits
    float n = shifted - 12582912.f;
    float r = x - n * 0.693359375f;
    r = r + n * 2.1219444e-4f;
    float p = 1.98756915e-4f;
    p = p * r + 1.39819995e-3f;
    p = p * r + 8.3334519e-3f;
    p = p * r + 4.16657959e-2f;
    p = p * r + 0.166666655f;
    p = p * r + 0.50000001f;
    float e = p * r * r + r + 1.f;
    int32_t bits;
    memcpy(&bits, &shifted, 4);
    bits = ((bits - 0x4B400000) + 127) << 23;
    float scale;
    memcpy(&scale, &bits, 4);
    return e * scale;
}

static inline float fast_erf(float x) {
    float a = fabsf(x);
    float t = 1.f / (1.f + 0.3275911f * a);
    float p = 1.061405429f;
    p = p * t - 1.453152027f;
    p = p * t + 1.421413741f;
    p = p * t - 0.284496736f;
    p = p * t + 0.254829592f;
    float y = 1.f - p * t * fast_exp(-a * a);
    return copysignf(y, x);
}

static inline float fast_gelu(float x) { return 0.5f * x * (1.f + fast_erf(x * 0.70710678f)); }

CLONES void lucid_exp(const float *restrict x, float *restrict y, long n) {
    for (long i = 0; i < n; i++) y[i] = fast_exp(x[i]);
}

CLONES void lucid_sigmoid(const float *restrict x, float *restrict y, long n) {
    for (long i = 0; i < n; i++) y[i] = 1.f / (1.f + fast_exp(-x[i]));
}

CLONES void lucid_silu_affine(const float *restrict x, float *restrict y, long n, float scale, float shift) {
    for (long i = 0; i < n; i++) {
        float v = x[i] * scale + shift;
        y[i] = v / (1.f + fast_exp(-v));
    }
}

CLONES void lucid_quick_gelu(const float *restrict x, float *restrict y, long n) {
    for (long i = 0; i < n; i++) y[i] = x[i] / (1.f + fast_exp(-1.702f * x[i]));
}

CLONES void lucid_gated_gelu(const float *restrict v, const float *restrict g, float *restrict y, long n) {
    for (long i = 0; i < n; i++) y[i] = v[i] * fast_gelu(g[i]);
}

CLONES void lucid_gated_gelu_backward(const float *restrict v, const float *restrict g, const float *restrict dy,
                                      float *restrict dv, float *restrict dg, long n) {
    for (long i = 0; i < n; i++) {
        float cdf = 0.5f * (1.f + fast_erf(g[i] * 0.70710678f));
        float pdf = 0.39894228f * fast_exp(-0.5f * g[i] * g[i]);
        dv[i] = dy[i] * g[i] * cdf;
        dg[i] = dy[i] * v[i] * (cdf + g[i] * pdf);
    }
}

// Σ over x[0..<n] of f(x[i]), in blocks of 1024 summed in LANES float partial results (so that the
// loop vectorises) and added up in double.
#define BLOCKED_SUM(n, term)                                                     \
    ({                                                                           \
        double total_ = 0;                                                       \
        for (long start_ = 0; start_ < (n); start_ += 1024) {                    \
            long end_ = start_ + 1024 < (n) ? start_ + 1024 : (n);               \
            long full_ = start_ + (end_ - start_) / LANES * LANES;               \
            float lanes_[LANES] = {0};                                           \
            for (long i = start_; i < full_; i += LANES)                         \
                for (int j_ = 0; j_ < LANES; j_++) lanes_[j_] += term(i + j_);   \
            float block_ = 0;                                                    \
            for (int j_ = 0; j_ < LANES; j_++) block_ += lanes_[j_];             \
            for (long i = full_; i < end_; i++) block_ += term(i);               \
            total_ += block_;                                                    \
        }                                                                        \
        total_;                                                                  \
    })

CLONES void lucid_moments(const float *restrict x, long n, float eps, float *mean, float *rstd) {
#define VALUE(i) x[i]
    const float m = (float)(BLOCKED_SUM(n, VALUE) / (double)n);
#undef VALUE
#define SQUARE(i) ((x[i] - m) * (x[i] - m))
    const float variance = (float)(BLOCKED_SUM(n, SQUARE) / (double)n);
#undef SQUARE
    *mean = m;
    *rstd = 1.f / sqrtf(variance + eps);
}

static inline float norm_backward_item(float x, float dy, float mean, float rstd, float gamma, float beta,
                                       int silu, float *xhat) {
    *xhat = (x - mean) * rstd;
    if (silu) {
        float z = *xhat * gamma + beta, s = 1.f / (1.f + fast_exp(-z));
        dy *= s * (1.f + z * (1.f - s));
    }
    return dy * gamma;
}

CLONES void lucid_norm_backward_pass(const float *restrict x, const float *restrict dy, float *restrict dh, long n,
                                     float mean, float rstd, float gamma, float beta, int silu, float *restrict sums) {
    // The sums in LANES partial results so that the loop vectorises without reassociation flags.
    float s1[LANES] = {0}, s2[LANES] = {0};
    long full = n - n % LANES;
    for (long i = 0; i < full; i += LANES)
        for (int j = 0; j < LANES; j++) {
            float xhat, h = norm_backward_item(x[i + j], dy[i + j], mean, rstd, gamma, beta, silu, &xhat);
            dh[i + j] = h;
            s1[j] += h;
            s2[j] += h * xhat;
        }
    for (long i = full; i < n; i++) {
        float xhat, h = norm_backward_item(x[i], dy[i], mean, rstd, gamma, beta, silu, &xhat);
        dh[i] = h;
        s1[0] += h;
        s2[0] += h * xhat;
    }
    sums[0] = 0.f;
    sums[1] = 0.f;
    for (int j = 0; j < LANES; j++) {
        sums[0] += s1[j];
        sums[1] += s2[j];
    }
}

CLONES void lucid_gelu(const float *restrict x, float *restrict y, long n) {
    for (long i = 0; i < n; i++) y[i] = fast_gelu(x[i]);
}

CLONES void lucid_softmax_row(float *restrict p, long n) {
    // Reductions in LANES partial results so that they vectorise without reassociation flags.
    float lanes[LANES];
    for (int j = 0; j < LANES; j++) lanes[j] = -INFINITY;
    long full = n - n % LANES;
    for (long i = 0; i < full; i += LANES)
        for (int j = 0; j < LANES; j++) lanes[j] = p[i + j] > lanes[j] ? p[i + j] : lanes[j];
    float m = -INFINITY;
    for (int j = 0; j < LANES; j++) m = lanes[j] > m ? lanes[j] : m;
    for (long i = full; i < n; i++) m = p[i] > m ? p[i] : m;
    for (int j = 0; j < LANES; j++) lanes[j] = 0.f;
    for (long i = 0; i < full; i += LANES)
        for (int j = 0; j < LANES; j++) {
            float e = fast_exp(p[i + j] - m);
            p[i + j] = e;
            lanes[j] += e;
        }
    float s = 0.f;
    for (int j = 0; j < LANES; j++) s += lanes[j];
    for (long i = full; i < n; i++) {
        float e = fast_exp(p[i] - m);
        p[i] = e;
        s += e;
    }
    float inv = 1.f / s;
    for (long i = 0; i < n; i++) p[i] *= inv;
}

static inline uint64_t splitmix64(uint64_t *state) {
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

void lucid_fill_normal(float *p, long n, unsigned long long seed, float mean, float std) {
    uint64_t state = seed;
    long i = 0;
    while (i < n) {
        uint64_t bits = splitmix64(&state);
        // Two uniforms in (−1, 1) from the two 32-bit halves.
        float u = (float)(uint32_t)(bits >> 32) * (2.f / 4294967296.f) - 1.f;
        float v = (float)(uint32_t)bits * (2.f / 4294967296.f) - 1.f;
        float s = u * u + v * v;
        if (s >= 1.f || s == 0.f) continue;
        float f = sqrtf(-2.f * logf(s) / s);
        p[i++] = mean + std * u * f;
        if (i < n) p[i++] = mean + std * v * f;
    }
}

void lucid_release_free_memory(void) { malloc_trim(0); }

int lucid_cpu_vector_width(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")
        && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl")) return 512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return 256;
#endif
    return 0;
}
