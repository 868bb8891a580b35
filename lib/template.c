/* Workbook templates: a small INI parser and the checks of what it says. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compare.h"
#include "status.h"
#include "template.h"

static const char *const sheet_type_names[TPL_SHEET_TYPE_COUNT] = {
	"summary", "trend", "compare", "auth", "improve", "training",
	"definitions", "breakdown", "data", "effects", "its",
};

static const char *const chart_type_names[TPL_CHART_TYPE_COUNT] = {
	"line", "column", "stacked", "image",
};

/* Default tab names and headings, Thai and English, by sheet type. */
static const char *const default_names[TPL_SHEET_TYPE_COUNT][TPL_NLANG] = {
	{ "สรุป", "Summary" },
	{ "แนวโน้ม", "Trend" },
	{ "ก่อนและหลัง Digital ID", "Before and after" },
	{ "การยืนยันตัวตน", "Authentication" },
	{ "บริการที่ควรปรับปรุง", "Services to improve" },
	{ "การอบรมเจ้าหน้าที่", "Staff training" },
	{ "นิยามตัวชี้วัด", "Definitions" },
	{ NULL, NULL }, /* breakdown: made from the breakdown's name */
	{ "ข้อมูล", "Data" },
	{ "ผลตามเดือนนับจากเริ่มใช้", "Event study" },
	{ "อนุกรมเวลาขัดจังหวะ", "Interrupted series" },
};

static const char *const default_titles[TPL_SHEET_TYPE_COUNT][TPL_NLANG] = {
	{ "สรุปตัวชี้วัด", "KPI summary" },
	{ "แนวโน้มรายเดือน", "Monthly trend" }, /* the months follow (xlsx_trend.c) */
	{ "ผลก่อนและหลังการใช้ Digital ID รายบริการ", "Before and after Digital ID, by service" },
	{ "การยืนยันตัวตนตามวิธี", "Authentication by method" },
	{ "บริการที่ควรปรับปรุงเป็นลำดับแรก", "Services where improvement is most needed" },
	{ "การอบรมเจ้าหน้าที่ด่านหน้าด้าน Digital ID ตามหน่วยงาน",
	  "Front-line staff trained on Digital ID, by unit" },
	{ "นิยามตัวชี้วัด", "KPI definitions" },
	{ NULL, NULL },
	{ "ข้อมูลตัวชี้วัดทุกมิติ (รูปแบบเดียวกับ didkpi kpi --format csv)",
	  "Every KPI row (as didkpi kpi --format csv)" },
	{ "ผลของ Digital ID ตามเดือนนับจากเริ่มใช้ (didkpi effects)",
	  "Effects of Digital ID by months since adoption (didkpi effects)" },
	{ "อนุกรมเวลาขัดจังหวะรายบริการ ณ วันเริ่มใช้ Digital ID (didkpi its)",
	  "Interrupted time series per service at its Digital ID adoption (didkpi its)" },
};

const char *tpl_sheet_type_name(enum tpl_sheet_type t)
{
	return t < TPL_SHEET_TYPE_COUNT ? sheet_type_names[t] : "?";
}

int tpl_sheet_type_find(const char *name)
{
	for (int i = 0; i < TPL_SHEET_TYPE_COUNT; i++)
		if (!strcmp(sheet_type_names[i], name))
			return i;
	return -1;
}

static int find_name(const char *const *names, int n, const char *s)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(names[i], s))
			return i;
	return -1;
}

/* ---- the INI layer ---- */

/* Length of the valid UTF-8 sequence at s (n bytes left), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len, i;
	unsigned c = s[0], cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, cp = c & 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* overlong forms, surrogates and beyond U+10FFFF */
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int is_key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-' || c == '.';
}

/* A growing string for a value with its continuation lines. */
struct sbuf {
	char *s;
	size_t len, cap;
};

static int sbuf_add(struct sbuf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		char *p;

		while (cap < b->len + n + 1)
			cap *= 2;
		if (!(p = realloc(b->s, cap)))
			return -1;
		b->s = p;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
	return 0;
}

/* Sends the pending key = value, if any. */
static int flush_pair(template_ini_fn fn, void *arg, const struct sbuf *section,
		      struct sbuf *key, struct sbuf *value, int *key_line)
{
	int rc = 0;

	if (*key_line)
		rc = fn(arg, section->s ? section->s : "", key->s, value->s ? value->s : "", *key_line);
	*key_line = 0;
	key->len = value->len = 0;
	if (key->s)
		key->s[0] = '\0';
	if (value->s)
		value->s[0] = '\0';
	return rc;
}

