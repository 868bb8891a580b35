/*
 * Unit tests for lib/order.c: order_percentile() against the definition
 * (sort, then PostgreSQL's interpolation between rows floor and ceil of
 * p * (n - 1)), bit for bit, on both sides of ORDER_RADIX_MIN: ties, one
 * value repeated, negatives, sorted and reversed input, magnitudes apart;
 * and order_sort() against qsort(), value for value, on both sides of
 * ORDER_SORT_RADIX, the same shapes and infinities, and signed zeros.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../lib/order.h"

static int cmp_double(const void *pa, const void *pb)
{
	double a = *(const double *)pa, b = *(const double *)pb;

	return a < b ? -1 : a > b;
}

/* The definition: sorted values, then orderedsetaggs.c's arithmetic. */
static double reference(const double *a, size_t n, double p)
{
	double *s = malloc(n * sizeof(*s)), pos = p * (double)(n - 1), first = floor(pos), r;
	size_t k = (size_t)first;

	assert_non_null(s);
	memcpy(s, a, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_double);
	r = ceil(pos) == first ? s[k] : s[k] + ((pos - first) * (s[k + 1] - s[k]));
	free(s);
	return r;
}

static uint64_t rng = 88172645463325252u;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

enum shape { UNIFORM, FEW, SAME, NEGATIVE, SORTED, REVERSED, SPREAD, SHAPES };

static void fill(double *a, size_t n, enum shape s)
{
	for (size_t i = 0; i < n; i++) {
		switch (s) {
		case UNIFORM:  a[i] = (double)(next() % 240000); break;        /* latencies, ms */
		case FEW:      a[i] = (double)(next() % 7); break;             /* many ties */
		case SAME:     a[i] = 42; break;
		case NEGATIVE: a[i] = (double)(int64_t)(next() % 2001) - 1000.5; break;
		case SORTED:   a[i] = (double)i / 3600000000.0; break;        /* hours from us */
		case REVERSED: a[i] = (double)(n - i); break;
		case SPREAD:   a[i] = ldexp((double)(next() % 1000), (int)(next() % 80) - 40); break;
		default:       break;
		}
	}
}

static void test_percentile_is_definition(void **state)
{
	static const size_t sizes[] = { 1, 2, 3, 64, 65, 1000, ORDER_RADIX_MIN - 1,
					ORDER_RADIX_MIN, ORDER_RADIX_MIN + 1, 70001 };
	static const double ps[] = { 0, 0.1, 0.5, 0.9, 1 };
	uint32_t *cnt = malloc(ORDER_RADIX_DIGITS * sizeof(*cnt));
	size_t radix_cases = 0;

	(void)state;
	assert_non_null(cnt);
	for (size_t z = 0; z < sizeof(sizes) / sizeof(*sizes); z++) {
		size_t n = sizes[z];
		double *a = malloc(n * sizeof(*a)), *w = malloc(n * sizeof(*w)),
		       *tmp = malloc(n * sizeof(*tmp));

		assert_true(a && w && tmp);
		for (int s = 0; s < SHAPES; s++) {
			fill(a, n, (enum shape)s);
			for (size_t q = 0; q < sizeof(ps) / sizeof(*ps); q++) {
				double want = reference(a, n, ps[q]), got;

				memcpy(w, a, n * sizeof(*w));
				got = order_percentile(w, n, ps[q], tmp, cnt);
				if (memcmp(&got, &want, sizeof(got)))
					fail_msg("n %zu shape %d p %g: %.17g, want %.17g", n, s,
						 ps[q], got, want);
				if (n >= ORDER_RADIX_MIN) {
					/* the radix path leaves the values alone */
					assert_memory_equal(w, a, n * sizeof(*a));
					radix_cases++;
				}
			}
		}
		free(a);
		free(w);
		free(tmp);
	}
	assert_int_equal(radix_cases, 3 * SHAPES * 5);
	free(cnt);
}

/* A value repeated around the k-th: hi is the same value, not the next
 * larger one (the count of values at most lo decides). */
static void test_ties_at_the_median(void **state)
{
	size_t n = ORDER_RADIX_MIN * 2;   /* even: the median interpolates */
	double *a = malloc(n * sizeof(*a)), *tmp = malloc(n * sizeof(*tmp));
	uint32_t *cnt = malloc(ORDER_RADIX_DIGITS * sizeof(*cnt));

	(void)state;
	assert_true(a && tmp && cnt);
	for (size_t i = 0; i < n; i++)   /* half 1, then 2, then 3 */
		a[i] = i < n / 2 - 1 ? 1 : i < n / 2 + 1 ? 2 : 3;
	/* rows n/2 - 1 and n/2 of the sorted values are both 2 */
	assert_true(order_percentile(a, n, 0.5, tmp, cnt) == 2);
	for (size_t i = 0; i < n; i++)   /* rows n/2 - 1 and n/2: 1 and 5 */
		a[n - 1 - i] = i < n / 2 ? 5 : 1;
	assert_true(order_percentile(a, n, 0.5, tmp, cnt) == 3);
	free(a);
	free(tmp);
	free(cnt);
}

/* order_sort() gives qsort()'s order: each position the same value (a
 * -0 and a +0 are equal values, in either order). */
static void test_sort_is_qsort(void **state)
{
	static const size_t sizes[] = { 0, 1, 2, 3, 100, ORDER_SORT_RADIX - 1, ORDER_SORT_RADIX,
					ORDER_SORT_RADIX + 1, 70001 };
	size_t radix_cases = 0;

	(void)state;
	for (size_t z = 0; z < sizeof(sizes) / sizeof(*sizes); z++) {
		size_t n = sizes[z];
		double *a = malloc((n ? n : 1) * sizeof(*a)), *w = malloc((n ? n : 1) * sizeof(*w));

		assert_true(a && w);
		for (int s = 0; s <= SHAPES; s++) {
			if (s < SHAPES)
				fill(a, n, (enum shape)s);
			else   /* infinities and zeros of both signs among negatives */
				for (size_t i = 0; i < n; i++) {
					static const double odd[] = { -0.0, 0.0, INFINITY, -INFINITY, -1e-300 };

					a[i] = i % 3 ? odd[next() % 5] : (double)(int64_t)(next() % 201) - 100;
				}
			memcpy(w, a, n * sizeof(*w));
			qsort(a, n, sizeof(*a), cmp_double);
			order_sort(w, n);
			for (size_t i = 0; i < n; i++)
				if (!(w[i] == a[i]))
					fail_msg("n %zu shape %d at %zu: %.17g, qsort %.17g", n, s, i,
						 w[i], a[i]);
			radix_cases += n >= ORDER_SORT_RADIX;
		}
		free(a);
		free(w);
	}
	assert_int_equal(radix_cases, 3 * (SHAPES + 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_percentile_is_definition),
		cmocka_unit_test(test_ties_at_the_median),
		cmocka_unit_test(test_sort_is_qsort),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
