# gssim — top-level Makefile.
#   make               build build/gssim
#   make test          build and run the Check suites
#   make check         the same under AddressSanitizer + UndefinedBehaviorSanitizer (build-san/)
#   make SANITIZE=address,undefined test   any sanitizer set, in build-san/
#   make docs          regenerate docs/config.md and docs/stats.md from the tables
#   make bench         speed and memory benchmarks (bench/)
#   make install PREFIX=/usr/local DESTDIR=      (make uninstall: the same, undone)
# Your CPPFLAGS, CFLAGS, LDFLAGS and LDLIBS are added after the project's own
# flags; BUILD may be any directory, relative or absolute.
# Sources are found by wildcard: sim/*.c, kernels/*.c and lab/*.c form libgssim.a,
# cli/*.c the gssim binary, tests/check_<name>.c one Check suite each
# (defining `Suite *<name>_suite(void)`), all run by one runner.

CC      ?= cc
PREFIX  ?= /usr/local
DESTDIR ?=
PKGS    := yaml-0.1 sqlite3
# Asked on every make run; $(BUILD)/version.h changes (and the few objects
# that include it rebuild) only when the text does.
VERSION := $(shell git describe --always --dirty 2>/dev/null || echo 0.1.0)

ifdef SANITIZE
BUILD   ?= build-san
SANFLAGS := -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
OPT     ?= -O1 -g
else
BUILD   ?= build
SANFLAGS :=
OPT     ?= -O2 -g
endif

WARN := -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wformat=2 -Wundef -Wwrite-strings -Wvla \
	-Wcast-qual -Wpointer-arith -Wold-style-definition
WERROR ?= -Werror

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   := $(shell pkg-config --libs $(PKGS))
CHECK_CFLAGS := $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS   := $(shell pkg-config --libs check 2>/dev/null)

CFLAGS   ?=
CPPFLAGS ?=
LDFLAGS  ?=
LDLIBS   ?=
# The project's preprocessor flags, kept apart so a CPPFLAGS given on the
# command line (which replaces the variable) adds to them instead.
GS_CPPFLAGS := -D_POSIX_C_SOURCE=200809L -I$(BUILD) -Isim -Ikernels -Ilab -Icli
ALL_CPPFLAGS = $(GS_CPPFLAGS) $(CPPFLAGS)
ALL_CFLAGS = -std=c11 $(OPT) $(WARN) $(WERROR) $(SANFLAGS) $(PKG_CFLAGS) $(CFLAGS) -MMD -MP
ALL_LDFLAGS = $(SANFLAGS) $(LDFLAGS)
LDLIBS_ALL = $(PKG_LIBS) -lm $(LDLIBS)

LIB_SRC  := $(sort $(wildcard sim/*.c kernels/*.c lab/*.c))
CLI_SRC  := $(sort $(wildcard cli/*.c))
TEST_SRC := $(sort $(wildcard tests/check_*.c))
SUITES   := $(patsubst tests/check_%.c,%,$(TEST_SRC))

LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/%.o)
TEST_OBJ := $(TEST_SRC:%.c=$(BUILD)/%.o) $(BUILD)/tests/run_tests.o $(BUILD)/tests/testutil.o

GSSIM := $(BUILD)/gssim
LIB   := $(BUILD)/libgssim.a
TESTS := $(BUILD)/run_tests

.PHONY: all test unit check docs bench install uninstall clean deps FORCE
all: $(GSSIM)

# GSSIM_VERSION for the files that include "version.h" (their .d files
# then name it); rewritten only when the version text changes.
$(BUILD)/version.h: FORCE
	@mkdir -p $(dir $@)
	@echo '#define GSSIM_VERSION "$(VERSION)"' > $@.tmp
	@if cmp -s $@.tmp $@; then rm $@.tmp; else mv $@.tmp $@; fi

# Order-only: the header exists before the first compile; after that each
# object depends on it only if it includes it (its .d file).
$(LIB_OBJ) $(CLI_OBJ) $(TEST_OBJ): | $(BUILD)/version.h

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -c $< -o $@

# Every test file sees the generated suite prototypes (-Wmissing-prototypes).
$(BUILD)/tests/%.o: tests/%.c $(BUILD)/tests/suites.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CPPFLAGS) -I$(BUILD)/tests -include $(BUILD)/tests/suites.h $(ALL_CFLAGS) $(CHECK_CFLAGS) -c $< -o $@

# The runner's suite list, generated from the file names; rewritten only
# when the list changes (so a different TEST_SRC rebuilds the runner).
$(BUILD)/tests/suites.h: FORCE
	@mkdir -p $(dir $@)
	@{ echo "#include <check.h>"; \
	   for s in $(SUITES); do echo "Suite *$${s}_suite(void);"; done; \
	   echo "#define GS_SUITES(X) \\"; \
	   for s in $(SUITES); do echo "	X($${s}_suite) \\"; done; \
	   echo ""; } > $@.tmp
	@if cmp -s $@.tmp $@; then rm $@.tmp; else mv $@.tmp $@; fi

FORCE:

$(LIB): $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(GSSIM): $(CLI_OBJ) $(LIB)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $(CLI_OBJ) $(LIB) $(LDLIBS_ALL)

$(TESTS): $(TEST_OBJ) $(LIB)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $(TEST_OBJ) $(LIB) $(LDLIBS_ALL) $(CHECK_LIBS)

# Tests run from the top directory (they read configs/ and traces/) and may
# run the gssim binary end to end through $GSSIM_BIN.
test: $(GSSIM) $(TESTS)
	GSSIM_BIN=$(abspath $(GSSIM)) $(abspath $(TESTS))

check:
	$(MAKE) SANITIZE=address,undefined test

# Only the Check runner; for working on a few modules in isolation, e.g.
#   make BUILD=build-x LIB_SRC="sim/err.c sim/spm.c" TEST_SRC=tests/check_spm.c unit
unit: $(TESTS)
	$(abspath $(TESTS))

docs: $(GSSIM)
	$(abspath $(GSSIM)) docs config > docs/config.md
	$(abspath $(GSSIM)) docs stats > docs/stats.md

bench: $(GSSIM)
	./bench/run.sh $(abspath $(GSSIM))
	./bench/sweep.sh $(abspath $(GSSIM))

install: $(GSSIM)
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 $(GSSIM) $(DESTDIR)$(PREFIX)/bin/gssim

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/gssim

deps:
	./scripts/deps

clean:
	rm -rf build build-san $(filter-out / . ..,$(BUILD))

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(TEST_OBJ:.o=.d)
