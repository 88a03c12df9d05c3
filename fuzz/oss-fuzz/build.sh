#!/bin/bash -eu
# OSS-Fuzz build step: the project's own fuzz/build.sh reads CC, CXX, CFLAGS, CXXFLAGS,
# LIB_FUZZING_ENGINE, OUT and WORK as the service sets them. ci/oss-fuzz-check runs it
# with the service's address, undefined and coverage flags.
exec "$SRC/kimojio-cpp/fuzz/build.sh"
