/* Validated loading of a CSV file into a relation (SPEC sections 2 and 8). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "csvin.h"
#include "kpi.h"
#include "load.h"
#include "log.h"
#include "outfile.h"
#include "pseudo.h"
#include "sqlres.h"
#include "status.h"
#include "valid.h"

#define COPY_CHUNK (256 * 1024)
#define REJECTS_SHOWN 10        /* rejected rows also reported on stderr */
#define NORM_MAX 80             /* normalised value: timestamp or pseudonym */
#define PROGRESS_EVERY 100000

/* A sorted set of codes a column may refer to. */
struct refset {
	char **codes;
	int n;
};

struct loader {
	int fast;		/* direct COPY and fast insert allowed (not Citus) */
	const struct load_options *o;
	const struct relation *rel;
	struct db *db;
	struct load_stats *stats;
	const char *name;                 /* the input's name for messages */
	int header_done;
	int nin;                          /* input columns */
	int map[CSVIN_FIELDS_MAX];        /* input column -> relation column */
	int inv[CSVIN_FIELDS_MAX];        /* relation column -> input column or -1 */
	struct refset services, channels, methods;
	struct pseudo *pseudo;
	char *copybuf;
	size_t copylen;
	char norm[CSVIN_FIELDS_MAX][NORM_MAX];
	struct outfile *rejects_out;      /* the rejects file, open from the first reject */
	FILE *rejects;                    /* its stream */
	char rejects_final[4096];
	struct csvin_record header;       /* a copy of the header's names */
	char *header_store;
	int direct;                       /* COPY into the relation: no line column */
	long shown_before;                /* rejects already shown by a first pass */
};

static void refset_free(struct refset *r)
{
	for (int i = 0; i < r->n; i++)
		free(r->codes[i]);
	free(r->codes);
	r->codes = NULL;
	r->n = 0;
}

static int refset_load(struct db *db, const char *key, struct refset *r)
{
	PGresult *res;
	int st, i;

	if ((st = db_query(db, key, 0, NULL, &res)))
		return st;
	r->n = PQntuples(res);
	r->codes = calloc(r->n ? r->n : 1, sizeof(char *));
	for (i = 0; r->codes && i < r->n; i++)
		if (!(r->codes[i] = strdup(PQgetvalue(res, i, 0))))
			break;
	PQclear(res);
	if (!r->codes || i < r->n) {
		log_error("out of memory");
		return DK_SOFTWARE;
	}
	return DK_OK;
}

static int refset_has(const struct refset *r, const char *code)
{
	/* Reference tables are small (tens of rows): a scan is enough. */
	for (int i = 0; i < r->n; i++)
		if (!strcmp(r->codes[i], code))
			return 1;
	return 0;
}

/* Append s[0..n) to the COPY buffer in COPY's text format. */
static int copy_append(struct loader *L, const char *s, size_t n)
{
	size_t i;
	char c;

	if (L->copylen + 2 * n + 2 > COPY_CHUNK) {
		int st = db_copy_put(L->db, L->copybuf, L->copylen);

		if (st)
			return st;
		L->copylen = 0;
		if (2 * n + 2 > COPY_CHUNK) {
			log_error("internal error: value too long for the COPY buffer");
			return DK_SOFTWARE;
		}
	}
	for (i = 0; i < n; i++) {
		c = s[i];
		switch (c) {
		case '\\': L->copybuf[L->copylen++] = '\\'; L->copybuf[L->copylen++] = '\\'; break;
		case '\n': L->copybuf[L->copylen++] = '\\'; L->copybuf[L->copylen++] = 'n'; break;
		case '\r': L->copybuf[L->copylen++] = '\\'; L->copybuf[L->copylen++] = 'r'; break;
		case '\t': L->copybuf[L->copylen++] = '\\'; L->copybuf[L->copylen++] = 't'; break;
		default: L->copybuf[L->copylen++] = c;
		}
	}
	return DK_OK;
}

static int copy_raw(struct loader *L, const char *s)
{
	size_t n = strlen(s);

	if (L->copylen + n > COPY_CHUNK) {
		int st = db_copy_put(L->db, L->copybuf, L->copylen);

		if (st)
			return st;
		L->copylen = 0;
	}
	memcpy(L->copybuf + L->copylen, s, n);
	L->copylen += n;
	return DK_OK;
}

