"""Connection profiles and their API keys (keyring-backed), no Qt."""
