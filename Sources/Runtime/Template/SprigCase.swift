/// Sprig's `camelcase`, `snakecase` and `kebabcase` (huandu/xstrings'
/// `ToPascalCase`, `ToSnakeCase`, `ToKebabCase`): text is cut into words of
/// letters, digits, punctuation and connectors (`-`, `_`, spaces) first.
enum SprigCase {
  /// Go's `unicode.IsSpace`.
  static func isGoSpace(_ r: Unicode.Scalar) -> Bool {
    switch r.value {
    case 0x09...0x0D, 0x20, 0x85, 0xA0: return true
    case 0..<0x100: return false
    default: return r.properties.isWhitespace
    }
  }

  static func isConnector(_ r: Unicode.Scalar) -> Bool { r == "-" || r == "_" || isGoSpace(r) }

  static func isUpper(_ r: Unicode.Scalar) -> Bool { r.properties.generalCategory == .uppercaseLetter }

  static func isPunct(_ r: Unicode.Scalar) -> Bool {
    switch r.properties.generalCategory {
    case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
      .initialPunctuation, .finalPunctuation, .otherPunctuation:
      return true
    default: return false
    }
  }

  static func isNumber(_ r: Unicode.Scalar) -> Bool {
    switch r.properties.generalCategory {
    case .decimalNumber, .letterNumber, .otherNumber: return true
    default: return false
    }
  }

  /// A letter outside the common CJK blocks (xstrings' `isAlphabet`).
  static func isAlphabet(_ r: Unicode.Scalar) -> Bool {
    switch r.properties.generalCategory {
    case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
      let v = r.value
      return v < 0x3400 || !((0x3400...0x4DBF).contains(v) || (0x4E00...0x9FFF).contains(v) || (0x20000...0x2FA1F).contains(v))
    default:
      return false
    }
  }

  /// Go's `unicode.ToUpper`/`ToLower` for one character (kept when the mapping is not one character).
  static func upper(_ r: Unicode.Scalar) -> Unicode.Scalar {
    let mapped = r.properties.uppercaseMapping.unicodeScalars
    return mapped.count == 1 ? mapped.first ?? r : r
  }

  static func lower(_ r: Unicode.Scalar) -> Unicode.Scalar {
    let mapped = r.properties.lowercaseMapping.unicodeScalars
    return mapped.count == 1 ? mapped.first ?? r : r
  }

  /// `http_server` → `HttpServer`: letters after connectors are upper-cased and single
  /// connectors dropped; leading and repeated connectors are kept.
  static func pascalCase(_ s: String) -> String {
    var input = Array(s.unicodeScalars)[...]
    guard !input.isEmpty else { return "" }
    var out = String.UnicodeScalarView()
    var r0: Unicode.Scalar = " "
    while let r = input.popFirst() {
      r0 = r
      if !isConnector(r) {
        r0 = upper(r)
        break
      }
      out.append(r)
    }
    if input.isEmpty {
      out.append(r0)
      return String(out)
    }
    while let next = input.popFirst() {
      let r1 = r0
      r0 = next
      if isConnector(r0) && isConnector(r1) {
        out.append(r1)
        continue
      }
      if isConnector(r1) {
        r0 = upper(r0)
      } else {
        out.append(r1)
      }
    }
    out.append(r0)
    return String(out)
  }

  enum WordType { case invalid, number, upperCase, alphabet, connector, punct, other }

  typealias Scalars = ArraySlice<Unicode.Scalar>

  /// The next word of `text` and what follows it.
  static func nextWord(_ text: Scalars) -> (WordType, Scalars, Scalars) {
    guard let first = text.first else { return (.invalid, text, text) }
    var count = 1
    func extend(while predicate: (Unicode.Scalar) -> Bool) {
      while text.startIndex + count < text.endIndex, predicate(text[text.startIndex + count]) { count += 1 }
    }
    let type: WordType
    if isConnector(first) {
      type = .connector
      extend(while: isConnector)
    } else if isPunct(first) {
      type = .punct
      extend(while: isPunct)
    } else if isUpper(first) {
      type = .upperCase
      if text.startIndex + 1 < text.endIndex {
        let second = text[text.startIndex + 1]
        if isUpper(second) {
          extend(while: isUpper)
          // An abbreviation followed by a word: the last capital starts the word (`HTTPServer`).
          if text.startIndex + count < text.endIndex, isAlphabet(text[text.startIndex + count]) { count -= 1 }
        } else if isAlphabet(second) {
          extend { isAlphabet($0) && !isUpper($0) }
        }
      }
    } else if isAlphabet(first) {
      type = .alphabet
      extend { isAlphabet($0) && !isUpper($0) }
    } else if isNumber(first) {
      type = .number
      extend(while: isNumber)
    } else {
      type = .other
      extend { !(isConnector($0) || isAlphabet($0) || isNumber($0) || isPunct($0)) }
    }
    let split = text.startIndex + count
    return (type, text[..<split], text[split...])
  }

  /// Appends a word, lower-casing capitals and turning connectors into `connector`.
  static func appendLowered(_ type: WordType, _ word: Scalars, connector: Unicode.Scalar, to out: inout String.UnicodeScalarView) {
    guard type == .upperCase || type == .connector else {
      out.append(contentsOf: word)
      return
    }
    for r in word {
      out.append(isConnector(r) ? connector : isUpper(r) ? lower(r) : r)
    }
  }

  /// `FirstName` → `first_name` (or `first-name`), with xstrings' rules for numbers,
  /// abbreviations, punctuation and connectors.
  static func lowerCaseWords(_ s: String, connector: Unicode.Scalar) -> String {
    let scalars = Array(s.unicodeScalars)[...]
    guard !scalars.isEmpty else { return "" }
    var out = String.UnicodeScalarView()
    var (type, word, remaining) = nextWord(scalars)
    while !remaining.isEmpty {
      if type != .connector { appendLowered(type, word, connector: connector, to: &out) }
      let previous = type
      let last = word
      (type, word, remaining) = nextWord(remaining)
      switch previous {
      case .number:
        while type == .alphabet || type == .number {
          appendLowered(type, word, connector: connector, to: &out)
          (type, word, remaining) = nextWord(remaining)
        }
        if type != .invalid && type != .punct && type != .connector { out.append(connector) }
      case .connector:
        appendLowered(previous, last, connector: connector, to: &out)
      case .punct:
        break
      default:
        if type != .number {
          if type != .connector && type != .punct { out.append(connector) }
          break
        }
        if remaining.isEmpty { break }
        let number = word
        (type, word, remaining) = nextWord(remaining)
        if type != .alphabet {
          appendLowered(.number, number, connector: connector, to: &out)
          if type != .connector && type != .punct { out.append(connector) }
          break
        }
        out.append(connector)
        appendLowered(.number, number, connector: connector, to: &out)
        while type == .alphabet || type == .number {
          appendLowered(type, word, connector: connector, to: &out)
          (type, word, remaining) = nextWord(remaining)
        }
        if type != .invalid && type != .connector && type != .punct { out.append(connector) }
      }
    }
    appendLowered(type, word, connector: connector, to: &out)
    return String(out)
  }
}
