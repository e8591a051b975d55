"""What only the host can tell, read before anything on it changes.

Usage: awslogs_host_probe.py CONFIG_DIR RESTART_MARKER GLOB...

Prints JSON: the paths each stream's glob matches (with the agent's own glob
call) and whether each is a directory, the files in CONFIG_DIR (the agent
loads every one), and whether a restart is still pending. Python 2.7 or 3.
"""

import glob
import json
import os
import sys


def probe(config_dir, marker, globs):
    names = sorted(os.listdir(config_dir)) if os.path.isdir(config_dir) else []
    return {
        "matches": [{"path": path, "isdir": os.path.isdir(path)} for pattern in globs for path in glob.glob(pattern)],
        "config_files": [
            os.path.join(config_dir, name) for name in names if os.path.isfile(os.path.join(config_dir, name))
        ],
        "restart_pending": os.path.exists(marker),
    }


if __name__ == "__main__":
    print(json.dumps(probe(sys.argv[1], sys.argv[2], sys.argv[3:])))
