#!/bin/sh
# fuzz.sh — coverage-guided fuzzing of one fuzz/ target with clang's
# libFuzzer, AddressSanitizer and UndefinedBehaviorSanitizer (make check
# only replays the corpora). See doc/fuzzing.md.
#   sh build-aux/fuzz.sh TARGET [SECONDS [libFuzzer options...]]
# TARGET: policy identity application cert png ses. The build is in
# _build/fuzz; the corpus is a copy of fuzz/corpus/TARGET that grows from
# run to run (_build/fuzz/corpus-TARGET); what fails goes to
# _build/fuzz/findings/.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
t=${1:?usage: fuzz.sh TARGET [SECONDS [options]]}
secs=${2:-300}
shift
[ $# -gt 0 ] && shift
[ -f "$top/fuzz/fuzz_$t.c" ] || { echo "fuzz.sh: no target fuzz/fuzz_$t.c" >&2; exit 2; }
command -v clang >/dev/null || { echo "fuzz.sh: needs clang (apt-get install clang)" >&2; exit 2; }
b=$top/_build/fuzz
san="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
mkdir -p "$b/findings"
[ -x "$top/configure" ] || (cd "$top" && autoreconf -fi)
[ -f "$b/Makefile" ] || (cd "$b" && "$top/configure" CC=clang \
	CFLAGS="-g -O1 $san -fsanitize=fuzzer-no-link" >configure.out 2>&1) ||
	{ cat "$b/configure.out"; exit 1; }
make -C "$b" -j2 lib/libgxca-core.la >/dev/null
cd "$b"
./libtool --quiet --mode=link --tag=CC clang -g -O1 $san -fsanitize=fuzzer -DGXCA_BUILDING \
	-I"$top/include" -Iinclude -I"$top/lib" -I. -o "fuzz_$t" "$top/fuzz/fuzz_$t.c" lib/libgxca-core.la \
	$(pkg-config --cflags --libs openssl)
[ -d "corpus-$t" ] || cp -r "$top/fuzz/corpus/$t" "corpus-$t"
exec "./fuzz_$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=512 \
	-print_final_stats=1 -artifact_prefix="$b/findings/$t-" "$@" "corpus-$t"
