/* The PDF brief: A4 pages laid out with cairo and Pango (see brief.h). */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include "brief.h"
#include "chart.h"
#include "chartspec.h"
#include "format.h"
#include "kpiout.h"
#include "log.h"
#include "status.h"

/* A4 portrait in points, 15 mm margins, the footer inside the bottom one. */
#define PAGE_W 595.2756
#define PAGE_H 841.8898
#define MARGIN 42.52
#define TOP MARGIN
#define FOOT_H 26.0
#define BOTTOM (PAGE_H - MARGIN - FOOT_H)
#define WIDTH (PAGE_W - 2 * MARGIN)
#define PAD 2.5                 /* inside a table cell */
#define GAP 10.0                /* between blocks of a section */
#define LINE 1.55               /* line height / font size: room for Thai
				   marks above and below */

/* Sarabun or TH Sarabun New where a site installed them, else the TLWG
 * fonts every Debian Thai desktop has, else whatever sans fontconfig gives
 * (see choose_family()). */
#define FAMILY_FALLBACK "Loma, Garuda, sans"

/* Colours, 0xRRGGBB. Met/not met and better/worse also say it in words or
 * with a symbol: colour is never the only signal. */
#define INK 0x222222u
#define MUTED 0x5F6368u
#define DARK 0x1F3864u
#define GOOD 0x1E7B34u
#define BAD 0xB3261Eu
#define RULE 0xB8C2CCu
#define HEAD_BG 0xDCE6F2u
#define ALT_BG 0xF4F6F9u

enum style { S_BODY, S_NOTE, S_KICKER, S_TITLE, S_SUB, S_H2, S_HEAD, S_CELL, S_CELL_B, S_FOOT,
	     S_COUNT };

static const struct {
	double size;
	int bold;
} styles[S_COUNT] = {
	/* for Loma, which draws large for its size; Sarabun is alike */
	[S_BODY] = { 9, 0 },   [S_NOTE] = { 7, 0 },   [S_KICKER] = { 8, 1 },
	[S_TITLE] = { 15, 1 }, [S_SUB] = { 9.5, 0 },  [S_H2] = { 11.5, 1 },
	[S_HEAD] = { 7.5, 1 }, [S_CELL] = { 8, 0 },   [S_CELL_B] = { 8, 1 },
	[S_FOOT] = { 6.5, 0 },
};

struct brief {
	cairo_t *cr;
	cairo_surface_t *surface;
	PangoContext *pctx;
	const struct report_data *d;
	const struct template *t;
	const struct brief_options *o;
	int thai, th;
	const char *family;        /* the Pango family list of all text */
	double scale;              /* font sizes x this (TH Sarabun draws small) */
	int draw;                  /* 0: lay out only (the first pass) */
	int measure;               /* measuring a section: no drawing, no breaks */
	double y;                  /* the top of what comes next */
	int page, pages;           /* this page (from 1); the total, once known */
	int st;                    /* the first failure, else DK_OK */
};

static const char *T(const struct brief *b, const char *th, const char *en)
{
	return b->thai ? th : en;
}

static int drawing(const struct brief *b)
{
	return b->draw && !b->measure;
}

static void set_rgb(cairo_t *cr, unsigned rgb)
{
	cairo_set_source_rgb(cr, ((rgb >> 16) & 0xFF) / 255.0, ((rgb >> 8) & 0xFF) / 255.0,
			     (rgb & 0xFF) / 255.0);
}

/* ---- text ---- */

/* A layout of text (plain text, never markup: names from the database
 * print as they are) in style s, wrapped to w points (0: one line). */
static PangoLayout *text_layout(struct brief *b, const char *text, enum style s, double w,
				PangoAlignment al)
{
	PangoLayout *lay = pango_layout_new(b->pctx);
	PangoFontDescription *fd = pango_font_description_new();
	PangoAttrList *attrs;

	pango_font_description_set_family(fd, b->family);
	pango_font_description_set_absolute_size(fd, styles[s].size * b->scale * PANGO_SCALE);
	pango_font_description_set_weight(fd, styles[s].bold ? PANGO_WEIGHT_BOLD
							     : PANGO_WEIGHT_NORMAL);
	pango_layout_set_font_description(lay, fd);
	pango_font_description_free(fd);
	/* one line height whatever font a character falls back to (the
	 * symbols come from DejaVu, whose lines are taller than Loma's) */
	attrs = pango_attr_list_new();
	pango_attr_list_insert(attrs, pango_attr_line_height_new_absolute(
					      (int)(styles[s].size * b->scale * LINE * PANGO_SCALE)));
	pango_layout_set_attributes(lay, attrs);
	pango_attr_list_unref(attrs);
	if (w > 0) {
		pango_layout_set_width(lay, (int)(w * PANGO_SCALE));
		pango_layout_set_wrap(lay, PANGO_WRAP_WORD_CHAR);
	}
	pango_layout_set_alignment(lay, al);
	pango_layout_set_text(lay, text ? text : "", -1);
	return lay;
}

static double layout_height(PangoLayout *lay)
{
	int w, h;

	pango_layout_get_size(lay, &w, &h);
	return (double)h / PANGO_SCALE;
}

/* Draws text at (x, y) in a box w wide; returns its height. */
static double text_at(struct brief *b, double x, double y, double w, const char *text,
		      enum style s, unsigned rgb, PangoAlignment al)
{
	PangoLayout *lay = text_layout(b, text, s, w, al);
	double h = layout_height(lay);

	if (drawing(b)) {
		set_rgb(b->cr, rgb);
		cairo_move_to(b->cr, x, y);
		pango_cairo_show_layout(b->cr, lay);
	}
	g_object_unref(lay);
	return h;
}

static double text_height(struct brief *b, const char *text, enum style s, double w)
{
	PangoLayout *lay = text_layout(b, text, s, w, PANGO_ALIGN_LEFT);
	double h = layout_height(lay);

	g_object_unref(lay);
	return h;
}

/* printf into a malloc'd string; NULL (and b->st set) when memory runs out. */
static char *bprintf(struct brief *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static char *bprintf(struct brief *b, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0) {
		if (!b->st)
			log_error("cannot draw the brief: out of memory");
		b->st = DK_SOFTWARE;
		return NULL;
	}
	return s;
}

/* ---- pages ---- */

static const char *department(const struct brief *b)
{
	char *const *dep = b->t->department;

	return dep[b->th] ? dep[b->th] : dep[!b->th] ? dep[!b->th] : "";
}

/* "31 มี.ค. 2568 23:59 น." / "31 Mar 2025 23:59" from "YYYY-MM-DD HH:MM:SS". */
static void stamp_human(const struct brief *b, const char *ts, char *buf, size_t len)
{
	int y, mo, d, h, mi;

	if (!ts || sscanf(ts, "%4d-%2d-%2d %2d:%2d", &y, &mo, &d, &h, &mi) != 5 ||
	    !period_month_name(mo, b->thai, 1))
		snprintf(buf, len, "%s", ts ? ts : "");
	else if (b->thai)
		snprintf(buf, len, "%d %s %d %02d:%02d น.", d, period_month_name(mo, 1, 1), y + 543,
			 h, mi);
	else
		snprintf(buf, len, "%d %s %d %02d:%02d", d, period_month_name(mo, 0, 1), y, h, mi);
}

