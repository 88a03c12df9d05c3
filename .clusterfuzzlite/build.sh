#!/bin/bash -eu
# ClusterFuzzLite build step: the project's fuzz/build.sh, as for OSS-Fuzz.
exec "$SRC/kimojio-cpp/fuzz/build.sh"
