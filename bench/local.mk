## bench/ — benchmark programs: they print figures and ratios, never assert.
## `make bench` builds and runs them.
GXCA_BENCHES = bench/bench_core
noinst_PROGRAMS += $(GXCA_BENCHES)
noinst_HEADERS += bench/bench.h

bench_bench_core_SOURCES = bench/bench_core.c
bench_bench_core_CPPFLAGS = $(AM_CPPFLAGS) -DBENCH_SRCDIR='"$(abs_top_srcdir)"'
bench_bench_core_LDADD = lib/libgxca.la

bench: $(GXCA_BENCHES)
	@for b in $(GXCA_BENCHES) bench/bench_seal bench/bench_eseal bench/bench_ca bench/bench_token; do echo "== $$b"; ./$$b || exit 1; done
.PHONY: bench

# bench_seal: seal rendering and stamp extraction times (prints, never asserts).
noinst_PROGRAMS += bench/bench_seal
bench_bench_seal_SOURCES = bench/bench_seal.c bench/bench.h
bench_bench_seal_LDADD = lib/libgxca.la

# bench_eseal: GB/T 38540 seals and signatures beside raw SM2 (prints, never asserts).
noinst_PROGRAMS += bench/bench_eseal
bench_bench_eseal_SOURCES = bench/bench_eseal.c bench/bench.h
bench_bench_eseal_CPPFLAGS = $(AM_CPPFLAGS) $(OPENSSL_CFLAGS) -DBENCH_SRCDIR='"$(abs_top_srcdir)"'
bench_bench_eseal_LDADD = lib/libgxca.la $(OPENSSL_LIBS)

# bench_ca: certificates issued and committed per second beside the raw signature rate (prints, never asserts).
noinst_PROGRAMS += bench/bench_ca
bench_bench_ca_SOURCES = bench/bench_ca.c bench/bench.h
bench_bench_ca_CPPFLAGS = $(AM_CPPFLAGS) -DGXCA_BUILDING $(OPENSSL_CFLAGS) $(SQLITE_CFLAGS)
bench_bench_ca_LDADD = lib/libgxca-core.la $(OPENSSL_LIBS) $(SQLITE_LIBS)

# bench_token: token signatures beside libp11 directly, envelope MB/s beside the raw
# cipher, peak memory of a 1 GB envelope (prints, never asserts; needs SoftHSM2).
noinst_PROGRAMS += bench/bench_token
bench_bench_token_SOURCES = bench/bench_token.c bench/bench.h
bench_bench_token_CPPFLAGS = $(AM_CPPFLAGS) $(OPENSSL_CFLAGS) $(LIBP11_CFLAGS) -DBENCH_SRCDIR='"$(abs_top_srcdir)"'
bench_bench_token_LDADD = lib/libgxca.la $(LIBP11_LIBS) $(OPENSSL_LIBS) $(PTHREAD_LIBS)
