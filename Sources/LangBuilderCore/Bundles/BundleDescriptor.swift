/// What a bundle says about itself: identity, metadata, how it was built and what it exports.
///
/// Read from the live `lb_bundle_descriptor` by ``BundleLoader``; also the body of `manifest.json`.
public struct BundleDescriptor: Sendable, Equatable, Codable {
    /// Reverse-DNS identity, e.g. `dev.langbuilder.std-text`.
    public var id: String
    /// Semantic version, e.g. `1.0.0`.
    public var version: String
    public var displayName: String
    public var description: String
    public var license: String?
    public var homepage: String?
    /// The ABI version the bundle was built against.
    public var abiVersion: ABIVersion
    public var fingerprint: BuildFingerprint
    /// Its components, the plain-function ones included.
    public var components: [ComponentDescriptor]
    /// Names the optional capabilities the bundle answered to at load (see `lb_bundle_descriptor.extension`).
    public var extensions: [String]

    public init(
        id: String,
        version: String,
        displayName: String,
        description: String,
        license: String? = nil,
        homepage: String? = nil,
        abiVersion: ABIVersion,
        fingerprint: BuildFingerprint,
        components: [ComponentDescriptor],
        extensions: [String] = []
    ) {
        self.id = id
        self.version = version
        self.displayName = displayName
        self.description = description
        self.license = license
        self.homepage = homepage
        self.abiVersion = abiVersion
        self.fingerprint = fingerprint
        self.components = components
        self.extensions = extensions
    }
}

/// An ABI version: `major << 16 | minor` on the wire.
public struct ABIVersion: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var major: UInt16
    public var minor: UInt16

    public init(major: UInt16, minor: UInt16) {
        self.major = major
        self.minor = minor
    }

    public init(packed: UInt32) {
        self.init(major: UInt16(truncatingIfNeeded: packed >> 16), minor: UInt16(truncatingIfNeeded: packed & 0xFFFF))
    }

    public var packed: UInt32 { UInt32(major) << 16 | UInt32(minor) }
    public var description: String { "\(major).\(minor)" }

    public static func < (lhs: ABIVersion, rhs: ABIVersion) -> Bool { lhs.packed < rhs.packed }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        let parts = text.split(separator: ".").compactMap { UInt16($0) }
        guard parts.count == 2 else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "ABI version must be MAJOR.MINOR, found \(text)"))
        }
        self.init(major: parts[0], minor: parts[1])
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// How a bundle was built; the host refuses a bundle whose fingerprint differs from its own.
public struct BuildFingerprint: Sendable, Equatable, Codable {
    public enum Language: String, Sendable, Codable {
        case c, swift, other
    }
    public enum ByteOrder: String, Sendable, Codable {
        case little, big, unknown
    }

    public var pointerSize: Int
    public var valueSize: Int
    public var byteOrder: ByteOrder
    public var language: Language
    /// For Swift bundles: the Swift compiler version, which must equal the host's.
    public var swiftCompilerVersion: String?

    public init(pointerSize: Int, valueSize: Int, byteOrder: ByteOrder, language: Language, swiftCompilerVersion: String?) {
        self.pointerSize = pointerSize
        self.valueSize = valueSize
        self.byteOrder = byteOrder
        self.language = language
        self.swiftCompilerVersion = swiftCompilerVersion
    }
}
