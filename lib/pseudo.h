/* Keyed pseudonyms for raw Thai national IDs (HMAC-SHA-256, hex). */
#ifndef DIDKPI_PSEUDO_H
#define DIDKPI_PSEUDO_H

#include <stddef.h>

#define PSEUDO_HEX_LEN 64

struct pseudo;

/*
 * pseudo_new() reads the key from keyfile: its bytes, less one trailing
 * newline (LF or CRLF). Refused, as ssh refuses a private key: a symbolic
 * link, anything but a regular file, a file owned by another user than
 * this one or root, a file readable or writable by group or others (mode
 * must be 0600 or stricter), and an empty, short or unreadable file.
 * Returns DK_USAGE after printing why (with a chmod hint), else DK_OK and
 * *out (free with pseudo_free(), which wipes the key).
 */
int pseudo_new(const char *keyfile, struct pseudo **out);
void pseudo_free(struct pseudo *ps);

/* pseudo_hex() writes the lower-case hex HMAC-SHA-256 of s[0..n) under the
 * key, NUL-terminated, to out (PSEUDO_HEX_LEN + 1 bytes). Returns 0, or -1
 * when the hash could not be computed. */
int pseudo_hex(const struct pseudo *ps, const char *s, size_t n, char *out);

#endif
