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

int date_weekday(struct civil_date d)
{
	/* 1970-01-01 was a Thursday */
	long r = (date_to_days(d) + 3) % 7;

	return (int)(r < 0 ? r + 7 : r) + 1;
}

void date_iso_week(struct civil_date d, int *iso_year, int *week)
{
	/* the week belongs to the year of its Thursday */
	struct civil_date th = date_add_days(d, 4 - date_weekday(d));
	struct civil_date jan1 = { th.year, 1, 1 };

	if (iso_year)
		*iso_year = th.year;
	if (week)
		*week = (int)((date_to_days(th) - date_to_days(jan1)) / 7) + 1;
}

int date_iso_weeks_in_year(int iso_year)
{
	int week;

	/* 28 December is always in the last week of its ISO year */
	date_iso_week((struct civil_date){ iso_year, 12, 28 }, NULL, &week);
	return week;
}

struct civil_date date_iso_week_start(int iso_year, int week)
{
	/* week 1 holds 4 January */
	struct civil_date jan4 = { iso_year, 1, 4 };

	return date_add_days(jan4, 1 - date_weekday(jan4) + 7 * ((long)week - 1));
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

struct period period_day(struct civil_date d)
{
	struct period p = period_make(PERIOD_DAY, d, date_add_days(d, 1));

	date_format_iso(d, p.label);
	return p;
}

struct period period_iso_week(int iso_year, int week)
{
	struct civil_date mon = date_iso_week_start(iso_year, week);
	struct period p = period_make(PERIOD_WEEK, mon, date_add_days(mon, 7));
	int y, w;

