"""EMR Serverless entry point: `spark-submit entry.py apply ...` with the package shipped in --py-files."""

import sys

from mirror_job.main import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
