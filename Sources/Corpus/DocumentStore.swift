/// Accepted documents of one split, kept in one contiguous byte buffer (no per-document
/// allocation), in the order they were read.
public struct DocumentStore: Sendable {
    /// All documents' UTF-8 bytes, back to back.
    public private(set) var bytes: [UInt8] = []
    /// `ends[i]` is one past the last byte of document `i`.
    public private(set) var ends: [Int] = []
    /// Index into the plan's sources, per document.
    public private(set) var sourceIndex: [Int32] = []
    /// Lowercase extension, per document.
    public private(set) var extensions: [String] = []

    public init() {}

    public var count: Int { ends.count }

    public mutating func append(_ document: UnsafeRawBufferPointer, source: Int, fileExtension: String) {
        bytes.append(contentsOf: document)
        ends.append(bytes.count)
        sourceIndex.append(Int32(source))
        extensions.append(fileExtension)
    }

    /// Byte range of document `i`.
    public func range(_ i: Int) -> Range<Int> { (i == 0 ? 0 : ends[i - 1])..<ends[i] }

    /// Document `i` as a String (the bytes were checked to be UTF-8 when accepted).
    public func text(_ i: Int) -> String {
        let r = range(i)
        return bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[r]), as: UTF8.self) }
    }

    /// Calls `body` with each document's bytes in order.
    public func forEach(_ body: (Int, UnsafeBufferPointer<UInt8>) throws -> Void) rethrows {
        try bytes.withUnsafeBufferPointer { all in
            for i in 0..<ends.count { try body(i, UnsafeBufferPointer(rebasing: all[range(i)])) }
        }
    }
}
