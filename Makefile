# xenstable: stable-branch maintenance for the Xen hypervisor.
#
#   make               install build dependencies (as root) and build
#   make check         run every test; ends with "N passed, N failed"
#   make check-asan    the same suite with ASan+UBSan
#   make check-valgrind the same suite with every run under valgrind memcheck
#   make fuzz          each libFuzzer target FUZZ_SECONDS (30) seconds (clang)
#   make demo          one month of stable maintenance on the reference tree
#   make upstream      create the reference upstream in .xenstable/upstream
#   make bench         timings into bench-out/ (SOURCE=xen.git REF=... RUNS=5)
#   make bench-apply   only its apply section: xsa apply against git am, xsa status
#   make install       PREFIX=/usr/local DESTDIR= (program, man page, completion,
#                      the reference tree in PREFIX/share/xenstable)
#
# See README.md.

SHELL := /bin/sh
XS := tools-release/xenstable
ASAN_BIN := tools-release/build/asan/xenstable
PREFIX ?= /usr/local
DESTDIR ?=

all: build

deps:
	@tools-release/deps.sh build

build: deps
	$(MAKE) -C tools-release

unit-tests: deps
	$(MAKE) -C tools-release unit-tests

check: deps-check
	$(MAKE) -C tools-release all unit-tests
	@XENSTABLE=$(CURDIR)/$(XS) \
	 UNIT_TESTS="$$($(MAKE) -s -C tools-release print-unit-tests | sed 's|[^ ]*|$(CURDIR)/tools-release/&|g')" \
	 tools-release/t/run-tests.sh

check-asan: deps-check
	$(MAKE) -C tools-release SAN=asan all unit-tests
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=99 \
	 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	 XENSTABLE=$(CURDIR)/$(ASAN_BIN) \
	 UNIT_TESTS="$$($(MAKE) -s -C tools-release SAN=asan print-unit-tests | sed 's|[^ ]*|$(CURDIR)/tools-release/&|g')" \
	 tools-release/t/run-tests.sh

# Every xenstable run and every unit test under valgrind memcheck
# (t/valgrind.sh as $XENSTABLE); any error or definite/indirect leak fails.
VG_LOGS := $(CURDIR)/tools-release/t/results-valgrind
VG_OPTS := -q --error-exitcode=98 --leak-check=full --errors-for-leak-kinds=definite,indirect \
	--show-leak-kinds=definite,indirect --num-callers=30
check-valgrind: deps-check
	@tools-release/deps.sh valgrind
	$(MAKE) -C tools-release all unit-tests
	@rm -rf $(VG_LOGS) && mkdir -p $(VG_LOGS)
	@XS_VALGRIND="$$(command -v valgrind)" XS_VALGRIND_LOGS=$(VG_LOGS) \
	 XS_VALGRIND_BIN=$(CURDIR)/$(XS) XENSTABLE=$(CURDIR)/tools-release/t/valgrind.sh \
	 XS_UNIT_WRAP="valgrind $(VG_OPTS) --log-file=$(VG_LOGS)/unit.%p.log" \
	 UNIT_TESTS="$$($(MAKE) -s -C tools-release print-unit-tests | sed 's|[^ ]*|$(CURDIR)/tools-release/&|g')" \
	 tools-release/t/run-tests.sh; rc=$$?; \
	 n=$$(find $(VG_LOGS) -name '*.log' | wc -l); \
	 bad=$$(find $(VG_LOGS) -name '*.log' -size +0 | sort); \
	 echo "valgrind: $$n processes checked, $$(echo $$bad | wc -w) with errors or leaks"; \
	 for f in $$bad; do echo "=== $$f"; head -60 $$f; done; \
	 test $$rc -eq 0 && test -z "$$bad"

deps-check:
	@tools-release/deps.sh check

