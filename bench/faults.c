/*
 * The price of memory touched for the first time on this machine, printed
 * in `make bench`'s machine line: every new process (a connection's
 * backend, a parallel worker, didkpi itself) and every sort, hash or
 * array it builds pays it once per 4 KiB page. On a bare-metal Linux a
 * first touch costs well under a microsecond; on the bench VM it cost
 * 10-19 us, which makes a fresh connection's first reads, parallel
 * workers and large results much dearer than their CPU work
 * (bench/README.md, "What bounds").
 *
 * Prints: the microseconds per first-touched page, then the GB/s of
 * writing the same memory again (warm), as "FAULT_US WARM_GBS".
 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(void)
{
	const size_t size = (size_t)64 << 20, page = 4096;
	volatile char *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	double t0, t1, t2;

	if (p == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	t0 = now();
	for (size_t i = 0; i < size; i += page)
		p[i] = 1;
	t1 = now();
	memset((char *)p, 2, size);
	t2 = now();
	printf("%.2f %.1f\n", (t1 - t0) / (double)(size / page) * 1e6,
	       (double)size / (t2 - t1) / 1e9);
	munmap((void *)p, size);
	return 0;
}