	/* rolled over (week 0 or 54): name it by where it landed */
	date_iso_week(mon, &y, &w);
	snprintf(p.label, sizeof(p.label), "%04d-W%02d", y < 0 ? 0 : y > 9999 ? 9999 : y, w);
	return p;
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
	return "2025-03, 2025, FY2568, FY2568-Q1, 2025-W10 (iso week), "
	       "2025-03-01..=2025-03-31 (end included), 2025-03-01..2025-04-01 "
	       "(end excluded), this-month, last-month, this-fy, last-fy";
}

static const char *const interval_names[] = {
	[INTERVAL_NONE] = "none", [INTERVAL_DAY] = "day", [INTERVAL_WEEK] = "week",
	[INTERVAL_MONTH] = "month", [INTERVAL_QUARTER] = "quarter",
	[INTERVAL_YEAR] = "year"
};

static int ascii_eq_nocase(const char *a, const char *b);

int period_interval_parse(const char *text, enum period_interval *out)
{
	size_t i;

	for (i = 0; text && i < sizeof(interval_names) / sizeof(interval_names[0]); i++)
		if (i != INTERVAL_NONE && ascii_eq_nocase(text, interval_names[i])) {
			*out = (enum period_interval)i;
			return DK_OK;
		}
	return DK_USAGE;
}

const char *period_interval_name(enum period_interval iv)
{
	if ((size_t)iv < sizeof(interval_names) / sizeof(interval_names[0]))
		return interval_names[iv];
	return "?";
}

const char *period_intervals_help(void)
{
	return "day, week, month, quarter or year";
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
	char tmp[384];
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
 * when the C.E. year is not a leap year). s[0] and s[1] are the ends'
 * texts, n[] their lengths, sep the separator typed (".." or "..=").
 * Returns -1 then, else 0. */
static int range_be(const char *const s[2], const size_t n[2], const char *sep,
		    char *why, size_t whylen)
{
	struct civil_date d[2];
	char ce[2][DATE_ISO_LEN], tmp[2][16], both[2 * DATE_ISO_LEN + 4];
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
	snprintf(both, sizeof(both), "%s%s%s", ce[0], sep, ce[1]);
	be_hint(year, both, why, whylen);
	return -1;
}

/*
 * START..END (end excluded) or START..=END (end included); dots points at
 * the "..". The two forms people confuse are refused rather than guessed:
 * a clerk who types 2025-03-01..2025-03-31 means all of March, and one who
 * types 2025-03-01..=2025-04-01 has mixed the two forms.
 */
static int parse_range(const char *text, const char *dots, struct period *p,
		       char *why, size_t whylen)
{
	int incl = dots[2] == '=';
	const char *sep = incl ? "..=" : "..";
	const char *ends[2] = { text, dots + strlen(sep) };
	size_t n[2] = { (size_t)(dots - text), strlen(dots + strlen(sep)) };
	char a_txt[DATE_ISO_LEN], b_txt[DATE_ISO_LEN], x_txt[DATE_ISO_LEN];
	struct civil_date a, b;

	if (range_be(ends, n, sep, why, whylen))
		return -1;
	if (parse_range_end(ends[0], n[0], "start", &a, why, whylen) ||
	    parse_range_end(ends[1], n[1], "end", &b, why, whylen))
		return -1;
	date_format_iso(a, a_txt);
	date_format_iso(b, b_txt);
	if (incl) {
		if (date_cmp(a, b) > 0) {
			snprintf(why, whylen, "the end is before the start");
			return -1;
		}
		if (a.day == 1 && b.day == 1 && date_cmp(a, b) < 0) {
			/* ..= to the first of a month: one stray day of it */
			char y_txt[DATE_ISO_LEN];

			date_format_iso(date_add_days(b, -1), x_txt);
			date_format_iso(date_add_days(b, 1), y_txt);
			snprintf(why, whylen, "ambiguous: '..=' includes its end %s, the first "
				 "day of a month; to end on %s write %s..=%s or %s..%s, to keep "
				 "%s %s..%s", b_txt, x_txt, a_txt, x_txt, a_txt, b_txt, b_txt,
				 a_txt, y_txt);
			return -1;
		}
		b = date_add_days(b, 1);
		if (!date_valid(b)) {
			snprintf(why, whylen, "outside the supported dates "
				 "0001-01-01..9999-12-31");
			return -1;
		}
	} else {
		if (date_cmp(a, b) >= 0) {
			if (date_cmp(a, b) == 0)
				snprintf(why, whylen, "end must be after start (the end is "
					 "exclusive); for that one day write %s..=%s", a_txt, a_txt);
			else
				snprintf(why, whylen, "end must be after start (the end is "
					 "exclusive)");
			return -1;
		}
		if (b.day == date_days_in_month(b.year, b.month)) {
			/* the last day of a month, excluded: 2025-03-01..2025-03-31 */
			char y_txt[DATE_ISO_LEN];

			date_format_iso(date_add_days(b, 1), x_txt);
			date_format_iso(date_add_days(b, -1), y_txt);
			snprintf(why, whylen, "ambiguous: '..' excludes its end %s, the last "
				 "day of a month; to include it write %s..=%s or %s..%s, to "
				 "leave it out %s..=%s", b_txt, a_txt, b_txt, a_txt, x_txt,
				 a_txt, y_txt);
			return -1;
		}
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

/* "-Www" or "-wNN" after a year: the ISO week number, or -1 when s is not
 * that shape (-2 when it is but the number is not two digits). */
static int scan_week(const char *s)
{
	int w;

	if (s[0] != '-' || (s[1] != 'W' && s[1] != 'w'))
		return -1;
	if (scan_digits(s + 2, 2, &w) || s[4] != '\0')
		return -2;
	return w;
}

/* 1 if s looks like two dates with something other than .. or ..=
 * between them: "2025-03-01 - 2025-03-31", "2025-03-01/2025-03-31". */
static int two_dates(const char *s)
{
	struct civil_date d;
	size_t n = strlen(s);
	char tmp[DATE_ISO_LEN];

	if (n < 21)
		return 0;
	memcpy(tmp, s, 10);
	tmp[10] = '\0';
	if (scan_iso_shape(tmp, &d))
		return 0;
	return scan_iso_shape(s + n - 10, &d) == 0;
}

/* 2025, 2025-03, 2025-W10; a lone date gets a pointer to the range form. */
static int parse_calendar(const char *s, struct period *p, char *why, size_t whylen)
{
	struct civil_date d;
	int year, month, week;

	if (two_dates(s)) {
		snprintf(why, whylen, "write a range as START..=END (end included) or "
			 "START..END (end excluded), e.g. 2025-03-01..=2025-03-31");
		return -1;
	}
	if (scan_digits(s, 4, &year)) {
		snprintf(why, whylen, "unrecognised form");
		return -1;
	}
	week = scan_week(s + 4);
	if (year > CE_MAX) {
		/* 2568, 2568-03, 2568-W10 or a lone date 2568-03-15: B.E. for C.E. */
		char ce[DATE_ISO_LEN + 8];

		if (s[4] == '\0')
			snprintf(ce, sizeof(ce), "%04d", year - BE_OFFSET);
		else if (s[4] == '-' && scan_digits(s + 5, 2, &month) == 0 && s[7] == '\0')
			snprintf(ce, sizeof(ce), "%04d-%02d", year - BE_OFFSET, month);
		else if (week >= 0)
			snprintf(ce, sizeof(ce), "%04d-W%02d", year - BE_OFFSET, week);
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
	if (week == -2) {
		snprintf(why, whylen, "a week is YYYY-Www with two digits, e.g. 2025-W03");
		return -1;
	}
	if (week >= 0) {
		int last = year >= 1 ? date_iso_weeks_in_year(year) : 52;

		if (week < 1 || week > last) {
			snprintf(why, whylen, "iso year %04d has weeks W01-W%02d", year, last);
			return -1;
		}
		*p = period_iso_week(year, week);
		return 0;
	}
	if (scan_iso_shape(s, &d) == 0) {
		char a[DATE_ISO_LEN];

		if (!date_valid(d)) {
			snprintf(why, whylen, "date %s does not exist", s);
			return -1;
		}
		date_format_iso(d, a);
		snprintf(why, whylen, "a single date is not a period; for that one day "
			 "use %s..=%s", a, a);
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
	char shown[64], why[320];
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

/* The first piece's start (a day, Monday or month start at or before
 * p->start) and the step: days (step_days) or months (step_months). */
static int series_grid(const struct period *p, enum period_interval iv,
		       struct civil_date *first, long *step_days, long *step_months)
{
	long mi = month_index(p->start.year, p->start.month);

	*step_days = *step_months = 0;
	switch (iv) {
	case INTERVAL_DAY:
		*first = p->start;
		*step_days = 1;
		return 0;
	case INTERVAL_WEEK:
		*first = date_add_days(p->start, 1 - date_weekday(p->start));
		*step_days = 7;
		return 0;
	case INTERVAL_MONTH:
		*step_months = 1;
		break;
	case INTERVAL_QUARTER:
		/* fiscal quarters start in Oct, Jan, Apr, Jul: calendar quarters */
		*step_months = 3;
		break;
	case INTERVAL_YEAR:
		*step_months = 12;
		break;
	default:
		return -1;
	}
	*first = month_first_day(floor_div(mi, *step_months) * *step_months);
	return 0;
}

long period_count(const struct period *p, enum period_interval iv)
{
	struct civil_date first, lastday;
	long sd, sm;

	if (!period_valid(p))
		return 0;
	if (iv == INTERVAL_NONE)
		return 1;
	if (series_grid(p, iv, &first, &sd, &sm))
		return 0;
	lastday = date_add_days(p->end, -1);
	if (sd)
		return (date_to_days(lastday) - date_to_days(first)) / sd + 1;
	return (month_index(lastday.year, lastday.month) -
		month_index(first.year, first.month)) / sm + 1;
}

/* Piece i of the series: whole pieces get their own kind and label, a
 * piece cut by p's edges the label of its dates (period_range()). */
static struct period series_piece(const struct period *p, enum period_interval iv,
				  struct civil_date first, long sd, long sm, long i)
{
	struct civil_date a, b;
	int cut;

	if (sd) {
		a = date_add_days(first, i * sd);
		b = date_add_days(a, sd);
	} else {
		long mi = month_index(first.year, first.month) + i * sm;

		a = month_first_day(mi);
		b = month_first_day(mi + sm);
	}
	cut = date_cmp(a, p->start) < 0 || date_cmp(b, p->end) > 0;
	if (date_cmp(a, p->start) < 0)
		a = p->start;
	if (date_cmp(b, p->end) > 0)
		b = p->end;
	if (iv == INTERVAL_DAY)
		return period_day(a);
	if (iv == INTERVAL_WEEK && !cut) {
		int y, w;

		date_iso_week(a, &y, &w);
		return period_iso_week(y, w);
	}
	return period_range(a, b);
}

int period_split(const struct period *p, enum period_interval iv,
		 struct period **out, size_t *n)
{
	struct period *arr;
	struct civil_date first;
	long sd, sm, count, i;

	if (out)
		*out = NULL;
	if (n)
		*n = 0;
	if (!out || !n || !period_valid(p))
		return DK_SOFTWARE;
	if (iv == INTERVAL_NONE) {
		arr = malloc(sizeof(*arr));
		if (!arr)
			return DK_SOFTWARE;
		arr[0] = *p;
		*out = arr;
		*n = 1;
		return DK_OK;
	}
	if (series_grid(p, iv, &first, &sd, &sm))
		return DK_SOFTWARE;
	count = period_count(p, iv);
	if (count > PERIOD_SERIES_MAX)
		return DK_USAGE;
	arr = calloc((size_t)count, sizeof(*arr));
	if (!arr)
		return DK_SOFTWARE;
	for (i = 0; i < count; i++)
		arr[i] = series_piece(p, iv, first, sd, sm, i);
	*out = arr;
	*n = (size_t)count;
	return DK_OK;
}

/* The ISO week holding d. */
static struct period week_of(struct civil_date d)
{
	int y, w;

	date_iso_week(d, &y, &w);
	return period_iso_week(y, w);
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
	case PERIOD_DAY:
		return period_day(date_add_days(p->start, -1));
	case PERIOD_WEEK:
		return week_of(date_add_days(p->start, -7));
	case PERIOD_RANGE:
		break;
	}
	len = date_to_days(p->end) - date_to_days(p->start);
	return period_range(date_add_days(p->start, -len), p->start);
}

struct period period_year_ago(const struct period *p)
{
	struct civil_date a, b;
	int y, w;

	switch (p->kind) {
	case PERIOD_MONTH:
		return period_month(p->start.year - 1, p->start.month);
	case PERIOD_YEAR:
		return period_year(p->start.year - 1);
	case PERIOD_FISCAL_YEAR:
		return period_fiscal_year(period_fiscal_year_of(p->start) - 1);
	case PERIOD_FISCAL_QUARTER:
		return quarter_at(month_index(p->start.year, p->start.month) - 12);
	case PERIOD_DAY:
		return period_day(date_add_months(p->start, -12));
	case PERIOD_WEEK:
		date_iso_week(p->start, &y, &w);
		if (w > date_iso_weeks_in_year(y - 1))
			w = date_iso_weeks_in_year(y - 1);
		return period_iso_week(y - 1, w);
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
	int be, q, wy, wk;

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
	case PERIOD_DAY:
		format_day(s, thai, tmp, sizeof(tmp));
		break;
	case PERIOD_WEEK:
		last = date_add_days(p->end, -1);
		date_iso_week(s, &wy, &wk);
		/* "3 มี.ค. – 9 มี.ค. 2568": the year once unless the week spans two */
		if (s.year == last.year)
			snprintf(a, sizeof(a), "%d %s", s.day, month_name_safe(s.month, thai, 1));
		else
			format_day(s, thai, a, sizeof(a));
		format_day(last, thai, b, sizeof(b));
		if (thai)
			snprintf(tmp, sizeof(tmp), "สัปดาห์ที่ %d/%d (%s – %s)", wk,
				 wy + BE_OFFSET, a, b);
		else
			snprintf(tmp, sizeof(tmp), "Week %d of %d (%s – %s)", wk, wy, a, b);
		break;
	case PERIOD_RANGE:
	default:
		format_day(s, thai, a, sizeof(a));
		last = date_add_days(p->end, -1);
		if (date_cmp(last, s) == 0) { /* one day: "31 Mar 2025" */
			copy_utf8(tmp, sizeof(tmp), a);
			break;
		}
		format_day(last, thai, b, sizeof(b));
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

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return (x > y) - (x < y);
}

/* The index of d in the sorted, distinct b[0..n-1] (d is there). */
static size_t bound_find(const long *b, size_t n, long d)
{
	size_t lo = 0, hi = n - 1;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (b[mid] < d)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int period_atoms(const struct period *ps, size_t n, struct period **atoms, size_t *natoms,
		 size_t *first, size_t *end)
{
	long *b = malloc((2 * n + 1) * sizeof(long)), *cover = calloc(2 * n + 1, sizeof(long));
	size_t *idx = malloc((2 * n + 1) * sizeof(size_t)), nb = 0, i, k, p;
	struct period *at = calloc(2 * n + 1, sizeof(struct period));

	*atoms = NULL;
	*natoms = 0;
	if (!b || !cover || !idx || !at)
		goto fail;
	for (p = 0; p < n; p++) {
		if (date_cmp(ps[p].start, ps[p].end) >= 0)
			goto fail;
		b[nb++] = date_to_days(ps[p].start);
		b[nb++] = date_to_days(ps[p].end);
	}
	qsort(b, nb, sizeof(long), cmp_long);
	for (i = k = 0; i < nb; i++)   /* distinct bounds */
		if (!k || b[k - 1] != b[i])
			b[k++] = b[i];
	nb = k;
	/* cover[k]: how many periods hold [b[k], b[k + 1]), as a running sum
	 * of +1 at each start and -1 at each end */
	for (p = 0; p < n; p++) {
		cover[bound_find(b, nb, date_to_days(ps[p].start))]++;
		cover[bound_find(b, nb, date_to_days(ps[p].end))]--;
	}
	for (k = 0; k + 1 < nb; k++) {
		if (k)
			cover[k] += cover[k - 1];
		idx[k] = *natoms;
		if (cover[k]) {
			at[*natoms].start = date_from_days(b[k]);
			at[*natoms].end = date_from_days(b[k + 1]);
			(*natoms)++;
		}
	}
	/* a period's bounds are among b, and every piece between is covered */
	for (p = 0; p < n; p++) {
		first[p] = idx[bound_find(b, nb, date_to_days(ps[p].start))];
		end[p] = idx[bound_find(b, nb, date_to_days(ps[p].end)) - 1] + 1;
	}
	free(b);
	free(cover);
	free(idx);
	*atoms = at;
	return 0;
fail:
	free(b);
	free(cover);
	free(idx);
	free(at);
	*natoms = 0;
	return -1;
}