int template_ini_parse(const char *text, size_t len, template_ini_fn fn, void *arg,
		       char *err, size_t errlen)
{
	struct sbuf section = { 0 }, key = { 0 }, value = { 0 };
	const char *p = text, *end = text + len, *nl, *a, *b, *eq;
	int line = 0, key_line = 0, rc = 0;

#define FAIL(...) do { if (errlen) snprintf(err, errlen, __VA_ARGS__); rc = -1; goto out; } while (0)
#define OOM() FAIL("%d: out of memory", line)
	if (errlen)
		err[0] = '\0';
	if (sbuf_add(&section, "", 0))
		OOM();
	if (len >= 3 && !memcmp(p, "\xef\xbb\xbf", 3))
		p += 3;
	while (p < end) {
		line++;
		nl = memchr(p, '\n', (size_t)(end - p));
		b = nl ? nl : end;
		a = p;
		p = nl ? nl + 1 : end;
		if (b > a && b[-1] == '\r')
			b--;
		for (const char *q = a; q < b;) {
			size_t n = utf8_len((const unsigned char *)q, (size_t)(b - q));

			if (*q == '\0')
				FAIL("%d: NUL byte in the template", line);
			if (!n)
				FAIL("%d: invalid UTF-8 (the template must be UTF-8 text)", line);
			if ((unsigned char)*q < 0x20 && *q != '\t')
				FAIL("%d: control character 0x%02x in the template", line,
				     (unsigned char)*q);
			q += n;
		}
		/* An indented line right after a key continues its value. */
		if (key_line && a < b && is_blank(*a)) {
			while (a < b && is_blank(*a))
				a++;
			while (b > a && is_blank(b[-1]))
				b--;
			if (a == b || *a == '#' || *a == ';')
				continue;
			if ((value.len && sbuf_add(&value, " ", 1)) || sbuf_add(&value, a, (size_t)(b - a)))
				OOM();
			continue;
		}
		while (a < b && is_blank(*a))
			a++;
		while (b > a && is_blank(b[-1]))
			b--;
		if (a == b || *a == '#' || *a == ';') {
			if (a == b && (rc = flush_pair(fn, arg, &section, &key, &value, &key_line)))
				goto out;
			continue;
		}
		if ((rc = flush_pair(fn, arg, &section, &key, &value, &key_line)))
			goto out;
		if (*a == '[') {
			if (b[-1] != ']')
				FAIL("%d: a section header must end with ']'", line);
			a++;
			b--;
			while (a < b && is_blank(*a))
				a++;
			while (b > a && is_blank(b[-1]))
				b--;
			if (a == b)
				FAIL("%d: empty section name '[]'", line);
			if (memchr(a, '[', (size_t)(b - a)) || memchr(a, ']', (size_t)(b - a)))
				FAIL("%d: a section name cannot hold '[' or ']'", line);
			section.len = 0;
			if (sbuf_add(&section, a, (size_t)(b - a)))
				OOM();
			if ((rc = fn(arg, section.s, NULL, NULL, line)))
				goto out;
			continue;
		}
		eq = memchr(a, '=', (size_t)(b - a));
		if (!eq)
			FAIL("%d: expected 'key = value', a [section] or a # comment", line);
		const char *ke = eq;
		while (ke > a && is_blank(ke[-1]))
			ke--;
		if (ke == a)
			FAIL("%d: a key is missing before '='", line);
		for (const char *q = a; q < ke; q++)
			if (!is_key_char(*q))
				FAIL("%d: a key may hold only letters, digits, '_', '-' and '.', "
				     "not '%.*s'", line, (int)(ke - a), a);
		const char *v = eq + 1;
		while (v < b && is_blank(*v))
			v++;
		if (sbuf_add(&key, a, (size_t)(ke - a)) || sbuf_add(&value, v, (size_t)(b - v)))
			OOM();
		key_line = line;
	}
	rc = flush_pair(fn, arg, &section, &key, &value, &key_line);
out:
#undef OOM
#undef FAIL
	free(section.s);
	free(key.s);
	free(value.s);
	return rc;
}

/* ---- the template layer ---- */

enum sect_kind { SECT_NONE, SECT_REPORT, SECT_SHEET, SECT_CHART };

struct kv {
	char *key, *value;
	int line;
};

struct parser {
	struct template *t;
	const char *path;
	char *err;
	size_t errlen;
	int status;            /* DK_DATAERR or DK_SOFTWARE once failed */
	int seen_report;
	/* the section being read */
	enum sect_kind kind;
	char *id;
	int line;
	struct kv *kvs;
	size_t nkvs;
	/* chart -> sheet references, resolved at the end */
	char **chart_sheet;
	int *chart_sheet_line;
};

