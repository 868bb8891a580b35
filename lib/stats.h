/* Statistics for `didkpi compare` (SPEC section 5): distributions and tests. */
#ifndef DIDKPI_STATS_H
#define DIDKPI_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

/*
 * Conventions for every two-group test below:
 *  - group 1 is *before*, group 2 is *after*;
 *  - the estimate is after - before (a positive change means "after is
 *    larger"), and the interval is for that same difference;
 *  - p-values are two-sided;
 *  - `level` is the confidence level of the interval, 0 < level < 1
 *    (0.95 for a 95 % interval);
 *  - a quantity that is undefined for the data (no observations, zero
 *    variance, ...) is NAN; the function still returns DK_OK.
 * Functions returning enum dk_status return DK_DATAERR when an argument is
 * out of its domain (x > n, a negative or non-finite variance or exposure, a
 * NaN or infinite sample value, level not in (0, 1), a NULL pointer) and
 * DK_SOFTWARE when memory runs out; *res is then filled with NANs where
 * possible. No function modifies or keeps the caller's arrays.
 */
struct stats_result {
	double estimate;  /* after - before, of what each test compares */
	double ci_low;    /* confidence interval for the estimate */
	double ci_high;
	double p_value;   /* two-sided */
	double statistic; /* test statistic, named by each test */
	double df;        /* degrees of freedom (Welch only), else NAN */
};

/* ---- distributions ---------------------------------------------------- */

/* Standard normal CDF P(Z <= x), relative error about 1e-15 (1e-13 far out). */
double stats_norm_cdf(double x);

/*
 * Standard normal quantile: the x with P(Z <= x) = p. Returns -INFINITY for
 * p = 0, INFINITY for p = 1, NAN outside [0, 1]. Accurate to a few ulps
 * (Acklam's rational approximation refined by Halley steps on the CDF).
 */
double stats_norm_quantile(double p);

/*
 * Regularised incomplete beta function I_x(a, b) for a, b > 0 and
 * 0 <= x <= 1 (continued fraction by the modified Lentz method). NAN for
 * arguments outside the domain.
 */
double stats_beta_inc(double a, double b, double x);

/*
 * Student-t CDF P(T <= t) with df > 0 degrees of freedom (any real df).
 * Relative error about 1e-13 up to df = 1e5, growing as sqrt(df) beyond;
 * for df > 1e13 (and INFINITY) the normal CDF is returned. NAN when df <= 0
 * or an argument is NaN.
 */
double stats_t_cdf(double t, double df);

/*
 * Student-t quantile: the t with P(T <= t) = p, found by safeguarded
 * Newton iteration on stats_t_cdf() (so as accurate as that, about 1e-13
 * relative for moderate df). -INFINITY/INFINITY for p = 0/1, NAN for p
 * outside [0, 1] or df <= 0.
 */
double stats_t_quantile(double p, double df);

/*
 * Binomial(n, p) probabilities. stats_binom_logpmf() is log P(X = k),
 * computed in log space by Loader's saddle-point formula so that it stays
 * accurate for n in the millions; -INFINITY when P(X = k) = 0 (k > n).
 * stats_binom_pmf() is its exponential. stats_binom_cdf() is P(X <= k) and
 * stats_binom_sf() is P(X > k), both through stats_beta_inc(). NAN for p
 * outside [0, 1].
 */
double stats_binom_logpmf(unsigned long k, unsigned long n, double p);
double stats_binom_pmf(unsigned long k, unsigned long n, double p);
double stats_binom_cdf(unsigned long k, unsigned long n, double p);
double stats_binom_sf(unsigned long k, unsigned long n, double p);

/* ---- descriptive ------------------------------------------------------ */

/*
 * Mean and sample variance (divisor n - 1) of x[0..n-1] by two passes.
 * *mean is NAN for n = 0, *var is NAN for n < 2. Either output pointer may be
 * NULL. Returns DK_DATAERR if a value is not finite.
 */
enum dk_status stats_mean_var(const double *x, size_t n, double *mean,
			      double *var);

