"""`python -m rnncalc`."""

from rnncalc.main import main

main()