static int perr(struct parser *ps, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int perr(struct parser *ps, int line, const char *fmt, ...)
{
	va_list ap;
	int n = 0;

	if (ps->errlen) {
		n = snprintf(ps->err, ps->errlen, "%s:%d: ", ps->path, line);
		if (n < 0 || (size_t)n >= ps->errlen)
			n = 0;
		va_start(ap, fmt);
		vsnprintf(ps->err + n, ps->errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	ps->status = DK_DATAERR;
	return -1;
}

static int oom(struct parser *ps)
{
	if (ps->errlen)
		snprintf(ps->err, ps->errlen, "%s: out of memory", ps->path);
	ps->status = DK_SOFTWARE;
	return -1;
}

/* Splits a comma-separated list in place; returns the number of items or -1. */
static int split_list(char *s, char **items, int max)
{
	int n = 0;
	char *p = s, *c;

	for (;;) {
		c = strchr(p, ',');
		if (c)
			*c = '\0';
		while (is_blank(*p))
			p++;
		char *e = p + strlen(p);
		while (e > p && is_blank(e[-1]))
			*--e = '\0';
		if (n == max)
			return -1;
		items[n++] = p;
		if (!c)
			break;
		p = c + 1;
	}
	return n;
}

/* Parses a list of names looked up with lookup(); "all" means every one
 * (all_mask: which of 0..count-1 "all" includes). */
static int parse_names(struct parser *ps, const struct kv *kv, const char *what,
		       int (*lookup)(const char *), int count, int *out, int *nout)
{
	char *copy = strdup(kv->value), *items[64];
	int n, i, j, v, rc = -1;

	if (!copy)
		return oom(ps);
	n = split_list(copy, items, 64);
	if (n < 0) {
		perr(ps, kv->line, "too many names in '%s'", kv->key);
		goto out;
	}
	*nout = 0;
	for (i = 0; i < n; i++) {
		if (!items[i][0]) {
			perr(ps, kv->line, "empty name in the list of '%s' (a stray comma?)", kv->key);
			goto out;
		}
		if (!strcmp(items[i], "all")) {
			if (n != 1) {
				perr(ps, kv->line, "'all' must stand alone in '%s'", kv->key);
				goto out;
			}
			for (v = 0; v < count; v++)
				out[(*nout)++] = v;
			break;
		}
		if ((v = lookup(items[i])) < 0) {
			perr(ps, kv->line, "unknown %s '%s' in '%s'", what, items[i], kv->key);
			goto out;
		}
		for (j = 0; j < *nout; j++)
			if (out[j] == v)
				break;
		if (j < *nout) {
			perr(ps, kv->line, "%s '%s' listed twice in '%s'", what, items[i], kv->key);
			goto out;
		}
		out[(*nout)++] = v;
	}
	rc = 0;
out:
	free(copy);
	return rc;
}

/* The names of enum compare_metric, kept here so that the parser needs no
 * more than the KPI catalogue (tests/unit/test_template.c checks them
 * against compare_metrics[]). */
const char *const tpl_metric_names[CMP_METRIC_COUNT] = {
	"requests_per_month", "digital_channel_rate", "service_time_median_hours",
	"satisfaction_mean", "satisfaction_csat", "completion_rate",
};

static int lookup_metric(const char *s)
{
	return find_name(tpl_metric_names, CMP_METRIC_COUNT, s);
}

static int lookup_breakdown(const char *s)
{
	int b = breakdown_find(s);

	return b <= BD_ALL ? -1 : b - 1; /* 0-based over service..method */
}

static int parse_int(struct parser *ps, const struct kv *kv, long lo, long hi, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(kv->value, &end, 10);
	if (!kv->value[0] || *end || errno || v < lo || v > hi)
		return perr(ps, kv->line, "'%s' must be a whole number from %ld to %ld, not '%s'",
			    kv->key, lo, hi, kv->value);
	*out = (int)v;
	return 0;
}

static int parse_widths(struct parser *ps, const struct kv *kv, struct tpl_sheet *sh)
{
	char *copy = strdup(kv->value), *items[TPL_MAX_WIDTHS + 1], *end;
	int n, i, rc = -1;

	if (!copy)
		return oom(ps);
	n = split_list(copy, items, TPL_MAX_WIDTHS);
	if (n < 0) {
		perr(ps, kv->line, "at most %d column widths", TPL_MAX_WIDTHS);
		goto out;
	}
	for (i = 0; i < n; i++) {
		double w;

		errno = 0;
		w = strtod(items[i], &end);
		if (!items[i][0] || *end || errno || !(w >= 0 && w <= 255)) {
			perr(ps, kv->line, "column width '%s' must be a number of characters "
			     "from 0 (fitted) to 255", items[i]);
			goto out;
		}
		sh->widths[i] = w;
	}
	sh->nwidths = n;
	rc = 0;
out:
	free(copy);
	return rc;
}

/* Counts the characters of UTF-8 text as Excel counts a sheet name's
 * (UTF-16 units: a character beyond U+FFFF takes two). */
static size_t utf16_units(const char *s)
{
	size_t n = 0;

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c & 0xc0) != 0x80)
			n += c >= 0xf0 ? 2 : 1;
	}
	return n;
}

static int check_sheet_name(struct parser *ps, int line, const char *name)
{
	if (!name[0])
		return perr(ps, line, "a sheet name cannot be empty");
	if (utf16_units(name) > 31)
		return perr(ps, line, "sheet name '%s' is longer than 31 characters "
			    "(Excel's limit)", name);
	if (strpbrk(name, "[]:*?/\\"))
		return perr(ps, line, "sheet name '%s' cannot hold any of [ ] : * ? / \\", name);
	if (name[0] == '\'' || name[strlen(name) - 1] == '\'')
		return perr(ps, line, "sheet name '%s' cannot begin or end with an apostrophe",
			    name);
	return 0;
}

/* A copy of s into *dst (replacing what was there). */
static int set_text(struct parser *ps, char **dst, const char *s)
{
	char *c = strdup(s);

	if (!c)
		return oom(ps);
	free(*dst);
	*dst = c;
	return 0;
}

/* Which keys each section accepts, by the bit of its index in keys[]. */
static const char *const keys[] = {
	"type", "name_th", "name_en", "title_th", "title_en", "kpis", "by",
	"metrics", "widths", "top", "sheet", "metric", "width", "height",
	"department_th", "department_en", "source_th", "source_en", "months", "columns",
};
#define K(i) (1u << (i))
enum {
	KEY_TYPE, KEY_NAME_TH, KEY_NAME_EN, KEY_TITLE_TH, KEY_TITLE_EN, KEY_KPIS, KEY_BY,
	KEY_METRICS, KEY_WIDTHS, KEY_TOP, KEY_SHEET, KEY_METRIC, KEY_WIDTH, KEY_HEIGHT,
	KEY_DEPT_TH, KEY_DEPT_EN, KEY_SOURCE_TH, KEY_SOURCE_EN, KEY_MONTHS, KEY_COLUMNS, KEY_COUNT
};
#define SHEET_COMMON (K(KEY_TYPE) | K(KEY_NAME_TH) | K(KEY_NAME_EN) | K(KEY_TITLE_TH) | \
		      K(KEY_TITLE_EN) | K(KEY_WIDTHS))