/* Write one CSV field, quoted when it needs to be. */
static void csv_put(FILE *f, const char *s, size_t n)
{
	size_t i;

	if (n && !memchr(s, ',', n) && !memchr(s, '"', n) && !memchr(s, '\n', n) &&
	    !memchr(s, '\r', n)) {
		fwrite(s, 1, n, f);
		return;
	}
	if (!n)
		return;
	fputc('"', f);
	for (i = 0; i < n; i++) {
		if (s[i] == '"')
			fputc('"', f);
		fputc(s[i], f);
	}
	fputc('"', f);
}

/* The rejects file's name: --rejects, else beside the input. */
static void rejects_name(struct loader *L)
{
	const char *dest = L->o->rejects_path;

	if (dest)
		snprintf(L->rejects_final, sizeof(L->rejects_final), "%s", dest);
	else if (!strcmp(L->o->path, "-"))
		snprintf(L->rejects_final, sizeof(L->rejects_final), "%s.rejects.csv", L->rel->name);
	else
		snprintf(L->rejects_final, sizeof(L->rejects_final), "%s.rejects.csv", L->o->path);
}

/*
 * Before anything is read: refuse a rejects path whose replacement would
 * destroy something, the input itself (same device and inode, whatever the
 * name), a symbolic link, or what is not a regular file (a device such as
 * /dev/null, a FIFO, a directory). outfile_open() checks the last two again
 * when the file is written; the early check means no load is wasted on it.
 */
static int rejects_check(struct loader *L, FILE *in)
{
	struct stat rs, is;
	const char *why = NULL;

	if (lstat(L->rejects_final, &rs)) {
		if (errno == ENOENT)
			return DK_OK;
		log_error("cannot create rejects file '%s': %s", L->rejects_final, strerror(errno));
		return DK_CANTCREAT;
	}
	if (S_ISLNK(rs.st_mode))
		why = "it is a symbolic link, and didkpi never writes through a link";
	else if (!S_ISREG(rs.st_mode))
		why = S_ISDIR(rs.st_mode) ? "it is a directory" :
		      "it is not a regular file (a device or a FIFO)";
	else if (fstat(fileno(in), &is) == 0 && is.st_dev == rs.st_dev && is.st_ino == rs.st_ino)
		why = "it is the input file itself";
	if (!why)
		return DK_OK;
	log_error("refusing rejects file '%s': %s", L->rejects_final, why);
	log_hint("name another file with --rejects FILE");
	return DK_CANTCREAT;
}

/* Open the rejects file on first use, through lib/outfile: a private
 * temporary renamed into place, never through a link. */
static int rejects_open(struct loader *L)
{
	mode_t mask;
	int st, i;

	if (L->rejects)
		return DK_OK;
	/* Rejected rows are raw input: a new rejects file is private (0600),
	 * as it was when it came from mkstemp; a replaced one keeps its mode. */
	mask = umask(077);
	st = outfile_open(L->rejects_final, &L->rejects_out);
	umask(mask);
	if (st)
		return st;
	L->rejects = outfile_stream(L->rejects_out);
	fputs("line,reason", L->rejects);
	for (i = 0; i < L->header.nfields; i++) {
		fputc(',', L->rejects);
		csv_put(L->rejects, L->header.f[i].s, L->header.f[i].n);
	}
	fputc('\n', L->rejects);
	return DK_OK;
}

/* Record a rejected row: its fields (input order), or NULL fields. */
static int reject(struct loader *L, long line, const char *reason,
		  const struct csvin_field *f, int nf)
{
	int st, i;

	char *masked;

	/* No raw national ID leaves in a message or a rejected row: each one,
	 * in any written form, is masked (valid_redact_ids()). */
	L->stats->rejected++;
	if (!(masked = valid_redact_ids(reason, strlen(reason)))) {
		log_error("out of memory");
		return DK_SOFTWARE;
	}
	if (L->stats->rejected <= REJECTS_SHOWN && L->stats->rejected > L->shown_before)
		log_error("%s:%ld: %s", L->name, line, masked);
	if ((st = rejects_open(L))) {
		free(masked);
		return st;
	}
	fprintf(L->rejects, "%ld,", line);
	csv_put(L->rejects, masked, strlen(masked));
	free(masked);
	for (i = 0; i < nf; i++) {
		fputc(',', L->rejects);
		if (!(masked = valid_redact_ids(f[i].s, f[i].n))) {
			log_error("out of memory");
			return DK_SOFTWARE;
		}
		csv_put(L->rejects, masked, strlen(masked));
		free(masked);
	}
	fputc('\n', L->rejects);
	return DK_OK;
}

