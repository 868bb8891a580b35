/* Keyed pseudonyms for raw Thai national IDs (HMAC-SHA-256, hex). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "log.h"
#include "pseudo.h"
#include "status.h"

#define KEY_MAX 4096

struct pseudo {
	unsigned char key[KEY_MAX];
	size_t len;
};

int pseudo_new(const char *keyfile, struct pseudo **out)
{
	struct pseudo *ps;
	FILE *f;
	size_t n;
	int extra;

	*out = NULL;
	f = fopen(keyfile, "rb");
	if (!f) {
		log_error("cannot read key file %s: %s", keyfile, strerror(errno));
		return DK_USAGE;
	}
	ps = calloc(1, sizeof(*ps));
	if (!ps) {
		fclose(f);
		log_error("out of memory");
		return DK_SOFTWARE;
	}
	n = fread(ps->key, 1, KEY_MAX, f);
	extra = fgetc(f);
	fclose(f);
	if (n > 0 && ps->key[n - 1] == '\n')
		n--;
	if (n > 0 && ps->key[n - 1] == '\r')
		n--;
	if (extra != EOF || n < 16) {
		log_error("key file %s: the key must be 16 to %d bytes", keyfile, KEY_MAX);
		log_hint("make one with: head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \\n' > %s",
			 keyfile);
		pseudo_free(ps);
		return DK_USAGE;
	}
	ps->len = n;
	*out = ps;
	return DK_OK;
}

void pseudo_free(struct pseudo *ps)
{
	if (!ps)
		return;
	OPENSSL_cleanse(ps->key, sizeof(ps->key));
	free(ps);
}

int pseudo_hex(const struct pseudo *ps, const char *s, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0, i;

	if (!HMAC(EVP_sha256(), ps->key, (int)ps->len, (const unsigned char *)s, n, md, &len) ||
	    len * 2 != PSEUDO_HEX_LEN)
		return -1;
	for (i = 0; i < len; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[2 * len] = '\0';
	return 0;
}
