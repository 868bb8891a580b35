/* Validation of the text fields of an input CSV (SPEC section 2). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "period.h"
#include "valid.h"

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Read exactly k ASCII digits at s as a number. */
static int digits(const char *s, int k, int *out)
{
	int v = 0, i;

	for (i = 0; i < k; i++) {
		if (!is_digit(s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

const char *valid_text(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	unsigned int cp;
	int more;

	while (p < end) {
		if (*p == 0)
			return "contains a NUL byte";
		if (*p < 0x80) {
			p++;
			continue;
		}
		if (*p >= 0xC2 && *p <= 0xDF) {
			cp = *p & 0x1F;
			more = 1;
		} else if (*p >= 0xE0 && *p <= 0xEF) {
			cp = *p & 0x0F;
			more = 2;
		} else if (*p >= 0xF0 && *p <= 0xF4) {
			cp = *p & 0x07;
			more = 3;
		} else {
			return "is not valid UTF-8";
		}
		if (end - p <= more)
			return "is not valid UTF-8";
		for (int i = 1; i <= more; i++) {
			if ((p[i] & 0xC0) != 0x80)
				return "is not valid UTF-8";
			cp = (cp << 6) | (p[i] & 0x3F);
		}
		/* Overlong forms, UTF-16 surrogates and values past U+10FFFF. */
		if ((more == 2 && cp < 0x800) || (more == 3 && cp < 0x10000) ||
		    (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
			return "is not valid UTF-8";
		p += more + 1;
	}
	return NULL;
}

const char *valid_code(const char *s, size_t n)
{
	size_t i;

	if (n == 0)
		return "must be a code of lower-case ASCII letters, digits, '_' or '-'";
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || is_digit(c) || c == '_' || c == '-'))
			return "must be a code of lower-case ASCII letters, digits, '_' or '-'";
	}
	return NULL;
}

const char *valid_bool(const char *s, size_t n, int *out)
{
	static const char *const yes[] = { "true", "t", "yes", "1" };
	static const char *const no[] = { "false", "f", "no", "0" };
	size_t i;

	for (i = 0; i < 4; i++) {
		if (strlen(yes[i]) == n && !strncasecmp(s, yes[i], n)) {
			*out = 1;
			return NULL;
		}
		if (strlen(no[i]) == n && !strncasecmp(s, no[i], n)) {
			*out = 0;
			return NULL;
		}
	}
	return "must be a boolean (true/false, t/f, yes/no, 1/0)";
}

const char *valid_int(const char *s, size_t n, long min, long max, long *out)
{
	size_t i = 0;
	int neg = 0;
	long v = 0;

	if (n > 0 && (s[0] == '-' || s[0] == '+')) {
		neg = s[0] == '-';
		i = 1;
	}
	if (i == n)
		return "must be an integer";
	for (; i < n; i++) {
		if (!is_digit(s[i]))
			return "must be an integer";
		/* Stop before overflow: anything this long is out of range. */
		if (v > 100000000000L)
			return "is out of range";
		v = v * 10 + (s[i] - '0');
	}
	if (neg)
		v = -v;
	if (v < min || v > max)
		return "is out of range";
	*out = v;
	return NULL;
}

const char *valid_decimal(const char *s, size_t n)
{
	size_t i = 0, d = 0;

	if (n > 0 && (s[0] == '-' || s[0] == '+'))
		i = 1;
	for (; i < n && is_digit(s[i]); i++)
		d++;
	if (d == 0)
		return "must be a decimal number";
	if (i < n && s[i] == '.') {
		for (i++, d = 0; i < n && is_digit(s[i]); i++)
			d++;
		if (d == 0)
			return "must be a decimal number";
	}
	return i == n && n < 32 ? NULL : "must be a decimal number";
}

static const char not_real_date[] = "is not a real date";

/* Parse YYYY-MM-DD at s (10 bytes available), checking it exists. */
static const char *parse_date(const char *s, struct civil_date *d)
{
	if (digits(s, 4, &d->year) || s[4] != '-' || digits(s + 5, 2, &d->month) ||
	    s[7] != '-' || digits(s + 8, 2, &d->day))
		return "must be a date YYYY-MM-DD";
	if (!date_valid(*d))
		return not_real_date;
	return NULL;
}

const char *valid_date(const char *s, size_t n, char *out)
{
	struct civil_date d;
	const char *why;

	if (n != 10)
		return "must be a date YYYY-MM-DD";
	if ((why = parse_date(s, &d)) != NULL)
		return why;
	memcpy(out, s, 10);
	out[10] = '\0';
	return NULL;
}

const char *valid_timestamp(const char *s, size_t n, char *out)
{
	static const char form[] =
		"must be a timestamp YYYY-MM-DD[T ]HH:MM[:SS[.ffffff]][Z|+HH:MM]";
	struct civil_date d;
	const char *why;
	int hh, mi, ss = 0, oh, om, frac = 0;
	size_t i;
	char fbuf[8] = "", obuf[32] = "";

	if (n < 16)
		return form;
	if ((why = parse_date(s, &d)) != NULL)
		return why == not_real_date ? why : form;
	if ((s[10] != 'T' && s[10] != ' ') || digits(s + 11, 2, &hh) || s[13] != ':' ||
	    digits(s + 14, 2, &mi))
		return form;
	i = 16;
	if (i < n && s[i] == ':') {
		if (i + 3 > n || digits(s + i + 1, 2, &ss))
			return form;
		i += 3;
		if (i < n && s[i] == '.') {
			size_t k = 0;

			for (i++; i < n && is_digit(s[i]); i++, k++)
				if (k < 6)
					fbuf[k] = s[i];
			if (k == 0 || k > 6)
				return "fraction of a second must have 1 to 6 digits";
			fbuf[k] = '\0';
			frac = 1;
		}
	}
	if (hh > 23 || mi > 59 || ss > 59)
		return "is not a real time of day";
	if (i < n) {
		if (s[i] == 'Z' && i + 1 == n) {
			strcpy(obuf, "+00:00");
		} else if (s[i] == '+' || s[i] == '-') {
			if (n - i == 6 && s[i + 3] == ':' && !digits(s + i + 1, 2, &oh) &&
			    !digits(s + i + 4, 2, &om))
				;
			else if (n - i == 5 && !digits(s + i + 1, 2, &oh) && !digits(s + i + 3, 2, &om))
				;
			else
				return "has a bad time zone offset (use Z, +HH:MM or +HHMM)";
			if (om > 59 || oh * 60 + om > 14 * 60)
				return "has a time zone offset beyond 14:00";
			snprintf(obuf, sizeof(obuf), "%c%02d:%02d", s[i], oh, om);
		} else {
			return form;
		}
	}
	snprintf(out, VALID_OUT_MAX, "%04d-%02d-%02d %02d:%02d:%02d%s%s%s", d.year, d.month,
		 d.day, hh, mi, ss, frac ? "." : "", fbuf, obuf);
	return NULL;
}

int valid_national_id(const char *s, size_t n)
{
	int sum = 0, i;

	if (n != 13)
		return 0;
	for (i = 0; i < 13; i++)
		if (!is_digit(s[i]))
			return 0;
	for (i = 0; i < 12; i++)
		sum += (s[i] - '0') * (13 - i);
	return (11 - sum % 11) % 10 == s[12] - '0';
}

/*
 * Decode one character at p (p < end). Returns its length in bytes; an
 * invalid or truncated sequence counts as one byte with cp = 0xFFFD, so
 * scanning any bytes is safe.
 */
static size_t utf8_next(const unsigned char *p, const unsigned char *end, unsigned int *cp)
{
	size_t more, i;
	unsigned int c;

	if (*p < 0x80) {
		*cp = *p;
		return 1;
	}
	if (*p >= 0xC2 && *p <= 0xDF) {
		c = *p & 0x1F;
		more = 1;
	} else if (*p >= 0xE0 && *p <= 0xEF) {
		c = *p & 0x0F;
		more = 2;
	} else if (*p >= 0xF0 && *p <= 0xF4) {
		c = *p & 0x07;
		more = 3;
	} else {
		*cp = 0xFFFD;
		return 1;
	}
	if ((size_t)(end - p) <= more) {
		*cp = 0xFFFD;
		return 1;
	}
	for (i = 1; i <= more; i++) {
		if ((p[i] & 0xC0) != 0x80) {
			*cp = 0xFFFD;
			return 1;
		}
		c = (c << 6) | (p[i] & 0x3F);
	}
	*cp = c;
	return more + 1;
}

/* The value of a Unicode decimal digit (Nd), or -1. */
static int digit_value(unsigned int cp)
{
	/* The zero of each block of ten decimal digits people may type. */
	static const unsigned int zeros[] = {
		0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66,
		0xCE6, 0xD66, 0xDE6, 0xE50, 0xED0, 0xF20, 0x1040, 0x1090, 0x17E0, 0x1810,
		0x1946, 0x19D0, 0x1A80, 0x1A90, 0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620,
		0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10, 0x104A0, 0x11066
	};
	size_t i;

	if (cp < 0x80)
		return cp >= '0' && cp <= '9' ? (int)(cp - '0') : -1;
	if (cp >= 0xE00 && cp <= 0xE7F)      /* Thai text: the common case */
		return cp >= 0xE50 && cp <= 0xE59 ? (int)(cp - 0xE50) : -1;
	if (cp < 0x660)
		return -1;
	if (cp >= 0x1D7CE && cp <= 0x1D7FF)  /* mathematical bold, double-struck... */
		return (int)((cp - 0x1D7CE) % 10);
	for (i = 0; i < sizeof(zeros) / sizeof(zeros[0]); i++)
		if (cp >= zeros[i] && cp < zeros[i] + 10)
			return (int)(cp - zeros[i]);
	return -1;
}

/* Characters people put between the digits of an ID, or that are invisible:
 * blanks, dashes, dots, slashes, zero-width and bidirectional format marks. */
static int is_id_separator(unsigned int cp)
{
	switch (cp) {
	case ' ': case '\t': case '\n': case '\r': case '\v': case '\f':
	case '-': case '.': case '/':
	case 0xA0: case 0xAD: case 0x180E: case 0x2028: case 0x2029: case 0x202F:
	case 0x205F: case 0x2212: case 0x2E3A: case 0x2E3B: case 0x3000: case 0xFEFF:
	case 0xFE58: case 0xFE63: case 0xFF0D: case 0xFF0E: case 0xFF0F:
		return 1;
	}
	return (cp >= 0x2000 && cp <= 0x2015) ||  /* spaces, ZWSP, ZWNJ, ZWJ, marks, dashes */
	       (cp >= 0x202A && cp <= 0x202E) ||  /* bidirectional embeddings */
	       (cp >= 0x2060 && cp <= 0x206F) ||  /* word joiner, invisible operators */
	       (cp >= 0xFE00 && cp <= 0xFE0F);    /* variation selectors */
}

#define GROUPS_KEPT 16   /* a 13-digit window spans at most 13 groups */

/* The state of a scan for IDs: the current run of digits and separators. */
struct id_scan {
	int in_run, in_group;
	long total;                        /* digits in the run so far */
	char last[13];                     /* its last 13 digits, ASCII */
	long gtotal[GROUPS_KEPT];          /* digits before each kept group */
	size_t gbyte[GROUPS_KEPT];         /* where each kept group starts */
	int ng;
	size_t digit_end;                  /* byte after the run's last digit */
};

/* A digit group ended: try every window of whole groups ending here. */
static int group_end(struct id_scan *sc, unsigned char *mark)
{
	int k;

	for (k = sc->ng - 1; k >= 0; k--) {
		long len = sc->total - sc->gtotal[k];

		if (len < 13)
			continue;
		if (len == 13 && valid_national_id(sc->last, 13)) {
			if (mark)
				memset(mark + sc->gbyte[k], 1, sc->digit_end - sc->gbyte[k]);
			return 1;
		}
		break;
	}
	return 0;
}

/* Scan s for IDs; with mark (n bytes, zeroed), mark their bytes and find
 * them all, else stop at the first. Returns the number found. */
static int scan_ids(const char *s, size_t n, unsigned char *mark)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	struct id_scan sc;
	unsigned int cp;
	size_t len, at;
	int d, found = 0;

	if (n < 13)
		return 0;
	memset(&sc, 0, sizeof(sc));
	for (at = 0; at <= n; at += len) {
		if (at < n) {
			len = utf8_next(p + at, end, &cp);
			d = digit_value(cp);
		} else {
			len = 1;
			cp = 0xFFFD;
			d = -1;
		}
		if (d >= 0) {
			if (!sc.in_run) {
				sc.in_run = 1;
				sc.total = 0;
				sc.ng = 0;
			}
			if (!sc.in_group) {
				if (sc.ng == GROUPS_KEPT) {
					memmove(sc.gtotal, sc.gtotal + 1, sizeof(sc.gtotal[0]) * (GROUPS_KEPT - 1));
					memmove(sc.gbyte, sc.gbyte + 1, sizeof(sc.gbyte[0]) * (GROUPS_KEPT - 1));
					sc.ng--;
				}
				sc.gtotal[sc.ng] = sc.total;
				sc.gbyte[sc.ng] = at;
				sc.ng++;
				sc.in_group = 1;
			}
			memmove(sc.last, sc.last + 1, 12);
			sc.last[12] = (char)('0' + d);
			sc.total++;
			sc.digit_end = at + len;
			continue;
		}
		if (sc.in_group) {
			sc.in_group = 0;
			if (group_end(&sc, mark)) {
				found++;
				if (!mark)
					return found;
			}
		}
		if (!is_id_separator(cp))
			sc.in_run = 0;
	}
	return found;
}

int valid_has_id(const char *s, size_t n)
{
	return scan_ids(s, n, NULL) > 0;
}

char *valid_redact_ids(const char *s, size_t n)
{
	static const char mask[] = VALID_ID_MASK;
	unsigned char *marks = NULL;
	char *out;
	size_t i, o = 0, found;

	if (n >= 13) {
		if (!(marks = calloc(n, 1)))
			return NULL;
		found = scan_ids(s, n, marks);
		if (!found) {
			free(marks);
			marks = NULL;
		}
	}
	/* Each masked run is at least 13 bytes, longer than the mask. */
	if (!(out = malloc(n + 1))) {
		free(marks);
		return NULL;
	}
	for (i = 0; i < n; i++) {
		if (marks && marks[i]) {
			if (i == 0 || !marks[i - 1]) {
				memcpy(out + o, mask, sizeof(mask) - 1);
				o += sizeof(mask) - 1;
			}
			continue;
		}
		out[o++] = s[i];
	}
	out[o] = '\0';
	free(marks);
	return out;
}

/* Skip a label people put before an ID ("ID:", "เลขประจำตัวประชาชน"). */
static size_t skip_id_label(const char *s, size_t n)
{
	static const char *const labels[] = {
		"เลขประจำตัวประชาชน", "เลขบัตรประชาชน", "nid", "pid", "cid", "id"
	};
	size_t i, k;

	for (i = 0; i < sizeof(labels) / sizeof(labels[0]); i++) {
		k = strlen(labels[i]);
		if (n >= k && !strncasecmp(s, labels[i], k))
			return k;
	}
	return 0;
}

int valid_id_normalize(const char *s, size_t n, char *out)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	unsigned int cp;
	size_t at = 0, len, label;
	int d, k = 0, colon = 0;

	if (n < 13)
		return 0;
	/* Blanks and invisible characters, then an optional label. */
	while (at < n && (len = utf8_next(p + at, end, &cp)) && is_id_separator(cp))
		at += len;
	label = skip_id_label(s + at, n - at);
	at += label;
	for (; at < n; at += len) {
		len = utf8_next(p + at, end, &cp);
		if ((d = digit_value(cp)) >= 0) {
			if (k == 13)
				return 0;
			out[k++] = (char)('0' + d);
		} else if (is_id_separator(cp)) {
			continue;
		} else if (label && !colon && k == 0 &&
			   (cp == ':' || cp == '#' || cp == '=' || cp == 0xFF1A)) {
			colon = 1;  /* "ID: ", "id#", "ID：" */
		} else {
			return 0;
		}
	}
	out[k] = '\0';
	return k == 13 && valid_national_id(out, 13);
}

size_t valid_chars(const char *s, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			k++;
	return k;
}

const char *valid_no_controls(const char *s, size_t n, int multiline)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i;

	for (i = 0; i < n; i++) {
		if (p[i] < 0x20) {
			if (multiline && (p[i] == '\t' || p[i] == '\n' || p[i] == '\r'))
				continue;
			return multiline ? "contains a control character (only tab and line breaks "
					   "are allowed)" :
					   "contains a control character (tab, line break, escape...)";
		}
		/* DEL, and C1 controls U+0080..U+009F (C2 80..C2 9F). */
		if (p[i] == 0x7F || (p[i] == 0xC2 && i + 1 < n && p[i + 1] >= 0x80 && p[i + 1] <= 0x9F))
			return "contains a control character (DEL or U+0080..U+009F)";
	}
	return NULL;
}

