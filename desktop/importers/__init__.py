"""Importers: official datasets turned into data packs (plain data folders the loader reads like any other).

Nothing here is imported when the program starts: the command line and the window import an
importer when it is asked for, and the importer imports its CSV engine only when it runs.
"""
