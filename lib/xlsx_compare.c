/* The workbook's the before/after sheet: each service before and after Digital ID (see xlsx_int.h). */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>
#include <xlsxwriter.h>

#include "chart.h"
#include "format.h"
#include "log.h"
#include "pngout.h"
#include "status.h"
#include "xlsx_int.h"

/* Pooled row first, then services by adoption date, then code; within a
 * metric the skipped rows last. */
static int cmp_rows(const void *pa, const void *pb)
{
	const struct compare_row *a = *(const struct compare_row *const *)pa;
	const struct compare_row *b = *(const struct compare_row *const *)pb;
	int c;

	if ((a->skip != NULL) != (b->skip != NULL))
		return a->skip ? 1 : -1;
	if (a->pooled != b->pooled)
		return b->pooled - a->pooled;
	if (a->has_dates && b->has_dates && (c = date_cmp(a->adopted, b->adopted)))
		return c;
	return strcmp(a->service_code, b->service_code);
}

/* Why a row is skipped, in the report's language (the conclusion says
 * "not enough data"). */
static const char *skip_text(struct xw *x, const char *skip)
{
	if (!x->thai)
		return skip;
	if (strstr(skip, "not complete") || strstr(skip, "not over"))
		return "ช่วงหลังยังไม่ครบ";
	if (strstr(skip, "fewer than") && strstr(skip, "before"))
		return "ช่วงก่อนมีน้อยกว่า 30 รายการ";
	if (strstr(skip, "fewer than") && strstr(skip, "after"))
		return "ช่วงหลังมีน้อยกว่า 30 รายการ";
	return skip;
}

static enum nf metric_nf(enum compare_metric m)
{
	switch (compare_metrics[m].unit) {
	case UNIT_FRACTION: return NF_PCT;
	case UNIT_HOURS: return NF_HOURS;
	case UNIT_SCORE: return NF_SCORE;
	default: return NF_DEC1;
	}
}

/* The before/after sheet's columns; the brief layout stops after CC_COVER. */
enum {
	CC_SVC, CC_SINCE, CC_BEFORE, CC_AFTER, CC_CHG, CC_PCT, CC_LO, CC_HI, CC_P, CC_CONC,
	CC_SENT, CC_COVER, CC_NB, CC_NA, CC_BS, CC_BE, CC_AS, CC_AE, CC_TEST, CC_COUNT
};

/* The widest the service, sentence and coverage columns grow: longer text
 * wraps, so that the brief layout prints one A4 landscape page wide at about
 * 80% (tests/e2e/wb_compare.sh). */
#define SVC_CAP 30.0
#define SENT_CAP 28.0
#define COVER_CAP 14.0

/* Whether the windows are covered by data (compare_row.coverage), in words. */
static const char *coverage_text(struct xw *x, const char *coverage)
{
	if (!coverage)
		return "";
	if (!strcmp(coverage, "full"))
		return T(x, "ครบ", "full");
	if (!strcmp(coverage, "before-partial"))
		return T(x, "ช่วงก่อนไม่ครบ", "before: partial");
	if (!strcmp(coverage, "after-partial"))
		return T(x, "ช่วงหลังไม่ครบ", "after: partial");
	if (!strcmp(coverage, "both-partial"))
		return T(x, "ไม่ครบทั้งสองช่วง", "both: partial");
	return coverage;
}