int valid_future(const char *ts, long long now)
{
	struct civil_date d;
	int hh, mi, ss, oh = 14, om = 0, sign = 1;
	long long t;
	size_t n = strlen(ts), i;

	if (n < 19 || digits(ts, 4, &d.year) || digits(ts + 5, 2, &d.month) ||
	    digits(ts + 8, 2, &d.day) || digits(ts + 11, 2, &hh) || digits(ts + 14, 2, &mi) ||
	    digits(ts + 17, 2, &ss))
		return 0;
	/* The offset, if any, follows the seconds and their fraction. */
	for (i = 19; i < n && (ts[i] == '.' || is_digit(ts[i])); i++)
		;
	if (i + 6 == n && (ts[i] == '+' || ts[i] == '-')) {
		sign = ts[i] == '-' ? -1 : 1;
		if (digits(ts + i + 1, 2, &oh) || digits(ts + i + 4, 2, &om))
			return 0;
	}
	t = (long long)date_to_days(d) * 86400 + hh * 3600 + mi * 60 + ss -
	    sign * (oh * 3600 + om * 60);
	return t > now + 86400;
}

void valid_be_hint(int year, char *buf, size_t len)
{
	if (year > VALID_YEAR_MAX && year < 2700)
		snprintf(buf, len, "%d looks like a Buddhist-era year: %d - 543 = %d", year, year,
			 year - 543);
	else if (len)
		buf[0] = '\0';
}
