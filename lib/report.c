/* The data of a workbook, gathered in one snapshot (see report.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "report.h"
#include "sibling.h"
#include "status.h"

int report_trend_months(const struct period *p, struct civil_date today, int min_months,
			struct period **out, size_t *n)
{
	struct civil_date last = date_add_days(p->end, -1), start, end, month_end;
	struct period span;

	*out = NULL;
	*n = 0;
	/* the fiscal year of the period's last day starts on 1 October */
	start = (struct civil_date){ period_fiscal_year_of(last) - 544, 10, 1 };
	/* whole months: from the first of the month the period ends in */
	end = date_add_months((struct civil_date){ last.year, last.month, 1 }, 1);
	if (min_months > 0) {
		struct civil_date least = date_add_months(end, -min_months);

		if (date_cmp(least, start) < 0)
			start = least;
	}
	month_end = date_add_months((struct civil_date){ today.year, today.month, 1 }, 1);
	if (date_cmp(end, month_end) > 0)
		end = month_end;
	if (date_cmp(start, end) >= 0)
		return DK_OK;
	span = period_range(start, end);
	return period_split(&span, INTERVAL_MONTH, out, n);
}

const struct kpi_row *report_find(const struct kpi_result *r, size_t p, enum kpi_id k,
				  enum breakdown bd, const char *key)
{
	size_t i;

	if (!r)
		return NULL;
	for (i = 0; i < r->nrows; i++) {
		const struct kpi_row *row = &r->rows[i];

		if (row->period == p && row->kpi == k && row->bd == bd &&
		    (bd == BD_ALL || (row->key && key && !strcmp(row->key, key))))
			return row;
	}
	return NULL;
}

/* strdup that keeps NULL. */
static int copy_str(const char *s, char **out)
{
	*out = NULL;
	if (!s)
		return 0;
	*out = strdup(s);
	return *out ? 0 : -1;
}

static int gather_snapshot(struct db *db, const struct report_request *req,
			   struct report_data *d)
{
	const char *params[] = { req->tz };
	PGresult *res;
	int st;

	if ((st = db_query(db, "report.sql#snapshot", 1, params, &res)))
		return st;
	snprintf(d->snapshot, sizeof(d->snapshot), "%s", db_get(res, 0, 0));
	snprintf(d->snapshot_offset, sizeof(d->snapshot_offset), "%s", db_get(res, 0, 2));
	st = copy_str(db_get(res, 0, 1), &d->database) ? DK_SOFTWARE : DK_OK;
	PQclear(res);
	return st;
}

static int gather_services(struct db *db, struct report_data *d)
{
	PGresult *res;
	int st, i, n;

	if ((st = db_query(db, "report.sql#services", 0, NULL, &res)))
		return st;
	n = PQntuples(res);
	d->services = calloc((size_t)n + 1, sizeof(*d->services));
	if (!d->services) {
		PQclear(res);
		return DK_SOFTWARE;
	}
	for (i = 0; i < n; i++) {
		struct report_service *s = &d->services[i];
		const char *since = db_get(res, i, 5);

		d->nservices++;
		if (copy_str(db_get(res, i, 0), &s->code) || copy_str(db_get(res, i, 1), &s->name_th) ||
		    copy_str(db_get(res, i, 2), &s->name_en) || copy_str(db_get(res, i, 3), &s->unit)) {
			PQclear(res);
			return DK_SOFTWARE;
		}
		s->is_eservice = !strcmp(db_get(res, i, 4), "true");
		s->has_since = since && date_parse_iso(since, &s->since) == 0;
	}
	PQclear(res);
	return DK_OK;
}

static int gather_reasons(struct db *db, const struct report_request *req, int top,
			  struct report_data *d)
{
	char start[DATE_ISO_LEN], end[DATE_ISO_LEN], limit[16];
	const char *params[] = { start, end, req->tz, limit };
	PGresult *res;
	int st, i, n;

