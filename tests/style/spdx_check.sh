#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Every project source names its license in an SPDX-License-Identifier line among its first three
# lines, with one of the two expressions LICENSE describes; a kernel program (*.bpf.c) must carry
# the dual one, matching the "Dual BSD/GPL" license string the kernel is told.
# Frozen ABI copies are kept byte for byte as released and are not checked.
set -euo pipefail
cd "$(dirname "$0")/../.."
readonly project='BSD-2-Clause'
readonly kernel='(BSD-2-Clause OR GPL-2.0-only)'
mapfile -t files < <(git ls-files '*.c' '*.h' '*.cpp' '*.hpp' '*.js' '*.py' '*.sh' '*.cmake' \
  '*.cmake.in' '*.map' '*CMakeLists.txt' '.ci/*' | grep -v '/frozen/')
bad=()
for f in "${files[@]}"; do
  line=$(head -n 3 "$f" | grep -m1 -o 'SPDX-License-Identifier: .*' || true)
  expr=${line#SPDX-License-Identifier: }
  expr=${expr% \*/}
  if [ -z "$line" ]; then
    bad+=("$f: no SPDX-License-Identifier line in its first 3 lines")
  elif [[ $f == *.bpf.c ]]; then
    [ "$expr" = "$kernel" ] || bad+=("$f: kernel program must be '$kernel', is '$expr'")
    grep -q 'SEC("license") = "Dual BSD/GPL"' "$f" ||
      bad+=("$f: license string must be \"Dual BSD/GPL\" to match '$kernel'")
  elif [ "$expr" != "$project" ] && [ "$expr" != "$kernel" ]; then
    bad+=("$f: '$expr' is not a license LICENSE names")
  fi
done
if [ ${#bad[@]} -gt 0 ]; then
  printf 'license lines (see LICENSE):\n'; printf '  %s\n' "${bad[@]}"
  exit 1
fi
echo "spdx: ${#files[@]} files carry a license line"
