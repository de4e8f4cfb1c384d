import sys

from mirror_job.main import main

sys.exit(main(sys.argv[1:]))
