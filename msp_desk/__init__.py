"""msp-desk: a desktop tool for MultiSafepay support staff."""

APP_NAME = "msp-desk"
ORG_NAME = "msp-desk"
__version__ = "0.1.0"
