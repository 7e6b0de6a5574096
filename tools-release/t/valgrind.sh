#!/bin/sh
# valgrind.sh: stands in for xenstable in `make check-valgrind`; runs the
# real binary ($XS_VALGRIND_BIN) under valgrind memcheck with one log per
# process in $XS_VALGRIND_LOGS.  exec keeps the pid, so kill -9 and lock
# tests see the same process; a memory error or a definite or indirect
# leak makes the exit code 98 and leaves a non-empty log, which the
# Makefile target reports after the suite.
exec "${XS_VALGRIND:-valgrind}" -q --error-exitcode=98 --leak-check=full \
	--errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect \
	--trace-children=no --num-callers=30 \
	--log-file="$XS_VALGRIND_LOGS/%p.log" "$XS_VALGRIND_BIN" "$@"
