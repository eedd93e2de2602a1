import Foundation
import Runtime

/// What `dns.sync` talks to a site's DNS server with: zone transfers and
/// queries to read it, dynamic updates (RFC 2136) to change it, all over
/// TCP and signed with the server's TSIG key (RFC 8945).
public final class DNSUpdateClient: DNSSyncing {
  public init() {}

  public func read(zone: String, names: Set<String>, from server: DNSSyncServer) throws -> [DNSRRSet] {
    if let sets = try transfer(zone, from: server) { return sets }
    return try query(zone, names: names, from: server)
  }

  /// The zone by AXFR, or nil when the server refuses to transfer it.
  func transfer(_ zone: String, from server: DNSSyncServer) throws -> [DNSRRSet]? {
    let tsig = TSIG(key: server.key)
    var request = DNSMessage(id: UInt16.random(in: 0...UInt16.max), flags: 0)
    request.questions = [DNSQuestion(name: DomainName(zone), type: DNSType.axfr)]
    let (bytes, requestMAC) = tsig.sign(request.encode())
    let connection = try DNSStreamConnection(address: server.address, port: server.port, timeout: server.timeout)
    try connection.send([bytes])
    var records: [DNSResource] = []
    var soas = 0
    var previousMAC = requestMAC
    var unsigned: [UInt8] = []
    var first = true
    while soas < 2 {
      let answer = try connection.receive()
      let message: DNSMessage
      do { message = try DNSMessage(parsing: answer) } catch { throw DNSSyncError("\(server.description) sent a transfer of \(zone) that does not parse: \(error)") }
      guard message.id == request.id else { continue }
      let signature: TSIG.Signature?
      do { signature = try TSIG.signature(of: answer) } catch { throw DNSSyncError("\(server.description) sent a malformed signature: \(error)") }
      if let signature, signature.error != 0 { throw DNSSyncError("reading \(zone) from \(server.description): \(TSIG.explain(signature.error, key: server.key))") }
      let rcode = message.flags & 0xF
      // A server that will not transfer the zone is read by queries instead.
      if first && (rcode == UInt16(DNSRcode.refused.rawValue) || rcode == UInt16(DNSRcode.notImp.rawValue)) { return nil }
      guard rcode == 0 else { throw DNSSyncError("reading \(zone) from \(server.description): \(DNSUpdateClient.explain(UInt8(rcode), zone: zone, key: server.key))") }
      if let signature {
        previousMAC = try tsig.verify(signature, after: previousMAC, unsignedBefore: unsigned, timersOnly: !first)
        unsigned = []
      } else if first {
        throw DNSSyncError("\(server.description) answered the transfer of \(zone) unsigned; it may not hold key \"\(server.key.name)\"")
      } else {
        unsigned += answer
      }
      first = false
      for record in message.answers {
        if record.type == DNSType.soa { soas += 1 } else { records.append(record) }
      }
      if message.answers.isEmpty { throw DNSSyncError("\(server.description) sent an empty transfer of \(zone)") }
    }
    guard unsigned.isEmpty else { throw DNSSyncError("\(server.description) did not sign the end of the transfer of \(zone)") }
    return DNSUpdateClient.rrsets(records)
  }

  /// The record sets at `names` by queries, pipelined over one connection.
  func query(_ zone: String, names: Set<String>, from server: DNSSyncServer) throws -> [DNSRRSet] {
    let reverse = zone.hasSuffix("in-addr.arpa") || zone.hasSuffix("ip6.arpa")
    let types = reverse ? [DNSType.ptr] : [DNSType.a, DNSType.aaaa]
    let questions = names.sorted().flatMap { name in types.map { DNSQuestion(name: DomainName(name), type: $0) } }
    let connection = try DNSStreamConnection(address: server.address, port: server.port, timeout: server.timeout)
    var records: [DNSResource] = []
    let window = 1000
    var start = 0
    while start < questions.count {
      let batch = questions[start..<min(start + window, questions.count)]
      var pending: [UInt16: DNSQuestion] = [:]
      var messages: [[UInt8]] = []
      for (offset, question) in batch.enumerated() {
        var message = DNSMessage(id: UInt16(offset), flags: 0)
        message.questions = [question]
        pending[message.id] = question
        messages.append(message.encode())
      }
      try connection.send(messages)
      while !pending.isEmpty {
        let answer: DNSMessage
        do { answer = try DNSMessage(parsing: try connection.receive()) } catch let error as DNSSyncError { throw error } catch {
          throw DNSSyncError("\(server.description) sent an answer that does not parse: \(error)")
        }
        guard let question = pending.removeValue(forKey: answer.id) else { continue }
        let rcode = UInt8(answer.flags & 0xF)
        guard rcode == 0 || rcode == DNSRcode.nxDomain.rawValue else {
          throw DNSSyncError("asking \(server.description) for \(question.name.key): \(DNSUpdateClient.explain(rcode, zone: zone, key: server.key))")
        }
        records += answer.answers.filter { $0.name == question.name && $0.type == question.type }
      }
      start += window
    }
    return DNSUpdateClient.rrsets(records)
  }

