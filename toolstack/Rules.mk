# Settings shared by the toolstack Makefiles.  As in Xen, the tools take
# their version from the hypervisor's Makefile.
TOOLSTACK_ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
XEN_MAKEFILE   := $(TOOLSTACK_ROOT)/../hypervisor/Makefile

XEN_MAJOR := $(shell sed -n 's/^export XEN_VERSION *= *//p' $(XEN_MAKEFILE))
XEN_MINOR := $(shell sed -n 's/^export XEN_SUBVERSION *= *//p' $(XEN_MAKEFILE))
XEN_EXTRA := $(shell sed -n \
    's/^export XEN_EXTRAVERSION *?= *\([^$$]*\).*/\1/p' $(XEN_MAKEFILE))

CC          = gcc
PKG_CONFIG ?= pkg-config
CFLAGS     += -O2 -g -std=gnu99 -Wall -Wextra -Werror -MMD -MP \
              -I$(TOOLSTACK_ROOT)/include
