/// What `dns.sync` uses to read a zone from a site's DNS server and send it
/// dynamic updates (RFC 2136) signed with TSIG. Runtime knows no sockets:
/// the `howl` executable installs the Services implementation into
/// `ClusterContext.dnsSync`. Everything here is plain data.
public protocol DNSSyncing: AnyObject {
  /// The A, AAAA and PTR record sets the server holds in `zone`: the whole
  /// zone by a transfer (AXFR), or, where the server refuses one, the sets at
  /// `names` by queries.
  /// - Throws: `DNSSyncError`.
  func read(zone: String, names: Set<String>, from server: DNSSyncServer) throws -> [DNSRRSet]
  /// Sends `changes` to `zone` as one UPDATE message, each change with its
  /// prerequisite, so the server applies all of them or none.
  /// - Throws: `DNSSyncError` when the server does not answer NOERROR.
  func update(zone: String, _ changes: [DNSRRSetChange], on server: DNSSyncServer) throws
}

/// The site's DNS server `dns.sync` talks to.
public struct DNSSyncServer: Sendable, Equatable {
  public var address: String
  public var port: Int
  public var key: TSIGKey
  /// Seconds to wait for each answer.
  public var timeout: Double

  public init(address: String, port: Int, key: TSIGKey, timeout: Double) {
    self.address = address
    self.port = port
    self.key = key
    self.timeout = timeout
  }

  public var description: String { port == 53 ? address : "\(address) port \(port)" }
}

/// The records of one type at one name: their values in order, and the TTL.
public struct DNSRRSet: Hashable, Sendable {
  public var name: String
  public var kind: DNSRecord.Kind
  public var ttl: Int
  /// Addresses (canonical text) or names (lowercase, no trailing dot), sorted.
  public var values: [String]

  public init(name: String, kind: DNSRecord.Kind, ttl: Int, values: [String]) {
    self.name = DNSName.normalized(name)
    self.kind = kind
    self.ttl = ttl
    self.values = values.sorted()
  }

  /// What identifies a record set in a zone: its owner name and type.
  public struct Key: Hashable, Sendable {
    public var name: String
    public var kind: DNSRecord.Kind
    public init(name: String, kind: DNSRecord.Kind) {
      self.name = name
      self.kind = kind
    }
  }

  public var key: Key { Key(name: name, kind: kind) }
}

/// One record set to add, replace or delete; `before` is what the server
/// held (the prerequisite), `after` what it should hold.
public struct DNSRRSetChange: Equatable, Sendable {
  public var before: DNSRRSet?
  public var after: DNSRRSet?

  public init(before: DNSRRSet?, after: DNSRRSet?) {
    self.before = before
    self.after = after
  }

  public var name: String { (after ?? before)!.name }
  public var kind: DNSRecord.Kind { (after ?? before)!.kind }
}

/// Why a sync failed, in words that say which: the server, the key, the refusal.
public struct DNSSyncError: Error, CustomStringConvertible, Sendable {
  public var description: String
  public init(_ description: String) { self.description = description }
}
