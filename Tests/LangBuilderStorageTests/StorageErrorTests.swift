import Foundation
import LangBuilderStorage
import Testing

@Suite struct StorageErrorTests {
    @Test(arguments: [
        (StorageError.notFound, "not found"),
        (.duplicate(field: "endpoint_name"), "endpoint_name"),
        (.versionConflict(currentToken: "abc"), "abc"),
        (.invalid("the limit must not be negative"), "the limit must not be negative"),
        (.backend("disk I/O error"), "disk I/O error"),
    ])
    func descriptionSaysWhatHappened(_ error: StorageError, _ expected: String) {
        #expect(error.description.contains(expected))
        #expect(error.localizedDescription == error.description)
    }

    @Test func timestampsRoundToMicroseconds() {
        let date = Date(timeIntervalSince1970: 1_750_000_000.123_456_1)
        #expect(StorageTimestamp.microseconds(date) == 1_750_000_000_123_456)
        #expect(StorageTimestamp.normalized(date) == StorageTimestamp.date(microseconds: 1_750_000_000_123_456))
        #expect(StorageTimestamp.normalized(StorageTimestamp.normalized(date)) == StorageTimestamp.normalized(date))
    }

    @Test func pagesCountFromOne() {
        #expect(Pagination.page(1, size: 50) == Pagination(offset: 0, limit: 50))
        #expect(Pagination.page(3, size: 20) == Pagination(offset: 40, limit: 20))
        #expect(Pagination.page(0, size: 20) == Pagination(offset: 0, limit: 20))
    }
}
