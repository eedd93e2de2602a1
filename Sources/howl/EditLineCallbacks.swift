import CLibedit
import Foundation

/// The C callbacks libedit calls while a line is edited: the prompt, TAB
/// and Ctrl-C. They find their `LineEditor` through libedit's client-data
/// pointer (set here, unretained: the editor owns the `EditLine` and
/// outlives every call), so there is no global state.
enum EditLineCallbacks {
  /// Wraps the colour codes in a prompt (`EL_PROMPT_ESC`).
  static let promptDelimiter: Character = "\u{1}"

  static func install(on editLine: OpaquePointer, for editor: LineEditor) {
    howl_el_set_client_data(editLine, Unmanaged.passUnretained(editor).toOpaque())
    howl_el_set_prompt(editLine, prompt, CChar(promptDelimiter.asciiValue!))
    howl_el_add_command(editLine, "howl-complete", "Complete a name, member or key", complete)
    howl_el_bind(editLine, "^I", "howl-complete")
    howl_el_add_command(editLine, "howl-cancel", "Drop the entry being typed", cancel)
    howl_el_bind(editLine, "^C", "howl-cancel")
  }

  private static func editor(of editLine: OpaquePointer?) -> LineEditor? {
    guard let editLine, let data = howl_el_client_data(editLine) else { return nil }
    return Unmanaged<LineEditor>.fromOpaque(data).takeUnretainedValue()
  }

  private static let prompt: howl_el_prompt_func = { editLine in
    editor(of: editLine)?.promptText
  }

  /// Inserts the completion, or lists the candidates when it is ambiguous.
  private static let complete: howl_el_command_func = { editLine, _ in
    guard let editor = editor(of: editLine), let info = el_line(editLine)?.pointee else { return result(CC_ERROR) }
    let before = text(from: info.buffer, to: info.cursor)
    let after = text(from: info.cursor, to: info.lastchar)
    guard let completion = editor.completer.complete(before: before, after: after) else {
      return result(CC_REFRESH_BEEP)
    }
    if let insertion = completion.insertion {
      el_insertstr(editLine, insertion)
      return result(CC_REFRESH)
    }
    editor.list(completion.candidates)
    return result(CC_REDISPLAY)
  }

  /// Shows `^C` at the end of the line, then ends it as Enter would; the
  /// editor reports the line as cancelled.
  private static let cancel: howl_el_command_func = { editLine, _ in
    guard let editor = editor(of: editLine), let info = el_line(editLine)?.pointee else { return result(CC_ERROR) }
    editor.cancelRequested = true
    el_cursor(editLine, Int32(text(from: info.cursor, to: info.lastchar).unicodeScalars.count))
    el_insertstr(editLine, "^C")
    el_push(editLine, "\n")
    return result(CC_REFRESH)
  }

  private static func result(_ code: Int32) -> UInt8 { UInt8(code) }

  private static func text(from start: UnsafePointer<CChar>?, to end: UnsafePointer<CChar>?) -> String {
    guard let start, let end, end > start else { return "" }
    return String(decoding: UnsafeRawBufferPointer(start: start, count: end - start), as: UTF8.self)
  }
}