	date_format_iso(d->period.start, start);
	date_format_iso(d->period.end, end);
	snprintf(limit, sizeof(limit), "%d", top);
	if ((st = db_query(db, "report.sql#failure_reasons", 4, params, &res)))
		return st;
	n = PQntuples(res);
	d->reasons = calloc((size_t)n + 1, sizeof(*d->reasons));
	if (!d->reasons) {
		PQclear(res);
		return DK_SOFTWARE;
	}
	for (i = 0; i < n; i++) {
		struct report_reason *r = &d->reasons[i];

		d->nreasons++;
		if (copy_str(db_get(res, i, 0), &r->step) || copy_str(db_get(res, i, 1), &r->method) ||
		    copy_str(db_get(res, i, 2), &r->name_th) || copy_str(db_get(res, i, 3), &r->name_en) ||
		    copy_str(db_get(res, i, 5), &r->reason)) {
			PQclear(res);
			return DK_SOFTWARE;
		}
		r->digital_id = !strcmp(db_get(res, i, 4), "true");
		r->n = strtod(db_get(res, i, 6), NULL);
		r->failures = strtod(db_get(res, i, 7), NULL);
		/* failures are events of people: the small-cell rule of kpi */
		r->suppressed = req->min_cell > 0 && r->n >= 1 && r->n < (double)req->min_cell;
	}
	PQclear(res);
	return DK_OK;
}

/*
 * The rows of periods at[0..np-1] of t, renumbered 0..np-1, as a result for
 * periods ps[0..np-1]; with last, the final period's rows are instead the
 * "all" rows of last's period 0. It borrows the strings of t and last (no
 * store of its own), so it is freed before them. NULL when memory runs
 * out.
 */
static struct kpi_result *kpi_slice(const struct kpi_result *t, const size_t *at,
				    const struct period *ps, size_t np,
				    const struct kpi_result *last)
{
	size_t nt = last ? np - 1 : np, n = 0, i, p;
	struct kpi_result *r;

	for (i = 0; i < t->nrows; i++)
		for (p = 0; p < nt; p++)
			n += t->rows[i].period == at[p];
	for (i = 0; last && i < last->nrows; i++)
		n += last->rows[i].period == 0 && last->rows[i].bd == BD_ALL;
	if (!(r = calloc(1, sizeof(*r))) || !(r->periods = calloc(np ? np : 1, sizeof(*r->periods))) ||
	    !(r->rows = calloc(n ? n : 1, sizeof(*r->rows)))) {
		kpi_result_free(r);
		return NULL;
	}
	memcpy(r->periods, ps, np * sizeof(*ps));
	r->nperiods = np;
	for (p = 0; p < nt; p++)
		for (i = 0; i < t->nrows; i++)
			if (t->rows[i].period == at[p]) {
				r->rows[r->nrows] = t->rows[i];
				r->rows[r->nrows++].period = p;
			}
	for (i = 0; last && i < last->nrows; i++)
		if (last->rows[i].period == 0 && last->rows[i].bd == BD_ALL) {
			r->rows[r->nrows] = last->rows[i];
			r->rows[r->nrows++].period = np - 1;
		}
	return r;
}

/*
 * Whether the trend's last month is the report's period itself: its
 * KPIs then come from the period's (d->cur, computed on the other
 * connection in the same snapshot, so the same numbers) instead of being
 * computed twice. At 10 M events that month's share of the trend is
 * about 0.25 s of server time.
 */
static int trend_ends_with_period(const struct report_data *d)
{
	const struct period *m = d->nmonths >= 2 ? &d->months[d->nmonths - 1] : NULL;

	return m && !date_cmp(m->start, d->period.start) && !date_cmp(m->end, d->period.end);
}

/* d->trend: the slices of d->kpi_all, the last month from d->cur when
 * trend_ends_with_period(). */
static int trend_slice(struct report_data *d)
{
	const struct kpi_result *last = trend_ends_with_period(d) ? d->cur : NULL;
	size_t *idx = malloc((d->nmonths ? d->nmonths : 1) * sizeof(*idx)), i;

	if (idx) {
		for (i = 0; i < d->nmonths; i++)
			idx[i] = i;
		d->trend = kpi_slice(d->kpi_all, idx, d->months, d->nmonths, last);
	}
	free(idx);
	if (!d->trend) {
		log_error("out of memory");
		return DK_SOFTWARE;
	}
	return DK_OK;
}

/*
 * The trend's months (but a last one that is the period, above) and the
 * previous period and the one a year before (np of them, all without
 * breakdown) in one kpi_compute(): the day rollups and raw rows of a month
 * are read once even when it is both in the trend and the previous month,
 * and the month a year before usually adjoins the trend. d->past is a
 * slice of d->kpi_all; d->trend is sliced by trend_slice() once the
 * period's KPIs are there too.
 */
