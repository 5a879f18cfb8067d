public import Foundation
public import LangBuilderCore

/// The catalogue of a component store: every bundle, its versions and their per-platform artifacts, plus the
/// revocation list. It travels inside a ``SignedIndex`` (`index.json`), signed as exact bytes.
///
/// `version` grows with every publish and a client refuses to go back (rollback); `expires` bounds how long a
/// copy stays valid, so a mirror cannot serve a frozen index forever.
public struct StoreIndex: Sendable, Equatable, Codable {
    /// The format of this document; a client refuses a newer one.
    public var formatVersion: Int
    /// Grows by one with every change; a client never accepts a lower one than it saw.
    public var version: Int
    /// When this index was signed.
    public var published: Date
    /// After this time clients refuse the index.
    public var expires: Date
    /// By bundle id.
    public var bundles: [StoreBundle]
    /// The kill list: bundles or versions no host may install or keep loaded.
    public var revoked: [Revocation]

    public static let currentFormatVersion = 1

    public init(version: Int = 0, published: Date = Date(), expires: Date, bundles: [StoreBundle] = [], revoked: [Revocation] = []) {
        self.formatVersion = Self.currentFormatVersion
        self.version = version
        self.published = published
        self.expires = expires
        self.bundles = bundles
        self.revoked = revoked
    }

    /// The bundle with this id, or with this short name (`std-text` for `dev.langbuilder.std-text`) when only one
    /// bundle has it.
    public func bundle(named name: String) -> StoreBundle? {
        if let exact = bundles.first(where: { $0.id == name }) { return exact }
        let byName = bundles.filter { $0.name == name }
        return byName.count == 1 ? byName[0] : nil
    }

    /// The revocation covering `version` of bundle `id`, if any.
    public func revocation(of id: String, version: String) -> Revocation? {
        revoked.first { revocation in
            guard revocation.bundle == id else { return false }
            guard let range = try? VersionRange(parsing: revocation.versions), let parsed = SemanticVersion(version) else { return true }
            return range.contains(parsed)
        }
    }

    /// Encodes the index the way it is signed: sorted keys, snake_case, ISO 8601 dates.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        return try encoder.encode(self)
    }

    /// Decodes an index payload; the error names the store and what is wrong.
    public static func decode(_ data: Data, store: String) throws(ComponentStoreError) -> StoreIndex {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.dateDecodingStrategy = .iso8601
        let index: StoreIndex
        do {
            index = try decoder.decode(StoreIndex.self, from: data)
        } catch {
            throw ComponentStoreError(.invalidIndex, subject: store, detail: "the signed index is not a valid store index (\(error))")
        }
        guard index.formatVersion <= currentFormatVersion else {
            throw ComponentStoreError(
                .invalidIndex, subject: store, field: "format_version", expected: "\(currentFormatVersion) or older", actual: "\(index.formatVersion)")
        }
        return index
    }
}

/// A bundle in the store: metadata for search and its published versions.
public struct StoreBundle: Sendable, Equatable, Codable {
    /// Reverse-DNS bundle id, e.g. `dev.langbuilder.std-text`.
    public var id: String
    /// Short name: the library's base name (`std-text` for `libstd-text.so`).
    public var name: String
    public var displayName: String
    public var description: String
    public var license: String?
    public var homepage: String?
    /// Oldest first.
    public var versions: [StoreBundleVersion]

    public init(id: String, name: String, displayName: String, description: String, license: String?, homepage: String?, versions: [StoreBundleVersion]) {
        self.id = id
        self.name = name
        self.displayName = displayName
        self.description = description
        self.license = license
        self.homepage = homepage
        self.versions = versions
    }

    /// The entry for exactly this version.
    public func version(_ text: String) -> StoreBundleVersion? {
        versions.first { $0.version == text }
    }

    /// The newest version (yanked included), by semver precedence.
    public var latest: StoreBundleVersion? {
        versions.max { Self.precedes($0.version, $1.version) }
    }

    /// Semver precedence on version strings; a string that is not a version sorts first.
    static func precedes(_ left: String, _ right: String) -> Bool {
        switch (SemanticVersion(left), SemanticVersion(right)) {
        case (let l?, let r?): return l < r
        case (nil, .some): return true
        default: return false
        }
    }
}

/// One published version of a bundle.
public struct StoreBundleVersion: Sendable, Equatable, Codable {
    public var version: String
    public var published: Date
    /// A yanked version is skipped unless asked for by an exact pin (`NAME@VERSION`).
    public var yanked: Bool
    public var yankReason: String?
    /// The ABI the bundle was built against: it loads in hosts of the same major and this minor or newer.
    public var abiVersion: ABIVersion
    /// The oldest host version this bundle supports.
    public var minHostVersion: String
    /// Other bundles it needs, by bundle id, with a semver range each.
    public var dependencies: [String: String]
    /// Component type names (for search).
    public var components: [String]
    public var artifacts: [StoreArtifact]

    public init(
        version: String, published: Date, yanked: Bool = false, yankReason: String? = nil, abiVersion: ABIVersion, minHostVersion: String,
        dependencies: [String: String] = [:], components: [String], artifacts: [StoreArtifact]
    ) {
        self.version = version
        self.published = published
        self.yanked = yanked
        self.yankReason = yankReason
        self.abiVersion = abiVersion
        self.minHostVersion = minHostVersion
        self.dependencies = dependencies
        self.components = components
        self.artifacts = artifacts
    }

    /// The ABI range the version loads in, for display: `>=1.2 <2.0`.
    public var abiRange: String { ">=\(abiVersion) <\(Int(abiVersion.major) + 1).0" }
}

/// One file to download: a packed bundle for one platform (and Swift compiler, for Swift bundles).
public struct StoreArtifact: Sendable, Equatable, Codable {
    public var os: String
    public var arch: String
    public var language: BuildFingerprint.Language
    /// For Swift bundles: the Swift compiler that built it, which must equal the host's.
    public var swiftCompilerVersion: String?
    /// Relative to the store root, e.g. `artifacts/dev.acme.tools/1.0.0/tools-1.0.0-linux-x86_64.zip`.
    public var path: String
    /// Lowercase hex SHA-256 of the artifact file.
    public var sha256: String
    /// Size in bytes.
    public var size: Int

    public init(os: String, arch: String, language: BuildFingerprint.Language, swiftCompilerVersion: String?, path: String, sha256: String, size: Int) {
        self.os = os
        self.arch = arch
        self.language = language
        self.swiftCompilerVersion = swiftCompilerVersion
        self.path = path
        self.sha256 = sha256
        self.size = size
    }

    public var platform: String { "\(os)-\(arch)" }

    /// What makes two artifacts of one version the same slot: a second upload to it must be identical.
    public var slot: String { language == .swift ? "\(platform)-swift\(swiftCompilerVersion ?? "?")" : platform }
}

/// An entry of the kill list.
public struct Revocation: Sendable, Equatable, Codable {
    /// The bundle id.
    public var bundle: String
    /// A ``VersionRange``; `*` revokes every version.
    public var versions: String
    public var reason: String
    public var revokedAt: Date

    public init(bundle: String, versions: String, reason: String, revokedAt: Date = Date()) {
        self.bundle = bundle
        self.versions = versions
        self.reason = reason
        self.revokedAt = revokedAt
    }
}
