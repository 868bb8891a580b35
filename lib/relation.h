/* The relations of the data contract (SPEC section 2) as the loader sees them. */
#ifndef DIDKPI_RELATION_H
#define DIDKPI_RELATION_H

enum rel_type {
	RT_TEXT,      /* free UTF-8 text */
	RT_CODE,      /* lower-case ASCII code [a-z0-9_-] */
	RT_BOOL,
	RT_INT,       /* integer within [min, max] */
	RT_DECIMAL,
	RT_DATE,
	RT_TIMESTAMP
};

/* What a column's value must also be, beyond its type. */
enum rel_check {
	RC_NONE,
	RC_STEP,         /* identification | authentication */
	RC_OUTCOME,      /* success | failure */
	RC_STATUS,       /* pending | completed | rejected | cancelled */
	RC_REF_SERVICE,  /* a service_code of services */
	RC_REF_CHANNEL,  /* a channel of channels */
	RC_REF_METHOD,   /* a method of auth_methods */
	RC_PERSON,       /* a person's key: no raw Thai national ID */
	RC_KPI           /* a KPI name of lib/kpi_def.c */
};

/* Most characters of free text every output can carry (an Excel cell holds
 * 32,767): names, units and keys, and failure reasons. Codes are shorter. */
#define REL_NAME_MAX 200
#define REL_REASON_MAX 1000
#define REL_CODE_MAX 64

struct rel_column {
	const char *name;
	enum rel_type type;
	int required;
	enum rel_check check;
	long min, max;   /* RT_INT: the range; RT_TEXT, RT_CODE: max = most characters */
	int multiline;   /* RT_TEXT: tab and line breaks allowed (other controls never) */
};

struct relation {
	const char *name;
	const struct rel_column *cols;
	int ncols;
	int npk;            /* the primary key is the first npk columns */
	const char *check;  /* sql/load.sql section of server-side row checks, or NULL */
	/* A rule across columns that needs no database, or NULL: given the
	 * row's values in column order (NULL for SQL NULL), returns NULL or
	 * the rule broken. */
	const char *(*row_check)(const char *const *vals);
};

/* relation_find() returns the relation called name, or NULL. */
const struct relation *relation_find(const char *name);

/* relation_names() returns "services, channels, ..." for messages. */
const char *relation_names(void);

/* relation_column() returns the index of column name in rel, or -1. */
int relation_column(const struct relation *rel, const char *name);

#endif
