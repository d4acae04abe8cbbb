#!/usr/bin/env bash
# Starts or stops a dockerd for the tests, with its data root in a temporary directory.
#   scripts/dockerd.sh start   start one unless a daemon already answers on the socket; prints
#                              "started" or "reused" on stdout
#   scripts/dockerd.sh stop    stop the one this script started, and remove its data root
# Only a caller that saw "started" should call stop: a reused daemon belongs to someone else.
set -euo pipefail
state=/run/hardened-stack-dockerd
case "${1:-}" in
start)
    if docker info >/dev/null 2>&1; then
        echo "dockerd: already running; using it" >&2
        echo reused
        exit 0
    fi
    root=$(mktemp -d /var/tmp/hardened-stack-docker.XXXXXX)
    mkdir -p "$state"
    echo "$root" >"$state/root"
    # userland-proxy off: published ports go through kernel NAT, as in production (NET-07).
    dockerd --data-root "$root/data" --exec-root "$root/exec" --pidfile "$state/pid" \
        --userland-proxy=false --log-level warn >"$root/dockerd.log" 2>&1 &
    for _ in $(seq 1 60); do
        if docker info >/dev/null 2>&1; then
            echo "dockerd: ready (data root $root)" >&2
            echo started
            exit 0
        fi
        sleep 0.5
    done
    echo "dockerd: did not start; its log:" >&2
    tail -n 30 "$root/dockerd.log" >&2
    exit 1
    ;;
stop)
    [ -f "$state/pid" ] || exit 0
    pid=$(cat "$state/pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 40); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.5
    done
    root=$(cat "$state/root" 2>/dev/null || true)
    # Volumes and overlay mounts may linger briefly after the daemon exits.
    if [ -n "$root" ] && [ -d "$root" ]; then
        grep -o " $root[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
        rm -rf "$root"
    fi
    rm -rf "$state"
    ;;
*)
    echo "usage: scripts/dockerd.sh start|stop" >&2
    exit 2
    ;;
esac
