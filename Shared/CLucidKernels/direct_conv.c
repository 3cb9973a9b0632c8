// A direct 3×3 convolution (stride 1, zero padding 1) with AVX-512, for the small images of the
// demo model's UNet: no unfolded (im2col) copy of the input and no packing of it by the matrix
// product. The image is read as one flat run of pixels, 16 to a vector whatever its width; each
// item computes 8 output channels at 3 such vectors, accumulating in 24 registers over the 9 taps
// and every input channel. A tap's input for a vector is the run shifted by dy·W + dx, read with a
// mask that leaves out the lanes whose shifted pixel falls off the image (the zero padding).
#include "lucid_kernels.h"

#include <stddef.h>

#define BLOCK 8  // output channels per item
#define VECTORS 3  // pixel vectors per item
#define LANES 16

long lucid_conv3x3_vectors(long height, long width) { return (height * width + LANES - 1) / LANES; }

long lucid_conv3x3_tiles(long height, long width) {
    return (lucid_conv3x3_vectors(height, width) + VECTORS - 1) / VECTORS;
}

void lucid_conv3x3_masks(long height, long width, unsigned short *masks) {
    const long plane = height * width, vectors = lucid_conv3x3_vectors(height, width);
    for (long v = 0; v < vectors; v++) {
        for (int tap = 0; tap < 9; tap++) {
            const long dy = tap / 3 - 1, dx = tap % 3 - 1;
            unsigned short mask = 0;
            for (long lane = 0; lane < LANES; lane++) {
                long p = v * LANES + lane, y = p / width, x = p % width;
                if (p < plane && y + dy >= 0 && y + dy < height && x + dx >= 0 && x + dx < width) mask |= (unsigned short)(1u << lane);
            }
            masks[v * 9 + tap] = mask;
        }
    }
}

void lucid_conv3x3_pack(const float *weight, long outChannels, long inChannels, int transposed, float *packed,
                        long first, long end) {
    // The packed kernel's output channel `to` and input channel `from` are (o, c) of `weight`, or
    // (c, o) for the transposed one, whose taps run backwards.
    const long packedInputs = transposed ? outChannels : inChannels;
    for (long to = first; to < end; to++) {
        for (long from = 0; from < packedInputs; from++) {
            const long o = transposed ? from : to, c = transposed ? to : from;
            for (long tap = 0; tap < 9; tap++) {
                packed[((to / BLOCK * 9 + (transposed ? 8 - tap : tap)) * packedInputs + from) * BLOCK + to % BLOCK] =
                    weight[(o * inChannels + c) * 9 + tap];
            }
        }
    }
}

#if defined(__x86_64__)
#include <immintrin.h>

__attribute__((target("avx512f,avx512bw,avx512dq,avx512vl")))
void lucid_conv3x3_avx512(const float *input, long inChannels, long height, long width,
                          const float *packed, const unsigned short *masks, long outChannels, const float *bias,
                          float *output, long firstItem, long endItem) {
    const long plane = height * width;
    const long vectors = lucid_conv3x3_vectors(height, width);
    const long tiles = lucid_conv3x3_tiles(height, width);
    const long blocks = outChannels / BLOCK;
    for (long item = firstItem; item < endItem; item++) {
        const long tile = item % tiles, block = (item / tiles) % blocks, image = item / (tiles * blocks);
        const float *x = input + image * inChannels * plane;
        float *y = output + (image * outChannels + block * BLOCK) * plane;
        const long first = tile * VECTORS * LANES;

        __m512 acc[BLOCK][VECTORS];
        for (int o = 0; o < BLOCK; o++) {
            __m512 start = _mm512_set1_ps(bias ? bias[block * BLOCK + o] : 0.f);
            for (int v = 0; v < VECTORS; v++) acc[o][v] = start;
        }

        for (int tap = 0; tap < 9; tap++) {
            const long shift = (tap / 3 - 1) * width + tap % 3 - 1;
            const float *source[VECTORS];
            __mmask16 mask[VECTORS];
            for (int v = 0; v < VECTORS; v++) {
                const long index = tile * VECTORS + v;
                mask[v] = index < vectors ? (__mmask16)masks[index * 9 + tap] : 0;
                // A masked-off lane is never read, so the run may start before the plane.
                source[v] = mask[v] ? x + first + v * LANES + shift : x;
            }
            const float *w = packed + (block * 9 + tap) * inChannels * BLOCK;
            for (long c = 0; c < inChannels; c++) {
                __m512 in[VECTORS];
                for (int v = 0; v < VECTORS; v++) in[v] = _mm512_maskz_loadu_ps(mask[v], source[v] + c * plane);
                for (int o = 0; o < BLOCK; o++) {
                    __m512 k = _mm512_set1_ps(w[c * BLOCK + o]);
                    for (int v = 0; v < VECTORS; v++) acc[o][v] = _mm512_fmadd_ps(k, in[v], acc[o][v]);
                }
            }
        }

        for (int v = 0; v < VECTORS; v++) {
            const long start = first + v * LANES;
            if (start >= plane) break;
            const __mmask16 keep = plane - start >= LANES ? (__mmask16)0xFFFF : (__mmask16)((1u << (plane - start)) - 1);
            for (int o = 0; o < BLOCK; o++) _mm512_mask_storeu_ps(y + o * plane + start, keep, acc[o][v]);
        }
    }
}

#endif
