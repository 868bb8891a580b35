/* Output formats for tables of KPIs and comparisons: table, csv, tsv, json,
 * ndjson, json-array. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <pango/pango.h>

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

/* The UTF-8 sequence at p as a code point; *len its length (an invalid
 * byte is itself, U+FFFD). */
static unsigned utf8_decode(const unsigned char *p, size_t *len)
{
	if (*p < 0x80) {
		*len = 1;
		return *p;
	}
	if ((*p & 0xE0) == 0xC0 && p[1]) {
		*len = 2;
		return ((p[0] & 0x1F) << 6) | (p[1] & 0x3F);
	}
	if ((*p & 0xF0) == 0xE0 && p[1] && p[2]) {
		*len = 3;
		return ((p[0] & 0x0F) << 12) | ((p[1] & 0x3F) << 6) | (p[2] & 0x3F);
	}
	if ((*p & 0xF8) == 0xF0 && p[1] && p[2] && p[3]) {
		*len = 4;
		return ((p[0] & 0x07) << 18) | ((p[1] & 0x3F) << 12) | ((p[2] & 0x3F) << 6) |
		       (p[3] & 0x3F);
	}
	*len = 1;
	return 0xFFFD;
}

/*
 * Terminal columns of one code point: Thai vowel and tone marks above and
 * below the line, other combining marks and zero-width characters take
 * none; East Asian wide characters and emoji take two (as wcwidth() in a
 * UTF-8 locale, without depending on the locale: tests run in C).
 */
