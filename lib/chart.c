/* Charts: layout and drawing with cairo, text with Pango (SPEC section 6). */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>

#include "chart.h"
#include "log.h"
#include "outfile.h"
#include "pngout.h"
#include "status.h"

/*
 * Sarabun is the Thai government's standard face; fonts-thai-tlwg gives
 * Loma and Garuda (sans, with Latin glyphs). Pango falls back along the
 * list per script, so English charts still find a Thai font for Thai names.
 */
#define FAMILY_TH "Sarabun, Noto Sans Thai, Loma, Garuda, Norasi, sans"
#define FAMILY_EN "Noto Sans, DejaVu Sans, Liberation Sans, Loma, Garuda, sans"

#define MAX_SIZE 16384
#define MAX_LANES 6     /* rows of marker numbers above the plot */
#define MAX_LABEL_LANES 4 /* rows of marker labels before numbering them */
#define MAX_STACKED 3   /* marker labels stacked before "and N more" */

struct rgb {
	double r, g, b;
};

#define RGB(hex) { ((hex) >> 16 & 0xff) / 255.0, \
		   ((hex) >> 8 & 0xff) / 255.0, ((hex) & 0xff) / 255.0 }

/* Okabe-Ito: distinguishable with the common colour-vision deficiencies. */
static const struct rgb palette[] = {
	RGB(0x0072B2), RGB(0xD55E00), RGB(0x009E73), RGB(0xE69F00),
	RGB(0xCC79A7), RGB(0x56B4E9), RGB(0xF0E442), RGB(0x000000)
};
/* For series without emphasis when others have it; neighbours contrast. */
static const struct rgb greys[] = {
	RGB(0x9E9E9E), RGB(0xCFCFCF), RGB(0x707070), RGB(0xB8B8B8),
	RGB(0x4F4F4F)
};
/* Lighter greys for context lines, so they recede behind the hues. */
static const struct rgb line_greys[] = {
	RGB(0xA3A3A3), RGB(0x8A8A8A), RGB(0xBDBDBD), RGB(0x7A7A7A),
	RGB(0xB0B0B0)
};
static const struct rgb col_white = RGB(0xFFFFFF);
static const struct rgb col_title = RGB(0x1A1A1A);
static const struct rgb col_text = RGB(0x333333);
static const struct rgb col_muted = RGB(0x5E5E5E);
static const struct rgb col_grid = RGB(0xE3E3E3);
static const struct rgb col_axis = RGB(0x4D4D4D);
static const struct rgb col_marker = RGB(0x8C8C8C);
static const struct rgb col_target = RGB(0x262626);
static const struct rgb col_frame = RGB(0xCCCCCC);

enum leg_style { LEG_BOX, LEG_LINE, LEG_WHISKER, LEG_TARGET };

struct leg_item {
	PangoLayout *lay;
	double w, h;
	struct rgb col;
	enum leg_style style;
	int shape;
	enum chart_line_style line; /* LEG_LINE: as the series is drawn */
};

/* One label above the plot for one or more markers at the same place. */
struct mk_group {
	double x;       /* the vertical line */
	char *text;     /* labels joined by newlines */
	char *flat;     /* all labels joined by commas, for the key */
	PangoLayout *lay;
	PangoLayout *key; /* "n label, label" when the poles are numbered */
	double w, h;
	double a, b;    /* horizontal extent of the label, pole included */
	int left;       /* label drawn left of the pole */
	int lane;
};

enum xmode { X_FLAT, X_WRAP, X_ROTATED };

struct render {
	const struct chart *c;
	cairo_t *cr;
	PangoContext *pctx;
	const char *family;
	enum chart_value_format fmt; /* percent for shares, else c->format */
	double W, H, s, m;
	double fs_title, fs_sub, fs_body, fs_tick, fs_small;
	struct rgb *col;
	int *shape;
	int any_ci;

	double head_bottom;  /* below title and subtitle */
	double foot_top;     /* above the source line */

	struct leg_item *leg;
	size_t nleg;
	int leg_right;
	double leg_w, leg_h, leg_row_h;

	double ylo, yhi, ystep;
	int yticks, ydec;
	double ytick_w;

	double px, py, pw, ph, band;

	PangoLayout **xlab;
	enum xmode xmode;
	int xthin;
	double xlab_h;
	double xleft_need;   /* room for the first rotated label, left */

	struct mk_group *mk;
	size_t nmk;
	double mk_h;
	int mk_numbered;     /* numbers on the poles, labels in a key */
	double key_h;
	double lane_h[MAX_LANES];
	int nlanes;

	PangoLayout *tgt;
	double tgt_w, tgt_h;
	PangoLayout *ytitle;
	double yt_h;
};

static void set_rgb(cairo_t *cr, struct rgb c)
{
	cairo_set_source_rgb(cr, c.r, c.g, c.b);
}

/* A layout in the chart's font family at size user units. */
static PangoLayout *text_new(struct render *R, const char *text, double size,
			     int bold)
{
	PangoLayout *lay = pango_layout_new(R->pctx);
	PangoFontDescription *fd = pango_font_description_new();

	pango_font_description_set_family(fd, R->family);
	pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
	pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD :
					  PANGO_WEIGHT_NORMAL);
	pango_layout_set_font_description(lay, fd);
	pango_font_description_free(fd);
	pango_layout_set_text(lay, text ? text : "", -1);
	return lay;
}

static void text_size(PangoLayout *lay, double *w, double *h)
{
	PangoRectangle lr;

	pango_layout_get_extents(lay, NULL, &lr);
	*w = (double)lr.width / PANGO_SCALE;
	*h = (double)lr.height / PANGO_SCALE;
}

