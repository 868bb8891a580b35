/* Interrupted time series: segmented regression and Newey-West errors. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "its.h"
#include "stats.h"
#include "status.h"

int its_lag_rule(size_t nobs)
{
	int l;

	if (nobs < 2)
		return 0;
	/* the same expression as statsmodels, so that the floor agrees */
	l = (int)floor(4.0 * pow((double)nobs / 100.0, 2.0 / 9.0));
	return l > (int)nobs - 1 ? (int)nobs - 1 : l;
}

int its_ols(const double *x, const double *y, size_t n, size_t k, double *beta,
	    double *bread, double *resid)
{
	double *a = NULL, *qty = NULL, *rinv = NULL;
	size_t i, j, c;
	int st = DK_SOFTWARE;

	if (n <= k || k == 0)
		return DK_DATAERR;
	a = malloc(n * k * sizeof(*a));
	qty = malloc(n * sizeof(*qty));
	rinv = calloc(k * k, sizeof(*rinv));
	if (!a || !qty || !rinv)
		goto out;
	memcpy(a, x, n * k * sizeof(*a));
	memcpy(qty, y, n * sizeof(*qty));
	/* Householder: column j below the diagonal is reflected onto R[j][j]. */
	for (j = 0; j < k; j++) {
		double orig = 0, norm = 0, scale = 0, alpha, vtv, s;

		for (i = 0; i < n; i++)
			orig = hypot(orig, x[i * k + j]);
		for (i = j; i < n; i++)
			scale = fmax(scale, fabs(a[i * k + j]));
		if (scale > 0)
			for (i = j; i < n; i++)
				norm += (a[i * k + j] / scale) * (a[i * k + j] / scale);
		norm = scale * sqrt(norm);
		/* what is left of the column after projecting out the earlier
		 * ones: nothing (to rounding) means a dependent column */
		if (orig == 0 || norm <= 1e-10 * orig) {
			st = DK_DATAERR;
			goto out;
		}
		alpha = a[j * k + j] > 0 ? -norm : norm;
		a[j * k + j] -= alpha;  /* v = column - alpha e_j, kept in place */
		vtv = 0;
		for (i = j; i < n; i++)
			vtv += a[i * k + j] * a[i * k + j];
		for (c = j + 1; c < k; c++) {
			s = 0;
			for (i = j; i < n; i++)
				s += a[i * k + j] * a[i * k + c];
			s = 2 * s / vtv;
			for (i = j; i < n; i++)
				a[i * k + c] -= s * a[i * k + j];
		}
		s = 0;
		for (i = j; i < n; i++)
			s += a[i * k + j] * qty[i];
		s = 2 * s / vtv;
		for (i = j; i < n; i++)
			qty[i] -= s * a[i * k + j];
		a[j * k + j] = alpha;  /* R[j][j] */
	}
	/* beta = R^-1 Q'y by back substitution (R is a's upper triangle) */
	for (j = k; j-- > 0;) {
		double s = qty[j];

		for (c = j + 1; c < k; c++)
			s -= a[j * k + c] * beta[c];
		beta[j] = s / a[j * k + j];
	}
	if (bread) {
		/* R^-1, upper triangular, column by column; (X'X)^-1 = R^-1 R^-T */
		for (c = 0; c < k; c++) {
			rinv[c * k + c] = 1 / a[c * k + c];
			for (j = c; j-- > 0;) {
				double s = 0;

				for (i = j + 1; i <= c; i++)
					s += a[j * k + i] * rinv[i * k + c];
				rinv[j * k + c] = -s / a[j * k + j];
			}
		}
		for (i = 0; i < k; i++)
			for (c = 0; c < k; c++) {
				double s = 0;
				size_t m;

				for (m = i > c ? i : c; m < k; m++)
					s += rinv[i * k + m] * rinv[c * k + m];
				bread[i * k + c] = s;
			}
	}
	if (resid)
		for (i = 0; i < n; i++) {
			double f = 0;

			for (c = 0; c < k; c++)
				f += x[i * k + c] * beta[c];
			resid[i] = y[i] - f;
		}
	st = DK_OK;
out:
	free(a);
	free(qty);
	free(rinv);
	return st;
}

int its_hac(const double *x, const double *resid, size_t n, size_t k, int lag,
	    const double *bread, int correction, double *cov)
{
	double *s = calloc(k * k, sizeof(*s)), *bs = calloc(k * k, sizeof(*bs));
	size_t t, i, j, m;
	int l, st = DK_OK;

	if (!s || !bs) {
		st = DK_SOFTWARE;
		goto out;
	}
	if (lag < 0 || (size_t)lag >= n || n <= k) {
		st = DK_DATAERR;
		goto out;
	}
	/* S = Gamma_0 + sum_l w_l (Gamma_l + Gamma_l'), Gamma_l = sum u_t u_{t-l}' */
	for (l = 0; l <= lag; l++) {
		double w = l == 0 ? 1 : 1 - (double)l / (lag + 1);

		for (i = 0; i < k; i++)
			for (j = 0; j < k; j++) {
				double g = 0;

				for (t = (size_t)l; t < n; t++)
					g += x[t * k + i] * resid[t] * x[(t - l) * k + j] * resid[t - l];
				s[i * k + j] += w * g;
				if (l > 0)
					s[j * k + i] += w * g;
			}
	}
	for (i = 0; i < k; i++)
		for (j = 0; j < k; j++) {
			double v = 0;

			for (m = 0; m < k; m++)
				v += bread[i * k + m] * s[m * k + j];
			bs[i * k + j] = v;
		}
	for (i = 0; i < k; i++)
		for (j = 0; j < k; j++) {
			double v = 0;

			for (m = 0; m < k; m++)
				v += bs[i * k + m] * bread[m * k + j];
			cov[i * k + j] = v * (correction ? (double)n / (double)(n - k) : 1.0);
		}
	/* exactly symmetric, whatever the rounding */
	for (i = 0; i < k; i++)
		for (j = 0; j < i; j++)
			cov[i * k + j] = cov[j * k + i] = (cov[i * k + j] + cov[j * k + i]) / 2;
out:
	free(s);
	free(bs);
	return st;
}

