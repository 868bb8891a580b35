/* The workbook's the staff training sheet: trained front-line staff by unit (see xlsx_int.h). */
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

int xlsx_write_training(struct xw *x, struct sheet *s)
{
	const struct report_data *d = x->d;
	const struct tpl_sheet *sh = s->tpl;
	const struct kpi_row *all = report_find(d->cur, 0, KPI_STAFF_TRAINING_COVERAGE, BD_ALL, NULL);
	lxw_row_t header, first, r;
	size_t i;
	int hib = kpi_defs[KPI_STAFF_TRAINING_COVERAGE].higher_is_better;

	xw_sheet_heading(x, s, NULL);
	header = s->row;
	xw_put_header(x, s, header, 0, T(x, "หน่วยงาน", "Unit"));
	xw_put_header(x, s, header, 1, T(x, "เจ้าหน้าที่ด่านหน้า", "Front-line staff"));
	xw_put_header(x, s, header, 2, T(x, "ผ่านการอบรมแล้ว", "Trained"));
	xw_put_header(x, s, header, 3, T(x, "ยังไม่ผ่านการอบรม", "Not yet trained"));
	xw_put_header(x, s, header, 4, T(x, "สัดส่วนที่ผ่านการอบรม", "Share trained"));
	xw_put_header(x, s, header, 5, T(x, "เป้าหมาย", "Target"));
	xw_put_header(x, s, header, 6, T(x, "ผลเทียบเป้าหมาย", "Target met"));
	xw_put_header(x, s, header, 7, T(x, "ปกปิด", "suppressed"));
	xw_freeze(x, s, header, 1);
	first = header + 1;
	r = first;
	for (i = 0; d->cur && i < d->cur->nrows; i++) {
		const struct kpi_row *row = &d->cur->rows[i];

		if (row->kpi != KPI_STAFF_TRAINING_COVERAGE || row->bd != BD_UNIT)
			continue;
		xw_put_text(x, s, r, 0, x->thai ? row->key_th : row->key_en, x->f.text);
		if (row->suppressed) {
			for (lxw_col_t c = 1; c <= 4; c++)
				xw_put_suppressed(x, s, r, c);
		} else {
			xw_put_num(x, s, r, 1, row->denominator.set ? row->denominator.v : NAN,
				x->f.num[NF_COUNT], NF_COUNT);
			xw_put_num(x, s, r, 2, row->numerator.set ? row->numerator.v : NAN,
				x->f.num[NF_COUNT], NF_COUNT);
			xw_put_num(x, s, r, 3, row->numerator.set && row->denominator.set
				? row->denominator.v - row->numerator.v : NAN,
				x->f.num[NF_COUNT], NF_COUNT);
			xw_put_kpi(x, s, r, 4, row, x->f.num);
		}
		if (row->target.set) {
			xw_put_num(x, s, r, 5, row->target.v, x->f.num[NF_PCT], NF_PCT);
			xw_put_met(x, s, r, 6, 4, 5, hib, !row->value.set || row->suppressed ? -1
				   : hib ? row->value.v >= row->target.v : row->value.v <= row->target.v);
			xw_cond_target(x, s, r, 4, 4, 4, 5, hib);
			xw_cond_target(x, s, r, 6, 6, 4, 5, hib);
		} else {
			xw_put_blank(x, s, r, 5, NULL);
			xw_put_text(x, s, r, 6, "–", x->f.center);
		}
		xw_put_flag(x, s, r, 7, row->suppressed);
		r++;
	}
	if (r > first)
		xw_data_bar(x, s, first, 4, r - 1, palette[1]);
	xw_put_text(x, s, r, 0, T(x, "รวมทั้งกรม", "Whole department"), x->f.total_text);
	if (all && all->denominator.set && all->numerator.set) {
		xw_put_num(x, s, r, 1, all->denominator.v, x->f.total[NF_COUNT], NF_COUNT);
		xw_put_num(x, s, r, 2, all->numerator.v, x->f.total[NF_COUNT], NF_COUNT);
		xw_put_num(x, s, r, 3, all->denominator.v - all->numerator.v, x->f.total[NF_COUNT],
			NF_COUNT);
	}
	xw_put_num(x, s, r, 4, all && all->value.set ? all->value.v : NAN, x->f.total[NF_PCT], NF_PCT);
	xw_put_num(x, s, r, 5, all && all->target.set ? all->target.v : NAN, x->f.total[NF_PCT], NF_PCT);
	xw_put_blank(x, s, r, 6, x->f.total_text);
	r += 2;
	xw_put_note(x, s, r++, 0, T(x, "นับเจ้าหน้าที่ด่านหน้าที่อบรมการให้บริการด้วย Digital ID ก่อนสิ้นช่วงเวลาที่รายงาน",
				    "Front-line staff who completed Digital ID service training before "
				    "the end of the period."));
	s->row = r;

	for (i = 0; i < sh->ncharts && r - 3 > first; i++) {
		const struct tpl_chart *tc = sh->charts[i];
		lxw_chart *ch = xw_chart_new(x, LXW_CHART_BAR, tc->title[x->th] ? tc->title[x->th]
					  : T(x, "สัดส่วนเจ้าหน้าที่ที่ผ่านการอบรม ตามหน่วยงาน",
					      "Front-line staff trained, by unit"));
		lxw_chart_series *cs;

		if (!ch)
			return DK_SOFTWARE;
		cs = chart_add_series(ch, NULL, NULL);
		chart_series_set_categories(cs, s->name, first, 0, r - 4, 0);
		chart_series_set_values(cs, s->name, first, 4, r - 4, 4);
		chart_series_set_name_range(cs, s->name, header, 4);
		xw_series_colour(cs, palette[1], 0, 0);
		/* a bar chart's x axis is the value axis, its y axis the units */
		chart_axis_set_num_format(ch->x_axis, "0%");
		chart_axis_set_min(ch->x_axis, 0);
		chart_axis_set_max(ch->x_axis, 1);
		chart_legend_set_position(ch, LXW_CHART_LEGEND_NONE);
		xw_chart_insert(x, s, ch, tc);
	}
	xw_charts_done(s);
	return DK_OK;
}
