/// Sprig's functions as Warewulf's templates see them: the subset of `sprig.TxtFuncMap`
/// (v3.3.0) that Howl ships, plus Helm's `required`.
enum SprigFunctions {
  static let registry: TemplateFunctionRegistry = {
    var r = TemplateFunctionRegistry()
    SprigStrings.register(into: &r)
    SprigRegex.register(into: &r)
    SprigCollections.register(into: &r)
    SprigFlow.register(into: &r)
    return r
  }()
}