/* "1 มี.ค. 2568" / "1 Mar 2025". */
static void date_human(const struct brief *b, struct civil_date d, char *buf, size_t len)
{
	const char *m = period_month_name(d.month, b->thai, 1);

	snprintf(buf, len, "%d %s %d", d.day, m ? m : "?", d.year + (b->thai ? 543 : 0));
}

/* The newest record of the log relations (the snapshot's time when they
 * are all empty): what the data is as of, as the workbook's cover says. */
static const char *data_as_of(const struct brief *b)
{
	return b->d->fresh.newest_all[0] ? b->d->fresh.newest_all : b->d->snapshot;
}

/* The footer: department and period left; data as of and page x of y right. */
static void footer(struct brief *b)
{
	char period[PERIOD_HUMAN_LEN], asof[64], *left, *right;
	double y = PAGE_H - MARGIN - FOOT_H + 8;

	if (!drawing(b))
		return;
	period_label_human(&b->d->period, b->thai, period, sizeof(period));
	stamp_human(b, data_as_of(b), asof, sizeof(asof));
	left = bprintf(b, "%s  ·  %s", department(b), period);
	right = b->thai ? bprintf(b, "ข้อมูล ณ %s  ·  หน้า %d จาก %d", asof, b->page, b->pages)
			: bprintf(b, "Data as of %s  ·  Page %d of %d", asof, b->page, b->pages);
	set_rgb(b->cr, RULE);
	cairo_set_line_width(b->cr, 0.6);
	cairo_move_to(b->cr, MARGIN, y - 4);
	cairo_line_to(b->cr, PAGE_W - MARGIN, y - 4);
	cairo_stroke(b->cr);
	/* the right part must not wrap; the department gets the rest (drawn
	 * first, for the reading order of the text) */
	if (right && left) {
		PangoLayout *lay = text_layout(b, right, S_FOOT, 0, PANGO_ALIGN_LEFT);
		int w, h;

		pango_layout_get_size(lay, &w, &h);
		text_at(b, MARGIN, y, WIDTH - (double)w / PANGO_SCALE - 12, left, S_FOOT, MUTED,
			PANGO_ALIGN_LEFT);
		set_rgb(b->cr, MUTED);
		cairo_move_to(b->cr, PAGE_W - MARGIN - (double)w / PANGO_SCALE, y);
		pango_cairo_show_layout(b->cr, lay);
		g_object_unref(lay);
	}
	free(left);
	free(right);
}

static void page_break(struct brief *b)
{
	if (b->measure)
		return;
	footer(b);
	if (b->draw)
		cairo_show_page(b->cr);
	b->page++;
	b->y = TOP;
}

/* Starts a new page unless h more points fit on this one (or it is empty). */
static void ensure(struct brief *b, double h)
{
	if (!b->measure && b->y + h > BOTTOM && b->y > TOP + 0.5)
		page_break(b);
}

/* A paragraph across the text width; space after it. */
static void para(struct brief *b, const char *text, enum style s, unsigned rgb, double after)
{
	double h = text_height(b, text, s, WIDTH);

	ensure(b, h);
	text_at(b, MARGIN, b->y, WIDTH, text, s, rgb, PANGO_ALIGN_LEFT);
	b->y += h + after;
}

/* A section's heading, with an entry in the PDF's outline. */
static void heading(struct brief *b, const char *text)
{
	double h = text_height(b, text, S_H2, WIDTH);

	b->y += 4;
	ensure(b, h + 40);
	if (drawing(b)) {
		char *dest = bprintf(b, "page=%d pos=[%.1f %.1f]", b->page, MARGIN, b->y);

		if (dest)
			cairo_pdf_surface_add_outline(b->surface, CAIRO_PDF_OUTLINE_ROOT, text, dest,
						      0);
		free(dest);
	}
	text_at(b, MARGIN, b->y, WIDTH, text, S_H2, DARK, PANGO_ALIGN_LEFT);
	b->y += h + 5;
}

/*
 * Lays out a section: measured first, and moved to the next page when it
 * does not fit in what is left of this one but would on an empty page (or
 * when not even its start fits). A longer one breaks between table rows.
 */
static void section(struct brief *b, void (*fn)(struct brief *))
{
	double y0 = b->y, h, room;
	int m = b->measure;

	b->measure = 1;
	fn(b);
	h = b->y - y0;
	b->y = y0;
	b->measure = m;
	room = BOTTOM - b->y;
	if (h > room && b->y > TOP + 0.5 && (h <= BOTTOM - TOP || room < 140))
		page_break(b);
	fn(b);
}

/* ---- tables ---- */

struct tcol {
	double w;                  /* points */
	PangoAlignment al;
};

struct tcell {
	const char *text;
	unsigned rgb;              /* 0: INK */
	int bold;
};

struct table {
	const struct tcol *cols;
	int n;
	const struct tcell *head;
	int rows;                  /* body rows so far, for the shading */
};

enum row_kind { ROW_HEAD, ROW_BODY, ROW_TOTAL };

/* Column i's width: the columns' widths are proportions of the text width. */
static double col_w(const struct table *t, int i)
{
	double sum = 0;

	for (int j = 0; j < t->n; j++)
		sum += t->cols[j].w;
	return t->cols[i].w * WIDTH / sum;
}

static enum style cell_style(enum row_kind k, const struct tcell *c)
{
	return k == ROW_HEAD ? S_HEAD : c->bold || k == ROW_TOTAL ? S_CELL_B : S_CELL;
}

static double row_height(struct brief *b, const struct table *t, const struct tcell *cells,
			 enum row_kind k)
{
	double h = 0;

	for (int i = 0; i < t->n; i++) {
		double ch = text_height(b, cells[i].text, cell_style(k, &cells[i]),
					col_w(t, i) - 2 * PAD);

		if (ch > h)
			h = ch;
	}
	return h + 2 * PAD;
}

static void row_draw(struct brief *b, const struct table *t, const struct tcell *cells,
		     enum row_kind k, double h)
{
	double x = MARGIN;

	if (drawing(b)) {
		unsigned bg = k == ROW_HEAD ? HEAD_BG : k == ROW_BODY && t->rows % 2 ? ALT_BG : 0;

		if (bg) {
			set_rgb(b->cr, bg);
			cairo_rectangle(b->cr, MARGIN, b->y, WIDTH, h);
			cairo_fill(b->cr);
		}
		set_rgb(b->cr, k == ROW_BODY ? 0xE3E7ECu : RULE);
		cairo_set_line_width(b->cr, k == ROW_BODY ? 0.4 : 0.8);
		cairo_move_to(b->cr, MARGIN, b->y + h);
		cairo_line_to(b->cr, MARGIN + WIDTH, b->y + h);
		cairo_stroke(b->cr);
		if (k == ROW_TOTAL) {
			set_rgb(b->cr, RULE);
			cairo_move_to(b->cr, MARGIN, b->y);
			cairo_line_to(b->cr, MARGIN + WIDTH, b->y);
			cairo_stroke(b->cr);
		}
	}
	for (int i = 0; i < t->n; i++) {
		text_at(b, x + PAD, b->y + PAD, col_w(t, i) - 2 * PAD, cells[i].text,
			cell_style(k, &cells[i]),
			cells[i].rgb ? cells[i].rgb : k == ROW_HEAD ? DARK : INK, t->cols[i].al);
		x += col_w(t, i);
	}
	b->y += h;
}

