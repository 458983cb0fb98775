#!/bin/sh
# Writes OUTPUT_DIR/BuildStamp.swift: the git commit the package at PACKAGE_DIR is built from, and whether its
# tree differs from that commit. Run by the BuildStamp plugin before every build (Plugins/BuildStamp), so
# `tablemirror --version` names what the binary was really built from.
#   build-stamp.sh PACKAGE_DIR OUTPUT_DIR
# Without git, outside a checkout, or in a checkout that is not PACKAGE_DIR's own (a tarball unpacked inside
# another repository), the commit is "unknown": a wrong commit would be worse than none.
set -u
package_dir=$1
output_dir=$2
commit=unknown
tree=unknown

if command -v git >/dev/null 2>&1; then
    # Run as root on a user's checkout (scripts/install.sh under sudo), git refuses a repository another user
    # owns; these commands only read it, so this one invocation may trust it. --no-optional-locks keeps
    # `status` from rewriting the index, which would leave it owned by root.
    g() { git -c safe.directory="$package_dir" --no-optional-locks -C "$package_dir" "$@" 2>/dev/null; }
    top=$(g rev-parse --show-toplevel) || top=
    here=$(cd -P "$package_dir" 2>/dev/null && pwd) || here=
    if [ -n "$top" ] && [ "$(cd -P "$top" 2>/dev/null && pwd)" = "$here" ]; then
        short=$(g rev-parse --short HEAD) || short=
        # Only hex digits go into the Swift literal.
        if printf '%s' "$short" | grep -Eq '^[0-9a-f]{4,64}$'; then
            commit=$short
            if changes=$(g status --porcelain --untracked-files=normal); then
                if [ -z "$changes" ]; then tree=clean; else tree=dirty; fi
            fi
        fi
    fi
fi

mkdir -p "$output_dir"
target="$output_dir/BuildStamp.swift"
temporary="$target.$$"
cat >"$temporary" <<SWIFT
// Generated before each build by scripts/lib/build-stamp.sh (the BuildStamp plugin); not kept in git.
enum BuildStamp {
    /// \`git rev-parse --short HEAD\` of the checkout built, or "unknown".
    static let commit = "$commit"
    /// "clean" when the tree matched that commit, "dirty" when it had changes, "unknown" without git.
    static let tree = "$tree"
}
SWIFT
# Rewritten only when it changes, so an unchanged checkout does not recompile the CLI on every build.
if cmp -s "$temporary" "$target"; then rm -f "$temporary"; else mv "$temporary" "$target"; fi
