/* The PDF brief: two to four A4 pages for a director (issue 12). */
#ifndef DIDKPI_BRIEF_H
#define DIDKPI_BRIEF_H

#include <stdio.h>

#include "report.h"
#include "template.h"

/*
 * The brief is laid out with cairo and Pango on a multi-page cairo PDF
 * surface from the data report_gather() collected (with want_all set, so
 * that whatever the template, the trend, the comparison, the method and
 * service breakdowns are there). It reads the database no more.
 *
 * Page 1: the title, department and period; the headline KPIs with their
 * targets (met or not, in words and a symbol), their change from the
 * previous period and from a year ago; the effect of adopting Digital ID
 * in one sentence (the pooled rows of the comparison); the trend chart.
 * Page 2 on: the services to improve (ranked), each service before and
 * after Digital ID, authentication in brief. Every page has a footer:
 * department, period, data as of, page x of y. A table row never splits
 * across pages (a table that goes on repeats its header), and a section
 * that does not fit in what is left of a page starts the next one.
 *
 * All text goes through Pango as plain text (never markup), so names from
 * the database print as they are. The family list prefers Sarabun and TH
 * Sarabun New, then Loma and Garuda (fonts-thai-tlwg), then sans.
 * The document's metadata: title, author (the department), subject,
 * creator, and the creation and modification dates set to the snapshot's
 * time, so the same data gives the same bytes.
 */

struct brief_options {
	int thai;                  /* Thai (1) or English (0) */
	const char *template_name; /* for the subject line */
	const char *version;       /* didkpi's version, for the creator */
};

/*
 * brief_write() writes the brief of d to f (a binary stream; the caller
 * owns it, and makes it appear atomically: lib/outfile). t gives the
 * title and the department. Returns DK_OK; DK_CANTCREAT after log_error()
 * when writing to f failed; DK_SOFTWARE after log_error() when cairo or
 * memory failed.
 */
int brief_write(FILE *f, const struct template *t, const struct report_data *d,
		const struct brief_options *o);

#endif
