## bindings/python/ — the gxca package (ctypes over libgxca.so.1, no compiled
## code) and its pytest suite. Installed into $(pythondir)/gxca and
## byte-compiled by automake; importable from the source tree as it is.
GXCAPY_FILES = \
	bindings/python/gxca/__init__.py \
	bindings/python/gxca/_lib.py \
	bindings/python/gxca/errors.py \
	bindings/python/gxca/core.py \
	bindings/python/gxca/domain.py \
	bindings/python/gxca/key.py \
	bindings/python/gxca/pki.py \
	bindings/python/gxca/seal.py \
	bindings/python/gxca/eseal.py \
	bindings/python/gxca/token.py \
	bindings/python/gxca/envelope.py \
	bindings/python/gxca/login.py

PYTEST_FILES = \
	tests/python/conftest.py \
	tests/python/test_core.py \
	tests/python/test_demo.py \
	tests/python/test_key.py \
	tests/python/test_pki.py \
	tests/python/test_token.py

if HAVE_PYTHON
gxcapydir = $(pythondir)/gxca
gxcapy_PYTHON = $(GXCAPY_FILES)
TESTS += tests/python/run-pytest.sh
endif

AM_TESTS_ENVIRONMENT += GXCA_TEST_PYTHON='$(PYTHON)'; export GXCA_TEST_PYTHON;
EXTRA_DIST += $(GXCAPY_FILES) $(PYTEST_FILES) tests/python/run-pytest.sh
dist_man_MANS += doc/man/gxca-python.3
