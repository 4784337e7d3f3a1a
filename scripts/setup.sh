#!/usr/bin/env bash
# Create .venv/ in the repository root and install diagramgen with its dev tools.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[dev]'
echo "diagramgen installed in .venv/ — try: .venv/bin/diagramgen --help"
