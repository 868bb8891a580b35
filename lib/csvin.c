/* Streaming RFC 4180 input through libcsv, with line numbers. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csv.h>

#include "csvin.h"
#include "log.h"
#include "status.h"

#define READ_SIZE (256 * 1024)

struct reader {
	struct csvin_record rec;
	char *store;          /* the current record's fields, back to back */
	size_t used, size;
	long line;            /* the line being fed to libcsv */
	int overflow;         /* the record's fields did not fit in store */
	const char *name;
	csvin_fn fn;
	void *arg;
	int status;           /* first nonzero status from fn */
};

/* libcsv grows its field buffer through this; refusing past the limit
 * turns a runaway field (often a quote never closed) into CSV_ENOMEM. */
static void *bounded_realloc(void *p, size_t n)
{
	if (n > CSVIN_FIELD_MAX + 4096)
		return NULL;
	return realloc(p, n);
}

/* RFC 4180 keeps spaces: none are trimmed. */
static int no_space(unsigned char c)
{
	(void)c;
	return 0;
}

static void on_field(void *s, size_t n, void *data)
{
	struct reader *r = data;
	struct csvin_record *rec = &r->rec;
	size_t off;

	if (rec->line == 0)
		rec->line = r->line;
	rec->total++;
	if (n > CSVIN_FIELD_MAX) {
		if (r->status == DK_OK)
			log_error("%s:%ld: field longer than %d bytes", r->name, rec->line,
				  CSVIN_FIELD_MAX);
		r->status = DK_DATAERR;
		return;
	}
	if (rec->nfields == CSVIN_FIELDS_MAX) {
		rec->too_many = 1;
		return;
	}
	if (r->used + n + 1 > r->size) {
		size_t size = r->size * 2 > r->used + n + 1 ? r->size * 2 : r->used + n + 1;
		char *p = realloc(r->store, size);

		if (!p) {
			r->overflow = 1;
			return;
		}
		/* Fields point into store: move them with it. */
		for (int i = 0; i < rec->nfields; i++)
			rec->f[i].s = p + (rec->f[i].s - r->store);
		r->store = p;
		r->size = size;
	}
	off = r->used;
	if (n)
		memcpy(r->store + off, s, n);
	r->store[off + n] = '\0';
	r->used += n + 1;
	rec->f[rec->nfields].s = r->store + off;
	rec->f[rec->nfields].n = n;
	rec->nfields++;
}

static void on_record(int c, void *data)
{
	struct reader *r = data;

	(void)c;
	if (r->rec.line == 0)
		r->rec.line = r->line;
	if (r->status == DK_OK) {
		if (r->overflow) {
			log_error("line %ld: out of memory", r->rec.line);
			r->status = DK_SOFTWARE;
		} else {
			r->status = r->fn(&r->rec, r->arg);
		}
	}
	r->rec.line = 0;
	r->rec.nfields = 0;
	r->rec.total = 0;
	r->rec.too_many = 0;
	r->used = 0;
	r->overflow = 0;
}

/* Report libcsv's error for the record starting at line. */
static int parse_error(struct csv_parser *p, const char *name, long line)
{
	int e = csv_error(p);

	if (e == CSV_ENOMEM)
		log_error("%s:%ld: field longer than %d bytes (or a quote that is never closed)",
			  name, line, CSVIN_FIELD_MAX);
	else if (e == CSV_EPARSE)
		log_error("%s:%ld: malformed quoting: a quote inside an unquoted field, or "
			  "text after a closing quote", name, line);
	else
		log_error("%s:%ld: cannot parse CSV: %s", name, line, csv_strerror(e));
	return DK_DATAERR;
}

/*
 * A last record without its newline is complete only when f is a regular
 * file read to its end (or a memory stream, which has no descriptor): from
 * a pipe it is what a producer killed mid-row leaves.
 */
static int read_to_the_end(FILE *f)
{
	struct stat sb;
	off_t pos;
	int fd = fileno(f);

	if (fd < 0)
		return 1;
	if (fstat(fd, &sb) || !S_ISREG(sb.st_mode))
		return 0;
	pos = lseek(fd, 0, SEEK_CUR);
	return pos >= 0 && pos == sb.st_size;
}

/* The next byte c at or after start in buf[0..have), or have when none;
 * *cache keeps the answer while start has not passed it, so that a file
 * with one kind of line end is scanned once for the other. */
static size_t next_byte(const char *buf, size_t start, size_t have, int c, long *cache)
{
	const char *p;

	if (*cache < 0 || (size_t)*cache < start) {
		p = memchr(buf + start, c, have - start);
		*cache = p ? (long)(p - buf) : (long)have;
	}
	return (size_t)*cache;
}

