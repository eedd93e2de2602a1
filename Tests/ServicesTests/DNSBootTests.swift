import Testing

/// A booted node resolves names through Howl's DNS
/// (`Tests/Fixtures/bootlab/dns.howl`): its DHCP lease from `howl serve`
/// names Howl as the DNS server and the cluster zone as the search domain,
/// the node writes them to /etc/resolv.conf, and busybox `nslookup` finds
/// another node (full and short name), a `dns.add` host, and a node's name
/// from its address.
@Suite(.serialized, .bootLab(cluster: "Tests/Fixtures/bootlab/dns.howl")) struct DNSBootTests {
  var lab: BootLab { BootLab.current! }

  @Test func aNodeResolvesAnotherNodeAndAnAddedHostThroughHowl() throws {
    let report = lab.boot([VirtualMachine(name: "r1", mac: "52:54:00:99:00:41", timeout: 240)])[0]
    #expect(report.booted, "\(report.tail)")
    #expect(report["resolv"] == "search cluster.lab nameserver 10.99.0.1", "\(report.tail)")
    #expect(report["peer"] == "10.99.0.42")
    #expect(report["short"] == "10.99.0.42", "the search domain from DHCP completes a short name")
    #expect(report["login"] == "10.99.0.5")
    #expect(report["reverse"] == "r2.cluster.lab")
  }
}
