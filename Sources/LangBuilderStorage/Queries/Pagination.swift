/// A window over an ordered list of records.
public struct Pagination: Sendable, Equatable, Hashable {
    /// How many records to skip.
    public var offset: Int
    /// How many records to return at most; 0 returns only the total.
    public var limit: Int

    public init(offset: Int = 0, limit: Int) {
        self.offset = offset
        self.limit = limit
    }

    /// Langflow's `page` (counted from 1) and `size`.
    public static func page(_ number: Int, size: Int) -> Pagination {
        Pagination(offset: max(number - 1, 0) * max(size, 0), limit: size)
    }

    /// Throws ``StorageError/invalid(_:)`` for a negative offset or limit. Drivers call it before querying.
    public func validate() throws {
        guard offset >= 0 else { throw StorageError.invalid("the offset must not be negative (got \(offset))") }
        guard limit >= 0 else { throw StorageError.invalid("the limit must not be negative (got \(limit))") }
    }
}

/// One page of records and the number of records the query matches without the window.
public struct RecordPage<Record: Sendable>: Sendable {
    public var items: [Record]
    public var total: Int

    public init(items: [Record], total: Int) {
        self.items = items
        self.total = total
    }
}

extension RecordPage: Equatable where Record: Equatable {}
