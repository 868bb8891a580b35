/* Validation of the text fields of an input CSV (SPEC section 2). */
#include <stdio.h>
#include <string.h>

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
