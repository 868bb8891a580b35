/* "Did you mean": the closest known name to a mistyped one (see suggest.h). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <libpq-fe.h>

#include "compare.h"
#include "db.h"
#include "kpi.h"
#include "relation.h"
#include "status.h"
#include "suggest.h"

size_t suggest_distance(const char *a, const char *b)
{
	/* three rows of the dynamic programme: i-2, i-1, i */
	size_t rows[3][SUGGEST_MAX_LEN + 1], la = strlen(a), lb = strlen(b), i, j;

	if (la > SUGGEST_MAX_LEN || lb > SUGGEST_MAX_LEN)
		return SIZE_MAX;
	for (j = 0; j <= lb; j++)
		rows[0][j] = j;
	for (i = 1; i <= la; i++) {
		size_t *cur = rows[i % 3], *prev = rows[(i - 1) % 3], *prev2 = rows[(i - 2) % 3];

		cur[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] != b[j - 1], d = prev[j - 1] + cost;

			if (prev[j] + 1 < d)
				d = prev[j] + 1;
			if (cur[j - 1] + 1 < d)
				d = cur[j - 1] + 1;
			/* "reprot" for "report": two neighbours swapped cost 1 */
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    prev2[j - 2] + 1 < d)
				d = prev2[j - 2] + 1;
			cur[j] = d;
		}
	}
	return rows[la % 3][lb];
}

/* The largest distance still worth suggesting for a word of len bytes:
 * beyond it a short word would "match" half the list. */
static size_t max_distance(size_t len)
{
	return len <= 4 ? 1 : len <= 8 ? 2 : 3;
}

void suggest_init(struct suggest *s, const char *word)
{
	s->word = word;
	s->best = NULL;
	s->dist = SIZE_MAX;
}

void suggest_add(struct suggest *s, const char *candidate)
{
	size_t d, wl;

	if (!candidate || !s->word || !strcmp(candidate, s->word))
		return;
	wl = strlen(s->word);
	d = suggest_distance(s->word, candidate);
	/* a clear beginning ("comp") counts as close as one typo */
	if (d > 1 && wl >= 3 && !strncmp(candidate, s->word, wl))
		d = 1;
	if (d <= max_distance(wl) && d < s->dist) {
		s->best = candidate;
		s->dist = d;
	}
}

const char *suggest_best(const struct suggest *s)
{
	return s->best;
}

const char *suggest_hint(const struct suggest *s, char *buf, size_t len)
{
	if (!len)
		return "";
	buf[0] = '\0';
	if (s->best)
		snprintf(buf, len, " (did you mean '%s'?)", s->best);
	return buf;
}

const char *suggest_list(const char *word, const char *const *names, char *buf, size_t len)
{
	struct suggest s;

	suggest_init(&s, word);
	for (; *names; names++)
		suggest_add(&s, *names);
	return suggest_hint(&s, buf, len);
}

const char *suggest_kpi(const char *word, char *buf, size_t len)
{
	struct suggest s;

	suggest_init(&s, word);
	for (int k = 0; k < KPI_COUNT; k++)
		suggest_add(&s, kpi_defs[k].name);
	return suggest_hint(&s, buf, len);
}

const char *suggest_metric(const char *word, char *buf, size_t len)
{
	struct suggest s;

	suggest_init(&s, word);
	for (int m = 0; m < CMP_METRIC_COUNT; m++)
		suggest_add(&s, compare_metrics[m].name);
	return suggest_hint(&s, buf, len);
}

const char *suggest_relation(const char *word, char *buf, size_t len)
{
	char names[512], *save = NULL, *tok;
	struct suggest s;

	/* relation_names() is "services, channels, ..." */
	snprintf(names, sizeof(names), "%s", relation_names());
	suggest_init(&s, word);
	for (tok = strtok_r(names, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save))
		suggest_add(&s, tok);
	/* written while names[] still holds the candidate */
	return suggest_hint(&s, buf, len);
}

const char *suggest_query(struct db *db, const char *query, const char *word, char *buf,
			  size_t len)
{
	PGresult *res = NULL;
	struct suggest s;

	if (len)
		buf[0] = '\0';
	if (!db || !len || db_query(db, query, 0, NULL, &res) != DK_OK)
		return len ? buf : "";
	suggest_init(&s, word);
	for (int r = 0; r < PQntuples(res); r++)
		suggest_add(&s, db_get(res, r, 0));
	/* the hint is written before the result (and the names) go */
	suggest_hint(&s, buf, len);
	PQclear(res);
	return buf;
}