static const unsigned sheet_keys[TPL_SHEET_TYPE_COUNT] = {
	[TPL_SHEET_SUMMARY] = SHEET_COMMON | K(KEY_KPIS),
	[TPL_SHEET_TREND] = SHEET_COMMON | K(KEY_KPIS) | K(KEY_MONTHS),
	[TPL_SHEET_COMPARE] = SHEET_COMMON | K(KEY_METRICS) | K(KEY_COLUMNS),
	[TPL_SHEET_AUTH] = SHEET_COMMON | K(KEY_TOP),
	[TPL_SHEET_IMPROVE] = SHEET_COMMON | K(KEY_TOP),
	[TPL_SHEET_TRAINING] = SHEET_COMMON,
	[TPL_SHEET_DEFINITIONS] = SHEET_COMMON | K(KEY_KPIS),
	[TPL_SHEET_BREAKDOWN] = SHEET_COMMON | K(KEY_KPIS) | K(KEY_BY),
	[TPL_SHEET_DATA] = SHEET_COMMON | K(KEY_KPIS) | K(KEY_BY),
	[TPL_SHEET_EFFECTS] = SHEET_COMMON,
	[TPL_SHEET_ITS] = SHEET_COMMON,
};
static const unsigned chart_keys = K(KEY_TYPE) | K(KEY_SHEET) | K(KEY_TITLE_TH) |
				   K(KEY_TITLE_EN) | K(KEY_KPIS) | K(KEY_METRIC) |
				   K(KEY_WIDTH) | K(KEY_HEIGHT);
static const unsigned report_keys = K(KEY_TITLE_TH) | K(KEY_TITLE_EN) | K(KEY_DEPT_TH) |
				    K(KEY_DEPT_EN) | K(KEY_SOURCE_TH) | K(KEY_SOURCE_EN);

/* "a, b or c": the keys in mask, for a message. */
static void key_list(unsigned mask, char *buf, size_t len)
{
	size_t used = 0;
	int i, n = 0, total = 0;

	for (i = 0; i < KEY_COUNT; i++)
		total += (mask >> i) & 1;
	buf[0] = '\0';
	for (i = 0; i < KEY_COUNT; i++) {
		if (!(mask & K(i)))
			continue;
		n++;
		int w = snprintf(buf + used, len - used, "%s%s",
				 n == 1 ? "" : n == total ? " or " : ", ", keys[i]);
		if (w < 0 || (size_t)w >= len - used)
			return;
		used += (size_t)w;
	}
}

/* Finds a pair's key index; reports unknown, misplaced and repeated keys. */
static int check_keys(struct parser *ps, unsigned allowed, const char *where, int *idx)
{
	char list[400];
	unsigned seen = 0;
	size_t i;
	int k;

	for (i = 0; i < ps->nkvs; i++) {
		k = find_name(keys, KEY_COUNT, ps->kvs[i].key);
		if (k < 0 || !(allowed & K(k))) {
			key_list(allowed, list, sizeof(list));
			return perr(ps, ps->kvs[i].line, "unknown key '%s' in %s (expected %s)",
				    ps->kvs[i].key, where, list);
		}
		if (seen & K(k))
			return perr(ps, ps->kvs[i].line, "key '%s' given twice in %s",
				    ps->kvs[i].key, where);
		seen |= K(k);
		idx[i] = k;
	}
	return 0;
}

static const struct kv *find_kv(const struct parser *ps, const int *idx, int k)
{
	for (size_t i = 0; i < ps->nkvs; i++)
		if (idx[i] == k)
			return &ps->kvs[i];
	return NULL;
}

/* A text value: the key must not be empty. */
static int text_value(struct parser *ps, const struct kv *kv, char **dst)
{
	if (!kv)
		return 0;
	if (!kv->value[0])
		return perr(ps, kv->line, "'%s' is empty", kv->key);
	return set_text(ps, dst, kv->value);
}

static int finish_report(struct parser *ps, int *idx)
{
	struct template *t = ps->t;

	if (ps->seen_report++)
		return perr(ps, ps->line, "[report] given twice");
	if (check_keys(ps, report_keys, "[report]", idx) ||
	    text_value(ps, find_kv(ps, idx, KEY_TITLE_TH), &t->title[TPL_TH]) ||
	    text_value(ps, find_kv(ps, idx, KEY_TITLE_EN), &t->title[TPL_EN]) ||
	    text_value(ps, find_kv(ps, idx, KEY_DEPT_TH), &t->department[TPL_TH]) ||
	    text_value(ps, find_kv(ps, idx, KEY_DEPT_EN), &t->department[TPL_EN]) ||
	    text_value(ps, find_kv(ps, idx, KEY_SOURCE_TH), &t->source[TPL_TH]) ||
	    text_value(ps, find_kv(ps, idx, KEY_SOURCE_EN), &t->source[TPL_EN]))
		return -1;
	return 0;
}