/* The design row of month t: 1, t, post, (t - t0) post, month dummies. */
static void design_row(const struct its_fit *f, size_t t0, size_t t, int month, double *row)
{
	size_t j;

	row[ITS_INTERCEPT] = 1;
	row[ITS_PRE_SLOPE] = (double)t;
	row[ITS_LEVEL_CHANGE] = t >= t0;
	row[ITS_SLOPE_CHANGE] = t >= t0 ? (double)t - (double)t0 : 0;
	for (j = ITS_SEASON_FIRST; j < f->k; j++)
		row[j] = month == f->season_month[j];
}

void its_contrast(const struct its_fit *f, const double *c, struct its_estimate *e)
{
	double est = 0, var = 0, q;
	size_t i, j;

	for (i = 0; i < f->k; i++) {
		est += c[i] * f->beta[i];
		for (j = 0; j < f->k; j++)
			var += c[i] * f->cov[i * f->k + j] * c[j];
	}
	e->estimate = est;
	e->se = var > 0 ? sqrt(var) : 0;
	e->t = e->se > 0 ? est / e->se : NAN;
	e->p = isfinite(e->t) ? 2 * stats_t_cdf(-fabs(e->t), f->df) : NAN;
	q = stats_t_quantile(0.5 + f->level / 2, f->df);
	e->ci_low = est - q * e->se;
	e->ci_high = est + q * e->se;
}

static int used(const struct its_input *in, size_t t)
{
	return isfinite(in->y[t]) && !(in->omit && in->omit[t]);
}

int its_model_fit(const struct its_input *in, struct its_fit *f)
{
	double *x = NULL, *y = NULL, *resid = NULL, bread[ITS_MAX_TERMS * ITS_MAX_TERMS];
	double c[ITS_MAX_TERMS];
	size_t t, r, j;
	int st;

	memset(f, 0, sizeof(*f));
	f->level = in->level;
	f->k = 4;
	for (t = 0; t < in->n; t++)
		if (used(in, t)) {
			f->nobs++;
			if (t < in->t0)
				f->n_pre++;
			else
				f->n_post++;
		}
	if (in->seasonal) {
		int m;

		for (t = 0; t < in->n && !used(in, t); t++)
			;
		if (t == in->n || !in->month)
			return DK_DATAERR;
		f->season_ref = in->month[t];
		for (m = 1; m <= 12; m++)
			if (m != f->season_ref)
				f->season_month[f->k++] = m;
	}
	if (f->n_pre < 2 || f->n_post < 2 || f->nobs <= f->k)
		return DK_DATAERR;
	f->lag = in->lag < 0 ? its_lag_rule(f->nobs) : in->lag;
	if ((size_t)f->lag >= f->nobs)
		return DK_DATAERR;
	f->df = (double)(f->nobs - f->k);
	x = malloc(f->nobs * f->k * sizeof(*x));
	y = malloc(f->nobs * sizeof(*y));
	resid = malloc(f->nobs * sizeof(*resid));
	if (!x || !y || !resid) {
		st = DK_SOFTWARE;
		goto out;
	}
	for (t = 0, r = 0; t < in->n; t++)
		if (used(in, t)) {
			design_row(f, in->t0, t, in->month ? in->month[t] : 0, x + r * f->k);
			y[r++] = in->y[t];
		}
	if ((st = its_ols(x, y, f->nobs, f->k, f->beta, bread, resid)) ||
	    (st = its_hac(x, resid, f->nobs, f->k, f->lag, bread, 1, f->cov)))
		goto out;
	for (j = 0; j < f->k; j++) {
		memset(c, 0, sizeof(c));
		c[j] = 1;
		its_contrast(f, c, &f->coef[j]);
	}
	memset(c, 0, sizeof(c));
	c[ITS_PRE_SLOPE] = c[ITS_SLOPE_CHANGE] = 1;
	its_contrast(f, c, &f->post_slope);
	memset(c, 0, sizeof(c));
	c[ITS_LEVEL_CHANGE] = 1;
	c[ITS_SLOPE_CHANGE] = (double)(in->n - 1) - (double)in->t0;
	its_contrast(f, c, &f->effect_end);
out:
	free(x);
	free(y);
	free(resid);
	return st;
}

double its_fitted(const struct its_fit *f, size_t t0, size_t t, int month)
{
	double row[ITS_MAX_TERMS], v = 0;
	size_t j;

	design_row(f, t0, t, month, row);
	for (j = 0; j < f->k; j++)
		v += row[j] * f->beta[j];
	return v;
}

double its_counterfactual(const struct its_fit *f, size_t t, int month)
{
	/* t0 past t: no interruption yet */
	return its_fitted(f, t + 1, t, month);
}

const char *its_term_name(const struct its_fit *f, size_t j, char buf[ITS_TERM_NAME_LEN])
{
	static const char *const names[] = { "intercept", "pre_slope", "level_change",
					     "slope_change" };

	if (j < ITS_SEASON_FIRST)
		snprintf(buf, ITS_TERM_NAME_LEN, "%s", names[j]);
	else
		snprintf(buf, ITS_TERM_NAME_LEN, "month_%02d", j < f->k ? f->season_month[j] : 0);
	return buf;
}
