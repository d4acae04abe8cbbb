#!/usr/bin/env bash
# Applies or removes the host firewall bundle that hardened-stack renders (infra/render/ufw.ts).
#   firewall.sh apply          read the bundle on stdin, check it, write its files, reload UFW
#   firewall.sh update         the same, for a re-run of the same Command resource
#   firewall.sh ensure         re-apply the bundle on stdin if the host drifted from it
#   firewall.sh remove SHA256  put back what the stack replaced, if SHA256 is the bundle in force
#
# The bundle is plain text in which a line "### file: <absolute path>" starts each file.
# A failed apply puts the previous files back and reloads them; while UFW reloads, a guard rule
# drops new inbound and forwarded connections, so the host is never open, not even for the
# moment ufw-init runs with ACCEPT policies. Nothing here reads or prints a secret.
#
# FIREWALL_STATE_DIR (default /var/lib/hardened-stack/firewall) keeps the files and DOCKER-USER
# rules as they were before the first apply, the hash of the bundle in force and the number of
# Command resources holding it.
set -euo pipefail
umask 022
export PATH="/usr/sbin:/usr/bin:/sbin:/bin"

state=${FIREWALL_STATE_DIR:-/var/lib/hardened-stack/firewall}
allowed=(/etc/default/ufw /etc/ufw/ufw.conf /etc/ufw/user.rules /etc/ufw/user6.rules
    /etc/ufw/after.rules /etc/ufw/after6.rules)
required=(/etc/default/ufw /etc/ufw/user.rules /etc/ufw/user6.rules /etc/ufw/after.rules
    /etc/ufw/after6.rules)
# The chain the rendered after.rules adds next to DOCKER-USER; removal deletes it.
deny_chain=hardened-docker-deny
guard=(-m comment --comment hardened-stack-reload-guard)

log() { echo "firewall: $*" >&2; }
die() {
    log "$*"
    exit 1
}

families() {
    echo iptables
    if ip6tables -L INPUT -n >/dev/null 2>&1; then
        echo ip6tables
    fi
}

# Drops new inbound and forwarded connections (loopback aside) while UFW swaps its chains.
guard_on() {
    local exe
    for exe in $(families); do
        guard_off_one "$exe"
        "$exe" -I INPUT 1 ! -i lo -m conntrack ! --ctstate RELATED,ESTABLISHED "${guard[@]}" -j DROP
        "$exe" -I FORWARD 1 -m conntrack ! --ctstate RELATED,ESTABLISHED "${guard[@]}" -j DROP
    done
}

guard_off_one() {
    local exe=$1 chain
    for chain in INPUT FORWARD; do
        while "$exe" -S "$chain" | grep -q -- "--comment hardened-stack-reload-guard"; do
            "$exe" -S "$chain" | grep -m1 -- "--comment hardened-stack-reload-guard" |
                sed 's/^-A /-D /' | xargs "$exe"
        done
    done
}

guard_off() {
    local exe
    for exe in $(families); do
        guard_off_one "$exe"
    done
}

# Splits the bundle in $1 into $2/<n>, writing $2/paths (one path a line, in bundle order).
split_bundle() {
    local bundle=$1 out=$2
    awk -v out="$out" '
        /^### file: / {
            n++; path = substr($0, 11)
            print path > (out "/paths")
            file = out "/" n
            printf "" > file
            next
        }
        n == 0 && $0 !~ /^[ \t]*$/ { bad = 1; exit }
        n > 0 { print >> file }
        END { if (bad) exit 3; if (n == 0) exit 4 }
    ' "$bundle" || die "the bundle does not start with a '### file: <path>' line"
}

# Checks the split bundle: known paths only, each once, every required file present, none empty.
check_bundle() {
    local dir=$1 path n=0 seen=" "
    while IFS= read -r path; do
        n=$((n + 1))
        [[ " ${allowed[*]} " == *" $path "* ]] ||
            die "the bundle names '$path', which it may not write"
        [[ "$seen" != *" $path "* ]] || die "the bundle names '$path' twice"
        [ -s "$dir/$n" ] || die "the bundle's $path is empty"
        seen="$seen$path "
    done <"$dir/paths"
    for path in "${required[@]}"; do
        [[ "$seen" == *" $path "* ]] || die "the bundle lacks $path"
    done
}

# The chains whose rules come from the bundle alone; drift checks compare them.
bundle_chains() {
    local exe chain prefix
    for exe in $(families); do
        prefix=ufw
        if [ "$exe" = ip6tables ]; then
            grep -qiE '^IPV6=yes' /etc/default/ufw || continue
            prefix=ufw6
        fi
        for chain in "$prefix-user-input" "$prefix-user-forward" DOCKER-USER "$deny_chain"; do
            "$exe" -S "$chain" 2>/dev/null || echo "# $exe $chain is missing"
        done
    done
}

