"""Security Assistance Almanac: an offline reference for US security assistance."""

__version__ = "0.1.0"
APP_TITLE = "Security Assistance Almanac"  # window titles, the About box, files the program writes
