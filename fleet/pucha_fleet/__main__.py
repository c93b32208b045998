import sys

from pucha_fleet.runner import main

sys.exit(main())