# Loads the staged UFW files into a throwaway network namespace; refuses what ufw-init refuses.
# Writes the rules they produce in the bundle's chains to $2.
dry_run() {
    local staged=$1 expected=$2 out
    export -f families bundle_chains
    export deny_chain
    if ! out=$(unshare --net --mount --propagation private bash -c '
        set -e
        mount --bind "$1/ufw" /etc/ufw
        mount --bind "$1/default-ufw" /etc/default/ufw
        ip link set lo up
        /lib/ufw/ufw-init force-reload >&2
        iptables -S DOCKER-USER >/dev/null
        bundle_chains
    ' dry-run "$staged" 2>&1 >"$expected"); then
        log "ufw-init refused the bundle in a scratch namespace:"
        printf '%s\n' "$out" >&2
        exit 1
    fi
}

# Stages /etc/ufw and /etc/default/ufw as they would be after writing the bundle.
stage() {
    local dir=$1 staged=$2 n=0 path
    cp -a /etc/ufw "$staged/ufw"
    cp -a /etc/default/ufw "$staged/default-ufw"
    while IFS= read -r path; do
        n=$((n + 1))
        case "$path" in
        /etc/default/ufw) cp "$dir/$n" "$staged/default-ufw" ;;
        *) cp "$dir/$n" "$staged/ufw/${path#/etc/ufw/}" ;;
        esac
    done <"$dir/paths"
    # The stage must load even where UFW is still off; the real ufw.conf comes from the bundle.
    sed -i 's/^ENABLED=.*/ENABLED=yes/' "$staged/ufw/ufw.conf"
}