static int finish_sheet(struct parser *ps, int *idx)
{
	struct template *t = ps->t;
	struct tpl_sheet *sh, *grown;
	const struct kv *kv;
	char where[200];
	int type, by[BD_COUNT], n, i;

	snprintf(where, sizeof(where), "[sheet %s]", ps->id);
	for (size_t j = 0; j < t->nsheets; j++)
		if (!strcmp(t->sheets[j].id, ps->id))
			return perr(ps, ps->line, "sheet '%s' defined twice (first on line %d)",
				    ps->id, t->sheets[j].line);
	/* the type first: it says which other keys are allowed */
	for (size_t j = 0; j < ps->nkvs; j++)
		idx[j] = !strcmp(ps->kvs[j].key, "type") ? KEY_TYPE : -1;
	kv = find_kv(ps, idx, KEY_TYPE);
	if (!kv)
		return perr(ps, ps->line, "%s has no 'type' (one of summary, trend, compare, "
			    "auth, improve, training, definitions, breakdown, data, effects, its)", where);
	type = tpl_sheet_type_find(kv->value);
	if (type < 0)
		return perr(ps, kv->line, "unknown sheet type '%s' (expected summary, trend, "
			    "compare, auth, improve, training, definitions, breakdown, data, effects or its)",
			    kv->value);
	if (check_keys(ps, sheet_keys[type], where, idx))
		return -1;
	grown = realloc(t->sheets, (t->nsheets + 1) * sizeof(*grown));
	if (!grown)
		return oom(ps);
	t->sheets = grown;
	sh = &t->sheets[t->nsheets++];
	memset(sh, 0, sizeof(*sh));
	sh->id = ps->id;
	ps->id = NULL;
	sh->line = ps->line;
	sh->type = type;
	sh->top = 10;
	sh->months = 12;

	if (text_value(ps, find_kv(ps, idx, KEY_NAME_TH), &sh->name[TPL_TH]) ||
	    text_value(ps, find_kv(ps, idx, KEY_NAME_EN), &sh->name[TPL_EN]) ||
	    text_value(ps, find_kv(ps, idx, KEY_TITLE_TH), &sh->title[TPL_TH]) ||
	    text_value(ps, find_kv(ps, idx, KEY_TITLE_EN), &sh->title[TPL_EN]))
		return -1;
	for (i = 0; i < TPL_NLANG; i++) {
		kv = find_kv(ps, idx, i == TPL_TH ? KEY_NAME_TH : KEY_NAME_EN);
		if (sh->name[i] && check_sheet_name(ps, kv->line, sh->name[i]))
			return -1;
	}
	if ((kv = find_kv(ps, idx, KEY_KPIS))) {
		if (parse_names(ps, kv, "KPI", kpi_find, KPI_COUNT, sh->kpis, &sh->nkpis))
			return -1;
	} else {
		for (sh->nkpis = 0; sh->nkpis < KPI_COUNT; sh->nkpis++)
			sh->kpis[sh->nkpis] = sh->nkpis;
	}
	if ((kv = find_kv(ps, idx, KEY_BY))) {
		if (parse_names(ps, kv, "breakdown", lookup_breakdown, BD_COUNT - 1, by, &n))
			return -1;
		for (sh->nby = 0; sh->nby < n; sh->nby++)
			sh->by[sh->nby] = (enum breakdown)(by[sh->nby] + 1);
	} else if (type == TPL_SHEET_BREAKDOWN) {
		return perr(ps, ps->line, "%s needs 'by' (service, unit, channel or method)", where);
	} else {
		for (sh->nby = 0; sh->nby < BD_COUNT - 1; sh->nby++)
			sh->by[sh->nby] = (enum breakdown)(sh->nby + 1);
	}
	if (type == TPL_SHEET_BREAKDOWN) {
		if (sh->nby != 1)
			return perr(ps, find_kv(ps, idx, KEY_BY)->line,
				    "a breakdown sheet takes one breakdown in 'by'; "
				    "use one sheet for each");
		if ((kv = find_kv(ps, idx, KEY_KPIS))) {
			for (i = 0; i < sh->nkpis; i++)
				if (!(kpi_defs[sh->kpis[i]].breakdowns & (1u << sh->by[0])))
					return perr(ps, kv->line, "KPI '%s' has no breakdown by %s",
						    kpi_defs[sh->kpis[i]].name,
						    breakdown_name(sh->by[0]));
		} else {
			/* "every KPI" means every KPI that has this breakdown */
			for (i = n = 0; i < sh->nkpis; i++)
				if (kpi_defs[sh->kpis[i]].breakdowns & (1u << sh->by[0]))
					sh->kpis[n++] = sh->kpis[i];
			sh->nkpis = n;
		}
	}
	if ((kv = find_kv(ps, idx, KEY_METRICS))) {
		if (parse_names(ps, kv, "metric", lookup_metric, CMP_METRIC_COUNT, sh->metrics,
				&sh->nmetrics))
			return -1;
	} else {
		for (sh->nmetrics = 0; sh->nmetrics < CMP_METRIC_COUNT; sh->nmetrics++)
			sh->metrics[sh->nmetrics] = sh->nmetrics;
	}
	if ((kv = find_kv(ps, idx, KEY_WIDTHS)) && parse_widths(ps, kv, sh))
		return -1;
	if ((kv = find_kv(ps, idx, KEY_TOP)) && parse_int(ps, kv, 1, 1000, &sh->top))
		return -1;
	if ((kv = find_kv(ps, idx, KEY_MONTHS)) && parse_int(ps, kv, 1, 120, &sh->months))
		return -1;
	if ((kv = find_kv(ps, idx, KEY_COLUMNS))) {
		if (strcmp(kv->value, "brief") && strcmp(kv->value, "full"))
			return perr(ps, kv->line, "'columns' must be brief or full, not '%s'",
				    kv->value);
		sh->brief = !strcmp(kv->value, "brief");
	}
	return 0;
}

