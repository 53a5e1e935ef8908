"""``python -m kg``: the same command line as ``kg``."""

from kg.cli import main

if __name__ == "__main__":
    main()
