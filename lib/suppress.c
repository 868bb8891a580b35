/* Complementary small-cell suppression (the rule is in suppress.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "suppress.h"

/* The measures rows publish. Sums over requests, responses, events, staff
 * add up across the keys of a breakdown; distinct users do not. */
enum measure {
	M_REQ, M_DIGITAL, M_DID, M_SW, M_COMPLETED, M_CLOSED, M_RESP, M_SCORE, M_CSAT,
	M_AUTH, M_AUTH_OK, M_ID, M_ID_OK, M_LAT, M_ENROL, M_STAFF, M_TRAINED,
	M_COST, M_DCLOSED, M_SAVED,      /* baht; digital requests closed */
	M_ADDITIVE,                      /* those before add up */
	M_ACTIVE = M_ADDITIVE, M_ENROLLED, M_REPEAT, M_DUSERS,
	M_COUNT
};

/* The measures each KPI's row shows as numerator and denominator (a count
 * shows its count as both value and numerator); -1: none. */
static const struct { int num, den; } shows[KPI_COUNT] = {
	[KPI_REQUESTS] = { M_REQ, -1 },
	[KPI_ACTIVE_USERS] = { M_ACTIVE, -1 },
	[KPI_ENROLMENTS] = { M_ENROL, -1 },
	[KPI_ENROLMENT_RATE] = { M_ENROLLED, M_ACTIVE },
	[KPI_SATISFACTION_MEAN] = { M_SCORE, M_RESP },
	[KPI_SATISFACTION_CSAT] = { M_CSAT, M_RESP },
	[KPI_SERVICE_TIME_MEDIAN] = { -1, M_CLOSED },
	[KPI_SERVICE_TIME_P90] = { -1, M_CLOSED },
	[KPI_DIGITAL_CHANNEL_RATE] = { M_DIGITAL, M_REQ },
	[KPI_DIGITAL_ID_USE_RATE] = { M_DID, M_DIGITAL },
	[KPI_REPEAT_USE_RATE] = { M_REPEAT, M_DUSERS },
	[KPI_SINGLE_WINDOW_RATE] = { M_SW, M_REQ },
	[KPI_COMPLETION_RATE] = { M_COMPLETED, M_REQ },
	[KPI_AUTH_SUCCESS_RATE] = { M_AUTH_OK, M_AUTH },
	[KPI_IDENTIFICATION_SUCCESS_RATE] = { M_ID_OK, M_ID },
	[KPI_AUTH_LATENCY_MEDIAN] = { -1, M_LAT },
	/* services are not persons: coverage is never suppressed */
	[KPI_EDID_COVERAGE] = { -1, -1 },
	[KPI_STAFF_TRAINING_COVERAGE] = { M_TRAINED, M_STAFF },
	/* the cost KPIs count the requests service time counts (closed in P):
	 * their sizes are suppressed as it does, and baht sums add up too */
	[KPI_COST_PER_TRANSACTION] = { M_COST, M_CLOSED },
	[KPI_DIGITAL_SAVINGS] = { M_SAVED, M_DCLOSED },
};

/* ---- exact rank test over the rationals ---- */

struct frac {
	int64_t n, d;      /* d > 0, reduced */
};

static int64_t gcd64(int64_t a, int64_t b)
{
	if (a < 0)
		a = -a;
	if (b < 0)
		b = -b;
	while (b) {
		int64_t t = a % b;

		a = b;
		b = t;
	}
	return a;
}

static int frac_make(int64_t n, int64_t d, struct frac *r)
{
	int64_t g;

	if (d == 0 || n == INT64_MIN || d == INT64_MIN)
		return -1;
	if (d < 0) {
		n = -n;
		d = -d;
	}
	g = gcd64(n, d);
	if (g > 1) {
		n /= g;
		d /= g;
	}
	r->n = n;
	r->d = n ? d : 1;
	return 0;
}

