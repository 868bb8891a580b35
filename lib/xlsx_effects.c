/* The workbook's event-study and interrupted-time-series sheets (see
 * xlsx_int.h): the numbers of 'didkpi effects' and 'didkpi its' with their
 * defaults, one header row and one row per estimate, so that pandas'
 * read_excel(header=3) reads them as they are. The notes go above the
 * header, never below the table. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <xlsxwriter.h>

#include "effects.h"
#include "its.h"
#include "status.h"
#include "xlsx_int.h"

/* The header row: Thai or English. */
static void put_headers(struct xw *x, struct sheet *s, lxw_row_t r, const char *const *th,
			const char *const *en, lxw_col_t n)
{
	for (lxw_col_t c = 0; c < n; c++)
		xw_put_header(x, s, r, c, T(x, th[c], en[c]));
	s->ncols = n;
}

int xlsx_write_effects(struct xw *x, struct sheet *s)
{
	static const char *const th[] = {
		"ตัวชี้วัด", "ชื่อตัวชี้วัด", "การรวม", "เดือนนับจากเริ่มใช้", "รุ่นที่เริ่มใช้",
		"ผลที่ประมาณได้", "ค่าคลาดเคลื่อนมาตรฐาน", "ขอบล่าง 95%", "ขอบบน 95%", "ค่า p",
		"บริการที่เริ่มใช้", "บริการเปรียบเทียบ", "เชื่อถือได้", "หมายเหตุ",
	};
	static const char *const en[] = {
		"Outcome", "Outcome name", "Aggregation", "Months since adoption", "Cohort",
		"Estimate", "SE", "95% low", "95% high", "p", "Treated services",
		"Comparison services", "Reliable", "Notes",
	};
	const struct report_data *d = x->d;
	const struct effects_options *eo = &d->eff_opt;
	lxw_row_t header, r;

	xw_sheet_heading(x, s, d->effects ? xw_pf(x, T(x,
		"Callaway & Sant'Anna (2021) ข้อมูลรายเดือน %s ถึง %s · กลุ่มเปรียบเทียบ: %s · "
		"bootstrap %d รอบ (%s, seed %llu) แบบ cluster ตามบริการ · ช่วงความเชื่อมั่น 95%% %s",
		"Callaway & Sant'Anna (2021), months %s to %s · comparison: %s · bootstrap %d "
		"replicates (%s, seed %llu) clustered by service · 95%% intervals %s"),
		d->effects->months[0], d->effects->months[d->effects->nmonths - 1],
		eo->control == EFF_CONTROL_NEVER ? T(x, "ไม่เคยเริ่มใช้", "never treated")
						 : T(x, "ยังไม่เริ่มใช้", "not yet treated"),
		eo->boot, eo->weights == EFF_WEIGHTS_RADEMACHER ? "Rademacher" : "Mammen",
		(unsigned long long)eo->seed,
		eo->band == EFF_BAND_SIMULTANEOUS ? T(x, "แบบพร้อมกัน", "simultaneous")
						  : T(x, "รายจุด", "pointwise")) : NULL);
	xw_put_long(x, s, 2, 0, T(x,
		"ตัวเลขเดียวกับ didkpi effects -f csv (ค่าตั้งต้น); overall = ผลรวม, dynamic = ค่าเฉลี่ย "
		"e = 0..12, event = ผลตามเดือนนับจากเริ่มใช้, pretrend = ค่า p ของการทดสอบแนวโน้มก่อนเริ่มใช้, "
		"cohort = ผลรายรุ่น; อัตราเป็นสัดส่วน 0–1, เวลาเป็นชั่วโมง",
		"The numbers of didkpi effects -f csv (defaults); overall = simple aggregate, dynamic = "
		"mean over e = 0..12, event = by months since adoption, pretrend = p-value of the "
		"pre-trend test, cohort = per adoption cohort; rates as fractions 0–1, times in hours"),
		x->f.note);
	header = s->row;
	put_headers(x, s, header, th, en, 14);
	xw_freeze(x, s, header, 3);
	r = header + 1;
	for (int o = 0; d->effects && o < EFF_OUTCOME_COUNT; o++) {
		const struct effects_result *res = d->eff[o];
		char why[200] = "";

		if (res && !res->reliable)
			effects_reliable(res->treated_services, res->cohorts, res->never_services,
					 eo->control, why, sizeof(why));
		for (int k = 0; res && k < res->nrows; k++) {
			const struct effects_row *e = &res->rows[k];

			if (e->agg == EFF_AGG_GT)
				continue;
			xw_put_text(x, s, r, 0, effects_outcomes[o].name, x->f.text);
			xw_put_text(x, s, r, 1, T(x, effects_outcomes[o].label_th,
						   effects_outcomes[o].label_en), x->f.text);
			xw_put_text(x, s, r, 2, effects_agg_names[e->agg], x->f.text);
			xw_put_num(x, s, r, 3, e->agg == EFF_AGG_EVENT ? e->e : NAN,
				   x->f.num[NF_COUNT], NF_COUNT);
			if (e->g >= 0)
				xw_put_text(x, s, r, 4, d->effects->months[e->g], x->f.text);
			else
				xw_put_blank(x, s, r, 4, x->f.text);
			xw_put_num(x, s, r, 5, e->estimate, x->f.num[NF_DEC3], NF_DEC3);
			xw_put_num(x, s, r, 6, e->se, x->f.num[NF_DEC3], NF_DEC3);
			xw_put_num(x, s, r, 7, e->ci_low, x->f.num[NF_DEC3], NF_DEC3);
			xw_put_num(x, s, r, 8, e->ci_high, x->f.num[NF_DEC3], NF_DEC3);
			xw_put_num(x, s, r, 9, e->p_value, x->f.num[NF_DEC3], NF_DEC3);
			xw_put_num(x, s, r, 10, e->n_treated, x->f.num[NF_COUNT], NF_COUNT);
			xw_put_num(x, s, r, 11, e->n_control, x->f.num[NF_COUNT], NF_COUNT);
			xw_check(x, worksheet_write_boolean(s->ws, r, 12, res->reliable, x->f.text),
				 "a boolean");
			xw_fit(s, 12, 6);
			if (!res->reliable)
				xw_put_long(x, s, r, 13, xw_pf(x, "%s: %s",
					T(x, "บริการน้อยเกินไป", "too few services"), why),
					x->f.text);
			else
				xw_put_blank(x, s, r, 13, x->f.text);
			r++;
		}
	}
	if (r > header + 1)
		xw_check(x, worksheet_autofilter(s->ws, header, 0, r - 1, 13), "an autofilter");
	else
		xw_put_long(x, s, r++, 0, T(x, "ข้อมูลไม่ถึงสองเดือนเต็ม: ไม่มีผลให้ประมาณ",
					  "Fewer than two whole months of data: nothing to estimate"),
			    x->f.note);
	s->row = r;
	return DK_OK;
}

