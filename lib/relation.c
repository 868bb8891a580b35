/* The relations of the data contract (SPEC section 2) as the loader sees them. */
#include <string.h>

#include "relation.h"

#define COL(n, t, r, c) { n, t, r, c, 0, 0 }

static const struct rel_column services_cols[] = {
	COL("service_code", RT_CODE, 1, RC_NONE),
	COL("name_th", RT_TEXT, 1, RC_NONE),
	COL("name_en", RT_TEXT, 1, RC_NONE),
	COL("owner_unit", RT_TEXT, 1, RC_NONE),
	COL("is_eservice", RT_BOOL, 1, RC_NONE),
	COL("digital_id_since", RT_DATE, 0, RC_NONE),
};

static const struct rel_column channels_cols[] = {
	COL("channel", RT_CODE, 1, RC_NONE),
	COL("name_th", RT_TEXT, 1, RC_NONE),
	COL("name_en", RT_TEXT, 1, RC_NONE),
	COL("is_digital", RT_BOOL, 1, RC_NONE),
};

static const struct rel_column auth_methods_cols[] = {
	COL("method", RT_CODE, 1, RC_NONE),
	COL("name_th", RT_TEXT, 1, RC_NONE),
	COL("name_en", RT_TEXT, 1, RC_NONE),
	COL("is_digital_id", RT_BOOL, 1, RC_NONE),
};

static const struct rel_column auth_events_cols[] = {
	COL("event_id", RT_TEXT, 1, RC_NONE),
	COL("occurred_at", RT_TIMESTAMP, 1, RC_NONE),
	COL("user_key", RT_TEXT, 0, RC_PERSON),
	COL("step", RT_CODE, 1, RC_STEP),
	COL("method", RT_CODE, 1, RC_REF_METHOD),
	COL("outcome", RT_CODE, 1, RC_OUTCOME),
	COL("failure_reason", RT_TEXT, 0, RC_NONE),
	{ "latency_ms", RT_INT, 0, RC_NONE, 0, 2147483647L },
	COL("channel", RT_CODE, 1, RC_REF_CHANNEL),
	COL("service_code", RT_CODE, 0, RC_REF_SERVICE),
};

static const struct rel_column service_requests_cols[] = {
	COL("request_id", RT_TEXT, 1, RC_NONE),
	COL("service_code", RT_CODE, 1, RC_REF_SERVICE),
	COL("user_key", RT_TEXT, 0, RC_PERSON),
	COL("channel", RT_CODE, 1, RC_REF_CHANNEL),
	COL("via_single_window", RT_BOOL, 1, RC_NONE),
	COL("auth_method", RT_CODE, 0, RC_REF_METHOD),
	COL("submitted_at", RT_TIMESTAMP, 1, RC_NONE),
	COL("closed_at", RT_TIMESTAMP, 0, RC_NONE),
	COL("status", RT_CODE, 1, RC_STATUS),
};

static const struct rel_column satisfaction_cols[] = {
	COL("response_id", RT_TEXT, 1, RC_NONE),
	COL("request_id", RT_TEXT, 0, RC_NONE),
	COL("service_code", RT_CODE, 1, RC_REF_SERVICE),
	COL("channel", RT_CODE, 1, RC_REF_CHANNEL),
	COL("answered_at", RT_TIMESTAMP, 1, RC_NONE),
	{ "score", RT_INT, 1, RC_NONE, 1, 5 },
};

static const struct rel_column staff_cols[] = {
	COL("staff_key", RT_TEXT, 1, RC_PERSON),
	COL("unit", RT_TEXT, 1, RC_NONE),
	COL("is_frontline", RT_BOOL, 1, RC_NONE),
	COL("trained_on", RT_DATE, 0, RC_NONE),
};

static const struct rel_column kpi_targets_cols[] = {
	COL("kpi", RT_CODE, 1, RC_NONE),
	COL("valid_from", RT_DATE, 1, RC_NONE),
	COL("valid_to", RT_DATE, 1, RC_NONE),
	COL("target", RT_DECIMAL, 1, RC_NONE),
};

/* closed_at is set iff the request is no longer pending (SPEC section 2). */
static const char *service_requests_row(const char *const *vals)
{
	const char *closed_at = vals[7], *status = vals[8];

	if (!status)
		return NULL;
	if (!strcmp(status, "pending") && closed_at)
		return "a pending request must not have closed_at";
	if (strcmp(status, "pending") && !closed_at)
		return "a request that is not pending must have closed_at";
	return NULL;
}

#define REL(n, pk, chk, fn) \
	{ #n, n##_cols, sizeof(n##_cols) / sizeof(n##_cols[0]), pk, chk, fn }

static const struct relation relations[] = {
	REL(services, 1, NULL, NULL),
	REL(channels, 1, NULL, NULL),
	REL(auth_methods, 1, NULL, NULL),
	REL(auth_events, 1, NULL, NULL),
	REL(service_requests, 1, "load.sql#check_service_requests", service_requests_row),
	REL(satisfaction, 1, NULL, NULL),
	REL(staff, 1, NULL, NULL),
	REL(kpi_targets, 2, "load.sql#check_kpi_targets", NULL),
};

const struct relation *relation_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(relations) / sizeof(relations[0]); i++)
		if (!strcmp(relations[i].name, name))
			return &relations[i];
	return NULL;
}

const char *relation_names(void)
{
	return "services, channels, auth_methods, auth_events, service_requests, "
	       "satisfaction, staff, kpi_targets";
}

int relation_column(const struct relation *rel, const char *name)
{
	int i;

	for (i = 0; i < rel->ncols; i++)
		if (!strcmp(rel->cols[i].name, name))
			return i;
	return -1;
}
