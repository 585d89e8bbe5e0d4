/*
 * fuzz/replay.c — replays a fuzz corpus without libFuzzer, so `make check`
 * runs every target over its seeds (and over any crash files added to the
 * corpus). Prints TAP. The corpus directory is compiled in (FUZZ_CORPUS) or
 * given as arguments (files or directories).
 * With clang: build the same target with -fsanitize=fuzzer instead of this file.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int count;

static void run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		printf("not ok %d - %s (cannot open)\n", ++count, path);
		return;
	}
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0, n;
	uint8_t chunk[65536];
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (len + n > cap) {
			cap = (len + n) * 2;
			uint8_t *nb = realloc(buf, cap);
			if (!nb)
				abort(); /* test driver only: out of memory is fatal here */
			buf = nb;
		}
		memcpy(buf + len, chunk, n);
		len += n;
	}
	fclose(f);
	/* Copy to an exact-size buffer so ASan sees reads past the end. */
	uint8_t *exact = malloc(len ? len : 1);
	if (!exact)
		abort();
	if (len)
		memcpy(exact, buf, len);
	free(buf);
	LLVMFuzzerTestOneInput(exact, len);
	free(exact);
	printf("ok %d - %s\n", ++count, path);
	fflush(stdout);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void run_path(const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		printf("not ok %d - %s (missing)\n", ++count, path);
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		run_file(path);
		return;
	}
	DIR *d = opendir(path);
	char **names = NULL;
	size_t n = 0;
	struct dirent *e;
	while (d && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		names = realloc(names, (n + 1) * sizeof *names);
		if (!names)
			abort();
		size_t sz = strlen(path) + strlen(e->d_name) + 2;
		names[n] = malloc(sz);
		if (!names[n])
			abort();
		snprintf(names[n++], sz, "%s/%s", path, e->d_name);
	}
	if (d)
		closedir(d);
	qsort(names, n, sizeof *names, by_name);
	for (size_t i = 0; i < n; i++) {
		run_path(names[i]);
		free(names[i]);
	}
	free(names);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		for (int i = 1; i < argc; i++)
			run_path(argv[i]);
#ifdef FUZZ_CORPUS
	else
		run_path(FUZZ_CORPUS);
#endif
	/* The empty input always runs too. */
	LLVMFuzzerTestOneInput((const uint8_t *)"", 0);
	printf("ok %d - empty input\n1..%d\n", count + 1, count + 1);
	return 0;
}
