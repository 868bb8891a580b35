/*
 * Unit tests for lib/suppress.c (complementary small-cell suppression) and
 * the output guards of lib/format.c (formula guard, control characters).
 * Expected values are worked out by hand in the comments.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "format.h"
#include "suppress.h"

/* x0 + x1 + x2 = total, x0 hidden alone: determined. */
static void test_one_hidden_is_determined(void **state)
{
	const int coef[] = { 1, 1, 1 };
	unsigned char hid[] = { 1, 0, 0 }, det[3];

	(void)state;
	assert_int_equal(suppress_determined(3, 1, coef, hid, det), 1);
	assert_int_equal(det[0], 1);
	hid[1] = 1;
	assert_int_equal(suppress_determined(3, 1, coef, hid, det), 0);
}

/*
 * Services a, b in unit U, c in unit V; units U, V; the total T.
 *   a + b + c = T,  U + V = T,  a + b = U,  c = V.
 * Hiding a and b: a + b = U (known) fixes neither. Hiding a, b and c: c = V
 * is known. Hiding a and U: a + b = U and U + V = T give U, then a.
 * Columns: a b c U V.
 */
static void test_hierarchy(void **state)
{
	const int coef[] = {
		1, 1, 1, 0, 0,
		0, 0, 0, 1, 1,
		1, 1, 0, -1, 0,
		0, 0, 1, 0, -1,
	};
	unsigned char hid[5] = { 1, 1, 0, 0, 0 }, det[5];

	(void)state;
	assert_int_equal(suppress_determined(5, 4, coef, hid, det), 0);
	hid[2] = 1;
	assert_int_equal(suppress_determined(5, 4, coef, hid, det), 1);
	assert_int_equal(det[2], 1);
	memset(hid, 0, sizeof(hid));
	hid[0] = hid[3] = 1;
	assert_int_equal(suppress_determined(5, 4, coef, hid, det), 2);
	/* a, b, U, V hidden: U + V = T, a + b - U = 0, c = V gives V, then U,
	 * but a and b stay free. */
	memset(hid, 1, sizeof(hid));
	hid[2] = 0;
	assert_int_equal(suppress_determined(5, 4, coef, hid, det), 2);
	assert_int_equal(det[3] && det[4] && !det[0] && !det[1], 1);
}

static struct kpi_row row(enum kpi_id k, enum breakdown bd, const char *key, double num,
			  double den, int sup)
{
	struct kpi_row r;

	memset(&r, 0, sizeof(r));
	r.kpi = k;
	r.bd = bd;
	r.key = key;
	r.numerator = (struct kpi_num){ 1, num };
	if (den >= 0) {
		r.denominator = (struct kpi_num){ 1, den };
		r.value = (struct kpi_num){ den > 0, den > 0 ? num / den : 0 };
	} else {
		r.value = r.numerator;
	}
	r.suppressed = sup;
	return r;
}

/*
 * The case: satisfaction_mean by service and unit. Unit U has
 * services a (1 answer, suppressed), b (10), c (20); unit V has d (30).
 * Without more, a = U - b - c. The smallest non-zero cell that frees a is b
 * (10), which is also not recoverable: a + b = U - c, and the service total
 * equation adds nothing new.
 */
static void test_apply_hides_a_complement(void **state)
{
	char *svc[] = { "a", "b", "c", "d" }, *unit[] = { "U", "U", "U", "V" };
	struct suppress_units u = { 4, svc, unit };
	struct kpi_row rows[] = {
		row(KPI_SATISFACTION_MEAN, BD_ALL, NULL, 250, 61, 0),
		row(KPI_SATISFACTION_MEAN, BD_SERVICE, "a", 4, 1, 1),
		row(KPI_SATISFACTION_MEAN, BD_SERVICE, "b", 40, 10, 0),
		row(KPI_SATISFACTION_MEAN, BD_SERVICE, "c", 80, 20, 0),
		row(KPI_SATISFACTION_MEAN, BD_SERVICE, "d", 126, 30, 0),
		row(KPI_SATISFACTION_MEAN, BD_UNIT, "U", 124, 31, 0),
		row(KPI_SATISFACTION_MEAN, BD_UNIT, "V", 126, 30, 0),
	};

	(void)state;
	assert_int_equal(suppress_apply(rows, 7, &u), 1);
	assert_int_equal(rows[2].suppressed, 1);
	assert_int_equal(rows[3].suppressed + rows[4].suppressed + rows[5].suppressed +
			 rows[6].suppressed, 0);
	/* suppressed rows are blanked, the others untouched */
	assert_int_equal(rows[1].value.set || rows[1].numerator.set || rows[1].denominator.set, 0);
	assert_int_equal(rows[2].numerator.set, 0);
	assert_int_equal(rows[3].numerator.set && rows[3].numerator.v == 80, 1);
}