static int trend_and_past(struct db *db, struct kpi_request *kr, struct report_data *d,
			  const struct period *past, size_t np)
{
	size_t nm = d->nmonths - (size_t)trend_ends_with_period(d), n = nm + np, i, at[2];
	struct period *ps = malloc((n ? n : 1) * sizeof(*ps));
	int st = DK_SOFTWARE;

	if (!ps)
		goto out;
	memcpy(ps, d->months, nm * sizeof(*ps));
	memcpy(ps + nm, past, np * sizeof(*ps));
	for (i = 0; i < np; i++)
		at[i] = nm + i;
	kr->periods = ps;
	kr->nperiods = n;
	if ((st = kpi_compute(db, kr, &d->kpi_all)))
		goto out;
	st = DK_SOFTWARE;
	if (np && !(d->past = kpi_slice(d->kpi_all, at, past, np, NULL)))
		goto out;
	st = DK_OK;
out:
	if (st == DK_SOFTWARE)
		log_error("out of memory");
	free(ps);
	return st;
}

const enum kpi_id report_its_kpis[REPORT_ITS_KPIS] = {
	KPI_DIGITAL_CHANNEL_RATE, KPI_SERVICE_TIME_MEDIAN,
};

/* The effects of every outcome with the defaults of 'didkpi effects'. */
static int gather_effects(struct db *db, const struct report_request *req,
			  struct report_data *d)
{
	const struct effects_options def = EFFECTS_OPTIONS_DEFAULT;
	int st;

	d->eff_opt = def;
	log_info("computing the event study (didkpi effects)");
	/* too little data (said on stderr) leaves the sheet with a note,
	 * not the whole workbook undone */
	if ((st = effects_load(db, req->tz, &d->effects)) == DK_DATAERR)
		return DK_OK;
	if (st)
		return st;
	for (int o = 0; o < EFF_OUTCOME_COUNT; o++) {
		struct effects_panel p;

		effects_panel_of(d->effects, (enum effects_outcome)o, &p);
		if ((st = effects_estimate(&p, &d->eff_opt, &d->eff[o])))
			return st;
	}
	return DK_OK;
}

/* The months of 'didkpi its' without --period (cmd/its.c default_span()):
 * every whole month from the first day with data, before the current one. */
static int its_span(struct db *db, const char *tz, struct period *out)
{
	const char *params[1] = { tz };
	struct civil_date first, last, today, end;
	PGresult *res = NULL;
	int st;

	if ((st = db_query(db, "its.sql#span", 1, params, &res)))
		return st;
	if (!db_get(res, 0, 0) || date_parse_iso(db_get(res, 0, 0), &first) ||
	    date_parse_iso(db_get(res, 0, 1), &last) || date_parse_iso(db_get(res, 0, 2), &today)) {
		PQclear(res);
		return DK_DATAERR;
	}
	PQclear(res);
	if (first.day != 1) {
		first.day = 1;
		first = date_add_months(first, 1);
	}
	end = date_add_days(last, 1);
	if (end.day != 1)
		end = (struct civil_date){ last.year, last.month, 1 };
	today.day = 1;
	if (date_cmp(end, today) > 0)
		end = today;
	if (date_cmp(first, end) >= 0)
		return DK_DATAERR;
	*out = period_range(first, end);
	return DK_OK;
}

/* Fits one series of the ITS sheet as 'didkpi its --kpi K --service S'. */
static int its_fit_one(struct report_data *d, const struct kpi_result *res,
		       struct report_its *it)
{
	size_t n = d->nits_months, i;
	long at = date_to_days(it->svc->since);
	double *y = calloc(n, sizeof(*y));
	int *month = calloc(n, sizeof(*month));
	unsigned char *omit = calloc(n, 1);
	struct its_input in;
	int st = DK_OK;

