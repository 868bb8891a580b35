/* Look-up of the SQL compiled into the binary. */
#include <string.h>

#include "sqlres.h"

const char *sqlres_get(const char *key)
{
	const struct sqlres_entry *e;

	for (e = sqlres_entries; e->key; e++)
		if (!strcmp(e->key, key))
			return e->text;
	return NULL;
}
