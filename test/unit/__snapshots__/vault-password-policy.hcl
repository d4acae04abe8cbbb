# Rendered by hardened-stack from templates/vault/password-policy.hcl.hbs.
length = 32

rule "charset" {
  charset   = "abcdefghijklmnopqrstuvwxyz"
  min-chars = 1
}

rule "charset" {
  charset   = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
  min-chars = 1
}

rule "charset" {
  charset   = "0123456789"
  min-chars = 1
}

rule "charset" {
  charset   = "-_.~!*+=^"
  min-chars = 1
}