/* The header, on this page when it and a first row of height first fit. */
static void table_begin(struct brief *b, struct table *t, double first)
{
	double h = row_height(b, t, t->head, ROW_HEAD);

	ensure(b, h + first);
	row_draw(b, t, t->head, ROW_HEAD, h);
	t->rows = 0;
}

/* A row, never split: on a new page under the header repeated. */
static void table_row(struct brief *b, struct table *t, const struct tcell *cells, enum row_kind k)
{
	double h = row_height(b, t, cells, k);

	if (!b->measure && b->y + h > BOTTOM) {
		page_break(b);
		row_draw(b, t, t->head, ROW_HEAD, row_height(b, t, t->head, ROW_HEAD));
	}
	row_draw(b, t, cells, k, h);
	t->rows++;
}

/* ---- numbers ---- */

/* A KPI's value for people ("45.3%", "1,234", "12.5"); "–" when empty. */
static const char *value_text(const struct kpi_row *r, enum kpi_id k, char *buf, size_t len)
{
	if (!r || r->suppressed || !r->value.set || !isfinite(r->value.v))
		return "–";
	return kpi_format_human(k, r->value.v, buf, len);
}

/*
 * The change from base to cur for people: rates in percentage points
 * ("จุด", "pp"), hours and scores as differences, counts as a relative
 * change in percent. An arrow gives the direction and the colour whether it
 * is for the better (for times lower is better). "–" when either is empty.
 */
static const char *change_text(const struct brief *b, enum kpi_id k, const struct kpi_row *cur,
			       const struct kpi_row *base, char *buf, size_t len, unsigned *rgb)
{
	const struct kpi_def *def = &kpi_defs[k];
	double diff, shown;
	char num[64];
	const char *unit = "";
	int dec;

	*rgb = MUTED;
	if (!cur || !base || cur->suppressed || base->suppressed || !cur->value.set ||
	    !base->value.set)
		return "–";
	diff = cur->value.v - base->value.v;
	switch (def->unit) {
	case UNIT_FRACTION:
		shown = diff * 100, dec = 1, unit = T(b, " จุด", " pp");
		break;
	case UNIT_HOURS:
		shown = diff, dec = 1, unit = T(b, " ชม.", " h");
		break;
	case UNIT_SCORE:
		shown = diff, dec = 2;
		break;
	default:
		if (!(base->value.v > 0))
			return "–";
		shown = diff / base->value.v * 100, dec = 1, unit = "%";
		break;
	}
	fmt_grouped(fabs(shown), dec, num, sizeof(num));
	if (round(fabs(shown) * pow(10, dec)) == 0) {
		snprintf(buf, len, "= %s%s", num, unit);
		return buf;
	}
	/* U+25B4/U+25BE small triangles, U+2212 minus */
	snprintf(buf, len, "%s %s%s%s", shown > 0 ? "▴" : "▾", shown > 0 ? "+" : "−", num, unit);
	*rgb = (shown > 0) == (def->higher_is_better != 0) ? GOOD : BAD;
	return buf;
}

/* ---- page 1 ---- */

static void sec_cover(struct brief *b)
{
	const struct report_data *d = b->d;
	char period[PERIOD_HUMAN_LEN], asof[64], *line;
	const char *title = b->t->title[b->th] ? b->t->title[b->th]
			    : T(b, "ตัวชี้วัดการให้บริการด้วย Digital ID", "Digital ID service KPIs");

	period_label_human(&d->period, b->thai, period, sizeof(period));
	stamp_human(b, data_as_of(b), asof, sizeof(asof));
	b->y += text_at(b, MARGIN, b->y, WIDTH, T(b, "สรุปสำหรับผู้บริหาร", "EXECUTIVE BRIEF"),
			S_KICKER, MUTED, PANGO_ALIGN_LEFT) + 2;
	b->y += text_at(b, MARGIN, b->y, WIDTH, title, S_TITLE, DARK, PANGO_ALIGN_LEFT) + 2;
	line = bprintf(b, "%s  ·  %s", department(b), period);
	if (line)
		b->y += text_at(b, MARGIN, b->y, WIDTH, line, S_SUB, INK, PANGO_ALIGN_LEFT) + 1;
	free(line);
	/* not the snapshot's time: the same data gives the same pages */
	line = b->thai ? bprintf(b, "ข้อมูล ณ %s (รายการล่าสุดในระบบ)", asof)
		       : bprintf(b, "Data as of %s (the newest record)", asof);
	if (line)
		b->y += text_at(b, MARGIN, b->y, WIDTH, line, S_NOTE, MUTED, PANGO_ALIGN_LEFT);
	free(line);
	b->y += 6;
	if (drawing(b)) {
		set_rgb(b->cr, DARK);
		cairo_set_line_width(b->cr, 1.2);
		cairo_move_to(b->cr, MARGIN, b->y);
		cairo_line_to(b->cr, PAGE_W - MARGIN, b->y);
		cairo_stroke(b->cr);
	}
	b->y += 6;
}

/* The headline KPIs: the briefing's five uptake KPIs, the Single Window,
 * completion, coverage and training, then the volume, in reading order. */
static const enum kpi_id headline[] = {
	KPI_DIGITAL_CHANNEL_RATE, KPI_DIGITAL_ID_USE_RATE, KPI_ENROLMENT_RATE,
	KPI_EDID_COVERAGE,        KPI_SERVICE_TIME_MEDIAN, KPI_SATISFACTION_MEAN,
	KPI_REPEAT_USE_RATE,      KPI_SINGLE_WINDOW_RATE,  KPI_COMPLETION_RATE,
	KPI_AUTH_SUCCESS_RATE,    KPI_STAFF_TRAINING_COVERAGE, KPI_REQUESTS,
	KPI_ACTIVE_USERS,
};

