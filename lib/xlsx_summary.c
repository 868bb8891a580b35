/* The workbook's the summary sheet: each KPI against the previous period, last year and its target (see xlsx_int.h). */
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


int xlsx_write_summary(struct xw *x, struct sheet *s)
{
	const struct report_data *d = x->d;
	const struct tpl_sheet *sh = s->tpl;
	const char *title = x->t->title[x->th] ? x->t->title[x->th] : sh->title[x->th];
	const char *src = x->t->source[x->th];
	lxw_row_t r, header, first;
	int month = d->period.kind == PERIOD_MONTH, i;

	s->ncols = 8;
	xw_put_long(x, s, 0, 0, title, x->f.big_title);
	xw_check(x, worksheet_set_row(s->ws, 0, 27, NULL), "a row height");
	xw_put_long(x, s, 1, 0, xw_dept(x), x->f.heading);
	xw_put_long(x, s, 2, 0, xw_pf(x, "%s %s", sh->title[x->th], xw_period_human(x, &d->period)),
		 x->f.subtitle);

	/* the cover block */
	r = 4;
	xw_put_text(x, s, r, 0, T(x, "ช่วงเวลาที่รายงาน", "Reporting period"), x->f.label);
	xw_put_long(x, s, r++, 1, xw_period_human(x, &d->period), x->f.label);
	xw_put_text(x, s, r, 0, T(x, "ตั้งแต่วันที่", "From"), x->f.label);
	xw_put_date(x, s, r++, 1, d->period.start, x->f.date_long);
	xw_put_text(x, s, r, 0, T(x, "ถึงวันที่", "To (inclusive)"), x->f.label);
	xw_put_date(x, s, r++, 1, date_add_days(d->period.end, -1), x->f.date_long);
	xw_put_text(x, s, r, 0, T(x, "เปรียบเทียบกับ", "Compared with"), x->f.label);
	xw_put_long(x, s, r++, 1, xw_pf(x, T(x, "%s (%s) และ %s (%s)", "%s (%s) and %s (%s)"),
				  xw_period_human(x, &d->previous),
				  month ? T(x, "เดือนก่อน", "previous month")
					: T(x, "ช่วงก่อนหน้า", "previous period"),
				  xw_period_human(x, &d->year_ago),
				  month ? T(x, "เดือนเดียวกันปีก่อน", "same month last year")
					: T(x, "ช่วงเดียวกันปีก่อน", "same period last year")),
		 x->f.text);
	/* "data as of" is the newest record, not the snapshot: a feed that
	 * stopped must show on the cover (issue 10 item 16) */
	xw_put_text(x, s, r, 0, T(x, "ข้อมูล ณ", "Data as of"), x->f.label);
	xw_put_timestamp(x, s, r++, 1, xw_data_as_of(x));
	for (i = 0; i < FRESH_COUNT; i++) {
		static const char *const th[FRESH_COUNT] = {
			"การยืนยันตัวตนล่าสุด", "คำขอรับบริการล่าสุด", "การประเมินความพึงพอใจล่าสุด"
		};
		static const char *const en[FRESH_COUNT] = {
			"Newest authentication event", "Newest service request",
			"Newest satisfaction response"
		};

		xw_put_text(x, s, r, 0, T(x, th[i], en[i]), x->f.label);
		if (d->fresh.newest[i][0])
			xw_put_timestamp(x, s, r, 1, d->fresh.newest[i]);
		else
			xw_put_text(x, s, r, 1, T(x, "ไม่มีข้อมูล", "no data"), x->f.bad_text);
		if (d->fresh.short_[i])
			xw_put_long(x, s, r, 2, T(x, "สิ้นสุดก่อนสิ้นช่วงเวลาที่รายงาน",
					       "ends before the reporting period does"), x->f.bad_text);
		r++;
	}
	xw_put_text(x, s, r, 0, T(x, "สแนปช็อตฐานข้อมูล", "Database snapshot"), x->f.label);
	xw_put_timestamp(x, s, r++, 1, d->snapshot);
	xw_put_text(x, s, r, 0, T(x, "จัดทำเมื่อ", "Generated"), x->f.label);
	xw_put_timestamp(x, s, r++, 1, x->d->generated);
	xw_put_text(x, s, r, 0, T(x, "พารามิเตอร์", "Parameters"), x->f.label_top);
	xw_put_span(x, s, r++, 1, xw_params_text(x), x->f.text_top);
	if (src) {
		xw_put_text(x, s, r, 0, T(x, "แหล่งข้อมูล", "Source"), x->f.label_top);
		xw_put_span(x, s, r++, 1, src, x->f.text_top);
	}
	r++;

	/* the table */
	header = r;
	xw_put_header(x, s, r, 0, T(x, "ตัวชี้วัด", "KPI"));
	xw_put_header(x, s, r, 1, xw_period_human(x, &d->period));
	xw_put_header(x, s, r, 2, xw_period_human(x, &d->previous));
	xw_put_header(x, s, r, 3, month ? T(x, "เปลี่ยนแปลงจากเดือนก่อน", "Change from previous month")
				     : T(x, "เปลี่ยนแปลงจากช่วงก่อน", "Change from previous period"));
	xw_put_header(x, s, r, 4, xw_period_human(x, &d->year_ago));
	xw_put_header(x, s, r, 5, T(x, "เปลี่ยนแปลงจากปีก่อน", "Change from last year"));
	xw_put_header(x, s, r, 6, T(x, "เป้าหมาย", "Target"));
	xw_put_header(x, s, r, 7, T(x, "ผลเทียบเป้าหมาย", "Target met"));
	first = ++r;
	for (i = 0; i < sh->nkpis; i++, r++) {
		enum kpi_id k = (enum kpi_id)sh->kpis[i];
		const struct kpi_def *def = &kpi_defs[k];
		const struct kpi_row *cur = report_find(d->cur, 0, k, BD_ALL, NULL);
		const struct kpi_row *prev = report_find(d->past, 0, k, BD_ALL, NULL);
		const struct kpi_row *yago = report_find(d->past, 1, k, BD_ALL, NULL);
		enum nf nf = unit_nf(def->unit);

		xw_put_text(x, s, r, 0, x->thai ? def->label_th : def->label_en, x->f.text);
		xw_put_kpi(x, s, r, 1, cur, x->f.num);
		xw_put_kpi(x, s, r, 2, prev, x->f.num);
		if (cur && prev && cur->value.set && prev->value.set)
			xw_put_change(x, s, r, 3, cur->value.v - prev->value.v, nf);
		else
			xw_put_blank(x, s, r, 3, nf == NF_PCT ? x->f.pp : x->f.chg[nf]);
		xw_put_kpi(x, s, r, 4, yago, x->f.num);
		if (cur && yago && cur->value.set && yago->value.set)
			xw_put_change(x, s, r, 5, cur->value.v - yago->value.v, nf);
		else
			xw_put_blank(x, s, r, 5, nf == NF_PCT ? x->f.pp : x->f.chg[nf]);
		if (cur && cur->target.set) {
			xw_put_num(x, s, r, 6, cur->target.v, x->f.num[nf], nf);
			xw_put_met(x, s, r, 7, 1, 6, def->higher_is_better,
				   !cur->value.set ? -1 : def->higher_is_better
				   ? cur->value.v >= cur->target.v : cur->value.v <= cur->target.v);
			xw_cond_target(x, s, r, 1, 1, 1, 6, def->higher_is_better);
			xw_cond_target(x, s, r, 7, 7, 1, 6, def->higher_is_better);
		} else {
			xw_put_blank(x, s, r, 6, x->f.num[nf]);
			xw_put_text(x, s, r, 7, T(x, "–", "–"), x->f.center);
		}
		xw_cond_change(x, s, r, r, 3, def->higher_is_better, NULL);
		xw_cond_change(x, s, r, r, 5, def->higher_is_better, NULL);
	}
	(void)first;
	r++;
	xw_put_note(x, s, r++, 0, T(x, "หมายเหตุ: การเปลี่ยนแปลงของอัตรา (%) เป็นผลต่างในหน่วยจุดร้อยละ (จุด); "
				    "สีเขียว = ดีขึ้นหรือบรรลุเป้าหมาย, สีแดง = แย่ลงหรือไม่บรรลุ "
				    "(สำหรับเวลา ยิ่งน้อยยิ่งดี); ช่องว่าง = ไม่มีข้อมูลในช่วงนั้น",
				    "Notes: changes of rates (%) are differences in percentage points (pp); "
				    "green = better or target met, red = worse or not met (for times, "
				    "lower is better); blank = no data in that period."));
	xw_put_note(x, s, r++, 0, T(x, "นิยามของแต่ละตัวชี้วัดอยู่ในแผ่นงาน \"นิยามตัวชี้วัด\"",
				    "Each KPI is defined on the \"Definitions\" sheet."));
	s->row = r;
	xw_freeze(x, s, header, 1);
	/* the cover, then the table with its notes */
	xw_block(s, 0, header - 2);
	xw_block(s, header, r - 1);
	return DK_OK;
}
