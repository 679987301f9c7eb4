#include "CPNG.h"

#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const uint8_t *data;
    size_t size;
    size_t offset;
} read_state;

typedef struct {
    uint8_t *data;
    size_t size;
    size_t capacity;
    int failed;
} write_state;

typedef struct {
    jmp_buf jump;
    char *message;
} error_state;

static void on_error(png_structp png, png_const_charp text) {
    error_state *state = (error_state *)png_get_error_ptr(png);
    snprintf(state->message, CPNG_MESSAGE_LENGTH, "%s", text ? text : "libpng error");
    longjmp(state->jump, 1);
}

static void on_warning(png_structp png, png_const_charp text) {
    (void)png;
    (void)text;
}

static void read_bytes(png_structp png, png_bytep out, png_size_t length) {
    read_state *state = (read_state *)png_get_io_ptr(png);
    if (state->size - state->offset < length) {
        png_error(png, "truncated file: unexpected end of data");
    }
    memcpy(out, state->data + state->offset, length);
    state->offset += length;
}

/* Reads the header (and with `destination` the pixels into it, `capacity` bytes; without it into a malloc'ed
   buffer unless `header_only`). */
static int decode(const uint8_t *data, size_t size, uint64_t max_pixels, cpng_image *image, void *destination,
                  size_t capacity, int header_only) {
    memset(image, 0, sizeof(*image));
    if (size < 8 || png_sig_cmp((png_const_bytep)data, 0, 8) != 0) {
        snprintf(image->message, CPNG_MESSAGE_LENGTH, "not a PNG file (bad signature)");
        return 1;
    }
    error_state errors;
    errors.message = image->message;
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &errors, on_error, on_warning);
    if (!png) {
        snprintf(image->message, CPNG_MESSAGE_LENGTH, "out of memory");
        return 1;
    }
    png_infop info = png_create_info_struct(png);
    /* volatile: modified between setjmp and longjmp. */
    uint8_t *volatile samples = NULL;
    if (!info) {
        png_destroy_read_struct(&png, NULL, NULL);
        snprintf(image->message, CPNG_MESSAGE_LENGTH, "out of memory");
        return 1;
    }
    if (setjmp(errors.jump)) {
        if (!destination) {
            free(samples);
        }
        png_destroy_read_struct(&png, &info, NULL);
        image->samples = NULL;
        return 1;
    }
    read_state state = {data, size, 0};
    png_set_read_fn(png, &state, read_bytes);
    /* The pixel budget below is the limit; libpng's own per-side limit (1,000,000 by default) is lifted to
       PNG's maximum so a raised budget admits long thin images too. */
    png_set_user_limits(png, 0x7fffffffu, 0x7fffffffu);
    png_read_info(png, info);

    png_uint_32 width = png_get_image_width(png, info);
    png_uint_32 height = png_get_image_height(png, info);
    /* Refuse a decompression bomb from its header, before any pixel memory is allocated. */
    if ((uint64_t)width * (uint64_t)height > max_pixels) {
        png_destroy_read_struct(&png, &info, NULL);
        image->width = (int)width;
        image->height = (int)height;
        snprintf(image->message, CPNG_MESSAGE_LENGTH, "image declares %ux%u pixels", width, height);
        return CPNG_TOO_MANY_PIXELS;
    }
    int bit_depth = png_get_bit_depth(png, info);
    int color_type = png_get_color_type(png, info);

    if (bit_depth < 8) {
        png_set_packing(png); /* one byte per sample, values unscaled */
    }
    if (bit_depth == 16) {
        png_set_swap(png); /* host order on little-endian machines */
    }
    /* With interlace handling, reading every row once per pass assembles the image in place. */
    int passes = png_set_interlace_handling(png);
    png_read_update_info(png, info);

    int channels = png_get_channels(png, info);
    size_t row_bytes = png_get_rowbytes(png, info);
    size_t expected_row = (size_t)width * (size_t)channels * (bit_depth == 16 ? 2 : 1);
    if (row_bytes != expected_row) {
        png_error(png, "unexpected row layout");
    }
    if (header_only) {
        image->width = (int)width;
        image->height = (int)height;
        image->channels = channels;
        image->bit_depth = bit_depth;
        image->color_type = color_type;
        image->samples_size = row_bytes * height;
        png_destroy_read_struct(&png, &info, NULL);
        return 0;
    }
    if (destination) {
        if (capacity < row_bytes * height) {
            png_error(png, "destination buffer too small");
        }
        samples = (uint8_t *)destination;
    } else {
        samples = (uint8_t *)malloc(row_bytes * height);
    }
    if (!samples) {
        png_error(png, "out of memory");
    }
    /* Row by row rather than png_read_image: no table of row pointers, which for a tall thin image would cost
       more than its pixels. */
    for (int pass = 0; pass < passes; pass++) {
        for (png_uint_32 y = 0; y < height; y++) {
            png_read_row(png, samples + (size_t)y * row_bytes, NULL);
        }
    }
    png_read_end(png, NULL);

    image->width = (int)width;
    image->height = (int)height;
    image->channels = channels;
    image->bit_depth = bit_depth;
    image->color_type = color_type;
    image->samples = samples;
    image->samples_size = row_bytes * height;
    if (color_type == PNG_COLOR_TYPE_PALETTE) {
        png_colorp palette = NULL;
        int count = 0;
        if (png_get_PLTE(png, info, &palette, &count) == PNG_INFO_PLTE && palette) {
            image->palette_count = count;
            for (int i = 0; i < count && i < 256; i++) {
                image->palette[3 * i] = palette[i].red;
                image->palette[3 * i + 1] = palette[i].green;
                image->palette[3 * i + 2] = palette[i].blue;
            }
        }
    }
    if (destination) {
        image->samples = NULL;
    }
    png_destroy_read_struct(&png, &info, NULL);
    return 0;
}

