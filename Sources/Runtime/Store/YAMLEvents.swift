import CYaml

/// A place in a YAML text, both counted from 1 (columns in Unicode scalars,
/// as libyaml counts them).
struct YAMLMark: Hashable, Sendable {
  var line: Int
  var column: Int
}

/// One parser event, as the store's readers use it.
struct YAMLEvent {
  enum Kind: Equatable {
    /// `plain` is false for quoted and block scalars.
    case scalar(String, plain: Bool)
    case mappingStart, mappingEnd, sequenceStart, sequenceEnd
    case documentStart, documentEnd, streamEnd
  }

  var kind: Kind
  var mark: YAMLMark

  /// Opens a mapping or a sequence (+1), closes one (-1), or neither (0).
  var nesting: Int {
    switch kind {
    case .mappingStart, .sequenceStart: return 1
    case .mappingEnd, .sequenceEnd: return -1
    default: return 0
    }
  }
}

/// What libyaml could not parse: its own words, and where.
struct YAMLSyntaxError: Error {
  var problem: String
  /// nil for an encoding error, which has only `offset`.
  var mark: YAMLMark?
  var offset: Int? = nil
  var context: (text: String, mark: YAMLMark)? = nil
}

/// libyaml's event parser over one text (the C library that Yams bundles as
/// its CYaml module: read directly, the 800-node nodes.conf of the DNS
/// benchmark parses in a fraction of the time Yams' node tree took).
///
/// Aliases never reach the reader: an alias yields again the events of the
/// node its anchor named, as if written out there, within a budget that
/// stops alias bombs. Values nest at most `maximumDepth` deep, aliases
/// expanded, so that readers may recurse.
final class YAMLEventParser {
  static let maximumDepth = 1000
  private var parser = yaml_parser_t()
  /// The text's bytes, which libyaml reads in place.
  private let bytes: UnsafeMutableBufferPointer<UInt8>
  private var anchors: [String: [YAMLEvent]] = [:]
  /// Anchored mappings and sequences still being read: their events so far.
  private var recordings: [(anchor: String, depth: Int, events: [YAMLEvent])] = []
  /// Aliases being expanded, innermost last.
  private var replays: [(events: [YAMLEvent], next: Int)] = []
  private var replayBudget = 1_000_000
  private var depth = 0

  init(text: String) {
    let utf8 = text.utf8
    bytes = .allocate(capacity: max(utf8.count, 1))
    _ = bytes.initialize(from: utf8)
    yaml_parser_initialize(&parser)
    yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
    yaml_parser_set_input_string(&parser, bytes.baseAddress, utf8.count)
  }

  deinit {
    yaml_parser_delete(&parser)
    bytes.deallocate()
  }

  /// The next event; the stream's start is skipped.
  func next() throws -> YAMLEvent {
    let event = try parsed()
    depth += event.nesting
    guard depth <= YAMLEventParser.maximumDepth else {
      throw YAMLSyntaxError(problem: "values nested more than \(YAMLEventParser.maximumDepth) deep", mark: event.mark)
    }
    return event
  }

  private func parsed() throws -> YAMLEvent {
    while true {
      if let event = replayed() {
        record(event, anchor: nil)
        return event
      }
      var raw = yaml_event_t()
      guard yaml_parser_parse(&parser, &raw) == 1 else { throw syntaxError() }
      defer { yaml_event_delete(&raw) }
      let mark = YAMLMark(line: Int(raw.start_mark.line) + 1, column: Int(raw.start_mark.column) + 1)
      let kind: YAMLEvent.Kind
      var anchor: UnsafeMutablePointer<yaml_char_t>?
      switch raw.type {
      case YAML_SCALAR_EVENT:
        let scalar = raw.data.scalar
        let text = String(decoding: UnsafeBufferPointer(start: scalar.value, count: scalar.length), as: UTF8.self)
        kind = .scalar(text, plain: scalar.style == YAML_PLAIN_SCALAR_STYLE || scalar.style == YAML_ANY_SCALAR_STYLE)
        anchor = scalar.anchor
      case YAML_MAPPING_START_EVENT: kind = .mappingStart; anchor = raw.data.mapping_start.anchor
      case YAML_SEQUENCE_START_EVENT: kind = .sequenceStart; anchor = raw.data.sequence_start.anchor
      case YAML_MAPPING_END_EVENT: kind = .mappingEnd
      case YAML_SEQUENCE_END_EVENT: kind = .sequenceEnd
      case YAML_DOCUMENT_START_EVENT: kind = .documentStart
      case YAML_DOCUMENT_END_EVENT: kind = .documentEnd
      case YAML_STREAM_END_EVENT: kind = .streamEnd
      case YAML_ALIAS_EVENT:
        try expand(String(cString: raw.data.alias.anchor), at: mark)
        continue
      default: continue
      }
      let event = YAMLEvent(kind: kind, mark: mark)
      record(event, anchor: anchor.map { String(cString: $0) })
      return event
    }
  }

  private func replayed() -> YAMLEvent? {
    while let last = replays.indices.last {
      let (events, next) = replays[last]
      if next < events.count {
        replays[last].next = next + 1
        return events[next]
      }
      replays.removeLast()
    }
    return nil
  }

  private func expand(_ anchor: String, at mark: YAMLMark) throws {
    guard let events = anchors[anchor] else {
      throw YAMLSyntaxError(problem: "found undefined alias", mark: mark)
    }
    replayBudget -= events.count
    guard replayBudget >= 0 else {
      throw YAMLSyntaxError(problem: "aliases expand to more than a million values", mark: mark)
    }
    replays.append((events, 0))
  }

  /// Adds `event` to the anchored nodes being read, and starts one if it has an anchor.
  private func record(_ event: YAMLEvent, anchor: String?) {
    var index = recordings.count - 1
    while index >= 0 {
      recordings[index].events.append(event)
      recordings[index].depth += event.nesting
      if recordings[index].depth == 0 {
        anchors[recordings[index].anchor] = recordings[index].events
        recordings.remove(at: index)
      }
      index -= 1
    }
    guard let anchor else { return }
    if event.nesting == 0 {
      anchors[anchor] = [event]
    } else {
      recordings.append((anchor, 1, [event]))
    }
  }

  private func syntaxError() -> YAMLSyntaxError {
    let problem = parser.problem.map { String(cString: $0) } ?? "cannot parse"
    if parser.error == YAML_READER_ERROR {
      return YAMLSyntaxError(problem: problem, mark: nil, offset: parser.problem_offset)
    }
    let mark = YAMLMark(line: Int(parser.problem_mark.line) + 1, column: Int(parser.problem_mark.column) + 1)
    let context = parser.context.map {
      (String(cString: $0), YAMLMark(line: Int(parser.context_mark.line) + 1, column: Int(parser.context_mark.column) + 1))
    }
    return YAMLSyntaxError(problem: problem, mark: mark, context: context)
  }
}
