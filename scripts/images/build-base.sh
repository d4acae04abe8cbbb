#!/usr/bin/env bash
# Builds the local base image the engine tests and image builds use, since no image can be
# pulled: a Debian bookworm root file system from debootstrap, imported with `docker import`.
#
#   scripts/images/build-base.sh [TAG]     default tag: hardened-stack/base:bookworm
#
# The image holds what the stack's roles need at run time (nginx, PostgreSQL, Python with
# psycopg2 for the app stand-in, bash and openssl) and no compiler. It is rebuilt only when
# the package list below changes: the list's hash is kept in an image label.
set -euo pipefail
tag=${1:-hardened-stack/base:bookworm}
packages=(
    bash ca-certificates openssl procps iproute2
    nginx-light
    postgresql postgresql-contrib
    python3 python3-venv python3-pip python3-psycopg2
)
mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
mirror=${mirror:-http://deb.debian.org/debian}
# Bump when the image's contents change other than through the package list.
recipe=3
want=$(printf '%s\n' "${packages[@]}" "$mirror" "$recipe" | sha256sum | cut -c1-16)

have=$(docker image inspect --format '{{index .Config.Labels "hardened-stack.base-hash"}}' "$tag" 2>/dev/null || true)
if [ "$have" = "$want" ]; then
    echo "base image $tag is current" >&2
    exit 0
fi

work=$(mktemp -d /var/tmp/hardened-stack-rootfs.XXXXXX)
trap 'rm -rf "$work"' EXIT
# Stopped by a signal, still remove the root file system (once the running step returns).
trap 'exit 130' INT
trap 'exit 143' TERM
echo "debootstrap bookworm into $work (about a minute)" >&2
debootstrap --variant=minbase --include="$(IFS=,; echo "${packages[*]}")" \
    bookworm "$work/root" "$mirror" >"$work/debootstrap.log" 2>&1 || {
    tail -n 20 "$work/debootstrap.log" >&2
    exit 1
}
# The postgres user takes the official image's 999:999. Debian gives it the first free system
# ids (100:102), and 100 is also the official Vault image's uid: two services under one uid
# would share one nproc ceiling and could reach each other's files.
old_ids=$(chroot "$work/root" id -u postgres):$(chroot "$work/root" id -g postgres)
chroot "$work/root" /bin/sh -eu -c '
    groupmod -g 999 postgres
    usermod -u 999 -g 999 postgres
    find / -xdev -uid "$1" -exec chown -h 999 {} +
    find / -xdev -gid "$2" -exec chgrp -h 999 {} +
' renumber "${old_ids%:*}" "${old_ids#*:}"
# Nothing in the image may start services or keep package caches. ssl-cert's snakeoil key is
# readable by gid 101 (ssl-cert here), which is nginx's gid in the stack: no key ships.
rm -rf "$work/root/var/cache/apt/archives/"*.deb "$work/root/var/lib/apt/lists/"*
rm -f "$work/root/etc/ssl/private/ssl-cert-snakeoil.key" "$work/root/etc/ssl/certs/ssl-cert-snakeoil.pem"
tar -C "$work/root" --numeric-owner -c . | docker import \
    --change "LABEL hardened-stack.base-hash=$want" \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/usr/lib/postgresql/15/bin' \
    --change 'CMD ["/bin/bash"]' \
    - "$tag" >/dev/null
echo "built $tag" >&2
