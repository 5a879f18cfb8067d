import Foundation
public import LangBuilderStorage
public import Logging
import Synchronization

/// Credentials verified recently, so a request does not pay for a signature check and two storage reads, and
/// API key uses counted in memory and written in batches instead of one storage write per request.
///
/// An entry lives at most ``lifetime`` (and never past its token's expiry). The server's own changes to users and
/// API keys (delete, deactivate, new password) clear the cache at once; another server process sharing the storage
/// sees such a change within ``lifetime``. Key uses (`total_uses`, `last_used_at`) are written at most every
/// ``usageFlushInterval`` and at shutdown (``flushUses(to:)``).
public final class CredentialCache: Sendable {
    struct Entry {
        var user: UserRecord
        var keyID: UUID?
        var expires: ContinuousClock.Instant
    }

    private struct Uses {
        var counts: [UUID: (count: Int, last: Date)] = [:]
        var lastFlush = ContinuousClock.now
        var flushing = false
    }

    public let lifetime: Duration
    public let usageFlushInterval: Duration
    /// Bounds memory: past this many entries the cache is cleared.
    static let capacity = 10_000

    private let entries = Mutex<[String: Entry]>([:])
    private let uses = Mutex(Uses())

    public init(lifetime: Duration = .seconds(5), usageFlushInterval: Duration = .seconds(1)) {
        self.lifetime = lifetime
        self.usageFlushInterval = usageFlushInterval
    }

    func entry(_ key: String) -> Entry? {
        let now = ContinuousClock.now
        return entries.withLock { entries in
            guard let entry = entries[key] else { return nil }
            guard entry.expires > now else {
                entries[key] = nil
                return nil
            }
            return entry
        }
    }

    func store(_ key: String, user: UserRecord, keyID: UUID? = nil, notAfter: Date? = nil) {
        var expires = ContinuousClock.now + lifetime
        if let notAfter {
            let left = notAfter.timeIntervalSinceNow
            guard left > 0 else { return }
            if left < Double(lifetime.components.seconds) { expires = ContinuousClock.now + .milliseconds(Int(left * 1000)) }
        }
        entries.withLock { entries in
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = Entry(user: user, keyID: keyID, expires: expires)
        }
    }

    /// Forgets every verified credential (after a change to users or API keys).
    public func invalidateAll() {
        entries.withLock { $0.removeAll() }
    }

    /// Counts a use of an API key; returns whether a batch is due to be written.
    func noteUse(of keyID: UUID, at date: Date) -> Bool {
        uses.withLock { uses in
            let previous = uses.counts[keyID]?.count ?? 0
            uses.counts[keyID] = (previous + 1, date)
            guard !uses.flushing, ContinuousClock.now - uses.lastFlush >= usageFlushInterval else { return false }
            uses.flushing = true
            return true
        }
    }

    /// Writes the counted API key uses to `storage`.
    public func flushUses(to storage: any StorageDriver, logger: Logger? = nil) async {
        let batch = uses.withLock { uses in
            let batch = uses.counts
            uses.counts.removeAll()
            uses.lastFlush = .now
            return batch
        }
        for (id, use) in batch {
            do {
                try await storage.recordAPIKeyUse(id: id, at: use.last, count: use.count)
            } catch StorageError.notFound {
                // The key was deleted meanwhile: nothing to count.
            } catch {
                logger?.warning("could not record \(use.count) use(s) of API key \(id): \(error)")
            }
        }
        uses.withLock { $0.flushing = false }
    }
}
