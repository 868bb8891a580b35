/* Civil (local) dates and reporting periods (SPEC section 3). */
#ifndef DIDKPI_PERIOD_H
#define DIDKPI_PERIOD_H

#include <stddef.h>

/*
 * A civil date in the proleptic Gregorian calendar, years C.E.
 * This module knows nothing about time zones: a date is a local calendar
 * day, and the caller (SQL, with the time zone) turns it into instants.
 * The supported dates are 0001-01-01 to 9999-12-31; the arithmetic
 * functions below are defined (no undefined behaviour) outside that range,
 * but their results there are only meaningful to date_valid().
 */
struct civil_date {
	int year, month, day;
};

/* Size of a buffer for date_format_iso(): "YYYY-MM-DD" and a NUL. */
#define DATE_ISO_LEN 11

/* Recommended buffer size for period_label_human() and period_month_short()
 * (UTF-8 Thai takes three bytes a character; the longest label is ~60). */
#define PERIOD_HUMAN_LEN 96

/* 1 if d is a real date with year 1..9999 (so 2025-02-30 is not), else 0. */
int date_valid(struct civil_date d);

/* Days in month (1..12) of year (leap years per Gregorian rules: 1900 has
 * 28 days in February, 2000 has 29). Returns 0 for a month outside 1..12. */
int date_days_in_month(int year, int month);

/* Days since 1970-01-01 (negative before it). d should be valid; an
 * invalid day or month is counted on arithmetically (2025-01-32 is
 * 2025-02-01), without undefined behaviour. */
long date_to_days(struct civil_date d);

/* The date that is days after 1970-01-01; inverse of date_to_days(). */
struct civil_date date_from_days(long days);

/* d plus n days (n may be negative). */
struct civil_date date_add_days(struct civil_date d, long n);

/* d plus n calendar months (n may be negative), clamping the day to the
 * last day of the resulting month as PostgreSQL's date + interval does:
 * 2024-01-31 + 1 month = 2024-02-29, 2025-03-31 - 1 month = 2025-02-28. */
struct civil_date date_add_months(struct civil_date d, int n);

/* Compares a and b: <0 if a is earlier, 0 if equal, >0 if later. */
int date_cmp(struct civil_date a, struct civil_date b);

/* The ISO 8601 day of the week of d: 1 Monday .. 7 Sunday. */
int date_weekday(struct civil_date d);

/*
 * The ISO 8601 week of d: weeks run Monday to Sunday, and week 1 of an
 * ISO year is the week holding its first Thursday (so the one holding
 * 4 January). *week is 1..53 and *iso_year the year the week belongs
 * to, which differs from d.year near New Year: 2024-12-30 is in week 1
 * of 2025, 2021-01-03 in week 53 of 2020. Either pointer may be NULL.
 */
void date_iso_week(struct civil_date d, int *iso_year, int *week);

/* The number of ISO weeks of iso_year: 53 when it starts or (in a leap
 * year) ends on a Thursday, else 52 (2020 and 2026 have 53). */
int date_iso_weeks_in_year(int iso_year);

/* The Monday of ISO week (1..53; others roll over into neighbouring
 * years) of iso_year: week 1 of 2025 begins on 2024-12-30. */
struct civil_date date_iso_week_start(int iso_year, int week);

/* Parses exactly "YYYY-MM-DD" (ASCII digits, nothing before or after) into
 * *out. Returns 0, or -1 if s is NULL, malformed or not a valid date (then
 * *out is left unchanged). */
int date_parse_iso(const char *s, struct civil_date *out);

/* Writes d as "YYYY-MM-DD" and a NUL into buf (DATE_ISO_LEN bytes).
 * Fields outside 0..9999 / 0..99 are clamped so the text always fits. */
void date_format_iso(struct civil_date d, char buf[DATE_ISO_LEN]);

