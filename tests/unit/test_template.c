/* Unit tests for lib/template.c: the INI layer, the template checks with
 * their "FILE:LINE: problem" messages, the shipped templates, and a
 * mutation fuzzer (deterministic seed) that must never crash and always
 * either accept or explain with a line number. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "status.h"
#include "template.h"

/* ---- the INI layer ---- */

struct collected {
	char buf[2048];
};

static int collect(void *arg, const char *section, const char *key, const char *value,
		   int line)
{
	struct collected *c = arg;
	size_t n = strlen(c->buf);

	if (key)
		snprintf(c->buf + n, sizeof(c->buf) - n, "%d:%s:%s=%s|", line, section, key, value);
	else
		snprintf(c->buf + n, sizeof(c->buf) - n, "%d:[%s]|", line, section);
	return 0;
}

static const char *ini(const char *text, int *rc)
{
	static struct collected c;
	static char err[200];

	c.buf[0] = '\0';
	*rc = template_ini_parse(text, strlen(text), collect, &c, err, sizeof(err));
	return *rc ? err : c.buf;
}

static void test_ini_basics(void **state)
{
	int rc;

	(void)state;
	assert_string_equal(ini("# c\n; c\n[report]\n a = 1 \nb=\n", &rc),
			    "3:[report]|4:report:a=1|5:report:b=|");
	assert_int_equal(rc, 0);
	/* BOM, CRLF, no final newline */
	assert_string_equal(ini("\xef\xbb\xbf[s x]\r\nk = v w\r\nz=9", &rc),
			    "1:[s x]|2:s x:k=v w|3:s x:z=9|");
	/* continuation lines join with a space; a blank line ends them */
	assert_string_equal(ini("[a]\nk = x,\n   y,\n\t# note\n  z\n\n  q = 1\n", &rc),
			    "1:[a]|2:a:k=x, y, z|7:a:q=1|");
	/* Thai text passes through untouched */
	assert_string_equal(ini("[r]\nname_th = สรุป ก่อน-หลัง\n", &rc),
			    "1:[r]|2:r:name_th=สรุป ก่อน-หลัง|");
	assert_string_equal(ini("", &rc), "");
	assert_int_equal(rc, 0);
}

static void test_ini_errors(void **state)
{
	int rc;

	(void)state;
	assert_string_equal(ini("[a\n", &rc), "1: a section header must end with ']'");
	assert_int_equal(rc, -1);
	assert_string_equal(ini("[a]\nno equals here\n", &rc),
			    "2: expected 'key = value', a [section] or a # comment");
	assert_string_equal(ini("[a]\n = 3\n", &rc), "2: a key is missing before '='");
	assert_string_equal(ini("[]\n", &rc), "1: empty section name '[]'");
	assert_string_equal(ini("[a]\nk\xe0\x80 = 1\n", &rc),
			    "2: invalid UTF-8 (the template must be UTF-8 text)");
	assert_string_equal(ini("[a]\nk y = 1\n", &rc),
			    "2: a key may hold only letters, digits, '_', '-' and '.', not 'k y'");
	assert_string_equal(ini("[a]\nk = \x01\n", &rc),
			    "2: control character 0x01 in the template");
	{
		char err[100];
		struct collected c = { "" };

		rc = template_ini_parse("[a]\nk=\0x\n", 9, collect, &c, err, sizeof(err));
		assert_int_equal(rc, -1);
		assert_string_equal(err, "2: NUL byte in the template");
	}
}

/* ---- the template layer ---- */

static struct template *parse_ok(const char *text)
{
	struct template *t = NULL;
	char err[400];
	int rc = template_parse("t.ini", text, strlen(text), &t, err, sizeof(err));

	if (rc != DK_OK)
		fail_msg("rejected: %s", err);
	return t;
}

static void check_error(const char *text, const char *want)
{
	struct template *t = NULL;
	char err[400] = "";
	int rc = template_parse("t.ini", text, strlen(text), &t, err, sizeof(err));

	assert_int_equal(rc, DK_DATAERR);
	assert_null(t);
	assert_string_equal(err, want);
}

