/// The answer sections of the replies to every name and type of the zones
/// (but the apexes), encoded once when the zones are built: most queries ask
/// for one type at one name, and their reply is its header, the question
/// and these bytes. They are what `DNSMessage.encode` writes after the
/// question, its owner names compressed to the question's, so a reply made
/// from them is byte for byte the one made record by record.
struct DNSEncodedAnswers: Sendable {
  struct Section: Sendable {
    let count: UInt16
    let bytes: [UInt8]
  }

  private let sections: [String: [UInt16: Section]]

  /// `names`' record sets, each answered with `ttl`.
  init(_ names: [String: DNSAuthority.RRSets], ttl: UInt32) {
    var sections: [String: [UInt16: Section]] = [:]
    sections.reserveCapacity(names.count)
    for (key, sets) in names {
      let name = DomainName(key)
      var byType: [UInt16: Section] = [:]
      for (type, records) in sets where !records.isEmpty {
        var message = DNSMessage(id: 0, flags: 0)
        message.questions = [DNSQuestion(name: name, type: type)]
        message.answers = records.map { DNSResource(name: name, type: type, ttl: ttl, data: $0) }
        let bytes = message.encode()
        // After the header (12 bytes) and the question: the name in full (the first written), its type and class.
        let start = 12 + name.labels.reduce(1) { $0 + $1.count + 1 } + 4
        byType[type] = Section(count: UInt16(records.count), bytes: Array(bytes[start...]))
      }
      sections[key] = byType
    }
    self.sections = sections
  }

  /// The answer section for `type` at `key` (lowercase, no final dot), if it has records.
  func section(_ key: String, type: UInt16) -> Section? { sections[key]?[type] }
}
