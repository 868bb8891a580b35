/* Messages for people on stderr: "didkpi: what went wrong: why". */
#ifndef DIDKPI_LOG_H
#define DIDKPI_LOG_H

#include <stdarg.h>

/*
 * log_error() prints "didkpi: <message>" and a newline on stderr.
 * Messages are lower case, with no trailing period; name the file and line
 * where there is one ("didkpi: x.csv:12: column 'score': ...").
 * log_detail() and log_hint() add an indented "detail:"/"hint:" line.
 * log_info() prints only when log_verbose is set (commands' -v).
 */
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_detail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_hint(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* log_verror() is log_error() with a va_list. Every message shows control
 * characters escaped (\x1b, \t, \n), UTF-8 text as is. */
void log_verror(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

extern int log_verbose;

#endif
