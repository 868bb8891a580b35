/* The self-contained HTML report of didkpi report --format html (issue 12). */
#ifndef DIDKPI_HTML_H
#define DIDKPI_HTML_H

#include <stdio.h>

#include "report.h"
#include "template.h"

/*
 * The HTML writer turns a template and the data gathered by report_gather()
 * into one .html file that needs nothing else: the CSS is inline and every
 * chart is an inline SVG drawn by the chart module (chart.h) on cairo's SVG
 * surface, which writes text as glyph outlines, so the charts' Thai reads
 * right on a machine without Thai fonts. No script, no link, no URL.
 *
 * Sections, each only when the template has the sheet it comes from: the
 * summary against targets (the summary sheet's KPIs), the trend (the trend
 * sheet's KPIs and charts), before and after Digital ID (the compare
 * sheet's metrics and charts), authentication (the auth sheet) and the
 * services to improve (the improve sheet). Met and not met are words and
 * a symbol, never colour alone; changes of rates are in percentage points
 * ("จุด", "pp"). Every text from the database or the template is escaped.
 *
 * The layout is responsive (tables scroll sideways in their own box on a
 * phone, charts scale through their viewBox) and prints to A4 from a
 * browser: tables and figures are not cut, table headers repeat.
 */

struct html_options {
	int thai;                  /* Thai (1) or English (0) texts */
	const char *template_name; /* as given to --template, for the footer */
	const char *tz;            /* the report's time zone */
	long min_cell;
	int window_months;         /* the before/after window W */
};

/*
 * html_write_report() writes the document to f (the caller's output file,
 * see outfile.h). Returns DK_OK; DK_CANTCREAT when writing f fails (after
 * log_error); DK_SOFTWARE when memory runs out or a chart cannot be drawn.
 */
int html_write_report(FILE *f, const struct template *t, const struct report_data *d,
		      const struct html_options *o);

/*
 * html_escape_write() writes s to f with &, <, >, " and ' escaped, so any
 * text is inert in element content and in quoted attribute values. NULL
 * writes nothing.
 */
void html_escape_write(FILE *f, const char *s);

#endif
