/* "Did you mean": the closest known name to a mistyped one. */
#ifndef DIDKPI_SUGGEST_H
#define DIDKPI_SUGGEST_H

#include <stddef.h>

struct db;

/*
 * suggest_distance() is the optimal-string-alignment edit distance between
 * a and b (insertions, deletions, substitutions and swaps of two neighbours
 * each cost 1), counted in bytes; names are ASCII codes. Strings longer
 * than SUGGEST_MAX_LEN are SIZE_MAX away from everything.
 */
#define SUGGEST_MAX_LEN 128
size_t suggest_distance(const char *a, const char *b);

/*
 * A search for the name closest to word among candidates given one by one:
 *   struct suggest s; suggest_init(&s, word);
 *   for (...) suggest_add(&s, name);
 *   log_error("unknown command '%s'%s", word, suggest_hint(&s, buf, sizeof(buf)));
 * A candidate is close enough when its distance is at most 1 for words of
 * up to 4 characters, 2 up to 8, 3 beyond; or when word is the start of
 * it (at least 3 characters, "comp" for "compare"). On a tie the first
 * candidate added wins. Candidates are not copied: they must live as long
 * as s is used.
 */
struct suggest {
	const char *word;
	const char *best;
	size_t dist;
};

void suggest_init(struct suggest *s, const char *word);
void suggest_add(struct suggest *s, const char *candidate);
/* suggest_best() is the closest candidate, or NULL when none is close. */
const char *suggest_best(const struct suggest *s);
/* suggest_hint() writes " (did you mean 'NAME'?)" to buf, or "" when there
 * is no close candidate, and returns buf. */
const char *suggest_hint(const struct suggest *s, char *buf, size_t len);

/* suggest_list() is suggest_hint() over a NULL-terminated array of names. */
const char *suggest_list(const char *word, const char *const *names, char *buf, size_t len);

/* suggest_kpi() and suggest_metric() are suggest_hint() over the KPI
 * names (kpi_defs) and the compare metrics (compare_metrics). */
const char *suggest_kpi(const char *word, char *buf, size_t len);
const char *suggest_metric(const char *word, char *buf, size_t len);
/* suggest_relation() is suggest_hint() over the relations of didkpi load. */
const char *suggest_relation(const char *word, char *buf, size_t len);

/*
 * suggest_query() is suggest_hint() over the first column of the rows of
 * the SQL section query (no parameters; e.g. "complete.sql#services"),
 * run on db. A failed query gives "" (the caller is already reporting an
 * error; the suggestion is a courtesy) after db_query()'s message.
 */
const char *suggest_query(struct db *db, const char *query, const char *word, char *buf,
			  size_t len);

#define SUGGEST_HINT_MAX (SUGGEST_MAX_LEN + 32)

#endif