	if (!y || !month || !omit) {
		st = DK_SOFTWARE;
		goto out;
	}
	if (at <= date_to_days(d->its_months[0].start) ||
	    at >= date_to_days(d->its_months[n - 1].end)) {
		snprintf(it->why, sizeof(it->why), "the adoption date is not inside the months");
		goto out;
	}
	/* a month that begins on the date is the first after; one that
	 * contains it otherwise is a transition month, left out */
	for (i = 0; i < n; i++) {
		long s = date_to_days(d->its_months[i].start), e = date_to_days(d->its_months[i].end);

		y[i] = NAN;
		month[i] = d->its_months[i].start.month;
		if (at == s) {
			it->t0 = i;
		} else if (at > s && at < e) {
			omit[i] = 1;
			it->t0 = i + 1;
		}
	}
	for (i = 0; i < res->nrows; i++) {
		const struct kpi_row *row = &res->rows[i];

		if (row->kpi == it->kpi && row->bd == BD_SERVICE && row->key &&
		    !strcmp(row->key, it->svc->code) && row->period < n && !row->suppressed &&
		    row->value.set)
			y[row->period] = row->value.v;
	}
	in = (struct its_input){ .y = y, .month = month, .omit = omit, .n = n, .t0 = it->t0,
				 .seasonal = 0, .lag = -1, .level = 0.95 };
	st = its_model_fit(&in, &it->fit);
	if (st == DK_DATAERR) {
		st = DK_OK;
		snprintf(it->why, sizeof(it->why), "cannot be estimated: %zu months with a value, "
			 "%zu before and %zu after", it->fit.nobs, it->fit.n_pre, it->fit.n_post);
		goto out;
	}
	if (st)
		goto out;
	it->ok = 1;
	if (it->fit.n_pre < ITS_SHORT_SIDE || it->fit.n_post < ITS_SHORT_SIDE)
		snprintf(it->warning, sizeof(it->warning),
			 "short series: %zu months before and %zu after (fewer than %d on a side)",
			 it->fit.n_pre, it->fit.n_post, ITS_SHORT_SIDE);
out:
	free(y);
	free(month);
	free(omit);
	return st;
}

/* The ITS sheet: every service with an adoption date, each KPI of
 * report_its_kpis, over the months of 'didkpi its' by default. */
static int gather_its(struct db *db, const struct report_request *req, struct report_data *d)
{
	struct kpi_request kr = { .tz = req->tz, .min_cell = req->min_cell };
	struct kpi_result *res = NULL;
	struct period span;
	size_t i, n = 0;
	int st;

	for (i = 0; i < d->nservices; i++)
		n += d->services[i].has_since;
	if (!n)
		return DK_OK;
	if ((st = its_span(db, req->tz, &span)) == DK_DATAERR)
		return DK_OK; /* no whole month: an empty sheet says so */
	if (st || (st = period_split(&span, INTERVAL_MONTH, &d->its_months, &d->nits_months)))
		return st;
	if (!(d->its = calloc(n * REPORT_ITS_KPIS, sizeof(*d->its))))
		return DK_SOFTWARE;
	for (int k = 0; k < REPORT_ITS_KPIS; k++)
		kr.kpis |= 1u << report_its_kpis[k];
	kr.by[0] = BD_SERVICE;
	kr.nby = 1;
	kr.periods = d->its_months;
	kr.nperiods = d->nits_months;
	log_info("computing the interrupted time series (%zu services, %zu months)", n,
		 d->nits_months);
	if ((st = kpi_compute(db, &kr, &res)))
		return st;
	for (i = 0; i < d->nservices && !st; i++) {
		if (!d->services[i].has_since)
			continue;
		for (int k = 0; k < REPORT_ITS_KPIS && !st; k++) {
			struct report_its *it = &d->its[d->nits++];

			it->svc = &d->services[i];
			it->kpi = report_its_kpis[k];
			st = its_fit_one(d, res, it);
		}
	}
	kpi_result_free(res);
	return st;
}

/* Adds b to req's breakdowns once. */
static void want_breakdown(struct kpi_request *kr, enum breakdown b)
{
	for (int i = 0; i < kr->nby; i++)
		if (kr->by[i] == b)
			return;
	kr->by[kr->nby++] = b;
}

/* The first connection's share of report_gather(): the trend, the past
 * periods, the adoption markers, the method mix and the failure reasons. */
static int gather_trend(struct db *db, const struct report_request *req, struct kpi_request *kr,
			struct report_data *d, int need_trend, int need_methods, int top)
{
	struct period past[2];
	size_t np;
	int st;

