/* The workbook's the trend sheet: the KPIs month by month, with charts (see xlsx_int.h). */
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

/* Whether KPI k has a target in any month of the trend. */
static int trend_has_target(const struct report_data *d, enum kpi_id k)
{
	for (size_t m = 0; m < d->nmonths; m++) {
		const struct kpi_row *row = report_find(d->trend, m, k, BD_ALL, NULL);

		if (row && row->target.set)
			return 1;
	}
	return 0;
}

/* The sheet's title with the months it shows: "แนวโน้มรายเดือน ต.ค. 2569 –
 * ต.ค. 2569 (ปีงบประมาณ 2570 ถึงปัจจุบัน)", or "(13 เดือนล่าสุด)" when the
 * fiscal year so far is too short and the trend reaches back before it. */
static const char *trend_title(struct xw *x, const struct sheet *s)
{
	const struct report_data *d = x->d;
	const char *title = s->tpl->title[x->th] ? s->tpl->title[x->th] : "";
	struct civil_date first, last;
	char a[PERIOD_HUMAN_LEN], b[PERIOD_HUMAN_LEN];
	int fy;

	if (!d->nmonths)
		return title;
	first = d->months[0].start;
	last = d->months[d->nmonths - 1].start;
	fy = period_fiscal_year_of(last);
	period_label_human(&d->months[0], x->thai, a, sizeof(a));
	period_label_human(&d->months[d->nmonths - 1], x->thai, b, sizeof(b));
	if (first.month == 10 && period_fiscal_year_of(first) == fy)
		return xw_pf(x, T(x, "%s %s – %s (ปีงบประมาณ %d ถึงปัจจุบัน)",
				  "%s, %s – %s (FY%d to date)"), title, a, b, fy);
	return xw_pf(x, T(x, "%s %s – %s (%zu เดือนล่าสุด)", "%s, %s – %s (the last %zu months)"),
		     title, a, b, d->nmonths);
}

int xlsx_write_trend(struct xw *x, struct sheet *s)
{
	const struct report_data *d = x->d;
	const struct tpl_sheet *sh = s->tpl;
	lxw_col_t col[KPI_COUNT], tcol[KPI_COUNT], c;
	lxw_row_t header, first, last, r;
	size_t m;
	int i, st;

	xw_sheet_heading(x, s, xw_pf(x, "%s%s%s  ·  %s %s", xw_dept(x), *xw_dept(x) ? "  ·  " : "",
			       xw_period_human(x, &d->period),
			       T(x, "ตั้งแต่", "from"),
			       d->nmonths ? xw_period_human(x, &d->months[0]) : "–"));
	xw_put_long(x, s, 0, 0, trend_title(x, s), x->f.title);
	header = s->row;
	xw_put_header(x, s, header, 0, T(x, "เดือน", "Month"));
	c = 1;
	for (i = 0; i < sh->nkpis; i++) {
		const struct kpi_def *def = &kpi_defs[sh->kpis[i]];

		col[sh->kpis[i]] = c;
		xw_put_header(x, s, header, c++, x->thai ? def->label_th : def->label_en);
	}
	/* a target column for each KPI that has one, for the charts' target line */
	for (i = 0; i < sh->nkpis; i++) {
		const struct kpi_def *def = &kpi_defs[sh->kpis[i]];

		tcol[sh->kpis[i]] = 0;
		if (!trend_has_target(d, (enum kpi_id)sh->kpis[i]))
			continue;
		tcol[sh->kpis[i]] = c;
		xw_put_header(x, s, header, c++, xw_pf(x, "%s: %s", T(x, "เป้าหมาย", "Target"),
						 x->thai ? def->label_th : def->label_en));
	}
	first = header + 1;
	for (m = 0, r = first; m < d->nmonths; m++, r++) {
		xw_put_date(x, s, r, 0, d->months[m].start, x->f.month);
		for (i = 0; i < sh->nkpis; i++) {
			enum kpi_id k = (enum kpi_id)sh->kpis[i];
			const struct kpi_row *row = report_find(d->trend, m, k, BD_ALL, NULL);

			xw_put_kpi(x, s, r, col[k], row, x->f.num);
			if (tcol[k]) {
				if (row && row->target.set)
					xw_put_num(x, s, r, tcol[k], row->target.v,
						x->f.num[unit_nf(kpi_defs[k].unit)],
						unit_nf(kpi_defs[k].unit));
				else
					xw_put_blank(x, s, r, tcol[k], NULL);
			}
		}
	}
	last = r - 1;
	if (!d->nmonths)
		xw_put_note(x, s, r++, 0, T(x, "ไม่มีเดือนที่มีข้อมูล", "No months with data"));
	s->row = r + 1;
	if (d->markers && d->markers->n) {
		xw_put_long(x, s, s->row++, 0, T(x, "บริการที่เริ่มรับ Digital ID ในช่วงนี้:",
					      "Services that began accepting Digital ID in these months:"),
			 x->f.label);
		for (size_t j = 0; j < d->markers->n; j++, s->row++) {
			xw_put_date(x, s, s->row, 0, d->markers->v[j].since, x->f.date);
			xw_put_long(x, s, s->row, 1, x->thai ? d->markers->v[j].name_th
						    : d->markers->v[j].name_en, x->f.text);
		}
		s->row++;
	}
	xw_freeze(x, s, header, 1);

	for (size_t j = 0; j < sh->ncharts && d->nmonths; j++) {
		const struct tpl_chart *tc = sh->charts[j];
		enum kpi_unit u = kpi_defs[tc->kpis[0]].unit;
		lxw_chart *ch;

		if (tc->type == TPL_CHART_IMAGE) {
			if ((st = xw_insert_picture(x, s, TPL_SHEET_TREND, tc)))
				return st;
			continue;
		}
		ch = xw_chart_new(x, LXW_CHART_LINE, tc->title[x->th] ? tc->title[x->th]
				: (x->thai ? kpi_defs[tc->kpis[0]].label_th
					   : kpi_defs[tc->kpis[0]].label_en));
		if (!ch)
			return DK_SOFTWARE;
		for (i = 0; i < tc->nkpis; i++) {
			enum kpi_id k = (enum kpi_id)tc->kpis[i];
			lxw_chart_series *se = chart_add_series(ch, NULL, NULL);

			chart_series_set_categories(se, s->name, first, 0, last, 0);
			chart_series_set_values(se, s->name, first, col[k], last, col[k]);
			chart_series_set_name_range(se, s->name, header, col[k]);
			xw_series_colour(se, palette[i % 8], 1, 0);
			if (tcol[k] && tc->nkpis == 1) {
				se = chart_add_series(ch, NULL, NULL);
				chart_series_set_categories(se, s->name, first, 0, last, 0);
				chart_series_set_values(se, s->name, first, tcol[k], last, tcol[k]);
				chart_series_set_name(se, T(x, "เป้าหมาย", "Target"));
				xw_series_colour(se, 0xC00000, 1, 1);
			}
		}
		chart_axis_set_num_format(ch->y_axis, xw_axis_format(u));
		chart_axis_set_num_format(ch->x_axis, x->thai ? TH_CAL "mmm yy" : "mmm yy");
		if (u == UNIT_FRACTION)
			chart_axis_set_min(ch->y_axis, 0);
		xw_chart_insert(x, s, ch, tc);
	}
	xw_charts_done(s);
	return DK_OK;
}
