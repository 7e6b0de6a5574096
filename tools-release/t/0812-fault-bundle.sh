#!/bin/sh
test_description='fault injection: bundle apply killed at each step, then run again'
. ./test-lib.sh
. "$TEST_DIR/lib-bundle.sh"

export XENSTABLE_NOW="2024-06-05 12:00"

test_expect_success 'set up producer and receiver; make the 4.16 bundle; keep pristine copies' '
	setup_bundles &&
	as_producer bundle create --branch 4.16 --xsa 960 --commits stable-4.16..bp-960 \
		--embargo "$EMBARGO" --key "$P_KEY" --encrypt-to "$R_KEY" --no-build >out 2>err &&
	BUNDLE=$(ls "$PMAINT"/backports/4.16/*-r1.tar.gz.gpg) && echo "$BUNDLE" >bundle-path &&
	cp -a "$RMAINT" m0 && cp -a "$RUP" u0 &&
	git -C u0 rev-parse stable-4.16 >base
'
BUNDLE=$(cat bundle-path 2>/dev/null)

# Bundle commits take the committer's clock, so two runs differ in their
# ids; the same trees, authors and messages on the same base are the
# same result.
# apply_in M U: the receiver's bundle apply after the embargo on copies.
apply_in() {
	GNUPGHOME=$R_HOME "$XENSTABLE" -C "$1" --source "$2" bundle apply "$BUNDLE" \
		--branch 4.16 --date "$AFTER"
}

test_expect_success 'the uninterrupted run' '
	cp -a m0 mref && cp -a u0 uref &&
	apply_in mref uref >out 2>err &&
	git -C uref rev-parse stable-4.16 >ref-tip &&
	git -C uref log --format="%T %an <%ae> %ad%n%B" -2 stable-4.16 >ref-log &&
	cp mref/backports/seen.json ref-seen.json &&
	(cd mref/backports/4.16 && sha256sum *) >ref-kept
'

for point in apply-commit:1 apply-commit:2 apply-flushed:1 apply-migrate:1 apply-before-ref:1 \
	     apply-after-ref:1 bundle-keep:1; do
	test_expect_success "killed at $point: consistent; the rerun ends where the clean run did" "
		rm -rf m u && cp -a m0 m && cp -a u0 u &&
		XENSTABLE_STOP_AT=$point test_expect_code 137 apply_in m u >out 2>err &&
		test_grep \"killed at $point\" err &&
		tip=\$(git -C u rev-parse stable-4.16) &&
		if test \"\$tip\" != \"\$(cat base)\"; then
			git -C u log --format=\"%T %an <%ae> %ad%n%B\" -2 stable-4.16 >log &&
			test_cmp ref-log log
		fi &&
		git -C u fsck --connectivity-only --no-dangling &&
		! ls m/backports/4.16/.*.tmp-* 2>/dev/null &&
		apply_in m u >out2 2>err2 &&
		test \"\$(git -C u rev-parse stable-4.16~2)\" = \"\$(cat base)\" &&
		git -C u log --format=\"%T %an <%ae> %ad%n%B\" -2 stable-4.16 >log &&
		test_cmp ref-log log &&
		test_cmp ref-seen.json m/backports/seen.json &&
		(cd m/backports/4.16 && sha256sum *) >kept &&
		test_cmp ref-kept kept
	"
done

test_done