static void sec_kpis(struct brief *b)
{
	const struct report_data *d = b->d;
	int month = d->period.kind == PERIOD_MONTH;
	char prev[PERIOD_HUMAN_LEN], yago[PERIOD_HUMAN_LEN], *h_prev, *h_yago;
	static const struct tcol cols[] = {
		{ 180, PANGO_ALIGN_LEFT },  { 52, PANGO_ALIGN_RIGHT }, { 48, PANGO_ALIGN_RIGHT },
		{ 70, PANGO_ALIGN_LEFT },   { 80, PANGO_ALIGN_RIGHT }, { 80, PANGO_ALIGN_RIGHT },
	};
	struct table t = { cols, 6, NULL, 0 };
	struct tcell head[6];

	period_label_human(&d->previous, b->thai, prev, sizeof(prev));
	period_label_human(&d->year_ago, b->thai, yago, sizeof(yago));
	h_prev = bprintf(b, "%s\n(%s)", month ? T(b, "เทียบเดือนก่อน", "vs previous month")
					     : T(b, "เทียบช่วงก่อน", "vs previous period"), prev);
	h_yago = bprintf(b, "%s\n(%s)", T(b, "เทียบปีก่อน", "vs a year ago"), yago);
	head[0] = (struct tcell){ T(b, "ตัวชี้วัด", "KPI"), 0, 1 };
	head[1] = (struct tcell){ T(b, "ค่า", "Value"), 0, 1 };
	head[2] = (struct tcell){ T(b, "เป้าหมาย", "Target"), 0, 1 };
	head[3] = (struct tcell){ T(b, "ผลเทียบเป้าหมาย", "Target met"), 0, 1 };
	head[4] = (struct tcell){ h_prev ? h_prev : "", 0, 1 };
	head[5] = (struct tcell){ h_yago ? h_yago : "", 0, 1 };
	t.head = head;

	heading(b, T(b, "ตัวชี้วัดหลักเทียบเป้าหมาย", "Headline KPIs against their targets"));
	table_begin(b, &t, 20);
	for (size_t i = 0; i < sizeof(headline) / sizeof(*headline); i++) {
		enum kpi_id k = headline[i];
		const struct kpi_def *def = &kpi_defs[k];
		const struct kpi_row *cur = report_find(d->cur, 0, k, BD_ALL, NULL);
		const struct kpi_row *p = report_find(d->past, 0, k, BD_ALL, NULL);
		const struct kpi_row *y = report_find(d->past, 1, k, BD_ALL, NULL);
		char v[64], tg[64], c1[96], c2[96];
		struct tcell row[6] = { { b->thai ? def->label_th : def->label_en, 0, 0 } };

		row[1] = (struct tcell){ value_text(cur, k, v, sizeof(v)), 0, 1 };
		if (cur && cur->target.set) {
			kpi_format_human(k, cur->target.v, tg, sizeof(tg));
			row[2] = (struct tcell){ tg, 0, 0 };
			if (cur->value.set && !cur->suppressed) {
				int met = def->higher_is_better ? cur->value.v >= cur->target.v
								: cur->value.v <= cur->target.v;

				/* U+2713 check mark, U+2717 ballot x */
				row[3] = met ? (struct tcell){ T(b, "✓ บรรลุ", "✓ met"), GOOD, 1 }
					     : (struct tcell){ T(b, "✗ ไม่บรรลุ", "✗ not met"), BAD, 1 };
			} else {
				row[3] = (struct tcell){ T(b, "ไม่มีข้อมูล", "no data"), MUTED, 0 };
			}
		} else {
			row[2] = (struct tcell){ "–", MUTED, 0 };
			row[3] = (struct tcell){ T(b, "ไม่มีเป้าหมาย", "no target"), MUTED, 0 };
		}
		row[4].text = change_text(b, k, cur, p, c1, sizeof(c1), &row[4].rgb);
		row[5].text = change_text(b, k, cur, y, c2, sizeof(c2), &row[5].rgb);
		table_row(b, &t, row, ROW_BODY);
	}
	b->y += 3;
	para(b, T(b, "อัตรา (%) เปลี่ยนแปลงเป็นจุดร้อยละ (จุด); จำนวนเปลี่ยนแปลงเป็นร้อยละของช่วงที่เทียบ; "
		     "▴▾ = ทิศทาง, สีเขียว = ดีขึ้น, สีแดง = แย่ลง (เวลา ยิ่งน้อยยิ่งดี); – = ไม่มีข้อมูล",
		     "Rates (%) change in percentage points (pp); counts change in percent of the "
		     "period compared; ▴▾ = direction, green = better, red = worse (for time, lower "
		     "is better); – = no data"),
	     S_NOTE, MUTED, 0);
	free(h_prev);
	free(h_yago);
}

/* A pooled comparison row of metric m that has a result, or NULL. */
static const struct compare_row *pooled(const struct report_data *d, enum compare_metric m)
{
	if (!d->compare)
		return NULL;
	for (size_t i = 0; i < d->compare->nrows; i++) {
		const struct compare_row *r = &d->compare->rows[i];

		if (r->pooled && r->metric == m && !r->skip && r->before.set && r->after.set)
			return r;
	}
	return NULL;
}

/* "rose from 32.1% to 58.4% (+26.3 pp)" and the like, for one metric. */
static char *effect_part(struct brief *b, const struct compare_row *r)
{
	double before = r->before.v, after = r->after.v;
	int up = after > before, same = after == before;
	char v1[64], v2[64], extra[96] = "";
	const char *what, *unit = "", *dir, *sig = "";

	switch (r->metric) {
	case CMP_DIGITAL_CHANNEL_RATE:
		what = T(b, "สัดส่วนคำขอผ่านช่องทางดิจิทัล", "the share of requests on digital channels");
		snprintf(v1, sizeof(v1), "%.1f%%", before * 100);
		snprintf(v2, sizeof(v2), "%.1f%%", after * 100);
		snprintf(extra, sizeof(extra), " (%s%.1f %s)", up ? "+" : "−", fabs(after - before) * 100,
			 T(b, "จุด", "pp"));
		break;
	case CMP_SERVICE_TIME_MEDIAN:
		what = T(b, "เวลาให้บริการ (มัธยฐาน)", "the median service time");
		snprintf(v1, sizeof(v1), "%.1f", before);
		snprintf(v2, sizeof(v2), "%.1f", after);
		unit = T(b, " ชั่วโมง", " hours");
		break;
	default:
		what = T(b, "คะแนนความพึงพอใจเฉลี่ย", "the mean satisfaction score");
		snprintf(v1, sizeof(v1), "%.2f", before);
		snprintf(v2, sizeof(v2), "%.2f", after);
		unit = T(b, " คะแนน", " (of 5)");
		break;
	}
	dir = same ? T(b, "เท่าเดิม", "stayed") : up ? T(b, "เพิ่มขึ้น", "rose") : T(b, "ลดลง", "fell");
	if (!r->p_value.set || r->p_value.v >= 0.05)
		sig = T(b, " (ยังไม่มีนัยสำคัญทางสถิติ)", " (not statistically significant)");
	if (same)
		return b->thai ? bprintf(b, "%s %sที่ %s%s%s", what, dir, v1, unit, sig)
			       : bprintf(b, "%s %s at %s%s%s", what, dir, v1, unit, sig);
	return b->thai ? bprintf(b, "%s %sจาก %s เป็น %s%s%s%s", what, dir, v1, v2, unit, extra, sig)
		       : bprintf(b, "%s %s from %s to %s%s%s%s", what, dir, v1, v2, unit, extra, sig);
}

/* The effect of adopting Digital ID in one sentence, from the pooled rows. */
static char *effect_sentence(struct brief *b)
{
	static const enum compare_metric ms[] = { CMP_DIGITAL_CHANNEL_RATE, CMP_SERVICE_TIME_MEDIAN,
						  CMP_SATISFACTION_MEAN };
	const struct report_data *d = b->d;
	char *parts[3] = { NULL, NULL, NULL }, *s = NULL;
	int n = 0, services = 0, w = d->compare ? d->compare->window_months : 6;

	for (size_t i = 0; i < sizeof(ms) / sizeof(*ms); i++) {
		const struct compare_row *r = pooled(d, ms[i]);

		if (r && (parts[n] = effect_part(b, r))) {
			if (r->pooled_services > services)
				services = r->pooled_services;
			n++;
		}
	}
	if (n == 0)
		s = b->thai ? bprintf(b, "ยังวัดผลของ Digital ID ไม่ได้: ยังไม่มีบริการที่มีข้อมูลครบ %d "
					 "เดือนทั้งก่อนและหลังเริ่มรับ Digital ID", w)
			    : bprintf(b, "The effect of Digital ID cannot be measured yet: no service has "
					 "%d complete months of data both before and after it began "
					 "accepting Digital ID.", w);
	else if (b->thai)
		s = bprintf(b, "เมื่อเทียบ %d เดือนก่อนและหลังเริ่มรับ Digital ID ของ %d บริการ %s%s%s%s%s",
			    w, services, parts[0], n > 2 ? " " : "", n > 2 ? parts[1] : "",
			    n > 1 ? " และ" : "", n > 1 ? parts[n - 1] : "");
	else
		s = bprintf(b, "Comparing the %d months before and after each of %d services began "
			       "accepting Digital ID, %s%s%s%s%s.",
			    w, services, parts[0], n > 2 ? ", " : "", n > 2 ? parts[1] : "",
			    n > 1 ? " and " : "", n > 1 ? parts[n - 1] : "");
	for (int i = 0; i < n; i++)
		free(parts[i]);
	return s;
}

