import sys

from pucha.cli import main

sys.exit(main())