/*
 * Median of x[0..n-1] (the mean of the two middle values when n is even;
 * NAN when n = 0). Works on a sorted copy. Returns DK_DATAERR if a value is
 * not finite, DK_SOFTWARE when out of memory.
 */
enum dk_status stats_median(const double *x, size_t n, double *median);

/* ---- proportions: z-test and Newcombe interval ------------------------ */

/*
 * Wilson score interval for a proportion of x successes in n trials at the
 * given level. [0, 1]-clamped; the lower bound is exactly 0 when x = 0 and
 * the upper exactly 1 when x = n. Both NAN when n = 0.
 */
enum dk_status stats_wilson(unsigned long x, unsigned long n, double level,
			    double *low, double *high);

/*
 * Compare the proportions x1/n1 (before) and x2/n2 (after).
 * estimate  = x2/n2 - x1/n1;
 * statistic = z of the two-proportion z-test with pooled variance and no
 *             continuity correction, positive when after > before;
 * p_value   = 2 * P(Z > |z|);
 * ci        = Newcombe's hybrid score interval (Newcombe 1998, method 10)
 *             for p2 - p1 built from the two Wilson intervals at `level`:
 *             low  = d - sqrt((p2 - l2)^2 + (u1 - p1)^2),
 *             high = d + sqrt((u2 - p2)^2 + (p1 - l1)^2).
 * If n1 or n2 is 0 every field is NAN. If the pooled proportion is 0 or 1
 * (all failures or all successes on both sides) z and p are NAN, while the
 * estimate (0) and the interval are still given. df is NAN.
 */
enum dk_status stats_prop_test(unsigned long x1, unsigned long n1,
			       unsigned long x2, unsigned long n2,
			       double level, struct stats_result *res);

/* ---- service time: Mann-Whitney U and Hodges-Lehmann ------------------ */

/*
 * Mann-Whitney U test of before[0..n1-1] against after[0..n2-1]: average
 * ranks for ties, normal approximation with tie-corrected variance and a
 * continuity correction of 0.5 towards the mean, two-sided p (capped at 1).
 * statistic = U of the after sample (number of pairs with after > before,
 * ties counting one half); U > n1*n2/2 means after tends to be larger.
 * When every value is equal (zero variance) p = 1. estimate and ci are NAN
 * (see stats_hodges_lehmann()). Sorts copies: O(N log N), N = n1 + n2.
 * Every field is NAN when n1 or n2 is 0.
 */
enum dk_status stats_mann_whitney(const double *before, size_t n1,
				  const double *after, size_t n2,
				  struct stats_result *res);

/*
 * The same test from sufficient statistics, so that ranks can be computed
 * elsewhere (in SQL): n1 and n2, rank_sum1 = the sum of the average ranks
 * (1-based, over the pooled sample) of the before group, and tie_sum = the
 * sum over groups of tied values of t^3 - t (t = group size; 0 without
 * ties). Returns DK_DATAERR when rank_sum1 or tie_sum is impossible for n1,
 * n2.
 */
enum dk_status stats_mann_whitney_ranks(unsigned long n1, unsigned long n2,
					double rank_sum1, double tie_sum,
					struct stats_result *res);

/*
 * Hodges-Lehmann estimate of the shift after - before: the median of the
 * n1*n2 differences after[j] - before[i] (mean of the two middle ones when
 * n1*n2 is even), with its distribution-free interval [D(k), D(n1*n2-k+1)]
 * where D(r) is the r-th smallest difference and
 *     k = floor(n1*n2/2 - z * sqrt(n1*n2*(n1+n2+1)/12)),
 * z the (1+level)/2 normal quantile (the normal approximation to the null
 * distribution of U, without tie or continuity correction). When k < 1 the
 * level cannot be reached with these sizes and the interval is NAN.
 * The n1*n2 differences are never stored: each order statistic is selected
 * exactly (the very double a sort of all differences would give) by
 * counting differences below sampled pivots with an O(N) walk over the
 * sorted samples, N = n1 + n2; O(N log N) time with the sorts, O(N) memory.
 * 1e5 values a side take about 0.1 s. p_value and statistic are NAN.
 */
