#!/bin/sh
# bin2c.sh NAME FILE — print a C translation unit holding FILE's bytes as
#   const unsigned char NAME[]; const size_t NAME_len;
# (NUL-terminated too, so text files can be used as C strings.)
set -e
name=$1; file=$2
echo "/* Generated from $(basename "$file") by bin2c.sh; do not edit. */"
echo '#include <stddef.h>'
echo "extern const unsigned char ${name}[];"
echo "extern const size_t ${name}_len;"
echo "const unsigned char ${name}[] = {"
od -An -v -tx1 "$file" | sed -e 's/[0-9a-f][0-9a-f]/0x&,/g'
echo '0x00 };'
echo "const size_t ${name}_len = sizeof ${name} - 1;"
