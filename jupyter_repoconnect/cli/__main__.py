"""`python -m jupyter_repoconnect.cli` runs `jupyter repoconnect`."""

import sys

from . import main

sys.exit(main())
