/* Writing KPI results: machine CSV/TSV/JSON (SPEC section 4) and tables for people. */
#include <stdlib.h>
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

const char *kpi_unit_name(enum kpi_unit u)
{
	switch (u) {
	case UNIT_FRACTION: return "fraction";
	case UNIT_SCORE: return "score";
	case UNIT_HOURS: return "hours";
	case UNIT_MS: return "milliseconds";
	case UNIT_BAHT: return "baht";
	case UNIT_COUNT: break;
	}
	return "count";
}

static const char *kind_name(enum kpi_kind k)
{
	switch (k) {
	case KIND_RATE: return "rate";
	case KIND_MEAN: return "mean";
	case KIND_PERCENTILE: return "percentile";
	case KIND_RATIO: return "ratio";
	case KIND_SUM: return "sum";
	case KIND_COUNT: break;
	}
	return "count";
}


static void json_period(FILE *f, const struct period *p)
{
	char start[DATE_ISO_LEN], end[DATE_ISO_LEN];
	int first = 1;

	date_format_iso(p->start, start);
	date_format_iso(p->end, end);
	fputc('{', f);
	json_member_str(f, &first, "label", p->label);
	json_member_str(f, &first, "start", start);
	json_member_str(f, &first, "end", end);
	fputc('}', f);
}

/* The "meta" object of the JSON forms, as a new string (free it), or NULL
 * when out of memory. */
static char *meta_json(const struct kpi_result *r, const struct kpi_out_options *o)
{
	const struct kpi_meta *m = o->meta;
	const struct kpi_request *q = m->req;
	char *buf = NULL, num[FMT_NUMBER_MAX];
	size_t len = 0, i;
	unsigned seen = 0;
	int first = 1, k, more;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	fputc('{', f);
	json_member_str(f, &first, "didkpi_version", m->version);
	json_member_str(f, &first, "command", "kpi");
	/* data as of: the newest record of the logs, local time in the zone */
	json_member_str(f, &first, "data_as_of",
		 m->fresh && *m->fresh->newest_all ? m->fresh->newest_all : NULL);
	json_member_raw(f, &first, "data_as_of_by_relation", "{");
	for (k = 0; k < FRESH_COUNT; k++) {
		more = k == 0;
		json_member_str(f, &more, freshness_relation[k],
			 m->fresh && *m->fresh->newest[k] ? m->fresh->newest[k] : NULL);
	}
	fputc('}', f);
	json_member_str(f, &first, "time_zone", q ? q->tz : NULL);
	json_member_str(f, &first, "language", o->thai ? "th" : "en");
	if (m->period) {
		json_member_raw(f, &first, "period", "");
		json_period(f, m->period);
	}
	json_member_raw(f, &first, "periods", "[");
	for (i = 0; i < r->nperiods; i++) {
		fputs(i ? "," : "", f);
		json_period(f, &r->periods[i]);
	}
	fputc(']', f);
	json_member_raw(f, &first, "parameters", "{");
	more = 1;
	json_member_str(f, &more, "period", m->period_text);
	json_member_str(f, &more, "interval", m->interval);
	json_member_raw(f, &more, "by", "[");
	for (k = 0; q && k < q->nby; k++) {
		fputs(k ? "," : "", f);
		json_write_string(f, breakdown_name(q->by[k]));
	}
	fputc(']', f);
	snprintf(num, sizeof(num), "%ld", q ? q->min_cell : 0L);
	json_member_raw(f, &more, "min_cell", num);
	json_member_raw(f, &more, "raw", q && q->raw ? "true" : "false");
	fputc('}', f);
	/* each KPI in the file: its unit and kind, label and definition */
	for (i = 0; i < r->nrows; i++)
		seen |= 1u << r->rows[i].kpi;
	json_member_raw(f, &first, "kpis", "{");
	for (k = 0, more = 1; k < KPI_COUNT; k++) {
		const struct kpi_def *d = &kpi_defs[k];
		int in = 1;

		if (!(seen & (1u << k)))
			continue;
		json_member_raw(f, &more, d->name, "{");
		json_member_str(f, &in, "unit", kpi_unit_name(d->unit));
		json_member_str(f, &in, "kind", kind_name(d->kind));
		json_member_raw(f, &in, "higher_is_better", d->higher_is_better ? "true" : "false");
		json_member_str(f, &in, "label", o->thai ? d->label_th : d->label_en);
		json_member_str(f, &in, "definition", o->thai ? d->definition_th : d->definition_en);
		fputc('}', f);
	}
	fputs("}}", f);
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

static int write_machine(FILE *f, const struct kpi_result *r, const struct kpi_out_options *o)
{
	static const char *const names[] = { "period", "period_start", "period_end", "kpi",
					     "breakdown", "key", "value", "numerator",
					     "denominator", "target", "suppressed", "label" };
	static const enum cell_type types[] = { CELL_TEXT, CELL_TEXT, CELL_TEXT, CELL_TEXT,
						CELL_TEXT, CELL_TEXT, CELL_NUMBER, CELL_NUMBER,
						CELL_NUMBER, CELL_NUMBER, CELL_BOOL, CELL_TEXT };
	enum out_format fmt = o->fmt;
	int json = fmt == OUT_JSON || fmt == OUT_NDJSON || fmt == OUT_JSON_ARRAY;
	char start[DATE_ISO_LEN], end[DATE_ISO_LEN], b[4][FMT_NUMBER_MAX], *meta = NULL;
	struct table_writer *w;
	size_t i;

	if (o->meta && (fmt == OUT_JSON || fmt == OUT_NDJSON) && !(meta = meta_json(r, o)))
		return -1;
	w = table_writer_open(f, fmt, 12, names, types, o->no_header ? TW_NO_HEADER : 0, meta);
	free(meta);
	if (!w)
		return -1;
	for (i = 0; i < r->nrows; i++) {
		const struct kpi_row *row = &r->rows[i];
		const struct period *p = &r->periods[row->period];
		const char *cells[12];

		date_format_iso(p->start, start);
		date_format_iso(p->end, end);
		cells[0] = p->label;
		cells[1] = start;
		cells[2] = end;
		cells[3] = kpi_defs[row->kpi].name;
		cells[4] = breakdown_name(row->bd);
		/* JSON: the key of an 'all' row is null; CSV: empty. */
		cells[5] = row->key ? row->key : (json ? NULL : "");
		cells[6] = num_or_null(&row->value, b[0]);
		cells[7] = num_or_null(&row->numerator, b[1]);
		cells[8] = num_or_null(&row->denominator, b[2]);
		cells[9] = num_or_null(&row->target, b[3]);
		cells[10] = row->suppressed ? "true" : "false";
		/* the key's name in the chosen language; the all row's "All" */
		cells[11] = !row->key ? breakdown_label(BD_ALL, o->thai) :
			    o->thai ? row->key_th : row->key_en;
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

int kpi_write_opts(FILE *f, const struct kpi_result *r, const struct kpi_out_options *o)
{
	if (o->fmt == OUT_TABLE)
		return write_human(f, r, o->thai);
	return write_machine(f, r, o);
}

int kpi_write(FILE *f, const struct kpi_result *r, enum out_format fmt, int thai)
{
	const struct kpi_out_options o = { .fmt = fmt, .thai = thai };

	return kpi_write_opts(f, r, &o);
}