enum dk_status stats_hodges_lehmann(const double *before, size_t n1,
				    const double *after, size_t n2,
				    double level, struct stats_result *res);

/*
 * Both of the above with one sort: p_value and statistic from
 * stats_mann_whitney(), estimate and interval from stats_hodges_lehmann().
 */
enum dk_status stats_shift_test(const double *before, size_t n1,
				const double *after, size_t n2,
				double level, struct stats_result *res);

/*
 * stats_shift_test_sorted() is stats_shift_test() on samples the caller
 * has already sorted ascending (as fetched with ORDER BY): nothing is
 * copied or sorted; the working memory is O(n1 + n2).
 * level 0 computes the Mann-Whitney test only (estimate and interval NAN).
 * The results are the very doubles stats_shift_test() gives on the same
 * values in any order. DK_DATAERR when a value is not finite or a sample
 * is not in ascending order.
 */
enum dk_status stats_shift_test_sorted(const double *before, size_t n1,
				       const double *after, size_t n2,
				       double level, struct stats_result *res);

/*
 * The r-th smallest (1 <= r <= n1*n2) of the differences after[j] -
 * before[i], exactly, into *value (the selection behind
 * stats_hodges_lehmann(), for callers that want other order statistics).
 * Both arrays must be sorted ascending and finite; they are not checked.
 * Returns DK_DATAERR when r is out of range or n1 or n2 is 0, DK_SOFTWARE
 * when out of memory.
 */
enum dk_status stats_pairdiff_select(const double *before_sorted, size_t n1,
				     const double *after_sorted, size_t n2,
				     uint64_t r, double *value);

/* ---- mean score: Welch's t -------------------------------------------- */

/*
 * Welch's unequal-variance t-test from summary statistics (mean, sample
 * variance with divisor n - 1, size) of each group.
 * estimate  = mean2 - mean1;
 * statistic = t = estimate / sqrt(var1/n1 + var2/n2);
 * df        = Welch-Satterthwaite degrees of freedom;
 * p_value   = 2 * P(T_df > |t|);
 * ci        = estimate -/+ t_{df, (1+level)/2} * standard error.
 * If n1 < 2 or n2 < 2, or both variances are 0, t, df, p and the interval
 * are NAN (estimate is NAN only when a group is empty).
 */
enum dk_status stats_welch(double mean1, double var1, unsigned long n1,
			   double mean2, double var2, unsigned long n2,
			   double level, struct stats_result *res);

/* ---- requests per month: exact conditional Poisson test --------------- */

/*
 * Compare Poisson rates c1/e1 (before) and c2/e2 (after), with counts c and
 * exposures e > 0 (months).
 * estimate  = c2/e2 - c1/e1;
 * statistic = c2;
 * p_value   = exact conditional test: given n = c1 + c2, c2 is
 *             Binomial(n, e2/(e1+e2)) under equal rates; p is the sum of the
 *             probabilities of outcomes no more likely than c2 (relative
 *             tolerance 1e-7, as R's binom.test and scipy's binomtest); 1
 *             when n = 0;
 * ci        = MOVER ("method of variance estimates recovery", Zou & Donner
 *             2008; Newcombe's method 10 is its instance for proportions)
 *             from the score interval of each rate, z the (1+level)/2
 *             normal quantile, l, u = (c + z^2/2 -/+ z sqrt(c + z^2/4)) / e:
 *             low  = d - sqrt((r2 - l2)^2 + (u1 - r1)^2),
 *             high = d + sqrt((u2 - r2)^2 + (r1 - l1)^2).
 *             It is an approximate interval (it need not agree with the
 *             exact p at the boundary) but stays sensible for zero counts.
 * df is NAN.
 */
enum dk_status stats_poisson_exact(unsigned long c1, double e1,
				   unsigned long c2, double e2, double level,
				   struct stats_result *res);

#endif