/* One row of a before/after block. */
static void compare_line(struct xw *x, struct sheet *s, lxw_row_t r,
			 const struct compare_row *row, int full)
{
	const struct compare_metric_def *def = &compare_metrics[row->metric];
	enum nf nf = metric_nf(row->metric);

	if (row->pooled)
		xw_put_text(x, s, r, CC_SVC, xw_pf(x, T(x, "รวมทุกบริการ (%d บริการ)",
							"All services (%d pooled)"),
						   row->pooled_services), x->f.label);
	else
		xw_put_text_capped(x, s, r, CC_SVC, x->thai ? row->name_th : row->name_en, SVC_CAP);
	if (row->has_dates)
		xw_put_date(x, s, r, CC_SINCE, row->adopted, x->f.date);
	else
		xw_put_blank(x, s, r, CC_SINCE, NULL);
	xw_put_num(x, s, r, CC_BEFORE, row->before.set ? row->before.v : NAN, x->f.num[nf], nf);
	xw_put_num(x, s, r, CC_AFTER, row->after.set ? row->after.v : NAN, x->f.num[nf], nf);
	xw_put_change(x, s, r, CC_CHG, row->change.set ? row->change.v : NAN, nf);
	xw_put_num(x, s, r, CC_PCT, row->change_pct.set ? row->change_pct.v : NAN, x->f.chg[NF_PCT],
		NF_PCT);
	xw_put_change(x, s, r, CC_LO, row->ci_low.set ? row->ci_low.v : NAN, nf);
	xw_put_change(x, s, r, CC_HI, row->ci_high.set ? row->ci_high.v : NAN, nf);
	xw_put_num(x, s, r, CC_P, row->p_value.set ? row->p_value.v : NAN, x->f.num[NF_DEC3], NF_DEC3);
	if (row->skip) {
		xw_put_text(x, s, r, CC_CONC, T(x, "ข้อมูลยังไม่พอ", "not enough data"),
			    x->f.suppressed);
	} else if (row->p_value.set && row->p_value.v < 0.05 && row->change.set) {
		int better = def->higher_is_better ? row->change.v > 0 : row->change.v < 0;

		xw_put_text(x, s, r, CC_CONC, better ? T(x, "ดีขึ้นอย่างมีนัยสำคัญ", "significantly better")
						 : T(x, "แย่ลงอย่างมีนัยสำคัญ", "significantly worse"),
			 x->f.text);
	} else {
		xw_put_text(x, s, r, CC_CONC, T(x, "ไม่แตกต่างอย่างมีนัยสำคัญ", "no significant change"),
			 x->f.text);
	}
	/* the change and its interval in words; a skipped row why */
	if (row->skip) {
		xw_put_text_capped(x, s, r, CC_SENT, skip_text(x, row->skip), SENT_CAP);
	} else {
		char *sentence = compare_row_sentence(row, x->thai);

		if (!sentence) {
			x->pool.oom = 1; /* reported as out of memory */
			return;
		}
		xw_put_text_capped(x, s, r, CC_SENT, xw_pf(x, "%s", sentence), SENT_CAP);
		free(sentence);
	}
	xw_put_text_capped(x, s, r, CC_COVER, coverage_text(x, row->coverage), COVER_CAP);
	if (!full)
		return;
	xw_put_num(x, s, r, CC_NB, row->n_before.set ? row->n_before.v : NAN, x->f.num[NF_COUNT],
		NF_COUNT);
	xw_put_num(x, s, r, CC_NA, row->n_after.set ? row->n_after.v : NAN, x->f.num[NF_COUNT],
		NF_COUNT);
	if (row->has_dates) {
		xw_put_date(x, s, r, CC_BS, row->before_start, x->f.date);
		xw_put_date(x, s, r, CC_BE, date_add_days(row->before_end, -1), x->f.date);
		xw_put_date(x, s, r, CC_AS, row->after_start, x->f.date);
		xw_put_date(x, s, r, CC_AE, date_add_days(row->after_end, -1), x->f.date);
	}
	xw_put_text(x, s, r, CC_TEST, row->skip ? xw_pf(x, "skipped: %s", row->skip) : row->test,
		 x->f.text);
}

/* The height compare_chart() gives a native chart of n services. */
static int chart_height(const struct tpl_chart *tc, size_t n)
{
	return n > 6 && tc->height <= 120 + 26 * (int)n ? 120 + 26 * (int)n : tc->height;
}

/* A native chart of one metric before and after, by service: columns for a
 * few services, horizontal bars when the names would not fit below. */
static int compare_chart(struct xw *x, struct sheet *s, const struct tpl_chart *tc,
			 lxw_row_t first, size_t n)
{
	enum compare_metric m = (enum compare_metric)tc->metric;
	struct tpl_chart sized = *tc;
	int bars = n > 6;
	lxw_chart *ch;

	ch = xw_chart_new(x, bars ? LXW_CHART_BAR : LXW_CHART_COLUMN, tc->title[x->th] ? tc->title[x->th]
		       : xw_pf(x, T(x, "%s ก่อนและหลังใช้ Digital ID", "%s before and after Digital ID"),
			    x->thai ? compare_metrics[m].label_th : compare_metrics[m].label_en));
	if (!ch)
		return DK_SOFTWARE;
	for (int side = 0; side < 2; side++) {
		lxw_chart_series *se = chart_add_series(ch, NULL, NULL);

		chart_series_set_categories(se, s->name, first, CC_SVC, first + (lxw_row_t)n - 1,
					    CC_SVC);
		chart_series_set_values(se, s->name, first, (lxw_col_t)(CC_BEFORE + side),
					first + (lxw_row_t)n - 1, (lxw_col_t)(CC_BEFORE + side));
		chart_series_set_name(se, side ? T(x, "หลังใช้ Digital ID", "After Digital ID")
					       : T(x, "ก่อนใช้ Digital ID", "Before Digital ID"));
		xw_series_colour(se, side ? palette[0] : greys[1], 0, 0);
	}
	/* a bar chart's x axis is its value axis */
	chart_axis_set_num_format(bars ? ch->x_axis : ch->y_axis,
				  xw_axis_format(compare_metrics[m].unit));
	if (bars) {
		/* the first service on top, as in the table */
		chart_axis_set_reverse(ch->y_axis);
		sized.height = chart_height(tc, n);
	}
	xw_chart_insert(x, s, ch, &sized);
	return DK_OK;
}

