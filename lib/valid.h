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

#endif
