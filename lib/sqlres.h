/* SQL text compiled into the binary from sql/ (see tools/embed-sql.sh). */
#ifndef DIDKPI_SQLRES_H
#define DIDKPI_SQLRES_H

struct sqlres_entry {
	const char *key;  /* "kpi/requests.sql" or "kpi/requests.sql#section" */
	const char *text;
};

extern const struct sqlres_entry sqlres_entries[];

/*
 * sqlres_get() returns the text of a file under sql/ ("schema/001_initial.sql")
 * or of one of its sections ("load.sql#insert": the lines after
 * "-- name: insert" up to the next such line), or NULL if there is none.
 * The text is static; do not free it.
 */
const char *sqlres_get(const char *key);

#endif
