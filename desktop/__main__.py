"""`python -m desktop`: the same as the `almanac` command."""

import sys

from desktop.cli import main

sys.exit(main())
