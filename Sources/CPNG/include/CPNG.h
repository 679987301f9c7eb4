// libpng behind a setjmp-free C interface: every libpng error becomes a return code and a message.
#ifndef CPNG_H
#define CPNG_H

#include <stddef.h>
#include <stdint.h>

#define CPNG_MESSAGE_LENGTH 256

/// A decoded PNG with its samples as stored: no palette expansion, no gamma, no scaling of low bit depths.
typedef struct {
    int width;
    int height;
    /// 1 (gray or palette index), 2 (gray + alpha), 3 (RGB) or 4 (RGBA).
    int channels;
    /// 1, 2, 4, 8 or 16 as stored in the file; samples below 8 bits are unpacked to one byte each.
    int bit_depth;
    /// PNG colour type: 0 gray, 2 RGB, 3 palette, 4 gray + alpha, 6 RGBA.
    int color_type;
    /// width * height * channels samples: bytes when bit_depth <= 8, host-order uint16 when 16.
    void *samples;
    size_t samples_size;
    /// Palette entries (RGB triplets) for colour type 3.
    int palette_count;
    uint8_t palette[256 * 3];
    char message[CPNG_MESSAGE_LENGTH];
} cpng_image;

/// Returned by cpng_decode when the header declares more than `max_pixels` pixels; `width` and `height` then
/// hold the declared size and nothing was allocated for the pixels.
#define CPNG_TOO_MANY_PIXELS 2

/// Decodes a PNG held in memory. Returns 0 on success, CPNG_TOO_MANY_PIXELS when the IHDR declares more than
/// `max_pixels` pixels (checked before the pixels are allocated), otherwise 1 with `message` set.
int cpng_decode(const uint8_t *data, size_t size, uint64_t max_pixels, cpng_image *image);

/// Reads only the header: fills `width`, `height`, `channels`, `bit_depth`, `color_type` and `samples_size` (the
/// bytes cpng_decode_into needs) and allocates nothing for the pixels. Returns as cpng_decode.
int cpng_read_header(const uint8_t *data, size_t size, uint64_t max_pixels, cpng_image *image);

/// Decodes into the caller's buffer of `capacity` bytes (at least `samples_size` from cpng_read_header), so the
/// pixels exist once; `samples` of the result stays NULL. Returns as cpng_decode.
int cpng_decode_into(const uint8_t *data, size_t size, uint64_t max_pixels, void *samples, size_t capacity,
                     cpng_image *image);

/// Frees the samples of a decoded image.
void cpng_image_free(cpng_image *image);

/// Encodes 8- or 16-bit samples (16-bit in host order) as PNG into a malloc'ed buffer.
/// `color_type` as in cpng_image; a palette is required for type 3. Returns 0 on success.
int cpng_encode(const void *samples, int width, int height, int color_type, int bit_depth,
                const uint8_t *palette, int palette_count, int compression_level,
                uint8_t **out_data, size_t *out_size, char *message);

/// Frees a buffer returned by cpng_encode.
void cpng_buffer_free(uint8_t *data);

#endif
