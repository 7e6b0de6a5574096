#!/bin/sh
test_description='tarball: the same bytes from the tag anywhere; --check finds any difference'
. ./test-lib.sh

SRC=$TRASH/src
TAG=RELEASE-4.19.4
PFX=xen-4.19.4/

# The field NAME of a "xenstable tarball" report.
field() {
	awk -v k="$1" '$1 == k { print $2 }' "$2"
}

# Add one to the byte at OFFSET of FILE.
flip_byte() {
	_b=$(od -An -tu1 -j "$2" -N 1 "$1" | tr -d ' ')
	printf "\\$(printf %o $(( (_b + 1) % 256 )))" |
		dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}

# The stock-tools view of the tag: what anyone can check without xenstable.
stock_tar_sha256() {
	git -C "$SRC" archive --format=tar --prefix="${2:-$PFX}" "$1" | sha256sum | cut -d" " -f1
}

test_expect_success 'set up a Xen-shaped repository spanning several blocks' '
	"$TOOLS_DIR/bench/synth-repo.sh" "$SRC" 400 9500000 4.19.4 >/dev/null &&
	XENSTABLE_SOURCE=$SRC && export XENSTABLE_SOURCE &&
	git -C "$SRC" rev-parse --verify -q "$TAG^{commit}" >/dev/null
'

test_expect_success 'tarball REF writes xen-V.tar.gz and prints both hashes' '
	mkdir out && (cd out && "$XENSTABLE" tarball $TAG >../report 2>../err) &&
	test_path_is_file out/xen-4.19.4.tar.gz &&
	test_grep "^file  *xen-4.19.4.tar.gz$" report &&
	test_grep "^prefix  *xen-4.19.4/$" report &&
	test "$(field commit report)" = "$(git -C "$SRC" rev-parse "$TAG^{commit}")" &&
	test "$(field sha256 report)" = "$(sha256sum <out/xen-4.19.4.tar.gz | cut -d" " -f1)" &&
	test "$(field size report)" = "$(wc -c <out/xen-4.19.4.tar.gz)" &&
	test_must_fail test -s err
'

test_expect_success 'the tar stream spans several compression blocks' '
	test "$(field tar_size report)" -gt $((3 * 2 * 1024 * 1024))
'

test_expect_success 'gzip -t and tar -t accept it; header has no name, mtime 0, OS 3' '
	gzip -t out/xen-4.19.4.tar.gz &&
	tar -tzf out/xen-4.19.4.tar.gz >list &&
	test_grep "^xen-4.19.4/xen/Makefile$" list &&
	test_grep ! -v "^xen-4.19.4/" list &&
	od -An -tx1 -N 10 out/xen-4.19.4.tar.gz | tr -d " \n" >hdr &&
	test "$(cat hdr)" = "1f8b0800000000000003"
'

test_expect_success 'tar_sha256 is git archive of the tag, and what the file decompresses to' '
	want=$(stock_tar_sha256 $TAG) &&
	test "$(field tar_sha256 report)" = "$want" &&
	test "$(gzip -dc out/xen-4.19.4.tar.gz | sha256sum | cut -d" " -f1)" = "$want" &&
	test "$(gzip -dc out/xen-4.19.4.tar.gz | wc -c)" = "$(field tar_size report)"
'

test_expect_success 'the unpacked tree equals git archive of the tag (modes, links, export-subst)' '
	mkdir a b &&
	tar -C a -xzf out/xen-4.19.4.tar.gz &&
	git -C "$SRC" archive --format=tar --prefix=$PFX $TAG | tar -C b -xf - &&
	diff -r a b &&
	(cd a && find . -printf "%p %m %y %l\n" | LC_ALL=C sort) >la &&
	(cd b && find . -printf "%p %m %y %l\n" | LC_ALL=C sort) >lb &&
	test_cmp la lb &&
	test_grep "xen-4.19.4/scripts/print-version.sh 775 f" la &&
	test_grep "xen-4.19.4/Makefile.xen 777 l xen/Makefile" la &&
	test_grep "^Changeset: $(git -C "$SRC" rev-parse "$TAG^{commit}")$" a/xen-4.19.4/.gitarchive-info &&
	test_grep -q "a-directory-name-long-enough" la &&
	test -f "a/xen-4.19.4/docs/misc/caf$(printf "\303\251").txt"
'

