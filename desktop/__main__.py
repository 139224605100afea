"""`python -m desktop`: the same as the `almanac` command."""

from desktop.cli import main_exit

main_exit()
