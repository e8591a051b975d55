# Prints where the agent's cwlogs/push.py is and its sha256 (Python 2.7 or 3).
import hashlib
import os

try:
    from importlib.util import find_spec

    directory = find_spec("cwlogs").submodule_search_locations[0]
except ImportError:
    import imp

    directory = imp.find_module("cwlogs")[1]
path = os.path.join(directory, "push.py")
with open(path, "rb") as module:
    print(path)
    print(hashlib.sha256(module.read()).hexdigest())
