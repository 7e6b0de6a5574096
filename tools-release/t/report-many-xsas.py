#!/usr/bin/env python3
"""report-many-xsas.py DIR NR PATCH_A PATCH_B PATCH_C: NR unsigned advisories
(numbers 100..) in DIR in the layout of lib-xsa.sh's xsa_advisory, with
their patches, and DIR/xsa.json, a xenbits-style index giving each a public
time spread over ten years.  One title in ten carries markup to escape.

Every tenth advisory maps PATCH_A to xen-unstable - Xen 4.17.x, the next
PATCH_B to xen-unstable - Xen 4.20.x (open work on the page); the rest map
PATCH_C (already present in every branch) to xen-unstable - Xen 4.16.x."""
import hashlib
import json
import os
import sys

out, nr = sys.argv[1], int(sys.argv[2])
patches = [open(p, 'rb').read() for p in sys.argv[3:6]]
ranges = ['xen-unstable - Xen 4.17.x', 'xen-unstable - Xen 4.20.x', 'xen-unstable - Xen 4.16.x']


def centre(s):
    return ' ' * max(0, (70 - len(s)) // 2) + s + '\n'


index = []
for i in range(nr):
    n = 100 + i
    kind = 0 if i % 10 == 0 else 1 if i % 10 == 1 else 2
    year = 2016 + i * 10 // nr
    title = 'x86/test: a bounded copy in hypercall %d' % n
    if i == 5:
        title = 'x86: <script>alert(1)</script> & "quoted" in hypercall %d' % n
    cve = 'CVE-%d-%05d' % (year, n)
    name = 'xsa%d.patch' % n
    with open(os.path.join(out, name), 'wb') as f:
        f.write(patches[kind])
    text = centre('Xen Security Advisory %s / XSA-%d' % (cve, n))
    text += centre('version 1') + '\n' + centre(title) + '\n'
    text += ('ISSUE DESCRIPTION\n=================\n\n'
             'A test hypercall of XSA-%d trusts a guest-supplied length.  This\n'
             'text was written for xenstable\'s tests.\n\n'
             'IMPACT\n======\n\nA guest could crash the host.\n\n'
             'VULNERABLE SYSTEMS\n==================\n\nTest systems only.\n\n'
             'MITIGATION\n==========\n\nNone.\n\n'
             'CREDITS\n=======\n\nFound by the xenstable test suite.\n\n'
             'RESOLUTION\n==========\n\n'
             'Applying the appropriate attached patch resolves this issue.\n\n') % n
    text += ('%-22s %s\n' % (name, ranges[kind])).rstrip() + '\n\n'
    text += '$ sha256sum xsa%d*\n%s  %s\n$\n\n' % (n, hashlib.sha256(patches[kind]).hexdigest(), name)
    text += ('DEPLOYMENT DURING EMBARGO\n=========================\n\n'
             'Deploying the patches during the embargo is allowed in this test.\n')
    with open(os.path.join(out, 'advisory-%d.txt' % n), 'w') as f:
        f.write(text)
    index.append({'xsa': str(n), 'title': title, 'cve': [cve],
                  'files': [{'name': name, 'project': 'xen', 'upstream': 'Xen',
                             'versions': [['xen-unstable', ['4.17.x', '4.20.x', '4.16.x'][kind]]]}],
                  'public_time': '%d-%02d-15 12:00' % (year, 1 + i % 12), 'version': 1,
                  'version_time': '%d-%02d-15 12:00' % (year, 1 + i % 12)})
with open(os.path.join(out, 'xsa.json'), 'w') as f:
    json.dump([{'xsas': index}], f)
