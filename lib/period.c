/* Civil (local) dates and reporting periods (SPEC section 3). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "period.h"
#include "status.h"

/* B.E. = C.E. + 543; a fiscal year ends in the C.E. year be - 543. */
#define BE_OFFSET 543
/* Fiscal years below this are taken to be C.E. typed by mistake, and
 * calendar years above it to be B.E. typed by mistake: no C.E. year of
 * the department's data is near 2400, and B.E. 2400 was C.E. 1857. */
#define FY_MIN 2400
#define CE_MAX 2400
/* Days from 0001-01-01 to 1970-01-01. */
#define EPOCH_FROM_YEAR1 719162L
/* Keeps day counts far from LONG_MIN/LONG_MAX so sums cannot overflow. */
#define DAYS_LIMIT 1000000000000L
#define DAYS_PER_400Y 146097L
#define DAYS_PER_100Y 36524L
#define DAYS_PER_4Y 1461L

static const char *const month_th[12] = {
	"มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
	"กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม"
};

static const char *const month_th_abbr[12] = {
	"ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
	"ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค."
};

static const char *const month_en[12] = {
	"January", "February", "March", "April", "May", "June",
	"July", "August", "September", "October", "November", "December"
};

static const char *const month_en_abbr[12] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
};

/* Days in the year before the first of each month, February 28 days. */
static const int days_before_month[12] = {
	0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334
};

