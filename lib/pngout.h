/*
 * PNG encoding of cairo image surfaces, tuned for charts: cairo's own
 * writer (cairo_surface_write_to_png_stream) uses zlib's default level and
 * libpng's adaptive filters, which made encoding a third of a report's
 * client time. Charts are large flat areas: the Sub filter and zlib level
 * 3 give files about as small in a fraction of the time.
 */
#ifndef DIDKPI_PNGOUT_H
#define DIDKPI_PNGOUT_H

#include <cairo.h>

/* pngout_write() writes image surface sf (CAIRO_FORMAT_RGB24 or ARGB32)
 * as a PNG through write(closure, data, len), as
 * cairo_surface_write_to_png_stream() does: ARGB32 unpremultiplied to
 * RGBA, RGB24 as RGB. Returns CAIRO_STATUS_SUCCESS, the first status write
 * returned, CAIRO_STATUS_NO_MEMORY, or CAIRO_STATUS_INVALID_FORMAT for
 * another format. Deterministic: the same pixels give the same bytes. */
cairo_status_t pngout_write(cairo_surface_t *sf, cairo_write_func_t write, void *closure);

/*
 * pngout_render() writes a width x height opaque picture (RGB24: a pixel
 * draw does not paint is black; the charts paint a white background
 * first) that draw(cr, arg) paints (in user units scaled by scale) as
 * pngout_write() would write one surface of it, an RGB PNG, without ever
 * holding that surface: the picture is drawn once per horizontal strip
 * of at most PNGOUT_STRIP_BYTES, each translated by whole device pixels,
 * so that every strip's pixels are the whole picture's (RGB rather than
 * RGBA: a quarter less to filter and compress, the same pixels). A tall
 * chart at twice its size (10 MB of pixels for a report's before/after
 * chart of 18 services) then costs 1 MB of memory, for drawing it ten
 * times. The workbook draws two pictures at once (lib/xlsx.c) in the
 * memory one took with strips of 2 MB; drawing each picture twice as
 * often costs the monthly workbook about 20 ms of CPU (-j 1, median of 9).
 * draw returns 0 or a status: a nonzero one
 * stops the picture, is left in *draw_status, and the result is
 * CAIRO_STATUS_NO_MEMORY as for a strip that cannot be allocated.
 */
#define PNGOUT_STRIP_BYTES (1u << 20)
typedef int (*pngout_draw_fn)(cairo_t *cr, void *arg);
cairo_status_t pngout_render(int width, int height, double scale, pngout_draw_fn draw, void *arg,
			     int *draw_status, cairo_write_func_t write, void *closure);

#endif
