/* The XLSX workbook of didkpi report (SPEC section 7), over libxlsxwriter. */
#ifndef DIDKPI_XLSX_H
#define DIDKPI_XLSX_H

#include "report.h"
#include "template.h"

/*
 * The writer turns a template and the data gathered by report_gather()
 * into a workbook; it never touches the database. Numbers are stored as
 * numbers with number formats (rates as "0.0%", hours "#,##0.0", counts
 * "#,##0"), dates as dates shown in the Thai Buddhist calendar in Thai
 * ("[$-107041E]d mmm yyyy": 15 มี.ค. 2568) and in the Gregorian one in
 * English; every table's header row is frozen; column widths are fitted
 * to the content unless the template gives them; targets met or not and
 * changes for the better or the worse are conditional formats (so they
 * follow an edited cell). Charts are native Excel charts (line, column,
 * stacked), which staff can restyle, except where Excel cannot draw what
 * is meant (adoption markers, confidence-interval whiskers): those are
 * cairo charts (chart.h) inserted as PNG pictures.
 */

struct xlsx_options {
	int thai;                  /* Thai (1) or English (0) texts */
	const char *dest;          /* the file's final name, for messages */
	const char *template_name; /* as given to --template, for the cover */
	const char *template_path; /* the file it was read from */
	const char *tz;            /* the report's time zone */
	long min_cell;
	int window_months;         /* the before/after window W */
	int jobs;                  /* 2: pictures drawn two at a time, 1: one */
};

/*
 * xlsx_write_report() writes the workbook to path (created or truncated;
 * the caller makes it a temporary file beside the destination and renames
 * it). Returns DK_OK; DK_CANTCREAT when the file cannot be written (no
 * space, an I/O error), after log_error() naming libxlsxwriter's reason;
 * DK_SOFTWARE for anything else (memory, a chart that cannot be drawn).
 * On failure the caller removes path.
 */
int xlsx_write_report(const char *path, const struct template *t,
		      const struct report_data *d, const struct xlsx_options *o);

/*
 * xlsx_sheet_name() returns the tab name the sheet gets in the language
 * of o (static storage of t). Never NULL.
 */
const char *xlsx_sheet_name(const struct tpl_sheet *sh, int thai);

#endif
