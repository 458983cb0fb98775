import BinlogDecoding
import Testing

/// Feeds truncated, bit-flipped and length-corrupted events to the decoder: each must end in a value or a
/// typed error — never a crash, a hang or an allocation the input does not justify.
@Suite("Corrupt events", .enabled(if: Fixtures.isAvailable, Fixtures.missingComment))
struct CorruptEventTests {
    /// A small deterministic generator (SplitMix64), so a failure reproduces from its seed.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    enum Mutation: CaseIterable {
        case truncate, flipBits, corruptLength, corruptLengthPrefix, overwriteRun
    }

    /// Decoder states just before each interesting event, so mutated row events meet their real table maps.
    static func corpus() -> [(decoder: BinlogEventDecoder, event: [UInt8])] {
        var corpus: [(BinlogEventDecoder, [UInt8])] = []
        for file in Fixtures.binlogFiles() {
            var decoder = BinlogEventDecoder(verifiesChecksums: false)
            for event in Fixtures.events(file) {
                corpus.append((decoder, event))
                _ = try? decoder.decode(event)
            }
        }
        return corpus
    }

    @Test("100,000 mutated events end in a value or a typed error")
    func mutatedEventsNeverCrash() throws {
        let corpus = Self.corpus()
        try #require(corpus.count > 1000, "fixtures missing: \(Fixtures.root)")
        var generator = SeededGenerator(state: 0x7AB1_E0_1EE)
        var outcomes: [String: Int] = [:]
        for iteration in 0..<100_000 {
            let (start, original) = corpus[Int.random(in: 0..<corpus.count, using: &generator)]
            var decoder = start
            let mutated = mutate(original, Mutation.allCases.randomElement(using: &generator) ?? .truncate, using: &generator)
            do {
                _ = try decoder.decode(mutated)
                outcomes["decoded", default: 0] += 1
            } catch {
                outcomes[String(describing: error).prefix(20).description, default: 0] += 1
            }
            _ = iteration
        }
        // Both outcomes must occur: mutations that still decode, and ones caught as errors.
        #expect(outcomes["decoded", default: 0] > 0)
        #expect(outcomes.filter { $0.key != "decoded" }.values.reduce(0, +) > 10_000)
    }

    @Test("With checksums on, a single flipped bit is always caught")
    func checksumCatchesBitFlips() throws {
        let files = Fixtures.binlogFiles().filter { $0.hasSuffix("haha.000041") || $0.hasSuffix("mysql-bin.000012") }
        var generator = SeededGenerator(state: 42)
        var checked = 0
        for file in files {
            var decoder = BinlogEventDecoder()
            for event in Fixtures.events(file) {
                var flipped = event
                let bit = Int.random(in: 0..<(event.count * 8), using: &generator)
                flipped[bit / 8] ^= 1 << UInt8(bit % 8)
                var copy = decoder
                // The flipped event must fail (checksum, or a header the framing rejects).
                #expect(throws: BinlogDecodingError.self) { _ = try copy.decode(flipped) }
                _ = try decoder.decode(event)
                checked += 1
            }
        }
        #expect(checked > 100)
    }

    private func mutate(_ event: [UInt8], _ mutation: Mutation, using generator: inout SeededGenerator) -> [UInt8] {
        var bytes = event
        guard !bytes.isEmpty else { return bytes }
        switch mutation {
        case .truncate:
            let length = Int.random(in: 0..<bytes.count, using: &generator)
            bytes = Array(bytes.prefix(length))
            // Keep the header's length consistent half of the time, so truncation reaches the body decoders.
            if length >= 13, Bool.random(using: &generator) { write(UInt32(length), at: 9, in: &bytes) }
        case .flipBits:
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                let bit = Int.random(in: 0..<(bytes.count * 8), using: &generator)
                bytes[bit / 8] ^= 1 << UInt8(bit % 8)
            }
        case .corruptLength:
            if bytes.count >= 13 {
                let choices: [UInt32] = [0, 1, 18, 19, UInt32(bytes.count + 1), UInt32.max, UInt32.random(in: 0...UInt32.max, using: &generator)]
                write(choices.randomElement(using: &generator) ?? 0, at: 9, in: &bytes)
            }
        case .corruptLengthPrefix:
            // Bytes that read as length prefixes or counts: 0xFC/0xFD/0xFE and large values.
            let offset = Int.random(in: min(19, bytes.count - 1)..<bytes.count, using: &generator)
            bytes[offset] = [0xFB, 0xFC, 0xFD, 0xFE, 0xFF, 0x7F, 0x80].randomElement(using: &generator) ?? 0xFF
        case .overwriteRun:
            let offset = Int.random(in: 0..<bytes.count, using: &generator)
            let length = min(bytes.count - offset, Int.random(in: 1...16, using: &generator))
            for index in offset..<(offset + length) { bytes[index] = UInt8.random(in: 0...255, using: &generator) }
        }
        return bytes
    }

    private func write(_ value: UInt32, at offset: Int, in bytes: inout [UInt8]) {
        for index in 0..<4 { bytes[offset + index] = UInt8(truncatingIfNeeded: value >> UInt32(8 * index)) }
    }
}