# libFuzzer targets (tools-release/fuzz/): built by clang with ASan+UBSan
# in tools-release/build/fuzz, each run FUZZ_SECONDS from its seed corpus.
FUZZ_SECONDS ?= 30
fuzz:
	@tools-release/deps.sh build fuzz
	$(MAKE) -C tools-release SAN=fuzz fuzzers -j$$(nproc)
	@FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_TARGETS="$(FUZZ_TARGETS)" tools-release/fuzz/run.sh

# Timing targets live here, never in the tests: see tools-release/bench/run.sh.
bench: build
	@tools-release/deps.sh bench
	@XENSTABLE=$(CURDIR)/$(XS) SOURCE="$(SOURCE)" REF="$(or $(REF),RELEASE-4.19.4)" \
	 RUNS="$(or $(RUNS),5)" SECTIONS="$(SECTIONS)" tools-release/bench/run.sh

demo: deps-demo build
	@tools-release/demo/demo.sh

deps-demo:
	@tools-release/deps.sh demo

upstream: build
	@rm -rf .xenstable/upstream
	$(XS) upstream init .xenstable/upstream $(if $(KEY),--key $(KEY))

# make release BRANCH=4.19 [SOURCE=DIR] [KEY=FPR] [DATE=YYYY-MM-DD]
# Without SOURCE, on the reference upstream in .xenstable/ with its demo key.
RELEASE_ARGS = $(if $(KEY),--key $(KEY)) $(if $(DATE),--date "$(DATE)")
release: build
	@test -n "$(BRANCH)" || { echo "usage: make release BRANCH=X.Y [SOURCE=DIR] [KEY=FPR] [DATE=YYYY-MM-DD]" >&2; exit 2; }
ifeq ($(SOURCE),)
	@tools-release/demo/reference-env.sh
	GNUPGHOME=$(CURDIR)/.xenstable/demo-gnupg $(XS) --source .xenstable/upstream release $(BRANCH) $(RELEASE_ARGS)
else
	$(XS) --source $(SOURCE) release $(BRANCH) $(RELEASE_ARGS)
endif

release-all: build
ifeq ($(SOURCE),)
	@tools-release/demo/reference-env.sh
	GNUPGHOME=$(CURDIR)/.xenstable/demo-gnupg $(XS) --source .xenstable/upstream release --all-due $(RELEASE_ARGS)
else
	$(XS) --source $(SOURCE) release --all-due $(RELEASE_ARGS)
endif

bench-apply:
	@$(MAKE) --no-print-directory bench SECTIONS=apply

# The reference tree (hypervisor/, toolstack/ but its ABI baselines, the
# plan) goes to PREFIX/share/xenstable, where an installed xenstable finds it
# (upstream init outside a checkout); the files git tracks when there is git.
DATADIR = $(PREFIX)/share/xenstable
install: build
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions $(DESTDIR)$(DATADIR)
	install -m 755 $(XS) $(DESTDIR)$(PREFIX)/bin/xenstable
	install -m 644 tools-release/xenstable.1 $(DESTDIR)$(PREFIX)/share/man/man1/xenstable.1
	install -m 644 tools-release/completion/xenstable.bash \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/xenstable
	rm -rf $(DESTDIR)$(DATADIR)/hypervisor $(DESTDIR)$(DATADIR)/toolstack $(DESTDIR)$(DATADIR)/upstream
	{ git ls-files -z -- hypervisor toolstack ':(exclude)toolstack/abi' tools-release/upstream \
		2>/dev/null || find hypervisor toolstack tools-release/upstream -path toolstack/abi \
		-prune -o -type f -print0; } | tar --null -T - -cf - | \
		tar -x -C $(DESTDIR)$(DATADIR) --transform 's,^tools-release/upstream,upstream,'
	chmod -R u+rwX,go+rX $(DESTDIR)$(DATADIR)

clean:
	$(MAKE) -C tools-release clean
	rm -rf tools-release/t/trash tools-release/t/results

.PHONY: all deps deps-check deps-demo demo build unit-tests check check-asan check-valgrind fuzz bench bench-apply upstream release release-all install clean
