/* Exit statuses and the library's error codes (SPEC section 9, sysexits.h). */
#ifndef DIDKPI_STATUS_H
#define DIDKPI_STATUS_H

/*
 * One enum serves both as the library's error code and as the process exit
 * status, so a failure keeps its meaning all the way up to main().
 * Never reuse a value for a different meaning.
 */
enum dk_status {
	DK_OK = 0,           /* success */
	DK_USAGE = 64,       /* bad command line: unknown option, bad period */
	DK_DATAERR = 65,     /* bad input data: rejected rows, bad template */
	DK_UNAVAILABLE = 69, /* database unavailable */
	DK_SOFTWARE = 70,    /* internal error, unexpected server error */
	DK_CANTCREAT = 73,   /* cannot create or write an output file */
	DK_NOPERM = 77       /* permission denied: a missing database privilege */
};

/* Short lower-case name of a status, for messages ("bad input data"). */
const char *dk_status_str(enum dk_status st);

#endif
