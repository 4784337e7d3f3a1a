#!/usr/bin/env bash
# Rebuild the pictures in docs/images/ (generated: do not edit them by hand).
set -euo pipefail
cd "$(dirname "$0")/.."
for plan in examples/*.plan; do
  .venv/bin/diagramgen render "$plan" -o "docs/images/$(basename "${plan%.plan}").png"
done
