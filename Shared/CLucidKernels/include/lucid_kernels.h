// CLucidKernels: vectorisable elementwise kernels (exp, SiLU, GELU, softmax rows, their gradients), a direct
// 3×3 convolution for AVX-512 CPUs and the worker pool for LucidTensor.
// Plain C so that clang vectorises them at -O3, with AVX2 and baseline versions picked at load time.
#ifndef LUCID_KERNELS_H
#define LUCID_KERNELS_H

/// y[i] = exp(x[i]).
void lucid_exp(const float *x, float *y, long n);
/// y[i] = 1 / (1 + exp(-x[i])).
void lucid_sigmoid(const float *x, float *y, long n);
/// y[i] = silu(scale * x[i] + shift) (scale 1, shift 0 for a plain SiLU).
void lucid_silu_affine(const float *x, float *y, long n, float scale, float shift);
/// y[i] = x[i] * sigmoid(1.702 * x[i]) (CLIP's quick GELU).
void lucid_quick_gelu(const float *x, float *y, long n);
/// y[i] = v[i] * gelu(g[i]) with the exact (erf) GELU (the GEGLU gate).
void lucid_gated_gelu(const float *v, const float *g, float *y, long n);
/// The gradients of y = v · gelu(g) given dy: dv[i] = dy[i]·gelu(g[i]), dg[i] = dy[i]·v[i]·gelu'(g[i]).
void lucid_gated_gelu_backward(const float *v, const float *g, const float *dy, float *dv, float *dg, long n);
/// The mean of x[0..<n] and 1/√(variance + eps) (two passes, blocks of float sums added in double).
void lucid_moments(const float *x, long n, float eps, float *mean, float *rstd);
/// The first pass of a normalisation's backward over one channel's n values x with output
/// gradient dy: dh[i] = dy[i]·γ (times silu′(x̂γ + β) when `silu`), with x̂ = (x − mean)·rstd;
/// sums[0] = Σ dh, sums[1] = Σ dh·x̂.
void lucid_norm_backward_pass(const float *x, const float *dy, float *dh, long n, float mean, float rstd,
                              float gamma, float beta, int silu, float *sums);
/// y[i] = gelu(x[i]) (erf form).
void lucid_gelu(const float *x, float *y, long n);
/// Softmax of one row of n floats, in place.
void lucid_softmax_row(float *p, long n);

/// Fills p[0..<n] with normal samples (mean, std) from the SplitMix64 stream `seed`, by
/// Marsaglia's polar method: the same seed always gives the same values.
void lucid_fill_normal(float *p, long n, unsigned long long seed, float mean, float std);

/// Returns freed heap memory to the operating system (glibc malloc_trim).
void lucid_release_free_memory(void);

/// The widest vector instructions this CPU and its operating system support for float math:
/// 512 (AVX-512 F, BW, DQ and VL), 256 (AVX2 with FMA), or 0 (neither, or not x86-64).
int lucid_cpu_vector_width(void);

/// The 16-pixel vectors of one image (its pixels in row-major order, the last vector partial).
long lucid_conv3x3_vectors(long height, long width);
/// The items per image and output-channel block of `lucid_conv3x3_avx512` (3 vectors each).
long lucid_conv3x3_tiles(long height, long width);
/// `masks[v·9 + tap]`: bit l set when lane l of vector v has an input pixel inside the image at
/// kernel tap `tap` (row-major over the 3×3 taps); `lucid_conv3x3_vectors(height, width)·9` masks.
void lucid_conv3x3_masks(long height, long width, unsigned short *masks);
/// Reorders output channels `first..<end` of a 3×3 kernel `weight[out][in][3][3]` into the layout
/// `lucid_conv3x3_avx512` reads, `[out / 8][9][in][8]` (out a multiple of 8); with `transposed`,
/// those of the input gradient's kernel instead (flipped, in and out swapped): `[in / 8][9][out][8]`
/// (in a multiple of 8, `first..<end` within in).
void lucid_conv3x3_pack(const float *weight, long outChannels, long inChannels, int transposed, float *packed,
                        long first, long end);
#if defined(__x86_64__)
/// Items `firstItem..<endItem` of a 3×3 convolution, stride 1, zero padding 1, of NCHW `input`
/// with the packed kernel, the image's `masks` and optional bias into NCHW `output` (same height
/// and width). Item i is image i / (tiles·blocks), output channels 8·((i / tiles) % blocks) + 0..<8,
/// pixel vectors 3·(i % tiles) + 0..<3. Needs AVX-512 F, BW, DQ and VL (`lucid_cpu_vector_width() == 512`).
void lucid_conv3x3_avx512(const float *input, long inChannels, long height, long width,
                          const float *packed, const unsigned short *masks, long outChannels, const float *bias,
                          float *output, long firstItem, long endItem);
#endif

/// One item of a pool job: `body(context, index)`.
typedef void (*lucid_pool_body)(void *context, long index);

/// Runs body(context, 0..<iterations) on the calling thread and up to `threads - 1` pool workers,
/// and returns when every item is done; in sequence on the calling thread with one thread, one
/// item, or the pool already busy (as in a nested call).
void lucid_pool_run(long iterations, int threads, lucid_pool_body body, void *context);

#endif
