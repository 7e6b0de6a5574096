#!/bin/sh
test_description='the bad-input corpus: tests/bad/*/case, each refused with its exit code and message'
. ./test-lib.sh
. "$TEST_DIR/lib-xsa.sh"

# See tests/bad/README.md for the case format.
BAD_DIR=$TOOLS_DIR/tests/bad

test_expect_success 'set up: a small maintenance repository, keys, the reference upstream' '
	mkdir bare &&
	mkdir maint-template &&
	(cd "$PROJECT_ROOT" && git ls-files -z branches MAINTAINERS SUPPORT.md xsa/README.md 2>/dev/null |
		xargs -0 tar -cf - 2>/dev/null || tar -cf - branches MAINTAINERS SUPPORT.md xsa/README.md) |
		(cd maint-template && tar -xf -) &&
	(cd maint-template && git init -q && git add -A && git commit -q -m maint) &&
	mkdir ref && setup_reference "$TRASH/ref" &&
	XSA_KEY=$(xsa_make_key) &&
	OTHER_KEY=$(make_key "Someone Else" else@example.org) &&
	trust_key maint-template "$XSA_KEY" advisory &&
	mkdir -p maint-template/backports/members &&
	export_key "$OTHER_KEY" >maint-template/backports/members/producer.asc &&
	trust_key maint-template "$OTHER_KEY" backport producer &&
	(cd maint-template && git add -A && git commit -q -m "a bundle member") &&
	trust_key "$TRASH/ref/maint" "$XSA_KEY" advisory &&
	echo "$XSA_KEY" >xsa-key && echo "$OTHER_KEY" >other-key
'

# Run one case; its log explains a failure.
run_case() {
	_c=$1
	_name=$(basename "$_c")
	_w=$TRASH/w/$_name
	rm -rf "$_w" && mkdir -p "$_w/in" &&
	(cd "$_c" && find . -mindepth 1 -maxdepth 1 ! -name case -exec cp -a {} "$_w/in/" \;) ||
		return 1
	_setup=maint _exit= _changes=none _run= _msgs=
	_pre=
	while IFS= read -r _line || [ -n "$_line" ]; do
		case "$_line" in
		setup:*) _setup=$(printf "%s\n" "${_line#setup:}" | sed 's/^ *//') ;;
		exit:*) _exit=$(printf "%s\n" "${_line#exit:}" | tr -d ' ') ;;
		changes:*) _changes=$(printf "%s\n" "${_line#changes:}" | tr -d ' ') ;;
		esac
	done <"$_c/case"
	case "$_setup" in
	bare) M=$_w/bare; mkdir -p "$M" ;;
	maint) M=$_w/maint; cp -a maint-template "$M" ;;
	upstream) M=$_w/maint; cp -a "$TRASH/ref/maint" "$M" && cp -a "$TRASH/ref/upstream" "$_w/upstream" ;;
	*) echo "$_name: unknown setup '$_setup'"; return 1 ;;
	esac
	U=$_w/upstream
	IN=$_w/in
	export M U IN
	# A case writes only to its own copies.
	if [ "$_setup" = upstream ]; then
		XENSTABLE_SOURCE=$U && export XENSTABLE_SOURCE
	else
		unset XENSTABLE_SOURCE
	fi
	_rc=0
	while IFS= read -r _line || [ -n "$_line" ]; do
		_v=$(printf "%s\n" "${_line#*:}" | sed 's/^ *//')
		case "$_line" in
		copy:*)
			set -f; set -- $_v; set +f
			mkdir -p "$(dirname "$IN/$2")" && cp -a "$PROJECT_ROOT/$1" "$IN/$2" || _rc=1 ;;
		edit:*)
			_f=${_v%% *}
			sed -i -e "${_v#* }" "$IN/$_f" || _rc=1 ;;
		put:*)
			set -f; set -- $_v; set +f
			mkdir -p "$(dirname "$M/$2")" && cp -a "$IN/$1" "$M/$2" &&
			(cd "$M" && git add -A && git commit -q -m "put $2") >/dev/null || _rc=1 ;;
		remove:*)
			rm -rf "$M/$_v" || _rc=1 ;;
		sign:*)
			set -f; set -- $_v; set +f
			_k=$(cat xsa-key)
			[ "${2:-}" = untrusted ] && _k=$(cat other-key)
			gpg --batch --yes --no-tty --local-user "$_k!" --digest-algo SHA256 \
				--clearsign --output "$IN/$1.asc" "$IN/$1" 2>/dev/null &&
			mv "$IN/$1.asc" "$IN/$1" || _rc=1 ;;
		shell:*)
			(cd "$IN" && eval "$_v") || _rc=1 ;;
		pre:*)
			(cd "$IN" && set -f && eval "set -- $_v" && "$XENSTABLE" -C "$M" "$@") \
				>"$_w/pre.out" 2>&1 || { cat "$_w/pre.out"; _rc=1; } ;;
		esac
		[ $_rc -eq 0 ] || { echo "$_name: set-up line failed: $_line"; return 1; }
	done <"$_c/case"
	_run=$(sed -n 's/^run: *//p' "$_c/case")
	[ -n "$_run" ] && [ -n "$_exit" ] || { echo "$_name: needs run: and exit:"; return 1; }
	tree_state "$M" | grep -v ' \./\.xenstable/lock$' >"$_w/before"
	[ -d "$U" ] && git -C "$U" for-each-ref >"$_w/refs-before"
	(cd "$IN" && set -f && eval "set -- $_run" && exec "$XENSTABLE" -C "$M" "$@") \
		>"$_w/out" 2>"$_w/err"
	_got=$?
	if [ "$_got" -ne "$_exit" ]; then
		echo "$_name: exit $_got, expected $_exit"
		sed 's/^/  | /' "$_w/err" | head -20
		return 1
	fi
	sed -n 's/^msg: *//p' "$_c/case" >"$_w/msgs"
	[ -s "$_w/msgs" ] || { echo "$_name: needs at least one msg:"; return 1; }
	while IFS= read -r _m; do
		if ! grep -qF -- "$_m" "$_w/err" "$_w/out"; then
			echo "$_name: no '$_m' in its output:"
			sed 's/^/  | /' "$_w/err" "$_w/out" | head -20
			return 1
		fi
	done <"$_w/msgs"
	set -f
	for _a in $(sed -n 's/^absent: *//p' "$_c/case"); do
		if (cd "$IN" && set +f && ls -d $_a >/dev/null 2>&1); then
			set +f
			echo "$_name: $_a was left behind"
			return 1
		fi
	done
	set +f
	if [ "$_changes" = none ]; then
		tree_state "$M" | grep -v ' \./\.xenstable/lock$' >"$_w/after"
		test_cmp "$_w/before" "$_w/after" || { echo "$_name: the repository changed"; return 1; }
		if [ -d "$U" ]; then
			git -C "$U" for-each-ref >"$_w/refs-after"
			test_cmp "$_w/refs-before" "$_w/refs-after" ||
				{ echo "$_name: the source repository's refs changed"; return 1; }
		fi
	fi
	return 0
}

n=0
for c in "$BAD_DIR"/*/; do
	[ -f "$c/case" ] || continue
	c=${c%/}
	n=$((n + 1))
	title=$(sed -n 's/^# *//p' "$c/case" | head -1)
	test_expect_success "$(basename "$c"): ${title:-bad input}" "run_case '$c'"
done

test_expect_success "the corpus has at least 60 cases ($n)" '
	test $n -ge 60
'

test_done
