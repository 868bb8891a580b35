/* Rows with unknown codes in the log relations (see check.h). */
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "log.h"
#include "status.h"

int check_unknown_codes(struct db *db, FILE *out, long *problems)
{
	char nex[16];
	const char *params[] = { nex };
	PGresult *res;
	long n;
	int st, i;

	*problems = 0;
	snprintf(nex, sizeof(nex), "%d", CHECK_EXAMPLES);
	if ((st = db_query(db, "check.sql#unknown_codes", 1, params, &res)))
		return st;
	for (i = 0; i < PQntuples(res); i++) {
		n = strtol(PQgetvalue(res, i, 2), NULL, 10);
		if (!n)
			continue;
		*problems += n;
		fprintf(out, "%s.%s: %ld row%s with an unknown code, e.g. %s\n",
			PQgetvalue(res, i, 0), PQgetvalue(res, i, 1), n, n == 1 ? "" : "s",
			PQgetvalue(res, i, 3));
	}
	PQclear(res);
	return DK_OK;
}

int check_period_warn(struct db *db, const char *tz, const struct period *p)
{
	static const char *const rel[] = { "auth_events", "service_requests", "satisfaction" };
	char a[DATE_ISO_LEN], b[DATE_ISO_LEN];
	const char *params[] = { a, b, tz };
	PGresult *res;
	long n;
	int st, i, any = 0;

	date_format_iso(p->start, a);
	date_format_iso(p->end, b);
	if ((st = db_query(db, "check.sql#unknown_in_period", 3, params, &res)))
		return st;
	for (i = 0; i < 3; i++) {
		n = strtol(PQgetvalue(res, 0, i), NULL, 10);
		if (!n)
			continue;
		any = 1;
		log_warning("%s: %ld row%s of %s %s an unknown service, channel or method code: "
			    "left out of every KPI and breakdown that needs the code's attributes", p->label, n,
			    n == 1 ? "" : "s", rel[i], n == 1 ? "has" : "have");
	}
	if (any)
		log_hint("'didkpi check' lists them; add the codes to the reference tables or fix the rows");
	PQclear(res);
	return DK_OK;
}
