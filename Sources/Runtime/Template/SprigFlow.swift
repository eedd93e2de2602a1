/// Sprig's default/flow, conversion and math functions.
enum SprigFlow {
  static func register(into r: inout TemplateFunctionRegistry) {
    typealias C = SprigConvert
    r.register("default", .variadic(1) { args in
      if args.count < 2 || !args[1].isTruthy { return args[0] }
      return args[1]
    })
    r.register("empty", .fixed(1) { .bool(!$0[0].isTruthy) })
    r.register("coalesce", .variadic { args in args.first { $0.isTruthy } ?? .null })
    r.register("ternary", .fixed(3, [.any, .any, .bool]) { args in try C.requireBool(args, 2) ? args[0] : args[1] })
    r.register("fail", .fixed(1, [.string]) { throw TemplateFunctionError(try C.requireString($0, 0)) })
    r.register("required", .fixed(2, [.string, .any]) { args in
      let warning = try C.requireString(args, 0)
      switch args[1] {
      case .null: throw TemplateFunctionError(warning)
      case .string(let s) where s.isEmpty: throw TemplateFunctionError(warning)
      default: return args[1]
      }
    })

    r.register("atoi", .fixed(1, [.string]) { .int(Int(try C.requireString($0, 0)) ?? 0) })
    r.register("int", .fixed(1) { .int(C.int($0[0])) })
    r.register("int64", .fixed(1) { .int(C.int($0[0])) })
    r.register("float64", .fixed(1) { .float(C.float($0[0])) })
    r.register("toStrings", .fixed(1) { .list(C.strings($0[0]).map { .string($0) }) })
    r.register("toJson", .fixed(1) { .string(TemplateJSON.encode($0[0])) })
    r.register("toPrettyJson", .fixed(1) { .string(TemplateJSON.encode($0[0], indent: true)) })
    r.register("fromJson", .fixed(1, [.string]) { args in
      (try? TemplateJSON.parse(try C.requireString(args, 0), integersStayIntegers: false)) ?? .null
    })
    r.register("b64enc", .fixed(1, [.string]) { .string(base64Encode(Array(try C.requireString($0, 0).utf8))) })
    r.register("b64dec", .fixed(1, [.string]) { args in
      switch base64Decode(try C.requireString(args, 0)) {
      case .success(let bytes): return .string(String(decoding: bytes, as: UTF8.self))
      case .failure(let error): return .string(error.message)
      }
    })

    func arithmetic(_ name: String, _ op: @escaping (Int, Int) throws -> Int) {
      r.register(name, .fixed(2) { .int(try op(C.int($0[0]), C.int($0[1]))) })
    }
    r.register("add", .variadic { .int($0.reduce(0) { $0 &+ C.int($1) }) })
    r.register("add1", .fixed(1) { .int(C.int($0[0]) &+ 1) })
    arithmetic("sub") { $0 &- $1 }
    r.register("mul", .variadic(1) { .int($0.dropFirst().reduce(C.int($0[0])) { $0 &* C.int($1) }) })
    arithmetic("div") { a, b in
      guard b != 0 else { throw TemplateFunctionError("runtime error: integer divide by zero") }
      return a.dividedReportingOverflow(by: b).partialValue
    }
    arithmetic("mod") { a, b in
      guard b != 0 else { throw TemplateFunctionError("runtime error: integer divide by zero") }
      return a.remainderReportingOverflow(dividingBy: b).partialValue
    }
    r.register("max", .variadic(1) { .int($0.map(C.int).max() ?? 0) })
    r.register("min", .variadic(1) { .int($0.map(C.int).min() ?? 0) })
  }

  private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

  static func base64Encode(_ bytes: [UInt8]) -> String {
    var out: [UInt8] = []
    var i = 0
    while i < bytes.count {
      let chunk = bytes[i..<min(i + 3, bytes.count)]
      let b0 = chunk[chunk.startIndex]
      let b1 = chunk.count > 1 ? chunk[chunk.startIndex + 1] : 0
      let b2 = chunk.count > 2 ? chunk[chunk.startIndex + 2] : 0
      out.append(alphabet[Int(b0 >> 2)])
      out.append(alphabet[Int((b0 & 3) << 4 | b1 >> 4)])
      out.append(chunk.count > 1 ? alphabet[Int((b1 & 15) << 2 | b2 >> 6)] : UInt8(ascii: "="))
      out.append(chunk.count > 2 ? alphabet[Int(b2 & 63)] : UInt8(ascii: "="))
      i += 3
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// Go's `base64.StdEncoding.DecodeString`; on failure, the offset Go reports.
  static func base64Decode(_ text: String) -> Result<[UInt8], Base64Error> {
    let src = Array(text.utf8)
    var out: [UInt8] = []
    var si = 0
    func skipNewlines() {
      while si < src.count && (src[si] == 0x0A || src[si] == 0x0D) { si += 1 }
    }
    while si < src.count {
      var quantum: [UInt8] = []
      var finished = false
      while quantum.count < 4 {
        guard si < src.count else {
          if quantum.isEmpty { finished = true; break }
          return .failure(Base64Error(offset: si - quantum.count))
        }
        let c = src[si]
        si += 1
        if c == 0x0A || c == 0x0D { continue }
        if let v = alphabet.firstIndex(of: c) {
          quantum.append(UInt8(v))
          continue
        }
        guard c == UInt8(ascii: "=") else { return .failure(Base64Error(offset: si - 1)) }
        switch quantum.count {
        case 0, 1:
          return .failure(Base64Error(offset: si - 1))
        case 2:
          skipNewlines()
          guard si < src.count else { return .failure(Base64Error(offset: src.count)) }
          guard src[si] == UInt8(ascii: "=") else { return .failure(Base64Error(offset: si - 1)) }
          si += 1
        default:
          break
        }
        skipNewlines()
        if si < src.count { return .failure(Base64Error(offset: si)) }
        finished = true
        break
      }
      if quantum.count >= 2 { out.append(quantum[0] << 2 | quantum[1] >> 4) }
      if quantum.count >= 3 { out.append(quantum[1] << 4 | quantum[2] >> 2) }
      if quantum.count == 4 { out.append(quantum[2] << 6 | quantum[3]) }
      if finished { break }
    }
    return .success(out)
  }

  /// Go's `CorruptInputError`.
  struct Base64Error: Error {
    let offset: Int
    var message: String { "illegal base64 data at input byte \(offset)" }
  }
}
