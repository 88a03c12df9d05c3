#!/bin/sh
# ctest runs each property binary through this: the caller's RC_PARAMS wins, else
# max_success=<default cases> (KIMOJIO_PROPS_CASES). ctest's ENVIRONMENT property
# would override the caller's variable, so it is not used.
# Usage: run_property.sh <default cases> <binary> [args...]
cases="$1"
shift
if [ -z "${RC_PARAMS:-}" ]; then
  RC_PARAMS="max_success=$cases"
fi
export RC_PARAMS
echo "run_property.sh: RC_PARAMS=\"$RC_PARAMS\""
exec "$@"
