"""The fact store: loading, validating, indexing and searching the reference data.

Nothing in this package imports Qt; the window and the command line both
stand on it.
"""