/* Limits lay to width w (wrapping into at most lines lines, then "…"). */
static void text_limit(PangoLayout *lay, double w, int lines)
{
	pango_layout_set_width(lay, (int)(w * PANGO_SCALE));
	pango_layout_set_wrap(lay, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_ellipsize(lay, PANGO_ELLIPSIZE_END);
	pango_layout_set_height(lay, -lines);
}

/* Draws lay with its top-left corner at (x, y). */
static void text_draw(struct render *R, PangoLayout *lay, double x, double y,
		      struct rgb col)
{
	set_rgb(R->cr, col);
	cairo_move_to(R->cr, x, y);
	pango_cairo_show_layout(R->cr, lay);
}

/* Offset from a layout's top to the middle of its digits and capitals. */
static double text_mid(PangoLayout *lay, double size)
{
	return (double)pango_layout_get_baseline(lay) / PANGO_SCALE -
	       0.36 * size;
}

/*
 * Formats v with dec decimals and a thousands separator, independent of the
 * locale (a command may have called setlocale).
 */
static void fmt_num(char *buf, size_t n, double v, int dec)
{
	char ip[24], grouped[32], fr[8] = "";
	double scale, r;
	long long iv, whole, frac;
	size_t len, i, j = 0;

	dec = dec < 0 ? 0 : dec > 6 ? 6 : dec;
	scale = pow(10, dec);
	r = round(fabs(v) * scale);
	if (!isfinite(v) || r > 9e15) {
		snprintf(buf, n, "%g", v);
		return;
	}
	iv = (long long)r;
	whole = iv / (long long)scale;
	frac = iv % (long long)scale;
	snprintf(ip, sizeof ip, "%lld", whole);
	len = strlen(ip);
	for (i = 0; i < len; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			grouped[j++] = ',';
		grouped[j++] = ip[i];
	}
	grouped[j] = '\0';
	for (i = (size_t)dec; i > 0; i--) {
		fr[i] = (char)('0' + frac % 10);
		frac /= 10;
	}
	if (dec > 0) {
		fr[0] = '.';
		fr[dec + 1] = '\0';
	}
	snprintf(buf, n, "%s%s%s", v < 0 && iv > 0 ? "-" : "", grouped, fr);
}

/* Decimals needed to print multiples of step exactly (at most 6). */
static int step_decimals(double step)
{
	int d;

	for (d = 0; d < 6; d++) {
		double x = step * pow(10, d);

		if (fabs(x - round(x)) < 1e-6 * fmax(1, fabs(x)))
			break;
	}
	return d;
}

/* Formats a value in the chart's format; unit adds "ชม."/"h"/"ms". */
static void fmt_value(const struct render *R, char *buf, size_t n, double v,
		      int dec, int unit)
{
	char num[48];

	switch (R->fmt) {
	case CHART_FMT_PERCENT:
		fmt_num(num, sizeof num, v * 100, dec);
		snprintf(buf, n, "%s%%", num);
		return;
	case CHART_FMT_HOURS:
		fmt_num(num, sizeof num, v, dec);
		snprintf(buf, n, "%s%s", num,
			 unit ? (R->c->thai ? " ชม." : " h") : "");
		return;
	case CHART_FMT_MS:
		fmt_num(num, sizeof num, v, dec);
		snprintf(buf, n, "%s%s", num, unit ? " ms" : "");
		return;
	case CHART_FMT_NUMBER:
		break;
	}
	fmt_num(buf, n, v, dec);
}

/* Decimals for a value label (not a tick). */
static int value_decimals(const struct render *R, double v)
{
	switch (R->fmt) {
	case CHART_FMT_PERCENT:
		return 1;
	case CHART_FMT_HOURS:
		return 1;
	case CHART_FMT_MS:
		return 0;
	case CHART_FMT_NUMBER:
		break;
	}
	if (v == round(v) || fabs(v) >= 100)
		return 0;
	return fabs(v) < 10 ? 2 : 1;
}

/* Decimals for the target: as few as show it exactly, up to one or two. */
static int target_decimals(const struct render *R, double v)
{
	double x = R->fmt == CHART_FMT_PERCENT ? v * 100 : v;

	if (fabs(x - round(x)) < 1e-9)
		return 0;
	return R->fmt == CHART_FMT_NUMBER ? value_decimals(R, v) : 1;
}

void chart_nice_ticks(double lo, double hi, int max_ticks, double *step,
		      double *first, int *count)
{
	static const double mult[] = { 1, 2, 2.5, 5 };
	double range, mag;
	int d, k;

	if (!isfinite(lo) || !isfinite(hi) || !isfinite(hi - lo)) {
		lo = 0;
		hi = 1;
	}
	if (lo > hi) {
		double t = lo;

		lo = hi;
		hi = t;
	}
	if (max_ticks < 2)
		max_ticks = 2;
	if (hi == lo) {
		double d0 = lo == 0 ? 1 : fabs(lo) * 0.1;

		if (lo == 0)
			hi = 1;
		else {
			lo -= d0;
			hi += d0;
		}
	}
	range = hi - lo;
	mag = pow(10, floor(log10(range / (max_ticks - 1))));
	for (d = 0; d < 4; d++, mag *= 10) {
		for (k = 0; k < 4; k++) {
			double st = mult[k] * mag;
			double f = floor(lo / st + 1e-9);
			double l = ceil(hi / st - 1e-9);

			if (l - f + 1 <= max_ticks) {
				*step = st;
				*first = f * st + 0.0;
				*count = (int)(l - f) + 1;
				return;
			}
		}
	}
	/* Unreachable for finite input; keep the outputs defined anyway. */
	*step = range;
	*first = lo;
	*count = 2;
}

static int finite_at(const double *v, size_t i)
{
	return v && isfinite(v[i]);
}

/* True if the chart has no value to draw. */
static int chart_empty(const struct chart *c)
{
	size_t i, j;

	for (j = 0; j < c->nseries; j++)
		for (i = 0; i < c->ncategories; i++)
			if (finite_at(c->series[j].values, i))
				return 0;
	return 1;
}

static double stacked_value(const struct chart *c, size_t j, size_t i)
{
	double v = c->series[j].values[i];

	return isfinite(v) && v > 0 ? v : 0;
}

static double stacked_total(const struct chart *c, size_t i)
{
	double t = 0;
	size_t j;

	for (j = 0; j < c->nseries; j++)
		t += stacked_value(c, j, i);
	return t;
}

/* The range the y axis must show, 0 always included. */
static void data_range(const struct render *R, double *lo, double *hi)
{
	const struct chart *c = R->c;
	size_t i, j;

	*lo = 0;
	*hi = 0;
	if (c->kind == CHART_STACKED_BAR) {
		if (c->stacked_share) {
			*hi = 1;
			return;
		}
		for (i = 0; i < c->ncategories; i++)
			*hi = fmax(*hi, stacked_total(c, i));
	} else {
		for (j = 0; j < c->nseries; j++) {
			const struct chart_series *se = &c->series[j];

			for (i = 0; i < c->ncategories; i++) {
				if (finite_at(se->values, i)) {
					*lo = fmin(*lo, se->values[i]);
					*hi = fmax(*hi, se->values[i]);
				}
				if (c->kind != CHART_GROUPED_BAR)
					continue;
				if (finite_at(se->ci_low, i)) {
					*lo = fmin(*lo, se->ci_low[i]);
					*hi = fmax(*hi, se->ci_low[i]);
				}
				if (finite_at(se->ci_high, i)) {
					*lo = fmin(*lo, se->ci_high[i]);
					*hi = fmax(*hi, se->ci_high[i]);
				}
			}
		}
	}
	if (c->has_target && c->targets) {
		for (size_t k = 0; k < c->ncategories; k++) {
			if (isfinite(c->targets[k])) {
				*lo = fmin(*lo, c->targets[k]);
				*hi = fmax(*hi, c->targets[k]);
			}
		}
	}
	if (c->has_target && isfinite(c->target)) {
		*lo = fmin(*lo, c->target);
		*hi = fmax(*hi, c->target);
	}
}

/* True if every value drawn is a whole number (counts). */
static int data_integral(const struct chart *c)
{
	size_t i, j;

	if (c->format != CHART_FMT_NUMBER)
		return 0;
	if (c->kind == CHART_STACKED_BAR && c->stacked_share)
		return 0;
	for (j = 0; j < c->nseries; j++)
		for (i = 0; i < c->ncategories; i++)
			if (finite_at(c->series[j].values, i) &&
			    c->series[j].values[i] !=
			    round(c->series[j].values[i]))
				return 0;
	return 1;
}

/* Chooses the y ticks for at most max_ticks ticks. */
static void yaxis_ticks(struct render *R, int max_ticks)
{
	double lo, hi, step, first;
	int count;

	data_range(R, &lo, &hi);
	chart_nice_ticks(lo, hi, max_ticks, &step, &first, &count);
	/* Counts get whole steps: no "2.5 requests". */
	while (data_integral(R->c) && step != round(step) && max_ticks > 2)
		chart_nice_ticks(lo, hi, --max_ticks, &step, &first, &count);
	if (data_integral(R->c) && step < 1) {
		step = 1;
		first = floor(lo);
		count = (int)(ceil(hi) - first) + 1;
	}
	R->ystep = step;
	R->ylo = first;
	R->yticks = count;
	R->yhi = first + (count - 1) * step;
	R->ydec = step_decimals(R->fmt == CHART_FMT_PERCENT ?
				step * 100 : step);
}

static double ymap(const struct render *R, double v)
{
	return R->py + R->ph * (R->yhi - v) / (R->yhi - R->ylo);
}

static double xmap(const struct render *R, double pos)
{
	return R->px + (pos + 0.5) * R->band;
}

/* Assigns colours and marker shapes: emphasis gets hues, the rest greys. */
static int series_style(struct render *R)
{
	const struct chart *c = R->c;
	size_t j, hue = 0, grey = 0;
	int any = 0;

	R->col = calloc(c->nseries ? c->nseries : 1, sizeof *R->col);
	R->shape = calloc(c->nseries ? c->nseries : 1, sizeof *R->shape);
	if (!R->col || !R->shape)
		return -1;
	for (j = 0; j < c->nseries; j++)
		any |= c->series[j].emphasis != 0;
	for (j = 0; j < c->nseries; j++) {
		if (any && !c->series[j].emphasis && c->kind == CHART_LINE)
			R->col[j] = line_greys[grey++ % (sizeof line_greys /
							 sizeof line_greys[0])];
		else if (any && !c->series[j].emphasis)
			R->col[j] = greys[grey++ % (sizeof greys /
						    sizeof greys[0])];
		else
			R->col[j] = palette[hue++ % (sizeof palette /
						     sizeof palette[0])];
		R->shape[j] = (int)(j % 4);
		if (c->series[j].ci_low && c->series[j].ci_high)
			R->any_ci = 1;
	}
	return 0;
}

static enum chart_line_style line_style(const struct chart *c, size_t j)
{
	return c->line_styles ? c->line_styles[j] : CHART_LINE_MARKED;
}

static const char *ci_text(const struct chart *c)
{
	if (c->ci_label)
		return c->ci_label;
	return c->thai ? "ช่วงความเชื่อมั่น 95%" : "95% CI";
}

static int legend_build(struct render *R)
{
	const struct chart *c = R->c;
	size_t j, n = 0;

	R->leg = calloc(c->nseries + 2, sizeof *R->leg);
	if (!R->leg)
		return -1;
	for (j = 0; j < c->nseries; j++) {
		/* A stacked legend reads top-down like the stack. */
		size_t k = c->kind == CHART_STACKED_BAR ?
			   c->nseries - 1 - j : j;
		struct leg_item *it = &R->leg[n];

		if (!c->series[k].name || !*c->series[k].name)
			continue;
		it->lay = text_new(R, c->series[k].name, R->fs_body, 0);
		it->col = R->col[k];
		it->style = c->kind == CHART_LINE ? LEG_LINE : LEG_BOX;
		it->shape = R->shape[k];
		it->line = line_style(c, k);
		n++;
	}
	if (c->kind == CHART_GROUPED_BAR && R->any_ci) {
		R->leg[n].lay = text_new(R, ci_text(c), R->fs_body, 0);
		R->leg[n].col = col_target;
		R->leg[n].style = LEG_WHISKER;
		n++;
	}
	/*
	 * The target is labelled beside its line, in a column right of the
	 * plot; with the legend already there, it joins the legend instead.
	 */
	R->leg_right = c->kind == CHART_STACKED_BAR && n > 0;
	if (c->has_target && isfinite(c->target)) {
		char buf[256], num[64];
		const char *t = c->target_label;

		if (!t) {
			fmt_value(R, num, sizeof num, c->target,
				  target_decimals(R, c->target), 1);
			snprintf(buf, sizeof buf, "%s %s",
				 c->thai ? "เป้าหมาย" : "Target", num);
			t = buf;
		}
		if (R->leg_right) {
			R->leg[n].lay = text_new(R, t, R->fs_body, 0);
			R->leg[n].col = col_target;
			R->leg[n].style = LEG_TARGET;
			n++;
		} else {
			R->tgt = text_new(R, t, R->fs_small, 1);
			text_size(R->tgt, &R->tgt_w, &R->tgt_h);
			if (R->tgt_w > 0.18 * R->W) {
				text_limit(R->tgt, 0.18 * R->W, 2);
				text_size(R->tgt, &R->tgt_w, &R->tgt_h);
			}
		}
	}
	R->nleg = n;
	return 0;
}

static double swatch_w(const struct render *R, const struct leg_item *it)
{
	return it->style == LEG_LINE || it->style == LEG_TARGET ?
	       2.2 * R->fs_body : 0.95 * R->fs_body;
}

/* Legend size: a column right of the plot, or rows under it. */
static void legend_measure(struct render *R)
{
	double gap = 0.45 * R->fs_body, sep = 1.5 * R->fs_body;
	double avail = R->W - 2 * R->m, x = 0;
	size_t i;
	int rows = 1;

	R->leg_w = 0;
	R->leg_h = 0;
	R->leg_row_h = 0;
	if (R->nleg == 0)
		return;
	for (i = 0; i < R->nleg; i++) {
		struct leg_item *it = &R->leg[i];
		double maxw = R->leg_right ? 0.24 * R->W :
			      avail - swatch_w(R, it) - gap;

		text_size(it->lay, &it->w, &it->h);
		if (it->w > maxw) {
			text_limit(it->lay, maxw, 1);
			text_size(it->lay, &it->w, &it->h);
		}
		R->leg_row_h = fmax(R->leg_row_h, it->h);
	}
	R->leg_h = R->nleg * (R->leg_row_h + 0.35 * R->fs_body);
	/* A column taller than the plot would run into the labels below. */
	if (R->leg_right && R->leg_h > 0.7 * (R->foot_top - R->head_bottom))
		R->leg_right = 0;
	if (R->leg_right) {
		for (i = 0; i < R->nleg; i++)
			R->leg_w = fmax(R->leg_w, swatch_w(R, &R->leg[i]) +
					gap + R->leg[i].w);
		return;
	}
	for (i = 0; i < R->nleg; i++) {
		double w = swatch_w(R, &R->leg[i]) + gap + R->leg[i].w;

		if (x > 0 && x + w > avail) {
			rows++;
			x = 0;
		}
		x += w + sep;
	}
	R->leg_h = rows * R->leg_row_h + (rows - 1) * 0.2 * R->fs_body;
}

static void draw_shape(cairo_t *cr, int shape, double x, double y, double r)
{
	switch (shape) {
	case 1:
		r *= 0.9;
		cairo_rectangle(cr, x - r, y - r, 2 * r, 2 * r);
		break;
	case 2:
		r *= 1.2;
		cairo_move_to(cr, x, y - r);
		cairo_line_to(cr, x + r * 0.866, y + r * 0.5);
		cairo_line_to(cr, x - r * 0.866, y + r * 0.5);
		cairo_close_path(cr);
		break;
	case 3:
		r *= 1.2;
		cairo_move_to(cr, x, y - r);
		cairo_line_to(cr, x + r, y);
		cairo_line_to(cr, x, y + r);
		cairo_line_to(cr, x - r, y);
		cairo_close_path(cr);
		break;
	default:
		cairo_new_sub_path(cr);
		cairo_arc(cr, x, y, r, 0, 2 * M_PI);
		break;
	}
}

/* A point marker: filled shape with a white ring to separate it. */
static void draw_point(struct render *R, int shape, double x, double y,
		       struct rgb col)
{
	cairo_t *cr = R->cr;
	double r = 3.6 * R->s;

	draw_shape(cr, shape, x, y, r);
	set_rgb(cr, col);
	cairo_fill_preserve(cr);
	set_rgb(cr, col_white);
	cairo_set_line_width(cr, 1.1 * R->s);
	cairo_stroke(cr);
}

static void draw_whisker(struct render *R, double x, double ya, double yb,
			 double cap)
{
	cairo_t *cr = R->cr;

	set_rgb(cr, col_target);
	cairo_set_line_width(cr, 1.3 * R->s);
	cairo_move_to(cr, x, ya);
	cairo_line_to(cr, x, yb);
	cairo_move_to(cr, x - cap / 2, ya);
	cairo_line_to(cr, x + cap / 2, ya);
	cairo_move_to(cr, x - cap / 2, yb);
	cairo_line_to(cr, x + cap / 2, yb);
	cairo_stroke(cr);
}

/* The dashed target rule from xa to xb at y. */
static void target_stroke(struct render *R, double xa, double xb, double y)
{
	double dash[] = { 7 * R->s, 4 * R->s };

	set_rgb(R->cr, col_target);
	cairo_set_line_width(R->cr, 1.6 * R->s);
	cairo_set_dash(R->cr, dash, 2, 0);
	cairo_move_to(R->cr, xa, y);
	cairo_line_to(R->cr, xb, y);
	cairo_stroke(R->cr);
	cairo_set_dash(R->cr, NULL, 0, 0);
}

static void legend_item_draw(struct render *R, const struct leg_item *it,
			     double x, double y, double row_h)
{
	cairo_t *cr = R->cr;
	double sw = swatch_w(R, it), cy = y + row_h / 2;
	double gap = 0.45 * R->fs_body;
	double b = 0.95 * R->fs_body;

	switch (it->style) {
	case LEG_BOX:
		cairo_rectangle(cr, x, cy - b / 2, b, b);
		set_rgb(cr, it->col);
		cairo_fill(cr);
		break;
	case LEG_LINE:
		set_rgb(cr, it->col);
		cairo_set_line_width(cr, 2.4 * R->s);
		if (it->line == CHART_LINE_DASHED)
			cairo_set_dash(cr, (const double[]){ 6 * R->s, 4 * R->s }, 2, 0);
		if (it->line != CHART_LINE_POINTS) {
			cairo_move_to(cr, x, cy);
			cairo_line_to(cr, x + sw, cy);
			cairo_stroke(cr);
		}
		cairo_set_dash(cr, NULL, 0, 0);
		if (it->line == CHART_LINE_MARKED || it->line == CHART_LINE_POINTS)
			draw_point(R, it->shape, x + sw / 2, cy, it->col);
		break;
	case LEG_WHISKER:
		draw_whisker(R, x + sw / 2, cy - b / 2, cy + b / 2, b * 0.6);
		break;
	case LEG_TARGET:
		target_stroke(R, x, x + sw, round(cy) + 0.5);
		break;
	}
	text_draw(R, it->lay, x + sw + gap, y + (row_h - it->h) / 2,
		  col_text);
}

static void legend_draw(struct render *R)
{
	double gap = 0.45 * R->fs_body, sep = 1.5 * R->fs_body;
	double avail = R->W - 2 * R->m, x = 0, y;
	size_t i;

	if (R->nleg == 0)
		return;
	if (R->leg_right) {
		x = R->W - R->m - R->leg_w;
		y = R->py;
		for (i = 0; i < R->nleg; i++) {
			legend_item_draw(R, &R->leg[i], x, y, R->leg_row_h);
			y += R->leg_row_h + 0.35 * R->fs_body;
		}
		return;
	}
	y = R->foot_top - R->leg_h;
	for (i = 0; i < R->nleg; i++) {
		double w = swatch_w(R, &R->leg[i]) + gap + R->leg[i].w;

		if (x > 0 && x + w > avail) {
			x = 0;
			y += R->leg_row_h + 0.2 * R->fs_body;
		}
		legend_item_draw(R, &R->leg[i], R->m + x, y, R->leg_row_h);
		x += w + sep;
	}
}

/* Width of the widest y tick label. */
static double ytick_width(struct render *R)
{
	double wmax = 0, w, h;
	char buf[64];
	int i;

	for (i = 0; i < R->yticks; i++) {
		PangoLayout *lay;

		fmt_value(R, buf, sizeof buf, R->ylo + i * R->ystep, R->ydec,
			  0);
		lay = text_new(R, buf, R->fs_tick, 0);
		text_size(lay, &w, &h);
		wmax = fmax(wmax, w);
		g_object_unref(lay);
	}
	return wmax;
}

/* An empty category label ("") takes no room: a long day series labels
 * only the first day of each month. */
static int xlabel_empty(const struct render *R, size_t i)
{
	return R->c->categories[i] == NULL || R->c->categories[i][0] == '\0';
}

/* The smallest distance, in categories, between two non-empty labels
 * (1 when none is empty, so that labels are spaced by the band). */
static double xlabel_gap(const struct render *R)
{
	size_t i, last = 0, gap = 0;
	int seen = 0;

	for (i = 0; i < R->c->ncategories; i++) {
		if (xlabel_empty(R, i))
			continue;
		if (seen && (gap == 0 || i - last < gap))
			gap = i - last;
		last = i;
		seen = 1;
	}
	return gap ? (double)gap : seen ? (double)R->c->ncategories : 1;
}

/* Rotated labels wrapped onto several lines: their baselines this many
 * font heights apart (Thai fonts' lines are tall for stacked marks), in a
 * font made at most this much smaller to fit. */
#define XWRAP_SPACING 0.85
#define XWRAP_MIN_SCALE 0.85

/* The category labels' font, scale times the tick labels' size. */
static void xlabel_font(struct render *R, PangoLayout *lay, double scale)
{
	PangoFontDescription *fd = pango_font_description_new();

	pango_font_description_set_family(fd, R->family);
	pango_font_description_set_absolute_size(fd, scale * R->fs_tick * PANGO_SCALE);
	pango_font_description_set_weight(fd, PANGO_WEIGHT_NORMAL);
	pango_layout_set_font_description(lay, fd);
	pango_font_description_free(fd);
}

/* Chooses how category labels fit under the plot; sets xlab_h. Thinning
 * (xthin) counts the non-empty labels only. */
static void xlabels_fit(struct render *R)
{
	const struct chart *c = R->c;
	double wmax = 0, hmax = 0, w, h, k;
	double space = R->band * xlabel_gap(R);
	double avail = space - 0.45 * R->fs_tick;
	size_t i, n = c->ncategories, shown = 0;
	double room, scale = 1;
	int lines;

	for (i = 0; i < n; i++) {
		xlabel_font(R, R->xlab[i], 1);
		pango_layout_set_line_spacing(R->xlab[i], 0);
		pango_layout_set_width(R->xlab[i], -1);
		pango_layout_set_height(R->xlab[i], -1);
		pango_layout_set_ellipsize(R->xlab[i], PANGO_ELLIPSIZE_NONE);
		pango_layout_set_alignment(R->xlab[i], PANGO_ALIGN_CENTER);
		text_size(R->xlab[i], &w, &h);
		wmax = fmax(wmax, w);
		hmax = fmax(hmax, h);
	}
	R->xthin = 1;
	if (wmax <= avail) {
		R->xmode = X_FLAT;
		R->xlab_h = hmax;
		return;
	}
	if (c->kind == CHART_GROUPED_BAR && avail >= 4 * R->fs_body) {
		/* Long service names: wrap to three lines, then ellipsize. */
		R->xmode = X_WRAP;
		R->xlab_h = 0;
		for (i = 0; i < n; i++) {
			text_limit(R->xlab[i], avail, 3);
			text_size(R->xlab[i], &w, &h);
			R->xlab_h = fmax(R->xlab_h, h);
		}
		return;
	}
	if (c->kind != CHART_GROUPED_BAR) {
		/* Months: show every k-th label level if k stays small. */
		k = ceil((wmax + 0.6 * R->fs_tick) / space);
		if (k <= 3) {
			R->xmode = X_FLAT;
			R->xthin = (int)k;
			R->xlab_h = hmax;
			return;
		}
	}
	/* Rotated 45 degrees, thinned so rotated labels do not touch. */
	R->xmode = X_ROTATED;
	k = ceil(hmax * 1.25 / 0.7071 / space);
	R->xthin = k < 1 ? 1 : k > (double)n ? (int)n : (int)k;
	R->xlab_h = 0;
	text_size(R->xlab[0], &w, &h);
	R->xleft_need = 0.7071 * (fmin(w, fmin(0.3 * R->H / 0.7071 - hmax,
					      0.25 * R->W)) + h / 2);
	/* Lines a long label may wrap onto: as many (at most 3) as fit
	 * between two shown labels, measured across the slant, in closer
	 * lines and a font at least XWRAP_MIN_SCALE of the usual. */
	room = 0.95 * R->xthin * space * 0.7071;
	for (lines = 3; lines > 1; lines--) {
		scale = room / (hmax * (1 + XWRAP_SPACING * (lines - 1)));
		if (scale >= XWRAP_MIN_SCALE)
			break;
	}
	scale = lines > 1 ? fmin(scale, 1) : 1;
	for (i = 0; i < n; i++) {
		double x = xmap(R, (double)i);
		/* Keep the label on the canvas and below a third of it. */
		double lim = fmin(0.3 * R->H / 0.7071 - hmax,
				  (x - 0.5 * R->m) / 0.7071 - hmax / 2);

		if (xlabel_empty(R, i) || shown++ % (size_t)R->xthin)
			continue;
		text_size(R->xlab[i], &w, &h);
		if (w > lim + 0.5) {
			/* Wrapped (Pango breaks Thai between words), lines
			 * ending at the tick; cut with "…" only past them. */
			if (lines > 1) {
				xlabel_font(R, R->xlab[i], scale);
				pango_layout_set_line_spacing(R->xlab[i], XWRAP_SPACING);
				pango_layout_set_alignment(R->xlab[i], PANGO_ALIGN_RIGHT);
			}
			if (lines > 1) {
				/* lines of even length: the narrowest width
				 * (in steps) that needs no "…", else lim */
				double lw = fmin(lim, w * scale / lines + R->fs_tick);

				for (;;) {
					text_limit(R->xlab[i], fmax(lw, R->fs_tick), lines);
					if (lw >= lim || !pango_layout_is_ellipsized(R->xlab[i]))
						break;
					lw = fmin(lim, lw * 1.1);
				}
			} else {
				text_limit(R->xlab[i], fmax(lim, R->fs_tick), lines);
			}
			text_size(R->xlab[i], &w, &h);
		}
		R->xlab_h = fmax(R->xlab_h, 0.7071 * (w + h));
	}
}

static void xlabels_draw(struct render *R)
{
	const struct chart *c = R->c;
	double y = R->py + R->ph + 0.45 * R->fs_tick;
	double cx0, cy0, cx1, cy1;
	size_t i, shown = 0;
	int say;

	/* -v says which names did not fit on one line, once: a picture
	 * drawn in strips (lib/pngout.c) is drawn once per strip, and only
	 * the strip that holds the labels' top edge speaks */
	cairo_clip_extents(R->cr, &cx0, &cy0, &cx1, &cy1);
	say = log_verbose && y >= cy0 && y < cy1;
	for (i = 0; i < c->ncategories; i++) {
		PangoLayout *lay = R->xlab[i];
		double x = xmap(R, (double)i), w, h;

		if (xlabel_empty(R, i) || shown++ % (size_t)R->xthin)
			continue;
		text_size(lay, &w, &h);
		if (say && pango_layout_is_ellipsized(lay))
			log_info("chart: category label cut with \"…\": %s", c->categories[i]);
		else if (say && pango_layout_get_line_count(lay) > 1)
			log_info("chart: category label on %d lines: %s",
				 pango_layout_get_line_count(lay), c->categories[i]);
		if (R->xmode == X_ROTATED) {
			PangoRectangle lr;

			/* the text's right end at the tick: a wrapped
			 * label's lines sit right in the layout's width */
			pango_layout_get_extents(lay, NULL, &lr);
			cairo_save(R->cr);
			cairo_translate(R->cr, x, y + 0.3536 * h);
			cairo_rotate(R->cr, -M_PI / 4);
			text_draw(R, lay, -(double)(lr.x + lr.width) / PANGO_SCALE, -h / 2,
				  col_text);
			cairo_restore(R->cr);
		} else if (R->xmode == X_WRAP) {
			double lw = (double)pango_layout_get_width(lay) /
				    PANGO_SCALE;

			text_draw(R, lay, x - lw / 2, y, col_text);
		} else {
			text_draw(R, lay, x - w / 2, y, col_text);
		}
	}
}

static int mk_cmp(const void *a, const void *b)
{
	const struct chart_marker *p = *(const struct chart_marker *const *)a;
	const struct chart_marker *q = *(const struct chart_marker *const *)b;

	if (p->position != q->position)
		return p->position < q->position ? -1 : 1;
	return 0;
}

/*
 * Groups markers closer than half a label line (same month): their labels
 * are stacked, at most MAX_STACKED, then "and N more".
 */
static int markers_group(struct render *R)
{
	const struct chart *c = R->c;
	const struct chart_marker **v;
	size_t i, j, n = 0;
	int rc = -1;

	v = calloc(c->nmarkers ? c->nmarkers : 1, sizeof *v);
	R->mk = calloc(c->nmarkers ? c->nmarkers : 1, sizeof *R->mk);
	if (!v || !R->mk)
		goto out;
	for (i = 0; i < c->nmarkers; i++)
		if (isfinite(c->markers[i].position) &&
		    c->markers[i].position > -0.5 - 1e-9 &&
		    c->markers[i].position < c->ncategories - 0.5 + 1e-9)
			v[n++] = &c->markers[i];
	qsort(v, n, sizeof *v, mk_cmp);
	for (i = 0; i < n; i = j) {
		struct mk_group *g = &R->mk[R->nmk++];
		size_t len = 64, k;

		for (j = i; j < n && (v[j]->position - v[i]->position) *
		     R->band < 0.5 * R->fs_small + 1e-9; j++)
			len += strlen(v[j]->label ? v[j]->label : "") + 1;
		g->x = v[i]->position;  /* converted to x by markers_fit() */
		g->text = malloc(len);
		g->flat = malloc(len + 2 * (j - i));
		if (!g->text || !g->flat)
			goto out;
		g->text[0] = '\0';
		g->flat[0] = '\0';
		for (k = i; k < j; k++) {
			if (k > i)
				strcat(g->flat, ", ");
			strcat(g->flat, v[k]->label ? v[k]->label : "");
		}
		for (k = i; k < j; k++) {
			if (k - i == MAX_STACKED - 1 && j - i > MAX_STACKED) {
				size_t more = j - k, l = strlen(g->text);

				snprintf(g->text + l, len - l, c->thai ?
					 "\nและอีก %zu รายการ" :
					 "\nand %zu more", more);
				break;
			}
			if (k > i)
				strcat(g->text, "\n");
			strcat(g->text, v[k]->label ? v[k]->label : "");
		}
		g->lay = text_new(R, g->text, R->fs_small, 0);
	}
	rc = 0;
out:
	free(v);
	return rc;
}

/* Does the label of g cover x (the pole of another marker)? */
static int mk_covers(const struct mk_group *g, double x, double gap)
{
	return x > g->a - gap && x < g->b + gap;
}

/*
 * Places marker labels in lanes above the plot. A marker's pole runs from
 * the plot up to its label, so a label covering another pole must sit in a
 * higher lane than that pole's label, and overlapping labels need different
 * lanes. Returns the number of lanes, or -1 if more than max_lanes would be
 * needed.
 */
static int markers_lanes(struct render *R, double maxw, int max_lanes)
{
	double pad = 0.35 * R->fs_small, gap = 0.6 * R->fs_small;
	double lim_l = R->m, lim_r = R->W - R->m;
	size_t i, j;
	int lanes = 0, iter, changed = 1;

	for (i = 0; i < R->nmk; i++) {
		struct mk_group *g = &R->mk[i];
		double x = xmap(R, g->x), room;

		pango_layout_set_width(g->lay, -1);
		pango_layout_set_ellipsize(g->lay, PANGO_ELLIPSIZE_NONE);
		text_size(g->lay, &g->w, &g->h);
		room = fmax(lim_r - x, x - lim_l) - pad;
		if (g->w > fmin(maxw, room)) {
			text_limit(g->lay, fmax(fmin(maxw, room),
						2 * R->fs_small), 1);
			text_size(g->lay, &g->w, &g->h);
		}
		g->left = x + pad + g->w > lim_r;
		g->a = g->left ? x - pad - g->w : x;
		g->b = g->left ? x : x + pad + g->w;
		g->lane = 0;
	}
	for (iter = 0; changed && iter < 1000; iter++) {
		changed = 0;
		for (i = 0; i < R->nmk; i++) {
			for (j = 0; j < R->nmk; j++) {
				struct mk_group *p = &R->mk[i], *q = &R->mk[j];
				double xq = xmap(R, q->x);

				if (i == j)
					continue;
				if (mk_covers(p, xq, gap * 0.5) &&
				    p->lane <= q->lane) {
					p->lane = q->lane + 1;
					changed = 1;
				} else if (i > j && p->lane == q->lane &&
					   p->a < q->b + gap &&
					   q->a < p->b + gap) {
					p->lane++;
					changed = 1;
				}
				if (p->lane >= max_lanes)
					return -1;
			}
		}
	}
	if (changed)
		return -1;
	for (i = 0; i < R->nmk; i++)
		if (R->mk[i].lane + 1 > lanes)
			lanes = R->mk[i].lane + 1;
	return lanes;
}

/*
 * Flows the key entries of numbered markers ("3 label, label") in rows
 * like a legend; draws them if draw is set. Returns the height.
 */
static double key_flow(struct render *R, double top, int draw)
{
	double avail = R->W - 2 * R->m, sep = 1.2 * R->fs_body;
	double x = 0, y = 0, row_h = 0, w, h;
	size_t i;

	for (i = 0; i < R->nmk; i++) {
		text_size(R->mk[i].key, &w, &h);
		if (x > 0 && x + w > avail) {
			x = 0;
			y += row_h + 0.15 * R->fs_small;
			row_h = 0;
		}
		if (draw)
			text_draw(R, R->mk[i].key, R->m + x, top + y,
				  col_muted);
		x += w + sep;
		row_h = fmax(row_h, h);
	}
	return y + row_h;
}

static void markers_key(struct render *R)
{
	size_t i;

	for (i = 0; i < R->nmk; i++) {
		struct mk_group *g = &R->mk[i];
		char *esc;
		GString *m;

		if (g->key)
			continue;
		esc = g_markup_escape_text(g->flat, -1);
		m = g_string_new(NULL);
		g_string_append_printf(m, "<b>%zu</b>  %s", i + 1, esc);
		g->key = text_new(R, "", R->fs_small, 0);
		pango_layout_set_markup(g->key, m->str, -1);
		text_limit(g->key, R->W - 2 * R->m, 2);
		g_string_free(m, TRUE);
		g_free(esc);
	}
	R->key_h = key_flow(R, 0, 0);
}

/* The key of numbered markers, under the category labels. */
static void key_draw(struct render *R)
{
	if (R->mk_numbered)
		key_flow(R, R->py + R->ph + 0.45 * R->fs_tick + R->xlab_h +
			 0.6 * R->fs_body, 1);
}

/*
 * Lays out marker labels, narrowing them until they fit in a few lanes;
 * when they cannot, the poles get numbers and the labels go to a key.
 */
static void markers_fit(struct render *R)
{
	double maxw = 0.3 * R->pw, minw = fmax(0.12 * R->pw, 8 * R->fs_small);
	int lanes = -1, l;
	size_t i;

	R->mk_h = 0;
	R->key_h = 0;
	R->nlanes = 0;
	R->mk_numbered = 0;
	if (R->nmk == 0)
		return;
	for (i = 0; i < R->nmk; i++) {
		pango_layout_set_attributes(R->mk[i].lay, NULL);
		pango_layout_set_text(R->mk[i].lay, R->mk[i].text, -1);
	}
	for (;;) {
		lanes = markers_lanes(R, maxw, MAX_LABEL_LANES);
		if (lanes >= 0 || maxw <= minw)
			break;
		maxw = fmax(minw, maxw * 0.8);
	}
	if (lanes < 0) {
		R->mk_numbered = 1;
		for (i = 0; i < R->nmk; i++) {
			char num[32];

			snprintf(num, sizeof num, "<b>%zu</b>", i + 1);
			pango_layout_set_markup(R->mk[i].lay, num, -1);
		}
		lanes = markers_lanes(R, R->pw, MAX_LANES);
		markers_key(R);
	}
	if (lanes < 0) {
		/* Still crowded: one lane per group, in turn. */
		for (i = 0; i < R->nmk; i++)
			R->mk[i].lane = (int)(i % MAX_LANES);
		lanes = R->nmk < MAX_LANES ? (int)R->nmk : MAX_LANES;
	}
	R->nlanes = lanes;
	for (l = 0; l < lanes; l++)
		R->lane_h[l] = 0;
	for (i = 0; i < R->nmk; i++)
		R->lane_h[R->mk[i].lane] = fmax(R->lane_h[R->mk[i].lane],
						 R->mk[i].h);
	for (l = 0; l < lanes; l++)
		R->mk_h += R->lane_h[l] + 0.15 * R->fs_small;
}

/* Top y of lane l's labels. */
static double lane_top(const struct render *R, int l)
{
	double y = R->py - 0.3 * R->fs_small;
	int k;

	for (k = 0; k <= l; k++)
		y -= R->lane_h[k] + 0.15 * R->fs_small;
	return y;
}

static void markers_draw_poles(struct render *R)
{
	cairo_t *cr = R->cr;
	double dash[] = { 4 * R->s, 3 * R->s };
	size_t i;

	cairo_set_line_width(cr, 1.1 * R->s);
	set_rgb(cr, col_marker);
	for (i = 0; i < R->nmk; i++) {
		double x = round(xmap(R, R->mk[i].x)) + 0.5;

		cairo_set_dash(cr, dash, 2, 0);
		cairo_move_to(cr, x, R->py + R->ph);
		cairo_line_to(cr, x, R->py);
		cairo_stroke(cr);
		cairo_set_dash(cr, NULL, 0, 0);
		cairo_move_to(cr, x, R->py);
		cairo_line_to(cr, x, lane_top(R, R->mk[i].lane) +
			      0.15 * R->fs_small);
		cairo_stroke(cr);
	}
}

static void markers_draw_labels(struct render *R)
{
	double pad = 0.35 * R->fs_small;
	size_t i;

	for (i = 0; i < R->nmk; i++) {
		struct mk_group *g = &R->mk[i];
		double x = round(xmap(R, g->x)) + 0.5;
		double y = lane_top(R, g->lane);
		PangoRectangle lr;

		if (g->left)
			pango_layout_set_alignment(g->lay, PANGO_ALIGN_RIGHT);
		/* With a width set, aligned lines start inside the box. */
		pango_layout_get_extents(g->lay, NULL, &lr);
		if (g->left)
			text_draw(R, g->lay, x - pad - (double)(lr.x +
				  lr.width) / PANGO_SCALE, y, col_muted);
		else
			text_draw(R, g->lay, x + pad - (double)lr.x /
				  PANGO_SCALE, y, col_muted);
	}
}

/* Computes every area of the chart: plot, labels, legend, lanes. */
static void layout(struct render *R)
{
	const struct chart *c = R->c;
	double top, bottom, right;
	int max_ticks = 6, pass;

	legend_measure(R);
	for (pass = 0; pass < 3; pass++) {
		int want;

		yaxis_ticks(R, max_ticks);
		R->ytick_w = ytick_width(R);
		R->px = R->m + R->ytick_w + 0.5 * R->fs_tick;
		right = R->W - R->m;
		if (R->leg_right)
			right -= R->leg_w + 1.4 * R->fs_body;
		if (R->tgt)
			right -= R->tgt_w + 0.5 * R->fs_small;
		R->pw = fmax(right - R->px, 10);
		R->band = R->pw / (double)c->ncategories;
		xlabels_fit(R);
		if (R->xmode == X_ROTATED) {
			/* Move the plot right until the first label fits. */
			double n2 = 2.0 * (double)c->ncategories;
			double need = (0.5 * R->m + R->xleft_need + 2 -
				       right / n2) /
				      (1 - 1 / n2);

			if (need > R->px && need < right - 10) {
				R->px = need;
				R->pw = right - R->px;
				R->band = R->pw / (double)c->ncategories;
				xlabels_fit(R);
			}
		}
		markers_fit(R);

		top = R->head_bottom;
		if (R->ytitle)
			top += R->yt_h + 0.25 * R->fs_tick;
		top += R->mk_h + (R->mk_h > 0 ? 0.45 : 0.7) * R->fs_tick;
		bottom = R->foot_top - 0.45 * R->fs_tick - R->xlab_h;
		if (R->mk_numbered)
			bottom -= R->key_h + 0.6 * R->fs_body;
		if (!R->leg_right && R->nleg)
			bottom -= R->leg_h + 0.9 * R->fs_body;
		R->py = top;
		R->ph = fmax(bottom - top, 10);
		want = (int)floor(R->ph / (2.8 * R->fs_tick)) + 1;
		want = want < 3 ? 3 : want > 9 ? 9 : want;
		if (want == max_ticks)
			break;
		max_ticks = want;
	}
}

static void grid_draw(struct render *R)
{
	cairo_t *cr = R->cr;
	char buf[64];
	int i;

	cairo_set_line_width(cr, fmax(1, round(R->s)));
	for (i = 0; i < R->yticks; i++) {
		double v = R->ylo + i * R->ystep;
		double y = round(ymap(R, v)) + 0.5;
		PangoLayout *lay;
		double w, h;

		set_rgb(cr, col_grid);
		cairo_move_to(cr, R->px, y);
		cairo_line_to(cr, R->px + R->pw, y);
		cairo_stroke(cr);
		fmt_value(R, buf, sizeof buf, v, R->ydec, 0);
		lay = text_new(R, buf, R->fs_tick, 0);
		text_size(lay, &w, &h);
		text_draw(R, lay, R->px - 0.5 * R->fs_tick - w,
			  y - text_mid(lay, R->fs_tick), col_muted);
		g_object_unref(lay);
	}
	if (R->ytitle)
		text_draw(R, R->ytitle, R->m, R->head_bottom, col_text);
}

/* The zero line (or the bottom of the axis) over the data. */
static void baseline_draw(struct render *R)
{
	double v = R->ylo <= 0 && R->yhi >= 0 ? 0 : R->ylo;
	double y = round(ymap(R, v)) + 0.5;

	set_rgb(R->cr, col_axis);
	cairo_set_line_width(R->cr, fmax(1, round(R->s)));
	cairo_move_to(R->cr, R->px, y);
	cairo_line_to(R->cr, R->px + R->pw, y);
	cairo_stroke(R->cr);
}

/* A target that changes between categories: one dashed path of steps
 * over the bands that have one. */
static void target_steps(struct render *R)
{
	const struct chart *c = R->c;
	double dash[] = { 7 * R->s, 4 * R->s }, prev = NAN;
	size_t i;

	set_rgb(R->cr, col_target);
	cairo_set_line_width(R->cr, 1.6 * R->s);
	cairo_set_dash(R->cr, dash, 2, 0);
	for (i = 0; i < c->ncategories; i++) {
		double t = c->targets[i], x = R->px + (double)i * R->band, y;

		if (!isfinite(t)) {
			prev = NAN;
			continue;
		}
		y = round(ymap(R, t)) + 0.5;
		if (isfinite(prev))
			cairo_line_to(R->cr, x, y);
		else
			cairo_move_to(R->cr, x, y);
		cairo_line_to(R->cr, x + R->band, y);
		prev = t;
	}
	cairo_stroke(R->cr);
	cairo_set_dash(R->cr, NULL, 0, 0);
}

static void target_draw(struct render *R)
{
	double y;

	if (!R->c->has_target || !isfinite(R->c->target))
		return;
	y = round(ymap(R, R->c->target)) + 0.5;
	if (R->c->targets)
		target_steps(R);
	else
		target_stroke(R, R->px, R->px + R->pw, y);
	if (R->tgt)
		text_draw(R, R->tgt, R->px + R->pw + 0.5 * R->fs_small,
			  y - (R->tgt_h > 1.6 * R->fs_small ? R->tgt_h / 2 :
			       text_mid(R->tgt, R->fs_small)), col_target);
}

static void line_draw(struct render *R)
{
	const struct chart *c = R->c;
	cairo_t *cr = R->cr;
	size_t i, j;
	int points = R->band >= 3.2 * 3.6 * R->s;
	double lw;
	int any_emph = 0, pass;

	for (j = 0; j < c->nseries; j++)
		any_emph |= c->series[j].emphasis != 0;
	/* Greys first, so the emphasised lines stay on top. */
	for (pass = 0; pass < 2; pass++) {
		for (j = 0; j < c->nseries; j++) {
			const double *v = c->series[j].values;
			int emph = !any_emph || c->series[j].emphasis;
			int pen = 0;

			if (emph != pass)
				continue;
			set_rgb(cr, R->col[j]);
			lw = (emph ? 2.6 : 1.9) * R->s;
			/* a long series (a year of days): thinner, so that
			 * neighbouring peaks stay apart */
			if (R->band < 1.5 * lw)
				lw = fmax(R->s, R->band / 1.5);
			cairo_set_line_width(cr, lw);
			cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
			cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
			if (line_style(c, j) == CHART_LINE_DASHED)
				cairo_set_dash(cr, (const double[]){ 6 * R->s, 4 * R->s }, 2, 0);
			for (i = 0; i < c->ncategories; i++) {
				double x = xmap(R, (double)i);

				if (!finite_at(v, i) || line_style(c, j) == CHART_LINE_POINTS) {
					pen = 0;
					continue;
				}
				if (i > 0 && c->line_breaks && i == c->line_breaks[j])
					pen = 0;
				if (pen)
					cairo_line_to(cr, x, ymap(R, v[i]));
				else
					cairo_move_to(cr, x, ymap(R, v[i]));
				pen = 1;
			}
			cairo_stroke(cr);
			cairo_set_dash(cr, NULL, 0, 0);
			if (line_style(c, j) == CHART_LINE_PLAIN ||
			    line_style(c, j) == CHART_LINE_DASHED)
				continue;
			for (i = 0; i < c->ncategories; i++) {
				int alone = (i == 0 || !finite_at(v, i - 1)) &&
					    (i + 1 == c->ncategories ||
					     !finite_at(v, i + 1));

				if (line_style(c, j) == CHART_LINE_POINTS)
					alone = 1;
				if (finite_at(v, i) && (points || alone))
					draw_point(R, R->shape[j],
						   xmap(R, (double)i),
						   ymap(R, v[i]), R->col[j]);
			}
		}
	}
	cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
}

/* Missing is not zero: a bar's place says "no data" above the axis. */
static void missing_draw(struct render *R, double xc, double maxw, double y)
{
	PangoLayout *lay = text_new(R, R->c->thai ? "ไม่มีข้อมูล" : "n/a",
				    R->fs_small * 0.9, 0);
	double w, h;

	text_size(lay, &w, &h);
	if (w > maxw) {
		g_object_unref(lay);
		lay = text_new(R, "\u2013", R->fs_small, 0);
		text_size(lay, &w, &h);
	}
	text_draw(R, lay, xc - w / 2, y - h * 1.05, col_muted);
	g_object_unref(lay);
}

/* True if category i has no value in any series. */
static int category_missing(const struct chart *c, size_t i)
{
	size_t j;

	for (j = 0; j < c->nseries; j++)
		if (finite_at(c->series[j].values, i))
			return 0;
	return 1;
}

static void stacked_draw(struct render *R)
{
	const struct chart *c = R->c;
	cairo_t *cr = R->cr;
	double bw = fmin(R->band * 0.66, 90 * R->s);
	size_t i, j;

	for (i = 0; i < c->ncategories; i++) {
		double total = stacked_total(c, i), base = 0;
		double x = xmap(R, (double)i) - bw / 2;

		if (category_missing(c, i) || (c->stacked_share && total <= 0))
			missing_draw(R, x + bw / 2, R->band, ymap(R, 0));
		if (total <= 0)
			continue;
		for (j = 0; j < c->nseries; j++) {
			double v = stacked_value(c, j, i), ya, yb;

			if (c->stacked_share)
				v /= total;
			if (v <= 0)
				continue;
			ya = ymap(R, base);
			yb = ymap(R, base + v);
			cairo_rectangle(cr, x, yb, bw, ya - yb);
			set_rgb(cr, R->col[j]);
			cairo_fill(cr);
			base += v;
		}
		/* Thin white rules keep neighbouring greys apart. */
		base = 0;
		set_rgb(cr, col_white);
		cairo_set_line_width(cr, 0.9 * R->s);
		for (j = 0; j + 1 < c->nseries; j++) {
			double v = stacked_value(c, j, i), y;

			if (c->stacked_share)
				v /= total;
			if (v <= 0)
				continue;
			base += v;
			y = ymap(R, base);
			cairo_move_to(cr, x, y);
			cairo_line_to(cr, x + bw, y);
		}
		cairo_stroke(cr);
	}
}

static void grouped_draw(struct render *R)
{
	const struct chart *c = R->c;
	cairo_t *cr = R->cr;
	double bw = fmin(R->band * 0.76 / (double)c->nseries, 80 * R->s);
	double gw = bw * (double)c->nseries;
	double yz = ymap(R, 0), minh = 1.5 * R->s;
	size_t i, j;
	char buf[64];

	for (i = 0; i < c->ncategories; i++) {
		double gx = xmap(R, (double)i) - gw / 2;

		for (j = 0; j < c->nseries; j++) {
			const struct chart_series *se = &c->series[j];
			double x = gx + j * bw + bw * 0.06, w = bw * 0.88;
			double v, yv, lw, lh;
			PangoLayout *lay;

			if (!finite_at(se->values, i)) {
				missing_draw(R, x + w / 2, bw * 1.1, yz);
				continue;
			}
			v = se->values[i];
			yv = ymap(R, v);
			/* Tiny and zero values stay visible as a sliver. */
			if (fabs(yv - yz) < minh)
				yv = v < 0 ? yz + minh : yz - minh;
			cairo_rectangle(cr, x, fmin(yv, yz), w, fabs(yz - yv));
			set_rgb(cr, R->col[j]);
			cairo_fill(cr);
			if (finite_at(se->ci_low, i) &&
			    finite_at(se->ci_high, i))
				draw_whisker(R, x + w / 2,
					     ymap(R, se->ci_low[i]),
					     ymap(R, se->ci_high[i]),
					     fmin(w * 0.4, 9 * R->s));
			if (R->any_ci)
				continue;
			fmt_value(R, buf, sizeof buf, v,
				  value_decimals(R, v), 0);
			lay = text_new(R, buf, R->fs_small, 0);
			text_size(lay, &lw, &lh);
			if (lw <= bw * 1.05)
				text_draw(R, lay, x + w / 2 - lw / 2,
					  v < 0 ? yv + 0.1 * lh :
					  yv - 1.05 * lh, col_text);
			g_object_unref(lay);
		}
	}
}

static void nodata_draw(struct render *R)
{
	cairo_t *cr = R->cr;
	double top = R->head_bottom + 0.7 * R->fs_tick;
	double bottom = R->foot_top - 0.7 * R->fs_tick;
	double x = R->m, w = R->W - 2 * R->m, h = fmax(bottom - top, 10);
	double lw, lh;
	PangoLayout *lay;

	set_rgb(cr, col_frame);
	cairo_set_line_width(cr, fmax(1, round(R->s)));
	cairo_rectangle(cr, round(x) + 0.5, round(top) + 0.5, round(w),
			round(h));
	cairo_stroke(cr);
	lay = text_new(R, R->c->thai ? "ไม่มีข้อมูล" : "No data",
		       1.5 * R->fs_body, 0);
	text_size(lay, &lw, &lh);
	text_draw(R, lay, x + (w - lw) / 2, top + (h - lh) / 2, col_muted);
	g_object_unref(lay);
}

/* Title, subtitle and source; sets head_bottom and foot_top. */
static void frame_draw(struct render *R)
{
	const struct chart *c = R->c;
	double y = R->m, avail = R->W - 2 * R->m, w, h;
	PangoLayout *lay;

	if (c->title && *c->title) {
		lay = text_new(R, c->title, R->fs_title, 1);
		text_limit(lay, avail, 2);
		text_size(lay, &w, &h);
		text_draw(R, lay, R->m, y, col_title);
		y += h + 0.3 * R->fs_sub;
		g_object_unref(lay);
	}
	if (c->subtitle && *c->subtitle) {
		lay = text_new(R, c->subtitle, R->fs_sub, 0);
		text_limit(lay, avail, 2);
		text_size(lay, &w, &h);
		text_draw(R, lay, R->m, y, col_muted);
		y += h;
		g_object_unref(lay);
	}
	R->head_bottom = y + 0.6 * R->fs_body;
	R->foot_top = R->H - R->m;
	if (c->source && *c->source) {
		lay = text_new(R, c->source, R->fs_small, 0);
		text_limit(lay, avail, 2);
		text_size(lay, &w, &h);
		R->foot_top -= h;
		text_draw(R, lay, R->m, R->foot_top, col_muted);
		R->foot_top -= 0.6 * R->fs_body;
		g_object_unref(lay);
	}
}

static int chart_valid(const struct chart *c, cairo_t *cr, double width,
		       double height)
{
	size_t j;

	if (!c || !cr) {
		log_error("chart: no chart or no cairo context to draw on");
		return 0;
	}
	if (!isfinite(width) || !isfinite(height) || width < 1 ||
	    height < 1 || width > 1e6 || height > 1e6) {
		log_error("chart: bad size %gx%g", width, height);
		return 0;
	}
	if (c->kind != CHART_LINE && c->kind != CHART_STACKED_BAR &&
	    c->kind != CHART_GROUPED_BAR) {
		log_error("chart: unknown chart kind %d", (int)c->kind);
		return 0;
	}
	if ((c->ncategories && !c->categories) || (c->nseries && !c->series) ||
	    (c->nmarkers && !c->markers)) {
		log_error("chart: a count is set but its array is missing");
		return 0;
	}
	for (j = 0; j < c->nseries; j++)
		if (c->ncategories && !c->series[j].values) {
			log_error("chart: series %zu has no values", j + 1);
			return 0;
		}
	return 1;
}

static void render_free(struct render *R)
{
	size_t i;

	for (i = 0; R->leg && i < R->nleg; i++)
		g_object_unref(R->leg[i].lay);
	free(R->leg);
	for (i = 0; R->xlab && i < R->c->ncategories; i++)
		if (R->xlab[i])
			g_object_unref(R->xlab[i]);
	free(R->xlab);
	for (i = 0; R->mk && i < R->nmk; i++) {
		if (R->mk[i].lay)
			g_object_unref(R->mk[i].lay);
		if (R->mk[i].key)
			g_object_unref(R->mk[i].key);
		free(R->mk[i].text);
		free(R->mk[i].flat);
	}
	free(R->mk);
	if (R->tgt)
		g_object_unref(R->tgt);
	if (R->ytitle)
		g_object_unref(R->ytitle);
	if (R->pctx)
		g_object_unref(R->pctx);
	free(R->col);
	free(R->shape);
}

/*
 * One Pango context for the whole chart. Hinting is off so text measures
 * the same on raster and vector surfaces and under any transformation.
 */
static PangoContext *context_new(cairo_t *cr, int thai)
{
	PangoContext *ctx = pango_cairo_create_context(cr);
	cairo_font_options_t *fo = cairo_font_options_create();

	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
	pango_cairo_context_set_font_options(ctx, fo);
	cairo_font_options_destroy(fo);
	pango_context_set_round_glyph_positions(ctx, FALSE);
	pango_context_set_language(ctx,
				   pango_language_from_string(thai ? "th" :
							      "en"));
	return ctx;
}

static const char *default_ytitle(const struct chart *c)
{
	if (c->y_title)
		return *c->y_title ? c->y_title : NULL;
	if (c->kind == CHART_STACKED_BAR && c->stacked_share)
		return NULL;
	if (c->format == CHART_FMT_HOURS)
		return c->thai ? "ชั่วโมง" : "hours";
	if (c->format == CHART_FMT_MS)
		return c->thai ? "มิลลิวินาที" : "milliseconds";
	return NULL;
}

int chart_render(const struct chart *c, cairo_t *cr, double width,
		 double height)
{
	struct render R;
	cairo_status_t cs;
	const char *yt;
	double t;
	size_t i;
	int st = DK_SOFTWARE;

	if (!chart_valid(c, cr, width, height))
		return DK_SOFTWARE;
	memset(&R, 0, sizeof R);
	R.c = c;
	R.cr = cr;
	R.W = width;
	R.H = height;
	R.s = fmax(fmin(width / 1000, height / 600), 0.3);
	R.m = 22 * R.s;
	/* Text shrinks less than the canvas: small charts stay legible. */
	t = R.s < 1 ? sqrt(R.s) : R.s;
	R.fs_title = 21 * t;
	R.fs_sub = 14.5 * t;
	R.fs_body = 13 * t;
	R.fs_tick = 12.5 * t;
	R.fs_small = 11.5 * t;
	R.family = chart_font_family(c->thai);
	R.fmt = c->kind == CHART_STACKED_BAR && c->stacked_share ?
		CHART_FMT_PERCENT : c->format;

	cairo_save(cr);
	R.pctx = context_new(cr, c->thai);
	cairo_set_antialias(cr, CAIRO_ANTIALIAS_GRAY);
	cairo_rectangle(cr, 0, 0, width, height);
	set_rgb(cr, col_white);
	cairo_fill(cr);
	frame_draw(&R);
	if (c->ncategories == 0 || c->nseries == 0 || chart_empty(c)) {
		nodata_draw(&R);
		st = DK_OK;
		goto out;
	}
	if (series_style(&R) < 0 || legend_build(&R) < 0)
		goto nomem;
	R.xlab = calloc(c->ncategories, sizeof *R.xlab);
	if (!R.xlab)
		goto nomem;
	for (i = 0; i < c->ncategories; i++)
		R.xlab[i] = text_new(&R, c->categories[i], R.fs_tick, 0);
	yt = default_ytitle(c);
	if (yt) {
		double w;

		R.ytitle = text_new(&R, yt, R.fs_tick, 0);
		text_limit(R.ytitle, R.W - 2 * R.m, 1);
		text_size(R.ytitle, &w, &R.yt_h);
	}
	/* The band width is needed to group markers: a first layout pass. */
	R.band = (R.W - 2 * R.m) / (double)c->ncategories;
	if (markers_group(&R) < 0)
		goto nomem;
	layout(&R);

	grid_draw(&R);
	markers_draw_poles(&R);
	if (c->kind == CHART_LINE) {
		target_draw(&R);
		baseline_draw(&R);
		line_draw(&R);
	} else {
		if (c->kind == CHART_STACKED_BAR)
			stacked_draw(&R);
		else
			grouped_draw(&R);
		baseline_draw(&R);
		target_draw(&R);
	}
	markers_draw_labels(&R);
	xlabels_draw(&R);
	key_draw(&R);
	legend_draw(&R);
	st = DK_OK;
	goto out;
nomem:
	log_error("chart: out of memory");
out:
	render_free(&R);
	cairo_restore(cr);
	cs = cairo_status(cr);
	if (st == DK_OK && cs != CAIRO_STATUS_SUCCESS) {
		log_error("chart: cairo: %s", cairo_status_to_string(cs));
		st = DK_SOFTWARE;
	}
	return st;
}

const char *chart_font_family(int thai)
{
	return thai ? FAMILY_TH : FAMILY_EN;
}

void chart_fonts_release(void)
{
	/*
	 * Not FcFini(): Pango 1.50 sorts fonts in a thread of its own, which
	 * may still hold fontconfig's caches at exit, and FcFini() (like
	 * cairo_debug_reset_static_data()) then aborts on an assertion, now
	 * and then. What fontconfig keeps stays reachable, so leak checkers
	 * do not report it (tests/lsan.supp covers the libraries' own).
	 */
	pango_cairo_font_map_set_default(NULL);
}

int chart_font_check(int thai)
{
	FcPattern *pat = NULL;
	FcLangSet *ls = NULL;
	FcObjectSet *os = NULL;
	FcFontSet *fs = NULL;
	int n = 0, unknown = 0;

	if (!FcInit()) {
		log_error("cannot initialise fontconfig");
		return DK_SOFTWARE;
	}
	pat = FcPatternCreate();
	ls = FcLangSetCreate();
	os = FcObjectSetBuild(FC_FAMILY, FC_FILE, (char *)NULL);
	if (pat && ls && os && FcLangSetAdd(ls, (const FcChar8 *)(thai ?
							"th" : "en")) &&
	    FcPatternAddLangSet(pat, FC_LANG, ls))
		fs = FcFontList(NULL, pat, os);
	n = fs ? fs->nfont : 0;
	if (fs)
		FcFontSetDestroy(fs);
	if (os)
		FcObjectSetDestroy(os);
	if (ls)
		FcLangSetDestroy(ls);
	if (pat)
		FcPatternDestroy(pat);
	if (n > 0 && thai) {
		/* Pango's own view: does the family list shape Thai? */
		PangoFontMap *fm = pango_cairo_font_map_get_default();
		PangoContext *ctx = pango_font_map_create_context(fm);
		PangoLayout *lay = pango_layout_new(ctx);
		PangoFontDescription *fd = pango_font_description_new();

		pango_context_set_language(ctx,
					   pango_language_from_string("th"));
		pango_font_description_set_family(fd, FAMILY_TH);
		pango_font_description_set_absolute_size(fd, 20 * PANGO_SCALE);
		pango_layout_set_font_description(lay, fd);
		pango_layout_set_text(lay, "ที่ไทยดี ผู้ใช้บริการ", -1);
		unknown = pango_layout_get_unknown_glyphs_count(lay);
		pango_font_description_free(fd);
		g_object_unref(lay);
		g_object_unref(ctx);
	}
	if (n == 0 || unknown > 0) {
		if (thai)
			log_error("no Thai-capable font installed: Thai text "
				  "would be drawn as boxes");
		else
			log_error("no font installed for English text");
		log_hint("install fonts-thai-tlwg (apt-get install "
			 "fonts-thai-tlwg) or Noto Sans Thai");
		return DK_SOFTWARE;
	}
	return DK_OK;
}

/* chart_font_check() on a thread of its own (chart.h): one at a time. */
static struct {
	pthread_t thread;
	int thai, st, running;
} font_check;

static void *font_check_main(void *arg)
{
	(void)arg;
	font_check.st = chart_font_check(font_check.thai);
	chart_fonts_release();   /* this thread's font map */
	return NULL;
}

void chart_font_check_begin(int thai)
{
	font_check.thai = thai;
	font_check.running = pthread_create(&font_check.thread, NULL, font_check_main, NULL) == 0;
	if (!font_check.running)
		font_check.st = chart_font_check(thai);
}

int chart_font_check_end(void)
{
	if (font_check.running) {
		pthread_join(font_check.thread, NULL);
		font_check.running = 0;
	}
	return font_check.st;
}

/* Output: the file is built in a private directory beside its destination
 * (lib/outfile) and renamed. */

enum out_format { OUT_PNG, OUT_SVG, OUT_PDF };

struct sink {
	FILE *fp;
	int err;
	int mem;            /* collect in buf instead of writing to fp */
	unsigned char *buf;
	size_t len, cap;
};

static cairo_status_t sink_write(void *closure, const unsigned char *data,
				 unsigned int len)
{
	struct sink *k = closure;

	if (k->mem) {
		if (k->len + len > k->cap) {
			size_t cap = k->cap ? k->cap : 65536;
			unsigned char *p;

			while (cap < k->len + len)
				cap *= 2;
			p = realloc(k->buf, cap);
			if (!p)
				return CAIRO_STATUS_NO_MEMORY;
			k->buf = p;
			k->cap = cap;
		}
		memcpy(k->buf + k->len, data, len);
		k->len += len;
		return CAIRO_STATUS_SUCCESS;
	}
	if (fwrite(data, 1, len, k->fp) != len) {
		if (!k->err)
			k->err = errno ? errno : EIO;
		return CAIRO_STATUS_WRITE_ERROR;
	}
	return CAIRO_STATUS_SUCCESS;
}

/*
 * cairo numbers the ids of SVG surface groups and images ("surface7") from
 * a counter global to the process, so the same chart drawn twice would
 * differ. Renumber them in order of first appearance while writing out.
 */
static int svg_write_stable(struct sink *k)
{
	static const char *const pfx[] = { "surface", "image" };
	unsigned long map[2][64];
	size_t nmap[2] = { 0, 0 }, i = 0, done = 0;
	const unsigned char *b = k->buf;

	while (i < k->len) {
		size_t p, l = 0, d;
		unsigned long old = 0, nw = 0, j;

		i++;
		if (b[i - 1] != '"' && b[i - 1] != '#')
			continue;
		for (p = 0; p < 2; p++) {
			l = strlen(pfx[p]);
			if (i + l < k->len && !memcmp(b + i, pfx[p], l) &&
			    b[i + l] >= '0' && b[i + l] <= '9')
				break;
		}
		if (p == 2)
			continue;
		for (d = i + l; d < k->len && b[d] >= '0' && b[d] <= '9' &&
		     old < 100000000; d++)
			old = old * 10 + (unsigned long)(b[d] - '0');
		for (j = 0; j < nmap[p] && map[p][j] != old; j++)
			;
		if (j == nmap[p]) {
			if (nmap[p] == 64)
				continue;   /* the rest as cairo wrote it */
			map[p][nmap[p]++] = old;
		}
		nw = j + 1;
		if (fwrite(b + done, 1, i + l - done, k->fp) != i + l - done ||
		    fprintf(k->fp, "%lu", nw) < 0)
			return -1;
		done = i = d;
	}
	if (fwrite(b + done, 1, k->len - done, k->fp) != k->len - done)
		return -1;
	return 0;
}

static int out_format(const char *path, enum out_format *f)
{
	const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');

	if (!dot || (slash && dot < slash))
		return -1;
	if (!strcasecmp(dot, ".png"))
		*f = OUT_PNG;
	else if (!strcasecmp(dot, ".svg"))
		*f = OUT_SVG;
	else if (!strcasecmp(dot, ".pdf"))
		*f = OUT_PDF;
	else
		return -1;
	return 0;
}

int chart_path_supported(const char *path)
{
	enum out_format f;

	return path && out_format(path, &f) == 0;
}

static cairo_surface_t *surface_new(enum out_format f, struct sink *k,
				    const struct chart *c, int w, int h)
{
	cairo_surface_t *sf;

	switch (f) {
	case OUT_SVG:
		sf = cairo_svg_surface_create_for_stream(sink_write, k, w, h);
		cairo_svg_surface_set_document_unit(sf, CAIRO_SVG_UNIT_PX);
		return sf;
	case OUT_PDF:
		sf = cairo_pdf_surface_create_for_stream(sink_write, k, w, h);
		if (c && c->title)
			cairo_pdf_surface_set_metadata(sf,
					CAIRO_PDF_METADATA_TITLE, c->title);
		cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_CREATOR,
					       "didkpi");
		return sf;
	case OUT_PNG:
		break;
	}
	/* Opaque: RGB PNGs are smaller and the background is white anyway. */
	return cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
}

