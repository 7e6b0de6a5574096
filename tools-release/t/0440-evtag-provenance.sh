#!/bin/sh
test_description='release and verify with the tools a distro trusts: git-evtag, SLSA provenance, diffoscope, stock gpg + sha256sum'
. ./test-lib.sh

D="2026-11-21 10:00"
V=4.19.3

# The README's distro steps (stock gpg, sha256sum, git, git-evtag) for
# release $V, run in directory $1 against the clone $2.
readme_check() {
	sed -n '/^<!-- distro-check -->$/,/^<!-- \/distro-check -->$/p' "$PROJECT_ROOT/README.md" |
		sed -e '/^<!--/d' -e '/^```/d' -e "s/^V=.*/V=$V/" -e "s/^FPR=.*/FPR=$RM_KEY/" \
		>"$TRASH/check.sh" &&
	test "$(grep -c . "$TRASH/check.sh")" -gt 20 &&
	(cd "$1" && XEN=$2 TMPDIR=$TRASH sh "$TRASH/check.sh")
}

# flip_byte TARBALL PATH: change one byte inside PATH's content in the
# tarball (same size, same header, same order), recompressed as before.
flip_byte() {
	python3 - "$1" "$2" <<-\PY
	import gzip, lzma, sys, tarfile, io
	path, member = sys.argv[1], sys.argv[2]
	comp = lzma if path.endswith(".xz") else gzip
	raw = bytearray(comp.decompress(open(path, "rb").read()))
	with tarfile.open(fileobj=io.BytesIO(bytes(raw))) as t:
	    m = t.getmember(member)
	    off = m.offset_data + m.size // 2
	raw[off] ^= 0x20
	open(path, "wb").write(comp.compress(bytes(raw)))
	PY
}

test_expect_success 'a release writes the provenance, its signature and the key, and lists the provenance' '
	setup_reference &&
	xs release 4.19 --date "$D" --skip abi --skip boot >out 2>&1 &&
	R=$MAINT/dist/$V &&
	for f in provenance.intoto.json provenance.intoto.json.sig release-key.asc; do
		test_path_is_file $R/$f || return 1
	done &&
	test_grep "  provenance.intoto.json\$" $R/SHA256SUMS &&
	! grep -q "release-key.asc" $R/SHA256SUMS
'

test_expect_success 'the RELEASE tag carries one Git-EVTag-v0-SHA512 line' '
	git -C "$UPSTREAM" cat-file tag RELEASE-$V >tag &&
	test "$(grep -c "^Git-EVTag-v0-SHA512: [0-9a-f]\{128\}\$" tag)" = 1 &&
	sed -n "/^Git-EVTag/,\$p" tag | sed -n 2p | grep -q "^-----BEGIN PGP SIGNATURE"
'

test_expect_success GIT_EVTAG 'git-evtag (Debian package) computes the same checksum and accepts the tag' '
	git clone -q "$UPSTREAM" clone &&
	git -C clone checkout -q RELEASE-$V &&
	(cd clone && git evtag sign --print-only unused) >evtag.out &&
	grep "^Git-EVTag-v0-SHA512: " evtag.out >want &&
	grep "^Git-EVTag-v0-SHA512: " tag >got &&
	test_cmp want got &&
	(cd clone && git evtag verify RELEASE-$V) >ev 2>&1 &&
	test_grep "^Successfully verified: Git-EVTag-v0-SHA512" ev
'

test_expect_success 'xenstable verify checks the line and the provenance' '
	xs verify RELEASE-$V >v &&
	test_grep "ok   evtag      Git-EVTag-v0-SHA512 matches" v &&
	test_grep "ok   provenance in-toto Statement v1, SLSA Provenance v1, built and signed by openpgp4fpr:$RM_KEY" v &&
	test_grep "all checks passed" v &&
	xs verify RELEASE-$V --json >v.json &&
	python3 - v.json <<-\PY
	import json, sys
	v = json.load(open(sys.argv[1]))
	c = {x["check"]: x for x in v["checks"]}
	assert v["passed"] and c["evtag"]["ok"] and c["provenance"]["ok"], v
	PY