static int finish_chart(struct parser *ps, int *idx)
{
	struct template *t = ps->t;
	struct tpl_chart *c, *grown;
	const struct kv *kv;
	char where[200], **refs;
	int *ref_lines, type;

	snprintf(where, sizeof(where), "[chart %s]", ps->id);
	for (size_t j = 0; j < t->ncharts; j++)
		if (!strcmp(t->charts[j].id, ps->id))
			return perr(ps, ps->line, "chart '%s' defined twice (first on line %d)",
				    ps->id, t->charts[j].line);
	if (check_keys(ps, chart_keys, where, idx))
		return -1;
	if (!(kv = find_kv(ps, idx, KEY_TYPE)))
		return perr(ps, ps->line, "%s has no 'type' (line, column, stacked or image)",
			    where);
	if ((type = find_name(chart_type_names, TPL_CHART_TYPE_COUNT, kv->value)) < 0)
		return perr(ps, kv->line, "unknown chart type '%s' (expected line, column, "
			    "stacked or image)", kv->value);
	if (!(kv = find_kv(ps, idx, KEY_SHEET)))
		return perr(ps, ps->line, "%s has no 'sheet' (the [sheet ID] it goes on)", where);
	if (!kv->value[0])
		return perr(ps, kv->line, "'sheet' is empty");
	grown = realloc(t->charts, (t->ncharts + 1) * sizeof(*grown));
	if (!grown)
		return oom(ps);
	t->charts = grown;
	refs = realloc(ps->chart_sheet, (t->ncharts + 1) * sizeof(*refs));
	if (!refs)
		return oom(ps);
	ps->chart_sheet = refs;
	ref_lines = realloc(ps->chart_sheet_line, (t->ncharts + 1) * sizeof(*ref_lines));
	if (!ref_lines)
		return oom(ps);
	ps->chart_sheet_line = ref_lines;
	if (!(refs[t->ncharts] = strdup(kv->value)))
		return oom(ps);
	ref_lines[t->ncharts] = kv->line;
	c = &t->charts[t->ncharts++];
	memset(c, 0, sizeof(*c));
	c->id = ps->id;
	ps->id = NULL;
	c->line = ps->line;
	c->type = type;
	c->metric = -1;
	c->width = 576;
	c->height = 320;
	if (text_value(ps, find_kv(ps, idx, KEY_TITLE_TH), &c->title[TPL_TH]) ||
	    text_value(ps, find_kv(ps, idx, KEY_TITLE_EN), &c->title[TPL_EN]))
		return -1;
	if ((kv = find_kv(ps, idx, KEY_KPIS)) &&
	    parse_names(ps, kv, "KPI", kpi_find, KPI_COUNT, c->kpis, &c->nkpis))
		return -1;
	if ((kv = find_kv(ps, idx, KEY_METRIC)) &&
	    (c->metric = lookup_metric(kv->value)) < 0)
		return perr(ps, kv->line, "unknown metric '%s' (expected one of requests_per_month, "
			    "digital_channel_rate, service_time_median_hours, satisfaction_mean, "
			    "satisfaction_csat, completion_rate)", kv->value);
	if ((kv = find_kv(ps, idx, KEY_WIDTH)) && parse_int(ps, kv, 160, 2000, &c->width))
		return -1;
	if ((kv = find_kv(ps, idx, KEY_HEIGHT)) && parse_int(ps, kv, 120, 1500, &c->height))
		return -1;
	return 0;
}

static void clear_section(struct parser *ps)
{
	for (size_t i = 0; i < ps->nkvs; i++) {
		free(ps->kvs[i].key);
		free(ps->kvs[i].value);
	}
	ps->nkvs = 0;
	free(ps->id);
	ps->id = NULL;
	ps->kind = SECT_NONE;
}

static int finish_section(struct parser *ps)
{
	int *idx, rc = 0;

	if (ps->kind == SECT_NONE)
		return 0;
	idx = calloc(ps->nkvs + 1, sizeof(*idx));
	if (!idx)
		return oom(ps);
	if (ps->kind == SECT_REPORT)
		rc = finish_report(ps, idx);
	else if (ps->kind == SECT_SHEET)
		rc = finish_sheet(ps, idx);
	else
		rc = finish_chart(ps, idx);
	free(idx);
	clear_section(ps);
	return rc;
}

static int is_id(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!is_key_char(*s))
			return 0;
	return 1;
}

/* The INI layer's callback: collect a section's pairs, check it at its end. */
static int on_pair(void *arg, const char *section, const char *key, const char *value,
		   int line)
{
	struct parser *ps = arg;
	struct kv *grown;

	if (!key) {
		const char *sp;
		size_t wlen;

		if (finish_section(ps))
			return -1;
		sp = section + strcspn(section, " \t");
		wlen = (size_t)(sp - section);
		while (is_blank(*sp))
			sp++;
		ps->line = line;
		if (wlen == 6 && !strncmp(section, "report", 6) && !*sp) {
			ps->kind = SECT_REPORT;
			return 0;
		}
		if ((wlen == 5 && !strncmp(section, "sheet", 5)) ||
		    (wlen == 5 && !strncmp(section, "chart", 5))) {
			if (!*sp)
				return perr(ps, line, "[%.*s] needs a name: [%.*s NAME]", (int)wlen,
					    section, (int)wlen, section);
			if (!is_id(sp))
				return perr(ps, line, "name '%s' may hold only letters, digits, "
					    "'_', '-' and '.'", sp);
			if (!(ps->id = strdup(sp)))
				return oom(ps);
			ps->kind = section[0] == 's' ? SECT_SHEET : SECT_CHART;
			return 0;
		}
		return perr(ps, line, "unknown section [%s] (expected [report], [sheet NAME] "
			    "or [chart NAME])", section);
	}
	if (ps->kind == SECT_NONE)
		return perr(ps, line, "'%s' comes before any [section]", key);
	grown = realloc(ps->kvs, (ps->nkvs + 1) * sizeof(*grown));
	if (!grown)
		return oom(ps);
	ps->kvs = grown;
	grown[ps->nkvs].key = strdup(key);
	grown[ps->nkvs].value = strdup(value);
	grown[ps->nkvs].line = line;
	ps->nkvs++;
	if (!grown[ps->nkvs - 1].key || !grown[ps->nkvs - 1].value)
		return oom(ps);
	return 0;
}

