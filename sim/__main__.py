"""``python -m sim`` runs the musclebrain command line."""

import sys

from sim.cli import main

sys.exit(main())
