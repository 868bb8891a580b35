/* Writing KPI results: machine CSV/TSV/JSON (SPEC section 4) and tables for people. */
#include <string.h>

#include "kpiout.h"

char *kpi_format_human(enum kpi_id k, double v, char *buf, size_t len)
{
	char num[64];

	switch (kpi_defs[k].unit) {
	case UNIT_FRACTION:
		snprintf(buf, len, "%s%%", fmt_grouped(v * 100, 1, num, sizeof(num)));
		break;
	case UNIT_SCORE:
		fmt_grouped(v, 2, buf, len);
		break;
	case UNIT_HOURS:
		fmt_grouped(v, 1, buf, len);
		break;
	case UNIT_COUNT:
	case UNIT_MS:
		fmt_grouped(v, 0, buf, len);
		break;
	case UNIT_BAHT:
		fmt_grouped(v, 2, buf, len);
		break;
	}
	return buf;
}

static const char *num_or_null(const struct kpi_num *n, char *buf)
{
	return n->set ? fmt_number(n->v, buf) : NULL;
}

static int write_machine(FILE *f, const struct kpi_result *r, enum out_format fmt)
{
	static const char *const names[] = { "period", "period_start", "period_end", "kpi",
					     "breakdown", "key", "value", "numerator",
					     "denominator", "target", "suppressed" };
	static const enum cell_type types[] = { CELL_TEXT, CELL_TEXT, CELL_TEXT, CELL_TEXT,
						CELL_TEXT, CELL_TEXT, CELL_NUMBER, CELL_NUMBER,
						CELL_NUMBER, CELL_NUMBER, CELL_BOOL };
	struct table_writer *w = table_writer_new(f, fmt, 11, names, types);
	char start[DATE_ISO_LEN], end[DATE_ISO_LEN], b[4][FMT_NUMBER_MAX];
	size_t i;

	if (!w)
		return -1;
	for (i = 0; i < r->nrows; i++) {
		const struct kpi_row *row = &r->rows[i];
		const struct period *p = &r->periods[row->period];
		const char *cells[11];

		date_format_iso(p->start, start);
		date_format_iso(p->end, end);
		cells[0] = p->label;
		cells[1] = start;
		cells[2] = end;
		cells[3] = kpi_defs[row->kpi].name;
		cells[4] = breakdown_name(row->bd);
		/* JSON: the key of an 'all' row is null; CSV: empty. */
		cells[5] = row->key ? row->key : (fmt == OUT_JSON ? NULL : "");
		cells[6] = num_or_null(&row->value, b[0]);
		cells[7] = num_or_null(&row->numerator, b[1]);
		cells[8] = num_or_null(&row->denominator, b[2]);
		cells[9] = num_or_null(&row->target, b[3]);
		cells[10] = row->suppressed ? "true" : "false";
		if (table_writer_row(w, cells)) {
			table_writer_finish(w);
			return -1;
		}
	}
	return table_writer_finish(w);
}

static int write_human(FILE *f, const struct kpi_result *r, int thai)
{
	static const char *const th[] = { "ช่วงเวลา", "ตัวชี้วัด", "มิติ", "กลุ่ม", "ค่า", "ตัวตั้ง",
					  "ตัวหาร", "เป้าหมาย" };
	static const char *const en[] = { "Period", "KPI", "Breakdown", "Group", "Value",
					  "Numerator", "Denominator", "Target" };
	static const enum cell_type types[] = { CELL_TEXT, CELL_TEXT, CELL_TEXT, CELL_TEXT,
						CELL_NUMBER, CELL_NUMBER, CELL_NUMBER, CELL_NUMBER };
	struct table_writer *w = table_writer_new(f, OUT_TABLE, 8, thai ? th : en, types);
	char period[PERIOD_HUMAN_LEN], v[64], n[64], d[64], t[64];
	size_t i;

	if (!w)
		return -1;
	for (i = 0; i < r->nrows; i++) {
		const struct kpi_row *row = &r->rows[i];
		const struct kpi_def *def = &kpi_defs[row->kpi];
		const char *cells[8];

		period_label_human(&r->periods[row->period], thai, period, sizeof(period));
		cells[0] = period;
		cells[1] = thai ? def->label_th : def->label_en;
		cells[2] = breakdown_label(row->bd, thai);
		cells[3] = row->key ? (thai ? row->key_th : row->key_en) : "";
		if (row->suppressed)
			snprintf(v, sizeof(v), "%s", thai ? "(ปกปิด)" : "(suppressed)");
		else if (row->value.set)
			kpi_format_human(row->kpi, row->value.v, v, sizeof(v));
		else
			strcpy(v, "–");
		cells[4] = v;
		cells[5] = row->numerator.set && def->kind != KIND_COUNT ?
			   fmt_grouped(row->numerator.v, 0, n, sizeof(n)) : "";
		cells[6] = row->denominator.set ? fmt_grouped(row->denominator.v, 0, d, sizeof(d)) : "";
		cells[7] = row->target.set ? kpi_format_human(row->kpi, row->target.v, t, sizeof(t)) : "";
		if (table_writer_row(w, cells)) {
			table_writer_finish(w);
			return -1;
		}
	}
	return table_writer_finish(w);
}

int kpi_write(FILE *f, const struct kpi_result *r, enum out_format fmt, int thai)
{
	if (fmt == OUT_TABLE)
		return write_human(f, r, thai);
	return write_machine(f, r, fmt);
}
