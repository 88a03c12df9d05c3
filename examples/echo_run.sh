#!/bin/sh
# Runs examples/echo_server and examples/echo_client together on loopback:
#   echo_run.sh <echo_server> <echo_client> [seconds = 3] [connections = 64] [size = 64]
# Starts the server on a free port, runs the client, stops the server with SIGINT, and
# prints "echo_run: OK" only if the client saw every byte come back intact and the server
# echoed exactly the bytes the client sent and then stopped by the signal.
set -eu
server=$1 client=$2 seconds=${3:-3} connections=${4:-64} size=${5:-64}
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$server" 0 $((seconds + 60)) >"$out" &
pid=$!
port=
for _ in $(seq 200); do  # up to 10 s for the server to listen
    port=$(sed -n 's/^echo_server: listening on 127\.0\.0\.1:\([0-9][0-9]*\)$/\1/p' "$out")
    [ -n "$port" ] && break
    sleep 0.05
done
if [ -z "$port" ]; then
    echo "echo_run: the server did not start listening"; kill "$pid"; cat "$out"; exit 1
fi
status=0
client_out=$("$client" "$port" "$connections" "$seconds" "$size") || status=$?
echo "$client_out"
kill -INT "$pid"
wait "$pid" || { echo "echo_run: the server exited with $?"; cat "$out"; exit 1; }
cat "$out"
[ "$status" -eq 0 ] || { echo "echo_run: the client failed ($status)"; exit 1; }
sent=$(echo "$client_out" | sed -n 's/^echo_client: sent \([0-9]*\) bytes, every byte echoed back intact$/\1/p')
echoed=$(sed -n 's/^echo_server: stopped by a signal after [0-9]* connections, \([0-9]*\) bytes echoed$/\1/p' "$out")
if [ -z "$sent" ] || [ "$sent" != "$echoed" ]; then
    echo "echo_run: the client sent and checked '$sent' bytes, the server echoed '$echoed'"; exit 1
fi
echo "echo_run: OK ($connections connections, $sent bytes echoed and checked)"
