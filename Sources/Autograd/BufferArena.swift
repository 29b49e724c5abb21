// BufferArena: bump allocation of Float buffers, reset each step, so a step allocates nothing after the first.

/// Bump allocator for tape tensors and scratch space.
///
/// A training step makes the same allocations in the same order every time; after the first step the arena's
/// blocks are large enough and `reset()` + the next step reuse them without touching the heap. When a request
/// does not fit, a new block is added (at least `minimumBlockFloats`); on `reset()` several blocks are merged
/// into one block of their total size so the next step runs from one block.
/// Buffers are 64-byte aligned. Not thread-safe: one arena per tape.
final class BufferArena {
    private struct Block { let base: UnsafeMutablePointer<Float>; let capacity: Int }
    private var blocks: [Block] = []
    private var blockIndex = 0
    private var offset = 0
    /// Floats handed out since the last reset, and the most ever handed out in one step.
    private(set) var usedFloats = 0
    private(set) var peakFloats = 0
    let minimumBlockFloats: Int

    init(minimumBlockFloats: Int = 1 << 20) {
        self.minimumBlockFloats = minimumBlockFloats
        blocks.reserveCapacity(16)
    }

    deinit { for b in blocks { b.base.deallocate() } }

    /// `count` uninitialised floats, valid until `reset()`.
    func allocate(_ count: Int) -> UnsafeMutablePointer<Float> {
        let n = (max(count, 1) + 15) & ~15
        usedFloats += n
        while blockIndex < blocks.count {
            let b = blocks[blockIndex]
            if offset + n <= b.capacity {
                let p = b.base + offset
                offset += n
                return p
            }
            blockIndex += 1
            offset = 0
        }
        let capacity = max(n, minimumBlockFloats)
        let raw = UnsafeMutableRawPointer.allocate(byteCount: capacity * 4, alignment: 64)
        let base = raw.bindMemory(to: Float.self, capacity: capacity)
        blocks.append(Block(base: base, capacity: capacity))
        blockIndex = blocks.count - 1
        offset = n
        return base
    }

    /// `count` zeroed floats, valid until `reset()`.
    func allocateZeroed(_ count: Int) -> UnsafeMutablePointer<Float> {
        let p = allocate(count)
        p.update(repeating: 0, count: max(count, 1))
        return p
    }

    /// Makes every buffer available again. Merges blocks into one when the last step needed more than one.
    func reset() {
        peakFloats = max(peakFloats, usedFloats)
        if blocks.count > 1 {
            let total = blocks.reduce(0) { $0 + $1.capacity }
            for b in blocks { b.base.deallocate() }
            blocks.removeAll(keepingCapacity: true)
            let raw = UnsafeMutableRawPointer.allocate(byteCount: total * 4, alignment: 64)
            blocks.append(Block(base: raw.bindMemory(to: Float.self, capacity: total), capacity: total))
        }
        blockIndex = 0
        offset = 0
        usedFloats = 0
    }

    /// Bytes currently reserved from the heap.
    var reservedBytes: Int { blocks.reduce(0) { $0 + $1.capacity } * 4 }
}
