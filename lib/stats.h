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
 * m = n1*n2 differences after[j] - before[i] (mean of the two middle ones
 * when m is even), with the interval that inverts the Mann-Whitney test of
 * stats_mann_whitney() exactly as R's wilcox.test(after, before,
 * conf.int = TRUE, correct = TRUE, exact = FALSE) does: the shifts d at
 * which the tie- and continuity-corrected z of after - d against before
 * crosses +-z, z the (1+level)/2 normal quantile. Between two pairwise
 * differences the tie correction sees only the ties within each sample
 * (T0 = the sum of t^3 - t over them), so with
 *     sigma0 = sqrt(m/12 * ((N+1) - T0/(N(N-1)))),  N = n1 + n2,
 * the interval is [D(lo), D(hi)], D(r) the r-th smallest difference,
 *     lo = max(1, ceil(m/2 - 1/2 - z sigma0)),
 *     hi = min(m, ceil(m/2 + 1/2 + z sigma0)),
 * the very jumps R's uniroot() finds to its tolerance (1e-4). It always
 * contains the estimate. (R's own estimate is the root at z = 0 without
 * the correction: for even m any value between the two middle
 * differences; this is their mean.)
 * The m differences are never stored: each order statistic is selected
 * exactly (the very double a sort of all differences would give) by
 * counting differences below sampled pivots with an O(N) walk over the
 * sorted samples; O(N log N) time with the sorts, O(N) memory.
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

/* ---- stratified (pooled) comparisons ---------------------------------- */

/* One stratum (service) of a proportion: x1 of n1 before, x2 of n2 after. */
struct stats_table2 {
	unsigned long x1, n1, x2, n2;
};

/*
 * Mantel-Haenszel pooled risk difference p2 - p1 over k strata, with
 * weights w = n1 n2 / N (N = n1 + n2):
 * estimate  = sum w (p2 - p1) / sum w;
 * ci        = estimate -/+ z sqrt(var), var Sato's (1989) estimator (in
 *             Greenland and Robins' notation, after = exposed: a = x2 of
 *             n1' = n2, b = x1 of n0' = n1):
 *             var = (RD * sum P + sum Q) / (sum w)^2,
 *             P = (n1'^2 b - n0'^2 a + n1' n0' (n0' - n1') / 2) / N^2,
 *             Q = (a (n0' - b) + b (n1' - a)) / (2 N);
 * statistic = the Cochran-Mantel-Haenszel chi-square (1 df) without
 *             continuity correction: (sum (a - E a))^2 / sum V, E a =
 *             n1' m1 / N, V = n1' n0' m1 m0 / (N^2 (N - 1)), m1 = a + b;
 * p_value   = P(chi2_1 > statistic).
 * Strata with an empty side are left out. Everything is NAN when no
 * stratum is left; p is NAN when sum V = 0 (all successes or all failures).
 * DK_DATAERR when x > n somewhere.
 */
enum dk_status stats_mantel_haenszel(const struct stats_table2 *t, size_t k,
				     double level, struct stats_result *res);

/*
 * Fixed-effect inverse-variance pooling of k estimates est[i] with
 * variances var[i] > 0: estimate = sum(est/var) / sum(1/var), standard
 * error sqrt(1 / sum(1/var)), ci = estimate -/+ z se, statistic z =
 * estimate / se, p two-sided normal. DK_DATAERR for a non-finite estimate
 * or a variance that is not positive; NAN everywhere when k = 0.
 */
enum dk_status stats_inverse_variance(const double *est, const double *var,
				      size_t k, double level,
				      struct stats_result *res);

/* One stratum of the van Elteren test: both samples sorted ascending. */
struct stats_stratum {
	const double *before;
	size_t n1;
	const double *after;
	size_t n2;
};

/*
 * Van Elteren's (1960) stratified Wilcoxon test of after against before,
 * each stratum's Mann-Whitney U (of the after sample, ties counting one
 * half) weighted by w = 1/(N_k + 1):
 * statistic = z = sum w (U - m/2) / sqrt(sum w^2 var U), var U tie-corrected
 *             (m/12 ((N+1) - T/(N(N-1)))), no continuity correction;
 * p_value   = two-sided normal;
 * estimate  = the common shift d that zeroes the statistic of after - d
 *             against before (halfway between where the step function
 *             reaches 0 and where it drops below 0: the Hodges-Lehmann
 *             estimate when k = 1);
 * ci        = the shifts where that statistic crosses +-z (the variance
 *             then with the ties within each sample, as for one stratum in
 *             stats_hodges_lehmann()), each a pairwise difference of some
 *             stratum, clamped to the smallest and largest difference.
 * Found by bisection on d (each step an O(N) count) until a few thousand
 * pairwise differences lie in the bracket, which are then sorted and taken
 * in order: the exact pairwise difference. Strata with an empty side are
 * left out; NAN everywhere when none is left. DK_DATAERR when a sample is
 * not sorted or not finite; DK_SOFTWARE without memory.
 */
enum dk_status stats_van_elteren(const struct stats_stratum *s, size_t k,
				 double level, struct stats_result *res);

/* The same with at most enum_max differences listed (0: bisection to the
 * last bit, then a step per difference). The result does not depend on
 * it: tests/unit/test_stats.c checks that bit for bit. */
enum dk_status stats_van_elteren_enum(const struct stats_stratum *s, size_t k,
				      double level, size_t enum_max,
				      struct stats_result *res);

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
