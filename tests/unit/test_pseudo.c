/* Unit tests of lib/pseudo.c: HMAC-SHA-256 pseudonyms from a key file. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pseudo.h"
#include "status.h"

static char *write_key(const char *bytes, size_t n)
{
	static char path[64];
	int fd;

	strcpy(path, "/tmp/didkpi-key.XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, bytes, n), (ssize_t)n);
	close(fd);
	return path;
}

/* RFC 4231 test case 1: key 0x0b x 20, data "Hi There". */
static void test_rfc4231(void **state)
{
	char key[20], out[PSEUDO_HEX_LEN + 1];
	struct pseudo *ps;
	char *path;

	(void)state;
	memset(key, 0x0b, sizeof(key));
	path = write_key(key, sizeof(key));
	assert_int_equal(pseudo_new(path, &ps), DK_OK);
	assert_int_equal(pseudo_hex(ps, "Hi There", 8, out), 0);
	assert_string_equal(out, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
	pseudo_free(ps);
	unlink(path);
}

/* A trailing newline in the key file is not part of the key. */
static void test_trailing_newline(void **state)
{
	char a[PSEUDO_HEX_LEN + 1], b[PSEUDO_HEX_LEN + 1];
	struct pseudo *p1, *p2;
	char *path;

	(void)state;
	path = write_key("0123456789abcdef\n", 17);
	assert_int_equal(pseudo_new(path, &p1), DK_OK);
	unlink(path);
	path = write_key("0123456789abcdef", 16);
	assert_int_equal(pseudo_new(path, &p2), DK_OK);
	unlink(path);
	assert_int_equal(pseudo_hex(p1, "1234567890121", 13, a), 0);
	assert_int_equal(pseudo_hex(p2, "1234567890121", 13, b), 0);
	assert_string_equal(a, b);
	assert_int_equal(strlen(a), 64);
	pseudo_free(p1);
	pseudo_free(p2);
}

static void test_bad_keys(void **state)
{
	struct pseudo *ps = (struct pseudo *)1;
	char *path;

	(void)state;
	path = write_key("short\n", 6);
	assert_int_equal(pseudo_new(path, &ps), DK_USAGE);
	assert_null(ps);
	unlink(path);
	path = write_key("", 0);
	assert_int_equal(pseudo_new(path, &ps), DK_USAGE);
	unlink(path);
	assert_int_equal(pseudo_new("/nonexistent/key", &ps), DK_USAGE);
	pseudo_free(NULL);
}

/* A key others can read or write, or that is not the user's own regular
 * file, is refused as ssh refuses such a private key. */
static void test_key_secrecy(void **state)
{
	static const mode_t open_modes[] = { 0644, 0640, 0604, 0620, 0602, 0666, 0660 };
	struct pseudo *ps = NULL;
	char dir[] = "/tmp/didkpi-keydir.XXXXXX", link[128], fifo[128];
	char *path;
	size_t i;

	(void)state;
	path = write_key("0123456789abcdef0123456789abcdef\n", 33);
	for (i = 0; i < sizeof(open_modes) / sizeof(open_modes[0]); i++) {
		assert_int_equal(chmod(path, open_modes[i]), 0);
		assert_int_equal(pseudo_new(path, &ps), DK_USAGE);
		assert_null(ps);
	}
	assert_int_equal(chmod(path, 0400), 0);
	assert_int_equal(pseudo_new(path, &ps), DK_OK);
	pseudo_free(ps);
	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(pseudo_new(path, &ps), DK_OK);
	pseudo_free(ps);

	/* A symbolic link to a good key, a directory, a FIFO: refused. */
	assert_non_null(mkdtemp(dir));
	snprintf(link, sizeof(link), "%s/link", dir);
	assert_int_equal(symlink(path, link), 0);
	assert_int_equal(pseudo_new(link, &ps), DK_USAGE);
	assert_null(ps);
	assert_int_equal(chmod(dir, 0700), 0);
	assert_int_equal(pseudo_new(dir, &ps), DK_USAGE);
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_int_equal(pseudo_new(fifo, &ps), DK_USAGE);  /* and does not block */

	/* Owned by another user (as root, give it to uid 1): refused. */
	if (geteuid() == 0) {
		assert_int_equal(chown(path, 1, 1), 0);
		assert_int_equal(pseudo_new(path, &ps), DK_USAGE);
		assert_null(ps);
	}
	unlink(fifo);
	unlink(link);
	rmdir(dir);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc4231),
		cmocka_unit_test(test_trailing_newline),
		cmocka_unit_test(test_bad_keys),
		cmocka_unit_test(test_key_secrecy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
