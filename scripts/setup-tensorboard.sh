#!/usr/bin/env bash
# Installs TensorBoard 2.21.0 in a virtual environment, .venv-tensorboard/, for the tests that let
# TensorBoard itself read the event files the `tensorboard` option writes (test/tensorboard/).
# pip is pointed at the index configured on the machine (`pip config list`: index-url, or else
# the first extra-index-url), so it does not wait on an unreachable default index.
# Usage: scripts/setup-tensorboard.sh   (prints the venv's python on its last line)
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=.venv-tensorboard
VERSION=2.21.0
PYTHON=${PYTHON:-$(command -v python3 || command -v python || true)}
if [ -z "$PYTHON" ]; then
  echo "setup-tensorboard: no python3 on PATH" >&2
  exit 3
fi
if [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c "import tensorboard, sys; sys.exit(tensorboard.__version__ != '$VERSION')" 2>/dev/null; then
  echo "$VENV/bin/python"
  exit 0
fi
"$PYTHON" -m venv "$VENV"
# The configured indexes, in pip's order: index-url first, then every extra-index-url.
CONFIG=$("$PYTHON" -m pip config list 2>/dev/null || true)
urls() { printf '%s\n' "$CONFIG" | sed -n "s/^[^.]*\.$1='\(.*\)'$/\1/p" | tr ' ' '\n' | sed '/^$/d'; }
INDEXES=$( (urls index-url; urls extra-index-url) | awk '!seen[$0]++')
ARGS=()
FIRST=1
for url in $INDEXES; do
  if [ $FIRST = 1 ]; then ARGS+=(--index-url "$url"); FIRST=0; else ARGS+=(--extra-index-url "$url"); fi
done
"$VENV/bin/python" -m pip install --quiet "${ARGS[@]}" "tensorboard==$VERSION" >&2
"$VENV/bin/python" -c "import tensorboard; assert tensorboard.__version__ == '$VERSION', tensorboard.__version__"
echo "$VENV/bin/python"
