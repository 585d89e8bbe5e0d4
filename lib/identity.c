/* lib/identity.c — being written. */
#include "gxca-private.h"
