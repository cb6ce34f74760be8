import Foundation

/// The two n×n buffers the exact kernel statistics work in. Pass one workspace
/// to successive calls (HSIC, then distance correlation, then the next layer):
/// freshly allocated pages are several times slower to touch than reused ones
/// on the machines this tool targets, and at n = 10 000 each buffer is 800 MB.
///
/// Not thread-safe: use one workspace per concurrent caller.
public final class KernelWorkspace {
    var first: [Double] = []
    var second: [Double] = []

    public init() {}

    /// Bytes the buffers currently hold.
    public var heldBytes: Int { (first.capacity + second.capacity) * MemoryLayout<Double>.stride }

    /// Releases the buffers' memory.
    public func release() {
        first = []
        second = []
    }
}

/// Sets `array.count` to `count`, keeping its capacity when it shrinks so a
/// later, larger call reuses the pages already touched.
func resize(_ array: inout [Double], to count: Int) {
    if array.count > count {
        array.removeLast(array.count - count)
    } else if array.count < count {
        array.append(contentsOf: repeatElement(0, count: count - array.count))
    }
}

/// Worker threads for the module's parallel passes when the caller does not say.
public var defaultThreadCount: Int { ProcessInfo.processInfo.activeProcessorCount }
