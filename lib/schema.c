/* Creating and upgrading the didkpi schema. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "schema.h"
#include "sqlres.h"
#include "status.h"

/* The version number of "schema/NNN_name.sql", or -1 for other keys. */
static long migration_version(const char *key)
{
	char *end;
	long v;

	if (strncmp(key, "schema/", 7) || strchr(key, '#'))
		return -1;
	v = strtol(key + 7, &end, 10);
	if (end == key + 7 || *end != '_')
		return -1;
	return v;
}

/* The newest schema version compiled into this binary. */
static long schema_latest(void)
{
	const struct sqlres_entry *e;
	long v, latest = 0;

	for (e = sqlres_entries; e->key; e++)
		if ((v = migration_version(e->key)) > latest)
			latest = v;
	return latest;
}

int schema_check(struct db *db)
{
	PGresult *res = NULL;
	long current = 0, latest = schema_latest();
	int st;

	if ((st = db_query(db, "init.sql#has_schema", 0, NULL, &res)))
		return st;
	if (!strcmp(PQgetvalue(res, 0, 0), "t")) {
		PQclear(res);
		if ((st = db_query(db, "init.sql#current_version", 0, NULL, &res)))
			return st;
		current = strtol(PQgetvalue(res, 0, 0), NULL, 10);
	}
	PQclear(res);
	if (current >= latest)
		return DK_OK;
	if (current == 0)
		log_error("the database has no didkpi schema");
	else
		log_error("the database's didkpi schema is version %ld; this didkpi needs "
			  "version %ld", current, latest);
	log_hint("run 'didkpi init' (it creates or upgrades the schema, keeping the data)");
	return DK_UNAVAILABLE;
}

int schema_upgrade(struct db *db, long *version, int *applied)
{
	const struct sqlres_entry *e;
	PGresult *res = NULL;
	long current, v;
	char vbuf[24];
	const char *p[1] = { vbuf };
	int st, n = 0;

	if ((st = db_begin(db)) || (st = db_query(db, "init.sql#lock", 0, NULL, NULL)) ||
	    (st = db_script(db, "schema/000_version.sql")) ||
	    (st = db_query(db, "init.sql#current_version", 0, NULL, &res)))
		goto fail;
	current = strtol(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	/* sqlres entries are sorted by name, so versions come in order. */
	for (e = sqlres_entries; e->key; e++) {
		v = migration_version(e->key);
		if (v <= current)
			continue;
		log_info("applying %s", e->key);
		snprintf(vbuf, sizeof(vbuf), "%ld", v);
		if ((st = db_script(db, e->key)) ||
		    (st = db_query(db, "init.sql#record_version", 1, p, NULL)))
			goto fail;
		current = v;
		n++;
	}
	if ((st = db_commit(db)))
		goto fail;
	if (version)
		*version = current;
	if (applied)
		*applied = n;
	return DK_OK;
fail:
	db_rollback(db);
	return st;
}
