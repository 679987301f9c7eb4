#include "CJPEG.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <jerror.h>

typedef struct {
    struct jpeg_error_mgr base;
    jmp_buf jump;
    char *message;
} error_manager;

static void on_error_exit(j_common_ptr cinfo) {
    error_manager *errors = (error_manager *)cinfo->err;
    char text[JMSG_LENGTH_MAX];
    (*cinfo->err->format_message)(cinfo, text);
    snprintf(errors->message, CJPEG_MESSAGE_LENGTH, "%s", text);
    longjmp(errors->jump, 1);
}

static void on_emit_message(j_common_ptr cinfo, int level) {
    /* Warnings are ignored as Pillow ignores them, except premature end of data: Pillow refuses
       truncated images unless LOAD_TRUNCATED_IMAGES is set. */
    if (level < 0 && cinfo->err->msg_code == JWRN_JPEG_EOF) {
        error_manager *errors = (error_manager *)cinfo->err;
        snprintf(errors->message, CJPEG_MESSAGE_LENGTH, "image file is truncated (premature end of JPEG data)");
        longjmp(errors->jump, 1);
    }
}

static void on_output_message(j_common_ptr cinfo) { (void)cinfo; }

static void install_errors(error_manager *errors, char *message) {
    jpeg_std_error(&errors->base);
    errors->base.error_exit = on_error_exit;
    errors->base.emit_message = on_emit_message;
    errors->base.output_message = on_output_message;
    errors->message = message;
}

struct cjpeg_decoder {
    struct jpeg_decompress_struct cinfo;
    error_manager errors;
    char message[CJPEG_MESSAGE_LENGTH];
};

cjpeg_decoder *cjpeg_decoder_open(const uint8_t *data, size_t size, uint64_t max_pixels, cjpeg_image *image) {
    memset(image, 0, sizeof(*image));
    if (size < 3 || data[0] != 0xFF || data[1] != 0xD8) {
        snprintf(image->message, CJPEG_MESSAGE_LENGTH, "not a JPEG file (bad SOI marker)");
        return NULL;
    }
    cjpeg_decoder *decoder = (cjpeg_decoder *)calloc(1, sizeof(cjpeg_decoder));
    if (!decoder) {
        snprintf(image->message, CJPEG_MESSAGE_LENGTH, "out of memory");
        return NULL;
    }
    struct jpeg_decompress_struct *cinfo = &decoder->cinfo;
    install_errors(&decoder->errors, decoder->message);
    cinfo->err = &decoder->errors.base;
    if (setjmp(decoder->errors.jump)) {
        snprintf(image->message, CJPEG_MESSAGE_LENGTH, "%s", decoder->message);
        jpeg_destroy_decompress(cinfo);
        free(decoder);
        return NULL;
    }
    jpeg_create_decompress(cinfo);
    /* libjpeg's own working memory (a progressive image's coefficients: about 3 bytes a pixel) is capped, so
       the output buffer is the one large allocation; past the cap libjpeg fails cleanly (it has no backing
       store) instead of taking the machine's memory. */
    cinfo->mem->max_memory_to_use = CJPEG_WORKING_MEMORY;
    jpeg_mem_src(cinfo, (const unsigned char *)data, (unsigned long)size);
    jpeg_read_header(cinfo, TRUE);
    switch (cinfo->jpeg_color_space) {
    case JCS_GRAYSCALE:
        cinfo->out_color_space = JCS_GRAYSCALE;
        break;
    case JCS_CMYK:
    case JCS_YCCK:
        cinfo->out_color_space = JCS_CMYK;
        break;
    default:
        cinfo->out_color_space = JCS_RGB;
        break;
    }
    /* Refuse a decompression bomb from its frame header, before the pixels are allocated. */
    if ((uint64_t)cinfo->image_width * (uint64_t)cinfo->image_height > max_pixels) {
        snprintf(image->message, CJPEG_MESSAGE_LENGTH, "image declares %ux%u pixels", cinfo->image_width,
                 cinfo->image_height);
        image->width = (int)cinfo->image_width;
        image->height = (int)cinfo->image_height;
        image->too_many_pixels = 1;
        jpeg_destroy_decompress(cinfo);
        free(decoder);
        return NULL;
    }
    jpeg_calc_output_dimensions(cinfo);
    image->width = (int)cinfo->output_width;
    image->height = (int)cinfo->output_height;
    image->channels = cinfo->output_components;
    image->jpeg_color_space = (int)cinfo->jpeg_color_space;
    image->saw_adobe_marker = cinfo->saw_Adobe_marker;
    return decoder;
}

