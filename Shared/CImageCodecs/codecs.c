// CImageCodecs: PNG via libpng's simplified (png_image) API, JPEG via libjpeg with a setjmp error
// manager kept entirely inside this file.
#include "CImageCodecs.h"

#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>

/* Refuse to decode images above this many pixels (a 16k × 16k image at most). */
#define LUCID_MAX_PIXELS ((size_t)1 << 28)

static void set_error(char *error, size_t error_size, const char *message) {
    if (error != NULL && error_size > 0) {
        snprintf(error, error_size, "%s", message);
    }
}

void lucid_codec_free(void *buffer) { free(buffer); }

/* ---- PNG ---- */

int lucid_png_decode(const void *data, size_t size, lucid_pixels *out, char *error, size_t error_size) {
    png_image image;
    memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_memory(&image, data, size)) {
        set_error(error, error_size, image.message);
        png_image_free(&image);
        return 1;
    }
    if ((size_t)image.width * image.height > LUCID_MAX_PIXELS) {
        set_error(error, error_size, "image too large");
        png_image_free(&image);
        return 1;
    }
    /* 16-bit files without gamma information are nearly always sRGB-encoded, not linear. */
    image.flags |= PNG_IMAGE_FLAG_16BIT_sRGB;
    /* Keep colour and alpha as the file has them; everything becomes 8 bits per sample. */
    png_uint_32 format = 0;
    if (image.format & PNG_FORMAT_FLAG_COLOR) format |= PNG_FORMAT_FLAG_COLOR;
    if (image.format & PNG_FORMAT_FLAG_ALPHA) format |= PNG_FORMAT_FLAG_ALPHA;
    image.format = format;
    size_t buffer_size = PNG_IMAGE_SIZE(image);
    unsigned char *pixels = malloc(buffer_size > 0 ? buffer_size : 1);
    if (pixels == NULL) {
        set_error(error, error_size, "out of memory");
        png_image_free(&image);
        return 1;
    }
    if (!png_image_finish_read(&image, NULL, pixels, 0, NULL)) {
        set_error(error, error_size, image.message);
        free(pixels);
        png_image_free(&image);
        return 1;
    }
    out->pixels = pixels;
    out->width = image.width;
    out->height = image.height;
    out->channels = PNG_IMAGE_SAMPLE_CHANNELS(format);
    png_image_free(&image);
    return 0;
}

int lucid_png_encode(const unsigned char *pixels, unsigned width, unsigned height, unsigned channels,
                     unsigned char **out_data, size_t *out_size, char *error, size_t error_size) {
    static const png_uint_32 formats[5] = {
        0, PNG_FORMAT_GRAY, PNG_FORMAT_GA, PNG_FORMAT_RGB, PNG_FORMAT_RGBA
    };
    if (channels < 1 || channels > 4) {
        set_error(error, error_size, "PNG encoding needs 1 to 4 channels");
        return 1;
    }
    png_image image;
    memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    image.width = width;
    image.height = height;
    image.format = formats[channels];
    png_alloc_size_t size = 0;
    if (!png_image_write_to_memory(&image, NULL, &size, 0, pixels, 0, NULL)) {
        set_error(error, error_size, image.message);
        png_image_free(&image);
        return 1;
    }
    unsigned char *buffer = malloc(size > 0 ? size : 1);
    if (buffer == NULL) {
        set_error(error, error_size, "out of memory");
        return 1;
    }
    if (!png_image_write_to_memory(&image, buffer, &size, 0, pixels, 0, NULL)) {
        set_error(error, error_size, image.message);
        free(buffer);
        png_image_free(&image);
        return 1;
    }
    *out_data = buffer;
    *out_size = size;
    return 0;
}

/* ---- JPEG ---- */

/* libjpeg calls error_exit on fatal errors and expects it not to return: jump back into the
   function that started the work, which then cleans up and returns an error code. */
typedef struct {
    struct jpeg_error_mgr base;
    jmp_buf on_error;
    char message[JMSG_LENGTH_MAX];
} jpeg_error_state;