test_expect_success '--jobs 1, 2 and 8 give the same bytes' '
	for j in 1 2 8; do
		"$XENSTABLE" tarball --jobs $j $TAG -o j$j.tar.gz >/dev/null || return 1
	done &&
	cmp j1.tar.gz j2.tar.gz && cmp j1.tar.gz j8.tar.gz &&
	cmp j1.tar.gz out/xen-4.19.4.tar.gz
'

test_expect_success 'time zone, umask and locale do not change a byte (or the mode)' '
	test "$(TZ=Pacific/Kiritimati date +%z)" = "+1400" &&
	TZ=Pacific/Kiritimati "$XENSTABLE" tarball $TAG -o tz.tar.gz >/dev/null &&
	cmp tz.tar.gz j1.tar.gz &&
	(umask 077 && "$XENSTABLE" tarball $TAG -o um077.tar.gz >/dev/null) &&
	(umask 022 && "$XENSTABLE" tarball $TAG -o um022.tar.gz >/dev/null) &&
	cmp um077.tar.gz um022.tar.gz && cmp um077.tar.gz j1.tar.gz &&
	test "$(stat -c %a um077.tar.gz)" = 644 &&
	locale -a | grep -qi "^c.utf-\{0,1\}8$" &&
	LC_ALL=C.UTF-8 LANG=C.UTF-8 "$XENSTABLE" tarball $TAG -o utf8.tar.gz >/dev/null &&
	cmp utf8.tar.gz j1.tar.gz
'

test_expect_success 'two clones of the repository give the same bytes' '
	git clone -q --no-local --bare "$SRC" clone.git &&
	git -C clone.git repack -q -a -d --depth=5 --window=3 &&
	"$XENSTABLE" --source clone.git tarball $TAG -o clone.tar.gz >/dev/null &&
	cmp clone.tar.gz j1.tar.gz
'

test_expect_success 'user and repository git config cannot change the tar stream' '
	git -C "$SRC" config core.autocrlf true &&
	git -C "$SRC" config tar.umask 0077 &&
	git config --global core.attributesFile "$TRASH/myattrs" &&
	echo "*.md export-ignore" >myattrs &&
	"$XENSTABLE" tarball $TAG -o cfg.tar.gz >/dev/null &&
	git -C "$SRC" config --unset core.autocrlf &&
	git -C "$SRC" config --unset tar.umask &&
	git config --global --unset core.attributesFile &&
	cmp cfg.tar.gz j1.tar.gz
'

test_expect_success 'local info/attributes that would change git archive are refused (exit 4)' '
	mkdir -p "$SRC/.git/info" &&
	echo "*.md export-ignore" >"$SRC/.git/info/attributes" &&
	test_expect_code 4 "$XENSTABLE" tarball $TAG -o attr.tar.gz 2>err &&
	test_grep "info/attributes:1: local attribute .export-ignore." err &&
	test_path_is_missing attr.tar.gz &&
	echo "*.c diff=cpp" >"$SRC/.git/info/attributes" &&
	"$XENSTABLE" tarball $TAG -o attr.tar.gz >/dev/null &&
	rm "$SRC/.git/info/attributes" &&
	cmp attr.tar.gz j1.tar.gz
'

test_expect_success '--json gives the same figures' '
	"$XENSTABLE" tarball --json $TAG -o js.tar.gz >js &&
	test_grep "\"sha256\": \"$(field sha256 report)\"" js &&
	test_grep "\"tar_sha256\": \"$(field tar_sha256 report)\"" js &&
	test_grep "\"prefix\": \"xen-4.19.4/\"" js &&
	test_grep "\"compressor\": \"libdeflate" js
'

test_expect_success '--check of the tarball: both hashes match (exit 0)' '
	"$XENSTABLE" tarball --check out/xen-4.19.4.tar.gz $TAG >chk &&
	test_grep "^tar_sha256  *ok " chk &&
	test_grep "^sha256  *ok " chk
'

test_expect_success '--check: a corrupted tarball is rejected (exit 3)' '
	cp j1.tar.gz bad.tar.gz &&
	flip_byte bad.tar.gz 700000 &&
	test_expect_code 3 "$XENSTABLE" tarball --check bad.tar.gz $TAG >chk 2>err &&
	test_grep "^tar_sha256  *UNREADABLE" chk &&
	test_grep "^sha256  *DIFFERS" chk &&
	test_grep "bad.tar.gz: cannot decompress (gz)" err &&
	head -c 1000000 j1.tar.gz >short.tar.gz &&
	test_expect_code 3 "$XENSTABLE" tarball --check short.tar.gz $TAG 2>err &&
	test_grep "truncated" err &&
	{ cat j1.tar.gz; echo junk; } >tail.tar.gz &&
	test_expect_code 3 "$XENSTABLE" tarball --check tail.tar.gz $TAG 2>err &&
	test_grep "data after the end of the gzip stream" err