static void sec_effect(struct brief *b)
{
	char *s = effect_sentence(b);

	heading(b, T(b, "ผลของการเริ่มใช้ Digital ID", "The effect of adopting Digital ID"));
	if (s)
		para(b, s, S_BODY, INK, 2);
	free(s);
}

/* ---- page 2: services to improve, before and after, authentication ---- */

/* How many services the improvement table lists: the template's, or 10. */
static int improve_top(const struct brief *b)
{
	for (size_t i = 0; i < b->t->nsheets; i++)
		if (b->t->sheets[i].type == TPL_SHEET_IMPROVE && b->t->sheets[i].top > 0)
			return b->t->sheets[i].top;
	return 10;
}

static const char *service_name(const struct brief *b, const struct report_service *s)
{
	const char *n = b->thai ? s->name_th : s->name_en;

	return n && *n ? n : s->code;
}

static const char *num_text(const struct kpi_num *n, enum kpi_id k, char *buf, size_t len)
{
	return n->set ? kpi_format_human(k, n->v, buf, len) : "–";
}

static void sec_improve(struct brief *b)
{
	const struct report_data *d = b->d;
	static const struct tcol cols[] = {
		{ 20, PANGO_ALIGN_RIGHT },  { 140, PANGO_ALIGN_LEFT },  { 46, PANGO_ALIGN_RIGHT },
		{ 54, PANGO_ALIGN_RIGHT },  { 56, PANGO_ALIGN_RIGHT },  { 60, PANGO_ALIGN_RIGHT },
		{ 50, PANGO_ALIGN_RIGHT },  { 80, PANGO_ALIGN_LEFT },
	};
	const struct tcell head[] = {
		{ "#", 0, 1 },
		{ T(b, "บริการ", "Service"), 0, 1 },
		{ T(b, "คำขอ", "Requests"), 0, 1 },
		{ T(b, "ช่องทาง\nดิจิทัล", "Digital\nchannel"), 0, 1 },
		{ T(b, "เวลาให้บริการ\n(ชม.)", "Service time\n(h)"), 0, 1 },
		{ T(b, "ความพึงพอใจ\n(1–5)", "Satisfaction\n(1–5)"), 0, 1 },
		{ T(b, "คะแนน\n(0–100)", "Score\n(0–100)"), 0, 1 },
		{ T(b, "ประเด็นหลัก", "Main issue"), 0, 1 },
	};
	static const char *const worst_th[] = { "ใช้ช่องทางดิจิทัลน้อย", "ใช้เวลาให้บริการนาน",
						"ความพึงพอใจต่ำ" };
	static const char *const worst_en[] = { "low digital channel use", "long service time",
						"low satisfaction" };
	struct table t = { cols, 8, head, 0 };
	char a[64], r1[64], r2[64], r3[64], r4[64], sc[32];
	int top = improve_top(b);

	heading(b, T(b, "บริการที่ควรปรับปรุง", "Services to improve"));
	para(b, T(b, "เรียงตามคะแนนความจำเป็นในการปรับปรุง: ค่าเฉลี่ยของส่วนที่ด้อยกว่าค่าของทั้งกรม ในการใช้ช่องทางดิจิทัล "
		     "เวลาให้บริการ และความพึงพอใจ (0 = ไม่ด้อยกว่าทั้งกรมเลย)",
		     "Ranked by the improvement need score: the mean shortfall against the whole "
		     "department in digital channel use, service time and satisfaction (0 = nowhere "
		     "worse than the department)."),
	     S_NOTE, MUTED, 4);
	if (!d->nranks) {
		para(b, T(b, "ไม่มีบริการที่มีคำขอในช่วงเวลานี้", "No service had requests in the period."),
		     S_BODY, INK, 4);
		return;
	}
	table_begin(b, &t, 20);
	{
		const struct kpi_row *req = report_find(d->cur, 0, KPI_REQUESTS, BD_ALL, NULL);
		const struct kpi_row *dig = report_find(d->cur, 0, KPI_DIGITAL_CHANNEL_RATE, BD_ALL,
							NULL);
		const struct kpi_row *tim = report_find(d->cur, 0, KPI_SERVICE_TIME_MEDIAN, BD_ALL,
							NULL);
		const struct kpi_row *sat = report_find(d->cur, 0, KPI_SATISFACTION_MEAN, BD_ALL,
							NULL);
		const struct tcell row[] = {
			{ "", 0, 0 },
			{ T(b, "ทั้งกรม (ใช้เทียบ)", "Whole department (reference)"), 0, 0 },
			{ value_text(req, KPI_REQUESTS, r1, sizeof(r1)), 0, 0 },
			{ value_text(dig, KPI_DIGITAL_CHANNEL_RATE, r2, sizeof(r2)), 0, 0 },
			{ value_text(tim, KPI_SERVICE_TIME_MEDIAN, r3, sizeof(r3)), 0, 0 },
			{ value_text(sat, KPI_SATISFACTION_MEAN, r4, sizeof(r4)), 0, 0 },
			{ "", 0, 0 },
			{ "", 0, 0 },
		};

		table_row(b, &t, row, ROW_TOTAL);
		t.rows = 0;
	}
	for (size_t i = 0; i < d->nranks && (int)i < top; i++) {
		const struct report_rank *rk = &d->ranks[i];
		char n[16];
		struct tcell row[8];

		snprintf(n, sizeof(n), "%zu", i + 1);
		fmt_grouped(rk->score, 0, sc, sizeof(sc));
		row[0] = (struct tcell){ n, MUTED, 0 };
		row[1] = (struct tcell){ service_name(b, rk->svc), 0, 0 };
		row[2] = (struct tcell){ kpi_format_human(KPI_REQUESTS, rk->requests, a, sizeof(a)),
					 0, 0 };
		row[3] = (struct tcell){ num_text(&rk->digital, KPI_DIGITAL_CHANNEL_RATE, r2,
						  sizeof(r2)), rk->worst == 0 ? BAD : 0, rk->worst == 0 };
		row[4] = (struct tcell){ num_text(&rk->time, KPI_SERVICE_TIME_MEDIAN, r3, sizeof(r3)),
					 rk->worst == 1 ? BAD : 0, rk->worst == 1 };
		row[5] = (struct tcell){ num_text(&rk->satisfaction, KPI_SATISFACTION_MEAN, r4,
						  sizeof(r4)), rk->worst == 2 ? BAD : 0, rk->worst == 2 };
		row[6] = (struct tcell){ sc, 0, 1 };
		row[7] = (struct tcell){ rk->worst < 0 ? T(b, "ไม่ด้อยกว่าทั้งกรม", "none")
				       : b->thai ? worst_th[rk->worst] : worst_en[rk->worst], 0, 0 };
		table_row(b, &t, row, ROW_BODY);
	}
	b->y += GAP;
}