/*
 * A measure shown by two KPIs: requests (count) and completion_rate (den).
 * Service a's requests row is suppressed but its completion_rate row is not
 * (an impossible primary state, built to test the rule): a's request count
 * stays published, so nothing needs hiding.
 */
static void test_measure_shown_elsewhere(void **state)
{
	struct kpi_row rows[] = {
		row(KPI_REQUESTS, BD_ALL, NULL, 12, -1, 0),
		row(KPI_REQUESTS, BD_CHANNEL, "a", 2, -1, 1),
		row(KPI_REQUESTS, BD_CHANNEL, "b", 10, -1, 0),
		row(KPI_COMPLETION_RATE, BD_ALL, NULL, 6, 12, 0),
		row(KPI_COMPLETION_RATE, BD_CHANNEL, "a", 1, 2, 0),
		row(KPI_COMPLETION_RATE, BD_CHANNEL, "b", 5, 10, 0),
	};

	(void)state;
	assert_int_equal(suppress_apply(rows, 6, NULL), 0);
	/* Once a's completion row is suppressed too, the count is hidden and b
	 * must go: both rows of b (they show b's count), and then b's completed
	 * count is hidden with a's, two unknowns in one equation: safe. */
	rows[1] = row(KPI_REQUESTS, BD_CHANNEL, "a", 2, -1, 1);
	rows[4] = row(KPI_COMPLETION_RATE, BD_CHANNEL, "a", 1, 2, 1);
	assert_int_equal(suppress_apply(rows, 6, NULL), 2);
	assert_int_equal(rows[2].suppressed && rows[5].suppressed, 1);
	assert_int_equal(rows[0].suppressed || rows[3].suppressed, 0);
}

/* Nothing small: nothing changes. */
static void test_nothing_small(void **state)
{
	struct kpi_row rows[] = {
		row(KPI_REQUESTS, BD_ALL, NULL, 30, -1, 0),
		row(KPI_REQUESTS, BD_CHANNEL, "a", 0, -1, 0),
		row(KPI_REQUESTS, BD_CHANNEL, "b", 30, -1, 0),
	};

	(void)state;
	assert_int_equal(suppress_apply(rows, 3, NULL), 0);
	assert_int_equal(rows[1].value.set && rows[2].value.v == 30, 1);
}

static char *written(enum out_format fmt, const char *text, const char *num)
{
	static const char *const names[] = { "name", "n" };
	static const enum cell_type types[] = { CELL_TEXT, CELL_NUMBER };
	const char *cells[2] = { text, num };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct table_writer *w;

	assert_non_null(f);
	w = table_writer_new(f, fmt, 2, names, types);
	assert_int_equal(table_writer_row(w, cells), 0);
	assert_int_equal(table_writer_finish(w), 0);
	fclose(f);
	return buf;
}

static void test_formula_guard(void **state)
{
	char *s;

	(void)state;
	s = written(OUT_CSV, "=1+2", "-0.5");
	assert_string_equal(s, "name,n\n\"'=1+2\",-0.5\n");
	free(s);
	s = written(OUT_CSV, "@x\"y", "3");
	assert_string_equal(s, "name,n\n\"'@x\"\"y\",3\n");
	free(s);
	s = written(OUT_TSV, "+cmd", "-1");
	assert_string_equal(s, "name\tn\n'+cmd\t-1\n");
	free(s);
	s = written(OUT_CSV, "ok-=", "1");
	assert_string_equal(s, "name,n\nok-=,1\n");
	free(s);
	format_set_formula_guard(0);
	s = written(OUT_CSV, "=1+2", "1");
	assert_string_equal(s, "name,n\n=1+2,1\n");
	free(s);
	format_set_formula_guard(1);
}

static void test_escape(void **state)
{
	char *s;

	(void)state;
	s = text_escape("a\033[31mb\tc\nd\re\x7f ไทย\xc2\x9b\xff");
	assert_string_equal(s, "a\\x1b[31mb\\tc\\nd\\re\\x7f ไทย\\xc2\\x9b\\xff");
	free(s);
	s = written(OUT_TABLE, "x\ty", "1");
	assert_string_equal(s, "name  n\nx\\ty  1\n");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_hidden_is_determined),
		cmocka_unit_test(test_hierarchy),
		cmocka_unit_test(test_apply_hides_a_complement),
		cmocka_unit_test(test_measure_shown_elsewhere),
		cmocka_unit_test(test_nothing_small),
		cmocka_unit_test(test_formula_guard),
		cmocka_unit_test(test_escape),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
