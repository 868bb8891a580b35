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

/*
 * The writer shared by pngout_write() and pngout_render(): the picture is
 * width x height pixels of format alpha ? ARGB32 : RGB24, its rows come
 * from rows(y, arg) (each valid until the next call), NULL when they
 * cannot (*rows_failed is then set by the source).
 */
typedef const uint32_t *(*row_source)(int y, void *arg);

static cairo_status_t write_png(int width, int height, int alpha, row_source rows, void *arg,
				cairo_write_func_t write, void *closure)
{
	struct dest d = { write, closure, CAIRO_STATUS_SUCCESS };
	png_structp png;
	png_infop volatile info = NULL;
	unsigned char *volatile row = NULL;
	volatile cairo_status_t st = CAIRO_STATUS_NO_MEMORY;

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
		const uint32_t *px = rows(y, arg);

		if (!px) {
			st = CAIRO_STATUS_NO_MEMORY;
			goto out;
		}
		convert_row(px, width, alpha, row);
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

struct surface_rows {
	const unsigned char *data;
	int stride;
};

static const uint32_t *surface_row(int y, void *arg)
{
	struct surface_rows *s = arg;

	return (const uint32_t *)(const void *)(s->data + (size_t)y * s->stride);
}

cairo_status_t pngout_write(cairo_surface_t *sf, cairo_write_func_t write, void *closure)
{
	struct surface_rows s;
	cairo_format_t fmt;

	cairo_surface_flush(sf);
	fmt = cairo_image_surface_get_format(sf);
	if (fmt != CAIRO_FORMAT_RGB24 && fmt != CAIRO_FORMAT_ARGB32)
		return CAIRO_STATUS_INVALID_FORMAT;
	s.stride = cairo_image_surface_get_stride(sf);
	if (!(s.data = cairo_image_surface_get_data(sf)))
		return CAIRO_STATUS_INVALID_FORMAT;
	return write_png(cairo_image_surface_get_width(sf), cairo_image_surface_get_height(sf),
			 fmt == CAIRO_FORMAT_ARGB32, surface_row, &s, write, closure);
}

/* The strips of pngout_render(): the one being drawn is rows y0 .. y0 +
 * height of its surface. */
struct strips {
	int width, height, rows;     /* picture size; rows per strip */
	double scale;
	pngout_draw_fn draw;
	void *arg;
	int *draw_status;
	cairo_surface_t *sf;
	int y0;
};

static const uint32_t *strip_row(int y, void *arg)
{
	struct strips *s = arg;

	if (!s->sf || y >= s->y0 + cairo_image_surface_get_height(s->sf)) {
		int h = s->height - y < s->rows ? s->height - y : s->rows;
		cairo_t *cr;

		if (s->sf)
			cairo_surface_destroy(s->sf);
		s->sf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, s->width, h);
		s->y0 = y;
		if (cairo_surface_status(s->sf) != CAIRO_STATUS_SUCCESS)
			return NULL;
		cr = cairo_create(s->sf);
		/* whole device pixels: the strip's pixels are those of one
		 * surface of the whole picture */
		cairo_translate(cr, 0, -y);
		cairo_scale(cr, s->scale, s->scale);
		*s->draw_status = s->draw(cr, s->arg);
		cairo_destroy(cr);
		if (*s->draw_status)
			return NULL;
		cairo_surface_flush(s->sf);
	}
	return (const uint32_t *)(const void *)(cairo_image_surface_get_data(s->sf) +
						 (size_t)(y - s->y0) *
						 cairo_image_surface_get_stride(s->sf));
}

cairo_status_t pngout_render(int width, int height, double scale, pngout_draw_fn draw, void *arg,
			     int *draw_status, cairo_write_func_t write, void *closure)
{
	struct strips s = { width, height, 0, scale, draw, arg, draw_status, NULL, 0 };
	cairo_status_t st;

	*draw_status = 0;
	s.rows = (int)(PNGOUT_STRIP_BYTES / ((size_t)(width > 0 ? width : 1) * 4));
	if (s.rows < 1)
		s.rows = 1;
	st = write_png(width, height, 0, strip_row, &s, write, closure);
	if (s.sf)
		cairo_surface_destroy(s.sf);
	return st;
}
