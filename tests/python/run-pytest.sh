#!/bin/sh
# Run the pytest suite of the gxca Python package against the library of the
# build tree. Exit 77 (skip) when pytest is not installed for $(PYTHON);
# pytest's "no tests collected" (5) is a failure.
set -u
: "${top_srcdir:?run me from make check}" "${top_builddir:?}"
py=${GXCA_TEST_PYTHON:-python3}
if ! "$py" -c 'import pytest' 2>/dev/null; then
  echo "run-pytest: pytest is not installed for $py" >&2
  exit 77
fi
PYTHONPATH="$top_srcdir/bindings/python${PYTHONPATH:+:$PYTHONPATH}"
GXCA_LIBRARY="$top_builddir/lib/.libs/libgxca.so.1"
PYTHONDONTWRITEBYTECODE=1 # the source tree may be read-only (distcheck)
export PYTHONPATH GXCA_LIBRARY PYTHONDONTWRITEBYTECODE
# A sanitizer build: the interpreter is not instrumented, load the runtime first.
for rt in asan ubsan; do
  if ldd "$GXCA_LIBRARY" 2>/dev/null | grep -q "lib$rt"; then
    LD_PRELOAD="${LD_PRELOAD:+$LD_PRELOAD }$(${CC:-cc} -print-file-name=lib$rt.so)"
    # Leaks of the interpreter itself are not ours: the C suites check leaks.
    export LD_PRELOAD ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
  fi
done
"$py" -m pytest -q -p no:cacheprovider --rootdir "$top_srcdir/tests/python" \
  "$top_srcdir/tests/python"
rc=$?
if [ "$rc" -eq 5 ]; then
  echo "run-pytest: no tests collected" >&2
  exit 1
fi
exit "$rc"
