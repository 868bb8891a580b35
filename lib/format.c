/* Output formats for tables of KPIs and comparisons: table, csv, tsv, json,
 * ndjson, json-array. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "format.h"

int format_find(const char *name)
{
	/* in enum out_format order */
	static const char *const names[] = { "table", "csv", "tsv", "json", "ndjson",
					     "json-array" };

	for (int i = 0; i < 6; i++)
		if (!strcmp(names[i], name))
			return i;
	return -1;
}

/* printf's %g follows LC_NUMERIC; we never set it, but be sure of '.'. */
static void dot_decimal(char *s)
{
	for (; *s; s++)
		if (*s == ',')
			*s = '.';
}

char *fmt_number(double v, char *buf)
{
	int prec;

	if (v == 0) {
		strcpy(buf, "0");
		return buf;
	}
	/* Integers of ordinary size print as integers. */
	if (v == floor(v) && fabs(v) < 1e15) {
		snprintf(buf, FMT_NUMBER_MAX, "%.0f", v);
		return buf;
	}
	for (prec = 1; prec <= 17; prec++) {
		snprintf(buf, FMT_NUMBER_MAX, "%.*g", prec, v);
		dot_decimal(buf);
		if (strtod(buf, NULL) == v)
			break;
	}
	/* Prefer plain decimals to exponents for ordinary magnitudes. */
	if (strchr(buf, 'e') && fabs(v) >= 1e-6 && fabs(v) < 1e15) {
		char alt[FMT_NUMBER_MAX];

		for (int d = 1; d <= 30; d++) {
			snprintf(alt, sizeof(alt), "%.*f", d, v);
			dot_decimal(alt);
			if (strtod(alt, NULL) == v) {
				strcpy(buf, alt);
				break;
			}
		}
	}
	return buf;
}

char *fmt_grouped(double v, int decimals, char *buf, size_t len)
{
	char raw[64], *dot, *w = buf;
	size_t intlen, i;
	const char *p = raw;

	snprintf(raw, sizeof(raw), "%.*f", decimals, v);
	dot_decimal(raw);
	if (*p == '-') {
		if (len > 1) {
			*w++ = '-';
			len--;
		}
		p++;
	}
	dot = strchr(p, '.');
	intlen = dot ? (size_t)(dot - p) : strlen(p);
	for (i = 0; i < intlen && len > 1; i++) {
		if (i && (intlen - i) % 3 == 0 && len > 2) {
			*w++ = ',';
			len--;
		}
		*w++ = p[i];
		len--;
	}
	for (p += intlen; *p && len > 1; p++, len--)
		*w++ = *p;
	*w = '\0';
	return buf;
}

size_t text_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t w = 0;
	unsigned cp;

	while (*p) {
		if (*p < 0x80) {
			cp = *p++;
		} else if ((*p & 0xE0) == 0xC0 && p[1]) {
			cp = ((p[0] & 0x1F) << 6) | (p[1] & 0x3F);
			p += 2;
		} else if ((*p & 0xF0) == 0xE0 && p[1] && p[2]) {
			cp = ((p[0] & 0x0F) << 12) | ((p[1] & 0x3F) << 6) | (p[2] & 0x3F);
			p += 3;
		} else if ((*p & 0xF8) == 0xF0 && p[1] && p[2] && p[3]) {
			cp = ((p[0] & 0x07) << 18) | ((p[1] & 0x3F) << 12) | ((p[2] & 0x3F) << 6) |
			     (p[3] & 0x3F);
			p += 4;
		} else {
			p++;
			w++;
			continue;
		}
		/* Thai marks above and below the base letter, and general
		 * combining marks, share the column of the letter before. */
		if (cp == 0x0E31 || (cp >= 0x0E34 && cp <= 0x0E3A) || (cp >= 0x0E47 && cp <= 0x0E4E) ||
		    (cp >= 0x0300 && cp <= 0x036F) || cp == 0x200B)
			continue;
		w++;
	}
	return w;
}

static int formula_guard = 1;

void format_set_formula_guard(int on)
{
	formula_guard = on;
}

int text_needs_guard(const char *s)
{
	return s && *s && strchr("=+-@\t\r", *s);
}

/* The length of the valid UTF-8 sequence at s that is not a control
 * character (C1 controls are U+0080..U+009F), or 0. */
