/// A small binary message for what ranks must agree on beyond arrays of numbers
/// (a decision, a search record, an error), sent with `broadcast` or
/// `allgather` as bytes. Numbers are written as their exact bit patterns, so a
/// value read back is the value written, bit for bit; integers are 64-bit
/// little-endian.
public struct MessageWriter: Sendable {
    public private(set) var bytes: [UInt8] = []

    public init() {}

    public mutating func append(_ value: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }

    public mutating func append(_ value: Int) { append(UInt64(bitPattern: Int64(value))) }
    public mutating func append(_ value: Double) { append(value.bitPattern) }
    public mutating func append(_ value: Float) { append(UInt64(value.bitPattern)) }
    public mutating func append(_ value: Bool) { append(UInt64(value ? 1 : 0)) }

    public mutating func append(_ value: String) {
        let utf8 = Array(value.utf8)
        append(utf8.count)
        bytes.append(contentsOf: utf8)
    }

    public mutating func append(_ values: [Double]) {
        append(values.count)
        values.forEach { append($0) }
    }
}

/// Reads what a `MessageWriter` wrote, in the same order.
public struct MessageReader: Sendable {
    private let bytes: [UInt8]
    private var position = 0

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public var isAtEnd: Bool { position == bytes.count }

    public mutating func uint64() throws(CommunicatorError) -> UInt64 {
        guard position + 8 <= bytes.count else { throw truncated(8) }
        var value: UInt64 = 0
        for k in 0..<8 { value |= UInt64(bytes[position + k]) << UInt64(8 * k) }
        position += 8
        return value
    }

    public mutating func int() throws(CommunicatorError) -> Int { Int(Int64(bitPattern: try uint64())) }
    public mutating func double() throws(CommunicatorError) -> Double { Double(bitPattern: try uint64()) }
    public mutating func float() throws(CommunicatorError) -> Float { Float(bitPattern: UInt32(truncatingIfNeeded: try uint64())) }
    public mutating func bool() throws(CommunicatorError) -> Bool { try uint64() != 0 }

    public mutating func string() throws(CommunicatorError) -> String {
        let count = try length()
        let text = String(decoding: bytes[position..<(position + count)], as: UTF8.self)
        position += count
        return text
    }

    public mutating func doubles() throws(CommunicatorError) -> [Double] {
        let count = try int()
        guard count >= 0, count <= (bytes.count - position) / 8 else { throw truncated(count * 8) }
        var values: [Double] = []
        values.reserveCapacity(count)
        for _ in 0..<count { values.append(try double()) }
        return values
    }

    /// A byte count that the rest of the message can hold.
    private mutating func length() throws(CommunicatorError) -> Int {
        let count = try int()
        guard count >= 0, count <= bytes.count - position else { throw truncated(count) }
        return count
    }

    private func truncated(_ needed: Int) -> CommunicatorError {
        CommunicatorError(call: "MessageReader",
                          reason: "a message of \(bytes.count) bytes ends before \(needed) more at byte \(position)")
    }
}
