import Foundation
@testable import BMC
import Remote

/// A Redfish BMC on loopback: `sushy-emulator` (PyPI sushy-tools) with its
/// fake driver, behind HTTPS with a self-signed certificate for its address
/// made here by `openssl req -x509`, and HTTP basic authentication. Its log
/// (`--debug`) records each reset and boot device it was asked for; its
/// state is its own (sushy keeps it in a directory, shared unless set).
final class RedfishEmulator {
  let address: String
  let port: Int
  let directory: String
  /// The ids of its systems (`/redfish/v1/Systems/<id>`).
  let systems: [String]
  private var pid: pid_t = 0

  /// `signedByAuthority`: its certificate comes from a test authority (`ca.pem`) rather than being self-signed.
  init(address: String, port: Int, in scratch: String, systems count: Int = 1, user: String = "admin", password: String = "s3cret",
       signedByAuthority: Bool = false) throws {
    self.address = address
    self.port = port
    directory = scratch + "/redfish-\(address)"
    systems = (0..<count).map { String(format: "27946b59-9e44-4fa7-8e91-%012x", $0) }
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    try Self.certificate(for: address, in: directory, signedByAuthority: signedByAuthority)
    let hash = try Run.program("/usr/bin/env", ["python3", "-c", "import bcrypt, sys; print(bcrypt.hashpw(sys.argv[1].encode(), bcrypt.gensalt(4)).decode())", password])
    guard hash.status == 0 else { throw TestFailure("bcrypt failed: \(hash.errors)") }
    try "\(user):\(hash.output)".write(toFile: directory + "/htpasswd", atomically: true, encoding: .utf8)
    let fakeSystems = systems.enumerated().map { i, uuid in "{'uuid': '\(uuid)', 'name': 'node\(i)', 'power_state': 'Off', 'nics': []}" }
    try """
      SUSHY_EMULATOR_AUTH_FILE = '\(directory)/htpasswd'
      SUSHY_EMULATOR_FAKE_DRIVER = True
      SUSHY_EMULATOR_STATE_DIR = '\(directory)/state'
      SUSHY_EMULATOR_FAKE_SYSTEMS = [\(fakeSystems.joined(separator: ", "))]

      """.write(toFile: directory + "/emulator.conf", atomically: true, encoding: .utf8)
    let log = open(directory + "/emulator.log", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    defer { close(log) }
    pid = try ShellSpawn.start("exec sushy-emulator --debug --config \(directory)/emulator.conf --fake -i \(address) -p \(port) --ssl-certificate \(directory)/cert.pem --ssl-key \(directory)/key.pem",
                               ownGroup: true, defaults: [SIGINT, SIGQUIT, SIGPIPE, SIGTERM, SIGCHLD], output: log)
    try waitUntilReady(user: user, password: password)
  }

  /// The certificate's authority: the test CA's, or the certificate itself when self-signed.
  var authority: String {
    FileManager.default.fileExists(atPath: directory + "/ca.pem") ? directory + "/ca.pem" : directory + "/cert.pem"
  }

  /// `cert.pem` and `key.pem` for `address`: self-signed, or signed by a new `ca.pem`.
  static func certificate(for address: String, in directory: String, signedByAuthority: Bool) throws {
    func openssl(_ arguments: [String]) throws {
      let r = try Run.program("/usr/bin/openssl", arguments)
      guard r.status == 0 else { throw TestFailure("openssl \(arguments[0]) failed: \(r.errors)") }
    }
    let san = "subjectAltName=IP:\(address)"
    guard signedByAuthority else {
      return try openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-keyout", directory + "/key.pem",
                          "-out", directory + "/cert.pem", "-subj", "/CN=\(address)", "-addext", san])
    }
    try openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-keyout", directory + "/ca-key.pem",
                 "-out", directory + "/ca.pem", "-subj", "/CN=Howl test authority"])
    try openssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", directory + "/key.pem", "-out", directory + "/request.pem",
                 "-subj", "/CN=\(address)"])
    try san.write(toFile: directory + "/san.ext", atomically: true, encoding: .utf8)
    try openssl(["x509", "-req", "-in", directory + "/request.pem", "-CA", directory + "/ca.pem", "-CAkey", directory + "/ca-key.pem",
                 "-CAcreateserial", "-days", "2", "-extfile", directory + "/san.ext", "-out", directory + "/cert.pem"])
  }

  /// What a Redfish client that trusts this certificate reads at `path` (the peer's view).
  func get(_ path: String, user: String = "admin", password: String = "s3cret") throws -> [String: Any] {
    let r = try Run.program("/usr/bin/curl", ["-sf", "--cacert", authority, "-u", "\(user):\(password)", "https://\(address):\(port)\(path)"])
    guard r.status == 0, let object = try JSONSerialization.jsonObject(with: Data(r.output.utf8)) as? [String: Any] else {
      throw TestFailure("curl \(path) failed (\(r.status)): \(r.errors)")
    }
    return object
  }

  /// The resets it was asked for, in order (`On`, `ForceOff`, …).
  var resets: [String] { logged(#"power state set to ""#) }

  /// The boot devices it was asked for (`Pxe`, …).
  var bootDevices: [String] { logged(#"Set boot device to ""#) }

  func logged(_ prefix: String) -> [String] {
    let log = (try? String(contentsOfFile: directory + "/emulator.log", encoding: .utf8)) ?? ""
    return log.split(separator: "\n").compactMap { line in
      guard let start = line.range(of: prefix) else { return nil }
      return String(line[start.upperBound...].prefix { $0 != "\"" })
    }
  }

  private func waitUntilReady(user: String, password: String) throws {
    for _ in 0..<100 {
      if (try? get("/redfish/v1/Systems", user: user, password: password)) != nil { return }
      Thread.sleep(forTimeInterval: 0.1)
    }
    throw TestFailure("sushy-emulator on \(address):\(port) did not start: \((try? String(contentsOfFile: directory + "/emulator.log", encoding: .utf8)) ?? "")")
  }

  func stop() {
    guard pid > 0 else { return }
    kill(-pid, SIGKILL)
    _ = ShellSpawn.wait(pid)
    pid = 0
  }

  deinit { stop() }
}