static void test_template_minimal(void **state)
{
	struct template *t;

	(void)state;
	t = parse_ok("[sheet e]\ntype = effects\n[sheet i]\ntype = its\nname_en = ITS\n");
	assert_int_equal(t->nsheets, 2);
	assert_int_equal(t->sheets[0].type, TPL_SHEET_EFFECTS);
	assert_string_equal(tpl_sheet_type_name(TPL_SHEET_EFFECTS), "effects");
	assert_string_equal(t->sheets[0].name[TPL_EN], "Event study");
	assert_int_equal(t->sheets[1].type, TPL_SHEET_ITS);
	assert_int_equal(tpl_sheet_type_find("its"), TPL_SHEET_ITS);
	assert_string_equal(t->sheets[1].name[TPL_EN], "ITS");
	assert_string_equal(t->sheets[1].name[TPL_TH], "อนุกรมเวลาขัดจังหวะ");
	template_free(t);

	t = parse_ok("[sheet s]\ntype = summary\n");
	assert_int_equal(t->nsheets, 1);
	assert_int_equal(t->sheets[0].type, TPL_SHEET_SUMMARY);
	assert_string_equal(t->sheets[0].name[TPL_TH], "สรุป");
	assert_string_equal(t->sheets[0].name[TPL_EN], "Summary");
	assert_int_equal(t->sheets[0].nkpis, KPI_COUNT);
	assert_null(t->department[TPL_TH]);
	template_free(t);

	t = parse_ok("[report]\ndepartment_th = กรม\n[sheet b]\ntype = breakdown\nby = method\n"
		     "widths = 30, 0, 12.5\n");
	assert_string_equal(t->department[TPL_TH], "กรม");
	assert_int_equal(t->sheets[0].nby, 1);
	assert_int_equal(t->sheets[0].by[0], BD_METHOD);
	assert_string_equal(t->sheets[0].name[TPL_TH], "ตามวิธียืนยันตัวตน");
	assert_string_equal(t->sheets[0].name[TPL_EN], "By method");
	/* every KPI that has a method breakdown, and no other */
	for (int i = 0; i < t->sheets[0].nkpis; i++)
		assert_true(kpi_defs[t->sheets[0].kpis[i]].breakdowns & (1u << BD_METHOD));
	assert_true(t->sheets[0].nkpis > 5 && t->sheets[0].nkpis < KPI_COUNT);
	assert_int_equal(t->sheets[0].nwidths, 3);
	assert_true(t->sheets[0].widths[2] == 12.5);
	template_free(t);

	t = parse_ok("[sheet t]\ntype = trend\nkpis = requests, digital_channel_rate,\n"
		     "  digital_id_use_rate\n[chart c]\nsheet = t\ntype = line\n"
		     "kpis = digital_id_use_rate, digital_channel_rate\n"
		     "[chart d]\nsheet=t\ntype=image\nkpis=requests\nwidth=800\n");
	assert_int_equal(t->sheets[0].nkpis, 3);
	assert_int_equal(t->sheets[0].kpis[2], KPI_DIGITAL_ID_USE_RATE);
	assert_int_equal(t->sheets[0].ncharts, 2);
	assert_int_equal(t->sheets[0].charts[0]->nkpis, 2);
	assert_int_equal(t->sheets[0].charts[1]->type, TPL_CHART_IMAGE);
	assert_int_equal(t->sheets[0].charts[1]->width, 800);
	assert_int_equal(t->sheets[0].charts[1]->height, 320);
	template_free(t);
}

