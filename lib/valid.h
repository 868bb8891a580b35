/* Validation of the text fields of an input CSV (SPEC section 2). */
#ifndef DIDKPI_VALID_H
#define DIDKPI_VALID_H

#include <stddef.h>

/*
 * Each validator takes a field's bytes (s, n; not NUL-terminated) and
 * returns NULL when the field is valid, else a constant lower-case phrase
 * saying which rule it breaks ("must be a date YYYY-MM-DD"). Where a
 * normalised form is needed for PostgreSQL, it is written to out (at least
 * VALID_OUT_MAX bytes, NUL-terminated).
 */
#define VALID_OUT_MAX 40

/* Well-formed UTF-8 with no NUL byte, no overlong forms, no surrogates. */
const char *valid_text(const char *s, size_t n);

/* A code: lower-case ASCII [a-z0-9_-]+. */
const char *valid_code(const char *s, size_t n);

/* true/false/t/f/yes/no/1/0 in any case; *out gets 1 or 0. */
const char *valid_bool(const char *s, size_t n, int *out);

/* A decimal integer (optional sign, ASCII digits) within [min, max]. */
const char *valid_int(const char *s, size_t n, long min, long max, long *out);

/* A decimal number: optional sign, digits, optional fraction. */
const char *valid_decimal(const char *s, size_t n);

/* A date YYYY-MM-DD that exists (no 30 February). out gets it as is. */
const char *valid_date(const char *s, size_t n, char *out);

/*
 * An ISO 8601 timestamp YYYY-MM-DD[T| ]HH:MM[:SS[.ffffff]] with an
 * optional Z, +HH:MM or +HHMM (offset at most 14:00). out gets
 * "YYYY-MM-DD HH:MM:SS[.ffffff][+HH:MM]"; without an offset in the input,
 * none is written and the server reads it in the load's time zone.
 */
const char *valid_timestamp(const char *s, size_t n, char *out);

/*
 * valid_national_id() returns 1 when s is 13 ASCII digits whose last digit
 * is the Thai national-ID check digit of the first twelve:
 * (11 - (sum of digit[i] * (13 - i), i = 0..11) mod 11) mod 10.
 */
int valid_national_id(const char *s, size_t n);

/* Length of the bare digits of a national ID and its NUL. */
#define VALID_ID_BUF 14

/*
 * valid_id_normalize() recognises a Thai national ID in the forms people
 * write it: "1-1037-02071-83-8" as on the card, with spaces, dots or
 * slashes, leading or trailing blanks, zero-width and other format
 * characters, Thai (U+0E50..) or full-width (U+FF10..) or other Unicode
 * decimal digits, and a leading label ("ID", "id:", "NID", "PID", "CID",
 * "เลขประจำตัวประชาชน", "เลขบัตรประชาชน"). When s as a whole is such a
 * form of 13 digits with a valid check digit, it writes the 13 ASCII
 * digits and a NUL to out (VALID_ID_BUF bytes) and returns 1; else 0.
 * The same person thus always normalises to the same digits.
 */
int valid_id_normalize(const char *s, size_t n, char *out);

/*
 * valid_has_id() returns 1 when a national ID in any of those forms (the
 * label aside) appears anywhere in s: a run of digits and separators in
 * which some consecutive digit groups hold exactly 13 digits with a valid
 * check digit. Any bytes are accepted (invalid UTF-8 is skipped over).
 */
int valid_has_id(const char *s, size_t n);

/* What valid_redact_ids() puts in place of an ID. */
#define VALID_ID_MASK "[national ID]"

/*
 * valid_redact_ids() returns a NUL-terminated copy of s[0..n) in which
 * every national ID valid_has_id() finds is replaced by VALID_ID_MASK.
 * The caller frees it; NULL when out of memory.
 */
char *valid_redact_ids(const char *s, size_t n);

/* Number of characters (code points) of valid UTF-8 s[0..n). */
size_t valid_chars(const char *s, size_t n);

/*
 * valid_no_controls() returns NULL when s has no control character
 * (U+0000..U+001F, U+007F..U+009F), else a phrase; with multiline, tab,
 * line feed and carriage return are allowed.
 */
const char *valid_no_controls(const char *s, size_t n, int multiline);

/* Latest year a loaded date may have (larger years are B.E. mistakes). */
#define VALID_YEAR_MAX 2400

/*
 * valid_future() returns 1 when ts, a timestamp as valid_timestamp()
 * writes it, is more than one day after now (seconds since the epoch),
 * else 0. A timestamp without an offset is taken in the earliest time zone
 * (UTC+14:00), so it counts as future only when it is more than a day
 * ahead wherever the load's time zone is.
 */
int valid_future(const char *ts, long long now);

/*
 * valid_be_hint() writes to buf (len bytes) a hint for a year that looks
 * like a Buddhist-era year (2401..2699): "2568 looks like a Buddhist-era
 * year: 2568 - 543 = 2025"; for other years, an empty string.
 */
void valid_be_hint(int year, char *buf, size_t len);

#endif
