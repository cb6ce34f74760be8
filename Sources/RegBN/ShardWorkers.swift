import Dispatch
import Linalg

/// A value moved into a reference so that one worker thread mutates it while the
/// others mutate theirs; the array of slots itself is never mutated. Each slot is
/// touched by one worker only, and read back after `concurrentPerform` returns.
private final class WorkerSlot<Value>: @unchecked Sendable {
    var value: Value
    var result = 0.0
    init(_ value: Value) { self.value = value }
}

/// Runs `body` on every element of `values` on up to `threads` threads — worker w takes
/// elements w, w + workers, … — and returns the elements' results in element order, so
/// that callers reduce them in an order that never depends on the thread count.
///
/// The elements are moved out of `values` while the workers run, so each worker owns
/// its element's storage and mutates it in place (no copy on write). OpenBLAS runs on
/// one thread meanwhile: `body` may call BLAS without oversubscribing the cores.
func mutateConcurrently<Value: Sendable>(_ values: inout [Value], threads: Int,
                                         _ body: @Sendable (inout Value) -> Double) -> [Double] {
    let workers = max(1, min(threads, values.count))
    guard workers > 1 else { return values.indices.map { body(&values[$0]) } }
    let slots = values.map(WorkerSlot.init)
    values.removeAll()
    BLAS.withSingleThread { _ in
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            for index in stride(from: worker, to: slots.count, by: workers) {
                slots[index].result = body(&slots[index].value)
            }
        }
    }
    values = slots.map(\.value)
    return slots.map(\.result)
}