/* Map the header's names to the relation's columns. */
static int read_header(struct loader *L, const struct csvin_record *rec)
{
	const struct relation *rel = L->rel;
	size_t total = 0;
	char *p;
	int i, c;

	for (c = 0; c < rel->ncols; c++)
		L->inv[c] = -1;
	if (rec->too_many) {
		log_error("%s:%ld: too many columns in the header (at most %d)", L->name,
			  rec->line, CSVIN_FIELDS_MAX);
		return DK_DATAERR;
	}
	for (i = 0; i < rec->nfields; i++) {
		const char *name = rec->f[i].s;

		if (valid_text(name, rec->f[i].n)) {
			log_error("%s:%ld: column %d of the header is not valid UTF-8 text",
				  L->name, rec->line, i + 1);
			return DK_DATAERR;
		}
		c = relation_column(rel, name);
		if (c < 0) {
			log_error("%s:%ld: unknown column '%s' for relation %s", L->name,
				  rec->line, name, rel->name);
			goto hint;
		}
		if (L->inv[c] >= 0) {
			log_error("%s:%ld: column '%s' appears twice in the header", L->name,
				  rec->line, name);
			return DK_DATAERR;
		}
		L->map[i] = c;
		L->inv[c] = i;
		total += rec->f[i].n + 1;
	}
	for (c = 0; c < rel->ncols; c++) {
		if (rel->cols[c].required && L->inv[c] < 0) {
			log_error("%s:%ld: required column '%s' is missing from the header",
				  L->name, rec->line, rel->cols[c].name);
			goto hint;
		}
	}
	L->nin = rec->nfields;
	/* Keep the names for the rejects file's header. */
	L->header_store = malloc(total ? total : 1);
	if (!L->header_store)
		return DK_SOFTWARE;
	L->header.nfields = rec->nfields;
	for (i = 0, p = L->header_store; i < rec->nfields; i++) {
		memcpy(p, rec->f[i].s, rec->f[i].n + 1);
		L->header.f[i].s = p;
		L->header.f[i].n = rec->f[i].n;
		p += rec->f[i].n + 1;
	}
	L->header_done = 1;
	return DK_OK;
hint:
	fprintf(stderr, "  hint: the columns of %s are:", rel->name);
	for (c = 0; c < rel->ncols; c++)
		fprintf(stderr, "%s %s%s", c ? "," : "", rel->cols[c].name,
			rel->cols[c].required ? "" : " (optional)");
	fputc('\n', stderr);
	return DK_DATAERR;
}

static const char *check_enum(enum rel_check chk, const char *v)
{
	switch (chk) {
	case RC_STEP:
		if (strcmp(v, "identification") && strcmp(v, "authentication"))
			return "must be identification or authentication";
		break;
	case RC_OUTCOME:
		if (strcmp(v, "success") && strcmp(v, "failure"))
			return "must be success or failure";
		break;
	case RC_STATUS:
		if (strcmp(v, "pending") && strcmp(v, "completed") && strcmp(v, "rejected") &&
		    strcmp(v, "cancelled"))
			return "must be pending, completed, rejected or cancelled";
		break;
	case RC_KPI:
		if (kpi_find(v) < 0)
			return "is not a KPI name (see 'didkpi kpi --help' or didkpi-kpi(1))";
		break;
	default:
		break;
	}
	return NULL;
}

/*
 * Validate one field for relation column c; on success *val points to the
 * text to load. Returns NULL or the rule broken, written into why.
 * Messages may quote the value: reject() masks any national ID in them.
 */
