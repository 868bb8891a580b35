/* Charts drawn with cairo, all text laid out by Pango (SPEC section 6). */
#ifndef DIDKPI_CHART_H
#define DIDKPI_CHART_H

#include <stddef.h>

#include <cairo.h>

/*
 * The chart module is data in, pixels out: it knows nothing of the
 * database or of KPIs. The caller fills a struct chart (every pointer in it
 * is borrowed and only read during the call) and draws it on any cairo
 * context or writes it to a .png, .svg or .pdf file.
 *
 * Layout, top to bottom: title and subtitle; the y-axis title; the labels
 * of the vertical markers, in up to four lanes (when they need more, the
 * markers get numbers and their labels go to a key under the category
 * labels); the plot with a light horizontal grid and the target line
 * (labelled right of the plot); the category labels (flat, thinned, wrapped
 * or rotated as they fit); the legend, below the plot for lines and grouped
 * bars, right of it for stacked bars; the source line at the bottom left.
 * Nothing is drawn over the data but the target line. Text scales with the
 * canvas (13-unit body text on a 1000 x 600 canvas, a little larger on
 * smaller ones), so a chart looks alike at every size. The y axis always
 * includes 0. Numbers are formatted without the locale: "12,345", "25%".
 * The output depends only on the chart and the installed fonts: the same
 * chart gives the same PNG and SVG bytes.
 */

enum chart_kind {
	CHART_LINE,        /* a line per series over the categories */
	CHART_STACKED_BAR, /* a bar per category, series stacked upward */
	CHART_GROUPED_BAR  /* a group of bars per category, one per series */
};

enum chart_value_format {
	CHART_FMT_NUMBER,  /* counts and means: "12,345", "4.25" */
	CHART_FMT_PERCENT, /* fractions 0..1 shown as "25%" */
	CHART_FMT_HOURS,   /* hours ("ชม." / "h" on the target label) */
	CHART_FMT_MS       /* milliseconds ("ms" on the target label) */
};

/* How a line series is drawn (and shown in the legend). */
enum chart_line_style {
	CHART_LINE_MARKED, /* a line with a point at each value (the default) */
	CHART_LINE_PLAIN,  /* a line only */
	CHART_LINE_DASHED, /* a dashed line only (e.g. a counterfactual) */
	CHART_LINE_POINTS  /* points only */
};

struct chart_series {
	const char *name;      /* legend text; NULL or "" = no entry */
	const double *values;  /* ncategories values; NAN (or inf) = missing */
	const double *ci_low;  /* grouped bars: optional whisker ends (NULL */
	const double *ci_high; /* = none; NAN = none for that category) */
	int emphasis;          /* when any series sets it, emphasised series
				  get strong colours and the others greys */
};

struct chart_marker {
	double position;   /* category index, fractional allowed (3.5 = between
			      the 4th and the 5th); outside the categories =
			      not drawn */
	const char *label; /* e.g. the service that adopted Digital ID */
};

struct chart {
	enum chart_kind kind;
	int thai;               /* Thai texts ("ไม่มีข้อมูล", "เป้าหมาย") and
				   line breaking, else English */
	const char *title;      /* title, subtitle and source may be NULL */
	const char *subtitle;
	const char *source;     /* e.g. period and generation date */

	const char *const *categories; /* x labels, e.g. "ต.ค. 67" */
	size_t ncategories;
	const struct chart_series *series;
	size_t nseries;

	enum chart_value_format format;
	const char *y_title;    /* above the y axis; NULL: the unit for hours
				   and milliseconds, else none */

	int has_target;         /* a dashed horizontal line at target */
	double target;          /* in the units of the values */
	const char *target_label; /* NULL: "เป้าหมาย 60%" / "Target 60%" */

	const struct chart_marker *markers; /* dashed verticals (adoption) */
	size_t nmarkers;

	int stacked_share;      /* stacked bars normalised to 100%, shown as
				   percentages whatever the format */
	const char *ci_label;   /* legend text of whiskers; NULL: "95% CI" /
				   "ช่วงความเชื่อมั่น 95%" */

	const enum chart_line_style *line_styles; /* lines: NULL (every series
				   CHART_LINE_MARKED) or one per series */
	const size_t *line_breaks; /* lines: NULL or one per series: no
				   segment joins category b - 1 to b (0: none) */

	const double *targets;  /* optional, with has_target: the target in
				   force in each category (NAN = none there);
				   the line then steps from band to band, and
				   target is the value its label gives */
};