int xlsx_write_its(struct xw *x, struct sheet *s)
{
	static const char *const th[] = {
		"รหัสบริการ", "บริการ", "ตัวชี้วัด", "ชื่อตัวชี้วัด", "วันที่เริ่มใช้", "เดือนแรกหลัง",
		"พจน์", "ค่าประมาณ", "ค่าคลาดเคลื่อน", "ต่ำสุด 95%", "สูงสุด 95%", "ค่า p",
		"เดือนก่อน", "เดือนหลัง", "คำเตือน",
	};
	static const char *const en[] = {
		"Service code", "Service", "KPI", "KPI name", "Adopted", "First month after", "Term",
		"Estimate", "Std. error", "95% low", "95% high", "p", "Months before",
		"Months after", "Warning",
	};
	static const char *const terms[] = { "level_change", "slope_change" };
	static const int term_idx[] = { ITS_LEVEL_CHANGE, ITS_SLOPE_CHANGE };
	const struct report_data *d = x->d;
	lxw_row_t header, r;

	xw_sheet_heading(x, s, d->nits_months ? xw_pf(x, T(x,
		"การถดถอยแบบแบ่งช่วง เดือน %s ถึง %s (ทุกเดือนเต็มที่มีข้อมูล) · Newey-West (HAC) · "
		"ช่วงความเชื่อมั่น 95%% · ไม่ปรับฤดูกาล · เซลล์น้อยกว่า %ld ไม่แสดงและไม่ใช้",
		"Segmented regression, months %s to %s (every whole month with data) · Newey-West "
		"(HAC) · 95%% intervals · no seasonality · months of fewer than %ld left out"),
		d->its_months[0].label, d->its_months[d->nits_months - 1].label,
		x->o ? x->o->min_cell : 0L) : NULL);
	xw_put_long(x, s, 2, 0, T(x,
		"ตัวเลขเดียวกับ didkpi its --kpi K --service S -f csv: level_change = การเปลี่ยนระดับ "
		"ณ วันที่เริ่มใช้, slope_change = การเปลี่ยนความชันต่อเดือน; อัตราเป็นสัดส่วน 0–1, เวลาเป็นชั่วโมง",
		"The numbers of didkpi its --kpi K --service S -f csv: level_change = the jump at the "
		"adoption date, slope_change = the change of the slope per month; rates as fractions "
		"0–1, times in hours"), x->f.note);
	header = s->row;
	put_headers(x, s, header, th, en, 15);
	xw_freeze(x, s, header, 2);
	r = header + 1;
	for (size_t i = 0; i < d->nits; i++) {
		const struct report_its *it = &d->its[i];
		const struct kpi_def *kd = &kpi_defs[it->kpi];

		for (int t = 0; t < 2; t++, r++) {
			const struct its_estimate *e = &it->fit.coef[term_idx[t]];

			xw_put_text(x, s, r, 0, it->svc->code, x->f.text);
			xw_put_text_capped(x, s, r, 1, x->thai ? it->svc->name_th : it->svc->name_en, 32);
			xw_put_text(x, s, r, 2, kd->name, x->f.text);
			xw_put_text_capped(x, s, r, 3, T(x, kd->label_th, kd->label_en), 28);
			xw_put_date(x, s, r, 4, it->svc->since, x->f.iso_date);
			if (it->t0 < d->nits_months && it->ok)
				xw_put_text(x, s, r, 5, d->its_months[it->t0].label, x->f.text);
			else
				xw_put_blank(x, s, r, 5, x->f.text);
			xw_put_text(x, s, r, 6, terms[t], x->f.text);
			xw_put_num(x, s, r, 7, it->ok ? e->estimate : NAN, x->f.num[NF_DEC3], NF_DEC3);
			xw_put_num(x, s, r, 8, it->ok ? e->se : NAN, x->f.num[NF_DEC3], NF_DEC3);
			xw_put_num(x, s, r, 9, it->ok ? e->ci_low : NAN, x->f.num[NF_DEC3], NF_DEC3);
			xw_put_num(x, s, r, 10, it->ok ? e->ci_high : NAN, x->f.num[NF_DEC3], NF_DEC3);
			xw_put_num(x, s, r, 11, it->ok ? e->p : NAN, x->f.num[NF_DEC3], NF_DEC3);
			xw_put_num(x, s, r, 12, it->ok ? (double)it->fit.n_pre : NAN,
				   x->f.num[NF_COUNT], NF_COUNT);
			xw_put_num(x, s, r, 13, it->ok ? (double)it->fit.n_post : NAN,
				   x->f.num[NF_COUNT], NF_COUNT);
			if (*it->warning || *it->why)
				xw_put_long(x, s, r, 14, *it->why ? it->why : it->warning, x->f.text);
			else
				xw_put_blank(x, s, r, 14, x->f.text);
		}
	}
	if (r > header + 1)
		xw_check(x, worksheet_autofilter(s->ws, header, 0, r - 1, 14), "an autofilter");
	else
		xw_put_long(x, s, r++, 0, T(x, "ไม่มีบริการที่เริ่มใช้ Digital ID หรือไม่มีเดือนเต็มที่มีข้อมูล",
					  "No service has adopted Digital ID, or no whole month has data"),
			    x->f.note);
	s->row = r;
	return DK_OK;
}