int cpng_decode(const uint8_t *data, size_t size, uint64_t max_pixels, cpng_image *image) {
    return decode(data, size, max_pixels, image, NULL, 0, 0);
}

int cpng_read_header(const uint8_t *data, size_t size, uint64_t max_pixels, cpng_image *image) {
    return decode(data, size, max_pixels, image, NULL, 0, 1);
}

int cpng_decode_into(const uint8_t *data, size_t size, uint64_t max_pixels, void *samples, size_t capacity,
                     cpng_image *image) {
    return decode(data, size, max_pixels, image, samples, capacity, 0);
}

void cpng_image_free(cpng_image *image) {
    free(image->samples);
    image->samples = NULL;
}

static void write_bytes(png_structp png, png_bytep bytes, png_size_t length) {
    write_state *state = (write_state *)png_get_io_ptr(png);
    if (state->size + length > state->capacity) {
        size_t capacity = state->capacity ? state->capacity : 4096;
        while (capacity < state->size + length) {
            capacity *= 2;
        }
        uint8_t *grown = (uint8_t *)realloc(state->data, capacity);
        if (!grown) {
            png_error(png, "out of memory");
        }
        state->data = grown;
        state->capacity = capacity;
    }
    memcpy(state->data + state->size, bytes, length);
    state->size += length;
}

static void flush_bytes(png_structp png) { (void)png; }

int cpng_encode(const void *samples, int width, int height, int color_type, int bit_depth,
                const uint8_t *palette, int palette_count, int compression_level,
                uint8_t **out_data, size_t *out_size, char *message) {
    *out_data = NULL;
    *out_size = 0;
    int channels;
    switch (color_type) {
    case PNG_COLOR_TYPE_GRAY: channels = 1; break;
    case PNG_COLOR_TYPE_PALETTE: channels = 1; break;
    case PNG_COLOR_TYPE_GRAY_ALPHA: channels = 2; break;
    case PNG_COLOR_TYPE_RGB: channels = 3; break;
    case PNG_COLOR_TYPE_RGB_ALPHA: channels = 4; break;
    default:
        snprintf(message, CPNG_MESSAGE_LENGTH, "unsupported colour type %d", color_type);
        return 1;
    }
    if (width <= 0 || height <= 0 || (bit_depth != 8 && bit_depth != 16) ||
        (color_type == PNG_COLOR_TYPE_PALETTE && (bit_depth != 8 || !palette || palette_count < 1 ||
                                                  palette_count > 256))) {
        snprintf(message, CPNG_MESSAGE_LENGTH, "invalid PNG encoding parameters");
        return 1;
    }
    error_state errors;
    errors.message = message;
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &errors, on_error, on_warning);
    if (!png) {
        snprintf(message, CPNG_MESSAGE_LENGTH, "out of memory");
        return 1;
    }
    png_infop info = png_create_info_struct(png);
    write_state state = {NULL, 0, 0, 0};
    if (!info || setjmp(errors.jump)) {
        free(state.data);
        png_destroy_write_struct(&png, &info);
        return 1;
    }
    png_set_write_fn(png, &state, write_bytes, flush_bytes);
    png_set_compression_level(png, compression_level);
    png_set_IHDR(png, info, (png_uint_32)width, (png_uint_32)height, bit_depth, color_type,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    if (color_type == PNG_COLOR_TYPE_PALETTE) {
        png_color entries[256];
        for (int i = 0; i < palette_count; i++) {
            entries[i].red = palette[3 * i];
            entries[i].green = palette[3 * i + 1];
            entries[i].blue = palette[3 * i + 2];
        }
        png_set_PLTE(png, info, entries, palette_count);
    }
    png_write_info(png, info);
    if (bit_depth == 16) {
        png_set_swap(png);
    }
    size_t row_bytes = (size_t)width * (size_t)channels * (bit_depth == 16 ? 2 : 1);
    for (int y = 0; y < height; y++) {
        png_write_row(png, (png_const_bytep)samples + (size_t)y * row_bytes);
    }
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    *out_data = state.data;
    *out_size = state.size;
    return 0;
}

void cpng_buffer_free(uint8_t *data) { free(data); }
