/* Output formats for tables of KPIs and comparisons: table, csv, tsv, json. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"

int format_find(const char *name)
{
	static const char *const names[] = { "table", "csv", "tsv", "json" };

	for (int i = 0; i < 4; i++)
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

static void tsv_write_field(FILE *f, const char *s)
{
	if (!s)
		return;
	/* TSV cannot hold tabs or line breaks in a field: they become spaces. */
	for (; *s; s++)
		fputc(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s, f);
}

static void json_write_string(FILE *f, const char *s)
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
	long nrows;
	char **cells;          /* table format: every cell, row by row */
	size_t ncells, cap;
};

struct table_writer *table_writer_new(FILE *f, enum out_format fmt, int ncols,
				      const char *const *names, const enum cell_type *types)
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
	if (fmt == OUT_CSV || fmt == OUT_TSV) {
		for (i = 0; i < ncols; i++) {
			if (i)
				fputc(fmt == OUT_CSV ? ',' : '\t', f);
			if (fmt == OUT_CSV)
				csv_write_field(f, names[i]);
			else
				tsv_write_field(f, names[i]);
		}
		fputc('\n', f);
	} else if (fmt == OUT_JSON) {
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
			if (w->fmt == OUT_CSV)
				csv_write_field(w->f, cells[i]);
			else
				tsv_write_field(w->f, cells[i]);
		}
		fputc('\n', w->f);
	} else if (w->fmt == OUT_JSON) {
		fputs(w->nrows ? ",\n{" : "\n{", w->f);
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
		for (i = 0; i < w->ncols; i++)
			if (!(w->cells[w->ncells++] = strdup(cells[i] ? cells[i] : "")))
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
