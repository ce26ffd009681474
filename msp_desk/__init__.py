"""msp-desk: a desktop tool for MultiSafepay support staff."""

from importlib.metadata import PackageNotFoundError, version

APP_NAME = "msp-desk"
ORG_NAME = "msp-desk"

try:
    __version__ = version("msp-desk")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"
