# synth-tree.awk: write a deterministic, source-like tree shaped like xen.git.
#
#   awk -v root=DIR -v files=3200 -v bytes=30000000 -f synth-tree.awk
#
# Every choice comes from one integer generator (Park-Miller, exact in
# any awk's doubles), never from rand() or a libm function, so mawk and
# gawk on any machine write the same bytes.  The text is C, headers,
# assembly, Makefiles, Python and documentation built from a shared
# vocabulary; each file repeats its own names and lines and the common
# idioms of the tree, as real code does, and file sizes are skewed like
# a real tree's (median ~2.5 KB, a few files of a few hundred KB), so it
# compresses about as well as Xen does.

function rnd(n) {
	seed = (seed * 48271) % 2147483647
	return seed % n
}

function pick(arr, n) {
	return arr[rnd(n) + 1]
}

function ident(    s, k, i) {
	s = pick(syl, nsyl)
	k = 1 + rnd(3)
	for (i = 0; i < k; i++)
		s = s (rnd(3) ? "_" : "") pick(syl, nsyl)
	return s
}

function hex(n,    s, i) {
	s = ""
	for (i = 0; i < n; i++)
		s = s substr("0123456789abcdef", rnd(16) + 1, 1)
	return "0x" s
}

# A name from this file's own (most often) or from the whole tree.
function word() {
	if (rnd(4))
		return local[rnd(nlocal) + 1]
	return vocab[rnd(nvocab) + 1]
}

function sentence(n,    s) {
	s = pick(eng, neng)
	while (--n > 0)
		s = s " " (rnd(6) ? pick(eng, neng) : word())
	return s
}

# One new C statement (a line or three), without indentation.
function fresh_stmt(    r, a, b) {
	r = rnd(12)
	a = word()
	b = word()
	if (r == 0)
		return "if ( " a " " pick(ops, nops) " " b " )\n        return -" pick(errs, nerrs) ";"
	if (r == 1)
		return a " = " b "(" word() ", " (rnd(2) ? hex(1 + rnd(4)) : rnd(256)) ");"
	if (r == 2)
		return "for ( i = 0; i < " a "->nr_" b "; i++ )\n        " word() "(&" a "->" b "[i]);"
	if (r == 3)
		return "spin_lock(&" a "->" b "_lock);"
	if (r == 4)
		return "spin_unlock(&" a "->" b "_lock);"
	if (r == 5)
		return "rc = " a "(" b ", " word() ");\n    if ( rc )\n        goto out;"
	if (r == 6)
		return "printk(XENLOG_" pick(lvls, nlvls) " \"%pd: " pick(eng, neng) " " b " %u\\n\", d, " a ");"
	if (r == 7)
		return "/* " sentence(3 + rnd(8)) " */"
	if (r == 8)
		return pick(types, ntypes) " " a " = " b ";"
	if (r == 9)
		return "ASSERT(" a " " pick(ops, nops) " " b ");"
	if (r == 10)
		return a "->" b " |= " toupper(word()) ";"
	return "return " a ";"
}

# A statement: often one this file used before, or a common idiom.
function stmt(    r) {
	r = rnd(100)
	if (r < 40)
		return lpool[rnd(nlpool) + 1]
	if (r < 55)
		return gpool[rnd(ngpool) + 1]
	return fresh_stmt()
}

function emit(s) {
	if (written >= size)
		return
	s = s "\n"
	if (written + length(s) > size)
		s = substr(s, 1, size - written)
	printf "%s", s > path
	written += length(s)
}

function c_comment(    n) {
	if (rnd(3)) {
		emit("/* " sentence(3 + rnd(8)) " */")
		return
	}
	emit("/*")
	n = 1 + rnd(4)
	while (n--)
		emit(" * " sentence(5 + rnd(9)))
	emit(" */")
}

function c_function(    n) {
	emit((rnd(2) ? "static " : "") pick(types, ntypes) " " word() "(" pick(types, ntypes) " " \
	     word() (rnd(2) ? ", " pick(types, ntypes) " *" word() : "") ")")
	emit("{")
	if (rnd(2)) {
		emit("    int rc = 0;")
		emit("")
	}
	n = 2 + rnd(12)
	while (n--)
		emit("    " stmt())
	if (rnd(3) == 0) {
		emit("")
		emit(" out:")
		emit("    return rc;")
	}
	emit("}")
	emit("")
}