	if (need_trend || need_methods) {
		if ((st = report_trend_months(&d->period, req->today, req->trend_months,
					      &d->months, &d->nmonths)))
			return st;
	}
	kr->nby = 0;
	past[0] = d->previous;
	past[1] = d->year_ago;
	np = period_valid(&past[1]) ? 2 : period_valid(&past[0]) ? 1 : 0;
	if (need_trend && d->nmonths) {
		log_info("computing the monthly trend (%zu months) and the past periods", d->nmonths);
		if ((st = trend_and_past(db, kr, d, past, np)))
			return st;
		if ((st = chartdata_markers(db, d->months[0].start, d->months[d->nmonths - 1].end,
					    NULL, 0, &d->markers)))
			return st;
	} else if (np) {
		kr->periods = past;
		kr->nperiods = np;
		if ((st = kpi_compute(db, kr, &d->past)))
			return st;
	}
	if (need_methods && d->nmonths) {
		struct chartdata_query q = { d->months, d->nmonths, req->tz, NULL, 0 };

		if ((st = chartdata_methods(db, &q, &d->methods)))
			return st;
	}
	if (top && (st = gather_reasons(db, req, top, d)))
		return st;
	return DK_OK;
}

/*
 * The other share, the period's KPIs and the before/after comparison, runs
 * on a second connection in the same snapshot (lib/sibling.h) while the
 * first computes the trend: their queries need nothing of each other. A
 * workbook at 1 M events: 0.95 s -> 0.8 s (bench/README.md).
 */
struct side {
	struct kpi_request kr;     /* the period's */
	struct compare_request cr;
	int need_compare;
	struct report_data *d;     /* the side sets d->cur and d->compare only */
	struct kpi_share *share;   /* the trend's pool, NULL when run on the
				      first connection */
};

static int side_work(struct db *db, void *arg)
{
	struct side *s = arg;
	int st;

	log_info("computing the KPIs of %s", s->d->period.label);
	if ((st = kpi_compute(db, &s->kr, &s->d->cur)))
		return st;
	if (s->need_compare) {
		log_info("computing before and after Digital ID");
		if ((st = compare_compute(db, &s->cr, &s->d->compare)))
			return st;
	}
	/* its own work done, the trend's families that the first connection
	 * has not begun, from the last (kpi.h) */
	return s->share ? kpi_share_help(db, s->share) : DK_OK;
}

int report_gather(struct db *db, const struct report_request *req, struct report_data **out)
{
	const struct template *t = req->tpl;
	struct kpi_request kr = { .tz = req->tz, .min_cell = req->min_cell };
	struct side side = { 0 };
	struct sibling *sib = NULL;
	struct kpi_share *share = NULL;
	struct report_data *d;
	int st, need_trend = 0, need_compare = 0, need_methods = 0, top = 0;
	int need_effects = 0, need_its = 0;
	size_t i;

	*out = NULL;
	if (!(d = calloc(1, sizeof(*d))))
		return DK_SOFTWARE;
	d->period = req->period;
	d->previous = period_previous(&req->period);
	d->year_ago = period_year_ago(&req->period);
	for (i = 0; i < t->nsheets; i++) {
		const struct tpl_sheet *sh = &t->sheets[i];

		switch (sh->type) {
		case TPL_SHEET_TREND:
			need_trend = 1;
			break;
		case TPL_SHEET_COMPARE:
			need_compare = 1;
			break;
		case TPL_SHEET_AUTH:
			want_breakdown(&kr, BD_METHOD);
			if (sh->top > top)
				top = sh->top;
			for (size_t c = 0; c < sh->ncharts; c++)
				if (sh->charts[c]->type == TPL_CHART_STACKED)
					need_methods = 1;
			break;
		case TPL_SHEET_IMPROVE:
			want_breakdown(&kr, BD_SERVICE);
			break;
		case TPL_SHEET_TRAINING:
			want_breakdown(&kr, BD_UNIT);
			break;
		case TPL_SHEET_BREAKDOWN:
		case TPL_SHEET_DATA:
			for (int b = 0; b < sh->nby; b++)
				want_breakdown(&kr, sh->by[b]);
			break;
		case TPL_SHEET_EFFECTS:
			need_effects = 1;
			break;
		case TPL_SHEET_ITS:
			need_its = 1;
			break;
		default:
			break;
		}
	}
	if (req->want_all) {
		need_trend = need_compare = need_methods = 1;
		want_breakdown(&kr, BD_METHOD);
		want_breakdown(&kr, BD_SERVICE);
		if (top < 10)
			top = 10;
	}
	/* the snapshot begins with its first query: note its time first */
	if ((st = gather_snapshot(db, req, d)) || (st = gather_services(db, d)))
		goto out;
	if (req->fresh)
		d->fresh = *req->fresh;
	else if ((st = freshness_gather(db, req->tz, req->period.start, req->period.end,
					&d->fresh)))
		goto out;

	kr.periods = &d->period;
	kr.nperiods = 1;
	side.kr = kr;
	side.d = d;
	side.need_compare = need_compare;
	/* the period's unknown codes: counted by its kpi_compute() first */
	side.kr.warn = req->warn_unknown ? &d->period : NULL;
	side.cr.tz = req->tz;
	side.cr.window_months = req->window_months;
	if (req->jobs > 1 && (need_compare || need_trend)) {
		if (need_trend && !(share = kpi_share_new())) {
			st = DK_SOFTWARE;
			goto out;
		}
		side.share = share;
		if ((st = sibling_start(db, req->tz, side_work, &side, &sib)))
			goto out;
	}
	if (!sib) {
		side.share = NULL;   /* here, before the trend: nothing to help */
		if ((st = side_work(db, &side)))
			goto out;
	}
	kr.share = sib ? share : NULL;
	st = gather_trend(db, req, &kr, d, need_trend, need_methods, top);
	kr.share = NULL;
	if (sib) {
		kpi_share_close(share);   /* before the wait, on every path */
		st = sibling_finish(db, sib, st);
	}
	if (st)
		goto out;
	if (d->kpi_all && (st = trend_slice(d)))
		goto out;
	if (need_effects && (st = gather_effects(db, req, d)))
		goto out;
	if (need_its && (st = gather_its(db, req, d)))
		goto out;
	if ((st = report_rank(d)))
		goto out;
	{
		const char *params[] = { req->tz };
		PGresult *res;

		if ((st = db_query(db, "report.sql#now", 1, params, &res)))
			goto out;
		snprintf(d->generated, sizeof(d->generated), "%s", db_get(res, 0, 0));
		PQclear(res);
	}
	*out = d;
	d = NULL;
out:
	kpi_share_free(share);
	if (st == DK_SOFTWARE && d)
		log_error("cannot gather the report's data");
	report_data_free(d);
	return st;
}

