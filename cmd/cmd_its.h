/* didkpi its and didkpi chart its (cmd/its.c). */
#ifndef DIDKPI_CMD_CMD_ITS_H
#define DIDKPI_CMD_CMD_ITS_H

#include "cmd.h"

/* didkpi its: the interrupted time series of one KPI, as a table. */
int cmd_its(int argc, char **argv, struct cmd_ctx *ctx);

/*
 * didkpi chart its: the same series drawn. cmd_its_chart_wanted() is 1
 * when the first word of a chart command line that is not an option is
 * "its" (so that cmd/chart.c hands the whole command line over); argv is
 * not changed.
 */
int cmd_its_chart_wanted(int argc, char **argv);
int cmd_its_chart(int argc, char **argv, struct cmd_ctx *ctx);

#endif
