#!/bin/sh
# mkmail.sh NUM [DIR]: the announcement mail of sample advisory NUM
# (xsa/samples/NUM, or the copy in DIR, e.g. signed by a case): the
# advisory inline, its patches attached in base64.  Cases edit what it
# prints to make bad mail.
S=${2:-$(cd "$(dirname "$0")/../../.." && pwd)/xsa/samples/$1}
printf 'From: Xen.org security team <security@xen.org>\n'
printf 'To: xen-announce@lists.xen.org\n'
printf 'Subject: Xen Security Advisory %s\n' "$1"
printf 'Date: Tue, 6 Oct 2026 12:00:00 +0000\nMIME-Version: 1.0\n'
printf 'Content-Type: multipart/mixed; boundary="=-=b%s=-="\n\n' "$1"
printf -- '--=-=b%s=-=\nContent-Type: text/plain; charset=utf-8\n' "$1"
printf 'Content-Transfer-Encoding: 7bit\n\n'
cat "$S"/advisory-*.txt
for p in "$S"/*.patch; do
	n=$(basename "$p")
	printf -- '--=-=b%s=-=\nContent-Type: application/octet-stream; name="%s"\n' "$1" "$n"
	printf 'Content-Disposition: attachment; filename="%s"\n' "$n"
	printf 'Content-Transfer-Encoding: base64\n\n'
	base64 "$p"
done
printf -- '--=-=b%s=-=--\n' "$1"
