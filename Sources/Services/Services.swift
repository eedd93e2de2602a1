/// Howl's boot services: DHCP, TFTP and HTTP provisioning on SwiftNIO, run
/// together by `BootServer`. They read the cluster through `Runtime`.
public enum Services {}
