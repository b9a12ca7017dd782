#!/usr/bin/env bash
# A test network on one machine (docs/remote.md): N targets, each its own network namespace running its
# own sshd on that namespace's loopback, reached with `ProxyCommand ip netns exec NS nc 127.0.0.1 22`.
#
#   testnet.sh up N DIR     bring up t1..tN; DIR/ssh_config names them (ssh -F DIR/ssh_config t1)
#   testnet.sh kill DIR tK  "kill the machine": every process in tK's namespace, by PID
#   testnet.sh down DIR     kill every process of every namespace and delete the namespaces
#
# Needs root (ip netns). Keys are generated here, host keys pinned in DIR/known_hosts, and each target
# gets DIR/tK/root as its own root folder, so targets share no state. The targets share a private LAN:
# a bridge in its own namespace (dyd-<hash>-lan), tK being 10.77.0.K/24 on its eth0, so that services on
# different targets can talk to each other; the LAN exists only inside these namespaces.
set -euo pipefail

die() { echo "testnet: $*" >&2; exit 2; }

# Namespace of target tK: a prefix unique to DIR, so concurrent networks never collide.
ns_of() { echo "dyd-$(printf '%s' "$1" | sha256sum | cut -c1-10)-$2"; }

kill_ns() {
  local ns=$1 pid pids
  ip netns list | grep -qw -- "$ns" || return 0
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    mapfile -t pids < <(ip netns pids "$ns")
    ((${#pids[@]})) || return 0
    for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
    sleep 0.1
  done
}

down() {
  local dir=$1 ns
  [ -f "$dir/namespaces" ] || return 0
  while read -r ns; do
    kill_ns "$ns"
    ip netns delete "$ns" 2>/dev/null || true
  done <"$dir/namespaces"
  rm -f "$dir/namespaces"
}

# The private LAN: a bridge in its own namespace; each target gets a veth pair into it.
lan_of() { ns_of "$1" lan; }

start_lan() {
  local dir=$1 lan
  lan=$(lan_of "$dir")
  echo "$lan" >>"$dir/namespaces"
  ip netns add "$lan"
  ip -n "$lan" link add br0 type bridge
  ip -n "$lan" link set br0 up
}

start_target() {
  local dir=$1 name=$2 index=$3 ns tdir lan
  ns=$(ns_of "$dir" "$name")
  tdir="$dir/$name"
  mkdir -p "$tdir/root" "$tdir/home"
  echo "$ns" >>"$dir/namespaces"
  ip netns add "$ns"
  ip netns exec "$ns" ip link set lo up
  lan=$(lan_of "$dir")
  ip -n "$lan" link add "v$index" type veth peer name eth0 netns "$ns"
  ip -n "$lan" link set "v$index" master br0 up
  ip -n "$ns" addr add "10.77.0.$index/24" dev eth0
  ip -n "$ns" link set eth0 up
  ssh-keygen -q -t ed25519 -N '' -C "$name" -f "$tdir/host_key"
  cat >"$tdir/sshd_config" <<CONF
ListenAddress 127.0.0.1:22
HostKey $tdir/host_key
PidFile $tdir/sshd.pid
AuthorizedKeysFile $dir/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
MaxSessions 64
MaxStartups 64:30:128
# Its own HOME too: sessions never read the coordinator's ~/.bashrc (slow shell set-ups such as pyenv
# would cost seconds per command).
SetEnv DYDISNIX_TARGET_ROOT=$tdir/root HOME=$tdir/home
CONF
  mkdir -p /run/sshd
  ip netns exec "$ns" /usr/sbin/sshd -f "$tdir/sshd_config" -E "$tdir/sshd.log"
  printf '%s %s\n' "$name" "$(cut -d' ' -f1,2 "$tdir/host_key.pub")" >>"$dir/known_hosts"
  cat >>"$dir/ssh_config" <<CONF
Host $name
  HostName 127.0.0.1
  HostKeyAlias $name
  User root
  IdentityFile $dir/id_ed25519
  IdentitiesOnly yes
  UserKnownHostsFile $dir/known_hosts
  GlobalKnownHostsFile /dev/null
  StrictHostKeyChecking yes
  BatchMode yes
  ConnectTimeout 10
  ProxyCommand ip netns exec $ns nc 127.0.0.1 22
CONF
  for _ in $(seq 100); do
    ip netns exec "$ns" nc -z 127.0.0.1 22 2>/dev/null && return 0
    sleep 0.05
  done
  die "sshd of $name did not come up (see $tdir/sshd.log)"
}

up() {
  local n=$1 dir=$2 i
  [[ $n =~ ^[1-9][0-9]?$ ]] || die "N must be 1..99, got '$n'"
  [ "$(id -u)" -eq 0 ] || die "needs root (ip netns)"
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  [ ! -e "$dir/namespaces" ] || die "$dir already holds a network (testnet.sh down $dir)"
  trap 'down "$dir"' ERR
  : >"$dir/known_hosts"
  : >"$dir/ssh_config"
  ssh-keygen -q -t ed25519 -N '' -C coordinator -f "$dir/id_ed25519"
  cp "$dir/id_ed25519.pub" "$dir/authorized_keys"
  start_lan "$dir"
  for ((i = 1; i <= n; i++)); do start_target "$dir" "t$i" "$i"; done
  trap - ERR
  echo "$dir/ssh_config"
}

case "${1:-}" in
  up) [ $# -eq 3 ] || die "usage: testnet.sh up N DIR"; up "$2" "$3" ;;
  down) [ $# -eq 2 ] || die "usage: testnet.sh down DIR"; down "$(cd "$2" && pwd)" ;;
  kill) [ $# -eq 3 ] || die "usage: testnet.sh kill DIR tK"; kill_ns "$(ns_of "$(cd "$2" && pwd)" "$3")" ;;
  *) die "usage: testnet.sh up N DIR | kill DIR tK | down DIR" ;;
esac
