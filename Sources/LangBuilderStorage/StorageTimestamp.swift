public import Foundation

/// The precision every driver keeps for timestamps: whole microseconds since 1970 (what PostgreSQL keeps and
/// what Langflow shows). A driver returns dates rounded to it, so a record read back equals the one a create or
/// update returned.
public enum StorageTimestamp {
    /// Microseconds since 1970-01-01 00:00:00 UTC, rounded to the nearest.
    public static func microseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
    }

    /// The date `microseconds` after 1970-01-01 00:00:00 UTC.
    public static func date(microseconds: Int64) -> Date {
        Date(timeIntervalSince1970: Double(microseconds) / 1_000_000)
    }

    /// `date` rounded to storage precision.
    public static func normalized(_ date: Date) -> Date {
        self.date(microseconds: microseconds(date))
    }
}
