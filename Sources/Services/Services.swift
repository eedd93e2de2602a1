/// Howl's long-running servers (DHCP, TFTP, HTTP provisioning, NFS exports,
/// IPMI power) live in this module; they read the cluster through `Runtime`.
public enum Services {}