'

test_expect_success GIT_EVTAG 'the README steps (stock gpg, sha256sum, git, git-evtag) accept the release' '
	cp -a "$MAINT/dist/$V" fetched && rm fetched/SHA256SUMS &&
	git clone -q "$UPSTREAM" xen &&
	readme_check fetched "$TRASH/xen" >readme.out 2>&1 &&
	test_grep "RELEASE-$V: all checks passed" readme.out &&
	test_grep "xen-$V.tar.xz: OK" readme.out
'

test_expect_success GIT_EVTAG 'the README steps refuse a changed tarball, a foreign provenance and a foreign key' '
	cp -a fetched f1 && flip_byte f1/xen-$V.tar.xz xen-$V/README &&
	test_must_fail readme_check f1 "$TRASH/xen" >r1 2>&1 &&
	test_grep "xen-$V.tar.xz: FAILED" r1 &&
	OTHER=$(make_key "Someone Else" other@example.org) &&
	cp -a fetched f2 &&
	gpg --batch --yes -u "$OTHER" --detach-sign -o f2/provenance.intoto.json.sig f2/provenance.intoto.json &&
	test_must_fail readme_check f2 "$TRASH/xen" >r2 2>&1 &&
	! grep -q "all checks passed" r2 &&
	cp -a fetched f3 && gpg --batch --armor --export "$OTHER" >f3/release-key.asc &&
	test_must_fail readme_check f3 "$TRASH/xen" >r3 2>&1 &&
	! grep -q "all checks passed" r3
'

test_expect_success JSONSCHEMA 'the provenance is valid against the in-toto Statement v1 and SLSA Provenance v1 schemas' '
	PY=python3 && { $PY -c "import jsonschema" 2>/dev/null || PY=/usr/bin/python3; } &&
	$PY - "$TOOLS_DIR/tests/data/schemas" "$MAINT/dist/$V/provenance.intoto.json" <<-\PY
	import copy, json, sys, jsonschema
	d = sys.argv[1]
	st = json.load(open(d + "/in-toto-statement-v1.schema.json"))
	sl = json.load(open(d + "/slsa-provenance-v1.schema.json"))
	for s in (st, sl):
	    jsonschema.Draft7Validator.check_schema(s)
	doc = json.load(open(sys.argv[2]))
	jsonschema.Draft7Validator(st).validate(doc)
	jsonschema.Draft7Validator(sl).validate(doc)
	# The schemas are not empty shells: each of these breaks a rule of the text.
	def broken(f):
	    b = copy.deepcopy(doc); f(b); return b
	bad = [
	    broken(lambda b: b["subject"][0].pop("digest")),
	    broken(lambda b: b["subject"][0]["digest"].update(sha256="ABC")),
	    broken(lambda b: b.update(_type="https://in-toto.io/Statement/v0.1")),
	    broken(lambda b: b.pop("predicateType")),
	    broken(lambda b: b["predicate"]["buildDefinition"].pop("externalParameters")),
	    broken(lambda b: b["predicate"]["runDetails"]["builder"].update(id="OpenPGP4FPR:X")),
	    broken(lambda b: b["predicate"]["runDetails"]["metadata"].update(startedOn="2026-11-21 10:00")),
	    broken(lambda b: b["predicate"]["buildDefinition"]["resolvedDependencies"][0].update(digest={})),
	]
	for b in bad:
	    assert not jsonschema.Draft7Validator(sl).is_valid(b), b
	assert not jsonschema.Draft7Validator(st).is_valid(bad[0])
	PY
'

test_expect_success 'an upstream tag without a Git-EVTag line is said to have none, and still verifies' '
	xs verify RELEASE-4.19.2 >v2 &&
	test_grep "^  --   evtag      the tag has no Git-EVTag-v0-SHA512 line" v2 &&
	test_grep "all checks passed" v2
