import Foundation

/// The directory the cluster's files live under: `$HOWL_ROOT`, or `/` when it
/// is unset or empty (the FHS paths `/etc/howl`, `/var/lib/howl`, `/run/howl`).
enum HowlRoot {
  static var path: String {
    ProcessInfo.processInfo.environment["HOWL_ROOT"].flatMap { $0.isEmpty ? nil : $0 } ?? "/"
  }
}