int cjpeg_decoder_read(cjpeg_decoder *decoder, uint8_t *pixels, char *message) {
    struct jpeg_decompress_struct *cinfo = &decoder->cinfo;
    if (setjmp(decoder->errors.jump)) {
        snprintf(message, CJPEG_MESSAGE_LENGTH, "%s", decoder->message);
        return 1;
    }
    jpeg_start_decompress(cinfo);
    size_t row_bytes = (size_t)cinfo->output_width * (size_t)cinfo->output_components;
    JSAMPROW rows[8];
    while (cinfo->output_scanline < cinfo->output_height) {
        /* Hand libjpeg several rows per call: it emits up to rec_outbuf_height at once. */
        JDIMENSION wanted = cinfo->output_height - cinfo->output_scanline;
        if (wanted > 8) wanted = 8;
        for (JDIMENSION i = 0; i < wanted; i++) {
            rows[i] = pixels + (size_t)(cinfo->output_scanline + i) * row_bytes;
        }
        jpeg_read_scanlines(cinfo, rows, wanted);
    }
    jpeg_finish_decompress(cinfo);
    return 0;
}

void cjpeg_decoder_close(cjpeg_decoder *decoder) {
    if (!decoder) return;
    jpeg_destroy_decompress(&decoder->cinfo);
    free(decoder);
}

int cjpeg_decode(const uint8_t *data, size_t size, cjpeg_image *image) {
    cjpeg_decoder *decoder = cjpeg_decoder_open(data, size, 1ull << 28, image);
    if (!decoder) return 1;
    size_t bytes = (size_t)image->width * (size_t)image->height * (size_t)image->channels;
    uint8_t *pixels = (uint8_t *)malloc(bytes ? bytes : 1);
    if (!pixels) {
        snprintf(image->message, CJPEG_MESSAGE_LENGTH, "out of memory");
        cjpeg_decoder_close(decoder);
        return 1;
    }
    int status = cjpeg_decoder_read(decoder, pixels, image->message);
    cjpeg_decoder_close(decoder);
    if (status != 0) {
        free(pixels);
        return status;
    }
    image->pixels = pixels;
    return 0;
}

void cjpeg_image_free(cjpeg_image *image) {
    free(image->pixels);
    image->pixels = NULL;
}

int cjpeg_encode(const uint8_t *pixels, int width, int height, int channels, int quality,
                 uint8_t **out_data, size_t *out_size, char *message) {
    *out_data = NULL;
    *out_size = 0;
    if (width <= 0 || height <= 0 || (channels != 1 && channels != 3)) {
        snprintf(message, CJPEG_MESSAGE_LENGTH, "invalid JPEG encoding parameters");
        return 1;
    }
    struct jpeg_compress_struct cinfo;
    error_manager errors;
    install_errors(&errors, message);
    cinfo.err = &errors.base;
    unsigned char *volatile buffer = NULL;
    unsigned long buffer_size = 0;
    if (setjmp(errors.jump)) {
        jpeg_destroy_compress(&cinfo);
        free(buffer);
        return 1;
    }
    jpeg_create_compress(&cinfo);
    unsigned char *destination = NULL;
    jpeg_mem_dest(&cinfo, &destination, &buffer_size);
    cinfo.image_width = (JDIMENSION)width;
    cinfo.image_height = (JDIMENSION)height;
    cinfo.input_components = channels;
    cinfo.in_color_space = channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, quality, TRUE);
    jpeg_start_compress(&cinfo, TRUE);
    size_t row_bytes = (size_t)width * (size_t)channels;
    while (cinfo.next_scanline < cinfo.image_height) {
        JSAMPROW row = (JSAMPROW)(pixels + (size_t)cinfo.next_scanline * row_bytes);
        jpeg_write_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_compress(&cinfo);
    buffer = destination;
    *out_data = destination;
    *out_size = (size_t)buffer_size;
    jpeg_destroy_compress(&cinfo);
    return 0;
}

void cjpeg_buffer_free(uint8_t *data) { free(data); }