static void jpeg_error_exit(j_common_ptr info) {
    jpeg_error_state *state = (jpeg_error_state *)info->err;
    (*info->err->format_message)(info, state->message);
    longjmp(state->on_error, 1);
}

static void jpeg_silent_output(j_common_ptr info) { (void)info; }

int lucid_jpeg_decode(const void *data, size_t size, lucid_pixels *out, char *error, size_t error_size) {
    struct jpeg_decompress_struct info;
    jpeg_error_state state;
    unsigned char *volatile pixels = NULL;
    memset(&info, 0, sizeof info);
    info.err = jpeg_std_error(&state.base);
    state.base.error_exit = jpeg_error_exit;
    state.base.output_message = jpeg_silent_output;
    state.message[0] = '\0';
    if (setjmp(state.on_error)) {
        set_error(error, error_size, state.message);
        free(pixels);
        jpeg_destroy_decompress(&info);
        return 1;
    }
    jpeg_create_decompress(&info);
    jpeg_mem_src(&info, (const unsigned char *)data, (unsigned long)size);
    if (jpeg_read_header(&info, TRUE) != JPEG_HEADER_OK) {
        set_error(error, error_size, "not a JPEG image");
        jpeg_destroy_decompress(&info);
        return 1;
    }
    if ((size_t)info.image_width * info.image_height > LUCID_MAX_PIXELS) {
        set_error(error, error_size, "image too large");
        jpeg_destroy_decompress(&info);
        return 1;
    }
    info.out_color_space = info.num_components == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_start_decompress(&info);
    unsigned width = info.output_width, height = info.output_height, channels = info.output_components;
    size_t row_bytes = (size_t)width * channels;
    pixels = malloc(row_bytes * height > 0 ? row_bytes * height : 1);
    if (pixels == NULL) {
        set_error(error, error_size, "out of memory");
        jpeg_destroy_decompress(&info);
        return 1;
    }
    while (info.output_scanline < height) {
        JSAMPROW row = pixels + (size_t)info.output_scanline * row_bytes;
        jpeg_read_scanlines(&info, &row, 1);
    }
    jpeg_finish_decompress(&info);
    jpeg_destroy_decompress(&info);
    out->pixels = pixels;
    out->width = width;
    out->height = height;
    out->channels = channels;
    return 0;
}

int lucid_jpeg_encode(const unsigned char *pixels, unsigned width, unsigned height, unsigned channels, int quality,
                      unsigned char **out_data, size_t *out_size, char *error, size_t error_size) {
    if (channels != 1 && channels != 3) {
        set_error(error, error_size, "JPEG encoding needs 1 or 3 channels");
        return 1;
    }
    struct jpeg_compress_struct info;
    jpeg_error_state state;
    unsigned char *buffer = NULL;
    unsigned long buffer_size = 0;
    memset(&info, 0, sizeof info);
    info.err = jpeg_std_error(&state.base);
    state.base.error_exit = jpeg_error_exit;
    state.base.output_message = jpeg_silent_output;
    state.message[0] = '\0';
    if (setjmp(state.on_error)) {
        set_error(error, error_size, state.message);
        jpeg_destroy_compress(&info);
        free(buffer);
        return 1;
    }
    jpeg_create_compress(&info);
    jpeg_mem_dest(&info, &buffer, &buffer_size);
    info.image_width = width;
    info.image_height = height;
    info.input_components = (int)channels;
    info.in_color_space = channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_set_defaults(&info);
    jpeg_set_quality(&info, quality < 1 ? 1 : (quality > 100 ? 100 : quality), TRUE);
    jpeg_start_compress(&info, TRUE);
    size_t row_bytes = (size_t)width * channels;
    while (info.next_scanline < height) {
        JSAMPROW row = (JSAMPROW)(pixels + (size_t)info.next_scanline * row_bytes);
        jpeg_write_scanlines(&info, &row, 1);
    }
    jpeg_finish_compress(&info);
    jpeg_destroy_compress(&info);
    *out_data = buffer;
    *out_size = buffer_size;
    return 0;
}