/* Division rounding toward minus infinity (C's / truncates). */
static long floor_div(long a, long b)
{
	long q = a / b;

	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

static int is_leap(long year)
{
	return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
}

static long clamp_days(long days)
{
	if (days > DAYS_LIMIT)
		return DAYS_LIMIT;
	if (days < -DAYS_LIMIT)
		return -DAYS_LIMIT;
	return days;
}

/* Months since January of year 0, so month arithmetic is integer arithmetic. */
static long month_index(long year, long month)
{
	return year * 12 + (month - 1);
}

static struct civil_date month_first_day(long mi)
{
	long y = floor_div(mi, 12);
	struct civil_date d = { (int)y, (int)(mi - y * 12 + 1), 1 };

	return d;
}

int date_days_in_month(int year, int month)
{
	static const int dim[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (month < 1 || month > 12)
		return 0;
	if (month == 2 && is_leap(year))
		return 29;
	return dim[month - 1];
}

int date_valid(struct civil_date d)
{
	return d.year >= 1 && d.year <= 9999 && d.month >= 1 && d.month <= 12 &&
	       d.day >= 1 && d.day <= date_days_in_month(d.year, d.month);
}

long date_to_days(struct civil_date d)
{
	long mi = month_index(d.year, d.month);
	long y = floor_div(mi, 12);
	long m = mi - y * 12 + 1;
	long py = y - 1;
	long days;

	/* whole years before y counted from 0001-01-01 */
	days = 365 * py + floor_div(py, 4) - floor_div(py, 100) + floor_div(py, 400);
	days += days_before_month[m - 1] + (m > 2 && is_leap(y));
	days += d.day - 1;
	return days - EPOCH_FROM_YEAR1;
}

struct civil_date date_from_days(long days)
{
	long n = clamp_days(days) + EPOCH_FROM_YEAR1;
	long cycles = floor_div(n, DAYS_PER_400Y);
	long r = n - cycles * DAYS_PER_400Y;
	long c100, c4, c1, year;
	struct civil_date d;
	int m;

	/* the last century of a 400-year cycle and the last year of a
	 * 4-year group are a day longer, hence the caps at 3 */
	c100 = r / DAYS_PER_100Y;
	if (c100 > 3)
		c100 = 3;
	r -= c100 * DAYS_PER_100Y;
	c4 = r / DAYS_PER_4Y;
	r -= c4 * DAYS_PER_4Y;
	c1 = r / 365;
	if (c1 > 3)
		c1 = 3;
	r -= c1 * 365;
	year = cycles * 400 + c100 * 100 + c4 * 4 + c1 + 1;

	for (m = 12; m > 1; m--) {
		long first = days_before_month[m - 1] + (m > 2 && is_leap(year));

		if (r >= first) {
			r -= first;
			break;
		}
	}
	d.year = (int)year;
	d.month = m;
	d.day = (int)r + 1;
	return d;
}

struct civil_date date_add_days(struct civil_date d, long n)
{
	return date_from_days(date_to_days(d) + clamp_days(n));
}

struct civil_date date_add_months(struct civil_date d, int n)
{
	struct civil_date r = month_first_day(month_index(d.year, d.month) + n);
	int dim = date_days_in_month(r.year, r.month);

	r.day = d.day < dim ? d.day : dim;
	return r;
}

int date_cmp(struct civil_date a, struct civil_date b)
{
	if (a.year != b.year)
		return a.year < b.year ? -1 : 1;
	if (a.month != b.month)
		return a.month < b.month ? -1 : 1;
	if (a.day != b.day)
		return a.day < b.day ? -1 : 1;
	return 0;
}

/* Reads exactly n ASCII digits (not locale digits, not signs). */
static int scan_digits(const char *s, int n, int *val)
{
	int v = 0;
	int i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*val = v;
	return 0;
}

/* Checks the shape YYYY-MM-DD and fills d without checking the calendar. */
static int scan_iso_shape(const char *s, struct civil_date *d)
{
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	if (scan_digits(s, 4, &d->year) || scan_digits(s + 5, 2, &d->month) ||
	    scan_digits(s + 8, 2, &d->day))
		return -1;
	return 0;
}

int date_parse_iso(const char *s, struct civil_date *out)
{
	struct civil_date d;

	if (!s || !out || scan_iso_shape(s, &d) || !date_valid(d))
		return -1;
	*out = d;
	return 0;
}

static void put_digits(char *p, int v, int width, int max)
{
	if (v < 0)
		v = 0;
	if (v > max)
		v = max;
	while (width-- > 0) {
		p[width] = (char)('0' + v % 10);
		v /= 10;
	}
}

void date_format_iso(struct civil_date d, char buf[DATE_ISO_LEN])
{
	put_digits(buf, d.year, 4, 9999);
	buf[4] = '-';
	put_digits(buf + 5, d.month, 2, 99);
	buf[7] = '-';
	put_digits(buf + 8, d.day, 2, 99);
	buf[10] = '\0';
}

static struct period period_make(enum period_kind kind, struct civil_date start,
				 struct civil_date end)
{
	struct period p;

	memset(&p, 0, sizeof(p));
	p.kind = kind;
	p.start = start;
	p.end = end;
	return p;
}

/* The fiscal quarter starting at month index mi (a multiple of 3). */
static struct period quarter_at(long mi)
{
	struct period p = period_make(PERIOD_FISCAL_QUARTER, month_first_day(mi),
				      month_first_day(mi + 3));
	int be = period_fiscal_year_of(p.start);
	int q = ((p.start.month + 2) % 12) / 3 + 1;

	snprintf(p.label, sizeof(p.label), "FY%d-Q%d", be, q);
	return p;
}

struct period period_month(int year, int month)
{
	long mi = month_index(year, month);
	struct period p = period_make(PERIOD_MONTH, month_first_day(mi),
				      month_first_day(mi + 1));

	snprintf(p.label, sizeof(p.label), "%04d-%02d", p.start.year, p.start.month);
	return p;
}

struct period period_year(int year)
{
	long mi = month_index(year, 1);
	struct period p = period_make(PERIOD_YEAR, month_first_day(mi),
				      month_first_day(mi + 12));

	snprintf(p.label, sizeof(p.label), "%04d", p.start.year);
	return p;
}

struct period period_fiscal_year(int be_year)
{
	/* FY B runs from October of C.E. B - 544 */
	long mi = month_index((long)be_year - BE_OFFSET - 1, 10);
	struct period p = period_make(PERIOD_FISCAL_YEAR, month_first_day(mi),
				      month_first_day(mi + 12));

	snprintf(p.label, sizeof(p.label), "FY%d", period_fiscal_year_of(p.start));
	return p;
}

struct period period_fiscal_quarter(int be_year, int q)
{
	long mi = month_index((long)be_year - BE_OFFSET - 1, 10) + ((long)q - 1) * 3;

	return quarter_at(mi);
}

static struct period range_as_typed(struct civil_date start, struct civil_date end);

struct period period_range(struct civil_date start, struct civil_date end)
{
	if (start.day == 1 && date_valid(start)) {
		if (date_cmp(end, date_add_months(start, 1)) == 0)
			return period_month(start.year, start.month);
		if (start.month % 3 == 1 && date_cmp(end, date_add_months(start, 3)) == 0)
			return quarter_at(month_index(start.year, start.month));
		if (start.month == 1 && date_cmp(end, date_add_months(start, 12)) == 0)
			return period_year(start.year);
		if (start.month == 10 && date_cmp(end, date_add_months(start, 12)) == 0)
			return period_fiscal_year(period_fiscal_year_of(start));
	}
	return range_as_typed(start, end);
}

/* A range keeps the A..B label it was typed with (SPEC section 3). */
static struct period range_as_typed(struct civil_date start, struct civil_date end)
{
	struct period p;
	char a[DATE_ISO_LEN], b[DATE_ISO_LEN];

	p = period_make(PERIOD_RANGE, start, end);
	date_format_iso(start, a);
	date_format_iso(end, b);
	snprintf(p.label, sizeof(p.label), "%s..%s", a, b);
	return p;
}

int period_valid(const struct period *p)
{
	return p && date_valid(p->start) && date_valid(p->end) &&
	       date_cmp(p->start, p->end) < 0;
}

int period_fiscal_year_of(struct civil_date d)
{
	return d.year + BE_OFFSET + (d.month >= 10);
}

const char *period_forms_help(void)
{
	return "2025-03, 2025, FY2568, FY2568-Q1, 2025-03-01..2025-04-01 "
	       "(end exclusive), this-month, last-month, this-fy, last-fy";
}

/* Copies src into buf (len bytes) cutting at a UTF-8 character boundary. */
static void copy_utf8(char *buf, size_t len, const char *src)
{
	size_t n;

	if (!buf || len == 0)
		return;
	n = strlen(src);
	if (n >= len) {
		n = len - 1;
		while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(buf, src, n);
	buf[n] = '\0';
}

/* The user's text made safe to quote on one line: control bytes become
 * '?' and long text is cut with "...". */
static void quote_text(const char *text, char *out, size_t outlen)
{
	char tmp[48];
	size_t i;

	for (i = 0; text[i] && i < sizeof(tmp) - 1; i++) {
		unsigned char c = (unsigned char)text[i];

		tmp[i] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	/* do not cut a UTF-8 character in two */
	while (i > 0 && text[i] && ((unsigned char)text[i] & 0xC0) == 0x80)
		i--;
	tmp[i] = '\0';
	copy_utf8(out, outlen, tmp);
	if (text[i])
		strncat(out, "...", outlen - strlen(out) - 1);
}

static void set_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	char tmp[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	copy_utf8(err, errlen, tmp);
}

/* ASCII case-insensitive equality, independent of the locale. */
static int ascii_eq_nocase(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char x = (*a >= 'A' && *a <= 'Z') ? (char)(*a - 'A' + 'a') : *a;
		char y = (*b >= 'A' && *b <= 'Z') ? (char)(*b - 'A' + 'a') : *b;

		if (x != y)
			return 0;
	}
	return *a == *b;
}

/* Parses one side of a range; why gets the reason on failure. */
static int parse_range_end(const char *s, size_t n, const char *which,
			   struct civil_date *d, char *why, size_t whylen)
{
	char tmp[16];

	if (n != 10) {
		snprintf(why, whylen, "%s is not a date in the form YYYY-MM-DD", which);
		return -1;
	}
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (scan_iso_shape(tmp, d)) {
		snprintf(why, whylen, "%s is not a date in the form YYYY-MM-DD", which);
		return -1;
	}
	if (!date_valid(*d)) {
		snprintf(why, whylen, "%s date %s does not exist", which, tmp);
		return -1;
	}
	return 0;
}

/* The reason and hint for a year typed in B.E.: ce_text is the period
 * typed with C.E. years. */
static void be_hint(int year, const char *ce_text, char *why, size_t whylen)
{
	if (year - BE_OFFSET <= CE_MAX)
		snprintf(why, whylen, "%d looks like a buddhist era year: periods take "
			 "c.e. years (b.e. - 543), so %s; only FY takes b.e. years, as in "
			 "FY%d", year, ce_text, year);
	else
		snprintf(why, whylen, "year %d is out of range (a year above %d is taken "
			 "for a buddhist era year typed by mistake)", year, CE_MAX);
}

/* A range with a year above CE_MAX at either end: why gets the hint with
 * both ends moved to C.E. (the day clamped: 2567-02-29 has no C.E. twin
 * when the C.E. year is not a leap year). Returns -1 then, else 0. */
static int range_be(const char *text, const char *dots, char *why, size_t whylen)
{
	struct civil_date d[2];
	const char *s[2] = { text, dots + 2 };
	char ce[2][DATE_ISO_LEN], tmp[2][16], both[2 * DATE_ISO_LEN + 2];
	size_t n[2] = { (size_t)(dots - text), strlen(dots + 2) };
	int i, be = 0, year = 0;

	for (i = 0; i < 2; i++) {
		if (n[i] != 10)
			return 0;
		memcpy(tmp[i], s[i], 10);
		tmp[i][10] = '\0';
		if (scan_iso_shape(tmp[i], &d[i]))
			return 0;
		if (d[i].year > CE_MAX && !be) {
			be = 1;
			year = d[i].year;
		}
	}
	if (!be)
		return 0;
	for (i = 0; i < 2; i++) {
		if (d[i].year > CE_MAX)
			d[i].year -= BE_OFFSET;
		if (d[i].day > date_days_in_month(d[i].year, d[i].month))
			d[i].day = date_days_in_month(d[i].year, d[i].month);
		date_format_iso(d[i], ce[i]);
	}
	snprintf(both, sizeof(both), "%s..%s", ce[0], ce[1]);
	be_hint(year, both, why, whylen);
	return -1;
}

static int parse_range(const char *text, const char *dots, struct period *p,
		       char *why, size_t whylen)
{
	struct civil_date a, b;

	if (range_be(text, dots, why, whylen))
		return -1;
	if (parse_range_end(text, (size_t)(dots - text), "start", &a, why, whylen) ||
	    parse_range_end(dots + 2, strlen(dots + 2), "end", &b, why, whylen))
		return -1;
	if (date_cmp(a, b) >= 0) {
		snprintf(why, whylen, "end must be after start (the end is exclusive)");
		return -1;
	}
	*p = range_as_typed(a, b);
	return 0;
}

/* "-Q1".."-Q4" when s is exactly one of them (any case), else "". */
static const char *fy_quarter_suffix(const char *s)
{
	static const char *const q[4] = { "-Q1", "-Q2", "-Q3", "-Q4" };

	if (s[0] == '-' && (s[1] == 'Q' || s[1] == 'q') && s[2] >= '1' && s[2] <= '4' &&
	    s[3] == '\0')
		return q[s[2] - '1'];
	return "";
}

/* FY2568 or FY2568-Q1; s points after "FY". */
static int parse_fiscal(const char *s, struct period *p, char *why, size_t whylen)
{
	size_t nd = 0;
	int be = 0, q = 0;

	while (s[nd] >= '0' && s[nd] <= '9')
		nd++;
	if (nd == 0) {
		snprintf(why, whylen, "expected a fiscal year after FY, e.g. FY2568");
		return -1;
	}
	if (nd > 5) {
		snprintf(why, whylen, "fiscal year out of range");
		return -1;
	}
	scan_digits(s, (int)nd, &be);
	if (be < FY_MIN && be + BE_OFFSET >= FY_MIN) {
		/* FY2025: a C.E. fiscal year ending in September 2025 is FY2568 */
		snprintf(why, whylen, "fiscal years are buddhist era years (b.e. = c.e. + "
			 "543): for the year ending in september %d use FY%d%s", be,
			 be + BE_OFFSET, fy_quarter_suffix(s + nd));
		return -1;
	}
	if (be < FY_MIN) {
		snprintf(why, whylen, "fiscal years are buddhist era years, e.g. FY2568 "
			 "(b.e. = c.e. + 543)");
		return -1;
	}
	s += nd;
	if (*s == '\0') {
		*p = period_fiscal_year(be);
		return 0;
	}
	if (s[0] != '-' || (s[1] != 'Q' && s[1] != 'q')) {
		snprintf(why, whylen, "unrecognised form");
		return -1;
	}
	if (scan_digits(s + 2, 1, &q) || s[3] != '\0' || q < 1 || q > 4) {
		snprintf(why, whylen, "quarter must be Q1-Q4");
		return -1;
	}
	*p = period_fiscal_quarter(be, q);
	return 0;
}

/* 2025, 2025-03; a lone date gets a pointer to the range form. */
static int parse_calendar(const char *s, struct period *p, char *why, size_t whylen)
{
	struct civil_date d;
	int year, month;

	if (scan_digits(s, 4, &year)) {
		snprintf(why, whylen, "unrecognised form");
		return -1;
	}
	if (year > CE_MAX) {
		/* 2568, 2568-03 or a lone date 2568-03-15: B.E. typed for C.E. */
		char ce[DATE_ISO_LEN + 8];

		if (s[4] == '\0')
			snprintf(ce, sizeof(ce), "%04d", year - BE_OFFSET);
		else if (s[4] == '-' && scan_digits(s + 5, 2, &month) == 0 && s[7] == '\0')
			snprintf(ce, sizeof(ce), "%04d-%02d", year - BE_OFFSET, month);
		else if (scan_iso_shape(s, &d) == 0)
			snprintf(ce, sizeof(ce), "%04d-%02d-%02d", year - BE_OFFSET, d.month, d.day);
		else
			ce[0] = '\0';
		if (ce[0]) {
			be_hint(year, ce, why, whylen);
			return -1;
		}
	}
	if (s[4] == '\0') {
		*p = period_year(year);
		return 0;
	}
	if (scan_iso_shape(s, &d) == 0) {
		char a[DATE_ISO_LEN], b[DATE_ISO_LEN];

		if (!date_valid(d)) {
			snprintf(why, whylen, "date %s does not exist", s);
			return -1;
		}
		date_format_iso(d, a);
		date_format_iso(date_add_days(d, 1), b);
		snprintf(why, whylen, "a single date is not a period; for one day use "
			 "%s..%s", a, b);
		return -1;
	}
	if (s[4] != '-' || scan_digits(s + 5, 2, &month) || s[7] != '\0') {
		snprintf(why, whylen, "unrecognised form");
		return -1;
	}
	if (month < 1 || month > 12) {
		snprintf(why, whylen, "month must be 01-12");
		return -1;
	}
	*p = period_month(year, month);
	return 0;
}

/* this-month, last-month, this-fy, last-fy; 1 if text is one of them. */
static int parse_relative(const char *text, struct civil_date today, struct period *p)
{
	if (ascii_eq_nocase(text, "this-month"))
		*p = period_month(today.year, today.month);
	else if (ascii_eq_nocase(text, "last-month"))
		*p = period_month(today.year, today.month - 1);
	else if (ascii_eq_nocase(text, "this-fy"))
		*p = period_fiscal_year(period_fiscal_year_of(today));
	else if (ascii_eq_nocase(text, "last-fy"))
		*p = period_fiscal_year(period_fiscal_year_of(today) - 1);
	else
		return 0;
	return 1;
}

int period_parse(const char *text, struct civil_date today, struct period *out,
		 char *err, size_t errlen)
{
	char shown[64], why[256];
	const char *dots;
	struct period p;
	int rc;

	if (err && errlen)
		err[0] = '\0';
	if (!text || !text[0]) {
		set_err(err, errlen, "invalid period '': empty");
		return DK_USAGE;
	}
	if (!out) {
		set_err(err, errlen, "internal error: no place for the period");
		return DK_SOFTWARE;
	}
	quote_text(text, shown, sizeof(shown));
	why[0] = '\0';

	if (parse_relative(text, today, &p)) {
		if (!date_valid(today)) {
			set_err(err, errlen, "cannot resolve period '%s': invalid current date",
				shown);
			return DK_SOFTWARE;
		}
		rc = 0;
	} else if ((dots = strstr(text, "..")) != NULL) {
		rc = parse_range(text, dots, &p, why, sizeof(why));
	} else if ((text[0] == 'F' || text[0] == 'f') && (text[1] == 'Y' || text[1] == 'y')) {
		rc = parse_fiscal(text + 2, &p, why, sizeof(why));
	} else {
		rc = parse_calendar(text, &p, why, sizeof(why));
	}
	if (rc == 0 && !period_valid(&p)) {
		snprintf(why, sizeof(why), "outside the supported dates "
			 "0001-01-01..9999-12-31");
		rc = -1;
	}
	if (rc) {
		set_err(err, errlen, "invalid period '%s': %s", shown, why);
		return DK_USAGE;
	}
	*out = p;
	return DK_OK;
}

int period_split(const struct period *p, enum period_interval iv,
		 struct period **out, size_t *n)
{
	struct period *arr;
	struct civil_date lastday;
	long step, first, last, count, i;

	if (out)
		*out = NULL;
	if (n)
		*n = 0;
	if (!out || !n || !period_valid(p))
		return DK_SOFTWARE;
	switch (iv) {
	case INTERVAL_NONE:
		arr = malloc(sizeof(*arr));
		if (!arr)
			return DK_SOFTWARE;
		arr[0] = *p;
		*out = arr;
		*n = 1;
		return DK_OK;
	case INTERVAL_MONTH:
		step = 1;
		break;
	case INTERVAL_QUARTER:
		/* fiscal quarters start in Oct, Jan, Apr, Jul: calendar quarters */
		step = 3;
		break;
	default:
		return DK_SOFTWARE;
	}
	lastday = date_add_days(p->end, -1);
	first = floor_div(month_index(p->start.year, p->start.month), step) * step;
	last = month_index(lastday.year, lastday.month);
	count = (last - first) / step + 1;
	arr = calloc((size_t)count, sizeof(*arr));
	if (!arr)
		return DK_SOFTWARE;
	for (i = 0; i < count; i++) {
		struct civil_date a = month_first_day(first + i * step);
		struct civil_date b = month_first_day(first + (i + 1) * step);

		if (date_cmp(a, p->start) < 0)
			a = p->start;
		if (date_cmp(b, p->end) > 0)
			b = p->end;
		arr[i] = period_range(a, b);
	}
	*out = arr;
	*n = (size_t)count;
	return DK_OK;
}

struct period period_previous(const struct period *p)
{
	long len;

	switch (p->kind) {
	case PERIOD_MONTH:
		return period_month(p->start.year, p->start.month - 1);
	case PERIOD_YEAR:
		return period_year(p->start.year - 1);
	case PERIOD_FISCAL_YEAR:
		return period_fiscal_year(period_fiscal_year_of(p->start) - 1);
	case PERIOD_FISCAL_QUARTER:
		return quarter_at(month_index(p->start.year, p->start.month) - 3);
	case PERIOD_RANGE:
		break;
	}
	len = date_to_days(p->end) - date_to_days(p->start);
	return period_range(date_add_days(p->start, -len), p->start);
}

struct period period_year_ago(const struct period *p)
{
	struct civil_date a, b;

	switch (p->kind) {
	case PERIOD_MONTH:
		return period_month(p->start.year - 1, p->start.month);
	case PERIOD_YEAR:
		return period_year(p->start.year - 1);
	case PERIOD_FISCAL_YEAR:
		return period_fiscal_year(period_fiscal_year_of(p->start) - 1);
	case PERIOD_FISCAL_QUARTER:
		return quarter_at(month_index(p->start.year, p->start.month) - 12);
	case PERIOD_RANGE:
		break;
	}
	a = date_add_months(p->start, -12);
	b = date_add_months(p->end, -12);
	/* 2024-02-28..2024-02-29 would collapse to an empty 2023 range */
	if (date_cmp(b, a) <= 0)
		b = date_add_days(a, 1);
	return period_range(a, b);
}

const char *period_month_name(int month, int thai, int abbreviated)
{
	if (month < 1 || month > 12)
		return NULL;
	if (thai)
		return abbreviated ? month_th_abbr[month - 1] : month_th[month - 1];
	return abbreviated ? month_en_abbr[month - 1] : month_en[month - 1];
}

/* Month name that never is NULL, for formatting possibly bad periods. */
static const char *month_name_safe(int month, int thai, int abbreviated)
{
	const char *s = period_month_name(month, thai, abbreviated);

	return s ? s : "?";
}

/* "1 มี.ค. 2568" or "1 Mar 2025". */
static void format_day(struct civil_date d, int thai, char *buf, size_t len)
{
	snprintf(buf, len, "%d %s %d", d.day, month_name_safe(d.month, thai, 1),
		 thai ? d.year + BE_OFFSET : d.year);
}

void period_label_human(const struct period *p, int thai, char *buf, size_t len)
{
	char tmp[256], a[64], b[64];
	struct civil_date s, last;
	int be, q;

	if (!buf || len == 0)
		return;
	if (!p) {
		buf[0] = '\0';
		return;
	}
	s = p->start;
	be = period_fiscal_year_of(s);
	q = ((s.month + 2) % 12) / 3 + 1;
	switch (p->kind) {
	case PERIOD_MONTH:
		snprintf(tmp, sizeof(tmp), "%s %d", month_name_safe(s.month, thai, 0),
			 thai ? s.year + BE_OFFSET : s.year);
		break;
	case PERIOD_YEAR:
		if (thai)
			snprintf(tmp, sizeof(tmp), "พ.ศ. %d", s.year + BE_OFFSET);
		else
			snprintf(tmp, sizeof(tmp), "%d", s.year);
		break;
	case PERIOD_FISCAL_YEAR:
		if (thai)
			snprintf(tmp, sizeof(tmp), "ปีงบประมาณ %d", be);
		else
			snprintf(tmp, sizeof(tmp), "FY%d (Oct %d – Sep %d)", be,
				 s.year, s.year + 1);
		break;
	case PERIOD_FISCAL_QUARTER:
		last = date_add_days(p->end, -1);
		if (thai)
			snprintf(tmp, sizeof(tmp), "ไตรมาส %d ปีงบประมาณ %d", q, be);
		else
			snprintf(tmp, sizeof(tmp), "FY%d Q%d (%s – %s %d)", be, q,
				 month_name_safe(s.month, 0, 1),
				 month_name_safe(last.month, 0, 1), last.year);
		break;
	case PERIOD_RANGE:
	default:
		format_day(s, thai, a, sizeof(a));
		format_day(date_add_days(p->end, -1), thai, b, sizeof(b));
		snprintf(tmp, sizeof(tmp), "%s – %s", a, b);
		break;
	}
	copy_utf8(buf, len, tmp);
}

void period_month_short(int year, int month, int thai, char *buf, size_t len)
{
	char tmp[64];
	long y = thai ? (long)year + BE_OFFSET : year;
	const char *name = period_month_name(month, thai, 1);

	if (!buf || len == 0)
		return;
	if (!name)
		snprintf(tmp, sizeof(tmp), "?");
	else
		snprintf(tmp, sizeof(tmp), "%s %02ld", name, (y % 100 + 100) % 100);
	copy_utf8(buf, len, tmp);
}

/* Reads 1-2 ASCII digits at *s, advancing it; -1 if there are none. */
static int tz_number(const char **s)
{
	int v = 0, n = 0;

	while (n < 3 && **s >= '0' && **s <= '9') {
		v = v * 10 + (**s - '0');
		(*s)++;
		n++;
	}
	return n >= 1 && n <= 2 ? v : -1;
}

int period_tz_check(const char *tz, char *err, size_t errlen, char *hint, size_t hintlen)
{
	char shown[64], tmp[256];
	const char *s = tz;
	int sign = 0, hours, minutes = 0, letters = 0;

	if (err && errlen)
		err[0] = '\0';
	if (hint && hintlen)
		hint[0] = '\0';
	if (!tz)
		return DK_OK;
	/* an optional name of letters (UTC, GMT, ICT, ...), then an offset */
	while ((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z'))
		s++, letters++;
	if (*s == '+' || *s == '-')
		sign = *s++ == '+' ? 1 : -1;
	if ((hours = tz_number(&s)) < 0)
		return DK_OK;
	if (*s == ':') {
		s++;
		if ((minutes = tz_number(&s)) < 0)
			return DK_OK;
		if (*s == ':') {
			s++;
			if (tz_number(&s) < 0)
				return DK_OK;
		}
	}
	if (*s != '\0')
		return DK_OK;       /* a daylight part or something else: not ours */
	quote_text(tz, shown, sizeof(shown));
	if (letters == 0)
		snprintf(tmp, sizeof(tmp), "time zone '%s' is a bare offset, which "
			 "postgresql reads as east in one place and west in another", shown);
	else
		/* the offset it really is, against what it reads as (ISO 8601) */
		snprintf(tmp, sizeof(tmp), "time zone '%s' is a posix offset, which counts "
			 "hours west of greenwich: it means utc%s%d:%02d, not utc%s%d:%02d",
			 shown, sign > 0 ? "-" : "+", hours, minutes, sign < 0 ? "-" : "+",
			 hours, minutes);
	copy_utf8(err, errlen, tmp);
	if (minutes == 0 && hours <= 12)
		snprintf(tmp, sizeof(tmp), "use a zone name such as Asia/Bangkok; for a fixed "
			 "offset of utc%s%d write Etc/GMT%s%d (the Etc/GMT zones invert the "
			 "sign as posix does)", sign < 0 ? "-" : "+", hours,
			 sign < 0 ? "+" : "-", hours);
	else
		snprintf(tmp, sizeof(tmp), "use a zone name such as Asia/Bangkok "
			 "(see pg_timezone_names)");
	copy_utf8(hint, hintlen, tmp);
	return DK_USAGE;
}

int period_tz_refuse(const char *tz)
{
	char err[256], hint[256];

	if (period_tz_check(tz, err, sizeof(err), hint, sizeof(hint)) == DK_OK)
		return DK_OK;
	log_error("%s", err);
	log_hint("%s", hint);
	return DK_USAGE;
}
