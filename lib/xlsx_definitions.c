/* The workbook's the definitions sheet: every KPI in Thai and English (see xlsx_int.h). */
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

static const char *unit_text(struct xw *x, enum kpi_unit u)
{
	switch (u) {
	case UNIT_COUNT: return T(x, "จำนวน", "count");
	case UNIT_FRACTION: return T(x, "ร้อยละ", "percent");
	case UNIT_SCORE: return T(x, "คะแนน 1–5", "score 1–5");
	case UNIT_HOURS: return T(x, "ชั่วโมง", "hours");
	case UNIT_MS: return T(x, "มิลลิวินาที", "milliseconds");
	case UNIT_BAHT: return T(x, "บาท", "baht");
	}
	return "";
}

/* "ไทย\nEnglish" in the report's language first; "–" for an empty text. */
static const char *both(struct xw *x, const char *th, const char *en)
{
	const char *a = x->thai ? th : en, *b = x->thai ? en : th;

	if (!*a && !*b)
		return "–";
	return xw_pf(x, "%s\n%s", *a ? a : "–", *b ? b : "–");
}

int xlsx_write_definitions(struct xw *x, struct sheet *s)
{
	const struct tpl_sheet *sh = s->tpl;
	static const double widths[] = { 32, 24, 46, 26, 26, 10, 11, 12 };
	lxw_row_t header, r;
	int i;

	xw_sheet_heading(x, s, T(x, "ความหมาย ตัวตั้ง และตัวหารของตัวชี้วัดแต่ละตัว เป็นภาษาไทยและภาษาอังกฤษ",
			      "Each KPI's meaning, numerator and denominator, in English and Thai"));
	header = s->row;
	xw_put_header(x, s, header, 0, T(x, "ตัวชี้วัด\nKPI", "KPI\nตัวชี้วัด"));
	xw_put_header(x, s, header, 1, T(x, "รหัส (didkpi kpi)", "Code (didkpi kpi)"));
	xw_put_header(x, s, header, 2, T(x, "ความหมาย\nMeaning", "Meaning\nความหมาย"));
	xw_put_header(x, s, header, 3, T(x, "ตัวตั้ง\nNumerator", "Numerator\nตัวตั้ง"));
	xw_put_header(x, s, header, 4, T(x, "ตัวหาร\nDenominator", "Denominator\nตัวหาร"));
	xw_put_header(x, s, header, 5, T(x, "หน่วย", "Unit"));
	xw_put_header(x, s, header, 6, T(x, "ทิศทางที่ดี", "Better when"));
	xw_put_header(x, s, header, 7, T(x, "เป้าหมายในช่วงนี้", "Target in the period"));
	xw_freeze(x, s, header, 1);
	for (i = 0, r = header + 1; i < sh->nkpis; i++, r++) {
		const struct kpi_def *d = &kpi_defs[sh->kpis[i]];
		const struct kpi_row *row = report_find(x->d->cur, 0, (enum kpi_id)sh->kpis[i], BD_ALL,
							NULL);

		xw_put_wrap(x, s, r, 0, both(x, d->label_th, d->label_en));
		xw_put_wrap(x, s, r, 1, d->name);
		xw_put_wrap(x, s, r, 2, both(x, d->definition_th, d->definition_en));
		xw_put_wrap(x, s, r, 3, both(x, d->numerator_th, d->numerator_en));
		xw_put_wrap(x, s, r, 4, both(x, d->denominator_th, d->denominator_en));
		xw_put_wrap(x, s, r, 5, unit_text(x, d->unit));
		xw_put_wrap(x, s, r, 6, d->higher_is_better ? T(x, "ยิ่งสูงยิ่งดี", "higher")
							 : T(x, "ยิ่งต่ำยิ่งดี", "lower"));
		if (row && row->target.set) {
			xw_check(x, worksheet_write_number(s->ws, r, 7, row->target.v,
							d->unit == UNIT_FRACTION ? x->f.target_top
										 : x->f.wrap), "a number");
		} else {
			xw_put_wrap(x, s, r, 7, T(x, "ไม่ได้กำหนด", "none"));
		}
	}
	r++;
	xw_put_note(x, s, r++, 0, T(x, "ตัวชี้วัดคำนวณตามข้อกำหนด (SPEC ข้อ 4): อัตรา = ตัวตั้ง ÷ ตัวหาร, ว่างเมื่อตัวหารเป็น 0; "
				    "มัธยฐานแบบต่อเนื่อง",
				    "KPIs as in SPEC section 4: a rate is numerator ÷ denominator, empty when "
				    "the denominator is 0; medians are continuous."));
	xw_put_note(x, s, r++, 0, xw_pf(x, T(x, "กลุ่มย่อยที่มีขนาด 1 ถึง %ld ราย ถูกปกปิด (ช่องว่างสีเทา และคอลัมน์ \"ปกปิด\" "
				       "เป็น TRUE) เพื่อไม่ให้ระบุตัวบุคคลได้",
				       "Breakdown cells of size 1 to %ld are suppressed (an empty grey cell, "
				       "and the \"suppressed\" column TRUE) so that no person can be identified."),
				  x->o->min_cell - 1));
	s->row = r;
	for (i = 0; i < 8; i++)
		s->fit[i] = widths[i];
	return DK_OK;
}
