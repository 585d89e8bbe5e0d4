/* lib/zip-private.h — being written. */