static int cp_width(unsigned cp)
{
	if (cp == 0x0E31 || (cp >= 0x0E34 && cp <= 0x0E3A) || (cp >= 0x0E47 && cp <= 0x0E4E) ||
	    (cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x1AB0 && cp <= 0x1AFF) ||
	    (cp >= 0x1DC0 && cp <= 0x1DFF) || (cp >= 0x20D0 && cp <= 0x20FF) ||
	    (cp >= 0xFE20 && cp <= 0xFE2F) || (cp >= 0x200B && cp <= 0x200F) ||
	    (cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0x2060 || cp == 0xFEFF)
		return 0;
	if ((cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0x303E) ||
	    (cp >= 0x3041 && cp <= 0xA4CF) || (cp >= 0xAC00 && cp <= 0xD7A3) ||
	    (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) ||
	    (cp >= 0xFF00 && cp <= 0xFF60) || (cp >= 0xFFE0 && cp <= 0xFFE6) ||
	    (cp >= 0x1F300 && cp <= 0x1F64F) || (cp >= 0x1F900 && cp <= 0x1F9FF) ||
	    (cp >= 0x20000 && cp <= 0x3FFFD))
		return 2;
	return 1;
}

size_t text_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t w = 0, n;

	while (*p) {
		w += (size_t)cp_width(utf8_decode(p, &n));
		p += n;
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

void json_member_str(FILE *f, int *first, const char *key, const char *v)
{
	fputs(*first ? "" : ",", f);
	*first = 0;
	json_write_string(f, key);
	fputc(':', f);
	if (v)
		json_write_string(f, v);
	else
		fputs("null", f);
}

void json_member_raw(FILE *f, int *first, const char *key, const char *v)
{
	fputs(*first ? "" : ",", f);
	*first = 0;
	json_write_string(f, key);
	fputc(':', f);
	fputs(v, f);
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
	int *group, ngroup;    /* table format: fitting (format.h) */
	int *drop, ndrop;
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
static void write_plain(struct table_writer *w, const size_t *width)
{
	size_t rows = w->ncells / w->ncols, i, pad;
	int c;

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
}

size_t text_wrap(const char *s, size_t width, struct text_span **lines)
{
	size_t blen = strlen(s), nch, i, start = 0, n = 0, cap = 8, len;
	struct text_span *out = NULL;
	PangoLogAttr *attrs = NULL;
	size_t *off = NULL;
	int *cw = NULL;

	*lines = NULL;
	if (width < 1)
		width = 1;
	if (!(out = malloc(cap * sizeof(*out))))
		return 0;
	/* one line: it fits, or it is not UTF-8 that Pango could read */
	if (text_width(s) <= width || !g_utf8_validate(s, (gssize)blen, NULL)) {
		out[0] = (struct text_span){ 0, blen, text_width(s) };
		*lines = out;
		return 1;
	}
	nch = (size_t)g_utf8_strlen(s, (gssize)blen);
	attrs = malloc((nch + 1) * sizeof(*attrs));
	off = malloc((nch + 1) * sizeof(*off));
	cw = malloc(nch * sizeof(*cw));
	if (!attrs || !off || !cw)
		goto oom;
	/* Thai has no spaces between words: Pango (libthai) knows where they
	 * end; is_cursor_position keeps a letter with its marks */
	pango_get_log_attrs(s, (int)blen, -1, pango_language_from_string("th"), attrs,
			    (int)nch + 1);
	for (i = 0, len = 0; i < nch; i++) {
		size_t l;

		off[i] = len;
		cw[i] = cp_width(utf8_decode((const unsigned char *)s + len, &l));
		len += l;
	}
	off[nch] = blen;
	while (start < nch) {
		size_t j = start, brk = start, end, next, lw = 0, k;

		while (j < nch && (j == start || !attrs[j].is_cursor_position ||
				   lw + (size_t)cw[j] <= width)) {
			lw += (size_t)cw[j++];
			if (j < nch && attrs[j].is_line_break)
				brk = j;
		}
		/* spaces where the line is full: a break after them */
		for (k = j; k < nch && attrs[k].is_white; k++)
			;
		if (k == nch)
			j = nch;
		else if (k > j && attrs[k].is_line_break)
			brk = k;
		end = j >= nch ? nch : brk > start ? brk : j;
		next = end;
		while (end > start && attrs[end - 1].is_white)
			end--;
		if (n == cap) {
			struct text_span *t = realloc(out, (cap *= 2) * sizeof(*out));

			if (!t)
				goto oom;
			out = t;
		}
		for (lw = 0, i = start; i < end; i++)
			lw += (size_t)cw[i];
		out[n++] = (struct text_span){ off[start], off[end] - off[start], lw };
		start = next;
		while (start < nch && attrs[start].is_white)
			start++;
	}
	if (n == 0)
		out[n++] = (struct text_span){ 0, 0, 0 };
	free(attrs);
	free(off);
	free(cw);
	*lines = out;
	return n;
oom:
	free(attrs);
	free(off);
	free(cw);
	free(out);
	return 0;
}

/* How a column is shown in a fitted table. */
enum col_state { COL_SHOWN, COL_EMPTY, COL_GROUP, COL_DROPPED };

/* Whether the text s has Thai letters: the notes follow the table's language. */
static int has_thai(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;
	unsigned cp;

	for (; *p; p += n)
		if ((cp = utf8_decode(p, &n)) >= 0x0E00 && cp <= 0x0E7F)
			return 1;
	return 0;
}

/* The widest space-separated word of s (codes only: words without Thai
 * letters, which break anywhere between words): a column wraps no
 * narrower, so that "digital_channel_rate" stays whole. */
static size_t widest_word(const char *s, int codes)
{
	size_t best = 0, w;
	char *copy = strdup(s), *save = NULL, *tok;

	if (!copy)
		return text_width(s);
	for (tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
		if ((w = text_width(tok)) > best && !(codes && has_thai(tok)))
			best = w;
	free(copy);
	return best;
}

/* Writes s wrapped to width, each line followed by a newline. */
static void write_wrapped(FILE *f, const char *s, size_t width)
{
	struct text_span *l = NULL;
	size_t n = text_wrap(s, width, &l);

	if (!n) {
		fprintf(f, "%s\n", s);
		return;
	}
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%.*s\n", (int)l[i].len, s + l[i].off);
	free(l);
}

/* One row of a fitted table: each shown cell wrapped to its width. */
static void write_fitted_row(struct table_writer *w, const char *const *cells,
			     const enum col_state *state, const size_t *width, int header)
{
	struct text_span **lines = calloc((size_t)w->ncols, sizeof(*lines));
	size_t *nl = calloc((size_t)w->ncols, sizeof(*nl)), height = 1, l, pad;
	int c, last = -1;

	if (!lines || !nl) { /* out of memory: the cells unwrapped */
		free(lines);
		free(nl);
		for (c = 0; c < w->ncols; c++)
			if (state[c] == COL_SHOWN)
				fprintf(w->f, "%s  ", cells[c]);
		fputc('\n', w->f);
		return;
	}
	for (c = 0; c < w->ncols; c++) {
		lines[c] = NULL;
		nl[c] = 0;
		if (state[c] != COL_SHOWN)
			continue;
		last = c;
		nl[c] = text_wrap(cells[c], width[c], &lines[c]);
		if (nl[c] > height)
			height = nl[c];
	}
	for (l = 0; l < height; l++) {
		char *line = NULL;
		size_t linelen = 0;
		FILE *f = open_memstream(&line, &linelen);

		if (!f)
			f = w->f;
		for (c = 0; c < w->ncols; c++) {
			int right = w->types[c] == CELL_NUMBER && !header;
			const char *s = "";
			size_t len = 0, sw = 0;

			if (state[c] != COL_SHOWN)
				continue;
			if (l < nl[c]) {
				s = cells[c] + lines[c][l].off;
				len = lines[c][l].len;
				sw = lines[c][l].width;
			} else if (!nl[c] && l == 0) {
				/* out of memory: the cell whole */
				s = cells[c];
				len = strlen(s);
				sw = text_width(s);
			}
			pad = width[c] > sw ? width[c] - sw : 0;
			if (right)
				fprintf(f, "%*s", (int)pad, "");
			fprintf(f, "%.*s", (int)len, s);
			if (!right && c != last)
				fprintf(f, "%*s", (int)pad, "");
			if (c != last)
				fputs("  ", f);
		}
		/* the continuation lines of a wrapped row end in padding: none */
		if (f != w->f && !fclose(f) && line) {
			while (linelen && line[linelen - 1] == ' ')
				linelen--;
			fprintf(w->f, "%.*s", (int)linelen, line);
		}
		free(line);
		fputc('\n', w->f);
	}
	for (c = 0; c < w->ncols; c++)
		free(lines[c]);
	free(lines);
	free(nl);
}

/* The table made to fit limit columns (the order in format.h). */
static void write_fitted(struct table_writer *w, const size_t *natural, size_t limit)
{
	size_t rows = w->ncells / w->ncols, r, need;
	size_t *minw = calloc((size_t)w->ncols, sizeof(*minw));
	size_t *width = calloc((size_t)w->ncols, sizeof(*width));
	enum col_state *state = calloc((size_t)w->ncols, sizeof(*state));
	char *const *hdr = w->cells;
	int c, i, nshown = 0, ngroup = 0, thai = 0, phase;

	if (!minw || !width || !state) {
		write_plain(w, natural);
		goto out;
	}

	for (c = 0; c < w->ncols; c++) {
		int empty = rows > 1, same = rows > 2;

		for (r = 1; r < rows; r++) {
			const char *s = w->cells[r * w->ncols + c];

			if (*s)
				empty = 0;
			if (strcmp(s, w->cells[w->ncols + c]))
				same = 0;
		}
		state[c] = empty ? COL_EMPTY : same ? COL_GROUP : COL_SHOWN;
		thai |= has_thai(hdr[c]);
	}
	for (i = 0; i < w->ngroup; i++)
		if (w->group[i] >= 0 && w->group[i] < w->ncols && state[w->group[i]] == COL_SHOWN)
			state[w->group[i]] = COL_GROUP;
	for (c = 0; c < w->ncols; c++)
		nshown += state[c] == COL_SHOWN;
	if (!nshown) /* nothing would be left to show: no groups */
		for (c = 0; c < w->ncols; c++)
			if (state[c] == COL_GROUP)
				state[c] = COL_SHOWN, nshown++;
	/* Narrowest widths: numbers and heading words whole, text from 10. */
	for (c = 0; c < w->ncols; c++) {
		size_t hw = widest_word(hdr[c], 0), bw = 0, ww = 10, cw;

		for (r = 1; r < rows; r++) {
			const char *cell = w->cells[r * w->ncols + c];

			if ((cw = text_width(cell)) > bw)
				bw = cw;
			if (w->types[c] != CELL_NUMBER && (cw = widest_word(cell, 1)) > ww)
				ww = cw;
		}
		if (hw > ww)
			ww = hw;
		if (ww > 30)
			ww = 30;
		if (w->types[c] == CELL_NUMBER)
			minw[c] = bw > hw ? bw : hw;
		else
			minw[c] = natural[c] < ww ? natural[c] : ww;
	}
	/* Low-value columns go before anything wraps. */
	for (i = 0;; i++) {
		for (need = 0, c = 0; c < w->ncols; c++)
			if (state[c] == COL_SHOWN)
				need += natural[c] + 2;
		if (need - 2 <= limit || i >= w->ndrop)
			break;
		c = w->drop[i];
		if (c >= 0 && c < w->ncols && state[c] == COL_SHOWN && nshown > 1) {
			state[c] = COL_DROPPED;
			nshown--;
		}
	}
	/* From the natural widths, the widest column narrows a column at a
	 * time: short columns stay whole, long text wraps; words and codes
	 * break only when nothing else is left (phase 1: down to minw; 2:
	 * text down to 6 columns). */
	for (need = 0, c = 0; c < w->ncols; c++)
		if (state[c] == COL_SHOWN)
			need += (width[c] = natural[c]) + 2;
	for (need -= 2, phase = 1; need > limit; need--) {
		int best = -1;

		for (c = 0; c < w->ncols; c++) {
			size_t floor = phase == 1 || w->types[c] == CELL_NUMBER ? minw[c] :
				       minw[c] < 6 ? minw[c] : 6;

			if (state[c] == COL_SHOWN && width[c] > floor &&
			    (best < 0 || width[c] > width[best]))
				best = c;
		}
		if (best < 0 && phase++ == 1) {
			need++;
			continue;
		}
		if (best < 0)
			break;
		width[best]--;
	}
	for (c = 0; c < w->ncols; c++)
		ngroup += state[c] == COL_GROUP;
	if (rows == 1)
		write_fitted_row(w, (const char *const *)hdr, state, width, 1);
	for (r = 1; r < rows; r++) {
		char *const *row = w->cells + r * w->ncols, *const *prev = row - w->ncols;
		int first = r == 1;

		for (c = 0; c < w->ncols && !first; c++)
			if (state[c] == COL_GROUP && strcmp(row[c], prev[c]))
				first = 1;
		if (first) {
			if (r > 1)
				fputc('\n', w->f);
			if (ngroup) {
				char *head = NULL;
				size_t hl = 0;
				FILE *m = open_memstream(&head, &hl);

				for (c = 0; m && c < w->ncols; c++)
					if (state[c] == COL_GROUP)
						fprintf(m, "%s%s: %s", ftell(m) ? "   " : "", hdr[c], row[c]);
				if (m && !fclose(m) && head)
					write_wrapped(w->f, head, limit);
				free(head);
			}
			write_fitted_row(w, (const char *const *)hdr, state, width, 1);
		}
		write_fitted_row(w, (const char *const *)row, state, width, 0);
	}
	/* Say what is not shown, in the table's language. */
	{
		char *note = NULL;
		size_t nlen = 0;
		FILE *m = open_memstream(&note, &nlen);
		int any = 0;

		for (c = 0; m && c < w->ncols; c++)
			if (state[c] == COL_DROPPED)
				fprintf(m, "%s%s", any++ ? ", " : (thai ? "(คอลัมน์ที่ไม่แสดง: " :
								  "(columns not shown: "), hdr[c]);
		if (m && any)
			fputs(thai ? "; --wide แสดงทุกคอลัมน์)" : "; --wide shows every column)", m);
		if (m && !fclose(m) && any && note)
			write_wrapped(w->f, note, limit);
		free(note);
	}
out:
	free(minw);
	free(width);
	free(state);
}

static void write_table(struct table_writer *w)
{
	size_t *width = calloc(w->ncols, sizeof(size_t)), i, cw, total = 0, limit;
	int c;

	if (!width)
		return;
	for (i = 0; i < w->ncells; i++) {
		cw = text_width(w->cells[i]);
		if (cw > width[i % w->ncols])
			width[i % w->ncols] = cw;
	}
	for (c = 0; c < w->ncols; c++)
		total += width[c] + (c ? 2 : 0);
	limit = format_table_width(w->f);
	if (limit == FORMAT_WIDTH_WIDE || total <= limit)
		write_plain(w, width);
	else
		write_fitted(w, width, limit);
	free(width);
}

static size_t table_width_setting = FORMAT_WIDTH_AUTO;

void format_set_table_width(size_t cols)
{
	table_width_setting = cols;
}

size_t format_table_width(FILE *f)
{
	struct winsize ws;
	const char *env;
	char *end;
	long v;

	if (table_width_setting != FORMAT_WIDTH_AUTO)
		return table_width_setting;
	if (f && isatty(fileno(f)) && !ioctl(fileno(f), TIOCGWINSZ, &ws) && ws.ws_col > 0)
		return ws.ws_col;
	if ((env = getenv("COLUMNS")) && *env) {
		errno = 0;
		v = strtol(env, &end, 10);
		if (!errno && !*end && v >= 20 && v <= 100000)
			return (size_t)v;
	}
	return 100;
}

/* Copies n column indexes into *to. */
static void set_cols(int **to, int *nto, const int *cols, int n)
{
	int *p;

	if (n <= 0 || !(p = malloc((size_t)n * sizeof(int))))
		return;
	memcpy(p, cols, (size_t)n * sizeof(int));
	free(*to);
	*to = p;
	*nto = n;
}

void table_writer_group_by(struct table_writer *w, const int *cols, int n)
{
	if (w)
		set_cols(&w->group, &w->ngroup, cols, n);
}

void table_writer_drop_order(struct table_writer *w, const int *cols, int n)
{
	if (w)
		set_cols(&w->drop, &w->ndrop, cols, n);
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
	free(w->group);
	free(w->drop);
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