static void test_template_errors(void **state)
{
	(void)state;
	check_error("", "t.ini:1: the template has no [sheet NAME] section");
	check_error("k = 1\n", "t.ini:1: 'k' comes before any [section]");
	check_error("[sheets x]\n", "t.ini:1: unknown section [sheets x] (expected [report], "
		    "[sheet NAME] or [chart NAME])");
	check_error("[sheet]\n", "t.ini:1: [sheet] needs a name: [sheet NAME]");
	check_error("[sheet a b]\n", "t.ini:1: name 'a b' may hold only letters, digits, "
		    "'_', '-' and '.'");
	check_error("\n[sheet s]\nname_th = x\n",
		    "t.ini:2: [sheet s] has no 'type' (one of summary, trend, compare, auth, "
		    "improve, training, definitions, breakdown, data, effects, its)");
	check_error("[sheet s]\ntype = pie\n", "t.ini:2: unknown sheet type 'pie' (expected "
		    "summary, trend, compare, auth, improve, training, definitions, breakdown, "
		    "data, effects or its)");
	/* the event-study and ITS sheets take no KPIs: their outcomes are fixed */
	check_error("[sheet e]\ntype = effects\nkpis = requests\n",
		    "t.ini:3: unknown key 'kpis' in [sheet e] (expected type, name_th, name_en, "
		    "title_th, title_en or widths)");
	check_error("[sheet i]\ntype = its\ntop = 3\n",
		    "t.ini:3: unknown key 'top' in [sheet i] (expected type, name_th, name_en, "
		    "title_th, title_en or widths)");
	check_error("[sheet s]\ntype = summary\nkpi = requests\n",
		    "t.ini:3: unknown key 'kpi' in [sheet s] (expected type, name_th, name_en, "
		    "title_th, title_en, kpis or widths)");
	check_error("[sheet s]\ntype = auth\nkpis = requests\n",
		    "t.ini:3: unknown key 'kpis' in [sheet s] (expected type, name_th, name_en, "
		    "title_th, title_en, widths or top)");
	check_error("[sheet s]\ntype = summary\nname_th = a\nname_th = b\n",
		    "t.ini:4: key 'name_th' given twice in [sheet s]");
	check_error("[sheet s]\ntype = summary\nkpis = requests, nope\n",
		    "t.ini:3: unknown KPI 'nope' in 'kpis'");
	check_error("[sheet s]\ntype = summary\nkpis = requests,,completion_rate\n",
		    "t.ini:3: empty name in the list of 'kpis' (a stray comma?)");
	check_error("[sheet s]\ntype = summary\nkpis = requests, requests\n",
		    "t.ini:3: KPI 'requests' listed twice in 'kpis'");
	check_error("[sheet s]\ntype = summary\nkpis = all, requests\n",
		    "t.ini:3: 'all' must stand alone in 'kpis'");
	check_error("[sheet s]\ntype = summary\n[sheet s]\ntype = trend\n",
		    "t.ini:3: sheet 's' defined twice (first on line 1)");
	check_error("[sheet s]\ntype = summary\n[sheet t]\ntype = trend\nname_en = SUMMARY\n",
		    "t.ini:3: sheets 's' and 't' have the same name 'SUMMARY'; give one another "
		    "name_en");
	check_error("[sheet s]\ntype = summary\nname_th = สรุปตัวชี้วัดประจำเดือนมีนาคมสองพันห้าร้อย\n",
		    "t.ini:3: sheet name 'สรุปตัวชี้วัดประจำเดือนมีนาคมสองพันห้าร้อย' is longer "
		    "than 31 characters (Excel's limit)");
	check_error("[sheet s]\ntype = summary\nname_en = a/b\n",
		    "t.ini:3: sheet name 'a/b' cannot hold any of [ ] : * ? / \\");
	check_error("[sheet s]\ntype = summary\nname_en =\n", "t.ini:3: 'name_en' is empty");
	check_error("[sheet s]\ntype = breakdown\n",
		    "t.ini:1: [sheet s] needs 'by' (service, unit, channel or method)");
	check_error("[sheet s]\ntype = breakdown\nby = service, unit\n",
		    "t.ini:3: a breakdown sheet takes one breakdown in 'by'; use one sheet for each");
	check_error("[sheet s]\ntype = breakdown\nby = method\nkpis = satisfaction_mean\n",
		    "t.ini:4: KPI 'satisfaction_mean' has no breakdown by method");
	check_error("[sheet s]\ntype = data\nby = all, unit\n",
		    "t.ini:3: 'all' must stand alone in 'by'");
	check_error("[sheet s]\ntype = data\nby = year\n",
		    "t.ini:3: unknown breakdown 'year' in 'by'");
	check_error("[sheet s]\ntype = auth\ntop = 0\n",
		    "t.ini:3: 'top' must be a whole number from 1 to 1000, not '0'");
	check_error("[sheet s]\ntype = auth\ntop = 5x\n",
		    "t.ini:3: 'top' must be a whole number from 1 to 1000, not '5x'");
	check_error("[sheet s]\ntype = auth\nwidths = 10, -1\n",
		    "t.ini:3: column width '-1' must be a number of characters from 0 (fitted) "
		    "to 255");
	check_error("[sheet s]\ntype = compare\nmetrics = requests\n",
		    "t.ini:3: unknown metric 'requests' in 'metrics'");
	check_error("[report]\n[report]\n[sheet s]\ntype=summary\n", "t.ini:2: [report] given twice");
	check_error("[report]\nname_th = x\n", "t.ini:2: unknown key 'name_th' in [report] "
		    "(expected title_th, title_en, department_th, department_en, source_th or "
		    "source_en)");
	/* charts */
	check_error("[sheet s]\ntype = summary\n[chart c]\nsheet = s\n",
		    "t.ini:3: [chart c] has no 'type' (line, column, stacked or image)");
	check_error("[sheet s]\ntype = summary\n[chart c]\ntype = pie\n",
		    "t.ini:4: unknown chart type 'pie' (expected line, column, stacked or image)");
	check_error("[sheet s]\ntype = summary\n[chart c]\ntype = line\n",
		    "t.ini:3: [chart c] has no 'sheet' (the [sheet ID] it goes on)");
	check_error("[sheet s]\ntype = summary\n[chart c]\ntype = line\nsheet = x\n",
		    "t.ini:5: [chart c]: no sheet 'x' in this template");
	check_error("[sheet s]\ntype = summary\n[chart c]\ntype = line\nsheet = s\n",
		    "t.ini:3: a line chart cannot go on a summary sheet (trend: line, image; "
		    "compare: column, image; auth: column, stacked; training: column)");
	check_error("[sheet t]\ntype = trend\n[chart c]\ntype = line\nsheet = t\n",
		    "t.ini:3: [chart c] needs 'kpis'");
	check_error("[sheet t]\ntype = trend\n[chart c]\ntype = line\nsheet = t\n"
		    "kpis = requests, completion_rate\n",
		    "t.ini:3: [chart c]: KPIs 'requests' and 'completion_rate' are in different "
		    "units; put them in separate charts");
	check_error("[sheet t]\ntype = trend\nkpis = requests\n[chart c]\ntype = line\n"
		    "sheet = t\nkpis = active_users\n",
		    "t.ini:4: [chart c]: KPI 'active_users' is not in the 'kpis' of sheet 't'");
	check_error("[sheet t]\ntype = trend\n[chart c]\ntype = image\nsheet = t\n"
		    "kpis = requests, active_users\n",
		    "t.ini:3: [chart c]: an image trend chart takes one KPI");
	check_error("[sheet t]\ntype = compare\nmetrics = completion_rate\n[chart c]\n"
		    "type = column\nsheet = t\nmetric = satisfaction_mean\n",
		    "t.ini:4: [chart c]: metric 'satisfaction_mean' is not in the 'metrics' of "
		    "sheet 't'");
	check_error("[sheet t]\ntype = compare\n[chart c]\ntype = column\nsheet = t\n",
		    "t.ini:3: [chart c] needs 'metric' (one of the sheet's metrics)");
	check_error("[sheet t]\ntype = compare\n[chart c]\ntype = column\nsheet = t\nmetric = x\n",
		    "t.ini:6: unknown metric 'x' (expected one of requests_per_month, "
		    "digital_channel_rate, service_time_median_hours, satisfaction_mean, "
		    "satisfaction_csat, completion_rate)");
	check_error("[sheet t]\ntype = auth\n[chart c]\ntype = stacked\nsheet = t\nwidth = 50\n",
		    "t.ini:6: 'width' must be a whole number from 160 to 2000, not '50'");
	check_error("[sheet t]\ntype = auth\n[chart c]\ntype = stacked\nsheet = t\n"
		    "[chart c]\ntype = column\nsheet = t\n",
		    "t.ini:6: chart 'c' defined twice (first on line 3)");
	/* the INI layer's errors carry the file name too */
	check_error("[sheet s]\ntype = summary\nbad line\n",
		    "t.ini:3: expected 'key = value', a [section] or a # comment");
}

