/* PNG encoding of chart surfaces (see pngout.h). */
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <png.h>

#include "pngout.h"

struct dest {
	cairo_write_func_t write;
	void *closure;
	cairo_status_t status;
};

static void dest_write(png_structp png, png_bytep data, png_size_t len)
{
	struct dest *d = png_get_io_ptr(png);

	/* libpng hands over at most its buffer size (8 KiB) at a time */
	if (d->status == CAIRO_STATUS_SUCCESS)
		d->status = d->write(d->closure, data, (unsigned int)len);
	if (d->status != CAIRO_STATUS_SUCCESS)
		png_error(png, "write failed");
}

static void dest_flush(png_structp png)
{
	(void)png;
}

/* One row of cairo pixels (native-endian 32-bit xRGB or premultiplied
 * ARGB) as PNG bytes. */
static void convert_row(const uint32_t *px, int width, int alpha, unsigned char *out)
{
	for (int x = 0; x < width; x++) {
		uint32_t p = px[x];
		unsigned a = p >> 24, r = (p >> 16) & 0xff, g = (p >> 8) & 0xff, b = p & 0xff;

		if (!alpha) {
			*out++ = r;
			*out++ = g;
			*out++ = b;
			continue;
		}
		if (a != 0 && a != 255) {  /* unpremultiply, rounded as cairo does */
			r = (r * 255 + a / 2) / a;
			g = (g * 255 + a / 2) / a;
			b = (b * 255 + a / 2) / a;
		} else if (a == 0) {
			r = g = b = 0;
		}
		*out++ = r;
		*out++ = g;
		*out++ = b;
		*out++ = a;
	}
}

cairo_status_t pngout_write(cairo_surface_t *sf, cairo_write_func_t write, void *closure)
{
	struct dest d = { write, closure, CAIRO_STATUS_SUCCESS };
	cairo_format_t fmt;
	png_structp png;
	png_infop volatile info = NULL;
	unsigned char *volatile row = NULL;
	const unsigned char *data;
	int width, height, stride, alpha;
	volatile cairo_status_t st = CAIRO_STATUS_NO_MEMORY;

	cairo_surface_flush(sf);
	fmt = cairo_image_surface_get_format(sf);
	if (fmt != CAIRO_FORMAT_RGB24 && fmt != CAIRO_FORMAT_ARGB32)
		return CAIRO_STATUS_INVALID_FORMAT;
	alpha = fmt == CAIRO_FORMAT_ARGB32;
	width = cairo_image_surface_get_width(sf);
	height = cairo_image_surface_get_height(sf);
	stride = cairo_image_surface_get_stride(sf);
	data = cairo_image_surface_get_data(sf);
	if (!data)
		return CAIRO_STATUS_INVALID_FORMAT;

	png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	if (!png)
		return CAIRO_STATUS_NO_MEMORY;
	if (!(info = png_create_info_struct(png)) ||
	    !(row = malloc((size_t)width * (alpha ? 4 : 3) + 1)))
		goto out;
	if (setjmp(png_jmpbuf(png))) {
		st = d.status != CAIRO_STATUS_SUCCESS ? d.status : CAIRO_STATUS_WRITE_ERROR;
		goto out;
	}
	png_set_write_fn(png, &d, dest_write, dest_flush);
	png_set_IHDR(png, info, (png_uint_32)width, (png_uint_32)height, 8,
		     alpha ? PNG_COLOR_TYPE_RGB_ALPHA : PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
		     PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_SUB);
	png_set_compression_level(png, 3);
	png_write_info(png, info);
	for (int y = 0; y < height; y++) {
		convert_row((const uint32_t *)(const void *)(data + (size_t)y * stride), width, alpha,
			    row);
		png_write_row(png, row);
	}
	png_write_end(png, info);
	st = CAIRO_STATUS_SUCCESS;
out:
	{
		png_infop inf = info;

		png_destroy_write_struct(&png, inf ? &inf : NULL);
	}
	free(row);
	return st;
}
