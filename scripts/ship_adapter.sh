#!/usr/bin/env bash
# Copy a trained LoRA adapter (a run's adapter/ or checkpoint-N/ folder) into the package as the
# default: diagramgen/weights/adapter/, its weights stored as bf16 (half the size; inference
# runs in bf16 anyway). Usage: scripts/ship_adapter.sh runs/sft/adapter
set -euo pipefail
cd "$(dirname "$0")/.."
src="${1:?usage: scripts/ship_adapter.sh ADAPTER_FOLDER}"
dst=diagramgen/weights/adapter
mkdir -p "$dst"
cp "$src/adapter_config.json" "$dst/"
"${PYTHON:-.venv/bin/python}" - "$src/adapter_model.safetensors" "$dst/adapter_model.safetensors" <<'PY'
import sys

import torch
from safetensors.torch import load_file, save_file

weights = load_file(sys.argv[1])
save_file({k: v.to(torch.bfloat16).contiguous() for k, v in weights.items()}, sys.argv[2])
PY
ls -la "$dst"
