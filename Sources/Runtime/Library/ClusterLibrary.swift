import Lang

/// Installs the cluster into an interpreter: the collections `nodes`,
/// `profiles`, `images`, `exports`, the `server` settings, the transaction
/// (`diff`, `commit`, `rollback`), `hostlist`, `explain`, root strategies,
/// `mount`, the `overlays`, and what `use node|nodes|profile|image|export|overlay "…"` selects.
public enum ClusterLibrary {
  public static func install(into i: Interpreter, cluster: ClusterContext) {
    let nodes = NodeCollection(cluster)
    let profiles = ProfileCollection(cluster)
    let images = ImageCollection(cluster)
    let exports = ExportCollection(cluster)
    i.define("nodes", .object(nodes))
    i.define("profiles", .object(profiles))
    i.define("images", .object(images))
    i.define("exports", .object(exports))
    i.define("server", .object(ServerView(cluster)))
    i.define("dns", .object(DNSView(cluster)))
    i.define("tsig") { _, args in try TSIGKeyValue.make(args) }
    let overlays = OverlayCollection(cluster)
    i.define("overlays", .object(overlays))

    i.define("hostlist") { _, args in
      try args.expect("hostlist", count: 1...1)
      switch args[0] {
      case .string(let s): return .list(try ClusterFunctions.expand(s).map { .string($0) })
      case .list(let l): return .string(Hostlist.compress(try l.items.map { try ClusterFunctions.text($0, "a node name") }))
      default: throw LangError("hostlist() takes a hostlist string to expand or a list of names to compress")
      }
    }
    i.define("diff") { _, args in
      try args.expect("diff", count: 0...0)
      return .object(DiffView(cluster.diff()))
    }
    i.define("commit") { _, args in
      try args.expect("commit", count: 0...0)
      return .object(DiffView(try cluster.commit()))
    }
    i.define("rollback") { _, args in
      try args.expect("rollback", count: 0...0)
      cluster.rollback()
      return .null
    }
    i.define("explain") { _, args in
      try args.expect("explain", count: 2...2)
      guard case .object(let node as EntityRef) = args[0], node.kind == .node else {
        throw LangError("explain() takes a node and a field name: explain(node, \"kernel.args\")")
      }
      return .string(try ClusterFunctions.explain(node, field: try ClusterFunctions.text(args[1], "the field")))
    }
    i.define("initramfs") { _, args in
      try args.expect("initramfs", count: 0...0)
      return .object(RootStrategy(.initramfs))
    }
    i.define("tmpfs") { _, args in
      try args.expect("tmpfs", count: 0...0)
      return .object(RootStrategy(.tmpfs))
    }
    i.define("xfs") { _, args in try RootStrategy.disk(.xfs, args) }
    i.define("ext4") { _, args in try RootStrategy.disk(.ext4, args) }
    i.define("mount") { _, args in try MountValue.make(args) }

    i.registerUse("node") { v in ("node", try nodes.index(v, in: i)) }
    i.registerUse("nodes") { v in ("node", .object(try nodes.select(try ClusterFunctions.names(v)))) }
    i.registerUse("profile") { v in ("profile", try profiles.index(v, in: i)) }
    i.registerUse("image") { v in ("image", try images.index(v, in: i)) }
    i.registerUse("export") { v in ("export", try exports.index(v, in: i)) }
    i.registerUse("overlay") { v in ("overlay", try overlays.index(v, in: i)) }
  }
}
