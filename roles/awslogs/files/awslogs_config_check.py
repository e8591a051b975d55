"""Check the agent's configuration files before awslogsd is restarted.

Runs on the host with whatever Python is there (Amazon Linux 2 may have only
Python 2.7), so it keeps to what both understand. Exit 1 with a message per
problem.
"""

import os
import sys

try:
    import configparser
except ImportError:  # Python 2
    import ConfigParser as configparser  # noqa: N813

REQUIRED = ("file", "log_group_name")
INTEGERS = ("buffer_duration", "batch_count", "batch_size")


def check_general(path):
    parser = configparser.RawConfigParser()
    if not parser.read(path):
        return ["%s: cannot be read" % path]
    if not parser.has_section("general") or not parser.has_option("general", "state_file"):
        return ["%s: [general] needs a state_file" % path]
    return []


def check_streams(path):
    parser = configparser.RawConfigParser()
    parser.read(path)
    problems = []
    for section in parser.sections():
        for key in REQUIRED:
            if not parser.has_option(section, key):
                problems.append("%s: [%s] has no %s" % (path, section, key))
        for key in INTEGERS:
            if parser.has_option(section, key) and not parser.get(section, key).isdigit():
                problems.append("%s: [%s] %s is not a number" % (path, section, key))
    return problems


def main(general_file, streams_dir):
    try:
        problems = check_general(general_file)
        for name in sorted(os.listdir(streams_dir)):
            problems.extend(check_streams(os.path.join(streams_dir, name)))
    except (configparser.Error, OSError) as exc:
        problems = [str(exc)]
    for problem in problems:
        sys.stderr.write(problem + "\n")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
