/* Keyed pseudonyms for raw Thai national IDs (HMAC-SHA-256, hex). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

/*
 * Open the key file as ssh opens a private key: not through a symbolic
 * link, a regular file, owned by this user (or root), and neither readable
 * nor writable by group or others. Anyone who can read the key can reverse
 * every pseudonym (there are only about 10^12 national IDs to try), and
 * anyone who can write it can choose the pseudonyms.
 */
static int key_open(const char *keyfile, FILE **out)
{
	struct stat st;
	int fd;

	*out = NULL;
	fd = open(keyfile, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ELOOP)
			log_error("key file %s: is a symbolic link; give the key file itself",
				  keyfile);
		else
			log_error("cannot read key file %s: %s", keyfile, strerror(errno));
		return DK_USAGE;
	}
	if (fstat(fd, &st)) {
		log_error("cannot read key file %s: %s", keyfile, strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		log_error("key file %s: is not a regular file", keyfile);
		goto fail;
	}
	if (st.st_uid != geteuid() && st.st_uid != 0) {
		log_error("key file %s: is owned by another user (uid %ld); the key must be "
			  "yours and secret", keyfile, (long)st.st_uid);
		log_hint("chown $(id -u) %s && chmod 600 %s", keyfile, keyfile);
		goto fail;
	}
	if (st.st_mode & 077) {
		log_error("key file %s: permissions %04o are too open: group or others can %s it; "
			  "the key must be secret", keyfile, (unsigned)(st.st_mode & 07777),
			  st.st_mode & 044 ? "read" : "write");
		log_hint("chmod 600 %s", keyfile);
		goto fail;
	}
	if (!(*out = fdopen(fd, "rb"))) {
		log_error("cannot read key file %s: %s", keyfile, strerror(errno));
		goto fail;
	}
	return DK_OK;
fail:
	close(fd);
	return DK_USAGE;
}

int pseudo_new(const char *keyfile, struct pseudo **out)
{
	struct pseudo *ps;
	FILE *f;
	size_t n;
	int extra, st;

	*out = NULL;
	if ((st = key_open(keyfile, &f)))
		return st;
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
		log_hint("make one with: (umask 077; head -c 32 /dev/urandom | od -An -tx1 | "
			 "tr -d ' \\n' > %s)", keyfile);
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
