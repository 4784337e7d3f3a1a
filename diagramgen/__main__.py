"""`python -m diagramgen`: the same as the `diagramgen` command."""

from diagramgen.cli import main

main()
