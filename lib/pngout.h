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

#endif
