"""`python -m archive.cli`: the `kb` command."""

import sys

from archive.cli import main

sys.exit(main())
