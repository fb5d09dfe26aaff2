import sys

from driftbot.cli import main

sys.exit(main())