enum period_kind {
	PERIOD_MONTH,          /* a calendar month: 2025-03 */
	PERIOD_YEAR,           /* a calendar year: 2025 */
	PERIOD_FISCAL_YEAR,    /* a Thai fiscal year, 1 Oct - 30 Sep: FY2568 */
	PERIOD_FISCAL_QUARTER, /* a quarter of one: FY2568-Q1 */
	PERIOD_RANGE,          /* any other dates: 2025-03-01..2025-03-15 */
	PERIOD_DAY,            /* one local day of a day series: 2025-03-10 */
	PERIOD_WEEK            /* an ISO week, Monday to Sunday: 2025-W10 */
};

enum period_interval {
	INTERVAL_NONE,    /* the period as a whole */
	INTERVAL_MONTH,   /* calendar months */
	INTERVAL_QUARTER, /* Thai fiscal quarters (Oct-Dec, Jan-Mar, ...) */
	INTERVAL_DAY,     /* local days */
	INTERVAL_WEEK,    /* ISO weeks, Monday first */
	INTERVAL_YEAR     /* calendar years (not fiscal: see FY periods) */
};

/* The most pieces period_split() makes: 27 years of days. A longer
 * series is refused, not truncated. */
#define PERIOD_SERIES_MAX 10000

/* Size of struct period's label. */
#define PERIOD_LABEL_LEN 32

struct period {
	enum period_kind kind;
	struct civil_date start, end; /* half-open [start, end) of local dates */
	char label[PERIOD_LABEL_LEN]; /* machine label: 2025-03, 2025, FY2568,
				       * FY2568-Q1, 2025-03-01..2025-04-01,
				       * 2025-03-10 (a day), 2025-W10 (a week) */
};

/*
 * Parses the text of --period into *out. Forms:
 *   2025-03                 a calendar month
 *   2025                    a calendar year
 *   FY2568                  a Thai fiscal year in B.E. (B.E. = C.E. + 543):
 *                           2024-10-01..2025-10-01
 *   FY2568-Q1               its first quarter, Oct-Dec 2024 (Q2 Jan-Mar,
 *                           Q3 Apr-Jun, Q4 Jul-Sep)
 *   2025-W10                ISO week 10 of ISO year 2025, Monday
 *                           2025-03-03 to Sunday 2025-03-09 (W01..W52,
 *                           or W53 in a year that has one)
 *   2025-03-01..2025-04-01  explicit dates, the end EXCLUDED and after the
 *                           start; labelled as typed (PERIOD_RANGE, even
 *                           when it is exactly a month)
 *   2025-03-01..=2025-03-31 explicit dates, the end INCLUDED, not before
 *                           the start; the same period as
 *                           2025-03-01..2025-04-01, with that label
 *   this-month, last-month, this-fy, last-fy
 *                           relative to today, a valid local date
 * "FY", "Q", "W" and the relative words are accepted in any ASCII case;
 * digits must be ASCII. The period must lie within 0001-01-01..9999-12-31.
 * Refused as ambiguous (DK_USAGE, the message names the rule and both
 * readings): an end-excluded range whose end is the last day of a month
 * (2025-03-01..2025-03-31 would silently drop 31 March), and an
 * end-included range from the first of a month to a later first of a
 * month (2025-03-01..=2025-04-01 would add 1 April). A single date is not
 * a period (the message gives its ..= form).
 * Returns DK_OK and fills *out; or DK_USAGE with a one-line lower-case
 * message in err (at most errlen bytes, NUL-terminated; err may be NULL
 * when errlen is 0), e.g. "invalid period '2025-13': month must be 01-12",
 * and *out unchanged. Callers add a hint from period_forms_help().
 * A relative form with an invalid today returns DK_SOFTWARE.
 */
int period_parse(const char *text, struct civil_date today, struct period *out,
		 char *err, size_t errlen);

/* A short constant string listing the accepted --period forms, for hints
 * and --help ("2025-03, 2025, FY2568, ..."). */
const char *period_forms_help(void);

/*
 * Parses the text of --interval: "day", "week", "month", "quarter" or
 * "year" (ASCII, any case) into *out. Returns DK_OK, or DK_USAGE (*out
 * unchanged) for anything else.
 */
int period_interval_parse(const char *text, enum period_interval *out);

/* The name of iv ("day", ..., "year"; "none" for INTERVAL_NONE, "?" for
 * another value): static storage. */
const char *period_interval_name(enum period_interval iv);

