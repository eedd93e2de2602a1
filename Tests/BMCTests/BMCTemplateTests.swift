import Foundation
import Runtime
import Testing
@testable import BMC
import Remote

/// Howl's default BMC template (stdlib/bmc/ipmitool.tmpl) and a site's own,
/// rendered by Howl's template engine into the command lines ipmitool gets.
struct BMCTemplateTests {
  static let stdlib = Run.packageRoot.appendingPathComponent("stdlib/bmc").path
  let target = BMCTarget(node: "n1", ipaddr: "10.0.1.41", username: "admin", password: "it's $ecret", interface: "lanplus",
                         tags: ["cipher": "3"])

  @Test func theDefaultTemplateBuildsIpmitoolCommandsAsWarewulfDoes() throws {
    let bmc = IPMIToolController(templateDirectories: [Self.stdlib])
    let base = "ipmitool -I lanplus -C 3 -H 10.0.1.41 -p 623 -U admin -P '********' -e '~'"
    #expect(try bmc.commandLine(.power(.on), for: target) == base + " chassis power on")
    #expect(try bmc.commandLine(.power(.soft), for: target) == base + " chassis power soft")
    #expect(try bmc.commandLine(.bootOnce(device: "pxe", persistent: false), for: target) == base + " chassis bootdev pxe")
    #expect(try bmc.commandLine(.bootOnce(device: "disk", persistent: true), for: target) == base + " chassis bootdev disk options=persistent")
    #expect(try bmc.commandLine(.sensors, for: target) == base + " sensor list")
    #expect(try bmc.commandLine(.console, for: target) == base + " sol activate")
    var plain = target
    plain.interface = ""
    plain.tags = [:]
    plain.port = "6230"
    plain.escapechar = "!"
    #expect(try bmc.commandLine(.power(.status), for: plain) == "ipmitool -I lan -H 10.0.1.41 -p 6230 -U admin -P '********' -e '!' chassis power status")
  }

  @Test func thePasswordIsQuotedForTheShellWhenItRuns() throws {
    let templates = BMCTemplates(directories: [Self.stdlib])
    let line = try templates.commandLine(.power(.on), for: target)
    #expect(line.contains("-P 'it'\\''s $ecret'"))
    let echoed = try TimedCommand.run("printf '%s' " + ShellQuote.quote(target.password), timeout: 5)
    #expect(echoed.output == target.password)
  }

  @Test func aSiteTemplateInTheSiteDirectoryWinsAndSeesTheFields() throws {
    let scratch = try Scratch()
    try "{{ if eq .Cmd \"PowerOn\" }}wake {{ .Node }} at {{ .Ipaddr }} as {{ .UserName }}/{{ .Password }}{{ end }}"
      .write(toFile: scratch.path + "/site.tmpl", atomically: true, encoding: .utf8)
    let bmc = IPMIToolController(templateDirectories: [scratch.path, Self.stdlib])
    var site = target
    site.template = "site.tmpl"
    #expect(try bmc.commandLine(.power(.on), for: site) == "wake n1 at 10.0.1.41 as admin/********")
    #expect(throws: (any Error).self) { try bmc.commandLine(.power(.off), for: site) }
    site.template = "missing.tmpl"
    #expect(bmc.perform(.power(.on), on: [site], fanout: 1, timeout: 1) == [.failed("no BMC template 'missing.tmpl' in \(scratch.path), \(Self.stdlib)")])
  }
}