function c_decl(    r, n) {
	r = rnd(4)
	if (r == 0) {
		emit("#define " toupper(word()) " " (rnd(2) ? hex(2 + rnd(6)) : "(1u << " rnd(32) ")"))
	} else if (r == 1) {
		emit("struct " word() " {")
		n = 2 + rnd(10)
		while (n--)
			emit("    " pick(types, ntypes) " " word() ";" (rnd(3) ? "" : "  /* " pick(eng, neng) " */"))
		emit("};")
		emit("")
	} else if (r == 2) {
		emit(pick(types, ntypes) " " word() "(" pick(types, ntypes) " " word() ");")
	} else {
		c_comment()
	}
}

# An SPDX line, or (a third of the files) the long GPL notice, as in Xen.
function c_license(    i) {
	if (rnd(3)) {
		emit("/* SPDX-License-Identifier: GPL-2.0-only */")
		emit("/*")
		emit(" * " fname)
		emit(" *")
		emit(" * Copyright (c) 20" (10 + rnd(15)) " " pick(eng, neng) " " pick(eng, neng))
		emit(" */")
	} else {
		emit("/*")
		emit(" * " fname)
		emit(" *")
		for (i = 1; i <= ngpl; i++)
			emit(" *" (gpl[i] == "" ? "" : " " gpl[i]))
		emit(" */")
	}
	emit("")
}

function write_file(kind,    n, g) {
	written = 0
	if (kind == "c") {
		c_license()
		n = 1 + rnd(8)
		while (n--)
			emit("#include <" pick(dirs, nroots) "/" word() ".h>")
		emit("")
		while (written < size)
			rnd(6) ? c_function() : c_decl()
	} else if (kind == "h") {
		c_license()
		g = toupper(word())
		emit("#ifndef __" g "_H__")
		emit("#define __" g "_H__")
		emit("")
		while (written < size - 8)
			c_decl()
		emit("#endif")
	} else if (kind == "S") {
		c_license()
		while (written < size) {
			emit("ENTRY(" word() ")")
			n = 3 + rnd(10)
			while (n--)
				emit("        " pick(insns, ninsns) "   %" pick(regs, nregs) ", " \
				     (rnd(2) ? "%" pick(regs, nregs) : "$" hex(1 + rnd(3))))
			emit("        ret")
			emit("")
		}
	} else if (kind == "mk") {
		emit("# SPDX-License-Identifier: GPL-2.0-only")
		while (written < size) {
			if (rnd(2)) {
				emit("obj-$(CONFIG_" toupper(word()) ") += " word() ".o")
			} else {
				emit(word() ": " word() ".o " word() ".o")
				emit("\t$(CC) $(CFLAGS) -o $@ $^")
				emit("")
			}
		}
	} else if (kind == "py") {
		emit("#!/usr/bin/env python3")
		emit("# SPDX-License-Identifier: GPL-2.0-only")
		emit("import " word())
		emit("")
		while (written < size) {
			emit("def " word() "(" word() ", " word() "):")
			n = 2 + rnd(8)
			while (n--)
				emit("    " word() " = " word() "." word() "(" word() ")")
			emit("    return " word())
			emit("")
		}
	} else {
		emit(word())
		emit(substr("==========================", 1, 6 + rnd(20)))
		emit("")
		while (written < size) {
			n = 3 + rnd(6)
			while (n--)
				emit(sentence(8 + rnd(6)))
			emit("")
		}
	}
	# Always end with a newline, as source files do.
	if (written < size)
		printf "%s", substr("\n", 1, size - written) > path
	close(path)
}