'

test_expect_success REAL_XEN 'a real xen.git tag has no Git-EVTag line, and verify says so (XS_REAL_XEN)' '
	"$XENSTABLE" -C "$MAINT" --source "$XS_REAL_XEN" verify RELEASE-4.19.4 \
		--keyring "$SHARED_DIR/keys/xen.org-key.asc" >vx &&
	test_grep "^  --   evtag      the tag has no Git-EVTag-v0-SHA512 line" vx &&
	test_grep "all checks passed" vx
'

test_expect_success 'a wrong, malformed or doubled Git-EVTag line fails' '
	sum=$(grep "^Git-EVTag" tag | cut -d" " -f2) &&
	bad=$(echo "$sum" | tr 0-9a-f 1-9a-f0) &&
	git -C "$UPSTREAM" tag -s -u "$RM_KEY" -m "Xen 4.19.9" -m "Git-EVTag-v0-SHA512: $bad" \
		RELEASE-4.19.9 RELEASE-$V^{commit} &&
	test_expect_code 3 xs verify RELEASE-4.19.9 --dist /nonexistent-dist >v 2>err &&
	test_grep "FAIL evtag      Git-EVTag-v0-SHA512 in the tag is" v &&
	test_grep "FAIL dist" v &&
	git -C "$UPSTREAM" tag -s -u "$RM_KEY" -m "Xen 4.19.8" -m "Git-EVTag-v0-SHA512: ${sum}0" \
		RELEASE-4.19.8 RELEASE-$V^{commit} &&
	test_expect_code 3 xs verify RELEASE-4.19.8 >v &&
	test_grep "FAIL evtag .*malformed" v &&
	git -C "$UPSTREAM" tag -s -u "$RM_KEY" -m "Xen 4.19.7" \
		-m "Git-EVTag-v0-SHA512: $sum" -m "Git-EVTag-v0-SHA512: $bad" \
		RELEASE-4.19.7 RELEASE-$V^{commit} &&
	test_expect_code 3 xs verify RELEASE-4.19.7 >v &&
	test_grep "FAIL evtag .*different values" v
'

