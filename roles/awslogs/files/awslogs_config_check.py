"""Check the agent's new configuration on the host, before it replaces the old one.

Reads a JSON list of ``{"path", "check", "content", "sections"}`` on stdin
(nothing is written anywhere) and parses each file the way the agent will, with
the host's own Python: the agent replaces a value it cannot use by a default
with only a warning in its log, so each such value is an error here. Amazon
Linux 2 may have only Python 2.7, so this keeps to what both understand.
Exit 1 with one message per problem.
"""

import _strptime
import ast
import encodings
import io
import json
import re
import sys

try:
    import configparser
except ImportError:  # Python 2
    import ConfigParser as configparser  # noqa: N813

REQUIRED = ("file", "log_group_name")
CHOICES = {"time_zone": ("UTC", "LOCAL"), "initial_position": ("start_of_file", "end_of_file")}
# The agent's own pattern for file_fingerprint_lines.
FINGERPRINT = re.compile("^[1-9]+[0-9]*-?[0-9]*$")
STDERR_ARGS = "(sys.stderr,)"


def parse(content, parser_class=configparser.RawConfigParser):
    parser = parser_class()
    read = getattr(parser, "read_file", None) or parser.readfp
    read(io.StringIO(content))
    return parser


def _datetime_problem(value):
    try:
        # As the agent's DateTimeParser does: %z is handled by hand.
        re.compile(_strptime.TimeRE().pattern(value.replace("%z", "%%z")))
    except (KeyError, ValueError, re.error) as exc:
        return "is not a format the agent can use (%s)" % exc
    return None


def _pattern_problem(value):
    if value == "{datetime_format}":
        return None
    try:
        re.compile(value)
    except re.error as exc:
        return "is not a regular expression (%s)" % exc
    return None


def _encoding_problem(value):
    codec = encodings.search_function(value)
    if codec is None:
        return "is unknown to the agent's Python"
    # rot13, base64, zip...: the agent's reader dies on the first line it decodes with one.
    if not getattr(codec, "_is_text_encoding", True) or codec.name in ("idna", "punycode", "undefined"):
        return "is not a text encoding"
    return None


def _time_zone_problem(value):
    """UTC, LOCAL, or an IANA zone name the agent extension reads with zoneinfo (Python 3.9+)."""
    if value in CHOICES["time_zone"]:
        return None
    try:
        import zoneinfo  # noqa: PLC0415  # novermin - Python 3.9+ only, guarded
    except ImportError:
        return (
            "is not UTC or LOCAL, and a zone name needs Python 3.9+ (zoneinfo); this host's is %d.%d"
            % (sys.version_info[:2])
        )
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        return "is not UTC, LOCAL or a time zone this host knows (%s)" % exc
    return None


# Per option: what the agent would replace by its default, with only a warning in its log.
VALUE_CHECKS = {
    "buffer_duration": lambda value: None if re.match("^[0-9]+$", value) else "is not a whole number",
    "time_zone": _time_zone_problem,
    "initial_position": lambda value: None if value in CHOICES["initial_position"] else "is not a position",
    "file_fingerprint_lines": lambda value: None if FINGERPRINT.match(value) else "is not N or N-M",
    "encoding": _encoding_problem,
    "datetime_format": _datetime_problem,
    "multi_line_start_pattern": _pattern_problem,
}
VALUE_CHECKS["batch_count"] = VALUE_CHECKS["batch_size"] = VALUE_CHECKS["buffer_duration"]


def value_problems(section, key, value):
    if "\n" in value:
        return ["[%s] %s spans several lines" % (section, key)]
    problem = VALUE_CHECKS[key](value) if key in VALUE_CHECKS else None
    return ["[%s] %s %r %s" % (section, key, value, problem)] if problem else []


def check_general(parser, expected):
    if parser.defaults():
        return ["has a [DEFAULT] section, which the agent merges into every stream"]
    if parser.sections() != ["general"] or not parser.has_option("general", "state_file"):
        return ["must hold exactly [general] with a state_file, has %s" % parser.sections()]
    return []


def check_streams(parser, expected):
    problems = []
    if parser.defaults():
        problems.append("has a [DEFAULT] section, which the agent merges into every stream")
    if parser.sections() != expected:
        problems.append("has the sections %s, the streams are %s" % (parser.sections(), expected))
    for section in parser.sections():
        for key in REQUIRED:
            if not parser.has_option(section, key):
                problems.append("[%s] has no %s" % (section, key))
        for key, value in parser.items(section):
            problems.extend(value_problems(section, key, value))
    return problems


def check_logging(parser, expected):
    problems = []
    for section in parser.sections():
        for key in parser.options(section):
            if section.startswith("formatter_"):
                continue  # fileConfig reads formats raw
            try:
                parser.get(section, key)
            except configparser.Error as exc:
                problems.append("[%s] %s cannot be read by logging.config: %s" % (section, key, exc))
    args = parser.get("handler_agent", "args", raw=True) if parser.has_section("handler_agent") else None
    if args is None:
        problems.append("[handler_agent] is missing")
    elif args != STDERR_ARGS:
        try:
            path = ast.literal_eval(args.replace("%%", "%"))
        except (SyntaxError, ValueError):
            path = None
        if not (isinstance(path, tuple) and len(path) == 1 and str(path[0]).startswith("/")):
            problems.append("[handler_agent] args %r is not one absolute path" % args)
    return problems


CHECKS = {
    "general": (check_general, configparser.RawConfigParser),
    "streams": (check_streams, configparser.RawConfigParser),
    # logging.config.fileConfig interpolates %.
    "logging": (check_logging, configparser.ConfigParser),
}


def problems_of(item):
    check, parser_class = CHECKS[item["check"]]
    try:
        parser = parse(item["content"], parser_class)
    except configparser.Error as exc:
        return [str(exc).replace("\n", " ")]
    return check(parser, item.get("sections"))


def main(stream):
    problems = []
    for item in json.load(stream):
        problems.extend("%s: %s" % (item["path"], problem) for problem in problems_of(item))
    for problem in problems:
        sys.stderr.write(problem + "\n")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.stdin))