/*
 * chart_render() draws c on cr over the rectangle (0, 0)-(width, height) of
 * cr's user space, white background included; cr's state is restored.
 *
 * Missing values leave gaps in lines and say "ไม่มีข้อมูล" / "n/a" in
 * grouped bars; in stacked bars missing and negative values count as 0.
 * Zero and tiny bars stay visible as a sliver. A chart with no categories,
 * no series or only missing values shows "ไม่มีข้อมูล" ("No data") in the
 * plot area: the caller decides whether to draw such a chart.
 *
 * Returns DK_OK, or DK_SOFTWARE (with a message through log_error) for an
 * invalid chart (a count without its array, series without values, an
 * unknown kind, a bad size) or when cairo reports an error.
 */
int chart_render(const struct chart *c, cairo_t *cr, double width,
		 double height);

/*
 * chart_write_file() renders c into path, whose extension (any case)
 * chooses the format: ".png" (width x height pixels), ".svg" (width x
 * height px) or ".pdf" (a page of width x height points; 842 x 595 is A4
 * landscape). The file appears atomically, never through a symbolic link
 * (lib/outfile.h): the chart goes to a private temporary file beside path,
 * which is flushed, synced, checked, given the mode of the file it
 * replaces (or 0666 minus the umask) and renamed over path. On any
 * failure, or a signal, the temporary file is removed and a file already
 * at path is left untouched.
 *
 * Returns DK_OK; DK_USAGE for an unsupported extension or a size outside
 * 1..16384; DK_CANTCREAT when the file cannot be created or written (no
 * such directory, no permission, disk full, a symbolic link or a
 * non-regular file at path, another run writing it); DK_SOFTWARE as
 * chart_render(). Every failure is reported through log_error.
 */
int chart_write_file(const struct chart *c, const char *path, int width,
		     int height);

/*
 * chart_write_outfile() is chart_write_file() into an output file already
 * opened with outfile_open() (a command opens it before its queries, so
 * that a lock held or a planted link fails the run before any work). It
 * always consumes of: committed on success, aborted on failure.
 */
struct outfile;
int chart_write_outfile(const struct chart *c, struct outfile *of, int width,
			int height);

/*
 * chart_path_supported() is 1 when path's extension (any case) is one
 * chart_write_file() writes: .png, .svg or .pdf; else 0. For checking an
 * output name before any work is done.
 */
int chart_path_supported(const char *path);

/*
 * chart_font_check() asks fontconfig for an installed font covering Thai
 * (thai non-zero) or English (thai zero); for Thai it also checks that
 * Pango lays out a Thai sample without a missing glyph. A command calls it
 * first so that it refuses to draw rather than print boxes.
 *
 * Returns DK_OK, or DK_SOFTWARE after log_error("no Thai-capable font
 * installed: ...") and a hint naming fonts-thai-tlwg. (Not DK_UNAVAILABLE:
 * that status means the database is unavailable.)
 */
int chart_font_check(int thai);

/*
 * chart_font_check_begin() runs chart_font_check() on a thread of its own,
 * so that fontconfig's start (13 ms here, most of the check) overlaps the
 * database work of a report; chart_font_check_end() waits for it and
 * returns its status. Call end once after every begin, on every path,
 * before drawing or releasing the fonts. Without a thread the check runs
 * in begin.
 */
void chart_font_check_begin(int thai);
int chart_font_check_end(void);

/*
 * chart_font_family() returns the Pango family list used for all text,
 * e.g. "Sarabun, Noto Sans Thai, Loma, Garuda, Norasi, sans" for Thai.
 * Static storage.
 */
const char *chart_font_family(int thai);

/*
 * chart_fonts_release() drops Pango's default font map and the fonts it
 * caches for the life of the process, so that leak checkers
 * (AddressSanitizer) see a clean exit. Call it once at exit, after the
 * last chart. (fontconfig's own caches stay: finalising them races with
 * Pango's font-sorting thread.)
 */
void chart_fonts_release(void);

/*
 * chart_nice_ticks() chooses axis ticks covering [lo, hi]: the smallest
 * step of the form {1, 2, 2.5, 5} x 10^k giving at most max_ticks ticks
 * (at least 2); *first is a multiple of *step at or below lo, and *count
 * ticks reach hi or beyond. lo and hi may come in either order; an empty
 * range is widened around its value (0..0 becomes 0..1); a non-finite
 * bound or range gives the ticks of 0..1.
 * Examples with 6 ticks: 0..1: step 0.2, first 0, count 6; 0..1234: step
 * 250, first 0, count 6; -37..12: step 20, first -40, count 4.
 */
void chart_nice_ticks(double lo, double hi, int max_ticks, double *step,
		      double *first, int *count);

#endif
