## tools/ — the gxca command.
bin_PROGRAMS += tools/gxca
tools_gxca_SOURCES = \
	tools/cli.h \
	tools/cli.c \
	tools/gxca.c \
	tools/cmd-check.c \
	tools/cmd-sites.c \
	tools/cmd-domain.c \
	tools/cmd-app.c \
	tools/cmd-ca.c \
	tools/cmd-token.c \
	tools/cmd-seal.c \
	tools/cmd-demo.c
tools_gxca_CPPFLAGS = $(AM_CPPFLAGS) $(JSONC_CFLAGS)
tools_gxca_LDADD = lib/libgxca.la $(JSONC_LIBS)
