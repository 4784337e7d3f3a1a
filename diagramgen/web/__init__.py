"""Front end: the web app (`diagramgen serve`) to generate, compare, rate, edit and download.

`app` builds the FastAPI app; `service` is what its routes stand on (settings, cards, the
store); `pages`, `generation` and `diagrams` are its routers; `jobs` runs generations one at a
time. Imports the pipeline and the personal stage; nothing imports it but the CLI.
"""

from diagramgen.web.app import create_app
from diagramgen.web.service import WebSettings

__all__ = ["WebSettings", "create_app"]
