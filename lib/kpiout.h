/* Writing KPI results: machine CSV/TSV/JSON (SPEC section 4) and tables for people. */
#ifndef DIDKPI_KPIOUT_H
#define DIDKPI_KPIOUT_H

#include <stdio.h>

#include "format.h"
#include "kpi.h"

/*
 * kpi_write() writes r to f. CSV, TSV and JSON are the machine output of
 * SPEC section 4 (header period,period_start,period_end,kpi,breakdown,key,
 * value,numerator,denominator,target,suppressed); the table is for people,
 * in Thai (thai = 1) or English, with human labels and percentages.
 * Returns 0, or -1 when writing failed.
 */
int kpi_write(FILE *f, const struct kpi_result *r, enum out_format fmt, int thai);

/* kpi_format_human() formats a value of KPI k for people: counts with
 * thousands separators, rates as "45.3%", hours with one decimal. */
char *kpi_format_human(enum kpi_id k, double v, char *buf, size_t len);

#endif
