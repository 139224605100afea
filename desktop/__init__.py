"""Security Assistance Almanac: an offline reference for US security assistance."""

__version__ = "0.1.0"