  public func update(zone: String, _ changes: [DNSRRSetChange], on server: DNSSyncServer) throws {
    let message = DNSUpdateClient.message(zone: zone, changes)
    let tsig = TSIG(key: server.key)
    let (bytes, requestMAC) = tsig.sign(message.encode())
    guard bytes.count <= 65535 else { throw DNSSyncError("an update of \(zone) came to \(bytes.count) bytes, more than TCP carries") }
    let connection = try DNSStreamConnection(address: server.address, port: server.port, timeout: server.timeout)
    try connection.send([bytes])
    var answer: [UInt8]
    repeat { answer = try connection.receive() } while answer.count >= 2 && UInt16(answer[0]) << 8 | UInt16(answer[1]) != message.id
    let signature: TSIG.Signature?
    do { signature = try TSIG.signature(of: answer) } catch { throw DNSSyncError("\(server.description) sent an answer that does not parse: \(error)") }
    let who = "\(server.description) refused the update of \(zone)"
    if let signature, signature.error != 0 { throw DNSSyncError("\(who): \(TSIG.explain(signature.error, key: server.key))") }
    let rcode = UInt8(answer.count >= 4 ? answer[3] & 0xF : 1)
    guard rcode == 0 else { throw DNSSyncError("\(who): \(DNSUpdateClient.explain(rcode, zone: zone, key: server.key))") }
    guard let signature else { throw DNSSyncError("\(server.description) accepted the update of \(zone) without signing its answer") }
    _ = try tsig.verify(signature, after: requestMAC)
  }

  /// The UPDATE message: the zone; each change's prerequisite (the set as
  /// read, or its absence); the deletion of the old set and the new records.
  static func message(zone: String, _ changes: [DNSRRSetChange]) -> DNSMessage {
    var message = DNSMessage(id: UInt16.random(in: 0...UInt16.max), flags: 5 << 11)
    message.questions = [DNSQuestion(name: DomainName(zone), type: DNSType.soa)]
    for change in changes {
      let name = DomainName(change.name), type = change.kind.wireType
      if let before = change.before {
        message.answers += before.values.compactMap { value in
          DNSRecordData(kind: before.kind, value: value).map { DNSResource(name: name, type: type, ttl: 0, data: $0) }
        }
        message.authority.append(DNSResource(name: name, type: type, klass: DNSType.classANY, ttl: 0, data: .bytes([])))
      } else {
        message.answers.append(DNSResource(name: name, type: type, klass: DNSType.classNONE, ttl: 0, data: .bytes([])))
      }
      if let after = change.after {
        message.authority += after.values.compactMap { value in
          DNSRecordData(kind: after.kind, value: value).map { DNSResource(name: name, type: type, ttl: UInt32(clamping: after.ttl), data: $0) }
        }
      }
    }
    return message
  }

  /// A, AAAA and PTR records of class IN grouped into sets, in the order
  /// first met (a transfer holds thousands: one lookup each).
  static func rrsets(_ records: [DNSResource]) -> [DNSRRSet] {
    var index: [DNSRRSet.Key: Int] = [:]
    index.reserveCapacity(records.count)
    var sets: [DNSRRSet] = []
    for record in records where record.klass == DNSType.classIN {
      guard let kind = DNSRecord.Kind(wireType: record.type), let value = record.data.text(as: kind) else { continue }
      let key = DNSRRSet.Key(name: record.name.key, kind: kind)
      if let at = index[key] {
        sets[at].ttl = min(sets[at].ttl, Int(record.ttl))
        sets[at].values.append(value)
      } else {
        index[key] = sets.count
        sets.append(DNSRRSet(name: key.name, kind: kind, ttl: Int(record.ttl), values: [value]))
      }
    }
    for at in sets.indices where sets[at].values.count > 1 { sets[at].values.sort() }
    return sets
  }

  /// A response code in the words of a dynamic update (RFC 2136 §2.2).
  static func explain(_ rcode: UInt8, zone: String, key: TSIGKey) -> String {
    switch rcode {
    case 1: return "the server could not read the message (FORMERR)"
    case 2: return "the server failed (SERVFAIL); its log says why"
    case 4: return "the server does not implement dynamic update (NOTIMP)"
    case 5: return "key \"\(key.name)\" may not do this in \(zone) (REFUSED); see the zone's allow-update or update-policy"
    case 3, 6, 7, 8: return "\(zone) changed since Howl read it (prerequisite failed: \(["NXDOMAIN": 3, "YXDOMAIN": 6, "YXRRSET": 7, "NXRRSET": 8].first { $0.value == Int(rcode) }!.key)); run dns.sync again"
    case 9: return "the server is not authoritative for \(zone), or does not accept key \"\(key.name)\" (NOTAUTH)"
    case 10: return "a record lies outside \(zone) (NOTZONE)"
    default: return "response code \(rcode)"
    }
  }
}
