"""The command line beside the window: ``lookup`` and ``webhook`` (``sandbox`` lives with the sandbox)."""
