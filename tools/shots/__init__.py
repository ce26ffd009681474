"""One module per screen, each with ``shoot(window, context, out)``; run by tools/screenshots.py."""
