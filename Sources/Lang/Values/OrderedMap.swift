import Foundation

/// A dictionary that remembers insertion order, keyed by any value.
///
/// The entries are one array in insertion order, each with its key's hash
/// (`OrderedMap.hash(of:)`, cheaper than `Hasher` for the short strings maps
/// are keyed by). A small map is searched by scanning the hashes; a larger
/// one also keeps an open-addressing table of entry positions.
public struct OrderedMap {
  /// A key, its value, and the key's hash.
  public struct Entry {
    public internal(set) var key: Value
    public internal(set) var value: Value
    let hash: Int
  }

  private var entries: [Entry] = []
  /// Entry position + 1 per bucket (0: empty); a power of two in size, at
  /// most half full. Empty while the map has at most `scanLimit` entries.
  private var table: [Int32] = []
  private static let scanLimit = 8

  public init() {}

  public init(_ pairs: [(Value, Value)]) {
    entries.reserveCapacity(pairs.count)
    for (k, v) in pairs { self[k] = v }
  }

  public var count: Int { entries.count }
  public var isEmpty: Bool { entries.isEmpty }
  public var keys: [Value] { entries.map(\.key) }
  public var values: [Value] { entries.map(\.value) }

  /// The pairs in insertion order.
  public var pairs: LazyMapSequence<[Entry], (Value, Value)> { entries.lazy.map { ($0.key, $0.value) } }

  public mutating func reserveCapacity(_ n: Int) { entries.reserveCapacity(n) }

  public subscript(key: Value) -> Value? {
    get { self[key, hash: OrderedMap.hash(of: key)] }
    set { self[key, hash: OrderedMap.hash(of: key)] = newValue }
  }

  public subscript(string key: String) -> Value? {
    get { self[.string(key)] }
    set { self[.string(key)] = newValue }
  }

  /// The value for `key`, whose `hash(of:)` the caller computed (once, for
  /// a member name written in the source).
  subscript(key: Value, hash hash: Int) -> Value? {
    get { position(of: key, hash: hash).map { entries[$0].value } }
    set {
      if let newValue {
        if let i = position(of: key, hash: hash) {
          entries[i].value = newValue
        } else {
          appendNew(key, newValue, hash: hash)
        }
      } else if let i = position(of: key, hash: hash) {
        entries.remove(at: i)
        rebuildTable()
      }
    }
  }

  /// Adds an entry for a key the caller knows is not in the map yet.
  mutating func appendNew(_ key: Value, _ value: Value, hash: Int) {
    entries.append(Entry(key: key, value: value, hash: hash))
    if !table.isEmpty || entries.count > OrderedMap.scanLimit { addToTable(entries.count - 1) }
  }

  private func position(of key: Value, hash: Int) -> Int? {
    if table.isEmpty {
      for i in entries.indices where entries[i].hash == hash && entries[i].key == key { return i }
      return nil
    }
    let mask = table.count - 1
    var bucket = hash & mask
    while true {
      let slot = Int(table[bucket])
      if slot == 0 { return nil }
      let e = entries[slot - 1]
      if e.hash == hash && e.key == key { return slot - 1 }
      bucket = (bucket + 1) & mask
    }
  }

  private mutating func addToTable(_ i: Int) {
    if table.count < entries.count * 2 {
      rebuildTable()
      return
    }
    insertIntoTable(i)
  }

  private mutating func insertIntoTable(_ i: Int) {
    let mask = table.count - 1
    var bucket = entries[i].hash & mask
    while table[bucket] != 0 { bucket = (bucket + 1) & mask }
    table[bucket] = Int32(i + 1)
  }

  private mutating func rebuildTable() {
    guard entries.count > OrderedMap.scanLimit else {
      table = []
      return
    }
    var size = 16
    while size < entries.count * 4 { size <<= 1 }
    table = [Int32](repeating: 0, count: size)
    for i in entries.indices { insertIntoTable(i) }
  }

  /// A hash consistent with the language's `==`: an int and the equal float
  /// hash alike, and strings by their bytes (non-ASCII ones in their
  /// canonical composed form, as `==` compares canonically).
  static func hash(of key: Value) -> Int {
    switch key {
    case .string(let s): return hash(string: s)
    case .int(let i): return mix(i)
    case .float(let f):
      if f == f.rounded(), let i = Int(exactly: f) { return mix(i) }
      return mix(Int(bitPattern: UInt(f.bitPattern)))
    default: return key.hashValue
    }
  }

  static func hash(string s: String) -> Int {
    var s = s
    var isASCII = true
    let h = s.withUTF8 { bytes -> UInt64 in
      var h: UInt64 = 0xcbf2_9ce4_8422_2325
      for b in bytes {
        isASCII = isASCII && b < 0x80
        h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3
      }
      return h
    }
    if !isASCII {
      let composed = s.precomposedStringWithCanonicalMapping
      if composed.utf8.elementsEqual(s.utf8) == false { return hash(string: composed) }
    }
    return mix(Int(bitPattern: UInt(h)))
  }

  /// Spreads the bits of `x` so that the low ones pick buckets well.
  private static func mix(_ x: Int) -> Int {
    var z = UInt64(bitPattern: Int64(x)) &+ 0x9e37_79b9_7f4a_7c15
    z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
    z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
    return Int(bitPattern: UInt(z ^ (z >> 31)))
  }
}