/* Reads a whole file of the source tree (tests run from the top). */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;

	if (!f)
		return NULL;
	buf = malloc(1 << 20);
	*len = fread(buf, 1, (1 << 20) - 1, f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

static void test_shipped_templates(void **state)
{
	struct template *t;
	char err[400];
	int rc;

	(void)state;
	rc = template_load("reports/templates/monthly.ini", &t, err, sizeof(err));
	if (rc)
		fail_msg("%s", err);
	assert_int_equal(t->nsheets, 7);
	assert_int_equal(t->sheets[0].type, TPL_SHEET_SUMMARY);
	assert_int_equal(t->sheets[1].type, TPL_SHEET_TREND);
	assert_int_equal(t->sheets[2].type, TPL_SHEET_COMPARE);
	assert_int_equal(t->sheets[3].type, TPL_SHEET_AUTH);
	assert_int_equal(t->sheets[4].type, TPL_SHEET_IMPROVE);
	assert_int_equal(t->sheets[5].type, TPL_SHEET_TRAINING);
	assert_int_equal(t->sheets[6].type, TPL_SHEET_DEFINITIONS);
	assert_string_equal(t->department[TPL_TH], "กรมพัฒนาฝีมือแรงงาน");
	assert_true(t->sheets[1].ncharts >= 2);
	template_free(t);

	rc = template_load("reports/templates/analyst.ini", &t, err, sizeof(err));
	if (rc)
		fail_msg("%s", err);
	assert_int_equal(t->nsheets, 10);
	assert_int_equal(t->sheets[6].type, TPL_SHEET_EFFECTS);
	assert_int_equal(t->sheets[7].type, TPL_SHEET_ITS);
	template_free(t);

	rc = template_load("reports/templates/no-such.ini", &t, err, sizeof(err));
	assert_int_equal(rc, DK_DATAERR);
	assert_string_equal(err, "reports/templates/no-such.ini: cannot read the template: "
			    "No such file or directory");
}

static void test_metric_names(void **state)
{
	(void)state;
	for (int i = 0; i < CMP_METRIC_COUNT; i++)
		assert_string_equal(tpl_metric_names[i], compare_metrics[i].name);
}

static void test_find(void **state)
{
	char *p;

	(void)state;
	p = template_find("./x.ini");
	assert_string_equal(p, "./x.ini");
	free(p);
	p = template_find("mine.ini");
	assert_string_equal(p, "mine.ini");
	free(p);
	setenv("DIDKPI_TEMPLATE_PATH", "/nonexistent:reports/templates", 1);
	p = template_find("monthly");
	assert_string_equal(p, "reports/templates/monthly.ini");
	free(p);
	assert_null(template_find("no-such-template"));
	p = template_find("../x");     /* has a slash: a path, returned as is */
	assert_string_equal(p, "../x");
	free(p);
	assert_null(template_find("a b"));
	unsetenv("DIDKPI_TEMPLATE_PATH");
}

/* xorshift: a fixed seed makes every run mutate alike. */
static uint64_t rnd_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

static void test_fuzz(void **state)
{
	static const char *const tokens[] = {
		"[", "]", "=", "\n", " ", ",", "#", "\xe0", "\xef\xbb\xbf", "[sheet x]\n",
		"[chart y]\n", "type = trend\n", "kpis = all\n", "sheet = x\n", "\r\n", "\t",
		"\0", "ก", "all", "requests", "by = service\n", "type = image\n", "top = 99999\n",
	};
	size_t len = 0, n, cap = (1 << 16);
	char *orig = slurp("reports/templates/monthly.ini", &len), *buf = malloc(cap);
	char err[400];
	int iter, ok = 0, bad = 0;

	(void)state;
	assert_non_null(orig);
	for (iter = 0; iter < 20000; iter++) {
		struct template *t = NULL;
		int m, rc;

		memcpy(buf, orig, len);
		n = len;
		for (m = (int)(rnd() % 8) + 1; m > 0; m--) {
			size_t pos = n ? rnd() % n : 0;
			unsigned op = rnd() % 4;

			if (op == 0 && n) {            /* flip a byte */
				buf[pos] = (char)rnd();
			} else if (op == 1 && n) {     /* delete a run */
				size_t k = rnd() % 40;

				if (k > n - pos)
					k = n - pos;
				memmove(buf + pos, buf + pos + k, n - pos - k);
				n -= k;
			} else {                        /* insert a token */
				const char *tok = tokens[rnd() % (sizeof(tokens) / sizeof(*tokens))];
				size_t k = *tok ? strlen(tok) : 1;

				if (n + k >= cap)
					continue;
				memmove(buf + pos + k, buf + pos, n - pos);
				memcpy(buf + pos, tok, k);
				n += k;
			}
		}
		rc = template_parse("f.ini", buf, n, &t, err, sizeof(err));
		if (rc == DK_OK) {
			assert_non_null(t);
			assert_true(t->nsheets > 0);
			ok++;
		} else {
			int line;
			char c;

			assert_int_equal(rc, DK_DATAERR);
			assert_null(t);
			/* always "f.ini:LINE: problem" */
			if (sscanf(err, "f.ini:%d:%c", &line, &c) != 2 || line < 1)
				fail_msg("message without a line: '%s'", err);
			bad++;
		}
		template_free(t);
	}
	/* both outcomes happen: the fuzzer reaches past the first check */
	assert_true(ok > 100);
	assert_true(bad > 100);
	free(orig);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ini_basics),
		cmocka_unit_test(test_ini_errors),
		cmocka_unit_test(test_template_minimal),
		cmocka_unit_test(test_template_errors),
		cmocka_unit_test(test_shipped_templates),
		cmocka_unit_test(test_metric_names),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_fuzz),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
