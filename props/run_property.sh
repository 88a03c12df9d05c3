#!/bin/sh
# ctest runs each property binary through this: the caller's RC_PARAMS wins; if it sets
# no max_success, max_success=<default cases> is added (KIMOJIO_PROPS_CASES, or the deep
# count). ctest's ENVIRONMENT property would override the caller's variable: not used.
# Usage: run_property.sh <default cases> <binary> [args...]
cases="$1"
shift
case "${RC_PARAMS:-}" in
  "") RC_PARAMS="max_success=$cases" ;;
  *max_success=*) ;;
  *) RC_PARAMS="$RC_PARAMS max_success=$cases" ;;  # e.g. a seed alone: still <cases> cases
esac
export RC_PARAMS
echo "run_property.sh: RC_PARAMS=\"$RC_PARAMS\""
exec "$@"
