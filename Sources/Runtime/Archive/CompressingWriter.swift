/// A compressor that streams what it is given into a file descriptor.
protocol CompressingWriter: AnyObject {
  /// Bytes of compressed output written so far.
  var compressedBytes: Int { get }
  /// Appends uncompressed bytes.
  func write(_ bytes: UnsafeRawBufferPointer) throws
  /// Compresses the rest and ends the stream.
  func finish() throws
}