/* A short constant string listing the --interval values, for usage
 * messages: "day, week, month, quarter or year". */
const char *period_intervals_help(void);

/* The local day d as a period (PERIOD_DAY, label 2025-03-10). */
struct period period_day(struct civil_date d);

/* ISO week (1..53; others roll over) of iso_year as a period (PERIOD_WEEK,
 * Monday to the next Monday exclusive, label 2025-W10). */
struct period period_iso_week(int iso_year, int week);

/* The calendar month (month 1..12; other values roll over into the
 * neighbouring years, so month 13 of 2025 is 2026-01). */
struct period period_month(int year, int month);

/* The calendar year, C.E. */
struct period period_year(int year);

/* The Thai fiscal year be_year (B.E.): 1 Oct of C.E. be_year - 544 to
 * 1 Oct of be_year - 543, exclusive. */
struct period period_fiscal_year(int be_year);

/* Quarter q (1..4; others roll over into neighbouring years) of fiscal
 * year be_year: Q1 Oct-Dec, Q2 Jan-Mar, Q3 Apr-Jun, Q4 Jul-Sep. */
struct period period_fiscal_quarter(int be_year, int q);

/* The dates [start, end), labelled and typed as a month, calendar year,
 * fiscal year or fiscal quarter when it is exactly one, else PERIOD_RANGE
 * labelled "START..END" (ISO dates, END exclusive). start should be before
 * end and both valid dates. */
struct period period_range(struct civil_date start, struct civil_date end);

/* 1 if p's dates are valid and start is before end, else 0. */
int period_valid(const struct period *p);

/*
 * Splits *p into a series in *out, *n elements, in date order. Every
 * piece lies within *p; a piece cut by p's edges is labelled by its dates.
 * INTERVAL_DAY: each local day, PERIOD_DAY labelled 2025-03-10.
 * INTERVAL_WEEK: ISO weeks, Monday to Sunday, never cut at a month or
 * year boundary; a whole week is PERIOD_WEEK labelled by its ISO year and
 * number (Mon 2024-12-30..Sun 2025-01-05 is 2025-W01), a week cut by p's
 * start or end a "START..END" range (FY2568 begins on a Tuesday, so its
 * first piece is 2024-10-01..2024-10-07).
 * INTERVAL_MONTH: calendar months clipped to p; a whole month gets its
 * month label, a clipped piece a "START..END" label. INTERVAL_QUARTER:
 * Thai fiscal quarters clipped the same way (a whole quarter is labelled
 * FY2568-Q1; a clipped piece that happens to be a whole month gets the
 * month label). INTERVAL_YEAR: calendar years clipped the same way (a
 * whole year is labelled 2025, a clipped piece that is a whole month,
 * quarter or fiscal year gets that label). INTERVAL_NONE: one element,
 * *p itself.
 * Returns DK_OK with a malloc'd array the caller frees with free(); or
 * DK_USAGE (*out NULL, *n 0) when there would be more than
 * PERIOD_SERIES_MAX pieces (see period_count()); or DK_SOFTWARE (*out
 * NULL, *n 0) if p is not period_valid(), iv is unknown or memory runs
 * out.
 */
int period_split(const struct period *p, enum period_interval iv,
		 struct period **out, size_t *n);

/* The number of pieces period_split() would make of *p (it may exceed
 * PERIOD_SERIES_MAX); 0 if p is not period_valid() or iv is unknown. */
long period_count(const struct period *p, enum period_interval iv);

/*
 * The period one step before *p: the previous day, ISO week, month,
 * calendar year, fiscal year or fiscal quarter (Q1's predecessor is Q4 of
 * the previous fiscal year); for a range, the range of equal length in days ending at p->start
 * (normalised like period_range()). Check the result with period_valid()
 * near year 1.
 */
struct period period_previous(const struct period *p);

/*
 * The same period one year earlier: the same month, quarter or (fiscal)
 * year of the previous year; for a day the same date (29 February becomes
 * 28 February); for an ISO week the week of the same number in the
 * previous ISO year (W53 becomes W52 when that year has 52 weeks); for a range, both ends moved back 12 months
 * with date_add_months() (29 Feb becomes 28 Feb), the end kept at least a
 * day after the start. Check the result with period_valid() near year 1.
 */