test_expect_success 'a tree changed under the same ids after the checksum was made fails the EVTag check' '
	git clone -q --no-local --bare "$UPSTREAM" changed.git &&
	mkdir packs && mv changed.git/objects/pack/* packs/ &&
	for p in packs/*.pack; do git -C changed.git unpack-objects -q <$p || return 1; done &&
	git -C changed.git worktree add -q ../changed-wt RELEASE-$V &&
	b=$(git -C changed.git rev-parse RELEASE-$V:README) &&
	o=changed.git/objects/$(echo $b | cut -c1-2)/$(echo $b | cut -c3-) &&
	git -C changed.git cat-file blob $b | sed "1s/^./#/" >new &&
	test "$(wc -c <new)" = "$(git -C changed.git cat-file -s $b)" &&
	printf "blob %s\0" "$(wc -c <new)" | cat - new |
		python3 -c "import sys, zlib; sys.stdout.buffer.write(zlib.compress(sys.stdin.buffer.read()))" >obj &&
	chmod u+w $o && mv obj $o &&
	test "$(git -C changed.git cat-file blob $b | head -c1)" = "#" &&
	test_expect_code 3 "$XENSTABLE" -C "$MAINT" --source changed.git verify RELEASE-$V \
		--dist /nonexistent >v 2>err &&
	test_grep "ok   signature" v &&
	test_grep "FAIL evtag      Git-EVTag-v0-SHA512 in the tag is .*objects under the signed ids were changed" v
'

test_expect_success GIT_EVTAG 'git-evtag refuses that tree too' '
	(cd changed-wt && test_must_fail git evtag verify RELEASE-$V) >ev 2>&1 &&
	test_grep "Invalid Git-EVTag-v0-SHA512\|object hash mismatch" ev
'

test_expect_success DIFFOSCOPE 'one byte changed inside one file: verify --dist names it and saves a diffoscope report' '
	cp -a "$MAINT/dist/$V" d1 &&
	flip_byte d1/xen-$V.tar.gz xen-$V/hypervisor/common/kernel.c &&
	test_expect_code 3 xs verify RELEASE-$V --dist d1 >v &&
	test_grep "FAIL xen-$V.tar.gz does not match its SHA256SUMS line" v &&
	test_grep "differs: *xen-$V/hypervisor/common/kernel.c" v &&
	test_grep "diffoscope report (the file against its rebuild from RELEASE-$V): d1/xen-$V.tar.gz.diffoscope.txt" v &&
	test_grep "xen-$V/hypervisor/common/kernel.c" d1/xen-$V.tar.gz.diffoscope.txt &&
	test_grep "^--- d1/xen-$V.tar.gz" d1/xen-$V.tar.gz.diffoscope.txt &&
	test_path_is_missing d1/xen-$V.tar.xz.diffoscope.txt
'

test_expect_success DIFFOSCOPE 'verify --tarball FILE --rebuild does the same for a single file' '
	cp d1/xen-$V.tar.gz one.tar.gz &&
	test_expect_code 3 xs verify RELEASE-$V --dist /nonexistent --tarball one.tar.gz >v 2>&1 &&
	test_grep "with --rebuild, diffoscope shows" v &&
	test_path_is_missing one.tar.gz.diffoscope.txt &&
	test_expect_code 3 xs verify RELEASE-$V --dist /nonexistent --tarball one.tar.gz --rebuild >v 2>&1 &&
	test_grep "kernel.c" one.tar.gz.diffoscope.txt
'

test_expect_success 'without diffoscope, verify says how to install it' '
	mkdir nodiff &&
	for f in /usr/local/bin/* /usr/bin/* /bin/*; do
		case ${f##*/} in diffoscope) ;; *) ln -s "$f" nodiff/ 2>/dev/null || : ;; esac
	done &&
	cp -a "$MAINT/dist/$V" d3 &&
	flip_byte d3/xen-$V.tar.gz xen-$V/hypervisor/common/kernel.c &&
	(PATH=$TRASH/nodiff && export PATH &&
	 test_expect_code 3 xs verify RELEASE-$V --dist d3 >v) &&
	test_grep "diffoscope is not installed; .*apt-get install diffoscope" v &&
	test_path_is_missing d3/xen-$V.tar.gz.diffoscope.txt
'

test_expect_success 'verify --dist: the signed SHA256SUMS alone, offline, with no keyring but the pins' '
	mkdir sums-only &&
	cp "$MAINT/dist/$V/SHA256SUMS.asc" "$MAINT/dist/$V/release-key.asc" sums-only/ &&
	EMPTY=$(mktemp -d "${TMPDIR:-/tmp}/xsempty.XXXXXX") && chmod 700 $EMPTY &&
	GNUPGHOME=$EMPTY xs verify RELEASE-$V --dist sums-only >v &&
	rm -rf $EMPTY &&
	test_grep "keys       from sums-only/release-key.asc" v &&
	test_grep "ok   xen-$V.tar.gz not in sums-only: rebuilt from the tag, its sha256 is the SHA256SUMS line" v &&
	test_grep "ok   xen-$V.tar.xz not in sums-only: rebuilt from the tag" v &&
	test_grep "release.json not in sums-only (not checked)" v &&
	test_grep "all checks passed" v
'

