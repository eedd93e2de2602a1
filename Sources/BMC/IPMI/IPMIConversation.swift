/// One node's request to its BMC, as a state machine fed with datagrams:
/// the session's handshake, the requests one after another (stopping at the
/// first that fails), then Close Session, sent and not waited for.
final class IPMIConversation {
  enum Progress {
    case send([UInt8])
    case wait
    /// Every answer, the last one a failure or the last request's; and the Close Session datagram.
    case done([IPMIResponse], farewell: [UInt8])
    case refused(String)
  }

  let link: IPMISessionLink
  let requests: [IPMIRequest]
  /// What was sent last: sent again when no answer comes in time.
  private(set) var datagram: [UInt8]
  private(set) var isEstablished = false
  private var index = 0
  private var responses: [IPMIResponse] = []
  private var sequence: UInt8 = 0x10

  init(link: IPMISessionLink, requests: [IPMIRequest]) {
    precondition(!requests.isEmpty)
    self.link = link
    self.requests = requests
    datagram = link.opening()
  }

  /// What the conversation waits for, for a timeout's message.
  var awaiting: String { isEstablished ? "the answer to \(requests[index].name)" : link.awaiting }

  func receive(_ incoming: [UInt8]) -> Progress {
    guard isEstablished else {
      do {
        switch try link.handshake(incoming) {
        case .ignore: return .wait
        case .send(let next):
          datagram = next
          return .send(next)
        case .established:
          isEstablished = true
          return sendCurrent()
        }
      } catch let refusal as IPMISessionRefused {
        return .refused(refusal.reason)
      } catch {
        return .refused("\(error)")
      }
    }
    guard let message = link.unseal(incoming), let response = requests[index].response(message, sequence: sequence) else { return .wait }
    responses.append(response)
    if response.completionCode != 0 || index == requests.count - 1 {
      sequence &+= 1
      return .done(responses, farewell: link.seal(IPMIRequest.closeSession(link.sessionID).framed(sequence: sequence)))
    }
    index += 1
    sequence &+= 1
    return sendCurrent()
  }

  private func sendCurrent() -> Progress {
    datagram = link.seal(requests[index].framed(sequence: sequence))
    return .send(datagram)
  }
}
