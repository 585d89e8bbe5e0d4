/* lib/tariff.c — being written. */
#include "gxca-private.h"