test_expect_success 'verify --dist: another release'"'"'s sums, no key, or an empty directory fail' '
	commit_on stable-4.20 README "1s/\$/ /" "README: a change" &&
	xs release 4.20 --date "$D" --skip abi --skip boot >out 2>&1 &&
	W=$(ls "$MAINT/dist" | grep "^4\.20\.") &&
	mkdir wrong && cp "$MAINT/dist/$W/SHA256SUMS.asc" "$MAINT/dist/$W/release-key.asc" wrong/ &&
	test_expect_code 3 xs verify RELEASE-$V --dist wrong >v &&
	test_grep "FAIL xen-4.20" v &&
	mkdir nokey && cp "$MAINT/dist/$V/SHA256SUMS.asc" nokey/ &&
	EMPTY=$(mktemp -d "${TMPDIR:-/tmp}/xsempty.XXXXXX") && chmod 700 $EMPTY &&
	test_expect_code 3 env GNUPGHOME=$EMPTY "$XENSTABLE" -C "$MAINT" verify RELEASE-$V --dist nokey >v &&
	rm -rf $EMPTY &&
	test_grep "not in the keyring" v &&
	mkdir empty &&
	test_expect_code 3 xs verify RELEASE-$V --dist empty >v &&
	test_grep "FAIL dist .*holds no release $V" v
'

# Re-sign what an insider changed, with the pinned key, so only the
# provenance's own fields can catch it.
resign() {
	gpg --batch --yes -u "$RM_KEY" --detach-sign -o $1/provenance.intoto.json.sig $1/provenance.intoto.json &&
	s=$(sha256sum <$1/provenance.intoto.json | cut -c1-64) &&
	sed -i "s/^[0-9a-f]*  provenance.intoto.json\$/$s  provenance.intoto.json/" $1/SHA256SUMS &&
	gpg --batch --yes -u "$RM_KEY" --clearsign -o $1/SHA256SUMS.asc $1/SHA256SUMS
}

test_expect_success 'a provenance that says something else fails, even signed by the pinned key' '
	gpg --batch --import "$MAINT/dist/$V/release-key.asc" 2>/dev/null;
	for change in \
		"d[\"predicate\"][\"buildDefinition\"][\"internalParameters\"][\"tar\"][\"sha256\"] = \"0\" * 64" \
		"d[\"predicate\"][\"buildDefinition\"][\"externalParameters\"][\"extra\"] = \"x\"" \
		"d[\"predicate\"][\"runDetails\"][\"builder\"][\"id\"] = \"openpgp4fpr:\" + \"A\" * 40" \
		"d[\"predicate\"][\"buildDefinition\"][\"resolvedDependencies\"][0][\"annotations\"][\"xenstable_gitEvtagV0Sha512\"] = \"a\" * 128" \
		"d[\"subject\"].pop()" \
		"d[\"predicate\"][\"buildDefinition\"][\"externalParameters\"][\"tag\"] = \"RELEASE-4.19.2\""
	do
		rm -rf p && cp -a "$MAINT/dist/$V" p &&
		python3 -c "import json, sys
d = json.load(open(sys.argv[1]))
$change
open(sys.argv[1], \"w\").write(json.dumps(d, indent=2) + \"\n\")" p/provenance.intoto.json &&
		resign p &&
		test_expect_code 3 xs verify RELEASE-$V --dist p >v &&
		grep -q "FAIL provenance" v || { echo "not caught: $change"; cat v; return 1; }
	done
'

test_expect_success 'a provenance signed by a key not pinned fails' '
	rm -rf p && cp -a "$MAINT/dist/$V" p &&
	gpg --batch --yes -u "$OTHER" --detach-sign -o p/provenance.intoto.json.sig p/provenance.intoto.json &&
	test_expect_code 3 xs verify RELEASE-$V --dist p >v &&
	test_grep "FAIL provenance its .sig does not verify with a pinned key" v
'

test_expect_success 'a key copy without its revocation does not override the revocation in your keyring' '
	rev=$GNUPGHOME/openpgp-revocs.d/$RM_KEY.rev &&
	test_path_is_file $rev &&
	cp -a "$MAINT/dist/$V" d4 &&
	sed "s/^:-----BEGIN/-----BEGIN/" $rev | gpg --batch --import 2>/dev/null &&
	test_expect_code 3 xs verify RELEASE-$V --dist d4 >v &&
	test_grep "keys       from d4/release-key.asc and your keyring" v &&
	test_grep "FAIL signature  signed by key .* which is revoked" v
'

test_done
