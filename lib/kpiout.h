/* Writing KPI results: machine CSV/TSV/JSON (SPEC section 4) and tables for people. */
#ifndef DIDKPI_KPIOUT_H
#define DIDKPI_KPIOUT_H

#include <stdio.h>

#include "format.h"
#include "freshness.h"
#include "kpi.h"

/* What a run of didkpi kpi says about its data: the JSON "meta" object.
 * Every pointer may be NULL (left out, or null). It holds no clock time of
 * the run: the same data and options give the same bytes. */
struct kpi_meta {
	const char *version;       /* didkpi's version */
	const struct freshness *fresh; /* newest records (data as of) */
	const struct period *period; /* the whole period asked for */
	const char *period_text;   /* --period as typed (last-month, ...) */
	const char *interval;      /* --interval, or NULL for none */
	const struct kpi_request *req; /* time zone, KPIs, --by, --min-cell */
};

/* How kpi_write_opts() writes. */
struct kpi_out_options {
	enum out_format fmt;
	int thai;                  /* labels in Thai (1) or English (0) */
	int no_header;             /* CSV/TSV: no header; NDJSON: no meta line */
	const struct kpi_meta *meta; /* JSON/NDJSON metadata, may be NULL */
};

/*
 * kpi_write_opts() writes r to f. CSV, TSV and the JSON forms are the
 * machine output of SPEC section 4 (header period,period_start,period_end,
 * kpi,breakdown,key,value,numerator,denominator,target,suppressed) with one
 * more column at the end, label: the key's name in the chosen language
 * (services, channels and methods their name_th or name_en, units their
 * own name; the all row "ทั้งหมด" or "All"). New columns only ever come at
 * the end. suppressed is TRUE/FALSE in CSV and TSV, true/false in JSON.
 * JSON is {"meta": {...}, "rows": [...]}, NDJSON the meta line then one
 * row a line, json-array the bare array of rows. The table is for people,
 * in Thai or English, with human labels and percentages.
 * Returns 0, or -1 when writing failed.
 */
int kpi_write_opts(FILE *f, const struct kpi_result *r, const struct kpi_out_options *o);

/* kpi_write() is kpi_write_opts() with a header and no metadata. */
int kpi_write(FILE *f, const struct kpi_result *r, enum out_format fmt, int thai);

/* kpi_unit_name() is the machine name of a unit: "count", "fraction"
 * (0 to 1), "score" (1 to 5), "hours" or "milliseconds". */
const char *kpi_unit_name(enum kpi_unit u);

/* kpi_format_human() formats a value of KPI k for people: counts with
 * thousands separators, rates as "45.3%", hours with one decimal. */
char *kpi_format_human(enum kpi_id k, double v, char *buf, size_t len);

#endif
