## tools/ — the gxca command.
bin_PROGRAMS += tools/gxca
tools_gxca_SOURCES = \
	tools/gxca.c \
	tools/cli.h
tools_gxca_CPPFLAGS = $(AM_CPPFLAGS)
tools_gxca_LDADD = lib/libgxca.la