static size_t utf8_printable(const unsigned char *s)
{
	size_t n, i;
	unsigned cp;

	if (*s >= 0x20 && *s < 0x7F)
		return 1;
	if (*s >= 0xC2 && *s <= 0xDF)
		n = 2, cp = *s & 0x1F;
	else if (*s >= 0xE0 && *s <= 0xEF)
		n = 3, cp = *s & 0x0F;
	else if (*s >= 0xF0 && *s <= 0xF4)
		n = 4, cp = *s & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3F);
	}
	/* overlong forms, surrogates, beyond U+10FFFF, C1 controls */
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
	    (cp >= 0xD800 && cp <= 0xDFFF) || (cp >= 0x80 && cp <= 0x9F))
		return 0;
	return n;
}

/* Escapes s into out (NULL: only counts); returns the length. */
static size_t escape(const char *s, char *out)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = 0, n;
	char buf[8];

	while (*p) {
		if ((n = utf8_printable(p))) {
			if (out)
				memcpy(out + len, p, n);
			len += n;
			p += n;
			continue;
		}
		if (*p == '\t')
			strcpy(buf, "\\t");
		else if (*p == '\n')
			strcpy(buf, "\\n");
		else if (*p == '\r')
			strcpy(buf, "\\r");
		else
			snprintf(buf, sizeof(buf), "\\x%02x", *p);
		if (out)
			memcpy(out + len, buf, strlen(buf));
		len += strlen(buf);
		p++;
	}
	if (out)
		out[len] = '\0';
	return len;
}

char *text_escape(const char *s)
{
	char *out = malloc(escape(s, NULL) + 1);

	if (out)
		escape(s, out);
	return out;
}

void text_escape_write(FILE *f, const char *s)
{
	char *e = text_escape(s);

	if (e) {
		fputs(e, f);
		free(e);
		return;
	}
	/* out of memory: drop what could move the terminal */
	for (; *s; s++)
		fputc((unsigned char)*s < 0x20 || *s == 0x7F ? '?' : *s, f);
}

