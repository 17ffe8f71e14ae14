"""``python -m stepvid``: the same command line as the ``stepvid`` script."""

import sys

from stepvid.cli import main

sys.exit(main())
