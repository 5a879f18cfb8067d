import LangBuilderStorage
import LangBuilderTesting
import Testing

@Suite struct MemoryStorageDriverTests {
    /// The memory driver keeps nothing across a close, so the persistence case does not apply.
    static let cases = StorageDriverConformance.Case.allCases.filter { $0 != .persistence }

    @Test(arguments: cases)
    func conformance(_ testCase: StorageDriverConformance.Case) async throws {
        try await StorageDriverConformance(makeDriver: { MemoryStorageDriver() }).run(testCase)
    }
}