void csv_write_field(FILE *f, const char *s)
{
	if (!s)
		return;
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

/* A CSV text cell, with the formula guard. */
static void csv_write_text(FILE *f, const char *s)
{
	if (!formula_guard || !text_needs_guard(s)) {
		csv_write_field(f, s);
		return;
	}
	fputs("\"'", f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void tsv_write_field(FILE *f, const char *s, int text)
{
	if (!s)
		return;
	if (text && formula_guard && text_needs_guard(s))
		fputc('\'', f);
	/* TSV cannot hold tabs or line breaks in a field: they become spaces. */
	for (; *s; s++)
		fputc(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s, f);
}

void json_write_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

struct table_writer {
	FILE *f;
	enum out_format fmt;
	int ncols;
	const char *const *names;
	const enum cell_type *types;
	unsigned flags;
	long nrows;
	char **cells;          /* table format: every cell, row by row */
	size_t ncells, cap;
};

struct table_writer *table_writer_new(FILE *f, enum out_format fmt, int ncols,
				      const char *const *names, const enum cell_type *types)
{
	return table_writer_open(f, fmt, ncols, names, types, 0, NULL);
}

struct table_writer *table_writer_open(FILE *f, enum out_format fmt, int ncols,
				       const char *const *names, const enum cell_type *types,
				       unsigned flags, const char *meta)
{
	struct table_writer *w = calloc(1, sizeof(*w));
	int i;

	if (!w)
		return NULL;
	w->f = f;
	w->fmt = fmt;
	w->ncols = ncols;
	w->names = names;
	w->types = types;
	w->flags = flags;
	if (!meta)
		meta = "{}";
	if ((fmt == OUT_CSV || fmt == OUT_TSV) && (flags & TW_NO_HEADER)) {
		/* rows only, for appending to a file that has its header */
	} else if (fmt == OUT_CSV || fmt == OUT_TSV) {
		for (i = 0; i < ncols; i++) {
			if (i)
				fputc(fmt == OUT_CSV ? ',' : '\t', f);
			if (fmt == OUT_CSV)
				csv_write_text(f, names[i]);
			else
				tsv_write_field(f, names[i], 1);
		}
		fputc('\n', f);
	} else if (fmt == OUT_JSON) {
		fprintf(f, "{\"meta\":%s,\n\"rows\":[", meta);
	} else if (fmt == OUT_NDJSON) {
		if (!(flags & TW_NO_HEADER))
			fprintf(f, "{\"meta\":%s}\n", meta);
	} else if (fmt == OUT_JSON_ARRAY) {
		fputc('[', f);
	} else if (table_writer_row(w, names)) {
		free(w);
		return NULL;
	}
	return w;
}

int table_writer_row(struct table_writer *w, const char *const *cells)
{
	int i;

	if (w->fmt == OUT_CSV || w->fmt == OUT_TSV) {
		for (i = 0; i < w->ncols; i++) {
			if (i)
				fputc(w->fmt == OUT_CSV ? ',' : '\t', w->f);
			int text = w->types[i] == CELL_TEXT;
			const char *cell = cells[i];

			/* TRUE/FALSE: read as logical by pandas and by R */
			if (w->types[i] == CELL_BOOL && cell)
				cell = !strcmp(cell, "true") ? "TRUE" :
				       !strcmp(cell, "false") ? "FALSE" : cell;
			if (w->fmt == OUT_CSV && text)
				csv_write_text(w->f, cells[i]);
			else if (w->fmt == OUT_CSV)
				csv_write_field(w->f, cell);
			else
				tsv_write_field(w->f, cell, text);
		}
		fputc('\n', w->f);
	} else if (w->fmt == OUT_JSON || w->fmt == OUT_JSON_ARRAY || w->fmt == OUT_NDJSON) {
		if (w->fmt != OUT_NDJSON)
			fputs(w->nrows ? ",\n" : "\n", w->f);
		fputc('{', w->f);
		for (i = 0; i < w->ncols; i++) {
			if (i)
				fputc(',', w->f);
			json_write_string(w->f, w->names[i]);
			fputc(':', w->f);
			if (!cells[i] || (w->types[i] != CELL_TEXT && !*cells[i]))
				fputs("null", w->f);
			else if (w->types[i] == CELL_TEXT)
				json_write_string(w->f, cells[i]);
			else
				fputs(cells[i], w->f);
		}
		fputc('}', w->f);
		if (w->fmt == OUT_NDJSON)
			fputc('\n', w->f);
	} else {
		if (w->ncells + w->ncols > w->cap) {
			size_t cap = w->cap ? w->cap * 2 : 256;
			char **c;

			while (cap < w->ncells + w->ncols)
				cap *= 2;
			if (!(c = realloc(w->cells, cap * sizeof(char *))))
				return -1;
			w->cells = c;
			w->cap = cap;
		}
		/* for people: control characters shown escaped, one line a row */
		for (i = 0; i < w->ncols; i++)
			if (!(w->cells[w->ncells++] = text_escape(cells[i] ? cells[i] : "")))
				return -1;
	}
	w->nrows++;
	return 0;
}

/* The aligned table: text left, numbers right, two spaces between. */
static void write_table(struct table_writer *w)
{
	size_t *width = calloc(w->ncols, sizeof(size_t)), i, pad, cw;
	size_t rows = w->ncells / w->ncols;
	int c;

	if (!width)
		return;
	for (i = 0; i < w->ncells; i++) {
		cw = text_width(w->cells[i]);
		if (cw > width[i % w->ncols])
			width[i % w->ncols] = cw;
	}
	for (i = 0; i < rows; i++) {
		for (c = 0; c < w->ncols; c++) {
			const char *s = w->cells[i * w->ncols + c];
			int right = w->types[c] == CELL_NUMBER && i > 0;

			pad = width[c] - text_width(s);
			if (right)
				fprintf(w->f, "%*s", (int)pad, "");
			fputs(s, w->f);
			if (!right && c < w->ncols - 1)
				fprintf(w->f, "%*s", (int)pad, "");
			if (c < w->ncols - 1)
				fputs("  ", w->f);
		}
		fputc('\n', w->f);
	}
	free(width);
}

int table_writer_finish(struct table_writer *w)
{
	int err;

	if (!w)
		return -1;
	if (w->fmt == OUT_JSON)
		fputs(w->nrows ? "\n]}\n" : "]}\n", w->f);
	else if (w->fmt == OUT_JSON_ARRAY)
		fputs(w->nrows ? "\n]\n" : "]\n", w->f);
	else if (w->fmt == OUT_TABLE)
		write_table(w);
	for (size_t i = 0; i < w->ncells; i++)
		free(w->cells[i]);
	free(w->cells);
	err = ferror(w->f);
	free(w);
	return err ? -1 : 0;
}

enum out_format format_from_name(const char *path)
{
	const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');

	if (dot && (!slash || dot > slash)) {
		if (!strcasecmp(dot, ".tsv"))
			return OUT_TSV;
		if (!strcasecmp(dot, ".json"))
			return OUT_JSON;
		if (!strcasecmp(dot, ".ndjson") || !strcasecmp(dot, ".jsonl"))
			return OUT_NDJSON;
	}
	return OUT_CSV;
}
