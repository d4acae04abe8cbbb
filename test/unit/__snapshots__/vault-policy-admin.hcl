# Administers the stack's mounts, policies, auth methods and audit devices.
# Rendered by hardened-stack from templates/vault/policy.hcl.hbs. Anything not listed is denied.

# List mounts.
path "sys/mounts" {
  capabilities = ["read"]
}

# Enable and tune mounts.
path "sys/mounts/*" {
  capabilities = ["create", "read", "update", "delete"]
}

# List auth methods.
path "sys/auth" {
  capabilities = ["read"]
}

# Enable auth methods (needs sudo).
path "sys/auth/*" {
  capabilities = ["create", "read", "update", "delete", "sudo"]
}

# Manage ACL policies.
path "sys/policies/acl/*" {
  capabilities = ["create", "read", "update", "patch", "delete", "list"]
}

# Manage password policies.
path "sys/policies/password/*" {
  capabilities = ["create", "read", "update", "patch", "delete", "list"]
}

# List audit devices.
path "sys/audit" {
  capabilities = ["read", "sudo"]
}

# Manage audit devices.
path "sys/audit/*" {
  capabilities = ["create", "read", "update", "delete", "sudo"]
}

# Manage AppRoles and their secret_ids.
path "auth/approle/role/*" {
  capabilities = ["create", "read", "update", "patch", "delete", "list"]
}

# Read and write every secret.
path "kv/data/*" {
  capabilities = ["create", "read", "update", "patch", "delete", "list"]
}

# Manage versions and metadata.
path "kv/metadata/*" {
  capabilities = ["create", "read", "update", "patch", "delete", "list"]
}

# Soft-delete versions.
path "kv/delete/*" {
  capabilities = ["update"]
}

# Restore versions.
path "kv/undelete/*" {
  capabilities = ["update"]
}

# Destroy versions.
path "kv/destroy/*" {
  capabilities = ["update"]
}

# Create, configure and rotate keys (no export or deletion).
path "transit/keys/*" {
  capabilities = ["create", "read", "update", "list"]
}
