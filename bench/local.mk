## bench/ — benchmark programs: they print figures and ratios, never assert.
## `make bench` builds and runs them.
GXCA_BENCHES = bench/bench_core
noinst_PROGRAMS += $(GXCA_BENCHES)
noinst_HEADERS += bench/bench.h

bench_bench_core_SOURCES = bench/bench_core.c
bench_bench_core_CPPFLAGS = $(AM_CPPFLAGS) -DBENCH_SRCDIR='"$(abs_top_srcdir)"'
bench_bench_core_LDADD = lib/libgxca.la

bench: $(GXCA_BENCHES)
	@for b in $(GXCA_BENCHES); do echo "== $$b"; ./$$b || exit 1; done
.PHONY: bench
