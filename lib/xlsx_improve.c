/* The workbook's the services to improve, ranked (see xlsx_int.h). */
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

int xlsx_write_improve(struct xw *x, struct sheet *s)
{
	const struct report_data *d = x->d;
	const struct tpl_sheet *sh = s->tpl;
	const struct kpi_row *dig = report_find(d->cur, 0, KPI_DIGITAL_CHANNEL_RATE, BD_ALL, NULL);
	const struct kpi_row *tim = report_find(d->cur, 0, KPI_SERVICE_TIME_MEDIAN, BD_ALL, NULL);
	const struct kpi_row *sat = report_find(d->cur, 0, KPI_SATISFACTION_MEAN, BD_ALL, NULL);
	const struct kpi_row *req = report_find(d->cur, 0, KPI_REQUESTS, BD_ALL, NULL);
	static const char *const worst_th[] = { "ใช้ช่องทางดิจิทัลน้อย", "ใช้เวลาให้บริการนาน",
						"ความพึงพอใจต่ำ" };
	static const char *const worst_en[] = { "low digital channel use", "long service time",
						"low satisfaction" };
	lxw_row_t header, dept_row, first, r;
	size_t i;

	xw_sheet_heading(x, s, NULL);
	header = s->row;
	xw_put_header(x, s, header, 0, T(x, "ลำดับ", "Rank"));
	xw_put_header(x, s, header, 1, T(x, "บริการ", "Service"));
	xw_put_header(x, s, header, 2, T(x, "หน่วยงาน", "Unit"));
	xw_put_header(x, s, header, 3, T(x, "เริ่มใช้ Digital ID", "Digital ID since"));
	xw_put_header(x, s, header, 4, T(x, "จำนวนคำขอ", "Requests"));
	xw_put_header(x, s, header, 5, T(x, "อัตราการใช้บริการดิจิทัล", "Digital channel rate"));
	xw_put_header(x, s, header, 6, T(x, "เวลาให้บริการ มัธยฐาน (ชม.)", "Service time, median (h)"));
	xw_put_header(x, s, header, 7, T(x, "ความพึงพอใจเฉลี่ย (1–5)", "Satisfaction (1–5)"));
	xw_put_header(x, s, header, 8, T(x, "คะแนนความจำเป็นในการปรับปรุง (0–100)",
				       "Improvement need score (0–100)"));
	xw_put_header(x, s, header, 9, T(x, "ประเด็นหลัก", "Main issue"));
	xw_freeze(x, s, header, 2);

	dept_row = header + 1;
	xw_put_text(x, s, dept_row, 0, "", x->f.total_text);
	xw_put_text(x, s, dept_row, 1, T(x, "ค่าของทั้งกรม (ใช้เทียบ)", "Whole department (reference)"),
		 x->f.total_text);
	for (lxw_col_t c = 2; c <= 9; c++)
		xw_put_blank(x, s, dept_row, c, x->f.total_text);
	xw_put_num(x, s, dept_row, 4, req && req->value.set ? req->value.v : NAN, x->f.total[NF_COUNT],
		NF_COUNT);
	xw_put_num(x, s, dept_row, 5, dig && dig->value.set ? dig->value.v : NAN, x->f.total[NF_PCT],
		NF_PCT);
	xw_put_num(x, s, dept_row, 6, tim && tim->value.set ? tim->value.v : NAN,
		x->f.total[NF_HOURS], NF_HOURS);
	xw_put_num(x, s, dept_row, 7, sat && sat->value.set ? sat->value.v : NAN,
		x->f.total[NF_SCORE], NF_SCORE);
	first = dept_row + 1;
	for (i = 0, r = first; i < d->nranks && (int)i < sh->top; i++, r++) {
		const struct report_rank *rk = &d->ranks[i];

		xw_put_num(x, s, r, 0, (double)i + 1, x->f.num[NF_COUNT], NF_COUNT);
		xw_put_text_capped(x, s, r, 1, x->thai ? rk->svc->name_th : rk->svc->name_en, 32);
		xw_put_text_capped(x, s, r, 2, rk->svc->unit, 26);
		if (rk->svc->has_since)
			xw_put_date(x, s, r, 3, rk->svc->since, x->f.date);
		else
			xw_put_text(x, s, r, 3, T(x, "ยังไม่รับ", "not yet"), x->f.not_yet);
		xw_put_num(x, s, r, 4, rk->requests, x->f.num[NF_COUNT], NF_COUNT);
		if (rk->digital.set)
			xw_put_num(x, s, r, 5, rk->digital.v, x->f.num[NF_PCT], NF_PCT);
		else
			xw_put_suppressed(x, s, r, 5);
		if (rk->time.set)
			xw_put_num(x, s, r, 6, rk->time.v, x->f.num[NF_HOURS], NF_HOURS);
		else
			xw_put_blank(x, s, r, 6, x->f.num[NF_HOURS]);
		if (rk->satisfaction.set)
			xw_put_num(x, s, r, 7, rk->satisfaction.v, x->f.num[NF_SCORE], NF_SCORE);
		else
			xw_put_blank(x, s, r, 7, x->f.num[NF_SCORE]);
		xw_put_num(x, s, r, 8, rk->score, x->f.num[NF_DEC1], NF_DEC1);
		xw_put_text(x, s, r, 9, rk->worst < 0 ? T(x, "ไม่ต่ำกว่าค่าของกรม", "none below the department")
						   : x->thai ? worst_th[rk->worst] : worst_en[rk->worst],
			 x->f.text);
	}
	if (r > first) {
		/* worse than the whole department: red */
		xw_cond(x, s, first, 5, r - 1, 5, xw_pf(x, "=AND(ISNUMBER(F%u),ISNUMBER($F$%u),F%u<$F$%u)",
						   (unsigned)first + 1, (unsigned)dept_row + 1,
						   (unsigned)first + 1, (unsigned)dept_row + 1), x->f.bad);
		xw_cond(x, s, first, 6, r - 1, 6, xw_pf(x, "=AND(ISNUMBER(G%u),ISNUMBER($G$%u),G%u>$G$%u)",
						   (unsigned)first + 1, (unsigned)dept_row + 1,
						   (unsigned)first + 1, (unsigned)dept_row + 1), x->f.bad);
		xw_cond(x, s, first, 7, r - 1, 7, xw_pf(x, "=AND(ISNUMBER(H%u),ISNUMBER($H$%u),H%u<$H$%u)",
						   (unsigned)first + 1, (unsigned)dept_row + 1,
						   (unsigned)first + 1, (unsigned)dept_row + 1), x->f.bad);
		xw_data_bar(x, s, first, 8, r - 1, 0xD62728);
	}
	if (!d->nranks)
		xw_put_note(x, s, r++, 1, T(x, "ไม่มีบริการที่มีคำขอในช่วงนี้", "No service had requests"));
	r++;
	xw_put_note(x, s, r++, 0, T(x, "วิธีคิดคะแนน: สำหรับแต่ละบริการ คิดส่วนที่ด้อยกว่าค่าของทั้งกรม 3 ด้าน "
				    "(แต่ละด้าน 0–100%): อัตราการใช้บริการดิจิทัล (กรม − บริการ) ÷ กรม, "
				    "เวลาให้บริการมัธยฐาน (บริการ − กรม) ÷ กรม, ความพึงพอใจเฉลี่ย (กรม − บริการ) ÷ กรม",
				    "Score: for each service, three shortfalls against the whole department "
				    "(each 0–100%): digital channel rate (dept − service) ÷ dept, median "
				    "service time (service − dept) ÷ dept, mean satisfaction (dept − service) ÷ dept"));
	xw_put_note(x, s, r++, 0, T(x, "คะแนน = ค่าเฉลี่ยของ 3 ด้าน × 100 (0 = ไม่ด้อยกว่ากรมในด้านใดเลย); "
				    "ค่าที่ไม่มีข้อมูลหรือปกปิดนับเป็น 0; สีแดง = ด้อยกว่าค่าของทั้งกรม",
				    "Score = the mean of the three × 100 (0 = no worse than the department "
				    "on any); missing or suppressed values count 0; red = worse than the "
				    "department."));
	s->row = r;
	return DK_OK;
}
