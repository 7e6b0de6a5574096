#!/bin/sh
test_description='build and boot-check a real xen.git release (XS_REAL_XEN=/path/to/xen.git clone)'
. ./test-lib.sh

# Slow (minutes): run only with XS_REAL_XEN set, e.g.
#   git clone /srv/mirror/xen.git /tmp/xen && tools-release/deps.sh xen-build &&
#   XS_REAL_XEN=/tmp/xen T=0690 make check
# Nothing is committed to, or checked out in, the clone (bare or not).

# clone_state: what must not change in the clone: its refs, HEAD and,
# when it has a work tree, the work tree's status.
clone_state() {
	git -C "$XS_REAL_XEN" for-each-ref --format="%(refname) %(objectname)" &&
	git -C "$XS_REAL_XEN" rev-parse HEAD &&
	if [ "$(git -C "$XS_REAL_XEN" rev-parse --is-bare-repository)" = false ]; then
		git -C "$XS_REAL_XEN" status --porcelain
	fi
}

test_expect_success REAL_XEN 'set up a maintenance repository on the xen.git clone' '
	make_maint_repo maint &&
	MAINT=$TRASH/maint &&
	TAG=$(git -C "$XS_REAL_XEN" tag -l "RELEASE-4.19.*" | sort -V | tail -1) &&
	test -n "$TAG" &&
	echo "$TAG" >tag &&
	clone_state >state.before
'

test_expect_success REAL_XEN 'the hypervisor of the latest 4.19 release builds' '
	TAG=$(cat tag) &&
	"$XENSTABLE" -C "$MAINT" --source "$XS_REAL_XEN" build --components hypervisor "$TAG" >build.out 2>&1 &&
	test_grep "^build of $TAG (commit .*, Xen ${TAG#RELEASE-}, xen.git)" build.out &&
	test_grep "^hypervisor: passed in .*: built xen/xen (Xen ${TAG#RELEASE-})" build.out
'

test_expect_success REAL_XEN 'it boots under qemu and reports exactly its version' '
	TAG=$(cat tag) &&
	"$XENSTABLE" -C "$MAINT" --source "$XS_REAL_XEN" boot-check "$TAG" >boot.out 2>&1 &&
	test_grep "^boot-check of $TAG passed in .*: booted; the console says Xen version ${TAG#RELEASE-}" boot.out &&
	test_grep "(XEN) Xen version ${TAG#RELEASE-} " "$MAINT"/.xenstable/build/*/boot/console.log &&
	test_expect_code 1 "$XENSTABLE" -C "$MAINT" --source "$XS_REAL_XEN" boot-check \
		--expect "${TAG#RELEASE-}.1" "$TAG" >boot2.out 2>&1 &&
	test_grep "expected ${TAG#RELEASE-}.1" boot2.out
'

test_expect_success REAL_XEN 'the clone was not touched' '
	clone_state >state.after &&
	test_cmp state.before state.after
'

# The durations, for whoever runs this by hand.
for f in build.out boot.out; do
	test -f "$TRASH/$f" && grep -E "(passed|failed|skipped) in" "$TRASH/$f" | sed 's/^/# /'
done

test_done