static const char *check_field(struct loader *L, int c, const struct csvin_field *f,
			       const char **val, char *why, size_t whylen)
{
	const struct rel_column *col = &L->rel->cols[c];
	const char *v = f->s, *bad;
	char id[VALID_ID_BUF], hint[96];
	size_t chars;
	long lv;
	int b;

	*val = v;
	if ((bad = valid_text(v, f->n)))
		goto fail;
	/* A national ID in any written form: a person's key is pseudonymised
	 * (the bare digits, so every form gives the same pseudonym) or
	 * refused; anywhere else it must not be stored at all. */
	if (col->check == RC_PERSON && valid_id_normalize(v, f->n, id)) {
		if (!L->pseudo) {
			snprintf(why, whylen, "column '%s': looks like a raw Thai national ID "
				 "(13 digits with a valid check digit), which must not be stored; "
				 "use --pseudonymize KEYFILE", col->name);
			return why;
		}
		if (pseudo_hex(L->pseudo, id, 13, L->norm[c])) {
			snprintf(why, whylen, "column '%s': cannot compute its pseudonym", col->name);
			return why;
		}
		*val = L->norm[c];
		return NULL;
	}
	if (valid_has_id(v, f->n)) {
		snprintf(why, whylen, "column '%s': contains what looks like a raw Thai national "
			 "ID (13 digits with a valid check digit), which must not be stored%s",
			 col->name, col->check == RC_PERSON ?
			 "; --pseudonymize replaces only a key that is an ID as a whole" :
			 "; remove it from the source");
		return why;
	}
	switch (col->type) {
	case RT_TEXT:
		if ((bad = valid_no_controls(v, f->n, col->multiline)))
			goto fail_quiet;
		chars = valid_chars(v, f->n);
		if (col->max && chars > (size_t)col->max) {
			snprintf(why, whylen, "column '%s': is %zu characters long; at most %ld are "
				 "allowed", col->name, chars, col->max);
			return why;
		}
		break;
	case RT_CODE:
		if (col->max && f->n > (size_t)col->max) {
			snprintf(why, whylen, "column '%s': is %zu characters long; at most %ld are "
				 "allowed", col->name, f->n, col->max);
			return why;
		}
		if ((bad = valid_code(v, f->n)) || (bad = check_enum(col->check, v)))
			goto fail;
		if ((col->check == RC_REF_SERVICE && !refset_has(&L->services, v)) ||
		    (col->check == RC_REF_CHANNEL && !refset_has(&L->channels, v)) ||
		    (col->check == RC_REF_METHOD && !refset_has(&L->methods, v))) {
			snprintf(why, whylen, "column '%s': unknown %s '%s'", col->name,
				 col->check == RC_REF_SERVICE ? "service" :
				 col->check == RC_REF_CHANNEL ? "channel" : "authentication method", v);
			return why;
		}
		break;
	case RT_BOOL:
		if ((bad = valid_bool(v, f->n, &b)))
			goto fail;
		*val = b ? "t" : "f";
		break;
	case RT_INT:
		if (valid_int(v, f->n, col->min, col->max, &lv)) {
			snprintf(why, whylen, "column '%s': must be an integer from %ld to %ld: '%.40s'",
				 col->name, col->min, col->max, v);
			return why;
		}
		break;
	case RT_DECIMAL:
		if ((bad = valid_decimal(v, f->n)))
			goto fail;
		break;
	case RT_DATE:
		if ((bad = valid_date(v, f->n, L->norm[c])))
			goto fail;
		/* A year past 2400 is a Buddhist-era year written for a C.E. one. */
		if (!L->o->allow_future && strtol(L->norm[c], NULL, 10) > VALID_YEAR_MAX) {
			valid_be_hint((int)strtol(L->norm[c], NULL, 10), hint, sizeof(hint));
			snprintf(why, whylen, "column '%s': year after %d: '%s'%s%s "
				 "(--allow-future loads it anyway)", col->name, VALID_YEAR_MAX, v,
				 hint[0] ? "; " : "", hint);
			return why;
		}
		*val = L->norm[c];
		break;
	case RT_TIMESTAMP:
		if ((bad = valid_timestamp(v, f->n, L->norm[c])))
			goto fail;
		if (!L->o->allow_future && valid_future(L->norm[c], (long long)time(NULL))) {
			valid_be_hint((int)strtol(L->norm[c], NULL, 10), hint, sizeof(hint));
			snprintf(why, whylen, "column '%s': more than a day in the future: '%s'%s%s "
				 "(--allow-future loads it anyway)", col->name, v,
				 hint[0] ? "; " : "", hint);
			return why;
		}
		*val = L->norm[c];
		break;
	}
	return NULL;
fail:
	/* Show the value only when it is printable text. */
	if (valid_text(v, f->n) || valid_no_controls(v, f->n, 0) || f->n > 60)
		snprintf(why, whylen, "column '%s': %s", col->name, bad);
	else
		snprintf(why, whylen, "column '%s': %s: '%s'", col->name, bad, v);
	return why;
fail_quiet:
	snprintf(why, whylen, "column '%s': %s", col->name, bad);
	return why;
}

