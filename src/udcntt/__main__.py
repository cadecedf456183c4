"""``python -m udcntt``."""

import sys

from udcntt.cli import main

sys.exit(main())
