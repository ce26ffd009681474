"""Plain-Python building blocks shared by the core packages; nothing here imports Qt."""
