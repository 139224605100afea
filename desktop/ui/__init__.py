"""The window and its widgets."""