/* The row of service code, metric m in the comparison, or NULL. */
static const struct compare_row *compare_find(const struct report_data *d, const char *code,
					      enum compare_metric m)
{
	for (size_t i = 0; i < d->compare->nrows; i++) {
		const struct compare_row *r = &d->compare->rows[i];

		if (!r->pooled && r->metric == m && !strcmp(r->service_code, code))
			return r;
	}
	return NULL;
}

/* "32.1% → 58.4%"; "–" for a row without a result. */
static const char *before_after(const struct compare_row *r, char *buf, size_t len,
				unsigned *rgb)
{
	const struct compare_metric_def *m;
	char v1[48], v2[48];
	int better;

	*rgb = MUTED;
	if (!r || r->skip || !r->before.set || !r->after.set)
		return "–";
	m = &compare_metrics[r->metric];
	if (m->unit == UNIT_FRACTION) {
		snprintf(v1, sizeof(v1), "%.1f%%", r->before.v * 100);
		snprintf(v2, sizeof(v2), "%.1f%%", r->after.v * 100);
	} else {
		snprintf(v1, sizeof(v1), m->unit == UNIT_SCORE ? "%.2f" : "%.1f", r->before.v);
		snprintf(v2, sizeof(v2), m->unit == UNIT_SCORE ? "%.2f" : "%.1f", r->after.v);
	}
	/* U+2192 rightwards arrow */
	snprintf(buf, len, "%s → %s", v1, v2);
	better = (r->after.v > r->before.v) == (m->higher_is_better != 0);
	*rgb = r->after.v == r->before.v ? INK : better ? GOOD : BAD;
	return buf;
}

/* The before/after table lists at most this many services, the earliest
 * adopters (whose windows are complete) first: the brief stays short. */
#define COMPARE_ROWS 20

/* Services by the day they began accepting Digital ID, then by code. */
static int since_cmp(const void *pa, const void *pb)
{
	const struct report_service *a = *(const struct report_service *const *)pa;
	const struct report_service *b = *(const struct report_service *const *)pb;
	int c = date_cmp(a->since, b->since);

	return c ? c : strcmp(a->code, b->code);
}

static void sec_compare(struct brief *b)
{
	const struct report_data *d = b->d;
	static const struct tcol cols[] = {
		{ 170, PANGO_ALIGN_LEFT },  { 66, PANGO_ALIGN_LEFT },   { 90, PANGO_ALIGN_RIGHT },
		{ 90, PANGO_ALIGN_RIGHT },  { 89.2, PANGO_ALIGN_RIGHT },
	};
	const struct tcell head[] = {
		{ T(b, "บริการ", "Service"), 0, 1 },
		{ T(b, "เริ่มรับ Digital ID", "Digital ID since"), 0, 1 },
		{ T(b, "ช่องทางดิจิทัล\nก่อน → หลัง", "Digital channel\nbefore → after"), 0, 1 },
		{ T(b, "เวลาให้บริการ (ชม.)\nก่อน → หลัง", "Service time (h)\nbefore → after"), 0, 1 },
		{ T(b, "ความพึงพอใจ\nก่อน → หลัง", "Satisfaction\nbefore → after"), 0, 1 },
	};
	struct table t = { cols, 5, head, 0 };
	int w = d->compare ? d->compare->window_months : 6, any = 0;
	const struct report_service **order;
	size_t n = 0;
	char *note;

	heading(b, T(b, "ก่อนและหลังเริ่มรับ Digital ID รายบริการ",
		     "Before and after Digital ID, by service"));
	note = b->thai ? bprintf(b, "ค่าใน %d เดือนก่อนและ %d เดือนหลังวันที่บริการเริ่มรับ Digital ID; "
				    "สีเขียว = ดีขึ้น, สีแดง = แย่ลง; – = ยังไม่ครบช่วงเวลาหรือมีข้อมูลน้อยกว่า 30 รายการ",
				 w, w)
		       : bprintf(b, "The %d months before and the %d months after the day the service "
				    "began accepting Digital ID; green = better, red = worse; – = window "
				    "not complete or fewer than 30 observations.", w, w);
	if (note)
		para(b, note, S_NOTE, MUTED, 4);
	free(note);
	for (size_t i = 0; d->compare && i < d->nservices; i++)
		if (d->services[i].has_since)
			any = 1;
	if (!any) {
		para(b, T(b, "ยังไม่มีบริการที่เริ่มรับ Digital ID", "No service accepts Digital ID yet."),
		     S_BODY, INK, 4);
		return;
	}
	if (!(order = calloc(d->nservices, sizeof(*order)))) {
		if (!b->st)
			log_error("cannot draw the brief: out of memory");
		b->st = DK_SOFTWARE;
		return;
	}
	for (size_t i = 0; i < d->nservices; i++)
		if (d->services[i].has_since)
			order[n++] = &d->services[i];
	qsort(order, n, sizeof(*order), since_cmp);
	table_begin(b, &t, 20);
	for (size_t i = 0; i < n && i < COMPARE_ROWS; i++) {
		const struct report_service *s = order[i];
		char since[48], c1[128], c2[128], c3[128];
		struct tcell row[5];

		date_human(b, s->since, since, sizeof(since));
		row[0] = (struct tcell){ service_name(b, s), 0, 0 };
		row[1] = (struct tcell){ since, 0, 0 };
		row[2].bold = row[3].bold = row[4].bold = 0;
		row[2].text = before_after(compare_find(d, s->code, CMP_DIGITAL_CHANNEL_RATE), c1,
					   sizeof(c1), &row[2].rgb);
		row[3].text = before_after(compare_find(d, s->code, CMP_SERVICE_TIME_MEDIAN), c2,
					   sizeof(c2), &row[3].rgb);
		row[4].text = before_after(compare_find(d, s->code, CMP_SATISFACTION_MEAN), c3,
					   sizeof(c3), &row[4].rgb);
		table_row(b, &t, row, ROW_BODY);
	}
	free(order);
	if (n > COMPARE_ROWS) {
		note = b->thai ? bprintf(b, "และอีก %zu บริการที่เริ่มรับ Digital ID ภายหลัง: ดูในสมุดงาน (didkpi report)",
					 n - COMPARE_ROWS)
			       : bprintf(b, "And %zu more services that adopted Digital ID later: see the "
					    "workbook (didkpi report).", n - COMPARE_ROWS);
		b->y += 3;
		if (note)
			para(b, note, S_NOTE, MUTED, 0);
		free(note);
	}
	b->y += GAP;
}

/* Whether method code is a Digital ID method, as the method mix says. */
static int method_digital(const struct report_data *d, const char *code, int *known)
{
	*known = 0;
	for (size_t i = 0; d->methods && i < d->methods->nseries; i++)
		if (d->methods->series[i].code && !strcmp(d->methods->series[i].code, code)) {
			*known = 1;
			return d->methods->series[i].digital;
		}
	return 0;
}

struct method_line {
	const struct kpi_row *rate;
	double events;
};

static int method_cmp(const void *pa, const void *pb)
{
	const struct method_line *a = pa, *b = pb;

	if (a->events != b->events)
		return a->events < b->events ? 1 : -1;
	return strcmp(a->rate->key, b->rate->key);
}

