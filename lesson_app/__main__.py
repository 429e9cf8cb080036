"""`python -m lesson_app ...`: the command line lives in `lesson_app.runtime.cli`."""

import sys

from lesson_app.runtime.cli import main

sys.exit(main())