/* *r = a - b * c, or -1 on overflow. */
static int frac_submul(struct frac a, struct frac b, struct frac c, struct frac *r)
{
	struct frac p;
	int64_t x, y, n, d;

	if (__builtin_mul_overflow(b.n, c.n, &x) || __builtin_mul_overflow(b.d, c.d, &y) ||
	    frac_make(x, y, &p))
		return -1;
	if (__builtin_mul_overflow(a.n, p.d, &x) || __builtin_mul_overflow(p.n, a.d, &y) ||
	    __builtin_sub_overflow(x, y, &n) || __builtin_mul_overflow(a.d, p.d, &d))
		return -1;
	return frac_make(n, d, r);
}

/* *r = a / b (b not zero), or -1 on overflow. */
static int frac_div(struct frac a, struct frac b, struct frac *r)
{
	int64_t n, d;

	if (__builtin_mul_overflow(a.n, b.d, &n) || __builtin_mul_overflow(a.d, b.n, &d))
		return -1;
	return frac_make(n, d, r);
}

long suppress_determined(size_t ncells, size_t neq, const int *coef,
			 const unsigned char *hidden, unsigned char *det)
{
	size_t nh = 0, i, j, e, r, row = 0, *col = malloc((ncells + 1) * sizeof(size_t));
	size_t *pivot = malloc((neq + 1) * sizeof(size_t));
	struct frac *m = NULL, t;
	long count = -1;

	memset(det, 0, ncells);
	if (!col || !pivot)
		goto out;
	for (i = 0; i < ncells; i++)
		if (hidden[i])
			col[nh++] = i;
	if (!(m = calloc(neq * nh + 1, sizeof(*m))))
		goto out;
	/* The equations restricted to the hidden cells: the published ones
	 * are constants, so only this matrix decides what is determined. */
	for (e = 0; e < neq; e++)
		for (j = 0; j < nh; j++)
			m[e * nh + j] = (struct frac){ coef[e * ncells + col[j]], 1 };
	/* Reduced row echelon form. */
	for (j = 0; j < nh && row < neq; j++) {
		for (r = row; r < neq && m[r * nh + j].n == 0; r++)
			;
		if (r == neq)
			continue;
		for (i = 0; i < nh; i++) {
			t = m[r * nh + i];
			m[r * nh + i] = m[row * nh + i];
			m[row * nh + i] = t;
		}
		t = m[row * nh + j];
		for (i = 0; i < nh; i++)
			if (m[row * nh + i].n && frac_div(m[row * nh + i], t, &m[row * nh + i]))
				goto out;
		for (r = 0; r < neq; r++) {
			if (r == row || m[r * nh + j].n == 0)
				continue;
			t = m[r * nh + j];
			for (i = 0; i < nh; i++)
				if (m[row * nh + i].n &&
				    frac_submul(m[r * nh + i], t, m[row * nh + i], &m[r * nh + i]))
					goto out;
		}
		pivot[row++] = j;
	}
	/* A pivot whose row has no other unknown is fixed: x_j = constant. */
	count = 0;
	for (r = 0; r < row; r++) {
		for (i = 0; i < nh; i++)
			if (i != pivot[r] && m[r * nh + i].n)
				break;
		if (i == nh) {
			det[col[pivot[r]]] = 1;
			count++;
		}
	}
out:
	free(col);
	free(pivot);
	free(m);
	return count;
}

/* ---- measures of rows ---- */

/* One measure one row shows. */
struct entry {
	size_t row, period;
	int measure;
	enum breakdown bd;
	const char *key;   /* NULL for all */
	double value;
};

/* A measure of one key in one period: the entries that show it. */
struct cell {
	size_t first, n;
	int hidden;
};

static int key_cmp(const char *a, const char *b)
{
	if (!a || !b)
		return !b - !a;
	return strcmp(a, b);
}

static int entry_cmp(const void *pa, const void *pb)
{
	const struct entry *a = pa, *b = pb;
	int c;

	if (a->period != b->period)
		return a->period < b->period ? -1 : 1;
	if (a->measure != b->measure)
		return a->measure - b->measure;
	if (a->bd != b->bd)
		return (int)a->bd - (int)b->bd;
	if ((c = key_cmp(a->key, b->key)))
		return c;
	return a->row < b->row ? -1 : a->row > b->row;
}

static int same_cell(const struct entry *a, const struct entry *b)
{
	return a->period == b->period && a->measure == b->measure && a->bd == b->bd &&
	       !key_cmp(a->key, b->key);
}

