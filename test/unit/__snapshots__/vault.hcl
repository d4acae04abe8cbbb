# Rendered by hardened-stack from templates/vault/vault.hcl.hbs; edit the template.
#
# A single-node server on the internal backend network: TLS on the listener, integrated
# storage on its own volume, no UI, bounded lease lifetimes.
ui            = false
cluster_name  = "hardened-stack"
api_addr      = "https://172.30.1.20:8200"
cluster_addr  = "https://172.30.1.20:8201"

# mlock is off on purpose: the container runs without IPC_LOCK (it drops every capability),
# and integrated storage needs it off. The host runs without swap (or with encrypted swap) so
# secrets in memory never reach the disk.
disable_mlock = true

default_lease_ttl = "1h"
max_lease_ttl     = "24h"

storage "raft" {
  path    = "/vault/file"
  node_id = "vault-1"
}

listener "tcp" {
  address            = "0.0.0.0:8200"
  cluster_address    = "0.0.0.0:8201"
  tls_cert_file      = "/vault/config/tls/server.crt"
  tls_key_file       = "/vault/config/tls/server.key"
  tls_min_version    = "tls12"
  tls_disable        = false

  telemetry {
    unauthenticated_metrics_access = false
  }
  profiling {
    unauthenticated_pprof_access = false
  }
  inflight_requests_logging {
    unauthenticated_in_flight_requests_access = false
  }
}
