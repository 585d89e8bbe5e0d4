#!/bin/sh
# test-all.sh — the whole test suite, as CI runs it:
#   1. a -Werror build: make check, the ABI/exports/man checks, make distcheck;
#   2. an AddressSanitizer + UndefinedBehaviorSanitizer build: make check.
# Builds go to _build/ (out of tree). Prints "N passed, N failed" at the end.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
sh build-aux/install-deps.sh
[ -x configure ] || autoreconf -fi
jobs=${JOBS:-2}
status=0
summary() { # sum the automake test-suite logs of a build dir
  cat "$1"/test-suite.log 2>/dev/null | sed -n 's/^# \(PASS\|FAIL\|ERROR\|XPASS\|SKIP\|XFAIL\): *\([0-9]*\)/\1 \2/p'
}
run() { name=$1; shift
  mkdir -p "_build/$name"
  py=; [ -x /usr/bin/python3 ] && py=PYTHON=/usr/bin/python3   # Debian's, with pytest
  ( cd "_build/$name" && "$top/configure" --enable-werror $py "$@" >configure.out 2>&1 \
    || { cat configure.out; exit 1; } )
  make -C "_build/$name" -j"$jobs" >/dev/null
}

run werror
make -C _build/werror -j"$jobs" check || status=1
summary _build/werror > _build/summary.werror
make -C _build/werror check-exports check-man check-abi || status=1
sh tests/public/test-pkgconfig.sh _build/werror || status=1
make -C _build/werror -j"$jobs" distcheck >_build/distcheck.out 2>&1 \
  || { tail -50 _build/distcheck.out; status=1; }
grep -q 'archives ready for distribution' _build/distcheck.out && echo "distcheck: OK"

run asan --enable-asan --enable-ubsan
make -C _build/asan -j"$jobs" check || status=1
summary _build/asan > _build/summary.asan

# automake puts the log of every test that did not pass into test-suite.log:
# show it, so that a CI record says why.
for d in _build/werror _build/asan; do
  if grep -q '^# \(FAIL\|ERROR\|XPASS\): *[1-9]' "$d/test-suite.log" 2>/dev/null; then
    echo "==== $d/test-suite.log (last 150 lines)"; tail -150 "$d/test-suite.log"
  fi
done

cat _build/summary.werror _build/summary.asan | awk '
  $1 == "PASS" || $1 == "XFAIL" { p += $2 }
  $1 == "FAIL" || $1 == "ERROR" || $1 == "XPASS" { f += $2 }
  $1 == "SKIP" { s += $2 }
  END { printf "%d passed, %d failed, %d skipped\n", p, f, s }'
exit $status
