#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Formats every project C/C++ source with the repository's .clang-format.
#   scripts/format.sh          rewrite files in place
#   scripts/format.sh --check  list unformatted files and exit 1 if any (ctest runs this)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
# Frozen ABI copies are kept byte for byte as released: never reformat them.
mapfile -t files < <(git ls-files '*.c' '*.h' '*.cpp' '*.hpp' | grep -v '/frozen/')
if [ "${1:-}" = "--check" ]; then
  bad=()
  for f in "${files[@]}"; do
    clang-format --dry-run -Werror "$f" >/dev/null 2>&1 || bad+=("$f")
  done
  if [ ${#bad[@]} -gt 0 ]; then
    printf 'not clang-formatted (run scripts/format.sh):\n'; printf '  %s\n' "${bad[@]}"
    exit 1
  fi
  echo "clang-format: ${#files[@]} files clean"
else
  clang-format -i "${files[@]}"
fi
