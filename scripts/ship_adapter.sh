#!/usr/bin/env bash
# Copy a trained LoRA adapter (a run's adapter/ or checkpoint-N/ folder) into the package as the
# default: diagramgen/weights/adapter/. Usage: scripts/ship_adapter.sh runs/sft/adapter
set -euo pipefail
cd "$(dirname "$0")/.."
src="${1:?usage: scripts/ship_adapter.sh ADAPTER_FOLDER}"
dst=diagramgen/weights/adapter
mkdir -p "$dst"
cp "$src/adapter_config.json" "$src/adapter_model.safetensors" "$dst/"
ls -la "$dst"
