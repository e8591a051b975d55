#!/bin/sh
# The application's own hook: awslogs-ops never touches it.
set -eu
curl --silent --fail --max-time 5 http://127.0.0.1/health > /dev/null || true
