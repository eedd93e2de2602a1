import Foundation

/// The native stack Howl calls recurse on. Scripts run on a thread with a
/// large stack (`runOnLargeStack`), and every call checks that room is left
/// (against `limit()`), so deep recursion ends in a "too many nested calls" error
/// rather than a crash, however much stack each call takes.
public enum CallStack {
  /// The stack of the thread `runOnLargeStack` starts: reserved, and only
  /// touched as deep as the recursion goes.
  public static let largeSize = 1 << 30

  /// Stack kept free below the deepest call, for the native code a call
  /// runs (printing, libraries) that does not check.
  static let reserve = 256 << 10

  /// Runs `body` on a new thread with a stack of `size` bytes and waits for
  /// it. An interpreter and its values must be used from one thread only,
  /// so a host runs everything that touches them inside `body`.
  public static func runOnLargeStack<T>(size: Int = largeSize, _ body: () -> T) -> T {
    withoutActuallyEscaping(body) { body in
      var result: T?
      let work = Work { result = body() }
      var attributes = pthread_attr_t()
      pthread_attr_init(&attributes)
      defer { pthread_attr_destroy(&attributes) }
      pthread_attr_setstacksize(&attributes, size)
      var thread = pthread_t()
      let context = Unmanaged.passRetained(work).toOpaque()
      let started = pthread_create(&thread, &attributes, { context in
        Unmanaged<Work>.fromOpaque(context!).takeRetainedValue().run()
        return nil
      }, context)
      if started != 0 {
        Unmanaged<Work>.fromOpaque(context).release()
        return body()
      }
      pthread_join(thread, nil)
      return result!
    }
  }

  private final class Work {
    let run: () -> Void
    init(_ run: @escaping () -> Void) { self.run = run }
  }

  /// glibc's `pthread_getattr_np`, which Swift does not import (it needs
  /// `_GNU_SOURCE`): the attributes, stack included, of a running thread.
  private typealias GetAttributes = @convention(c) (pthread_t, UnsafeMutablePointer<pthread_attr_t>) -> Int32
  private static let getAttributes: GetAttributes? = {
    guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "pthread_getattr_np") else { return nil }
    return unsafeBitCast(symbol, to: GetAttributes.self)
  }()

  /// The lowest stack address a call may reach on the current thread (0,
  /// no limit, where the stack cannot be found).
  static func limit() -> UInt {
    var attributes = pthread_attr_t()
    guard let getAttributes, getAttributes(pthread_self(), &attributes) == 0 else { return 0 }
    defer { pthread_attr_destroy(&attributes) }
    var base: UnsafeMutableRawPointer?
    var size = 0
    guard pthread_attr_getstack(&attributes, &base, &size) == 0, let base else { return 0 }
    return UInt(bitPattern: base) + UInt(min(reserve, size / 4))
  }

  /// The current depth of the native stack, as an address.
  @inline(__always)
  static func pointer() -> UInt {
    var marker: UInt8 = 0
    return withUnsafeMutablePointer(to: &marker) { UInt(bitPattern: $0) }
  }
}
