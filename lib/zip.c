/* lib/zip.c — being written. */
#include "gxca-private.h"
