// A direct 3×3 convolution (stride 1, zero padding 1) with AVX-512, for the small images of the
// demo model's UNet: no unfolded (im2col) copy of the input and no packing of it by the matrix
// product. Each item computes 8 output channels at 3 vectors of 16 output pixels (a vector is a
// row segment), accumulating in 24 registers over the 9 taps and every input channel; the input is
// read with masked loads, so the image borders need no padded copy.
#include "lucid_kernels.h"

#include <stddef.h>

#define BLOCK 8  // output channels per item
#define VECTORS 3  // pixel vectors per item
#define LANES 16

long lucid_conv3x3_tiles(long height, long width) {
    long perRow = (width + LANES - 1) / LANES;
    return (height * perRow + VECTORS - 1) / VECTORS;
}

void lucid_conv3x3_pack(const float *weight, long outChannels, long inChannels, int transposed, float *packed) {
    // Output channel o' of the packed kernel: o, or c for the transposed one (which has Cin outputs).
    const long packedInputs = transposed ? outChannels : inChannels;
    for (long o = 0; o < outChannels; o++) {
        for (long c = 0; c < inChannels; c++) {
            for (long tap = 0; tap < 9; tap++) {
                long to = transposed ? c : o, from = transposed ? o : c, packedTap = transposed ? 8 - tap : tap;
                packed[((to / BLOCK * 9 + packedTap) * packedInputs + from) * BLOCK + to % BLOCK] =
                    weight[(o * inChannels + c) * 9 + tap];
            }
        }
    }
}

#if defined(__x86_64__)
#include <immintrin.h>

__attribute__((target("avx512f,avx512bw,avx512dq,avx512vl")))
void lucid_conv3x3_avx512(const float *input, long inChannels, long height, long width,
                          const float *packed, long outChannels, const float *bias, float *output,
                          long firstItem, long endItem) {
    const long plane = height * width;
    const long perRow = (width + LANES - 1) / LANES;
    const long vectors = height * perRow;
    const long tiles = lucid_conv3x3_tiles(height, width);
    const long blocks = outChannels / BLOCK;
    for (long item = firstItem; item < endItem; item++) {
        const long tile = item % tiles, block = (item / tiles) % blocks, image = item / (tiles * blocks);
        const float *x = input + image * inChannels * plane;
        float *y = output + (image * outChannels + block * BLOCK) * plane;

        long row[VECTORS], column[VECTORS];
        __mmask16 keep[VECTORS];
        for (int v = 0; v < VECTORS; v++) {
            long index = tile * VECTORS + v;
            row[v] = index / perRow;
            column[v] = (index % perRow) * LANES;
            long valid = index < vectors ? width - column[v] : 0;
            keep[v] = valid >= LANES ? (__mmask16)0xFFFF : (__mmask16)((1u << (valid > 0 ? valid : 0)) - 1);
        }

        __m512 acc[BLOCK][VECTORS];
        for (int o = 0; o < BLOCK; o++) {
            __m512 start = _mm512_set1_ps(bias ? bias[block * BLOCK + o] : 0.f);
            for (int v = 0; v < VECTORS; v++) acc[o][v] = start;
        }

        for (int tap = 0; tap < 9; tap++) {
            const int dy = tap / 3 - 1, dx = tap % 3 - 1;
            const float *source[VECTORS];
            __mmask16 mask[VECTORS];
            for (int v = 0; v < VECTORS; v++) {
                long iy = row[v] + dy;
                // Lanes whose input column x + dx falls outside the row read nothing (zero).
                __mmask16 m = keep[v];
                if (iy < 0 || iy >= height) m = 0;
                long first = column[v] + dx;
                if (first < 0) m &= (__mmask16)~1u;
                long over = first + LANES - width;  // lanes past the row's end
                if (over > 0) m &= (__mmask16)(0xFFFFu >> over);
                mask[v] = m;
                // A masked-off lane is never read, so the row start may lie before the plane.
                source[v] = m ? x + iy * width + first : x;
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
            if (!keep[v]) continue;
            float *to = y + row[v] * width + column[v];
            for (int o = 0; o < BLOCK; o++) _mm512_mask_storeu_ps(to + o * plane, keep[v], acc[o][v]);
        }
    }
}
#endif
