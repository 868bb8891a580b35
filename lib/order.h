/*
 * Order statistics of the values behind the KPIs' medians and 90th
 * percentiles (lib/kpi.c), exact: the same doubles as PostgreSQL's
 * percentile_cont over the same values.
 */
#ifndef DIDKPI_ORDER_H
#define DIDKPI_ORDER_H

#include <stddef.h>
#include <stdint.h>

/* From this many values order_percentile() selects by radix, with the
 * caller's room: tmp for n doubles and cnt for ORDER_RADIX_DIGITS counts. */
#define ORDER_RADIX_MIN 16384
#define ORDER_RADIX_DIGITS (1u << 16)

/*
 * percentile_cont(p) (0 <= p <= 1) of a[0..n-1] (n > 0, no NaN) as
 * PostgreSQL computes it (orderedsetaggs.c): the rows floor and ceil of
 * p * (n - 1) of the sorted values, lo and hi, interpolated as lo + (frac
 * * (hi - lo)). Below ORDER_RADIX_MIN values a is reordered (tmp and cnt
 * may be NULL); from there a is left as it is and tmp, cnt are used.
 */
double order_percentile(double *a, size_t n, double p, double *tmp, uint32_t *cnt);

/*
 * Sorts a[0..n-1] (no NaN) ascending, as qsort() with a comparison of the
 * values would (equal values are interchangeable; -0 comes before +0).
 * From ORDER_SORT_RADIX values by the keys' 11-bit digits from the
 * lowest, a pass only for each digit where the values differ, through a
 * copy; below, or without memory for the copy, by qsort().
 */
#define ORDER_SORT_RADIX 2048
void order_sort(double *a, size_t n);

#endif