int csvin_read(FILE *f, const char *name, csvin_fn fn, void *arg, long *lines)
{
	struct csv_parser p;
	struct reader r = { .name = name, .fn = fn, .arg = arg, .line = 1 };
	char *buf = malloc(READ_SIZE);
	size_t have = 0, n, start, len, lf, cr, end;
	long total = 0, rec_start = 0, lf_at, cr_at;
	int st = DK_OK, first = 1, eof = 0, brk, last = '\n';

	r.size = 4096;
	r.store = malloc(r.size);
	if (!buf || !r.store || csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL)) {
		free(buf);
		free(r.store);
		log_error("%s: out of memory", name);
		return DK_SOFTWARE;
	}
	csv_set_realloc_func(&p, bounded_realloc);
	csv_set_space_func(&p, no_space);
	csv_set_blk_size(&p, 4096);

	while (!eof && r.status == DK_OK) {
		n = fread(buf + have, 1, READ_SIZE - have, f);
		if (n == 0) {
			if (ferror(f)) {
				log_error("%s: read error: %s", name, strerror(errno));
				st = DK_DATAERR;
				goto out;
			}
			eof = 1;
		} else {
			last = (unsigned char)buf[have + n - 1];
		}
		have += n;
		if (first && have > 0) {
			first = 0;
			if (have >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3)) {
				memmove(buf, buf + 3, have - 3);
				have -= 3;
			}
		}
		/* Feed libcsv one physical line at a time, so a record's first line
		 * is known: it is the line on which libcsv left its idle state.
		 * A line ends at LF, CRLF or a lone CR (old Mac files). */
		start = 0;
		lf_at = cr_at = -1;
		while (start < have && r.status == DK_OK) {
			lf = next_byte(buf, start, have, '\n', &lf_at);
			cr = next_byte(buf, start, have, '\r', &cr_at);
			end = lf < cr ? lf : cr;
			brk = end < have;
			if (!brk) {
				if (!eof)
					break;
				len = have - start;
			} else if (end == cr) {
				/* a CR last in the buffer may be the first half of CRLF */
				if (cr + 1 == have && !eof)
					break;
				len = cr - start + 1 + (cr + 1 < have && buf[cr + 1] == '\n');
			} else {
				len = lf - start + 1;
			}
			if (p.pstate == 0)
				r.rec.line = 0;
			rec_start = r.rec.line ? r.rec.line : r.line;
			if (csv_parse(&p, buf + start, len, on_field, on_record, &r) != len) {
				st = parse_error(&p, name, r.rec.line ? r.rec.line : rec_start);
				goto out;
			}
			/* A record still open after its first line began there. */
			if (p.pstate != 0 && r.rec.line == 0)
				r.rec.line = rec_start;
			start += len;
			if (brk)
				r.line++;
			total++;
		}
		memmove(buf, buf + start, have - start);
		have -= start;
		if (have == READ_SIZE) {
			/* A line longer than the buffer: feed it in pieces, keeping a
			 * last CR back in case its LF comes next. */
			len = buf[have - 1] == '\r' ? have - 1 : have;
			if (csv_parse(&p, buf, len, on_field, on_record, &r) != len) {
				st = parse_error(&p, name, r.rec.line ? r.rec.line : r.line);
				goto out;
			}
			if (r.rec.line == 0)
				r.rec.line = r.line;
			memmove(buf, buf + len, have - len);
			have -= len;
		}
	}
	if (r.status != DK_OK) {
		st = r.status;
		goto out;
	}
	if (first) {
		log_error("%s: empty file: a header row naming the columns is required", name);
		st = DK_DATAERR;
		goto out;
	}
	if (last != '\n' && last != '\r' && !read_to_the_end(f)) {
		log_error("%s:%ld: the input ends inside a record (no final newline): was the "
			  "producer cut off?", name, r.rec.line ? r.rec.line : r.line);
		log_hint("a last record without its newline is accepted only from a "
			 "regular file read to its end");
		st = DK_DATAERR;
		goto out;
	}
	if (csv_fini(&p, on_field, on_record, &r)) {
		if (csv_error(&p) == CSV_EPARSE) {
			log_error("%s:%ld: unterminated quoted field: the quote opened "
				  "on this line is never closed", name,
				  r.rec.line ? r.rec.line : r.line);
			st = DK_DATAERR;
		} else {
			st = parse_error(&p, name, r.rec.line ? r.rec.line : r.line);
		}
		goto out;
	}
	st = r.status;
out:
	if (lines)
		*lines = total;
	csv_free(&p);
	free(r.store);
	free(buf);
	return st;
}