static void sec_auth(struct brief *b)
{
	const struct report_data *d = b->d;
	static const struct tcol cols[] = {
		{ 185, PANGO_ALIGN_LEFT },  { 70, PANGO_ALIGN_LEFT },   { 85, PANGO_ALIGN_RIGHT },
		{ 80, PANGO_ALIGN_RIGHT },  { 85.2, PANGO_ALIGN_RIGHT },
	};
	const struct tcell head[] = {
		{ T(b, "วิธียืนยันตัวตน", "Method"), 0, 1 },
		{ "Digital ID", 0, 1 },
		{ T(b, "จำนวนครั้ง", "Log-ins"), 0, 1 },
		{ T(b, "สัดส่วน", "Share"), 0, 1 },
		{ T(b, "สำเร็จ", "Successful"), 0, 1 },
	};
	const struct kpi_row *rate = report_find(d->cur, 0, KPI_AUTH_SUCCESS_RATE, BD_ALL, NULL);
	const struct kpi_row *lat = report_find(d->cur, 0, KPI_AUTH_LATENCY_MEDIAN, BD_ALL, NULL);
	const struct kpi_row *idr = report_find(d->cur, 0, KPI_IDENTIFICATION_SUCCESS_RATE, BD_ALL,
						NULL);
	struct table t = { cols, 5, head, 0 };
	struct method_line *ml = NULL;
	double total = rate && rate->denominator.set ? rate->denominator.v : 0, digital = 0;
	size_t n = 0;
	char v1[64], v2[64], v3[64], v4[64], *s;

	heading(b, T(b, "การยืนยันตัวตน", "Authentication"));
	if (d->cur && (ml = calloc(d->cur->nrows + 1, sizeof(*ml))))
		for (size_t i = 0; i < d->cur->nrows; i++) {
			const struct kpi_row *r = &d->cur->rows[i];
			int known;

			if (r->kpi != KPI_AUTH_SUCCESS_RATE || r->bd != BD_METHOD || !r->key)
				continue;
			if (r->suppressed || !r->denominator.set || !(r->denominator.v > 0))
				continue;
			ml[n].rate = r;
			ml[n++].events = r->denominator.v;
			if (method_digital(d, r->key, &known))
				digital += r->denominator.v;
		}
	else if (d->cur) {
		if (!b->st)
			log_error("cannot draw the brief: out of memory");
		b->st = DK_SOFTWARE;
	}
	if (!(total > 0)) {
		para(b, T(b, "ไม่มีการยืนยันตัวตนในช่วงเวลานี้", "No authentication in the period."),
		     S_BODY, INK, 4);
		free(ml);
		return;
	}
	fmt_grouped(total, 0, v1, sizeof(v1));
	value_text(rate, KPI_AUTH_SUCCESS_RATE, v2, sizeof(v2));
	value_text(lat, KPI_AUTH_LATENCY_MEDIAN, v3, sizeof(v3));
	snprintf(v4, sizeof(v4), "%.1f%%", digital / total * 100);
	s = b->thai ? bprintf(b, "ยืนยันตัวตน %s ครั้ง สำเร็จ %s ใช้เวลามัธยฐาน %s มิลลิวินาที; "
				 "ยืนยันด้วยวิธี Digital ID %s ของทั้งหมด",
			      v1, v2, v3, v4)
		    : bprintf(b, "%s log-ins, %s successful, taking %s ms (median); %s of them with "
				 "a Digital ID method.", v1, v2, v3, v4);
	if (s)
		para(b, s, S_BODY, INK, 2);
	free(s);
	if (idr && idr->value.set) {
		value_text(idr, KPI_IDENTIFICATION_SUCCESS_RATE, v2, sizeof(v2));
		s = b->thai ? bprintf(b, "การพิสูจน์ตัวตน (ครั้งแรก) สำเร็จ %s", v2)
			    : bprintf(b, "Identity proofing (the first time) succeeded in %s of attempts.",
				      v2);
		if (s)
			para(b, s, S_BODY, INK, 4);
		free(s);
	}
	if (!n) {
		free(ml);
		return;
	}
	qsort(ml, n, sizeof(*ml), method_cmp);
	table_begin(b, &t, 20);
	for (size_t i = 0; i < n; i++) {
		const struct kpi_row *r = ml[i].rate;
		int known, dig = method_digital(d, r->key, &known);
		const char *name = b->thai ? r->key_th : r->key_en;
		char e[64], sh[64], ok[64];
		struct tcell row[5] = {
			{ name && *name ? name : r->key, 0, 0 },
			{ !known ? "–" : dig ? T(b, "ใช่", "yes") : T(b, "ไม่ใช่", "no"), 0, dig },
			{ fmt_grouped(ml[i].events, 0, e, sizeof(e)), 0, 0 },
			{ sh, 0, 0 },
			{ value_text(r, KPI_AUTH_SUCCESS_RATE, ok, sizeof(ok)), 0, 0 },
		};

		snprintf(sh, sizeof(sh), "%.1f%%", ml[i].events / total * 100);
		table_row(b, &t, row, ROW_BODY);
	}
	free(ml);
	b->y += GAP;
}

/* ---- charts ---- */

/* Charts are drawn at this many units across and scaled to the text
 * width, so their text (13 units on 1000) comes out at a readable size. */
#define CHART_UNITS 680.0

/* Draws c (NULL: nothing yet) h points high across the text width. */
static void chart_block(struct brief *b, const struct chart *c, double h)
{
	double k = WIDTH / CHART_UNITS;

	ensure(b, h);
	if (drawing(b) && c) {
		int st;

		cairo_save(b->cr);
		cairo_translate(b->cr, MARGIN, b->y);
		cairo_scale(b->cr, k, k);
		st = chart_render(c, b->cr, CHART_UNITS, h / k);
		cairo_restore(b->cr);
		if (st && !b->st)
			b->st = st;
	}
	b->y += h + GAP;
}

/* The trend chart's height: what page 1 has left below the table and the
 * sentence (a long sentence or many wrapped names move it to page 2). */
#define TREND_H 215.0

/* The before/after chart's: below its table, or on a page of its own. */
#define COMPARE_H 265.0

/* The chart ctx of chartspec: the snapshot's date as "data as of". */
static struct chartspec_ctx chart_ctx(const struct brief *b)
{
	return (struct chartspec_ctx){ .thai = b->thai };
}

/* Builds a chart with build() and draws it h points high; nothing is built
 * while only laying out (charts take their height whatever they show). */
static void spec_block(struct brief *b, double h,
		       int (*build)(const struct brief *, struct chartspec **))
{
	struct chartspec *cs = NULL;
	int st;

	if (!drawing(b)) {
		chart_block(b, NULL, h);
		return;
	}
	if ((st = build(b, &cs))) {
		if (!b->st)
			b->st = st;
		return;
	}
	chart_block(b, &cs->chart, h);
	chartspec_free(cs);
}

/* The digital channel rate by month, its target and the adoption days:
 * the briefing's headline KPI (the one chart builder, lib/chartspec.c). */
static int build_trend(const struct brief *b, struct chartspec **out)
{
	struct chartspec_ctx c = chart_ctx(b);

	return chartspec_report_trend(&c, b->d, KPI_DIGITAL_CHANNEL_RATE, out);
}

/* The digital channel rate before and after, by service, with intervals. */
static int build_compare(const struct brief *b, struct chartspec **out)
{
	struct chartspec_ctx c = chart_ctx(b);

	return chartspec_report_compare(&c, b->d, CMP_DIGITAL_CHANNEL_RATE,
					b->d->compare ? b->d->compare->window_months : 6, out);
}

static void sec_trend(struct brief *b)
{
	heading(b, T(b, "แนวโน้มรายเดือน", "The monthly trend"));
	spec_block(b, TREND_H, build_trend);
}

