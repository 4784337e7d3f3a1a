"""`python -m diagramgen.cli` (e.g. under `accelerate launch -m diagramgen.cli train sft`)."""

from diagramgen.cli import main

main()
