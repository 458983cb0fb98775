/// A growable byte buffer for output. The decode output path writes every value of every row, so this
/// avoids what `[UInt8]` costs per append (uniqueness checks, bounds checks) and never builds Strings.
public final class ByteSink {
    private var storage: UnsafeMutablePointer<UInt8>
    public private(set) var count = 0
    private var capacity: Int

    /// The JSON object keys of the last column list written: consecutive rows share their table's names.
    private var cachedNames: [String] = []
    private var cachedKeys: [[UInt8]] = []

    func objectKeys(for names: [String]) -> [[UInt8]] {
        if names != cachedNames {
            cachedNames = names
            cachedKeys = JSONLineWriter.objectKeys(names)
        }
        return cachedKeys
    }

    public init(capacity: Int = 1 << 16) {
        self.capacity = max(capacity, 64)
        storage = .allocate(capacity: self.capacity)
    }

    deinit { storage.deallocate() }

    public var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: storage, count: count) }

    public func removeAll() { count = 0 }

    @inline(__always)
    private func reserve(_ extra: Int) {
        if count + extra > capacity { grow(to: count + extra) }
    }

    private func grow(to needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let newStorage = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newStorage.update(from: storage, count: count)
        storage.deallocate()
        storage = newStorage
        capacity = newCapacity
    }

    @inline(__always)
    public func append(_ byte: UInt8) {
        reserve(1)
        storage[count] = byte
        count += 1
    }

    public func append(_ buffer: UnsafeBufferPointer<UInt8>) {
        guard let base = buffer.baseAddress, !buffer.isEmpty else { return }
        reserve(buffer.count)
        (storage + count).update(from: base, count: buffer.count)
        count += buffer.count
    }

    public func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { append($0) }
    }

    @inline(__always)
    public func appendASCII(_ text: StaticString) {
        text.withUTF8Buffer { append($0) }
    }

    public func appendText(_ text: String) {
        var text = text
        text.withUTF8 { append($0) }
    }

    /// "00" through "99": numbers are written two digits per division.
    private static let digitPairs: [UInt8] = {
        var pairs: [UInt8] = []
        for value in 0..<100 {
            pairs.append(UInt8(48 + value / 10))
            pairs.append(UInt8(48 + value % 10))
        }
        return pairs
    }()

    public func appendDecimal(_ value: UInt64) {
        reserve(20)
        if value < 10 {
            storage[count] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value)
            count += 1
            return
        }
        let digits = Self.digitCount(value)
        var remaining = value
        var index = count + digits
        Self.digitPairs.withUnsafeBufferPointer { pairs in
            while remaining >= 100 {
                let pair = Int(remaining % 100) * 2
                remaining /= 100
                index -= 2
                storage[index] = pairs[pair]
                storage[index + 1] = pairs[pair + 1]
            }
            if remaining >= 10 {
                let pair = Int(remaining) * 2
                storage[index - 2] = pairs[pair]
                storage[index - 1] = pairs[pair + 1]
            } else {
                storage[index - 1] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: remaining)
            }
        }
        count += digits
    }

    @inline(__always)
    static func digitCount(_ value: UInt64) -> Int {
        var digits = 1
        var threshold: UInt64 = 10
        while value >= threshold {
            digits += 1
            if digits == 20 { break }
            threshold &*= 10
        }
        return digits
    }

    public func appendDecimal(_ value: Int64) {
        if value < 0 { append(UInt8(ascii: "-")) }
        appendDecimal(value.magnitude)
    }

    /// A number zero-padded to at least `width` digits.
    public func appendPadded(_ value: UInt64, width: Int) {
        let digits = Self.digitCount(value)
        if digits < width {
            reserve(width - digits)
            for _ in 0..<(width - digits) {
                storage[count] = UInt8(ascii: "0")
                count += 1
            }
        }
        appendDecimal(value)
    }
}
