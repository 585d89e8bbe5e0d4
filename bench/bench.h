/*
 * bench/bench.h — timing helpers for the benchmark programs. Benchmarks print
 * figures (medians of several runs, and ratios against a baseline measured in
 * the same process); they never assert times.
 */
#ifndef GXCA_BENCH_H
#define GXCA_BENCH_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static inline double bench_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static inline int bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/*
 * Run fn(arg, n) in batches until each run lasts at least min_seconds; repeat
 * `runs` times and return the median rate in operations per second.
 * fn returns non-zero on failure (the benchmark then reports 0).
 */
static inline double bench_rate(int (*fn)(void *arg, long n), void *arg, int runs, double min_seconds)
{
	double rates[32];
	long n = 1;
	if (runs > 32)
		runs = 32;
	for (;;) { /* calibrate */
		double t0 = bench_now();
		if (fn(arg, n))
			return 0;
		double dt = bench_now() - t0;
		if (dt >= min_seconds / 4 || n > (1L << 40))
			break;
		n *= 2;
	}
	n *= 4;
	for (int r = 0; r < runs; r++) {
		double t0 = bench_now();
		if (fn(arg, n))
			return 0;
		rates[r] = (double)n / (bench_now() - t0);
	}
	qsort(rates, (size_t)runs, sizeof rates[0], bench_cmp_double);
	return rates[runs / 2];
}

#endif