/* A row's value when it is set and not suppressed. */
static int usable(const struct kpi_row *r, double *v)
{
	if (!r || r->suppressed || !r->value.set || !isfinite(r->value.v))
		return 0;
	*v = r->value.v;
	return 1;
}

static double clamp01(double x)
{
	return x < 0 || !isfinite(x) ? 0 : x > 1 ? 1 : x;
}

static int rank_cmp(const void *pa, const void *pb)
{
	const struct report_rank *a = pa, *b = pb;

	if (a->score != b->score)
		return a->score < b->score ? 1 : -1;
	if (a->requests != b->requests)
		return a->requests < b->requests ? 1 : -1;
	return strcmp(a->svc->code, b->svc->code);
}

int report_rank(struct report_data *d)
{
	double dept_digital = 0, dept_time = 0, dept_sat = 0, v = 0;
	int has_digital, has_time, has_sat;
	size_t i;

	free(d->ranks);
	d->ranks = NULL;
	d->nranks = 0;
	if (!d->cur || !d->nservices)
		return DK_OK;
	if (!(d->ranks = calloc(d->nservices, sizeof(*d->ranks))))
		return DK_SOFTWARE;
	has_digital = usable(report_find(d->cur, 0, KPI_DIGITAL_CHANNEL_RATE, BD_ALL, NULL),
			     &dept_digital) && dept_digital > 0;
	has_time = usable(report_find(d->cur, 0, KPI_SERVICE_TIME_MEDIAN, BD_ALL, NULL),
			  &dept_time) && dept_time > 0;
	has_sat = usable(report_find(d->cur, 0, KPI_SATISFACTION_MEAN, BD_ALL, NULL),
			 &dept_sat) && dept_sat > 0;
	for (i = 0; i < d->nservices; i++) {
		const struct report_service *s = &d->services[i];
		const struct kpi_row *req = report_find(d->cur, 0, KPI_REQUESTS, BD_SERVICE, s->code);
		const struct kpi_row *dig = report_find(d->cur, 0, KPI_DIGITAL_CHANNEL_RATE,
							BD_SERVICE, s->code);
		const struct kpi_row *tim = report_find(d->cur, 0, KPI_SERVICE_TIME_MEDIAN,
							BD_SERVICE, s->code);
		const struct kpi_row *sat = report_find(d->cur, 0, KPI_SATISFACTION_MEAN,
							BD_SERVICE, s->code);
		struct report_rank *r;
		double best = 0;

		/* a service with no requests (or a suppressed count) has
		 * nothing to rank */
		if (!req || req->suppressed || !req->value.set || !(req->value.v > 0))
			continue;
		r = &d->ranks[d->nranks++];
		r->svc = s;
		r->requests = req->value.v;
		r->worst = -1;
		if (usable(dig, &v)) {
			r->digital = (struct kpi_num){ 1, v };
			if (has_digital)
				r->gap_digital = clamp01((dept_digital - v) / dept_digital);
		}
		if (usable(tim, &v)) {
			r->time = (struct kpi_num){ 1, v };
			if (has_time)
				r->gap_time = clamp01((v - dept_time) / dept_time);
		}
		if (usable(sat, &v)) {
			r->satisfaction = (struct kpi_num){ 1, v };
			if (has_sat)
				r->gap_satisfaction = clamp01((dept_sat - v) / dept_sat);
		}
		r->score = (r->gap_digital + r->gap_time + r->gap_satisfaction) / 3 * 100;
		if (r->gap_digital > best)
			best = r->gap_digital, r->worst = 0;
		if (r->gap_time > best)
			best = r->gap_time, r->worst = 1;
		if (r->gap_satisfaction > best)
			r->worst = 2;
	}
	qsort(d->ranks, d->nranks, sizeof(*d->ranks), rank_cmp);
	return DK_OK;
}

