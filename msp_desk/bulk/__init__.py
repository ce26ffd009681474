"""Looking up many orders at once: ids from a paste or a spreadsheet, a concurrent engine, and export.

Qt-free, so the command line and the desktop screen share every piece.
"""
