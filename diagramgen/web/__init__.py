"""The web app (`diagramgen serve`): generate, compare, rate, edit and download diagrams."""

from diagramgen.web.app import WebSettings, create_app

__all__ = ["WebSettings", "create_app"]
