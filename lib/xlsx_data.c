/* The workbook's the analyst sheets: a breakdown table and the tidy data (see xlsx_int.h). */
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

/* The keys of breakdown bd in d->cur, in the order they first appear. */
static size_t breakdown_keys(const struct report_data *d, enum breakdown bd,
			     const struct kpi_row **keys, size_t max)
{
	size_t n = 0, i, j;

	for (i = 0; d->cur && i < d->cur->nrows; i++) {
		const struct kpi_row *row = &d->cur->rows[i];

		if (row->bd != bd || !row->key)
			continue;
		for (j = 0; j < n; j++)
			if (!strcmp(keys[j]->key, row->key))
				break;
		if (j == n && n < max)
			keys[n++] = row;
	}
	return n;
}

int xlsx_write_breakdown(struct xw *x, struct sheet *s)
{
	const struct report_data *d = x->d;
	const struct tpl_sheet *sh = s->tpl;
	enum breakdown bd = sh->by[0];
	const struct kpi_row **keys;
	lxw_row_t header, r;
	size_t n, i;
	int k;

	keys = calloc(d->cur ? d->cur->nrows + 1 : 1, sizeof(*keys));
	if (!keys)
		return DK_SOFTWARE;
	n = breakdown_keys(d, bd, keys, d->cur ? d->cur->nrows : 0);
	xw_sheet_heading(x, s, NULL);
	header = s->row;
	xw_put_header(x, s, header, 0, T(x, "รหัส", "Code"));
	xw_put_header(x, s, header, 1, breakdown_label(bd, x->thai));
	for (k = 0; k < sh->nkpis; k++)
		xw_put_header(x, s, header, (lxw_col_t)(2 + k), x->thai ? kpi_defs[sh->kpis[k]].label_th
								     : kpi_defs[sh->kpis[k]].label_en);
	xw_put_header(x, s, header, (lxw_col_t)(2 + sh->nkpis), T(x, "ปกปิด", "suppressed"));
	xw_freeze(x, s, header, 2);
	r = header + 1;
	xw_put_text(x, s, r, 0, "", x->f.total_text);
	xw_put_text(x, s, r, 1, T(x, "ทั้งหมด", "All"), x->f.total_text);
	for (k = 0; k < sh->nkpis; k++) {
		const struct kpi_row *row = report_find(d->cur, 0, (enum kpi_id)sh->kpis[k], BD_ALL, NULL);

		xw_put_kpi(x, s, r, (lxw_col_t)(2 + k), row, x->f.total);
	}
	xw_put_flag(x, s, r, (lxw_col_t)(2 + sh->nkpis), 0);
	r++;
	for (i = 0; i < n; i++, r++) {
		int supp = 0;

		xw_put_text(x, s, r, 0, keys[i]->key, x->f.text);
		xw_put_text(x, s, r, 1, x->thai ? keys[i]->key_th : keys[i]->key_en, x->f.text);
		for (k = 0; k < sh->nkpis; k++) {
			const struct kpi_row *row = report_find(d->cur, 0, (enum kpi_id)sh->kpis[k], bd,
								keys[i]->key);

			if (row)
				xw_put_kpi(x, s, r, (lxw_col_t)(2 + k), row, x->f.num);
			else
				xw_put_blank(x, s, r, (lxw_col_t)(2 + k), NULL);
			supp |= row && row->suppressed;
		}
		/* whether any of the row's cells is a suppressed small cell */
		xw_put_flag(x, s, r, (lxw_col_t)(2 + sh->nkpis), supp);
	}
	r++;
	xw_put_note(x, s, r++, 0, xw_pf(x, T(x, "ช่องสีเทาว่าง = ปกปิด: กลุ่มที่มีขนาด 1 ถึง %ld ราย (ไม่เผยแพร่เพื่อไม่ให้ระบุตัวบุคคลได้; "
				       "คอลัมน์ \"ปกปิด\" = TRUE); ช่องว่าง = ไม่มีข้อมูล",
				       "grey empty cell = suppressed: a group of 1 to %ld (not published so that "
				       "no person can be identified; column \"suppressed\" TRUE); blank = no data"), x->o->min_cell - 1));
	s->row = r;
	free(keys);
	return DK_OK;
}

int xlsx_write_data(struct xw *x, struct sheet *s)
{
	static const char *const cols[] = {
		"period", "period_start", "period_end", "kpi", "breakdown", "key", "value",
		"numerator", "denominator", "target", "suppressed", "key_name",
	};
	const struct report_data *d = x->d;
	const struct tpl_sheet *sh = s->tpl;
	lxw_row_t header, r;
	size_t i, c;
	int k, b;

	xw_sheet_heading(x, s, NULL);
	header = s->row;
	for (c = 0; c < sizeof(cols) / sizeof(*cols); c++) {
		xw_check(x, worksheet_write_string(s->ws, header, (lxw_col_t)c, cols[c], x->f.header_left),
		      "a header");
		xw_fit(s, (lxw_col_t)c, (double)strlen(cols[c]) + 3);
	}
	xw_freeze(x, s, header, 0);
	r = header + 1;
	for (k = 0; k < sh->nkpis; k++) {
		for (b = -1; b < sh->nby; b++) {
			enum breakdown bd = b < 0 ? BD_ALL : sh->by[b];

			for (i = 0; d->cur && i < d->cur->nrows; i++) {
				const struct kpi_row *row = &d->cur->rows[i];
				enum nf nf = unit_nf(kpi_defs[row->kpi].unit);

				if ((int)row->kpi != sh->kpis[k] || row->bd != bd)
					continue;
				xw_put_text(x, s, r, 0, d->period.label, x->f.text);
				xw_put_date(x, s, r, 1, d->period.start, x->f.iso_date);
				xw_put_date(x, s, r, 2, d->period.end, x->f.iso_date);
				xw_put_text(x, s, r, 3, kpi_defs[row->kpi].name, x->f.text);
				xw_put_text(x, s, r, 4, breakdown_name(row->bd), x->f.text);
				xw_put_text(x, s, r, 5, row->key ? row->key : "", x->f.text);
				xw_put_num(x, s, r, 6, row->value.set ? row->value.v : NAN, x->f.num[nf], nf);
				xw_put_num(x, s, r, 7, row->numerator.set ? row->numerator.v : NAN, NULL,
					NF_DEC1);
				xw_put_num(x, s, r, 8, row->denominator.set ? row->denominator.v : NAN, NULL,
					NF_DEC1);
				xw_put_num(x, s, r, 9, row->target.set ? row->target.v : NAN, x->f.num[nf], nf);
				xw_check(x, worksheet_write_boolean(s->ws, r, 10, row->suppressed, x->f.text),
				      "a boolean");
				xw_put_text(x, s, r, 11, row->key ? (x->thai ? row->key_th : row->key_en) : "",
					 x->f.text);
				r++;
			}
		}
	}
	if (r > header + 1)
		xw_check(x, worksheet_autofilter(s->ws, header, 0, r - 1, 11), "an autofilter");
	s->row = r;
	return DK_OK;
}