static const char *owner_unit(const struct suppress_units *u, const char *service)
{
	size_t lo = 0, hi = u->n, mid;
	int c;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		c = strcmp(service, u->service[mid]);
		if (c == 0)
			return u->unit[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

struct state {
	struct kpi_row *rows;
	struct entry *ent;
	struct cell *cells;
	size_t ncells;
	long added;        /* rows suppressed by this module */
	int warned;
};

/* Hides cell c: suppresses every row that shows it. */
static void hide_cell(struct state *s, size_t c)
{
	for (size_t k = 0; k < s->cells[c].n; k++) {
		struct kpi_row *row = &s->rows[s->ent[s->cells[c].first + k].row];

		if (!row->suppressed) {
			row->suppressed = 1;
			s->added++;
		}
	}
	s->cells[c].hidden = 1;
}

/*
 * The published cell to hide so that hidden cell x is no longer determined:
 * of the cells sharing an equation with x (else any of the system), the one
 * that leaves x free and the fewest cells determined, then the smallest
 * non-zero value, then the first in breakdown and key order. Returns its
 * index, n when there is none, or (size_t)-2 on failure. det is scratch.
 */
static size_t pick(struct state *s, size_t c0, size_t n, size_t neq, const int *coef,
		   unsigned char *hid, const unsigned char *known, size_t all, size_t x,
		   unsigned char *det)
{
	size_t best = n, i, e;
	long nd, best_nd = 0;
	int best_x = 0, any = 0, pass;
	double v, bv = 0;

	for (pass = 0; pass < 2 && best == n; pass++) {
		for (i = 0; i < n; i++) {
			if (hid[i] || known[i] || i == all)
				continue;
			/* first pass: cells in an equation with x */
			for (any = pass, e = 0; !any && e < neq; e++)
				any = coef[e * n + x] && coef[e * n + i];
			if (!any)
				continue;
			hid[i] = 1;
			nd = suppress_determined(n, neq, coef, hid, det);
			hid[i] = 0;
			if (nd < 0)
				return (size_t)-2;
			v = s->ent[s->cells[c0 + i].first].value;
			if (best == n || det[x] < best_x ||
			    (det[x] == best_x && (nd < best_nd ||
			     (nd == best_nd && ((v != 0 && bv == 0) ||
						((v != 0) == (bv != 0) && v < bv)))))) {
				best = i;
				best_x = det[x];
				best_nd = nd;
				bv = v;
			}
		}
	}
	return best;
}

/*
 * Protects the cells [c0, c1) of one period and measure: audit, and while a
 * hidden cell is determined, hide another published cell of an equation
 * holding it. Returns 0 or -1.
 */
static int protect(struct state *s, size_t c0, size_t c1, const struct suppress_units *units)
{
	size_t n = c1 - c0, neq = 0, all = n, i, x, best;
	int *coef = NULL, range[BD_COUNT][2], b, rc = -1;
	unsigned char *hid = NULL, *det = NULL, *known = NULL;
	long nd;

	memset(range, 0, sizeof(range));
	for (i = 0; i < n; i++) {
		const struct entry *en = &s->ent[s->cells[c0 + i].first];

		if (!range[en->bd][1])
			range[en->bd][0] = (int)i;
		range[en->bd][1] = (int)i + 1;
		if (en->bd == BD_ALL)
			all = i;
	}
	if (all == n)
		return 0;    /* no total published: nothing to subtract from */
	coef = calloc((BD_COUNT + n) * n + 1, sizeof(int));
	hid = calloc(n + 1, 1);
	det = calloc(n + 1, 1);
	known = calloc(n + 1, 1);
	if (!coef || !hid || !det || !known)
		goto out;
	/* Each breakdown's keys add up to the total (where a NULL attribute
	 * makes it "at most", the equation is still assumed: conservative). */
	for (b = BD_SERVICE; b < BD_COUNT; b++) {
		if (!range[b][1])
			continue;
		for (i = (size_t)range[b][0]; i < (size_t)range[b][1]; i++)
			coef[neq * n + i] = 1;
		coef[neq * n + all] = -1;
		neq++;
	}
	/* The services of a unit add up to the unit. */
	if (units && range[BD_SERVICE][1] && range[BD_UNIT][1]) {
		for (size_t u = (size_t)range[BD_UNIT][0]; u < (size_t)range[BD_UNIT][1]; u++) {
			const char *ukey = s->ent[s->cells[c0 + u].first].key;

			coef[neq * n + u] = -1;
			for (i = (size_t)range[BD_SERVICE][0]; i < (size_t)range[BD_SERVICE][1]; i++) {
				const char *o = owner_unit(units, s->ent[s->cells[c0 + i].first].key);

				if (o && !strcmp(o, ukey))
					coef[neq * n + i] = 1;
			}
			neq++;
		}
	}
	for (;;) {
		for (i = 0; i < n; i++)
			hid[i] = s->cells[c0 + i].hidden && !known[i];
		if ((nd = suppress_determined(n, neq, coef, hid, det)) < 0)
			goto out;
		if (nd == 0)
			break;
		for (x = 0; !det[x]; x++)
			;
		best = pick(s, c0, n, neq, coef, hid, known, all, x, det);
		if (best == (size_t)-2)
			goto out;
		if (best == n) {
			/* x equals what is published (a breakdown with one key is
			 * its total): nothing can hide it; count it as known. */
			known[x] = 1;
			if (!s->warned) {
				const struct entry *en = &s->ent[s->cells[c0 + x].first];

				log_warning("a small cell of %s by %s equals a published total and "
					    "cannot be hidden", kpi_defs[s->rows[en->row].kpi].name,
					    breakdown_name(en->bd));
				s->warned = 1;
			}
			continue;
		}
		hide_cell(s, c0 + best);
	}
	rc = 0;
out:
	free(coef);
	free(hid);
	free(det);
	free(known);
	return rc;
}

long suppress_apply(struct kpi_row *rows, size_t nrows, const struct suppress_units *units)
{
	struct state s = { .rows = rows };
	size_t nent = 0, i, c, c1;
	long before;
	int m;

	s.ent = malloc((2 * nrows + 1) * sizeof(*s.ent));
	s.cells = malloc((2 * nrows + 1) * sizeof(*s.cells));
	if (!s.ent || !s.cells)
		goto fail;
	for (i = 0; i < nrows; i++) {
		const struct kpi_row *row = &rows[i];
		const int ms[2] = { shows[row->kpi].num, shows[row->kpi].den };

		for (int k = 0; k < 2; k++) {
			const struct kpi_num *v = k ? &row->denominator : &row->numerator;

			if (ms[k] < 0)
				continue;
			s.ent[nent++] = (struct entry){ i, row->period, ms[k], row->bd, row->key,
							v->set ? v->v : 0 };
		}
	}
	qsort(s.ent, nent, sizeof(*s.ent), entry_cmp);
	for (i = 0; i < nent; i++) {
		if (i == 0 || !same_cell(&s.ent[i - 1], &s.ent[i]))
			s.cells[s.ncells++] = (struct cell){ i, 0, 0 };
		s.cells[s.ncells - 1].n++;
	}
	/* Hiding a cell suppresses rows that show other measures too: repeat
	 * until a pass suppresses nothing more. */
	do {
		before = s.added;
		for (c = 0; c < s.ncells; c++) {
			s.cells[c].hidden = 1;
			for (i = 0; i < s.cells[c].n; i++)
				if (!rows[s.ent[s.cells[c].first + i].row].suppressed)
					s.cells[c].hidden = 0;
		}
		for (c = 0; c < s.ncells; c = c1) {
			const struct entry *en = &s.ent[s.cells[c].first];

			for (c1 = c + 1; c1 < s.ncells; c1++) {
				const struct entry *e1 = &s.ent[s.cells[c1].first];

				if (e1->period != en->period || e1->measure != en->measure)
					break;
			}
			m = en->measure;
			if (m < M_ADDITIVE && protect(&s, c, c1, units))
				goto fail;
		}
	} while (s.added != before);
	for (i = 0; i < nrows; i++)
		if (rows[i].suppressed)
			rows[i].value.set = rows[i].numerator.set = rows[i].denominator.set = 0;
	free(s.ent);
	free(s.cells);
	return s.added;
fail:
	free(s.ent);
	free(s.cells);
	return -1;
}
