extension BMCTarget {
  /// The BMC settings a node has after merging its profiles (Warewulf's
  /// `ipmi` fields, or 4.5's flat `ipmi <field>` keys).
  init(node id: String, _ merged: MergedNode) {
    func text(_ key: String) -> String {
      merged.value(at: FieldPath(["ipmi", key]))?.stringValue ?? merged.value(at: FieldPath(["ipmi " + key]))?.stringValue ?? ""
    }
    var tags: [String: String] = [:]
    if case .map(let map)? = merged.value(at: FieldPath(["ipmi", "tags"])) {
      for (key, value) in map { tags[key] = value.stringValue ?? "" }
    }
    self.init(node: id, ipaddr: text("ipaddr"), username: text("username"), password: text("password"),
              interface: text("interface"), port: text("port"), escapechar: text("escapechar"),
              netmask: text("netmask"), gateway: text("gateway"), write: text("write") == "true",
              template: text("template"), tags: tags)
  }
}