void report_data_free(struct report_data *d)
{
	size_t i;

	if (!d)
		return;
	free(d->months);
	free(d->database);
	kpi_result_free(d->cur);
	kpi_result_free(d->past);
	kpi_result_free(d->trend);
	kpi_result_free(d->kpi_all);  /* after its slices */
	effects_data_free(d->effects);
	for (i = 0; i < EFF_OUTCOME_COUNT; i++)
		effects_result_free(d->eff[i]);
	free(d->its_months);
	free(d->its);
	chartdata_free(d->methods);
	chartdata_services_free(d->markers);
	compare_result_free(d->compare);
	for (i = 0; i < d->nservices; i++) {
		free(d->services[i].code);
		free(d->services[i].name_th);
		free(d->services[i].name_en);
		free(d->services[i].unit);
	}
	free(d->services);
	for (i = 0; i < d->nreasons; i++) {
		free(d->reasons[i].step);
		free(d->reasons[i].method);
		free(d->reasons[i].name_th);
		free(d->reasons[i].name_en);
		free(d->reasons[i].reason);
	}
	free(d->reasons);
	free(d->ranks);
	free(d);
}

/* The words for a failure reason code; an unknown code is shown as it is. */
const char *report_reason_text(const char *reason, int thai)
{
	static const char *const names[][3] = {
		{ "wrong_password", "รหัสผ่านไม่ถูกต้อง", "wrong password" },
		{ "timeout", "หมดเวลา", "timed out" },
		{ "user_cancelled", "ผู้ใช้ยกเลิก", "cancelled by the user" },
		{ "network_error", "เครือข่ายขัดข้อง", "network error" },
		{ "face_mismatch", "ใบหน้าไม่ตรงกัน", "face did not match" },
		{ "otp_expired", "รหัส OTP หมดอายุ", "OTP expired" },
		{ "otp_wrong", "รหัส OTP ไม่ถูกต้อง", "wrong OTP" },
		{ "card_expired", "บัตรประชาชนหมดอายุ", "ID card expired" },
		{ "card_read_error", "อ่านชิปบัตรไม่ได้", "card could not be read" },
		{ "liveness_failed", "ตรวจสอบความมีชีวิตไม่ผ่าน", "liveness check failed" },
		{ "fingerprint_mismatch", "ลายนิ้วมือไม่ตรงกัน", "fingerprint did not match" },
		{ "iris_mismatch", "ม่านตาไม่ตรงกัน", "iris did not match" },
		{ "account_locked", "บัญชีถูกระงับชั่วคราว", "account locked" },
	};

	if (!reason)
		return thai ? "(ไม่ระบุสาเหตุ)" : "(no reason recorded)";
	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
		if (!strcmp(names[i][0], reason))
			return names[i][thai ? 1 : 2];
	return reason;
}
