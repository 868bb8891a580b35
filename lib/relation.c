/* The relations of the data contract (SPEC section 2) as the loader sees them. */
#include <stdlib.h>
#include <string.h>

#include "kpi.h"
#include "relation.h"

#define COL(n, t, r, c) { n, t, r, c, 0, 0, 0 }
/* Free text of at most REL_NAME_MAX characters on one line. */
#define NAME(n, r, c) { n, RT_TEXT, r, c, 0, REL_NAME_MAX, 0 }
#define CODE(n, r, c) { n, RT_CODE, r, c, 0, REL_CODE_MAX, 0 }

static const struct rel_column services_cols[] = {
	CODE("service_code", 1, RC_NONE),
	NAME("name_th", 1, RC_NONE),
	NAME("name_en", 1, RC_NONE),
	NAME("owner_unit", 1, RC_NONE),
	COL("is_eservice", RT_BOOL, 1, RC_NONE),
	COL("digital_id_since", RT_DATE, 0, RC_NONE),
};

static const struct rel_column channels_cols[] = {
	CODE("channel", 1, RC_NONE),
	NAME("name_th", 1, RC_NONE),
	NAME("name_en", 1, RC_NONE),
	COL("is_digital", RT_BOOL, 1, RC_NONE),
};

static const struct rel_column auth_methods_cols[] = {
	CODE("method", 1, RC_NONE),
	NAME("name_th", 1, RC_NONE),
	NAME("name_en", 1, RC_NONE),
	COL("is_digital_id", RT_BOOL, 1, RC_NONE),
};

static const struct rel_column auth_events_cols[] = {
	NAME("event_id", 1, RC_NONE),
	COL("occurred_at", RT_TIMESTAMP, 1, RC_NONE),
	NAME("user_key", 0, RC_PERSON),
	CODE("step", 1, RC_STEP),
	CODE("method", 1, RC_REF_METHOD),
	CODE("outcome", 1, RC_OUTCOME),
	{ "failure_reason", RT_TEXT, 0, RC_NONE, 0, REL_REASON_MAX, 1 },
	{ "latency_ms", RT_INT, 0, RC_NONE, 0, 2147483647L, 0 },
	CODE("channel", 1, RC_REF_CHANNEL),
	CODE("service_code", 0, RC_REF_SERVICE),
};

static const struct rel_column service_requests_cols[] = {
	NAME("request_id", 1, RC_NONE),
	CODE("service_code", 1, RC_REF_SERVICE),
	NAME("user_key", 0, RC_PERSON),
	CODE("channel", 1, RC_REF_CHANNEL),
	COL("via_single_window", RT_BOOL, 1, RC_NONE),
	CODE("auth_method", 0, RC_REF_METHOD),
	COL("submitted_at", RT_TIMESTAMP, 1, RC_NONE),
	COL("closed_at", RT_TIMESTAMP, 0, RC_NONE),
	CODE("status", 1, RC_STATUS),
};

static const struct rel_column satisfaction_cols[] = {
	NAME("response_id", 1, RC_NONE),
	NAME("request_id", 0, RC_NONE),
	CODE("service_code", 1, RC_REF_SERVICE),
	CODE("channel", 1, RC_REF_CHANNEL),
	COL("answered_at", RT_TIMESTAMP, 1, RC_NONE),
	{ "score", RT_INT, 1, RC_NONE, 1, 5, 0 },
};

static const struct rel_column staff_cols[] = {
	NAME("staff_key", 1, RC_PERSON),
	NAME("unit", 1, RC_NONE),
	COL("is_frontline", RT_BOOL, 1, RC_NONE),
	COL("trained_on", RT_DATE, 0, RC_NONE),
};

static const struct rel_column kpi_targets_cols[] = {
	CODE("kpi", 1, RC_KPI),
	COL("valid_from", RT_DATE, 1, RC_NONE),
	COL("valid_to", RT_DATE, 1, RC_NONE),
	COL("target", RT_DECIMAL, 1, RC_NONE),
};

static const struct rel_column channel_costs_cols[] = {
	CODE("channel", 1, RC_REF_CHANNEL),
	CODE("service_code", 0, RC_REF_SERVICE),
	COL("valid_from", RT_DATE, 1, RC_NONE),
	COL("valid_to", RT_DATE, 1, RC_NONE),
	COL("cost_thb", RT_DECIMAL, 1, RC_NONE),
	{ "source", RT_TEXT, 0, RC_NONE, 0, REL_REASON_MAX, 0 },
};

/* A cost is at least 0 baht; its validity must not end before it starts
 * (overlaps need the other rows: load.sql#check_channel_costs). */
static const char *channel_costs_row(const char *const *vals)
{
	const char *from = vals[2], *to = vals[3], *cost = vals[4];

	if (from && to && strcmp(to, from) < 0)
		return "valid_to is before valid_from";
	/* valid_decimal() has checked the text: strtod reads it whole. */
	if (cost && strtod(cost, NULL) < 0)
		return "column 'cost_thb': must be at least 0 (baht per completed transaction)";
	return NULL;
}

/* A target is a share for a rate, a score for the mean score, else at
 * least 0; its validity must not end before it starts (SPEC section 4). */
static const char *kpi_targets_row(const char *const *vals)
{
	const char *kpi = vals[0], *from = vals[1], *to = vals[2], *target = vals[3];
	int k = kpi ? kpi_find(kpi) : -1;
	double t;

	if (from && to && strcmp(to, from) < 0)
		return "valid_to is before valid_from";
	if (!target || k < 0)
		return NULL;
	/* valid_decimal() has checked the text: strtod reads it whole. */
	t = strtod(target, NULL);
	if (t < 0)
		return "column 'target': must be at least 0";
	if (kpi_defs[k].kind == KIND_RATE && t > 1)
		return "column 'target': a rate's target is a fraction from 0 to 1 (0.8, not 80)";
	if (kpi_defs[k].kind == KIND_MEAN && (t < 1 || t > 5))
		return "column 'target': a mean score's target is from 1 to 5";
	return NULL;
}

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
	REL(kpi_targets, 2, "load.sql#check_kpi_targets", kpi_targets_row),
	/* key (channel, service_code, valid_from); a NULL service is the default */
	REL(channel_costs, 3, "load.sql#check_channel_costs", channel_costs_row),
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
	       "satisfaction, staff, kpi_targets, channel_costs";
}

int relation_column(const struct relation *rel, const char *name)
{
	int i;

	for (i = 0; i < rel->ncols; i++)
		if (!strcmp(rel->cols[i].name, name))
			return i;
	return -1;
}
