// libjpeg(-turbo) behind a setjmp-free C interface: fatal errors and premature end of data become
// return codes with a message, never a call to exit().
#ifndef CJPEG_H
#define CJPEG_H

/// The most working memory libjpeg may allocate while decoding one image (512 MiB).
#define CJPEG_WORKING_MEMORY (512L * 1024L * 1024L)

#include <stddef.h>
#include <stdint.h>

#define CJPEG_MESSAGE_LENGTH 256

/// Colour spaces of the decoder's output samples.
enum {
    CJPEG_OUTPUT_GRAY = 1,
    CJPEG_OUTPUT_RGB = 3,
    /// CMYK samples exactly as libjpeg returns them (YCCK is converted to CMYK by libjpeg).
    CJPEG_OUTPUT_CMYK = 4
};

/// A decoded JPEG.
typedef struct {
    int width;
    int height;
    /// 1, 3 or 4 (see CJPEG_OUTPUT_*).
    int channels;
    /// The colour space declared by the file (libjpeg's J_COLOR_SPACE value).
    int jpeg_color_space;
    /// Whether an Adobe APP14 marker was present.
    int saw_adobe_marker;
    /// Set by cjpeg_decoder_open when the frame declares more pixels than the limit it was given.
    int too_many_pixels;
    uint8_t *pixels;
    char message[CJPEG_MESSAGE_LENGTH];
} cjpeg_image;

/// Decodes a baseline or progressive JPEG held in memory with libjpeg's defaults (accurate integer IDCT,
/// fancy upsampling), as Pillow does. Returns 0 on success; otherwise non-zero with `message` set.
/// A file that ends before its last scan is an error, as in Pillow without LOAD_TRUNCATED_IMAGES.
/// Images of more than 2^28 pixels are refused (see cjpeg_decoder_open to choose the limit).
int cjpeg_decode(const uint8_t *data, size_t size, cjpeg_image *image);

/// Frees the pixels of a decoded image.
void cjpeg_image_free(cjpeg_image *image);

/// A decoder between reading the header and reading the pixels, so the caller can allocate the output.
typedef struct cjpeg_decoder cjpeg_decoder;

/// Reads the header of a JPEG held in memory (which must outlive the decoder) and fills `image`'s size,
/// channels, colour space and Adobe flag; `image->pixels` stays NULL. Returns NULL with `image->message` set
/// on failure. When the frame header declares more than `max_pixels` pixels it returns NULL with
/// `image->too_many_pixels` set and `image->width`, `image->height` holding the declared size.
cjpeg_decoder *cjpeg_decoder_open(const uint8_t *data, size_t size, uint64_t max_pixels, cjpeg_image *image);

/// Decodes the pixels into `pixels` (width * height * channels bytes, as reported by cjpeg_decoder_open).
/// Returns 0 on success; otherwise non-zero with `message` (CJPEG_MESSAGE_LENGTH bytes) set.
int cjpeg_decoder_read(cjpeg_decoder *decoder, uint8_t *pixels, char *message);

/// Releases a decoder (after a read or instead of one).
void cjpeg_decoder_close(cjpeg_decoder *decoder);

/// Encodes 8-bit gray (channels 1) or RGB (channels 3) pixels with libjpeg's default tables and 4:2:0
/// chroma subsampling into a malloc'ed buffer. Returns 0 on success.
int cjpeg_encode(const uint8_t *pixels, int width, int height, int channels, int quality,
                 uint8_t **out_data, size_t *out_size, char *message);

/// Frees a buffer returned by cjpeg_encode.
void cjpeg_buffer_free(uint8_t *data);

#endif
