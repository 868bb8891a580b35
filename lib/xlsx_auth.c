/* The workbook's the authentication sheet: methods, failure reasons, the mix by month (see xlsx_int.h). */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>
#include <xlsxwriter.h>

#include "chart.h"
#include "chartspec.h"
#include "format.h"
#include "log.h"
#include "pngout.h"
#include "status.h"
#include "xlsx_int.h"

static const char *step_text(struct xw *x, const char *step)
{
	if (!strcmp(step, "identification"))
		return T(x, "พิสูจน์ตัวตน", "identification");
	if (!strcmp(step, "authentication"))
		return T(x, "ยืนยันตัวตน", "authentication");
	return step;
}


/* Methods by their events in the period, most first. */
struct method_line {
	const struct kpi_row *rate, *latency;
	double events;
};

static int method_cmp(const void *pa, const void *pb)
{
	const struct method_line *a = pa, *b = pb;

	if (a->events != b->events)
		return a->events < b->events ? 1 : -1;
	return strcmp(a->rate->key, b->rate->key);
}

int xlsx_write_auth(struct xw *x, struct sheet *s)
{
	lxw_row_t block;
	const struct report_data *d = x->d;
	const struct tpl_sheet *sh = s->tpl;
	struct method_line *ml = NULL;
	const struct kpi_row *all_rate, *all_lat;
	lxw_row_t header, first, last, r, mix_header = 0, mix_first = 0, mix_last = 0;
	size_t n = 0, i, j, nmix = 0, dig, leg;
	double total;
	lxw_col_t mixcol[64];
	size_t mixser[64];

	xw_sheet_heading(x, s, NULL);
	header = s->row;
	xw_put_header(x, s, header, 0, T(x, "วิธียืนยันตัวตน", "Method"));
	xw_put_header(x, s, header, 1, "Digital ID");
	xw_put_header(x, s, header, 2, T(x, "จำนวนครั้ง", "Events"));
	xw_put_header(x, s, header, 3, T(x, "สำเร็จ", "Succeeded"));
	xw_put_header(x, s, header, 4, T(x, "ไม่สำเร็จ", "Failed"));
	xw_put_header(x, s, header, 5, T(x, "อัตราสำเร็จ", "Success rate"));
	xw_put_header(x, s, header, 6, T(x, "สัดส่วนของการยืนยันตัวตนทั้งหมด", "Share of all events"));
	xw_put_header(x, s, header, 7, T(x, "เวลามัธยฐาน (มิลลิวินาที)", "Median latency (ms)"));
	xw_put_header(x, s, header, 8, T(x, "ปกปิด", "suppressed"));
	xw_freeze(x, s, header, 1);

	if (d->cur && !(ml = calloc(d->cur->nrows + 1, sizeof(*ml))))
		return DK_SOFTWARE;
	for (i = 0; d->cur && i < d->cur->nrows; i++) {
		const struct kpi_row *row = &d->cur->rows[i];

		if (row->kpi != KPI_AUTH_SUCCESS_RATE || row->bd != BD_METHOD)
			continue;
		ml[n].rate = row;
		ml[n].latency = report_find(d->cur, 0, KPI_AUTH_LATENCY_MEDIAN, BD_METHOD, row->key);
		ml[n].events = row->denominator.set ? row->denominator.v : 0;
		n++;
	}
	qsort(ml, n, sizeof(*ml), method_cmp);
	all_rate = report_find(d->cur, 0, KPI_AUTH_SUCCESS_RATE, BD_ALL, NULL);
	all_lat = report_find(d->cur, 0, KPI_AUTH_LATENCY_MEDIAN, BD_ALL, NULL);
	total = all_rate && all_rate->denominator.set ? all_rate->denominator.v : 0;
	first = header + 1;
	for (i = 0, r = first; i < n; i++, r++) {
		const struct kpi_row *row = ml[i].rate;
		int digital = 0;

		for (j = 0; d->methods && j < d->methods->nseries; j++)
			if (d->methods->series[j].code && !strcmp(d->methods->series[j].code, row->key))
				digital = d->methods->series[j].digital;
		xw_put_text(x, s, r, 0, x->thai ? row->key_th : row->key_en, x->f.text);
		if (d->methods)
			xw_put_text(x, s, r, 1, digital ? T(x, "ใช่", "yes") : T(x, "ไม่ใช่", "no"),
				 x->f.center);
		else
			xw_put_blank(x, s, r, 1, NULL);
		if (row->suppressed) {
			for (lxw_col_t c = 2; c <= 7; c++)
				xw_put_suppressed(x, s, r, c);
			xw_put_flag(x, s, r, 8, 1);
			continue;
		}
		xw_put_num(x, s, r, 2, ml[i].events, x->f.num[NF_COUNT], NF_COUNT);
		xw_put_num(x, s, r, 3, row->numerator.set ? row->numerator.v : NAN, x->f.num[NF_COUNT],
			NF_COUNT);
		xw_put_num(x, s, r, 4, row->numerator.set ? ml[i].events - row->numerator.v : NAN,
			x->f.num[NF_COUNT], NF_COUNT);
		xw_put_kpi(x, s, r, 5, row, x->f.num);
		xw_put_num(x, s, r, 6, total > 0 ? ml[i].events / total : NAN, x->f.num[NF_PCT], NF_PCT);
		xw_put_kpi(x, s, r, 7, ml[i].latency, x->f.num);
		xw_put_flag(x, s, r, 8, 0);
	}
	last = r - 1;
	xw_put_text(x, s, r, 0, T(x, "รวมทุกวิธี", "All methods"), x->f.total_text);
	xw_put_blank(x, s, r, 1, x->f.total_text);
	xw_put_num(x, s, r, 2, total, x->f.total[NF_COUNT], NF_COUNT);
	xw_put_num(x, s, r, 3, all_rate && all_rate->numerator.set ? all_rate->numerator.v : NAN,
		x->f.total[NF_COUNT], NF_COUNT);
	xw_put_num(x, s, r, 4, all_rate && all_rate->numerator.set ? total - all_rate->numerator.v : NAN,
		x->f.total[NF_COUNT], NF_COUNT);
	xw_put_num(x, s, r, 5, all_rate && all_rate->value.set ? all_rate->value.v : NAN,
		x->f.total[NF_PCT], NF_PCT);
	xw_put_num(x, s, r, 6, total > 0 ? 1 : NAN, x->f.total[NF_PCT], NF_PCT);
	xw_put_num(x, s, r, 7, all_lat && all_lat->value.set ? all_lat->value.v : NAN,
		x->f.total[NF_MS], NF_MS);
	if (last >= first)
		xw_data_bar(x, s, first, 6, last, palette[0]);
	xw_block(s, header, r);
	r += 2;

	/* top failure reasons */
	block = r;
	xw_put_long(x, s, r++, 0, xw_pf(x, T(x, "สาเหตุที่ไม่สำเร็จที่พบบ่อย %d อันดับแรก",
				       "The %d most frequent failure reasons"), sh->top), x->f.heading);
	xw_put_header(x, s, r, 0, T(x, "วิธียืนยันตัวตน", "Method"));
	xw_put_header(x, s, r, 1, T(x, "ขั้นตอน", "Step"));
	xw_put_header(x, s, r, 2, T(x, "สาเหตุ", "Reason"));
	xw_put_header(x, s, r, 3, T(x, "จำนวนครั้ง", "Failures"));
	xw_put_header(x, s, r, 4, T(x, "ร้อยละของความไม่สำเร็จของวิธีนี้", "Share of the method's failures"));
	xw_put_header(x, s, r, 5, T(x, "รหัสสาเหตุ", "Reason code"));
	xw_put_header(x, s, r, 6, T(x, "ปกปิด", "suppressed"));
	r++;
	for (i = 0; i < d->nreasons && (int)i < sh->top; i++, r++) {
		const struct report_reason *re = &d->reasons[i];

		xw_put_text(x, s, r, 0, x->thai ? re->name_th : re->name_en, x->f.text);
		xw_put_text(x, s, r, 1, step_text(x, re->step), x->f.text);
		xw_put_text(x, s, r, 2, report_reason_text(re->reason, x->thai), x->f.text);
		if (re->suppressed) {
			xw_put_suppressed(x, s, r, 3);
			xw_put_suppressed(x, s, r, 4);
		} else {
			xw_put_num(x, s, r, 3, re->n, x->f.num[NF_COUNT], NF_COUNT);
			xw_put_num(x, s, r, 4, re->failures > 0 ? re->n / re->failures : NAN,
				x->f.num[NF_PCT], NF_PCT);
		}
		xw_put_text(x, s, r, 5, re->reason ? re->reason : "", x->f.text);
		xw_put_flag(x, s, r, 6, re->suppressed);
	}
	if (!d->nreasons)
		xw_put_note(x, s, r++, 0, T(x, "ไม่มีการยืนยันตัวตนที่ไม่สำเร็จในช่วงนี้",
					 "No failed events in the period"));
	xw_block(s, block, r - 1);
	r++;

	/* the method mix by month */
	if (d->methods && d->nmonths) {
		xw_put_long(x, s, r++, 0, T(x, "การยืนยันตัวตนที่สำเร็จ แยกตามวิธี รายเดือน",
					 "Successful log-ins by method, by month"), x->f.heading);
		mix_header = r;
		xw_put_header(x, s, r, 0, T(x, "เดือน", "Month"));
		for (j = 0; j < d->methods->nseries && nmix < 63; j++) {
			const struct chartdata_series *se = &d->methods->series[j];

			if (!(se->total > 0))
				continue;
			mixser[nmix] = j;
			mixcol[nmix] = (lxw_col_t)(nmix + 1);
			xw_put_header(x, s, r, mixcol[nmix], x->thai ? se->name_th : se->name_en);
			nmix++;
		}
		mix_first = ++r;
		for (i = 0; i < d->nmonths; i++, r++) {
			xw_put_date(x, s, r, 0, d->months[i].start, x->f.month);
			for (j = 0; j < nmix; j++)
				xw_put_num(x, s, r, mixcol[j], d->methods->series[mixser[j]].values[i],
					x->f.num[NF_COUNT], NF_COUNT);
		}
		mix_last = r - 1;
		xw_block(s, mix_header - 1, mix_last);
		r++;
	}
	s->row = r;

	for (i = 0; i < sh->ncharts; i++) {
		const struct tpl_chart *tc = sh->charts[i];
		lxw_chart *ch;

		if (tc->type == TPL_CHART_STACKED) {
			if (!nmix)
				continue;
			ch = xw_chart_new(x, LXW_CHART_COLUMN_STACKED_PERCENT, tc->title[x->th]
					? tc->title[x->th] : T(x, "สัดส่วนวิธียืนยันตัวตนรายเดือน",
							       "Authentication method mix by month"));
			if (!ch)
				goto oom;
			for (j = 0, dig = leg = 0; j < nmix; j++) {
				const struct chartdata_series *se = &d->methods->series[mixser[j]];
				lxw_chart_series *cs = chart_add_series(ch, NULL, NULL);

				chart_series_set_categories(cs, s->name, mix_first, 0, mix_last, 0);
				chart_series_set_values(cs, s->name, mix_first, mixcol[j], mix_last,
							mixcol[j]);
				chart_series_set_name_range(cs, s->name, mix_header, mixcol[j]);
				xw_series_colour(cs, se->digital ? palette[dig++ % 8] : greys[leg++ % 4], 0, 0);
			}
			chart_axis_set_num_format(ch->x_axis, x->thai ? TH_CAL "mmm yy" : "mmm yy");
			chart_legend_set_position(ch, LXW_CHART_LEGEND_RIGHT);
		} else {
			if (last < first)
				continue;
			ch = xw_chart_new(x, LXW_CHART_COLUMN_STACKED, tc->title[x->th] ? tc->title[x->th]
					: T(x, "การยืนยันตัวตนแยกตามวิธี", "Authentication events by method"));
			if (!ch)
				goto oom;
			for (int side = 0; side < 2; side++) {
				lxw_chart_series *cs = chart_add_series(ch, NULL, NULL);

				chart_series_set_categories(cs, s->name, first, 0, last, 0);
				chart_series_set_values(cs, s->name, first, (lxw_col_t)(3 + side), last,
							(lxw_col_t)(3 + side));
				chart_series_set_name_range(cs, s->name, header, (lxw_col_t)(3 + side));
				xw_series_colour(cs, side ? 0xD62728 : 0x2CA02C, 0, 0);
			}
			chart_axis_set_num_format(ch->y_axis, "#,##0");
		}
		xw_chart_insert(x, s, ch, tc);
	}
	xw_charts_done(s);
	free(ml);
	return DK_OK;
oom:
	free(ml);
	return DK_SOFTWARE;
}
