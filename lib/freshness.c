/* Data freshness checks of unattended runs (see freshness.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "freshness.h"
#include "log.h"
#include "status.h"

const char *const freshness_relation[FRESH_COUNT] = {
	"auth_events", "service_requests", "satisfaction"
};
const char *const freshness_column[FRESH_COUNT] = {
	"occurred_at", "submitted_at", "answered_at"
};

static void copy_ts(char dst[FRESH_TS_LEN], const char *src)
{
	snprintf(dst, FRESH_TS_LEN, "%s", src ? src : "");
}

int freshness_gather(struct db *db, const char *tz, struct civil_date start,
		     struct civil_date end, struct freshness *out)
{
	char a[DATE_ISO_LEN], b[DATE_ISO_LEN];
	const char *params[] = { a, b, tz, FRESH_TOLERANCE };
	const char *v;
	PGresult *res;
	int st, i;

	memset(out, 0, sizeof(*out));
	date_format_iso(start, a);
	date_format_iso(end, b);
	if ((st = db_query(db, "freshness.sql#period", 4, params, &res)))
		return st;
	for (i = 0; i < FRESH_COUNT; i++) {
		copy_ts(out->newest[i], db_get(res, 0, 2 * i));
		out->short_[i] = (v = db_get(res, 0, 2 * i + 1)) && !strcmp(v, "true");
		/* the text form sorts as the time does */
		if (strcmp(out->newest[i], out->newest_all) > 0)
			copy_ts(out->newest_all, out->newest[i]);
	}
	out->any = (v = db_get(res, 0, 6)) && !strcmp(v, "true");
	copy_ts(out->until, db_get(res, 0, 7));
	out->checked = 1;
	PQclear(res);
	return DK_OK;
}

int freshness_check(const struct freshness *f, const char *label, unsigned flags)
{
	char which[3 * (FRESH_TS_LEN + 24)] = "";
	size_t n = 0;
	int i, nshort = 0;

	if (!f->any) {
		if (flags & FRESH_ALLOW_EMPTY) {
			log_info("no data in %s (--allow-empty)", label);
			return DK_OK;
		}
		if (f->newest_all[0])
			log_error("no data for %s: no auth_events, service_requests or "
				  "satisfaction record falls in it; the newest record is from %s",
				  label, f->newest_all);
		else
			log_error("no data for %s: auth_events, service_requests and "
				  "satisfaction are all empty", label);
		log_hint("has the data feed stopped? to get zeros anyway, use --allow-empty");
		return DK_DATAERR;
	}
	for (i = 0; i < FRESH_COUNT; i++) {
		if (!f->short_[i])
			continue;
		n += snprintf(which + n, sizeof(which) - n, "%s%s %s", nshort++ ? ", " : "",
			      freshness_relation[i], f->newest[i]);
		if (n >= sizeof(which))
			n = sizeof(which) - 1;
	}
	if (nshort && (flags & FRESH_REQUIRE_COMPLETE))
		log_error("incomplete data for %s: it ends more than %s before %s (newest %s)",
			  label, FRESH_TOLERANCE, f->until, which);
	else if (nshort)
		log_warning("the data of %s may be incomplete: it ends more than %s before %s "
			    "(newest %s)", label, FRESH_TOLERANCE, f->until, which);
	if (nshort && (flags & FRESH_REQUIRE_COMPLETE)) {
		log_hint("load the missing data, or leave out --require-complete to go on "
			 "with a warning");
		return DK_DATAERR;
	}
	return DK_OK;
}

int freshness_period(struct db *db, const char *tz, const struct period *p,
		     unsigned flags, struct freshness *out)
{
	struct freshness f;
	int st;

	if ((st = freshness_gather(db, tz, p->start, p->end, &f)))
		return st;
	if (out)
		*out = f;
	return freshness_check(&f, p->label, flags);
}

/* The services as a text[] literal, each element quoted (a parameter,
 * never SQL text); NULL when memory runs out. */
static char *services_array(const struct compare_request *req)
{
	size_t cap = 3, i, n = 0;
	const char *s;
	char *a;

	for (i = 0; i < req->nservices; i++)
		cap += 2 * strlen(req->services[i]) + 3;
	if (!(a = malloc(cap)))
		return NULL;
	a[n++] = '{';
	for (i = 0; i < req->nservices; i++) {
		if (i)
			a[n++] = ',';
		a[n++] = '"';
		for (s = req->services[i]; *s; s++) {
			if (*s == '"' || *s == '\\')
				a[n++] = '\\';
			a[n++] = *s;
		}
		a[n++] = '"';
	}
	a[n++] = '}';
	a[n] = '\0';
	return a;
}

int freshness_compare(struct db *db, const struct compare_request *req, unsigned flags)
{
	char w[16], r[16], *arr = NULL;
	const char *params[] = { w, r, req->tz, NULL };
	struct civil_date a, b;
	struct freshness f;
	PGresult *res;
	int st, any;

	snprintf(w, sizeof(w), "%d", req->window_months);
	snprintf(r, sizeof(r), "%d", req->ramp_months);
	if (req->services && req->nservices) {
		if (!(arr = services_array(req))) {
			log_error("out of memory");
			return DK_SOFTWARE;
		}
		params[3] = arr;
	}
	st = db_query(db, "freshness.sql#compare", 4, params, &res);
	free(arr);
	if (st)
		return st;
	if (!db_get(res, 0, 0) || date_parse_iso(db_get(res, 0, 0), &a) ||
	    !db_get(res, 0, 1) || date_parse_iso(db_get(res, 0, 1), &b)) {
		PQclear(res);
		return DK_OK;   /* no adopting service: nothing to compare */
	}
	any = !strcmp(db_get(res, 0, 2), "true");
	PQclear(res);
	if ((st = freshness_gather(db, req->tz, a, b, &f)))
		return st;
	if (!any && !(flags & FRESH_ALLOW_EMPTY)) {
		log_error("no data to compare: no adopting service has a request or a survey "
			  "response in its before and after windows%s%s",
			  f.newest_all[0] ? "; the newest record is from " : "", f.newest_all);
		log_hint("has the data feed stopped? to see the windows anyway, use --allow-empty");
		return DK_DATAERR;
	}
	f.any = 1;
	return freshness_check(&f, "the before and after windows", flags);
}