# Writes $2 to path $1 atomically: a sibling temporary file, then rename.
write_file() {
    local path=$1 source=$2 tmp
    tmp=$(mktemp "$path.hardened-stack.XXXXXX")
    cat "$source" >"$tmp"
    chmod 0644 "$tmp"
    case "$path" in /etc/ufw/*.rules) chmod 0640 "$tmp" ;; esac
    mv -f "$tmp" "$path"
}

# Saves the current state of every allowed file into $1 (absent files as a marker).
save_files() {
    local dir=$1 path name
    mkdir -p "$dir"
    for path in "${allowed[@]}"; do
        name=$(echo "$path" | tr / %)
        if [ -e "$path" ]; then
            cp -p "$path" "$dir/$name"
        else
            : >"$dir/$name.absent"
        fi
    done
}

restore_files() {
    local dir=$1 path name
    for path in "${allowed[@]}"; do
        name=$(echo "$path" | tr / %)
        if [ -e "$dir/$name.absent" ]; then
            rm -f "$path"
        elif [ -e "$dir/$name" ]; then
            write_file "$path" "$dir/$name"
        fi
    done
}

save_docker_user() {
    local dir=$1 exe
    for exe in $(families); do
        if "$exe" -S DOCKER-USER >"$dir/docker-user.$exe" 2>/dev/null; then
            :
        else
            rm -f "$dir/docker-user.$exe"
            : >"$dir/docker-user.$exe.absent"
        fi
    done
}

restore_docker_user() {
    local dir=$1 exe
    for exe in $(families); do
        if [ -e "$dir/docker-user.$exe" ]; then
            {
                echo "*filter"
                echo ":DOCKER-USER - [0:0]"
                grep '^-A ' "$dir/docker-user.$exe" || true
                echo COMMIT
            } | "$exe-restore" -n
        elif [ -e "$dir/docker-user.$exe.absent" ]; then
            "$exe" -F DOCKER-USER 2>/dev/null || true
            "$exe" -X DOCKER-USER 2>/dev/null || true
        fi
        "$exe" -F "$deny_chain" 2>/dev/null || true
        "$exe" -X "$deny_chain" 2>/dev/null || true
    done
}

ufw_enabled() {
    grep -qiE '^ENABLED=yes' /etc/ufw/ufw.conf
}

# Loads the files on disk: reload when UFW is enabled there, stop it otherwise.
load_files() {
    if ufw_enabled; then
        /lib/ufw/ufw-init force-reload >&2
    else
        /lib/ufw/ufw-init force-stop >&2
    fi
}

# Confirms the rules in force are the rendered ones: DROP policies and the DOCKER-USER hook.
verify_loaded() {
    local exe
    for exe in $(families); do
        if [ "$exe" = ip6tables ] && ! grep -qiE '^IPV6=yes' /etc/default/ufw; then
            continue
        fi
        "$exe" -S INPUT | grep -qx -- "-P INPUT DROP" || return 1
        "$exe" -S FORWARD | grep -qx -- "-P FORWARD DROP" || return 1
        "$exe" -S DOCKER-USER | grep -q -- "-j $deny_chain" || return 1
    done
}

# Writes every file of the split bundle in $1, then loads and checks them; fails on any error.
write_and_load() {
    local dir=$1 n=0 path
    while IFS= read -r path; do
        n=$((n + 1))
        write_file "$path" "$dir/$n" || return 1
    done <"$dir/paths"
    load_files || return 1
    verify_loaded || return 1
}

work=""
trap 'if [ -n "$work" ]; then rm -rf "$work"; fi' EXIT

# Reads the bundle from stdin into $work and checks it; sets $hash.
read_bundle() {
    work=$(mktemp -d)
    cat >"$work/bundle"
    mkdir -p "$work/split" "$work/staged"
    split_bundle "$work/bundle" "$work/split"
    check_bundle "$work/split"
    hash=$(sha256sum "$work/bundle" | cut -d' ' -f1)
}

# How many Command resources hold the bundle in force: a replacement with an unchanged bundle
# (pulumi up --replace) creates the new one before deleting the old, and only the last delete
# may remove the rules.
holders() {
    if [ -f "$state/applied.sha256" ] && [ "$(cat "$state/applied.sha256")" = "$1" ]; then
        cat "$state/holders" 2>/dev/null || echo 0
    else
        echo 0
    fi
}

# Writes and loads the read bundle; $1 = "new" counts one more holder, "same" does not.
apply_bundle() {
    local count
    stage "$work/split" "$work/staged"
    dry_run "$work/staged" "$work/expected"
    count=$(holders "$hash")
    if [ "$1" = new ] || [ "$count" -eq 0 ]; then
        count=$((count + 1))
    fi

    mkdir -p "$state"
    chmod 0700 "$state"
    if [ ! -d "$state/original" ]; then
        save_files "$work/original"
        save_docker_user "$work/original"
        mv "$work/original" "$state/original"
    fi
    save_files "$work/previous"

    guard_on
    if write_and_load "$work/split"; then
        guard_off
        echo "$hash" >"$state/applied.sha256"
        echo "$count" >"$state/holders"
        echo "firewall: applied bundle sha256:$hash"
        if [ -d /run/systemd/system ] && ! systemctl is-enabled --quiet ufw 2>/dev/null; then
            log "warning: ufw.service is not enabled, so the rules will not load at boot" \
                "(systemctl enable ufw)"
        fi
        return 0
    fi
    log "applying the bundle failed; restoring the previous files"
    if restore_files "$work/previous" && load_files; then
        guard_off
        die "the previous rules are back in force; nothing changed"
    fi
    die "the previous rules did not load either; new inbound connections stay blocked"
}

# Prints one line per way the host differs from the read bundle; prints nothing when in force.
drift() {
    local n=0 path
    if [ "$(cat "$state/applied.sha256" 2>/dev/null)" != "$hash" ]; then
        echo "the bundle in force is not this one"
    fi
    while IFS= read -r path; do
        n=$((n + 1))
        cmp -s "$path" "$work/split/$n" || echo "$path differs from the bundle"
    done <"$work/split/paths"
    if ! iptables -L ufw-user-input -n >/dev/null 2>&1; then
        echo "UFW is not running"
        return 0
    fi
    if ! verify_loaded; then
        echo "the loaded rules lack the DROP policies or the DOCKER-USER hook"
    fi
    stage "$work/split" "$work/staged"
    dry_run "$work/staged" "$work/expected"
    if ! bundle_chains | cmp -s - "$work/expected"; then
        echo "the loaded rules of UFW's user chains or DOCKER-USER differ from the bundle"
    fi
}

# Re-applies the bundle when the host drifted from it (ufw disable, edited files, lost rules).
ensure() {
    local found
    found=$(drift)
    if [ -z "$found" ]; then
        echo "firewall: bundle sha256:$hash is in force"
        return 0
    fi
    while IFS= read -r line; do
        log "DRIFT: $line"
    done <<<"$found"
    apply_bundle same
    log "the drift is repaired; find out who changed the firewall"
}

remove() {
    local expected=${1:-} count
    [[ "$expected" =~ ^[0-9a-f]{64}$ ]] || die "usage: firewall.sh remove <sha256 of the bundle>"
    count=$(holders "$expected")
    if [ "$count" -eq 0 ]; then
        # A newer bundle replaced this one (its own delete removes it), or nothing is applied.
        echo "firewall: bundle sha256:$expected is not in force; leaving the rules alone"
        return 0
    fi
    if [ "$count" -gt 1 ]; then
        echo "$((count - 1))" >"$state/holders"
        echo "firewall: bundle sha256:$expected is still held by its replacement; kept"
        return 0
    fi
    guard_on
    restore_files "$state/original"
    restore_docker_user "$state/original"
    load_files
    guard_off
    rm -rf "$state"
    echo "firewall: removed bundle sha256:$expected; the previous firewall is back"
}

for tool in ufw iptables iptables-restore unshare flock sha256sum; do
    command -v "$tool" >/dev/null ||
        die "$tool is missing on this host (apt-get install ufw iptables util-linux)"
done
[ -x /lib/ufw/ufw-init ] || die "/lib/ufw/ufw-init is missing: UFW is not installed"
mkdir -p "$(dirname "$state")"
exec 9>"$state.lock"
flock -w 60 9 || die "another firewall run holds the lock"
hash=""
case "${1:-}" in
apply)
    read_bundle
    apply_bundle new
    ;;
update)
    read_bundle
    apply_bundle same
    ;;
ensure)
    read_bundle
    ensure
    ;;
remove) remove "${2:-}" ;;
*) die "usage: firewall.sh apply|update|ensure < bundle, or firewall.sh remove <sha256>" ;;
esac
