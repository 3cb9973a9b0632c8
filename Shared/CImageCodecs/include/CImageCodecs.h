// CImageCodecs: PNG and JPEG encode/decode in memory over libpng's simplified API and libjpeg(-turbo).
// Every error is reported as a return code and a message; no longjmp ever crosses into the caller.
#ifndef LUCID_CIMAGECODECS_H
#define LUCID_CIMAGECODECS_H

#include <stddef.h>

/// Decoded 8-bit pixels, row-major and interleaved; `pixels` is malloc'd, release it with lucid_codec_free.
typedef struct {
    unsigned char *pixels;
    unsigned width;
    unsigned height;
    unsigned channels;   /* 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA */
} lucid_pixels;

/// Decodes a PNG of any bit depth and colour type to 8-bit grey, grey+alpha, RGB or RGBA
/// (whichever keeps the file's colour and alpha). Returns 0 on success.
int lucid_png_decode(const void *data, size_t size, lucid_pixels *out, char *error, size_t error_size);

/// Encodes 8-bit pixels (1–4 channels as in lucid_pixels) as a PNG into a malloc'd buffer. Returns 0 on success.
int lucid_png_encode(const unsigned char *pixels, unsigned width, unsigned height, unsigned channels,
                     unsigned char **out_data, size_t *out_size, char *error, size_t error_size);

/// Decodes a baseline or progressive JPEG to 8-bit grey (1 channel) or RGB (3). Returns 0 on success.
int lucid_jpeg_decode(const void *data, size_t size, lucid_pixels *out, char *error, size_t error_size);

/// Encodes 8-bit grey (1 channel) or RGB (3) pixels as a JPEG of the given quality (1–100). Returns 0 on success.
int lucid_jpeg_encode(const unsigned char *pixels, unsigned width, unsigned height, unsigned channels, int quality,
                      unsigned char **out_data, size_t *out_size, char *error, size_t error_size);

/// Releases a buffer returned by one of the functions above.
void lucid_codec_free(void *buffer);

#endif