static int on_record(const struct csvin_record *rec, void *arg)
{
	struct loader *L = arg;
	const struct relation *rel = L->rel;
	const char *vals[CSVIN_FIELDS_MAX];
	const char *bad;
	char why[512], lbuf[24];
	int i, c, st;

	if (!L->header_done)
		return read_header(L, rec);
	L->stats->read++;
	if (L->o->progress && L->stats->read % PROGRESS_EVERY == 0)
		fprintf(stderr, "\r%s: %ld rows read", rel->name, L->stats->read);
	if (rec->nfields != L->nin || rec->too_many) {
		snprintf(why, sizeof(why), "has %ld field%s, the header has %d",
			 rec->total, rec->total == 1 ? "" : "s", L->nin);
		return reject(L, rec->line, why, rec->f, rec->nfields);
	}
	for (c = 0; c < rel->ncols; c++)
		vals[c] = NULL;
	for (i = 0; i < L->nin; i++) {
		c = L->map[i];
		if (rec->f[i].n == 0) {
			if (rel->cols[c].required) {
				snprintf(why, sizeof(why), "column '%s': is required",
					 rel->cols[c].name);
				return reject(L, rec->line, why, rec->f, rec->nfields);
			}
			continue;
		}
		if ((bad = check_field(L, c, &rec->f[i], &vals[c], why, sizeof(why))))
			return reject(L, rec->line, bad, rec->f, rec->nfields);
	}
	if (rel->row_check && (bad = rel->row_check(vals)))
		return reject(L, rec->line, bad, rec->f, rec->nfields);

	/* The staging table's first column is the line number. */
	if (!L->direct) {
		snprintf(lbuf, sizeof(lbuf), "%ld\t", rec->line);
		if ((st = copy_raw(L, lbuf)))
			return st;
	}
	for (c = 0; c < rel->ncols; c++) {
		if (c && (st = copy_raw(L, "\t")))
			return st;
		st = vals[c] ? copy_append(L, vals[c], strlen(vals[c])) : copy_raw(L, "\\N");
		if (st)
			return st;
	}
	return copy_raw(L, "\n");
}

/* A small template engine: replace each {{name}} in text by its value. */
static char *render(const char *text, const char *const *names, const char *const *values,
		    int n)
{
	size_t len = 0, cap = strlen(text) + 1;
	char *out = malloc(cap), *grow;
	const char *p = text, *end;
	int i;

	while (out && *p) {
		const char *add = p;
		size_t addlen = 1;

		if (p[0] == '{' && p[1] == '{' && (end = strstr(p, "}}"))) {
			for (i = 0; i < n; i++)
				if (strlen(names[i]) == (size_t)(end - p - 2) &&
				    !strncmp(p + 2, names[i], end - p - 2))
					break;
			if (i == n) {
				log_error("internal error: unknown SQL placeholder %.*s",
					  (int)(end - p + 2), p);
				free(out);
				return NULL;
			}
			add = values[i];
			addlen = strlen(values[i]);
			p = end + 2;
		} else {
			p++;
		}
		if (len + addlen + 1 > cap) {
			cap = (len + addlen + 1) * 2;
			if (!(grow = realloc(out, cap))) {
				free(out);
				return NULL;
			}
			out = grow;
		}
		memcpy(out + len, add, addlen);
		len += addlen;
	}
	if (out)
		out[len] = '\0';
	return out;
}

/* The identifiers the load.sql templates need, quoted. */
struct idents {
	char *table, *cols, *s_cols, *t_cols, *pk_join, *pk_text;
};

static void idents_free(struct idents *id)
{
	free(id->table);
	free(id->cols);
	free(id->s_cols);
	free(id->t_cols);
	free(id->pk_join);
	free(id->pk_text);
}

/* Append to a growing string; returns -1 when out of memory. */
static int append(char **s, const char *a, const char *b, const char *c)
{
	char *n;

	if (asprintf(&n, "%s%s%s%s", *s ? *s : "", a, b, c) < 0)
		return -1;
	free(*s);
	*s = n;
	return 0;
}