/* The checks made before anything is created: DK_OK or DK_USAGE. */
static int write_check(const char *path, int width, int height, enum out_format *f)
{
	if (!path || !*path) {
		log_error("chart: no output file name");
		return DK_USAGE;
	}
	if (out_format(path, f) < 0) {
		log_error("%s: unsupported chart format: the name must end in "
			  ".png, .svg or .pdf", path);
		return DK_USAGE;
	}
	if (width < 1 || height < 1 || width > MAX_SIZE || height > MAX_SIZE) {
		log_error("%s: chart size %dx%d is outside 1..%d", path,
			  width, height, MAX_SIZE);
		return DK_USAGE;
	}
	return DK_OK;
}

int chart_write_file(const struct chart *c, const char *path, int width,
		     int height)
{
	struct outfile *of;
	enum out_format f;
	int st;

	if ((st = write_check(path, width, height, &f)) ||
	    (st = outfile_open(path, &of)))
		return st;
	return chart_write_outfile(c, of, width, height);
}

int chart_write_outfile(const struct chart *c, struct outfile *of, int width,
			int height)
{
	const char *path = outfile_path(of);
	enum out_format f;
	struct sink k = { NULL, 0, 0, NULL, 0, 0 };
	cairo_surface_t *sf = NULL;
	cairo_status_t cs;
	cairo_t *cr;
	int st;

	if ((st = write_check(path, width, height, &f)))
		goto out;
	k.mem = f == OUT_SVG;
	k.fp = outfile_stream(of);
	sf = surface_new(f, &k, c, width, height);
	cs = cairo_surface_status(sf);
	if (cs != CAIRO_STATUS_SUCCESS) {
		log_error("%s: cannot create a drawing surface: %s", path,
			  cairo_status_to_string(cs));
		st = DK_SOFTWARE;
		goto out;
	}
	cr = cairo_create(sf);
	st = chart_render(c, cr, width, height);
	cairo_destroy(cr);
	if (st != DK_OK)
		goto out;
	if (f == OUT_PNG) {
		cs = pngout_write(sf, sink_write, &k);
	} else {
		cairo_surface_finish(sf);
		cs = cairo_surface_status(sf);
	}
	cairo_surface_destroy(sf);
	sf = NULL;
	if (cs != CAIRO_STATUS_SUCCESS && !k.err) {
		log_error("%s: cannot render: %s", path,
			  cairo_status_to_string(cs));
		st = DK_SOFTWARE;
		goto out;
	}
	if (k.mem && !k.err && svg_write_stable(&k) < 0)
		k.err = errno ? errno : EIO;
	if (k.err) {
		log_error("cannot write '%s': %s", path, strerror(k.err));
		st = DK_CANTCREAT;
		goto out;
	}
	/* flush, sync, mode, rename, directory sync */
	st = outfile_commit(of);
	of = NULL;
out:
	if (sf)
		cairo_surface_destroy(sf);
	outfile_abort(of);
	free(k.buf);
	return st;
}