/* Which chart types a sheet type can hold, by bit. */
static const unsigned chart_types_on[TPL_SHEET_TYPE_COUNT] = {
	[TPL_SHEET_TREND] = 1u << TPL_CHART_LINE | 1u << TPL_CHART_IMAGE,
	[TPL_SHEET_COMPARE] = 1u << TPL_CHART_COLUMN | 1u << TPL_CHART_IMAGE,
	[TPL_SHEET_AUTH] = 1u << TPL_CHART_COLUMN | 1u << TPL_CHART_STACKED,
	[TPL_SHEET_TRAINING] = 1u << TPL_CHART_COLUMN,
};

/* Checks a chart against the sheet it goes on. */
static int check_chart(struct parser *ps, struct tpl_chart *c, const struct tpl_sheet *sh)
{
	const char *sheet_type = tpl_sheet_type_name(sh->type);
	int i;

	if ((unsigned)sh->type >= TPL_SHEET_TYPE_COUNT ||
	    !(chart_types_on[sh->type] & (1u << c->type)))
		return perr(ps, c->line, "a %s chart cannot go on a %s sheet "
			    "(trend: line, image; compare: column, image; auth: column, stacked; "
			    "training: column)", chart_type_names[c->type], sheet_type);
	if (sh->type == TPL_SHEET_TREND) {
		if (c->metric >= 0)
			return perr(ps, c->line, "[chart %s]: 'metric' is for compare sheets; "
				    "a trend chart takes 'kpis'", c->id);
		if (c->nkpis == 0)
			return perr(ps, c->line, "[chart %s] needs 'kpis'", c->id);
		if (c->type == TPL_CHART_IMAGE && c->nkpis != 1)
			return perr(ps, c->line, "[chart %s]: an image trend chart takes one KPI",
				    c->id);
		for (i = 0; i < c->nkpis; i++) {
			int k = c->kpis[i], j;

			if (kpi_defs[k].unit != kpi_defs[c->kpis[0]].unit)
				return perr(ps, c->line, "[chart %s]: KPIs '%s' and '%s' are in "
					    "different units; put them in separate charts", c->id,
					    kpi_defs[c->kpis[0]].name, kpi_defs[k].name);
			for (j = 0; j < sh->nkpis; j++)
				if (sh->kpis[j] == k)
					break;
			if (j == sh->nkpis)
				return perr(ps, c->line, "[chart %s]: KPI '%s' is not in the "
					    "'kpis' of sheet '%s'", c->id, kpi_defs[k].name, sh->id);
		}
		return 0;
	}
	if (c->nkpis)
		return perr(ps, c->line, "[chart %s]: 'kpis' is for trend charts", c->id);
	if (sh->type == TPL_SHEET_COMPARE) {
		if (c->metric < 0)
			return perr(ps, c->line, "[chart %s] needs 'metric' (one of the sheet's "
				    "metrics)", c->id);
		for (i = 0; i < sh->nmetrics; i++)
			if (sh->metrics[i] == c->metric)
				return 0;
		return perr(ps, c->line, "[chart %s]: metric '%s' is not in the 'metrics' of "
			    "sheet '%s'", c->id, tpl_metric_names[c->metric], sh->id);
	}
	if (c->metric >= 0)
		return perr(ps, c->line, "[chart %s]: 'metric' is for compare sheets", c->id);
	return 0;
}

/* After the last section: sheets' default names, unique names, charts' sheets. */
static int finish_template(struct parser *ps)
{
	struct template *t = ps->t;
	size_t i, j;
	int l;

	if (!t->nsheets)
		return perr(ps, 1, "the template has no [sheet NAME] section");
	for (i = 0; i < t->nsheets; i++) {
		struct tpl_sheet *sh = &t->sheets[i];

		for (l = 0; l < TPL_NLANG; l++) {
			char buf[120];
			const char *dn = default_names[sh->type][l], *dt = default_titles[sh->type][l];

			if (sh->type == TPL_SHEET_BREAKDOWN) {
				snprintf(buf, sizeof(buf), l == TPL_TH ? "ตาม%s" : "By %s",
					 l == TPL_TH ? breakdown_label(sh->by[0], 1)
						     : breakdown_name(sh->by[0]));
				dn = dt = buf;
			}
			if (!sh->name[l] && set_text(ps, &sh->name[l], dn))
				return -1;
			if (!sh->title[l] && set_text(ps, &sh->title[l], dt))
				return -1;
		}
		for (j = 0; j < i; j++)
			for (l = 0; l < TPL_NLANG; l++)
				if (!strcasecmp(t->sheets[j].name[l], sh->name[l]))
					return perr(ps, sh->line, "sheets '%s' and '%s' have the same "
						    "name '%s'; give one another name_%s",
						    t->sheets[j].id, sh->id, sh->name[l],
						    l == TPL_TH ? "th" : "en");
	}
	for (i = 0; i < t->ncharts; i++) {
		struct tpl_chart *c = &t->charts[i];
		struct tpl_sheet *sh = NULL;
		struct tpl_chart **grown;

		for (j = 0; j < t->nsheets; j++)
			if (!strcmp(t->sheets[j].id, ps->chart_sheet[i]))
				sh = &t->sheets[j];
		if (!sh)
			return perr(ps, ps->chart_sheet_line[i], "[chart %s]: no sheet '%s' in "
				    "this template", c->id, ps->chart_sheet[i]);
		if (check_chart(ps, c, sh))
			return -1;
		grown = realloc(sh->charts, (sh->ncharts + 1) * sizeof(*grown));
		if (!grown)
			return oom(ps);
		sh->charts = grown;
		sh->charts[sh->ncharts++] = c;
	}
	return 0;
}

int template_parse(const char *path, const char *text, size_t len,
		   struct template **out, char *err, size_t errlen)
{
	struct parser ps = { .path = path, .err = err, .errlen = errlen };
	char ini_err[300];
	int rc;