static int idents_build(struct db *db, const struct relation *rel, struct idents *id)
{
	char *schema = db_quote_ident(db, "didkpi"), *tab = db_quote_ident(db, rel->name), *q;
	int c, rc = 0;

	memset(id, 0, sizeof(*id));
	if (!schema || !tab || asprintf(&id->table, "%s.%s", schema, tab) < 0) {
		id->table = NULL;
		rc = -1;
	}
	for (c = 0; rc == 0 && c < rel->ncols; c++) {
		const char *sep = c ? ", " : "";

		if (!(q = db_quote_ident(db, rel->cols[c].name))) {
			rc = -1;
			break;
		}
		if (append(&id->cols, sep, q, "") || append(&id->s_cols, sep, "s.", q) ||
		    append(&id->t_cols, sep, "t.", q))
			rc = -1;
		if (rc == 0 && c < rel->npk) {
			/* a key column that may be NULL (channel_costs' service):
			 * NULL matches NULL, as its UNIQUE NULLS NOT DISTINCT */
			if (append(&id->pk_join, c ? " AND s." : "s.", q,
				   rel->cols[c].required ? " = t." : " IS NOT DISTINCT FROM t.") ||
			    append(&id->pk_join, q, "", "") ||
			    append(&id->pk_text, sep, "s.", q))
				rc = -1;
		}
		free(q);
	}
	if (rc == 0) {
		char *t = NULL;

		if (asprintf(&t, "pg_catalog.quote_literal(pg_catalog.concat_ws(', ', %s))",
			     id->pk_text) < 0)
			rc = -1;
		else {
			free(id->pk_text);
			id->pk_text = t;
		}
	}
	free(schema);
	free(tab);
	if (rc) {
		idents_free(id);
		log_error("out of memory");
		return DK_SOFTWARE;
	}
	return DK_OK;
}

/* The SQL section key with its identifiers put in (malloc'd), or NULL. */
static char *template_sql(const struct idents *id, const char *key)
{
	static const char *const names[] = { "table", "cols", "s_cols", "t_cols", "pk_join",
					     "pk_text" };
	const char *values[] = { id->table, id->cols, id->s_cols, id->t_cols, id->pk_join,
				 id->pk_text };
	const char *text = sqlres_get(key);

	if (!text) {
		log_error("internal error: no SQL named '%s'", key);
		return NULL;
	}
	return render(text, names, values, 6);
}

static int run_template(struct loader *L, const struct idents *id, const char *key,
			int nparams, const char *const *params, PGresult **res)
{
	char *sql = template_sql(id, key);
	int st;

	if (!sql)
		return DK_SOFTWARE;
	st = db_query_text(L->db, key, sql, nparams, params, res);
	free(sql);
	return st;
}

/* Insert the staged rows: the fast plain insert under a savepoint, or, when
 * a key is already present, the insert that skips present keys. */
static int insert_rows(struct loader *L, const struct idents *id, PGresult **res)
{
	static const char *const names[] = { "table", "cols" };
	const char *values[] = { id->table, id->cols };
	const char *text = sqlres_get("load.sql#insert_fast");
	char *sql = text ? render(text, names, values, 2) : NULL;
	int st, hit = 0;

	if (!sql)
		return DK_SOFTWARE;
	if (!L->fast) {
		free(sql);
		return run_template(L, id, "load.sql#insert_counted", 0, NULL, res);
	}
	if ((st = db_query(L->db, "load.sql#savepoint", 0, NULL, NULL)) ||
	    (st = db_query_tolerant(L->db, "load.sql#insert_fast", sql, "23505", &hit, res))) {
		free(sql);
		return st;
	}
	free(sql);
	if (!hit)
		return db_query(L->db, "load.sql#release", 0, NULL, NULL);
	if ((st = db_query(L->db, "load.sql#rollback_to_savepoint", 0, NULL, NULL)))
		return st;
	return run_template(L, id, "load.sql#insert", 0, NULL, res);
}

/* One row rejected by the server (columns: line, reason, then the
 * relation's columns), written to the rejects file. */
static int server_reject(const PGresult *res, int row, void *arg)
{
	struct loader *L = arg;
	struct csvin_field f[CSVIN_FIELDS_MAX];
	int i;

	for (i = 0; i < L->nin; i++) {
		int col = 2 + L->map[i];

		f[i].s = PQgetvalue(res, row, col);
		f[i].n = PQgetisnull(res, row, col) ? 0 : strlen(f[i].s);
	}
	return reject(L, strtol(PQgetvalue(res, row, 0), NULL, 10), PQgetvalue(res, row, 1), f,
		      L->nin);
}

/*
 * Run a query of rows the server rejects (in input order) and write them
 * to the rejects file as they arrive: a reload of two million changed rows
 * must not hold two million rows in memory. *n receives how many.
 */
static int server_rejects(struct loader *L, const struct idents *id, const char *key,
			  long *n)
{
	char *sql = template_sql(id, key);
	int st;

	*n = 0;
	if (!sql)
		return DK_SOFTWARE;
	st = db_query_each(L->db, key, sql, 0, NULL, server_reject, L, n);
	free(sql);
	return st;
}

