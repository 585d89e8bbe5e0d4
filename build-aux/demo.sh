#!/bin/sh
# demo.sh — set up a fresh Debian 12 machine (packages), build libgxca and run
# `gxca demo` (the whole guide end to end). Output under ./gxca-demo/.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
sh build-aux/install-deps.sh
[ -x configure ] || autoreconf -fi
mkdir -p _build/demo
( cd _build/demo && [ -f Makefile ] || "$top/configure" >/dev/null )
make -C _build/demo -j"${JOBS:-2}" >/dev/null
out=${GXCA_DEMO_OUT:-$top/gxca-demo}
# The demo makes its CA and tokens afresh: start from an empty default directory.
[ -n "${GXCA_DEMO_OUT:-}" ] || rm -rf "$top/gxca-demo"
exec env -u SOFTHSM2_CONF _build/demo/tools/gxca demo --out "$out" "$@"
