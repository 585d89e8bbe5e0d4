#!/bin/sh
# The gxca command: domain part (being written).
set -eu
"$GXCA" >/dev/null