/* Only when some service has a result: else the chart would say "no data". */
static void sec_compare_chart(struct brief *b)
{
	if (!pooled(b->d, CMP_DIGITAL_CHANNEL_RATE))
		return;
	spec_block(b, COMPARE_H, build_compare);
}

/* ---- the document ---- */

static void lay_out(struct brief *b)
{
	b->page = 1;
	b->y = TOP;
	sec_cover(b);
	section(b, sec_kpis);
	section(b, sec_effect);
	section(b, sec_trend);
	/* the rest from page 2 on (when page 1 has room left, the trend is on it) */
	if (b->page == 1)
		page_break(b);
	/* the two short sections first: they share page 2, and the long
	 * before/after table and its chart fill the next */
	section(b, sec_improve);
	section(b, sec_auth);
	section(b, sec_compare);
	section(b, sec_compare_chart);
	footer(b);
}

struct sink {
	FILE *f;                   /* NULL: discard (the first pass) */
	int err;                   /* errno of a failed write, else 0 */
};

static cairo_status_t sink_write(void *closure, const unsigned char *data, unsigned int len)
{
	struct sink *s = closure;

	if (s->f && fwrite(data, 1, len, s->f) != len) {
		s->err = errno ? errno : EIO;
		return CAIRO_STATUS_WRITE_ERROR;
	}
	return CAIRO_STATUS_SUCCESS;
}

/* "YYYY-MM-DDTHH:MM:SS+07:00" from the snapshot's "YYYY-MM-DD HH:MM:SS"
 * and its offset from UTC. */
static void iso_stamp(const char *ts, const char *offset, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s", ts, offset);
	if (strlen(buf) > 10 && buf[10] == ' ')
		buf[10] = 'T';
}

static void set_metadata(struct brief *b)
{
	char period[PERIOD_HUMAN_LEN], when[32], *title, *subject, *creator;
	const char *t = b->t->title[b->th] ? b->t->title[b->th]
			: T(b, "ตัวชี้วัดการให้บริการด้วย Digital ID", "Digital ID service KPIs");

	period_label_human(&b->d->period, b->thai, period, sizeof(period));
	title = bprintf(b, "%s – %s", t, period);
	subject = b->thai ? bprintf(b, "สรุปสำหรับผู้บริหาร (แม่แบบ %s, ช่วงเวลา %s)",
				    b->o->template_name ? b->o->template_name : "", b->d->period.label)
			  : bprintf(b, "Executive brief (template %s, period %s)",
				    b->o->template_name ? b->o->template_name : "", b->d->period.label);
	creator = bprintf(b, "didkpi %s", b->o->version ? b->o->version : "");
	/* the snapshot's time, not the clock's: the same data, the same bytes */
	iso_stamp(b->d->snapshot, b->d->snapshot_offset, when, sizeof(when));
	if (title)
		cairo_pdf_surface_set_metadata(b->surface, CAIRO_PDF_METADATA_TITLE, title);
	cairo_pdf_surface_set_metadata(b->surface, CAIRO_PDF_METADATA_AUTHOR, department(b));
	if (subject)
		cairo_pdf_surface_set_metadata(b->surface, CAIRO_PDF_METADATA_SUBJECT, subject);
	if (creator)
		cairo_pdf_surface_set_metadata(b->surface, CAIRO_PDF_METADATA_CREATOR, creator);
	cairo_pdf_surface_set_metadata(b->surface, CAIRO_PDF_METADATA_KEYWORDS,
				       "Digital ID, KPI, didkpi");
	if (when[0]) {
		cairo_pdf_surface_set_metadata(b->surface, CAIRO_PDF_METADATA_CREATE_DATE, when);
		cairo_pdf_surface_set_metadata(b->surface, CAIRO_PDF_METADATA_MOD_DATE, when);
	}
	free(title);
	free(subject);
	free(creator);
}

/* Whether fontconfig gives the font family itself for a request of it
 * (fonts-thai-tlwg aliases "Sarabun" and "TH Sarabun New" to Laksaman). */
static int family_installed(PangoContext *ctx, const char *family)
{
	PangoFontDescription *fd = pango_font_description_new();
	PangoFont *f;
	int yes = 0;

	pango_font_description_set_family(fd, family);
	pango_font_description_set_absolute_size(fd, 10 * PANGO_SCALE);
	if ((f = pango_context_load_font(ctx, fd))) {
		PangoFontDescription *got = pango_font_describe(f);
		const char *name = pango_font_description_get_family(got);

		yes = name && !strcasecmp(name, family);
		pango_font_description_free(got);
		g_object_unref(f);
	}
	pango_font_description_free(fd);
	return yes;
}

/*
 * Sarabun, else TH Sarabun New (the government's standard font, which
 * draws a good deal smaller than others at the same size: 1.35 times the
 * size brings it to Loma's), else Loma, Garuda or sans.
 */
static void choose_family(struct brief *b)
{
	b->scale = 1;
	if (family_installed(b->pctx, "Sarabun")) {
		b->family = "Sarabun, " FAMILY_FALLBACK;
	} else if (family_installed(b->pctx, "TH Sarabun New")) {
		b->family = "TH Sarabun New, " FAMILY_FALLBACK;
		b->scale = 1.35;
	} else {
		b->family = FAMILY_FALLBACK;
	}
}

/* One pass over the document onto a PDF surface writing to s. */
static int run_pass(struct brief *b, struct sink *s)
{
	cairo_font_options_t *fo;
	cairo_status_t cs;

	b->surface = cairo_pdf_surface_create_for_stream(sink_write, s, PAGE_W, PAGE_H);
	b->cr = cairo_create(b->surface);
	b->pctx = pango_cairo_create_context(b->cr);
	/* unhinted metrics, as lib/chart.c: the layout is the same at every size */
	fo = cairo_font_options_create();
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	pango_cairo_context_set_font_options(b->pctx, fo);
	cairo_font_options_destroy(fo);
	pango_context_set_round_glyph_positions(b->pctx, FALSE);
	pango_context_set_language(b->pctx, pango_language_from_string(b->thai ? "th" : "en"));
	choose_family(b);
	if (b->draw)
		set_metadata(b);
	lay_out(b);
	g_object_unref(b->pctx);
	b->pctx = NULL;
	cairo_destroy(b->cr);
	b->cr = NULL;
	cairo_surface_finish(b->surface);
	cs = cairo_surface_status(b->surface);
	cairo_surface_destroy(b->surface);
	b->surface = NULL;
	if (s->err) {
		log_error("cannot write the brief: %s", strerror(s->err));
		return DK_CANTCREAT;
	}
	if (cs != CAIRO_STATUS_SUCCESS) {
		log_error("cannot draw the brief: cairo: %s", cairo_status_to_string(cs));
		return DK_SOFTWARE;
	}
	return b->st;
}

int brief_write(FILE *f, const struct template *t, const struct report_data *d,
		const struct brief_options *o)
{
	struct brief b = { .d = d, .t = t, .o = o, .thai = o->thai, .th = o->thai ? TPL_TH : TPL_EN };
	struct sink discard = { NULL, 0 }, out = { f, 0 };
	int st;

	/* the first pass counts the pages ("page x of y"); the second draws */
	if ((st = run_pass(&b, &discard)))
		return st;
	b.pages = b.page;
	b.draw = 1;
	return run_pass(&b, &out);
}