BEGIN {
	if (!root || !files || !bytes) {
		print "usage: awk -v root=DIR -v files=N -v bytes=N -f synth-tree.awk" > "/dev/stderr"
		exit 2
	}
	seed = 20240729
	nsyl = split("vcpu dom hvm pv page mfn gfn irq evt chn port grant map lock vmx svm " \
		"ept p2m mem shadow paging sched credit timer apic lapic ioapic msi pci dev iommu " \
		"vtd amd intel cpu mask node numa acpi efi boot mb xen store console ring buf " \
		"hyper call arg op ctx state regs fault trap emul insn decode x86 arm gic smmu " \
		"init exit free alloc get put set clear test flag bit entry table level order " \
		"pfn va pa addr size len nr idx off start end base limit count ref cnt list head", syl, " ")
	neng = split("the a of to and in is for on that this with be are as by it not " \
		"we domain guest hypervisor page table memory when if can must may should " \
		"which from all any each only no before after while because so " \
		"update check handle return value error case caller lock held callers " \
		"interrupt vector mapping entry number bits flags level pointer structure", eng, " ")
	ntypes = split("int|unsigned int|long|unsigned long|void|bool|uint8_t|uint16_t|" \
		"uint32_t|uint64_t|paddr_t|mfn_t|gfn_t|struct domain *|struct vcpu *|" \
		"struct page_info *|const char *|size_t", types, "|")
	nops = split("== != < > <= >= &", ops, " ")
	nerrs = split("EINVAL ENOMEM EBUSY EPERM EFAULT ENOENT EAGAIN EOPNOTSUPP ERANGE", errs, " ")
	nlvls = split("ERR WARNING INFO DEBUG G_INFO G_WARNING", lvls, " ")
	ninsns = split("mov add sub cmp test jne je lea push pop xor and or shl shr", insns, " ")
	nregs = split("rax rbx rcx rdx rsi rdi rbp rsp r8 r9 r10 r11 r12 r13 r14 r15", regs, " ")
	ngpl = split("This program is free software; you can redistribute it and/or modify it|" \
		"under the terms and conditions of the GNU General Public License,|" \
		"version 2, as published by the Free Software Foundation.||" \
		"This program is distributed in the hope it will be useful, but WITHOUT|" \
		"ANY WARRANTY; without even the implied warranty of MERCHANTABILITY or|" \
		"FITNESS FOR A PARTICULAR PURPOSE.  See the GNU General Public License for|" \
		"more details.||" \
		"You should have received a copy of the GNU General Public License along with|" \
		"this program; If not, see <http://www.gnu.org/licenses/>.", gpl, "|")
	nvocab = 4000
	for (i = 1; i <= nvocab; i++)
		vocab[i] = ident()
	# The tree's common idioms.
	nlocal = nvocab
	for (i = 1; i <= nvocab; i++)
		local[i] = vocab[i]
	ngpool = 1500
	for (i = 1; i <= ngpool; i++)
		gpool[i] = fresh_stmt()

	# Directories: a few roots, then branches below random existing ones.
	nroots = split("xen xen/arch xen/arch/x86 xen/arch/arm xen/common xen/drivers " \
		"xen/include xen/include/public xen/include/xen xen/xsm tools tools/libs " \
		"tools/xl tools/firmware tools/misc tools/tests tools/python tools/include " \
		"docs docs/man docs/misc stubdom m4 scripts config automation", dirs, " ")
	ndirs = nroots
	while (ndirs < 330) {
		parent = dirs[rnd(ndirs) + 1]
		if (split(parent, parts, "/") >= 5)
			continue
		d = parent "/" vocab[rnd(nvocab) + 1]
		if (d in seen)
			continue
		seen[d] = 1
		dirs[++ndirs] = d
	}
	cmd = "mkdir -p"
	for (i = 1; i <= ndirs; i++)
		cmd = cmd " '" root "/" dirs[i] "'"
	if (system(cmd))
		exit 4

	# Sizes: 2^(a+b) times a small factor (a, b uniform 0..5), scaled to
	# the total: a long tail like a real tree's.
	total = 0
	for (i = 1; i <= files; i++) {
		e = rnd(6) + rnd(6)
		v = 16 + rnd(16)
		while (e--)
			v *= 2
		if (!rnd(300))
			v *= 4
		w[i] = v
		total += v
	}
	nkinds = split("c c c c c c h h h h h S mk py doc doc", kinds, " ")
	for (i = 1; i <= files; i++) {
		size = int(w[i] * bytes / total)
		if (size < 64)
			size = 64
		kind = kinds[rnd(nkinds) + 1]
		ext = kind == "doc" ? (rnd(2) ? ".md" : ".pandoc") : kind == "mk" ? ".mk" : "." kind
		dir = dirs[rnd(ndirs) + 1]
		fname = dir "/" vocab[rnd(nvocab) + 1] ext
		if (fname in made)
			fname = dir "/" vocab[rnd(nvocab) + 1] "_" i ext
		made[fname] = 1
		# This file's own names and lines: they repeat, as in real code.
		nlocal = 20 + rnd(60)
		for (k = 1; k <= nlocal; k++)
			local[k] = vocab[rnd(nvocab) + 1]
		nlpool = 10 + rnd(40)
		for (k = 1; k <= nlpool; k++)
			lpool[k] = fresh_stmt()
		path = root "/" fname
		write_file(kind)
	}
}
