# Runs the app: writes its secrets, rotates its key and secret_id.
# Rendered by hardened-stack from templates/vault/policy.hcl.hbs. Anything not listed is denied.

# Write the app's secrets.
path "kv/data/daur-ai/*" {
  capabilities = ["create", "read", "update", "patch"]
}

# See the app's secret versions.
path "kv/metadata/daur-ai/*" {
  capabilities = ["read", "list"]
}

# See the transit key's settings.
path "transit/keys/app-data" {
  capabilities = ["read"]
}

# Rotate the transit key.
path "transit/keys/app-data/rotate" {
  capabilities = ["update"]
}

# Issue the app a new secret_id.
path "auth/approle/role/daur-ai/secret-id" {
  capabilities = ["update"]
}
