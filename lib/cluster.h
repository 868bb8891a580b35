/* The private PostgreSQL cluster: initdb + pg_ctl on a Unix socket. */
#ifndef DIDKPI_CLUSTER_H
#define DIDKPI_CLUSTER_H

/* The database and superuser the private cluster is created with. */
#define CLUSTER_DBNAME "didkpi"
#define CLUSTER_USER "didkpi"

/*
 * cluster_dir() returns the cluster's directory (malloc'd): $DIDKPI_HOME
 * when set, else /var/lib/didkpi for root, else
 * ${XDG_DATA_HOME:-$HOME/.local/share}/didkpi. Inside it: data/ (PGDATA),
 * run/ (the socket), server.log. NULL when out of memory.
 */
char *cluster_dir(void);

/* cluster_socket_dir() returns DIR/run (malloc'd), NULL when out of memory. */
char *cluster_socket_dir(const char *dir);

/* cluster_is_running() returns 1 when the cluster in dir answers. */
int cluster_is_running(const char *dir);

/*
 * cluster_start() creates the cluster on first use (initdb, trust
 * authentication on the socket only, no TCP, the database "didkpi") and
 * starts it. Run as root, the server runs as the unprivileged "postgres"
 * user (PostgreSQL refuses root), which then owns dir. Returns DK_OK (also
 * when already running), DK_UNAVAILABLE when PostgreSQL is not installed or
 * will not start (the log is named), DK_CANTCREAT when dir cannot be made.
 */
int cluster_start(const char *dir, int huge_pages);

/*
 * With huge_pages, cluster_start() first makes sure the kernel has enough
 * huge pages free for the server's shared memory (postgres -C
 * shared_memory_size_in_huge_pages), raising vm.nr_hugepages when run as
 * root; PostgreSQL's huge_pages = try then puts it on them. When they
 * cannot be had it warns and starts on 4 KiB pages. cluster_on_huge_pages()
 * says whether the running server's shared memory is on huge pages: 1 yes,
 * 0 no, -1 when it cannot be told.
 */
int cluster_on_huge_pages(const char *dir);

/* cluster_stop() stops it (fast shutdown); DK_OK also when not running. */
int cluster_stop(const char *dir);

/* cluster_status() prints one line on stdout and returns DK_OK when
 * running, DK_UNAVAILABLE when not. */
int cluster_status(const char *dir);

#endif