'

test_expect_success '--check: the same tar compressed by gzip -9: tar ok, sha256 differs' '
	git -C "$SRC" archive --format=tar --prefix=$PFX $TAG | gzip -n -9 >gz9.tar.gz &&
	test_expect_code 3 "$XENSTABLE" tarball --check gz9.tar.gz $TAG >chk 2>err &&
	test_grep "^tar_sha256  *ok " chk &&
	test_grep "^sha256  *DIFFERS" chk &&
	test_grep "holds exactly $TAG, but its compressed bytes" err &&
	"$XENSTABLE" tarball --check gz9.tar.gz $TAG --tar-only >chk &&
	test_grep "^sha256  *not checked (--tar-only)" chk
'

test_expect_success '--check: another tree lists the paths that differ' '
	git clone -q "$SRC" work &&
	(cd work &&
	 echo "int extra;" >xen/extra.c &&
	 echo "# changed" >>xen/Makefile &&
	 chmod +x .gitattributes &&
	 git add -A &&
	 git -c user.name=T -c user.email=t@example.org commit -q -m change &&
	 git archive --format=tar --prefix=$PFX HEAD) | gzip -n >other.tar.gz &&
	test_expect_code 3 "$XENSTABLE" tarball --check other.tar.gz $TAG >chk 2>err &&
	test_grep "^tar_sha256  *DIFFERS" chk &&
	test_grep "only in file: xen-4.19.4/xen/extra.c$" chk &&
	test_grep "differs: *xen-4.19.4/xen/Makefile (content)$" chk &&
	test_grep "differs: *xen-4.19.4/.gitattributes (mode)$" chk &&
	test_grep "differs: *xen-4.19.4/.gitarchive-info (content)$" chk &&
	test_grep "mtime: *[0-9]* entries" chk &&
	test_grep "its tar stream is not $TAG" err &&
	"$XENSTABLE" tarball --check other.tar.gz $TAG --json >js || test $? = 3 &&
	test_grep "\"only_in_file\": \[" js &&
	test_grep "\"xen-4.19.4/xen/extra.c\"" js
'

test_expect_success '--check: another top directory gets a hint' '
	"$XENSTABLE" tarball --prefix other $TAG -o pfx.tar.gz >rep &&
	test_grep "^prefix  *other/$" rep &&
	tar -tzf pfx.tar.gz | head -1 | grep -q "^other/" &&
	test_expect_code 3 "$XENSTABLE" tarball --check pfx.tar.gz $TAG >chk 2>err &&
	test_grep "hint: the file.s top directory is .other/." chk &&
	"$XENSTABLE" tarball --check pfx.tar.gz $TAG --prefix other/ >chk &&
	test_grep "^sha256  *ok " chk
'

# xz is slow (about 1.5 MB/s a thread at preset 6): a small tree here; the
# unit tests prove the thread count does not matter across xz blocks.
test_expect_success '.tar.xz (also chosen by -o NAME.tar.xz): any --jobs, stock xz agrees, --check' '
	"$TOOLS_DIR/bench/synth-repo.sh" small 60 1500000 4.19.4 >/dev/null &&
	"$XENSTABLE" --source small tarball --format xz --jobs 1 $TAG -o x1.tar.xz >rx &&
	mkdir dist &&
	"$XENSTABLE" --source small tarball -j 3 $TAG -o dist/any.tar.xz >/dev/null &&
	mv dist/any.tar.xz x3.tar.xz &&
	cmp x1.tar.xz x3.tar.xz &&
	xz -t x1.tar.xz &&
	want=$(git -C small archive --format=tar --prefix=$PFX $TAG | sha256sum | cut -d" " -f1) &&
	test "$(xz -dc x1.tar.xz | sha256sum | cut -d" " -f1)" = "$want" &&
	test "$(field tar_sha256 rx)" = "$want" &&
	git -C small archive --format=tar --prefix=$PFX $TAG |
		xz --threads=2 --block-size=8MiB -6 >stock.tar.xz &&
	cmp stock.tar.xz x1.tar.xz &&
	"$XENSTABLE" --source small tarball --check x1.tar.xz $TAG >chk &&
	test_grep "^file  *x1.tar.xz (xz)$" chk &&
	test_grep "^sha256  *ok " chk &&
	cp x1.tar.xz badx.tar.xz && flip_byte badx.tar.xz 100000 &&
	test_expect_code 3 "$XENSTABLE" --source small tarball --check badx.tar.xz $TAG \
		--tar-only >chk &&
	test_grep "^tar_sha256  *UNREADABLE" chk
