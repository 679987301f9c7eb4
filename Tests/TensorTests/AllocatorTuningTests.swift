import Testing

@testable import Tensor

struct AllocatorTuningTests {
    /// glibc must accept both settings. The C shim once tested `__GLIBC__` before including any libc header, so it
    /// compiled to its fallback and the run paid ~40 % of its CPU time in page faults with no sign of it.
    #if canImport(Glibc)
        @Test func glibcAcceptsTheSettings() {
            #expect(AllocatorTuning.keepLargeBlocks())
        }
    #endif
}
