import Foundation
import Testing
@testable import Runtime

/// With `server.dns.enabled`, the network overlays point each node's primary
/// device at Howl's DNS and the cluster's domain, as the DHCP lease does;
/// with it off they render as before (the golden files).
@Suite struct DNSOverlayTests {
  static func rendered(_ overlay: String, listen: String = "") throws -> String {
    let fixture = try OverlayFixture()
    var state = try fixture.store.load()
    state.server.dns = DNSSettings(enabled: true, domain: "sol.rc.asu.edu", listen: listen)
    return try OverlayGoldenTests.rendered(overlay, for: "n1", by: try fixture.builder(state))
  }

  @Test func networkdGetsTheServerAndDomainOnThePrimaryDevice() throws {
    let text = try DNSOverlayTests.rendered("systemd.networkd")
    #expect(text.contains("Address=10.0.1.1/22\nGateway=10.0.0.254\nDNS=10.0.0.1\nDomains=cluster.local\nDNS=10.0.0.1\nDomains=sol.rc.asu.edu\n"), "\(text)")
    #expect(text.contains("[Network]\nAddress=10.10.1.1/16\n\n"), "only the primary device: \(text)")
  }

  @Test func networkManagerAddsTheServerAndDomainToItsLists() throws {
    let text = try DNSOverlayTests.rendered("NetworkManager", listen: "10.0.0.53")
    #expect(text.contains("dns=10.0.0.1;10.0.0.53;\ndns-search=cluster.local;sol.rc.asu.edu;\n"), "\(text)")
  }
}
