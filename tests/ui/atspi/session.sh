#!/usr/bin/env bash
# Inside its own D-Bus session: a virtual X screen, msp-desk on it with Qt's AT-SPI
# bridge on, and a scenario (system Python with pyatspi) that drives it with
# keystrokes and reads what a screen reader hears. Prints the scenario's JSON.
#   session.sh PYTHON HOME SCENARIO [ARGS...]
set -euo pipefail
python=$1 home=$2 scenario=$3
shift 3
exec 3>"$home/display"
Xvfb -displayfd 3 -screen 0 1400x900x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
app=
trap 'kill $app $xvfb 2>/dev/null || true' EXIT
for _ in $(seq 50); do [ -s "$home/display" ] && break; sleep 0.1; done
export DISPLAY=":$(cat "$home/display")" QT_QPA_PLATFORM=xcb QT_LINUX_ACCESSIBILITY_ALWAYS_ON=1 MSP_DESK_HOME="$home"
"$python" -m msp_desk >"$home/app.log" 2>&1 &
app=$!
PYTHONPATH="$(dirname "$0")" /usr/bin/python3 "$scenario" "$@"
