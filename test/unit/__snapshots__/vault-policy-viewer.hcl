# Looks without reading secret values.
# Rendered by hardened-stack from templates/vault/policy.hcl.hbs. Anything not listed is denied.

# List secrets and their versions, never their values.
path "kv/metadata/*" {
  capabilities = ["read", "list"]
}

# See the transit key's settings.
path "transit/keys/app-data" {
  capabilities = ["read"]
}

# List mounts.
path "sys/mounts" {
  capabilities = ["read"]
}
