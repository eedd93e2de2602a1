import OrderedCollections

/// A 128-bit content fingerprint (two FNV-1a streams): decides whether a
/// node's overlay inputs changed and whether two shared archives are the same.
/// Not cryptographic; inputs are the cluster's own data.
struct Fingerprint {
  private var a: UInt64 = 0xcbf2_9ce4_8422_2325
  private var b: UInt64 = 0x8422_2325_cbf2_9ce4

  mutating func add<S: Sequence>(bytes: S) where S.Element == UInt8 {
    for byte in bytes {
      a = (a ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
      b = (b ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 &+ 0x9e37
    }
  }

  mutating func add(_ text: String) {
    add(bytes: text.utf8)
    add(bytes: CollectionOfOne(0))
  }

  mutating func add(_ number: Int) { add(String(number)) }

  /// 32 hex digits.
  var hex: String {
    func pad(_ v: UInt64) -> String { let s = String(v, radix: 16); return String(repeating: "0", count: 16 - s.count) + s }
    return pad(a) + pad(b)
  }

  /// A merged node: id, fields (recursively, keys in order), profiles, primary network.
  mutating func add(node: MergedNode) {
    add(node.id)
    add(map: node.fields)
    for profile in node.profiles { add(profile) }
    add(node.primaryNetwork ?? "")
  }

  mutating func add(map: OrderedDictionary<String, ConfValue>) {
    add(bytes: CollectionOfOne(1))
    for (key, value) in map {
      add(key)
      add(conf: value)
    }
    add(bytes: CollectionOfOne(2))
  }

  mutating func add(conf: ConfValue) {
    switch conf {
    case .scalar(let text, let kind):
      add(bytes: CollectionOfOne(3))
      add(text)
      let code: UInt8
      switch kind {
      case .string: code = 10
      case .int: code = 11
      case .float: code = 12
      case .bool: code = 13
      case .null: code = 14
      }
      add(bytes: CollectionOfOne(code))
    case .list(let items):
      add(bytes: CollectionOfOne(4))
      for item in items { add(conf: item) }
      add(bytes: CollectionOfOne(5))
    case .map(let entries):
      add(map: entries)
    }
  }
}
