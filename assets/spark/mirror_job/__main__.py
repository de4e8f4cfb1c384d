import sys

from mirror_job.main import main
from mirror_job.progress import announce_local_run

# `python -m mirror_job` is the local command line (EMR Serverless runs entry.py): progress on a terminal.
announce_local_run(sys.argv[1:])
sys.exit(main(sys.argv[1:]))