/* Move the rejects file into place. */
static int rejects_finish(struct loader *L)
{
	int st;

	if (!L->rejects_out)
		return DK_OK;
	st = outfile_commit(L->rejects_out);
	L->rejects_out = NULL;
	L->rejects = NULL;
	if (st)
		return st;
	snprintf(L->stats->rejects_file, sizeof(L->stats->rejects_file), "%s", L->rejects_final);
	return DK_OK;
}

/* Run the COPY of SQL section key and send it the file's valid rows;
 * *rows receives the server's count. With tolerant set, an integrity
 * violation (class 23) sets *hit instead of failing. */
static int send_file(struct loader *L, const struct idents *id, const char *key, FILE *in,
		     int tolerant, int *hit, long *rows)
{
	static const char *const names[] = { "table", "cols" };
	const char *values[] = { id->table, id->cols };
	const char *text = sqlres_get(key);
	char *sql = text ? render(text, names, values, 2) : NULL;
	int st;

	*hit = 0;
	st = sql ? db_copy_begin(L->db, key, sql) : DK_SOFTWARE;
	free(sql);
	if (st)
		return st;
	st = csvin_read(in, L->name, on_record, L, NULL);
	if (L->o->progress && L->stats->read >= PROGRESS_EVERY)
		fputs("\r\033[K", stderr);
	if (st == DK_OK && !L->header_done) {
		log_error("%s: no header row", L->name);
		st = DK_DATAERR;
	}
	if (st == DK_OK && L->copylen)
		st = db_copy_put(L->db, L->copybuf, L->copylen);
	L->copylen = 0;
	if (st) {
		db_copy_end(L->db, "didkpi: load abandoned", NULL);
		return st;
	}
	if (tolerant)
		return db_copy_end_tolerant(L->db, "23", hit, rows);
	return db_copy_end(L->db, NULL, rows);
}

/*
 * The direct path: COPY the file straight into the relation under a
 * savepoint. Returns DK_OK with *done set when every row went in (no key
 * present, no constraint broken); DK_OK with *done clear after rolling
 * back to the savepoint and rewinding the file, ready for the staging
 * path; or an error.
 */
static int load_direct(struct loader *L, const struct idents *id, FILE *in, int *done)
{
	long rows = 0;
	int st, hit;

	*done = 0;
	L->direct = 1;
	if ((st = db_query(L->db, "load.sql#savepoint", 0, NULL, NULL)) ||
	    (st = send_file(L, id, "load.sql#copy_direct", in, 1, &hit, &rows)))
		return st;
	L->direct = 0;
	if (!hit) {
		L->stats->loaded = rows;
		*done = 1;
		log_info("%s: direct COPY: every key was new", L->name);
		return db_query(L->db, "load.sql#release", 0, NULL, NULL);
	}
	log_info("%s: some keys are present or a row breaks a constraint: "
		 "loading again through the staging table", L->name);
	if ((st = db_query(L->db, "load.sql#rollback_to_savepoint", 0, NULL, NULL)))
		return st;
	/* Start again from the top: the same rows are read and rejected in
	 * the same order; the first pass's messages are not repeated. */
	if (fseek(in, 0, SEEK_SET)) {
		log_error("cannot read %s again: %s", L->name, strerror(errno));
		return DK_DATAERR;
	}
	clearerr(in);
	L->shown_before = L->stats->rejected;
	L->stats->read = 0;
	L->stats->rejected = 0;
	L->header_done = 0;
	free(L->header_store);
	L->header_store = NULL;
	outfile_abort(L->rejects_out);
	L->rejects_out = NULL;
	L->rejects = NULL;
	return DK_OK;
}

/* Is in a regular file, which can be read a second time? */
static int rereadable(FILE *in)
{
	struct stat sb;

	return fstat(fileno(in), &sb) == 0 && S_ISREG(sb.st_mode) &&
	       ftell(in) == 0;
}

/* May the direct path and the fast insert be taken
 * (load.sql#direct_allowed)? Sets *yes. */
static int direct_allowed(struct db *db, int *yes)
{
	PGresult *res;
	int st;

	if ((st = db_query(db, "load.sql#direct_allowed", 0, NULL, &res)))
		return st;
	*yes = !strcmp(PQgetvalue(res, 0, 0), "t");
	PQclear(res);
	return DK_OK;
}

