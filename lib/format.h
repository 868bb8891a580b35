/* Output formats for tables of KPIs and comparisons: table, csv, tsv, json,
 * ndjson, json-array. */
#ifndef DIDKPI_FORMAT_H
#define DIDKPI_FORMAT_H

#include <stddef.h>
#include <stdio.h>

/*
 * OUT_JSON is {"meta": {...}, "rows": [...]}; OUT_NDJSON is one JSON
 * object a line, the first {"meta": {...}} (left out with
 * TW_NO_HEADER), then one a row; OUT_JSON_ARRAY is the bare array of row
 * objects that "json" was before the metadata (kept for old pipelines).
 */
enum out_format { OUT_TABLE, OUT_CSV, OUT_TSV, OUT_JSON, OUT_NDJSON, OUT_JSON_ARRAY };

/* format_from_name() is the format an output file's name asks for: its
 * extension (.csv, .tsv, .json, .ndjson or .jsonl, any case), else OUT_CSV. */
enum out_format format_from_name(const char *path);

/* format_find() maps "table", "csv", "tsv", "json", "ndjson", "json-array"
 * to the enum, or -1. */
int format_find(const char *name);

/* The --format names for help and messages: "table, csv, tsv, json,
 * ndjson or json-array". */
#define FORMAT_NAMES "table, csv, tsv, json, ndjson or json-array"

/*
 * fmt_number() writes the shortest decimal text that reads back as v
 * (integers without ".0", no exponent for ordinary magnitudes, "." as the
 * decimal point whatever the locale) to buf (at least FMT_NUMBER_MAX
 * bytes) and returns buf.
 */
#define FMT_NUMBER_MAX 40
char *fmt_number(double v, char *buf);

/* fmt_grouped() writes v rounded to decimals places with thousands
 * separators ("12,345.6"), for people. */
char *fmt_grouped(double v, int decimals, char *buf, size_t len);

/* text_width() is the number of terminal columns UTF-8 text s takes:
 * Thai vowel and tone marks above and below the line take none. */
size_t text_width(const char *s);

/*
 * A writer of rows of cells, one per format: the header once, then rows.
 * Cells are text; a NULL cell is empty (null in JSON). For JSON, a cell
 * whose column is marked numeric is written as a number, and one marked
 * boolean as true/false. A boolean cell is given as "true" or "false";
 * CSV and TSV spell it TRUE and FALSE, the one spelling that pandas
 * (read_csv), base R (read.csv, type.convert) and readr all read as
 * logical without options. The table format collects the rows and writes
 * them aligned at the end.
 */
enum cell_type { CELL_TEXT, CELL_NUMBER, CELL_BOOL };

struct table_writer;

/* Flags of table_writer_open(). */
enum table_writer_flags {
	TW_NO_HEADER = 1 << 0  /* CSV/TSV: no header line; NDJSON: no meta line */
};

/*
 * table_writer_open() starts writing to f. names and types (ncols each)
 * must outlive the writer. flags: TW_... . meta is the text of a JSON
 * object describing the data (see kpiout.h), written as "meta" by the
 * JSON and NDJSON formats ({} when NULL) and ignored by the others.
 * Returns NULL when out of memory.
 */
struct table_writer *table_writer_open(FILE *f, enum out_format fmt, int ncols,
				       const char *const *names, const enum cell_type *types,
				       unsigned flags, const char *meta);
/* table_writer_new() is table_writer_open() with no flags and no meta. */
struct table_writer *table_writer_new(FILE *f, enum out_format fmt, int ncols,
				      const char *const *names, const enum cell_type *types);
/* table_writer_row() copies the cells; returns 0 or -1 when out of memory. */
int table_writer_row(struct table_writer *w, const char *const *cells);
/* table_writer_finish() writes what is pending (the table, JSON's "]")
 * and frees w; returns 0, or -1 when a write failed. */
int table_writer_finish(struct table_writer *w);

/* json_write_string() writes s to f as a JSON string, quoted and escaped. */
void json_write_string(FILE *f, const char *s);

/* Members of a JSON object: "key":"text" (null when v is NULL), or
 * "key":v as it is (a number, true, an object); *first is set while no
 * member is written yet and says whether a comma goes first. */
void json_member_str(FILE *f, int *first, const char *key, const char *v);
void json_member_raw(FILE *f, int *first, const char *key, const char *v);

/*
 * Tables for people fit the screen. format_set_table_width() sets the
 * widest a table may be, in terminal columns: FORMAT_WIDTH_AUTO (the
 * default) is the terminal's width when the table goes to one, else
 * $COLUMNS when it is a number from 20, else 100; FORMAT_WIDTH_WIDE never
 * narrows a table (--wide). format_table_width() is the width that applies
 * to a table written to f.
 *
 * A table wider than that is fitted, in this order: columns empty on
 * every row are left out; columns with one value on every row (and the
 * columns of table_writer_group_by()) become a heading line "Name: value"
 * above each group of rows, with the column names repeated under it; the
 * columns of table_writer_drop_order() are left out, in that order, while
 * the rest cannot fit (a last line names them and says --wide shows
 * them); then long text cells and headings wrap inside their column
 * (at spaces and, in Thai, between words; numbers never wrap).
 */
#define FORMAT_WIDTH_AUTO 0
#define FORMAT_WIDTH_WIDE ((size_t)-1)
void format_set_table_width(size_t cols);
size_t format_table_width(FILE *f);

/* table_writer_group_by() and table_writer_drop_order() name columns (by
 * index) for fitting, as above; call them before table_writer_finish().
 * Other formats ignore them. The arrays are copied. */
void table_writer_group_by(struct table_writer *w, const int *cols, int n);
void table_writer_drop_order(struct table_writer *w, const int *cols, int n);

/*
 * text_wrap() breaks UTF-8 text s into lines of at most width terminal
 * columns: at spaces, and between Thai words (Pango's line breaking);
 * a word wider than width is cut between characters (never between a
 * letter and its marks). Spaces at a break are dropped. *lines receives
 * a malloc'd array (free it) of the lines as byte ranges of s; returns
 * their number (1 for an empty text), or 0 when out of memory.
 */
struct text_span {
	size_t off, len; /* bytes of s */
	size_t width;    /* terminal columns */
};
size_t text_wrap(const char *s, size_t width, struct text_span **lines);

/* Write one CSV field (RFC 4180: quoted when it holds , " CR or LF). */
void csv_write_field(FILE *f, const char *s);

/*
 * The formula guard (OWASP "CSV injection"): in CSV and TSV, a text cell
 * that starts with = + - @ tab or CR is written with a ' in front (and, in
 * CSV, quoted), so that a spreadsheet shows it as text instead of running
 * it as a formula. Number and boolean columns are never changed (-0.5 stays
 * a number). On by default; format_set_formula_guard(0) turns it off for
 * pipelines that want the names byte for byte (--no-formula-guard).
 */
void format_set_formula_guard(int on);
/* text_needs_guard() is 1 when s starts like a formula. */
int text_needs_guard(const char *s);

/*
 * text_escape_write() writes s to f for a terminal: control characters
 * (C0, DEL, C1) as \t \n \r or \xNN, bytes that are not UTF-8 as \xNN,
 * everything else (Thai included) as is. text_escape() returns the same as
 * a new string (free it), or NULL out of memory.
 */
void text_escape_write(FILE *f, const char *s);
char *text_escape(const char *s);

#endif
