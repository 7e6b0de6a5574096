# Settings shared by the whole tree.

# Revisions of companion trees that a release is built with.  Mini-OS does
# not exist for the reference tree: the revision is a placeholder that only
# has the right shape, so that tools can find and rewrite it.
MINIOS_UPSTREAM_URL      ?= https://xenbits.xen.org/git-http/mini-os.git
MINIOS_UPSTREAM_REVISION ?= c35d7f8eab5c3bd02c18a3aa466b7e16343b70b8
