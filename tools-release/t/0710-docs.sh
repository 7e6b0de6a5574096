#!/bin/sh
test_description='documentation: the man page agrees with --help; completion; make install'
. ./test-lib.sh

MAN=$TOOLS_DIR/xenstable.1

test_expect_success 'the man page formats without warnings' '
	groff -man -Tutf8 -ww -z "$MAN" 2>warn &&
	test ! -s warn
'

test_expect_success 'it has an EXIT STATUS section with the codes 0 to 4' '
	sed -n "/^\.SH EXIT STATUS/,/^\.SH /p" "$MAN" >exit &&
	for c in 0 1 2 3 4; do
		grep -q "^\.B $c$" exit || { echo "exit code $c missing"; return 1; }
	done
'

# Every command and sub-command, as "cmd" or "cmd sub".
all_commands() {
	"$XENSTABLE" help | sed -n "/^commands:/,/^$/p" | awk "NF > 1 { print \$1 }" |
	while read -r c; do
		case $c in
		xsa|bundle)
			"$XENSTABLE" $c --help | sed -n "/^subcommands:/,/^$/p" |
				awk -v c=$c "NF > 1 { print c \" \" \$1 }" ;;
		abi) echo "abi dump"; echo "abi check" ;;
		*) echo "$c" ;;
		esac
	done
}

test_expect_success 'every command has a section, and it documents exactly the options --help shows' '
	all_commands >commands &&
	test "$(wc -l <commands)" -gt 15 &&
	python3 "$TEST_DIR/check-man.py" "$MAN" commands "$XENSTABLE"
'

test_expect_success 'bash completion offers commands, sub-commands, options and branches' '
	command -v bash >/dev/null &&
	cat >comp.sh <<-EOF &&
	. "$TOOLS_DIR/completion/xenstable.bash"
	cd "$PROJECT_ROOT"
	try() { COMP_WORDS=("\$@"); COMP_CWORD=\$((\${#COMP_WORDS[@]} - 1)); _xenstable; echo "\${COMPREPLY[*]}"; }
	try "$XENSTABLE" rel
	try "$XENSTABLE" xsa ap
	try "$XENSTABLE" release --dry
	try "$XENSTABLE" release 4.1
	try "$XENSTABLE" bundle apply x --branch 4.1
	EOF
	bash comp.sh >got &&
	sed -n 1p got | grep -q "^release$" &&
	sed -n 2p got | grep -q "^apply$" &&
	sed -n 3p got | grep -q "^--dry-run$" &&
	sed -n 4p got | grep -q "4.16 4.17 4.18 4.19" &&
	sed -n 5p got | grep -q "4.19"
'

test_expect_success 'make install puts the program, the man page and the completion in place' '
	make -s -C "$PROJECT_ROOT" install DESTDIR="$TRASH/root" PREFIX=/usr >install.log 2>&1 &&
	test -x root/usr/bin/xenstable &&
	test_path_is_file root/usr/share/man/man1/xenstable.1 &&
	test_path_is_file root/usr/share/bash-completion/completions/xenstable &&
	root/usr/bin/xenstable --version
'

test_done
