/* Messages for people on stderr. */
#include <stdio.h>
#include <stdlib.h>

#include "format.h"
#include "log.h"
#include "status.h"

int log_verbose;

/* Messages quote file names, headers and codes from the input: control
 * characters in them are shown escaped (\x1b), never sent to the terminal. */
static void log_line(const char *prefix, const char *fmt, va_list ap)
{
	char *msg = NULL;

	/* one line at a time: a report's two threads may both speak */
	flockfile(stderr);
	fputs(prefix, stderr);
	if (vasprintf(&msg, fmt, ap) >= 0) {
		text_escape_write(stderr, msg);
		free(msg);
	} else {
		fputs("(out of memory)", stderr);
	}
	fputc('\n', stderr);
	funlockfile(stderr);
}

void log_verror(const char *fmt, va_list ap)
{
	log_line("didkpi: ", fmt, ap);
}

void log_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line("didkpi: ", fmt, ap);
	va_end(ap);
}

void log_warning(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line("didkpi: warning: ", fmt, ap);
	va_end(ap);
}

void log_detail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line("  detail: ", fmt, ap);
	va_end(ap);
}

void log_hint(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line("  hint: ", fmt, ap);
	va_end(ap);
}

void log_info(const char *fmt, ...)
{
	va_list ap;

	if (!log_verbose)
		return;
	va_start(ap, fmt);
	log_line("didkpi: ", fmt, ap);
	va_end(ap);
}

const char *dk_status_str(enum dk_status st)
{
	switch (st) {
	case DK_OK: return "success";
	case DK_USAGE: return "usage error";
	case DK_DATAERR: return "bad input data";
	case DK_UNAVAILABLE: return "database unavailable";
	case DK_SOFTWARE: return "internal error";
	case DK_CANTCREAT: return "cannot create output";
	case DK_NOPERM: return "permission denied";
	}
	return "unknown status";
}
