#!/bin/sh
test_description='bundle: a 4.16 backport (prerequisite + fix) from producer to receiver, under embargo and after'
. ./test-lib.sh
. "$TEST_DIR/lib-bundle.sh"

test_expect_success 'set up producer, receiver, outsider, XSA-960 and the 4.16 backport' '
	setup_bundles &&
	git -C "$PUP" log --format=%s stable-4.16..bp-960 >series.log &&
	test_grep "^hypervisor/evtchn: check the port in EVTCHNOP_status$" series.log &&
	test_grep "^hypervisor/evtchn: introduce port_is_valid() and evtchn_from_port()$" series.log
'

test_expect_success 'create: applies in a private index, builds, signs, encrypts to the receiver' '
	git -C "$PUP" for-each-ref >refs-before &&
	as_producer bundle create --branch 4.16 --xsa 960 --commits stable-4.16..bp-960 \
		--embargo "$EMBARGO" --key "$P_KEY" --encrypt-to "$R_KEY" >out 2>err &&
	test_grep "^  prerequisite patches/0001-hypervisor-evtchn-introduce-port_is_valid-and-evtchn.patch$" out &&
	test_grep "^  fix          patches/0002-hypervisor-evtchn-check-the-port-in-EVTCHNOP_status.patch$" out &&
	test_grep "^tested: applied cleanly to stable-4.16; built: yes; booted: no$" out &&
	test_grep "^embargoed until 2024-06-04 12:00 UTC$" out &&
	test_grep "^wrote $PMAINT/backports/4.16/xsa960-4.16-[0-9a-f]\{8\}-r1.tar.gz.gpg (encrypted)$" out &&
	test_grep "the 2 patches apply to stable-4.16 (.*) without fuzz" err &&
	git -C "$PUP" for-each-ref >refs-after &&
	test_cmp refs-before refs-after &&
	BUNDLE=$(ls "$PMAINT"/backports/4.16/*-r1.tar.gz.gpg) &&
	ID=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[\"bundles\"][0][\"id\"])" \
		"$PMAINT/backports/seen.json") &&
	echo "$BUNDLE" >bundle-path && echo "$ID" >bundle-id &&
	test "$(head -c 2 "$BUNDLE" | od -An -tx1 | tr -d " ")" != "1f8b"
'
BUNDLE=$(cat bundle-path 2>/dev/null)
ID=$(cat bundle-id 2>/dev/null)

test_expect_success 'the receiver can decrypt it; inside, the manifest says what the bundle is' '
	GNUPGHOME=$R_HOME gpg --batch -q --decrypt "$BUNDLE" >r1.tar.gz 2>/dev/null &&
	tar -tzvf r1.tar.gz >listing &&
	awk "{print \$2, \$6}" listing >owners &&
	printf "%s\n" "root/root manifest.json" "root/root manifest.json.asc" \
		"root/root patches/0001-hypervisor-evtchn-introduce-port_is_valid-and-evtchn.patch" \
		"root/root patches/0002-hypervisor-evtchn-check-the-port-in-EVTCHNOP_status.patch" >expect &&
	test_cmp expect owners &&
	! grep -v "^-rw-r--r-- " listing &&
	test "$(od -An -tx1 -j4 -N6 r1.tar.gz | tr -d " ")" = "000000000003" &&
	tar -xzf r1.tar.gz manifest.json &&
	python3 - "$PREREQ" "$FIX" "$(git -C "$PUP" rev-parse stable-4.16)" "$P_KEY" <<-\EOF
	import json, sys
	m = json.load(open("manifest.json"))
	prereq, fix, base, key = sys.argv[1:]
	assert m["format_version"] == 1 and m["revision"] == 1, m
	assert m["branch"] == "4.16" and m["base"] == {"ref": "stable-4.16", "commit": base}, m
	assert m["embargo_until"] == "2024-06-04T12:00:00Z" and m["created"] == "2024-05-20T10:00:00Z"
	assert m["xsas"] == [960] and m["cves"] == ["CVE-2024-96001"], m
	assert m["producer"] == {"name": "producer", "fingerprint": key}, m
	f = m["files"]
	assert [x["role"] for x in f] == ["prerequisite", "fix"], f
	assert [x["xsa"] for x in f] == [960, 960], f
	assert [x["upstream_commit"] for x in f] == [prereq, fix], f
	assert m["tested"] == {"applied": True, "built": True, "booted": False}, m
	EOF
'

test_expect_success 'create refuses a fix without its prerequisite, and writes nothing' '
	tree_state "$PMAINT" >before &&
	git -C "$PUP" for-each-ref >refs-before &&
	test_expect_code 1 as_producer bundle create --branch 4.16 --xsa 960 \
		--commits bp-960~1..bp-960 --base stable-4.16 --embargo "$EMBARGO" --key "$P_KEY" >out 2>err &&
	test_grep "^does not apply: " out &&
	test_grep "hypervisor/common/event_channel.c" out &&
	test_grep "^nothing was written$" out &&
	tree_state "$PMAINT" >after &&
	test_cmp before after &&
	git -C "$PUP" for-each-ref >refs-after &&
	test_cmp refs-before refs-after
'

test_expect_success 'create refuses to publish an embargoed XSA early, and non-member keys' '
	tree_state "$PMAINT" >before &&
	test_expect_code 3 as_producer bundle create --branch 4.16 --xsa 960 \
		--commits stable-4.16..bp-960 --key "$P_KEY" --no-build 2>err &&
	test_grep "XSA-960 is embargoed until 2024-06-04 12:00 UTC (XSA store): a bundle for it needs --embargo" err &&
	test_expect_code 3 as_producer bundle create --branch 4.16 --xsa 960 \
		--commits stable-4.16..bp-960 --key "$P_KEY" --no-build --embargo "2024-06-03 12:00" 2>err &&
	test_grep "embargo ends before XSA-960.s public time 2024-06-04 12:00 UTC" err &&
	test_expect_code 3 env GNUPGHOME="$O_HOME" XENSTABLE_NOW="$CREATED" "$XENSTABLE" -C "$PMAINT" --source "$PUP" \
		bundle create --branch 4.16 --xsa 960 --commits stable-4.16..bp-960 --key "$O_KEY" \
		--no-build --embargo "$EMBARGO" 2>err &&
	test_grep "is not a predisclosure member.s key" err &&
	test_expect_code 3 as_producer bundle create --branch 4.16 --xsa 960 --no-build \
		--commits stable-4.16..bp-960 --key "$P_KEY" --embargo "$EMBARGO" --encrypt-to "$O_KEY" 2>err &&
	test_grep "encrypt-to $O_KEY is not a predisclosure member.s key; bundles go to members only" err &&
	tree_state "$PMAINT" >after &&
	test_cmp before after
'

test_expect_success 'verify on the receiver: decrypts, checks signature and hashes, prints the manifest' '
	as_receiver bundle verify "$BUNDLE" --date "$BEFORE" >out 2>err &&
	test_grep "^id        $ID revision 1 (format 1)$" out &&
	test_grep "^producer  producer, key " out &&
	test_grep "good signature by Bundle Producer <producer@example.org>" out &&
	test_grep "^branch    4.16, base stable-4.16 " out &&
	test_grep "^embargo   until 2024-06-04 12:00 UTC: embargoed on 2024-06-01 00:00 UTC$" out &&
	test_grep "^XSAs      XSA-960 (CVE-2024-96001)$" out &&
	test_grep "^  prerequisite XSA-960   patches/0001-" out &&
	test_grep "ok, upstream $(echo $PREREQ | cut -c1-12)$" out &&
	test_grep "^verified  signature by member .producer., 2 file hashes, format 1$" out &&
	test_grep "^kept      backports/4.16/xsa960-4.16-.*-r1.tar.gz.gpg" out &&
	cmp "$BUNDLE" "$RMAINT/backports/4.16/$(basename "$BUNDLE")" &&
	test_grep "\"id\": \"$ID\"" "$RMAINT/backports/seen.json"
'

test_expect_success 'someone who is not a recipient cannot read it' '
	receiver_state >before &&
	test_expect_code 3 as_outsider bundle verify "$BUNDLE" 2>err &&
	test_grep "no matching secret key here" err &&
	receiver_state >after &&
	test_cmp before after
'

test_expect_success 'the status matrix shows backport-available for 4.16' '
	as_receiver xsa status 4.16 --date "$BEFORE" >st &&
	test_grep "^960 .* backport-available" st &&
	test_grep "XSA-960 4.16: backport-available: bundle $(echo $ID | cut -c1-8) r1 by producer: backports/4.16/" st
'

test_expect_success 'apply under embargo: to refs/embargo/4.16/xsa-960 only, commits carry Embargo-Until' '
	git -C "$RUP" rev-parse stable-4.16 >stable-before &&
	as_receiver bundle apply "$BUNDLE" --branch 4.16 --date "$BEFORE" >out 2>err &&
	test_grep "^  applied   patches/0001-" out &&
	test_grep "^  applied   patches/0002-" out &&
	test_grep "^refs/embargo/4.16/xsa-960 created at " out &&
	git -C "$RUP" rev-parse stable-4.16 >stable-after &&
	test_cmp stable-before stable-after &&
	test "$(git -C "$RUP" rev-parse refs/embargo/4.16/xsa-960~2)" = "$(cat stable-before)" &&
	git -C "$RUP" log --format="%(trailers:key=Embargo-Until,valueonly)" -2 refs/embargo/4.16/xsa-960 >trailers &&
	test "$(grep -c "^2024-06-04 12:00 UTC$" trailers)" = 2 &&
	git -C "$RUP" log -1 --format=%B refs/embargo/4.16/xsa-960 >msg &&
	test_grep "^Backport-Bundle: $ID revision 1 (producer)$" msg &&
	test_grep "^This is XSA-960 / CVE-2024-96001.$" msg &&
	git -C "$RUP" show refs/embargo/4.16/xsa-960:hypervisor/common/event_channel.c >ec.c &&
	test_grep "if ( !port_is_valid(d, status->port) )" ec.c
'

test_expect_success 'applying it again changes nothing' '
	git -C "$RUP" rev-parse refs/embargo/4.16/xsa-960 >before &&
	as_receiver bundle apply "$BUNDLE" --branch 4.16 --date "$BEFORE" >out 2>err &&
	test "$(grep -c "^  already " out)" = 2 &&
	test_grep "already has every patch; nothing changed" out &&
	git -C "$RUP" rev-parse refs/embargo/4.16/xsa-960 >after &&
	test_cmp before after
'

test_expect_success 'before the embargo ends stable-4.16 is refused, and nothing is written' '
	receiver_state >before &&
	test_expect_code 3 as_receiver bundle apply "$BUNDLE" --branch 4.16 --date "$BEFORE" \
		--to stable-4.16 2>err &&
	test_grep "under embargo until 2024-06-04 12:00 UTC: it applies only to a private ref under refs/embargo/ (default refs/embargo/4.16/xsa-960), never to refs/heads/stable-4.16" err &&
	test_expect_code 3 as_receiver bundle apply "$BUNDLE" --branch 4.16 \
		--date "2024-06-04 11:59" --to refs/heads/stable-4.16 2>err &&
	test_expect_code 3 as_receiver bundle apply "$BUNDLE" --branch 4.16 --date "$BEFORE" \
		--to refs/heads/my-work 2>err &&
	receiver_state >after &&
	test_cmp before after
'

test_expect_success 'release refuses a branch that carries embargoed bundle commits (preflight embargo)' '
	cp -a "$RMAINT" relmaint && cp -a "$RUP" relup &&
	git -C relup update-ref refs/heads/stable-4.16 refs/embargo/4.16/xsa-960 &&
	git -C relup for-each-ref >refs-before &&
	test_expect_code 1 "$XENSTABLE" -C relmaint --source relup release 4.16 --date "2024-06-01 10:00" \
		--skip build --skip abi --skip boot >out 2>err &&
	test_grep "FAIL embargo .*embargoed until 2024-06-04 12:00 UTC" out &&
	git -C relup for-each-ref >refs-after &&
	test_cmp refs-before refs-after &&
	"$XENSTABLE" -C relmaint --source relup release 4.16 --date "2024-06-05 10:00" \
		--skip build --skip abi --skip boot --dry-run >plan 2>err &&
	test_grep "ok   embargo" plan
'

test_expect_success 'after the embargo it applies to stable-4.16, without the trailer' '
	git -C "$RUP" rev-parse stable-4.16 >old &&
	as_receiver bundle apply "$BUNDLE" --branch 4.16 --date "$AFTER" >out 2>err &&
	test_grep "^refs/heads/stable-4.16 moved to " out &&
	test "$(git -C "$RUP" rev-parse stable-4.16~2)" = "$(cat old)" &&
	git -C "$RUP" log --format=%B -2 stable-4.16 >msgs &&
	test_grep ! "Embargo-Until" msgs &&
	test "$(grep -c "^Backport-Bundle: $ID revision 1 (producer)$" msgs)" = 2 &&
	as_receiver xsa status 4.16 --date "$AFTER" >st &&
	test_grep "^960 .* applied $(git -C "$RUP" rev-parse stable-4.16 | cut -c1-10)" st
'

test_expect_success 'create from a directory of patches (the same series), kept outside the repository' '
	as_producer bundle create --branch 4.16 --xsa 960 --patches "$TRASH/series" \
		--base RELEASE-4.16.2 --embargo "$EMBARGO" --key "$P_KEY" --no-build \
		-o "$TRASH/from-dir.tar.gz" >out 2>err &&
	test_grep "^note: not built (--no-build)$" out &&
	test_grep "is embargoed and not encrypted: do not push it" err &&
	tar -xzOf from-dir.tar.gz manifest.json >m.json &&
	python3 -c "import json,sys; m=json.load(open(\"m.json\")); f=m[\"files\"]; assert [x[\"upstream_commit\"] for x in f]==sys.argv[1:3] and m[\"base\"][\"ref\"]==\"RELEASE-4.16.2\" and m[\"tested\"][\"built\"] is False, m" \
		"$PREREQ" "$FIX"
'

test_expect_success 'a new revision supersedes the first; list marks it; the first replayed is refused' '
	as_producer bundle create --branch 4.16 --xsa 960 --commits stable-4.16..bp-960 \
		--embargo "$EMBARGO" --key "$P_KEY" --encrypt-to "$R_KEY" --revise "$ID" --no-build >out 2>err &&
	R2=$(ls "$PMAINT"/backports/4.16/*-r2.tar.gz.gpg) &&
	as_receiver bundle verify "$R2" --date "$BEFORE" >out 2>err &&
	test_grep "^id        $ID revision 2 (format 1)$" out &&
	as_receiver bundle list --branch 4.16 --date "$BEFORE" >list &&
	test_grep "^backports/4.16/xsa960-4.16-.*-r1.tar.gz.gpg .* r1 .* 960 .*2024-06-04 12:00 superseded: superseded by r2$" list &&
	test_grep "^backports/4.16/xsa960-4.16-.*-r2.tar.gz.gpg .* r2 .* 960 .*embargoed$" list &&
	receiver_state >before &&
	test_expect_code 3 as_receiver bundle verify "$BUNDLE" --date "$BEFORE" 2>err &&
	test_grep "revision 1 of bundle $ID is older than revision 2, seen here on .*: refusing a replay" err &&
	test_expect_code 3 as_receiver bundle apply "$BUNDLE" --branch 4.16 --date "$AFTER" 2>err &&
	test_grep "refusing a replay" err &&
	receiver_state >after &&
	test_cmp before after
'

test_expect_success 'list --json, and an unverified file shows as such' '
	cp r1.tar.gz "$RMAINT/backports/4.16/dropped-here.tar.gz" &&
	as_receiver --json bundle list >l.json &&
	python3 -c "import json; b=json.load(open(\"l.json\"))[\"bundles\"]; s={x[\"file\"].split(\"-\")[-1]: x[\"state\"] for x in b}; assert s[\"r1.tar.gz.gpg\"]==\"superseded\" and s[\"r2.tar.gz.gpg\"]==\"current\" and s[\"here.tar.gz\"]==\"unverified\", b"
'

test_expect_success QEMU 'create --boot boots the patched hypervisor' '
	as_producer bundle create --branch 4.16 --xsa 960 --commits stable-4.16..bp-960 \
		--embargo "$EMBARGO" --key "$P_KEY" --boot -o "$TRASH/booted.tar.gz" >out 2>err &&
	test_grep "^tested: applied cleanly to stable-4.16; built: yes; booted: yes$" out
'

test_done