int load_run(struct db *db, const struct load_options *o, struct load_stats *stats)
{
	struct loader *L = calloc(1, sizeof(*L));
	struct idents id = { 0 };
	PGresult *res = NULL;
	const char *p1[1];
	FILE *in = NULL;
	long staged = 0, inserted = 0, bad;
	int st, hit, done = 0;

	memset(stats, 0, sizeof(*stats));
	if (!L) {
		log_error("out of memory");
		return DK_SOFTWARE;
	}
	L->o = o;
	L->rel = o->rel;
	L->db = db;
	L->stats = stats;
	L->name = strcmp(o->path, "-") ? o->path : "<stdin>";
	if (o->keyfile && (st = pseudo_new(o->keyfile, &L->pseudo)))
		goto out;
	if (!strcmp(o->path, "-")) {
		in = stdin;
	} else if (!(in = fopen(o->path, "rb"))) {
		log_error("cannot open %s: %s", o->path, strerror(errno));
		st = DK_DATAERR;
		goto out;
	}
	rejects_name(L);
	if ((st = rejects_check(L, in)))
		goto out;
	if (!(L->copybuf = malloc(COPY_CHUNK))) {
		st = DK_SOFTWARE;
		goto out;
	}
	p1[0] = L->rel->name;
	if ((st = db_begin(db)) ||
	    (st = db_query(db, "load.sql#synchronous_commit", 0, NULL, NULL)) ||
	    (st = db_query(db, "load.sql#work_mem", 0, NULL, NULL)) ||
	    (st = db_set_timezone(db, o->tz)) ||
	    (st = db_query(db, "load.sql#lock", 1, p1, NULL)) ||
	    (st = db_query(db, "load.sql#ref_lock", 0, NULL, NULL)) ||
	    (st = refset_load(db, "load.sql#ref_services", &L->services)) ||
	    (st = refset_load(db, "load.sql#ref_channels", &L->channels)) ||
	    (st = refset_load(db, "load.sql#ref_methods", &L->methods)) ||
	    (st = idents_build(db, L->rel, &id)))
		goto out;
	/* A regular file goes straight into the relation; from a pipe the rows
	 * cannot be read twice, so they take the staging path at once; so do
	 * the rows of a Citus database, whose COPY reports a present key as
	 * an internal error (XX000), not as the unique violation it is. */
	if ((st = direct_allowed(db, &L->fast)) ||
	    (L->fast && rereadable(in) && (st = load_direct(L, &id, in, &done))))
		goto out;
	if (done)
		goto finish;
	if ((st = db_query(db, "load.sql#temp_buffers", 0, NULL, NULL)) ||
	    (st = run_template(L, &id, "load.sql#stage", 0, NULL, NULL)) ||
	    (st = send_file(L, &id, "load.sql#copy", in, 0, &hit, &staged)))
		goto out;

	if (L->rel->check) {
		if ((st = server_rejects(L, &id, L->rel->check, &bad)))
			goto out;
		staged -= bad;
	}
	/* Try the plain insert first; ON CONFLICT costs a speculative insertion
	 * per row, worth paying only when some key is already present. */
	if ((st = insert_rows(L, &id, &res)))
		goto out;
	inserted = strtol(L->fast ? PQcmdTuples(res) : PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	res = NULL;
	/* Every staged row was new: no duplicates, no conflicts to look for. */
	if (inserted < staged) {
		if ((st = server_rejects(L, &id, "load.sql#conflicts", &bad)))
			goto out;
		staged -= bad;
	}
	stats->loaded = inserted;
	stats->duplicate = staged - inserted;
finish:
	if ((st = rejects_finish(L)))
		goto out;
	if (stats->rejected > o->max_errors) {
		log_error("%s: %ld row%s rejected (more than --max-errors %ld): nothing loaded",
			  L->name, stats->rejected, stats->rejected == 1 ? "" : "s", o->max_errors);
		if (stats->rejects_file[0])
			log_detail("the rejected rows and why are in %s", stats->rejects_file);
		stats->loaded = 0;
		stats->duplicate = 0;
		st = DK_DATAERR;
		goto out;
	}
	/* The summary goes out before COMMIT: when it cannot be written (a
	 * full disk, /dev/full) the load is rolled back, so that any failure
	 * status means nothing was loaded. */
	if (o->before_commit && (st = o->before_commit(stats, o->arg)))
		goto out;
	if ((st = db_commit(db)))
		goto out;
	stats->committed = 1;
out:
	PQclear(res);
	if (!stats->committed)
		db_rollback(db);
	outfile_abort(L->rejects_out);
	if (in && in != stdin)
		fclose(in);
	idents_free(&id);
	refset_free(&L->services);
	refset_free(&L->channels);
	refset_free(&L->methods);
	pseudo_free(L->pseudo);
	free(L->header_store);
	free(L->copybuf);
	free(L);
	return st;
}
