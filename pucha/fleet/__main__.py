import sys

from pucha.fleet.runner import main

sys.exit(main())
