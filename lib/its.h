/* Interrupted time series (issue 11): a segmented regression of a monthly
 * series, with Newey-West (HAC) standard errors. Arithmetic only: no
 * database, no output. */
#ifndef DIDKPI_ITS_H
#define DIDKPI_ITS_H

#include <stddef.h>

/*
 * The model, for the months t = 0, 1, ..., n - 1 of a series (t counts
 * months from its first month) with the interruption at month t0:
 *
 *   y_t = b0 + b1 t + b2 post_t + b3 (t - t0) post_t [+ 11 month dummies]
 *
 * post_t is 1 from t0 on. b0 is the level at t = 0 (intercept), b1 the
 * slope before (pre_slope), b2 the jump at t0 (level_change), b3 how much
 * the slope changed (slope_change); the slope after is b1 + b3. With
 * seasonality, a dummy for each calendar month other than the month of the
 * first point used (the reference month) is added; b0 is then the level of
 * the reference month.
 *
 * Fitted by ordinary least squares (Householder QR). The covariance is
 * Newey-West with the Bartlett kernel and L lags, with the small-sample
 * factor n / (n - k), and inference uses Student's t with n - k degrees of
 * freedom: what statsmodels gives for
 *   OLS(y, X).fit(cov_type='HAC', cov_kwds={'maxlags': L,
 *                 'use_correction': True}, use_t=True).
 * Lags count the points used in order: a point left out (missing or a
 * transition month) is skipped over, not treated as a gap.
 */

/* Terms: the four of the model, then the month dummies. */
enum its_term {
	ITS_INTERCEPT,
	ITS_PRE_SLOPE,
	ITS_LEVEL_CHANGE,
	ITS_SLOPE_CHANGE,
	ITS_SEASON_FIRST /* the 11 month dummies follow */
};

#define ITS_MAX_TERMS 15
/* Fewer points than this on either side of t0 earn a warning. */
#define ITS_SHORT_SIDE 8

/* A linear combination of the coefficients, with its inference. */
struct its_estimate {
	double estimate;
	double se;        /* Newey-West standard error */
	double t;         /* estimate / se */
	double p;         /* two-sided, Student's t with df degrees of freedom */
	double ci_low, ci_high;
};

struct its_input {
	const double *y;             /* n values in month order; NAN = missing */
	const int *month;            /* calendar month 1..12 of each point
					(needed with seasonal, else may be NULL) */
	const unsigned char *omit;   /* NULL, or 1 for a point to leave out
					(a transition month) */
	size_t n;                    /* months in the series */
	size_t t0;                   /* the first month after the interruption */
	int seasonal;                /* add the month-of-year dummies */
	int lag;                     /* Newey-West lags; < 0: its_lag_rule() */
	double level;                /* confidence level, e.g. 0.95 */
};

struct its_fit {
	size_t k;                    /* terms: 4, or 15 with seasonality */
	size_t nobs, n_pre, n_post;  /* points used, before t0, from t0 on */
	int lag;                     /* the lags used */
	double df;                   /* nobs - k */
	int season_ref;              /* the reference month (seasonal), else 0 */
	int season_month[ITS_MAX_TERMS]; /* term -> its month (seasonal terms) */
	double beta[ITS_MAX_TERMS];
	double cov[ITS_MAX_TERMS * ITS_MAX_TERMS]; /* k x k, row-major */
	struct its_estimate coef[ITS_MAX_TERMS];
	struct its_estimate post_slope;  /* b1 + b3 */
	struct its_estimate effect_end;  /* fitted - counterfactual in the last
					    month of the series, n - 1:
					    b2 + b3 (n - 1 - t0) */
	double level;
};

/*
 * its_lag_rule() is the default number of Newey-West lags for nobs points:
 * floor(4 (nobs / 100)^(2/9)), the rule of statsmodels (cov_hac with
 * nlags=None) after Newey and West (1994); at most nobs - 1.
 */
int its_lag_rule(size_t nobs);

/*
 * its_ols() fits y = X beta by least squares through a Householder QR of X
 * (n x k, row-major). beta gets k values, bread (k x k, may be NULL) gets
 * (X'X)^-1, resid (n, may be NULL) the residuals y - X beta.
 * Returns DK_OK, or DK_DATAERR when n <= k or X does not have full column
 * rank (a column is, to 1e-10 of its length, a combination of earlier
 * ones), or DK_SOFTWARE when memory runs out.
 */
int its_ols(const double *x, const double *y, size_t n, size_t k, double *beta,
	    double *bread, double *resid);

/*
 * its_hac() is the Newey-West covariance of the least-squares estimate:
 * factor * B S B, B = bread = (X'X)^-1, S = sum_t u_t u_t' + sum_{j=1..lag}
 * (1 - j/(lag+1)) sum_t (u_t u_{t-j}' + u_{t-j} u_t'), u_t = x_t e_t, with
 * factor n / (n - k) when correction is set, else 1. cov gets k x k.
 * Returns DK_OK, DK_DATAERR when lag < 0 or lag >= n, DK_SOFTWARE when
 * memory runs out.
 */
int its_hac(const double *x, const double *resid, size_t n, size_t k, int lag,
	    const double *bread, int correction, double *cov);

/*
 * its_model_fit() builds the design of the model above from in, fits it
 * and fills *out. Returns DK_OK; DK_DATAERR when the model cannot be
 * estimated: no point used before t0 or from t0 on, fewer than 2 on a
 * side (no slope there), not more points than terms, a design of less
 * than full rank (e.g. a calendar month never seen, with seasonality), or
 * lag >= the points used; DK_SOFTWARE when memory runs out.
 */
int its_model_fit(const struct its_input *in, struct its_fit *out);

/*
 * its_fitted() is the model's value in month t (0 <= t, may lie beyond the
 * series) of calendar month month (1..12, used with seasonality);
 * its_counterfactual() the same without the interruption: the line before
 * continued (b0 + b1 t + season).
 */
double its_fitted(const struct its_fit *f, size_t t0, size_t t, int month);
double its_counterfactual(const struct its_fit *f, size_t t, int month);

/*
 * its_contrast() fills *e for the combination sum_j c[j] beta[j] (c has
 * f->k values): estimate, se from f->cov, t, p and the interval at
 * f->level.
 */
void its_contrast(const struct its_fit *f, const double *c, struct its_estimate *e);

/* its_term_name() writes the machine name of term j of f into buf
 * ("intercept", "pre_slope", "level_change", "slope_change", "month_02")
 * and returns buf. */
#define ITS_TERM_NAME_LEN 16
const char *its_term_name(const struct its_fit *f, size_t j, char buf[ITS_TERM_NAME_LEN]);

#endif
