# The daur-ai app: reads its own secrets, encrypts and decrypts with its key.
# Rendered by hardened-stack from templates/vault/policy.hcl.hbs. Anything not listed is denied.

# Read its own secrets.
path "kv/data/daur-ai/*" {
  capabilities = ["read"]
}

# Encrypt with its key.
path "transit/encrypt/app-data" {
  capabilities = ["update"]
}

# Decrypt with its key.
path "transit/decrypt/app-data" {
  capabilities = ["update"]
}