struct period period_year_ago(const struct period *p);

/*
 * The atoms of periods ps[0..n-1]: the disjoint intervals that the
 * periods' starts and ends cut the calendar into, keeping those inside
 * some period, in order (kind and label are not set). Period p is the
 * union of atoms first[p] .. end[p] - 1 (first and end hold n elements).
 * A fiscal year and its months have the months as atoms; disjoint periods
 * are their own atoms. Returns 0 with *atoms malloc'd (free with free())
 * and *natoms set, or -1 when memory runs out or a period is empty.
 */
int period_atoms(const struct period *ps, size_t n, struct period **atoms, size_t *natoms,
		 size_t *first, size_t *end);

/* The B.E. fiscal year containing d: 2024-10-01 -> 2568, 2025-09-30 -> 2568. */
int period_fiscal_year_of(struct civil_date d);

/*
 * Writes a label for people into buf, UTF-8, at most len bytes including
 * the NUL (cut at a character boundary if too small; nothing is written
 * when len is 0; PERIOD_HUMAN_LEN is always enough).
 * Thai (thai != 0), B.E. years:  "มีนาคม 2568", "พ.ศ. 2568",
 *   "ปีงบประมาณ 2568", "ไตรมาส 1 ปีงบประมาณ 2568",
 *   "1 มี.ค. 2568 – 31 มี.ค. 2568" (a range shows its last day, end - 1),
 *   "10 มี.ค. 2568" (a day), "สัปดาห์ที่ 10/2568 (3 มี.ค. – 9 มี.ค. 2568)"
 *   (an ISO week: its number / ISO year in B.E., then its days).
 * English: "March 2025", "2025", "FY2568 (Oct 2024 – Sep 2025)",
 *   "FY2568 Q1 (Oct – Dec 2024)", "1 Mar 2025 – 31 Mar 2025",
 *   "10 Mar 2025", "Week 10 of 2025 (3 Mar – 9 Mar 2025)".
 * The dash is U+2013 with a space either side.
 */
void period_label_human(const struct period *p, int thai, char *buf, size_t len);

/* Writes a short month label for chart axes into buf (same buffer rules as
 * period_label_human()): Thai "มี.ค. 68" (abbreviated month and the last
 * two digits of the B.E. year), English "Mar 25". month is 1..12; another
 * value writes "?". */
void period_month_short(int year, int month, int thai, char *buf, size_t len);

/* The constant name of month 1..12, Thai or English, full ("มีนาคม",
 * "March") or abbreviated ("มี.ค.", "Mar"); NULL for another month. */
const char *period_month_name(int month, int thai, int abbreviated);

/*
 * Checks a --tz value for the POSIX sign trap: "UTC+7", "GMT+7",
 * "UTC+07:00", "+07:00", "7" (any letters before an offset, any case) mean
 * seven hours WEST of Greenwich to PostgreSQL (POSIX counts hours west),
 * and "+7" means east in SET TimeZone but west in AT TIME ZONE, so none
 * of them says what a reader of "UTC+7" expects. Zone names (Asia/Bangkok,
 * UTC, Etc/GMT-7) and full POSIX rules with a daylight part or an angle
 * bracket name ("<+07>-7") pass: whoever writes those knows the sign.
 * Returns DK_OK, or DK_USAGE with a one-line message in err and a hint in
 * hint (each NUL-terminated within its length; NULL with length 0 is
 * fine), e.g. err "time zone 'UTC+7' is a posix offset: it means utc-7,
 * seven hours west of greenwich", hint "use a zone name such as
 * Asia/Bangkok, or Etc/GMT-7 for a fixed utc+7 (the Etc/GMT zones invert
 * the sign too)".
 */
int period_tz_check(const char *tz, char *err, size_t errlen, char *hint, size_t hintlen);

/* period_tz_refuse() is period_tz_check() that prints the message and the
 * hint (log.h); returns DK_OK or DK_USAGE. db_set_timezone() calls it, so
 * every --tz (load, kpi, compare, chart, report) is checked. */
int period_tz_refuse(const char *tz);

#endif