/* The rows the sheet's charts take, placed above the table. */
static lxw_row_t charts_rows(const struct tpl_sheet *sh, const struct compare_result *cr)
{
	int w[32], h[32];
	size_t i, j, n = 0;

	for (i = 0; i < sh->ncharts && n < 32; i++, n++) {
		size_t shown = 0;

		for (j = 0; j < cr->nrows; j++)
			shown += cr->rows[j].metric == (enum compare_metric)sh->charts[i]->metric &&
				 !cr->rows[j].skip;
		w[n] = sh->charts[i]->width;
		h[n] = sh->charts[i]->type == TPL_CHART_IMAGE ? sh->charts[i]->height
			: chart_height(sh->charts[i], shown);
	}
	return xw_charts_rows(w, h, n);
}

int xlsx_write_compare(struct xw *x, struct sheet *s)
{
	const struct report_data *d = x->d;
	const struct compare_result *cr = d->compare;
	const struct tpl_sheet *sh = s->tpl;
	const struct compare_row **rows = NULL;
	lxw_row_t header, r, crows;
	lxw_row_t bfirst[CMP_METRIC_COUNT] = { 0 };
	size_t bshown[CMP_METRIC_COUNT] = { 0 }, n = 0, i;
	int mi, st = DK_OK, full = !sh->brief;
	lxw_col_t ncols = full ? CC_COUNT : CC_COVER + 1, c;
	static const char *const heads_th[CC_COUNT] = {
		"บริการ", "เริ่มใช้ Digital ID", "ก่อน", "หลัง", "เปลี่ยนแปลง", "เปลี่ยนแปลง (%)",
		"ช่วงความเชื่อมั่น 95%: ล่าง", "ช่วงความเชื่อมั่น 95%: บน", "ค่า p", "สรุปผล",
		"สรุปเป็นคำ", "ข้อมูลครอบคลุมช่วง", "จำนวนก่อน", "จำนวนหลัง", "ช่วงก่อน: ตั้งแต่",
		"ช่วงก่อน: ถึง", "ช่วงหลัง: ตั้งแต่", "ช่วงหลัง: ถึง", "วิธีทดสอบ",
	};
	static const char *const heads_en[CC_COUNT] = {
		"Service", "Digital ID since", "Before", "After", "Change", "Change (%)",
		"95% CI: low", "95% CI: high", "p-value", "Conclusion", "In words",
		"Data coverage", "n before", "n after",
		"Before: from", "Before: to", "After: from", "After: to", "Test",
	};

	xw_sheet_heading(x, s, xw_pf(x, T(x, "%s%sช่วงละ %d เดือนก่อนและหลังวันที่แต่ละบริการเริ่มรับ Digital ID  ·  "
				       "ข้อมูล ณ %s",
				    "%s%s%d months before and after the day each service began "
				    "accepting Digital ID  ·  data as of %s"),
			       xw_dept(x), *xw_dept(x) ? "  ·  " : "", x->o->window_months,
			       xw_as_of_human(x)));
	/* The charts above the table: the table runs over pages with its
	 * header repeated, which must not print above a page of charts. */
	if (cr && cr->nrows && (crows = charts_rows(sh, cr)) > 0) {
		s->charts_at = s->row;
		s->row += crows;
	}
	header = s->row;
	for (c = 0; c < ncols; c++)
		xw_put_header(x, s, header, c, x->thai ? heads_th[c] : heads_en[c]);
	xw_freeze(x, s, header, 1);
	r = header + 1;
	if (!cr || cr->nrows == 0) {
		xw_put_note(x, s, r++, 0, T(x, "ยังไม่มีบริการที่เริ่มรับ Digital ID",
					 "No service has begun accepting Digital ID yet"));
		s->row = r + 1;
		return DK_OK;
	}
	if (!(rows = calloc(cr->nrows, sizeof(*rows))))
		return DK_SOFTWARE;
	for (mi = 0; mi < sh->nmetrics; mi++) {
		enum compare_metric m = (enum compare_metric)sh->metrics[mi];
		const struct compare_metric_def *def = &compare_metrics[m];
		size_t start = n;
		lxw_row_t last;
		const char *chg, *p;

		for (i = 0; i < cr->nrows; i++)
			if (cr->rows[i].metric == m)
				rows[n++] = &cr->rows[i];
		qsort(rows + start, n - start, sizeof(*rows), cmp_rows);
		/* the block's heading: the metric, across the table */
		xw_put_text(x, s, r, 0, x->thai ? def->label_th : def->label_en, x->f.block);
		for (c = 1; c < ncols; c++)
			xw_put_blank(x, s, r, c, x->f.block);
		r++;
		bfirst[m] = r;
		for (i = start; i < n; i++, r++) {
			compare_line(x, s, r, rows[i], full);
			if (!rows[i]->skip)
				bshown[m]++;
		}
		if (r == bfirst[m])
			continue;
		last = r - 1;
		/* better or worse, when significant at 5% */
		chg = xw_cell(x, bfirst[m], CC_CHG);
		p = xw_cell(x, bfirst[m], CC_P);
		xw_cond_change(x, s, bfirst[m], last, CC_CHG, def->higher_is_better,
			    xw_pf(x, ",ISNUMBER(%s),%s<0.05", p, p));
		xw_cond_change(x, s, bfirst[m], last, CC_PCT, def->higher_is_better,
			    xw_pf(x, ",ISNUMBER(%s),%s<0.05", p, p));
		xw_cond(x, s, bfirst[m], CC_CONC, last, CC_CONC,
		     xw_pf(x, "=AND(ISNUMBER(%s),ISNUMBER(%s),%s<0.05,%s%s0)", chg, p, p, chg,
			def->higher_is_better ? ">" : "<"), x->f.good);
		xw_cond(x, s, bfirst[m], CC_CONC, last, CC_CONC,
		     xw_pf(x, "=AND(ISNUMBER(%s),ISNUMBER(%s),%s<0.05,%s%s0)", chg, p, p, chg,
			def->higher_is_better ? "<" : ">"), x->f.bad);
	}
	r++;
	xw_put_note(x, s, r++, 0, T(x, "หมายเหตุ: ก่อน/หลัง = ค่าของตัวชี้วัดในช่วงก่อนและหลังวันที่เริ่มรับ Digital ID; "
				    "การเปลี่ยนแปลงของอัตราเป็นจุดร้อยละ; สีเขียว/แดง = ดีขึ้น/แย่ลงอย่างมีนัยสำคัญ "
				    "(ค่า p < 0.05)",
				    "Notes: before/after = the KPI in the windows before and after the day "
				    "Digital ID began; rate changes are in percentage points; green/red = "
				    "significantly better/worse (p < 0.05)."));
	xw_put_note(x, s, r++, 0, T(x, "เวลาในการให้บริการ: ก่อน/หลัง = มัธยฐาน; เปลี่ยนแปลง = "
				    "ค่าประมาณ Hodges–Lehmann (มัธยฐานของผลต่างทุกคู่ก่อน–หลัง) "
				    "ซึ่งเป็นค่าที่ช่วงความเชื่อมั่นกำกับ; "
				    "ข้อมูลครอบคลุมช่วง: \"ไม่ครบ\" = ช่วงนั้นเริ่มก่อนหรือจบหลังข้อมูลของบริการ "
				    "(คำขอต่อเดือนคิดเฉพาะวันที่มีข้อมูล)",
				    "Service time: before/after are medians; the change is the Hodges–Lehmann "
				    "shift (the median of all before–after differences), the estimate its "
				    "interval belongs to. Data coverage: \"partial\" = the window starts "
				    "before or ends after the service's data (requests per month count only "
				    "the days with data)."));
	xw_put_note(x, s, r++, 0, T(x, "วิธีทดสอบ: อัตรา z-test (ช่วงความเชื่อมั่น Newcombe); เวลา Mann–Whitney "
				    "(Hodges–Lehmann); คะแนน Welch t; คำขอต่อเดือน Poisson แบบแม่นตรง; "
				    "แถวรวมทุกบริการแบ่งชั้นตามบริการ (Mantel–Haenszel, van Elteren, "
				    "ถ่วงน้ำหนักผกผันความแปรปรวน)",
				    "Tests: rates z-test (Newcombe interval); times Mann–Whitney "
				    "(Hodges–Lehmann); scores Welch t; requests per month exact Poisson. "
				    "The pooled rows are stratified by service (Mantel–Haenszel, van Elteren, "
				    "inverse variance)."));
	s->row = r + 1;

	for (i = 0; i < sh->ncharts; i++) {
		const struct tpl_chart *tc = sh->charts[i];
		enum compare_metric m = (enum compare_metric)tc->metric;

		if (tc->type == TPL_CHART_IMAGE)
			st = xw_insert_picture(x, s, TPL_SHEET_COMPARE, tc);
		else if (bshown[m])
			st = compare_chart(x, s, tc, bfirst[m], bshown[m]);
		if (st)
			break;
	}
	xw_charts_done(s);
	free(rows);
	return st;
}
