import Lang

/// The cluster: model, store, image builder, templates, overlays and boot
/// artifacts, and the library that exposes them to the language.
public enum Runtime {}