	*out = NULL;
	if (errlen)
		err[0] = '\0';
	ps.t = calloc(1, sizeof(*ps.t));
	if (!ps.t || !(ps.t->path = strdup(path))) {
		oom(&ps);
		goto out;
	}
	rc = template_ini_parse(text, len, on_pair, &ps, ini_err, sizeof(ini_err));
	if (rc == -1 && ps.status == 0) {
		if (errlen)
			snprintf(err, errlen, "%s:%s", path, ini_err);
		ps.status = DK_DATAERR;
	}
	if (ps.status == 0)
		finish_section(&ps);
	if (ps.status == 0)
		finish_template(&ps);
out:
	clear_section(&ps);
	free(ps.kvs);
	if (ps.chart_sheet)
		for (size_t i = 0; i < ps.t->ncharts; i++)
			free(ps.chart_sheet[i]);
	free(ps.chart_sheet);
	free(ps.chart_sheet_line);
	if (ps.status) {
		template_free(ps.t);
		return ps.status;
	}
	*out = ps.t;
	return DK_OK;
}

int template_load(const char *path, struct template **out, char *err, size_t errlen)
{
	enum { MAX = 1 << 20 };
	FILE *f;
	char *buf = NULL;
	size_t n;
	int rc;

	*out = NULL;
	f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "%s: cannot read the template: %s", path, strerror(errno));
		return DK_DATAERR;
	}
	buf = malloc(MAX + 1);
	if (!buf) {
		fclose(f);
		snprintf(err, errlen, "%s: out of memory", path);
		return DK_SOFTWARE;
	}
	n = fread(buf, 1, MAX + 1, f);
	if (ferror(f)) {
		snprintf(err, errlen, "%s: cannot read the template: %s", path, strerror(errno));
		rc = DK_DATAERR;
	} else if (n > MAX) {
		snprintf(err, errlen, "%s: the template is larger than 1 MiB", path);
		rc = DK_DATAERR;
	} else {
		rc = template_parse(path, buf, n, out, err, errlen);
	}
	fclose(f);
	free(buf);
	return rc;
}

static char *path_join(const char *dir, const char *a, const char *b)
{
	char *p;

	if (asprintf(&p, "%s/%s%s", dir, a, b) < 0)
		return NULL;
	return p;
}

/* Returns the file dir/name.ini when it is a readable regular file. */
static char *try_dir(const char *dir, size_t dirlen, const char *name)
{
	struct stat st;
	char *d = strndup(dir, dirlen), *p;

	if (!d)
		return NULL;
	p = path_join(d, name, ".ini");
	free(d);
	if (p && stat(p, &st) == 0 && S_ISREG(st.st_mode) && access(p, R_OK) == 0)
		return p;
	free(p);
	return NULL;
}

char *template_find(const char *name)
{
	char exe[PATH_MAX], *p = NULL, *dir;
	const char *env, *s, *e;
	size_t n = strlen(name);
	ssize_t len;

	if (strchr(name, '/') || (n > 4 && !strcmp(name + n - 4, ".ini")))
		return strdup(name);
	if (!n)
		return NULL;
	for (s = name; *s; s++)
		if (!is_key_char(*s))
			return NULL;
	if ((env = getenv("DIDKPI_TEMPLATE_PATH")) && *env) {
		for (s = env; !p; s = e + 1) {
			e = s + strcspn(s, ":");
			if (e > s)
				p = try_dir(s, (size_t)(e - s), name);
			if (!*e)
				break;
		}
		if (p)
			return p;
	}
	if ((env = getenv("XDG_CONFIG_HOME")) && *env) {
		if (asprintf(&dir, "%s/didkpi/templates", env) >= 0) {
			p = try_dir(dir, strlen(dir), name);
			free(dir);
		}
	} else if ((env = getenv("HOME")) && *env) {
		if (asprintf(&dir, "%s/.config/didkpi/templates", env) >= 0) {
			p = try_dir(dir, strlen(dir), name);
			free(dir);
		}
	}
	if (p)
		return p;
	len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (len > 0) {
		exe[len] = '\0';
		char *slash = strrchr(exe, '/');

		if (slash) {
			*slash = '\0';
			if (asprintf(&dir, "%s/reports/templates", exe) >= 0) {
				p = try_dir(dir, strlen(dir), name);
				free(dir);
			}
			if (!p && asprintf(&dir, "%s/../share/didkpi/templates", exe) >= 0) {
				p = try_dir(dir, strlen(dir), name);
				free(dir);
			}
		}
	}
	if (!p)
		p = try_dir("/usr/local/share/didkpi/templates", strlen("/usr/local/share/didkpi/templates"), name);
	if (!p)
		p = try_dir("/usr/share/didkpi/templates", strlen("/usr/share/didkpi/templates"), name);
	return p;
}

void template_free(struct template *t)
{
	size_t i;
	int l;

	if (!t)
		return;
	for (i = 0; i < t->nsheets; i++) {
		for (l = 0; l < TPL_NLANG; l++) {
			free(t->sheets[i].name[l]);
			free(t->sheets[i].title[l]);
		}
		free(t->sheets[i].id);
		free(t->sheets[i].charts);
	}
	for (i = 0; i < t->ncharts; i++) {
		for (l = 0; l < TPL_NLANG; l++)
			free(t->charts[i].title[l]);
		free(t->charts[i].id);
	}
	for (l = 0; l < TPL_NLANG; l++) {
		free(t->title[l]);
		free(t->department[l]);
		free(t->source[l]);
	}
	free(t->sheets);
	free(t->charts);
	free(t->path);
	free(t);
}
