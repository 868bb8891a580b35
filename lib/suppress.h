/*
 * Complementary (secondary) small-cell suppression: no suppressed value of
 * a published table can be recovered by adding or subtracting the cells that
 * are published beside it (SPEC section 4 "Small cells", issue 10 item 10).
 */
#ifndef DIDKPI_SUPPRESS_H
#define DIDKPI_SUPPRESS_H

#include <stddef.h>

#include "kpi.h"

/* Each service's owner unit: the hierarchy service -> unit. Both arrays
 * hold n strings, service codes in byte order. */
struct suppress_units {
	size_t n;
	char **service, **unit;
};

/*
 * suppress_apply() takes the rows of one result whose small cells are
 * already marked (row->suppressed set, values still in place) and marks
 * more rows until no hidden measure can be recovered, then blanks value,
 * numerator and denominator of every suppressed row.
 *
 * It works on measures, not rows: a row publishes additive measures (e.g.
 * satisfaction_mean publishes the score sum and the responses); a measure
 * of a breakdown key is hidden when every row showing it is suppressed.
 * Per period and measure the published cells obey
 *   sum over the keys of each breakdown = the 'all' cell, and
 *   sum over the services of unit u = the cell of unit u (units = NULL: no
 *   unit rows are published),
 * and the exact audit (Gaussian elimination over the rationals) finds any
 * hidden cell these equations determine; another published cell of an
 * equation holding it is then hidden (the smallest non-zero, ties by
 * breakdown and key; 'all' never), which may hide a zero. Repeats until no
 * hidden cell is determined. Distinct-user measures (active users and the
 * user rates) do not add up across keys and keep primary suppression only.
 * Returns the number of rows suppressed beyond the primary ones, or -1 out
 * of memory or on an arithmetic overflow (the caller reports it).
 */
long suppress_apply(struct kpi_row *rows, size_t nrows, const struct suppress_units *units);

/*
 * A linear system for the audit, exposed for tests: ncells unknowns, neq
 * equations with coefficients coef[e * ncells + c] (small integers), and
 * hidden[c] set for the cells that are not published.
 * suppress_determined() sets det[c] = 1 for each hidden cell whose value
 * the equations and the published cells fix, 0 otherwise, and returns how
 * many, or -1 out of memory or on overflow.
 */
long suppress_determined(size_t ncells, size_t neq, const int *coef,
			 const unsigned char *hidden, unsigned char *det);

#endif
