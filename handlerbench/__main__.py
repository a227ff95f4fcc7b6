import sys

from handlerbench.cli import main

sys.exit(main())
