/// Why the component store refused something. Each attack the store defends against has its own ``Reason``, so
/// tools and tests can tell a tampered artifact from a tampered index or an expired one.
///
/// The description names the subject (store, bundle, artifact or archive entry) and, where it applies, the
/// expected and actual values: `dev.acme.tools 1.2.0 (linux-x86_64): sha256: expected 3fa4…, found 91c0…`.
public struct ComponentStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of refusal this is; tests and tools switch over it.
    public enum Reason: String, Sendable, Equatable, Codable {
        // The index and its signatures.
        /// The index carries no signature at all.
        case unsignedIndex
        /// A signature made with a trusted key does not match the index: its payload was changed after signing.
        case badSignature
        /// The index is signed, but by none of the keys this host trusts.
        case untrustedKey
        /// The index's `version` is lower than one this host already saw (or equal with other content).
        case indexRollback
        /// The index's `expires` time has passed: a mirror may be serving a frozen copy.
        case indexExpired
        /// The index is not valid JSON of the expected shape, or breaks one of its rules.
        case invalidIndex

        // Artifacts.
        /// The artifact's SHA-256 differs from the index's.
        case checksumMismatch
        /// The artifact is larger than the index says, or than this host accepts.
        case artifactTooLarge
        /// The artifact's size differs from the index's.
        case sizeMismatch
        /// An archive entry has an absolute path or a `..` component (zip-slip), or is nested.
        case unsafePath
        /// An archive entry is a symbolic or hard link.
        case linkEntry
        /// An archive holds more entries, or more bytes, than this host accepts.
        case archiveTooLarge
        /// The archive is not a readable ZIP file, or lacks the manifest or library.
        case invalidArtifact

        // Compatibility.
        /// No artifact for this host's operating system and architecture.
        case wrongPlatform
        /// The bundle needs a newer ABI minor than this host implements.
        case newerABIMinor
        /// The bundle was built for another ABI major.
        case abiMajorMismatch
        /// A Swift bundle built by another Swift compiler than this host's.
        case swiftCompilerMismatch
        /// The bundle needs a newer host.
        case hostTooOld
        /// The version is yanked and was not asked for by an exact pin.
        case yanked
        /// The bundle (or this version of it) is on the store's revocation list.
        case revoked
        /// A dependency cannot be satisfied.
        case dependencyUnsatisfied

        // Catalogue and publishing.
        /// No such bundle, or no such version, in the store.
        case notFound
        /// No version matches the request and this host.
        case noCompatibleVersion
        /// A published version would change: same version and platform, different content.
        case versionImmutable
        /// The artifact's manifest disagrees with the index or with the request.
        case manifestMismatch

        // Installation.
        /// `langbuilder bundle validate` refused the unpacked bundle.
        case validationFailed
        /// The bundle is not installed.
        case notInstalled
        /// There is no previous version to roll back to.
        case noPreviousVersion
        /// The bundle is used by stored flows (use `--force`).
        case inUse
        /// Installed files differ from what was installed.
        case installedFilesChanged
        /// A key file, trust file or URL is malformed.
        case invalidConfiguration
        /// A file could not be read or written.
        case io
        /// The store could not be reached, or answered with an HTTP error.
        case transport
    }

    public var reason: Reason
    /// What was refused: a store URL, `bundle version (platform)`, an archive entry, a file.
    public var subject: String
    public var field: String?
    public var expected: String?
    public var actual: String?
    /// A sentence saying what is wrong when expected/actual do not say it all.
    public var detail: String?

    public init(
        _ reason: Reason, subject: String, field: String? = nil, expected: String? = nil, actual: String? = nil, detail: String? = nil
    ) {
        self.reason = reason
        self.subject = subject
        self.field = field
        self.expected = expected
        self.actual = actual
        self.detail = detail
    }

    /// `subject: field: detail; expected X, found Y [reason]`.
    public var description: String {
        var message = subject
        if let field { message += ": " + field }
        var tail: [String] = []
        if let detail { tail.append(detail) }
        if let expected, let actual {
            tail.append("expected \(expected), found \(actual)")
        } else if let expected {
            tail.append("expected \(expected)")
        } else if let actual {
            tail.append("found \(actual)")
        }
        if !tail.isEmpty { message += ": " + tail.joined(separator: "; ") }
        return message + " [\(reason.rawValue)]"
    }
}