'

test_expect_success 'an upstream-style .tar.lz is checked by its tar stream' '
	git -C "$SRC" archive --format=tar --prefix=$PFX $TAG | lzip -6 >up.tar.lz &&
	"$XENSTABLE" tarball --check up.tar.lz $TAG >chk &&
	test_grep "^file  *up.tar.lz (lz)$" chk &&
	test_grep "^tar_sha256  *ok " chk &&
	test_grep "^sha256  *not checked (xenstable does not write lzip)" chk &&
	cp up.tar.lz badlz.tar.lz && flip_byte badlz.tar.lz 300000 &&
	test_expect_code 3 "$XENSTABLE" tarball --check badlz.tar.lz $TAG >chk
'

test_expect_success 'the prefix comes from the tree when REF is not a RELEASE tag' '
	"$XENSTABLE" tarball master -o m.tar.gz >rep &&
	test_grep "^prefix  *xen-4.19.4/$" rep &&
	cmp m.tar.gz j1.tar.gz &&
	git -C work checkout -q --orphan bare-tree &&
	git -C work rm -q -r --cached xen &&
	git -C work -c user.name=T -c user.email=t@example.org commit -q -m "no xen/" &&
	test_expect_code 3 "$XENSTABLE" --source work tarball bare-tree 2>err &&
	test_grep "pass --prefix" err &&
	"$XENSTABLE" --source work tarball bare-tree --prefix x -o bt.tar.gz >/dev/null
'

test_expect_success 'usage errors (exit 2) and unknown refs (exit 3)' '
	test_expect_code 2 "$XENSTABLE" tarball 2>err &&
	test_grep "which REF" err &&
	test_expect_code 2 "$XENSTABLE" tarball $TAG --format zip 2>err &&
	test_expect_code 2 "$XENSTABLE" tarball $TAG --format xz -o a.tar.gz 2>err &&
	test_grep "does not end like" err &&
	test_expect_code 2 "$XENSTABLE" tarball $TAG --prefix ../up 2>err &&
	test_grep "not a safe" err &&
	test_expect_code 2 "$XENSTABLE" tarball $TAG --jobs 65 2>err &&
	test_expect_code 2 "$XENSTABLE" tarball $TAG --tar-only 2>err &&
	test_expect_code 3 "$XENSTABLE" tarball RELEASE-9.9.9 2>err &&
	test_grep "RELEASE-9.9.9: no such commit or tag" err &&
	test_expect_code 3 "$XENSTABLE" tarball --check nothere.tar.gz $TAG 2>err &&
	test_grep "nothere.tar.gz: no such file" err
'

test_expect_success '-o DIR takes the default name' '
	"$XENSTABLE" tarball $TAG -o dist >/dev/null &&
	cmp dist/xen-4.19.4.tar.gz j1.tar.gz
'

test_expect_success 'a crash before the rename leaves the old file whole' '
	echo old >dist/keep.tar.gz &&
	test_must_fail env XENSTABLE_STOP_AT=atomic-rename:1 \
		"$XENSTABLE" tarball $TAG -o dist/keep.tar.gz >/dev/null 2>&1;
	test "$(cat dist/keep.tar.gz)" = old
'

test_expect_success 'silent on a pipe; progress with bytes and rate on a terminal' '
	"$XENSTABLE" tarball $TAG -o q.tar.gz >/dev/null 2>err &&
	test_must_fail test -s err &&
	XENSTABLE_PROGRESS_DELAY_MS=0 script -qec \
		"\"$XENSTABLE\" tarball $TAG -o tty.tar.gz" /dev/null >tty.out &&
	test_grep "xen-4.19.4.tar.gz: [0-9.]* MiB, [0-9.]* MiB/s" tty.out &&
	cmp tty.tar.gz j1.tar.gz &&
	XENSTABLE_PROGRESS_DELAY_MS=0 script -qec \
		"\"$XENSTABLE\" -q tarball $TAG -o tty2.tar.gz" /dev/null >tty.out &&
	test_grep ! "MiB/s" tty.out
'

test_done
